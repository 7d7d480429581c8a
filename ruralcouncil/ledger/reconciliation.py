"""The bank reconciliation at 31 December (DESIGN §2.7, REFERENCE: England's return).

The clerk enters what each bank statement says at 31 December and the cash counted in the
box, and picks from the ledger the payments the bank had not yet paid out (unpresented) and
the receipts not yet banked (unbanked). The check:

    statements − unpresented + unbanked = the cash book (box 8, cash and bank at 31 December)

A reconciliation is recorded whether or not it agrees (it is what the papers said); the
chair approves only one that agrees and still matches the ledger. When box 8 differs from
box 7 the reconciliation must say why. The latest reconciliation of a year stands.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, council, storage
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

# [entry number, cash account, amount in tiyn]
Item = tuple[int, str, int]


@dataclass(frozen=True)
class Reconciliation:
    id: int
    year: int
    statements: dict[str, int]
    unpresented: list[Item]
    unbanked: list[Item]
    cash_book: int
    difference: int
    explanation: str
    prepared_by: str
    prepared_at: str
    approved_by: str | None = None
    approved_on: str | None = None
    current: bool = True  # its cash book is still the ledger's box 8
    accounts: dict[str, int] = field(default_factory=dict)  # the cash book by account

    @property
    def statements_total(self) -> int:
        return sum(self.statements.values())

    @property
    def unpresented_total(self) -> int:
        return sum(i[2] for i in self.unpresented)

    @property
    def unbanked_total(self) -> int:
        return sum(i[2] for i in self.unbanked)

    @property
    def agrees(self) -> bool:
        return self.difference == 0

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "year": self.year,
            "statements": dict(sorted(self.statements.items())),
            "unpresented": [list(i) for i in self.unpresented],
            "unbanked": [list(i) for i in self.unbanked],
            "statements_total": self.statements_total,
            "unpresented_total": self.unpresented_total,
            "unbanked_total": self.unbanked_total,
            "cash_book": self.cash_book,
            "difference": self.difference,
            "agrees": self.agrees,
            "explanation": self.explanation,
            "prepared_by": self.prepared_by,
            "prepared_at": self.prepared_at,
            "approved": self.approved,
            "approved_by": self.approved_by,
            "approved_on": self.approved_on,
            "current": self.current,
        }


def cash_book(conn: sqlite3.Connection, year: int) -> tuple[dict[str, int], int, int]:
    """Each cash account's balance at 31 December, box 8 and box 7."""
    from ruralcouncil.reports.statements import year_summary

    summary = year_summary(conn, year)
    return dict(summary.cash), summary.boxes[8], summary.boxes[7]


def _accounts_used(conn: sqlite3.Connection, year: int) -> set[str]:
    """Cash accounts with any entry up to 31 December: each needs a statement."""
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT d.account FROM daily_totals d JOIN accounts a ON a.code = d.account"
            " WHERE a.kind = 'cash' AND d.date <= ?",
            (f"{year}-12-31",),
        )
    }


def _items(
    conn: sqlite3.Connection, year: int, numbers: list[int], kind: str, accounts: set[str]
) -> list[Item]:
    """The entries named, each a payment (unpresented) or a receipt (unbanked) of an account
    reconciled, dated in the year, neither reversed nor a reversal."""
    found: list[Item] = []
    for number in numbers:
        if any(i[0] == number for i in found):
            raise InvalidInput(_("Entry {n} is named twice.").format(n=number))
        row = conn.execute(
            "SELECT t.account, t.amount FROM transactions t WHERE t.number = ? AND t.type = ?"
            " AND t.reverses IS NULL AND t.amount > 0 AND t.date BETWEEN ? AND ?"
            " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)",
            (number, kind, f"{year}-01-01", f"{year}-12-31"),
        ).fetchone()
        if row is None or str(row[0]) not in accounts:
            if kind == "payment":
                message = _(
                    "Entry {n} is not a payment of {year} from an account reconciled (not "
                    "reversed): only such a payment can be unpresented."
                )
            else:
                message = _(
                    "Entry {n} is not a receipt of {year} into an account reconciled (not "
                    "reversed): only such a receipt can be unbanked."
                )
            raise InvalidInput(message.format(n=number, year=year))
        found.append((number, str(row[0]), int(row[1])))
    return found


def reconcile(
    ledger: Ledger,
    user: User,
    year: int,
    statements: dict[str, int],
    unpresented: list[int],
    unbanked: list[int],
    explanation: str = "",
) -> int:
    """Record the bank reconciliation of ``year`` at 31 December; returns its id."""
    require(user, Action.PREPARE_RETURN)
    explanation = clean_text(_("The explanation"), explanation, multiline=True, limit=4000)
    if year >= date.today().year:
        raise InvalidInput(
            _("{year} has not ended yet: the bank is reconciled at 31 December.").format(year=year)
        )
    with ledger.write(user) as commit:
        conn = commit.conn
        cash = {a.code for a in catalog.cash_accounts(conn)}
        for code in statements:
            if code not in cash:
                raise InvalidInput(
                    _("{code} is not a cash account (a bank account or the cash box).").format(
                        code=code
                    )
                )
        missing = sorted(_accounts_used(conn, year) - set(statements))
        if missing:
            raise InvalidInput(
                _(
                    "Give the balance at 31 December of every cash account used: {accounts} "
                    "(for the cash box, the cash counted)."
                ).format(accounts=", ".join(missing))
            )
        given = set(statements)
        late = _items(conn, year, unpresented, "payment", given)
        not_banked = _items(conn, year, unbanked, "receipt", given)
        _balances, box8, box7 = cash_book(conn, year)
        if box8 != box7 and not explanation:
            raise InvalidInput(
                _(
                    "Box 8 ({box8}) differs from box 7 ({box7}): the reconciliation must say "
                    "why (give an explanation)."
                ).format(box8=format_amount(box8), box7=format_amount(box7))
            )
        adjusted = (
            sum(statements.values()) - sum(i[2] for i in late) + sum(i[2] for i in not_banked)
        )
        cursor = conn.execute(
            "INSERT INTO reconciliations (year, statements, unpresented, unbanked, cash_book,"
            " difference, explanation, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                year,
                json.dumps(dict(sorted(statements.items())), separators=(",", ":")),
                json.dumps([list(i) for i in late], separators=(",", ":")),
                json.dumps([list(i) for i in not_banked], separators=(",", ":")),
                box8,
                adjusted - box8,
                explanation,
                user.id,
                storage.now_text(),
            ),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("reconciliation", str(new_id))
        commit.event("reconcile", f"{year} {new_id} difference={adjusted - box8}")
    return new_id


def latest(conn: sqlite3.Connection, year: int) -> Reconciliation | None:
    row = conn.execute(
        "SELECT r.id, r.statements, r.unpresented, r.unbanked, r.cash_book, r.difference,"
        " r.explanation, r.user_id, r.created_at, a.user_id, a.date FROM reconciliations r"
        " LEFT JOIN reconciliation_approvals a ON a.reconciliation_id = r.id"
        " WHERE r.year = ? ORDER BY r.id DESC LIMIT 1",
        (year,),
    ).fetchone()
    if row is None:
        return None
    names = council.user_names(conn)
    balances, box8, _box7 = cash_book(conn, year)
    return Reconciliation(
        id=int(row[0]),
        year=year,
        statements={str(k): int(v) for k, v in json.loads(row[1]).items()},
        unpresented=[(int(n), str(a), int(v)) for n, a, v in json.loads(row[2])],
        unbanked=[(int(n), str(a), int(v)) for n, a, v in json.loads(row[3])],
        cash_book=int(row[4]),
        difference=int(row[5]),
        explanation=str(row[6]),
        prepared_by=names.get(int(row[7]), str(row[7])),
        prepared_at=str(row[8]),
        approved_by=names.get(int(row[9]), str(row[9])) if row[9] is not None else None,
        approved_on=str(row[10]) if row[10] is not None else None,
        current=int(row[4]) == box8,
        accounts=balances,
    )


def approve(ledger: Ledger, chair: User, year: int, on: date | None = None) -> int:
    """The chair approves the year's latest reconciliation: it must agree and still match
    the ledger. Returns the reconciliation's id."""
    require(chair, Action.CHAIR)
    day = council.event_date(on)
    with ledger.write(chair) as commit:
        conn = commit.conn
        found = latest(conn, year)
        if found is None:
            raise InvalidInput(
                _("No bank reconciliation of {year} has been recorded.").format(year=year)
            )
        if found.approved:
            raise InvalidInput(
                _("The bank reconciliation of {year} is already approved.").format(year=year)
            )
        if not found.current:
            raise InvalidInput(
                _(
                    "The ledger's cash at 31 December {year} changed after the bank "
                    "reconciliation was made: reconcile again."
                ).format(year=year)
            )
        if not found.agrees:
            raise InvalidInput(
                _(
                    "The bank reconciliation of {year} does not agree with the cash book (a "
                    "difference of {difference}): it cannot be approved."
                ).format(year=year, difference=format_amount(found.difference))
            )
        if day.year <= year:
            raise InvalidInput(
                _("A reconciliation at 31 December {year} is approved after that day.").format(
                    year=year
                )
            )
        conn.execute(
            "INSERT INTO reconciliation_approvals (reconciliation_id, date, user_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (found.id, day.isoformat(), chair.id, storage.now_text()),
        )
        commit.append("reconciliation_approval", str(found.id))
        commit.event("reconcile.approve", f"{year} {found.id}")
    return found.id
