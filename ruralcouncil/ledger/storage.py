"""Opening, creating and writing a ledger file.

A ledger is one SQLite file: STRICT tables, foreign keys on, WAL, ``synchronous=FULL``, so a
write the program has reported as saved survives a power cut. Every write runs inside
``BEGIN IMMEDIATE`` through :meth:`Ledger.write` and ends with its author's signature.

Every open checks, before anything is read or written, that the file is one of ours: the
SQLite header, our application id, whole pages, a schema version this program knows, and
exactly the tables, indexes and triggers of that version. Nothing is ever written into a
file that fails these checks. Faults of the disk (full, read-only, an I/O error) and of the
file (damaged, locked) become clear refusals (:func:`explain`), never internal errors.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ruralcouncil.i18n import _
from ruralcouncil.ledger import schema
from ruralcouncil.ledger.errors import LedgerError, LedgerUnavailable

if TYPE_CHECKING:
    from ruralcouncil.ledger.commit import Commit
    from ruralcouncil.ledger.lock import LedgerLock
    from ruralcouncil.ledger.roles import User

MIN_SQLITE = (3, 37, 0)  # STRICT tables
SQLITE_HEADER = b"SQLite format 3\x00"


def now_text() -> str:
    """Local time with its offset, to the second: what `recorded_at` and events keep."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise LedgerUnavailable(
            _(
                "This computer's SQLite is version {found}; RuralCouncil needs {needed} or "
                "later. Install the program's own package, which brings a newer SQLite."
            ).format(found=sqlite3.sqlite_version, needed=".".join(map(str, MIN_SQLITE)))
        )


# --- faults, in the user's words ---------------------------------------------------------

_NOTHING_SAVED = ""


def explain(exc: BaseException, path: Path | None = None) -> LedgerUnavailable | None:
    """A disk or file fault as a refusal the user can act on; None for anything else (a bug
    of ours stays an internal error)."""
    where = str(path) if path is not None else _("the ledger")
    if isinstance(exc, LedgerUnavailable):
        return exc
    if isinstance(exc, UnicodeDecodeError):
        # SQLite handed back text that is not UTF-8: from its schema or its error message,
        # both of which only a damaged or hand-edited file can hold.
        return LedgerUnavailable(
            _(
                "{path} is damaged: it holds text that is not UTF-8 where the program's own "
                "text belongs. Nothing was written to it. Restore the latest backup and run "
                "verify."
            ).format(path=where)
        )
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        number = exc.errno
        if number == errno.ENOSPC or number == getattr(errno, "EDQUOT", -1):
            return LedgerUnavailable(_disk_full(where))
        if number == errno.EIO and _no_space_left(path):
            return LedgerUnavailable(_disk_full(where))
        if number in (errno.EROFS, errno.EACCES, errno.EPERM):
            return LedgerUnavailable(
                _("{path} is on a read-only disk or folder: nothing was saved.").format(
                    path=exc.filename or where
                )
            )
        return LedgerUnavailable(
            _("A file cannot be used ({error}): nothing was saved.").format(
                error=exc.strerror or exc
            )
        )
    if not isinstance(exc, sqlite3.Error):
        return None
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc)
    if name == "SQLITE_FULL" or "disk is full" in text:
        return LedgerUnavailable(_disk_full(where))
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return LedgerUnavailable(
            _(
                "{path} is read-only here (the file, its folder or the disk): nothing was saved."
            ).format(path=where)
        )
    if (name.startswith("SQLITE_IOERR") or "disk I/O error" in text) and _no_space_left(path):
        return LedgerUnavailable(_disk_full(where))
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return LedgerUnavailable(
            _(
                "The disk could not read or write {path} (an I/O error; the disk may be full, "
                "removed or failing): nothing was saved."
            ).format(path=where)
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return LedgerUnavailable(
            _("{path} cannot be opened (missing, or the folder is not accessible).").format(
                path=where
            )
        )
    if (
        name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
        or name.startswith("SQLITE_CORRUPT")
        or ("malformed" in text or "not a database" in text)
    ):
        return LedgerUnavailable(
            _(
                "{path} is damaged ({error}). Nothing was written to it. Restore the latest "
                "backup (File, Restore) and run verify."
            ).format(path=where, error=text)
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return LedgerUnavailable(
            _("{path} is busy (another program is using it); try again in a moment.").format(
                path=where
            )
        )
    return None


# Less free space than this, and an I/O error is taken for a full disk (see below).
_NEARLY_FULL = 1 << 20


def _remove_folder(folder: Path) -> None:
    """Delete the copy a ledger on a read-only medium was read from. shutil and tempfile are
    imported where such a copy is made or removed: no other open needs them."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _no_space_left(path: Path | None) -> bool:
    """SQLite reports a full disk as an I/O error when it is the WAL's shared memory that
    cannot grow (SQLITE_IOERR_SHMSIZE and friends, not SQLITE_FULL): ask the disk itself, so
    the user reads "the disk is full" rather than "the disk may be failing"."""
    if path is None:
        return False
    import shutil  # here: a read command never needs it (nor its compression modules)

    try:
        folder = path if path.is_dir() else path.parent
        return shutil.disk_usage(folder).free < _NEARLY_FULL
    except (OSError, ValueError):
        return False


def _disk_full(where: str) -> str:
    return _(
        "The disk is full: {path} could not be written, and nothing was saved. Free some "
        "space (or use another folder or USB stick) and try again."
    ).format(path=where)


# --- the ledger --------------------------------------------------------------------------


class Ledger:
    """An open ledger: its file, its connection and, open for writing, its lock.

    A plain class rather than a dataclass, as :class:`Header` is a named tuple: every command
    opens a ledger, and a read command needs nothing else that would import ``dataclasses``,
    which imports ``inspect`` and writes each class's methods as source and compiles it at
    every start, about 20 ms of the 100 a read command takes.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock: LedgerLock | None = None,
        read_only: bool = False,
        version: int = schema.SCHEMA_VERSION,
        copy_folder: Path | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self.lock = lock
        self.read_only = read_only
        self.version = version
        # Set when a read-only ledger's WAL could only be read from a private copy.
        self.copy_folder = copy_folder

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "for writing"
        return f"<Ledger {str(self.path)!r}, version {self.version}, {mode}>"

    @property
    def needs_upgrade(self) -> bool:
        return self.version < schema.SCHEMA_VERSION

    @contextmanager
    def write(self, author: User | None) -> Iterator[Commit]:
        """One all-or-nothing write: BEGIN IMMEDIATE ... its author's signature ... COMMIT.

        ``author`` must be logged in (hold their unlocked key); None is only for the one
        record that may be unsigned, a failed login (``users.login``).
        """
        from ruralcouncil.ledger.commit import Commit

        if self.read_only:
            raise LedgerUnavailable(_("This ledger was opened read-only."))
        if self.needs_upgrade:
            raise LedgerUnavailable(
                _(
                    "This ledger was made by an earlier version of RuralCouncil. An "
                    "administrator must log in once to upgrade it before anything is saved."
                )
            )
        signer = None
        if author is not None:
            signer = author.signer
            if signer is None or signer.user_id != author.id:
                raise LedgerUnavailable(
                    _("{user} is not logged in: nothing can be saved in their name.").format(
                        user=author.name
                    )
                )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise explain(exc, self.path) or exc from exc
        commit = Commit(self.conn, author, signer)
        try:
            if author is not None and commit.head[0] > 0:  # a new ledger's first commit: no
                _refuse_stale_session(self.conn, author)  # account to compare with yet
            yield commit
            commit.seal()
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, (sqlite3.Error, OSError)):
                fault = explain(exc, self.path)
                if fault is not None:
                    raise fault from exc
            raise
        commit.done()

    def sibling(self, *, write: bool = False) -> Ledger:
        """Another connection to the same file for a worker thread, under this one's lock."""
        if write:
            conn = _connect_writer(self.path)
            return Ledger(path=self.path, conn=conn, version=self.version)
        conn, folder = _connect_reader(self.path)
        return Ledger(
            path=self.path, conn=conn, read_only=True, version=self.version, copy_folder=folder
        )

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.lock is not None:
                self.lock.release()
            if self.copy_folder is not None:
                _remove_folder(self.copy_folder)
                self.copy_folder = None

    def discard(self) -> None:
        """Close a ledger that was never finished (its first commit was refused: a full disk,
        say) and delete it with its -wal, -shm and lock files, so a refused ``init`` leaves
        nothing behind. Only for a file this program has just created."""
        try:
            self.conn.close()
        finally:
            for extra in ("", "-wal", "-shm", "-journal"):
                with suppress(OSError):
                    self.path.with_name(self.path.name + extra).unlink()
            if self.lock is not None:
                self.lock.release(remove=True)
            if self.copy_folder is not None:
                _remove_folder(self.copy_folder)
                self.copy_folder = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refuse_stale_session(conn: sqlite3.Connection, author: User) -> None:
    """The author's role, active flag and key must still be what the chain holds now.

    A session outlives changes to its account: demoted or disabled by another administrator
    (or by themself), or given another key by a restore. Signing on would write records that
    verify must then reject for good; refuse, and ask for a new login instead.
    """
    import json

    row = conn.execute(
        "SELECT payload FROM chain WHERE kind = 'user' AND record = ? ORDER BY seq DESC LIMIT 1",
        (str(author.id),),
    ).fetchone()
    try:
        content = json.loads(row[0])["content"] if row else {}
    except (ValueError, KeyError, TypeError):
        content = {}
    signer = author.signer
    if (
        content.get("role") == author.role
        and content.get("active") == 1
        and signer is not None
        and content.get("public_key") == signer.public_key
    ):
        return
    raise LedgerUnavailable(
        _(
            "{user}'s account was changed since they logged in (its role, its password or "
            "whether it is active). Nothing was saved; log in again."
        ).format(user=author.name)
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


# --- connections -------------------------------------------------------------------------


def _connect_writer(path: Path) -> sqlite3.Connection:
    conn = _open_for_writing(path)
    try:
        _use_wal(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_for_writing(path: Path) -> sqlite3.Connection:
    """A read-write connection that has not written anything yet: the file is checked on it
    before :func:`_use_wal` (which rewrites the header) is allowed to touch it."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    # Switching to WAL writes the file's header: only ever after the ledger checks.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def _reader(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA query_only = ON")  # a reader can never write by mistake
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL too
    except BaseException:
        conn.close()
        raise
    return conn


def _cannot_open_here(exc: sqlite3.Error) -> bool:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    return name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL"))


def _wal_has_content(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _connect_reader(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """A read-only connection that sees every saved commit, the WAL's included.

    On read-only media or a full disk SQLite cannot make the WAL's shared-memory file. With
    no saved work in the WAL, the file is read as it is (``immutable``); with saved work in
    it, a private copy of the file and its WAL is read instead; failing that, a refusal:
    reading without the WAL would silently show an older ledger.
    """
    uri = path.resolve().as_uri()
    attempts = (uri, f"{uri}?mode=ro")
    last: sqlite3.Error | None = None
    for attempt in attempts:
        try:
            return _reader(attempt), None
        except sqlite3.Error as exc:
            if not _cannot_open_here(exc):
                raise
            last = exc
    if not _wal_has_content(path):
        try:
            return _reader(f"{uri}?mode=ro&immutable=1"), None
        except sqlite3.Error as exc:
            last = exc
    import shutil
    import tempfile

    folder: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-read-"))
        copy = folder / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(path.with_name(path.name + "-wal"), folder / (path.name + "-wal"))
        return _reader(copy.as_uri()), folder
    except (OSError, sqlite3.Error):
        if folder is not None:
            _remove_folder(folder)
    raise LedgerUnavailable(
        _(
            "{path} has saved work in its -wal file that cannot be read here (the disk is "
            "read-only or full, and there is no room for a temporary copy). Nothing was read "
            "or changed. Copy the ledger together with its -wal file to a folder that can be "
            "written, and open that copy. ({error})"
        ).format(path=path, error=last)
    )


# --- the checks made at every open -------------------------------------------------------


class Header(NamedTuple):
    """What a ledger file's first 100 bytes say."""

    page_size: int
    user_version: int


def read_header(path: Path) -> Header:
    """Refuse anything whose first bytes do not say it is a whole RuralCouncil ledger."""
    if not path.exists():
        raise LedgerUnavailable(_("There is no ledger at {path}.").format(path=path))
    if path.is_dir():
        raise LedgerUnavailable(_("{path} is a folder, not a ledger file.").format(path=path))
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise LedgerUnavailable(
            _("The ledger {path} cannot be read: {error}").format(path=path, error=exc.strerror)
        ) from exc
    application_id = int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0
    if not header.startswith(SQLITE_HEADER) or application_id != schema.APPLICATION_ID:
        raise LedgerUnavailable(_("{path} is not a RuralCouncil ledger.").format(path=path))
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size & (page_size - 1) or size % page_size or size < page_size:
        raise LedgerUnavailable(
            _(
                "{path} is damaged: it is not a whole number of pages (it may have been cut "
                "short while copying). Nothing was written to it. Restore the latest backup."
            ).format(path=path)
        )
    return Header(page_size, int.from_bytes(header[60:64], "big"))


def check_version(version: int, path: Path) -> None:
    if version > schema.SCHEMA_VERSION:
        raise LedgerUnavailable(
            _(
                "The ledger {path} was written by a newer version of RuralCouncil (schema "
                "{found}, this program knows {known}). Install the newer version to open it."
            ).format(path=path, found=version, known=schema.SCHEMA_VERSION)
        )
    if version not in schema.VERSIONS:
        raise LedgerUnavailable(
            _(
                "{path} carries the mark of a RuralCouncil ledger but is not one of a known "
                "version (schema {found}). Nothing was written to it."
            ).format(path=path, found=version)
        )


def schema_message(differences: list[tuple[str, str, str]]) -> str:
    names = {"missing": _("missing"), "extra": _("not part of a ledger"), "changed": _("changed")}
    return "; ".join(
        _("{type} {name}: {what}").format(type=kind, name=name, what=names.get(what, what))
        for what, kind, name in differences[:8]
    )


def check_schema(conn: sqlite3.Connection, version: int, path: Path) -> None:
    found = schema.differences(conn, version)
    if found:
        raise LedgerUnavailable(
            _(
                "{path} does not have the structure of a RuralCouncil ledger of version "
                "{version} ({details}). It was changed outside the program, or it is not a "
                "ledger. Nothing was written to it; run verify for details."
            ).format(path=path, version=version, details=schema_message(found))
        )


def _checked_version(
    conn: sqlite3.Connection,
    path: Path,
    with_schema: bool,
    checked: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """The file's schema version, after the version and (``with_schema``) schema checks, and
    SQLite's schema cookie, which changes with every change of the schema. Given what an
    earlier check returned, the schema is described again only if either has changed since:
    reading every table, index and trigger is most of the cost of opening a ledger."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    cookie = int(conn.execute("PRAGMA schema_version").fetchone()[0])  # read before the check
    check_version(version, path)
    if with_schema and checked != (version, cookie):
        check_schema(conn, version, path)
    return version, cookie


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


def open_ledger(
    path: Path | str,
    *,
    write: bool = True,
    purpose: str = "",
    legacy: bool = False,
    check_schema_now: bool = True,
) -> Ledger:
    """Open an existing ledger after the checks above; ``write`` takes the one-writer lock.

    A file of an earlier version opens for writing but saves nothing until an administrator
    logs in, which upgrades it (``upgrade``). Read-only, such a file is refused unless the
    caller reads every version (``legacy``: verify, backup). ``check_schema_now=False`` is
    for verify alone, which reports a wrong schema instead of refusing it.
    """
    check_sqlite_version()
    path = Path(path)
    header = read_header(path)
    check_version(header.user_version, path)
    if write:
        _check_writable(path)
    lock: LedgerLock | None = None
    folder: Path | None = None
    try:
        try:
            if write:
                conn = _open_for_writing(path)
            else:
                conn, folder = _connect_reader(path)
        except (sqlite3.Error, OSError, UnicodeDecodeError) as exc:
            raise explain(exc, path) or exc from exc
        try:
            version, cookie = _checked_version(conn, path, check_schema_now)
            if write:
                # The lock, its file and the switch to WAL come only after the checks:
                # nothing is written into (or beside) a file not recognised as a ledger.
                # Another copy may have upgraded the file before we held the lock: look again.
                from ruralcouncil.ledger.lock import LedgerLock

                lock = LedgerLock(path)
                try:
                    lock.acquire(purpose)
                except OSError as exc:
                    raise explain(exc, path) or exc from exc
                version, cookie = _checked_version(
                    conn, path, check_schema_now, checked=(version, cookie)
                )
                _use_wal(conn)
            if version < schema.SCHEMA_VERSION and not write and not legacy:
                raise LedgerUnavailable(
                    _(
                        "The ledger {path} is from an older version; an administrator must "
                        "log in once (in the program, or with any command that writes) to "
                        "upgrade it."
                    ).format(path=path)
                )
        except BaseException as exc:
            conn.close()
            if isinstance(exc, (sqlite3.Error, OSError, UnicodeDecodeError)) and not isinstance(
                exc, LedgerError
            ):
                raise explain(exc, path) or exc from exc
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        if folder is not None:
            _remove_folder(folder)
        raise
    return Ledger(
        path=path,
        conn=conn,
        lock=lock,
        read_only=not write,
        version=version,
        copy_folder=folder,
    )


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the file aside through the backup API before a migration touches it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_path = path.with_name(f"{path.name}.v{version}-{stamp}.before-upgrade")
    target = sqlite3.connect(backup_path)
    try:
        conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        target.close()
        backup_path.unlink(missing_ok=True)
        raise
    target.close()
    return backup_path


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
    from ruralcouncil.ledger.lock import LedgerLock

    lock = LedgerLock(path)
    had_lock_file = lock.path.exists()
    try:
        lock.acquire("init")
    except OSError as exc:
        raise explain(exc, path) or exc from exc
    tmp = path.with_name(path.name + ".creating")
    try:
        # Build under a temporary name, so a half-made ledger never looks like a real one.
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA foreign_keys = ON")
            schema.migrations.apply(schema.database(conn))
        finally:
            conn.close()
        if path.exists():
            tmp.unlink(missing_ok=True)
            raise LedgerUnavailable(
                _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
            )
        os.replace(tmp, path)
        conn = _connect_writer(path)
    except BaseException as exc:
        # A ledger that was never made leaves no lock file of ours behind either.
        lock.release(remove=not had_lock_file and not path.exists())
        tmp.unlink(missing_ok=True)
        if isinstance(exc, (sqlite3.Error, OSError)) and not isinstance(exc, LedgerError):
            fault = explain(exc, path)
            if fault is not None:
                raise fault from exc
        raise
    return Ledger(path=path, conn=conn, lock=lock)
