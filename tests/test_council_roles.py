"""Who may do what on the council's path, in the core (DESIGN §4.1): for each role and each
service function, exactly the roles the table names succeed; every other role is refused
(PermissionDenied, or a refusal of the action itself) and nothing at all is written.

The actor of each role: ``admin``, ``clerk``, ``chair``, the member ``m1`` and ``auditor``.
Each case prepares what the action needs with the users whose job it is, then lets the
actor try it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _council import (
    BUDGET_2026,
    COUNCIL,
    PASSWORDS,
    Council,
    adopt_budget,
    approved,
    council_ledger,
    council_state,
    draft,
    resolve,
)
from _helpers import day, english, user_of  # noqa: F401  (english: an autouse fixture)

from ruralcouncil.ledger import budget, council, journal, meetings, spending, users
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import verify

ACTORS = {
    "admin": "admin",
    "clerk": "clerk",
    "chair": "chair",
    "member": "m1",
    "auditor": "auditor",
}

Act = Callable[[User], object]


def _add_party(c: Council) -> Act:
    return lambda u: council.add_party(c.ledger, u, "Water Co", "business", "987654321098")


def _declare_own(c: Council) -> Act:
    return lambda u: council.declare_interest(
        c.ledger, u, u.name, c.roads, "owner", day("2026-01-05")
    )


def _declare_for_another(c: Council) -> Act:
    return lambda u: council.declare_interest(
        c.ledger, u, "m2", c.roads, "owner", day("2026-01-05")
    )


def _open_meeting(c: Council) -> Act:
    return lambda u: meetings.open_meeting(c.ledger, u, day("2026-01-20"), COUNCIL)


def _add_resolution(c: Council) -> Act:
    meeting_id = meetings.open_meeting(c.ledger, c.chair, day("2026-01-20"), COUNCIL)
    return lambda u: meetings.add_resolution(c.ledger, u, meeting_id, "other", "X", COUNCIL)


def _confirm(c: Council) -> Act:
    # Recorded by a second chair, so that the chair, too, may be the one who confirms.
    users.add_user(c.ledger, c.admin, "chair2", "chair", "chair2-password-1")
    chair2 = user_of(c.ledger, "chair2", "chair2-password-1")
    meeting_id = meetings.open_meeting(c.ledger, chair2, day("2026-01-20"), ["chair2", *COUNCIL])
    ref = meetings.add_resolution(c.ledger, chair2, meeting_id, "other", "X", COUNCIL)
    return lambda u: meetings.confirm(c.ledger, u, ref)


def _set_rule(c: Council) -> Act:
    ref = resolve(c, "rules:chair-limit=200000")
    return lambda u: meetings.set_rule(c.ledger, u, "chair-limit", "200000", ref)


def _adopt(c: Council) -> Act:
    ref = resolve(c, "budget:2026")
    return lambda u: budget.adopt(c.ledger, u, 2026, BUDGET_2026, ref)


def _draft(c: Council) -> Act:
    return lambda u: spending.draft(
        c.ledger, u, c.roads, "ROADS", "GENERAL", 1000_00, "Repairs", on=day("2026-02-02")
    )


def _attach(c: Council) -> Act:
    request_id = draft(c, 1000_00)
    return lambda u: spending.attach(c.ledger, u, request_id, "quote.pdf", b"%PDF quote")


def _approve(c: Council) -> Act:
    adopt_budget(c)
    request_id = draft(c, 1000_00)
    return lambda u: spending.approve(c.ledger, u, request_id, on=day("2026-02-03"))


def _approve_by_resolution(c: Council) -> Act:
    adopt_budget(c)
    request_id = draft(c, 250_000_00)
    ref = resolve(c, f"request:{request_id}", "2026-02-05")
    return lambda u: spending.approve(c.ledger, u, request_id, ref)


def _reject(c: Council) -> Act:
    request_id = draft(c, 1000_00)
    return lambda u: spending.reject(c.ledger, u, request_id, "No", day("2026-02-03"))


def _withdraw(c: Council) -> Act:
    request_id = draft(c, 1000_00)
    return lambda u: spending.withdraw(c.ledger, u, request_id, "Duplicate", day("2026-02-03"))


def _cancel(c: Council) -> Act:
    adopt_budget(c)
    request_id = approved(c, 1000_00)
    return lambda u: spending.cancel(c.ledger, u, request_id, "Not needed", day("2026-02-04"))


def _pay(c: Council) -> Act:
    adopt_budget(c)
    request_id = approved(c, 1000_00)
    return lambda u: journal.record(
        c.ledger,
        u,
        NewEntry(day("2026-02-10"), EntryType.PAYMENT, 1000_00, "ROADS"),
        request_id=request_id,
    )


def _fund_transfer(c: Council) -> Act:
    ref = resolve(c, "fund-transfer:GENERAL:ROADFUND:1000", "2026-02-01")
    return lambda u: journal.fund_transfer(
        c.ledger, u, day("2026-02-02"), "GENERAL", "ROADFUND", 1000_00, ref
    )


def _set_term(c: Council) -> Act:
    return lambda u: council.set_term(c.ledger, u, "m2", day("2026-01-01"), day("2029-12-31"))


# action -> (how to prepare it, the roles DESIGN §4.1 lets do it)
MATRIX: dict[str, tuple[Callable[[Council], Act], set[str]]] = {
    "party add": (_add_party, {"admin", "clerk"}),
    "interest add (own)": (_declare_own, {"member", "chair"}),
    "interest add (another member)": (_declare_for_another, {"admin"}),
    "meeting open": (_open_meeting, {"chair"}),
    "resolution add": (_add_resolution, {"chair"}),
    "resolution confirm": (_confirm, {"member", "chair"}),
    "council set": (_set_rule, {"chair"}),
    "budget adopt": (_adopt, {"chair"}),
    "request new": (_draft, {"admin", "clerk"}),
    "request attach": (_attach, {"admin", "clerk"}),
    "request approve (alone)": (_approve, {"chair"}),
    "request approve (resolution)": (_approve_by_resolution, {"chair"}),
    "request reject": (_reject, {"chair"}),
    "request withdraw": (_withdraw, {"admin", "clerk"}),
    "request cancel": (_cancel, {"chair"}),
    "record payment --request": (_pay, {"admin", "clerk"}),
    "record fund-transfer": (_fund_transfer, {"admin", "clerk"}),
    # Who sits when is the register of users: an administrator's (DESIGN §4.1, users).
    "council term": (_set_term, {"admin"}),
}

# Refusals that are not about the role: someone with no council seat has no interest of
# their own to declare.
NOT_A_PERMISSION = {("interest add (own)", role) for role in ("admin", "clerk", "auditor")}


@pytest.mark.parametrize("role", list(ACTORS))
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_does_exactly_what_it_may(tmp_path: Path, action: str, role: str) -> None:
    c = council_ledger(tmp_path)
    try:
        prepare, allowed = MATRIX[action]
        act = prepare(c)
        actor = user_of(c.ledger, ACTORS[role], PASSWORDS.get(ACTORS[role], "correct-horse-1"))
        before = council_state(c.conn)
        if role in allowed:
            act(actor)
            assert council_state(c.conn) != before
            result = verify(c.conn)
            assert result.ok, result.problems
            return
        wanted = InvalidInput if (action, role) in NOT_A_PERMISSION else PermissionDenied
        with pytest.raises(wanted) as caught:
            act(actor)
        if wanted is PermissionDenied:
            assert ACTORS[role] in str(caught.value)
        else:
            assert "does not sit on the council" in str(caught.value)
        assert council_state(c.conn) == before, "a refused action wrote something"
    finally:
        c.ledger.close()


def test_the_matrix_covers_every_role() -> None:
    assert set(ACTORS) == {r.value for r in users.Role}
