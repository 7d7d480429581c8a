"""Reading the journal a page at a time, by key, never by OFFSET on the hot paths.

The ledger page and ``ledger --json`` both read through these functions. A page is asked for
by the (date, id) key of a neighbouring row, so the first and the last page cost the same at
a million entries as at ten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from ruralcouncil.ledger import schema

Key = tuple[str, int]  # (date, internal id): the journal's order

# An entry's number (what people see) counts entries only; its internal id orders the pages
# (the indexes are on it) and ties it to its chain entry. Entries made before signed entries
# (version 1) keep their old number, which was their chain position, as `legacy_id`.
_COLUMNS = (
    "t.number, t.date, t.type, t.amount, t.code, t.fund, t.account, t.to_account,"
    " t.counterparty, t.description, t.reference, u.name, t.recorded_at,"
    " (SELECT o.number FROM transactions o WHERE o.id = t.reverses), t.reason,"
    " (SELECT r.number FROM transactions r WHERE r.reverses = t.id), t.id,"
    " (SELECT max(c.seq) FROM chain c WHERE c.kind = 'transaction'"
    "  AND c.record = CAST(t.id AS TEXT))"
)
_FROM = " FROM transactions t LEFT JOIN users u ON u.id = t.user_id"


@dataclass(frozen=True)
class EntryRow:
    """A posted entry as people see it (``category``: the revenue source's or expenditure
    program's code, None for a transfer or an opening; ``account``, ``to_account``: cash
    accounts' codes)."""

    id: int
    date: str
    type: str
    amount: int  # signed: a reversal is negative
    category: str | None
    fund: str
    account: str
    to_account: str | None
    counterparty: str
    description: str
    reference: str
    user: str
    recorded_at: str
    reverses: int | None
    reason: str
    reversed_by: int | None
    row_id: int = 0
    chain_seq: int | None = None

    @property
    def key(self) -> Key:
        return (self.date, self.row_id)

    def effect_on(self, account: str) -> int:
        """How much this entry moved the cash account ``account``'s balance."""
        return effect_on(account, self.type, self.amount, self.account, self.to_account)

    def as_json(self, legacy_cutoff: int = 0) -> dict[str, Any]:
        """``ledger --json``'s object; ``legacy_cutoff`` from :func:`legacy_cutoff`."""
        return {
            "id": self.id,
            "legacy_id": self.row_id if self.row_id <= legacy_cutoff else None,
            "date": self.date,
            "type": self.type,
            "amount": self.amount,
            "category": self.category,
            "fund": self.fund,
            "account": self.account,
            "to_account": self.to_account,
            "counterparty": self.counterparty,
            "description": self.description,
            "reference": self.reference,
            "reverses": self.reverses,
            "reversed_by": self.reversed_by,
            "chain_seq": self.chain_seq,
            "reason": self.reason,
            "user": self.user,
            "recorded_at": self.recorded_at,
        }


def effect_on(account: str, kind: str, amount: int, source: str, target: str | None) -> int:
    """How much an entry of type ``kind`` and ``amount`` from cash account ``source`` (to
    ``target``, for a transfer) moved the cash account ``account``'s balance."""
    if kind == "transfer":
        if source == target:  # a fund transfer: the money stays in the account
            return 0
        if account == target:
            return amount
        return -amount if account == source else 0
    if account != source:
        return 0
    return -amount if kind == "payment" else amount


@dataclass(frozen=True)
class EntryFilter:
    """Which entries: of a year, a type, a category, a fund, a cash account (either side of
    a transfer), or holding a text."""

    year: int | None = None
    type: str | None = None
    category: str | None = None
    fund: str | None = None
    account: str | None = None
    text: str = ""

    def where(self, since: str | None = None, until: str | None = None) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters. ``since`` and ``until`` narrow the dates
        further (a page's key): the index range then starts at the key, not at 1 January."""
        clauses: list[str] = []
        params: list[Any] = []
        low = f"{self.year:04d}-01-01" if self.year is not None else None
        high = f"{self.year:04d}-12-31" if self.year is not None else None
        if since is not None and (low is None or since > low):
            low = since
        if until is not None and (high is None or until < high):
            high = until
        if low is not None and high is not None:
            clauses.append("t.date BETWEEN ? AND ?")
            params += [low, high]
        elif low is not None:
            clauses.append("t.date >= ?")
            params.append(low)
        elif high is not None:
            clauses.append("t.date <= ?")
            params.append(high)
        if self.type:
            clauses.append("t.type = ?")
            params.append(self.type)
        if self.category:
            clauses.append("t.code = ?")
            params.append(self.category)
        if self.fund:
            clauses.append("t.fund = ?")
            params.append(self.fund)
        if self.account:
            # Unary + keeps SQLite on the (date, id) index, so a page of a cash account stops
            # after LIMIT rows instead of sorting every entry of the account first.
            clauses.append("(+t.account = ? OR +t.to_account = ?)")
            params += [self.account, self.account]
        if self.text.strip():
            like = "%" + _escape_like(self.text.strip()) + "%"
            clauses.append(
                "(t.counterparty LIKE ? ESCAPE '\\' OR t.description LIKE ? ESCAPE '\\'"
                " OR t.reference LIKE ? ESCAPE '\\' OR t.reason LIKE ? ESCAPE '\\'"
                " OR CAST(t.number AS TEXT) = ?)"
            )
            params += [like, like, like, like, self.text.strip()]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _and(where: str) -> str:
    return where + (" AND " if where else " WHERE ")


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[EntryRow]:
    return [EntryRow(*row) for row in conn.execute(sql, params)]


def count(conn: sqlite3.Connection, flt: EntryFilter) -> int:
    by_days = _count_by_days(conn, flt)
    if by_days is not None:
        return by_days
    if flt.account:
        # Two index counts: an entry never has the same account on both sides.
        where, params = replace(flt, account=None).where()
        return sum(
            int(
                conn.execute(
                    f"SELECT count(*) FROM transactions t{_and(where)}t.{column} = ?",
                    [*params, flt.account],
                ).fetchone()[0]
            )
            for column in ("account", "to_account")
        )
    where, params = flt.where()
    return int(conn.execute("SELECT count(*) FROM transactions t" + where, params).fetchone()[0])


def _count_by_days(conn: sqlite3.Connection, flt: EntryFilter) -> int | None:
    """The count of a year's (or every year's) entries, of one type or all, added up from
    ``daily_entries``: one row per day and type, so it costs the same at a million entries as
    at ten. None when the filter asks more of an entry than its day and type, or the ledger
    is older than that table (read to be verified)."""
    if flt.category or flt.fund or flt.account or flt.text.strip():
        return None
    if not schema.has_table(conn, "daily_entries"):
        return None
    where, params = flt.where()  # on t.date and t.type only, which daily_entries has
    sql = "SELECT coalesce(sum(entries), 0) FROM daily_entries t" + where
    return int(conn.execute(sql, params).fetchone()[0])


def after(
    conn: sqlite3.Connection, flt: EntryFilter, key: Key | None, limit: int = 200
) -> list[EntryRow]:
    """Up to ``limit`` rows following ``key`` (from the start when None), oldest first."""
    # The range starts at the key's day (keyset paging): with only the year's bounds SQLite
    # would walk the index from 1 January and test the key on every row before it.
    where, params = flt.where(since=key[0] if key is not None else None)
    if key is not None:
        where = _and(where) + "(t.date, t.id) > (?, ?)"
        params += list(key)
    sql = f"SELECT {_COLUMNS}{_FROM}{where} ORDER BY t.date, t.id LIMIT ?"
    return _rows(conn, sql, [*params, limit])


def before(
    conn: sqlite3.Connection, flt: EntryFilter, key: Key | None, limit: int = 200
) -> list[EntryRow]:
    """Up to ``limit`` rows preceding ``key`` (from the end when None), oldest first."""
    where, params = flt.where(until=key[0] if key is not None else None)
    if key is not None:
        where = _and(where) + "(t.date, t.id) < (?, ?)"
        params += list(key)
    sql = f"SELECT {_COLUMNS}{_FROM}{where} ORDER BY t.date DESC, t.id DESC LIMIT ?"
    return list(reversed(_rows(conn, sql, [*params, limit])))


def at_offset(
    conn: sqlite3.Connection, flt: EntryFilter, offset: int, limit: int = 200
) -> list[EntryRow]:
    """For a jump into the middle, where no neighbouring key is known."""
    where, params = flt.where()
    sql = f"SELECT {_COLUMNS}{_FROM}{where} ORDER BY t.date, t.id LIMIT ? OFFSET ?"
    return _rows(conn, sql, [*params, limit, offset])


def get(conn: sqlite3.Connection, number: int) -> EntryRow | None:
    """The entry with this number (as people see it)."""
    rows = _rows(conn, f"SELECT {_COLUMNS}{_FROM} WHERE t.number = ?", [number])
    return rows[0] if rows else None


def last_number(conn: sqlite3.Connection) -> int:
    """The highest entry number (0 when there are none): one step down its unique index."""
    found = conn.execute("SELECT max(number) FROM transactions").fetchone()
    return int(found[0]) if found and found[0] is not None else 0


def legacy_cutoff(conn: sqlite3.Connection) -> int:
    """Entries up to this internal id were made before signed entries (version 1); their old
    number, printed on vouchers then, is their internal id. 0 when there are none."""
    import json

    row = conn.execute(
        "SELECT payload FROM chain WHERE kind = 'schema' ORDER BY seq LIMIT 1"
    ).fetchone()
    if row is None:
        return 0
    try:
        count = int(json.loads(row[0])["content"].get("legacy", {}).get("transactions", 0))
    except (ValueError, TypeError, KeyError, AttributeError):
        return 0
    if count <= 0:
        return 0
    found = conn.execute(
        "SELECT id FROM transactions ORDER BY id LIMIT 1 OFFSET ?", (count - 1,)
    ).fetchone()
    return int(found[0]) if found else 0


def balance_before(
    conn: sqlite3.Connection, account: str, key: Key, fund: str | None = None
) -> int:
    """The balance of a cash account (in one fund, or all) just before the row at ``key``."""
    day, entry_id = key
    fund_clause = " AND fund = ?" if fund else ""
    fund_params = [fund] if fund else []
    earlier = conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM daily_totals WHERE account = ? AND date < ?"
        + fund_clause,
        [account, day, *fund_params],
    ).fetchone()[0]
    same_day = conn.execute(
        "SELECT COALESCE(SUM(p.amount), 0) FROM transactions t"
        " JOIN postings p ON p.transaction_id = t.id"
        " WHERE t.date = ? AND t.id < ? AND p.account = ?" + fund_clause.replace("fund", "p.fund"),
        [day, entry_id, account, *fund_params],
    ).fetchone()[0]
    return int(earlier) + int(same_day)


def account_moves(
    conn: sqlite3.Connection,
    account: str,
    first: Key,
    last: Key,
    fund: str | None = None,
    limit: int = 5000,
) -> list[tuple[Key, int]] | None:
    """Every entry from ``first`` to ``last`` (both included) that moved the cash account
    ``account`` (in ``fund``, or any), with how much, in journal order; None when there are
    more than ``limit`` (the caller then asks :func:`balance_before` row by row).

    Two index ranges, (account, date, id) and (to_account, date, id): rows of other cash
    accounts are never read.
    """
    where = (
        " WHERE t.{side} = ? AND t.date BETWEEN ? AND ?"
        " AND (t.date, t.id) >= (?, ?) AND (t.date, t.id) <= (?, ?)"
    )
    params: list[Any] = [account, first[0], last[0], *first, *last]
    # First how many there are, from the indexes alone (no row is read): a rare filter's
    # rows can lie thousands of entries apart.
    many = sum(
        int(
            conn.execute(
                "SELECT count(*) FROM transactions t" + where.format(side=side), params
            ).fetchone()[0]
        )
        for side in ("account", "to_account")
    )
    if many > limit:
        return None
    arm = "SELECT t.date, t.id, t.type, t.amount, t.account, t.to_account FROM transactions t"
    arm += where + (" AND t.fund = ?" if fund else "")
    if fund:
        params.append(fund)
    sql = (
        arm.format(side="account")
        + " UNION ALL "
        + arm.format(side="to_account")
        + " ORDER BY 1, 2 LIMIT ?"
    )
    found = conn.execute(sql, [*params, *params, limit + 1]).fetchall()
    if len(found) > limit:
        return None
    return [
        ((str(day), int(row_id)), effect_on(account, str(kind), int(amount), source, target))
        for day, row_id, kind, amount, source, target in found
    ]


def iterate(conn: sqlite3.Connection, flt: EntryFilter, batch: int = 2000) -> Any:
    """Every matching row in journal order, fetched in batches by key."""
    key: Key | None = None
    while True:
        rows = after(conn, flt, key, batch)
        yield from rows
        if len(rows) < batch:
            return
        key = rows[-1].key


class Stopped(Exception):
    """A read stopped by :meth:`Interrupter.stop` (its answer was no longer wanted)."""


class Interrupter:
    """Lets another thread stop a long read (the window, once a sum it asked for on a worker
    connection is no longer wanted): ``with stopper.attached(conn): ...`` in the worker,
    ``stopper.stop()`` from anywhere. The worker's SQLite looks at the flag every
    CHECK_EVERY steps, so a stop is never lost between two statements, and the other thread
    never touches the worker's connection."""

    CHECK_EVERY = 100_000  # SQLite virtual machine steps (well under a millisecond)

    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True

    @contextmanager
    def attached(self, conn: sqlite3.Connection) -> Iterator[None]:
        if self.stopped:
            raise Stopped
        conn.set_progress_handler(lambda: int(self.stopped), self.CHECK_EVERY)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if self.stopped:
                raise Stopped from exc
            raise
        finally:
            conn.set_progress_handler(None, 0)


def totals(conn: sqlite3.Connection, flt: EntryFilter) -> dict[str, int]:
    """Sum of receipts, payments, transfers and openings among the matching rows."""
    where, params = flt.where()
    result = {"receipt": 0, "payment": 0, "transfer": 0, "opening": 0}
    for kind, total in conn.execute(
        "SELECT t.type, COALESCE(SUM(t.amount), 0) FROM transactions t"
        + where
        + " GROUP BY t.type",
        params,
    ):
        result[kind] = int(total)
    return result


def years(conn: sqlite3.Connection) -> list[int]:
    """The years with entries, plus the current one."""
    from datetime import date

    # Two subqueries: SQLite reads min() or max() alone from the index, not both together.
    first = conn.execute(
        "SELECT (SELECT min(date) FROM transactions), (SELECT max(date) FROM transactions)"
    ).fetchone()
    this_year = date.today().year
    if not first or first[0] is None:
        return [this_year]
    low, high = int(first[0][:4]), int(first[1][:4])
    return list(range(min(low, this_year), max(high, this_year) + 1))
