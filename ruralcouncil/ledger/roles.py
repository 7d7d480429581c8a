"""Roles, the actions they allow, and the person acting.

Kept apart from ``users`` (passwords, keys, logins) because ``verify`` replays the same
permissions over the chain: a record its author's role did not allow is a problem even when
its signature is good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.errors import PermissionDenied

if TYPE_CHECKING:
    from ruralcouncil.ledger.keys import Signer


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
    # The council's path (DESIGN §4.1): the clerk keeps registers and drafts, the chair
    # conducts, each member countersigns and declares for themselves.
    REGISTER = "register"  # parties
    DRAFT = "draft"  # draft and withdraw spending requests
    CHAIR = "chair"  # meetings, resolutions, approvals, the budget, council rules
    COUNTERSIGN = "countersign"  # confirm a resolution, declare one's own interests
    DECLARE_FOR_MEMBERS = "declare_for_members"  # declare an interest for any member
    # The annual return (DESIGN §4.1): the clerk prepares it, the auditor audits it.
    PREPARE_RETURN = "prepare_return"  # explain variances, reconcile, the inspection period
    INTERNAL_AUDIT = "internal_audit"  # the internal auditor's checklist and sign-off


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.RECORD: frozenset({Role.ADMIN, Role.CLERK}),
    Action.CLOSE_YEAR: frozenset({Role.ADMIN, Role.CHAIR}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.SETTINGS: frozenset({Role.ADMIN}),
    Action.RESTORE: frozenset({Role.ADMIN}),
    Action.REGISTER: frozenset({Role.ADMIN, Role.CLERK}),
    Action.DRAFT: frozenset({Role.ADMIN, Role.CLERK}),
    Action.CHAIR: frozenset({Role.CHAIR}),
    Action.COUNTERSIGN: frozenset({Role.MEMBER, Role.CHAIR}),
    Action.DECLARE_FOR_MEMBERS: frozenset({Role.ADMIN}),
    Action.PREPARE_RETURN: frozenset({Role.ADMIN, Role.CLERK}),
    Action.INTERNAL_AUDIT: frozenset({Role.AUDITOR}),
}

ACTION_NAMES = {
    Action.RECORD: N_("record, import or reverse entries"),
    Action.CLOSE_YEAR: N_("close a fiscal year"),
    Action.MANAGE_USERS: N_("manage users"),
    Action.SETTINGS: N_("change the village settings"),
    Action.RESTORE: N_("restore a backup"),
    Action.REGISTER: N_("keep the register of parties"),
    Action.DRAFT: N_("draft or withdraw spending requests"),
    Action.CHAIR: N_(
        "chair the council (open meetings, record resolutions, approve or reject requests, "
        "adopt the budget, set council rules)"
    ),
    Action.COUNTERSIGN: N_("countersign resolutions or declare their own interests"),
    Action.DECLARE_FOR_MEMBERS: N_("declare an interest for another member"),
    Action.PREPARE_RETURN: N_(
        "prepare the annual return (explain variances, reconcile the bank, set the "
        "inspection period)"
    ),
    Action.INTERNAL_AUDIT: N_("answer the internal audit checklist"),
}


@dataclass(frozen=True)
class User:
    """Someone known to the ledger. After a login, ``signer`` holds their unlocked key, which
    every write they make is signed with; a User read from a list has none and cannot write."""

    id: int
    name: str
    role: Role
    full_name: str = ""
    signer: Signer | None = field(default=None, compare=False, repr=False)

    def may(self, action: Action) -> bool:
        return may(self.role, action)


def may(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


def require(user: User, action: Action) -> None:
    if not user.may(action):
        raise PermissionDenied(
            _("{user} ({role}) may not {action}.").format(
                user=user.name, role=_(ROLE_NAMES[user.role]), action=_(ACTION_NAMES[action])
            )
        )
