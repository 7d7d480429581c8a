"""The budget execution report (DESIGN §4.4): budget against actual by program and fund for a
year, a quarter or a month, for the council. For each expenditure program and fund: the
appropriation of the budget version in force at the period's end, paid in the period, paid
from 1 January to the period's end, committed (approved requests not yet paid), what is left
and the share executed; for each revenue source and fund: the estimate, received in the
period and in the year to date, what is still expected. Totals, and the period's cash.

The figures are ``budget.show``'s (the budget page's own): at the period's end, less the same
at the day before it begins, for what happened in the period. ``budget_execution_figures``
is what the code vouches for and what ``verify-report`` reads again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.classification import EXPENDITURE
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.schema import has_table
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import CodedPdf, Kind, Period, report_code
from ruralcouncil.reports.fonts import REGULAR, register_fonts
from ruralcouncil.reports.pdf_file import MM, in_language
from ruralcouncil.reports.period_layout import (
    Words,
    page_width,
    para,
    percent,
    period_of,
    styles,
    table,
    verification_block,
    wrap,
    write_coded,
)
from ruralcouncil.reports.period_money import period_money
from ruralcouncil.reports.transparency import Names, read_names

DOCUMENT = N_("Budget execution report")
CELL = 8  # points: seven columns across a portrait page
Figures = dict[str, Any]


def budget_execution_file_name(period: Period) -> str:
    return f"budget-execution-{period.subject}.pdf"


def _lines(conn: sqlite3.Connection, period: Period) -> tuple[list[list[Any]], list[list[Any]]]:
    """(expenditure, revenue) lines: [program, fund, appropriated, in the period, year to
    date, committed, remaining] and [source, fund, estimate, in the period, year to date]."""
    if not has_table(conn, "budgets"):
        return [], []
    from ruralcouncil.ledger import budget

    end = date.fromisoformat(period.last_day)
    before = date.fromisoformat(period.first_day) - timedelta(days=1)
    at_end = budget.show(conn, period.year, end)
    earlier = {(b.category, b.fund): b for b in budget.show(conn, period.year, before)}
    spending: list[list[Any]] = []
    revenue: list[list[Any]] = []
    for line in at_end:
        prior = earlier.get((line.category, line.fund))
        if line.kind == EXPENDITURE:
            in_period = line.paid - (prior.paid if prior else 0)
            spending.append(
                [
                    line.category,
                    line.fund,
                    line.appropriated,
                    in_period,
                    line.paid,
                    line.committed,
                    line.remaining,
                ]
            )
        else:
            in_period = line.received - (prior.received if prior else 0)
            revenue.append([line.category, line.fund, line.estimate, in_period, line.received])
    return spending, revenue


def read_figures(conn: sqlite3.Connection, period: Period) -> Figures:
    money = period_money(conn, period.first_day, period.last_day)
    spending, revenue = _lines(conn, period)
    version = None
    if has_table(conn, "budgets"):
        from ruralcouncil.ledger import budget

        found = budget.in_force(conn, period.year, period.last_day)
        if found is not None:
            version = [found.version, found.resolution, found.date]
    return {
        "period": period.subject,
        "first": period.first_day,
        "last": period.last_day,
        "version": version,
        "expenditure": spending,
        "revenue": revenue,
        "appropriated": sum(row[2] for row in spending),
        "estimated": sum(row[2] for row in revenue),
        "opening": money.opening,
        "receipts": money.received,
        "payments": money.paid,
        "closing": money.closing,
    }


def budget_execution_figures(ledger: Ledger, subject: str) -> Figures:
    period = period_of(subject)
    with snapshot(ledger.conn):
        return read_figures(ledger.conn, period)


def totals(figures: verification.Figures) -> list[tuple[str, str]]:
    return [
        (_("Appropriated"), format_amount(figures["appropriated"])),
        (_("Paid out"), format_amount(figures["payments"])),
        (_("Revenue estimated"), format_amount(figures["estimated"])),
        (_("Received"), format_amount(figures["receipts"])),
        (_("Cash at the end"), format_amount(figures["closing"])),
    ]


verification.register(
    verification.Verifiable(
        Kind.BUDGET_EXECUTION,
        budget_execution_figures,
        totals,
        lambda subject: period_of(subject).label(),
    )
)


# --- the document ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    figures: Figures
    names: Names
    entries: int
    head: str


def render_budget_execution(
    ledger: Ledger, period: Period, path: Path | str, lang: str | None = None
) -> CodedPdf:
    """Write the budget execution report of ``period`` (a year, a quarter or a month) to
    ``path`` (replacing it), in ``lang`` (default: the current language)."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        conn = ledger.conn
        with snapshot(conn):
            entries, head = chain.head(conn)
            figures = read_figures(conn, period)
            r = _Read(figures, read_names(conn), entries, head)
        code = str(report_code(Kind.BUDGET_EXECUTION, period.subject, entries, head, figures))
        document = _(DOCUMENT)
        pages = write_coded(
            path,
            _story(r, period, code),
            kind=Kind.BUDGET_EXECUTION,
            figures=figures,
            title=f"{r.names.village}: {document}, {period.label()}",
            author=r.names.council,
            village=r.names.village,
            document=f"{document}, {period.label()}",
            code=code,
            entries=entries,
        )
    return CodedPdf(path, code, entries, head, pages)


_MONEY = 24.5 * MM  # "999 999 999,99" at 8 points on one line (the ₸ said once, above)
_SHARE = 14 * MM
_PLAIN_TOTALS = [("FONTNAME", (1, -1), (-1, -1), REGULAR)]


def _name(r: _Read, code: str, fund: str) -> str:
    account = r.names.funds.get(fund)
    fund_name = (account.name() or fund) if account is not None else fund
    return f"{r.names.category_one(code)}\n{fund_name}"


def _tenge(tiyn: int) -> str:
    """An amount in full tenge and tiyn without the sign: the tables say "₸" once."""
    return format_amount(tiyn, sign=False)


def _spending_table(r: _Read) -> Any:
    lines = r.figures["expenditure"]
    name_width = page_width() - 5 * _MONEY - _SHARE
    rows: list[list[Any]] = [
        [
            _("Program and fund"),
            _("Appropriated"),
            _("Paid in the period"),
            _("Paid this year"),
            _("Committed"),
            _("Left"),
            _("Executed"),
        ]
    ]
    for code, fund, appropriated, in_period, paid, committed, left in lines:
        rows.append(
            [
                wrap(_name(r, code, fund), name_width - 6, CELL),
                _tenge(appropriated),
                _tenge(in_period),
                _tenge(paid),
                _tenge(committed),
                _tenge(left),
                percent(paid, appropriated),
            ]
        )
    sums = [sum(row[i] for row in lines) for i in range(2, 7)]
    rows.append([_("Total"), *(_tenge(v) for v in sums), percent(sums[2], sums[0])])
    widths = [name_width, *[_MONEY] * 5, _SHARE]
    return table(
        rows, widths, size=CELL, head_size=7, amounts=range(1, 7), total=True, extra=_PLAIN_TOTALS
    )


def _revenue_table(r: _Read) -> Any:
    lines = r.figures["revenue"]
    name_width = page_width() - 4 * _MONEY - _SHARE
    rows: list[list[Any]] = [
        [
            _("Revenue source and fund"),
            _("Estimate"),
            _("Received in the period"),
            _("Received this year"),
            _("Still expected"),
            _("Executed"),
        ]
    ]
    for code, fund, estimate, in_period, received in lines:
        rows.append(
            [
                wrap(_name(r, code, fund), name_width - 6, CELL),
                _tenge(estimate),
                _tenge(in_period),
                _tenge(received),
                _tenge(max(estimate - received, 0)),
                percent(received, estimate),
            ]
        )
    estimate = sum(row[2] for row in lines)
    in_period = sum(row[3] for row in lines)
    received = sum(row[4] for row in lines)
    rows.append(
        [
            _("Total"),
            _tenge(estimate),
            _tenge(in_period),
            _tenge(received),
            _tenge(sum(max(row[2] - row[4], 0) for row in lines)),
            percent(received, estimate),
        ]
    )
    widths = [name_width, *[_MONEY] * 4, _SHARE]
    return table(
        rows, widths, size=CELL, head_size=7, amounts=range(1, 6), total=True, extra=_PLAIN_TOTALS
    )


def _story(r: _Read, period: Period, code: str) -> list[Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer

    from ruralcouncil.ledger.dates import shown_date

    s = styles(10)
    # A table too long for what is left of a page starts under its heading there.
    s["heading"] = ParagraphStyle("heading_free", s["heading"], keepWithNext=0)
    f = r.figures
    words = Words(None)
    story: list[Any] = [
        para(r.names.village, s["title"]),
        para(r.names.council, s["subtitle"]),
        Spacer(1, 3 * MM),
        para(_("Budget execution report: {period}").format(period=period.label()), s["document"]),
    ]
    if f["version"] is None:
        story.append(
            para(
                _(
                    "No budget of {year} was in force on {day}: only the actual figures are shown."
                ).format(year=period.year, day=shown_date(period.last_day)),
                s["base"],
            )
        )
    else:
        number, resolution, adopted = f["version"]
        story.append(
            para(
                _(
                    "The budget of {year}, version {version}, adopted on {day} by resolution "
                    "{resolution}; actual figures from {first} to {last}."
                ).format(
                    year=period.year,
                    version=number,
                    day=shown_date(adopted),
                    resolution=resolution,
                    first=shown_date(period.first_day),
                    last=shown_date(period.last_day),
                ),
                s["base"],
            )
        )
    story += [
        para(_("Amounts in tenge (₸), in full tenge and tiyn."), s["base"]),
        para(_("Spending by program"), s["heading"]),
        _spending_table(r)
        if f["expenditure"]
        else para(_("Nothing was appropriated or paid."), s["base"]),
        para(_("Revenue by source"), s["heading"]),
        _revenue_table(r)
        if f["revenue"]
        else para(_("Nothing was estimated or received."), s["base"]),
        para(_("The period's cash"), s["heading"]),
        table(
            [
                [_("Cash at the start"), _("Received"), _("Paid out"), _("Cash at the end")],
                [
                    format_amount(f["opening"]),
                    format_amount(f["receipts"]),
                    format_amount(f["payments"]),
                    format_amount(f["closing"]),
                ],
            ],
            [page_width() / 4] * 4,
            size=10,
            amounts=range(4),
        ),
        Spacer(1, 4 * MM),
        verification_block(code, r.entries, words, s),
    ]
    return story
