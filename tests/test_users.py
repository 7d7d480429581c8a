"""Users: scrypt passwords, logins, roles and the permissions of DESIGN §4."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    entry,
    fresh_ledger,
    receipt,
    state,
)

from ruralcouncil.ledger import catalog, journal, settings, users
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import Action, Role, User
from ruralcouncil.ledger.verify import verify

OTHER_PASSWORD = "another-pass-2"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    ledger = fresh_ledger(tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()


def _stored_hash(conn: sqlite3.Connection, name: str) -> str:
    return str(
        conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()[0]
    )


# --- password hashes ---------------------------------------------------------------------


def test_scrypt_hash_format() -> None:
    stored = users.hash_password(PASSWORD)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert PASSWORD not in stored
    assert users.check_password(PASSWORD, stored)
    assert not users.check_password(PASSWORD + "x", stored)
    assert not users.check_password("", stored)


def test_same_password_gets_a_new_salt() -> None:
    first, second = users.hash_password(PASSWORD), users.hash_password(PASSWORD)
    assert first != second
    assert users.check_password(PASSWORD, first) and users.check_password(PASSWORD, second)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text",
        PASSWORD,
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$16384$8",
    ],
)
def test_malformed_hash_never_matches(stored: str) -> None:
    assert not users.check_password(PASSWORD, stored)


def test_stored_hash_is_scrypt(book: Ledger) -> None:
    stored = _stored_hash(book.conn, ADMIN)
    assert stored.startswith("scrypt$16384$8$1$")
    assert users.check_password(PASSWORD, stored)


# --- logins ------------------------------------------------------------------------------


def test_login(book: Ledger) -> None:
    user = users.login(book, ADMIN, PASSWORD)
    assert user == User(user.id, ADMIN, Role.ADMIN, "")
    assert users.login(book, "ADMIN", PASSWORD).name == ADMIN  # names ignore case


@pytest.mark.parametrize(
    ("name", "password"),
    [
        (ADMIN, "correct-horse-2"),
        (ADMIN, ""),
        (ADMIN, PASSWORD.upper()),
        ("nobody", PASSWORD),
        ("", PASSWORD),
        (ADMIN + " ", PASSWORD),
    ],
)
def test_login_refused(book: Ledger, name: str, password: str) -> None:
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(book, name, password)
    # The same words for an unknown user and a wrong password: nothing to learn from it.
    assert str(refused.value) == "Wrong user name or password."


def test_disabled_user_refused_then_enabled(book: Ledger) -> None:
    admin = admin_of(book)
    users.add_user(book, admin, "aigul", "clerk", OTHER_PASSWORD)
    users.set_active(book, admin, "aigul", False)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "aigul", OTHER_PASSWORD)
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


# --- adding users, names, roles, passwords -----------------------------------------------


def test_add_user_then_login(book: Ledger) -> None:
    admin = admin_of(book)
    new = users.add_user(book, admin, "aigul.s", "chair", OTHER_PASSWORD, " Айгүл Серікқызы ")
    assert new.role == Role.CHAIR and new.full_name == "Айгүл Серікқызы"
    assert users.login(book, "aigul.s", OTHER_PASSWORD) == new
    assert [(u.name, active) for u, active in users.list_users(book)] == [
        ("admin", True),
        ("aigul.s", True),
    ]
    assert verify(book.conn).ok


def test_password_length(book: Ledger) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    with pytest.raises(InvalidInput, match="10"):
        users.add_user(book, admin, "short", "clerk", "123456789")
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
    users.reset_password(book, admin, "aigul", "brand-new-pass")
    with pytest.raises(AuthenticationFailed):
        users.login(book, "aigul", OTHER_PASSWORD)
    assert users.login(book, "aigul", "brand-new-pass").name == "aigul"
    with pytest.raises(InvalidInput):
        users.reset_password(book, admin, "aigul", "short")
    with pytest.raises(InvalidInput, match="no user"):
        users.reset_password(book, admin, "nobody", "brand-new-pass")
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
    assert verify(book.conn).ok


# --- permissions (DESIGN §4) -------------------------------------------------------------

MATRIX = {
    Action.RECORD: {Role.ADMIN, Role.CLERK},
    Action.CLOSE_YEAR: {Role.ADMIN, Role.CHAIR},
    Action.MANAGE_USERS: {Role.ADMIN},
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
    receipt(book, admin, "2024-01-10", 500_00)
    for role in ("member", "auditor"):
        users.add_user(book, admin, role, role, OTHER_PASSWORD)
    before = state(book.conn)
    for role in ("member", "auditor"):
        user = users.login(book, role, OTHER_PASSWORD)
        before = state(book.conn)  # the login itself is audited
        attempts = [
            lambda u=user: journal.record(book, u, entry("2024-01-11", "receipt", 1, "FINES")),
            lambda u=user: journal.reverse(book, u, 38, "no"),
            lambda u=user: journal.close_year(book, u, 2024),
            lambda u=user: users.add_user(book, u, "x-user", "admin", OTHER_PASSWORD),
            lambda u=user: users.reset_password(book, u, ADMIN, "brand-new-pass"),
            lambda u=user: users.set_role(book, u, u.name, "admin"),
            lambda u=user: users.set_active(book, u, ADMIN, False),
            lambda u=user: settings.change(book, u, settings.VILLAGE_NAME, "X"),
            lambda u=user: catalog.add_fund(book, u, "WELL", restricted=True, name_en="W"),
        ]
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt()
        assert state(book.conn) == before


def test_clerk_records_but_does_not_close_or_manage(book: Ledger) -> None:
    admin = admin_of(book)
    clerk = users.add_user(book, admin, "clerk", "clerk", OTHER_PASSWORD)
    receipt(book, clerk, "2024-01-10", 500_00)
    with pytest.raises(PermissionDenied):
        journal.close_year(book, clerk, 2024)
    with pytest.raises(PermissionDenied):
        users.add_user(book, clerk, "other", "clerk", OTHER_PASSWORD)


def test_chair_closes_but_does_not_record(book: Ledger) -> None:
    admin = admin_of(book)
    chair = users.add_user(book, admin, "chair", "chair", OTHER_PASSWORD)
    with pytest.raises(PermissionDenied):
        receipt(book, chair, "2024-01-10", 500_00)
    journal.close_year(book, chair, 2024)
    assert journal.closed_years(book.conn) == [2024]
    with pytest.raises(PermissionDenied):
        users.reset_password(book, chair, ADMIN, "brand-new-pass")


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
