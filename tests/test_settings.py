"""The village settings: the council's kind and name are checked together, in the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruralcouncil.ledger import settings
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.settings import CouncilKind
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User
from tests._helpers import state

NO_NAME = "The council needs its own name"


def test_another_name_needs_the_name(ledger: Ledger, admin: User) -> None:
    before = state(ledger.conn)
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, "  ")
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change(ledger, admin, settings.COUNCIL_KIND, CouncilKind.CUSTOM.value)
    assert state(ledger.conn) == before
    assert settings.council_name(ledger.conn) == "Rural maslikhat"


def test_the_name_of_another_council_cannot_be_emptied(ledger: Ledger, admin: User) -> None:
    settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, "Aksu elders' council")
    before = state(ledger.conn)
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change(ledger, admin, settings.COUNCIL_NAME, "")
    assert state(ledger.conn) == before
    assert settings.council_name(ledger.conn) == "Aksu elders' council"


def test_council_kind_and_name_change_together(ledger: Ledger, admin: User) -> None:
    settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, " Aksu elders' council ")
    assert settings.council_name(ledger.conn) == "Aksu elders' council"
    settings.change_council(ledger, admin, CouncilKind.LOCAL_COMMUNITY.value, "")
    assert settings.get(ledger.conn, settings.COUNCIL_KIND) == "local_community"
    assert settings.get(ledger.conn, settings.COUNCIL_NAME) == ""
    assert settings.council_name(ledger.conn) == "Meeting of the local community"


def test_a_new_ledger_refuses_another_council_without_its_name(tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    with pytest.raises(InvalidInput, match=NO_NAME):
        init_ledger(
            path,
            village="Aksu",
            admin="admin",
            password="correct-horse-1",
            council_kind=CouncilKind.CUSTOM.value,
        )
    assert not path.exists()
