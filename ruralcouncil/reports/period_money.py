"""The money of a period (a year, a quarter or a month) in one view: the cash at its start,
what came in by revenue source, what went out by expenditure program, the cash at its end.
The residents' report, the poster and the budget execution report print these.

Read from the daily totals, like ``statements.year_summary``: a quarter of a million-entry
ledger costs a few thousand rows. A reversal posts the negative of its original's postings on
its own date, so it counts against the original's code in the period of its own date (DESIGN
§5) with no special case here.

The cash at the start is counted as box 1 is: every cash account at the end of the day before,
plus any opening balance entered in the period (a balance brought forward is neither a receipt
nor a payment). So start + received - paid = end on a sound ledger; transfers between the
village's own accounts and funds change none of the four.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Every sum reads ``daily_totals`` by its primary key (account, fund, date), one range of days
# for each account and fund, as ``statements`` does (CROSS JOIN fixes SQLite's loop order).
_BY_KEY = (
    " FROM accounts a CROSS JOIN funds f CROSS JOIN daily_totals d"
    " WHERE d.account = a.code AND d.fund = f.code"
)


@dataclass(frozen=True)
class PeriodMoney:
    first: str  # YYYY-MM-DD, the period's first day
    last: str  # and its last
    opening: int  # cash at the start (with openings entered in the period)
    receipts: dict[str, int]  # revenue source -> received, net of reversals (non-zero only)
    payments: dict[str, int]  # expenditure program -> paid, net of reversals (non-zero only)
    closing: int  # every cash account at the end of the last day

    @property
    def received(self) -> int:
        return sum(self.receipts.values())

    @property
    def paid(self) -> int:
        return sum(self.payments.values())


def _sum(conn: sqlite3.Connection, sql: str, params: tuple[str, ...]) -> int:
    return int(conn.execute(sql, params).fetchone()[0] or 0)


def period_money(conn: sqlite3.Connection, first: str, last: str) -> PeriodMoney:
    """The money from ``first`` to ``last`` inclusive (YYYY-MM-DD); read inside the caller's
    snapshot when the figures must be of one moment."""
    receipts: dict[str, int] = {}
    payments: dict[str, int] = {}
    for code, kind, total in conn.execute(
        "SELECT a.code, a.kind, SUM(d.amount)"
        + _BY_KEY
        + " AND d.date BETWEEN ? AND ? AND a.kind IN ('revenue', 'expenditure')"
        " GROUP BY a.code ORDER BY a.rowid",
        (first, last),
    ):
        if not total:
            continue
        if kind == "revenue":
            receipts[str(code)] = -int(total)  # a receipt credits its source
        else:
            payments[str(code)] = int(total)
    before = _sum(
        conn, "SELECT SUM(d.amount)" + _BY_KEY + " AND a.kind = 'cash' AND d.date < ?", (first,)
    )
    openings = -_sum(
        conn,
        "SELECT SUM(d.amount)" + _BY_KEY + " AND a.kind = 'equity' AND d.date BETWEEN ? AND ?",
        (first, last),
    )
    closing = _sum(
        conn, "SELECT SUM(d.amount)" + _BY_KEY + " AND a.kind = 'cash' AND d.date <= ?", (last,)
    )
    return PeriodMoney(first, last, before + openings, receipts, payments, closing)
