"""The report to residents (DESIGN §2.8, §4.4): in plain words and large type, for a year or a
quarter, what the village received and paid, with charts; every payment over the council's
threshold with its payee, purpose and who approved it; the donations and community projects;
the council's decisions. In Kazakh with Russian beside it, or in one language.

"Over the threshold" means strictly more than the amount the council set (the rule
``report-threshold``): a payment of exactly the threshold is in the totals, not in the list.
A reversal of a listed size is listed too, with its amount below zero, so the money that came
back is as visible as the payment it undoes.

Everything printed is read in one read transaction with the chain's anchor beside it. The
code is made from :func:`transparency_figures`, the function ``verify-report`` calls again on
the ledger as it was at the code's chain position; the document prints from those very
figures, so the two never drift. reportlab is imported only when the report is made.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_, _, language
from ruralcouncil.ledger import catalog, chain, settings
from ruralcouncil.ledger.classification import BookAccount
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.schema import has_table
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import CodedPdf, Kind, Period, report_code
from ruralcouncil.reports.fonts import register_fonts
from ruralcouncil.reports.pdf_file import in_language
from ruralcouncil.reports.period_layout import Words, period_of, write_coded
from ruralcouncil.reports.period_money import period_money

Figures = dict[str, Any]
DOCUMENT = N_("Report to residents")
AUTO = "auto"  # the second language: Russian beside Kazakh, none beside the others
CHAIR = "chair"  # approved by the chair alone, in a published payment's figures


def second_language(lang: str, alongside: str | None) -> str | None:
    """The language printed beside ``lang``: ``alongside``, or for AUTO Russian beside
    Kazakh (as local bodies publish) and none beside Russian or English."""
    if alongside == AUTO:
        return "ru" if lang == "kk" else None
    return alongside if alongside != lang else None


def transparency_file_name(period: Period) -> str:
    return f"report-to-residents-{period.subject}.pdf"


# --- the figures -------------------------------------------------------------------------


def publish_threshold(conn: sqlite3.Connection) -> int:
    """The council's transparency threshold in tiyn: payments over it are listed by name."""
    if has_table(conn, "council_rules"):
        from ruralcouncil.ledger import council

        return council.amount_rule(conn, council.Rule.REPORT_THRESHOLD)
    return int(settings.get(conn, settings.PUBLISH_THRESHOLD))


_PAYMENTS = (
    "SELECT t.number, t.date, t.amount, t.code, t.counterparty, t.description,"
    " (SELECT o.number FROM transactions o WHERE o.id = t.reverses),"
    " (SELECT r.number FROM transactions r WHERE r.reverses = t.id)"
)
_LINKED = (
    ", lp.name, qp.name, q.purpose, q.id, (SELECT coalesce(r.year || '/' || r.number, ?)"
    "  FROM request_steps s LEFT JOIN resolutions r ON r.id = s.resolution_id"
    "  WHERE s.request_id = q.id AND s.step = 'approved' ORDER BY s.id LIMIT 1)"
    " FROM transactions t LEFT JOIN entry_links l ON l.transaction_id = t.id"
    " LEFT JOIN parties lp ON lp.id = l.party_id"
    " LEFT JOIN requests q ON q.id = l.request_id"
    " LEFT JOIN parties qp ON qp.id = q.party_id"
)
_WHERE = (
    " WHERE t.date BETWEEN ? AND ? AND t.type = 'payment' AND abs(t.amount) > ?"
    " ORDER BY t.date, t.number"
)


def published_payments(
    conn: sqlite3.Connection, first: str, last: str, threshold: int
) -> list[list[Any]]:
    """Every payment (and reversal of one) of more than ``threshold`` from ``first`` to
    ``last``: [entry number, date, amount, program, payee, purpose, the resolution that
    approved it (YYYY/N) or "chair" or None without a request, the entry it reverses, the
    entry that reversed it]. The payee and the purpose are the entry's own, else its
    request's."""
    linked = has_table(conn, "entry_links")
    if linked:
        rows = conn.execute(_PAYMENTS + _LINKED + _WHERE, (CHAIR, first, last, threshold))
    else:
        rows = conn.execute(
            _PAYMENTS + ", NULL, NULL, NULL, NULL, NULL FROM transactions t" + _WHERE,
            (first, last, threshold),
        )
    found = []
    for r in rows:
        payee = str(r[4]) or str(r[8] or r[9] or "")
        purpose = str(r[5]) or str(r[10] or "")
        approval = None if r[11] is None else r[12]
        found.append([int(r[0]), str(r[1]), int(r[2]), r[3], payee, purpose, approval, r[6], r[7]])
    return found


def _budget(conn: sqlite3.Connection, period: Period) -> list[list[Any]]:
    """[program, appropriated, paid to the period's end] by program (funds added up), from
    the budget in force at the period's end; empty when none is."""
    if not has_table(conn, "budgets"):
        return []
    from ruralcouncil.ledger import budget
    from ruralcouncil.ledger.classification import EXPENDITURE

    if budget.in_force(conn, period.year, period.last_day) is None:
        return []
    by_program: dict[str, list[int]] = {}
    for line in budget.show(conn, period.year, date.fromisoformat(period.last_day)):
        if line.kind == EXPENDITURE:
            figures = by_program.setdefault(line.category, [0, 0])
            figures[0] += line.appropriated
            figures[1] += line.paid
    return [[code, a, p] for code, (a, p) in by_program.items() if a or p]


def _donations(conn: sqlite3.Connection, period: Period) -> list[list[Any]]:
    """[id, date, donor's name or None when anonymous, amount or value, what was given in
    kind ("" for cash), the receipt reversed, the project]."""
    if not has_table(conn, "donations"):
        return []
    from ruralcouncil.ledger import donations

    return [
        [
            d.id,
            d.date,
            None if d.anonymous else d.donor,
            d.amount,
            d.in_kind,
            d.reversed,
            d.project_id,
        ]
        for d in donations.donations(conn, year=period.year)
        if period.first_day <= d.date <= period.last_day
    ]


def _projects(conn: sqlite3.Connection, period: Period) -> list[list[Any]]:
    """[id, title, collected, spent, returned or moved, left] at the period's end, for each
    project adopted to collect in the period's year or whose money moved in the period."""
    if not has_table(conn, "projects"):
        return []
    from ruralcouncil.ledger import projects
    from ruralcouncil.ledger.records import REFUND_CODE

    found = []
    for project in projects.projects(conn):
        flows: dict[str, int] = defaultdict(int)
        moved_in_period = False
        for kind, code, amount, day in conn.execute(
            "SELECT t.type, coalesce(t.code, ''), p.amount, t.date FROM postings p"
            " JOIN transactions t ON t.id = p.transaction_id WHERE p.fund = ? AND t.date <= ?"
            " AND p.account IN (SELECT code FROM accounts WHERE kind = 'cash')",
            (project.fund, period.last_day),
        ):
            moved_in_period |= day >= period.first_day
            if kind == "receipt":
                flows["collected"] += int(amount)
            elif kind == "payment" and code != REFUND_CODE:
                flows["spent"] -= int(amount)
            flows["left"] += int(amount)
        adopted = project.adopted_on is not None and project.adopted_on <= period.last_day
        if not (moved_in_period or (adopted and project.year == period.year)):
            continue
        returned = flows["collected"] - flows["spent"] - flows["left"]
        found.append(
            [project.id, project.title, flows["collected"], flows["spent"], returned, flows["left"]]
        )
    return found


def _resolutions(conn: sqlite3.Connection, period: Period) -> list[list[Any]]:
    """[number YYYY/N, date, subject, text, passed] of the council's decisions in the period."""
    if not has_table(conn, "resolutions"):
        return []
    from ruralcouncil.ledger import meetings

    return [
        [r.ref, r.date, r.subject, r.text, r.passed]
        for r in meetings.resolutions(conn, period.year)
        if period.first_day <= r.date <= period.last_day
    ]


def read_figures(conn: sqlite3.Connection, period: Period) -> Figures:
    """What the report prints and its code vouches for, in no language (read inside the
    caller's snapshot)."""
    money = period_money(conn, period.first_day, period.last_day)
    threshold = publish_threshold(conn)
    return {
        "period": period.subject,
        "first": period.first_day,
        "last": period.last_day,
        "opening": money.opening,
        "receipts": money.received,
        "payments": money.paid,
        "closing": money.closing,
        "by_source": money.receipts,
        "by_program": money.payments,
        "budget": _budget(conn, period),
        "threshold": threshold,
        "published": published_payments(conn, period.first_day, period.last_day, threshold),
        "donations": _donations(conn, period),
        "projects": _projects(conn, period),
        "resolutions": _resolutions(conn, period),
    }


def transparency_figures(ledger: Ledger, subject: str) -> Figures:
    """The figures of the report about ``subject`` (``2026`` or ``2026.3``), read in one
    snapshot: the function ``verify-report`` calls."""
    period = period_of(subject)
    with snapshot(ledger.conn):
        return read_figures(ledger.conn, period)


def totals(figures: verification.Figures) -> list[tuple[str, str]]:
    return [
        (_("Cash at the start"), format_amount(figures["opening"])),
        (_("Received"), format_amount(figures["receipts"])),
        (_("Paid out"), format_amount(figures["payments"])),
        (_("Cash at the end"), format_amount(figures["closing"])),
        (_("Payments listed"), str(len(figures["published"]))),
    ]


def covers(subject: str) -> str:
    return period_of(subject).label()


verification.register(
    verification.Verifiable(Kind.TRANSPARENCY, transparency_figures, totals, covers)
)


# --- the document ------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """What the figures name, in words, read in the same snapshot as them."""

    village: str
    council: str
    categories: dict[str, BookAccount]
    funds: dict[str, catalog.Fund]
    subjects: dict[str, str]  # a resolution's subject -> its words in the document's language

    def category(self, code: str | None, words: Words) -> str:
        account = self.categories.get(code or "")
        return words.both(account.name) if account is not None else (code or "")

    def category_one(self, code: str | None) -> str:
        account = self.categories.get(code or "")
        return account.name() if account is not None else (code or "")


def read_names(conn: sqlite3.Connection, figures: Figures | None = None) -> Names:
    subjects: dict[str, str] = {}
    if figures is not None and figures.get("resolutions"):
        from ruralcouncil.reports.council_text import subject_text

        for row in figures["resolutions"]:
            subjects[row[2]] = subject_text(conn, row[2])
    return Names(
        settings.village_name(conn),
        settings.council_name(conn),
        {a.code: a for a in catalog.book_accounts(conn)},
        {f.code: f for f in catalog.funds(conn)},
        subjects,
    )


@dataclass(frozen=True)
class Read:
    figures: Figures
    names: Names
    entries: int
    head: str


def read(ledger: Ledger, period: Period) -> Read:
    conn = ledger.conn
    with snapshot(conn):
        entries, head = chain.head(conn)
        figures = read_figures(conn, period)
        return Read(figures, read_names(conn, figures), entries, head)


def render_transparency(
    ledger: Ledger,
    period: Period,
    path: Path | str,
    lang: str | None = None,
    alongside: str | None = AUTO,
) -> CodedPdf:
    """Write the report to residents about ``period`` (a year or a quarter) to ``path``
    (replacing it), in ``lang`` (default: the current language) with ``alongside`` printed
    beside it (AUTO: Russian beside Kazakh). The figures and the code are the same in every
    language."""
    from ruralcouncil.reports.transparency_story import story

    path = Path(path)
    with in_language(lang):
        register_fonts()
        words = Words(second_language(language(), alongside))
        r = read(ledger, period)
        code = str(report_code(Kind.TRANSPARENCY, period.subject, r.entries, r.head, r.figures))
        document = _(DOCUMENT)
        pages = write_coded(
            path,
            story(r, period, code, words),
            kind=Kind.TRANSPARENCY,
            figures=r.figures,
            title=f"{r.names.village}: {document}, {period.label()}",
            author=r.names.council,
            village=r.names.village,
            document=f"{document}, {period.label()}",
            code=code,
            entries=r.entries,
        )
    return CodedPdf(path, code, r.entries, r.head, pages)
