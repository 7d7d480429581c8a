"""The district's return and attention list (DESIGN §4.5, ``district report``): A4 landscape.

The villages held, with when each was loaded and the anchor its figures stand at; their
annual-return boxes 1-10 and the district's totals; charts of receipts by source and
payments by program (district totals by code, so twenty villages stay readable) and of each
village's receipts and payments; what needs the district's attention. Every page's foot
carries the verification code (``district_code``: kind DS, the year, the store's state)
with a QR code of it and the totals. Everything printed comes from ``district_figures``, the
function ``verify-report --store`` calls again, plus the words of the attention list.
No person's name is printed: the store holds none, and files' paths are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import (
    CodedPdf,
    Kind,
    coded_footer,
    qr_payload,
    report_code,
    verification_box,
)
from ruralcouncil.reports.district_code import Subject, district_figures
from ruralcouncil.reports.fonts import BOLD, REGULAR, register_fonts
from ruralcouncil.reports.markup import escape
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4
from ruralcouncil.reports.summary_pdf import BOX_LABELS

if TYPE_CHECKING:
    from ruralcouncil.district.store import Store

_MARGIN = 12 * MM
_PADDING = 6  # reportlab's frame padding
_GREY = "#e8e8e8"
_LINE = "#9a9a9a"


def _page_width() -> float:
    from reportlab.lib.pagesizes import A4, landscape

    return float(landscape(A4)[0])


def _width() -> float:
    return _page_width() - 2 * _MARGIN - 2 * _PADDING


def render_district_report(
    store: Store,
    year: int,
    path: Path | str,
    lang: str | None = None,
    *,
    days: int = 60,
    today: date | None = None,
) -> CodedPdf:
    """Write the district report for ``year`` to ``path`` (replacing it)."""
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.figures import current_state

    path = Path(path)
    subject = Subject(year, today or date.today(), days)
    with in_language(lang):
        register_fonts()
        # The store is open read-only, which DuckDB grants only while no consolidation
        # writes it: the figures, the words and the code are of one state.
        state = current_state(store)
        if state == 0:
            from ruralcouncil.ledger.errors import InvalidInput

            raise InvalidInput(
                _("The district store holds no village yet: consolidate their ledgers first.")
            )
        figures, head = district_figures(store, str(subject), state)
        items = attention_list(store, year, stale_days=days, today=subject.today)
        code = str(report_code(Kind.DISTRICT_REPORT, str(subject), state, head, figures))
        totals = checks.totals_text(Kind.DISTRICT_REPORT, figures)
        pages = [0]
        title = _("District report for {year}").format(year=year)
        story = _story(figures, items, subject, code, title)
        write_a4(
            path,
            story,
            title=title,
            author="RuralCouncil",
            footer=_footer(title, code, state, totals, pages),
            margin=_MARGIN,
            landscape=True,
        )
    return CodedPdf(path, code, state, head, pages[0])


# --- the pieces --------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8, leading=10)
    small = ParagraphStyle("small", base, fontSize=6.8, leading=8.4)
    return {
        "base": base,
        "small": small,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=10.5,
            leading=13,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "bold": ParagraphStyle("bold", base, fontName=BOLD),
        "cell": ParagraphStyle("cell", small),
        "cell_bold": ParagraphStyle("cell_bold", small, fontName=BOLD),
        "num": ParagraphStyle("num", small, alignment=TA_RIGHT),
        "num_bold": ParagraphStyle("num_bold", small, fontName=BOLD, alignment=TA_RIGHT),
        # the boxes' table: ten amounts up to a billion tenge across the page
        "box": ParagraphStyle("box", small, fontSize=6.2, alignment=TA_RIGHT),
        "box_bold": ParagraphStyle(
            "box_bold", small, fontSize=6, fontName=BOLD, alignment=TA_RIGHT
        ),
        "code": ParagraphStyle("code", base, fontName=BOLD, fontSize=13, leading=16),
    }


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)  # a village called "A & B" prints as typed


def _table(rows: list[list[Any]], widths: Sequence[float], extra: Sequence[Any] = ()) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_GREY)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(_LINE)),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return table


def _story(
    figures: Mapping[str, Any], items: Sequence[Any], subject: Subject, code: str, title: str
) -> list[Any]:
    from reportlab.platypus import Spacer

    s = _styles()
    villages = figures["villages"]
    return [
        _p(title, s["title"]),
        _p(
            _(
                "{count} villages. Read from the district store at its state {state} "
                "(the loads it has taken in); the attention list as of {day}."
            ).format(count=len(villages), state=figures["state"], day=subject.today.isoformat()),
            s["base"],
        ),
        Spacer(1, 2 * MM),
        _p(_("Villages held and when each was last loaded"), s["heading"]),
        _held(villages, s),
        _p(_("Annual return boxes by village, {year}").format(year=subject.year), s["heading"]),
        _p(_("Amounts in tenge and tiyn (₸). The boxes:"), s["small"]),
        _p(
            "; ".join(f"{box} {_(label)}" for box, label in BOX_LABELS.items()),
            s["small"],
        ),
        Spacer(1, 1.5 * MM),
        _boxes(figures, s),
        *_charts(figures, s),
        _p(_("What needs the district's attention"), s["heading"]),
        _attention(items, s),
        Spacer(1, 4 * MM),
        _verification(code, figures["state"], s),
    ]


def _held(villages: Sequence[Mapping[str, Any]], s: dict[str, Any]) -> Any:
    rows: list[list[Any]] = [
        [
            _p(h, s["cell_bold"])
            for h in (_("Village"), _("Last loaded"), _("Chain anchor"), _("Ledger"))
        ]
    ]
    for v in villages:
        chain = v["chain"]
        rows.append(
            [
                _p(v["village"], s["cell"]),
                _p(str(v["loaded_at"])[:16].replace("T", " "), s["cell"]),
                _p(f"{chain['entries']}:{chain['head'][:16]}…", s["cell"]),
                _p(v["ledger"][:16] + "…", s["cell"]),
            ]
        )
    if not villages:
        rows.append([_p(_("none"), s["cell"]), "", "", ""])
    w = _width()
    return _table(rows, [0.3 * w, 0.2 * w, 0.25 * w, 0.25 * w])


def _boxes(figures: Mapping[str, Any], s: dict[str, Any]) -> Any:
    from reportlab.lib import colors

    header = [_p(_("Village"), s["cell_bold"])]
    header += [_p(str(box), s["num_bold"]) for box in range(1, 11)]
    rows: list[list[Any]] = [header]
    for v in figures["villages"]:
        line = [_p(v["village"], s["cell"])]
        line += [
            _p(format_amount(int(v["boxes"][str(b)]), sign=False), s["box"]) for b in range(1, 11)
        ]
        rows.append(line)
    total = [_p(_("District total"), s["cell_bold"])]
    total += [
        _p(format_amount(int(figures["totals"]["boxes"][str(b)]), sign=False), s["box_bold"])
        for b in range(1, 11)
    ]
    rows.append(total)
    name = 30 * MM
    amount = (_width() - name) / 10
    extra = [
        ("LEFTPADDING", (1, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (1, 0), (-1, -1), 2),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        # boxes 7 and 8 must agree: set apart as on the printed return
        ("BACKGROUND", (7, 1), (8, -1), colors.HexColor("#f5f5f5")),
    ]
    return _table(rows, [name] + [amount] * 10, extra)


def _code_names() -> dict[str, str]:
    from ruralcouncil.ledger.classification import (
        DEFAULT_EXPENDITURE_PROGRAMS,
        DEFAULT_REVENUE_SOURCES,
    )

    return {a.code: a.name() for a in (*DEFAULT_REVENUE_SOURCES, *DEFAULT_EXPENDITURE_PROGRAMS)}


def _charts(figures: Mapping[str, Any], s: dict[str, Any]) -> list[Any]:
    """District totals by code, and each village's receipts and payments, side by side."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    from ruralcouncil.reports.charts import INCOME_COLOUR, SPENDING_COLOUR, bar_chart

    names = _code_names()
    half = _width() / 2 - 3 * MM

    def by_code(found: Mapping[str, int]) -> list[tuple[str, int]]:
        rows = [(names.get(code, code), int(amount)) for code, amount in found.items()]
        return sorted(rows, key=lambda row: -row[1])

    def money(amount: int) -> str:
        return format_amount(amount)

    def pair(left: list[tuple[str, int]], right: list[tuple[str, int]]) -> Any:
        cells = [
            bar_chart(rows, half, value_text=money, colour=colour, font_size=7.5, label_lines=2)
            if rows
            else _p(_("none"), s["small"])
            for rows, colour in ((left, INCOME_COLOUR), (right, SPENDING_COLOUR))
        ]
        table = Table([cells], colWidths=[half + 3 * MM, half + 3 * MM], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def headings(left: str, right: str) -> Any:
        table = Table(
            [[_p(left, s["heading"]), _p(right, s["heading"])]],
            colWidths=[half + 3 * MM, half + 3 * MM],
            hAlign="LEFT",
        )
        return table

    totals = figures["totals"]
    villages = figures["villages"]
    received = [(v["village"], int(v["boxes"]["2"]) + int(v["boxes"]["3"])) for v in villages]
    paid = [(v["village"], sum(int(v["boxes"][b]) for b in ("4", "5", "6"))) for v in villages]
    # A chart's row never splits: its heading goes to the next page with it.
    return [
        KeepTogether(
            [
                headings(
                    _("Receipts by source, all villages"), _("Payments by program, all villages")
                ),
                pair(by_code(totals["receipts"]), by_code(totals["payments"])),
            ]
        ),
        KeepTogether(
            [
                headings(_("Receipts by village"), _("Payments by village")),
                pair(received, paid),
            ]
        ),
    ]


def _attention(items: Sequence[Any], s: dict[str, Any]) -> Any:
    from ruralcouncil.district.attention import CONCERN_NAMES

    if not items:
        return _p(_("Nothing needs the district's attention."), s["base"])
    rows: list[list[Any]] = [
        [
            _p(h, s["cell_bold"])
            for h in (
                _("Concern"),
                _("Village"),
                _("Entry"),
                _("Date"),
                _("Amount"),
                _("Detail"),
            )
        ]
    ]
    for item in items:
        rows.append(
            [
                _p(_(CONCERN_NAMES[item.concern]), s["cell"]),
                _p(item.village, s["cell"]),
                _p("" if item.entry is None else str(item.entry), s["num"]),
                _p(item.date or "", s["cell"]),
                _p("" if item.amount is None else format_amount(item.amount), s["num"]),
                _p(item.detail, s["cell"]),
            ]
        )
    w = _width()
    return _table(rows, [0.17 * w, 0.15 * w, 0.06 * w, 0.08 * w, 0.11 * w, 0.43 * w])


def _verification(code: str, state: int, s: dict[str, Any]) -> Any:
    text = [
        _p(_("Verification"), s["heading"]),
        _p(_("Verification code"), s["base"]),
        _p(code, s["code"]),
        _p(
            _(
                "Anyone with the program and this district store can check this paper: "
                "ruralcouncil verify-report followed by the code above and --store STORE. "
                "The village figures are checked as the store held them at state {state}, "
                "so the code still checks after newer copies are loaded; the attention list "
                "is checked as the store holds it now. The code changes if any figure or "
                "the attention list changes."
            ).format(state=state),
            s["small"],
        ),
    ]
    return verification_box(text, code, _width())


def _footer(title: str, code: str, state: int, totals: list[str], pages: list[int]) -> Any:
    def lines(page: int) -> list[str]:
        pages[0] = max(pages[0], page)
        return [
            _("{title}. Page {page}").format(title=title, page=page),
            _("Verification code {code} (district store state {state})").format(
                code=code, state=state
            ),
        ]

    return coded_footer(
        lines,
        qr_payload(code, totals),
        margin=_MARGIN,
        padding=_PADDING,
        page_width=_page_width(),
    )
