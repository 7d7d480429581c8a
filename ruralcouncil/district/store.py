"""The consolidated store: one DuckDB file holding many verified village ledgers.

Its tables are described in the package's docstring and in docs/district.md. ``STORE_VERSION``
is kept in ``store_version``: a store made by a newer program is refused, never changed.
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
STORE_VERSION = 2

# DuckDB's files carry "DUCK" after an 8-byte checksum.
_MAGIC = b"DUCK"

SCHEMA = """
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
    loaded_at VARCHAR NOT NULL
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
    seen_at VARCHAR NOT NULL
);
CREATE TABLE refused (
    path VARCHAR NOT NULL,
    ledger VARCHAR,
    problem VARCHAR NOT NULL,
    seen_at VARCHAR NOT NULL
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
    seen_at VARCHAR NOT NULL
);
"""


@dataclass(frozen=True)
class Known:
    """What the store holds of one ledger."""

    ledger: str
    village: str
    entries: int
    head: str

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
            "SELECT village, entries, head FROM ledgers WHERE ledger = ?", [ledger]
        ).fetchone()
        return None if row is None else Known(ledger, str(row[0]), int(row[1]), str(row[2]))

    def hash_at(self, ledger: str, seq: int) -> str | None:
        row = self.conn.execute(
            "SELECT lower(hex(hash)) FROM chain WHERE ledger = ? AND seq = ?", [ledger, seq]
        ).fetchone()
        return None if row is None else str(row[0])

    def next_state(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(state), 0) + 1 FROM loads").fetchone()[0])


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


def _check_version(path: Path, conn: Any) -> None:
    try:
        row = conn.execute("SELECT max(version) FROM store_version").fetchone()
    except engine.duckdb().Error:
        conn.close()
        raise _refuse(path, _("it is not a district store.")) from None
    version = int(row[0] or 0)
    if version != STORE_VERSION:
        conn.close()
        if version > STORE_VERSION:
            raise _refuse(
                path,
                _("it was made by a newer version of RuralCouncil (store version {v}).").format(
                    v=version
                ),
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
    _check_version(path, conn)
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
