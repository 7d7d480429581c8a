"""Strict dates: exactly YYYY-MM-DD, a real calendar date."""

from __future__ import annotations

import re
from datetime import date

from ruralcouncil.i18n import _
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
