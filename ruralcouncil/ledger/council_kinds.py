"""The chained records of the council's path (DESIGN §4.2), registered with ``records``.

Registered here, and imported by ``records`` itself, so that ``verify`` knows every kind
whichever modules a process happened to import. Each kind names who may write it; the rules
that join records (a quorum, a resolution used once, a line's remainder) are the services'
(``council``, ``meetings``, ``budget``, ``spending``), and the chain keeps what they wrote.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.records import Content, RecordKind, Users, UserState, register
from ruralcouncil.ledger.roles import Action, may


def _with_children(
    table: str, columns: str, child_sql: str
) -> Callable[[sqlite3.Connection, str], Content]:
    """Content of a row with its child rows (votes, budget lines) as a sorted list."""

    def build(conn: sqlite3.Connection, record: str) -> Content:
        content = chain.row_content(conn, table, "id", columns, record)
        if "missing" in content:
            return content
        content["items"] = [list(r) for r in conn.execute(child_sql, (record,))]
        return content

    return build


RESOLUTION_COLUMNS = "id, year, number, meeting_id, subject, text, passed, user_id, created_at"
BUDGET_COLUMNS = "id, year, version, resolution_id, date, user_id, created_at"
ATTACHMENT_COLUMNS = "id, request_id, filename, size, sha256, user_id, created_at"


def attachment_content(conn: sqlite3.Connection, record: str) -> Content:
    """An attachment's row and the SHA-256 of the bytes stored now: a scan swapped in the
    file after it was chained changes this digest, and ``verify`` says so."""
    content = chain.row_content(conn, "attachments", "id", ATTACHMENT_COLUMNS, record)
    if "missing" in content:
        return content
    row = conn.execute("SELECT data FROM attachments WHERE id = ?", (record,)).fetchone()
    content["data_sha256"] = hashlib.sha256(bytes(row[0])).hexdigest()
    return content


def _interest(users: Users, author: UserState, content: Content) -> str | None:
    """A member declares their own interests; an administrator may declare any member's."""
    if content.get("user_id") != author.id:
        return _("an interest signed by {user} says another user recorded it").format(
            user=author.name
        )
    own = content.get("member_id") == author.id and may(author.role, Action.COUNTERSIGN)
    if own or may(author.role, Action.DECLARE_FOR_MEMBERS):
        return None
    return _("{user} ({role}) was not allowed to declare an interest for another member").format(
        user=author.name, role=author.role
    )


_STEP_NAMES = {
    "approved": N_("approve it"),
    "rejected": N_("reject it"),
    "cancelled": N_("cancel what it has unpaid"),
    "withdrawn": N_("withdraw it"),
}
_STEP_ACTIONS = {
    "approved": Action.CHAIR,
    "rejected": Action.CHAIR,
    "cancelled": Action.CHAIR,
    "withdrawn": Action.DRAFT,
}


def _request_step(users: Users, author: UserState, content: Content) -> str | None:
    if content.get("user_id") != author.id:
        return _("a request step signed by {user} says another user took it").format(
            user=author.name
        )
    step = str(content.get("step"))
    action = _STEP_ACTIONS.get(step)
    if action is None or not may(author.role, action):
        shown = _(_STEP_NAMES[step]) if step in _STEP_NAMES else step
        return _("{user} ({role}) was not allowed to take this step of a request: {step}").format(
            user=author.name, role=author.role, step=shown
        )
    return None


def _made_by_author(users: Users, author: UserState, content: Content) -> str | None:
    if content.get("user_id") != author.id:
        return _("a record signed by {user} says another user made it").format(user=author.name)
    return None


PARTY = register(
    RecordKind(
        "party",
        "parties",
        "id",
        "id, name, kind, iin_bin, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
INTEREST = register(
    RecordKind(
        "interest",
        "interests",
        "id",
        "id, member_id, party_id, nature, date, user_id, created_at",
        authorise=_interest,
    )
)
MEETING = register(
    RecordKind(
        "meeting",
        "meetings",
        "id",
        "id, date, sitting, present, secretary_id, agenda, user_id, created_at",
        Action.CHAIR,
        made_by="user_id",
    )
)
RESOLUTION = register(
    RecordKind(
        "resolution",
        "resolutions",
        "id",
        RESOLUTION_COLUMNS,
        Action.CHAIR,
        content=_with_children(
            "resolutions",
            RESOLUTION_COLUMNS,
            "SELECT member_id, vote FROM votes WHERE resolution_id = ? ORDER BY member_id",
        ),
        made_by="user_id",
    )
)
CONFIRMATION = register(
    RecordKind(
        "confirmation",
        "confirmations",
        "resolution_id",
        "resolution_id, user_id, confirmed_at",
        Action.COUNTERSIGN,
        made_by="user_id",
    )
)
RESOLUTION_USE = register(
    RecordKind(
        "resolution_use",
        "resolution_uses",
        "resolution_id",
        "resolution_id, action, record, user_id, used_at",
        authorise=_made_by_author,
    )
)
COUNCIL_TERM = register(
    RecordKind(
        "council_term",
        "council_terms",
        "user_id",
        "user_id, starts, ends, set_by, set_at",
        Action.MANAGE_USERS,
        mutable=True,
        made_by="set_by",
    )
)
COUNCIL_RULE = register(
    RecordKind(
        "council_rule",
        "council_rules",
        "name",
        "name, value, resolution_id, user_id, set_at",
        Action.CHAIR,
        mutable=True,
        made_by="user_id",
    )
)
BUDGET = register(
    RecordKind(
        "budget",
        "budgets",
        "id",
        BUDGET_COLUMNS,
        Action.CHAIR,
        content=_with_children(
            "budgets",
            BUDGET_COLUMNS,
            "SELECT code, fund, amount FROM budget_lines WHERE budget_id = ? ORDER BY code, fund",
        ),
        made_by="user_id",
    )
)
REQUEST = register(
    RecordKind(
        "request",
        "requests",
        "id",
        "id, date, party_id, code, fund, amount, purpose, user_id, created_at",
        Action.DRAFT,
        made_by="user_id",
    )
)
REQUEST_STEP = register(
    RecordKind(
        "request_step",
        "request_steps",
        "id",
        "id, request_id, step, date, resolution_id, reason, amount, user_id, created_at",
        authorise=_request_step,
    )
)
ATTACHMENT = register(
    RecordKind(
        "attachment",
        "attachments",
        "id",
        ATTACHMENT_COLUMNS,
        Action.DRAFT,
        content=attachment_content,
        made_by="user_id",
    )
)
ENTRY_LINK = register(
    RecordKind(
        "entry_link",
        "entry_links",
        "transaction_id",
        "transaction_id, request_id, party_id",
        Action.RECORD,
    )
)
