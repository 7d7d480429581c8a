"""Users: their accounts, keys and passwords, and logging in.

Each user has an Ed25519 key pair (``keys``). The public key is chained with the user; the
private key is stored locked under the user's password. An administrator who creates an
account or resets a password sets its key, which stays marked as administrator-set until the
user changes their own password. A login reads the user's role, active flag and locked key
from the signed chain (``replay``), never from the ``users`` table, which only mirrors it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import chain, keys, storage
from ruralcouncil.ledger.errors import (
    AuthenticationFailed,
    InvalidInput,
    LedgerError,
    LedgerUnavailable,
)
from ruralcouncil.ledger.parse import clean_text, nfc, safe_text
from ruralcouncil.ledger.roles import (
    ACTION_NAMES,
    PERMISSIONS,
    ROLE_NAMES,
    Action,
    Role,
    User,
    require,
)
from ruralcouncil.ledger.storage import Ledger

# The chain's reader (``replay``, and the records of every kind it knows) is imported where a
# function reads the chain, not with this module: the window imports this module before its
# login dialog is shown, and a login begins the password's key derivation first and reads the
# chain beside it (login_with_key), so that import is paid while the key is derived.
if TYPE_CHECKING:
    from ruralcouncil.ledger.commit import Commit
    from ruralcouncil.ledger.records import Users, UserState

__all__ = [
    "ACTION_NAMES",
    "MIN_PASSWORD_LENGTH",
    "PERMISSIONS",
    "ROLE_NAMES",
    "Action",
    "Role",
    "User",
    "add_user",
    "change_own_password",
    "list_users",
    "login",
    "require",
    "reset_password",
    "set_active",
    "set_role",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"[\w.\-]{2,40}")
# SQLite's NOCASE, which the users table's UNIQUE name uses, folds ASCII letters only.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def same_name(a: str, b: str) -> bool:
    return a.translate(_ASCII_LOWER) == b.translate(_ASCII_LOWER)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            ngettext(
                "A password needs at least {n} character.",
                "A password needs at least {n} characters.",
                MIN_PASSWORD_LENGTH,
            ).format(n=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            ngettext(
                "A password may have at most {n} character.",
                "A password may have at most {n} characters.",
                MAX_PASSWORD_LENGTH,
            ).format(n=MAX_PASSWORD_LENGTH)
        )
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in password):
        raise InvalidInput(_("The password contains bytes that are not text (not UTF-8)."))


def validate_name(name: str) -> None:
    if len(name) > 40 or not _NAME.fullmatch(name):
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")[:60]
        raise InvalidInput(
            _(
                "The user name {name} is not allowed: use 2-40 letters, digits, dots or dashes, "
                "no spaces."
            ).format(name=repr(shown))
        )


def validate_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        shown = role.encode("utf-8", "backslashreplace").decode("utf-8")[:40]
        raise InvalidInput(
            _("Unknown role {role}: use one of {roles}.").format(
                role=repr(shown), roles=", ".join(r.value for r in Role)
            )
        ) from None


# --- writing users -----------------------------------------------------------------------


def insert_user(
    commit: Commit,
    name: str,
    role: Role,
    password: str,
    full_name: str = "",
    *,
    key: tuple[str, str, keys.Signer] | None = None,
    chain_it: bool = True,
) -> User:
    """Store and chain a new user with a fresh key pair, inside the caller's commit.

    The key is marked as set by the commit's author (an administrator). The first
    administrator of a new ledger brings their own ``key`` (made before the commit, since it
    signs it): the chain's root key, set by themself. Returns the user with their unlocked key.
    """
    # Names are stored in NFC like every chained text: "Ω" typed as the ohm sign (U+2126)
    # passes the name rule but is not NFC, and chaining it unnormalised is an internal error.
    name = nfc(name) if len(name) <= 200 else name
    validate_name(name)
    validate_password(password)
    full_name = clean_text(_("Full name"), full_name, limit=200)
    conn = commit.conn
    if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise InvalidInput(_("There is already a user named {name}.").format(name=name))
    user_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0])
    public, locked, signer = key if key is not None else keys.new_key_pair(user_id, password)
    if signer.user_id != user_id:
        raise ValueError("a key made for another user id")
    conn.execute(
        "INSERT INTO users (id, name, full_name, role, password_hash, active, created_at,"
        " public_key, secret_key, key_set_by) VALUES (?, ?, ?, ?, '', 1, ?, ?, ?, ?)",
        (
            user_id,
            name,
            full_name,
            role.value,
            storage.now_text(),
            public,
            locked,
            commit.author_id,
        ),
    )
    if chain_it:
        commit.append("user", str(user_id))
    return User(user_id, name, role, full_name, signer)


def add_user(
    ledger: Ledger, actor: User, name: str, role: str, password: str, full_name: str = ""
) -> User:
    require(actor, Action.MANAGE_USERS)
    valid_role = validate_role(role)
    with ledger.write(actor) as commit:
        user = insert_user(commit, name, valid_role, password, full_name)
        commit.event("user.add", f"{name} role={valid_role.value}")
    return User(user.id, user.name, user.role, user.full_name)


def _row(conn: sqlite3.Connection, name: str) -> tuple[int, str, str, int]:
    name = nfc(name) if len(name) <= 200 else name  # as stored (``insert_user``)
    # A name that is no user's shape (too long, bytes that are not UTF-8) is nobody's.
    row = (
        conn.execute("SELECT id, name, role, active FROM users WHERE name = ?", (name,)).fetchone()
        if len(name) <= 40 and name == safe_text(name)
        else None
    )
    if row is None:
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")[:60]
        raise InvalidInput(_("There is no user named {name}.").format(name=shown))
    return int(row[0]), str(row[1]), str(row[2]), int(row[3])


def _as_chained(commit: Commit, name: str) -> tuple[UserState, Users]:
    """The user named ``name`` as the signed chain has them, and every user so.

    A change to a user is chained as the whole stored row, and the checks before it (the last
    administrator) must see what a login sees. So the ``users`` row must still be what its
    latest chain entry says: a row edited outside the program would otherwise be chained, and
    signed, as if the administrator had made the edit, and a raw edit of the table could make
    the check count an administrator who cannot log in and lock the ledger out.
    """
    from ruralcouncil.ledger.records import USER_COLUMNS

    user_id, stored_name, _role, _active = _row(commit.conn, name)
    states = _chain_users(commit.conn)
    state = states.get(user_id)
    stored = chain.row_content(commit.conn, "users", "id", USER_COLUMNS, str(user_id))
    if state is None or stored != state.content:
        raise LedgerUnavailable(
            _(
                "The stored account of {name} differs from the ledger's signed record of it: "
                "it was changed outside the program. Nothing was changed. Run verify, and "
                "restore the latest backup."
            ).format(name=stored_name)
        )
    return state, states


def _new_key(commit: Commit, user_id: int, password: str) -> keys.Signer:
    """A new key pair for ``user_id``, set by the commit's author; chained."""
    public, locked, signer = keys.new_key_pair(user_id, password)
    commit.conn.execute(
        "UPDATE users SET public_key = ?, secret_key = ?, key_set_by = ?, password_hash = ''"
        " WHERE id = ?",
        (public, locked, commit.author_id, user_id),
    )
    commit.append("user", str(user_id))
    return signer


def _adopt(actor: User, signer: keys.Signer) -> None:
    """After a commit that replaced the actor's own key, the session signs with the new one."""
    if actor.signer is not None:
        actor.signer.private_key = signer.private_key
        actor.signer.public_key = signer.public_key


def reset_password(ledger: Ledger, actor: User, name: str, new_password: str) -> None:
    """An administrator sets a new password (and key) for someone who forgot theirs."""
    require(actor, Action.MANAGE_USERS)
    validate_password(new_password)
    with ledger.write(actor) as commit:
        target, _states = _as_chained(commit, name)
        user_id = target.id
        signer = _new_key(commit, user_id, new_password)
        commit.event("user.reset_password", target.name)
    if user_id == actor.id:
        _adopt(actor, signer)


def change_own_password(ledger: Ledger, user: User, old: str, new: str) -> None:
    """The user's own new password and key pair; the administrator's mark goes away."""
    validate_password(new)
    state = _chain_users(ledger.conn).get(user.id)
    if state is None:
        raise AuthenticationFailed(_("The current password is wrong."))
    try:
        keys.unlock(user.id, state.public_key, str(state.content.get("secret_key", "")), old)
    except keys.LockedKeyError:
        raise AuthenticationFailed(_("The current password is wrong.")) from None
    with ledger.write(user) as commit:
        _as_chained(commit, user.name)  # the row chained with the new key is the signed one
        signer = _new_key(commit, user.id, new)
        commit.event("user.change_password", "")
    _adopt(user, signer)


def set_role(ledger: Ledger, actor: User, name: str, role: str) -> None:
    require(actor, Action.MANAGE_USERS)
    valid_role = validate_role(role)
    with ledger.write(actor) as commit:
        target, states = _as_chained(commit, name)
        if target.role == Role.ADMIN and valid_role != Role.ADMIN:
            _refuse_last_admin(states, target.id)
        commit.conn.execute("UPDATE users SET role = ? WHERE id = ?", (valid_role.value, target.id))
        commit.append("user", str(target.id))
        commit.event("user.set_role", f"{target.name} role={valid_role.value}")


def set_active(ledger: Ledger, actor: User, name: str, active: bool) -> None:
    require(actor, Action.MANAGE_USERS)
    with ledger.write(actor) as commit:
        target, states = _as_chained(commit, name)
        if not active:
            if target.id == actor.id:
                raise InvalidInput(_("You cannot disable your own account."))
            if target.role == Role.ADMIN:
                _refuse_last_admin(states, target.id)
        commit.conn.execute(
            "UPDATE users SET active = ? WHERE id = ?", (1 if active else 0, target.id)
        )
        commit.append("user", str(target.id))
        commit.event("user.enable" if active else "user.disable", target.name)


def _refuse_last_admin(states: Users, user_id: int) -> None:
    """Counted as a login sees them (the signed chain), not as the users table says."""
    others = [
        s
        for s in states.values()
        if s.id != user_id and s.role == Role.ADMIN and s.active and s.public_key
    ]
    if not others:
        raise InvalidInput(_("The ledger must keep at least one active administrator."))


# --- logging in --------------------------------------------------------------------------


def _wrong() -> AuthenticationFailed:
    return AuthenticationFailed(_("Wrong user name or password."))


def _record_failure(ledger: Ledger, user_id: int | None) -> None:
    """The one record that may be unsigned. It names a known user, or no one: the text typed
    is never stored, since it may be a password typed into the name field."""
    if ledger.read_only or ledger.needs_upgrade:
        return
    try:
        with ledger.write(None) as commit:
            commit.event("login.failed", "", user_id=user_id)
    except LedgerError:
        pass  # a full or read-only disk: the refusal of the login is what matters


def find(states: dict[int, UserState], name: str) -> UserState | None:
    name = nfc(name)  # as stored (``insert_user``); callers pass at most 200 characters
    exact = [s for s in states.values() if s.name == name]
    if exact:
        return exact[0]
    return next((s for s in states.values() if same_name(s.name, name)), None)


def login(
    ledger: Ledger,
    name: str,
    password: str,
    *,
    meanwhile: Callable[[User], None] | None = None,
) -> User:
    """Check a password against the user's key in the signed chain; returns the user with
    their unlocked key. A failed login is recorded (unsigned); a successful one is chained
    with the session's first write. An unknown name takes as long as a wrong password.

    ``meanwhile``: work for the user the chain names, done while the password's key is
    derived, before the password is checked (the window's start builds their main window
    then, and shows it only once this returns them). It is given the user without a key, who
    can write nothing, and must undo its work if the login fails; it is not called for an
    unknown name, nor once the key is ready, and its errors do not change the login."""
    if ledger.needs_upgrade:
        from ruralcouncil.ledger import upgrade

        return upgrade.login_and_upgrade(ledger, name, password)
    return login_with_key(ledger, name, password, meanwhile=meanwhile)


def login_with_key(
    ledger: Ledger,
    name: str,
    password: str,
    *,
    meanwhile: Callable[[User], None] | None = None,
) -> User:
    """The login of a ledger with signed entries (version 2 on): the password must unlock the
    user's key as the chain has it. The key's derivation begins first, on its own thread
    (:class:`keys.KeyDerivation`), and the chain's record of the users is read and checked
    while it runs: a login waits for the longer of the two, not for both. ``meanwhile`` as
    for :func:`login`."""
    derivation = _begin_derivation(ledger, name, password)
    try:
        states = _chain_users(ledger.conn)
    except BaseException:
        if derivation is not None:
            derivation.wait()  # nothing left running beside the caller
        raise
    state = find(states, name) if len(name) <= 200 else None
    if state is None:
        keys.waste_like_unlock(password[:MAX_PASSWORD_LENGTH], derivation)
        _record_failure(ledger, None)
        raise _wrong()
    if ledger.conn.execute("SELECT 1 FROM users WHERE id = ?", (state.id,)).fetchone() is None:
        # The chain has the account and the table has lost it: nothing can be written in
        # its name, not even a failed login (it would name a row that is not there).
        if derivation is not None:
            derivation.wait()
        raise LedgerUnavailable(
            _(
                "The stored account of {name} is missing, though the ledger's signed record "
                "has it: it was changed outside the program. Nothing was changed. Run verify, "
                "and restore the latest backup."
            ).format(name=state.name)
        )
    if not state.public_key:
        # An account from before signed entries, not yet given a key by an administrator.
        if derivation is not None:
            derivation.wait()
        right = keys.check_v1_password(password, str(state.content.get("password_hash", "")))
        _record_failure(ledger, state.id)
        if right and state.active:
            raise AuthenticationFailed(
                _(
                    "The password is right, but {name}'s account was made before entries were "
                    "signed. An administrator must set a new password for it once (Users, "
                    "Reset password…)."
                ).format(name=state.name)
            )
        raise _wrong()
    as_chained = User(
        state.id, state.name, Role(state.role), str(state.content.get("full_name", ""))
    )
    try:
        signer = keys.unlock(
            state.id,
            state.public_key,
            str(state.content.get("secret_key", "")),
            password,
            derivation,
            None if meanwhile is None else lambda: meanwhile(as_chained),
        )
    except keys.LockedKeyError:
        _record_failure(ledger, state.id)
        raise _wrong() from None
    if not state.active:
        _record_failure(ledger, state.id)
        raise _wrong()
    signer.pending_login = storage.now_text()
    return replace(as_chained, signer=signer)


def _begin_derivation(ledger: Ledger, name: str, password: str) -> keys.KeyDerivation | None:
    """The derivation of the key the users table says ``name`` has (nobody has vouched for
    that copy yet; an unknown name derives from nothing, as a wrong password does). None for
    an account from before signed entries, which has no key: its old password hash is
    checked, one derivation as well."""
    row = None
    if len(name) <= 200:
        with contextlib.suppress(sqlite3.Error):
            # The name column compares as find() does: ASCII letters in either case.
            row = ledger.conn.execute(
                "SELECT secret_key FROM users WHERE name = ?", (nfc(name),)
            ).fetchone()
    if row is not None and not row[0]:
        return None
    locked = row[0] if row is not None and isinstance(row[0], str) else None
    return keys.begin_unlock(password, locked, MAX_PASSWORD_LENGTH)


def list_users(ledger: Ledger) -> list[tuple[User, bool]]:
    rows = ledger.conn.execute(
        "SELECT id, name, role, full_name, active FROM users ORDER BY name"
    ).fetchall()
    return [(User(int(r[0]), str(r[1]), Role(r[2]), str(r[3])), bool(r[4])) for r in rows]


def admin_set_keys(ledger: Ledger) -> set[str]:
    """Names of users whose key (password) an administrator set and they have not changed."""
    rows = ledger.conn.execute(
        "SELECT name FROM users WHERE key_set_by IS NOT NULL AND key_set_by <> id"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _chain_users(conn: sqlite3.Connection) -> Users:
    """Every user as the signed chain has them (``replay``)."""
    from ruralcouncil.ledger import replay

    return replay.users_from_chain(conn)


def _states(ledger: Ledger) -> dict[int, UserState]:
    """Users as the chain has them; for a ledger still of version 1, as its rows say."""
    if not ledger.needs_upgrade:
        return _chain_users(ledger.conn)
    from ruralcouncil.ledger import legacy
    from ruralcouncil.ledger.records import UserState

    columns = legacy.v1_columns("user")
    found: dict[int, UserState] = {}
    for row in ledger.conn.execute(f"SELECT {', '.join(columns)} FROM users"):
        content = dict(zip(columns, row, strict=True))
        found[int(row[0])] = UserState.from_content(content)
    return found


def check_credentials(ledger: Ledger, name: str, password: str) -> Role | None:
    """The role ``name`` would log in with, or None; writes nothing (for a backup, read-only).
    A version-1 account is checked against its version-1 password."""
    state = find(_states(ledger), name) if len(name) <= 200 else None
    if state is None or not state.active:
        keys.waste_like_unlock(password[:MAX_PASSWORD_LENGTH])
        return None
    if not state.public_key:
        ok = ledger.needs_upgrade and keys.check_v1_password(
            password, str(state.content.get("password_hash", ""))
        )
        return Role(state.role) if ok else None
    try:
        keys.unlock(state.id, state.public_key, str(state.content.get("secret_key", "")), password)
    except keys.LockedKeyError:
        return None
    return Role(state.role)


def active_administrators(ledger: Ledger) -> list[str]:
    """Administrators who can log in: active, and (after signed entries began) with a key.
    In a ledger still of version 1, every active administrator can (the upgrade gives a key)."""
    return sorted(
        s.name
        for s in _states(ledger).values()
        if s.active and s.role == Role.ADMIN and (s.public_key or ledger.needs_upgrade)
    )


def without_key(ledger: Ledger) -> set[str]:
    """Names of accounts made before entries were signed and not yet given a key: they cannot
    log in until an administrator resets their password."""
    return {s.name for s in _states(ledger).values() if not s.public_key}
