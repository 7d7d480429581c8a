"""A second, read-only connection to the file a connection reads: for work that SQLite can do
on another core while Python goes on (it lets go of Python's lock while it works), such as
verify's own checks beside its walk, or the Ledger page's count while the page is built."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def second_connection(conn: sqlite3.Connection) -> sqlite3.Connection | None:
    """A read-only connection to ``conn``'s file, usable from another thread; None where a
    second one would not read exactly what ``conn`` reads (``main_file``), or cannot be
    opened."""
    path = main_file(conn)
    return None if path is None else open_second(path)


def open_second(path: str) -> sqlite3.Connection | None:
    """A read-only connection to the file ``main_file`` named, usable from another thread;
    None when it cannot be opened."""
    other: sqlite3.Connection | None = None
    try:
        other = sqlite3.connect(
            Path(path).as_uri() + "?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        other.execute("PRAGMA query_only = ON")
        other.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL too
    except (sqlite3.Error, ValueError, OSError):
        if other is not None:
            other.close()
        return None
    return other


def main_file(conn: sqlite3.Connection) -> str | None:
    """The file ``conn`` reads, when another connection would read the same: not in a
    transaction (one snapshot, which another connection would not share), not in memory, no
    other database attached."""
    try:
        if conn.in_transaction:
            return None
        databases = conn.execute("PRAGMA database_list").fetchall()
    except sqlite3.Error:
        return None
    files = [str(row[2]) for row in databases if row[1] == "main"]
    if len(files) != 1 or not files[0] or any(row[1] not in ("main", "temp") for row in databases):
        return None
    return files[0]
