"""The figures a district report prints and its verification code covers (DESIGN §4.5).

A district report is read from a district store, not a ledger, so its code (kind ``DS``)
stands on the store's *state* (1, 2, 3... one per outcome a consolidation recorded: a load,
a file refused, rewritten or found unchanged) where a village's stands on a chain position:
``DS2026.20261202060-7-89AB-CDEF-0123-4567`` is the return for 2026 with the attention list
of 2 December 2026 (villages silent for 60 days are stale), read at state 7. Both the
village figures and the attention list are read *as the store held them at that state*
(``district_summary(..., state)``, ``attention_list(..., state=...)``), so a code printed
yesterday still checks after a village's newer copy was loaded, or a file refused, today;
a changed figure or list item, in the paper or in the store's history, fails.

The figures are language-free: ledger ids, anchors, tiyn, ISO dates, names as stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import Kind

if TYPE_CHECKING:
    from ruralcouncil.district.store import Store

STALE_DAYS = 60
_SUBJECT = re.compile(r"([0-9]{4})\.([0-9]{8})([0-9]{3})", re.ASCII)


@dataclass(frozen=True)
class Subject:
    """What a district code's subject names: the year, the attention list's day and how
    many days without a new copy make a village stale."""

    year: int
    today: date
    days: int

    def __str__(self) -> str:
        return f"{self.year:04d}.{self.today:%Y%m%d}{self.days:03d}"


def parse_subject(text: str) -> Subject:
    match = _SUBJECT.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day = match[2]
        found = Subject(
            int(match[1]), date(int(day[:4]), int(day[4:6]), int(day[6:])), int(match[3])
        )
    except ValueError:
        raise InvalidInput(
            _("A district report's code names a year, a day and a number of days.")
        ) from None
    if not 1 <= found.year <= 9999 or found.days < 1:
        raise InvalidInput(_("A district report's code names a year, a day and a number of days."))
    return found


def _boxes(boxes: Mapping[int, int]) -> dict[str, int]:
    return {str(box): amount for box, amount in sorted(boxes.items())}


def _attention(store: Store, subject: Subject, state: int) -> list[dict[str, Any]]:
    """The attention list as at ``state``: its language-free fields (its ``detail`` is
    worded in the report's language), in a fixed order."""
    from ruralcouncil.district.attention import attention_list

    items = attention_list(
        store, subject.year, stale_days=subject.days, today=subject.today, state=state
    )
    found = [
        {
            "concern": str(item.concern),
            "village": item.village,
            "ledger": item.ledger,
            "entry": item.entry,
            "date": item.date,
            "amount": item.amount,
        }
        for item in items
    ]
    return found


def _loads(store: Store, state: int) -> dict[str, str]:
    """When each ledger's copy held at ``state`` was loaded."""
    rows = store.conn.execute(
        "SELECT ledger, arg_max(loaded_at, state) FROM loads WHERE state <= ? GROUP BY ledger",
        [state],
    ).fetchall()
    return {str(ledger): str(at) for ledger, at in rows}


def district_figures(store: Store, subject_text: str, state: int) -> tuple[dict[str, Any], str]:
    """The figures of the district report ``subject_text`` read at ``state``, and the hash
    its code stands on (the chain head the latest load at or before that state brought).
    Both the PDF and ``verify-report --store`` call this."""
    from ruralcouncil.district.figures import district_summary

    subject = parse_subject(subject_text)
    if not 1 <= state <= store.state():
        raise InvalidInput(
            _("The district store has no state {state}: it was not made from this store.").format(
                state=state
            )
        )
    # The newest chain head the store had merged by then (a state may be a refused file's).
    row = store.conn.execute(
        "SELECT arg_max(head, state) FROM loads WHERE state <= ?", [state]
    ).fetchone()
    if row is None or row[0] is None:
        raise InvalidInput(
            _("The district store holds no village yet: consolidate their ledgers first.")
        )
    summary = district_summary(store, subject.year, state)
    loaded = _loads(store, state)
    figures = {
        "year": subject.year,
        "state": state,
        "villages": [
            {
                "village": v.village,
                "ledger": v.ledger,
                "chain": {"entries": v.entries, "head": v.head},
                "loaded_at": loaded.get(v.ledger, ""),
                "boxes": _boxes(v.boxes),
                "receipts": dict(sorted(v.receipts.items())),
                "payments": dict(sorted(v.payments.items())),
            }
            for v in summary.villages
        ],
        "totals": {
            "boxes": _boxes(summary.boxes),
            "receipts": dict(sorted(summary.receipts.items())),
            "payments": dict(sorted(summary.payments.items())),
        },
        "attention": _attention(store, subject, state),
    }
    return figures, str(row[0])


def _totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    boxes = figures["totals"]["boxes"]
    return [
        (_("Villages"), str(len(figures["villages"]))),
        (_("Total receipts"), format_amount(int(boxes["2"]) + int(boxes["3"]))),
        (
            _("Total payments"),
            format_amount(int(boxes["4"]) + int(boxes["5"]) + int(boxes["6"])),
        ),
        (_("Balances carried forward (box 7)"), format_amount(int(boxes["7"]))),
        (_("Cash and bank at 31 December (box 8)"), format_amount(int(boxes["8"]))),
        (_("Items needing the district's attention"), str(len(figures["attention"]))),
    ]


def covers(subject_text: str) -> str:
    subject = parse_subject(subject_text)
    return _(
        "The villages' figures for {year}; the attention list of {day} (stale after {days} days)"
    ).format(year=subject.year, day=subject.today.isoformat(), days=subject.days)


checks.register_store(
    checks.StoreVerifiable(Kind.DISTRICT_REPORT, district_figures, _totals, covers)
)
