"""The ledger as it was at a chain position: what a printed code is checked against.

A document's code commits to the chain position it was read at. To check it later, after
more has been recorded, its figures are read again from a private copy of the ledger with
everything chained after that position taken away: rows first chained later are deleted,
rows of a kind that changes (users, settings, the council's rules and terms) are put back as
the chain had them then, and what is derived from the rows (postings of deleted entries,
votes of deleted resolutions, budget lines, daily totals) follows. The report's own figures
function then reads that copy exactly as it reads a live ledger.

Nothing here touches the ledger itself: the copy is made with SQLite's backup API into a
temporary folder and deleted afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, records, schema
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.storage import Ledger, snapshot


@dataclass(frozen=True)
class Then:
    """A ledger as at ``position``, whose chain entry there has the hash ``head``."""

    ledger: Ledger
    position: int
    head: str


def hash_at(conn: sqlite3.Connection, position: int) -> str | None:
    row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (position,)).fetchone()
    return str(row[0]) if row else None


@contextmanager
def ledger_at(ledger: Ledger, position: int) -> Iterator[Then]:
    """The ledger as it was at chain ``position``; the ledger itself when that is now.
    Raises ``InvalidInput`` when the chain has no such position."""
    conn = ledger.conn
    with snapshot(conn):
        length, head = chain.head(conn)
        at = hash_at(conn, position) if 1 <= position <= length else None
        if at is None:
            raise InvalidInput(
                _(
                    "this ledger's chain has {length} entries, and the code names position "
                    "{position}."
                ).format(length=length, position=position)
            )
        if position == length:
            yield Then(ledger, position, head)
            return
        folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-as-at-"))
        copy: sqlite3.Connection | None = None
        try:
            copy = sqlite3.connect(folder / "ledger.ruralcouncil", isolation_level=None)
            conn.backup(copy)
            _cut(copy, position)
            then = Ledger(path=ledger.path, conn=copy, read_only=True, version=ledger.version)
            yield Then(then, position, at)
        finally:
            if copy is not None:
                copy.close()
            shutil.rmtree(folder, ignore_errors=True)


def _cut(conn: sqlite3.Connection, position: int) -> None:
    """Take away from a private copy what was chained after ``position``."""
    conn.execute("BEGIN")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')  # the copy's append-only guards
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    chained: set[str] = set()
    for kind in records.KINDS.values():
        if kind.table is None or kind.table not in tables:
            continue
        chained.add(kind.table)
        if kind.mutable:
            _restore_mutable(conn, kind, position)
        else:
            conn.execute(
                f'DELETE FROM "{kind.table}" WHERE CAST("{kind.key}" AS TEXT) IN'
                " (SELECT record FROM chain WHERE kind = ? GROUP BY record HAVING min(seq) > ?)",
                (kind.name, position),
            )
    _drop_orphans(conn, tables - chained, chained)
    conn.execute("DELETE FROM signatures WHERE seq > ?", (position,))
    conn.execute("DELETE FROM chain WHERE seq > ?", (position,))
    conn.execute("DELETE FROM daily_totals")
    conn.execute(
        "INSERT INTO daily_totals (account, fund, date, amount)"
        " SELECT p.account, p.fund, t.date, SUM(p.amount) FROM postings p"
        " JOIN transactions t ON t.id = p.transaction_id GROUP BY p.account, p.fund, t.date"
    )
    if "daily_entries" in tables:
        conn.execute("DELETE FROM daily_entries")
        conn.execute(schema.FILL_DAILY_ENTRIES)
    conn.execute("COMMIT")


def _restore_mutable(conn: sqlite3.Connection, kind: records.RecordKind, position: int) -> None:
    """A record that changes is, in the copy, what its last entry up to ``position`` said;
    one first chained later is deleted."""
    assert kind.table is not None
    changed = conn.execute(
        "SELECT record, max(CASE WHEN seq <= ? THEN seq END) FROM chain WHERE kind = ?"
        " GROUP BY record HAVING max(seq) > ?",
        (position, kind.name, position),
    ).fetchall()
    columns = [c.strip() for c in kind.columns.split(",")]
    for record, last in changed:
        if last is None:
            conn.execute(
                f'DELETE FROM "{kind.table}" WHERE CAST("{kind.key}" AS TEXT) = ?', (record,)
            )
            continue
        payload = conn.execute("SELECT payload FROM chain WHERE seq = ?", (last,)).fetchone()[0]
        content = chain.read_json(str(payload))["content"]
        sets = ", ".join(f'"{c}" = ?' for c in columns if c != kind.key)
        values = [content.get(c) for c in columns if c != kind.key]
        conn.execute(
            f'UPDATE "{kind.table}" SET {sets} WHERE CAST("{kind.key}" AS TEXT) = ?',
            (*values, record),
        )


def _drop_orphans(conn: sqlite3.Connection, unchained: set[str], chained: set[str]) -> None:
    """Rows of a table the chain does not cover (postings, votes, budget lines) that belong,
    by their foreign key, to a chained row the copy no longer holds."""
    for table in sorted(unchained):
        for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            parent, column, parent_column = str(fk[2]), str(fk[3]), str(fk[4])
            if parent in chained:
                conn.execute(
                    f'DELETE FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" NOT IN'
                    f' (SELECT "{parent_column}" FROM "{parent}")'
                )
