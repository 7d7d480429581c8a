"""What a village's own rules find wrong in its ledger, read at consolidation for every year
of its entries and kept in the store's ``concerns`` table (``attention.py`` words them).

The rules are the village's, not copies: the auditor's finders in ``internal_audit``, the
variances' ``unexplained`` and the return's ``read``. Only numbers, codes, dates and box
numbers are kept, never a donor's, household's or payee's name, so the list can be worded
in whatever language the district reads it in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import astuple, dataclass

from ruralcouncil.district.attention import Concern
from ruralcouncil.ledger.schema import has_table

# A return not finalised: never finalised, or changed since its last version was.
NEVER_FINALISED = "never"
CHANGED_SINCE_FINAL = "changed"


@dataclass(frozen=True)
class Found:
    """One row of ``concerns`` (after ``ledger`` and ``state``)."""

    year: int
    concern: str
    entry: int | None = None
    date: str | None = None
    amount: int | None = None
    code: str | None = None  # a category; for a return, NEVER_FINALISED or CHANGED_SINCE_FINAL
    fund: str | None = None
    box: int | None = None
    figure: int | None = None  # a second number: appropriated, fund cash, prior box, version


COLUMNS = (
    ("state", "BIGINT"),
    ("year", "INTEGER"),
    ("concern", "VARCHAR"),
    ("entry", "BIGINT"),
    ("date", "VARCHAR"),
    ("amount", "BIGINT"),
    ("code", "VARCHAR"),
    ("fund", "VARCHAR"),
    ("box", "INTEGER"),
    ("figure", "BIGINT"),
)


def _years(conn: sqlite3.Connection) -> list[int]:
    return [
        int(y)
        for (y,) in conn.execute(
            "SELECT DISTINCT substr(date, 1, 4) AS y FROM transactions ORDER BY y"
        )
        if str(y).isdigit()
    ]


def _closed(conn: sqlite3.Connection) -> set[int]:
    if not has_table(conn, "closed_years"):
        return set()
    return {int(y) for (y,) in conn.execute("SELECT year FROM closed_years")}


def _spending(conn: sqlite3.Connection, year: int) -> Iterator[Found]:
    from ruralcouncil.ledger import internal_audit

    for p in internal_audit.unrequested_payments(conn, year):
        yield Found(year, Concern.UNREQUESTED, p.number, p.date, p.amount, p.category, p.fund)
    for line in internal_audit.overspent_lines(conn, year):
        yield Found(
            year,
            Concern.OVERSPENT,
            amount=line.over,
            code=line.category,
            fund=line.fund,
            figure=line.appropriated,
        )
    held = internal_audit.held_gifts(conn, year)
    cash = {s.fund: s.cash for s in held.short}
    for gift in held.spent():
        yield Found(
            year,
            Concern.GIFT_SPENT_EARLY,
            gift.number,
            gift.date,
            gift.amount,
            fund=gift.fund,
            figure=cash[gift.fund],
        )


def _return(conn: sqlite3.Connection, year: int) -> Iterator[Found]:
    """An ended year's return: its unexplained variances, and whether it is final."""
    from ruralcouncil.ledger import annual_return

    state = annual_return.read(conn, year)
    # ``variances.unexplained``'s filter over the variances the return already read (each
    # reading computes two years' boxes: once is enough).
    for v in state.variances:
        if v.needed and not v.explanation:
            yield Found(
                year, Concern.UNEXPLAINED_VARIANCE, amount=v.moved, box=v.box, figure=v.prior
            )
    if not state.final:
        last = state.last_version
        yield Found(
            year,
            Concern.RETURN_NOT_FINAL,
            code=NEVER_FINALISED if last is None else CHANGED_SINCE_FINAL,
            figure=0 if last is None else last.version,
        )


def found(conn: sqlite3.Connection) -> list[Found]:
    """Every concern of every year the ledger has entries in. A year's return and its
    variances are judged only once the year is over: closed, or before the year of the
    ledger's latest entry (the return of the year in progress cannot be final yet). A
    ledger of a schema without budgets, gifts or returns has none of those concerns."""
    years = _years(conn)
    if not years or not has_table(conn, "budgets"):  # schema 1-2: nothing to judge by
        return []
    closed = _closed(conn)
    returns = has_table(conn, "return_versions")
    rows: list[Found] = []
    for year in years:
        rows += _spending(conn, year)
        if returns and (year < years[-1] or year in closed):
            rows += _return(conn, year)
    return rows


def as_rows(state: int, rows: list[Found]) -> Iterator[tuple[object, ...]]:
    """``rows`` as the store's columns after ``ledger``."""
    for row in rows:
        yield (state, *astuple(row))
