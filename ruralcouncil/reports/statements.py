"""The year's figures: totals by category (revenue source, expenditure program), and the
annual-return boxes (DESIGN §5).

Receipts-and-payments basis, calendar year. Everything is read from the derived daily totals,
so a summary of a million-entry ledger costs a few thousand rows. A reversal posts the
negative of its original's postings, so it counts against the original's category in the
year of its own date without any special case here.

A summary is read in one read transaction (``storage.snapshot``) and carries the chain's
anchor at that moment, so its figures and its anchor always describe the same ledger, even
while another connection writes. Whether box 8 agrees with box 7 is decided here too; the
window, the command line and the PDF only show :meth:`YearSummary.cash_problem`.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.storage import snapshot

# DESIGN §5: what each box of the annual return means (the window and the command line).
BOX_MEANINGS = {
    1: N_("Balances brought forward"),
    2: N_("Local taxes"),
    3: N_("All other receipts"),
    4: N_("Staff costs"),
    5: N_("Loan interest and capital repaid"),
    6: N_("All other payments"),
    7: N_("Balances carried forward (1 + 2 + 3 − 4 − 5 − 6)"),
    8: N_("Cash and bank at 31 December"),
    9: N_("Fixed assets and long-term investments"),
    10: N_("Borrowings outstanding at 31 December"),
}


class YearSummary(NamedTuple):
    """A year's figures, as the annual return's boxes and the summary print them, and the
    chain position they were read at. (Named tuples here, not dataclasses: see
    ``storage.Ledger``; a read command builds nothing else.)"""

    year: int
    receipts: dict[str, int]  # revenue source's code -> received in the year
    payments: dict[str, int]  # expenditure program's code -> paid in the year
    boxes: dict[int, int]
    cash: dict[str, int]  # cash account's code -> balance at 31 December
    funds: dict[str, int]  # fund's code -> its cash at 31 December
    chain_entries: int  # the chain's length (the position of its head) when this was read
    chain_head: str

    @property
    def anchor(self) -> str:
        """The anchor these figures were read at, as ``verify --anchor`` takes it: ``N:HEX``."""
        return f"{self.chain_entries}:{self.chain_head}"

    @property
    def cash_difference(self) -> int:
        """Box 8 less box 7: zero on a sound ledger (cash and bank equal what the boxes say)."""
        return self.boxes[8] - self.boxes[7]

    @property
    def cash_agrees(self) -> bool:
        return self.cash_difference == 0

    def cash_problem(self) -> str | None:
        """What to tell the reader when box 8 is not box 7 (None when they agree)."""
        if self.cash_agrees:
            return None
        from ruralcouncil.ledger.money import format_amount

        return _(
            "Box 8 (cash and bank at 31 December, {box8}) differs from box 7 (balances carried "
            "forward, {box7}) by {difference}. The bank reconciliation must explain the "
            "difference; run Verify to check the ledger."
        ).format(
            box8=format_amount(self.boxes[8]),
            box7=format_amount(self.boxes[7]),
            difference=format_amount(self.cash_difference),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "currency": "KZT",
            "receipts": dict(self.receipts),
            "payments": dict(self.payments),
            "boxes": {str(k): v for k, v in sorted(self.boxes.items())},
            "cash": dict(self.cash),
            "funds": dict(self.funds),
            "chain": {"entries": self.chain_entries, "head": self.chain_head},
        }


def summary_figures(current: YearSummary, prior: YearSummary) -> dict[str, Any]:
    """What a year summary's code vouches for, in no language: the year's receipts and
    payments by code, its boxes, cash and funds, and the prior year's beside them."""

    def year(s: YearSummary) -> dict[str, Any]:
        found = s.as_json()
        del found["chain"]
        return found

    return {"year": current.year, "current": year(current), "prior": year(prior)}


class CodedSummary(NamedTuple):
    """A year and the year before, read at one moment, with the code a print of them bears."""

    current: YearSummary
    prior: YearSummary
    code: str


def coded_summary(conn: sqlite3.Connection, year: int) -> CodedSummary:
    """The year's summary and the prior year's, in one read transaction, with their code
    (DESIGN §4.4: kind YS, the year, the chain position)."""
    from ruralcouncil.reports.codes import Kind, report_code

    with snapshot(conn):
        current = year_summary(conn, year)
        prior = year_summary(conn, year - 1)
    code = report_code(
        Kind.YEAR_SUMMARY,
        str(year),
        current.chain_entries,
        current.chain_head,
        summary_figures(current, prior),
    )
    return CodedSummary(current, prior, str(code))


def _sum(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    return int(conn.execute(sql, params).fetchone()[0] or 0)


def year_summary(conn: sqlite3.Connection, year: int) -> YearSummary:
    """The year's figures and the anchor they were read at, from one read transaction."""
    with snapshot(conn):
        return _year_summary(conn, year)


# Every sum below reads ``daily_totals`` by its primary key (account, fund, date): for each
# account of the kind asked and each fund, one range of days. Read through the date index
# instead, a balance at 31 December would visit every day of every account of the ledger's
# whole history, however few of them are cash (CROSS JOIN fixes SQLite's loop order).
_BY_KEY = (
    " FROM accounts a CROSS JOIN funds f CROSS JOIN daily_totals d"
    " WHERE d.account = a.code AND d.fund = f.code"
)


def _registers_at(conn: sqlite3.Connection, end: str) -> tuple[int, int]:
    """Boxes 9 and 10 at ``end``: the asset register's value of what is held, and the loans'
    outstanding principal (0 and 0 in a ledger without the registers, or with empty ones)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'assets'").fetchone() is None:
        return 0, 0
    if not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM assets) OR EXISTS (SELECT 1 FROM loans)"
    ).fetchone()[0]:
        return 0, 0
    from ruralcouncil.ledger import assets, loans

    return assets.value_held(conn, end), loans.borrowings(conn, end)


def _year_summary(conn: sqlite3.Connection, year: int) -> YearSummary:
    start, end = f"{year:04d}-01-01", f"{year:04d}-12-31"
    by_category = conn.execute(
        "SELECT a.code, a.kind, a.box, SUM(d.amount)"
        + _BY_KEY
        + " AND d.date BETWEEN ? AND ? AND a.kind IN ('revenue', 'expenditure')"
        " GROUP BY a.code ORDER BY a.rowid",
        (start, end),
    ).fetchall()
    receipts: dict[str, int] = {}
    payments: dict[str, int] = {}
    boxes = dict.fromkeys(range(1, 11), 0)
    for code, kind, box, total in by_category:
        if not total:
            continue
        amount = -int(total) if kind == "revenue" else int(total)
        (receipts if kind == "revenue" else payments)[code] = amount
        boxes[int(box)] += amount
    brought_forward = _sum(
        conn,
        "SELECT SUM(d.amount)" + _BY_KEY + " AND a.kind = 'cash' AND d.date < ?",
        (start,),
    )
    openings = -_sum(
        conn,
        "SELECT SUM(d.amount)" + _BY_KEY + " AND a.kind = 'equity' AND d.date BETWEEN ? AND ?",
        (start, end),
    )
    boxes[1] = brought_forward + openings
    boxes[7] = boxes[1] + boxes[2] + boxes[3] - boxes[4] - boxes[5] - boxes[6]
    cash = {
        code: int(total)
        for code, total in conn.execute(
            "SELECT a.code, COALESCE((SELECT SUM(d.amount) FROM daily_totals d"
            " WHERE d.account = a.code AND d.date <= ?), 0)"
            " FROM accounts a WHERE a.kind = 'cash' ORDER BY a.rowid",
            (end,),
        )
    }
    boxes[8] = sum(cash.values())
    boxes[9], boxes[10] = _registers_at(conn, end)
    funds = {
        code: int(total)
        for code, total in conn.execute(
            "SELECT f.code, COALESCE((SELECT SUM(d.amount)"
            " FROM accounts a CROSS JOIN daily_totals d"
            " WHERE d.account = a.code AND d.fund = f.code AND a.kind = 'cash'"
            " AND d.date <= ?), 0)"
            " FROM funds f ORDER BY f.rowid",
            (end,),
        )
    }
    entries, head = chain.head(conn)
    return YearSummary(
        year=year,
        receipts=receipts,
        payments=payments,
        boxes=boxes,
        cash=cash,
        funds=funds,
        chain_entries=entries,
        chain_head=head,
    )


def monthly_flows(conn: sqlite3.Connection, year: int) -> list[tuple[int, int, int]]:
    """(month, receipts, payments) for each month of the year, for the dashboard chart."""
    months = {m: [0, 0] for m in range(1, 13)}
    for month, kind, total in conn.execute(
        "SELECT CAST(substr(d.date, 6, 2) AS INTEGER), a.kind, SUM(d.amount)"
        + _BY_KEY
        + " AND d.date BETWEEN ? AND ? AND a.kind IN ('revenue', 'expenditure')"
        " GROUP BY 1, 2",
        (f"{year:04d}-01-01", f"{year:04d}-12-31"),
    ):
        if kind == "revenue":
            months[int(month)][0] = -int(total)
        else:
            months[int(month)][1] = int(total)
    return [(m, r, p) for m, (r, p) in months.items()]
