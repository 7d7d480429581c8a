"""What a community project's contributors read (DESIGN §2.5, §4.3): the statement of what
was collected and spent, and each household's receipt of what it paid.

The statement: the project (title, purpose, year, the amount per household, the resolution
that adopted it), the money at a glance (the figures of ``projects.progress``), what was
collected from whom (each household's address, head, paid and refunded; or, when the council
chooses not to name them, only how many paid in full, in part, nothing, or were exempt),
donations to the project (an anonymous donor as "Anonymous donor": ``Donation.public_name``),
what was spent on what (every payment from the project's fund: date, entry, payee, purpose
and program, request, amount), and what is left, or how it was refunded or moved at the
close. Every page carries the verification code and its QR code (``codes``).

The household's receipt: one page with the household, each of its payments (date, entry
number, amount), the total, the project, and the code.

Everything printed is read in one read transaction with the chain's anchor beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import (
    catalog,
    chain,
    council,
    donations,
    households,
    projects,
    settings,
    spending,
)
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.donations import Donation
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.households import Household
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import Contribution, HouseholdShare, Progress, Project
from ruralcouncil.ledger.queries import EntryFilter, iterate
from ruralcouncil.ledger.records import REFUND_CODE
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import CodedPdf, Kind, report_code
from ruralcouncil.reports.donor_receipt import (
    AMOUNT_WIDTH,
    facts,
    letterhead,
    page_width,
    para,
    signatures,
    styles,
    table,
    verification,
    write_coded,
)
from ruralcouncil.reports.fonts import register_fonts
from ruralcouncil.reports.pdf_file import MM, in_language

Styles = dict[str, Any]
_DATE_WIDTH = 24 * MM  # "10.03.2026" and "11/03/2026" on one line


def contributors_file_name(project_id: int) -> str:
    return f"project-{project_id}-contributors.pdf"


def household_receipt_file_name(project_id: int, household_id: int) -> str:
    return f"project-{project_id}-household-{household_id}-receipt.pdf"


@dataclass(frozen=True)
class Spent:
    """A payment from a project's fund, as the statement prints it (a reversal: negative)."""

    entry: int
    date: str
    payee: str
    purpose: str
    program: str  # the expenditure program's code
    request: int | None
    amount: int
    reverses: int | None


def spending_of(conn: sqlite3.Connection, project: Project) -> list[Spent]:
    """Every payment from the project's fund but the refunds at its close, in journal
    order: what ``Progress.spent`` adds up."""
    found = []
    for row in iterate(conn, EntryFilter(fund=project.fund, type="payment")):
        if row.category == REFUND_CODE:
            continue
        request_id, party_id = spending.link_of(conn, row.row_id)
        payee, purpose = row.counterparty, row.description
        if request_id is not None:
            request = spending.get(conn, request_id)
            payee, purpose = request.party, request.purpose
        elif party_id is not None:
            payee = council.get_party(conn, party_id).name
        found.append(
            Spent(
                row.id,
                row.date,
                payee,
                purpose,
                row.category or "",
                request_id,
                row.amount,
                row.reverses,
            )
        )
    return found


@dataclass(frozen=True)
class _Statement:
    """What the statement prints, read at one moment."""

    progress: Progress
    gifts: list[Donation]
    spent: list[Spent]
    programs: dict[str, str]  # code -> name
    to_fund: str  # the name of the fund what was left moved to ("" when none)
    village: str
    council: str
    entries: int
    head: str


def _fund_name(conn: sqlite3.Connection, code: str) -> str:
    fund = next((f for f in catalog.funds(conn) if f.code == code), None)
    return (fund.name() if fund is not None else "") or code


def _read_statement(conn: sqlite3.Connection, project_id: int) -> _Statement:
    with snapshot(conn):
        progress = projects.progress(conn, project_id)
        project = progress.project
        entries, head = chain.head(conn)
        return _Statement(
            progress,
            donations.donations(conn, project_id=project_id),
            spending_of(conn, project),
            {a.code: a.name() for a in catalog.book_accounts(conn)},
            _fund_name(conn, project.to_fund) if project.to_fund else "",
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def _project_figures(p: Project) -> dict[str, object]:
    return {
        "project": p.id,
        "title": p.title,
        "year": p.year,
        "target": p.target,
        "per_household": p.per_household,
        "adopted_on": p.adopted_on,
        "adopted_by": p.adopted_by,
        "closed_on": p.closed_on,
        "closed_by": p.closed_by,
        "remainder": p.remainder,
        "to_fund": p.to_fund,
    }


def _statement_figures(st: _Statement) -> dict[str, object]:
    """What the statement's code vouches for, in no language. The same with or without the
    households' names: the names are the ledger's, the figures are these."""
    g = st.progress
    return {
        **_project_figures(g.project),
        "collected": g.collected,
        "donated": g.donated,
        "spent": g.spent,
        "refunded": g.refunded,
        "moved": g.moved,
        "remaining": g.remaining,
        "held": g.held,
        "households": [[h.id, h.paid, h.refunded, h.owes, h.exempt] for h in g.households],
        "donations": [
            [d.id, d.date, "" if d.anonymous else d.donor, d.amount, d.in_kind, d.reversed]
            for d in st.gifts
        ],
        "payments": [[x.entry, x.date, x.amount, x.request] for x in st.spent],
    }


def render_contributors(
    ledger: Ledger,
    project_id: int,
    path: Path | str,
    lang: str | None = None,
    *,
    names: bool = True,
) -> CodedPdf:
    """Write project ``project_id``'s statement to its contributors to ``path`` (replacing
    it), in ``lang`` (default: the current language). ``names=False``: the households are
    not named, only counted. Raises ``InvalidInput`` for an unknown project, before
    anything is written."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        st = _read_statement(ledger.conn, project_id)
        figures = _statement_figures(st)
        code = str(report_code(Kind.CONTRIBUTORS, str(project_id), st.entries, st.head, figures))
        document = _("Statement to the contributors of project No. {id}").format(id=project_id)
        pages = write_coded(
            path,
            _statement_story(st, code, names),
            title=f"{st.village}: {document}",
            author=st.council,
            village=st.village,
            document=document,
            code=code,
            entries=st.entries,
            totals=checks.totals_text(Kind.CONTRIBUTORS, figures),
        )
    return CodedPdf(path, code, st.entries, st.head, pages)


# --- the statement's parts ---------------------------------------------------------------


def _adopted(p: Project) -> str:
    if p.adopted_on and p.adopted_by:
        return _("By resolution {ref} of {day}").format(
            ref=p.adopted_by, day=shown_date(p.adopted_on)
        )
    return _("Not adopted yet: nothing is collected until the council adopts it.")


def _project_facts(g: Progress, s: Styles) -> Any:
    p = g.project
    asked = sum(1 for h in g.households if not h.exempt)
    items: list[tuple[str, list[str]]] = [
        (_("Purpose"), [p.purpose or p.title]),
        (_("Year of the collection"), [str(p.year)]),
        (_("Amount per household"), [format_amount(p.per_household)]),
        (_("Target"), [format_amount(p.target)]),
        (_("Adopted"), [_adopted(p)]),
        (
            _("Households"),
            [
                _("{asked} asked to contribute, {exempt} exempt").format(
                    asked=asked, exempt=len(g.households) - asked
                )
            ],
        ),
    ]
    if p.closed_on and p.closed_by:
        items.append(
            (
                _("Closed"),
                [
                    _("By resolution {ref} of {day}").format(
                        ref=p.closed_by, day=shown_date(p.closed_on)
                    )
                ],
            )
        )
    return facts(items, s)


def _money_rows(g: Progress) -> list[tuple[str, int, bool]]:
    """(label, amount, strong): the fund's money from what came in to what is left."""
    rows: list[tuple[str, int, bool]] = [
        (_("(+) Collected from households"), g.collected, False),
        (_("(+) Donations in cash"), g.donated, False),
        (_("(−) Spent on the project"), g.spent, False),
    ]
    if g.refunded:
        rows.append((_("(−) Refunded to the households at the close"), g.refunded, False))
    if g.moved > 0:
        rows.append((_("(−) Moved to another fund at the close"), g.moved, False))
    elif g.moved < 0:
        rows.append((_("(+) Moved in from other funds"), -g.moved, False))
    other = g.remaining - (g.collected + g.donated - g.spent - g.refunded - g.moved)
    if other:
        rows.append((_("(±) Other movements of the fund"), other, False))
    rows.append((_("(=) Left in the project's fund"), g.remaining, True))
    return rows


def _money(g: Progress, s: Styles) -> list[Any]:
    rows: list[list[Any]] = [[para(_("The project's fund"), s["bold"]), para("", s["bold"])]]
    for label, amount, strong in _money_rows(g):
        rows.append(
            [
                para(label, s["bold" if strong else "base"]),
                para(format_amount(amount), s["amount_bold" if strong else "amount"]),
            ]
        )
    found: list[Any] = [
        table(rows, [page_width() - AMOUNT_WIDTH, AMOUNT_WIDTH], total=True),
        para(
            _("Collected and given in cash: {collected}, against a target of {target}.").format(
                collected=format_amount(g.collected + g.donated),
                target=format_amount(g.project.target),
            ),
            s["small"],
        ),
    ]
    if g.held:
        found.append(
            para(
                _(
                    "{amount} of the fund comes from donations the council has not yet "
                    "acknowledged; it cannot be spent until then."
                ).format(amount=format_amount(g.held)),
                s["small"],
            )
        )
    return found


def _status(h: HouseholdShare, closed: bool) -> str:
    if h.exempt:
        return _("Exempt")
    if h.owes <= 0:
        return _("Paid in full")
    if closed:  # nothing more is asked once the project is closed
        return _("Paid in part") if h.paid > 0 else _("Paid nothing")
    return _("Owes {amount}").format(amount=format_amount(h.owes))


def _named(g: Progress, s: Styles) -> Any:
    rows: list[list[Any]] = [
        [
            para(_("Address"), s["bold"]),
            para(_("Head of household"), s["bold"]),
            para(_("Paid"), s["amount_bold"]),
            para(_("Refunded"), s["amount_bold"]),
            para(_("Status"), s["bold"]),
        ]
    ]
    for h in g.households:
        rows.append(
            [
                para(h.address, s["base"]),
                para(h.head, s["base"]),
                para(format_amount(h.paid), s["amount"]),
                para(format_amount(h.refunded), s["amount"]),
                para(_status(h, bool(g.project.closed_on)), s["base"]),
            ]
        )
    rows.append(
        [
            para(_("Total"), s["bold"]),
            para(_("{count} households").format(count=len(g.households)), s["base"]),
            para(format_amount(sum(h.paid for h in g.households)), s["amount_bold"]),
            para(format_amount(sum(h.refunded for h in g.households)), s["amount_bold"]),
            para("", s["base"]),
        ]
    )
    amount = AMOUNT_WIDTH
    status = 32 * MM
    address = (page_width() - 2 * amount - status) * 0.5
    head = page_width() - 2 * amount - status - address
    return table(rows, [address, head, amount, amount, status], total=True)


def _counted(g: Progress, s: Styles) -> list[Any]:
    per = g.project.per_household
    groups: list[tuple[str, list[HouseholdShare]]] = [
        (_("Paid in full"), [h for h in g.households if not h.exempt and h.paid >= per]),
        (_("Paid in part"), [h for h in g.households if not h.exempt and 0 < h.paid < per]),
        (_("Paid nothing"), [h for h in g.households if not h.exempt and h.paid <= 0]),
        (_("Exempt from the collection"), [h for h in g.households if h.exempt]),
    ]
    rows: list[list[Any]] = [
        [
            para("", s["bold"]),
            para(_("Households"), s["amount_bold"]),
            para(_("Paid"), s["amount_bold"]),
            para(_("Refunded"), s["amount_bold"]),
        ]
    ]
    for label, group in groups:
        rows.append(
            [
                para(label, s["base"]),
                para(str(len(group)), s["amount"]),
                para(format_amount(sum(h.paid for h in group)), s["amount"]),
                para(format_amount(sum(h.refunded for h in group)), s["amount"]),
            ]
        )
    rows.append(
        [
            para(_("Total"), s["bold"]),
            para(str(len(g.households)), s["amount_bold"]),
            para(format_amount(sum(h.paid for h in g.households)), s["amount_bold"]),
            para(format_amount(sum(h.refunded for h in g.households)), s["amount_bold"]),
        ]
    )
    number = 33 * MM  # "Домохозяйства"
    amount = AMOUNT_WIDTH
    widths = [page_width() - number - 2 * amount, number, amount, amount]
    shown: list[Any] = [
        para(
            _(
                "The council chose not to name the households in this statement: they are "
                "counted instead."
            ),
            s["small"],
        ),
        table(rows, widths, total=True),
    ]
    if not g.project.closed_on:
        shown.append(
            para(
                _("Still owed by the households asked: {amount}.").format(
                    amount=format_amount(sum(h.owes for h in g.households))
                ),
                s["small"],
            )
        )
    return shown


def _gift_text(d: Donation) -> str:
    if d.cash:
        return _("Cash, returned") if d.reversed else _("Cash")
    return _("In kind: {what}").format(what=d.in_kind)


def _gifts(gifts: list[Donation], s: Styles) -> list[Any]:
    if not gifts:
        return [para(_("No donations were made to the project."), s["base"])]
    rows: list[list[Any]] = [
        [
            para(_("Date"), s["bold"]),
            para(_("Donor"), s["bold"]),
            para(_("Gift"), s["bold"]),
            para(_("Amount"), s["amount_bold"]),
        ]
    ]
    for d in gifts:
        rows.append(
            [
                para(shown_date(d.date), s["base"]),
                para(d.public_name(), s["base"]),
                para(_gift_text(d), s["base"]),
                para(format_amount(d.amount), s["amount"]),
            ]
        )
    cash = sum(d.amount for d in gifts if d.cash and not d.reversed)
    rows.append(
        [
            para(_("Total in cash"), s["bold"]),
            para("", s["base"]),
            para("", s["base"]),
            para(format_amount(cash), s["amount_bold"]),
        ]
    )
    rest = page_width() - _DATE_WIDTH - AMOUNT_WIDTH
    widths = [_DATE_WIDTH, rest * 0.45, rest * 0.55, AMOUNT_WIDTH]
    found: list[Any] = [table(rows, widths, total=True, label_span=3)]
    if any(not d.cash for d in gifts):
        found.append(
            para(
                _(
                    "A gift in kind is shown at the value it was given; it is not money in the "
                    "fund."
                ),
                s["small"],
            )
        )
    return found


def _spent(st: _Statement, s: Styles) -> list[Any]:
    if not st.spent:
        return [para(_("Nothing has been spent from the project's fund."), s["base"])]
    rows: list[list[Any]] = [
        [
            para(_("Date"), s["bold"]),
            para(_("Entry"), s["bold"]),
            para(_("Payee"), s["bold"]),
            para(_("Purpose and program"), s["bold"]),
            para(_("Request"), s["bold"]),
            para(_("Amount"), s["amount_bold"]),
        ]
    ]
    for x in st.spent:
        purpose = f"{x.purpose}\n{st.programs.get(x.program, x.program)}".strip()
        if x.reverses is not None:
            purpose += "\n" + _("Reverses entry {number}").format(number=x.reverses)
        rows.append(
            [
                para(shown_date(x.date), s["base"]),
                para(str(x.entry), s["base"]),
                para(x.payee, s["base"]),
                para(purpose, s["base"]),
                para(str(x.request) if x.request is not None else "—", s["base"]),
                para(format_amount(x.amount), s["amount"]),
            ]
        )
    rows.append(
        [
            para(_("Total"), s["bold"]),
            *(para("", s["base"]) for _n in range(4)),
            para(format_amount(sum(x.amount for x in st.spent)), s["amount_bold"]),
        ]
    )
    entry, request = 14 * MM, 21 * MM
    rest = page_width() - _DATE_WIDTH - entry - request - AMOUNT_WIDTH
    widths = [_DATE_WIDTH, entry, rest * 0.4, rest * 0.6, request, AMOUNT_WIDTH]
    return [table(rows, widths, total=True, label_span=5)]


def _left(st: _Statement, s: Styles) -> Any:
    g = st.progress
    p = g.project
    if p.closed_on and p.remainder == "refund" and g.moved:
        text = _(
            "The project was closed on {day} by resolution {ref}. Of what was left, {amount} "
            "was refunded to the households in proportion to what each paid (each at most "
            "what it paid), and {moved}, more than the households paid, was moved to the "
            "fund {fund}."
        ).format(
            day=shown_date(p.closed_on),
            ref=p.closed_by,
            amount=format_amount(g.refunded),
            moved=format_amount(g.moved),
            fund=st.to_fund,
        )
    elif p.closed_on and p.remainder == "refund":
        text = _(
            "The project was closed on {day} by resolution {ref}. What was left, {amount}, "
            "was refunded to the households in proportion to what each paid."
        ).format(day=shown_date(p.closed_on), ref=p.closed_by, amount=format_amount(g.refunded))
    elif p.closed_on:
        text = _(
            "The project was closed on {day} by resolution {ref}. What was left, {amount}, "
            "was moved to the fund {fund}."
        ).format(
            day=shown_date(p.closed_on),
            ref=p.closed_by,
            amount=format_amount(g.moved),
            fund=st.to_fund,
        )
    else:
        text = _(
            "{amount} is left in the project's fund. It is spent only on the project, "
            "through requests the council approves; at the close, what is left is refunded "
            "to the households or moved by resolution."
        ).format(amount=format_amount(g.remaining))
    return para(text, s["base"])


def _statement_story(st: _Statement, code: str, names: bool) -> list[Any]:
    s = styles()
    g = st.progress
    p = g.project
    story: list[Any] = [
        *letterhead(st.village, st.council, s),
        para(
            _("Community project No. {id}: {title}").format(id=p.id, title=p.title), s["document"]
        ),
        para(_("Statement to the contributors: what was collected and what was spent"), s["base"]),
        para(_("The project"), s["heading"]),
        _project_facts(g, s),
        para(_("The money at a glance"), s["heading"]),
        *_money(g, s),
        para(_("What was collected from the households"), s["heading"]),
    ]
    story += [_named(g, s)] if names else _counted(g, s)
    story += [
        para(_("Donations to the project"), s["heading"]),
        *_gifts(st.gifts, s),
        para(_("What was spent, on what"), s["heading"]),
        *_spent(st, s),
        para(_("What is left"), s["heading"]),
        _left(st, s),
        verification(code, st.entries, st.head, s),
    ]
    return story


# --- a household's receipt ---------------------------------------------------------------


@dataclass(frozen=True)
class _HouseholdReceipt:
    project: Project
    household: Household
    share: HouseholdShare
    paid: list[Contribution]
    village: str
    council: str
    entries: int
    head: str


def _read_receipt(
    conn: sqlite3.Connection, project_id: int, household_id: int
) -> _HouseholdReceipt:
    with snapshot(conn):
        project = projects.get(conn, project_id)
        household = households.get(conn, household_id)
        share = next(
            h for h in projects.progress(conn, project_id).households if h.id == household_id
        )
        entries, head = chain.head(conn)
        return _HouseholdReceipt(
            project,
            household,
            share,
            projects.contributions(conn, project_id, household_id),
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def _receipt_figures(r: _HouseholdReceipt) -> dict[str, object]:
    h = r.share
    return {
        **_project_figures(r.project),
        "household": r.household.id,
        "address": r.household.address,
        "head": r.household.head,
        "contributions": [[c.entry, c.date, c.amount, c.refund] for c in r.paid],
        "paid": h.paid,
        "refunded": h.refunded,
        "owes": h.owes,
        "exempt": h.exempt,
    }


def render_household_receipt(
    ledger: Ledger,
    project_id: int,
    household_id: int,
    path: Path | str,
    lang: str | None = None,
) -> CodedPdf:
    """Write household ``household_id``'s receipt of its contributions to project
    ``project_id`` to ``path`` (replacing it), in ``lang``. Raises ``InvalidInput`` for an
    unknown project or household, before anything is written."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        r = _read_receipt(ledger.conn, project_id, household_id)
        subject = f"{project_id}.{household_id}"
        figures = _receipt_figures(r)
        code = str(report_code(Kind.HOUSEHOLD_RECEIPT, subject, r.entries, r.head, figures))
        document = _("Receipt for the contributions of household No. {household}").format(
            household=household_id
        )
        pages = write_coded(
            path,
            _receipt_story(r, code),
            title=f"{r.village}: {document}",
            author=r.council,
            village=r.village,
            document=document,
            code=code,
            entries=r.entries,
            totals=checks.totals_text(Kind.HOUSEHOLD_RECEIPT, figures),
        )
    return CodedPdf(path, code, r.entries, r.head, pages)


def _entries_table(
    found: list[Contribution], total_label: str, total: int, s: Styles, *, what: bool
) -> Any:
    """Date, entry number (and what it was), amount; a total row."""
    heading = [para(_("Date"), s["bold"]), para(_("Entry No."), s["bold"])]
    if what:
        heading.append(para(_("What"), s["bold"]))
    rows: list[list[Any]] = [[*heading, para(_("Amount"), s["amount_bold"])]]
    for c in found:
        row = [para(shown_date(c.date), s["base"]), para(str(c.entry), s["base"])]
        if what:
            row.append(
                para(
                    _("Reversal of a contribution") if c.amount < 0 else _("Contribution"),
                    s["base"],
                )
            )
        rows.append([*row, para(format_amount(c.amount), s["amount"])])
    label = [para(total_label, s["bold"]), para("", s["base"])]
    if what:
        label.append(para("", s["base"]))
    rows.append([*label, para(format_amount(total), s["amount_bold"])])
    entry = 22 * MM
    rest = page_width() - _DATE_WIDTH - entry - AMOUNT_WIDTH
    widths = (
        [_DATE_WIDTH, entry, rest, AMOUNT_WIDTH]
        if what
        else [_DATE_WIDTH, entry + rest, AMOUNT_WIDTH]
    )
    return table(rows, widths, total=True, label_span=len(widths) - 1)


def _payments(r: _HouseholdReceipt, s: Styles) -> list[Any]:
    paid = [c for c in r.paid if not c.refund]
    refunds = [c for c in r.paid if c.refund]
    found: list[Any] = [para(_("Payments"), s["heading"])]
    if paid:
        found.append(_entries_table(paid, _("Total paid"), r.share.paid, s, what=True))
    else:
        found.append(para(_("No payment from this household has been recorded."), s["base"]))
    if refunds:
        found += [
            para(_("Refunded at the close of the project"), s["heading"]),
            _entries_table(refunds, _("Total refunded"), r.share.refunded, s, what=False),
        ]
    return found


def _household_status(r: _HouseholdReceipt) -> str:
    h = r.share
    if h.exempt:
        return _("Exempt from the collection of {year}.").format(year=r.project.year)
    if h.owes <= 0:
        return _("Paid in full.")
    if r.project.closed_on:
        return _("Paid in part; the project is closed and asks for nothing more.")
    return _("Still owed: {amount}.").format(amount=format_amount(h.owes))


def _receipt_story(r: _HouseholdReceipt, code: str) -> list[Any]:
    from reportlab.platypus import Spacer

    s = styles()
    p, h = r.project, r.household
    return [
        *letterhead(r.village, r.council, s),
        para(
            _("Receipt for the contributions of household No. {household}").format(household=h.id),
            s["document"],
        ),
        Spacer(1, 3 * MM),
        facts(
            [
                (_("Household"), [h.address]),
                (_("Head of household"), [h.head]),
                (
                    _("Project"),
                    [
                        _("Community project No. {id}: {title}").format(id=p.id, title=p.title),
                        _("Collected in {year}, {amount} per household").format(
                            year=p.year, amount=format_amount(p.per_household)
                        ),
                    ],
                ),
            ],
            s,
        ),
        *_payments(r, s),
        Spacer(1, 2 * MM),
        para(_household_status(r), s["bold"]),
        Spacer(1, 4 * MM),
        signatures([(_("The clerk"), ""), (_("The head of household"), h.head)], s),
        Spacer(1, 6 * MM),
        verification(code, r.entries, r.head, s),
    ]


# --- checking a printed code (verify-report) ---------------------------------------------


def _household_subject(subject: str) -> tuple[int, int]:
    project, _dot, household = subject.partition(".")
    if not household:
        raise InvalidInput(_("A household's receipt names a project and a household."))
    return int(project), int(household)


def _statement_totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Collected"), format_amount(int(figures["collected"]))),
        (_("Spent"), format_amount(int(figures["spent"]))),
        (_("Remaining"), format_amount(int(figures["remaining"]))),
    ]


def _receipt_totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Paid"), format_amount(int(figures["paid"]))),
        (_("Refunded"), format_amount(int(figures["refunded"]))),
    ]


checks.register(
    checks.Verifiable(
        Kind.CONTRIBUTORS,
        lambda ledger, subject: _statement_figures(_read_statement(ledger.conn, int(subject))),
        _statement_totals,
        lambda subject: _("Community project No. {id}").format(id=subject),
    )
)
checks.register(
    checks.Verifiable(
        Kind.HOUSEHOLD_RECEIPT,
        lambda ledger, subject: _receipt_figures(
            _read_receipt(ledger.conn, *_household_subject(subject))
        ),
        _receipt_totals,
        lambda subject: _("Household No. {household}, community project No. {project}").format(
            project=subject.partition(".")[0], household=subject.partition(".")[2]
        ),
    )
)
