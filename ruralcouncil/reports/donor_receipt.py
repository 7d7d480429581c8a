"""A donor's receipt for a gift (DESIGN §2.4, §4.3): one A4 page the donor keeps.

The village, the receipt's number (the donation's) and date, the donor by name (the receipt
is the donor's own, so the name is printed even when they asked to stay anonymous in public
reports, and the receipt then says so), the gift (cash, or in kind with its value and who
valued it), where it goes (the general fund, an earmarked fund, a community project), the
donor's own statement that the gift is voluntary, the receipt's entry number in the ledger,
the clerk who recorded it, lines to sign, and its verification code with a QR code
(``codes``), at the foot of the page as on every printed document.

The second half of this module is the page furniture the community documents share
(``contributors`` uses it too): styles, tables, signature lines, the verification block and
the coded page foot. reportlab is imported only when a document is made; documents are
written in invariant mode (the same ledger, the same bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger import catalog, chain, donations, projects, settings
from ruralcouncil.ledger.classification import GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.donations import DONOR_TYPE_NAMES, Donation
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import (
    CodedPdf,
    Kind,
    anchor_text,
    coded_footer,
    qr_payload,
    report_code,
)
from ruralcouncil.reports.council_text import member_names
from ruralcouncil.reports.fonts import BOLD, REGULAR, register_fonts
from ruralcouncil.reports.markup import escape
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4

MARGIN = 18 * MM
_PADDING = 6  # reportlab's frame padding, inside the margins
_GREY = "#e8e8e8"
_LINE = "#9a9a9a"
AMOUNT_WIDTH = 31 * MM  # "9 999 999,99 ₸" in bold on one line
# Quotation marks as each language prints a quotation.
_QUOTES = {"kk": ("«", "»"), "ru": ("«", "»"), "en": ("“", "”")}


def donor_receipt_file_name(donation_id: int) -> str:
    return f"donation-{donation_id}-receipt.pdf"


@dataclass(frozen=True)
class _Receipt:
    """What the receipt prints, read at one moment."""

    donation: Donation
    destination: str
    clerk: str
    village: str
    council: str
    entries: int
    head: str


def _destination(ledger: Ledger, donation: Donation) -> str:
    conn = ledger.conn
    if donation.project_id is not None:
        project = projects.get(conn, donation.project_id)
        return _("Community project No. {id}: {title}").format(id=project.id, title=project.title)
    if donation.fund == GENERAL_FUND:
        return _("The general fund of the village")
    fund = next((f for f in catalog.funds(conn) if f.code == donation.fund), None)
    name = fund.name() if fund is not None and fund.name() else donation.fund
    return _("Earmarked fund: {fund}").format(fund=name)


def _recorded_by(ledger: Ledger, donation_id: int) -> str:
    row = ledger.conn.execute(
        "SELECT user_id FROM donations WHERE id = ?", (donation_id,)
    ).fetchone()
    user_id = int(row[0])
    return member_names(ledger).get(user_id, str(user_id))


def _read(ledger: Ledger, donation_id: int) -> _Receipt:
    conn = ledger.conn
    with snapshot(conn):
        donation = donations.get(conn, donation_id)
        entries, head = chain.head(conn)
        return _Receipt(
            donation,
            _destination(ledger, donation),
            _recorded_by(ledger, donation_id),
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def _figures(r: _Receipt) -> dict[str, object]:
    """What the code vouches for, in no language."""
    d = r.donation
    return {
        "donation": d.id,
        "date": d.date,
        "party": d.party_id,
        "donor": d.donor,
        "anonymous": d.anonymous,
        "amount": d.amount,
        "in_kind": d.in_kind,
        "valued_by": d.valued_by,
        "fund": d.fund,
        "project": d.project_id,
        "voluntary": d.voluntary,
        "entry": d.entry,
        "reversed": d.reversed,
        "recorded_by": r.clerk,
    }


def render_donor_receipt(
    ledger: Ledger, donation_id: int, path: Path | str, lang: str | None = None
) -> CodedPdf:
    """Write the receipt for donation ``donation_id`` to ``path`` (replacing it), in
    ``lang`` (default: the current language). Raises ``InvalidInput`` for an unknown
    donation, before anything is written."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        r = _read(ledger, donation_id)
        figures = _figures(r)
        code = str(report_code(Kind.DONOR_RECEIPT, str(donation_id), r.entries, r.head, figures))
        document = _("Receipt for a donation No. {number}").format(number=donation_id)
        pages = write_coded(
            path,
            _story(r, code),
            title=f"{r.village}: {document}",
            author=r.council,
            village=r.village,
            document=document,
            code=code,
            entries=r.entries,
            totals=checks.totals_text(Kind.DONOR_RECEIPT, figures),
        )
    return CodedPdf(path, code, r.entries, r.head, pages)


def _gift(d: Donation) -> list[str]:
    if d.cash:
        lines = [_("In cash: {amount}").format(amount=format_amount(d.amount))]
        if d.reversed:
            lines.append(_("The receipt of this money was later reversed in the ledger."))
        return lines
    return [
        _("In kind: {what}").format(what=d.in_kind),
        _("Valued at {amount}").format(amount=format_amount(d.amount)),
        _("Valued by {who}").format(who=d.valued_by),
    ]


def _story(r: _Receipt, code: str) -> list[Any]:
    from reportlab.platypus import Spacer

    s = styles()
    d = r.donation
    donor = [d.donor, _(DONOR_TYPE_NAMES[d.donor_type])]
    if d.anonymous:
        donor.append(
            _(
                "At the donor's request their name is kept out of public reports: there the "
                "gift is shown as from an anonymous donor."
            )
        )
    if d.entry is not None:
        entry = [_("Receipt No. {number} in the ledger").format(number=d.entry)]
    else:
        entry = [_("A gift in kind is entered in the donor register only; it moves no money.")]
    story: list[Any] = [
        *letterhead(r.village, r.council, s),
        para(_("Receipt for a donation No. {number}").format(number=d.id), s["document"]),
        para(_("Date of the gift: {day}").format(day=shown_date(d.date)), s["base"]),
        Spacer(1, 5 * MM),
        facts(
            [
                (_("Donor"), donor),
                (_("The gift"), _gift(d)),
                (_("Where it goes"), [r.destination]),
                (_("Entry in the ledger"), entry),
                (_("Recorded by"), [r.clerk]),
            ],
            s,
        ),
        para(_("The donor's statement that the gift is voluntary"), s["heading"]),
    ]
    if d.voluntary:
        story.append(para(quoted(d.voluntary), s["quote"]))
    if d.statement_name:
        story.append(
            para(
                _(
                    "The donor's signed statement is kept with the record as a scan ({name})."
                ).format(name=d.statement_name),
                s["small"],
            )
        )
    story += [
        Spacer(1, 4 * MM),
        signatures([(_("The donor"), d.donor), (_("The clerk"), r.clerk)], s),
        Spacer(1, 8 * MM),
        verification(code, r.entries, r.head, s),
    ]
    return story


# --- the page furniture of the community documents ---------------------------------------


def styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9, leading=11.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=15, leading=19),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=13.5),
        "document": ParagraphStyle(
            "document", base, fontName=BOLD, fontSize=13.5, leading=17, spaceAfter=3
        ),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "bold": ParagraphStyle("bold", base, fontName=BOLD),
        "label": ParagraphStyle("label", base, textColor="#333333"),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor="#333333"),
        "quote": ParagraphStyle(
            "quote", base, fontSize=10, leading=13, leftIndent=10, rightIndent=10, spaceBefore=2
        ),
        "amount": ParagraphStyle("amount", base, alignment=TA_RIGHT),
        "amount_bold": ParagraphStyle("amount_bold", base, fontName=BOLD, alignment=TA_RIGHT),
        "code": ParagraphStyle("code", base, fontName=BOLD, fontSize=12.5, leading=16),
    }


def para(text: str, style: Any) -> Any:
    """Text as typed, never read as markup; its line breaks kept."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def page_width() -> float:
    """The width a flowable has between the margins."""
    from reportlab.lib.pagesizes import A4

    return float(A4[0]) - 2 * MARGIN - 2 * _PADDING


def quoted(text: str) -> str:
    opening, closing = _QUOTES.get(language(), _QUOTES["en"])
    return f"{opening}{text}{closing}"


def letterhead(village: str, council: str, s: Mapping[str, Any]) -> list[Any]:
    from reportlab.platypus import Spacer

    return [para(village, s["title"]), para(council, s["subtitle"]), Spacer(1, 5 * MM)]


def table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    total: bool = False,
    label_span: int = 1,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Any:
    """A table with a grey heading row (repeated on each page) and thin rules; ``total``:
    a rule above the last row, whose label spans its first ``label_span`` columns."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_GREY)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(_LINE)),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *extra,
    ]
    if total:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
        if label_span > 1:
            style.append(("SPAN", (0, -1), (label_span - 1, -1)))
    result = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(style))
    return result


def facts(items: Sequence[tuple[str, Sequence[str]]], s: Mapping[str, Any]) -> Any:
    """Labelled facts, one to a row: the label at the left, its lines at the right."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    label_width = 42 * MM
    rows = [
        [para(label, s["label"]), [para(line, s["base"]) for line in lines]]
        for label, lines in items
    ]
    result = Table(rows, colWidths=[label_width, page_width() - label_width], hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(_LINE)),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return result


def signatures(who: Sequence[tuple[str, str]], s: Mapping[str, Any]) -> Any:
    """A line to sign on for each (role, name), side by side, the name under the line."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    gap = 14 * MM
    width = (page_width() - gap * (len(who) - 1)) / len(who)
    cells: list[list[Any]] = [[], [], []]
    widths: list[float] = []
    style: list[tuple[Any, ...]] = [("LEFTPADDING", (0, 0), (-1, -1), 0)]
    for n, (role, name) in enumerate(who):
        if n:
            for row in cells:
                row.append("")
            widths.append(gap)
        cells[0].append(para(role, s["bold"]))
        cells[1].append(Spacer(1, 11 * MM))
        cells[2].append(para(name, s["base"]))
        widths.append(width)
        column = len(widths) - 1
        style.append(("LINEBELOW", (column, 1), (column, 1), 0.6, colors.black))
    result = Table(cells, colWidths=widths, hAlign="LEFT")
    result.setStyle(TableStyle(style))
    return KeepTogether([para(_("Signatures"), s["heading"]), result])


def verification(code: str, entries: int, head: str, s: Mapping[str, Any]) -> Any:
    """The code and the anchor, and how anyone with the program checks them."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Table, TableStyle

    text = [
        para(_("Verification code"), s["base"]),
        para(code, s["code"]),
        para(
            _(
                "Produced from the ledger at position {position} of its hash chain; "
                "verification code {code}. Anchor: {anchor}"
            ).format(position=entries, code=code, anchor=anchor_text(entries, head)),
            s["small"],
        ),
        para(
            _(
                "Anyone with the program can check this paper against the ledger: "
                "ruralcouncil verify-report followed by the code above, or Check a printed "
                "code in the window. The anchor is for ruralcouncil verify --anchor."
            ),
            s["small"],
        ),
        para(
            _(
                "The code is made from the ledger's hash at that position and from the "
                "figures printed here, so a figure changed on paper no longer matches it. "
                "The QR code at the foot of each page holds the code and the totals."
            ),
            s["small"],
        ),
    ]
    box = Table([[text]], colWidths=[page_width()], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([para(_("Verification"), s["heading"]), box])


def write_coded(
    path: Path,
    story: Sequence[Any],
    *,
    title: str,
    author: str,
    village: str,
    document: str,
    code: str,
    entries: int,
    totals: Sequence[str] = (),
) -> int:
    """Write ``story`` as an A4 PDF whose every page's foot names the village, the
    document, the page, the verification code and its chain position, beside the QR code
    (which also carries ``totals``, for a phone to show). Returns the number of pages."""
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

    footer: Callable[[Any, Any], None] = coded_footer(
        lines, qr_payload(code, totals), margin=MARGIN, padding=_PADDING
    )
    write_a4(path, story, title=title, author=author, footer=footer, margin=MARGIN)
    return pages[0]


# --- checking a printed code (verify-report) ---------------------------------------------


def _check_figures(ledger: Ledger, subject: str) -> dict[str, object]:
    return _figures(_read(ledger, int(subject)))


def _totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    if figures.get("in_kind"):
        return [(_("Value of the gift in kind"), format_amount(int(figures["amount"])))]
    return [(_("Amount"), format_amount(int(figures["amount"])))]


checks.register(
    checks.Verifiable(
        Kind.DONOR_RECEIPT,
        _check_figures,
        _totals,
        lambda subject: _("Donation No. {id}").format(id=subject),
    )
)
