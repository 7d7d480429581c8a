"""The chained records of community money (DESIGN §4.3), registered with ``records``.

Imported by ``records`` itself, like the council's kinds, so that ``verify`` knows them in
every process. The rules that join them (one collection a year, an exemption's resolution,
a flagged gift held until acknowledged) are the services' (``donations``, ``projects``,
``households``); the chain keeps what they wrote, and ``community_audit`` replays them.
"""

from __future__ import annotations

import hashlib
import sqlite3

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.records import Content, RecordKind, Users, UserState, register
from ruralcouncil.ledger.roles import Action, may

DONATION_COLUMNS = (
    "id, date, party_id, donor_type, amount, fund, project_id, in_kind, valued_by, voluntary,"
    " statement_name, statement_sha256, anonymous, contact, flagged, flag_reason,"
    " transaction_id, user_id, created_at"
)


def donation_content(conn: sqlite3.Connection, record: str) -> Content:
    """A donation's row and the SHA-256 of the scanned statement stored now: a scan swapped
    after it was chained changes this digest, and ``verify`` says so."""
    content = chain.row_content(conn, "donations", "id", DONATION_COLUMNS, record)
    if "missing" in content:
        return content
    row = conn.execute("SELECT statement FROM donations WHERE id = ?", (record,)).fetchone()
    content["statement_data_sha256"] = (
        hashlib.sha256(bytes(row[0])).hexdigest() if row[0] is not None else None
    )
    return content


def _project_step(users: Users, author: UserState, content: Content) -> str | None:
    """The chair adopts a project; its close is the chair's or the clerk's (who keeps the
    books), each carrying out a resolution about ``project:ID``."""
    if content.get("user_id") != author.id:
        return _("a record signed by {user} says another user made it").format(user=author.name)
    allowed = may(author.role, Action.CHAIR) or (
        content.get("step") == "closed" and may(author.role, Action.RECORD)
    )
    if allowed:
        return None
    return _("{user} ({role}) was not allowed to write a {kind} record").format(
        user=author.name, role=author.role, kind="project_step"
    )


DONATION = register(
    RecordKind(
        "donation",
        "donations",
        "id",
        DONATION_COLUMNS,
        Action.RECORD,
        content=donation_content,
        made_by="user_id",
    )
)
ACKNOWLEDGEMENT = register(
    RecordKind(
        "acknowledgement",
        "acknowledgements",
        "donation_id",
        "donation_id, resolution_id, date, user_id, created_at",
        Action.CHAIR,
        made_by="user_id",
    )
)
PROJECT = register(
    RecordKind(
        "project",
        "projects",
        "id",
        "id, title, purpose, target, per_household, year, fund, date, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
PROJECT_STEP = register(
    RecordKind(
        "project_step",
        "project_steps",
        "id",
        "id, project_id, step, date, resolution_id, remainder, to_fund, user_id, created_at",
        authorise=_project_step,
    )
)
HOUSEHOLD = register(
    RecordKind(
        "household",
        "households",
        "id",
        "id, address, head_id, members, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
EXEMPTION = register(
    RecordKind(
        "exemption",
        "exemptions",
        "id",
        "id, household_id, year, reason, resolution_id, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
CONTRIBUTION = register(
    RecordKind(
        "contribution",
        "contributions",
        "id",
        "id, transaction_id, project_id, household_id",
        # The clerk records contributions; a refund at a project's close may be the chair's.
        authorise=lambda users, author, content: (
            None
            if may(author.role, Action.RECORD) or may(author.role, Action.CHAIR)
            else _("{user} ({role}) was not allowed to write a {kind} record").format(
                user=author.name, role=author.role, kind="contribution"
            )
        ),
    )
)

# --- the registers of the village's other money -------------------------------------------

SUBSIDY = register(
    RecordKind(
        "subsidy",
        "subsidies",
        "id",
        "id, purpose, justification, amount_asked, date, fund, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
SUBSIDY_STEP = register(
    RecordKind(
        "subsidy_step",
        "subsidy_steps",
        "id",
        "id, subsidy_id, step, date, granted, reference, conditions, note, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
LOAN = register(
    RecordKind(
        "loan",
        "loans",
        "id",
        "id, party_id, principal, rate, months, start, method, permission, resolution_id,"
        " transaction_id, user_id, created_at",
        Action.RECORD,
        made_by="user_id",
    )
)
ASSET = register(
    RecordKind(
        "asset",
        "assets",
        "id",
        "id, name, kind, location, size, acquired, value, valued_how, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
ASSET_DISPOSAL = register(
    RecordKind(
        "asset_disposal",
        "asset_disposals",
        "asset_id",
        "asset_id, date, reason, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
LEASE = register(
    RecordKind(
        "lease",
        "leases",
        "id",
        "id, asset_id, party_id, rent, period, starts, ends, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
FINE = register(
    RecordKind(
        "fine",
        "fines",
        "id",
        "id, party_id, rule, amount, date, imposed_by, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
FINE_CANCELLATION = register(
    RecordKind(
        "fine_cancellation",
        "fine_cancellations",
        "fine_id",
        "fine_id, date, reason, decision, user_id, created_at",
        Action.REGISTER,
        made_by="user_id",
    )
)
REGISTER_LINK = register(
    RecordKind(
        "register_link",
        "register_links",
        "transaction_id",
        "transaction_id, subsidy_id, loan_id, lease_id, fine_id, principal, interest",
        Action.RECORD,
    )
)
