"""The notice-board poster (DESIGN §2.8, §4.4): one A4 page, readable from two metres, about a
year: what the village received, spent and has left in type of 28 points and more, one chart
of the spending, the five largest payments, where the full report can be read, and the
verification code beside a QR code large enough to scan from the board.

Its figures (``poster_figures``) are what its code vouches for and what ``verify-report``
reads again; the page is laid out from them. A page that would not fit is shrunk to fit
rather than run onto a second (``KeepInFrame``): its contents are bounded (five bars of the
chart, five payments on a line each), so that only happens with very long names.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_, _, language
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.schema import has_table
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import charts, verification
from ruralcouncil.reports.codes import CodedPdf, Kind, Period, qr_drawing, qr_payload, report_code
from ruralcouncil.reports.fonts import BOLD, register_fonts
from ruralcouncil.reports.pdf_file import MM, in_language
from ruralcouncil.reports.period_layout import (
    Words,
    fit_line,
    marked,
    page_width,
    para,
    period_of,
    styles,
    table,
    write_coded,
)
from ruralcouncil.reports.period_money import period_money
from ruralcouncil.reports.transparency import (
    AUTO,
    Names,
    publish_threshold,
    read_names,
    second_language,
)

DOCUMENT = N_("Notice-board poster")
HEADLINE = 30  # points: the three figures, read from two metres
LARGEST = 5  # payments named on the poster
BARS = 5  # programs in its chart (the rest added up as one)
QR_SIZE = 42 * MM

Figures = dict[str, Any]


def poster_file_name(year: int) -> str:
    return f"poster-{year}.pdf"


def _largest(conn: sqlite3.Connection, first: str, last: str) -> list[list[Any]]:
    """[entry number, date, amount, payee] of the year's largest payments that stand (none
    reversed), the largest first."""
    payee = "t.counterparty"
    joins = ""
    if has_table(conn, "entry_links"):
        payee = "coalesce(nullif(t.counterparty, ''), lp.name, qp.name, '')"
        joins = (
            " LEFT JOIN entry_links l ON l.transaction_id = t.id"
            " LEFT JOIN parties lp ON lp.id = l.party_id"
            " LEFT JOIN requests q ON q.id = l.request_id"
            " LEFT JOIN parties qp ON qp.id = q.party_id"
        )
    rows = conn.execute(
        f"SELECT t.number, t.date, t.amount, {payee} FROM transactions t{joins}"
        " WHERE t.date BETWEEN ? AND ? AND t.type = 'payment' AND t.amount > 0"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)"
        " ORDER BY t.amount DESC, t.number LIMIT ?",
        (first, last, LARGEST),
    )
    return [[int(r[0]), str(r[1]), int(r[2]), str(r[3] or "")] for r in rows]


def read_figures(conn: sqlite3.Connection, period: Period) -> Figures:
    money = period_money(conn, period.first_day, period.last_day)
    return {
        "period": period.subject,
        "opening": money.opening,
        "receipts": money.received,
        "payments": money.paid,
        "closing": money.closing,
        "by_program": money.payments,
        "largest": _largest(conn, period.first_day, period.last_day),
        "threshold": publish_threshold(conn),
    }


def _year(subject: str) -> Period:
    period = period_of(subject)
    if period.quarter is not None or period.month is not None:
        raise InvalidInput(
            _("A poster covers a whole year, not {subject}.").format(subject=subject)
        )
    return period


def poster_figures(ledger: Ledger, subject: str) -> Figures:
    """The figures of the poster of the year ``subject``, read in one snapshot."""
    period = _year(subject)
    with snapshot(ledger.conn):
        return read_figures(ledger.conn, period)


def totals(figures: verification.Figures) -> list[tuple[str, str]]:
    return [
        (_("Received"), format_amount(figures["receipts"])),
        (_("Spent"), format_amount(figures["payments"])),
        (_("Cash left"), format_amount(figures["closing"])),
    ]


verification.register(
    verification.Verifiable(Kind.POSTER, poster_figures, totals, lambda s: _year(s).label())
)


# --- the page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    figures: Figures
    names: Names
    entries: int
    head: str


def render_poster(
    ledger: Ledger,
    year: int,
    path: Path | str,
    lang: str | None = None,
    alongside: str | None = AUTO,
) -> CodedPdf:
    """Write the notice-board poster of ``year`` to ``path`` (replacing it), in ``lang``
    (default: the current language), with ``alongside`` beside it (AUTO: Russian beside
    Kazakh)."""
    path = Path(path)
    period = Period(year)
    with in_language(lang):
        register_fonts()
        words = Words(second_language(language(), alongside))
        conn = ledger.conn
        with snapshot(conn):
            entries, head = chain.head(conn)
            figures = read_figures(conn, period)
            r = _Read(figures, read_names(conn), entries, head)
        code = str(report_code(Kind.POSTER, period.subject, entries, head, figures))
        document = _(DOCUMENT)
        pages = write_coded(
            path,
            _story(r, period, code, words),
            kind=Kind.POSTER,
            figures=figures,
            title=f"{r.names.village}: {document}, {year}",
            author=r.names.council,
            village=r.names.village,
            document=f"{document}, {year}",
            code=code,
            entries=entries,
            qr=False,
        )
    return CodedPdf(path, code, entries, head, pages)


def _story(r: _Read, period: Period, code: str, words: Words) -> list[Any]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepInFrame, Spacer

    from ruralcouncil.reports.period_layout import MARGIN, PADDING

    s = styles(14)
    f = r.figures
    day = {"day": lambda: shown_date(period.last_day)}
    content: list[Any] = [
        para(r.names.village, s["title"]),
        para(r.names.council, s["subtitle"]),
        Spacer(1, 3 * MM),
        marked(words.markup(N_("The village's money in {year}"), year=period.year), s["title"]),
        Spacer(1, 2 * MM),
        _headline(
            [
                (words.pair(N_("Received")), f["receipts"]),
                (words.pair(N_("Spent")), f["payments"]),
                (words.pair(N_("Cash left on {day}"), **day), f["closing"]),
            ],
            s,
        ),
        marked(words.markup(N_("What the money was spent on")), s["heading"]),
        *_chart(r),
        marked(words.markup(N_("The largest payments")), s["heading"]),
        _largest_table(r, words),
        Spacer(1, 3 * MM),
        para(
            _(
                "The full report to residents, with every payment over {amount}, the "
                "donations, the community projects and the council's decisions, can be read "
                "at the akimat and asked for from the council."
            ).format(amount=format_amount(f["threshold"])),
            s["base"],
        ),
        Spacer(1, 3 * MM),
        _check(code, f, words, s),
    ]
    height = float(A4[1]) - 2 * MARGIN - 6 * MM - 2 * PADDING
    return [KeepInFrame(page_width(), height, content, mode="shrink")]


def _headline(rows: list[tuple[tuple[str, str | None], int]], s: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    figure = ParagraphStyle(
        "headline", s["amount_bold"], fontSize=HEADLINE, leading=HEADLINE * 1.15
    )
    label = ParagraphStyle("headline_label", s["bold"], fontSize=17, leading=20)
    second = ParagraphStyle("headline_second", s["second"], fontSize=13, leading=16)
    cells = []
    for (first, other), amount in rows:
        words = [para(first, label)] + ([para(other, second)] if other else [])
        cells.append([words, para(format_amount(amount), figure)])
    result = Table(cells, colWidths=[page_width() * 0.38, page_width() * 0.62], hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.HexColor("#9a9a9a")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e8f5e9")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return result


def _chart(r: _Read) -> list[Any]:
    rows = [
        (r.names.category_one(code), amount) for code, amount in r.figures["by_program"].items()
    ]
    if not rows:
        return [para(_("Nothing was paid out in this period."), styles(14)["base"])]
    return charts.bar_chart(
        charts.largest(rows, BARS, _("Everything else")),
        page_width(),
        value_text=format_amount,
        colour=charts.SPENDING_COLOUR,
        font_size=13,
        label_lines=1,
    )


def _largest_table(r: _Read, words: Words) -> Any:
    size = 13
    amount_width = 46 * MM
    date_width = 30 * MM
    payee_width = page_width() - amount_width - date_width
    rows: list[list[Any]] = [
        [words(N_("Date")), words(N_("To whom")), words(N_("Amount"))],
        *(
            [shown_date(day), fit_line(payee, payee_width - 6, size), format_amount(amount)]
            for _number, day, amount, payee in r.figures["largest"]
        ),
    ]
    return table(rows, [date_width, payee_width, amount_width], size=size, amounts=[2])


def _check(code: str, figures: Figures, words: Words, s: dict[str, Any]) -> Any:
    """The QR code, large, beside the code and how to check it."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    big = ParagraphStyle("poster_code", s["code"], fontName=BOLD, fontSize=15, leading=19)
    payload = qr_payload(code, verification.totals_text(Kind.POSTER, figures))
    text = [
        marked(words.markup(N_("Verification code")), s["bold"]),
        para(code, big),
        para(
            _(
                "Scan the QR code, or check the code with the program: ruralcouncil "
                "verify-report followed by the code."
            ),
            ParagraphStyle("poster_check", s["base"], fontSize=12, leading=15),
        ),
    ]
    result = Table(
        [[qr_drawing(payload, QR_SIZE), text]],
        colWidths=[QR_SIZE + 6 * MM, page_width() - QR_SIZE - 6 * MM],
        hAlign="LEFT",
    )
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return result
