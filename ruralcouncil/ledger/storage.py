"""Opening, creating and migrating a ledger file.

A ledger is one SQLite file: STRICT tables, foreign keys on, WAL, ``synchronous=FULL``, so a
write the program has reported as saved survives a power cut. Every write runs inside
``BEGIN IMMEDIATE`` through :meth:`Ledger.write`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from ruralcouncil.i18n import _
from ruralcouncil.ledger import schema
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.lock import LedgerLock

MIN_SQLITE = (3, 37, 0)  # STRICT tables
SQLITE_HEADER = b"SQLite format 3\x00"


def now_text() -> str:
    """Local time with its offset, to the second: what `recorded_at` and the audit log keep."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise LedgerUnavailable(
            _(
                "This computer's SQLite is version {found}; RuralCouncil needs {needed} or "
                "later. Install the program's own package, which brings a newer SQLite."
            ).format(found=sqlite3.sqlite_version, needed=".".join(map(str, MIN_SQLITE)))
        )


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Hold one read transaction: everything read inside sees the ledger at one moment,
    even while another connection writes. Inside a transaction already, that one serves."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")


@dataclass
class Ledger:
    path: Path
    conn: sqlite3.Connection
    lock: LedgerLock | None = None
    read_only: bool = False
    listeners: list[object] = field(default_factory=list)

    @property
    def db(self) -> Database:
        return Database(self.conn, execute_plugins=False)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        if self.read_only:
            raise LedgerUnavailable(_("This ledger was opened read-only."))
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def sibling(self, *, write: bool = False) -> Ledger:
        """Another connection to the same file for a worker thread, under this one's lock."""
        conn = _connect(self.path, read_only=not write)
        return Ledger(path=self.path, conn=conn, lock=None, read_only=not write)

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only and not os.access(path, os.W_OK):
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if read_only:
        # Readers (summary, verify, a worker's sibling) can then never write by mistake.
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _check_is_ledger(path: Path) -> None:
    if not path.exists():
        raise LedgerUnavailable(_("There is no ledger at {path}.").format(path=path))
    if path.is_dir():
        raise LedgerUnavailable(_("{path} is a folder, not a ledger file.").format(path=path))
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise LedgerUnavailable(
            _("The ledger {path} cannot be read: {error}").format(path=path, error=exc)
        ) from exc
    application_id = int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0
    if not header.startswith(SQLITE_HEADER) or application_id != schema.APPLICATION_ID:
        raise LedgerUnavailable(_("{path} is not a RuralCouncil ledger.").format(path=path))


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > schema.SCHEMA_VERSION:
        raise LedgerUnavailable(
            _(
                "The ledger {path} was written by a newer version of RuralCouncil (schema "
                "{found}, this program knows {known}). Install the newer version to open it."
            ).format(path=path, found=version, known=schema.SCHEMA_VERSION)
        )


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise LedgerUnavailable(
            _("The ledger {path} is read-only: nothing can be saved to it.").format(path=path)
        )
    if not os.access(path.parent, os.W_OK):
        raise LedgerUnavailable(
            _("The folder of the ledger {path} is read-only: nothing can be saved.").format(
                path=path
            )
        )


def open_ledger(path: Path | str, *, write: bool = True, purpose: str = "") -> Ledger:
    """Open an existing ledger; ``write`` takes the one-writer lock and upgrades old files."""
    check_sqlite_version()
    path = Path(path)
    _check_is_ledger(path)
    lock: LedgerLock | None = None
    if write:
        _check_writable(path)
        lock = LedgerLock(path)
        lock.acquire(purpose)
    try:
        conn = _connect(path, read_only=not write)
        try:
            _check_version(conn, path)
            db = Database(conn, execute_plugins=False)
            if schema.migrations.pending(db):
                if not write:
                    raise LedgerUnavailable(
                        _(
                            "The ledger {path} is from an older version; open it once with "
                            "the program (or any command that writes) to upgrade it."
                        ).format(path=path)
                    )
                _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Ledger(path=path, conn=conn, lock=lock, read_only=not write)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Copy the file aside through the backup API, then apply the pending migrations."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_path = path.with_name(f"{path.name}.v{version}-{stamp}.before-upgrade")
    target = sqlite3.connect(backup_path)
    try:
        conn.backup(target)
    finally:
        target.close()
    schema.migrations.apply(Database(conn, execute_plugins=False))


def create_ledger_file(path: Path | str) -> Ledger:
    """Create an empty ledger with the current schema; refuses to overwrite any file."""
    check_sqlite_version()
    path = Path(path)
    if path.exists():
        raise LedgerUnavailable(
            _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
        )
    if not path.parent.is_dir():
        raise LedgerUnavailable(_("The folder {folder} does not exist.").format(folder=path.parent))
    lock = LedgerLock(path)
    lock.acquire("init")
    try:
        # Build under a temporary name, so a half-made ledger never looks like a real one.
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA foreign_keys = ON")
            schema.migrations.apply(Database(conn, execute_plugins=False))
        finally:
            conn.close()
        if path.exists():
            tmp.unlink(missing_ok=True)
            raise LedgerUnavailable(
                _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
            )
        os.replace(tmp, path)
        conn = _connect(path, read_only=False)
    except BaseException:
        lock.release()
        raise
    return Ledger(path=path, conn=conn, lock=lock)
