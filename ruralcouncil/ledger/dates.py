"""Dates: exactly YYYY-MM-DD in files, as typed in forms, and as messages show them."""

from __future__ import annotations

import re
from datetime import date, datetime

from ruralcouncil.i18n import _, format_date, format_datetime
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.parse import shown

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
FIRST_YEAR = 1991  # the tenge and the republic's budget system begin here
LAST_YEAR = 2200


def parse_date(text: str) -> date:
    """Refuse what ``date.fromisoformat`` would also take: ``20250203``, week dates, times."""
    match = _ISO.fullmatch(text)
    if not match:
        # Quoted and cut short: a CSV cell or an argument may be megabytes long.
        raise InvalidInput(_("date {text} must be written YYYY-MM-DD").format(text=shown(text)))
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(_("date {text} does not exist").format(text=text)) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            _("date {text} is outside the years {first}-{last}").format(
                text=text, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return value


def parse_year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text, re.ASCII) or not (FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise InvalidInput(
            _("year {text} must be four digits, such as 2025").format(text=shown(text, 20))
        )
    return int(text)


# --- dates as people type and read them ----------------------------------------------------

# What a form accepts: day, month and year with dots or slashes (15.03.2026, 5.3.2026,
# 15/03/2026), the same eight digits without them (15032026), or the file form (2026-03-15).
_TYPED = re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4})", re.ASCII)
_TYPED_DIGITS = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})", re.ASCII)
_SHORT_YEAR = re.compile(r"[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2}|[0-9]{6}", re.ASCII)


def parse_typed_date(text: str) -> date:
    """A date as a clerk types it in a form: ``15.03.2026``, ``15032026``, ``5.3.2026``,
    ``15/03/2026`` or ``2026-03-15``; day first, the year always in full.

    Strict like :func:`parse_date`: ASCII digits only, a real calendar date, within the years
    the ledger keeps. Exactly what was typed is what is returned: nothing is borrowed from a
    date shown before.
    """
    typed = text.strip()
    if not typed:
        raise InvalidInput(_("Enter a date."))
    if _ISO.fullmatch(typed):
        parts = (int(typed[8:10]), int(typed[5:7]), int(typed[:4]))
    elif (found := _TYPED.fullmatch(typed)) is not None:
        parts = (int(found[1]), int(found[3]), int(found[4]))
    elif (found := _TYPED_DIGITS.fullmatch(typed)) is not None:
        parts = (int(found[1]), int(found[2]), int(found[3]))
    elif _SHORT_YEAR.fullmatch(typed):
        raise InvalidInput(
            _("write the year of the date {text} in full, for example {example}").format(
                text=shown(typed, 20), example=_example()
            )
        )
    else:
        raise InvalidInput(
            _("date {text} must be written as day, month and year, for example {example}").format(
                text=shown(typed, 20), example=_example()
            )
        )
    day, month, year = parts
    try:
        value = date(year, month, day)
    except ValueError:
        raise InvalidInput(_("date {text} does not exist").format(text=shown(typed, 20))) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            _("date {text} is outside the years {first}-{last}").format(
                text=shown(typed, 20), first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return value


def _example() -> str:
    return shown_date(date(2026, 3, 15))


def shown_date(value: date | str) -> str:
    """A date as every message, form and table writes it in the user's language
    (``i18n.format_date``: 20.04.2026 in Kazakh and Russian). Accepts a stored YYYY-MM-DD."""
    if not isinstance(value, str):
        return format_date(value)
    try:
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value


def shown_time(value: datetime | str) -> str:
    """A recorded moment (stored in UTC) in this PC's local time, in the user's format."""
    if not isinstance(value, str):
        return format_datetime(value)
    try:
        return format_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value
