"""The district's figures for a year, from the store's per-load sums by code and year.

Each village's figures are made by exactly the arithmetic of its own ``summary``
(``reports.statements._year_summary``), over the same postings its daily totals are made
of: receipts and payments by code for the year (a code whose total is zero left out),
box 1 = cash before 1 January + opening balances dated in the year, boxes 2-6 by each code's
box, box 7 = 1 + 2 + 3 - 4 - 5 - 6, box 8 and the cash by account at 31 December, boxes 9
and 10 from the registers' figures stored with the ledger. So a village's line here equals
``ruralcouncil --db FILE summary --year Y --json`` for the copy the store holds.

Those sums are read from ``year_sums`` (each load's postings summed by code and calendar
year, written in the load's transaction): a summary costs what the number of villages,
codes and years costs, not the number of postings. ``from_postings=True`` reads every
posting instead, the way the store was read before it had the sums: the tests hold the two
equal at every state, and the benchmark measures both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.district.store import HELD_AT, Store
from ruralcouncil.ledger.collation import sort_key

# Each ledger's codes with their sums in the year and before it, as the load each ledger is
# held at (the cut) summed them. Every cash account comes back (one with no postings shows
# 0); another code only when it moved in the year, as only then does it count (turning the
# rows into Python objects is most of the time: 2,500 villages' 82,500 codes take 0.27 s,
# the 45,000 that count 0.16 s).
_BY_CODE = f"""
WITH cut AS ({HELD_AT.strip()}), sums AS (
    SELECT y.ledger, y.account,
        sum(y.amount) FILTER (WHERE y.year = ?) AS in_year,
        sum(y.amount) FILTER (WHERE y.year < ?) AS before
    FROM year_sums y JOIN cut c ON c.ledger = y.ledger AND c.state = y.state
    WHERE y.year <= ?
    GROUP BY y.ledger, y.account
)
SELECT a.ledger, a.code, a.kind, a.box, coalesce(s.in_year, 0), coalesce(s.before, 0)
FROM accounts a JOIN cut c ON c.ledger = a.ledger
LEFT JOIN sums s ON s.ledger = a.ledger AND s.account = a.code
WHERE a.kind = 'cash' OR coalesce(s.in_year, 0) <> 0
ORDER BY a.ledger, a.position
"""

# The same from the postings: one pass over those up to 31 December of the ledgers' entries
# up to their cut (the reference the sums are held to).
_BY_CODE_POSTINGS = f"""
WITH cut AS ({HELD_AT.strip()}), sums AS (
    SELECT p.ledger, p.account,
        sum(p.amount) FILTER (WHERE p.date >= ?) AS in_year,
        sum(p.amount) FILTER (WHERE p.date < ?) AS before
    FROM postings p JOIN cut c ON c.ledger = p.ledger AND p.seq <= c.entries
    WHERE p.date <= ?
    GROUP BY p.ledger, p.account
)
SELECT a.ledger, a.code, a.kind, a.box, coalesce(s.in_year, 0), coalesce(s.before, 0)
FROM accounts a JOIN cut c ON c.ledger = a.ledger
LEFT JOIN sums s ON s.ledger = a.ledger AND s.account = a.code
ORDER BY a.ledger, a.position
"""

# And for the store as it is now: every posting it holds belongs to a ledger's latest load
# (a rewritten copy adds none), so the cut's join is left out (what version 2 read).
_BY_CODE_POSTINGS_NOW = _BY_CODE_POSTINGS.replace(
    "FROM postings p JOIN cut c ON c.ledger = p.ledger AND p.seq <= c.entries", "FROM postings p"
)
assert _BY_CODE_POSTINGS_NOW != _BY_CODE_POSTINGS

# Boxes 9 and 10 at 31 December of the year, as the load of the cut computed them: the stored
# year-end at or before it, or the earliest stored (the registers do not change before the
# ledger's first dated event).
_REGISTERS = f"""
WITH cut AS ({HELD_AT.strip()}), held AS (
    SELECT r.* FROM registers r JOIN cut c ON c.ledger = r.ledger AND c.state = r.state
)
SELECT h.ledger, h.assets, h.borrowings
FROM held h JOIN (
    SELECT ledger, coalesce(max(year) FILTER (WHERE year <= ?), min(year)) AS year
    FROM held GROUP BY ledger
) pick ON pick.ledger = h.ledger AND pick.year = h.year
"""


def _boxes() -> dict[int, int]:
    return dict.fromkeys(range(1, 11), 0)


@dataclass
class VillageFigures:
    village: str
    ledger: str
    entries: int  # the chain position the store holds: the figures' anchor
    head: str
    receipts: dict[str, int] = field(default_factory=dict)
    payments: dict[str, int] = field(default_factory=dict)
    boxes: dict[int, int] = field(default_factory=_boxes)
    cash: dict[str, int] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"{self.entries}:{self.head}"

    def as_json(self) -> dict[str, Any]:
        return {
            "village": self.village,
            "ledger": self.ledger,
            "boxes": {str(k): v for k, v in sorted(self.boxes.items())},
            "receipts": dict(self.receipts),
            "payments": dict(self.payments),
            "cash": dict(self.cash),
            "chain": {"entries": self.entries, "head": self.head},
        }


@dataclass(frozen=True)
class DistrictSummary:
    year: int
    villages: list[VillageFigures]

    @property
    def boxes(self) -> dict[int, int]:
        total = _boxes()
        for v in self.villages:
            for box, amount in v.boxes.items():
                total[box] += amount
        return total

    @staticmethod
    def _sum(parts: list[dict[str, int]]) -> dict[str, int]:
        total: dict[str, int] = {}
        for part in parts:
            for code, amount in part.items():
                total[code] = total.get(code, 0) + amount
        return {code: amount for code, amount in total.items() if amount}

    @property
    def receipts(self) -> dict[str, int]:
        return self._sum([v.receipts for v in self.villages])

    @property
    def payments(self) -> dict[str, int]:
        return self._sum([v.payments for v in self.villages])

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "villages": [v.as_json() for v in self.villages],
            "totals": {
                "boxes": {str(k): v for k, v in sorted(self.boxes.items())},
                "receipts": self.receipts,
                "payments": self.payments,
            },
        }


def current_state(store: Store) -> int:
    """The store's state: the number of the latest outcome it recorded (0 when none)."""
    return store.state()


def district_summary(
    store: Store, year: int, state: int | None = None, *, from_postings: bool = False
) -> DistrictSummary:
    """Every village the store holds, with its figures for ``year`` (read in one
    transaction, so a consolidation running beside cannot mix two states); with ``state``,
    as the store held them then: each ledger's entries up to its latest load at or before
    that state, and the sums and registers that load computed (a printed code is checked
    so). ``from_postings``: summed from every posting (slower; the reference)."""
    start, end = f"{year:04d}-01-01", f"{year:04d}-12-31"
    db = store.conn
    db.execute("BEGIN")
    try:
        at = current_state(store) if state is None else state
        ledgers = db.execute(HELD_AT, [at]).fetchall()
        if not from_postings:
            codes = db.execute(_BY_CODE, [at, year, year, year]).fetchall()
        elif state is None:
            codes = db.execute(_BY_CODE_POSTINGS_NOW, [at, start, start, end]).fetchall()
        else:
            codes = db.execute(_BY_CODE_POSTINGS, [at, start, start, end]).fetchall()
        registers = db.execute(_REGISTERS, [at, year]).fetchall()
    finally:
        db.execute("ROLLBACK")
    villages = {
        str(ledger): VillageFigures(str(name), str(ledger), int(entries), str(head))
        for ledger, name, entries, head, _state, _made in ledgers
    }
    brought_forward: dict[str, int] = defaultdict(int)
    openings: dict[str, int] = defaultdict(int)
    for ledger, code, kind, box, in_year, before in codes:
        v = villages.get(str(ledger))
        if v is None:
            continue
        in_year, before = int(in_year), int(before)
        if kind in ("revenue", "expenditure"):
            if not in_year:
                continue
            amount = -in_year if kind == "revenue" else in_year
            (v.receipts if kind == "revenue" else v.payments)[str(code)] = amount
            if box is not None:
                v.boxes[int(box)] += amount
        elif kind == "cash":
            brought_forward[v.ledger] += before
            v.cash[str(code)] = before + in_year
        elif kind == "equity":
            openings[v.ledger] -= in_year
    for ledger, assets, borrowings in registers:
        v = villages.get(str(ledger))
        if v is not None:
            v.boxes[9], v.boxes[10] = int(assets), int(borrowings)
    for v in villages.values():
        b = v.boxes
        b[1] = brought_forward[v.ledger] + openings[v.ledger]
        b[7] = b[1] + b[2] + b[3] - b[4] - b[5] - b[6]
        b[8] = sum(v.cash.values())
    ordered = sorted(villages.values(), key=lambda v: (sort_key(v.village), v.ledger))
    return DistrictSummary(year, ordered)
