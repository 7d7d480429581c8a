"""The tables of a year's export (DESIGN §4.4): what ``export csv|xlsx|fdp`` write, built
once from the core's own queries and written by :mod:`ruralcouncil.reports.exports`.

A table has typed columns, so each format writes a value the way it should: an amount in
tiyn as tenge with two decimals, a date as a date. Column names are stable English words
(like ``ledger --json``'s keys), for scripts and the district; the names of categories
come in all three languages side by side.

What "the year" takes from each register:

- transactions: every entry dated in the year, reversals included (a reversal carries its
  original's type and the negative amount, as in ``ledger --json``);
- budget: ``budget show`` at 31 December (the version in force then, and what was received,
  paid and committed against each line);
- requests, donations, fines: those dated in the year; contributions: those dated in the
  year, of any project; projects and their households: the year's projects;
- subsidies, loans, assets, leases: the standing registers, every item on record by
  31 December (applied for, taken, acquired, begun), with the loans' and leases' figures
  at 31 December.

An anonymous donor is never named: the donor's name, party, statement and the reasons a
gift was flagged (which point at the donor's business) are left out; the ledger already
posts an anonymous gift's receipt without a counterparty.

A year with nothing in it exports every table with its header and no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ruralcouncil.ledger import (
    assets,
    budget,
    catalog,
    chain,
    donations,
    fines,
    loans,
    projects,
    queries,
    settings,
    spending,
    subsidies,
    users,
)
from ruralcouncil.ledger.classification import EXPENDITURE, BookAccount
from ruralcouncil.ledger.roles import Action, User, may
from ruralcouncil.ledger.storage import Ledger, snapshot


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"  # ids, counts, chain positions
    MONEY = "money"  # tiyn, written as tenge with two decimals
    DATE = "date"  # YYYY-MM-DD
    BOOLEAN = "boolean"


Cell = str | int | bool | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    name: str  # the file's (name.csv) and the sheet's name
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]

    def column(self, name: str) -> list[Cell]:
        """Every row's value in the column ``name`` (for checks and the package's sums)."""
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class YearExport:
    village: str
    year: int
    entries: int  # the chain's length when the tables were read
    head: str  # and its head
    ledger_id: str  # the hash of the chain's first entry: which ledger this is
    tables: tuple[Table, ...]
    versions: tuple[budget.Version, ...]  # the year's budget versions, in order

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def _columns(spec: str) -> tuple[Column, ...]:
    """``"id:integer date:date payee"`` -> columns (text when no kind is given)."""
    found = []
    for word in spec.split():
        name, _sep, kind = word.partition(":")
        found.append(Column(name, Kind(kind) if kind else Kind.TEXT))
    return tuple(found)


def _names(code: str | None, accounts: dict[str, BookAccount]) -> tuple[str, str, str]:
    account = accounts.get(code or "")
    if account is None:
        return ("", "", "")
    return (account.name_kk, account.name_ru, account.name_en)


TRANSACTIONS = _columns(
    "id:integer date:date type amount:money category category_kk category_ru category_en"
    " fund account to_account counterparty description reference reverses:integer"
    " reversed_by:integer reason user chain_seq:integer"
)


def _transactions(
    ledger: Ledger, year: int, accounts: dict[str, BookAccount]
) -> list[tuple[Cell, ...]]:
    return [
        (
            e.id,
            e.date,
            e.type,
            e.amount,
            e.category,
            *_names(e.category, accounts),
            e.fund,
            e.account,
            e.to_account,
            e.counterparty,
            e.description,
            e.reference,
            e.reverses,
            e.reversed_by,
            e.reason,
            e.user,
            e.chain_seq,
        )
        for e in queries.iterate(ledger.conn, queries.EntryFilter(year=year))
    ]


BUDGET = _columns(
    "kind category category_kk category_ru category_en fund budgeted:money committed:money"
    " actual:money remaining:money version:integer resolution"
)


def _budget(ledger: Ledger, year: int, accounts: dict[str, BookAccount]) -> list[tuple[Cell, ...]]:
    """Budget against actual at 31 December: ``budgeted`` is the appropriation (a program)
    or the estimate (a source), ``actual`` what was paid or received, net of reversals."""
    version = budget.in_force(ledger.conn, year, f"{year}-12-31")
    found: list[tuple[Cell, ...]] = []
    for line in budget.show(ledger.conn, year):
        spending_line = line.kind == EXPENDITURE
        found.append(
            (
                line.kind,
                line.category,
                *_names(line.category, accounts),
                line.fund,
                line.appropriated if spending_line else line.estimate,
                line.committed if spending_line else None,
                line.paid if spending_line else line.received,
                line.remaining if spending_line else None,
                version.version if version else None,
                version.resolution if version else None,
            )
        )
    return found


REQUESTS = _columns(
    "id:integer date:date party:integer payee purpose amount:money category fund state"
    " drafted_by approved_on:date approved_by resolution approved:money paid:money"
    " unpaid:money paid_entries"
)


def _requests(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    """``approved_by`` with no ``resolution``: the chair approved it alone, within the
    limit; with one, the council's resolution did."""
    names = {user.id: user.name for user, _active in users.list_users(ledger)}
    found: list[tuple[Cell, ...]] = []
    for r in spending.requests(ledger.conn, year=year):
        entries = " ".join(str(p.number) for p in spending.payments(ledger.conn, r.id))
        found.append(
            (
                r.id,
                r.date,
                r.party_id,
                r.party,
                r.purpose,
                r.amount,
                r.category,
                r.fund,
                r.state.value,
                names.get(r.drafted_by),
                r.approved_on,
                names.get(r.approved_by) if r.approved_by else None,
                r.resolution,
                r.approved or None,
                r.paid,
                r.unpaid,
                entries,
            )
        )
    return found


DONATIONS = _columns(
    "id:integer date:date donor party:integer donor_type amount:money fund project:integer"
    " in_kind valued_by anonymous:boolean flagged:boolean flag_reason acknowledged_by"
    " entry:integer reversed:boolean"
)


def _donations(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    return [
        (
            d.id,
            d.date,
            d.public_name(),
            None if d.anonymous else d.party_id,
            d.donor_type.value,
            d.amount,
            d.fund,
            d.project_id,
            d.in_kind,
            d.valued_by,
            d.anonymous,
            d.flagged,
            "" if d.anonymous else d.flag_reason,
            d.acknowledged_by,
            d.entry,
            d.reversed,
        )
        for d in donations.donations(ledger.conn, year=year)
    ]


PROJECTS = _columns(
    "id:integer title purpose year:integer state fund target:money per_household:money"
    " adopted_on:date adopted_by closed_on:date collected:money donated:money spent:money"
    " refunded:money moved:money remaining:money"
)
HOUSEHOLDS = _columns(
    "project:integer household:integer address head members:integer exempt:boolean"
    " exempt_reason owes:money paid:money refunded:money"
)


def _projects(ledger: Ledger, year: int) -> tuple[list[tuple[Cell, ...]], list[tuple[Cell, ...]]]:
    found: list[tuple[Cell, ...]] = []
    shares: list[tuple[Cell, ...]] = []
    for project in projects.projects(ledger.conn, year):
        p = projects.progress(ledger.conn, project.id)
        found.append(
            (
                project.id,
                project.title,
                project.purpose,
                project.year,
                project.state.value,
                project.fund,
                project.target,
                project.per_household,
                project.adopted_on,
                project.adopted_by,
                project.closed_on,
                p.collected,
                p.donated,
                p.spent,
                p.refunded,
                p.moved,
                p.remaining,
            )
        )
        shares += [
            (
                project.id,
                h.id,
                h.address,
                h.head,
                h.members,
                h.exempt,
                h.exempt_reason,
                h.owes,
                h.paid,
                h.refunded,
            )
            for h in p.households
        ]
    return found, shares


CONTRIBUTIONS = _columns(
    "id:integer project:integer household:integer address entry:integer date:date"
    " amount:money refund:boolean"
)


def _contributions(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    prefix = f"{year:04d}-"
    found: list[tuple[Cell, ...]] = []
    for project in projects.projects(ledger.conn):
        found += [
            (c.id, c.project_id, c.household_id, c.address, c.entry, c.date, c.amount, c.refund)
            for c in projects.contributions(ledger.conn, project.id)
            if c.date.startswith(prefix)
        ]
    return sorted(found, key=lambda row: (str(row[5]), int(row[4] or 0)))


SUBSIDIES = _columns(
    "id:integer date:date purpose justification amount_asked:money state granted:money"
    " decided_on:date reference conditions fund received:money spent:money left:money"
)


def _subsidies(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    end = f"{year:04d}-12-31"
    return [
        (
            s.id,
            s.date,
            s.purpose,
            s.justification,
            s.amount_asked,
            s.state.value,
            s.granted,
            s.decision.date if s.decision else None,
            s.decision.reference if s.decision else "",
            s.conditions,
            s.fund,
            s.received,
            s.spent,
            s.left,
        )
        for s in subsidies.subsidies(ledger.conn)
        if s.date <= end
    ]


LOANS = _columns(
    "id:integer lender party:integer principal:money rate_percent months:integer start:date"
    " method permission resolution entry:integer repaid_principal:money"
    " repaid_interest:money outstanding:money"
)


def _loans(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    """Repaid by, and outstanding at, 31 December (box 10)."""
    end = f"{year:04d}-12-31"
    found: list[tuple[Cell, ...]] = []
    for loan in loans.loans(ledger.conn):
        if loan.start > end:
            continue
        principal, interest = loans.repaid(ledger.conn, loan.id, end)
        found.append(
            (
                loan.id,
                loan.lender,
                loan.party_id,
                loan.principal,
                loan.rate_text,
                loan.months,
                loan.start,
                loan.method.value,
                loan.permission,
                loan.resolution,
                loan.entry,
                principal,
                interest,
                loans.outstanding(ledger.conn, loan, end),
            )
        )
    return found


ASSETS = _columns(
    "id:integer name kind location size acquired:date value:money valued_how"
    " disposed_on:date disposal_reason held_at_year_end:boolean"
)


def _assets(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    end = f"{year:04d}-12-31"
    return [
        (
            a.id,
            a.name,
            a.kind.value,
            a.location,
            a.size,
            a.acquired,
            a.value,
            a.valued_how,
            a.disposed_on,
            a.disposal_reason,
            a.held_on(end),
        )
        for a in assets.assets(ledger.conn)
        if a.acquired is None or a.acquired <= end
    ]


LEASES = _columns(
    "id:integer asset:integer asset_name party:integer tenant rent:money per from:date"
    " to:date due:money paid:money arrears:money"
)


def _leases(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    """Rent due, paid and in arrears at 31 December (every lease begun by then)."""
    return [
        (
            a.lease.id,
            a.lease.asset_id,
            a.lease.asset,
            a.lease.party_id,
            a.lease.tenant,
            a.lease.rent,
            a.lease.period.value,
            a.lease.starts,
            a.lease.ends,
            a.due,
            a.paid,
            a.arrears,
        )
        for a in assets.arrears(ledger.conn, f"{year:04d}-12-31")
    ]


FINES = _columns(
    "id:integer date:date party:integer party_name rule amount:money imposed_by paid:money"
    " unpaid:money state cancelled_on:date cancel_reason cancel_decision"
)


def _fines(ledger: Ledger, year: int) -> list[tuple[Cell, ...]]:
    prefix = f"{year:04d}-"
    return [
        (
            f.id,
            f.date,
            f.party_id,
            f.party,
            f.rule,
            f.amount,
            f.imposed_by,
            f.paid,
            f.unpaid,
            f.state,
            f.cancelled_on,
            f.cancel_reason,
            f.cancel_decision,
        )
        for f in fines.fines(ledger.conn)
        if f.date.startswith(prefix)
    ]


def may_export(user: User) -> bool:
    """Exports are the clerk's and the administrator's (DESIGN §4.1): those who record."""
    return may(user.role, Action.RECORD)


def year_tables(ledger: Ledger, year: int) -> YearExport:
    """Every table of ``year``, read in one read transaction beside the chain's head."""
    conn = ledger.conn
    with snapshot(conn):
        entries, head = chain.head(conn)
        accounts = {a.code: a for a in catalog.book_accounts(conn)}
        project_rows, household_rows = _projects(ledger, year)
        tables = (
            Table("transactions", TRANSACTIONS, _transactions(ledger, year, accounts)),
            Table("budget", BUDGET, _budget(ledger, year, accounts)),
            Table("requests", REQUESTS, _requests(ledger, year)),
            Table("donations", DONATIONS, _donations(ledger, year)),
            Table("projects", PROJECTS, project_rows),
            Table("households", HOUSEHOLDS, household_rows),
            Table("contributions", CONTRIBUTIONS, _contributions(ledger, year)),
            Table("subsidies", SUBSIDIES, _subsidies(ledger, year)),
            Table("loans", LOANS, _loans(ledger, year)),
            Table("assets", ASSETS, _assets(ledger, year)),
            Table("leases", LEASES, _leases(ledger, year)),
            Table("fines", FINES, _fines(ledger, year)),
        )
        return YearExport(
            village=settings.village_name(conn),
            year=year,
            entries=entries,
            head=head,
            ledger_id=chain.first_hash(conn),
            tables=tables,
            versions=tuple(budget.versions(conn, year)),
        )
