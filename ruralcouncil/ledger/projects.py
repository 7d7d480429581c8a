"""Community (salma / asar) projects (DESIGN §2.5, §4.3): proposed, adopted by the council,
collected from the village's households once in their year, spent through requests on the
project's own fund, and closed with what is left refunded or moved.

- ``add``: a project with its target, the per-household amount the community set and its
  year, and its own restricted fund ``PROJECT-N``.
- ``adopt``: by a resolution about ``project:N``; at most one project collects in a year.
- ``contribute``: a household's ``COMMUNITY`` receipt into the project's fund, in the
  project's year, never from an exempt household, never beyond the per-household amount
  (parts add up to it).
- ``close``: by another resolution about ``project:N``, once nothing is waiting or owed;
  what is left is refunded to the households in proportion to what each paid, or moved to
  another fund; the project's fund ends at zero.

Households and their exemptions live in ``households``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, holds, households, meetings, storage
from ruralcouncil.ledger.catalog import Fund
from ruralcouncil.ledger.classification import CASH, DEFAULT_CASH_ACCOUNT, EXPENDITURE, INTERFUND
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import (
    EntryType,
    NewEntry,
    insert_entry,
    post_for_register,
    refuse_closed,
)
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.records import PROJECT_FUND_PREFIX, REFUND_CODE
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

COMMUNITY_CODE = "COMMUNITY"


class State(StrEnum):
    PROPOSED = "proposed"
    ADOPTED = "adopted"  # collecting and spending
    CLOSED = "closed"


STATE_NAMES = {
    State.PROPOSED: N_("Proposed"),
    State.ADOPTED: N_("Adopted, collecting"),
    State.CLOSED: N_("Closed"),
}


@dataclass(frozen=True)
class Project:
    id: int
    title: str
    purpose: str
    target: int
    per_household: int
    year: int
    fund: str
    date: str  # proposed on
    adopted_on: str | None = None
    adopted_by: str | None = None  # the resolution, YYYY/N
    closed_on: str | None = None
    closed_by: str | None = None
    remainder: str = ""  # at the close: refund, to-fund
    to_fund: str | None = None

    @property
    def state(self) -> State:
        if self.closed_on:
            return State.CLOSED
        return State.ADOPTED if self.adopted_on else State.PROPOSED

    def refuses_money(self, day: dt.date) -> str | None:
        """Why money may not come into the project on ``day`` (None: it may)."""
        if self.state == State.PROPOSED:
            return _("Project {id} is not adopted yet: the council adopts it first.").format(
                id=self.id
            )
        if self.state == State.CLOSED:
            return _("Project {id} was closed on {day}.").format(
                id=self.id, day=shown_date(self.closed_on or "")
            )
        if day.isoformat() < (self.adopted_on or ""):
            return _("Project {id} was adopted on {day}; nothing is dated before.").format(
                id=self.id, day=shown_date(self.adopted_on or "")
            )
        return None


@dataclass(frozen=True)
class HouseholdShare:
    """What one household owes a project, has paid and was refunded."""

    id: int
    address: str
    head: str
    members: int
    exempt: bool
    paid: int
    refunded: int
    owes: int
    exempt_reason: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "address": self.address,
            "head": self.head,
            "members": self.members,
            "owes": self.owes,
            "paid": self.paid,
            "refunded": self.refunded,
            "exempt": self.exempt,
        }


@dataclass(frozen=True)
class Progress:
    """A project's money: collected against its target, spent, and what is left."""

    project: Project
    collected: int  # households' contributions, net of reversals
    donated: int  # cash gifts to the project
    spent: int  # payments through requests on its fund
    refunded: int
    moved: int  # moved to another fund at the close
    remaining: int  # the fund's balance
    held: int  # flagged gifts not yet acknowledged
    households: list[HouseholdShare] = field(default_factory=list)

    @property
    def expected(self) -> int:
        """What the households not exempt would pay in full."""
        return sum(h.paid + h.owes for h in self.households if not h.exempt)

    def as_json(self) -> dict[str, object]:
        p = self.project
        return {
            "id": p.id,
            "title": p.title,
            "purpose": p.purpose,
            "year": p.year,
            "state": p.state.value,
            "fund": p.fund,
            "target": p.target,
            "per_household": p.per_household,
            "adopted_on": p.adopted_on,
            "adopted_by": p.adopted_by,
            "closed_on": p.closed_on,
            "closed_by": p.closed_by,
            "remainder": p.remainder or None,
            "to_fund": p.to_fund,
            "collected": self.collected,
            "donated": self.donated,
            "spent": self.spent,
            "refunded": self.refunded,
            "moved": self.moved,
            "remaining": self.remaining,
            "held": self.held,
            "households": [h.as_json() for h in self.households],
        }


# --- reading -----------------------------------------------------------------------------

_SELECT = (
    "SELECT p.id, p.title, p.purpose, p.target, p.per_household, p.year, p.fund, p.date,"
    " a.date, ra.year || '/' || ra.number, c.date, rc.year || '/' || rc.number,"
    " coalesce(c.remainder, ''), c.to_fund"
    " FROM projects p"
    " LEFT JOIN project_steps a ON a.project_id = p.id AND a.step = 'adopted'"
    " LEFT JOIN resolutions ra ON ra.id = a.resolution_id"
    " LEFT JOIN project_steps c ON c.project_id = p.id AND c.step = 'closed'"
    " LEFT JOIN resolutions rc ON rc.id = c.resolution_id"
)


def _build(r: tuple[object, ...]) -> Project:
    return Project(
        int(r[0]),  # type: ignore[call-overload]
        str(r[1]),
        str(r[2]),
        int(r[3]),  # type: ignore[call-overload]
        int(r[4]),  # type: ignore[call-overload]
        int(r[5]),  # type: ignore[call-overload]
        str(r[6]),
        str(r[7]),
        None if r[8] is None else str(r[8]),
        None if r[9] is None else str(r[9]),
        None if r[10] is None else str(r[10]),
        None if r[11] is None else str(r[11]),
        str(r[12]),
        None if r[13] is None else str(r[13]),
    )


def get(conn: sqlite3.Connection, project_id: int) -> Project:
    row = conn.execute(f"{_SELECT} WHERE p.id = ?", (project_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no community project {id}.").format(id=project_id))
    return _build(row)


def projects(conn: sqlite3.Connection, year: int | None = None) -> list[Project]:
    where, params = (" WHERE p.year = ?", [year]) if year is not None else ("", [])
    return [_build(r) for r in conn.execute(f"{_SELECT}{where} ORDER BY p.year, p.id", params)]


def collecting(conn: sqlite3.Connection, year: int) -> Project | None:
    """The one project adopted to collect in ``year``, if any."""
    for project in projects(conn, year):
        if project.adopted_on:
            return project
    return None


def paid_by_household(conn: sqlite3.Connection, project_id: int) -> dict[int, tuple[int, int]]:
    """household -> (paid, refunded), each net of reversals."""
    found: dict[int, tuple[int, int]] = {}
    for household_id, paid, refunded in conn.execute(
        "SELECT c.household_id,"
        " sum(CASE WHEN t.type = 'receipt' THEN t.amount ELSE 0 END),"
        " sum(CASE WHEN t.type = 'payment' THEN t.amount ELSE 0 END)"
        " FROM contributions c JOIN transactions t ON t.id = c.transaction_id"
        " WHERE c.project_id = ? GROUP BY c.household_id",
        (project_id,),
    ):
        found[int(household_id)] = (int(paid), int(refunded))
    return found


@dataclass(frozen=True)
class Contribution:
    """A household's payment to a project (a negative amount: its reversal), or a refund."""

    id: int
    project_id: int
    household_id: int
    address: str
    entry: int  # the entry number
    date: str
    amount: int
    refund: bool

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "project": self.project_id,
            "household": self.household_id,
            "address": self.address,
            "entry": self.entry,
            "date": self.date,
            "amount": self.amount,
            "refund": self.refund,
        }


_CONTRIBUTIONS = (
    "SELECT c.id, c.project_id, c.household_id, h.address, t.number, t.date, t.amount,"
    " t.type = 'payment' FROM contributions c JOIN transactions t ON t.id = c.transaction_id"
    " JOIN households h ON h.id = c.household_id"
)


def _contribution(r: tuple[object, ...]) -> Contribution:
    return Contribution(
        int(r[0]),  # type: ignore[call-overload]
        int(r[1]),  # type: ignore[call-overload]
        int(r[2]),  # type: ignore[call-overload]
        str(r[3]),
        int(r[4]),  # type: ignore[call-overload]
        str(r[5]),
        int(r[6]),  # type: ignore[call-overload]
        bool(r[7]),
    )


def contribution(conn: sqlite3.Connection, contribution_id: int) -> Contribution:
    row = conn.execute(f"{_CONTRIBUTIONS} WHERE c.id = ?", (contribution_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no contribution {id}.").format(id=contribution_id))
    return _contribution(row)


def contributions(
    conn: sqlite3.Connection, project_id: int, household_id: int | None = None
) -> list[Contribution]:
    where = " WHERE c.project_id = ?" + (" AND c.household_id = ?" if household_id else "")
    params = (project_id, household_id) if household_id else (project_id,)
    return [
        _contribution(r)
        for r in conn.execute(f"{_CONTRIBUTIONS}{where} ORDER BY t.date, t.number", params)
    ]


def _fund_flows(conn: sqlite3.Connection, project: Project) -> dict[str, int]:
    """The fund's money by what moved it: contributions, gifts, spending, refunds, moves."""
    flows: dict[str, int] = defaultdict(int)
    for kind, code, amount in conn.execute(
        "SELECT t.type, coalesce(t.code, ''), p.amount FROM postings p"
        " JOIN transactions t ON t.id = p.transaction_id"
        " WHERE p.fund = ? AND p.account IN (SELECT code FROM accounts WHERE kind = 'cash')",
        (project.fund,),
    ):
        if kind == "receipt":
            flows["donated" if code == "DONATION" else "collected"] += int(amount)
        elif kind == "payment":
            flows["refunded" if code == REFUND_CODE else "spent"] -= int(amount)
        else:  # a fund transfer within one account: the fund's half
            flows["moved"] -= int(amount)
    return flows


def progress(conn: sqlite3.Connection, project_id: int) -> Progress:
    project = get(conn, project_id)
    paid = paid_by_household(conn, project_id)
    exempt = households.exemptions(conn, project.year)
    shares = []
    for household in households.households(conn):
        got, refunded = paid.get(household.id, (0, 0))
        is_exempt = household.id in exempt
        owes = 0 if is_exempt else max(project.per_household - got, 0)
        shares.append(
            HouseholdShare(
                household.id,
                household.address,
                household.head,
                household.members,
                is_exempt,
                got,
                refunded,
                owes,
                exempt.get(household.id, ""),
            )
        )
    flows = _fund_flows(conn, project)
    return Progress(
        project,
        collected=flows["collected"],
        donated=flows["donated"],
        spent=flows["spent"],
        refunded=flows["refunded"],
        moved=flows["moved"],
        remaining=holds.balance(conn, project.fund),
        held=holds.held_total(conn, project.fund),
        households=shares,
    )


# --- proposing and adopting --------------------------------------------------------------


def _amount(value: int, what: str) -> int:
    if not 0 < value <= MAX_AMOUNT:
        raise InvalidInput(
            _("{what} must be above zero and at most {max}.").format(
                what=what, max=format_amount(MAX_AMOUNT)
            )
        )
    return value


def add(
    ledger: Ledger,
    clerk: User,
    title: str,
    target: int,
    per_household: int,
    year: int,
    purpose: str = "",
    on: date | None = None,
) -> int:
    """Propose a community project with its own restricted fund; returns its id."""
    require(clerk, Action.REGISTER)
    title = clean_text(_("The title"), title, limit=200, required=True)
    purpose = clean_text(_("The purpose"), purpose, multiline=True)
    _amount(target, _("The target"))
    _amount(per_household, _("The amount per household"))
    day = council.event_date(on)
    if not day.year <= year <= day.year + 5:
        raise InvalidInput(
            _(
                "A project proposed in {now} collects in {now} or a later year (up to {last})."
            ).format(now=day.year, last=day.year + 5)
        )
    with ledger.write(clerk) as commit:
        conn = commit.conn
        project_id = int(
            conn.execute("SELECT coalesce(max(id), 0) + 1 FROM projects").fetchone()[0]
        )
        code = f"{PROJECT_FUND_PREFIX}{project_id}"
        if catalog.fund_exists(conn, code):
            raise InvalidInput(
                _("A fund {code} already exists; rename it before adding a project.").format(
                    code=code
                )
            )
        catalog.insert_fund(commit, Fund(code, True, title, title, title, purpose or title))
        conn.execute(
            "INSERT INTO projects (id, title, purpose, target, per_household, year, fund, date,"
            " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                title,
                purpose,
                target,
                per_household,
                year,
                code,
                day.isoformat(),
                clerk.id,
                storage.now_text(),
            ),
        )
        commit.append("project", str(project_id))
        commit.event("project.add", f"{project_id} {year} {title}")
    return project_id


def _step(
    commit: Commit,
    user: User,
    project_id: int,
    step: str,
    day: date,
    resolution_id: int,
    remainder: str = "",
    to_fund: str | None = None,
) -> None:
    cursor = commit.conn.execute(
        "INSERT INTO project_steps (project_id, step, date, resolution_id, remainder, to_fund,"
        " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            project_id,
            step,
            day.isoformat(),
            resolution_id,
            remainder,
            to_fund,
            user.id,
            storage.now_text(),
        ),
    )
    commit.append("project_step", str(int(cursor.lastrowid or 0)))
    commit.event(f"project.{step}", f"{project_id} {remainder} {to_fund or ''}".strip())


def _decided_on(resolution: meetings.Resolution, on: date | None) -> date:
    """A step carried out by resolution: its meeting's day, or a later one given."""
    day = on or date.fromisoformat(resolution.date)
    if day.isoformat() < resolution.date:
        raise InvalidInput(
            _("This cannot be dated before its resolution ({day}).").format(
                day=shown_date(resolution.date)
            )
        )
    return council.event_date(day)


def adopt(ledger: Ledger, chair: User, project_id: int, ref: str, on: date | None = None) -> None:
    """Open the project's collection, by a resolution about ``project:ID``."""
    require(chair, Action.CHAIR)
    with ledger.write(chair) as commit:
        conn = commit.conn
        project = get(conn, project_id)
        if project.state != State.PROPOSED:
            raise InvalidInput(
                _("Project {id} is already {state}.").format(
                    id=project_id, state=_(STATE_NAMES[project.state]).lower()
                )
            )
        other = collecting(conn, project.year)
        if other is not None:
            raise InvalidInput(
                _(
                    "Refused: salma is collected once a year, and project {other} ({title}) "
                    "already collects in {year}."
                ).format(other=other.id, title=other.title, year=project.year)
            )
        resolution = meetings.use(
            commit, chair, ref, f"project:{project_id}", "project.adopt", str(project_id)
        )
        day = _decided_on(resolution, on)
        if day.year > project.year:
            raise InvalidInput(
                _("Project {id} collects in {year}; it cannot be adopted after that year.").format(
                    id=project_id, year=project.year
                )
            )
        if day.isoformat() < project.date:
            raise InvalidInput(
                _("A project cannot be adopted before it was proposed ({day}).").format(
                    day=shown_date(project.date)
                )
            )
        _step(commit, chair, project_id, "adopted", day, resolution.id)


# --- collecting --------------------------------------------------------------------------


def contribute(
    ledger: Ledger,
    clerk: User,
    project_id: int,
    household_id: int,
    amount: int,
    on: date | None = None,
    account: str = DEFAULT_CASH_ACCOUNT,
    reference: str = "",
    description: str = "",
) -> int:
    """A household's contribution, posted as a ``COMMUNITY`` receipt into the project's
    fund (``reference``: the receipt order's number). Returns the contribution's id."""
    require(clerk, Action.RECORD)
    _amount(amount, _("The amount"))
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        project = get(conn, project_id)
        household = households.get(conn, household_id)
        problems = contribution_problems(conn, project, household.id, amount, day)
        entry = NewEntry(
            date=day,
            type=EntryType.RECEIPT,
            amount=amount,
            category=COMMUNITY_CODE,
            fund=project.fund,
            account=account,
            counterparty=household.head,
            description=description
            or _("Contribution to project {id}: {address}").format(
                id=project.id, address=household.address
            ),
            reference=reference,
        )
        if problems:
            raise InvalidInput(_("Refused: {reason}.").format(reason="; ".join(problems)))
        _number, transaction_id = post_for_register(commit, clerk, entry)
        contribution_id = link(commit, transaction_id, project.id, household.id)
        commit.event(
            "contribution.add", f"{contribution_id} project {project_id} household {household_id}"
        )
    return contribution_id


def contribution_problems(
    conn: sqlite3.Connection,
    project: Project,
    household_id: int,
    amount: int,
    day: date,
    already: int = 0,
) -> list[str]:
    """Why a household may not pay ``amount`` to ``project`` on ``day`` ([] : it may);
    ``already``: what earlier rows of the same import add for it."""
    refusal = project.refuses_money(day)
    if refusal:
        return [refusal.rstrip(".")]
    if day.year != project.year:
        return [_("project {id} collects in {year} only").format(id=project.id, year=project.year)]
    exempt = households.exemptions(conn, project.year)
    if household_id in exempt:
        return [
            _(
                "household {id} is exempt from the collection of {year} ({reason}); it may "
                "still give a donation"
            ).format(id=household_id, year=project.year, reason=exempt[household_id])
        ]
    paid, _refunded = paid_by_household(conn, project.id).get(household_id, (0, 0))
    left = project.per_household - paid - already
    if amount > left:
        return [
            _("household {id} owes {left} of the {amount} per household it was asked for").format(
                id=household_id,
                left=format_amount(max(left, 0)),
                amount=format_amount(project.per_household),
            )
        ]
    return []


def link(commit: Commit, transaction_id: int, project_id: int, household_id: int) -> int:
    cursor = commit.conn.execute(
        "INSERT INTO contributions (transaction_id, project_id, household_id) VALUES (?, ?, ?)",
        (transaction_id, project_id, household_id),
    )
    contribution_id = int(cursor.lastrowid or 0)
    commit.append("contribution", str(contribution_id))
    return contribution_id


def copy_link(commit: Commit, reversed_id: int, reversal_id: int) -> None:
    """A reversed contribution (or refund) carries its household to the reversal."""
    if not holds.has_registers(commit.conn):
        return
    row = commit.conn.execute(
        "SELECT project_id, household_id FROM contributions WHERE transaction_id = ?",
        (reversed_id,),
    ).fetchone()
    if row is not None:
        link(commit, reversal_id, int(row[0]), int(row[1]))


# --- closing -----------------------------------------------------------------------------


def refund_shares(paid: dict[int, int], left: int) -> dict[int, int]:
    """``left`` shared among households in proportion to what each paid, in whole tiyn:
    each gets the floor of its share, and the tiyn left over go one each to the largest
    remainders (then the lower household id), so the shares add up to ``left`` exactly."""
    total = sum(v for v in paid.values() if v > 0)
    if total <= 0 or left <= 0:
        return {}
    shares: dict[int, int] = {}
    remainders: list[tuple[int, int]] = []
    for household_id, amount in sorted(paid.items()):
        if amount <= 0:
            continue
        whole, rest = divmod(left * amount, total)
        shares[household_id] = whole
        remainders.append((-rest, household_id))
    for _rest, household_id in sorted(remainders)[: left - sum(shares.values())]:
        shares[household_id] += 1
    return {h: v for h, v in shares.items() if v > 0}


def _by_account(conn: sqlite3.Connection, fund: str) -> dict[str, int]:
    """The fund's money in each cash account, at the end of its last day."""
    return {
        str(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT account, sum(amount) FROM daily_totals WHERE fund = ?"
            " AND account IN (SELECT code FROM accounts WHERE kind = ?)"
            " GROUP BY account HAVING sum(amount) > 0 ORDER BY account",
            (fund, CASH),
        )
    }


def _close_problems(conn: sqlite3.Connection, project: Project) -> list[str]:
    from ruralcouncil.ledger import spending

    problems = []
    for request in spending.requests(conn, fund=project.fund):
        if request.state in (
            spending.State.DRAFT,
            spending.State.APPROVED,
        ):
            problems.append(
                _(
                    "spending request {id} on its fund is still {state}: decide it, pay it or "
                    "cancel what it has unpaid first"
                ).format(id=request.id, state=_(spending.STATE_NAMES[request.state]).lower())
            )
    held = holds.held_total(conn, project.fund)
    if held:
        problems.append(
            _(
                "its fund holds {amount} of flagged donations: the council acknowledges them first"
            ).format(amount=format_amount(held))
        )
    return problems


def close(
    ledger: Ledger,
    user: User,
    project_id: int,
    ref: str,
    *,
    refund: bool = False,
    to_fund: str | None = None,
    on: date | None = None,
) -> list[int]:
    """End a project by a resolution about ``project:ID``: what its fund has left is
    refunded to the households in proportion to what each paid (``refund``), or moved to
    ``to_fund``; the fund ends at zero. Returns the entry numbers posted."""
    if not (user.may(Action.CHAIR) or user.may(Action.RECORD)):
        require(user, Action.CHAIR)
    if not refund and to_fund is None:
        raise InvalidInput(
            _("Say what becomes of what is left: refund it (--refund) or move it (--to-fund).")
        )
    with ledger.write(user) as commit:
        conn = commit.conn
        project = get(conn, project_id)
        if project.state != State.ADOPTED:
            raise InvalidInput(
                _("Only an adopted project is closed; project {id} is {state}.").format(
                    id=project_id, state=_(STATE_NAMES[project.state]).lower()
                )
            )
        if to_fund is not None:
            if not catalog.fund_exists(conn, to_fund):
                raise InvalidInput(_("unknown fund {code}").format(code=to_fund[:40]))
            if to_fund == project.fund:
                raise InvalidInput(_("A project's money moves to another fund, not its own."))
        problems = _close_problems(conn, project)
        if problems:
            raise InvalidInput(_("Refused: {reason}.").format(reason="; ".join(problems)))
        resolution = meetings.use(
            commit, user, ref, f"project:{project_id}", "project.close", str(project_id)
        )
        day = _decided_on(resolution, on)
        refuse_closed(conn, day)
        later = conn.execute(
            "SELECT max(date) FROM daily_totals WHERE fund = ?", (project.fund,)
        ).fetchone()[0]
        if later and day.isoformat() < str(later):
            raise InvalidInput(
                _(
                    "The project's fund has entries up to {day}; close it on that day or later."
                ).format(day=shown_date(str(later)))
            )
        accounts = _by_account(conn, project.fund)
        # The close is chained before the entries that carry it out, which name it.
        _step(
            commit,
            user,
            project_id,
            "closed",
            day,
            resolution.id,
            "refund" if refund else "to-fund",
            to_fund,
        )
        numbers = _refund(commit, user, project, accounts, day, to_fund) if refund else []
        if to_fund is not None:  # what the refunds left, account by account
            after = _by_account(conn, project.fund)
            numbers += _move(commit, user, project, after, to_fund, day, resolution.ref)
    return numbers


def refund_plan(conn: sqlite3.Connection, project_id: int) -> tuple[dict[int, int], int]:
    """What closing with a refund would pay back to each household, and what would be left
    beyond it: a household gets back at most what it paid (net), in proportion to it; money
    beyond what the households paid (gifts, say) is not theirs to take, and moves to another
    fund."""
    project = get(conn, project_id)
    left = holds.balance(conn, project.fund)
    paid = {h: got for h, (got, back) in paid_by_household(conn, project_id).items()}
    refundable = min(left, sum(v for v in paid.values() if v > 0))
    shares = refund_shares(paid, refundable)
    return shares, left - sum(shares.values())


def _refund(
    commit: Commit,
    user: User,
    project: Project,
    accounts: dict[str, int],
    day: date,
    to_fund: str | None,
) -> list[int]:
    conn = commit.conn
    left = sum(accounts.values())
    if left <= 0:
        return []
    if catalog.kind_of(conn, REFUND_CODE) != EXPENDITURE:
        raise InvalidInput(
            _("The expenditure program {code} is missing from this ledger.").format(
                code=REFUND_CODE
            )
        )
    shares, beyond = refund_plan(conn, project.id)
    if not shares:
        raise InvalidInput(
            _(
                "Refused: no household paid anything to project {id}, so there is nobody to "
                "refund; move what is left to another fund (--to-fund)."
            ).format(id=project.id)
        )
    if beyond > 0 and to_fund is None:
        raise InvalidInput(
            _(
                "Refused: {beyond} of what is left is more than the households paid (gifts or "
                "other money); each household gets back at most what it paid, so name the fund "
                "the rest moves to (--to-fund)."
            ).format(beyond=format_amount(beyond))
        )
    numbers: list[int] = []
    pots = dict(accounts)
    for household_id, share in shares.items():
        household = households.get(conn, household_id)
        owed = share
        for account in sorted(pots):
            take = min(owed, pots[account])
            if take <= 0:
                continue
            pots[account] -= take
            owed -= take
            entry = NewEntry(
                date=day,
                type=EntryType.PAYMENT,
                amount=take,
                category=REFUND_CODE,
                fund=project.fund,
                account=account,
                counterparty=household.head,
                description=_("Refund at the close of project {id}: {address}").format(
                    id=project.id, address=household.address
                ),
            )
            number, transaction_id = post_for_register(commit, user, entry)
            link(commit, transaction_id, project.id, household_id)
            numbers.append(number)
    return numbers


def _move(
    commit: Commit,
    user: User,
    project: Project,
    accounts: dict[str, int],
    to_fund: str,
    day: date,
    ref: str,
) -> list[int]:
    numbers = []
    for account, amount in sorted(accounts.items()):
        entry = NewEntry(
            date=day,
            type=EntryType.TRANSFER,
            amount=amount,
            fund=project.fund,
            account=account,
            to_account=account,
            description=_(
                "What was left of project {id} moved to the fund {target} by resolution {ref}"
            ).format(id=project.id, target=to_fund, ref=ref),
            reference=ref,
        )
        numbers.append(
            insert_entry(
                commit,
                user,
                entry,
                posting_rows=[
                    (account, project.fund, -amount),
                    (INTERFUND.code, project.fund, amount),
                    (account, to_fund, amount),
                    (INTERFUND.code, to_fund, -amount),
                ],
            )
        )
    return numbers
