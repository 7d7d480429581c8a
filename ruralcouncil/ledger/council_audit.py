"""``verify``'s replay of the council's rules over the chain (DESIGN §4.2).

The chain proves who wrote each record; this proves that what they wrote obeyed the rules
when they wrote it. A chair who edits the file and signs a hand-made approval with their own
key, a member who countersigns a meeting they missed, a payment above what its request has
left: each is a record the services would have refused, and each is named here by its chain
position. Records are replayed in chain order, with the council's rules as the chain had
them then; the rows are the stored ones, which the walk has already held against the chain.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import chain

Problem = tuple[int, str, int | None]  # (chain position, message, entry number or None)

_KINDS = (
    "interest",
    "meeting",
    "resolution",
    "confirmation",
    "resolution_use",
    "council_rule",
    "budget",
    "request",
    "request_step",
    "entry_link",
)
_ACTION_NAMES = {
    "request.approve": N_("approving a spending request"),
    "council.set": N_("setting a council rule"),
    "budget.adopt": N_("adopting a budget"),
    "fund.transfer": N_("a transfer between funds"),
    "project.adopt": N_("adopting a community project"),
    "project.close": N_("closing a community project"),
    "donation.acknowledge": N_("acknowledging a donation"),
    "household.exempt": N_("exempting a household"),
    "loan.add": N_("taking a loan"),
}
_DEFAULT_RULES = {"quorum": "1/2", "majority": "1/2", "chair-limit": str(100_000_00)}


def _share(value: str) -> Fraction:
    top, _slash, bottom = value.partition("/")
    return Fraction(int(top), int(bottom))


@dataclass
class _Request:
    date: str
    party: int
    code: str
    fund: str
    amount: int
    drafted_by: int
    approved: int = 0
    approved_on: str | None = None
    approved_by: int | None = None
    cancelled: int = 0
    paid: int = 0
    ended: bool = False


@dataclass
class _State:
    rules: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_RULES))
    interests: list[tuple[int, int, str]] = field(default_factory=list)  # member, party, date
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    resolutions: dict[int, dict[str, Any]] = field(default_factory=dict)
    confirmed: set[int] = field(default_factory=set)
    uses: dict[int, tuple[str, str]] = field(default_factory=dict)  # resolution -> action, record
    requests: dict[int, _Request] = field(default_factory=dict)
    chair_alone: list[tuple[int, str, int]] = field(default_factory=list)  # party, date, amount
    budget_years: dict[int, int] = field(default_factory=dict)  # year -> first budget's seq
    # year -> (revenue estimates by line, total appropriated) of the version in force
    budgets: dict[int, tuple[dict[tuple[str, str], int], int]] = field(default_factory=dict)


def _row(conn: sqlite3.Connection, sql: str, key: str) -> tuple[Any, ...] | None:
    if not chain.bindable(key):
        return None
    found = conn.execute(sql, (key,)).fetchone()
    return tuple(found) if found is not None else None


def problems(conn: sqlite3.Connection) -> list[Problem]:
    """Every council record that broke a rule when it was written, in chain order."""
    state = _State()
    found: list[Problem] = []
    placeholders = ", ".join("?" * len(_KINDS))
    entries = conn.execute(
        f"SELECT seq, kind, record, payload FROM chain WHERE kind IN ({placeholders}) ORDER BY seq",
        _KINDS,
    ).fetchall()
    for seq, kind, record, payload in entries:
        try:
            for message, number in _check(conn, state, kind, str(record), payload):
                found.append((int(seq), message, number))
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, AttributeError):
            found.append(
                (
                    int(seq),
                    _("chain position {n}: its council record cannot be read").format(n=seq),
                    None,
                )
            )
    found += _unrequested_payments(conn, state)
    return found


def _check(
    conn: sqlite3.Connection, state: _State, kind: str, record: str, payload: str
) -> Iterator[tuple[str, int | None]]:
    if kind == "interest":
        row = _row(conn, "SELECT member_id, party_id, date FROM interests WHERE id = ?", record)
        if row is not None:
            state.interests.append((int(row[0]), int(row[1]), str(row[2])))
    elif kind == "meeting":
        row = _row(
            conn, "SELECT date, sitting, present, user_id FROM meetings WHERE id = ?", record
        )
        if row is not None:
            meeting: dict[str, Any] = {
                "date": str(row[0]),
                "sitting": set(json.loads(row[1])),
                "present": set(json.loads(row[2])),
                "chair": int(row[3]),
            }
            state.meetings[int(record)] = meeting
            if meeting["chair"] not in meeting["present"]:
                yield (
                    _("meeting {id}: its chair was not among those present").format(id=record),
                    None,
                )
    elif kind == "resolution":
        yield from _resolution(conn, state, record)
    elif kind == "confirmation":
        yield from _confirmation(conn, state, record)
    elif kind == "resolution_use":
        yield from _use(conn, state, record)
    elif kind == "council_rule":
        content = chain.read_json(payload)["content"]
        name, value = str(content["name"]), str(content["value"])
        use = state.uses.get(int(content["resolution_id"]))
        subject = state.resolutions.get(int(content["resolution_id"]), {}).get("subject")
        if use != ("council.set", name) or subject != f"rules:{name}={value}":
            yield (
                _("the council rule {name} was set to {value} without its resolution").format(
                    name=name, value=value
                ),
                None,
            )
        state.rules[name] = value
    elif kind == "budget":
        row = _row(conn, "SELECT year, resolution_id FROM budgets WHERE id = ?", record)
        if row is not None:
            year, resolution_id = int(row[0]), int(row[1])
            subject = state.resolutions.get(resolution_id, {}).get("subject")
            if state.uses.get(resolution_id, ("",))[0] != "budget.adopt" or subject not in (
                f"budget:{year}",
                f"virement:{year}",
            ):
                yield (
                    _("budget version {id} was adopted without its resolution").format(id=record),
                    None,
                )
            lines = _budget_totals(conn, record)
            earlier = state.budgets.get(year)
            if subject == f"virement:{year}" and (earlier is None or earlier != lines):
                yield (
                    _(
                        "budget version {id} was adopted by a virement that changed the revenue "
                        "estimates or the total appropriated"
                    ).format(id=record),
                    None,
                )
            state.budgets[year] = lines
            state.budget_years.setdefault(year, 0)
    elif kind == "request":
        row = _row(
            conn,
            "SELECT date, party_id, code, fund, amount, user_id FROM requests WHERE id = ?",
            record,
        )
        if row is not None:
            state.requests[int(record)] = _Request(
                str(row[0]), int(row[1]), str(row[2]), str(row[3]), int(row[4]), int(row[5])
            )
    elif kind == "request_step":
        yield from _step(conn, state, record)
    elif kind == "entry_link":
        yield from _link(conn, state, record)


def _budget_totals(
    conn: sqlite3.Connection, budget_id: str
) -> tuple[dict[tuple[str, str], int], int]:
    """What a virement may not change: the revenue estimates and the total appropriated."""
    revenue: dict[tuple[str, str], int] = {}
    spending = 0
    for code, fund, amount, kind in conn.execute(
        "SELECT l.code, l.fund, l.amount, a.kind FROM budget_lines l"
        " JOIN accounts a ON a.code = l.code WHERE l.budget_id = ?",
        (budget_id,),
    ):
        if kind == "revenue" and amount:
            revenue[(str(code), str(fund))] = int(amount)
        elif kind == "expenditure":
            spending += int(amount)
    return revenue, spending


def _interested(state: _State, party: int | None, day: str) -> set[int]:
    return {m for m, p, d in state.interests if p == party and d <= day}


def _subject_party(conn: sqlite3.Connection, state: _State, subject: str) -> int | None:
    kind, _sep, rest = subject.partition(":")
    if kind == "request" and int(rest) in state.requests:
        return state.requests[int(rest)].party
    if kind == "loan":
        return int(rest.split(":")[0])
    # A gift's donor and a household's head never change (their rows only grow, and the
    # walk holds them against the chain): read as stored.
    if kind == "donation":
        row = _row(conn, "SELECT party_id FROM donations WHERE id = ?", rest)
        return int(row[0]) if row else None
    if kind == "exemption":
        row = _row(conn, "SELECT head_id FROM households WHERE id = ?", rest.split(":")[0])
        return int(row[0]) if row else None
    return None


def _resolution(
    conn: sqlite3.Connection, state: _State, record: str
) -> Iterator[tuple[str, int | None]]:
    row = _row(
        conn,
        "SELECT year, number, meeting_id, subject, passed, user_id FROM resolutions WHERE id = ?",
        record,
    )
    if row is None:
        return
    ref = f"{row[0]}/{row[1]}"
    meeting = state.meetings.get(int(row[2]))
    subject = str(row[3])
    state.resolutions[int(record)] = {"subject": subject, "passed": bool(row[4]), "meeting": row[2]}
    if meeting is None or int(row[5]) not in meeting["present"]:
        yield _("resolution {ref}: its meeting or its chair is not on record").format(ref=ref), None
        return
    votes = {
        int(m): str(v)
        for m, v in conn.execute(
            "SELECT member_id, vote FROM votes WHERE resolution_id = ?", (int(record),)
        )
    }
    state.resolutions[int(record)]["votes"] = votes
    recused = (
        _interested(state, _subject_party(conn, state, subject), meeting["date"])
        & meeting["present"]
    )
    for member in meeting["sitting"] | meeting["present"]:
        vote = votes.get(member)
        if member in recused:
            expected_ok = vote == "recused"
        elif member not in meeting["present"]:
            expected_ok = vote == "absent"
        else:
            expected_ok = vote in ("for", "against", "abstain")
        if not expected_ok:
            yield (
                _("resolution {ref}: the vote of member {id} does not match the meeting").format(
                    ref=ref, id=member
                ),
                None,
            )
    if set(votes) - (meeting["sitting"] | meeting["present"]):
        yield (
            _("resolution {ref}: someone who did not sit on the council voted").format(ref=ref),
            None,
        )
    counted = len(meeting["present"] - recused)
    if counted < int(_share(state.rules["quorum"]) * len(meeting["sitting"])) + 1:
        yield _("resolution {ref} was recorded without a quorum").format(ref=ref), None
    in_favour = sum(1 for v in votes.values() if v == "for")
    if bool(row[4]) != (in_favour > _share(state.rules["majority"]) * counted):
        yield (
            _("resolution {ref}: whether it passed does not follow from its votes").format(ref=ref),
            None,
        )


def _confirmation(
    conn: sqlite3.Connection, state: _State, record: str
) -> Iterator[tuple[str, int | None]]:
    row = _row(conn, "SELECT user_id FROM confirmations WHERE resolution_id = ?", record)
    resolution = state.resolutions.get(int(record))
    if row is None:
        return
    confirmer = int(row[0])
    recorder = conn.execute(
        "SELECT user_id FROM resolutions WHERE id = ?", (int(record),)
    ).fetchone()
    vote = (resolution or {}).get("votes", {}).get(confirmer)
    if (
        resolution is None
        or vote in (None, "absent", "recused")
        or (recorder is not None and int(recorder[0]) == confirmer)
    ):
        yield (
            _(
                "resolution {id} was confirmed by someone who may not confirm it (absent, recused "
                "or its own recorder)"
            ).format(id=record),
            None,
        )
        return
    state.confirmed.add(int(record))


def _use(conn: sqlite3.Connection, state: _State, record: str) -> Iterator[tuple[str, int | None]]:
    row = _row(conn, "SELECT action, record FROM resolution_uses WHERE resolution_id = ?", record)
    if row is None:
        return
    action, target = str(row[0]), str(row[1])
    resolution = state.resolutions.get(int(record))
    state.uses[int(record)] = (action, target)
    if resolution is None or not resolution["passed"] or int(record) not in state.confirmed:
        yield (
            _("resolution {id} was used before it passed and was confirmed").format(id=record),
            None,
        )
        return
    subject = str(resolution["subject"])
    fits = {
        "request.approve": subject == f"request:{target}",
        "council.set": subject.startswith(f"rules:{target}="),
        "budget.adopt": subject.split(":")[0] in ("budget", "virement"),
        "fund.transfer": subject.startswith("fund-transfer:"),
        "project.adopt": subject == f"project:{target}",
        "project.close": subject == f"project:{target}",
        "donation.acknowledge": subject == f"donation:{target}",
        "household.exempt": subject == f"exemption:{target}",
        "loan.add": subject.startswith("loan:"),
    }
    if not fits.get(action, False):
        yield (
            _("resolution {id} about {subject} was used for {action}").format(
                id=record, subject=subject, action=_(_ACTION_NAMES.get(action, action))
            ),
            None,
        )


def _step(conn: sqlite3.Connection, state: _State, record: str) -> Iterator[tuple[str, int | None]]:
    row = _row(
        conn,
        "SELECT request_id, step, date, resolution_id, amount, user_id FROM request_steps"
        " WHERE id = ?",
        record,
    )
    if row is None:
        return
    request = state.requests.get(int(row[0]))
    step, day, resolution_id, amount, user = (
        str(row[1]),
        str(row[2]),
        row[3],
        int(row[4]),
        int(row[5]),
    )
    if request is None:
        yield _("a step of request {id} comes before the request").format(id=row[0]), None
        return
    if step == "cancelled":
        if (
            request.approved_on is None
            or amount > request.approved - request.cancelled - request.paid
        ):
            yield _("request {id} was cancelled beyond what it had unpaid").format(id=row[0]), None
        request.cancelled += amount
        return
    if request.ended or request.approved_on is not None:
        yield _("request {id} was decided twice").format(id=row[0]), None
        return
    if step != "approved":
        request.ended = True
        return
    if user == request.drafted_by or day < request.date or amount != request.amount:
        yield (
            _("request {id} was approved by its drafter, too early or for another amount").format(
                id=row[0]
            ),
            None,
        )
    if resolution_id is None:
        limit = int(state.rules["chair-limit"])
        centre = date.fromisoformat(day)
        window = timedelta(days=29)
        near = sum(
            a
            for p, d, a in state.chair_alone
            if p == request.party
            and (centre - window).isoformat() <= d <= (centre + window).isoformat()
        )
        if near + amount > limit or user in _interested(state, request.party, day):
            yield (
                _("request {id} was approved by the chair alone beyond what the chair may").format(
                    id=row[0]
                ),
                None,
            )
        state.chair_alone.append((request.party, day, amount))
    elif state.uses.get(int(resolution_id)) != ("request.approve", str(row[0])):
        yield _("request {id} was approved by a resolution not used for it").format(id=row[0]), None
    request.approved, request.approved_on, request.approved_by = amount, day, user


def _link(conn: sqlite3.Connection, state: _State, record: str) -> Iterator[tuple[str, int | None]]:
    row = _row(
        conn,
        "SELECT l.request_id, t.number, t.date, t.type, t.amount, t.code, t.fund, t.user_id"
        " FROM entry_links l JOIN transactions t ON t.id = l.transaction_id"
        " WHERE l.transaction_id = ?",
        record,
    )
    if row is None or row[0] is None:
        return
    request = state.requests.get(int(row[0]))
    number, day, amount = int(row[1]), str(row[2]), int(row[4])
    if request is None or request.approved_on is None:
        yield (
            _("entry {n} pays request {id}, which was not approved").format(n=number, id=row[0]),
            number,
        )
        return
    if amount > 0 and (
        str(row[3]) != "payment"
        or (str(row[5]), str(row[6])) != (request.code, request.fund)
        or day < request.approved_on
        or int(row[7]) == request.approved_by
        or amount > request.approved - request.cancelled - request.paid
    ):
        yield (
            _("entry {n} pays request {id} against its approval").format(n=number, id=row[0]),
            number,
        )
    request.paid += amount


def _unrequested_payments(conn: sqlite3.Connection, state: _State) -> list[Problem]:
    """Payments recorded after their year's budget was adopted, without a request."""
    found: list[Problem] = []
    # A project's refunds at its close are carried out by its resolution, not by requests
    # (``community_audit`` checks each against its close and its household).
    refunds = (
        " AND NOT (t.code = 'REFUND' AND t.fund LIKE 'PROJECT-%')"
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'contributions'").fetchone()
        else ""
    )
    for year, first in conn.execute(
        "SELECT b.year, min(c.seq) FROM budgets b JOIN chain c ON c.kind = 'budget'"
        " AND c.record = CAST(b.id AS TEXT) GROUP BY b.year"
    ).fetchall():
        for seq, number in conn.execute(
            "SELECT c.seq, t.number FROM transactions t JOIN chain c ON c.kind = 'transaction'"
            " AND c.record = CAST(t.id AS TEXT) WHERE t.type = 'payment' AND t.amount > 0"
            " AND t.reverses IS NULL AND t.date BETWEEN ? AND ? AND c.seq > ?"
            " AND t.id NOT IN"
            " (SELECT transaction_id FROM entry_links WHERE request_id IS NOT NULL)"
            # A link deleted from its table is the walk's to report, at the link's position.
            " AND CAST(t.id AS TEXT) NOT IN (SELECT record FROM chain WHERE kind = 'entry_link')"
            + refunds,
            (f"{year}-01-01", f"{year}-12-31", first),
        ):
            found.append(
                (
                    int(seq),
                    _(
                        "entry {n} is a payment in {year}, a year with a budget, without a request"
                    ).format(n=number, year=year),
                    int(number),
                )
            )
    return found
