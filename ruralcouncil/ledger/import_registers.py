"""The registers' columns of a transactions file (DESIGN §4.3): a ``DONATION`` receipt row
that names its donor (``party``) and their statement (``voluntary``, optionally
``anonymous`` and ``project``) is recorded as ``donation add`` records it, pressure flag
included; a ``COMMUNITY`` receipt row names its ``project`` and ``household`` and obeys what
``contribution add`` obeys (the project's year, exemptions, the per-household amount, parts
of one file added up). In a year with an adopted budget such rows are the only way an import
brings these receipts in."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ruralcouncil.i18n import _
from ruralcouncil.ledger import (
    council,
    donations,
    households,
    projects,
    register_links,
    storage,
)
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.parse import nfc, shown
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.roles import User

COLUMNS = (
    "party",
    "voluntary",
    "anonymous",
    "project",
    "household",
    "subsidy",
    "loan",
    "lease",
    "fine",
)
_LINKS = ("subsidy", "loan", "lease", "fine")
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n", ""}


@dataclass(frozen=True)
class RowRegister:
    """What a row's registers' columns say."""

    party: int | None = None
    voluntary: str = ""
    anonymous: bool = False
    project: int | None = None
    household: int | None = None
    link: RegisterLink | None = None  # a subsidy, loan, lease or fine

    @property
    def donation(self) -> bool:
        return self.party is not None or bool(self.voluntary)

    @property
    def contribution(self) -> bool:
        return self.household is not None


def _number(text: str, column: str) -> int | str:
    text = text.strip()
    if len(text) > 18 or not text.isascii() or not text.isdigit() or int(text) < 1:
        return _("{column} {text} must be a number").format(column=column, text=shown(text))
    return int(text)


def read(cells: dict[str, str]) -> tuple[RowRegister | None, list[str]]:
    """The row's registers' columns (None: it has none), or why they cannot be read."""
    if not any(cells.get(name, "").strip() for name in COLUMNS):
        return None, []
    problems: list[str] = []
    numbers: dict[str, int | None] = {}
    for name in ("party", "project", "household", *_LINKS):
        text = cells.get(name, "")
        value = _number(text, name) if text.strip() else None
        if isinstance(value, str):
            problems.append(value)
            value = None
        numbers[name] = value
    anonymous_text = cells.get("anonymous", "").strip().lower()
    if anonymous_text not in _YES | _NO:
        problems.append(_("anonymous {text} must be yes or no").format(text=shown(anonymous_text)))
    named = {f"{name}_id": numbers[name] for name in _LINKS if numbers[name] is not None}
    if len(named) > 1:
        problems.append(_("a row names one of subsidy, loan, lease and fine at most"))
    found = RowRegister(
        party=numbers["party"],
        voluntary=nfc(cells.get("voluntary", "").strip()),
        anonymous=anonymous_text in _YES,
        project=numbers["project"],
        household=numbers["household"],
        link=RegisterLink(**named) if len(named) == 1 else None,
    )
    if found.link and (found.donation or found.contribution or found.project is not None):
        problems.append(_("a row names a register, or a donor and a project, not both"))
    return (None if problems else found), problems


class Checker:
    """Checks the registers' rows of one file against the ledger, in file order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._projects: dict[int, projects.Project | str] = {}
        self._paid: dict[tuple[int, int], int] = defaultdict(int)
        # what earlier rows add to a register: (kind, id) -> amount, or a loan's split
        self._added: dict[tuple[str, int], int] = defaultdict(int)
        self._repaid: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
        self.links: dict[int, register_links.Checked] = {}  # entry index -> its link

    def linked(
        self, index: int, entry: NewEntry, fund_cell: str, link: RegisterLink
    ) -> tuple[NewEntry, list[str]]:
        """A row naming a subsidy, loan, lease or fine: the register's rules, with what the
        file's earlier rows added to it."""
        if link.loan_id is not None:
            checked = register_links.check(
                self.conn, entry, link, bool(fund_cell.strip()), self._repaid[link.loan_id]
            )
        else:
            key = _link_key(link)
            checked = register_links.check(
                self.conn, entry, link, bool(fund_cell.strip()), self._added[key]
            )
        if not checked.problems:
            if link.loan_id is not None:
                principal, interest = self._repaid[link.loan_id]
                self._repaid[link.loan_id] = (
                    principal + checked.principal,
                    interest + checked.interest,
                )
            else:
                self._added[_link_key(link)] += entry.amount
            self.links[index] = checked
        return checked.entry, checked.problems

    def project(self, project_id: int) -> projects.Project | str:
        found = self._projects.get(project_id)
        if found is None:
            try:
                found = projects.get(self.conn, project_id)
            except InvalidInput as exc:
                found = str(exc).rstrip(".")
            self._projects[project_id] = found
        return found

    def placed(self, entry: NewEntry, fund_cell: str, row: RowRegister) -> tuple[NewEntry, str]:
        """The entry in its project's fund (a blank fund cell means the project's)."""
        if row.project is None:
            return entry, ""
        project = self.project(row.project)
        if isinstance(project, str):
            return entry, project
        if not fund_cell.strip():
            return replace(entry, fund=project.fund), ""
        if entry.fund != project.fund:
            return entry, _("project {id}'s money goes into its fund {fund}").format(
                id=project.id, fund=project.fund
            )
        return entry, ""

    def problems(self, entry: NewEntry, row: RowRegister) -> list[str]:
        if entry.type != EntryType.RECEIPT:
            return [_("only a receipt names a donor, a project or a household")]
        if row.contribution:
            return self._contribution(entry, row)
        return self._donation(entry, row)

    def _donation(self, entry: NewEntry, row: RowRegister) -> list[str]:
        problems = []
        if entry.category != donations.DONATION_CODE:
            problems.append(_("a row with a donor is a DONATION receipt"))
        if row.party is None:
            problems.append(_("a donation names its donor (the party column)"))
        else:
            try:
                council.get_party(self.conn, row.party)
            except InvalidInput as exc:
                problems.append(str(exc).rstrip("."))
        if not row.voluntary:
            problems.append(
                _("a donation needs the donor's statement that it is voluntary (voluntary)")
            )
        if row.project is not None:
            project = self.project(row.project)
            refusal = project if isinstance(project, str) else project.refuses_money(entry.date)
            if refusal:
                problems.append(refusal.rstrip("."))
        return problems

    def _contribution(self, entry: NewEntry, row: RowRegister) -> list[str]:
        assert row.household is not None
        if entry.category != projects.COMMUNITY_CODE:
            return [_("a row with a household is a COMMUNITY receipt")]
        if row.project is None:
            return [_("a contribution names its project (the project column)")]
        if row.party is not None or row.voluntary:
            return [_("a row is a donation or a contribution, not both")]
        project = self.project(row.project)
        if isinstance(project, str):
            return [project]
        try:
            households.get(self.conn, row.household)
        except InvalidInput as exc:
            return [str(exc).rstrip(".")]
        key = (project.id, row.household)
        problems = projects.contribution_problems(
            self.conn, project, row.household, entry.amount, entry.date, self._paid[key]
        )
        if not problems:
            self._paid[key] += entry.amount
        return problems


def _link_key(link: RegisterLink) -> tuple[str, int]:
    for name in _LINKS:
        value = getattr(link, f"{name}_id")
        if value is not None:
            return name, int(value)
    raise ValueError("an empty link")


def record(
    commit: Commit,
    user: User,
    first_id: int,
    entries: Sequence[NewEntry],
    rows: dict[int, RowRegister],
    links: dict[int, register_links.Checked] | None = None,
) -> Iterator[int]:
    """After the file's entries are stored (ids running on from ``first_id``): each
    donation row's record, flagged as ``donation add`` flags it, each contribution's link,
    and each register's link (``links``: as the check found them). Yields the donations'
    ids."""
    conn = commit.conn
    for index, row in sorted(rows.items()):
        entry = entries[index]
        transaction_id = first_id + index
        if row.link is not None:
            checked = (links or {})[index]
            register_links.insert(commit, transaction_id, row.link, checked)
            if checked.party_id is not None:
                from ruralcouncil.ledger import spending

                if spending.link_of(conn, transaction_id) == (None, None):
                    spending.link_entry(commit, transaction_id, None, checked.party_id)
            continue
        if row.contribution:
            assert row.project is not None and row.household is not None
            projects.link(commit, transaction_id, row.project, row.household)
            continue
        assert row.party is not None
        yield _donation(commit, user, conn, entry, transaction_id, row)


def _donation(
    commit: Commit,
    user: User,
    conn: sqlite3.Connection,
    entry: NewEntry,
    transaction_id: int,
    row: RowRegister,
) -> int:
    assert row.party is not None
    party = council.get_party(conn, row.party)
    reasons = donations.business_with_akim(conn, party.id, entry.date)
    cursor = conn.execute(
        "INSERT INTO donations (date, party_id, donor_type, amount, fund, project_id, voluntary,"
        " anonymous, flagged, flag_reason, transaction_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.date.isoformat(),
            party.id,
            donations.donor_type_of(party).value,
            entry.amount,
            entry.fund,
            row.project,
            row.voluntary,
            int(row.anonymous),
            int(bool(reasons)),
            "; ".join(reasons),
            transaction_id,
            user.id,
            storage.now_text(),
        ),
    )
    donation_id = int(cursor.lastrowid or 0)
    commit.append("donation", str(donation_id))
    return donation_id
