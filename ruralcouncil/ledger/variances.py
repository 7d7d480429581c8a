"""Significant variances of the annual return (DESIGN §5) and their explanations.

A box needs an explanation when it moves more than 15 % from the prior year *and* by more
than the council's minimum (rule ``variance-minimum``, default 100 000 ₸), and whenever it
moves to or from zero, whatever the size. As in England's return, the boxes looked at are
2-7, 9 and 10: box 1 is the prior year's box 7 (explained there), and box 8 is box 7 (the
bank reconciliation explains any difference). The clerk explains; a later explanation of
the same box replaces the earlier one, which is kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.i18n import _
from ruralcouncil.ledger import council, storage
from ruralcouncil.ledger.dates import parse_year
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

VARIANCE_BOXES = (2, 3, 4, 5, 6, 7, 9, 10)
PERCENT = 15  # more than this share of the prior year, as a whole percentage


def needs_explanation(prior: int, current: int, minimum: int) -> bool:
    """DESIGN §5's rule, in whole tiyn: to or from zero always (both zero: no); otherwise
    more than 15 % of the prior year and more than ``minimum``."""
    if prior == current:
        return False
    if prior == 0 or current == 0:
        return True
    moved = abs(current - prior)
    return moved > minimum and moved * 100 > PERCENT * abs(prior)


@dataclass(frozen=True)
class Variance:
    box: int
    prior: int
    current: int
    needed: bool
    explanation: str | None  # the latest, or None

    @property
    def moved(self) -> int:
        return self.current - self.prior

    def as_json(self) -> dict[str, object]:
        return {
            "box": self.box,
            "prior": self.prior,
            "current": self.current,
            "moved": self.moved,
            "needed": self.needed,
            "explanation": self.explanation,
        }


def boxes(conn: sqlite3.Connection, year: int) -> tuple[dict[int, int], dict[int, int]]:
    """The year's boxes and the prior year's, as the summary computes them (the one place
    they are computed: ``reports.statements``, which reads only the ledger)."""
    from ruralcouncil.reports.statements import year_summary

    return year_summary(conn, year).boxes, year_summary(conn, year - 1).boxes


def minimum(conn: sqlite3.Connection) -> int:
    return council.amount_rule(conn, council.Rule.VARIANCE_MINIMUM)


def explanations(conn: sqlite3.Connection, year: int) -> dict[int, str]:
    """The latest explanation of each box of ``year``."""
    return {
        int(box): str(text)
        for box, text in conn.execute(
            "SELECT box, text FROM variance_explanations WHERE id IN"
            " (SELECT max(id) FROM variance_explanations WHERE year = ? GROUP BY box)",
            (year,),
        )
    }


def variances(
    conn: sqlite3.Connection,
    year: int,
    known: tuple[dict[int, int], dict[int, int]] | None = None,
) -> list[Variance]:
    """Every box looked at, with whether it needs an explanation and the one given
    (``known``: the year's and the prior year's boxes, when already read)."""
    current, prior = known or boxes(conn, year)
    least = minimum(conn)
    given = explanations(conn, year)
    return [
        Variance(
            box,
            prior[box],
            current[box],
            needs_explanation(prior[box], current[box], least),
            given.get(box),
        )
        for box in VARIANCE_BOXES
    ]


def unexplained(conn: sqlite3.Connection, year: int) -> list[Variance]:
    return [v for v in variances(conn, year) if v.needed and not v.explanation]


def explain(ledger: Ledger, user: User, year: int, box: int, text: str) -> int:
    """Record the explanation of box ``box``'s variance; refused for a box that needs none.
    Returns the explanation's id."""
    require(user, Action.PREPARE_RETURN)
    parse_year(str(year))
    text = clean_text(_("The explanation"), text, multiline=True, limit=4000, required=True)
    with ledger.write(user) as commit:
        conn = commit.conn
        found = {v.box: v for v in variances(conn, year)}
        variance = found.get(box)
        if variance is None:
            raise InvalidInput(
                _(
                    "Box {box} is not explained as a variance: only boxes 2 to 7, 9 and 10 "
                    "are (box 1 is last year's box 7, box 8 is reconciled with the bank)."
                ).format(box=box)
            )
        if not variance.needed:
            raise InvalidInput(
                _(
                    "Box {box} of {year} needs no explanation: it went from {prior} to "
                    "{current}, which is not a move of both more than 15 % and more than "
                    "{minimum}, nor a move to or from zero."
                ).format(
                    box=box,
                    year=year,
                    prior=format_amount(variance.prior),
                    current=format_amount(variance.current),
                    minimum=format_amount(minimum(conn)),
                )
            )
        cursor = conn.execute(
            "INSERT INTO variance_explanations (year, box, text, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (year, box, text, user.id, storage.now_text()),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("variance_explanation", str(new_id))
        commit.event("variance.explain", f"{year} box {box}")
    return new_id
