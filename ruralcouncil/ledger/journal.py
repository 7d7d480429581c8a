"""Receipts, payments, transfers, opening balances and reversals: the posted journal.

Each entry is stored as a headline (what the clerk typed) plus its balanced double-entry
postings, and chained. Posted entries are never edited or deleted: a mistake is corrected by
a reversing entry, which carries the negative amount of the entry it reverses.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, storage
from ruralcouncil.ledger.codes import CASH, EXPENDITURE, GENERAL_FUND, OPENING_EQUITY, REVENUE
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.errors import ClosedYear, InvalidInput, Overdraft
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import nfc, text_problem
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger


class EntryType(StrEnum):
    RECEIPT = "receipt"
    PAYMENT = "payment"
    TRANSFER = "transfer"
    OPENING = "opening"


ENTRY_TYPE_NAMES = {
    EntryType.RECEIPT: N_("Receipt"),
    EntryType.PAYMENT: N_("Payment"),
    EntryType.TRANSFER: N_("Transfer"),
    EntryType.OPENING: N_("Opening balance"),
}


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be posted. ``amount`` is positive tiyn."""

    date: date
    type: EntryType
    amount: int
    code: str | None = None
    fund: str = GENERAL_FUND
    account: str = "BANK"
    to_account: str | None = None
    counterparty: str = ""
    description: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Shortfall:
    """A cash account or fund that would end a day below zero."""

    kind: str  # 'account' or 'fund'
    code: str
    day: str
    balance: int

    def message(self) -> str:
        template = (
            _("the cash account {code} would be at {balance} at the end of {day}")
            if self.kind == "account"
            else _("the fund {code} would be at {balance} at the end of {day}")
        )
        return template.format(code=self.code, balance=format_amount(self.balance), day=self.day)


# --- checks of a single entry ------------------------------------------------------------


def _check_text(label: str, value: str, *, multiline: bool = False) -> list[str]:
    problem = text_problem(label, value, multiline=multiline)
    return [problem] if problem else []


def entry_problems(conn: sqlite3.Connection, entry: NewEntry) -> list[str]:
    """Everything wrong with one entry on its own, in the user's language; [] when fine."""
    problems: list[str] = []
    if not 0 < entry.amount <= MAX_AMOUNT:
        problems.append(
            _("the amount must be above zero and at most {max}").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    if is_closed(conn, entry.date.year):
        problems.append(closed_message(entry.date.year))
    if not catalog.fund_exists(conn, entry.fund):
        problems.append(_("unknown fund {code}").format(code=entry.fund))
    if catalog.account_kind(conn, entry.account) != CASH:
        problems.append(_("unknown cash account {code}").format(code=entry.account))
    kind = catalog.account_kind(conn, entry.code) if entry.code else None
    if entry.type == EntryType.RECEIPT:
        if not entry.code:
            problems.append(_("a receipt needs a revenue source code"))
        elif kind == EXPENDITURE:
            problems.append(
                _("{code} is an expenditure program, not a revenue source").format(code=entry.code)
            )
        elif kind != REVENUE:
            problems.append(_("unknown revenue source {code}").format(code=entry.code))
    elif entry.type == EntryType.PAYMENT:
        if not entry.code:
            problems.append(_("a payment needs an expenditure program code"))
        elif kind == REVENUE:
            problems.append(
                _("{code} is a revenue source, not an expenditure program").format(code=entry.code)
            )
        elif kind != EXPENDITURE:
            problems.append(_("unknown expenditure program {code}").format(code=entry.code))
    elif entry.code:
        problems.append(_("a transfer or an opening balance takes no category"))
    if entry.type == EntryType.TRANSFER:
        if not entry.to_account:
            problems.append(_("a transfer needs the account it goes to"))
        elif entry.to_account == entry.account:
            problems.append(_("a transfer must go to a different account"))
        elif catalog.account_kind(conn, entry.to_account) != CASH:
            problems.append(_("unknown cash account {code}").format(code=entry.to_account))
    elif entry.to_account:
        problems.append(_("only a transfer has a destination account"))
    problems += _check_text(_("Counterparty"), entry.counterparty)
    problems += _check_text(_("Description"), entry.description, multiline=True)
    problems += _check_text(_("Reference"), entry.reference)
    return problems


def is_closed(conn: sqlite3.Connection, year: int) -> bool:
    return conn.execute("SELECT 1 FROM closed_years WHERE year = ?", (year,)).fetchone() is not None


# --- postings and cash effects -----------------------------------------------------------


def postings(entry: NewEntry, sign: int = 1) -> list[tuple[str, str, int]]:
    """The balanced double entry: (account, fund, amount) rows summing to zero."""
    amount = sign * entry.amount
    fund = entry.fund
    if entry.type == EntryType.RECEIPT:
        assert entry.code
        return [(entry.account, fund, amount), (entry.code, fund, -amount)]
    if entry.type == EntryType.PAYMENT:
        assert entry.code
        return [(entry.code, fund, amount), (entry.account, fund, -amount)]
    if entry.type == EntryType.TRANSFER:
        assert entry.to_account
        return [(entry.to_account, fund, amount), (entry.account, fund, -amount)]
    return [(entry.account, fund, amount), (OPENING_EQUITY.code, fund, -amount)]


def cash_effects(entry: NewEntry, sign: int = 1) -> list[tuple[str, str, str, int]]:
    """(cash account, fund, day, change) for each cash account the entry moves."""
    cash = {entry.account} | ({entry.to_account} if entry.to_account else set())
    day = entry.date.isoformat()
    return [(acc, fund, day, amt) for acc, fund, amt in postings(entry, sign) if acc in cash]


def _running_low(
    conn: sqlite3.Connection, column: str, key: str, changes: dict[str, int], cash_only: bool
) -> tuple[str, int] | None:
    """The first day from the earliest change on which ``key`` would end below zero."""
    start = min(changes)
    cash_filter = (
        " AND account IN (SELECT code FROM accounts WHERE kind = 'cash')" if cash_only else ""
    )
    balance = conn.execute(
        f"SELECT COALESCE(SUM(amount), 0) FROM daily_totals WHERE {column} = ? AND date < ?"
        + cash_filter,
        (key, start),
    ).fetchone()[0]
    days: dict[str, int] = defaultdict(int, changes)
    for day, amount in conn.execute(
        f"SELECT date, SUM(amount) FROM daily_totals WHERE {column} = ? AND date >= ?"
        + cash_filter
        + " GROUP BY date",
        (key, start),
    ):
        days[day] += amount
    for day in sorted(days):
        balance += days[day]
        if balance < 0:
            return day, balance
    return None


def shortfalls(
    conn: sqlite3.Connection, effects: Iterable[tuple[str, str, str, int]]
) -> list[Shortfall]:
    """Cash accounts and funds that would end some day below zero, ledger and changes together.

    Order within a day does not matter: only each day's closing balance counts. A fund may
    not go below zero either, because that would spend another fund's money without a
    council resolution.
    """
    by_account: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_fund: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account, fund, day, amount in effects:
        by_account[account][day] += amount
        by_fund[fund][day] += amount
    found: list[Shortfall] = []
    for account, changes in sorted(by_account.items()):
        low = _running_low(conn, "account", account, changes, cash_only=False)
        if low:
            found.append(Shortfall("account", account, *low))
    for fund, changes in sorted(by_fund.items()):
        low = _running_low(conn, "fund", fund, changes, cash_only=True)
        if low:
            found.append(Shortfall("fund", fund, *low))
    return found


def opening_problems(
    conn: sqlite3.Connection, entries: Sequence[NewEntry]
) -> list[tuple[int, str]]:
    """An opening balance must be the first entry of its account, once per account and fund.

    Returns (index into entries, message). Earlier entries of the same batch count too.
    """
    problems: list[tuple[int, str]] = []
    openings = [(i, e) for i, e in enumerate(entries) if e.type == EntryType.OPENING]
    if not openings:
        return problems
    first_batch_day: dict[str, str] = {}
    for e in entries:
        if e.type == EntryType.OPENING:
            continue
        for acc in (e.account, e.to_account):
            if acc and (acc not in first_batch_day or e.date.isoformat() < first_batch_day[acc]):
                first_batch_day[acc] = e.date.isoformat()
    seen: set[tuple[str, str]] = set()
    for i, e in openings:
        day = e.date.isoformat()
        earlier = conn.execute(
            "SELECT min(date) FROM transactions WHERE (account = ? OR to_account = ?) AND date < ?",
            (e.account, e.account, day),
        ).fetchone()[0]
        if earlier is None and first_batch_day.get(e.account, "9999") < day:
            earlier = first_batch_day[e.account]
        if earlier is not None:
            problems.append(
                (
                    i,
                    _(
                        "an opening balance for {account} must come before its other entries, "
                        "but it already has an entry dated {day}"
                    ).format(account=e.account, day=earlier),
                )
            )
            continue
        existing = conn.execute(
            "SELECT id FROM transactions t WHERE type = 'opening' AND account = ? AND fund = ?"
            " AND reverses IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)",
            (e.account, e.fund),
        ).fetchone()
        if existing or (e.account, e.fund) in seen:
            problems.append(
                (
                    i,
                    _("{account} already has an opening balance for the fund {fund}").format(
                        account=e.account, fund=e.fund
                    ),
                )
            )
        seen.add((e.account, e.fund))
    return problems


def before_opening_problems(
    conn: sqlite3.Connection, entries: Sequence[NewEntry]
) -> list[tuple[int, str]]:
    """Nothing may be dated before an account's opening balance: that is where its book starts."""
    problems: list[tuple[int, str]] = []
    for i, e in enumerate(entries):
        if e.type == EntryType.OPENING:
            continue
        for acc in {e.account, e.to_account} - {None}:
            row = conn.execute(
                "SELECT min(date) FROM transactions t WHERE type = 'opening' AND account = ?"
                " AND reverses IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)",
                (acc,),
            ).fetchone()
            if row[0] is not None and e.date.isoformat() < row[0]:
                problems.append(
                    (
                        i,
                        _(
                            "{account} starts with its opening balance on {day}; nothing can be "
                            "dated before it"
                        ).format(account=acc, day=row[0]),
                    )
                )
    return problems


# --- writing -----------------------------------------------------------------------------


def insert_entry(
    commit: Commit,
    user: User,
    entry: NewEntry,
    *,
    sign: int = 1,
    reverses: int | None = None,
    reason: str = "",
    import_id: int | None = None,
    recorded_at: str | None = None,
) -> int:
    """Store one checked entry with its postings and chain it, inside the caller's commit.
    Returns its entry number (1, 2, 3... over entries only).

    ``recorded_at`` lets an import stamp all its rows with the one moment it was saved.
    """
    conn = commit.conn
    # Two subqueries: SQLite reads a lone max() from the index; max(a), max(b) together
    # would scan the whole table for every entry.
    entry_id, number = conn.execute(
        "SELECT coalesce((SELECT max(id) FROM transactions), 0) + 1,"
        " coalesce((SELECT max(number) FROM transactions), 0) + 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO transactions (id, number, date, type, amount, code, fund, account,"
        " to_account, counterparty, description, reference, user_id, recorded_at, reverses,"
        " reason, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id,
            number,
            entry.date.isoformat(),
            entry.type.value,
            sign * entry.amount,
            entry.code,
            entry.fund,
            entry.account,
            entry.to_account,
            entry.counterparty,
            entry.description,
            entry.reference,
            user.id,
            recorded_at or storage.now_text(),
            reverses,
            reason,
            import_id,
        ),
    )
    conn.executemany(
        "INSERT INTO postings (transaction_id, account, fund, amount) VALUES (?, ?, ?, ?)",
        [(entry_id, *p) for p in postings(entry, sign)],
    )
    commit.append("transaction", str(entry_id))
    return int(number)


def _refuse(problems: list[str], shortfall: Sequence[Shortfall] = ()) -> None:
    if problems:
        raise InvalidInput(_("Refused: {reason}.").format(reason="; ".join(problems)))
    if shortfall:
        raise Overdraft(
            _("Refused: {reason}.").format(reason="; ".join(s.message() for s in shortfall))
        )


def refuse_closed(conn: sqlite3.Connection, day: date) -> None:
    if is_closed(conn, day.year):
        raise ClosedYear(closed_message(day.year))


def closed_message(year: int) -> str:
    return _("{year} is a closed fiscal year: nothing more can be posted in it").format(year=year)


def normalised(entry: NewEntry) -> NewEntry:
    """The entry's texts as they are stored and chained: trimmed, NFC."""
    return replace(
        entry,
        counterparty=nfc(entry.counterparty.strip()),
        description=nfc(entry.description.strip()),
        reference=nfc(entry.reference.strip()),
    )


def record(ledger: Ledger, user: User, entry: NewEntry) -> int:
    """Post one receipt, payment, transfer or opening balance; returns its entry number."""
    require(user, Action.RECORD)
    entry = normalised(entry)
    with ledger.write(user) as commit:
        conn = commit.conn
        refuse_closed(conn, entry.date)
        problems = entry_problems(conn, entry)
        _refuse(problems)
        problems += [m for _i, m in opening_problems(conn, [entry])]
        problems += [m for _i, m in before_opening_problems(conn, [entry])]
        _refuse(problems, shortfalls(conn, cash_effects(entry)))
        number = insert_entry(commit, user, entry)
        commit.event(
            "entry.record",
            f"{number} {entry.type.value} {entry.amount} {entry.date.isoformat()}",
        )
    return number


def reverse(ledger: Ledger, user: User, entry_id: int, reason: str, on: date | None = None) -> int:
    """Post the reversing entry of entry number ``entry_id``, dated ``on`` (today by default).
    Returns the reversal's entry number."""
    require(user, Action.RECORD)
    reason = nfc(reason.strip())
    on = on or date.today()
    with ledger.write(user) as commit:
        conn = commit.conn
        row = conn.execute(
            "SELECT t.date, t.type, t.amount, t.code, t.fund, t.account, t.to_account,"
            " t.counterparty, t.description, t.reference,"
            " (SELECT o.number FROM transactions o WHERE o.id = t.reverses), t.id"
            " FROM transactions t WHERE t.number = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            raise InvalidInput(_("There is no entry number {id}.").format(id=entry_id))
        if row[10] is not None:
            raise InvalidInput(
                _(
                    "Entry {id} is itself a reversal (of entry {other}); it cannot be reversed."
                ).format(id=entry_id, other=row[10])
            )
        done = conn.execute(
            "SELECT number FROM transactions WHERE reverses = ?", (row[11],)
        ).fetchone()
        if done:
            raise InvalidInput(
                _("Entry {id} was already reversed by entry {other}.").format(
                    id=entry_id, other=done[0]
                )
            )
        if not reason:
            raise InvalidInput(_("Give the reason for the reversal."))
        refuse_closed(conn, on)
        problems = _check_text(_("Reason"), reason, multiline=True)
        if on.isoformat() < row[0]:
            problems.append(
                _("a reversal cannot be dated before the entry it reverses ({day})").format(
                    day=row[0]
                )
            )
        original = NewEntry(
            date=on,
            type=EntryType(row[1]),
            amount=int(row[2]),
            code=row[3],
            fund=row[4],
            account=row[5],
            to_account=row[6],
            counterparty=row[7],
            description=row[8],
            reference=row[9],
        )
        _refuse(problems, shortfalls(conn, cash_effects(original, sign=-1)))
        new_id = insert_entry(commit, user, original, sign=-1, reverses=int(row[11]), reason=reason)
        commit.event("entry.reverse", f"{new_id} reverses {entry_id}: {reason}")
    return new_id


def close_year(ledger: Ledger, user: User, year: int) -> None:
    """No more postings dated in ``year``. A closed year stays closed."""
    require(user, Action.CLOSE_YEAR)
    with ledger.write(user) as commit:
        conn = commit.conn
        if is_closed(conn, year):
            raise InvalidInput(_("{year} is already closed.").format(year=year))
        if year >= date.today().year:
            raise InvalidInput(
                _("{year} has not ended yet; a year can be closed once it is over.").format(
                    year=year
                )
            )
        conn.execute(
            "INSERT INTO closed_years (year, user_id, closed_at) VALUES (?, ?, ?)",
            (year, user.id, storage.now_text()),
        )
        commit.append("closed_year", str(year))
        commit.event("year.close", str(year))


def closed_years(conn: sqlite3.Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT year FROM closed_years ORDER BY year")]


def clock_warning(conn: sqlite3.Connection) -> str | None:
    """A warning when this PC's clock is earlier than the ledger's last saved entry."""
    row = conn.execute("SELECT max(recorded_at) FROM transactions").fetchone()
    if not row or not row[0]:
        return None
    try:
        last = datetime.fromisoformat(row[0])
    except ValueError:
        return None
    now = datetime.now().astimezone()
    if now < last:
        return _(
            "This computer's clock says {now}, which is earlier than the last saved entry "
            "({last}). Check the date and time before saving anything."
        ).format(now=now.isoformat(timespec="minutes"), last=last.isoformat(timespec="minutes"))
    return None


__all__ = [
    "EntryType",
    "NewEntry",
    "Shortfall",
    "close_year",
    "record",
    "reverse",
]
