"""Users, roles, passwords (scrypt) and who may do what."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import audit, chain
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from ruralcouncil.ledger.storage import Ledger, now_text

MIN_PASSWORD_LENGTH = 10
# scrypt at 16 MiB: about 50 ms here, slow enough to blunt guessing on a stolen file.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    CHAIR = "chair"
    MEMBER = "member"
    AUDITOR = "auditor"


ROLE_NAMES = {
    Role.ADMIN: N_("Administrator"),
    Role.CLERK: N_("Clerk"),
    Role.CHAIR: N_("Chair"),
    Role.MEMBER: N_("Council member"),
    Role.AUDITOR: N_("Internal auditor"),
}


class Action(StrEnum):
    RECORD = "record"  # record, import, reverse
    CLOSE_YEAR = "close_year"
    MANAGE_USERS = "manage_users"
    SETTINGS = "settings"
    RESTORE = "restore"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.RECORD: frozenset({Role.ADMIN, Role.CLERK}),
    Action.CLOSE_YEAR: frozenset({Role.ADMIN, Role.CHAIR}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.SETTINGS: frozenset({Role.ADMIN}),
    Action.RESTORE: frozenset({Role.ADMIN}),
}

_ACTION_NAMES = {
    Action.RECORD: N_("record, import or reverse entries"),
    Action.CLOSE_YEAR: N_("close a fiscal year"),
    Action.MANAGE_USERS: N_("manage users"),
    Action.SETTINGS: N_("change the village settings"),
    Action.RESTORE: N_("restore a backup"),
}

_NAME = re.compile(r"[\w.\-]{2,40}")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    full_name: str = ""

    def may(self, action: Action) -> bool:
        return self.role in PERMISSIONS[action]


def require(user: User, action: Action) -> None:
    if not user.may(action):
        raise PermissionDenied(
            _("{user} ({role}) may not {action}.").format(
                user=user.name, role=_(ROLE_NAMES[user.role]), action=_(_ACTION_NAMES[action])
            )
        )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        found = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**26,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("A password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
        )


def validate_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            _(
                "The user name {name} is not allowed: use 2-40 letters, digits, dots or dashes, "
                "no spaces."
            ).format(name=repr(name))
        )


def validate_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            _("Unknown role {role}: use one of {roles}.").format(
                role=repr(role), roles=", ".join(r.value for r in Role)
            )
        ) from None


def insert_user(
    conn: sqlite3.Connection, name: str, role: Role, password: str, full_name: str = ""
) -> int:
    """Store and chain a new user inside the caller's write transaction."""
    validate_name(name)
    validate_password(password)
    if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise InvalidInput(_("There is already a user named {name}.").format(name=name))
    cursor = conn.execute(
        "INSERT INTO users (name, full_name, role, password_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (name, full_name.strip(), role.value, hash_password(password), now_text()),
    )
    user_id = int(cursor.lastrowid or 0)
    chain.append(conn, "user", str(user_id))
    return user_id


def add_user(
    ledger: Ledger, actor: User, name: str, role: str, password: str, full_name: str = ""
) -> User:
    require(actor, Action.MANAGE_USERS)
    valid_role = validate_role(role)
    with ledger.write() as conn:
        user_id = insert_user(conn, name, valid_role, password, full_name)
        audit.append(conn, actor.name, "user.add", f"{name} role={valid_role.value}")
    return User(user_id, name, valid_role, full_name.strip())


def _update_user(conn: sqlite3.Connection, user_id: int, column: str, value: object) -> None:
    conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, user_id))
    chain.append(conn, "user", str(user_id))


def _find(conn: sqlite3.Connection, name: str) -> sqlite3.Row | tuple[object, ...]:
    row = conn.execute(
        "SELECT id, name, role, password_hash, active, full_name FROM users WHERE name = ?",
        (name,),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no user named {name}.").format(name=name))
    return tuple(row)


def reset_password(ledger: Ledger, actor: User, name: str, new_password: str) -> None:
    """An administrator sets a new password for someone who forgot theirs."""
    require(actor, Action.MANAGE_USERS)
    validate_password(new_password)
    with ledger.write() as conn:
        user_id = int(str(_find(conn, name)[0]))
        _update_user(conn, user_id, "password_hash", hash_password(new_password))
        audit.append(conn, actor.name, "user.reset_password", name)


def change_own_password(ledger: Ledger, user: User, old: str, new: str) -> None:
    validate_password(new)
    with ledger.write() as conn:
        row = _find(conn, user.name)
        if not check_password(old, str(row[3])):
            raise AuthenticationFailed(_("The current password is wrong."))
        _update_user(conn, user.id, "password_hash", hash_password(new))
        audit.append(conn, user.name, "user.change_password", "")


def set_role(ledger: Ledger, actor: User, name: str, role: str) -> None:
    require(actor, Action.MANAGE_USERS)
    valid_role = validate_role(role)
    with ledger.write() as conn:
        row = _find(conn, name)
        if str(row[2]) == Role.ADMIN and valid_role != Role.ADMIN:
            _refuse_last_admin(conn, name)
        _update_user(conn, int(str(row[0])), "role", valid_role.value)
        audit.append(conn, actor.name, "user.set_role", f"{name} role={valid_role.value}")


def set_active(ledger: Ledger, actor: User, name: str, active: bool) -> None:
    require(actor, Action.MANAGE_USERS)
    with ledger.write() as conn:
        row = _find(conn, name)
        if not active:
            if str(row[1]).casefold() == actor.name.casefold():
                raise InvalidInput(_("You cannot disable your own account."))
            if str(row[2]) == Role.ADMIN:
                _refuse_last_admin(conn, name)
        _update_user(conn, int(str(row[0])), "active", 1 if active else 0)
        audit.append(conn, actor.name, "user.enable" if active else "user.disable", name)


def _refuse_last_admin(conn: sqlite3.Connection, name: str) -> None:
    others = conn.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND name <> ?", (name,)
    ).fetchone()[0]
    if not others:
        raise InvalidInput(_("The ledger must keep at least one active administrator."))


def login(ledger: Ledger, name: str, password: str) -> User:
    """Check a password; both outcomes go to the audit log."""
    row = ledger.conn.execute(
        "SELECT id, name, role, password_hash, active, full_name FROM users WHERE name = ?",
        (name,),
    ).fetchone()
    ok = row is not None and bool(row[4]) and check_password(password, row[3])
    if not ok:
        if not ledger.read_only:
            audit.record_alone(ledger, name[:40], "login.failed", "")
        raise AuthenticationFailed(_("Wrong user name or password."))
    if not ledger.read_only:
        audit.record_alone(ledger, row[1], "login", "")
    return User(int(row[0]), str(row[1]), Role(row[2]), str(row[5]))


def list_users(ledger: Ledger) -> list[tuple[User, bool]]:
    rows = ledger.conn.execute(
        "SELECT id, name, role, full_name, active FROM users ORDER BY name"
    ).fetchall()
    return [(User(int(r[0]), str(r[1]), Role(r[2]), str(r[3])), bool(r[4])) for r in rows]
