"""Receipts, payments, transfers, opening balances and reversals: the posted journal.

Each entry is stored as a headline (what the clerk typed) plus its balanced double-entry
postings, and chained. Posted entries are never edited or deleted: a mistake is corrected by
a reversing entry, which carries the negative amount of the entry it reverses.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, chain, holds, storage
from ruralcouncil.ledger.classification import (
    CASH,
    DEFAULT_CASH_ACCOUNT,
    EXPENDITURE,
    GENERAL_FUND,
    INTERFUND,
    OPENING_EQUITY,
    REVENUE,
)
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.entry_types import EntryType as EntryType  # its own, and callers'
from ruralcouncil.ledger.errors import ClosedYear, InvalidInput, Overdraft
from ruralcouncil.ledger.holds import Floor

if TYPE_CHECKING:
    from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount, format_plain
from ruralcouncil.ledger.parse import MAX_TEXT, nfc, text_problem
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be posted. ``amount`` is positive tiyn; ``category`` is the code of
    a receipt's revenue source or a payment's expenditure program (None for a transfer or an
    opening balance); ``account`` and ``to_account`` are cash accounts' codes."""

    date: date
    type: EntryType
    amount: int
    category: str | None = None
    fund: str = GENERAL_FUND
    account: str = DEFAULT_CASH_ACCOUNT
    to_account: str | None = None
    counterparty: str = ""
    description: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Shortfall:
    """A cash account or fund that would end a day below zero."""

    kind: str  # 'account' (a cash account), 'fund', or 'held' (a fund below its held gifts)
    code: str
    day: str
    balance: int

    def message(self) -> str:
        if self.kind == "held":
            return _(
                "the fund {code} would have {balance} free at the end of {day}: it holds "
                "flagged donations that the council has not yet acknowledged"
            ).format(code=self.code, balance=format_amount(self.balance), day=shown_date(self.day))
        template = (
            _("the cash account {code} would be at {balance} at the end of {day}")
            if self.kind == "account"
            else _("the fund {code} would be at {balance} at the end of {day}")
        )
        return template.format(
            code=self.code, balance=format_amount(self.balance), day=shown_date(self.day)
        )


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
    if catalog.kind_of(conn, entry.account) != CASH:
        problems.append(_("unknown cash account {code}").format(code=entry.account))
    kind = catalog.kind_of(conn, entry.category) if entry.category else None
    if entry.type == EntryType.RECEIPT:
        if not entry.category:
            problems.append(_("a receipt needs a revenue source code"))
        elif kind == EXPENDITURE:
            problems.append(
                _("{code} is an expenditure program, not a revenue source").format(
                    code=entry.category
                )
            )
        elif kind != REVENUE:
            problems.append(_("unknown revenue source {code}").format(code=entry.category))
    elif entry.type == EntryType.PAYMENT:
        if not entry.category:
            problems.append(_("a payment needs an expenditure program code"))
        elif kind == REVENUE:
            problems.append(
                _("{code} is a revenue source, not an expenditure program").format(
                    code=entry.category
                )
            )
        elif kind != EXPENDITURE:
            problems.append(_("unknown expenditure program {code}").format(code=entry.category))
    elif entry.category:
        problems.append(_("a transfer or an opening balance takes no category"))
    if entry.type == EntryType.TRANSFER:
        if not entry.to_account:
            problems.append(_("a transfer needs the account it goes to"))
        elif entry.to_account == entry.account:
            problems.append(_("a transfer must go to a different account"))
        elif catalog.kind_of(conn, entry.to_account) != CASH:
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
    """The balanced double entry: (book account, fund, amount) rows summing to zero, the
    book account being a cash account, the category or the opening-balance equity (codes)."""
    amount = sign * entry.amount
    fund = entry.fund
    if entry.type == EntryType.RECEIPT:
        assert entry.category
        return [(entry.account, fund, amount), (entry.category, fund, -amount)]
    if entry.type == EntryType.PAYMENT:
        assert entry.category
        return [(entry.category, fund, amount), (entry.account, fund, -amount)]
    if entry.type == EntryType.TRANSFER:
        assert entry.to_account
        return [(entry.to_account, fund, amount), (entry.account, fund, -amount)]
    return [(entry.account, fund, amount), (OPENING_EQUITY.code, fund, -amount)]


def cash_effects(entry: NewEntry, sign: int = 1) -> list[tuple[str, str, str, int]]:
    """(cash account, fund, day, change) for each cash account the entry moves (the same
    as its cash postings; an entry still missing its category moves its money the same)."""
    amount = sign * entry.amount
    day = entry.date.isoformat()
    if entry.type == EntryType.TRANSFER:
        assert entry.to_account
        return [
            (entry.to_account, entry.fund, day, amount),
            (entry.account, entry.fund, day, -amount),
        ]
    if entry.type == EntryType.PAYMENT:
        return [(entry.account, entry.fund, day, -amount)]
    return [(entry.account, entry.fund, day, amount)]


def _running_low(
    conn: sqlite3.Connection,
    column: str,
    key: str,
    changes: dict[str, int],
    cash_only: bool,
    floor: Floor | None = None,
) -> tuple[str, int] | None:
    """The first day from the earliest change on which ``key`` would end below zero (below
    ``floor``: held gifts, for a fund); the balance less the floor on that day."""
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
        free = balance - floor.on(day) if floor else balance
        if free < 0:
            return day, free
    return None


def shortfalls(
    conn: sqlite3.Connection,
    effects: Iterable[tuple[str, str, str, int]],
    *,
    releasing: int | None = None,
) -> list[Shortfall]:
    """Cash accounts and funds that would end some day below zero, ledger and changes together.

    Order within a day does not matter: only each day's closing balance counts. A fund may
    not go below zero either, because that would spend another fund's money without a
    council resolution; nor below what it holds of flagged gifts the council has not yet
    acknowledged (``holds``). ``releasing``: a receipt being reversed, whose gift then
    holds nothing.
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
        floor = Floor(holds.held_donations(conn, fund, releasing=releasing))
        low = _running_low(conn, "fund", fund, changes, cash_only=True, floor=floor)
        if low:
            found.append(Shortfall("held" if floor else "fund", fund, *low))
    return found


# --- every problem of proposed entries: the one check ------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a proposed entry: ``index`` is its place in the checked batch."""

    index: int
    message: str
    overdraft: bool = False  # a cash account or fund below zero, not a wrong value


# A balance that cannot be judged: ("account", code) or ("fund", code).
Unsure = tuple[str, str]

# What journal.text_problem would refuse in a text (a line break counts here: a description
# may hold one, and then the journal itself is asked).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Lone surrogates: what undecodable bytes become.
_NOT_TEXT = re.compile("[\ud800-\udfff]")


def check_entries(
    conn: sqlite3.Connection,
    entries: Sequence[NewEntry],
    *,
    unsure: Collection[Unsure] | None = (),
) -> list[Problem]:
    """Every problem of proposed entries, as if they were posted together: the checks of
    each entry on its own (:func:`entry_problems`: values, category, fund, cash accounts,
    closed years), the rules of opening balances, nothing dated before a cash account's
    opening, and no cash account or fund below zero at the end of any day (ledger and
    entries together). ``[]`` when all may be posted. :func:`record`, the entry dialog and
    the importer all ask this.

    The problems come in entry order, and for one entry in the order above. A shortfall is
    blamed on the entry that takes the balance below zero: on its day, the entries' own
    order decides which of that day's payments is one too many.

    Entries whose amount, fund or cash accounts are wrong count for no balance, and a
    balance they might have added to is not judged (a receipt typed wrong would make the
    payments after it look like an overdraft that is not there). ``unsure`` names more such
    balances (an importer's rows that could not be read); ``None``: judge no balance.
    """
    found: dict[int, list[Problem]] = defaultdict(list)
    single = _SingleChecks(conn)
    sound = bytearray(len(entries))  # 1 where the entry's money can be counted
    doubtful: set[Unsure] | None = set(unsure) if unsure is not None else None
    for index, entry in enumerate(entries):
        messages, money_ok = single.check(entry)
        if messages:
            found[index].extend(Problem(index, m) for m in messages)
        if money_ok:
            sound[index] = 1
        elif doubtful is not None:
            doubtful |= _may_add_to(entry)
    openings = _Openings(conn)
    for index, message in _opening_problems(conn, entries, openings):
        found[index].append(Problem(index, message))
    for index, message in _before_opening_problems(entries, openings):
        found[index].append(Problem(index, message))
    if doubtful is not None:
        effects = (
            effect
            for index, entry in enumerate(entries)
            if sound[index]
            for effect in cash_effects(entry)
        )
        for shortfall in shortfalls(conn, effects):
            if ("account" if shortfall.kind == "account" else "fund", shortfall.code) in doubtful:
                continue
            for index in _to_blame(entries, sound, shortfall):
                found[index].append(Problem(index, shortfall.message(), overdraft=True))
    return [problem for index in sorted(found) for problem in found[index]]


def _may_add_to(entry: NewEntry) -> set[Unsure]:
    """The balances an entry could raise: leaving it out might make them look short."""
    if entry.type in (EntryType.RECEIPT, EntryType.OPENING):
        return {("account", entry.account), ("fund", entry.fund)}
    if entry.type == EntryType.TRANSFER and entry.to_account:
        return {("account", entry.to_account)}
    return set()


def may_add_to(type_text: str, account: str, to_account: str, fund: str) -> set[Unsure] | None:
    """Like :func:`_may_add_to` for a row that could not be read whole (a bad date or
    amount): from what its cells say. ``None`` when it could raise anything."""
    try:
        kind = EntryType(type_text.strip().lower())
    except ValueError:
        return None
    return _may_add_to(
        NewEntry(
            date=date.min,
            type=kind,
            amount=1,
            fund=fund.strip() or GENERAL_FUND,
            account=account.strip() or DEFAULT_CASH_ACCOUNT,
            to_account=to_account.strip() or None,
        )
    )


class _SingleChecks:
    """:func:`entry_problems` for many entries, asking the database once per combination.

    Its answers depend on the year, the type, the category, the fund and the cash accounts,
    not on the day or the texts: a file of a million rows holds a few hundred combinations.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.rules: dict[tuple[object, ...], tuple[list[str], bool]] = {}

    def check(self, entry: NewEntry) -> tuple[list[str], bool]:
        """(the entry's problems, whether its money can be counted in balances)."""
        amount_ok = 0 < entry.amount <= MAX_AMOUNT
        key = (
            entry.date.year,
            entry.type,
            amount_ok,
            entry.category,
            entry.fund,
            entry.account,
            entry.to_account,
        )
        found = self.rules.get(key)
        if found is None:
            probe = replace(
                entry,
                date=date(entry.date.year, 1, 1),
                amount=entry.amount if not amount_ok else 1,
                counterparty="",
                description="",
                reference="",
            )
            found = self.rules[key] = (
                entry_problems(self.conn, probe),
                amount_ok and _money_sound(self.conn, probe),
            )
        texts = (entry.counterparty, entry.description, entry.reference)
        if any(len(t) > MAX_TEXT or _CONTROL.search(t) or _NOT_TEXT.search(t) for t in texts):
            return entry_problems(self.conn, entry), found[1]  # rare: let it say why
        return found


def _money_sound(conn: sqlite3.Connection, entry: NewEntry) -> bool:
    """The fund and the cash accounts exist and fit the type: the entry's money is clear."""
    if not catalog.fund_exists(conn, entry.fund):
        return False
    if catalog.kind_of(conn, entry.account) != CASH:
        return False
    if entry.type == EntryType.TRANSFER:
        return (
            entry.to_account is not None
            and entry.to_account != entry.account
            and catalog.kind_of(conn, entry.to_account) == CASH
        )
    return entry.to_account is None


def _to_blame(entries: Sequence[NewEntry], sound: bytearray, shortfall: Shortfall) -> list[int]:
    """The entries that take the cash account or fund below zero.

    On the day it ends below zero, that day's money in counts first, then the entries that
    take money out, in their own order: the first that goes below zero and any after it are
    blamed, not the ones the money still covered. When no entry takes money out that day
    (the ledger's own payment tips it over), the latest entries before it that took what
    that day needs are blamed, as few as cover the gap. Never empty.
    """
    by_fund = shortfall.kind in ("fund", "held")
    that_day: list[tuple[int, int]] = []
    before: list[tuple[str, int, int]] = []
    touching: int | None = None
    for index, entry in enumerate(entries):
        if not sound[index]:
            continue
        change = sum(
            amount
            for account, fund, _day, amount in cash_effects(entry)
            if (fund if by_fund else account) == shortfall.code
        )
        if touching is None and change:
            touching = index
        if change >= 0:
            continue
        day = entry.date.isoformat()
        if day == shortfall.day:
            that_day.append((index, change))
        elif day < shortfall.day:
            before.append((day, index, change))
    if that_day:
        balance = shortfall.balance - sum(change for _index, change in that_day)
        blamed = []
        for index, change in that_day:
            balance += change
            if balance < 0:
                blamed.append(index)
        return blamed
    blamed, gap = [], -shortfall.balance
    for _day, index, change in sorted(before, reverse=True):
        blamed.append(index)
        gap += change
        if gap <= 0:
            break
    return sorted(blamed) or [touching or 0]


class _Openings:
    """The opening balances that stand (posted and not reversed), asked once per account."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._funds: dict[str, dict[str, date]] = {}
        self._starts: dict[str, date | None] = {}

    def funds(self, account: str) -> dict[str, date]:
        """Fund -> the day of the account's standing opening balance in that fund."""
        found = self._funds.get(account)
        if found is None:
            found = self._funds[account] = {
                str(fund): date.fromisoformat(day)
                for fund, day in self.conn.execute(
                    "SELECT fund, min(date) FROM transactions t WHERE type = 'opening'"
                    " AND account = ? AND reverses IS NULL"
                    " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)"
                    " GROUP BY fund",
                    (account,),
                )
            }
        return found

    def start(self, account: str) -> date | None:
        """The day the account's book starts: its first standing opening balance."""
        if account not in self._starts:
            funds = self.funds(account)
            self._starts[account] = min(funds.values()) if funds else None
        return self._starts[account]


def _opening_problems(
    conn: sqlite3.Connection, entries: Sequence[NewEntry], openings: _Openings
) -> list[tuple[int, str]]:
    """An opening balance must be the first entry of its account, once per account and fund.

    Returns (index into entries, message). Earlier entries of the same batch count too.
    """
    problems: list[tuple[int, str]] = []
    found = [(i, e) for i, e in enumerate(entries) if e.type == EntryType.OPENING]
    if not found:
        return problems
    first_batch_day: dict[str, date] = {}
    for e in entries:
        if e.type == EntryType.OPENING:
            continue
        for acc in (e.account, e.to_account):
            if acc and (acc not in first_batch_day or e.date < first_batch_day[acc]):
                first_batch_day[acc] = e.date
    seen: set[tuple[str, str]] = set()
    for i, e in found:
        row = conn.execute(
            "SELECT min(date) FROM transactions WHERE (account = ? OR to_account = ?) AND date < ?",
            (e.account, e.account, e.date.isoformat()),
        ).fetchone()[0]
        earlier = date.fromisoformat(row) if row is not None else None
        batch = first_batch_day.get(e.account)
        if earlier is None and batch is not None and batch < e.date:
            earlier = batch
        if earlier is not None:
            problems.append(
                (
                    i,
                    _(
                        "an opening balance for {account} must come before its other entries, "
                        "but it already has an entry dated {day}"
                    ).format(account=e.account, day=shown_date(earlier)),
                )
            )
            continue
        if e.fund in openings.funds(e.account) or (e.account, e.fund) in seen:
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


def _before_opening_problems(
    entries: Sequence[NewEntry], openings: _Openings
) -> list[tuple[int, str]]:
    """Nothing may be dated before an account's opening balance: that is where its book starts."""
    problems: list[tuple[int, str]] = []
    for i, e in enumerate(entries):
        if e.type == EntryType.OPENING:
            continue
        for acc in (e.account, e.to_account):
            start = openings.start(acc) if acc else None
            if start is not None and e.date < start:
                problems.append(
                    (
                        i,
                        _(
                            "{account} starts with its opening balance on {day}; nothing can be "
                            "dated before it"
                        ).format(account=acc, day=shown_date(start)),
                    )
                )
    return problems


# --- dates after today -------------------------------------------------------------------


@dataclass(frozen=True)
class DateWarning:
    """An entry dated after today: ``needs_confirmation`` when more than a year ahead, which
    is refused unless the user confirms (``allow_future`` of :func:`record`)."""

    message: str
    needs_confirmation: bool


def a_year_after(today: date) -> date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def date_warnings(day: date, today: date | None = None) -> DateWarning | None:
    """What to say before saving an entry dated ``day``: None for today or earlier.

    An entry is dated when the money moves, so a later date is most likely a typing mistake
    (and it drops out of the current year's view). Up to a year ahead it is a warning; more
    than a year ahead it needs the user's confirmation.
    """
    today = today or date.today()
    if day <= today:
        return None
    if day > a_year_after(today):
        return DateWarning(
            _(
                "The date {day} is more than a year after today ({today}). Entries are dated "
                "when the money moves: check the date. It is saved only if you confirm it."
            ).format(day=shown_date(day), today=shown_date(today)),
            needs_confirmation=True,
        )
    return DateWarning(
        _(
            "The date {day} is after today ({today}). Entries are dated when the money moves: "
            "check the date."
        ).format(day=shown_date(day), today=shown_date(today)),
        needs_confirmation=False,
    )


def _refuse_far_future(day: date, allow_future: bool) -> None:
    warning = date_warnings(day)
    if warning is not None and warning.needs_confirmation and not allow_future:
        raise InvalidInput(
            _(
                "Refused: the date {day} is more than a year after today ({today}). Check "
                "the date; if it is right, confirm it (on the command line with --future)."
            ).format(day=shown_date(day), today=shown_date(date.today()))
        )


# --- writing -----------------------------------------------------------------------------


_TRANSACTION_NAMES = chain.TRANSACTION_NAMES
_INSERT_TRANSACTION = (
    f"INSERT INTO transactions ({', '.join(_TRANSACTION_NAMES)})"
    f" VALUES ({', '.join('?' * len(_TRANSACTION_NAMES))})"
)
# Entries written per statement by :func:`insert_entries` (and between its progress reports).
INSERT_BATCH = 1000


def _entry_row(
    entry: NewEntry,
    entry_id: int,
    number: int,
    user_id: int,
    recorded_at: str,
    *,
    sign: int = 1,
    reverses: int | None = None,
    reason: str = "",
    import_id: int | None = None,
) -> tuple[object, ...]:
    """The stored row of an entry, column by column as ``_TRANSACTION_NAMES`` lists them."""
    return (
        entry_id,
        number,
        entry.date.isoformat(),
        entry.type.value,
        sign * entry.amount,
        entry.category,
        entry.fund,
        entry.account,
        entry.to_account,
        entry.counterparty,
        entry.description,
        entry.reference,
        user_id,
        recorded_at,
        reverses,
        reason,
        import_id,
    )


def _next_ids(conn: sqlite3.Connection) -> tuple[int, int]:
    """The id and the entry number the next entry gets."""
    # Two subqueries: SQLite reads a lone max() from the index; max(a), max(b) together
    # would scan the whole table for every entry.
    entry_id, number = conn.execute(
        "SELECT coalesce((SELECT max(id) FROM transactions), 0) + 1,"
        " coalesce((SELECT max(number) FROM transactions), 0) + 1"
    ).fetchone()
    return int(entry_id), int(number)


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
    posting_rows: Sequence[tuple[str, str, int]] | None = None,
) -> int:
    """Store one checked entry with its postings and chain it, inside the caller's commit.
    Returns its entry number (1, 2, 3... over entries only).

    ``recorded_at`` lets an import stamp all its rows with the one moment it was saved;
    ``posting_rows`` replaces the postings the entry's type makes (a fund transfer, a
    reversal: the negative of what was posted).
    """
    conn = commit.conn
    entry_id, number = _next_ids(conn)
    conn.execute(
        _INSERT_TRANSACTION,
        _entry_row(
            entry,
            entry_id,
            number,
            user.id,
            recorded_at or storage.now_text(),
            sign=sign,
            reverses=reverses,
            reason=reason,
            import_id=import_id,
        ),
    )
    conn.executemany(
        "INSERT INTO postings (transaction_id, account, fund, amount) VALUES (?, ?, ?, ?)",
        [(entry_id, *p) for p in (posting_rows or postings(entry, sign))],
    )
    commit.append("transaction", str(entry_id))
    return number


def insert_entries(
    commit: Commit,
    user: User,
    entries: Sequence[NewEntry],
    *,
    import_id: int | None = None,
    recorded_at: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int] | None:
    """Store and chain many checked entries, in order, inside the caller's commit: the same
    rows, postings and chain entries, byte for byte, as :func:`insert_entry` for each in
    turn, written :data:`INSERT_BATCH` entries per statement.

    Nothing just written is read back: the ids and numbers continue from the ledger's last
    ones (as ``insert_entry`` takes them, and as SQLite would number the postings), and each
    entry's chained content is its row as stored, built from the entry whose texts were
    normalised when it was read (``normalised``; the importer's ``_text``). ``progress(done)``
    is called after each batch. Returns the first and last entry numbers (None: no entries).
    """
    if not entries:
        return None
    conn = commit.conn
    entry_id, number = _next_ids(conn)
    first = number
    posting_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM postings").fetchone()[0])
    stamp = recorded_at or storage.now_text()
    names = _TRANSACTION_NAMES
    for start in range(0, len(entries), INSERT_BATCH):
        rows: list[tuple[object, ...]] = []
        posting_rows: list[tuple[int, int, str, str, int]] = []
        contents: list[tuple[str, chain.Content]] = []
        for entry in entries[start : start + INSERT_BATCH]:
            row = _entry_row(entry, entry_id, number, user.id, stamp, import_id=import_id)
            items: list[list[object]] = []
            for account, fund, amount in postings(entry):
                posting_rows.append((posting_id, entry_id, account, fund, amount))
                items.append([posting_id, account, fund, amount])
                posting_id += 1
            content: chain.Content = dict(zip(names, row, strict=True))
            content["postings"] = items
            rows.append(row)
            contents.append((str(entry_id), content))
            entry_id += 1
            number += 1
        conn.executemany(_INSERT_TRANSACTION, rows)
        conn.executemany(
            "INSERT INTO postings (id, transaction_id, account, fund, amount)"
            " VALUES (?, ?, ?, ?, ?)",
            posting_rows,
        )
        commit.append_many("transaction", contents)
        if progress is not None:
            progress(start + len(rows))
    return first, number - 1


def _refuse(problems: Sequence[Problem]) -> None:
    """Raise when there is any problem: Overdraft when the balances are all that is wrong."""
    if not problems:
        return
    text = _("Refused: {reason}.").format(reason="; ".join(p.message for p in problems))
    if all(p.overdraft for p in problems):
        raise Overdraft(text)
    raise InvalidInput(text)


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


def record(
    ledger: Ledger,
    user: User,
    entry: NewEntry,
    *,
    allow_future: bool = False,
    request_id: int | None = None,
    party_id: int | None = None,
    register: RegisterLink | None = None,
) -> int:
    """Post one receipt, payment, transfer or opening balance; returns its entry number.

    An entry dated more than a year after today is refused unless ``allow_future`` (the
    user confirmed the date: see :func:`date_warnings`). A payment names the approved
    spending request it pays (``request_id``), which a year with an adopted budget requires;
    a receipt or payment may name the party paying or paid (``party_id``), whose name is
    then the counterparty unless one is given. ``register``: the subsidy, loan, lease or
    fine the entry belongs to, whose rules it then obeys (a subsidy's money goes into the
    subsidy's fund when no other fund was chosen; a loan's repayment is split into principal
    and interest; the lender, tenant or person fined is the party).
    """
    from ruralcouncil.ledger import council, register_links, spending

    require(user, Action.RECORD)
    entry = normalised(entry)
    _refuse_far_future(entry.date, allow_future)
    with ledger.write(user) as commit:
        conn = commit.conn
        refuse_closed(conn, entry.date)
        checked = None
        if register:
            checked = register_links.check(
                conn, entry, register, fund_given=entry.fund != GENERAL_FUND
            )
            entry = checked.entry
            # The register's party (the lender, the tenant, the one fined) is the entry's:
            # a repayment's request must be for the lender.
            if party_id is None:
                party_id = checked.party_id
        if request_id is not None:
            paid_to = spending.get(conn, request_id)
            if party_id is not None and party_id != paid_to.party_id:
                raise InvalidInput(
                    _("Spending request {id} is for {party}, not for {other}.").format(
                        id=request_id,
                        party=paid_to.party,
                        other=council.get_party(conn, party_id).name,
                    )
                )
            party_id = paid_to.party_id
        if party_id is not None:
            if entry.type not in (EntryType.RECEIPT, EntryType.PAYMENT):
                raise InvalidInput(_("Only a receipt or a payment names a party."))
            party = council.get_party(conn, party_id)
            if not entry.counterparty:
                entry = replace(entry, counterparty=party.name)
        problems = check_entries(conn, [entry])
        from ruralcouncil.ledger import budget

        problems += [
            Problem(0, text)
            for text in holds.FundRules(conn).entry_problems(
                entry.type.value,
                entry.category,
                entry.fund,
                budget.has_budget(conn, entry.date.year),
                registered=bool(register),
            )
        ]
        if checked is not None:
            problems += [Problem(0, text) for text in checked.problems]
        if entry.type == EntryType.PAYMENT:
            problems += [
                Problem(0, text)
                for text in spending.payment_problems(
                    conn, user, entry.date, entry.category, entry.fund, entry.amount, request_id
                )
            ]
        elif request_id is not None:
            problems.append(Problem(0, _("only a payment pays a spending request")))
        _refuse(problems)
        number = insert_entry(commit, user, entry)
        spending.link_entry(commit, _id_of(conn, number), request_id, party_id)
        if register and checked is not None:
            register_links.insert(commit, _id_of(conn, number), register, checked)
        commit.event(
            "entry.record",
            f"{number} {entry.type.value} {entry.amount} {entry.date.isoformat()}",
        )
    return number


def post_for_register(
    commit: Commit,
    user: User,
    entry: NewEntry,
    *,
    extra: Sequence[str] = (),
) -> tuple[int, int]:
    """Check and post one entry that a register makes (a donation's receipt, a household's
    contribution, a refund), inside the register's commit: every check of ``record``
    except those the register itself stands in for. ``extra``: the register's own
    problems, refused with the journal's. Returns (entry number, transaction id)."""
    entry = normalised(entry)
    _refuse_far_future(entry.date, False)
    refuse_closed(commit.conn, entry.date)
    problems = check_entries(commit.conn, [entry]) + [Problem(0, text) for text in extra]
    _refuse(problems)
    number = insert_entry(commit, user, entry)
    return number, _id_of(commit.conn, number)


def _id_of(conn: sqlite3.Connection, number: int) -> int:
    return int(
        conn.execute("SELECT id FROM transactions WHERE number = ?", (number,)).fetchone()[0]
    )


def reverse(
    ledger: Ledger,
    user: User,
    entry_id: int,
    reason: str,
    on: date | None = None,
    *,
    allow_future: bool = False,
) -> int:
    """Post the reversing entry of entry number ``entry_id``, dated ``on`` (today by default).
    Returns the reversal's entry number. A date more than a year ahead needs
    ``allow_future``, as in :func:`record`."""
    require(user, Action.RECORD)
    reason = nfc(reason.strip())
    on = on or date.today()
    _refuse_far_future(on, allow_future)
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
                    day=shown_date(row[0])
                )
            )
        original = NewEntry(
            date=on,
            type=EntryType(row[1]),
            amount=int(row[2]),
            category=row[3],
            fund=row[4],
            account=row[5],
            to_account=row[6],
            counterparty=row[7],
            description=row[8],
            reference=row[9],
        )
        if problems:
            raise InvalidInput(_("Refused: {reason}.").format(reason="; ".join(problems)))
        # The reversal posts the negative of what was posted (for a fund transfer, each
        # fund's half), and moves each cash account and fund back by as much.
        undo = [
            (str(p[0]), str(p[1]), -int(p[2]))
            for p in conn.execute(
                "SELECT account, fund, amount FROM postings WHERE transaction_id = ? ORDER BY id",
                (int(row[11]),),
            )
        ]
        effects = [
            (account, fund, on.isoformat(), amount)
            for account, fund, amount in undo
            if catalog.kind_of(conn, account) == CASH
        ]
        _refuse(
            [
                Problem(0, s.message(), overdraft=True)
                for s in shortfalls(conn, effects, releasing=int(row[11]))
            ]
        )
        new_id = insert_entry(
            commit,
            user,
            original,
            sign=-1,
            reverses=int(row[11]),
            reason=reason,
            posting_rows=undo,
        )
        # A reversed payment un-pays its request: the reversal carries the same link.
        from ruralcouncil.ledger import spending

        spending.link_entry(commit, _id_of(conn, new_id), *spending.link_of(conn, int(row[11])))
        # A reversed contribution (or refund) un-pays its household.
        from ruralcouncil.ledger import projects

        projects.copy_link(commit, int(row[11]), _id_of(conn, new_id))
        from ruralcouncil.ledger import register_links

        register_links.copy_on_reversal(commit, int(row[11]), _id_of(conn, new_id))
        commit.event("entry.reverse", f"{new_id} reverses {entry_id}: {reason}")
    return new_id


def fund_transfer(
    ledger: Ledger,
    user: User,
    day: date,
    from_fund: str,
    to_fund: str,
    amount: int,
    ref: str,
    *,
    account: str = DEFAULT_CASH_ACCOUNT,
) -> int:
    """Move ``amount`` of the money in cash account ``account`` from one fund to another, by
    resolution ``ref`` about ``fund-transfer:FROM:TO:AMOUNT``; returns the entry's number.

    Stored as a transfer within the one account whose postings move the money between the
    funds, each fund's half balanced against ``INTERFUND``; reversed like any entry."""
    from ruralcouncil.ledger import meetings

    require(user, Action.RECORD)
    _refuse_far_future(day, False)
    with ledger.write(user) as commit:
        conn = commit.conn
        refuse_closed(conn, day)
        subject = meetings.parse_subject(
            conn, f"fund-transfer:{from_fund}:{to_fund}:{format_plain(amount)}"
        )
        refusal = holds.transfer_out_refusal(conn, from_fund)
        if refusal is not None:
            raise InvalidInput(refusal)
        if catalog.kind_of(conn, account) != CASH:
            raise InvalidInput(_("unknown cash account {code}").format(code=account[:40]))
        number_hint = _next_ids(conn)[1]
        resolution = meetings.use(commit, user, ref, subject, "fund.transfer", str(number_hint))
        if day.isoformat() < resolution.date:
            raise InvalidInput(
                _("A fund transfer cannot be dated before its resolution ({day}).").format(
                    day=shown_date(resolution.date)
                )
            )
        day_text = day.isoformat()
        _refuse(
            [
                Problem(0, s.message(), overdraft=True)
                for s in shortfalls(
                    conn,
                    [(account, from_fund, day_text, -amount), (account, to_fund, day_text, amount)],
                )
            ]
        )
        entry = NewEntry(
            date=day,
            type=EntryType.TRANSFER,
            amount=amount,
            fund=from_fund,
            account=account,
            to_account=account,
            description=nfc(
                _("Fund transfer from {source} to {target} by resolution {ref}").format(
                    source=from_fund, target=to_fund, ref=resolution.ref
                )
            ),
            reference=resolution.ref,
        )
        number = insert_entry(
            commit,
            user,
            entry,
            posting_rows=[
                (account, from_fund, -amount),
                (INTERFUND.code, from_fund, amount),
                (account, to_fund, amount),
                (INTERFUND.code, to_fund, -amount),
            ],
        )
        commit.event(
            "entry.fund_transfer", f"{number} {from_fund} -> {to_fund} {amount} {resolution.ref}"
        )
    return number


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


__all__ = [
    "DateWarning",
    "EntryType",
    "NewEntry",
    "Problem",
    "Shortfall",
    "check_entries",
    "close_year",
    "date_warnings",
    "record",
    "reverse",
]
