"""The register of parties and members' declared interests (issue 8): who may add and
declare what, and the core's refusals shown as is with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import state
from council_village import ROAD_FIRM, SHOP, Village, open_village
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui.parties_page import (
    IIN_BIN,
    KIND,
    MEMBER,
    NAME,
    NATURE,
    PARTY,
    AddPartyDialog,
    DeclareInterestDialog,
    InterestsModel,
    PartiesModel,
    PartiesPage,
)
from ruralcouncil.ledger import council


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _column(model: PartiesModel | InterestsModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_models_show_names(qtmodeltester, village: Village) -> None:  # type: ignore[no-untyped-def]
    council.declare_interest(
        village.ledger, village.user("dana"), "dana", village.party(SHOP), "Her brother owns it"
    )
    context = village.context("clerk")
    parties = PartiesModel(context)
    parties.reload()
    qtmodeltester.check(parties)
    assert _column(parties, NAME) == [SHOP, ROAD_FIRM]  # by name
    assert _column(parties, KIND) == ["Business", "Business"]
    assert _column(parties, IIN_BIN) == ["", "123456789012"]
    interests = InterestsModel(context)
    interests.reload()
    qtmodeltester.check(interests)
    assert _column(interests, MEMBER) == ["Dana Kim"]
    assert _column(interests, PARTY) == [SHOP]
    assert _column(interests, NATURE) == ["Her brother owns it"]


def test_the_clerk_adds_a_party(qtbot: QtBot, village: Village) -> None:
    page = PartiesPage(village.context("clerk"))
    qtbot.addWidget(page)
    assert not page.add_button.isHidden() and page.declare_button.isHidden()
    dialog = AddPartyDialog(page.context, page)
    dialog.name.setText("Omarov B.")
    dialog.kind.setCurrentIndex(dialog.kind.findData("person"))
    dialog.iin_bin.setText("900101300123")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    assert "Omarov B." in _column(page.parties, NAME)  # the page followed the change


def test_a_refused_party_writes_nothing(qtbot: QtBot, village: Village) -> None:
    conn = village.ledger.conn
    before = state(conn)
    dialog = AddPartyDialog(village.context("clerk"))
    qtbot.addWidget(dialog)
    dialog.name.setText("Another name")
    dialog.iin_bin.setText("123456789012")  # the road firm's
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == (
        f"The IIN/BIN 123456789012 is already registered: party "
        f"{village.party(ROAD_FIRM)}, {ROAD_FIRM}."
    )
    dialog.iin_bin.setText("12345")
    dialog.accept()
    assert dialog.refusal() == "The IIN/BIN '12345' must be exactly 12 digits."
    assert state(conn) == before and len(council.parties(conn)) == 2


def test_a_member_declares_their_own_interest(qtbot: QtBot, village: Village) -> None:
    page = PartiesPage(village.context("dana"))
    qtbot.addWidget(page)
    assert page.add_button.isHidden() and not page.declare_button.isHidden()
    dialog = DeclareInterestDialog(page.context, village.party(ROAD_FIRM), page)
    assert not dialog.member.isEnabled() and dialog.member.currentData() == "dana"
    dialog.accept()  # no nature given
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.refusal()
    dialog.nature.setText("Works there on weekends")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    [interest] = council.interests(village.ledger.conn)
    assert (interest.member, interest.party) == ("dana", ROAD_FIRM)
    assert _column(page.interests, MEMBER) == ["Dana Kim"]


def test_the_administrator_declares_for_any_member(qtbot: QtBot, village: Village) -> None:
    dialog = DeclareInterestDialog(village.context("admin"))
    qtbot.addWidget(dialog)
    assert dialog.member.isEnabled()
    members = [dialog.member.itemData(i) for i in range(dialog.member.count())]
    assert members == ["chair", "dana", "erlan"]
    dialog.member.setCurrentIndex(dialog.member.findData("erlan"))
    dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
    dialog.nature.setText("Owns a share")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    assert [i.member for i in council.interests(village.ledger.conn)] == ["erlan"]
