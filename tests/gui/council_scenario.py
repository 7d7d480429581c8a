"""A small council for the budget and meetings page tests: a chair and two members."""

from __future__ import annotations

from datetime import date

from ruralcouncil.gui.context import AppContext
from ruralcouncil.ledger import meetings, users
from ruralcouncil.ledger.users import User

PASSWORD = "council-password-1"
CHAIR, DANA, ASEL = "serik", "dana", "asel"
FULL_NAMES = {CHAIR: "Серік Жақыпов", DANA: "Дана Ким", ASEL: "Әсел Нұрланқызы"}
MEETING_DAY = date(2025, 1, 20)


def add_council(context: AppContext) -> AppContext:
    """The chair, Dana and Asel added by the administrator; the chair's own context."""
    for name, role in ((CHAIR, "chair"), (DANA, "member"), (ASEL, "member")):
        users.add_user(context.ledger, context.user, name, role, PASSWORD, FULL_NAMES[name])
    return AppContext(context.ledger, users.login(context.ledger, CHAIR, PASSWORD))


def member(context: AppContext, name: str) -> User:
    return users.login(context.ledger, name, PASSWORD)


def passed_and_confirmed(chair: AppContext, subject: str, day: date = MEETING_DAY) -> str:
    """A meeting on ``day`` that passes ``subject``, confirmed by Dana: its number."""
    meeting = meetings.open_meeting(
        chair.ledger, chair.user, day, [CHAIR, DANA, ASEL], secretary=DANA, agenda="Бюджет"
    )
    ref = meetings.add_resolution(
        chair.ledger, chair.user, meeting, subject, f"Resolved: {subject}.", [CHAIR, DANA]
    )
    meetings.confirm(chair.ledger, member(chair, DANA), ref)
    return ref
