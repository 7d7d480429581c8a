"""Opening, creating and locking ledger files; all-or-nothing writes; durability."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    commits_since,
    english,
    entry,
    fresh_ledger,
    receipt,
    state,
)

from ruralcouncil.ledger import chain, journal, keys, schema, users
from ruralcouncil.ledger.classification import DEFAULT_BOOK_ACCOUNTS
from ruralcouncil.ledger.errors import InvalidInput, LedgerUnavailable
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger, create_ledger_file, open_ledger
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import verify

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def closed_path(tmp_path: Path) -> Path:
    """A good ledger file that nobody has open."""
    ledger = fresh_ledger(tmp_path)
    receipt(ledger, admin_of(ledger), "2024-01-05", 1_000_00)
    ledger.close()
    return ledger.path


@pytest.fixture
def book(closed_path: Path) -> Iterator[Ledger]:
    ledger = open_ledger(closed_path)
    try:
        yield ledger
    finally:
        ledger.close()


# --- files that are not (usable) ledgers -------------------------------------------------


def _not_ledgers(folder: Path) -> dict[str, Path]:
    text = folder / "notes.ruralcouncil"
    text.write_text("Budget 2025: 1 500 000 ₸\n" * 20, encoding="utf-8")
    empty = folder / "empty.ruralcouncil"
    empty.touch()
    plain = folder / "other-app.ruralcouncil"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
    db.close()
    short = folder / "short.ruralcouncil"
    short.write_bytes(b"SQLite format 3\x00")
    folder_ = folder / "folder.ruralcouncil"
    folder_.mkdir()
    return {
        "text": text,
        "empty": empty,
        "plain sqlite": plain,
        "sqlite header only": short,
        "folder": folder_,
        "missing": folder / "missing.ruralcouncil",
    }


@pytest.mark.parametrize(
    "kind", ["text", "empty", "plain sqlite", "sqlite header only", "folder", "missing"]
)
@pytest.mark.parametrize("write", [True, False])
def test_not_a_ledger(tmp_path: Path, kind: str, write: bool) -> None:
    path = _not_ledgers(tmp_path)[kind]
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(LedgerUnavailable) as refused:
        open_ledger(path, write=write)
    message = str(refused.value)
    assert str(path) in message
    assert any(words in message for words in ("not a RuralCouncil ledger", "no ledger", "folder"))
    if before is not None:
        assert path.read_bytes() == before  # nothing written to someone else's file
        assert not Path(str(path) + "-wal").exists()
    # The lock was not left behind: a good ledger at another path is unaffected, and the
    # lock file (if any) can be taken again.
    lock = Path(str(path) + ".lock")
    if lock.exists():
        from ruralcouncil.ledger.lock import LedgerLock

        again = LedgerLock(path)
        again.acquire("test")
        again.release()


@pytest.mark.parametrize("write", [True, False])
def test_newer_schema_refused(closed_path: Path, write: bool) -> None:
    with sqlite3.connect(closed_path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(LedgerUnavailable, match="newer version") as refused:
        open_ledger(closed_path, write=write)
    assert "99" in str(refused.value)
    # Refusing released the lock: once the file is back to our version it opens.
    with sqlite3.connect(closed_path) as db:
        db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    db.close()
    open_ledger(closed_path).close()


def test_an_open_for_writing_reads_the_schema_once(
    closed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check made again once the lock is held reads the whole schema only if it has
    changed since the first check."""
    described: list[int] = []
    describe = schema.describe

    def counted(conn: sqlite3.Connection) -> list[list[object]]:
        described.append(1)
        return describe(conn)

    monkeypatch.setattr(schema, "describe", counted)
    open_ledger(closed_path, write=True).close()
    assert len(described) == 1
    described.clear()
    open_ledger(closed_path, write=False).close()
    assert len(described) == 1


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE smuggled (x)",
        "DROP TRIGGER {trigger}",
        "PRAGMA user_version = 1",
    ],
)
def test_a_schema_changed_before_the_lock_is_held_is_refused(
    closed_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Another program changes the file between the first check and the lock: the check
    made with the lock held sees it (the schema's cookie moved), and the open is refused."""
    from ruralcouncil.ledger.lock import LedgerLock

    with closing(sqlite3.connect(closed_path)) as db:
        trigger = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name LIMIT 1"
        ).fetchone()[0]
    acquire = LedgerLock.acquire

    def changed_meanwhile(self: LedgerLock, purpose: str) -> None:
        with closing(sqlite3.connect(closed_path)) as other:
            other.execute(change.format(trigger=trigger))
            other.commit()
        acquire(self, purpose)

    monkeypatch.setattr(LedgerLock, "acquire", changed_meanwhile)
    with pytest.raises(LedgerUnavailable, match="structure of a RuralCouncil ledger"):
        open_ledger(closed_path, write=True)


def test_older_schema_read_only_asks_for_an_upgrade(tmp_path: Path) -> None:
    """A version-1 ledger (the kept fixture) opens read-only only for those who read every
    version (verify, backup); for writing it opens, but saves nothing until an administrator
    logs in and upgrades it."""
    path = tmp_path / "old.ruralcouncil"
    shutil.copyfile(REPO / "tests" / "fixtures" / "ledger-v1.ruralcouncil", path)
    before = path.read_bytes()
    with pytest.raises(LedgerUnavailable, match="older version"):
        open_ledger(path, write=False)
    reader = open_ledger(path, write=False, legacy=True)
    try:
        assert reader.needs_upgrade and verify(reader.conn).ok
    finally:
        reader.close()
    ledger = open_ledger(path)
    try:
        with pytest.raises(LedgerUnavailable, match="earlier version"), ledger.write(None):
            pass
    finally:
        ledger.close()
    assert path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write any file")
def test_read_only_file_refused_for_writing(closed_path: Path) -> None:
    closed_path.chmod(0o444)
    try:
        with pytest.raises(LedgerUnavailable, match="read-only"):
            open_ledger(closed_path)
        reader = open_ledger(closed_path, write=False)
        assert verify(reader.conn).ok
        reader.close()
    finally:
        closed_path.chmod(0o644)


def test_read_only_open_cannot_write(closed_path: Path) -> None:
    reader = open_ledger(closed_path, write=False)
    try:
        assert reader.read_only
        before = state(reader.conn)
        admin = users.login(reader, ADMIN, PASSWORD)  # a login on a reader is fine ...
        with pytest.raises(LedgerUnavailable, match="read-only"), reader.write(admin):
            pass  # ... but nothing is saved through it
        with pytest.raises(LedgerUnavailable, match="read-only"):
            receipt(reader, admin, "2024-01-06", 1_00)
        assert state(reader.conn) == before
    finally:
        reader.close()


# --- one writer --------------------------------------------------------------------------


def test_second_writer_in_process_refused(book: Ledger) -> None:
    with pytest.raises(LedgerUnavailable, match="already open") as refused:
        open_ledger(book.path)
    assert f"pid {os.getpid()}" in str(refused.value)
    # Readers are welcome while the writer works.
    reader = open_ledger(book.path, write=False)
    assert reader.conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 1
    reader.close()
    book.close()
    open_ledger(book.path).close()  # released on close


_HOLDER = """
import sys
from ruralcouncil.ledger.storage import open_ledger
ledger = open_ledger(sys.argv[1], purpose="holder")
print("ready", flush=True)
sys.stdin.readline()
ledger.close()
print("closed", flush=True)
"""


def test_second_writer_from_another_process_refused(closed_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(closed_path)],
        cwd=REPO,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(LedgerUnavailable, match="already open") as refused:
            open_ledger(closed_path)
        assert f"pid {holder.pid} holder" in str(refused.value)
        with pytest.raises(LedgerUnavailable):
            init_ledger(closed_path, village="x", admin=ADMIN, password=PASSWORD)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    open_ledger(closed_path).close()


def test_killed_holder_leaves_no_lock(closed_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(closed_path)],
        cwd=REPO,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "ready"
    holder.kill()
    holder.wait()
    ledger = open_ledger(closed_path)
    assert verify(ledger.conn).ok
    ledger.close()


# --- creating ----------------------------------------------------------------------------


def test_init_refuses_an_existing_file(closed_path: Path, tmp_path: Path) -> None:
    before = closed_path.read_bytes()
    with pytest.raises(LedgerUnavailable, match="already exists"):
        init_ledger(closed_path, village="x", admin=ADMIN, password=PASSWORD)
    assert closed_path.read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    with pytest.raises(LedgerUnavailable, match="already exists"):
        create_ledger_file(notes)
    assert notes.read_text(encoding="utf-8") == "keep me"


def test_init_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(LedgerUnavailable, match="does not exist"):
        init_ledger(
            tmp_path / "nowhere" / "x.ruralcouncil", village="x", admin=ADMIN, password=PASSWORD
        )


@pytest.mark.parametrize(
    ("village", "admin", "password"),
    [("", ADMIN, PASSWORD), ("V", "a b", PASSWORD), ("V", ADMIN, "short")],
)
def test_init_bad_input_leaves_no_file(
    tmp_path: Path, village: str, admin: str, password: str
) -> None:
    path = tmp_path / "x.ruralcouncil"
    with pytest.raises(InvalidInput):
        init_ledger(path, village=village, admin=admin, password=password)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_new_ledger_contents(tmp_path: Path) -> None:
    ledger = init_ledger(
        tmp_path / "new.ruralcouncil", village="Қарасу", admin=ADMIN, password=PASSWORD
    )
    try:
        conn = ledger.conn
        assert {r[0] for r in conn.execute("SELECT code FROM accounts WHERE kind = 'cash'")} == {
            "BANK",
            "CASH",
        }
        assert [r[0] for r in conn.execute("SELECT code FROM funds")] == ["GENERAL"]
        assert conn.execute("SELECT name, role FROM users").fetchall() == [(ADMIN, "admin")]
        # One commit, signed by the administrator's own key: the root of every signature.
        assert commits_since(conn, 0) == [
            (
                1,
                [
                    "schema",
                    "setting",
                    "setting",
                    *(["account"] * len(DEFAULT_BOOK_ACCOUNTS)),
                    "fund",
                    "user",
                    "event:ledger.create",
                ],
            )
        ]
        assert conn.execute("SELECT key_set_by FROM users").fetchall() == [(1,)]
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0
        result = verify(conn)
        assert result.ok and result.signed_commits == 1
        assert not (tmp_path / "new.ruralcouncil.creating").exists()
    finally:
        ledger.close()


# --- the file's settings -----------------------------------------------------------------


def test_pragmas(book: Ledger) -> None:
    conn = book.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' AND name <> '_sqlite_migrations'"
    ).fetchall()
    assert len(tables) >= 10
    for name, sql in tables:
        assert sql.rstrip().upper().endswith(("STRICT", "STRICT, WITHOUT ROWID")), name


def test_foreign_keys_enforced(book: Ledger) -> None:
    before = state(book.conn)
    with pytest.raises(sqlite3.IntegrityError), book.write(admin_of(book)) as commit:
        commit.conn.execute(
            "INSERT INTO postings (transaction_id, account, fund, amount)"
            " VALUES (99999, 'BANK', 'GENERAL', 1)"
        )
    assert state(book.conn) == before


def test_strict_types_enforced(book: Ledger) -> None:
    before = state(book.conn)
    with pytest.raises(sqlite3.IntegrityError), book.write(admin_of(book)) as commit:
        commit.conn.execute(
            "INSERT INTO daily_totals VALUES ('BANK', 'GENERAL', '2024-01-01', 'ten')"
        )
    assert state(book.conn) == before


# --- who writes --------------------------------------------------------------------------


def test_a_write_needs_a_logged_in_author(book: Ledger) -> None:
    """Every write is signed: a user without an unlocked key (not logged in), or with someone
    else's, saves nothing."""
    admin = admin_of(book)
    clerk = users.add_user(book, admin, "clerk", "clerk", "clerk-password-1")
    before = state(book.conn)
    for author in (
        User(admin.id, admin.name, admin.role),
        clerk,
        User(clerk.id, clerk.name, clerk.role, signer=admin.signer),
    ):
        with pytest.raises(LedgerUnavailable, match="not logged in"), book.write(author):
            pytest.fail("the write began")
    assert state(book.conn) == before


def test_a_commit_is_signed_once_by_its_author(book: Ledger) -> None:
    admin = admin_of(book)
    start = chain.head(book.conn)[0]
    with book.write(admin) as commit:
        for day in ("2024-02-01", "2024-02-02", "2024-02-03"):
            journal.insert_entry(commit, admin, entry(day, "receipt", 5_00, "FINES"))
        commit.event("entry.record", "three at once")
    assert commits_since(book.conn, start) == [
        (admin.id, ["transaction", "transaction", "transaction", "event:entry.record"])
    ]
    head_seq, head = chain.head(book.conn)
    author, signature = book.conn.execute(
        "SELECT author, signature FROM signatures WHERE seq = ?", (head_seq,)
    ).fetchone()
    assert author == admin.id
    public = book.conn.execute("SELECT public_key FROM users WHERE id = ?", (author,)).fetchone()
    assert keys.PublicKeys().check(str(public[0]), start + 1, head_seq, head, signature)
    # A commit that chains nothing signs nothing.
    with book.write(admin):
        pass
    assert chain.head(book.conn) == (head_seq, head)
    assert book.conn.execute("SELECT max(seq) FROM signatures").fetchone()[0] == head_seq
    assert verify(book.conn).ok


# --- all or nothing ----------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt, sqlite3.OperationalError])
def test_crash_mid_write_leaves_nothing(book: Ledger, error: type[BaseException]) -> None:
    user = users.login(book, ADMIN, PASSWORD)  # its login waits for the first write
    before = state(book.conn)
    with pytest.raises(error), book.write(user) as commit:
        journal.insert_entry(commit, user, entry("2024-02-01", "receipt", 5_00, "FINES"))
        assert commit.conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 2
        raise error("power cut")
    assert not book.conn.in_transaction
    assert state(book.conn) == before
    assert verify(book.conn).ok
    # The ledger still takes writes afterwards, and the session's login is chained with
    # the first one that was saved.
    start = chain.head(book.conn)[0]
    receipt(book, user, "2024-02-01", 5_00, "FINES")
    assert commits_since(book.conn, start) == [
        (user.id, ["event:login", "transaction", "event:entry.record"])
    ]
    assert verify(book.conn).ok


def test_write_is_immediate(book: Ledger) -> None:
    """BEGIN IMMEDIATE: another connection cannot slip a write in between."""
    other = sqlite3.connect(book.path, isolation_level=None, timeout=0)
    try:
        with book.write(admin_of(book)), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


# --- durability --------------------------------------------------------------------------

_RECORD_THEN_DIE = """
import os, signal, sys
from datetime import date
from ruralcouncil.ledger import journal
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.users import login
ledger = open_ledger(sys.argv[1])
user = login(ledger, sys.argv[2], sys.argv[3])
entry_id = journal.record(ledger, user, journal.NewEntry(
    date=date(2024, 3, 3), type=journal.EntryType.RECEIPT, amount=123_45, category="DONATION",
    description="saved then killed"))
print(entry_id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_entry_survives_kill_right_after_save(closed_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(_RECORD_THEN_DIE),
            str(closed_path),
            ADMIN,
            PASSWORD,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    entry_id = int(done.stdout.strip())
    assert Path(str(closed_path) + "-wal").exists()  # never checkpointed: it lives in the WAL
    ledger = open_ledger(closed_path)
    try:
        row = ledger.conn.execute(
            "SELECT amount, description FROM transactions WHERE number = ?", (entry_id,)
        ).fetchone()
        assert tuple(row) == (123_45, "saved then killed")
        assert verify(ledger.conn).ok
    finally:
        ledger.close()
