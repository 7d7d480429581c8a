"""The list of rent in arrears the council prints (DESIGN §2.6, §4.3): on A4, the village,
"Rent in arrears at DATE", every lease that had begun by that day with its asset, tenant,
rent per period, and the rent due, paid and in arrears then (``assets.arrears``: rent falls
due on the first day of each period), the totals, and the verification code with its QR
code at the foot of every page (``codes``).

Everything printed is read in one read transaction with the chain's anchor beside it. The
page furniture (letterhead, table, verification block, coded foot) is ``donor_receipt``'s.
reportlab is imported only when the list is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import assets, chain, settings
from ruralcouncil.ledger.assets import Arrears, rent_text
from ruralcouncil.ledger.dates import parse_date, shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import CodedPdf, Kind, report_code
from ruralcouncil.reports.donor_receipt import (
    letterhead,
    page_width,
    para,
    styles,
    table,
    verification,
    write_coded,
)
from ruralcouncil.reports.fonts import register_fonts
from ruralcouncil.reports.pdf_file import MM, in_language

_ARREARS_COLOUR = "#b71c1c"
_CELL_FONT = 8  # seven columns across a portrait page
_PADDING = 3  # points each side of a cell (the shared tables' 6 leave too little room)
_NUMBER_WIDTH = 9 * MM
_RENT_WIDTH = 24 * MM
_MONEY_WIDTH = 28 * MM  # "99 999 999,99 ₸" at 8 points, bold, on one line


def arrears_file_name(on: str) -> str:
    return f"rent-arrears-{on}.pdf"


@dataclass(frozen=True)
class _List:
    """What the list prints, read at one moment."""

    on: str
    rows: list[Arrears]
    village: str
    council: str
    entries: int
    head: str

    @property
    def due(self) -> int:
        return sum(r.due for r in self.rows)

    @property
    def paid(self) -> int:
        return sum(r.paid for r in self.rows)

    @property
    def arrears(self) -> int:
        return sum(r.arrears for r in self.rows)


def _read(ledger: Ledger, on: str) -> _List:
    conn = ledger.conn
    with snapshot(conn):
        entries, head = chain.head(conn)
        return _List(
            on,
            assets.arrears(conn, on),
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def _figures(r: _List) -> dict[str, object]:
    """What the code vouches for, in no language."""
    return {
        "at": r.on,
        "leases": [
            [
                a.lease.id,
                a.lease.asset_id,
                a.lease.asset,
                a.lease.party_id,
                a.lease.tenant,
                a.lease.rent,
                a.lease.period.value,
                a.lease.starts,
                a.lease.ends,
                a.due,
                a.paid,
                a.arrears,
            ]
            for a in r.rows
        ],
        "due": r.due,
        "paid": r.paid,
        "arrears": r.arrears,
    }


def render_arrears(ledger: Ledger, on: str, path: Path | str, lang: str | None = None) -> CodedPdf:
    """Write the list of rent in arrears at the end of ``on`` (YYYY-MM-DD) to ``path``
    (replacing it), in ``lang`` (default: the current language). Raises ``InvalidInput``
    for a date that is not one, before anything is written."""
    path = Path(path)
    on = parse_date(on).isoformat()
    with in_language(lang):
        register_fonts()
        r = _read(ledger, on)
        figures = _figures(r)
        code = str(report_code(Kind.ARREARS, on.replace("-", ""), r.entries, r.head, figures))
        document = _("Rent in arrears at {day}").format(day=shown_date(on))
        pages = write_coded(
            path,
            _story(r, code, document),
            title=f"{r.village}: {document}",
            author=r.council,
            village=r.village,
            document=document,
            code=code,
            entries=r.entries,
            totals=checks.totals_text(Kind.ARREARS, figures),
        )
    return CodedPdf(path, code, r.entries, r.head, pages)


def _cells() -> dict[str, Any]:
    """The table's styles: the shared ones, a size smaller, so seven columns fit."""
    from reportlab.lib.styles import ParagraphStyle

    s = styles()
    small = {"fontSize": _CELL_FONT, "leading": _CELL_FONT + 2}
    return {
        name: ParagraphStyle(f"cell_{name}", s[name], **small)
        for name in ("base", "bold", "amount", "amount_bold")
    } | {
        "arrears": ParagraphStyle(
            "cell_arrears", s["amount_bold"], textColor=_ARREARS_COLOUR, **small
        )
    }


def _table(r: _List) -> Any:
    c = _cells()
    rows: list[list[Any]] = [
        [
            para(_("№"), c["bold"]),
            para(_("Asset"), c["bold"]),
            para(_("Tenant"), c["bold"]),
            para(_("Rent per period"), c["bold"]),
            para(_("Due"), c["amount_bold"]),
            para(_("Paid"), c["amount_bold"]),
            para(_("In arrears"), c["amount_bold"]),
        ]
    ]
    for a in r.rows:
        lease = a.lease
        rows.append(
            [
                para(str(lease.id), c["base"]),
                para(lease.asset, c["base"]),
                para(lease.tenant, c["base"]),
                para(rent_text(lease.rent, lease.period), c["base"]),
                para(format_amount(a.due), c["amount"]),
                para(format_amount(a.paid), c["amount"]),
                para(format_amount(a.arrears), c["arrears" if a.arrears else "amount"]),
            ]
        )
    rows.append(
        [
            para(_("Total"), c["bold"]),
            para("", c["base"]),
            para("", c["base"]),
            para("", c["base"]),
            para(format_amount(r.due), c["amount_bold"]),
            para(format_amount(r.paid), c["amount_bold"]),
            para(format_amount(r.arrears), c["arrears" if r.arrears else "amount_bold"]),
        ]
    )
    rest = page_width() - _NUMBER_WIDTH - _RENT_WIDTH - 3 * _MONEY_WIDTH
    widths = [
        _NUMBER_WIDTH,
        rest * 0.56,  # an asset's name runs longer than a tenant's
        rest * 0.44,
        _RENT_WIDTH,
        _MONEY_WIDTH,
        _MONEY_WIDTH,
        _MONEY_WIDTH,
    ]
    padding = [
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
    ]
    return table(rows, widths, total=True, label_span=4, extra=padding)


def _story(r: _List, code: str, document: str) -> list[Any]:
    from reportlab.platypus import Spacer

    s = styles()
    day = shown_date(r.on)
    story: list[Any] = [
        *letterhead(r.village, r.council, s),
        para(document, s["document"]),
        para(
            _(
                "Every lease that had begun by {day}: the rent fallen due by the end of that "
                "day (a period's rent falls due on its first day), the rent received under the "
                "lease by then, and what is still owed."
            ).format(day=day),
            s["base"],
        ),
        Spacer(1, 4 * MM),
    ]
    if not r.rows:
        story.append(para(_("No lease had begun by {day}.").format(day=day), s["bold"]))
    else:
        owing = sum(1 for a in r.rows if a.arrears)
        story += [
            _table(r),
            Spacer(1, 3 * MM),
            para(
                _("Leases in arrears: {owing} of {count}; in arrears in all: {amount}.").format(
                    owing=owing, count=len(r.rows), amount=format_amount(r.arrears)
                ),
                s["bold"],
            ),
        ]
    story += [Spacer(1, 6 * MM), verification(code, r.entries, r.head, s)]
    return story


# --- checking a printed code (verify-report) ---------------------------------------------


def _day_of(subject: str) -> str:
    """The date a code's subject names (YYYYMMDD)."""
    if len(subject) != 8 or not subject.isdigit():
        raise InvalidInput(_("A list of rent in arrears names a date."))
    return parse_date(f"{subject[:4]}-{subject[4:6]}-{subject[6:]}").isoformat()


def _totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Rent due"), format_amount(int(figures["due"]))),
        (_("Paid"), format_amount(int(figures["paid"]))),
        (_("In arrears"), format_amount(int(figures["arrears"]))),
    ]


checks.register(
    checks.Verifiable(
        Kind.ARREARS,
        lambda ledger, subject: _figures(_read(ledger, _day_of(subject))),
        _totals,
        lambda subject: _("Rent in arrears at {day}").format(day=shown_date(_day_of(subject))),
    )
)
