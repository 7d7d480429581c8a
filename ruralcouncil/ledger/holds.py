"""Community money that may not be spent freely (DESIGN §4.3), asked by the journal, the
spending path and the importer alike.

- A flagged donation's cash is *held*: its fund keeps at least that much until the council
  acknowledges the gift by resolution (``journal.shortfalls`` counts it as a floor).
- A restricted fund that holds community money (a project's fund, or a restricted fund given
  an earmarked donation) is spent only through approved spending requests on it, and its
  money leaves for another fund only at a project's close.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from itertools import accumulate

from ruralcouncil.i18n import _
from ruralcouncil.ledger.records import PROJECT_FUND_PREFIX, SUBSIDY_FUND_PREFIX


def has_registers(conn: sqlite3.Connection) -> bool:
    """Whether the file has community money's tables (a ledger of version 4 on)."""
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'donations'"
        ).fetchone()
        is not None
    )


def held_donations(
    conn: sqlite3.Connection, fund: str, *, releasing: int | None = None
) -> list[tuple[str, int]]:
    """(date, amount) of each flagged cash gift in ``fund`` that the council has not yet
    acknowledged and whose receipt stands, by date. ``releasing``: a receipt about to be
    reversed, whose gift then holds nothing."""
    if not has_registers(conn):
        return []
    rows = conn.execute(
        "SELECT d.date, d.amount FROM donations d WHERE d.fund = ? AND d.flagged = 1"
        " AND d.transaction_id IS NOT NULL AND d.transaction_id IS NOT ?"
        " AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.donation_id = d.id)"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = d.transaction_id)"
        " ORDER BY d.date",
        (fund, releasing),
    )
    return [(str(r[0]), int(r[1])) for r in rows]


class Floor:
    """What a fund must keep at the end of each day: its held gifts dated up to that day."""

    def __init__(self, held: list[tuple[str, int]]) -> None:
        self._days = [day for day, _amount in held]
        self._totals = list(accumulate(amount for _day, amount in held))

    def __bool__(self) -> bool:
        return bool(self._days)

    def on(self, day: str) -> int:
        index = bisect_right(self._days, day)
        return self._totals[index - 1] if index else 0


def held_total(conn: sqlite3.Connection, fund: str) -> int:
    return sum(amount for _day, amount in held_donations(conn, fund))


def project_of_fund(conn: sqlite3.Connection, fund: str) -> int | None:
    if not fund.startswith(PROJECT_FUND_PREFIX) or not has_registers(conn):
        return None
    row = conn.execute("SELECT id FROM projects WHERE fund = ?", (fund,)).fetchone()
    return int(row[0]) if row else None


def subsidy_of_fund(conn: sqlite3.Connection, fund: str) -> int | None:
    if not fund.startswith(SUBSIDY_FUND_PREFIX) or not has_registers(conn):
        return None
    row = conn.execute("SELECT id FROM subsidies WHERE fund = ?", (fund,)).fetchone()
    return int(row[0]) if row else None


def earmarked_since(conn: sqlite3.Connection, fund: str) -> str | None:
    """The date of the first gift earmarked to the restricted fund ``fund``, if any."""
    if not has_registers(conn):
        return None
    row = conn.execute(
        "SELECT min(d.date) FROM donations d JOIN funds f ON f.code = d.fund"
        " WHERE d.fund = ? AND f.restricted = 1",
        (fund,),
    ).fetchone()
    return str(row[0]) if row and row[0] else None


def needs_request(conn: sqlite3.Connection, fund: str, day: str) -> bool:
    """Whether a payment from ``fund`` dated ``day`` must pay an approved request whatever
    the year's budget: the fund is a project's, or holds an earmarked gift by then."""
    if project_of_fund(conn, fund) is not None or subsidy_of_fund(conn, fund) is not None:
        return True
    since = earmarked_since(conn, fund)
    return since is not None and since <= day


def request_needed_message(fund: str) -> str:
    return _(
        "the fund {fund} holds community money: a payment from it needs an approved "
        "spending request on that fund"
    ).format(fund=fund)


def transfer_out_refusal(conn: sqlite3.Connection, fund: str) -> str | None:
    """Why money may not be moved out of ``fund`` by a fund transfer (None: it may)."""
    if project_of_fund(conn, fund) is not None:
        return _(
            "The fund {fund} is a community project's: its money leaves only through "
            "spending requests on it, or at the project's close (project close)."
        ).format(fund=fund)
    if subsidy_of_fund(conn, fund) is not None:
        return _(
            "The fund {fund} is a state subsidy's: its money leaves only through spending "
            "requests on it, for the purpose the subsidy was granted for."
        ).format(fund=fund)
    if earmarked_since(conn, fund) is not None:
        return _(
            "The fund {fund} holds donations given for its purpose: its money leaves only "
            "through spending requests on it."
        ).format(fund=fund)
    return None


class FundRules:
    """The funds that hold community money, read once: what an import of many rows asks of
    each row without a query per row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.projects: dict[str, int] = {}
        self.subsidies: dict[str, int] = {}
        self.earmarked: dict[str, str] = {}
        if not has_registers(conn):
            return
        self.projects = {
            str(r[1]): int(r[0]) for r in conn.execute("SELECT id, fund FROM projects")
        }
        self.subsidies = {  # a general transfer's money is the general fund's
            str(r[1]): int(r[0])
            for r in conn.execute("SELECT id, fund FROM subsidies WHERE fund LIKE 'SUBSIDY-%'")
        }
        self.earmarked = {
            str(r[0]): str(r[1])
            for r in conn.execute(
                "SELECT d.fund, min(d.date) FROM donations d JOIN funds f ON f.code = d.fund"
                " WHERE f.restricted = 1 GROUP BY d.fund"
            )
        }

    def __bool__(self) -> bool:
        return bool(self.projects or self.subsidies or self.earmarked)

    def needs_request(self, fund: str, day: str) -> bool:
        since = self.earmarked.get(fund)
        register_fund = fund in self.projects or fund in self.subsidies
        return register_fund or (since is not None and since <= day)

    def entry_problems(
        self,
        entry_type: str,
        category: str | None,
        fund: str,
        budgeted: bool,
        registered: bool = False,
    ) -> list[str]:
        """What keeps a plain entry from standing in for a register's record: in a year with
        an adopted budget (``budgeted``) a DONATION, COMMUNITY, SUBSIDY or LOAN receipt and a
        LOAN-REPAY payment are made only through their register, so that no safeguard (the
        voluntary statement, the pressure flag, the exemptions, the permission for a loan)
        can be skipped; money comes into a project's fund only as a contribution or a gift
        to it, and into a subsidy's only as that subsidy's money. ``registered``: the entry
        names its register (a subsidy, a loan), which checks it instead."""
        if fund in self.projects and entry_type in ("receipt", "opening"):
            return [
                _(
                    "money comes into the project fund {fund} only as a contribution "
                    "(contribution add) or a donation to the project (donation add)"
                ).format(fund=fund)
            ]
        if fund in self.subsidies and entry_type == "opening":
            return [_("a subsidy's fund has no opening balance")]
        if fund in self.subsidies and entry_type == "receipt" and not registered:
            return [
                _(
                    "money comes into the subsidy fund {fund} only as a SUBSIDY receipt "
                    "naming the subsidy (--subsidy)"
                ).format(fund=fund)
            ]
        rule = REGISTER_ONLY.get((entry_type, category or ""))
        if rule and budgeted and not registered:
            return [
                _(
                    "this year has an adopted budget: a {code} entry is recorded only "
                    "through {command}"
                ).format(code=category, command=rule)
            ]
        return []


# Entries that exist only through their register in a year with an adopted budget, and the
# command that records each (DESIGN §4.3).
REGISTER_ONLY = {
    ("receipt", "DONATION"): "donation add",
    ("receipt", "COMMUNITY"): "contribution add",
    ("receipt", "SUBSIDY"): "record receipt --subsidy",
    ("receipt", "LOAN"): "loan add",
    ("payment", "LOAN-REPAY"): "record payment --loan",
}


def balance(conn: sqlite3.Connection, fund: str, on: str | None = None) -> int:
    """The fund's money in the cash accounts at the end of ``on`` (or of its last day)."""
    row = conn.execute(
        "SELECT coalesce(sum(amount), 0) FROM daily_totals WHERE fund = ? AND date <= ?"
        " AND account IN (SELECT code FROM accounts WHERE kind = 'cash')",
        (fund, on or "9999-12-31"),
    ).fetchone()
    return int(row[0])


def committed(conn: sqlite3.Connection, fund: str) -> int:
    """What approved requests on ``fund`` still have to pay."""
    from ruralcouncil.ledger import spending

    return sum(
        r.unpaid for r in spending.requests(conn, state=spending.State.APPROVED.value, fund=fund)
    )


def available(conn: sqlite3.Connection, fund: str) -> int:
    """What a new request on ``fund`` may still be approved for: its money, less held gifts
    and what approved requests on it still have to pay."""
    return balance(conn, fund) - held_total(conn, fund) - committed(conn, fund)
