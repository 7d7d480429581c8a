"""What a printed document carries so that paper can be checked against the ledger.

- The *anchor* ``N:HEX``: the chain position the document was read at and the hash there, as
  ``ruralcouncil verify --anchor`` takes it.
- The *report code* of DESIGN §4.4, which every document prints (the year summary, the
  minutes, the annual return, the residents' report and poster, the budget execution report,
  a donor's receipt, a project's statement, a household's receipt, the rent in arrears): the
  document's kind and subject, the chain position, and 64 bits of a SHA-256 over the hash at
  that position and the document's own figures, so neither a changed ledger nor a changed
  figure on paper keeps it. ``DR7-1234-89AB-CDEF-0123-4567`` is donor's receipt 7 read at
  chain position 1234. The figures are language-free (ids, tiyn, ISO dates, names as
  stored), so the Kazakh, Russian and English prints of one moment carry one code.
- The QR code that carries them, in a flowable or at the foot of every page.

reportlab is imported inside the functions that draw, only when a document is made.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_
from ruralcouncil.ledger.chain import canonical, digest
from ruralcouncil.reports.fonts import REGULAR
from ruralcouncil.reports.pdf_file import MM, Footer

ANCHOR_PREFIX = "ruralcouncil-anchor:"
REPORT_PREFIX = "ruralcouncil-report:"
CODE_VERSION = 1
DIGEST_HEX = 16  # 64 bits


def anchor_text(entries: int, head: str) -> str:
    """The anchor as ``verify --anchor`` takes it: ``N:HEX``."""
    return f"{entries}:{head}"


class Kind(StrEnum):
    """The documents with a report code, by the letters their code starts with."""

    DONOR_RECEIPT = "DR"
    CONTRIBUTORS = "CS"
    HOUSEHOLD_RECEIPT = "HR"
    ARREARS = "RA"
    YEAR_SUMMARY = "YS"
    ANNUAL_RETURN = "AR"
    TRANSPARENCY = "TR"
    POSTER = "PO"
    BUDGET_EXECUTION = "BE"
    MINUTES = "MN"
    DISTRICT_REPORT = "DS"  # of a district store, not a ledger: its position is a load


KIND_NAMES = {
    Kind.DONOR_RECEIPT: N_("Receipt for a donation"),
    Kind.CONTRIBUTORS: N_("Statement to a project's contributors"),
    Kind.HOUSEHOLD_RECEIPT: N_("Receipt for a household's contributions"),
    Kind.ARREARS: N_("List of rent in arrears"),
    Kind.YEAR_SUMMARY: N_("Year summary"),
    Kind.ANNUAL_RETURN: N_("Annual return"),
    Kind.TRANSPARENCY: N_("Report to residents"),
    Kind.POSTER: N_("Notice-board poster"),
    Kind.BUDGET_EXECUTION: N_("Budget execution report"),
    Kind.MINUTES: N_("Minutes of a council meeting"),
    Kind.DISTRICT_REPORT: N_("District report"),
}


# --- periods, as a code's subject names them ---------------------------------------------


@dataclass(frozen=True)
class Period:
    """What a period report covers: a year, one of its quarters or one of its months.
    As a code's subject: ``2026``, ``2026.3`` (the third quarter), ``202607`` (July)."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError("year")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError("quarter")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month")
        if self.quarter is not None and self.month is not None:
            raise ValueError("a quarter or a month, not both")

    @property
    def subject(self) -> str:
        if self.quarter is not None:
            return f"{self.year}.{self.quarter}"
        if self.month is not None:
            return f"{self.year}{self.month:02d}"
        return str(self.year)

    @property
    def first_day(self) -> str:
        month = self.month or (3 * self.quarter - 2 if self.quarter else 1)
        return f"{self.year:04d}-{month:02d}-01"

    @property
    def last_day(self) -> str:
        import calendar

        month = self.month or (3 * self.quarter if self.quarter else 12)
        day = calendar.monthrange(self.year, month)[1]
        return f"{self.year:04d}-{month:02d}-{day:02d}"

    def label(self) -> str:
        """The period in the current language: "2026", "2026, quarter 3", "July 2026"."""
        from ruralcouncil.i18n import _

        if self.quarter is not None:
            return _("{year}, quarter {quarter}").format(year=self.year, quarter=self.quarter)
        if self.month is not None:
            from datetime import date

            from babel.dates import format_date

            from ruralcouncil.i18n import locale_name

            return format_date(date(self.year, self.month, 1), "LLLL y", locale=locale_name())
        return str(self.year)


def parse_period(subject: str) -> Period | None:
    """The period a code's subject names, or None when it names none."""
    try:
        if re.fullmatch(r"[0-9]{4}", subject):
            return Period(int(subject))
        if re.fullmatch(r"[0-9]{4}\.[1-4]", subject):
            return Period(int(subject[:4]), quarter=int(subject[5]))
        if re.fullmatch(r"[0-9]{6}", subject):
            return Period(int(subject[:4]), month=int(subject[4:]))
    except ValueError:
        return None
    return None


_CODE = re.compile(
    r"(?P<kind>[A-Z]{2})(?P<subject>[0-9]{1,18}(?:\.[0-9]{1,18})?)-(?P<position>[0-9]{1,18})"
    r"-(?P<digest>[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})",
    re.ASCII,
)


def _nfc(value: Any) -> Any:
    """Figures as the chain stores text: NFC, whatever a caller handed in."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {str(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value


def figures_digest(kind: Kind, subject: str, head: str, figures: Mapping[str, Any]) -> str:
    """The 64 bits of a report code: SHA-256 over the anchor hash, the kind, the subject and
    the figures (canonical JSON, as the chain encodes), upper-case hex."""
    payload = canonical(
        {
            "v": CODE_VERSION,
            "kind": kind.value,
            "subject": subject,
            "head": head,
            "figures": _nfc(figures),
        }
    )
    return digest(payload)[:DIGEST_HEX].upper()


@dataclass(frozen=True)
class ReportCode:
    kind: Kind
    subject: str  # "7"; a household's receipt: "PROJECT.HOUSEHOLD"; arrears: "YYYYMMDD"
    position: int  # the chain position the document was read at
    digest: str  # 16 upper-case hex digits

    def __str__(self) -> str:
        groups = "-".join(self.digest[i : i + 4] for i in range(0, DIGEST_HEX, 4))
        return f"{self.kind.value}{self.subject}-{self.position}-{groups}"


def report_code(
    kind: Kind, subject: str, entries: int, head: str, figures: Mapping[str, Any]
) -> ReportCode:
    """The code of a document of ``kind`` about ``subject``, read at chain position
    ``entries`` (whose hash is ``head``), printing ``figures``."""
    return ReportCode(kind, subject, entries, figures_digest(kind, subject, head, figures))


def parse_report_code(text: str) -> ReportCode | None:
    """A report code as printed (spaces and case forgiven); None when it is not one."""
    cleaned = "".join(text.split()).upper()
    match = _CODE.fullmatch(cleaned) if len(cleaned) <= 80 else None
    if match is None:
        return None
    try:
        kind = Kind(match["kind"])
    except ValueError:
        return None
    return ReportCode(
        kind, match["subject"], int(match["position"]), match["digest"].replace("-", "")
    )


def qr_payload(code: ReportCode | str, totals: Sequence[str] = ()) -> str:
    """What a document's QR code says: its code, which holds its chain position, and, for a
    resident's phone to show beside the paper, the document's totals as lines of text
    (:func:`verification.totals_text`). (The hash at the position is printed as text: in the
    QR it would make the squares too small to scan from a footer.)"""
    return "\n".join([f"{REPORT_PREFIX}{code}", *totals])


@dataclass(frozen=True)
class CodedPdf:
    """A written document with a report code: where it is, its code and its anchor.
    Path-like, for callers that only want the file."""

    path: Path
    code: str
    chain_entries: int
    chain_head: str
    pages: int

    @property
    def anchor(self) -> str:
        return anchor_text(self.chain_entries, self.chain_head)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


# --- drawing ------------------------------------------------------------------------------


def qr_drawing(payload: str, size: float) -> Any:
    """A QR code of ``payload`` (error correction M), ``size`` points square."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def verification_box(text: Sequence[Any], code: str, width: float) -> Any:
    """The closing box of a coded document: ``text`` (flowables) beside a large QR code of
    ``code``, framed and kept together, ``width`` points wide."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Table, TableStyle

    size = 30 * MM
    table = Table(
        [[list(text), qr_drawing(qr_payload(code), size)]],
        colWidths=[width - size - 4 * MM, size + 4 * MM],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return KeepTogether([table])


FOOTER_QR = 17 * MM
_FOOTER_FONT = 7.5
_SMALLEST_FONT = 5.5


def coded_footer(
    lines: Callable[[int], Sequence[str]],
    payload: str,
    *,
    margin: float,
    padding: float,
    page_width: float | None = None,
) -> Footer:
    """A page foot for :func:`pdf_file.write_a4` with a bottom margin of ``margin`` + 6 mm:
    ``lines(page)`` at the left, the QR code of ``payload`` at the right, on every page.
    A line too long for the space beside the QR code is set smaller rather than under it.
    The QR code is drawn once into a PDF form and placed on each page: drawn afresh, its
    thousand squares cost a tenth of a second a page, a minute for a year of 500 pages."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth

    qr = qr_drawing(payload, FOOTER_QR)
    page_width = float(A4[0]) if page_width is None else page_width  # landscape: wider
    left = margin + padding
    right = page_width - margin - padding
    room = right - left - FOOTER_QR - 4 * MM
    top = margin + 6 * MM - 2 * MM  # just under the frame
    form = "footerQr"
    made: list[bool] = []

    def draw(canvas: Any, doc: Any) -> None:
        if not made:
            canvas.beginForm(form, 0, 0, FOOTER_QR, FOOTER_QR)
            renderPDF.draw(qr, canvas, 0, 0)
            canvas.endForm()
            made.append(True)
        canvas.saveState()
        y = top - _FOOTER_FONT
        for text in lines(int(doc.page)):
            size = _FOOTER_FONT
            while size > _SMALLEST_FONT and stringWidth(text, REGULAR, size) > room:
                size -= 0.25
            canvas.setFont(REGULAR, size)
            canvas.drawString(left, y, text)
            y -= _FOOTER_FONT + 2.5
        canvas.translate(right - FOOTER_QR, top - FOOTER_QR)
        canvas.doForm(form)
        canvas.restoreState()

    return draw
