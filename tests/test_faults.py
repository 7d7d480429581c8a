"""Faults become clear refusals (issue 5, items 7-12).

A full disk, read-only media, a foreign or damaged file, bytes that are not UTF-8 in an
argument, numbers too large for any integer, a backup killed midway, a restore that would
lock the administrator out: each ends in exit 2 with a message that says what happened and
that nothing was written (never exit 70), and leaves the chain head as it was.

Where the platform lets the test mount a small tmpfs (root on Linux), the disk really fills
up or really is read-only, with a WAL left behind by a writer that was killed. The same code
paths are also driven without mount, through SQLite's own page limit (``PRAGMA
max_page_count``) and injected SQLITE_FULL / ENOSPC / SQLITE_IOERR errors, so they are
covered wherever the tests run.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_cli import PASSWORDS, Cli

from ruralcouncil.ledger import chain, journal, lock, schema, storage, users
from ruralcouncil.ledger.setup import init_ledger

ROOT = Path(__file__).resolve().parents[1]
ADMIN, PASSWORD = "admin", "correct-horse-1"
CLERK, CLERK_PASSWORD = "clerk", "clerk-password-1"
FINE = ("record", "receipt", "--date", "2024-08-01", "--amount", "5", "--category", "FINES")
# Three entries in the template: 1 opening, 2 receipt, 3 payment.
TEMPLATE_ENTRIES = 3
DISK_FULL = "The disk is full"
CSV_HEADER = "date,type,amount,category,description\n"


# --- the ledger and the command line ------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed, checkpointed ledger: users admin and clerk, three entries of 2024."""
    path = tmp_path_factory.mktemp("faults-template") / "village.ruralcouncil"
    ledger = init_ledger(path, village="Ақсу", admin=ADMIN, password=PASSWORD)
    try:
        admin = users.login(ledger, ADMIN, PASSWORD)
        users.add_user(ledger, admin, CLERK, "clerk", CLERK_PASSWORD)
        for entry in (
            journal.NewEntry(date(2024, 1, 1), journal.EntryType.OPENING, 100_000_00),
            journal.NewEntry(date(2024, 2, 1), journal.EntryType.RECEIPT, 500_00, category="FINES"),
            journal.NewEntry(date(2024, 3, 1), journal.EntryType.PAYMENT, 200_00, category="ROADS"),
        ):
            journal.record(ledger, admin, entry)
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    return path


def place(template: Path, folder: Path, name: str = "village.ruralcouncil") -> Path:
    path = folder / name
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return place(template, tmp_path)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path) -> Cli:
    """``main()`` in this process on ``db``; ``run.on(path)`` for another file. The password
    variable holds the password of the ``--user`` given."""
    return Cli(capsys, monkeypatch, db)


# ``Cli`` types the password of the ``--user`` named, from test_cli's table: the same ones.
assert (PASSWORDS[ADMIN], PASSWORDS[CLERK]) == (PASSWORD, CLERK_PASSWORD)


def as_json(done: tuple[int, str, str]) -> Any:
    return json.loads(done[1])


def state(path: Path, *, uri: str = "") -> tuple[Any, ...]:
    """The chain head, and the counts of events, signatures and transactions: what a refusal
    must leave as it was. ``uri``: read with these URI parameters (``immutable=1`` on a disk
    where even a reader's shared memory cannot be made)."""
    target = f"{path.resolve().as_uri()}?{uri}" if uri else f"{path.resolve().as_uri()}"
    conn = sqlite3.connect(target, uri=True)
    try:
        return (
            chain.head(conn),
            conn.execute("SELECT count(*) FROM events").fetchone()[0],
            conn.execute("SELECT count(*) FROM signatures").fetchone()[0],
            conn.execute("SELECT count(*) FROM transactions").fetchone()[0],
        )
    finally:
        conn.close()


def refused(done: tuple[int, str, str], *words: str) -> str:
    """A clear refusal: exit 2, nothing on stdout, a reason on stderr holding ``words``."""
    code, out, err = done
    assert code == 2, (code, out, err)
    assert out == "", out
    assert err.strip(), "a refusal says why"
    assert "internal error" not in err
    for word in words:
        assert word in err, (word, err)
    return err


def write_csv(folder: Path, rows: int, *, amount: str = "1", name: str = "in.csv") -> Path:
    path = folder / name
    body = "".join(f"2024-05-01,receipt,{amount},FINES,{'row ' * 40}{n}\n" for n in range(rows))
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden ones (``.NAME.partial``) included."""
    return sorted(p.name for p in folder.iterdir())


# --- small disks ---------------------------------------------------------------------------


def _mount_refusal() -> str | None:
    if not sys.platform.startswith("linux"):
        return "tmpfs mounts are a Linux feature"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "the mount command is missing"
    return None


class Disks:
    """Small tmpfs disks, each unmounted when the test ends (whatever happens)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.mounted: list[Path] = []

    def make(self, size_kib: int, name: str = "disk") -> Path:
        reason = _mount_refusal()
        if reason:
            pytest.skip(f"{reason}; the same paths are covered without mount in this file")
        where = self.folder / name
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(
                f"mount is not permitted here ({done.stderr.strip()}); the same paths are "
                "covered without mount in this file"
            )
        self.mounted.append(where)
        return where

    @staticmethod
    def read_only(where: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)

    def read_only_file(self, path: Path) -> Path:
        """``path`` itself read-only (a bind mount), in a folder that stays writable."""
        subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
        self.mounted.append(path)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True)
        return path

    def unmount_all(self) -> None:
        for where in reversed(self.mounted):
            if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(where)], capture_output=True)
        self.mounted.clear()


@pytest.fixture
def disks(tmp_path: Path) -> Iterator[Disks]:
    made = Disks(tmp_path)
    try:
        yield made
    finally:
        made.unmount_all()


def fill(folder: Path) -> Path:
    """Take every free byte of the disk; returns the filler, whose removal frees it again."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            block = b"\0" * size
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    assert shutil.disk_usage(folder).free == 0
    return filler


_KILLED_WRITER = """
import os, sys
from datetime import date
from pathlib import Path
from ruralcouncil.ledger import chain, journal, users
from ruralcouncil.ledger.storage import open_ledger

ledger = open_ledger(Path(sys.argv[1]))
ledger.conn.execute("PRAGMA wal_autocheckpoint = 0")
user = users.login(ledger, "admin", sys.argv[2])
journal.record(ledger, user, journal.NewEntry(
    date(2024, 4, 1), journal.EntryType.RECEIPT, 777_00, category="FINES"))
entries, head = chain.head(ledger.conn)
print(entries, head, flush=True)
os._exit(0)  # killed: no close, no checkpoint; the commit stays in the -wal
"""


def killed_writer(path: Path) -> tuple[int, str]:
    """Commit one receipt and die, leaving the commit in ``-wal``; returns the chain's
    (entries, head) as that writer saw it after its commit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path), PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    entries, digest = done.stdout.split()
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    return int(entries), digest


def sqlite_error(name: str, text: str) -> sqlite3.OperationalError:
    """An error as SQLite raises it, with its name (``sqlite_errorname``)."""
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorname = name
    return exc


# --- item 7: a full disk -------------------------------------------------------------------


def test_import_on_a_filling_disk_is_refused_and_writes_nothing(
    disks: Disks, template: Path, run: Cli, tmp_path: Path
) -> None:
    disk = disks.make(template.stat().st_size // 1024 + 96)
    path = place(template, disk)
    before = state(path)
    csv = write_csv(tmp_path, 2000)
    refused(run.on(path)("import-transactions", str(csv), "--user", CLERK), DISK_FULL, "nothing")
    assert state(path) == before
    code, out, _err = run.on(path)("verify", "--json")
    assert code == 0, out


def test_record_with_no_space_left_is_refused_then_works_once_space_is_freed(
    disks: Disks, template: Path, run: Cli
) -> None:
    disk = disks.make(template.stat().st_size // 1024 + 512)
    path = place(template, disk)
    filler = fill(disk)
    before = state(path, uri="mode=ro&immutable=1")
    for command in (
        [*FINE, "--user", CLERK],
        ["import-transactions", str(write_csv(disk.parent, 3)), "--user", CLERK],
        ["user", "add", "newbie", "--role", "member", "--user", ADMIN],
        ["close-year", "2024", "--user", ADMIN],
        ["fund", "add", "ROOF", "--name", "Roof", "--user", ADMIN],
        ["reverse", "2", "--reason", "typo", "--user", CLERK],
    ):
        refused(run.on(path)(*command, new_password="x" * 12), DISK_FULL, "nothing was saved")
        assert state(path, uri="mode=ro&immutable=1") == before, command
    # Whatever the refused writers left beside the ledger, it works again once there is room.
    filler.unlink()
    code, out, err = run.on(path)(*FINE, "--user", CLERK)
    assert code == 0, err
    assert f"Recorded entry {TEMPLATE_ENTRIES + 1}:" in out
    code, out, _err = run.on(path)("verify", "--json")
    assert code == 0, out


@pytest.mark.parametrize("pending", [False, True], ids=["checkpointed", "pending-wal"])
def test_readers_work_with_zero_bytes_free(
    disks: Disks, template: Path, run: Cli, tmp_path: Path, pending: bool
) -> None:
    disk = disks.make(template.stat().st_size // 1024 + 256)
    path = place(template, disk)
    entries, digest = killed_writer(path) if pending else state(path)[0]
    transactions = TEMPLATE_ENTRIES + (1 if pending else 0)
    fill(disk)
    ledger = run.on(path)
    done = ledger("verify", "--json")
    assert done.code == 0, done
    assert as_json(done)["ok"] is True
    assert (as_json(done)["entries"], as_json(done)["head"]) == (entries, digest)
    done = ledger("summary", "--year", "2024", "--json")
    assert done.code == 0, done.err
    assert as_json(done)["chain"] == {"entries": entries, "head": digest}
    done = ledger("ledger", "--json")
    assert done.code == 0, done.err
    assert [r["id"] for r in as_json(done)] == list(range(1, transactions + 1))
    away = tmp_path / "away"
    away.mkdir()
    code, out, err = ledger("backup", str(away))
    assert code == 0, err
    assert f"({entries} chain positions, head {digest})" in out
    # A backup onto the full disk itself: refused, and nothing of it is left there.
    names = listing(disk)
    refused(ledger("backup", str(disk)), DISK_FULL)
    assert listing(disk) == names


def test_backup_to_a_full_usb_stick_leaves_no_partial_file(
    disks: Disks, db: Path, run: Cli
) -> None:
    stick = disks.make(64, "stick")
    for dest in (stick, stick / "named.ruralcouncil"):
        refused(run("backup", str(dest)), DISK_FULL)
        assert listing(stick) == []


def test_init_on_a_full_disk_leaves_nothing(disks: Disks, run: Cli) -> None:
    disk = disks.make(256)
    fill(disk)
    refused(
        run.on(disk / "new.ruralcouncil")(
            "init", "--village", "V", "--admin", ADMIN, new_password=PASSWORD
        ),
        DISK_FULL,
    )
    assert listing(disk) == ["filler"]


def test_a_ledger_never_finished_is_discarded_whole(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    storage.create_ledger_file(folder / "v.ruralcouncil").discard()
    assert listing(folder) == []


def test_init_whose_first_commit_fails_leaves_nothing(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    full = _failing_commit(sqlite_error("SQLITE_FULL", "database or disk is full"))
    monkeypatch.setattr(storage, "_open_for_writing", full)
    done = run.on(folder / "v.ruralcouncil")(
        "init", "--village", "V", "--admin", ADMIN, new_password=PASSWORD
    )
    refused(done, DISK_FULL)
    assert listing(folder) == []


# The same without mount: SQLite's own page limit, and errors injected where SQLite and the
# operating system raise them.


def test_import_beyond_sqlites_page_limit_is_refused(
    run: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = storage._use_wal

    def limited(conn: sqlite3.Connection) -> None:
        real(conn)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow: SQLITE_FULL

    monkeypatch.setattr(storage, "_use_wal", limited)
    before = state(db)
    csv = write_csv(tmp_path, 500)
    refused(run("import-transactions", str(csv), "--user", CLERK), DISK_FULL, "nothing")
    assert state(db) == before


def _failing_commit(error: BaseException) -> Callable[[Path], sqlite3.Connection]:
    """A writer connection whose COMMIT fails with ``error``, as on a disk that filled up
    between the last insert and the commit."""

    class FullAtCommit(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql == "COMMIT":
                raise error
            return super().execute(sql, *args)

    def connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, factory=FullAtCommit
        )
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    return connect


@pytest.mark.parametrize(
    "error",
    [
        sqlite_error("SQLITE_FULL", "database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=["SQLITE_FULL", "ENOSPC"],
)
@pytest.mark.parametrize(
    "command",
    [
        [*FINE, "--user", CLERK],
        ["import-transactions", "{csv}", "--user", CLERK],
        ["user", "add", "newbie", "--role", "member", "--user", ADMIN],
        ["user", "reset-password", CLERK, "--user", ADMIN],
        ["reverse", "2", "--reason", "typo", "--user", CLERK],
        ["close-year", "2024", "--user", ADMIN],
        ["fund", "add", "ROOF", "--name", "Roof", "--user", ADMIN],
    ],
    ids=lambda c: c[0] if c[0] != "user" else f"user-{c[1]}",
)
def test_a_commit_on_a_full_disk_is_refused_and_rolled_back(
    run: Cli,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    error: BaseException,
) -> None:
    before = state(db)
    csv = write_csv(tmp_path, 3)
    with monkeypatch.context() as patched:
        patched.setattr(storage, "_open_for_writing", _failing_commit(error))
        done = run(*[c.format(csv=csv) for c in command], new_password="x" * 12)
    refused(done, DISK_FULL, "nothing was saved")
    assert state(db) == before
    code, _out, err = run(*FINE, "--user", CLERK)  # and the ledger is as good as before
    assert code == 0, err


def test_backup_that_runs_out_of_space_is_refused_and_leaves_nothing(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    refused(run("backup", str(stick)), DISK_FULL)
    assert listing(stick) == []


# --- item 8: read-only media, with the WAL of a killed writer ------------------------------


def _reader_fallback(monkeypatch: pytest.MonkeyPatch, *refusing: str) -> None:
    """Readers as on a full or read-only disk: opening the file normally, and with
    ``mode=ro``, fails the way SQLite fails there (it cannot make the -shm file)."""
    real = storage._reader

    def reader(uri: str) -> sqlite3.Connection:
        if "immutable=1" not in uri and uri.startswith(refusing):
            if "mode=ro" in uri:
                raise sqlite_error("SQLITE_CANTOPEN", "unable to open database file")
            raise sqlite_error("SQLITE_IOERR_SHMSIZE", "disk I/O error")
        return real(uri)

    monkeypatch.setattr(storage, "_reader", reader)


@pytest.mark.parametrize("media", ["disk", "file"], ids=["read-only-disk", "read-only-file"])
@pytest.mark.parametrize("wal", ["none", "pending", "pending-no-shm"])
def test_read_only_ledger_is_read_whole_and_refused_for_writing(
    disks: Disks,
    template: Path,
    run: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    media: str,
    wal: str,
) -> None:
    disk = disks.make(template.stat().st_size // 1024 + 512)
    path = place(template, disk)
    if wal == "none":
        (entries, digest), transactions = state(path)[0], TEMPLATE_ENTRIES
    else:
        (entries, digest), transactions = killed_writer(path), TEMPLATE_ENTRIES + 1
    if wal == "pending-no-shm":
        path.with_name(path.name + "-shm").unlink()
    # What a writable copy of the same files says: the numbers the read-only one must show.
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in listing(disk):
        shutil.copyfile(disk / name, copy / name)
    done = run.on(copy / path.name)("summary", "--year", "2024", "--json")
    assert as_json(done)["chain"] == {"entries": entries, "head": digest}
    if media == "disk":
        disks.read_only(disk)
    else:
        disks.read_only_file(path)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    ledger = run.on(path)
    done = ledger("summary", "--year", "2024", "--json")
    assert done.code == 0, done.err
    assert as_json(done)["chain"] == {"entries": entries, "head": digest}
    done = ledger("verify", "--json")
    assert done.code == 0, done
    result = as_json(done)
    assert (result["ok"], result["entries"], result["head"]) == (True, entries, digest)
    assert result["transactions"] == transactions
    done = ledger("ledger", "--json")
    assert done.code == 0, done.err
    assert [r["id"] for r in as_json(done)] == list(range(1, transactions + 1))
    assert ledger("user", "list").code == 0 and ledger("fund", "list").code == 0
    away = tmp_path / "away"
    away.mkdir()
    code, out, err = ledger("backup", str(away))
    assert code == 0, err
    assert f"({entries} chain positions, head {digest})" in out
    saved = next(p for p in away.iterdir() if p.suffix == ".ruralcouncil")
    assert state(saved)[0] == (entries, digest)

    csv = write_csv(tmp_path, 2)
    for command in (
        [*FINE, "--user", CLERK],
        ["import-transactions", str(csv), "--user", CLERK],
        ["user", "add", "newbie", "--role", "member", "--user", ADMIN],
        ["close-year", "2024", "--user", ADMIN],
        ["reverse", "2", "--reason", "typo", "--user", CLERK],
        ["restore", str(saved), "--user", ADMIN],
    ):
        refused(ledger(*command, new_password="x" * 12), "read-only")
    done = ledger("summary", "--year", "2024", "--json")
    assert done.code == 0 and as_json(done)["chain"] == {"entries": entries, "head": digest}
    assert listing(temp) == []  # a private copy of the WAL, if one was made, is gone


def test_a_wal_that_cannot_be_read_anywhere_is_refused_not_ignored(
    disks: Disks, template: Path, run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only disk, saved work in the -wal, no -shm, and no room for a private copy:
    reading the file without its WAL would show an older ledger, so readers refuse."""
    disk = disks.make(template.stat().st_size // 1024 + 512)
    path = place(template, disk)
    killed_writer(path)
    path.with_name(path.name + "-shm").unlink()
    disks.read_only(disk)
    monkeypatch.setattr(tempfile, "tempdir", str(disk))  # no room for a temporary copy
    ledger = run.on(path)
    away = tmp_path / "away"
    away.mkdir()
    for command in (["summary", "--json"], ["ledger", "--json"], ["backup", str(away)]):
        refused(ledger(*command), "-wal", "Nothing was read or changed")
    assert listing(away) == []
    done = ledger("verify", "--json")
    assert done.code == 1 and as_json(done)["ok"] is False
    assert any("-wal" in p for p in as_json(done)["problems"])


@pytest.mark.parametrize("pending", [False, True], ids=["checkpointed", "pending-wal"])
def test_readers_fall_back_when_the_shared_memory_cannot_be_made(
    run: Cli,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pending: bool,
) -> None:
    """The fallbacks of the read-only media tests, without mount: with an empty WAL the file
    is read as it is (immutable), with saved work in the WAL from a private copy."""
    entries, digest = killed_writer(db) if pending else state(db)[0]
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    _reader_fallback(monkeypatch, db.resolve().as_uri())
    done = run("summary", "--year", "2024", "--json")
    assert done.code == 0, done.err
    assert as_json(done)["chain"] == {"entries": entries, "head": digest}
    done = run("verify", "--json")
    assert done.code == 0, done
    assert (as_json(done)["ok"], as_json(done)["entries"]) == (True, entries)
    code, out, err = run("backup", str(tmp_path / "b.ruralcouncil"))
    assert code == 0, err
    assert f"({entries} chain positions, head {digest})" in out
    assert listing(temp) == []
    if pending:
        # No room for the private copy either: a refusal, never the ledger without its WAL.
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
        refused(run("summary", "--json"), "-wal")


# --- item 9: a foreign file that carries our application id --------------------------------


def _foreign(kind: str, folder: Path, template: Path) -> Path:
    path = folder / f"{kind}.ruralcouncil"
    if kind in ("other-tables", "version-0", "version-1"):
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('someone else''s data')")
        version = {"other-tables": schema.SCHEMA_VERSION, "version-0": 0, "version-1": 1}[kind]
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()
    else:
        shutil.copyfile(template, path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = DELETE")
        if kind == "newer":
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        else:  # "extra-table": a ledger someone added a table to
            conn.execute("CREATE TABLE extra (x)")
        conn.commit()
        conn.close()
    return path


def _fingerprint(path: Path) -> tuple[Any, ...]:
    """The bytes, the time stamp, the tables and every name beside the file."""
    stat = path.stat()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        master = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    finally:
        conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, stat.st_mtime_ns, stat.st_size, master, listing(path.parent)


@pytest.mark.parametrize("kind", ["other-tables", "version-0", "version-1", "newer", "extra-table"])
def test_a_foreign_file_is_never_written_to(
    run: Cli, template: Path, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "foreign"
    folder.mkdir()
    path = _foreign(kind, folder, template)
    good_backup = tmp_path / "good.ruralcouncil"
    shutil.copyfile(template, good_backup)
    csv = write_csv(tmp_path, 2)
    before = _fingerprint(path)
    foreign = run.on(path)
    reason = {
        "other-tables": "does not have the structure",
        "version-0": "not one of a known version",
        "version-1": "does not have the structure",
        "newer": "newer version",
        "extra-table": "does not have the structure",
    }[kind]
    for command in (
        [*FINE, "--user", ADMIN],
        ["import-transactions", str(csv), "--user", ADMIN],
        ["user", "add", "newbie", "--role", "member", "--user", ADMIN],
        ["user", "reset-password", CLERK, "--user", ADMIN],
        ["close-year", "2024", "--user", ADMIN],
        ["fund", "add", "ROOF", "--name", "Roof", "--user", ADMIN],
        ["reverse", "2", "--reason", "typo", "--user", ADMIN],
        ["restore", str(good_backup), "--user", ADMIN],
        ["summary", "--json"],
        ["ledger", "--json"],
    ):
        refused(foreign(*command, new_password="x" * 12), reason)
        assert _fingerprint(path) == before, command
    # verify reads the file anyway (it is its job to say what is wrong) and says so.
    done = foreign("verify", "--json")
    assert done.code == 1 and as_json(done)["ok"] is False
    found = "schema differs" if reason == "does not have the structure" else reason
    assert any(found in p for p in as_json(done)["problems"]), as_json(done)["problems"]
    # Nor is it restored over a good ledger: the good one stays as it was.
    good_path = place(template, tmp_path, "good-ledger.ruralcouncil")
    good_state = state(good_path)
    refused(run.on(good_path)("restore", str(path), "--user", ADMIN), reason)
    assert _fingerprint(path) == before
    assert state(good_path) == good_state


def test_a_refused_writer_on_a_foreign_file_leaves_no_lock_file(
    run: Cli, template: Path, tmp_path: Path
) -> None:
    """Issue 5 item 9: the WAL switch used to rewrite the foreign file's header (and a lock
    file appeared beside it) before the schema check refused it."""
    folder = tmp_path / "foreign"
    folder.mkdir()
    path = _foreign("other-tables", folder, template)
    header = path.read_bytes()[:100]
    refused(run.on(path)(*FINE, "--user", ADMIN), "Nothing was written")
    assert path.read_bytes()[:100] == header  # bytes 18-19 would say WAL
    assert listing(folder) == [path.name]


# --- item 11: a damaged file ---------------------------------------------------------------


def _damage(template: Path, folder: Path, how: str) -> Path:
    path = place(template, folder, f"{how}.ruralcouncil")
    data = bytearray(path.read_bytes())
    if how == "cut":
        del data[-1]
    else:  # a byte flipped in the b-tree page header of a table's root page
        conn = sqlite3.connect(path)
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (how.removeprefix("flip-"),)
        ).fetchone()[0]
        conn.close()
        data[(root - 1) * size] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "how", ["cut", "flip-transactions", "flip-chain", "flip-users", "flip-signatures"]
)
def test_a_damaged_file_is_refused_for_writing_and_verify_says_why(
    run: Cli, template: Path, tmp_path: Path, how: str
) -> None:
    folder = tmp_path / "damaged"
    folder.mkdir()
    path = _damage(template, folder, how)
    data = path.read_bytes()
    damaged = run.on(path)
    refused(damaged(*FINE, "--user", ADMIN), "damaged", "Nothing was written")
    refused(damaged("import-transactions", str(write_csv(tmp_path, 2)), "--user", ADMIN))
    assert path.read_bytes() == data
    done = damaged("verify", "--json")
    assert done.code == 1, done.err
    assert as_json(done)["ok"] is False and as_json(done)["problems"]
    away = tmp_path / "away"
    away.mkdir()
    refused(damaged("backup", str(away)))
    assert listing(away) == []
    assert path.read_bytes() == data


# --- item 7: input no integer and no text can hold -----------------------------------------


def run_bytes(*args: str | bytes, password: str = PASSWORD) -> subprocess.CompletedProcess[bytes]:
    """The real program with raw bytes in its argv, as a terminal in another encoding (or a
    file name in one) gives them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RURALCOUNCIL_")}
    env.update(
        RURALCOUNCIL_LANG="en",
        RURALCOUNCIL_PASSWORD=password,
        RURALCOUNCIL_NEW_PASSWORD="new-password-1",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    argv = [os.fsencode(sys.executable), b"-m", b"ruralcouncil"]
    argv += [a if isinstance(a, bytes) else os.fsencode(a) for a in args]
    return subprocess.run(
        argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120
    )


_BAD = b"\xff\xfe"  # never UTF-8


@pytest.mark.parametrize(
    "args",
    [
        [*FINE, "--description", b"shop " + _BAD, "--user", ADMIN],
        [*FINE, "--counterparty", _BAD, "--user", ADMIN],
        [*FINE[:-1], b"FIN" + _BAD, "--user", ADMIN],  # the category (was exit 70)
        [*FINE, "--fund", _BAD, "--user", ADMIN],  # (was exit 70)
        [*FINE[:2], "--date", b"2024-08-0" + _BAD, *FINE[4:], "--user", ADMIN],
        ["reverse", "2", "--reason", _BAD, "--user", ADMIN],
        ["user", "add", b"bo" + _BAD, "--role", "clerk", "--user", ADMIN],
        ["user", "reset-password", _BAD, "--user", ADMIN],  # (was exit 70)
        ["fund", "add", "ROOF", "--name", _BAD, "--user", ADMIN],
        ["close-year", b"202" + _BAD, "--user", ADMIN],
        [*FINE, "--user", b"adm" + _BAD],
        ["import-transactions", "{csv}", "--user", ADMIN],  # a file's name (was exit 70)
        ["restore", "{backup}", "--user", ADMIN],  # (was exit 70, after the restore)
        ["backup", "{dest}"],  # (was exit 70, with a backup left without its manifest)
    ],
    ids=[
        "description",
        "counterparty",
        "category",
        "fund",
        "date",
        "reverse-reason",
        "user-name",
        "reset-password-name",
        "fund-name",
        "close-year",
        "user",
        "import-file-name",
        "restore-file-name",
        "backup-file-name",
    ],
)
def test_bytes_that_are_not_utf8_in_an_argument_are_refused(
    template: Path, tmp_path: Path, args: list[str | bytes]
) -> None:
    path = place(template, tmp_path)
    folder = os.fsencode(tmp_path)
    csv = folder + b"/in" + _BAD + b".csv"
    with open(csv, "wb") as fh:
        fh.write(b"date,type,amount,category\n2024-05-01,receipt,5,FINES\n")
    saved = folder + b"/saved" + _BAD + b".ruralcouncil"
    shutil.copyfile(template, saved)
    dest = folder + b"/out" + _BAD + b".ruralcouncil"
    names = {"{csv}": csv, "{backup}": saved, "{dest}": dest}
    argv = [names.get(a, a) if isinstance(a, str) else a for a in args]
    before = state(path)
    done = run_bytes("--db", str(path), *argv)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "internal error" not in err and err.strip()
    assert "UTF-8" in err, err
    assert state(path) == before
    assert not os.path.exists(dest)
    assert not list(tmp_path.glob(".*partial")) and not list(tmp_path.glob("*before-restore*"))


def test_a_ledger_whose_name_is_not_utf8_still_works(template: Path, tmp_path: Path) -> None:
    """The checks above refuse only what would be stored: the ledger's own path may hold
    such bytes (a USB stick's folder named in another encoding)."""
    path = os.fsencode(tmp_path) + b"/village" + _BAD + b".ruralcouncil"
    shutil.copyfile(template, path)
    done = run_bytes(b"--db", path, *FINE, "--user", ADMIN)
    assert done.returncode == 0, done.stderr.decode()
    done = run_bytes(b"--db", path, "verify", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["reverse", str(2**64), "--reason", "x", "--user", ADMIN],
        ["reverse", "9" * 400, "--reason", "x", "--user", ADMIN],
        ["reverse", str(2**63), "--reason", "x", "--user", ADMIN],
        ["reverse", "-1", "--reason", "x", "--user", ADMIN],
        ["verify", "--anchor", f"{2**64}:{'a' * 64}"],
        ["verify", "--anchor", f"{'9' * 5000}:{'a' * 64}"],
        ["verify", "--anchor", f"{2**63}:{'a' * 64}"],
        ["verify", "--anchor", f"١:{'a' * 64}"],
        ["close-year", "9" * 5000, "--user", ADMIN],
        ["summary", "--year", "9" * 5000],
        [*FINE[:-3], "9" * 5000, "--category", "FINES", "--user", CLERK],
        [*FINE[:-3], "1" + "0" * 30, "--category", "FINES", "--user", CLERK],
    ],
    ids=[
        "reverse-2^64",
        "reverse-400-digits",
        "reverse-2^63",
        "reverse-negative",
        "anchor-2^64",
        "anchor-5000-digits",
        "anchor-2^63",
        "anchor-arabic-indic",
        "close-year-5000-digits",
        "summary-5000-digits",
        "amount-5000-digits",
        "amount-10^30",
    ],
)
def test_numbers_too_large_for_any_integer_are_refused(run: Cli, db: Path, args: list[str]) -> None:
    before = state(db)
    err = refused(run(*args))
    assert len(err) < 2000  # the refusal quotes the value cut short, not 5000 digits
    assert state(db) == before


@pytest.mark.parametrize(
    "amount", ["9" * 5000, "1" + "0" * 4000 + ".00", "0." + "0" * 3000 + "1", "٥٠٠"]
)
def test_an_amount_thousands_of_digits_long_in_a_csv_is_refused(
    run: Cli, db: Path, tmp_path: Path, amount: str
) -> None:
    before = state(db)
    csv = write_csv(tmp_path, 3, amount=amount)
    err = refused(run("import-transactions", str(csv), "--user", CLERK), "line 2:")
    assert len(err) < 5000
    assert state(db) == before


# --- item 12: a backup killed midway ------------------------------------------------------

_KILLED_BACKUP = """
import os, sys
from pathlib import Path
from ruralcouncil.ledger import backup
from ruralcouncil.ledger.storage import open_ledger

ledger = open_ledger(Path(sys.argv[1]), write=False)

def killed(done, total):
    os._exit(9)  # the power goes midway through the copy

backup.backup_ledger(ledger, Path(sys.argv[2]), progress=killed)
"""


def test_the_next_backup_removes_what_a_killed_one_left(run: Cli, db: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BACKUP, str(db), str(stick)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr
    left = listing(stick)
    assert len(left) == 1 and left[0].startswith(".") and left[0].endswith(".partial")
    (stick / ".old.ruralcouncil.json.partial").write_text("{", encoding="utf-8")
    code, _out, err = run("backup", str(stick))
    assert code == 0, err
    after = listing(stick)
    assert not [n for n in after if n.endswith(".partial")]
    assert len([n for n in after if n.endswith(".ruralcouncil")]) == 1


def test_a_partial_backup_still_being_written_is_left_alone(
    run: Cli, db: Path, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    busy = stick / ".other-copy.ruralcouncil.partial"
    fd = os.open(busy, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        assert lock.try_lock(fd)  # another copy of the program is writing it
        code, _out, err = run("backup", str(stick))
        assert code == 0, err
        assert busy.exists()
    finally:
        lock.unlock(fd)
        os.close(fd)
    code, _out, err = run("backup", str(stick / "second.ruralcouncil"))
    assert code == 0, err
    assert not busy.exists()


# --- item 10: restores that would lock the administrator out -------------------------------


def _empty_backup(folder: Path) -> Path:
    """A file with the ledger's tables and nothing in them: no users, no entries."""
    path = folder / "empty.ruralcouncil"
    storage.create_ledger_file(path).close()
    return path


def _no_admin_backup(template: Path, folder: Path) -> Path:
    """A copy whose only administrator was disabled by editing the file."""
    path = place(template, folder, "no-admin.ruralcouncil")
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'users'"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE users SET active = 0 WHERE role = 'admin'")
    conn.close()
    return path


def _other_village_backup(folder: Path) -> Path:
    path = folder / "other-village.ruralcouncil"
    init_ledger(path, village="Басқа ауыл", admin=ADMIN, password=PASSWORD).close()
    return path


@pytest.mark.parametrize("which", ["empty", "no-admin", "other-village"])
def test_restores_that_would_lock_the_administrator_out_are_refused(
    run: Cli, db: Path, template: Path, tmp_path: Path, which: str
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    source = {
        "empty": lambda: _empty_backup(folder),
        "no-admin": lambda: _no_admin_backup(template, folder),
        "other-village": lambda: _other_village_backup(folder),
    }[which]()
    words = {
        "empty": ["no active administrator", source.name],
        "no-admin": ["does not pass verification"],
        "other-village": ["another ledger", "--other-village"],
    }[which]
    before = state(db)
    refused(run("restore", str(source), "--user", ADMIN), *words)
    assert state(db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))
    # The administrator can still log in, and write.
    code, _out, err = run(*FINE, "--user", ADMIN)
    assert code == 0, err
    # Onto a PC with no ledger yet: refused alike, and no file is made.
    target = tmp_path / "new" / "ledger.ruralcouncil"
    target.parent.mkdir()
    if which != "other-village":  # a new PC has no village of its own to differ from
        refused(run.on(target)("restore", str(source), "--user", ADMIN))
        assert listing(target.parent) == []
