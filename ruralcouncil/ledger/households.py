"""The village's households (DESIGN §4.3): who a community collection asks, and the
low-income households the council exempts from a year's collection by a resolution about
``exemption:HOUSEHOLD:YEAR``. An exempt household is never asked, and a contribution from it
is refused; it may still give a donation."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.i18n import _
from ruralcouncil.ledger import council, meetings, storage
from ruralcouncil.ledger.collation import sort_key
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

MAX_MEMBERS = 100


@dataclass(frozen=True)
class Household:
    id: int
    address: str
    head_id: int
    head: str
    members: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "address": self.address,
            "head": self.head_id,
            "head_name": self.head,
            "members": self.members,
        }


@dataclass(frozen=True)
class Exemption:
    household_id: int
    address: str
    year: int
    reason: str
    resolution: str  # YYYY/N

    def as_json(self) -> dict[str, object]:
        return {
            "household": self.household_id,
            "address": self.address,
            "year": self.year,
            "reason": self.reason,
            "resolution": self.resolution,
        }


_SELECT = (
    "SELECT h.id, h.address, h.head_id, p.name, h.members FROM households h"
    " JOIN parties p ON p.id = h.head_id"
)


def get(conn: sqlite3.Connection, household_id: int) -> Household:
    row = conn.execute(f"{_SELECT} WHERE h.id = ?", (household_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no household {id}.").format(id=household_id))
    return Household(int(row[0]), str(row[1]), int(row[2]), str(row[3]), int(row[4]))


def households(conn: sqlite3.Connection) -> list[Household]:
    """Every household, by address in the Kazakh alphabet's order."""
    found = [
        Household(int(r[0]), str(r[1]), int(r[2]), str(r[3]), int(r[4]))
        for r in conn.execute(f"{_SELECT} ORDER BY h.id")
    ]
    return sorted(found, key=lambda h: sort_key(h.address))


def exemptions(conn: sqlite3.Connection, year: int) -> dict[int, str]:
    """household -> the reason it is exempt from ``year``'s collection."""
    return {
        int(r[0]): str(r[1])
        for r in conn.execute("SELECT household_id, reason FROM exemptions WHERE year = ?", (year,))
    }


def exemption_list(conn: sqlite3.Connection, year: int | None = None) -> list[Exemption]:
    where, params = (" WHERE e.year = ?", [year]) if year is not None else ("", [])
    rows = conn.execute(
        "SELECT e.household_id, h.address, e.year, e.reason, r.year || '/' || r.number"
        " FROM exemptions e JOIN households h ON h.id = e.household_id"
        f" JOIN resolutions r ON r.id = e.resolution_id{where} ORDER BY e.year, e.household_id",
        params,
    )
    return [Exemption(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in rows]


def add(ledger: Ledger, clerk: User, address: str, head_id: int, members: int = 1) -> int:
    """Register a household with its head (a party) and how many live in it."""
    require(clerk, Action.REGISTER)
    address = clean_text(_("The address"), address, limit=200, required=True)
    if not 1 <= members <= MAX_MEMBERS:
        raise InvalidInput(_("A household has from 1 to {max} members.").format(max=MAX_MEMBERS))
    with ledger.write(clerk) as commit:
        conn = commit.conn
        council.get_party(conn, head_id)
        cursor = conn.execute(
            "INSERT INTO households (address, head_id, members, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (address, head_id, members, clerk.id, storage.now_text()),
        )
        household_id = int(cursor.lastrowid or 0)
        commit.append("household", str(household_id))
        commit.event("household.add", f"{household_id} {address}")
    return household_id


def exempt(
    ledger: Ledger, clerk: User, household_id: int, year: int, reason: str, ref: str
) -> None:
    """Exempt a low-income household from ``year``'s collection, by a resolution about
    ``exemption:HOUSEHOLD:YEAR``."""
    from ruralcouncil.ledger import projects

    require(clerk, Action.REGISTER)
    reason = clean_text(_("The reason"), reason, multiline=True, required=True)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        household = get(conn, household_id)
        if household_id in exemptions(conn, year):
            raise InvalidInput(
                _("Household {id} is already exempt from the collection of {year}.").format(
                    id=household_id, year=year
                )
            )
        for project in projects.projects(conn, year):
            paid, _back = projects.paid_by_household(conn, project.id).get(household_id, (0, 0))
            if paid > 0:
                raise InvalidInput(
                    _(
                        "Household {id} has already paid {amount} to project {project} of "
                        "{year}; an exemption cannot undo a payment."
                    ).format(
                        id=household_id,
                        amount=format_amount(paid),
                        project=project.id,
                        year=year,
                    )
                )
        resolution = meetings.use(
            commit,
            clerk,
            ref,
            f"exemption:{household_id}:{year}",
            "household.exempt",
            f"{household_id}:{year}",
        )
        cursor = conn.execute(
            "INSERT INTO exemptions (household_id, year, reason, resolution_id, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (household_id, year, reason, resolution.id, clerk.id, storage.now_text()),
        )
        commit.append("exemption", str(int(cursor.lastrowid or 0)))
        commit.event("household.exempt", f"{household_id} {year} {household.address}")
