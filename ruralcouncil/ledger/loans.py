"""Loans (DESIGN §2.6, §4.3): only with the higher body's permission reference and a passed,
confirmed resolution about ``loan:LENDER:PRINCIPAL``. The loan's receipt posts as ``LOAN``;
each repayment is a ``LOAN-REPAY`` payment naming the loan, split into interest and principal
by the schedule (an annuity or equal principal, monthly); the outstanding principal at 31
December is box 10 of the annual return.

The schedule is worked in whole tiyn: each month's interest is the balance times the monthly
rate, rounded half up; an annuity's payment is rounded the same way, and the last instalment
takes whatever principal is left, so the principal always adds up to the loan exactly.
"""

from __future__ import annotations

import calendar
import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, meetings, storage
from ruralcouncil.ledger.classification import CASH, DEFAULT_CASH_ACCOUNT, GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry, post_for_register
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount, format_plain
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

LOAN_CODE = "LOAN"
REPAY_CODE = "LOAN-REPAY"
MAX_MONTHS = 600


class Method(StrEnum):
    ANNUITY = "annuity"  # equal payments
    EQUAL = "equal"  # equal principal, interest on the balance


METHOD_NAMES = {
    Method.ANNUITY: N_("Annuity (equal payments)"),
    Method.EQUAL: N_("Equal principal"),
}


@dataclass(frozen=True)
class Loan:
    id: int
    party_id: int
    lender: str
    principal: int
    rate: int  # hundredths of a percent a year
    months: int
    start: str
    method: Method
    permission: str
    resolution: str  # YYYY/N
    entry: int  # the LOAN receipt's entry number

    @property
    def rate_text(self) -> str:
        return str(Decimal(self.rate) / 100)


@dataclass(frozen=True)
class Instalment:
    number: int
    due: str
    interest: int
    principal: int
    balance: int  # what is owed after it

    @property
    def payment(self) -> int:
        return self.interest + self.principal

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "due": self.due,
            "payment": self.payment,
            "interest": self.interest,
            "principal": self.principal,
            "balance": self.balance,
        }


# --- the schedule ------------------------------------------------------------------------


def parse_rate(text: str) -> int:
    """An annual rate typed in percent (``12.5``, ``12,5``, ``0``) -> hundredths of a percent."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(
            _("The rate {text} is not a percentage such as 12.5.").format(text=text[:20])
        ) from None
    hundredths = value * 100
    if not value.is_finite() or hundredths != hundredths.to_integral() or not 0 <= value <= 1000:
        raise InvalidInput(_("The rate must be from 0 to 1000 percent, with at most two decimals."))
    return int(hundredths)


def _round(value: Fraction) -> int:
    """To the nearest tiyn, halves up (the amounts here are never negative)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def _months_after(start: date, months: int) -> date:
    """The same day ``months`` months later (the month's last day when it has no such day)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def schedule(
    principal: int, rate: int, months: int, start: str, method: Method
) -> list[Instalment]:
    """The monthly instalments of a loan, to the tiyn (see the module's note on rounding)."""
    monthly = Fraction(rate, 100 * 100 * 12)
    first = date.fromisoformat(start)
    balance = principal
    found: list[Instalment] = []
    if method == Method.ANNUITY and monthly:
        payment = _round(principal * monthly / (1 - (1 + monthly) ** -months))
    elif method == Method.ANNUITY:
        payment = _round(Fraction(principal, months))
    for number in range(1, months + 1):
        interest = _round(balance * monthly)
        if number == months:
            part = balance
        elif method == Method.ANNUITY:
            part = min(max(payment - interest, 0), balance)
        else:
            part = min(principal // months, balance)
        balance -= part
        found.append(
            Instalment(number, _months_after(first, number).isoformat(), interest, part, balance)
        )
    return found


# --- reading -----------------------------------------------------------------------------

_SELECT = (
    "SELECT l.id, l.party_id, p.name, l.principal, l.rate, l.months, l.start, l.method,"
    " l.permission, r.year || '/' || r.number, t.number FROM loans l"
    " JOIN parties p ON p.id = l.party_id JOIN resolutions r ON r.id = l.resolution_id"
    " JOIN transactions t ON t.id = l.transaction_id"
)


def _build(r: tuple[object, ...]) -> Loan:
    return Loan(
        int(r[0]),  # type: ignore[call-overload]
        int(r[1]),  # type: ignore[call-overload]
        str(r[2]),
        int(r[3]),  # type: ignore[call-overload]
        int(r[4]),  # type: ignore[call-overload]
        int(r[5]),  # type: ignore[call-overload]
        str(r[6]),
        Method(str(r[7])),
        str(r[8]),
        str(r[9]),
        int(r[10]),  # type: ignore[call-overload]
    )


def get(conn: sqlite3.Connection, loan_id: int) -> Loan:
    row = conn.execute(f"{_SELECT} WHERE l.id = ?", (loan_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no loan {id}.").format(id=loan_id))
    return _build(row)


def loans(conn: sqlite3.Connection) -> list[Loan]:
    return [_build(r) for r in conn.execute(f"{_SELECT} ORDER BY l.start, l.id")]


def loan_schedule(loan: Loan) -> list[Instalment]:
    return schedule(loan.principal, loan.rate, loan.months, loan.start, loan.method)


def repaid(conn: sqlite3.Connection, loan_id: int, on: str | None = None) -> tuple[int, int]:
    """(principal, interest) repaid by the end of ``on`` (or ever), net of reversals."""
    row = conn.execute(
        "SELECT coalesce(sum(l.principal), 0), coalesce(sum(l.interest), 0)"
        " FROM register_links l JOIN transactions t ON t.id = l.transaction_id"
        " WHERE l.loan_id = ? AND t.date <= ?",
        (loan_id, on or "9999-12-31"),
    ).fetchone()
    return int(row[0]), int(row[1])


def outstanding(conn: sqlite3.Connection, loan: Loan, on: str) -> int:
    """The principal owed at the end of ``on``: none before the loan was received."""
    if on < loan.start:
        return 0
    return loan.principal - repaid(conn, loan.id, on)[0]


def overdue(conn: sqlite3.Connection, loan: Loan, on: str) -> list[Instalment]:
    """Instalments due by ``on`` that what was repaid by then does not cover."""
    paid = sum(repaid(conn, loan.id, on))
    owed = 0
    found = []
    for instalment in loan_schedule(loan):
        if instalment.due > on:
            break
        owed += instalment.payment
        if owed > paid:
            found.append(instalment)
    return found


def split(
    conn: sqlite3.Connection, loan: Loan, amount: int, already: tuple[int, int] = (0, 0)
) -> tuple[int, int]:
    """How a repayment of ``amount`` divides into (principal, interest): it pays what the
    schedule asks in order, each instalment's interest before its principal, after what was
    repaid before (and ``already``: earlier rows of the same import). Raises when it is
    more than the loan has left to pay."""
    done_principal, done_interest = repaid(conn, loan.id)
    done_principal += already[0]
    done_interest += already[1]
    principal = interest = 0
    left = amount
    seen_interest = seen_principal = 0
    for instalment in loan_schedule(loan):
        for kind, part in (("interest", instalment.interest), ("principal", instalment.principal)):
            if kind == "interest":
                due = max(min(part, seen_interest + part - done_interest), 0)
                seen_interest += part
            else:
                due = max(min(part, seen_principal + part - done_principal), 0)
                seen_principal += part
            take = min(due, left)
            if kind == "interest":
                interest += take
            else:
                principal += take
            left -= take
    if left > 0:
        raise InvalidInput(
            _("loan {id} has {left} left to repay on its schedule").format(
                id=loan.id, left=format_amount(amount - left)
            )
        )
    return principal, interest


# --- recording ---------------------------------------------------------------------------


def add(
    ledger: Ledger,
    clerk: User,
    party_id: int,
    principal: int,
    rate: int,
    months: int,
    permission: str,
    ref: str,
    *,
    method: str = Method.ANNUITY.value,
    on: date | None = None,
    account: str = DEFAULT_CASH_ACCOUNT,
    fund: str = GENERAL_FUND,
    description: str = "",
) -> int:
    """Record a loan received: the higher body's permission reference and a passed,
    confirmed resolution about ``loan:LENDER:PRINCIPAL`` are both required; its ``LOAN``
    receipt is posted. Returns the loan's id."""
    require(clerk, Action.RECORD)
    permission = clean_text(_("The permission of the higher body"), permission, required=True)
    if not 0 < principal <= MAX_AMOUNT:
        raise InvalidInput(
            _("The principal must be above zero and at most {max}.").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    if not 0 <= rate <= 100_000:
        raise InvalidInput(_("The rate must be from 0 to 1000 percent, with at most two decimals."))
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(_("A loan runs from 1 to {max} months.").format(max=MAX_MONTHS))
    try:
        chosen = Method(method)
    except ValueError:
        raise InvalidInput(
            _("Unknown repayment {method}: use annuity or equal.").format(method=method[:20])
        ) from None
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        party = council.get_party(conn, party_id)
        if catalog.kind_of(conn, account) != CASH:
            raise InvalidInput(_("unknown cash account {code}").format(code=account[:40]))
        plain = format_plain(principal)
        subject = f"loan:{party_id}:{plain[:-3] if plain.endswith('.00') else plain}"
        loan_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM loans").fetchone()[0])
        resolution = meetings.use(commit, clerk, ref, subject, "loan.add", str(loan_id))
        if day.isoformat() < resolution.date:
            raise InvalidInput(
                _(
                    "A loan cannot be received before the resolution that allowed it ({day})."
                ).format(day=shown_date(resolution.date))
            )
        entry = NewEntry(
            date=day,
            type=EntryType.RECEIPT,
            amount=principal,
            category=LOAN_CODE,
            fund=fund,
            account=account,
            counterparty=party.name,
            description=description or _("Loan {id} received").format(id=loan_id),
            reference=permission,
        )
        _number, transaction_id = post_for_register(commit, clerk, entry)
        conn.execute(
            "INSERT INTO loans (id, party_id, principal, rate, months, start, method, permission,"
            " resolution_id, transaction_id, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                loan_id,
                party_id,
                principal,
                rate,
                months,
                day.isoformat(),
                chosen.value,
                permission,
                resolution.id,
                transaction_id,
                clerk.id,
                storage.now_text(),
            ),
        )
        commit.append("loan", str(loan_id))
        from ruralcouncil.ledger import spending

        spending.link_entry(commit, transaction_id, None, party_id)
        commit.event("loan.add", f"{loan_id} {principal} party {party_id} {resolution.ref}")
    return loan_id


def borrowings(conn: sqlite3.Connection, on: str) -> int:
    """Box 10: every loan's principal outstanding at the end of ``on``."""
    return sum(outstanding(conn, loan, on) for loan in loans(conn))
