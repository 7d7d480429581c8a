"""The consolidated store: one DuckDB file holding many verified village ledgers.

Its tables are described in the package's docstring and in docs/district.md. ``STORE_VERSION``
is kept in ``store_version``: a store made by a newer program is refused, never changed; one
of version 2 is brought up to date in place when it is opened to write (``_migrate``).

The store's *state* counts every outcome it has recorded (a load, and a file refused,
rewritten or found unchanged), 1, 2, 3...: as at a state, the figures and the attention
list read only what was recorded up to it, so a printed report's code keeps checking.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.district import engine
from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import LedgerUnavailable

# 2: the concerns found at each load and each file's latest outcome (the attention list).
# 3: per-load, per-year sums (``year_sums``); every outcome numbered by the state it made,
# kept as a history, and each load's village name and last record's time (the attention
# list as at a state).
STORE_VERSION = 3
MIGRATES_FROM = 2  # the oldest version brought up to date in place

# DuckDB's files carry "DUCK" after an 8-byte checksum.
_MAGIC = b"DUCK"

# Made by a new store and by the upgrade from version 2 alike.
_YEAR_SUMS_TABLE = """
CREATE TABLE year_sums (
    ledger VARCHAR NOT NULL,
    state BIGINT NOT NULL,
    account VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    amount BIGINT NOT NULL
);
"""

SCHEMA = f"""
CREATE TABLE store_version (version INTEGER NOT NULL, created_at VARCHAR NOT NULL);
CREATE TABLE ledgers (
    ledger VARCHAR NOT NULL,
    village VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    schema INTEGER NOT NULL,
    entries BIGINT NOT NULL,
    head VARCHAR NOT NULL,
    transactions BIGINT NOT NULL,
    state BIGINT NOT NULL,
    loaded_at VARCHAR NOT NULL,
    last_entry_date VARCHAR,
    last_chain_time VARCHAR
);
CREATE TABLE loads (
    state BIGINT NOT NULL,
    ledger VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    entries BIGINT NOT NULL,
    head VARCHAR NOT NULL,
    postings BIGINT NOT NULL,
    loaded_at VARCHAR NOT NULL,
    village VARCHAR,
    last_entry_date VARCHAR,
    last_chain_time VARCHAR
);
CREATE TABLE chain (ledger VARCHAR NOT NULL, seq BIGINT NOT NULL, hash BLOB NOT NULL);
CREATE TABLE postings (
    ledger VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    number BIGINT NOT NULL,
    date VARCHAR NOT NULL,
    account VARCHAR NOT NULL,
    fund VARCHAR NOT NULL,
    amount BIGINT NOT NULL
);
CREATE TABLE accounts (
    ledger VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    box INTEGER,
    position BIGINT NOT NULL
);
{_YEAR_SUMS_TABLE}
CREATE TABLE registers (
    ledger VARCHAR NOT NULL,
    state BIGINT NOT NULL,
    year INTEGER NOT NULL,
    assets BIGINT NOT NULL,
    borrowings BIGINT NOT NULL
);
CREATE TABLE rewritten (
    path VARCHAR NOT NULL,
    ledger VARCHAR NOT NULL,
    village VARCHAR NOT NULL,
    stored VARCHAR NOT NULL,
    found VARCHAR NOT NULL,
    seen_at VARCHAR NOT NULL,
    state BIGINT
);
CREATE TABLE refused (
    path VARCHAR NOT NULL,
    ledger VARCHAR,
    problem VARCHAR NOT NULL,
    seen_at VARCHAR NOT NULL,
    state BIGINT
);
CREATE TABLE concerns (
    ledger VARCHAR NOT NULL,
    state BIGINT NOT NULL,
    year INTEGER NOT NULL,
    concern VARCHAR NOT NULL,
    entry BIGINT,
    date VARCHAR,
    amount BIGINT,
    code VARCHAR,
    fund VARCHAR,
    box INTEGER,
    figure BIGINT
);
CREATE TABLE outcomes (
    path VARCHAR NOT NULL,
    ledger VARCHAR,
    status VARCHAR NOT NULL,
    seen_at VARCHAR NOT NULL,
    state BIGINT
);
"""
# (Columns added in version 3 come last, so a store brought up to date by ``ALTER TABLE``
# has the same columns, in the same order, as a new one.)

# Each ledger as the store held it at a state (``?``): its latest load at or before it.
HELD_AT = """
SELECT ledger, village, entries, head, state, last_chain_time FROM (
    SELECT *, row_number() OVER (PARTITION BY ledger ORDER BY state DESC) AS latest
    FROM loads WHERE state <= ?
) WHERE latest = 1
"""


@dataclass(frozen=True)
class Known:
    """What the store holds of one ledger."""

    ledger: str
    village: str
    entries: int
    head: str
    state: int = 0  # the load it is held at

    @property
    def anchor(self) -> str:
        return f"{self.entries}:{self.head}"


@dataclass
class Store:
    path: Path
    conn: Any  # a duckdb connection

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known(self, ledger: str) -> Known | None:
        row = self.conn.execute(
            "SELECT village, entries, head, state FROM ledgers WHERE ledger = ?", [ledger]
        ).fetchone()
        if row is None:
            return None
        return Known(ledger, str(row[0]), int(row[1]), str(row[2]), int(row[3]))

    def hash_at(self, ledger: str, seq: int) -> str | None:
        row = self.conn.execute(
            "SELECT lower(hex(hash)) FROM chain WHERE ledger = ? AND seq = ?", [ledger, seq]
        ).fetchone()
        return None if row is None else str(row[0])

    def state(self) -> int:
        """The number of the latest outcome recorded (0 when none)."""
        return int(self.conn.execute("SELECT coalesce(max(state), 0) FROM outcomes").fetchone()[0])


def _refuse(path: Path, reason: str) -> LedgerUnavailable:
    return LedgerUnavailable(
        _("{path} cannot be used as a district store: {reason}").format(path=path, reason=reason)
    )


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise _refuse(path, _("it is a folder."))
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise _refuse(path, str(exc.strerror or exc)) from None
    if header[8:12] != _MAGIC:
        raise _refuse(path, _("it is not a district store (a DuckDB file)."))


def _connect(path: Path, *, read_only: bool) -> Any:
    duckdb = engine.duckdb()
    try:
        return engine.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        # Busy (another consolidation holds it), damaged, or made by a newer DuckDB.
        raise _refuse(path, str(exc)) from None


def _check_version(path: Path, conn: Any, *, write: bool) -> None:
    try:
        row = conn.execute("SELECT max(version) FROM store_version").fetchone()
    except engine.duckdb().Error:
        conn.close()
        raise _refuse(path, _("it is not a district store.")) from None
    version = int(row[0] or 0)
    if version == STORE_VERSION:
        return
    if MIGRATES_FROM <= version < STORE_VERSION and write:
        _migrate(path, conn)
        return
    conn.close()
    if version > STORE_VERSION:
        raise _refuse(
            path,
            _("it was made by a newer version of RuralCouncil (store version {v}).").format(
                v=version
            ),
        )
    if version >= MIGRATES_FROM:
        # Reading never writes: the store is brought up to date by the next consolidation.
        raise _refuse(
            path,
            _(
                "it was made by an earlier version of RuralCouncil (store version {v}). "
                "Consolidate any of its ledgers into it once (ruralcouncil consolidate FILE "
                "-o {path}): that brings it up to date, and then it can be read."
            ).format(v=version, path=path),
        )
    if version > 0:
        raise _refuse(
            path,
            _(
                "it was made by an older version of RuralCouncil (store version {v}): "
                "consolidate the ledgers into a new store."
            ).format(v=version),
        )
    raise _refuse(path, _("it is not a district store."))


# Version 2 -> 3, in one transaction. What version 2 did not keep is filled in as far as it
# can be known: each load's village is the ledger's latest name, and only a ledger's latest
# load knows when its last record was made (earlier ones are not judged stale). Outcomes
# other than loads (refused, rewritten, the latest of each path) are placed at the load
# before them, by when they were seen: as at a load's state, the list is what it was just
# before the next load. A path's latest outcome stands alone at its state (what the
# history places there too is left out), so the list as at the last state is the one
# version 2 showed.
_MIGRATE_2 = f"""
ALTER TABLE loads ADD COLUMN village VARCHAR;
ALTER TABLE loads ADD COLUMN last_entry_date VARCHAR;
ALTER TABLE loads ADD COLUMN last_chain_time VARCHAR;
ALTER TABLE rewritten ADD COLUMN state BIGINT;
ALTER TABLE refused ADD COLUMN state BIGINT;
ALTER TABLE outcomes ADD COLUMN state BIGINT;
{_YEAR_SUMS_TABLE}
UPDATE loads SET village = g.village FROM ledgers g WHERE g.ledger = loads.ledger;
UPDATE loads SET last_entry_date = g.last_entry_date, last_chain_time = g.last_chain_time
    FROM ledgers g WHERE g.ledger = loads.ledger AND g.state = loads.state;
INSERT INTO year_sums (ledger, state, account, year, amount)
WITH spans AS (
    SELECT ledger, state, entries,
        coalesce(lag(entries) OVER (PARTITION BY ledger ORDER BY state), 0) AS after
    FROM loads
), own AS (
    SELECT s.ledger, s.state, p.account, CAST(left(p.date, 4) AS INTEGER) AS year,
        sum(p.amount) AS amount
    FROM postings p JOIN spans s
        ON s.ledger = p.ledger AND p.seq > s.after AND p.seq <= s.entries
    GROUP BY s.ledger, s.state, p.account, year
)
SELECT l.ledger, l.state, o.account, o.year, CAST(sum(o.amount) AS BIGINT)
FROM loads l JOIN own o ON o.ledger = l.ledger AND o.state <= l.state
GROUP BY l.ledger, l.state, o.account, o.year;
UPDATE refused SET state = (
    SELECT coalesce(max(l.state), 0) FROM loads l WHERE l.loaded_at <= refused.seen_at
);
UPDATE rewritten SET state = (
    SELECT coalesce(max(l.state), 0) FROM loads l WHERE l.loaded_at <= rewritten.seen_at
);
UPDATE outcomes SET state = (
    SELECT coalesce(max(l.state), 0) FROM loads l WHERE l.loaded_at <= outcomes.seen_at
);
INSERT INTO outcomes (path, ledger, status, seen_at, state)
WITH latest AS (SELECT path, max(state) AS state FROM outcomes GROUP BY path), history AS (
    SELECT path, ledger, status, loaded_at AS seen_at, state FROM loads
    UNION ALL SELECT path, ledger, 'refused', seen_at, state FROM refused
    UNION ALL SELECT path, ledger, 'rewritten', seen_at, state FROM rewritten
)
SELECT h.* FROM history h LEFT JOIN latest l ON l.path = h.path
WHERE l.path IS NULL OR h.state < l.state;
"""


def _migrate(path: Path, conn: Any) -> None:
    """Bring a version-2 store up to date, all or nothing."""
    from ruralcouncil.ledger.storage import now_text

    try:
        conn.execute("BEGIN")
        conn.execute(_MIGRATE_2)
        conn.execute("INSERT INTO store_version VALUES (?, ?)", [STORE_VERSION, now_text()])
        conn.execute("COMMIT")
    except BaseException as exc:
        try:
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        if isinstance(exc, engine.duckdb().Error):
            raise _refuse(path, str(exc)) from None
        raise


def open_store(path: Path | str, *, write: bool) -> Store:
    """Open the store at ``path``; to write, create it first if there is none there."""
    path = Path(path)
    if not path.exists():
        if not write:
            raise LedgerUnavailable(_("There is no district store at {path}.").format(path=path))
        if not path.parent.is_dir():
            raise LedgerUnavailable(
                _("The folder {folder} does not exist.").format(folder=path.parent)
            )
        return _create(path)
    _check_file(path)
    conn = _connect(path, read_only=not write)
    _check_version(path, conn, write=write)
    return Store(path, conn)


def _create(path: Path) -> Store:
    from ruralcouncil.ledger.storage import now_text

    conn = _connect(path, read_only=False)
    try:
        conn.execute("BEGIN")
        conn.execute(SCHEMA)
        conn.execute("INSERT INTO store_version VALUES (?, ?)", [STORE_VERSION, now_text()])
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        for extra in ("", ".wal"):
            with_extra = Path(str(path) + extra)
            if with_extra.exists():
                os.unlink(with_extra)
        raise
    return Store(path, conn)
