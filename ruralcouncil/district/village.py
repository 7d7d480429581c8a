"""What the district reads from one village ledger, after it has verified: the postings of
its entries, its codes, its chain's hashes and its registers' boxes 9 and 10.

Only codes, dates, amounts, entry numbers and hashes are read: no party, donor or household
name, no description, ever leaves the village's file. Everything is read in one read
transaction at the chain position verify vouched for (``storage.snapshot``), so the figures
and the anchor stored with them describe the same ledger.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ruralcouncil.ledger.schema import has_table

# Every posting of the entries chained after position ``?``, with its entry's chain
# position, number and date: what ``daily_totals`` is made of (a reversal carries the
# negative of its original's postings, so it needs no special case).
_POSTINGS = (
    "SELECT c.seq, {number}, t.date, p.account, p.fund, p.amount"
    " FROM chain c JOIN transactions t ON t.id = CAST(c.record AS INTEGER)"
    " JOIN postings p ON p.transaction_id = t.id"
    " WHERE c.kind = 'transaction' AND c.seq > ? ORDER BY c.seq, p.id"
)
# Version 1 had no entry numbers; its upgrade numbers the entries in id order, as here.
_V1_NUMBER = "(SELECT count(*) FROM transactions u WHERE u.id <= t.id)"

# Dates that can move box 9 or box 10: an asset acquired or disposed of, a loan received
# or repaid (repayments are entries, so their dates are among the entries').
_REGISTER_DATES = (
    "SELECT acquired FROM assets WHERE acquired IS NOT NULL"
    " UNION SELECT date FROM asset_disposals UNION SELECT start FROM loans"
)


@dataclass(frozen=True)
class Account:
    code: str
    kind: str  # cash, revenue, expenditure, equity
    box: int | None  # the annual-return box of a revenue source or expenditure program
    position: int  # the ledger's own order (its summary lists codes in this order)


@dataclass(frozen=True)
class Registers:
    year: int
    assets: int  # box 9 at 31 December
    borrowings: int  # box 10 at 31 December


def postings_after(conn: sqlite3.Connection, seq: int) -> Iterator[tuple[object, ...]]:
    """(chain seq, entry number, date, account, fund, amount) of every posting of the
    entries chained after position ``seq``."""
    number = "t.number" if has_table(conn, "transactions", "number") else _V1_NUMBER
    yield from conn.execute(_POSTINGS.format(number=number), (seq,))


def chain_after(conn: sqlite3.Connection, seq: int) -> Iterator[tuple[object, ...]]:
    """(seq, hash) of every chain position after ``seq``."""
    yield from conn.execute("SELECT seq, hash FROM chain WHERE seq > ? ORDER BY seq", (seq,))


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (seq,)).fetchone()
    return str(row[0]) if row else None


def accounts(conn: sqlite3.Connection) -> list[Account]:
    return [
        Account(str(code), str(kind), None if box is None else int(box), int(position))
        for code, kind, box, position in conn.execute(
            "SELECT code, kind, box, rowid FROM accounts ORDER BY rowid"
        )
    ]


def registers(conn: sqlite3.Connection) -> list[Registers]:
    """Boxes 9 and 10 at 31 December of every year from the one before the ledger's first
    dated event to the year of its last, computed by the village's own functions.

    Both boxes change only on those dates, so a year before the first row has the first
    row's figures, and a year after the last has the last's (``figures.py`` reads them so).
    """
    if not has_table(conn, "assets"):
        return []
    if not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM assets) OR EXISTS (SELECT 1 FROM loans)"
    ).fetchone()[0]:
        return []
    from ruralcouncil.ledger import assets, loans

    years = {
        int(str(day)[:4])
        for (day,) in conn.execute(f"SELECT date FROM transactions UNION {_REGISTER_DATES}")
        if str(day)[:4].isdigit()
    }
    if not years:  # nothing dated: the registers are the same in every year
        years = {0}
    found = []
    for year in range(min(years) - 1, max(years) + 1):
        end = f"{max(year, 0):04d}-12-31"
        found.append(Registers(year, assets.value_held(conn, end), loans.borrowings(conn, end)))
    return found


def last_entry_date(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT max(date) FROM transactions").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def last_chain_time(conn: sqlite3.Connection) -> str | None:
    """When the last chained record was made, as it says itself (None if it does not)."""
    row = conn.execute("SELECT payload FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    try:
        content = json.loads(row[0])["content"] if row else {}
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(content, dict):
        return None
    for key in ("at", "recorded_at", "created_at", "closed_at"):
        if isinstance(content.get(key), str):
            return str(content[key])
    return None


def transactions(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
