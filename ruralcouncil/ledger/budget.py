"""The annual budget: revenue estimates and appropriations by program and fund, adopted by
resolution, every version kept; and the budget against actual at any date (DESIGN §4.2).

A budget version is adopted by a resolution about ``budget:YEAR``; a later version either
amends it (another ``budget:YEAR`` resolution) or moves appropriations between programs (a
``virement:YEAR`` resolution, which changes no total). No version may appropriate less to a
line than is already committed and paid on it.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, holds, meetings, storage
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import ImportRejected, InvalidInput
from ruralcouncil.ledger.money import format_amount, parse_csv_amount
from ruralcouncil.ledger.parse import shown
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

MAX_BUDGET_FILE = 1_000_000  # bytes: a village budget is a few dozen lines

Line = tuple[str, str]  # (category code, fund)


@dataclass(frozen=True)
class Version:
    id: int
    year: int
    version: int
    resolution: str
    date: str
    lines: dict[Line, int]


@dataclass(frozen=True)
class BudgetLine:
    """One (category, fund) of a year: expenditure figures or revenue figures, in tiyn."""

    category: str
    fund: str
    kind: str  # 'expenditure' or 'revenue'
    appropriated: int = 0
    committed: int = 0
    paid: int = 0
    estimate: int = 0
    received: int = 0

    @property
    def remaining(self) -> int:
        return self.appropriated - self.committed - self.paid

    def as_json(self) -> dict[str, object]:
        base: dict[str, object] = {"category": self.category, "fund": self.fund, "kind": self.kind}
        if self.kind == EXPENDITURE:
            base.update(
                appropriated=self.appropriated,
                committed=self.committed,
                paid=self.paid,
                remaining=self.remaining,
            )
        else:
            base.update(estimate=self.estimate, received=self.received)
        return base


# --- reading a budget file ---------------------------------------------------------------


def read_budget(conn: sqlite3.Connection, data: bytes) -> dict[Line, int]:
    """``category,fund,amount`` rows (tenge) -> {(category, fund): tiyn}; every bad line is
    named and nothing is taken from a file with any."""
    if len(data) > MAX_BUDGET_FILE:
        raise InvalidInput(_("The budget file is too large (at most 1 MB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The budget file is not UTF-8 text; save it as CSV UTF-8 and try again.")
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InvalidInput(_("The budget file is empty."))
    header = [h.strip().lower() for h in rows[0]]
    if sorted(header) != ["amount", "category", "fund"]:
        raise InvalidInput(
            _("The budget file's header must name the columns category, fund and amount.")
        )
    where = {name: header.index(name) for name in header}
    lines: dict[Line, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(_("line {n}: expected 3 columns").format(n=number))
            continue
        code = row[where["category"]].strip()
        fund = row[where["fund"]].strip() or "GENERAL"
        kind = catalog.kind_of(conn, code) if len(code) <= 24 else None
        if kind not in (REVENUE, EXPENDITURE):
            problems.append(
                _("line {n}: {code} is not a revenue source or an expenditure program").format(
                    n=number, code=shown(code)
                )
            )
            continue
        if not (len(fund) <= 24 and catalog.fund_exists(conn, fund)):
            problems.append(_("line {n}: unknown fund {code}").format(n=number, code=shown(fund)))
            continue
        try:
            amount = parse_csv_amount(row[where["amount"]].strip())
        except InvalidInput as exc:
            problems.append(_("line {n}: {reason}").format(n=number, reason=exc))
            continue
        if (code, fund) in lines:
            problems.append(
                _("line {n}: {code} in fund {fund} is given twice").format(
                    n=number, code=code, fund=fund
                )
            )
            continue
        lines[(code, fund)] = amount
    if problems:
        raise ImportRejected(_("The budget file was refused; nothing was adopted."), problems)
    if not lines:
        raise InvalidInput(_("The budget file has no lines."))
    return lines


# --- versions ----------------------------------------------------------------------------


def versions(conn: sqlite3.Connection, year: int) -> list[Version]:
    found: list[Version] = []
    for row in conn.execute(
        "SELECT b.id, b.year, b.version, r.year || '/' || r.number, b.date FROM budgets b"
        " JOIN resolutions r ON r.id = b.resolution_id WHERE b.year = ? ORDER BY b.version",
        (year,),
    ).fetchall():
        lines = {
            (str(r[0]), str(r[1])): int(r[2])
            for r in conn.execute(
                "SELECT code, fund, amount FROM budget_lines WHERE budget_id = ?", (row[0],)
            )
        }
        found.append(
            Version(int(row[0]), int(row[1]), int(row[2]), str(row[3]), str(row[4]), lines)
        )
    return found


def in_force(conn: sqlite3.Connection, year: int, on: str | None = None) -> Version | None:
    """The latest version adopted on or before ``on`` (YYYY-MM-DD; any date when None)."""
    adopted = [v for v in versions(conn, year) if on is None or v.date <= on]
    return adopted[-1] if adopted else None


def has_budget(conn: sqlite3.Connection, year: int) -> bool:
    """Whether ``year`` has an adopted budget: then every payment dated in it needs an
    approved request."""
    return (
        conn.execute("SELECT 1 FROM budgets WHERE year = ? LIMIT 1", (year,)).fetchone() is not None
    )


def adopt(
    ledger: Ledger, chair: User, year: int, data: bytes, ref: str, on: date | None = None
) -> int:
    """Adopt (or amend) ``year``'s budget from a ``category,fund,amount`` file, by resolution
    ``ref``; returns the new version's number. A version takes its resolution's meeting date:
    ``on``, when given, must be that date."""
    require(chair, Action.CHAIR)
    with ledger.write(chair) as commit:
        conn = commit.conn
        lines = read_budget(conn, data)
        earlier = in_force(conn, year)
        resolution = meetings.get_resolution(conn, ref)
        subject = resolution.subject
        if on is not None and on.isoformat() != resolution.date:
            raise InvalidInput(
                _("A budget takes the date of the meeting that adopted it ({day}).").format(
                    day=shown_date(resolution.date)
                )
            )
        if earlier is None and subject != f"budget:{year}":
            raise InvalidInput(
                _(
                    "The first budget of {year} is adopted by a resolution about budget:{year}."
                ).format(year=year)
            )
        if subject == f"virement:{year}" and earlier is not None:
            _refuse_unless_virement(conn, earlier.lines, lines)
        elif subject != f"budget:{year}":
            raise InvalidInput(
                _(
                    "Resolution {ref} is about {subject}; the budget of {year} changes only by "
                    "a resolution about budget:{year} or virement:{year}."
                ).format(ref=resolution.ref, subject=subject, year=year)
            )
        if earlier is not None and resolution.date < earlier.date:
            raise InvalidInput(
                _("Resolution {ref} is older than the version of the budget now in force.").format(
                    ref=resolution.ref
                )
            )
        _refuse_below_used(conn, year, lines)
        version = (earlier.version if earlier else 0) + 1
        meetings.use(commit, chair, ref, subject, "budget.adopt", f"{year}/{version}")
        cursor = conn.execute(
            "INSERT INTO budgets (year, version, resolution_id, date, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (year, version, resolution.id, resolution.date, chair.id, storage.now_text()),
        )
        budget_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO budget_lines (budget_id, code, fund, amount) VALUES (?, ?, ?, ?)",
            [(budget_id, code, fund, amount) for (code, fund), amount in sorted(lines.items())],
        )
        commit.append("budget", str(budget_id))
        commit.event("budget.adopt", f"{year} version {version} by {resolution.ref}")
    return version


def _totals(conn: sqlite3.Connection, lines: dict[Line, int]) -> tuple[dict[Line, int], int]:
    revenue = {k: v for k, v in lines.items() if catalog.kind_of(conn, k[0]) == REVENUE and v}
    spending = sum(v for k, v in lines.items() if catalog.kind_of(conn, k[0]) == EXPENDITURE)
    return revenue, spending


def _refuse_unless_virement(
    conn: sqlite3.Connection, before: dict[Line, int], after: dict[Line, int]
) -> None:
    """A virement moves appropriations between programs: estimates and the total stay."""
    revenue_before, spending_before = _totals(conn, before)
    revenue_after, spending_after = _totals(conn, after)
    if revenue_before != revenue_after or spending_before != spending_after:
        raise InvalidInput(
            _(
                "A virement only moves appropriations between programs: the revenue estimates "
                "and the total appropriated ({total}) must stay as they are. Amending the "
                "budget needs a resolution about budget:YEAR."
            ).format(total=format_amount(spending_before))
        )


def _refuse_below_used(conn: sqlite3.Connection, year: int, lines: dict[Line, int]) -> None:
    """No line may be appropriated less than is already committed and paid on it."""
    problems = []
    for line in show(conn, year):
        if line.kind != EXPENDITURE:
            continue
        used = line.committed + line.paid
        new = lines.get((line.category, line.fund), 0)
        if used > new:
            problems.append(
                _("{code} in fund {fund} has {used} committed and paid, more than {new}").format(
                    code=line.category,
                    fund=line.fund,
                    used=format_amount(used),
                    new=format_amount(new),
                )
            )
    if problems:
        raise InvalidInput(_("Refused: {reason}.").format(reason="; ".join(problems)))


# --- budget against actual ---------------------------------------------------------------


def _actuals(conn: sqlite3.Connection, year: int, on: str) -> dict[str, dict[Line, int]]:
    """Paid per program (kind expenditure) and received per source (revenue), net of
    reversals, from the daily totals: a year of a million entries is a few thousand rows.
    Read along each account's own key (account, fund, date), not the date index: that index
    leads back to every row it finds, which took four times as long (12 ms a kind here)."""
    rows = conn.execute(
        "SELECT a.kind, d.account, d.fund, sum(d.amount) FROM daily_totals d"
        " JOIN accounts a ON a.code = d.account"
        " WHERE d.account IN (SELECT code FROM accounts WHERE kind IN (?, ?))"
        " AND d.date >= ? AND d.date <= ? GROUP BY d.account, d.fund",
        (EXPENDITURE, REVENUE, f"{year}-01-01", on),
    )
    found: dict[str, dict[Line, int]] = {EXPENDITURE: {}, REVENUE: {}}
    for kind, account, fund, amount in rows:
        if amount:
            sign = -1 if kind == REVENUE else 1  # a receipt credits its source
            found[str(kind)][(str(account), str(fund))] = sign * int(amount)
    return found


def committed(conn: sqlite3.Connection, year: int, on: str) -> dict[Line, int]:
    """What approved requests of ``year`` still owe, per line: approved, less cancelled, less
    paid against them, as of ``on``."""
    from ruralcouncil.ledger import spending

    owed: dict[Line, int] = defaultdict(int)
    for request in spending.requests(conn, year=year):
        if request.approved_on is None or request.approved_on > on:
            continue
        left = request.unpaid_as_of(conn, on)
        if left > 0:
            owed[(request.category, request.fund)] += left
    return owed


def show(conn: sqlite3.Connection, year: int, on: date | None = None) -> list[BudgetLine]:
    """Budget against actual for ``year`` as of ``on`` (default: the year's end), one line
    per (category, fund) that is budgeted or has money against it."""
    day = (on or date(year, 12, 31)).isoformat()
    version = in_force(conn, year, day)
    budgeted = version.lines if version else {}
    actuals = _actuals(conn, year, day)
    paid, received = actuals[EXPENDITURE], actuals[REVENUE]
    owed = committed(conn, year, day)
    keys = sorted(set(budgeted) | set(paid) | set(received) | set(owed))
    # A community project's spending is appropriated by its own adoption (the community set
    # it, the council adopted it): unless the budget names the line, what it spent and owes
    # is what it had.
    projects = holds.FundRules(conn).projects
    found: list[BudgetLine] = []
    for code, fund in keys:
        kind = catalog.kind_of(conn, code)
        if kind == EXPENDITURE:
            spent = owed.get((code, fund), 0) + paid.get((code, fund), 0)
            by_project = fund in projects and (code, fund) not in budgeted
            found.append(
                BudgetLine(
                    code,
                    fund,
                    EXPENDITURE,
                    appropriated=spent if by_project else budgeted.get((code, fund), 0),
                    committed=owed.get((code, fund), 0),
                    paid=paid.get((code, fund), 0),
                )
            )
        elif kind == REVENUE:
            found.append(
                BudgetLine(
                    code,
                    fund,
                    REVENUE,
                    estimate=budgeted.get((code, fund), 0),
                    received=received.get((code, fund), 0),
                )
            )
    return found


def remaining(conn: sqlite3.Connection, year: int, category: str, fund: str) -> int | None:
    """What the line (category, fund) has left now; None when the year has no budget."""
    if not has_budget(conn, year):
        return None
    for line in show(conn, year, date(year, 12, 31)):
        if (line.category, line.fund) == (category, fund):
            return line.remaining
    return 0
