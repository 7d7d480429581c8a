"""The internal auditor's report on the year (DESIGN §2.7; England's Annual Internal Audit
Report, adapted to a village).

The auditor answers each control objective Yes, No or Not covered (a No or a Not covered
says why: its implications and the action taken, or when it was last and will next be
covered), and signs with their name and the dates of the audit. A later answer to the same
objective replaces the earlier, which is kept. :func:`evidence` is what the ledger can tell
the auditor about itself, objective by objective; the auditor decides.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import council, storage
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.schema import has_table
from ruralcouncil.ledger.storage import Ledger

OBJECTIVES = {
    1: N_("Proper accounting records were kept throughout the year."),
    2: N_("Payments were supported by invoices or receipts and approved as the rules require."),
    3: N_("The council assessed the significant risks to its money and reviewed its controls."),
    4: N_("The budget was adopted properly and progress against it was monitored."),
    5: N_("Expected income was fully received, recorded and promptly banked."),
    6: N_("The cash box was controlled: every movement supported and approved."),
    7: N_("Staff were paid as approved."),
    8: N_("The register of assets (property, land, natural resources) was complete and right."),
    9: N_("The bank was reconciled during the year and at 31 December."),
    10: N_(
        "The statements were prepared on the right basis, agree with the cash book and can "
        "be traced to the ledger."
    ),
    11: N_("The transparency publications were made (the report to residents, the payments)."),
    12: N_("The residents' inspection period was properly provided."),
    13: N_(
        "Restricted money (donations, community projects, subsidies) was used only for its purpose."
    ),
}


class AuditAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_COVERED = "not-covered"


AUDIT_ANSWER_NAMES = {
    AuditAnswer.YES: N_("Yes"),
    AuditAnswer.NO: N_("No"),
    AuditAnswer.NOT_COVERED: N_("Not covered"),
}


@dataclass(frozen=True)
class ObjectiveAnswer:
    objective: int
    answer: AuditAnswer
    comment: str
    by: str
    at: str

    def as_json(self) -> dict[str, object]:
        return {
            "objective": self.objective,
            "answer": self.answer.value,
            "comment": self.comment,
            "by": self.by,
            "at": self.at,
        }


@dataclass(frozen=True)
class SignOff:
    auditor: str
    starts: str
    ends: str
    by: str

    def as_json(self) -> dict[str, object]:
        return {"auditor": self.auditor, "from": self.starts, "to": self.ends, "by": self.by}


def parse_objective(text: str) -> int:
    """``7`` or, as England numbers them, a letter ``A``-``M``."""
    raw = text.strip()
    if len(raw) == 1 and "A" <= raw.upper() <= "M":
        return ord(raw.upper()) - ord("A") + 1
    if raw.isascii() and raw.isdigit() and int(raw) in OBJECTIVES:
        return int(raw)
    raise InvalidInput(
        _("The objective {text} is not one of 1 to {last}.").format(
            text=raw[:20], last=len(OBJECTIVES)
        )
    )


def parse_answer(text: str) -> AuditAnswer:
    try:
        return AuditAnswer(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("The answer must be yes, no or not-covered, not {text}.").format(text=text[:20])
        ) from None


def answer(
    ledger: Ledger, auditor: User, year: int, objective: int, given: AuditAnswer, comment: str
) -> int:
    """Record the auditor's answer to one objective; returns its id."""
    require(auditor, Action.INTERNAL_AUDIT)
    if objective not in OBJECTIVES:
        raise InvalidInput(
            _("The objective {text} is not one of 1 to {last}.").format(
                text=objective, last=len(OBJECTIVES)
            )
        )
    comment = clean_text(_("The comment"), comment, multiline=True, limit=4000)
    if given != AuditAnswer.YES and not comment:
        raise InvalidInput(
            _(
                "Say why objective {n} is answered {answer}: for a No, its implications and the "
                "action taken; for Not covered, when it was last and will next be audited."
            ).format(n=objective, answer=_(AUDIT_ANSWER_NAMES[given]))
        )
    with ledger.write(auditor) as commit:
        cursor = commit.conn.execute(
            "INSERT INTO audit_answers (year, objective, answer, comment, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (year, objective, given.value, comment, auditor.id, storage.now_text()),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("audit_answer", str(new_id))
        commit.event("audit.answer", f"{year} {objective} {given.value}")
    return new_id


def sign(ledger: Ledger, auditor: User, year: int, starts: date, ends: date, name: str = "") -> int:
    """The auditor signs the year's audit with their name and the dates it was done."""
    require(auditor, Action.INTERNAL_AUDIT)
    name = clean_text(_("The auditor's name"), name, limit=200) or auditor.full_name or auditor.name
    council.event_date(ends)
    if ends < starts:
        raise InvalidInput(_("The audit cannot end before it starts."))
    if starts.year < year:
        raise InvalidInput(
            _("The audit of {year} cannot start before the year ({day}).").format(
                year=year, day=shown_date(starts)
            )
        )
    with ledger.write(auditor) as commit:
        cursor = commit.conn.execute(
            "INSERT INTO audit_signoffs (year, auditor, starts, ends, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (year, name, starts.isoformat(), ends.isoformat(), auditor.id, storage.now_text()),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("audit_signoff", str(new_id))
        commit.event("audit.sign", f"{year} {starts.isoformat()} {ends.isoformat()}")
    return new_id


def answers(conn: sqlite3.Connection, year: int) -> dict[int, ObjectiveAnswer]:
    """The latest answer to each objective of ``year``."""
    names = council.user_names(conn)
    return {
        int(r[0]): ObjectiveAnswer(
            int(r[0]), AuditAnswer(r[1]), str(r[2]), names.get(int(r[3]), ""), str(r[4])
        )
        for r in conn.execute(
            "SELECT objective, answer, comment, user_id, created_at FROM audit_answers"
            " WHERE id IN (SELECT max(id) FROM audit_answers WHERE year = ? GROUP BY objective)"
            " ORDER BY objective",
            (year,),
        )
    }


def signoff(conn: sqlite3.Connection, year: int) -> SignOff | None:
    row = conn.execute(
        "SELECT auditor, starts, ends, user_id FROM audit_signoffs WHERE year = ?"
        " ORDER BY id DESC LIMIT 1",
        (year,),
    ).fetchone()
    if row is None:
        return None
    return SignOff(str(row[0]), str(row[1]), str(row[2]), council.user_names(conn)[int(row[3])])


# --- what the ledger can tell the auditor -------------------------------------------------


def evidence(
    conn: sqlite3.Connection, year: int, *, check_chain: bool = True
) -> dict[int, list[str]]:
    """Findings per objective that the ledger itself shows: a verify failure, payments of a
    budgeted year without an approved request, budget lines overspent, a flagged gift spent
    before the council acknowledged it, the bank not reconciled, a fund below zero."""
    found: dict[int, list[str]] = {n: [] for n in OBJECTIVES}
    if check_chain:
        from ruralcouncil.ledger.verify import verify

        result = verify(conn)
        found[1] += [_("verify: {problem}").format(problem=p) for p in result.problems[:5]]
    found[2] += _unrequested(conn, year)
    found[4] += _overspent(conn, year)
    found[5] += _held_gifts_spent(conn, year)
    found[9] += _not_reconciled(conn, year)
    found[13] += _funds_below_zero(conn, year)
    return found


# The rules below are read by two readers: the auditor's evidence (sentences, here) and the
# district's list of what needs its attention (``district/attention.py``, numbers and codes
# stored at consolidation). Each finder returns rows; each reader words them its own way.


@dataclass(frozen=True)
class UnrequestedPayment:
    """A payment of a budgeted year made without an approved spending request."""

    number: int
    date: str
    amount: int
    category: str
    fund: str


@dataclass(frozen=True)
class OverspentLine:
    category: str
    fund: str
    appropriated: int
    over: int  # by how much (positive)


@dataclass(frozen=True)
class HeldGift:
    """A flagged cash gift not acknowledged by 31 December (no donor: only its numbers)."""

    donation: int
    number: int | None  # its receipt's entry number
    date: str
    amount: int
    fund: str


@dataclass(frozen=True)
class ShortFund:
    """A fund that held less at 31 December than its unacknowledged flagged gifts."""

    fund: str
    cash: int
    held: int


@dataclass(frozen=True)
class HeldGifts:
    gifts: list[HeldGift]
    short: list[ShortFund]

    def spent(self) -> list[HeldGift]:
        """The gifts whose fund did not keep them: spent before acknowledgement."""
        funds = {s.fund for s in self.short}
        return [g for g in self.gifts if g.fund in funds]


def unrequested_payments(conn: sqlite3.Connection, year: int) -> list[UnrequestedPayment]:
    """Payments dated on or after the year's first budget without an approved request (a
    project's refunds at its close excepted: its resolution carries them out)."""
    from ruralcouncil.ledger import budget

    if not has_table(conn, "budgets") or not budget.has_budget(conn, year):
        return []
    first = conn.execute("SELECT min(date) FROM budgets WHERE year = ?", (year,)).fetchone()[0]
    refunds = (
        " AND NOT (t.code = 'REFUND' AND t.fund LIKE 'PROJECT-%')"
        if has_table(conn, "contributions")
        else ""
    )
    rows = conn.execute(
        "SELECT t.number, t.date, t.amount, t.code, t.fund FROM transactions t"
        " WHERE t.type = 'payment'"
        " AND t.amount > 0 AND t.reverses IS NULL AND t.date BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)"
        " AND t.id NOT IN (SELECT transaction_id FROM entry_links WHERE request_id IS NOT NULL)"
        + refunds
        + " ORDER BY t.number",
        (max(str(first), f"{year}-01-01"), f"{year}-12-31"),
    ).fetchall()
    return [UnrequestedPayment(int(n), str(d), int(a), str(c), str(f)) for n, d, a, c, f in rows]


def overspent_lines(conn: sqlite3.Connection, year: int) -> list[OverspentLine]:
    from ruralcouncil.ledger import budget

    if not has_table(conn, "budgets") or not budget.has_budget(conn, year):
        return []
    return [
        OverspentLine(line.category, line.fund, line.appropriated, -line.remaining)
        for line in budget.show(conn, year, date(year, 12, 31))
        if line.kind == "expenditure" and line.remaining < 0
    ]


def held_gifts(conn: sqlite3.Connection, year: int) -> HeldGifts:
    """The flagged gifts of the year (or before) not acknowledged by 31 December, and the
    funds that then held less than them: their money was spent before the council
    released it."""
    if not has_table(conn, "donations"):
        return HeldGifts([], [])
    end = f"{year}-12-31"
    gifts = [
        HeldGift(int(i), None if n is None else int(n), str(d), int(a), str(f))
        for i, n, d, a, f in conn.execute(
            "SELECT d.id, t.number, d.date, d.amount, d.fund FROM donations d"
            " LEFT JOIN transactions t ON t.id = d.transaction_id WHERE d.flagged = 1"
            " AND d.transaction_id IS NOT NULL AND d.date <= ?"
            " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = d.transaction_id)"
            " AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.donation_id = d.id"
            " AND a.date <= ?) ORDER BY d.id",
            (end, end),
        ).fetchall()
    ]
    held: dict[str, int] = {}
    for gift in gifts:
        held[gift.fund] = held.get(gift.fund, 0) + gift.amount
    short = [
        ShortFund(fund, cash, amount)
        for fund, amount in held.items()
        if (cash := _fund_cash(conn, fund, end)) < amount
    ]
    return HeldGifts(gifts, short)


def _unrequested(conn: sqlite3.Connection, year: int) -> list[str]:
    return [
        _("entry {n} of {day}, a payment of {amount}, has no approved spending request").format(
            n=p.number, day=shown_date(p.date), amount=format_amount(p.amount)
        )
        for p in unrequested_payments(conn, year)
    ]


def _overspent(conn: sqlite3.Connection, year: int) -> list[str]:
    return [
        _("budget line {category} ({fund}) is overspent by {amount}").format(
            category=line.category, fund=line.fund, amount=format_amount(line.over)
        )
        for line in overspent_lines(conn, year)
    ]


def _held_gifts_spent(conn: sqlite3.Connection, year: int) -> list[str]:
    found = held_gifts(conn, year)
    return [
        _("donation {id} ({amount}) was flagged and not acknowledged by 31 December").format(
            id=g.donation, amount=format_amount(g.amount)
        )
        for g in found.gifts
    ] + [
        _(
            "fund {fund} held {cash} at 31 December, less than its unacknowledged "
            "flagged gifts ({amount}): they were spent before acknowledgement"
        ).format(fund=s.fund, cash=format_amount(s.cash), amount=format_amount(s.held))
        for s in found.short
    ]


def _fund_cash(conn: sqlite3.Connection, fund: str, end: str) -> int:
    return int(
        conn.execute(
            "SELECT COALESCE(SUM(d.amount), 0) FROM daily_totals d JOIN accounts a"
            " ON a.code = d.account WHERE a.kind = 'cash' AND d.fund = ? AND d.date <= ?",
            (fund, end),
        ).fetchone()[0]
    )


def _not_reconciled(conn: sqlite3.Connection, year: int) -> list[str]:
    from ruralcouncil.ledger import reconciliation

    found = reconciliation.latest(conn, year)
    if found is None:
        return [_("the bank was not reconciled at 31 December {year}").format(year=year)]
    problems: list[str] = []
    if not found.agrees:
        problems.append(
            _("the bank reconciliation does not agree: a difference of {amount}").format(
                amount=format_amount(found.difference)
            )
        )
    if not found.current:
        problems.append(_("the bank reconciliation no longer matches the ledger's cash"))
    if not found.approved:
        problems.append(_("the bank reconciliation is not approved"))
    return problems


def _funds_below_zero(conn: sqlite3.Connection, year: int) -> list[str]:
    end = f"{year}-12-31"
    return [
        _("fund {fund} is below zero at 31 December: {amount}").format(
            fund=code, amount=format_amount(cash)
        )
        for (code,) in conn.execute("SELECT code FROM funds ORDER BY rowid").fetchall()
        if (cash := _fund_cash(conn, str(code), end)) < 0
    ]
