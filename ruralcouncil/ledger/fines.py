"""Local fines (DESIGN §2.6, §4.3): who was fined (a party), for what rule, how much, when
and by whom; paid by ``FINES`` receipts naming the fine (in parts if need be, never beyond
it), or cancelled with the reason and the reference of the decision that cancelled it. A
cancellation is a record of its own: the fine, and who cancelled it why, stay."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import council, storage
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

FINES_CODE = "FINES"


# Where a fine stands, in words (the state itself, ``Fine.state``, stays one of "unpaid",
# "paid" and "cancelled", as the CLI's JSON gives it; "unpaid" with a part paid is said so).
STATE_NAMES = {
    "unpaid": N_("Unpaid"),
    "part": N_("Part paid"),
    "paid": N_("Paid"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Fine:
    id: int
    party_id: int
    party: str
    rule: str
    amount: int
    date: str
    imposed_by: str
    paid: int
    cancelled_on: str | None
    cancel_reason: str
    cancel_decision: str

    @property
    def unpaid(self) -> int:
        return 0 if self.cancelled_on else max(self.amount - self.paid, 0)

    @property
    def state(self) -> str:
        if self.cancelled_on:
            return "cancelled"
        return "paid" if self.unpaid == 0 else "unpaid"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "party": self.party_id,
            "party_name": self.party,
            "rule": self.rule,
            "amount": self.amount,
            "date": self.date,
            "imposed_by": self.imposed_by,
            "paid": self.paid,
            "unpaid": self.unpaid,
            "state": self.state,
            "cancelled_on": self.cancelled_on,
            "reason": self.cancel_reason or None,
            "decision": self.cancel_decision or None,
        }


_SELECT = (
    "SELECT f.id, f.party_id, p.name, f.rule, f.amount, f.date, f.imposed_by,"
    " (SELECT coalesce(sum(t.amount), 0) FROM register_links l"
    "  JOIN transactions t ON t.id = l.transaction_id WHERE l.fine_id = f.id),"
    " c.date, coalesce(c.reason, ''), coalesce(c.decision, '')"
    " FROM fines f JOIN parties p ON p.id = f.party_id"
    " LEFT JOIN fine_cancellations c ON c.fine_id = f.id"
)


def _build(r: tuple[object, ...]) -> Fine:
    return Fine(
        int(r[0]),  # type: ignore[call-overload]
        int(r[1]),  # type: ignore[call-overload]
        str(r[2]),
        str(r[3]),
        int(r[4]),  # type: ignore[call-overload]
        str(r[5]),
        str(r[6]),
        int(r[7]),  # type: ignore[call-overload]
        None if r[8] is None else str(r[8]),
        str(r[9]),
        str(r[10]),
    )


def get(conn: sqlite3.Connection, fine_id: int) -> Fine:
    row = conn.execute(f"{_SELECT} WHERE f.id = ?", (fine_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no fine {id}.").format(id=fine_id))
    return _build(row)


def fines(conn: sqlite3.Connection, *, unpaid: bool = False) -> list[Fine]:
    found = [_build(r) for r in conn.execute(f"{_SELECT} ORDER BY f.date, f.id")]
    return [f for f in found if f.unpaid] if unpaid else found


def add(
    ledger: Ledger,
    clerk: User,
    party_id: int,
    rule: str,
    amount: int,
    imposed_by: str,
    on: date | None = None,
) -> int:
    require(clerk, Action.REGISTER)
    rule = clean_text(_("The rule broken"), rule, multiline=True, required=True)
    imposed_by = clean_text(_("Who imposed it"), imposed_by, required=True)
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(_("The amount must be above zero."))
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        council.get_party(commit.conn, party_id)
        cursor = commit.conn.execute(
            "INSERT INTO fines (party_id, rule, amount, date, imposed_by, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (party_id, rule, amount, day.isoformat(), imposed_by, clerk.id, storage.now_text()),
        )
        fine_id = int(cursor.lastrowid or 0)
        commit.append("fine", str(fine_id))
        commit.event("fine.add", f"{fine_id} {amount} party {party_id}")
    return fine_id


def cancel(
    ledger: Ledger,
    clerk: User,
    fine_id: int,
    reason: str,
    decision: str,
    on: date | None = None,
) -> None:
    """Cancel what a fine has unpaid, with the reason and the decision's reference."""
    require(clerk, Action.REGISTER)
    reason = clean_text(_("The reason"), reason, multiline=True, required=True)
    decision = clean_text(_("The reference of the decision"), decision, required=True)
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        fine = get(conn, fine_id)
        if fine.cancelled_on:
            raise InvalidInput(
                _("Fine {id} was cancelled on {day}.").format(
                    id=fine_id, day=shown_date(fine.cancelled_on)
                )
            )
        if fine.unpaid == 0:
            raise InvalidInput(
                _("Fine {id} is paid: there is nothing to cancel.").format(id=fine_id)
            )
        if day.isoformat() < fine.date:
            raise InvalidInput(
                _("Fine {id} was imposed on {day}.").format(id=fine_id, day=shown_date(fine.date))
            )
        conn.execute(
            "INSERT INTO fine_cancellations (fine_id, date, reason, decision, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (fine_id, day.isoformat(), reason, decision, clerk.id, storage.now_text()),
        )
        commit.append("fine_cancellation", str(fine_id))
        commit.event("fine.cancel", f"{fine_id} {decision}")


def payment_problems(
    fine: Fine, category: str | None, amount: int, day: date, already: int = 0
) -> list[str]:
    """Why a receipt of ``amount`` on ``day`` may not pay ``fine``."""
    if category != FINES_CODE:
        return [_("a fine is paid by a FINES receipt")]
    if fine.cancelled_on and day.isoformat() >= fine.cancelled_on:
        return [
            _("fine {id} was cancelled on {day}").format(
                id=fine.id, day=shown_date(fine.cancelled_on)
            )
        ]
    if day.isoformat() < fine.date:
        return [_("fine {id} was imposed on {day}").format(id=fine.id, day=shown_date(fine.date))]
    # A payment made before the cancellation and entered after it still counts.
    owed = max(fine.amount - fine.paid, 0) if fine.cancelled_on else fine.unpaid
    if amount > owed - already:
        return [
            _("fine {id} has {left} unpaid").format(
                id=fine.id, left=format_amount(max(owed - already, 0))
            )
        ]
    return []


def business(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """A fine the party owes on ``day``, or one imposed on them within the last year."""
    on = day.isoformat()
    since = (day - timedelta(days=365)).isoformat()
    found = []
    for fine in fines(conn):
        if fine.party_id != party_id or fine.date > on:
            continue
        if fine.unpaid or fine.date >= since:
            found.append(
                _("fine {id} ({amount}, {day}): {state}").format(
                    id=fine.id,
                    amount=format_amount(fine.amount),
                    day=shown_date(fine.date),
                    state=_("unpaid") if fine.unpaid else _("paid or cancelled"),
                )
            )
    return found


def state_text(fine: Fine) -> str:
    """Where ``fine`` stands, in the user's language (:data:`STATE_NAMES`)."""
    state = fine.state
    if state == "unpaid" and fine.paid > 0:
        state = "part"
    return _(STATE_NAMES[state])
