"""Users: keys locked under their passwords, logins read from the signed chain, roles and the
permissions of DESIGN §4."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from functools import cache
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
    opening,
    raw,
    receipt,
    state,
    tamper,
)

from ruralcouncil.ledger import catalog, chain, journal, keys, replay, settings, users
from ruralcouncil.ledger.errors import (
    AuthenticationFailed,
    InvalidInput,
    LedgerUnavailable,
    PermissionDenied,
)
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import Action, Role, User
from ruralcouncil.ledger.verify import verify

OTHER_PASSWORD = "another-pass-2"
SCHEME = "ed25519-scrypt-chacha20poly1305"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    ledger = fresh_ledger(tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()


def _row(ledger: Ledger, name: str) -> dict[str, object]:
    cursor = ledger.conn.execute(
        "SELECT id, role, active, password_hash, public_key, secret_key, key_set_by"
        " FROM users WHERE name = ?",
        (name,),
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


# --- the locked key: a user's password check is their private key ------------------------


@cache
def _pair() -> tuple[str, str]:
    public, locked, _signer = keys.new_key_pair(7, PASSWORD)
    return public, locked


def test_locked_key_format() -> None:
    public, locked = _pair()
    assert len(public) == 64 and int(public, 16) >= 0
    scheme, n, r, p, salt, nonce, secret = locked.split("$")
    assert (scheme, n, r, p) == (SCHEME, "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(nonce)) == 12
    assert len(base64.b64decode(secret)) == 32 + 16  # the private key and its tag
    assert PASSWORD not in locked
    signer = keys.unlock(7, public, locked, PASSWORD)
    assert (signer.user_id, signer.public_key) == (7, public)
    assert keys.PublicKeys().check(public, 3, 5, "ab" * 32, signer.sign_head(3, 5, "ab" * 32))
    # The commit's start is signed too: the same head with another start does not check.
    assert not keys.PublicKeys().check(public, 4, 5, "ab" * 32, signer.sign_head(3, 5, "ab" * 32))
    for wrong in (PASSWORD + "x", "", PASSWORD.upper()):
        with pytest.raises(keys.LockedKeyError):
            keys.unlock(7, public, locked, wrong)


def test_same_password_gets_a_new_key_and_salt() -> None:
    first, second = keys.new_key_pair(7, PASSWORD), keys.new_key_pair(7, PASSWORD)
    assert first[0] != second[0]
    assert first[1].split("$")[4] != second[1].split("$")[4]
    for public, locked, _signer in (first, second):
        assert keys.unlock(7, public, locked, PASSWORD).public_key == public


def test_a_locked_key_opens_only_as_its_own_user() -> None:
    public, locked = _pair()
    other_public = keys.new_key_pair(8, PASSWORD)[0]
    with pytest.raises(keys.LockedKeyError):
        keys.unlock(8, public, locked, PASSWORD)  # copied onto another account
    with pytest.raises(keys.LockedKeyError):
        keys.unlock(7, other_public, locked, PASSWORD)  # under another public key


def _handshake(monkeypatch: pytest.MonkeyPatch, patience: float = 10) -> list[str]:
    """The derivation waits (up to ``patience`` seconds) for the preparation to finish,
    which it only can while running beside it; what happened is recorded in order."""
    seen: list[str] = []
    prepared = threading.Event()
    derive = keys._derive

    def derive_beside(*args: object) -> bytes:
        seen.append("derivation waits" if prepared.wait(patience) else "derivation alone")
        prepared.clear()  # the next derivation waits for its own preparation
        return derive(*args)  # type: ignore[arg-type]

    def prepare() -> None:
        seen.append("prepared on the main thread" if _on_main() else "prepared beside")
        prepared.set()

    monkeypatch.setattr(keys, "_derive", derive_beside)
    monkeypatch.setattr(keys, "_WHILE_DERIVING", [prepare])
    return seen


def _on_main() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_what_a_login_needs_next_is_loaded_beside_the_key_derivation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """scrypt releases the GIL: the window's code and the cryptography are loaded on the
    main thread while the key is derived on its own, and finished before the key is opened."""
    public, locked = _pair()
    seen = _handshake(monkeypatch)
    assert keys.unlock(7, public, locked, PASSWORD).public_key == public
    assert seen == ["prepared on the main thread", "derivation waits"]
    # An unknown name costs the same work as a wrong password, preparation included.
    seen.clear()
    keys.waste_like_unlock(PASSWORD)
    assert seen == ["prepared on the main thread", "derivation waits"]


def test_a_login_prepares_after_checking_the_users_not_beside_it(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three threads on a two-core PC slowed the derivation: the login checks the chain's
    users first, then prepares, both on the main thread, with the derivation on its own."""
    seen = _handshake(monkeypatch)
    check = replay.users_from_chain

    def checked(conn: object) -> object:
        try:
            return check(conn)  # type: ignore[arg-type]
        finally:
            seen.append("users checked on the main thread" if _on_main() else "checked beside")

    monkeypatch.setattr(replay, "users_from_chain", checked)
    assert users.login(book, ADMIN, PASSWORD).role == Role.ADMIN
    assert seen == [
        "users checked on the main thread",
        "prepared on the main thread",
        "derivation waits",
    ]
    assert not [t.name for t in threading.enumerate() if t.name == "derive-key"]


def test_a_failing_preparation_does_not_stop_a_login(monkeypatch: pytest.MonkeyPatch) -> None:
    public, locked = _pair()
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise ImportError("a module that cannot load")

    monkeypatch.setattr(keys, "_WHILE_DERIVING", [broken, lambda: ran.append("later")])
    assert keys.unlock(7, public, locked, PASSWORD).public_key == public
    assert ran == ["broken"]  # the rest is left to whoever needs it
    with pytest.raises(keys.LockedKeyError):
        keys.unlock(7, public, locked, "a-wrong-password")


def test_a_login_off_the_main_thread_prepares_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade's login runs in a worker while the window's thread runs: nothing is
    imported beside the window's own work then."""
    public, locked = _pair()
    seen = _handshake(monkeypatch, patience=0.5)
    opened: list[str] = []
    worker = threading.Thread(
        target=lambda: opened.append(keys.unlock(7, public, locked, PASSWORD).public_key)
    )
    worker.start()
    worker.join(60)
    assert opened == [public]
    assert seen == ["derivation alone"]


def test_a_preparation_is_registered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "_WHILE_DERIVING", [keys.load])
    work = _pair.cache_clear  # any callable
    keys.prepare_while_deriving(work)
    keys.prepare_while_deriving(work)
    assert [keys.load, work] == keys._WHILE_DERIVING


def _held_derivation(
    monkeypatch: pytest.MonkeyPatch, patience: float = 10
) -> tuple[list[str], threading.Event]:
    """The derivation waits (up to ``patience`` seconds) for the event the caller's work
    sets, which it only can while the derivation is still running; what happened is recorded
    in order."""
    seen: list[str] = []
    done = threading.Event()
    derive = keys._derive

    def derive_held(*args: object) -> bytes:
        seen.append("derivation waits" if done.wait(patience) else "derivation alone")
        done.clear()
        return derive(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(keys, "_derive", derive_held)
    return seen, done


def test_the_login_works_for_the_chained_user_while_their_key_is_derived(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's start builds the main window in the wait for the key: the login hands
    its ``meanwhile`` the user as the chain names them, without a key, on the main thread,
    while the derivation still runs, once."""
    seen, done = _held_derivation(monkeypatch)
    given: list[User] = []

    def meanwhile(user: User) -> None:
        given.append(user)
        seen.append("work on the main thread" if _on_main() else "work beside")
        done.set()

    user = users.login(book, ADMIN, PASSWORD, meanwhile=meanwhile)
    assert seen == ["work on the main thread", "derivation waits"]
    assert given == [user] and given[0].signer is None  # the same account, not its key
    assert user.signer is not None and user.role == Role.ADMIN
    assert not [t.name for t in threading.enumerate() if t.name == "derive-key"]


def test_the_login_works_meanwhile_for_a_known_name_only(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password's login has the work done (the caller undoes it when refused); an
    unknown name's has none; and either is refused and recorded as without it."""
    seen, done = _held_derivation(monkeypatch)
    given: list[str] = []

    def meanwhile(user: User) -> None:
        given.append(user.name)
        done.set()

    seq = chain.head(book.conn)[0]
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "a-wrong-password", meanwhile=meanwhile)
    assert (given, seen) == ([ADMIN], ["derivation waits"])
    done.set()  # an unknown name's derivation has no work to wait for
    with pytest.raises(AuthenticationFailed):
        users.login(book, "nobody", PASSWORD, meanwhile=meanwhile)
    assert given == [ADMIN]
    assert commits_since(book.conn, seq) == [
        (None, ["event:login.failed"]),
        (None, ["event:login.failed"]),
    ]


def test_an_error_in_the_work_meanwhile_changes_no_login(book: Ledger) -> None:
    def broken(_user: User) -> None:
        raise RuntimeError("a window that cannot be built")

    assert users.login(book, ADMIN, PASSWORD, meanwhile=broken).signer is not None
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "a-wrong-password", meanwhile=broken)


def test_no_work_is_done_beside_a_key_already_derived(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work done once the key is ready would only make the login wait longer; off the main
    thread (an upgrade's login, in a worker) it would run beside the window's own."""
    public, locked = _pair()
    params = keys._locked_parts(locked)[0]
    ran: list[str] = []
    derivation = keys.KeyDerivation(PASSWORD, params)
    derivation._thread.join(60)
    assert keys.unlock(7, public, locked, PASSWORD, derivation, lambda: ran.append("late"))
    assert ran == []

    seen, done = _held_derivation(monkeypatch, patience=0.5)
    opened: list[str] = []

    def in_a_worker() -> None:
        held = keys.KeyDerivation(PASSWORD, params)
        opened.append(keys.unlock(7, public, locked, PASSWORD, held, done.set).public_key)

    worker = threading.Thread(target=in_a_worker)
    worker.start()
    worker.join(60)
    assert (opened, seen) == ([public], ["derivation alone"])


def _malformed() -> list[str]:
    _public, locked = _pair()
    fields = locked.split("$")
    flipped = fields[6][:5] + ("A" if fields[6][5] != "A" else "B") + fields[6][6:]
    return [
        "",
        "plain-text",
        PASSWORD,
        "scrypt$16384$8$1$AAAA$AAAA",  # a version-1 password hash is not a key
        "$".join(["x25519-scrypt", *fields[1:]]),
        "$".join([*fields[:1], "x", *fields[2:]]),
        "$".join([*fields[:4], "!!!", *fields[5:]]),
        "$".join(fields[:3]),
        "$".join([*fields[:6], flipped]),
        # Parameters that would take a gigabyte or more of memory are refused unread.
        "$".join([*fields[:1], str(2**20), *fields[2:]]),
        "$".join([*fields[:2], "33", *fields[3:]]),
        "$".join([*fields[:3], "5", *fields[4:]]),
    ]


@pytest.mark.parametrize("index", range(12))
def test_malformed_locked_key_never_opens(index: int) -> None:
    public, _locked = _pair()
    stored = _malformed()[index]
    started = time.perf_counter()
    with pytest.raises(keys.LockedKeyError):
        keys.unlock(7, public, stored, PASSWORD)
    assert time.perf_counter() - started < 2


def _v1_hash(password: str) -> str:
    """A version-1 password hash, made by hand from the documented format."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "$".join(
        (
            "scrypt",
            "16384",
            "8",
            "1",
            base64.b64encode(salt).decode(),
            base64.b64encode(key).decode(),
        )
    )


def test_version_1_password_hashes_still_check() -> None:
    """Accounts made before signed entries are checked against their old hash until an
    administrator gives them a key."""
    stored = _v1_hash(PASSWORD)
    assert keys.check_v1_password(PASSWORD, stored)
    assert not keys.check_v1_password(PASSWORD + "x", stored)
    assert not keys.check_v1_password("", stored)
    for malformed in (
        "",
        "plain-text",
        PASSWORD,
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$16384$8",
        _pair()[1],
    ):
        assert not keys.check_v1_password(PASSWORD, malformed)


def test_stored_key_is_locked(book: Ledger) -> None:
    row = _row(book, ADMIN)
    assert row["password_hash"] == ""  # the locked key is the password's check
    assert str(row["secret_key"]).startswith(f"{SCHEME}$16384$8$1$")
    assert len(str(row["public_key"])) == 64
    assert row["key_set_by"] == row["id"]  # the root key: set by the administrator themself
    signer = keys.unlock(1, str(row["public_key"]), str(row["secret_key"]), PASSWORD)
    assert signer.public_key == row["public_key"]


# --- logins ------------------------------------------------------------------------------


def test_login(book: Ledger) -> None:
    before = state(book.conn)
    user = users.login(book, ADMIN, PASSWORD)
    assert user == User(user.id, ADMIN, Role.ADMIN, "")
    assert user.signer is not None and user.signer.user_id == user.id
    assert user.signer.public_key == _row(book, ADMIN)["public_key"]
    assert user.signer.pending_login is not None  # chained with the session's first write
    assert users.login(book, "ADMIN", PASSWORD).name == ADMIN  # names ignore case
    assert state(book.conn) == before


@pytest.mark.parametrize(
    ("name", "password", "known"),
    [
        (ADMIN, "correct-horse-2", True),
        (ADMIN, "", True),
        (ADMIN, PASSWORD.upper(), True),
        ("nobody", PASSWORD, False),
        ("", PASSWORD, False),
        (ADMIN + " ", PASSWORD, False),
        ("x" * 5000, PASSWORD, False),
    ],
)
def test_login_refused(book: Ledger, name: str, password: str, known: bool) -> None:
    seq = chain.head(book.conn)[0]
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(book, name, password)
    # The same words for an unknown user and a wrong password: nothing to learn from it.
    assert str(refused.value) == "Wrong user name or password."
    # One unsigned record, naming the user or no one, and never the text typed.
    assert commits_since(book.conn, seq) == [(None, ["event:login.failed"])]
    row = book.conn.execute(
        "SELECT user_id, event, detail FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert tuple(row) == ((1 if known else None), "login.failed", "")
    assert verify(book.conn).ok


def _median_login_time(ledger: Ledger, name: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, name, "a-wrong-password")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_known_and_unknown_names_take_comparable_time(book: Ledger) -> None:
    """An unknown name costs the same scrypt as a wrong password, so names cannot be found
    by timing (once ~0 ms against ~44 ms). Medians of a few tries, with a generous margin."""
    users.add_user(book, admin_of(book), "aigul", "clerk", OTHER_PASSWORD)
    _median_login_time(book, "warm-up", 1)
    known = _median_login_time(book, "aigul", 5)
    unknown = _median_login_time(book, "nobody-here", 5)
    assert unknown >= 0.5 * known, (unknown, known)
    assert known >= 0.5 * unknown, (unknown, known)


# --- the key's derivation beside the check of the users --------------------------------


def _derivations(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Each derivation's thread and salt, in order."""
    seen: list[tuple[str, bytes]] = []
    derive = keys._derive

    def recorded(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        seen.append((threading.current_thread().name, salt))
        return derive(password, salt, n, r, p)

    monkeypatch.setattr(keys, "_derive", recorded)
    return seen


def _salt(locked: str) -> bytes:
    return base64.b64decode(locked.split("$")[4])


def test_the_key_is_derived_while_the_users_are_checked(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The derivation and the check of the chain's users each wait (a while) for the other
    to have begun: they meet only when they run at the same time."""
    derivation_began, check_began = threading.Event(), threading.Event()
    met: list[str] = []
    derive, check = keys._derive, replay.users_from_chain

    def derive_beside(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        derivation_began.set()
        met.append("derivation met the check" if check_began.wait(10) else "derivation alone")
        return derive(password, salt, n, r, p)

    def check_beside(conn: object) -> object:
        check_began.set()
        met.append("check met the derivation" if derivation_began.wait(10) else "check alone")
        return check(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(keys, "_derive", derive_beside)
    monkeypatch.setattr(replay, "users_from_chain", check_beside)
    user = users.login(book, ADMIN, PASSWORD)
    assert user.signer is not None and user.signer.public_key == _row(book, ADMIN)["public_key"]
    assert sorted(met) == ["check met the derivation", "derivation met the check"]
    assert not [t.name for t in threading.enumerate() if t.name == "derive-key"]


def test_one_derivation_for_a_login_and_for_a_refusal(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _derivations(monkeypatch)
    users.login(book, ADMIN, PASSWORD)
    assert seen == [("derive-key", _salt(str(_row(book, ADMIN)["secret_key"])))]
    seen.clear()
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "a-wrong-password")
    assert len(seen) == 1
    seen.clear()
    with pytest.raises(AuthenticationFailed):
        users.login(book, "nobody-here", PASSWORD)  # from nothing: a wrong password's work
    assert seen == [("derive-key", b"\x00" * 16)]


def test_a_users_table_that_disagrees_with_the_chain_decides_nothing(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The derivation begins on the users table's copy of the locked key, which nobody has
    vouched for. Another key's copy, or no key at all, there: the login derives again from
    the key the chain has, and opens with the right password only."""
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    admin_key, own_key = (str(_row(book, name)["secret_key"]) for name in (ADMIN, "aigul"))
    seen = _derivations(monkeypatch)
    for copy in (admin_key, "not a key", "scrypt$16384$8$1$AAAA$AAAA", "$".join(["x"] * 7)):
        with closing(raw(book.path)) as db:
            db.execute("UPDATE users SET secret_key = ? WHERE name = 'aigul'", (copy,))
        seen.clear()
        assert users.login(book, "aigul", OTHER_PASSWORD).role == Role.CLERK
        assert seen[-1] == ("MainThread", _salt(own_key)) and len(seen) == 2
        with pytest.raises(AuthenticationFailed):
            users.login(book, "aigul", PASSWORD)  # the password of the key copied there
    # The chain's own key, copied back: one derivation again.
    with closing(raw(book.path)) as db:
        db.execute("UPDATE users SET secret_key = ? WHERE name = 'aigul'", (own_key,))
    seen.clear()
    assert users.login(book, "aigul", OTHER_PASSWORD).role == Role.CLERK
    assert seen == [("derive-key", _salt(own_key))]


def test_a_users_table_copy_with_a_costly_derivation_is_not_derived(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parameters past what this program opens (a copy made to cost memory or minutes) are
    not derived from: a wrong password's work instead."""
    own_key = str(_row(book, ADMIN)["secret_key"])
    fields = own_key.split("$")
    seen = _derivations(monkeypatch)
    for n, r, p in (("1048576", "8", "1"), ("16384", "64", "1"), ("16384", "8", "16")):
        costly = "$".join([fields[0], n, r, p, *fields[4:]])
        with closing(raw(book.path)) as db:
            db.execute("UPDATE users SET secret_key = ? WHERE name = ?", (costly, ADMIN))
        seen.clear()
        assert users.login(book, ADMIN, PASSWORD).role == Role.ADMIN
        assert seen == [("derive-key", b"\x00" * 16), ("MainThread", _salt(own_key))]


def test_a_password_past_the_longest_is_refused_when_the_users_table_lost_the_name(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the name gone from the users table, the derivation begins from nothing, on the
    password cut as an unknown name's is; the key is then derived from the whole password
    typed, so the longest password with one more character after it does not open it."""
    longest = "p" * users.MAX_PASSWORD_LENGTH
    users.add_user(book, admin_of(book), "aigul", "clerk", longest)
    tamper(book.path, "UPDATE users SET name = 'renamed' WHERE name = 'aigul'")
    seen = _derivations(monkeypatch)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "aigul", longest + "x")
    assert [thread for thread, _salt in seen] == ["derive-key", "MainThread"]
    assert users.login(book, "aigul", longest).role == Role.CLERK


def test_an_account_gone_from_the_users_table_is_refused_with_what_happened(
    book: Ledger,
) -> None:
    """The chain has the account, the users table has lost its row (deleted outside the
    program): its login, with the right password or a wrong one, is refused saying so, and
    nothing is written (a failed login would name the missing row). Others still log in."""
    users.add_user(book, admin_of(book), "aigul", "clerk", OTHER_PASSWORD)
    tamper(book.path, "DELETE FROM users WHERE name = 'aigul'")
    before = state(book.conn)
    for password in (OTHER_PASSWORD, "wrong-password-9"):
        with pytest.raises(LedgerUnavailable, match=r"account of aigul is missing.*Run verify"):
            users.login(book, "aigul", password)
        assert state(book.conn) == before
        assert not [t.name for t in threading.enumerate() if t.name == "derive-key"]
    assert not verify(book.conn).ok
    assert users.login(book, ADMIN, PASSWORD).role == Role.ADMIN


def test_a_check_that_fails_leaves_nothing_running(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: object) -> object:
        raise LedgerUnavailable("the users do not verify")

    monkeypatch.setattr(replay, "users_from_chain", broken)
    with pytest.raises(LedgerUnavailable):
        users.login(book, ADMIN, PASSWORD)
    assert not [t.name for t in threading.enumerate() if t.name == "derive-key"]


def test_disabled_user_refused_then_enabled(book: Ledger) -> None:
    admin = admin_of(book)
    aigul = users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    users.set_active(book, admin, "aigul", False)
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        users.login(book, "aigul", OTHER_PASSWORD)
    last = book.conn.execute("SELECT user_id, event FROM events ORDER BY id DESC LIMIT 1")
    assert tuple(last.fetchone()) == (aigul.id, "login.failed")
    users.set_active(book, admin, "aigul", True)
    assert users.login(book, "aigul", OTHER_PASSWORD).role == Role.CLERK
    assert verify(book.conn).ok


def test_read_only_login_writes_nothing(book: Ledger) -> None:
    reader = open_ledger(book.path, write=False)
    try:
        before = state(book.conn)
        assert users.login(reader, ADMIN, PASSWORD).name == ADMIN
        with pytest.raises(AuthenticationFailed):
            users.login(reader, ADMIN, "wrong-password")
        assert state(book.conn) == before
    finally:
        reader.close()


def test_login_reads_role_active_and_key_from_the_chain(book: Ledger) -> None:
    """A raw edit of the users table changes nothing a login gets (verify reports it)."""
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    users.add_user(book, admin, "leaver", "member", OTHER_PASSWORD)
    users.set_active(book, admin, "leaver", False)
    assert verify(book.conn).ok
    admin_row = _row(book, ADMIN)
    with closing(raw(book.path)) as db:
        db.execute("UPDATE users SET role = 'admin' WHERE name = 'aigul'")
        db.execute("UPDATE users SET active = 1 WHERE name = 'leaver'")
        db.execute("UPDATE users SET active = 0, role = 'member' WHERE name = ?", (ADMIN,))
    assert not verify(book.conn).ok

    aigul = users.login(book, "aigul", OTHER_PASSWORD)
    assert aigul.role == Role.CLERK and not aigul.may(Action.MANAGE_USERS)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "leaver", OTHER_PASSWORD)
    assert users.login(book, ADMIN, PASSWORD).role == Role.ADMIN

    # The administrator's locked key copied onto aigul's row opens nothing there.
    with closing(raw(book.path)) as db:
        db.execute(
            "UPDATE users SET public_key = ?, secret_key = ? WHERE name = 'aigul'",
            (admin_row["public_key"], admin_row["secret_key"]),
        )
    with pytest.raises(AuthenticationFailed):
        users.login(book, "aigul", PASSWORD)
    assert users.login(book, "aigul", OTHER_PASSWORD).role == Role.CLERK


def test_no_login_when_the_chained_users_do_not_verify(book: Ledger) -> None:
    """A user entry rewritten with a recomputed hash (promoting a clerk) breaks its commit's
    signature: nobody logs in to write, and the refusal writes nothing."""
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    seq, payload = book.conn.execute(
        "SELECT seq, payload FROM chain WHERE kind = 'user' AND record = '2'"
    ).fetchone()
    envelope = json.loads(payload)
    envelope["content"]["role"] = "admin"
    forged = chain.canonical(envelope)
    tamper(
        book.path,
        "UPDATE users SET role = 'admin' WHERE name = 'aigul'",
        f"UPDATE chain SET payload = '{forged}', hash = '{chain.digest(forged)}' WHERE seq = {seq}",
    )
    before = state(book.conn)
    for name, password in (("aigul", OTHER_PASSWORD), (ADMIN, PASSWORD)):
        with pytest.raises(LedgerUnavailable, match="does not verify"):
            users.login(book, name, password)
    assert state(book.conn) == before


# --- adding users, names, roles, passwords -----------------------------------------------


def test_add_user_then_login(book: Ledger) -> None:
    admin = admin_of(book)
    new = users.add_user(book, admin, "aigul.s", "chair", OTHER_PASSWORD, " Айгүл Серікқызы ")
    assert new.role == Role.CHAIR and new.full_name == "Айгүл Серікқызы"
    assert new.signer is None  # created, not logged in
    assert users.login(book, "aigul.s", OTHER_PASSWORD) == new
    assert [(u.name, active) for u, active in users.list_users(book)] == [
        ("admin", True),
        ("aigul.s", True),
    ]
    # The administrator set the new account's key, and it is marked so.
    assert _row(book, "aigul.s")["key_set_by"] == admin.id
    assert users.admin_set_keys(book) == {"aigul.s"}
    assert verify(book.conn).ok


def test_a_user_who_did_not_log_in_cannot_write(book: Ledger) -> None:
    admin = admin_of(book)
    clerk = users.add_user(book, admin, "clerk", "clerk", OTHER_PASSWORD)
    before = state(book.conn)
    with pytest.raises(LedgerUnavailable, match="not logged in"):
        receipt(book, clerk, "2024-01-10", 500_00)
    # Nor with someone else's unlocked key.
    borrowed = User(clerk.id, clerk.name, clerk.role, signer=admin.signer)
    with pytest.raises(LedgerUnavailable, match="not logged in"):
        receipt(book, borrowed, "2024-01-10", 500_00)
    assert state(book.conn) == before


def test_password_length(book: Ledger) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="10"):
        users.add_user(book, admin, "short", "clerk", "123456789")
    with pytest.raises(InvalidInput, match="1024"):
        users.add_user(book, admin, "long", "clerk", "x" * 1025)
    assert state(book.conn) == before
    users.add_user(book, admin, "exact", "clerk", "1234567890")
    users.add_user(book, admin, "kazakh", "clerk", "Әкімнің құпия")  # letters, not bytes
    assert users.login(book, "kazakh", "Әкімнің құпия").name == "kazakh"
    # No composition or dictionary rules: ten of the same letter will do.
    users.add_user(book, admin, "simple", "member", "aaaaaaaaaa")


@pytest.mark.parametrize("role", ["boss", "Admin", "ADMIN", "", "resident", "admin "])
def test_unknown_role_refused(book: Ledger, role: str) -> None:
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="role"):
        users.add_user(book, admin_of(book), "aigul", role, OTHER_PASSWORD)
    assert state(book.conn) == before


@pytest.mark.parametrize(
    "name", ["a", "two words", "x" * 41, "", "semi;colon", "admin", "ADMIN", "tab\tname"]
)
def test_bad_or_taken_name_refused(book: Ledger, name: str) -> None:
    before = state(book.conn)
    with pytest.raises(InvalidInput):
        users.add_user(book, admin_of(book), name, "clerk", OTHER_PASSWORD)
    assert state(book.conn) == before


def test_a_name_is_stored_in_nfc(book: Ledger) -> None:
    """ "Ω" typed as the ohm sign passes the name rule but is not NFC: it is stored (and
    chained) as the Greek letter, and either form logs in (once an internal error)."""
    admin = admin_of(book)
    users.add_user(book, admin, "\u2126mir", "clerk", OTHER_PASSWORD)
    assert [u.name for u, _a in users.list_users(book)] == [ADMIN, "\u03a9mir"]
    for typed in ("\u2126mir", "\u03a9mir"):
        assert users.login(book, typed, OTHER_PASSWORD).name == "\u03a9mir"
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="already a user"):
        users.add_user(book, admin, "\u03a9mir", "clerk", OTHER_PASSWORD)
    assert state(book.conn) == before
    users.set_role(book, admin, "\u2126mir", "member")
    assert verify(book.conn).ok


def test_every_role_can_be_given(book: Ledger) -> None:
    admin = admin_of(book)
    for role in Role:
        assert (
            users.add_user(book, admin, f"u-{role.value}", role.value, OTHER_PASSWORD).role == role
        )
    assert verify(book.conn).ok


def test_reset_password(book: Ledger) -> None:
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    aigul = users.login(book, "aigul", OTHER_PASSWORD)
    users.change_own_password(book, aigul, OTHER_PASSWORD, "aigul-own-pass")
    own_key = _row(book, "aigul")["public_key"]
    users.reset_password(book, admin, "aigul", "brand-new-pass")
    # A new key, set (and known) by the administrator, and marked so again.
    row = _row(book, "aigul")
    assert row["public_key"] != own_key and row["key_set_by"] == admin.id
    assert "aigul" in users.admin_set_keys(book)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "aigul", "aigul-own-pass")
    assert users.login(book, "aigul", "brand-new-pass").name == "aigul"
    before = state(book.conn)
    with pytest.raises(InvalidInput):
        users.reset_password(book, admin, "aigul", "short")
    with pytest.raises(InvalidInput, match="no user"):
        users.reset_password(book, admin, "nobody", "brand-new-pass")
    assert state(book.conn) == before
    assert verify(book.conn).ok


def test_change_own_password(book: Ledger) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    with pytest.raises(AuthenticationFailed):
        users.change_own_password(book, admin, "wrong-old-password", "brand-new-pass")
    with pytest.raises(InvalidInput):
        users.change_own_password(book, admin, PASSWORD, "short")
    assert state(book.conn) == before
    users.change_own_password(book, admin, PASSWORD, "brand-new-pass")
    assert users.login(book, ADMIN, "brand-new-pass").name == ADMIN
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, PASSWORD)
    assert verify(book.conn).ok


def test_changing_your_own_password_clears_the_administrators_mark(book: Ledger) -> None:
    admin = admin_of(book)
    opening(book, admin, "2024-01-01", 1_000_00)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    set_by_admin = _row(book, "aigul")
    assert set_by_admin["key_set_by"] == admin.id
    aigul = users.login(book, "aigul", OTHER_PASSWORD)
    receipt(book, aigul, "2024-01-02", 100_00)  # signed with the key the admin set
    assert verify(book.conn).admin_set_keys["aigul"][0] == 1

    users.change_own_password(book, aigul, OTHER_PASSWORD, "aigul-own-pass")
    row = _row(book, "aigul")
    assert row["public_key"] != set_by_admin["public_key"]
    assert row["secret_key"] != set_by_admin["secret_key"]
    assert row["key_set_by"] == aigul.id
    assert users.admin_set_keys(book) == set()
    # The change itself was still signed with the old key; what follows is not.
    counted = verify(book.conn).admin_set_keys["aigul"][0]
    receipt(book, aigul, "2024-01-03", 100_00)
    result = verify(book.conn)
    assert result.ok, result.problems
    assert result.admin_set_keys["aigul"][0] == counted


def test_the_session_keeps_signing_after_a_password_change(book: Ledger) -> None:
    admin = admin_of(book)
    opening(book, admin, "2024-01-01", 1_000_00)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    aigul = users.login(book, "aigul", OTHER_PASSWORD)
    users.change_own_password(book, aigul, OTHER_PASSWORD, "aigul-own-pass")
    assert aigul.signer is not None and aigul.signer.public_key == _row(book, "aigul")["public_key"]
    seq = chain.head(book.conn)[0]
    receipt(book, aigul, "2024-01-02", 100_00)
    head_seq, head = chain.head(book.conn)
    signature = book.conn.execute(
        "SELECT signature FROM signatures WHERE seq = ?", (head_seq,)
    ).fetchone()[0]
    assert keys.PublicKeys().check(
        str(_row(book, "aigul")["public_key"]), seq + 1, head_seq, head, signature
    )
    assert commits_since(book.conn, seq) == [(aigul.id, ["transaction", "event:entry.record"])]

    # An administrator who resets their own password keeps signing with the new key too.
    users.reset_password(book, admin, ADMIN, "admin-new-pass")
    receipt(book, admin, "2024-01-03", 100_00)
    result = verify(book.conn)
    assert result.ok, result.problems
    assert users.login(book, ADMIN, "admin-new-pass").name == ADMIN


# --- permissions (DESIGN §4) -------------------------------------------------------------

MATRIX = {
    Action.RECORD: {Role.ADMIN, Role.CLERK},
    Action.CLOSE_YEAR: {Role.ADMIN, Role.CHAIR},
    Action.MANAGE_USERS: {Role.ADMIN},
    Action.SETTINGS: {Role.ADMIN},
    Action.RESTORE: {Role.ADMIN},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(role: Role, action: Action) -> None:
    user = User(7, "someone", role)
    assert user.may(action) == (role in MATRIX[action])
    if role in MATRIX[action]:
        users.require(user, action)
    else:
        with pytest.raises(PermissionDenied, match="someone"):
            users.require(user, action)


def test_member_and_auditor_change_nothing(book: Ledger) -> None:
    admin = admin_of(book)
    number = receipt(book, admin, "2024-01-10", 500_00)
    for role in ("member", "auditor"):
        users.add_user(book, admin, role, role, OTHER_PASSWORD)
    for role in ("member", "auditor"):
        before = state(book.conn)
        user = users.login(book, role, OTHER_PASSWORD)
        attempts = [
            lambda u=user: journal.record(book, u, entry("2024-01-11", "receipt", 1, "FINES")),
            lambda u=user: journal.reverse(book, u, number, "no"),
            lambda u=user: journal.close_year(book, u, 2024),
            lambda u=user: users.add_user(book, u, "x-user", "admin", OTHER_PASSWORD),
            lambda u=user: users.reset_password(book, u, ADMIN, "brand-new-pass"),
            lambda u=user: users.set_role(book, u, u.name, "admin"),
            lambda u=user: users.set_active(book, u, ADMIN, False),
            lambda u=user: settings.change(book, u, settings.VILLAGE_NAME, "X"),
            lambda u=user: catalog.add_fund(book, u, "WELL", restricted=True, name_en="W"),
            lambda u=user: catalog.add_category(book, u, "BRIDGE", "expenditure", name_en="B"),
        ]
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt()
        # Neither the login nor any refusal wrote anything.
        assert state(book.conn) == before


def test_clerk_records_but_does_not_close_or_manage(book: Ledger) -> None:
    admin = admin_of(book)
    users.add_user(book, admin, "clerk", "clerk", OTHER_PASSWORD)
    clerk = users.login(book, "clerk", OTHER_PASSWORD)
    receipt(book, clerk, "2024-01-10", 500_00)
    before = state(book.conn)
    with pytest.raises(PermissionDenied):
        journal.close_year(book, clerk, 2024)
    with pytest.raises(PermissionDenied):
        users.add_user(book, clerk, "other", "clerk", OTHER_PASSWORD)
    assert state(book.conn) == before
    assert verify(book.conn).ok


def test_chair_closes_but_does_not_record(book: Ledger) -> None:
    admin = admin_of(book)
    users.add_user(book, admin, "chair", "chair", OTHER_PASSWORD)
    chair = users.login(book, "chair", OTHER_PASSWORD)
    before = state(book.conn)
    with pytest.raises(PermissionDenied):
        receipt(book, chair, "2024-01-10", 500_00)
    assert state(book.conn) == before
    journal.close_year(book, chair, 2024)
    assert journal.closed_years(book.conn) == [2024]
    with pytest.raises(PermissionDenied):
        users.reset_password(book, chair, ADMIN, "brand-new-pass")
    assert verify(book.conn).ok


# --- nobody locks the ledger out of its administrators -----------------------------------


def test_cannot_disable_yourself(book: Ledger) -> None:
    admin = admin_of(book)
    users.add_user(book, admin, "admin2", "admin", OTHER_PASSWORD)
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="own account"):
        users.set_active(book, admin, "ADMIN", False)
    assert state(book.conn) == before


def test_last_admin_keeps_the_role(book: Ledger) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="administrator"):
        users.set_role(book, admin, ADMIN, "clerk")
    assert state(book.conn) == before
    # A second admin who is disabled does not count.
    users.add_user(book, admin, "admin2", "admin", OTHER_PASSWORD)
    users.set_active(book, admin, "admin2", False)
    with pytest.raises(InvalidInput, match="administrator"):
        users.set_role(book, admin, ADMIN, "member")
    # Once there is another active admin, either may step down.
    users.set_active(book, admin, "admin2", True)
    users.set_role(book, admin, ADMIN, "member")
    second = users.login(book, "admin2", OTHER_PASSWORD)
    with pytest.raises(InvalidInput, match="administrator"):
        users.set_role(book, second, "admin2", "clerk")
    with pytest.raises(InvalidInput, match="own account"):
        users.set_active(book, second, "admin2", False)
    assert verify(book.conn).ok


def test_the_last_admin_check_reads_the_chain(book: Ledger) -> None:
    """A clerk made an administrator by a raw edit of the table does not count: demoting the
    only real administrator would lock everyone out (a login reads the chain)."""
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    with closing(raw(book.path)) as db:
        db.execute("UPDATE users SET role = 'admin' WHERE name = 'aigul'")
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="at least one active administrator"):
        users.set_role(book, admin, ADMIN, "clerk")
    assert state(book.conn) == before
    assert users.login(book, ADMIN, PASSWORD).role == Role.ADMIN


@pytest.mark.parametrize(
    ("edit", "change"),
    [
        ("UPDATE users SET active = 1 WHERE name = 'leaver'", "role"),
        ("UPDATE users SET role = 'admin' WHERE name = 'leaver'", "active"),
        ("UPDATE users SET full_name = 'Someone else' WHERE name = 'leaver'", "reset"),
    ],
)
def test_a_change_never_signs_a_raw_edit_of_the_user(book: Ledger, edit: str, change: str) -> None:
    """A change is chained as the whole stored row: an edit made outside the program must
    not slip into an entry the administrator signs."""
    admin = admin_of(book)
    users.add_user(book, admin, "leaver", "member", OTHER_PASSWORD)
    users.set_active(book, admin, "leaver", False)
    with closing(raw(book.path)) as db:
        db.execute(edit)
    before = state(book.conn)
    with pytest.raises(LedgerUnavailable, match="changed outside the program"):
        if change == "role":
            users.set_role(book, admin, "leaver", "clerk")
        elif change == "active":
            users.set_active(book, admin, "leaver", False)
        else:
            users.reset_password(book, admin, "leaver", "brand-new-pass")
    assert state(book.conn) == before


# --- accounts made before signed entries (an upgraded version-1 ledger) -----------------


def test_version_1_accounts_need_a_key_from_an_administrator(tmp_path: Path) -> None:
    """Their owners cannot prove their password to a later verify: until an administrator
    sets a new password (and key), a right password is refused with a reason, a wrong one as
    usual; then they log in, and may make the key their own."""
    fixtures = Path(__file__).parent / "fixtures"
    facts = json.loads((fixtures / "ledger-v1.json").read_text(encoding="utf-8"))
    path = tmp_path / "old.ruralcouncil"
    shutil.copyfile(fixtures / "ledger-v1.ruralcouncil", path)
    ledger = open_ledger(path)
    try:
        admin = users.login(ledger, "admin", facts["passwords"]["admin"])  # the upgrade
        clerk_id = _row(ledger, "clerk")["id"]
        with pytest.raises(AuthenticationFailed, match="made before entries were signed"):
            users.login(ledger, "clerk", facts["passwords"]["clerk"])
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            users.login(ledger, "clerk", "not-the-password")
        failed = ledger.conn.execute(
            "SELECT user_id FROM events WHERE event = 'login.failed' ORDER BY id"
        ).fetchall()
        assert failed == [(clerk_id,), (clerk_id,)]

        users.reset_password(ledger, admin, "clerk", "clerk-new-pass")
        users.set_active(ledger, admin, "leaver", True)
        users.set_role(ledger, admin, "chair", "member")
        clerk = users.login(ledger, "clerk", "clerk-new-pass")
        assert clerk.role == Role.CLERK and "clerk" in users.admin_set_keys(ledger)
        users.change_own_password(ledger, clerk, "clerk-new-pass", "clerk-own-pass")
        assert "clerk" not in users.admin_set_keys(ledger)
        result = verify(ledger.conn)
        assert result.ok, result.problems
    finally:
        ledger.close()
