"""The limited-assurance annual return on paper (DESIGN §2.7, §4.4): ``report annual-return``.

A cover; Section 1 (each assertion, Yes or No, by which resolution, every No explained);
Section 2 (boxes 1-10, the prior year beside, lines for the responsible officer and the
chair with the approving resolution); the explanation of significant variances; the bank
reconciliation at 31 December; the internal audit report (with what the ledger itself
shows the auditor); the external reviewer's page, left blank for them; and the notice of the
residents' right to inspect. Until the chair finalises it (and again once anything changes
after), every page carries a large diagonal DRAFT.

The figures the verification code vouches for are :func:`figures`, the same function
``verify-report`` calls: the return's whole content (``ReturnState.content``) and its
status. The ledger's own evidence for the auditor is printed but not in the code: it
includes ``verify``'s word on the file as it is, which a copy at an earlier position cannot
repeat. reportlab is imported only when the document is made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import annual_return, chain, internal_audit, settings
from ruralcouncil.ledger.annual_return import ANSWER_NAMES, ASSERTIONS, ReturnState
from ruralcouncil.ledger.dates import parse_year, shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.internal_audit import AUDIT_ANSWER_NAMES, OBJECTIVES
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import CodedPdf, Kind, coded_footer, qr_payload, report_code
from ruralcouncil.reports.donor_receipt import (
    AMOUNT_WIDTH,
    MARGIN,
    facts,
    letterhead,
    page_width,
    para,
    signatures,
    styles,
    table,
    verification,
)
from ruralcouncil.reports.fonts import BOLD, register_fonts
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4
from ruralcouncil.reports.statements import BOX_MEANINGS

_PADDING = 6  # reportlab's frame padding (as donor_receipt's)
_WATERMARK_GREY = 0.82


def annual_return_file_name(year: int) -> str:
    return f"annual-return-{year}.pdf"


@dataclass(frozen=True)
class _Return:
    """What the return prints, read at one moment."""

    state: ReturnState
    village: str
    council: str
    entries: int
    head: str


def _read(ledger: Ledger, year: int) -> _Return:
    conn = ledger.conn
    with snapshot(conn):
        entries, head = chain.head(conn)
        return _Return(
            annual_return.read(conn, year),
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def _figures_of(r: _Return) -> dict[str, Any]:
    return {**r.state.content(), "status": r.state.status()}


def _year_of(subject: str) -> int:
    if len(subject) != 4 or not subject.isdigit():
        raise InvalidInput(_("An annual return names its year."))
    return parse_year(subject)


def figures(ledger: Ledger, subject: str) -> dict[str, Any]:
    """What the code of the return for year ``subject`` vouches for, in no language."""
    return _figures_of(_read(ledger, _year_of(subject)))


def render_annual_return(
    ledger: Ledger, year: int, path: Path | str, lang: str | None = None
) -> CodedPdf:
    """Write the year's return to ``path`` (replacing it) in ``lang``; a draft is marked."""
    path = Path(path)
    parse_year(str(year))
    with in_language(lang):
        register_fonts()
        r = _read(ledger, year)
        found = _figures_of(r)
        code = str(report_code(Kind.ANNUAL_RETURN, str(year), r.entries, r.head, found))
        document = _("Annual return for {year}").format(year=year)
        evidence = internal_audit.evidence(ledger.conn, year)
        pages = _write(
            path,
            _story(r, code, document, evidence),
            r,
            document,
            code,
            checks.totals_text(Kind.ANNUAL_RETURN, found),
        )
    return CodedPdf(path, code, r.entries, r.head, pages)


def _write(
    path: Path, story: list[Any], r: _Return, document: str, code: str, totals: list[str]
) -> int:
    """As ``donor_receipt.write_coded``, with the draft's watermark on every page."""
    pages = [0]
    draft = not r.state.final

    def lines(page: int) -> list[str]:
        pages[0] = max(pages[0], page)
        return [
            _("{village}: {document}. Page {page}").format(
                village=r.village, document=document, page=page
            ),
            _("Verification code {code} (chain position {position})").format(
                code=code, position=r.entries
            ),
        ]

    foot = coded_footer(lines, qr_payload(code, totals), margin=MARGIN, padding=_PADDING)

    def footer(canvas: Any, doc: Any) -> None:
        if draft:
            _watermark(canvas)
        foot(canvas, doc)

    write_a4(
        path,
        story,
        title=f"{r.village}: {document}",
        author=r.council,
        footer=footer,
        margin=MARGIN,
    )
    return pages[0]


def _watermark(canvas: Any) -> None:
    from reportlab.lib.pagesizes import A4

    canvas.saveState()
    canvas.setFillGray(_WATERMARK_GREY)
    canvas.setFont(BOLD, 110)
    canvas.translate(float(A4[0]) / 2, float(A4[1]) / 2)
    canvas.rotate(55)
    canvas.drawCentredString(0, -35, _("DRAFT"))
    canvas.restoreState()


# --- the story ---------------------------------------------------------------------------


def _status(state: ReturnState) -> str:
    last = state.last_version
    if state.final and last is not None:
        return _("Version {n}, finalised on {day}.").format(
            n=last.version, day=shown_date(last.date)
        )
    if last is not None:
        return _(
            "DRAFT of version {n}: changed since version {last} was finalised on {day}."
        ).format(n=last.version + 1, last=last.version, day=shown_date(last.date))
    return _("DRAFT: not yet finalised by the council.")


def _approving(state: ReturnState) -> tuple[str, str] | None:
    """The resolution that approved the statement: the latest of Section 1's."""
    answers = sorted(state.governance.values(), key=lambda a: (a.date, a.resolution))
    return (answers[-1].resolution, answers[-1].date) if answers else None


def _story(r: _Return, code: str, document: str, evidence: dict[int, list[str]]) -> list[Any]:
    from reportlab.platypus import PageBreak, Spacer

    s = styles()
    state = r.state
    story: list[Any] = [
        *letterhead(r.village, r.council, s),
        para(document, s["document"]),
        para(
            _(
                "The limited-assurance annual governance and accountability return of the "
                "village for the calendar year {year}, on the receipts-and-payments basis."
            ).format(year=state.year),
            s["base"],
        ),
        Spacer(1, 3 * MM),
        para(_status(state), s["bold"]),
        Spacer(1, 4 * MM),
        para(_("Contents"), s["heading"]),
        *[
            para(line, s["base"])
            for line in (
                _("Section 1: the governance statement"),
                _("Section 2: the accounting statements"),
                _("Explanation of significant variances"),
                _("Bank reconciliation at 31 December"),
                _("Internal audit report"),
                _("The external reviewer's page"),
                _("Notice of the residents' right to inspect the accounts"),
            )
        ],
    ]
    missing = state.missing()
    if missing:
        story += [para(_("Still to be done before it can be finalised"), s["heading"])]
        story += [para(f"• {m}", s["base"]) for m in missing]
    story += [Spacer(1, 6 * MM), verification(code, r.entries, r.head, s), PageBreak()]
    for part in (
        _section_1(state, s),
        _section_2(state, s),
        _variances(state, s) + _reconciliation(state, s),
        _audit(state, evidence, s),
        _reviewer(s),
    ):
        story += [*part, PageBreak()]
    return [*story, *_notice(r, s)]


def _section_1(state: ReturnState, s: Mapping[str, Any]) -> list[Any]:
    rows: list[list[Any]] = [
        [
            para(_("№"), s["bold"]),
            para(_("We confirm, to the best of our knowledge and belief:"), s["bold"]),
            para(_("Answer"), s["bold"]),
            para(_("Resolution"), s["bold"]),
        ]
    ]
    for n, text in ASSERTIONS.items():
        a = state.governance.get(n)
        rows.append(
            [
                para(str(n), s["base"]),
                para(_(text), s["base"]),
                para(_(ANSWER_NAMES[a.answer]) if a else "—", s["bold"]),
                para(f"{a.resolution}\n{shown_date(a.date)}" if a else "—", s["base"]),
            ]
        )
    narrow = 9 * MM
    story: list[Any] = [
        para(_("Section 1: the governance statement"), s["document"]),
        para(
            _(
                "The council answers each assertion Yes or No by resolution; every No is "
                "explained below."
            ),
            s["base"],
        ),
        table(rows, [narrow, page_width() - narrow - 20 * MM - 24 * MM, 20 * MM, 24 * MM]),
    ]
    noes = [a for a in state.governance.values() if a.explanation]
    if noes:
        story.append(para(_("Explanations"), s["heading"]))
        story += [
            para(_("Assertion {n}: {text}").format(n=a.assertion, text=a.explanation), s["base"])
            for a in noes
        ]
    return story


def _section_2(state: ReturnState, s: Mapping[str, Any]) -> list[Any]:
    year, prior = state.year, state.year - 1
    rows: list[list[Any]] = [
        [
            para(_("Box"), s["bold"]),
            para(_("What it holds"), s["bold"]),
            para(str(prior), s["amount_bold"]),
            para(str(year), s["amount_bold"]),
        ]
    ]
    for box in range(1, 11):
        rows.append(
            [
                para(str(box), s["base"]),
                para(_(BOX_MEANINGS[box]), s["base"]),
                para(format_amount(state.prior_boxes[box]), s["amount"]),
                para(format_amount(state.boxes[box]), s["amount"]),
            ]
        )
    narrow = 16 * MM
    story: list[Any] = [
        para(_("Section 2: the accounting statements"), s["document"]),
        para(
            _(
                "Receipts and payments of the calendar year, in tenge and tiyn, with the "
                "prior year beside."
            ),
            s["base"],
        ),
        table(
            rows,
            [narrow, page_width() - narrow - 2 * AMOUNT_WIDTH, AMOUNT_WIDTH, AMOUNT_WIDTH],
        ),
    ]
    if not state.cash_agrees:
        r = state.reconciliation
        story.append(
            para(
                _("Box 8 differs from box 7 by {amount}. {why}").format(
                    amount=format_amount(state.boxes[8] - state.boxes[7]),
                    why=r.explanation if r and r.explanation else "",
                ),
                s["bold"],
            )
        )
    approving = _approving(state)
    approved = (
        _("Approved by the council: resolution {ref} of {day}.").format(
            ref=approving[0], day=shown_date(approving[1])
        )
        if approving
        else _("Not yet approved by the council.")
    )
    story += [
        para(
            _(
                "I certify that the accounting statements present fairly the village's "
                "receipts and payments for the year ended 31 December {year}."
            ).format(year=year),
            s["base"],
        ),
        para(approved, s["bold"]),
        signatures([(_("Responsible financial officer"), ""), (_("Chair of the council"), "")], s),
    ]
    return story


def _variances(state: ReturnState, s: Mapping[str, Any]) -> list[Any]:
    from reportlab.platypus import Spacer

    story: list[Any] = [para(_("Explanation of significant variances"), s["document"])]
    needed = [v for v in state.variances if v.needed]
    if not needed:
        story.append(
            para(_("No box moved enough from the prior year to need an explanation."), s["base"])
        )
        return [*story, Spacer(1, 6 * MM)]
    rows: list[list[Any]] = [
        [
            para(_("Box"), s["bold"]),
            para(str(state.year - 1), s["amount_bold"]),
            para(str(state.year), s["amount_bold"]),
            para(_("Explanation"), s["bold"]),
        ]
    ]
    for v in needed:
        rows.append(
            [
                para(str(v.box), s["base"]),
                para(format_amount(v.prior), s["amount"]),
                para(format_amount(v.current), s["amount"]),
                para(v.explanation or _("Not yet explained."), s["base"]),
            ]
        )
    narrow = 16 * MM
    widths = [narrow, AMOUNT_WIDTH, AMOUNT_WIDTH, page_width() - narrow - 2 * AMOUNT_WIDTH]
    return [*story, table(rows, widths), Spacer(1, 6 * MM)]


def _reconciliation(state: ReturnState, s: Mapping[str, Any]) -> list[Any]:
    story: list[Any] = [para(_("Bank reconciliation at 31 December"), s["document"])]
    r = state.reconciliation
    if r is None:
        return [*story, para(_("The bank has not been reconciled yet."), s["bold"])]
    items: list[tuple[str, list[str]]] = [
        (
            _("Bank statements and cash counted"),
            [f"{code}: {format_amount(v)}" for code, v in sorted(r.statements.items())],
        ),
        (
            _("Less: unpresented payments"),
            [
                _("entry {n} ({account}): {amount}").format(
                    n=n, account=account, amount=format_amount(v)
                )
                for n, account, v in r.unpresented
            ]
            + [format_amount(r.unpresented_total)],
        ),
        (
            _("Add: unbanked receipts"),
            [
                _("entry {n} ({account}): {amount}").format(
                    n=n, account=account, amount=format_amount(v)
                )
                for n, account, v in r.unbanked
            ]
            + [format_amount(r.unbanked_total)],
        ),
        (
            _("Equals the cash book (box 8)"),
            [format_amount(r.statements_total - r.unpresented_total + r.unbanked_total)],
        ),
        (_("Cash book at 31 December"), [format_amount(r.cash_book)]),
        (
            _("Difference"),
            [format_amount(r.difference), _("agrees") if r.agrees else _("does not agree")],
        ),
        (_("Prepared by"), [r.prepared_by]),
        (
            _("Approved by"),
            [f"{r.approved_by}, {shown_date(r.approved_on or '')}" if r.approved_by else "—"],
        ),
    ]
    if r.explanation:
        items.append((_("Why box 8 differs from box 7"), [r.explanation]))
    return [*story, facts(items, s)]


def _audit(state: ReturnState, evidence: dict[int, list[str]], s: Mapping[str, Any]) -> list[Any]:
    rows: list[list[Any]] = [
        [
            para(_("№"), s["bold"]),
            para(_("Control objective"), s["bold"]),
            para(_("Answer"), s["bold"]),
        ]
    ]
    for n, text in OBJECTIVES.items():
        a = state.audit.get(n)
        cell: list[Any] = [para(_(text), s["base"])]
        if a and a.comment:
            cell.append(para(a.comment, s["small"]))
        rows.append(
            [
                para(str(n), s["base"]),
                cell,
                para(_(AUDIT_ANSWER_NAMES[a.answer]) if a else "—", s["bold"]),
            ]
        )
    narrow = 9 * MM
    answer = 24 * MM
    signed = state.signoff
    story: list[Any] = [
        para(_("Internal audit report"), s["document"]),
        para(
            _(
                "The internal auditor's conclusions on each control objective, from the "
                "review of the records and the controls during the year."
            ),
            s["base"],
        ),
        table(rows, [narrow, page_width() - narrow - answer, answer]),
        para(
            _("Internal auditor: {name}. The audit was done from {starts} to {ends}.").format(
                name=signed.auditor, starts=shown_date(signed.starts), ends=shown_date(signed.ends)
            )
            if signed
            else _("The internal auditor has not signed the report yet."),
            s["bold"],
        ),
        para(_("What the ledger itself shows the auditor"), s["heading"]),
    ]
    findings = [(n, f) for n in OBJECTIVES for f in evidence.get(n, [])]
    if not findings:
        story.append(para(_("The ledger shows nothing against any objective."), s["base"]))
    story += [
        para(_("Objective {n}: {finding}").format(n=n, finding=f), s["base"]) for n, f in findings
    ]
    story.append(signatures([(_("Internal auditor"), signed.auditor if signed else "")], s))
    return story


def _blank_lines(count: int) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    lines = Table([[""] for _n in range(count)], colWidths=[page_width()], rowHeights=9 * MM)
    lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777"))]))
    return lines


def _fill_in(labels: list[str], s: Mapping[str, Any]) -> Any:
    """A label and a line to write on, for each of ``labels``."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    label = 42 * MM
    rows = [[para(text, s["label"]), ""] for text in labels]
    result = Table(rows, colWidths=[label, page_width() - label], rowHeights=11 * MM)
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (1, 0), (1, -1), 0.4, colors.HexColor("#777777")),
            ]
        )
    )
    return result


def _reviewer(s: Mapping[str, Any]) -> list[Any]:
    from reportlab.platypus import Spacer

    return [
        para(_("The external reviewer's page"), s["document"]),
        para(
            _(
                "For the external reviewer's limited-assurance opinion on Sections 1 and 2: "
                "any matters that come to their attention, and any other matters."
            ),
            s["base"],
        ),
        para(_("Opinion"), s["heading"]),
        _blank_lines(12),
        Spacer(1, 4 * MM),
        _fill_in([_("External reviewer"), _("Signature"), _("Date")], s),
    ]


def _notice(r: _Return, s: Mapping[str, Any]) -> list[Any]:
    story: list[Any] = [
        para(_("Notice of the residents' right to inspect the accounts"), s["document"]),
    ]
    found = r.state.inspection
    if found is None:
        story += [
            para(
                _(
                    "Any resident may inspect the accounts of {year} and the papers behind "
                    "them (books, invoices, receipts, contracts) during the period below."
                ).format(year=r.state.year),
                s["base"],
            ),
            _fill_in([_("From"), _("To"), _("Where")], s),
        ]
        return story
    story += [
        para(
            _(
                "Any resident may inspect the accounts of {village} for {year} and the papers "
                "behind them (books, invoices, receipts, contracts) from {starts} to {ends} "
                "({days} working days), at {place}."
            ).format(
                village=r.village,
                year=r.state.year,
                starts=shown_date(found.starts),
                ends=shown_date(found.ends),
                days=found.working_days,
                place=found.place,
            ),
            s["base"],
        ),
    ]
    if found.how:
        story.append(para(found.how, s["base"]))
    signed = r.state.signoff
    if signed:
        story.append(
            para(_("The internal auditor: {name}.").format(name=signed.auditor), s["base"])
        )
    return story


# --- checking a printed code (verify-report) ---------------------------------------------


def _totals(found: Mapping[str, Any]) -> list[tuple[str, str]]:
    boxes = found["boxes"]
    status: Mapping[str, Any] = found["status"]
    state = _("version {n}, final").format(n=status["version"]) if status["final"] else _("draft")
    return [
        (_("Box 7"), format_amount(int(boxes["7"]))),
        (_("Box 8"), format_amount(int(boxes["8"]))),
        (_("Status"), state),
    ]


_covers: Callable[[str], str] = lambda subject: _("Annual return for {year}").format(  # noqa: E731
    year=_year_of(subject)
)

checks.register(checks.Verifiable(Kind.ANNUAL_RETURN, figures, _totals, _covers))
