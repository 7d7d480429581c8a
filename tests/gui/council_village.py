"""A small council for the window's tests of requests and parties: a clerk, a chair, two
members, money in the bank and two registered parties.

Built once per test process (each user's key costs a scrypt) and copied for every test, as
``_helpers.fresh_ledger`` does with its template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from _helpers import ADMIN, admin_of, copy_ledger, fresh_ledger, opening, scratch_dir, user_of

from ruralcouncil.gui.context import AppContext
from ruralcouncil.ledger import council, users
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

PASSWORD = "council-password-1"
PEOPLE = (
    ("clerk", "clerk", "Aigerim Sarsenbayeva"),
    ("chair", "chair", "Serik Zhakypov"),
    ("dana", "member", "Dana Kim"),
    ("erlan", "member", "Erlan Omarov"),
)
ROAD_FIRM = "Zhol LLP"
SHOP = "Bereke shop"


@cache
def _template() -> Path:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "council.ruralcouncil")
    admin = admin_of(ledger)
    for name, role, full_name in PEOPLE:
        users.add_user(ledger, admin, name, role, PASSWORD, full_name)
    clerk = user_of(ledger, "clerk", PASSWORD)
    # Money to pay with, from the first day of the year (so any date this year is after it).
    opening(ledger, clerk, f"{date.today().year}-01-01", 5_000_000_00)
    council.add_party(ledger, clerk, ROAD_FIRM, "business", "123456789012")
    council.add_party(ledger, clerk, SHOP, "business")
    ledger.close()
    return folder / "council.ruralcouncil"


@dataclass
class Village:
    ledger: Ledger

    def user(self, name: str) -> User:
        return admin_of(self.ledger) if name == ADMIN else user_of(self.ledger, name, PASSWORD)

    def context(self, name: str) -> AppContext:
        return AppContext(self.ledger, self.user(name))

    def party(self, name: str) -> int:
        return next(p.id for p in council.parties(self.ledger.conn) if p.name == name)


def open_village(tmp_path: Path) -> Iterator[Village]:
    """A fixture's body: a copy of the council's ledger, closed after the test."""
    ledger = copy_ledger(_template(), tmp_path)
    try:
        yield Village(ledger)
    finally:
        ledger.close()
