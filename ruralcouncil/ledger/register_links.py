"""An entry that belongs to a register (DESIGN §4.3): a subsidy's money received, a loan's
repayment (split into principal and interest), a lease's rent, a fine paid. The register's
rules are checked here for ``journal.record`` and the importer alike, and the link is kept
beside the entry (``register_links``); a reversal carries it, negated."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date

from ruralcouncil.i18n import _
from ruralcouncil.ledger import assets, fines, loans, subsidies
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount


@dataclass(frozen=True)
class RegisterLink:
    """The one register an entry names (``--subsidy``, ``--loan``, ``--lease``, ``--fine``)."""

    subsidy_id: int | None = None
    loan_id: int | None = None
    lease_id: int | None = None
    fine_id: int | None = None

    def __post_init__(self) -> None:
        named = [x for x in (self.subsidy_id, self.loan_id, self.lease_id, self.fine_id) if x]
        if len(named) > 1:
            raise InvalidInput(_("An entry names one register at most."))

    def __bool__(self) -> bool:
        return any((self.subsidy_id, self.loan_id, self.lease_id, self.fine_id))


@dataclass(frozen=True)
class Checked:
    """An entry placed where its register puts it, with what the link will carry."""

    entry: NewEntry
    problems: list[str]
    principal: int = 0
    interest: int = 0
    party_id: int | None = None


def check(
    conn: sqlite3.Connection,
    entry: NewEntry,
    link: RegisterLink,
    fund_given: bool = True,
    already: int | tuple[int, int] = 0,
) -> Checked:
    """The register's rules for ``entry``. A subsidy's money goes into its fund (a fund not
    given is taken to be it); ``already``: what earlier rows of an import add."""
    done = already if isinstance(already, int) else 0
    try:
        if link.subsidy_id is not None:
            subsidy = subsidies.get(conn, link.subsidy_id)
            if not fund_given:
                entry = replace(entry, fund=subsidy.fund)
            problems = []
            if entry.type != EntryType.RECEIPT or entry.category != subsidies.SUBSIDY_CODE:
                problems.append(_("a subsidy's money is a SUBSIDY receipt"))
            if entry.fund != subsidy.fund:
                problems.append(
                    _("subsidy {id}'s money goes into its fund {fund}").format(
                        id=subsidy.id, fund=subsidy.fund
                    )
                )
            problems += subsidies.receipt_problems(conn, subsidy, entry.amount, entry.date, done)
            return Checked(entry, problems)
        if link.loan_id is not None:
            loan = loans.get(conn, link.loan_id)
            if entry.type != EntryType.PAYMENT or entry.category != loans.REPAY_CODE:
                return Checked(entry, [_("a loan is repaid by a LOAN-REPAY payment")])
            if entry.date.isoformat() < loan.start:
                return Checked(entry, [_("loan {id} was received later").format(id=loan.id)])
            before = already if isinstance(already, tuple) else (0, 0)
            principal, interest = loans.split(conn, loan, entry.amount, before)
            return Checked(entry, [], principal, interest, loan.party_id)
        if link.lease_id is not None:
            lease = assets.get_lease(conn, link.lease_id)
            problems = []
            if entry.type != EntryType.RECEIPT:
                problems.append(_("rent is a receipt"))
            problems += assets.rent_problems(
                conn, lease, entry.category, entry.amount, entry.date, done
            )
            return Checked(entry, problems, party_id=lease.party_id)
        if link.fine_id is not None:
            fine = fines.get(conn, link.fine_id)
            problems = [] if entry.type == EntryType.RECEIPT else [_("a fine is paid by a receipt")]
            problems += fines.payment_problems(fine, entry.category, entry.amount, entry.date, done)
            return Checked(entry, problems, party_id=fine.party_id)
    except InvalidInput as exc:
        return Checked(entry, [str(exc).rstrip(".")])
    return Checked(entry, [])


def insert(commit: Commit, transaction_id: int, link: RegisterLink, checked: Checked) -> None:
    commit.conn.execute(
        "INSERT INTO register_links (transaction_id, subsidy_id, loan_id, lease_id, fine_id,"
        " principal, interest) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            transaction_id,
            link.subsidy_id,
            link.loan_id,
            link.lease_id,
            link.fine_id,
            checked.principal,
            checked.interest,
        ),
    )
    commit.append("register_link", str(transaction_id))


def copy_on_reversal(commit: Commit, reversed_id: int, reversal_id: int) -> None:
    """A reversed register entry un-does its part: the reversal carries the link, negated."""
    from ruralcouncil.ledger import holds

    if not holds.has_registers(commit.conn):
        return
    row = commit.conn.execute(
        "SELECT subsidy_id, loan_id, lease_id, fine_id, principal, interest FROM register_links"
        " WHERE transaction_id = ?",
        (reversed_id,),
    ).fetchone()
    if row is None:
        return
    commit.conn.execute(
        "INSERT INTO register_links (transaction_id, subsidy_id, loan_id, lease_id, fine_id,"
        " principal, interest) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (reversal_id, row[0], row[1], row[2], row[3], -int(row[4]), -int(row[5])),
    )
    commit.append("register_link", str(reversal_id))


def business_with_loans(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """A loan the party lent the village that is still owed on ``day``."""
    on = day.isoformat()
    found = []
    for loan in loans.loans(conn):
        if loan.party_id == party_id and loan.start <= on and loans.outstanding(conn, loan, on):
            found.append(
                _("loan {id} from them, {left} still owed").format(
                    id=loan.id,
                    left=format_amount(loans.outstanding(conn, loan, on)),
                )
            )
    return found
