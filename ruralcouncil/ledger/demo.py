"""The demo village (DESIGN §4 `demo`): a realistic ledger to try the program on.

The village is data, in ``resources/demo/`` (its README says how to change it):

- ``village.json``: the village, its users and their roles, the restricted funds, who records
  the entries and who closes which year;
- ``entries.csv``: the dated plan, in the order a clerk would post it: every receipt, payment,
  transfer and opening balance, each reversal with its reason, and the corrections after them.

A rural district of about 2,500 people with a yearly budget of 60-90 million tenge: the
district's subsidy is the biggest income, then local taxes, rents, fines and donations; staff
is the biggest cost, then lighting, roads, water and the rest. Three funds: the general fund,
a community-funded water pipe (asar) and an earmarked donation to the school.

This module only feeds that plan through the service functions people use
(``users.add_user``, ``catalog.add_fund``, ``journal.record``, ``journal.reverse``,
``journal.close_year``), each user logged in with their own key, so every rule holds and
``verify`` passes. The plan is written for the three years ending in ``written_for``; a demo
made in another year moves every date by whole years, so that its last year is always the
current one, and nothing dated after today is posted. The year before today's gets its
annual return, finalised early in the next year (``demo_return``), which closes it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruralcouncil import paths
from ruralcouncil.ledger import catalog, journal
from ruralcouncil.ledger.classification import DEFAULT_CASH_ACCOUNT, GENERAL_FUND
from ruralcouncil.ledger.dates import parse_date
from ruralcouncil.ledger.demo_community import CommunityYear
from ruralcouncil.ledger.demo_council import CouncilYear, DemoCouncil
from ruralcouncil.ledger.demo_registers import Registers
from ruralcouncil.ledger.demo_return import DemoReturn
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import parse_csv_amount
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User, add_user, login

DEMO_PASSWORD = "demo-village-2025"  # documented in the README; every demo user has it

REVERSAL = "reversal"
COLUMNS = (
    "date",
    "type",
    "amount",
    "category",
    "fund",
    "account",
    "to_account",
    "counterparty",
    "description",
    "reference",
    "label",
    "reverses",
    "reason",
)


class DemoDataError(ValueError):
    """The files in resources/demo/ are not a valid plan (a maintainer's mistake)."""


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    full_name: str


@dataclass(frozen=True)
class DemoFund:
    code: str
    restricted: bool
    name_kk: str
    name_ru: str
    name_en: str
    purpose: str


@dataclass(frozen=True)
class Step:
    """One line of the plan: an entry to record (``entry``) or a reversal of the entry
    labelled ``reverses``, with its ``reason``."""

    line: int
    date: date
    entry: NewEntry | None = None
    label: str = ""
    reverses: str = ""
    reason: str = ""


@dataclass(frozen=True)
class YearEnd:
    year: int
    on: date  # when the chair closes it: in the plan's order, after that day's entries
    by: str


@dataclass(frozen=True)
class Village:
    name: str
    council_kind: str
    written_for: int
    admin: DemoUser
    users: tuple[DemoUser, ...]
    funds: tuple[DemoFund, ...]
    recorded_by: str
    steps: tuple[Step, ...]
    closed_years: tuple[YearEnd, ...]
    council: DemoCouncil | None = None


def demo_folder() -> Path:
    return paths.resources_dir() / "demo"


# --- reading the data ----------------------------------------------------------------------


def load_village(folder: Path | None = None) -> Village:
    """Read and check ``village.json`` and the entries file it names."""
    folder = folder or demo_folder()
    where = folder / "village.json"
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
        admin = _user(raw["admin"], "admin")
        users = tuple(_user(u, u["role"]) for u in raw["users"])
        funds = tuple(
            DemoFund(
                code=str(f["code"]),
                restricted=bool(f["restricted"]),
                name_kk=str(f["name_kk"]),
                name_ru=str(f["name_ru"]),
                name_en=str(f["name_en"]),
                purpose=str(f.get("purpose", "")),
            )
            for f in raw["funds"]
        )
        closed = tuple(
            YearEnd(int(c["year"]), parse_date(str(c["on"])), str(c["by"]))
            for c in raw["closed_years"]
        )
        village = Village(
            name=str(raw["village"]),
            council_kind=str(raw["council_kind"]),
            written_for=int(raw["written_for"]),
            admin=admin,
            users=users,
            funds=funds,
            recorded_by=str(raw["entries"]["recorded_by"]),
            steps=read_steps(folder / str(raw["entries"]["file"])),
            closed_years=closed,
            council=_council(raw.get("council")),
        )
    except (KeyError, TypeError, ValueError, InvalidInput) as exc:
        if isinstance(exc, DemoDataError):
            raise
        raise DemoDataError(f"{where}: {exc!r}") from exc
    names = {u.name for u in (admin, *users)}
    for who in (village.recorded_by, *(c.by for c in closed)):
        if who not in names:
            raise DemoDataError(f"{where}: {who!r} is not one of the demo's users")
    return village


def _council(raw: dict[str, Any] | None) -> DemoCouncil | None:
    if raw is None:
        return None
    member, counterparty, nature = (str(x) for x in raw["interest"])
    return DemoCouncil(
        chair=str(raw["chair"]),
        members=tuple(str(m) for m in raw["members"]),
        adopted_on=parse_date(str(raw["adopted_on"])),
        interest=(member, counterparty, nature),
    )


def _user(raw: dict[str, Any], role: str) -> DemoUser:
    return DemoUser(str(raw["name"]), str(role), str(raw.get("full_name", "")))


def read_steps(path: Path) -> tuple[Step, ...]:
    """The plan of entries, checked: real dates, CSV amounts, reversals of earlier labels."""
    steps: list[Step] = []
    labels: set[str] = set()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, strict=True)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise DemoDataError(f"{path}: the columns must be {', '.join(COLUMNS)}")
        for row in reader:
            line = reader.line_num
            try:
                step = _step(line, row)
            except (ValueError, InvalidInput) as exc:
                raise DemoDataError(f"{path}, line {line}: {exc}") from exc
            if step.reverses and step.reverses not in labels:
                raise DemoDataError(
                    f"{path}, line {line}: no earlier entry is labelled {step.reverses!r}"
                )
            if step.label:
                if step.label in labels:
                    raise DemoDataError(f"{path}, line {line}: label {step.label!r} is used twice")
                labels.add(step.label)
            if steps and step.date < steps[-1].date:
                raise DemoDataError(f"{path}, line {line}: the plan must be in date order")
            steps.append(step)
    return tuple(steps)


def _step(line: int, row: dict[str, str]) -> Step:
    when = parse_date(row["date"])
    if row["type"] == REVERSAL:
        if not row["reverses"] or not row["reason"].strip():
            raise ValueError("a reversal names the label it reverses and gives a reason")
        return Step(line, when, reverses=row["reverses"], reason=row["reason"])
    if row["reverses"] or row["reason"]:
        raise ValueError("only a reversal has 'reverses' and 'reason'")
    entry = NewEntry(
        date=when,
        type=EntryType(row["type"]),
        amount=parse_csv_amount(row["amount"]),
        category=row["category"] or None,
        fund=row["fund"] or GENERAL_FUND,
        account=row["account"] or DEFAULT_CASH_ACCOUNT,
        to_account=row["to_account"] or None,
        counterparty=row["counterparty"],
        description=row["description"],
        reference=row["reference"],
    )
    return Step(line, when, entry=entry, label=row["label"])


# --- building the ledger -------------------------------------------------------------------


def moved(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def create_demo(path: Path | str, *, today: date | None = None) -> Ledger:
    """Write the demo village to a new file ``path`` and return it open for writing.

    Nothing is dated after ``today`` (the PC's date by default); years end up closed by the
    chair as the plan says, once they are over.
    """
    today = today or date.today()
    village = load_village()
    shift = today.year - village.written_for
    ledger = init_ledger(
        path,
        village=village.name,
        admin=village.admin.name,
        password=DEMO_PASSWORD,
        council_kind=village.council_kind,
        admin_full_name=village.admin.full_name,
    )
    # The demo is made in one go and checked at the end, so flushing every entry to disk
    # on its own would only make old PCs wait; full safety is back on before it is handed over.
    ledger.conn.execute("PRAGMA synchronous = OFF")
    try:
        _build(ledger, village, shift, today)
    except BaseException:
        ledger.close()
        Path(path).unlink(missing_ok=True)
        raise
    ledger.conn.execute("PRAGMA synchronous = FULL")
    ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ledger


def _build(ledger: Ledger, village: Village, shift: int, today: date) -> None:
    # Every write is signed by its author, so each demo user logs in as a person would.
    admin = _login(ledger, village.admin.name)
    for user in village.users:
        add_user(ledger, admin, user.name, user.role, DEMO_PASSWORD, user.full_name)
    for fund in village.funds:
        catalog.add_fund(
            ledger,
            admin,
            fund.code,
            restricted=fund.restricted,
            name_kk=fund.name_kk,
            name_ru=fund.name_ru,
            name_en=fund.name_en,
            purpose=fund.purpose,
        )
    signed_in: dict[str, User] = {admin.name: admin}

    def as_user(name: str) -> User:
        if name not in signed_in:
            signed_in[name] = _login(ledger, name)
        return signed_in[name]

    closes = sorted(village.closed_years, key=lambda c: c.on)
    numbers: dict[str, int] = {}  # label -> entry number
    council = _council_year(ledger, village, shift, as_user)
    community = CommunityYear(council) if council is not None else None
    registers = (
        Registers(
            ledger,
            as_user,
            village.recorded_by,
            council.setup.chair,
            council.setup.members,
            council.party,
        )
        if council is not None
        else None
    )
    annual = _annual_return(ledger, village, as_user, today)
    for step in village.steps:
        day = moved(step.date, shift)
        if day > today:
            break  # the plan is in date order
        while closes and moved(closes[0].on, shift) < day:
            _close(ledger, as_user(closes[0].by), closes.pop(0).year + shift, today)
        if annual is not None and annual.due(day):
            annual.make()
        clerk = as_user(village.recorded_by)
        if council is not None and not council.adopted and day >= council.setup.adopted_on:
            council.adopt()
            assert community is not None
            community.start(_contributors(village))
        if community is not None:
            community.run_before(day)
        if step.entry is None:
            journal.reverse(ledger, clerk, numbers[step.reverses], step.reason, on=day)
            continue
        entry = replace(step.entry, date=day)
        begins = registers is not None and council is not None and not registers.leases
        if begins and registers and council and day.year == council.setup.adopted_on.year:
            # The first entry of the council's year: its registers come first.
            registers.begin_year(day, council.planned, council.setup.adopted_on)
        number = _post(ledger, entry, clerk, council, community, registers)
        if community is not None:
            community.acknowledge_at_sittings()
        if step.label:
            numbers[step.label] = number
    for close in closes:
        if moved(close.on, shift) <= today:
            _close(ledger, as_user(close.by), close.year + shift, today)
    if annual is not None and not annual.made:
        annual.make()
    if council is not None and council.adopted:
        assert community is not None and registers is not None
        community.run_before(today + timedelta(days=1))
        registers.fines_on_the_desk(today)
        council.waiting(today)


def _post(
    ledger: Ledger,
    entry: NewEntry,
    clerk: User,
    council: CouncilYear | None,
    community: CommunityYear | None,
    registers: Registers | None,
) -> int:
    """One planned entry, the way the village records it: a loan through the register, a
    payment in the council's year against its request (a loan's repayment naming its loan),
    a receipt that belongs to a register through it, a gift through the donor register."""
    if registers is not None and entry.category == "LOAN" and entry.type == EntryType.RECEIPT:
        return registers.take_loan(entry)
    repays = registers.repayment(entry) if registers and entry.category == "LOAN-REPAY" else None
    if council is not None and council.adopted and entry.type == EntryType.PAYMENT:
        return council.pay(entry, repays)
    if repays is not None:  # before the council's year: no request, still the loan's
        return journal.record(ledger, clerk, entry, register=repays)
    if registers is not None and entry.type == EntryType.RECEIPT:
        number = registers.receive(entry)
        if number is not None:
            return number
    if community is not None and council is not None and council.adopted:
        return community.receive(entry)
    return journal.record(ledger, clerk, entry)


def _contributors(village: Village) -> list[str]:
    """Who gave to the earlier asar ("Name, address"): the households of the salma."""
    return [
        s.entry.counterparty
        for s in village.steps
        if s.entry is not None and s.entry.category == "COMMUNITY"
    ]


def _council_year(
    ledger: Ledger, village: Village, shift: int, as_user: Callable[[str], User]
) -> CouncilYear | None:
    """The council's year (the plan's last), when the village has a council set up."""
    if village.council is None:
        return None
    setup = replace(village.council, adopted_on=moved(village.council.adopted_on, shift))
    planned = [
        replace(step.entry, date=moved(step.date, shift))
        for step in village.steps
        if step.entry is not None and moved(step.date, shift).year == setup.adopted_on.year
    ]
    return CouncilYear(ledger, setup, as_user, village.recorded_by, planned)


def _annual_return(
    ledger: Ledger, village: Village, as_user: Callable[[str], User], today: date
) -> DemoReturn | None:
    """The return for the year before today's, when the village has a council to answer it
    and an internal auditor; made in the plan's order once its sitting has come."""
    auditor = next((u.name for u in village.users if u.role == "auditor"), None)
    if village.council is None or auditor is None:
        return None
    return DemoReturn(
        ledger,
        as_user,
        today.year - 1,
        today,
        village.recorded_by,
        village.council.chair,
        village.council.members,
        auditor,
    )


def _close(ledger: Ledger, chair: User, year: int, today: date) -> None:
    if year < today.year:
        journal.close_year(ledger, chair, year)


def _login(ledger: Ledger, name: str) -> User:
    return login(ledger, name, DEMO_PASSWORD)
