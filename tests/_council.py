"""A sitting council for the core tests of issue 8: one template per test process, copied
for each test (see ``_helpers``), and one-line steps along the council's path.

The template holds, besides the administrator: two clerks, the chair, four members and an
auditor (so five sit on the council and the default quorum is three); the restricted fund
``ROADFUND``; two parties, ``Roads LLP`` (a business with a BIN) and ``Aidos`` (a person);
and money: 1 000 000 ₸ of land tax in GENERAL on 2026-01-05 and 200 000 ₸ on 2025-01-10.
No budget is adopted: a test adopts what it needs (:func:`adopt_budget`).

Every date is in 2025 or 2026, before the day these tests were written, so that none is
ever "after today".
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from _helpers import admin_of, copy_ledger, day, fresh_ledger, receipt, scratch_dir, state, user_of

from ruralcouncil.ledger import (
    budget,
    catalog,
    council,
    journal,
    meetings,
    schema,
    spending,
    users,
)
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

PASSWORDS = {
    "clerk": "clerk-password-1",
    "clerk2": "clerk2-password-1",
    "chair": "chair-password-1",
    "m1": "member1-password",
    "m2": "member2-password",
    "m3": "member3-password",
    "m4": "member4-password",
    "auditor": "auditor-password-1",
}
ROLES = {
    "clerk": "clerk",
    "clerk2": "clerk",
    "chair": "chair",
    "m1": "member",
    "m2": "member",
    "m3": "member",
    "m4": "member",
    "auditor": "auditor",
}
COUNCIL = ["chair", "m1", "m2", "m3", "m4"]
ROADS_BIN = "123456789012"

# The usual budget of 2026: ROADS 300 000 ₸ and STAFF 200 000 ₸ from GENERAL, ROADS
# 50 000 ₸ from ROADFUND, land tax estimated at 1 000 000 ₸.
BUDGET_2026 = (
    b"category,fund,amount\n"
    b"ROADS,GENERAL,300000\n"
    b"STAFF,GENERAL,200000\n"
    b"ROADS,ROADFUND,50000\n"
    b"TAX-LAND,GENERAL,1000000\n"
)

# Tables the council's path writes: a refusal leaves each as it was.
COUNCIL_TABLES = schema.COUNCIL_TABLES


def council_state(conn: sqlite3.Connection) -> tuple[object, ...]:
    """``_helpers.state`` and every row of the council's tables."""
    return (
        state(conn),
        *(
            conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in COUNCIL_TABLES
        ),
    )


@dataclass
class Council:
    ledger: Ledger
    path: Path
    admin: User
    clerk: User
    clerk2: User
    chair: User
    m1: User
    m2: User
    m3: User
    m4: User
    auditor: User
    roads: int  # party ids
    aidos: int

    @property
    def conn(self) -> sqlite3.Connection:
        return self.ledger.conn

    def user(self, name: str) -> User:
        return getattr(self, name)  # type: ignore[no-any-return]


@cache
def _template() -> Path:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "council.ruralcouncil")
    admin = admin_of(ledger)
    for name, role in ROLES.items():
        users.add_user(ledger, admin, name, role, PASSWORDS[name])
    catalog.add_fund(ledger, admin, "ROADFUND", restricted=True, name_en="Road fund")
    clerk = user_of(ledger, "clerk", PASSWORDS["clerk"])
    council.add_party(ledger, clerk, "Roads LLP", "business", ROADS_BIN)
    council.add_party(ledger, clerk, "Aidos", "person")
    receipt(ledger, clerk, "2025-01-10", 200_000_00)
    receipt(ledger, clerk, "2026-01-05", 1_000_000_00)
    path = ledger.path
    ledger.close()
    return path


def council_ledger(folder: Path, name: str = "council.ruralcouncil") -> Council:
    """A copy of the council template opened to write, everyone logged in."""
    ledger = copy_ledger(_template(), folder, name)
    logged = {n: user_of(ledger, n, PASSWORDS[n]) for n in ROLES}
    roads, aidos = (
        int(ledger.conn.execute("SELECT id FROM parties WHERE name = ?", (n,)).fetchone()[0])
        for n in ("Roads LLP", "Aidos")
    )
    return Council(ledger, ledger.path, admin_of(ledger), **logged, roads=roads, aidos=aidos)


# --- steps -------------------------------------------------------------------------------


def meeting(c: Council, on: str, present: list[str] | None = None, **kw: str) -> int:
    return meetings.open_meeting(c.ledger, c.chair, day(on), present or COUNCIL, **kw)


def resolve(
    c: Council,
    subject: str,
    on: str = "2026-01-20",
    *,
    present: list[str] | None = None,
    voted_for: list[str] | None = None,
    against: list[str] | None = None,
    confirm_by: str | None = "m1",
    meeting_id: int | None = None,
) -> str:
    """A resolution about ``subject`` at a (new) meeting on ``on``, passed by everyone present
    unless told otherwise, and confirmed by ``confirm_by`` (None: left unconfirmed)."""
    present = present or COUNCIL
    if meeting_id is None:
        meeting_id = meeting(c, on, present)
    ref = meetings.add_resolution(
        c.ledger,
        c.chair,
        meeting_id,
        subject,
        f"Decided: {subject}",
        voted_for if voted_for is not None else present,
        against or [],
    )
    if confirm_by is not None:
        meetings.confirm(c.ledger, c.user(confirm_by), ref)
    return ref


def adopt_budget(
    c: Council, data: bytes = BUDGET_2026, year: int = 2026, on: str = "2026-01-20"
) -> int:
    ref = resolve(c, f"budget:{year}", on)
    return budget.adopt(c.ledger, c.chair, year, data, ref)


def draft(
    c: Council,
    amount: int,
    *,
    party: int | None = None,
    category: str = "ROADS",
    fund: str = "GENERAL",
    on: str = "2026-02-02",
    by: str = "clerk",
) -> int:
    return spending.draft(
        c.ledger,
        c.user(by),
        c.roads if party is None else party,
        category,
        fund,
        amount,
        f"Work worth {amount} tiyn",
        on=day(on),
    )


def approved(
    c: Council,
    amount: int,
    *,
    party: int | None = None,
    category: str = "ROADS",
    fund: str = "GENERAL",
    on: str = "2026-02-02",
    approve_on: str = "2026-02-03",
) -> int:
    """A request approved by the chair alone (within the limit)."""
    request_id = draft(c, amount, party=party, category=category, fund=fund, on=on)
    spending.approve(c.ledger, c.chair, request_id, on=day(approve_on))
    return request_id


def pay(
    c: Council,
    request_id: int | None,
    amount: int,
    on: str = "2026-02-10",
    *,
    category: str = "ROADS",
    fund: str = "GENERAL",
    by: str = "clerk",
) -> int:
    return journal.record(
        c.ledger,
        c.user(by),
        NewEntry(day(on), EntryType.PAYMENT, amount, category, fund=fund),
        request_id=request_id,
    )


def line(c: Council, category: str, fund: str = "GENERAL", year: int = 2026) -> budget.BudgetLine:
    for found in budget.show(c.conn, year):
        if (found.category, found.fund) == (category, fund):
            return found
    raise AssertionError(f"no budget line {category} {fund}")


def fund_cash(conn: sqlite3.Connection) -> dict[str, int]:
    """Each fund's cash, over every cash account and every day."""
    return {
        str(fund): int(total)
        for fund, total in conn.execute(
            "SELECT d.fund, sum(d.amount) FROM daily_totals d JOIN accounts a ON a.code = d.account"
            " WHERE a.kind = 'cash' GROUP BY d.fund"
        )
    }
