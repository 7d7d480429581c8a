"""What needs the district's attention in a year, village by village (issue 13).

The per-village concerns were found at consolidation by each village's own rules
(``concerns.py``) and are read here from the load each ledger is held at; refused and
rewritten files come from each path's latest outcome, and a stale ledger from when its last
chained record was made, as the load held says. Every outcome the store records has its own
state, kept as a history, so the list can be read as it was at any state (a printed
report's code is checked so) as well as now. Everything is worded here, in the reader's
language: the store keeps only codes, numbers and dates (a refused file's problem is kept
as it was said).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ruralcouncil.district.store import HELD_AT, Store
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.collation import sort_key
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount


class Concern(StrEnum):
    UNREQUESTED = "unrequested"  # a payment without an approved request in a budgeted year
    OVERSPENT = "overspent"  # a budget line overspent
    GIFT_SPENT_EARLY = "gift-spent-early"  # a flagged (held) donation spent before acknowledged
    UNEXPLAINED_VARIANCE = "unexplained-variance"  # a box variance needing an explanation
    RETURN_NOT_FINAL = "return-not-final"  # the year's annual return not finalised
    REFUSED = "refused"  # a ledger file that failed to verify (the store's refused table)
    REWRITTEN = "rewritten"  # a ledger whose history was rewritten (store's rewritten table)
    STALE = "stale"  # a ledger not updated for more than `stale_days`


_ORDER = {c: n for n, c in enumerate(Concern)}

# What each concern is called in a list or a report's table (translate with ``_``).
CONCERN_NAMES = {
    Concern.UNREQUESTED: N_("Payment without a request"),
    Concern.OVERSPENT: N_("Budget line overspent"),
    Concern.GIFT_SPENT_EARLY: N_("Held gift spent early"),
    Concern.UNEXPLAINED_VARIANCE: N_("Variance not explained"),
    Concern.RETURN_NOT_FINAL: N_("Annual return not finalised"),
    Concern.REFUSED: N_("File refused"),
    Concern.REWRITTEN: N_("History rewritten"),
    Concern.STALE: N_("Not updated"),
}


@dataclass(frozen=True)
class Attention:
    concern: Concern
    village: str  # the village's name ("" when unknown, e.g. a foreign file)
    ledger: str | None  # the ledger id (hash of chain position 1) when known
    entry: int | None  # the entry number when the concern is about one entry
    date: str | None  # YYYY-MM-DD of that entry, when there is one
    amount: int | None  # tiyn, when there is one
    detail: str  # in the user's language, no personal names
    path: str | None = None  # for refused/rewritten: the file

    def as_json(self) -> dict[str, Any]:
        return {
            "concern": str(self.concern),
            "village": self.village,
            "ledger": self.ledger,
            "entry": self.entry,
            "date": self.date,
            "amount": self.amount,
            "detail": self.detail,
            "path": self.path,
        }


def attention_list(
    store: Store,
    year: int,
    *,
    stale_days: int = 60,
    today: date | None = None,
    state: int | None = None,
) -> list[Attention]:
    """Everything the district should look at for the year, village by village (sorted by
    village, then concern order above, then entry); with ``state``, as the store held it
    then (read in one transaction, so a consolidation beside cannot mix two states)."""
    db = store.conn
    db.execute("BEGIN")
    try:
        at = store.state() if state is None else state
        found = _concerns(store, year, at) + _files(store, at)
        found += _stale(store, at, stale_days, today)
    finally:
        db.execute("ROLLBACK")
    return sorted(
        found,
        key=lambda a: (
            sort_key(a.village),
            a.ledger or "",
            _ORDER[a.concern],
            -1 if a.entry is None else a.entry,
            a.date or "",
            a.path or "",
            a.detail,
        ),
    )


def _concerns(store: Store, year: int, state: int) -> list[Attention]:
    rows = store.conn.execute(
        f"WITH cut AS ({HELD_AT.strip()})"
        " SELECT l.village, c.ledger, c.concern, c.entry, c.date, c.amount, c.code, c.fund,"
        " c.box, c.figure FROM concerns c JOIN cut l ON l.ledger = c.ledger"
        " AND l.state = c.state WHERE c.year = ?",
        [state, year],
    ).fetchall()
    found = []
    for village, ledger, concern, entry, day, amount, code, fund, box, figure in rows:
        kind = Concern(concern)
        detail = _detail(kind, year, entry, day, amount, code, fund, box, figure)
        found.append(Attention(kind, str(village), str(ledger), entry, day, amount, detail))
    return found


def _detail(
    kind: Concern,
    year: int,
    entry: int | None,
    day: str | None,
    amount: int | None,
    code: str | None,
    fund: str | None,
    box: int | None,
    figure: int | None,
) -> str:
    money = format_amount(amount or 0)
    if kind is Concern.UNREQUESTED:
        return _(
            "Entry {n} of {day}: a payment of {amount} ({category}, fund {fund}) without an "
            "approved spending request, in a year with an adopted budget."
        ).format(n=entry, day=shown_date(day or ""), amount=money, category=code, fund=fund)
    if kind is Concern.OVERSPENT:
        return _(
            "Budget line {category} (fund {fund}) is overspent by {amount}: {appropriated} "
            "was appropriated."
        ).format(category=code, fund=fund, amount=money, appropriated=format_amount(figure or 0))
    if kind is Concern.GIFT_SPENT_EARLY:
        return _(
            "A flagged gift of {amount} (entry {n} of {day}) in fund {fund} was spent before "
            "the council acknowledged it: the fund held {cash} at 31 December."
        ).format(
            amount=money,
            n=entry,
            day=shown_date(day or ""),
            fund=fund,
            cash=format_amount(figure or 0),
        )
    if kind is Concern.UNEXPLAINED_VARIANCE:
        prior = figure or 0
        return _(
            "Box {box} went from {prior} to {current}; the variance needs an explanation and "
            "has none."
        ).format(box=box, prior=format_amount(prior), current=format_amount(prior + (amount or 0)))
    if code == "changed":
        return _(
            "The annual return for {year} has changed since version {n} was finalised."
        ).format(year=year, n=figure)
    return _("The annual return for {year} is not finalised.").format(year=year)


# Each path's latest outcome at a state (``?``). Outcomes recorded since version 3 each
# have a state of their own; those a version-2 store kept share their load's, and are told
# apart by when they were seen.
_LATEST = """
SELECT path, ledger, status FROM (
    SELECT path, ledger, status,
        row_number() OVER (PARTITION BY path ORDER BY state DESC, seen_at DESC) AS n
    FROM outcomes WHERE state <= ?
) WHERE n = 1
"""


def _files(store: Store, state: int) -> list[Attention]:
    """Files whose latest outcome was refused or rewritten: a file refused and later loaded
    (or found unchanged) from the same path is no longer listed."""
    db = store.conn
    found = []
    for path, ledger, village, problem in db.execute(
        f"WITH latest AS ({_LATEST.strip()}), cut AS ({HELD_AT.strip()})"
        " SELECT o.path, o.ledger, l.village, arg_max(r.problem, (r.state, r.seen_at))"
        " FROM latest o JOIN refused r ON r.path = o.path AND r.state <= ?"
        " LEFT JOIN cut l ON l.ledger = o.ledger"
        " WHERE o.status = 'refused' GROUP BY o.path, o.ledger, l.village",
        [state, state, state],
    ).fetchall():
        detail = str(problem)  # the concern's own name already says "refused"
        found.append(
            Attention(Concern.REFUSED, str(village or ""), ledger, None, None, None, detail, path)
        )
    for path, ledger, village, stored, seen in db.execute(
        f"WITH latest AS ({_LATEST.strip()})"
        " SELECT o.path, o.ledger, arg_max(r.village, (r.state, r.seen_at)),"
        " arg_max(r.stored, (r.state, r.seen_at)), arg_max(r.found, (r.state, r.seen_at))"
        " FROM latest o JOIN rewritten r ON r.path = o.path AND r.state <= ?"
        " WHERE o.status = 'rewritten' GROUP BY o.path, o.ledger",
        [state, state],
    ).fetchall():
        detail = _(
            "Its history differs from what the district store holds: stored {stored}, this "
            "file {found}."
        ).format(stored=stored, found=seen)
        found.append(
            Attention(Concern.REWRITTEN, str(village), ledger, None, None, None, detail, path)
        )
    return found


def _stale(store: Store, state: int, stale_days: int, today: date | None) -> list[Attention]:
    """Ledgers whose last chained record (as the load held at ``state`` says) was made more
    than ``stale_days`` before today."""
    today = today or date.today()
    found = []
    for ledger, village, _entries, _head, _state, made in store.conn.execute(
        HELD_AT, [state]
    ).fetchall():
        if made is None:
            continue
        try:
            day = date.fromisoformat(str(made)[:10])
        except ValueError:  # a time the record did not say plainly: not judged
            continue
        days = (today - day).days
        if days > stale_days:
            detail = _("Not updated for {days} days: its last record was made on {day}.").format(
                days=days, day=shown_date(day)
            )
            found.append(
                Attention(
                    Concern.STALE, str(village), str(ledger), None, day.isoformat(), None, detail
                )
            )
    return found
