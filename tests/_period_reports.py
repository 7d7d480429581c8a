"""A council year for the period reports' tests (the report to residents, the poster, the
budget execution report), on ``_council``'s sitting council: the budget of 2026 adopted,
payments on both sides of the transparency threshold (100 000 ₸) and of the quarters' edges,
one approved by the chair alone and the rest by resolution, a payment reversed in the next
quarter, a named gift, an anonymous gift and a gift in kind, and a resolution that failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from _council import adopt_budget, approved, council_ledger, draft, pay, resolve
from _helpers import day, receipt

from ruralcouncil.ledger import council, donations, journal, meetings, spending

THRESHOLD = 100_000_00  # the default of the council's rule report-threshold
ANONYMOUS = "Aidos Secretsson"  # the anonymous donor, never printed in a public report


@dataclass(frozen=True)
class Year:
    path: Path
    at_threshold: int  # entry numbers
    one_tiyn_over: int
    small: int
    reversed_: int
    reversal: int
    q4_big: int
    failed: str  # the resolution that did not pass


def _by_resolution(
    c: object, amount: int, on: str, approve_on: str, category: str = "ROADS"
) -> int:
    request = draft(c, amount, on=on, category=category)  # type: ignore[arg-type]
    ref = resolve(c, f"request:{request}", approve_on)  # type: ignore[arg-type]
    spending.approve(c.ledger, c.chair, request, ref)  # type: ignore[attr-defined]
    return request


def build(folder: Path) -> Year:
    c = council_ledger(folder)
    try:
        adopt_budget(c)  # ROADS 300 000 ₸ + 50 000 ₸, STAFF 200 000 ₸ (2026-01-20)
        receipt(c.ledger, c.clerk, "2026-03-30", 50_000_00, "RENT-PROPERTY")
        at = pay(
            c, _by_resolution(c, THRESHOLD, "2026-03-01", "2026-03-10"), THRESHOLD, "2026-03-31"
        )
        over = pay(
            c,
            _by_resolution(c, THRESHOLD + 1, "2026-03-02", "2026-03-11"),
            THRESHOLD + 1,
            "2026-04-01",
        )
        small = pay(
            c,
            approved(c, 5_000_00, on="2026-04-02", approve_on="2026-04-03"),
            5_000_00,
            "2026-04-04",
        )
        big = pay(
            c,
            _by_resolution(c, 60_000_00, "2026-05-01", "2026-05-05", "STAFF"),
            60_000_00,
            "2026-06-30",
            category="STAFF",
        )
        reversal = journal.reverse(c.ledger, c.clerk, big, "Paid twice", day("2026-07-01"))
        q4 = pay(
            c,
            _by_resolution(c, 120_000_00, "2026-10-01", "2026-10-05", "STAFF"),
            120_000_00,
            "2026-10-10",
            category="STAFF",
        )
        aidos = council.add_party(c.ledger, c.clerk, ANONYMOUS, "person")
        donations.add(
            c.ledger, c.clerk, c.roads, 7_000_00, "Of our own free will", on=day("2026-05-10")
        )
        donations.add(
            c.ledger,
            c.clerk,
            aidos,
            3_000_00,
            "Of my own free will",
            anonymous=True,
            on=day("2026-05-11"),
        )
        donations.add(
            c.ledger,
            c.clerk,
            aidos,
            2_500_00,
            "Of my own free will",
            in_kind="Ten bags of cement",
            valued_by="The clerk, at the shop's price",
            anonymous=True,
            on=day("2026-05-12"),
        )
        meeting = meetings.open_meeting(
            c.ledger, c.chair, day("2026-05-20"), ["chair", "m1", "m2", "m3", "m4"]
        )
        failed = meetings.add_resolution(
            c.ledger,
            c.chair,
            meeting,
            "other",
            "A new bus stop",
            ["chair"],
            against=["m1", "m2", "m3", "m4"],
        )
        c.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Year(c.path, at, over, small, big, reversal, q4, failed)
    finally:
        c.ledger.close()
