"""State subsidies (DESIGN §2.6, §4.3): an application (the project it funds, its
justification, the amount asked, the date sent) with its own restricted fund ``SUBSIDY-N``;
the decision (granted, partly granted, refused) with its date and reference and the
conditions attached; an appeal and the decision on it (the latest decision stands). Money
received is a ``SUBSIDY`` receipt naming the subsidy, into its fund, never beyond what was
granted; it is spent only through requests on that fund."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, holds, storage
from ruralcouncil.ledger.catalog import Fund
from ruralcouncil.ledger.classification import GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.records import SUBSIDY_FUND_PREFIX
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

SUBSIDY_CODE = "SUBSIDY"


class State(StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    PARTLY = "partly granted"
    REFUSED = "refused"
    APPEALED = "appealed"


STATE_NAMES = {
    State.APPLIED: N_("Applied, waiting for the decision"),
    State.GRANTED: N_("Granted in full"),
    State.PARTLY: N_("Partly granted"),
    State.REFUSED: N_("Not granted"),
    State.APPEALED: N_("Appealed, waiting for the decision"),
}


@dataclass(frozen=True)
class Step:
    step: str  # decided, appealed
    date: str
    granted: int
    reference: str
    conditions: str
    note: str


@dataclass(frozen=True)
class Subsidy:
    id: int
    purpose: str
    justification: str
    amount_asked: int
    date: str
    fund: str
    steps: tuple[Step, ...]
    received: int
    spent: int
    left: int

    @property
    def decision(self) -> Step | None:
        decided = [s for s in self.steps if s.step == "decided"]
        return decided[-1] if decided else None

    @property
    def granted(self) -> int:
        return self.decision.granted if self.decision else 0

    @property
    def general(self) -> bool:
        """A transfer to the budget as a whole, whose money is the general fund's."""
        return self.fund == GENERAL_FUND

    @property
    def conditions(self) -> str:
        return self.decision.conditions if self.decision else ""

    @property
    def state(self) -> State:
        if self.steps and self.steps[-1].step == "appealed":
            return State.APPEALED
        if self.decision is None:
            return State.APPLIED
        if self.granted == 0:
            return State.REFUSED
        return State.GRANTED if self.granted >= self.amount_asked else State.PARTLY

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "purpose": self.purpose,
            "justification": self.justification,
            "amount_asked": self.amount_asked,
            "date": self.date,
            "fund": self.fund,
            "state": self.state.value,
            "granted": self.granted,
            "conditions": self.conditions,
            "received": self.received,
            "spent": self.spent,
            "left": self.left,
            "steps": [
                {
                    "step": s.step,
                    "date": s.date,
                    "granted": s.granted,
                    "reference": s.reference,
                    "conditions": s.conditions,
                    "note": s.note,
                }
                for s in self.steps
            ],
        }


def _figures(conn: sqlite3.Connection, subsidy_id: int, fund: str) -> tuple[int, int, int]:
    """(received, spent, left), net of reversals. What was received is the receipts naming
    the subsidy; a restricted subsidy's spending and remainder are its fund's, while a
    general transfer's money is the budget's as a whole: all of it counts as spent."""
    received = int(
        conn.execute(
            "SELECT coalesce(sum(t.amount), 0) FROM register_links l"
            " JOIN transactions t ON t.id = l.transaction_id WHERE l.subsidy_id = ?",
            (subsidy_id,),
        ).fetchone()[0]
    )
    if fund == GENERAL_FUND:
        return received, received, 0
    spent = -int(
        conn.execute(
            "SELECT coalesce(sum(p.amount), 0) FROM postings p"
            " JOIN transactions t ON t.id = p.transaction_id WHERE p.fund = ?"
            " AND t.type = 'payment'"
            " AND p.account IN (SELECT code FROM accounts WHERE kind = 'cash')",
            (fund,),
        ).fetchone()[0]
    )
    return received, spent, holds.balance(conn, fund)


def get(conn: sqlite3.Connection, subsidy_id: int) -> Subsidy:
    row = conn.execute(
        "SELECT id, purpose, justification, amount_asked, date, fund FROM subsidies WHERE id = ?",
        (subsidy_id,),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no subsidy {id}.").format(id=subsidy_id))
    steps = tuple(
        Step(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]))
        for r in conn.execute(
            "SELECT step, date, granted, reference, conditions, note FROM subsidy_steps"
            " WHERE subsidy_id = ? ORDER BY id",
            (subsidy_id,),
        )
    )
    received, spent, left = _figures(conn, int(row[0]), str(row[5]))
    return Subsidy(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        int(row[3]),
        str(row[4]),
        str(row[5]),
        steps,
        received,
        spent,
        left,
    )


def subsidies(conn: sqlite3.Connection) -> list[Subsidy]:
    return [get(conn, int(r[0])) for r in conn.execute("SELECT id FROM subsidies ORDER BY id")]


def add(
    ledger: Ledger,
    clerk: User,
    purpose: str,
    amount_asked: int,
    justification: str,
    on: date | None = None,
    *,
    general: bool = False,
) -> int:
    """Record an application for a subsidy, with its own restricted fund; ``general``: a
    transfer to the village's budget as a whole (the district's subvention), whose money
    lands in the general fund instead."""
    require(clerk, Action.REGISTER)
    purpose = clean_text(_("The purpose"), purpose, limit=500, required=True)
    justification = clean_text(_("The justification"), justification, multiline=True, required=True)
    if not 0 < amount_asked <= MAX_AMOUNT:
        raise InvalidInput(
            _("The amount asked must be above zero and at most {max}.").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        subsidy_id = int(
            conn.execute("SELECT coalesce(max(id), 0) + 1 FROM subsidies").fetchone()[0]
        )
        code = GENERAL_FUND if general else f"{SUBSIDY_FUND_PREFIX}{subsidy_id}"
        if not general:
            if catalog.fund_exists(conn, code):
                raise InvalidInput(
                    _("A fund {code} already exists; rename it before adding a subsidy.").format(
                        code=code
                    )
                )
            name = purpose[:200]
            catalog.insert_fund(commit, Fund(code, True, name, name, name, purpose))
        conn.execute(
            "INSERT INTO subsidies (id, purpose, justification, amount_asked, date, fund,"
            " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                subsidy_id,
                purpose,
                justification,
                amount_asked,
                day.isoformat(),
                code,
                clerk.id,
                storage.now_text(),
            ),
        )
        commit.append("subsidy", str(subsidy_id))
        commit.event("subsidy.add", f"{subsidy_id} {amount_asked}")
    return subsidy_id


def _step(
    ledger: Ledger,
    clerk: User,
    subsidy_id: int,
    step: str,
    day: date,
    *,
    granted: int = 0,
    reference: str = "",
    conditions: str = "",
    note: str = "",
) -> None:
    with ledger.write(clerk) as commit:
        conn = commit.conn
        subsidy = get(conn, subsidy_id)
        last = subsidy.steps[-1].date if subsidy.steps else subsidy.date
        if day.isoformat() < last:
            raise InvalidInput(_("This cannot be dated before {day}.").format(day=shown_date(last)))
        if step == "decided":
            if subsidy.state not in (State.APPLIED, State.APPEALED):
                raise InvalidInput(
                    _(
                        "Subsidy {id} was already decided; appeal the decision first to "
                        "record a new one."
                    ).format(id=subsidy_id)
                )
            if granted > subsidy.amount_asked:
                raise InvalidInput(
                    _("{granted} is more than the {asked} asked for.").format(
                        granted=format_amount(granted), asked=format_amount(subsidy.amount_asked)
                    )
                )
            if granted < subsidy.received:
                raise InvalidInput(
                    _("{received} of the subsidy was already received.").format(
                        received=format_amount(subsidy.received)
                    )
                )
        elif subsidy.state in (State.APPLIED, State.APPEALED, State.GRANTED):
            raise InvalidInput(
                _(
                    "Only a refusal or a partial grant can be appealed; subsidy {id} is: {state}."
                ).format(id=subsidy_id, state=_(STATE_NAMES[subsidy.state]).lower())
            )
        cursor = conn.execute(
            "INSERT INTO subsidy_steps (subsidy_id, step, date, granted, reference, conditions,"
            " note, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                subsidy_id,
                step,
                day.isoformat(),
                granted,
                reference,
                conditions,
                note,
                clerk.id,
                storage.now_text(),
            ),
        )
        commit.append("subsidy_step", str(int(cursor.lastrowid or 0)))
        commit.event(f"subsidy.{step}", f"{subsidy_id} {granted or ''} {reference}".strip())


def decide(
    ledger: Ledger,
    clerk: User,
    subsidy_id: int,
    granted: int,
    reference: str,
    conditions: str = "",
    on: date | None = None,
) -> None:
    """Record the decision on an application (or on its appeal): the amount granted (0: a
    refusal), the decision's reference and the conditions attached."""
    require(clerk, Action.REGISTER)
    reference = clean_text(_("The reference of the decision"), reference, required=True)
    conditions = clean_text(_("The conditions"), conditions, multiline=True)
    if not 0 <= granted <= MAX_AMOUNT:
        raise InvalidInput(
            _("The amount granted must be from zero to {max}.").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    day = council.event_date(on)
    _step(
        ledger,
        clerk,
        subsidy_id,
        "decided",
        day,
        granted=granted,
        reference=reference,
        conditions=conditions,
    )


def appeal(ledger: Ledger, clerk: User, subsidy_id: int, note: str, on: date | None = None) -> None:
    """Record an appeal against a refusal or a partial grant; the next decision answers it."""
    require(clerk, Action.REGISTER)
    note = clean_text(_("The appeal"), note, multiline=True, required=True)
    _step(ledger, clerk, subsidy_id, "appealed", council.event_date(on), note=note)


def receipt_problems(
    conn: sqlite3.Connection, subsidy: Subsidy, amount: int, day: date, already: int = 0
) -> list[str]:
    """Why ``amount`` of ``subsidy`` may not be received on ``day``."""
    decision = subsidy.decision
    if decision is None or subsidy.granted == 0:
        return [_("subsidy {id} was not granted").format(id=subsidy.id)]
    if day.isoformat() < decision.date:
        return [
            _("subsidy {id} was granted on {day}").format(
                id=subsidy.id, day=shown_date(decision.date)
            )
        ]
    left = subsidy.granted - subsidy.received - already
    if amount > left:
        return [
            _("subsidy {id} has {left} of its grant still to come").format(
                id=subsidy.id, left=format_amount(max(left, 0))
            )
        ]
    return []
