"""What the period reports share (the residents' report, the poster, the budget execution
report): words in one language or two, type sizes, fast tables, the coded page foot.

Two languages: the residents' report and the poster may carry a second language beside the
first (Kazakh with Russian, as local bodies publish), every heading and label as "Kazakh /
Russian". Each side is the catalogue's own translation, made by switching the language
(``pdf_file.in_language``) for the second one.

Tables of many rows are built from plain strings wrapped here (``simpleSplit``), not one
Paragraph per cell: a year of thousands of payments then lays out in about the time reportlab
takes for a bare table of the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import (
    Kind,
    Period,
    coded_footer,
    parse_period,
    qr_payload,
)
from ruralcouncil.reports.fonts import BOLD, REGULAR
from ruralcouncil.reports.markup import escape
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4

MARGIN = 15 * MM
PADDING = 6  # reportlab's frame padding, inside the margins
GREY = "#e8e8e8"
LINE = "#9a9a9a"
SECOND = "#555555"  # the second language's colour

Field = str | int | Callable[[], str]


def page_width() -> float:
    """The width a flowable has between the margins."""
    from reportlab.lib.pagesizes import A4

    return float(A4[0]) - 2 * MARGIN - 2 * PADDING


def period_of(subject: str) -> Period:
    """The period a code's subject names; refused when it names none."""
    period = parse_period(subject)
    if period is None:
        raise InvalidInput(
            _(
                "{subject} is not a period: a year (2026), a quarter (2026.3) or a month (202607)."
            ).format(subject=subject[:40])
        )
    return period


class Words:
    """The document's words in its language and, when ``alongside`` is set, in a second."""

    def __init__(self, alongside: str | None) -> None:
        self.first = language()
        self.alongside = alongside if alongside and alongside != self.first else None

    def pair(self, message: str, **fields: Field) -> tuple[str, str | None]:
        """``message`` translated and formatted in each language; the second is None when
        there is none or it says the same."""

        def said() -> str:
            return _(message).format(**{k: v() if callable(v) else v for k, v in fields.items()})

        first = said()
        if self.alongside is None:
            return first, None
        with in_language(self.alongside):
            second = said()
        return first, (second if second != first else None)

    def __call__(self, message: str, **fields: Field) -> str:
        """On one line: "Kazakh / Russian"."""
        first, second = self.pair(message, **fields)
        return first if second is None else f"{first} / {second}"

    def stacked(self, message: str, **fields: Field) -> str:
        """On two lines, for a table's head."""
        first, second = self.pair(message, **fields)
        return first if second is None else f"{first}\n{second}"

    def markup(self, message: str, **fields: Field) -> str:
        """For a Paragraph: the second language after a slash, in grey."""
        first, second = self.pair(message, **fields)
        if second is None:
            return escape(first)
        return f'{escape(first)} <font color="{SECOND}">/ {escape(second)}</font>'

    def both(self, name: Callable[[str], str]) -> str:
        """A name the ledger keeps in each language (a category's, a fund's)."""
        first = name(self.first)
        if self.alongside is None:
            return first
        second = name(self.alongside)
        return first if second == first else f"{first} / {second}"


def styles(body: float = 12) -> dict[str, Any]:
    """Large type for residents: ``body`` points for text, headings bigger."""
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=REGULAR, fontSize=body, leading=body * 1.3)
    return {
        "base": base,
        "second": ParagraphStyle("second", base, textColor=SECOND),
        "bold": ParagraphStyle("bold", base, fontName=BOLD),
        "title": ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=body * 1.9, leading=body * 2.3
        ),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=body * 1.15, leading=body * 1.5),
        "document": ParagraphStyle(
            "document",
            base,
            fontName=BOLD,
            fontSize=body * 1.5,
            leading=body * 1.9,
            spaceBefore=4,
            spaceAfter=4,
        ),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=body * 1.35,
            leading=body * 1.7,
            spaceBefore=body * 1.2,
            spaceAfter=body * 0.4,
            keepWithNext=1,
        ),
        "amount": ParagraphStyle("amount", base, alignment=TA_RIGHT),
        "amount_bold": ParagraphStyle("amount_bold", base, fontName=BOLD, alignment=TA_RIGHT),
        "code": ParagraphStyle("code", base, fontName=BOLD, fontSize=body * 1.2),
    }


def para(text: str, style: Any) -> Any:
    """Text as typed, never read as markup; its line breaks kept."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def marked(markup: str, style: Any) -> Any:
    """A Paragraph of markup made here (``Words.markup``), never of typed text."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup, style)


def wrap(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """``text`` broken into lines no wider than ``width`` points, for a plain table cell."""
    from reportlab.lib.utils import simpleSplit

    return "\n".join(
        line for part in text.split("\n") for line in (simpleSplit(part, font, size, width) or [""])
    )


def fit_line(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """``text`` on one line no wider than ``width`` points, cut with an ellipsis if need be."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    size: float = 12,
    head_size: float | None = None,
    amounts: Sequence[int] = (),
    total: bool = False,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Any:
    """A table of plain strings at ``size`` points: a grey, bold heading row repeated on each
    page (at ``head_size``, default ``size``), thin rules, the columns ``amounts`` set right;
    ``total``: the last row bold under a rule."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.22),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTSIZE", (0, 0), (-1, 0), head_size or size),
        ("LEADING", (0, 0), (-1, 0), (head_size or size) * 1.22),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(GREY)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(LINE)),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *(("ALIGN", (column, 0), (column, -1), "RIGHT") for column in amounts),
        *extra,
    ]
    # The heading row's words wrapped to their columns (two languages make them long).
    rows[0] = [
        wrap(cell, width - 6, head_size or size, BOLD) if isinstance(cell, str) else cell
        for cell, width in zip(rows[0], widths, strict=True)
    ]
    if total:
        style += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
        ]
    result = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(style))
    return result


def verification_block(code: str, entries: int, words: Words, s: dict[str, Any]) -> Any:
    """The code in large type and how anyone checks the paper with it."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Table, TableStyle

    inside = [
        marked(words.markup("Verification code"), s["base"]),
        para(code, s["code"]),
        para(
            _(
                "This paper was printed from the ledger at position {position} of its chain. "
                "Anyone with the program can check it: ruralcouncil verify-report {code}. "
                "A figure changed on paper no longer matches the code. The QR code at the "
                "foot of each page holds the code and the totals."
            ).format(position=entries, code=code),
            s["base"],
        ),
    ]
    box = Table([[inside]], colWidths=[page_width()], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return KeepTogether([marked(words.markup("Verification"), s["heading"]), box])


def write_coded(
    path: Path,
    story: Sequence[Any],
    *,
    kind: Kind,
    figures: checks.Figures,
    title: str,
    author: str,
    village: str,
    document: str,
    code: str,
    entries: int,
    qr: bool = True,
) -> int:
    """Write ``story`` as an A4 PDF whose every page's foot names the village, the document,
    the page, the verification code and its chain position, beside the QR code of the code
    and the totals (``qr``: False when the page shows a larger one itself). Returns the
    number of pages."""
    pages = [0]

    def lines(page: int) -> list[str]:
        pages[0] = max(pages[0], page)
        return [
            _("{village}: {document}. Page {page}").format(
                village=village, document=document, page=page
            ),
            _("Verification code {code} (chain position {position})").format(
                code=code, position=entries
            ),
        ]

    payload = qr_payload(code, checks.totals_text(kind, figures))
    footer = (
        coded_footer(lines, payload, margin=MARGIN, padding=PADDING) if qr else _text_footer(lines)
    )
    write_a4(path, story, title=title, author=author, footer=footer, margin=MARGIN)
    return pages[0]


def _text_footer(lines: Callable[[int], Sequence[str]]) -> Callable[[Any, Any], None]:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        y = MARGIN + 6 * MM - 2 * MM - 8
        for text in lines(int(doc.page)):
            canvas.drawString(MARGIN + PADDING, y, text)
            y -= 10.5
        canvas.restoreState()

    return draw


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` in per cent to one decimal ("45,3 %"); a dash for no whole."""
    if whole <= 0:
        return "—"
    tenths = (part * 1000 + whole // 2) // whole
    sign = "-" if tenths < 0 else ""
    whole_part, tenth = divmod(abs(tenths), 10)
    if language() == "en":
        return f"{sign}{whole_part}.{tenth}%"
    return f"{sign}{whole_part},{tenth}\u00a0%"
