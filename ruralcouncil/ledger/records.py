"""The one place where each kind of chained record is registered: where it is stored, which
columns the chain covers, and who may write it.

The chain and ``verify`` know records only through this registry, so a subject added later
(council, community money, registers) registers its kinds here and never edits the chain:

    records.register(RecordKind("meeting", "meetings", "id", "id, date, ...", Action.X))

``verify`` replays the chain: before each signed commit it knows every user's role, active
flag and public key *as the chain had them then*, and asks each record's ``authorise``
whether that author could write it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.roles import Action, Role, may

Content = chain.Content

USER_COLUMNS = (
    "id, name, full_name, role, password_hash, active, created_at, public_key, secret_key,"
    " key_set_by"
)


@dataclass(frozen=True)
class UserState:
    """A user as the chain has them at some point: what a signature is checked against."""

    id: int
    name: str
    role: str
    active: bool
    public_key: str
    key_set_by: int | None
    content: Content  # the whole chained row, for the final comparison with the table

    @property
    def admin_set_key(self) -> bool:
        """The key was set by an administrator (at creation or a reset), not by the user."""
        return self.key_set_by is not None and self.key_set_by != self.id

    @staticmethod
    def parse(content: Content) -> UserState | None:
        """``from_content``, or None when the content is not a whole user record."""
        try:
            return UserState.from_content(content)
        except (KeyError, TypeError, ValueError):
            return None

    @staticmethod
    def from_content(content: Content) -> UserState:
        return UserState(
            id=int(content["id"]),
            name=str(content["name"]),
            role=str(content["role"]),
            active=bool(content["active"]),
            public_key=str(content.get("public_key") or ""),
            key_set_by=content.get("key_set_by"),
            content=content,
        )


Users = dict[int, UserState]
# (users before the commit, the author, the record's content) -> a problem, or None
Authorise = Callable[[Users, UserState, Content], str | None]


@dataclass(frozen=True)
class RecordKind:
    name: str
    table: str | None  # None: the content lives only in the chain (schema entries)
    key: str
    columns: str
    action: Action | None = None  # who may write it, when no ``authorise`` is given
    mutable: bool = False  # later entries replace earlier ones; the table holds the latest
    content: Callable[[sqlite3.Connection, str], Content] | None = None
    authorise: Authorise | None = None
    # The column that names who made the record (``user_id``): it must be the commit's author,
    # or a user could sign, with their own key, a record that shows someone else made it.
    made_by: str | None = None

    def build(self, conn: sqlite3.Connection, record: str) -> Content:
        if self.content is not None:
            return self.content(conn, record)
        assert self.table is not None
        return chain.row_content(conn, self.table, self.key, self.columns, record)

    def check(self, users: Users, author: UserState, content: Content) -> str | None:
        if self.authorise is not None:
            return self.authorise(users, author, content)
        if self.action is not None and not may(author.role, self.action):
            return _("{user} ({role}) was not allowed to write a {kind} record").format(
                user=author.name, role=author.role, kind=self.name
            )
        if self.made_by is not None and content.get(self.made_by) != author.id:
            return _("a {kind} record signed by {user} says another user made it").format(
                kind=self.name, user=author.name
            )
        return None


KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"record kind {kind.name!r} is already registered")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> RecordKind | None:
    return KINDS.get(name)


# --- who may write a user record ---------------------------------------------------------

_FIXED_FIELDS = ("id", "name", "created_at")
_KEY_FIELDS = ("public_key", "secret_key", "key_set_by", "password_hash")


def authorise_user(users: Users, author: UserState, content: Content) -> str | None:
    """An administrator adds and changes users; anyone changes their own key (password)."""
    try:
        new = UserState.from_content(content)
    except (KeyError, TypeError, ValueError):
        return _("a user record is incomplete")
    old = users.get(new.id)
    is_admin = may(author.role, Action.MANAGE_USERS)
    # Only a *new* key must be marked as set by this commit's author: an administrator who
    # changes the role of a user who set their own key keeps that key and its mark. The
    # mark (and the locked key) never change without a new key, or a user who was given a
    # password could hide that an administrator knows it.
    key_is_new = old is None or old.public_key != new.public_key
    if (
        old is not None
        and not key_is_new
        and any(old.content.get(f) != content.get(f) for f in _KEY_FIELDS)
    ):
        return _("the key of {user} was changed without a new key").format(user=new.name)
    if key_is_new and new.public_key and new.key_set_by != author.id:
        return _("the key of {user} is marked as set by someone who did not set it").format(
            user=new.name
        )
    if old is None:
        if not is_admin:
            return _("{user} ({role}) was not allowed to add the user {name}").format(
                user=author.name, role=author.role, name=new.name
            )
        return None
    if any(old.content.get(f) != content.get(f) for f in _FIXED_FIELDS):
        return _("the user {name} was given another name or number").format(name=old.name)
    own_key_only = author.id == new.id and all(
        old.content.get(f) == content.get(f) for f in content if f not in _KEY_FIELDS
    )
    if own_key_only or is_admin:
        return None
    return _("{user} ({role}) was not allowed to change the user {name}").format(
        user=author.name, role=author.role, name=old.name
    )


def authorise_event(users: Users, author: UserState, content: Content) -> str | None:
    """Events describe what their author did; a login names its own author."""
    if content.get("event") == "login" and content.get("user_id") != author.id:
        return _("a login by one user was signed by another")
    if content.get("user_id") not in (author.id, None):
        return _("an event of one user was signed by another")
    return None


def _admin_only(users: Users, author: UserState, content: Content) -> str | None:
    if author.role != Role.ADMIN:
        return _("only an administrator may upgrade the ledger")
    return None


# The one expenditure code a project's close pays its refunds under (DESIGN §4.3).
REFUND_CODE = "REFUND"


# Every field of a transaction's content that ``authorise_transaction`` reads: all that
# verify keeps of a transaction it found intact (a million-entry import is one commit, held
# until its signature), and all it reads again of one the helper process vouched for.
TRANSACTION_AUTHORISING = ("user_id", "type", "code", "account", "to_account", "reverses")


def authorise_transaction(users: Users, author: UserState, content: Content) -> str | None:
    """The clerk and the administrator keep the books. The chair posts only what closing a
    community project carries out: its refunds and the move of what is left to another fund
    (``community_audit`` checks that each such entry belongs to a close)."""
    if content.get("user_id") != author.id:
        return _("a {kind} record signed by {user} says another user made it").format(
            kind="transaction", user=author.name
        )
    if may(author.role, Action.RECORD):
        return None
    closing = (content.get("type") == "payment" and content.get("code") == REFUND_CODE) or (
        content.get("type") == "transfer" and content.get("account") == content.get("to_account")
    )
    if closing and may(author.role, Action.CHAIR) and content.get("reverses") is None:
        return None
    return _("{user} ({role}) was not allowed to write a {kind} record").format(
        user=author.name, role=author.role, kind="transaction"
    )


# The foundation's kinds. Later subjects register theirs from their own packages.
TRANSACTION = register(
    RecordKind(
        "transaction",
        "transactions",
        "id",
        chain.TRANSACTION_COLUMNS,
        content=chain.transaction_content,
        authorise=authorise_transaction,
    )
)
USER = register(
    RecordKind("user", "users", "id", USER_COLUMNS, mutable=True, authorise=authorise_user)
)
ACCOUNT = register(
    RecordKind(
        "account",
        "accounts",
        "code",
        "code, kind, box, name_kk, name_ru, name_en, created_at",
        Action.SETTINGS,
    )
)
# A community project's and a state subsidy's own restricted funds, made with the project or
# the application by whoever records it.
PROJECT_FUND_PREFIX = "PROJECT-"
SUBSIDY_FUND_PREFIX = "SUBSIDY-"
REGISTER_FUND_PREFIXES = (PROJECT_FUND_PREFIX, SUBSIDY_FUND_PREFIX)


def authorise_fund(users: Users, author: UserState, content: Content) -> str | None:
    if may(author.role, Action.SETTINGS):
        return None
    code = str(content.get("code", ""))
    register_fund = code.startswith(REGISTER_FUND_PREFIXES) and content.get("restricted") == 1
    if register_fund and may(author.role, Action.REGISTER):
        return None
    return _("{user} ({role}) was not allowed to write a {kind} record").format(
        user=author.name, role=author.role, kind="fund"
    )


FUND = register(
    RecordKind(
        "fund",
        "funds",
        "code",
        "code, restricted, name_kk, name_ru, name_en, purpose, created_at",
        authorise=authorise_fund,
    )
)
SETTING = register(
    RecordKind("setting", "settings", "key", "key, value", Action.SETTINGS, mutable=True)
)
CLOSED_YEAR = register(
    RecordKind(
        "closed_year",
        "closed_years",
        "year",
        "year, user_id, closed_at",
        Action.CLOSE_YEAR,
        made_by="user_id",
    )
)
IMPORT = register(
    RecordKind(
        "import",
        "imports",
        "id",
        "id, sha256, filename, rows, user_id, imported_at",
        Action.RECORD,
        made_by="user_id",
    )
)
EVENT = register(
    RecordKind("event", "events", "id", "id, at, user_id, event, detail", authorise=authorise_event)
)
# The ledger's schema version and the migrations applied to reach it; an upgrade's entry also
# carries what the earlier version's records said (see ``upgrade``).
SCHEMA = register(RecordKind("schema", None, "version", "", authorise=_admin_only))

# The council's kinds register themselves; imported here so that every process knows them.
from ruralcouncil.ledger import (  # noqa: E402, F401
    community_kinds,
    council_kinds,
    return_kinds,
)
