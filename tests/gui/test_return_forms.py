"""The annual return's forms (issue 11), on the demo village whose 2025 return is final: each
form records through the core and shows what the return now holds; each refusal is the
core's, in its words, with nothing written; a change after finalising makes the return a
draft of the next version, which the chair finalises only with a reason."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.return_forms import (
    AuditForm,
    FinaliseForm,
    GovernanceForm,
    InspectionForm,
    ReconciliationForm,
    ReturnForm,
)
from ruralcouncil.ledger import annual_return, chain, internal_audit, users
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.storage import Ledger, open_ledger

PASSWORD = "demo-village-2025"
YEAR = 2025


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.ruralcouncil"
    create_demo(path, today=date(2026, 6, 1)).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "demo.ruralcouncil"
    shutil.copyfile(demo_file, copy)
    ledger = open_ledger(copy)
    try:
        yield ledger
    finally:
        ledger.close()


def _form(qtbot: QtBot, cls: type[ReturnForm], ledger: Ledger, name: str) -> Any:
    context = AppContext(ledger, users.login(ledger, name, PASSWORD))
    form = cls(context, YEAR)
    qtbot.addWidget(form)
    return form


def _refused(form: ReturnForm, ledger: Ledger, act: Any) -> str:
    before = chain.head(ledger.conn)
    act()
    assert chain.head(ledger.conn) == before, "a refusal wrote something"
    assert form.answer.text() and "recorded" not in form.answer.text()
    return form.answer.text()


def _recorded(qtbot: QtBot, form: ReturnForm, act: Any) -> None:
    with qtbot.waitSignal(form.recorded, timeout=20_000):
        act()


def test_the_finalised_return_offers_nothing_to_finalise(qtbot: QtBot, demo: Ledger) -> None:
    form = _form(qtbot, FinaliseForm, demo, "serik")
    assert "Version 1 was finalised" in form.state_label.text()
    assert "The return is final." in form.state_label.text()
    assert not form.finalise_button.isEnabled()


def test_a_section_1_answer_then_a_new_version_with_its_reason(
    qtbot: QtBot, demo: Ledger, message_boxes: Any
) -> None:
    ref = annual_return.read(demo.conn, YEAR).governance[1].resolution
    form = _form(qtbot, GovernanceForm, demo, "serik")
    assert "6: No (resolution" in form.state_label.text()
    form.assertion.setCurrentIndex(form.assertion.findData(2))
    form.given.setCurrentIndex(form.given.findData("no"))
    form.resolution.setText(ref)
    assert "say why" in _refused(form, demo, form.record)
    form.explanation.setPlainText("The cash box was counted once a quarter, not monthly.")
    _recorded(qtbot, form, form.record)
    assert "2: No (resolution" in form.state_label.text()
    assert annual_return.governance_answers(demo.conn, YEAR)[2].explanation.startswith("The cash")

    final = _form(qtbot, FinaliseForm, demo, "serik")
    assert "Something changed since" in final.state_label.text()
    assert final.finalise_button.isEnabled()
    message_boxes.answer = QMessageBox.StandardButton.Yes
    assert "reason" in _refused(final, demo, final.finalise).lower()
    final.reason.setPlainText("Section 1, assertion 2 corrected after the district's review.")
    _recorded(qtbot, final, final.finalise)
    state = annual_return.read(demo.conn, YEAR)
    assert state.final and state.last_version is not None and state.last_version.version == 2


def test_a_resolution_about_something_else_is_refused(qtbot: QtBot, demo: Ledger) -> None:
    form = _form(qtbot, GovernanceForm, demo, "serik")
    form.resolution.setText("2026/1")  # the demo's budget resolution
    _refused(form, demo, form.record)


def test_the_internal_audit_form(qtbot: QtBot, demo: Ledger) -> None:
    form = _form(qtbot, AuditForm, demo, "nurlan")
    assert "Signed by" in form.state_label.text()
    form.objective.setCurrentIndex(form.objective.findData(4))
    form.given.setCurrentIndex(form.given.findData("no"))
    _refused(form, demo, form.record)  # a No without a comment
    form.comment.setPlainText("The budget was kept by the district; now in the ledger.")
    _recorded(qtbot, form, form.record)
    assert internal_audit.answers(demo.conn, YEAR)[4].answer == internal_audit.AuditAnswer.NO
    form.starts.setDate(date(2026, 3, 2))
    form.ends.setDate(date(2026, 3, 1))
    _refused(form, demo, form.sign)  # ends before it starts


def test_the_inspection_form(qtbot: QtBot, demo: Ledger) -> None:
    form = _form(qtbot, InspectionForm, demo, "aigerim")
    assert "30 working days" in form.state_label.text()
    form.starts.setDate(date(2025, 12, 1))  # before the year has ended
    form.place.setText("Akimat, room 2")
    _refused(form, demo, form.record)
    form.starts.setDate(date(2026, 6, 8))
    form.ends.setDate(date(2026, 7, 17))
    _recorded(qtbot, form, form.record)
    found = annual_return.inspection(demo.conn, YEAR)
    assert found is not None and found.place == "Akimat, room 2"


def test_the_reconciliation_form(qtbot: QtBot, demo: Ledger) -> None:
    clerk = _form(qtbot, ReconciliationForm, demo, "aigerim")
    assert "It agrees." in clerk.state_label.text()
    assert "Approved by" in clerk.state_label.text()
    for edit in clerk.statements.values():
        edit.setText("1 500,5x")  # not an amount
    _refused(clerk, demo, clerk.record)
    chair = _form(qtbot, ReconciliationForm, demo, "serik")
    names = {b.objectName() for b in chair.buttons.buttons()}
    assert "approve" in names and "record" not in names
    names = {b.objectName() for b in clerk.buttons.buttons()}
    assert "record" in names and "approve" not in names
