"""A payment's path: spending requests from draft to approval to payment (DESIGN §4.2).

The clerk drafts a request (party, program, fund, amount, purpose; invoices and quotes
attached). The chair approves it alone up to the council's limit, counting their own
approvals to the same party over the last 30 days so that a large payment cannot be split;
above it only a passed, confirmed resolution about ``request:ID`` approves it. Nobody
approves what they drafted, and an approval that the budget line cannot carry is refused.
The clerk then pays it, in parts if need be, never more than approved and never as the one
who approved it. Every step is signed by the person who takes it; nothing is edited.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import PurePath

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import budget, catalog, council, holds, meetings, storage
from ruralcouncil.ledger.classification import EXPENDITURE
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text, safe_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

MAX_ATTACHMENT = 20 * 1024 * 1024  # bytes: a scanned invoice, not an archive
CHAIR_WINDOW_DAYS = 30


class State(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


STATE_NAMES = {
    State.DRAFT: N_("Waiting for approval"),
    State.APPROVED: N_("Approved"),
    State.PAID: N_("Paid"),
    State.REJECTED: N_("Rejected"),
    State.WITHDRAWN: N_("Withdrawn"),
    State.CANCELLED: N_("Cancelled"),
}


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Request:
    id: int
    date: str
    party_id: int
    party: str
    category: str
    fund: str
    amount: int
    purpose: str
    drafted_by: int
    state: State
    approved_by: int | None = None
    approved_on: str | None = None
    resolution: str | None = None
    approved: int = 0
    cancelled: int = 0
    paid: int = 0
    ended_reason: str = ""

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def unpaid(self) -> int:
        """What may still be paid against it."""
        if self.approved_by is None:
            return 0
        return max(self.approved - self.cancelled - self.paid, 0)

    def unpaid_as_of(self, conn: sqlite3.Connection, on: str) -> int:
        """What it still owed at the end of the day ``on``."""
        paid = int(
            conn.execute(
                "SELECT coalesce(sum(t.amount), 0) FROM entry_links l"
                " JOIN transactions t ON t.id = l.transaction_id"
                " WHERE l.request_id = ? AND t.date <= ?",
                (self.id, on),
            ).fetchone()[0]
        )
        cancelled = int(
            conn.execute(
                "SELECT coalesce(sum(amount), 0) FROM request_steps"
                " WHERE request_id = ? AND step = 'cancelled' AND date <= ?",
                (self.id, on),
            ).fetchone()[0]
        )
        return max(self.approved - cancelled - paid, 0)

    def as_json(self, names: dict[int, str]) -> dict[str, object]:
        return {
            "id": self.id,
            "date": self.date,
            "state": self.state.value,
            "party": self.party_id,
            "party_name": self.party,
            "category": self.category,
            "fund": self.fund,
            "amount": self.amount,
            "purpose": self.purpose,
            "drafted_by": names.get(self.drafted_by),
            "approved_by": names.get(self.approved_by) if self.approved_by else None,
            "approved_on": self.approved_on,
            "resolution": self.resolution,
            "paid": self.paid,
            "unpaid": self.unpaid,
        }


# --- reading -----------------------------------------------------------------------------

_SELECT = (
    "SELECT q.id, q.date, q.party_id, p.name, q.code, q.fund, q.amount, q.purpose, q.user_id,"
    " (SELECT coalesce(sum(t.amount), 0) FROM entry_links l"
    "  JOIN transactions t ON t.id = l.transaction_id WHERE l.request_id = q.id)"
    " FROM requests q JOIN parties p ON p.id = q.party_id"
)


@dataclass(frozen=True)
class Step:
    """What happened to a request after its draft, by whom and when."""

    step: str  # approved, rejected, withdrawn, cancelled
    date: str
    user_id: int
    amount: int  # approved, or released by a cancellation
    resolution: str | None  # YYYY/N of an approval by resolution
    reason: str


def steps(conn: sqlite3.Connection, request_id: int) -> list[Step]:
    rows = conn.execute(
        "SELECT s.step, s.date, s.user_id, s.amount, r.year || '/' || r.number, s.reason"
        " FROM request_steps s LEFT JOIN resolutions r ON r.id = s.resolution_id"
        " WHERE s.request_id = ? ORDER BY s.id",
        (request_id,),
    )
    return [Step(str(r[0]), str(r[1]), int(r[2]), int(r[3]), r[4], str(r[5])) for r in rows]


def _build(conn: sqlite3.Connection, row: tuple[object, ...]) -> Request:
    request_id = int(row[0])  # type: ignore[call-overload]
    paid = int(row[9])  # type: ignore[call-overload]
    approved_by = approved_on = resolution = None
    approved = cancelled = 0
    state = State.DRAFT
    reason = ""
    for step, day, user_id, amount, ref, why in (
        (s.step, s.date, s.user_id, s.amount, s.resolution, s.reason)
        for s in steps(conn, request_id)
    ):
        if step == "approved":
            state, approved_by, approved_on, resolution = State.APPROVED, user_id, day, ref
            approved = int(amount)
        elif step == "cancelled":
            cancelled += int(amount)
            state, reason = State.CANCELLED, str(why)
        else:
            state, reason = State(step), str(why)
    if state in (State.APPROVED, State.CANCELLED) and approved:
        # What is left decides: a payment reversed after a cancellation is payable again.
        left = approved - cancelled - paid
        state = State.APPROVED if left > 0 else State.PAID if paid > 0 else State.CANCELLED
    return Request(
        request_id,
        str(row[1]),
        int(row[2]),  # type: ignore[call-overload]
        str(row[3]),
        str(row[4]),
        str(row[5]),
        int(row[6]),  # type: ignore[call-overload]
        str(row[7]),
        int(row[8]),  # type: ignore[call-overload]
        state,
        approved_by,
        approved_on,
        resolution,
        approved,
        cancelled,
        paid,
        reason,
    )


def get(conn: sqlite3.Connection, request_id: int) -> Request:
    row = conn.execute(f"{_SELECT} WHERE q.id = ?", (request_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no spending request {id}.").format(id=request_id))
    return _build(conn, row)


def requests(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    state: str | None = None,
    fund: str | None = None,
    party_id: int | None = None,
) -> list[Request]:
    """Spending requests, oldest first: of ``year``, in ``state``, on ``fund``, to
    ``party_id`` (each when given). The year, fund and party are chosen in SQL, so a check
    about one fund or party builds only that one's requests and their steps."""
    conditions: list[str] = []
    params: list[object] = []
    if year:
        conditions.append("q.date LIKE ?")
        params.append(f"{year}-%")
    if fund is not None:
        conditions.append("q.fund = ?")
        params.append(fund)
    if party_id is not None:
        conditions.append("q.party_id = ?")
        params.append(party_id)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    found = [_build(conn, r) for r in conn.execute(f"{_SELECT} {where} ORDER BY q.id", params)]
    if state:
        try:
            wanted = State(state)
        except ValueError:
            raise InvalidInput(
                _("Unknown state {state}: use one of {states}.").format(
                    state=repr(state[:40]), states=", ".join(s.value for s in State)
                )
            ) from None
        found = [r for r in found if r.state == wanted]
    return found


def waiting(conn: sqlite3.Connection, year: int) -> tuple[int, int]:
    """Requests of ``year`` waiting for a decision, and approved ones not yet fully paid or
    cancelled: what the dashboard says is on the desk."""
    drafts = conn.execute(
        "SELECT count(*) FROM requests q WHERE q.date LIKE ? AND NOT EXISTS"
        " (SELECT 1 FROM request_steps s WHERE s.request_id = q.id)",
        (f"{year}-%",),
    ).fetchone()[0]
    to_pay = conn.execute(
        "SELECT count(*) FROM requests q JOIN request_steps s ON s.request_id = q.id"
        " AND s.step = 'approved' WHERE q.date LIKE ? AND s.amount"
        " - (SELECT coalesce(sum(amount), 0) FROM request_steps c"
        "    WHERE c.request_id = q.id AND c.step = 'cancelled')"
        " - (SELECT coalesce(sum(t.amount), 0) FROM entry_links l"
        "    JOIN transactions t ON t.id = l.transaction_id WHERE l.request_id = q.id) > 0",
        (f"{year}-%",),
    ).fetchone()[0]
    return int(drafts), int(to_pay)


def attachments(conn: sqlite3.Connection, request_id: int) -> list[Attachment]:
    rows = conn.execute(
        "SELECT id, filename, size, sha256 FROM attachments WHERE request_id = ? ORDER BY id",
        (request_id,),
    )
    return [Attachment(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def attachment_data(conn: sqlite3.Connection, attachment_id: int) -> tuple[str, bytes]:
    row = conn.execute(
        "SELECT filename, data FROM attachments WHERE id = ?", (attachment_id,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no attachment {id}.").format(id=attachment_id))
    return str(row[0]), bytes(row[1])


def refuse_unless_draft(conn: sqlite3.Connection, request_id: int) -> Request:
    request = get(conn, request_id)
    if request.state != State.DRAFT:
        raise InvalidInput(
            _("Spending request {id} is no longer waiting for a decision ({state}).").format(
                id=request_id, state=_(STATE_NAMES[request.state])
            )
        )
    return request


# --- drafting ----------------------------------------------------------------------------


def _store_attachment(
    commit: Commit, user: User, request_id: int, filename: str, data: bytes
) -> int:
    name = safe_text(PurePath(filename).name)[:200] or "attachment"
    if not data:
        raise InvalidInput(_("The attachment {name} is empty.").format(name=name))
    if len(data) > MAX_ATTACHMENT:
        raise InvalidInput(
            _("The attachment {name} is larger than 20 MB; scan it at a lower resolution.").format(
                name=name
            )
        )
    cursor = commit.conn.execute(
        "INSERT INTO attachments (request_id, filename, size, sha256, data, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            request_id,
            name,
            len(data),
            hashlib.sha256(data).hexdigest(),
            data,
            user.id,
            storage.now_text(),
        ),
    )
    attachment_id = int(cursor.lastrowid or 0)
    commit.append("attachment", str(attachment_id))
    return attachment_id


def draft(
    ledger: Ledger,
    clerk: User,
    party_id: int,
    category: str,
    fund: str,
    amount: int,
    purpose: str,
    files: list[tuple[str, bytes]] | None = None,
    on: date | None = None,
) -> int:
    """Draft a spending request with its attachments; returns its id."""
    require(clerk, Action.DRAFT)
    purpose = clean_text(_("The purpose"), purpose, multiline=True, required=True)
    day = council.event_date(on)
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(
            _("the amount must be above zero and at most {max}").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    with ledger.write(clerk) as commit:
        conn = commit.conn
        council.get_party(conn, party_id)
        if catalog.kind_of(conn, category) != EXPENDITURE:
            raise InvalidInput(
                _("{code} is not an expenditure program.").format(code=category[:40])
            )
        if not catalog.fund_exists(conn, fund):
            raise InvalidInput(_("unknown fund {code}").format(code=fund[:40]))
        refusal = _project_refusal(conn, fund, day)
        if refusal is not None:
            raise InvalidInput(refusal)
        cursor = conn.execute(
            "INSERT INTO requests (date, party_id, code, fund, amount, purpose, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                day.isoformat(),
                party_id,
                category,
                fund,
                amount,
                purpose,
                clerk.id,
                storage.now_text(),
            ),
        )
        request_id = int(cursor.lastrowid or 0)
        commit.append("request", str(request_id))
        for filename, data in files or []:
            _store_attachment(commit, clerk, request_id, filename, data)
        commit.event("request.new", f"{request_id} {amount} party {party_id}")
    return request_id


def _project_refusal(conn: sqlite3.Connection, fund: str, day: date) -> str | None:
    """A project's fund is spent only while the project is adopted and not closed."""
    project_id = holds.project_of_fund(conn, fund)
    if project_id is None:
        return None
    from ruralcouncil.ledger import projects

    project = projects.get(conn, project_id)
    if project.state != projects.State.ADOPTED:
        return _(
            "The fund {fund} is project {id}'s, which is {state}: nothing is spent from it."
        ).format(fund=fund, id=project_id, state=_(projects.STATE_NAMES[project.state]).lower())
    if day.isoformat() < (project.adopted_on or ""):
        return _("Project {id} was adopted on {day}; nothing is dated before.").format(
            id=project_id, day=shown_date(project.adopted_on or "")
        )
    return None


def _line_refusal(conn: sqlite3.Connection, request: Request) -> str | None:
    """Why the money is not there for ``request``: a community fund's free money (what it
    holds, less held gifts and other approved requests) or, in a year with an adopted
    budget, the budget line's remainder."""
    if holds.needs_request(conn, request.fund, request.date):
        free = holds.available(conn, request.fund)
        if request.amount > free:
            return _(
                "Refused: the fund {fund} has {free} free (its money less held donations and "
                "approved requests not yet paid), {short} less than the request."
            ).format(
                fund=request.fund,
                free=format_amount(max(free, 0)),
                short=format_amount(request.amount - max(free, 0)),
            )
        if holds.project_of_fund(conn, request.fund) is not None:
            return None  # the project's adoption is its appropriation
    left = budget.remaining(conn, request.year, request.category, request.fund)
    if left is not None and request.amount > left:
        return _(
            "Refused: the budget line {code} in fund {fund} has {left} left, {short} "
            "less than the request. A virement (a resolution about virement:{year}) "
            "can move money to this line."
        ).format(
            code=request.category,
            fund=request.fund,
            left=format_amount(left),
            short=format_amount(request.amount - left),
            year=request.year,
        )
    return None


def attach(ledger: Ledger, clerk: User, request_id: int, filename: str, data: bytes) -> int:
    """Attach another invoice or quote to a request still waiting for its decision."""
    require(clerk, Action.DRAFT)
    with ledger.write(clerk) as commit:
        refuse_unless_draft(commit.conn, request_id)
        attachment_id = _store_attachment(commit, clerk, request_id, filename, data)
        commit.event("request.attach", f"{request_id} {attachment_id}")
    return attachment_id


# --- deciding ----------------------------------------------------------------------------


def _step(
    commit: Commit,
    user: User,
    request_id: int,
    step: str,
    day: str,
    *,
    amount: int = 0,
    resolution_id: int | None = None,
    reason: str = "",
) -> None:
    cursor = commit.conn.execute(
        "INSERT INTO request_steps (request_id, step, date, resolution_id, reason, amount,"
        " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, step, day, resolution_id, reason, amount, user.id, storage.now_text()),
    )
    commit.append("request_step", str(int(cursor.lastrowid or 0)))
    commit.event(f"request.{step}", f"{request_id} {amount or ''} {reason}".strip())


def chair_alone_total(conn: sqlite3.Connection, party_id: int, day: date) -> int:
    """What the chair approved alone to ``party_id`` within 30 days of ``day``, on either
    side: an approval dated back before an earlier one must not escape the sum."""
    window = timedelta(days=CHAIR_WINDOW_DAYS - 1)
    row = conn.execute(
        "SELECT coalesce(sum(s.amount), 0) FROM request_steps s"
        " JOIN requests q ON q.id = s.request_id"
        " WHERE s.step = 'approved' AND s.resolution_id IS NULL AND q.party_id = ?"
        " AND s.date BETWEEN ? AND ?",
        (party_id, (day - window).isoformat(), (day + window).isoformat()),
    ).fetchone()
    return int(row[0])


def alone_refusal(
    conn: sqlite3.Connection, request: Request, chair_id: int, chair_name: str, day: date
) -> str | None:
    """Why chair ``chair_id`` may not approve ``request`` alone on ``day`` (None: they may):
    an interest they declared in its party, or the chair's limit, counting what they
    approved alone to that party within 30 days."""
    if chair_id in council.interested_members(conn, request.party_id, day.isoformat()):
        return _(
            "{name} has declared an interest in {party}: the council must decide this request "
            "at a meeting."
        ).format(name=chair_name, party=request.party)
    limit = council.amount_rule(conn, council.Rule.CHAIR_LIMIT)
    earlier = chair_alone_total(conn, request.party_id, day)
    if earlier + request.amount <= limit:
        return None
    return _(
        "Refused: {amount} to {party} (with {earlier} approved by the chair alone to them "
        "within 30 days) is above the chair's limit of {limit}. The council must approve it "
        "by a resolution about request:{id}."
    ).format(
        amount=format_amount(request.amount),
        party=request.party,
        earlier=format_amount(earlier),
        limit=format_amount(limit),
        id=request.id,
    )


def approve(
    ledger: Ledger, chair: User, request_id: int, ref: str = "", on: date | None = None
) -> None:
    """Approve a request: the chair alone within the limit, otherwise by resolution ``ref``."""
    require(chair, Action.CHAIR)
    with ledger.write(chair) as commit:
        conn = commit.conn
        request = refuse_unless_draft(conn, request_id)
        if request.drafted_by == chair.id:
            raise InvalidInput(_("Nobody approves a request they drafted."))
        resolution_id = None
        if ref.strip():
            resolution = meetings.use(
                commit, chair, ref, f"request:{request_id}", "request.approve", str(request_id)
            )
            if on is not None and on.isoformat() != resolution.date:
                raise InvalidInput(
                    _(
                        "An approval by resolution takes the date of its meeting ({day}), not "
                        "another."
                    ).format(day=shown_date(resolution.date))
                )
            day = date.fromisoformat(resolution.date)
            resolution_id = resolution.id
        else:
            day = council.event_date(on)
            refusal = alone_refusal(conn, request, chair.id, chair.name, day)
            if refusal is not None:
                raise InvalidInput(refusal)
        if day.isoformat() < request.date:
            raise InvalidInput(
                _("An approval cannot be dated before its request ({day}).").format(
                    day=shown_date(request.date)
                )
            )
        if day.year != request.year:
            raise InvalidInput(
                _(
                    "Spending request {id} belongs to the budget of {year}; draft a new "
                    "request in {other}."
                ).format(id=request_id, year=request.year, other=day.year)
            )
        refusal = _project_refusal(conn, request.fund, day) or _line_refusal(conn, request)
        if refusal is not None:
            raise InvalidInput(refusal)
        _step(
            commit,
            chair,
            request_id,
            "approved",
            day.isoformat(),
            amount=request.amount,
            resolution_id=resolution_id,
        )


def _end(
    ledger: Ledger,
    user: User,
    request_id: int,
    step: str,
    reason: str,
    on: date | None,
    action: Action,
) -> None:
    require(user, action)
    reason = clean_text(_("The reason"), reason, multiline=True, required=True)
    day = council.event_date(on)
    with ledger.write(user) as commit:
        conn = commit.conn
        request = get(conn, request_id)
        if step == "cancelled":
            if request.state != State.APPROVED or request.unpaid <= 0:
                raise InvalidInput(
                    _("Only an approved request with something unpaid can be cancelled.")
                )
            amount = request.unpaid
        else:
            refuse_unless_draft(conn, request_id)
            amount = 0
        if day.isoformat() < (request.approved_on or request.date):
            raise InvalidInput(
                _("This cannot be dated before {day}.").format(
                    day=shown_date(request.approved_on or request.date)
                )
            )
        _step(commit, user, request_id, step, day.isoformat(), amount=amount, reason=reason)


def reject(
    ledger: Ledger, chair: User, request_id: int, reason: str, on: date | None = None
) -> None:
    _end(ledger, chair, request_id, "rejected", reason, on, Action.CHAIR)


def withdraw(
    ledger: Ledger, clerk: User, request_id: int, reason: str, on: date | None = None
) -> None:
    _end(ledger, clerk, request_id, "withdrawn", reason, on, Action.DRAFT)


def cancel(
    ledger: Ledger, chair: User, request_id: int, reason: str, on: date | None = None
) -> None:
    """Release what an approved request has left unpaid."""
    _end(ledger, chair, request_id, "cancelled", reason, on, Action.CHAIR)


# --- paying ------------------------------------------------------------------------------


def payment_problems(
    conn: sqlite3.Connection,
    user: User | None,
    day: date,
    category: str | None,
    fund: str,
    amount: int,
    request_id: int | None,
    already: int = 0,
    rules: holds.FundRules | None = None,
) -> list[str]:
    """What stops a payment (of ``amount``, dated ``day``) from being recorded by ``user``:
    in a year with an adopted budget it needs an approved request; against a request it must
    match the request's program and fund, come after the approval, not be made by the
    approver, and not exceed what is left (less ``already``, earlier rows of the same file)."""
    if request_id is None:
        # ``rules``: the community funds read once, for an import's many rows.
        needs = rules.needs_request if rules is not None else None
        if (
            needs(fund, day.isoformat())
            if needs is not None
            else holds.needs_request(conn, fund, day.isoformat())
        ):
            return [holds.request_needed_message(fund)]
        if budget.has_budget(conn, day.year):
            return [
                _(
                    "{year} has an adopted budget: every payment dated in it needs an approved "
                    "spending request"
                ).format(year=day.year)
            ]
        return []
    try:
        request = get(conn, request_id)
    except InvalidInput as exc:
        return [str(exc).rstrip(".")]
    if request.state not in (State.APPROVED, State.PAID) or request.approved_by is None:
        return [
            _("spending request {id} is not approved ({state})").format(
                id=request_id, state=_(STATE_NAMES[request.state])
            )
        ]
    problems: list[str] = []
    if (category, fund) != (request.category, request.fund):
        problems.append(
            _("spending request {id} is for {code} in fund {fund}").format(
                id=request_id, code=request.category, fund=request.fund
            )
        )
    if day.isoformat() < (request.approved_on or ""):
        problems.append(
            _("a payment cannot be dated before its approval ({day})").format(
                day=shown_date(request.approved_on or "")
            )
        )
    if day.year != request.year:
        problems.append(
            _("spending request {id} belongs to the budget of {year}").format(
                id=request_id, year=request.year
            )
        )
    if user is not None and user.id == request.approved_by:
        problems.append(_("nobody records the payment of a request they approved"))
    left = request.unpaid - already
    if amount > left:
        problems.append(
            _("spending request {id} has {left} left to pay").format(
                id=request_id, left=format_amount(max(left, 0))
            )
        )
    return problems


def link_entry(
    commit: Commit, transaction_id: int, request_id: int | None, party_id: int | None
) -> None:
    """Tie a posted entry to the request it pays and the party it pays or is paid by."""
    if request_id is None and party_id is None:
        return
    commit.conn.execute(
        "INSERT INTO entry_links (transaction_id, request_id, party_id) VALUES (?, ?, ?)",
        (transaction_id, request_id, party_id),
    )
    commit.append("entry_link", str(transaction_id))


@dataclass(frozen=True)
class Payment:
    number: int  # the entry number people see
    date: str
    amount: int  # negative for a reversal
    reverses: int | None  # the entry number it reverses


def payments(conn: sqlite3.Connection, request_id: int) -> list[Payment]:
    """The entries that paid ``request_id`` (and reversed its payments), in entry order."""
    rows = conn.execute(
        "SELECT t.number, t.date, t.amount, (SELECT o.number FROM transactions o"
        " WHERE o.id = t.reverses) FROM entry_links l JOIN transactions t"
        " ON t.id = l.transaction_id WHERE l.request_id = ? ORDER BY t.number",
        (request_id,),
    )
    return [Payment(int(r[0]), str(r[1]), int(r[2]), r[3]) for r in rows]


def link_of(conn: sqlite3.Connection, transaction_id: int) -> tuple[int | None, int | None]:
    row = conn.execute(
        "SELECT request_id, party_id FROM entry_links WHERE transaction_id = ?", (transaction_id,)
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)
