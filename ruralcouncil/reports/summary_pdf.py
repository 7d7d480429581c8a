"""The printable summary of a year: receipts, payments, the annual-return boxes, cash and funds.

One or two A4 pages in the reader's language. Every page's foot carries the report's
verification code (DESIGN §4.4: kind YS, the year, the chain position the figures were read
at, 64 bits over the hash there and the figures) and a QR code of it with the totals, so that
anyone with the program can check the paper against the ledger (``ruralcouncil verify-report
CODE``); the last page also gives the chain's anchor for ``verify --anchor``. Everything
printed is read in one read transaction, so the figures and the code are of the same moment.

reportlab is imported inside the functions: this module may be imported at start-up, the
PDF library only when a report is made. Documents are written in reportlab's invariant mode,
so the same ledger always gives the same bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, settings
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import (
    Kind,
    anchor_text,
    coded_footer,
    qr_payload,
    verification_box,
)
from ruralcouncil.reports.fonts import BOLD, REGULAR, register_fonts
from ruralcouncil.reports.markup import escape
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4
from ruralcouncil.reports.statements import (
    YearSummary,
    coded_summary,
    summary_figures,
)

# The accounting statements of the annual return (DESIGN §5), worded like AGAR Section 2.
BOX_LABELS = {
    1: N_("Balances brought forward"),
    2: N_("(+) Local taxes"),
    3: N_("(+) All other receipts"),
    4: N_("(-) Staff costs"),
    5: N_("(-) Loan interest and capital repaid"),
    6: N_("(-) All other payments"),
    7: N_("(=) Balances carried forward"),
    8: N_("Total cash and bank balances"),
    9: N_("Total fixed assets and long-term investments"),
    10: N_("Total borrowings"),
}

_MM = MM
_MARGIN = 16 * _MM
_AMOUNT_WIDTH = 32 * _MM
_FRAME_PADDING = 6  # reportlab's default frame padding, inside the margins
_GREY = "#e8e8e8"
_LINE = "#9a9a9a"


@dataclass(frozen=True)
class SummaryPdf:
    """A written summary: where it is, and the anchor its figures were read at.

    It is also path-like (``os.fspath``, ``str``), for callers that only want the file."""

    path: Path
    year: int
    chain_entries: int  # the chain position the figures were read at
    chain_head: str
    code: str  # the verification code printed on every page (verify-report takes it)
    pages: int

    @property
    def anchor(self) -> str:
        return anchor_text(self.chain_entries, self.chain_head)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


def render_summary_pdf(
    conn: sqlite3.Connection, year: int, path: Path | str, lang: str | None = None
) -> SummaryPdf:
    """Write the year's summary PDF to ``path`` (replacing it): the file and its anchor."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        # One read transaction for every figure, name and the anchor printed beside them.
        with snapshot(conn):
            coded = coded_summary(conn, year)
            current, prior, code = coded.current, coded.prior, coded.code
            village = settings.village_name(conn)
            council = settings.council_name(conn)
            story = _story(conn, current, prior, village, council, code)
        totals = checks.totals_text(Kind.YEAR_SUMMARY, summary_figures(current, prior))
        pages = [0]
        footer = _page_footer(village, year, current.chain_entries, code, totals, pages)
        write_a4(
            path,
            story,
            title=_("{village}: summary of the accounts for {year}").format(
                village=village, year=year
            ),
            author=council,
            footer=footer,
            margin=_MARGIN,
        )
    return SummaryPdf(path, year, current.chain_entries, current.chain_head, code, pages[0])


# --- the pieces of the page ----------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=10.5,
            leading=13,
            spaceBefore=9,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5),
        "bold": ParagraphStyle("bold", base, fontName=BOLD),
        "amount": ParagraphStyle("amount", base, alignment=TA_RIGHT),
        "amount_bold": ParagraphStyle("amount_bold", base, fontName=BOLD, alignment=TA_RIGHT),
        "code": ParagraphStyle("code", base, fontName=BOLD, fontSize=13, leading=16),
    }


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    # Paragraph reads markup: a village called "A & B" or "<1>" must print as typed.
    return Paragraph(escape(text), style)


def _story(
    conn: sqlite3.Connection,
    current: YearSummary,
    prior: YearSummary,
    village: str,
    council: str,
    code: str,
) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    s = _styles()
    names = {account.code: account.name() for account in catalog.book_accounts(conn)}
    year = current.year
    story: list[Any] = [
        _p(village, s["title"]),
        _p(council, s["subtitle"]),
        Spacer(1, 3 * _MM),
        _p(_("Summary of the accounts for {year}").format(year=year), s["heading"]),
        _p(
            _(
                "Receipts and payments in the calendar year, in tenge (₸), with the year "
                "before beside them."
            ),
            s["small"],
        ),
        _p(_("Receipts by source"), s["heading"]),
        _by_category(current.receipts, prior.receipts, names, year, _("No receipts."), s),
        _p(_("Payments by program"), s["heading"]),
        _by_category(current.payments, prior.payments, names, year, _("No payments."), s),
        KeepTogether(
            [
                _p(_("Annual return: accounting statements"), s["heading"]),
                _boxes(current, prior, s),
            ]
        ),
    ]
    problem = current.cash_problem()
    if problem is not None:
        story.append(_p(problem, s["bold"]))
    story += [
        _p(_("Cash at 31 December {year}").format(year=year), s["heading"]),
        _single_column(
            [(names.get(code, code), amount) for code, amount in current.cash.items()],
            _("Cash account"),
            s,
            total=True,
        ),
        _p(_("Fund balances at 31 December {year}").format(year=year), s["heading"]),
        _single_column(_fund_rows(conn, current), _("Fund"), s, total=True),
        Spacer(1, 5 * _MM),
        _verification(current.chain_entries, current.chain_head, code, s),
    ]
    return story


def _table(rows: list[list[Any]], widths: Sequence[float], extra: list[tuple[Any, ...]]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_GREY)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(_LINE)),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        *extra,
    ]
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _available_width() -> float:
    from reportlab.lib.pagesizes import A4

    return float(A4[0]) - 2 * _MARGIN - 2 * _FRAME_PADDING


def _by_category(
    current: dict[str, int],
    prior: dict[str, int],
    names: dict[str, str],
    year: int,
    empty: str,
    s: dict[str, Any],
) -> Any:
    """Every category with money in either year, in the classification's order, and a total.
    ``current`` and ``prior`` hold each category's total by its code."""
    codes = [code for code in names if current.get(code) or prior.get(code)]
    if not codes:
        return _p(empty, s["base"])
    rows: list[list[Any]] = [
        [_p("", s["bold"]), _p(str(year - 1), s["amount_bold"]), _p(str(year), s["amount_bold"])]
    ]
    for code in codes:
        rows.append(
            [
                _p(names[code], s["base"]),
                _p(format_amount(prior.get(code, 0)), s["amount"]),
                _p(format_amount(current.get(code, 0)), s["amount"]),
            ]
        )
    rows.append(
        [
            _p(_("Total"), s["bold"]),
            _p(format_amount(sum(prior.values())), s["amount_bold"]),
            _p(format_amount(sum(current.values())), s["amount_bold"]),
        ]
    )
    name_width = _available_width() - 2 * _AMOUNT_WIDTH
    return _table(rows, [name_width, _AMOUNT_WIDTH, _AMOUNT_WIDTH], _total_line())


def _total_line() -> list[tuple[Any, ...]]:
    from reportlab.lib import colors

    return [("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]


def _boxes(current: YearSummary, prior: YearSummary, s: dict[str, Any]) -> Any:
    from reportlab.lib import colors

    rows: list[list[Any]] = [
        [
            _p(_("Box"), s["bold"]),
            _p("", s["bold"]),
            _p(str(prior.year), s["amount_bold"]),
            _p(str(current.year), s["amount_bold"]),
        ]
    ]
    for box, label in BOX_LABELS.items():
        strong = box in (7, 8)
        rows.append(
            [
                _p(str(box), s["bold"]),
                _p(_(label), s["bold" if strong else "base"]),
                _p(format_amount(prior.boxes[box]), s["amount_bold" if strong else "amount"]),
                _p(format_amount(current.boxes[box]), s["amount_bold" if strong else "amount"]),
            ]
        )
    number_width = 18 * _MM  # "Строка" (ru) on one line
    label_width = _available_width() - number_width - 2 * _AMOUNT_WIDTH
    # Box 7 closes the arithmetic of boxes 1-6: a rule above it, as on the printed return.
    extra = [("LINEABOVE", (0, 7), (-1, 7), 0.8, colors.black)]
    return _table(rows, [number_width, label_width, _AMOUNT_WIDTH, _AMOUNT_WIDTH], extra)


def _fund_rows(conn: sqlite3.Connection, summary: YearSummary) -> list[tuple[str, int]]:
    rows = []
    for fund in catalog.funds(conn):
        name = fund.name()
        if fund.restricted:
            name = _("{fund} (restricted)").format(fund=name)
        rows.append((name, summary.funds.get(fund.code, 0)))
    return rows


def _single_column(
    items: list[tuple[str, int]], heading: str, s: dict[str, Any], *, total: bool
) -> Any:
    rows: list[list[Any]] = [[_p(heading, s["bold"]), _p(_("Amount"), s["amount_bold"])]]
    rows += [
        [_p(name, s["base"]), _p(format_amount(amount), s["amount"])] for name, amount in items
    ]
    extra: list[tuple[Any, ...]] = []
    if total:
        rows.append(
            [
                _p(_("Total"), s["bold"]),
                _p(format_amount(sum(amount for _name, amount in items)), s["amount_bold"]),
            ]
        )
        extra = _total_line()
    name_width = _available_width() - 2 * _AMOUNT_WIDTH
    return _table(rows, [name_width + _AMOUNT_WIDTH, _AMOUNT_WIDTH], extra)


def _verification(entries: int, head: str, code: str, s: dict[str, Any]) -> Any:
    """The code, the anchor and a large QR code of the code, kept together at the end."""
    anchor = anchor_text(entries, head)
    text = [
        _p(_("Verification"), s["heading"]),
        _p(_("Verification code"), s["base"]),
        _p(code, s["code"]),
        _p(
            _(
                "Anyone with the program can check this paper against the ledger: "
                "ruralcouncil verify-report followed by the code above, or Check a printed "
                "code in the window. The code changes if any figure printed here or the "
                "ledger they were read from is changed."
            ),
            s["small"],
        ),
        _p(
            _(
                "These figures were read at position {position} of the ledger's hash chain. "
                "Its anchor (chain position, then the hash there):"
            ).format(position=entries),
            s["small"],
        ),
        _p(anchor, s["small"]),
    ]
    return verification_box(text, code, _available_width())


def _page_footer(
    village: str, year: int, position: int, code: str, totals: list[str], pages: list[int]
) -> Any:
    """Every page names the village, the year, the page, the verification code and its chain
    position, beside a QR code of the code and the totals. ``pages`` gets the last page."""

    def lines(page: int) -> list[str]:
        pages[0] = max(pages[0], page)
        return [
            _("{village}: summary of the accounts for {year}. Page {page}").format(
                village=village, year=year, page=page
            ),
            _("Verification code {code} (chain position {position})").format(
                code=code, position=position
            ),
        ]

    return coded_footer(lines, qr_payload(code, totals), margin=_MARGIN, padding=_FRAME_PADDING)


# --- checking a printed code (verify-report) ---------------------------------------------


def _check_figures(ledger: Ledger, subject: str) -> dict[str, Any]:
    if not subject.isdigit() or len(subject) != 4:
        raise InvalidInput(_("A year summary names a year."))
    read = coded_summary(ledger.conn, int(subject))  # both years, as a print reads them
    return summary_figures(read.current, read.prior)


def _totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    boxes = figures["current"]["boxes"]
    return [
        (_("Total receipts"), format_amount(sum(figures["current"]["receipts"].values()))),
        (_("Total payments"), format_amount(sum(figures["current"]["payments"].values()))),
        (_("Balances carried forward (box 7)"), format_amount(int(boxes["7"]))),
        (_("Cash and bank at 31 December (box 8)"), format_amount(int(boxes["8"]))),
    ]


checks.register(
    checks.Verifiable(
        Kind.YEAR_SUMMARY,
        _check_figures,
        _totals,
        lambda subject: _("The year {year}").format(year=subject),
    )
)
