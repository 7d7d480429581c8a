"""The fines page (issue 10): the fines as the core reads them, filtered by where they stand
and searched; a fine recorded, part paid and cancelled (with its reason and decision)
through the dialogs, the detail showing the trail; a payment on a cancelled fine and a
cancellation without a decision refused in the core's words with nothing written; no write
button for those who may not write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _helpers import state
from council_village import PASSWORD, ROAD_FIRM, SHOP, Village, open_village
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui.council_forms import typed_amount
from ruralcouncil.gui.fine_dialogs import AddFineDialog, CancelFineDialog, FinePaymentDialog
from ruralcouncil.gui.fines_page import (
    AMOUNT,
    COLUMN_TITLES,
    DATE,
    IMPOSED_BY,
    NUMBER,
    PAID,
    PERSON,
    RULE,
    STATE,
    UNPAID,
    FinesModel,
    FinesPage,
    Show,
)
from ruralcouncil.ledger import fines, journal, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink

TODAY = date.today()
GRAZING = "Cattle grazing in the park"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _fine(village: Village, party: str, amount: int, rule: str = GRAZING) -> int:
    return fines.add(
        village.ledger, village.user("clerk"), village.party(party), rule, amount, "The akim"
    )


def _pay(village: Village, fine_id: int, amount: int) -> int:
    return journal.record(
        village.ledger,
        village.user("clerk"),
        NewEntry(TODAY, EntryType.RECEIPT, amount, "FINES"),
        register=RegisterLink(fine_id=fine_id),
    )


@pytest.fixture
def four(village: Village) -> dict[str, int]:
    """A fine paid, one part paid, one unpaid, one part paid then cancelled."""
    found = {
        "paid": _fine(village, SHOP, 5_000_00),
        "part": _fine(village, ROAD_FIRM, 20_000_00, "Building without a permit"),
        "unpaid": _fine(village, SHOP, 3_000_00, "Rubbish left by the river"),
        "cancelled": _fine(village, ROAD_FIRM, 8_000_00, "Noise at night"),
    }
    _pay(village, found["paid"], 5_000_00)
    _pay(village, found["part"], 7_500_00)
    _pay(village, found["cancelled"], 1_000_00)
    fines.cancel(
        village.ledger, village.user("clerk"), found["cancelled"], "Appeal upheld", "Ruling 7"
    )
    return found


def _page(qtbot: QtBot, context: Any) -> FinesPage:
    page = FinesPage(context)
    qtbot.addWidget(page)
    return page


def _column(model: FinesModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _ids(model: FinesModel) -> list[int]:
    return [int(x) for x in _column(model, NUMBER)]


# --- the model, without a view -----------------------------------------------------------


def test_the_model_holds_the_cores_fines(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village, four: dict[str, int]
) -> None:
    core = fines.fines(village.ledger.conn)
    model = FinesModel()
    model.set_fines(core)
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "№",
        "Date",
        "Person fined",
        "Rule broken",
        "Amount",
        "Imposed by",
        "Paid",
        "Unpaid",
        "State",
    ]
    assert len(COLUMN_TITLES) == model.columnCount()
    assert _ids(model) == [f.id for f in core]
    assert _column(model, DATE) == [shown_date(f.date) for f in core]
    assert _column(model, PERSON) == [f.party for f in core]
    assert _column(model, RULE) == [f.rule for f in core]
    assert _column(model, IMPOSED_BY) == ["The akim"] * 4
    assert _column(model, AMOUNT) == [format_amount(f.amount) for f in core]
    assert _column(model, PAID) == [format_amount(f.paid) for f in core]
    assert _column(model, UNPAID) == [format_amount(f.unpaid) for f in core]
    assert [f.state for f in core] == ["paid", "unpaid", "unpaid", "cancelled"]
    assert _column(model, STATE) == ["Paid", "Part paid", "Unpaid", "Cancelled"]
    assert model.total_unpaid() == sum(f.unpaid for f in core) == 12_500_00 + 3_000_00
    # A cancelled fine's state says why; unpaid money is red.
    tip = model.data(model.index(3, STATE), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"Cancelled on {shown_date(TODAY)} by decision Ruling 7: Appeal upheld"
    red = model.data(model.index(1, UNPAID), Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.red() > 150 and red.green() < 60

    # The filter by where a fine stands (the core's state), then the search.
    model.set_show(Show.UNPAID)
    assert _ids(model) == [four["part"], four["unpaid"]]
    assert _ids(model) == [f.id for f in fines.fines(village.ledger.conn, unpaid=True)]
    model.set_show(Show.PAID)
    assert _ids(model) == [four["paid"]]
    model.set_show(Show.CANCELLED)
    assert _ids(model) == [four["cancelled"]]
    model.set_show(Show.ALL)
    model.set_search("RULING 7")  # a cancellation's decision
    assert _ids(model) == [four["cancelled"]]
    model.set_search("zhol permit")
    assert _ids(model) == [four["part"]]
    model.set_show(Show.PAID)
    assert model.rowCount() == 0
    assert model.total_unpaid() == 15_500_00  # whatever is shown
    qtmodeltester.check(model)


# --- the clerk's path through the window -------------------------------------------------


def test_a_fine_recorded_part_paid_and_cancelled_shows_its_trail(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    page = _page(qtbot, village.context("clerk"))
    conn = village.ledger.conn
    assert page.summary.text() == "No fine has been recorded."

    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, AddFineDialog)
        dialog.person.setCurrentIndex(dialog.person.findData(village.party(SHOP)))
        dialog.rule.setPlainText(GRAZING)
        dialog.amount.setText("12 000")
        dialog.imposed_by.setText("Administrative commission")
        assert dialog.date.day() == TODAY
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = record
    assert page.add_fine()
    [fine] = fines.fines(conn)
    assert (fine.party_id, fine.rule, fine.amount, fine.imposed_by, fine.date) == (
        village.party(SHOP),
        GRAZING,
        12_000_00,
        "Administrative commission",
        TODAY.isoformat(),
    )
    assert page.selected_fine() == fine
    assert page.summary.text().startswith(f"Unpaid: {format_amount(12_000_00)} on 1 fine.")
    assert page.detail.recorded.text().startswith("by clerk, ")

    offered: list[str] = []

    def pay(dialog: QDialog) -> None:
        assert isinstance(dialog, FinePaymentDialog)
        assert dialog.fine.currentData() == fine.id  # the fine chosen on the page
        offered.append(dialog.amount.text())
        dialog.amount.setText("5 000")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = pay
    assert page.record_payment()
    assert offered == [typed_amount(12_000_00)]  # what is unpaid
    paid = fines.get(conn, fine.id)
    assert (paid.paid, paid.unpaid, paid.state) == (5_000_00, 7_000_00, "unpaid")
    model = page.model
    row = model.row_of(fine.id)
    assert model.data(model.index(row, PAID)) == format_amount(5_000_00)
    assert model.data(model.index(row, UNPAID)) == format_amount(7_000_00)
    assert model.data(model.index(row, STATE)) == "Part paid"
    assert page.detail.unpaid.text() == format_amount(7_000_00)

    def cancel(dialog: QDialog) -> None:
        assert isinstance(dialog, CancelFineDialog)
        assert dialog.fine.id == fine.id
        dialog.reason.setPlainText("The cattle were another owner's")
        dialog.decision.setText("Court ruling 2-114/2026")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = cancel
    assert page.cancel_button.isEnabled()
    assert page.cancel_fine()
    done = fines.get(conn, fine.id)
    assert (done.cancelled_on, done.cancel_reason, done.cancel_decision) == (
        TODAY.isoformat(),
        "The cattle were another owner's",
        "Court ruling 2-114/2026",
    )
    assert (done.paid, done.unpaid, done.state) == (5_000_00, 0, "cancelled")
    # The detail: when, why, by which decision, and who recorded it.
    trail = page.detail.cancellation.text()
    assert not page.detail.cancellation.isHidden()
    assert trail.startswith(
        f"Cancelled on {shown_date(TODAY)} by decision Court ruling 2-114/2026.\n"
        "Reason: The cattle were another owner's\nRecorded by clerk, "
    )
    assert page.detail.heading.text() == f"Fine {fine.id} — Bereke shop: Cancelled"
    assert page.detail.paid.text() == format_amount(5_000_00)
    assert model.data(model.index(model.row_of(fine.id), STATE)) == "Cancelled"
    assert not page.cancel_button.isEnabled()
    assert page.summary.text().startswith(f"Unpaid: {format_amount(0)} on 0 fines.")


def test_the_filter_keeps_what_was_just_done_in_sight(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, four: dict[str, int], dialogs
) -> None:
    page = _page(qtbot, village.context("clerk"))
    page.set_show(Show.PAID)
    assert _ids(page.model) == [four["paid"]]
    assert page.summary.text().endswith("Shown: 1 of 4.")

    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, AddFineDialog)
        dialog.person.setCurrentIndex(dialog.person.findData(village.party(SHOP)))
        dialog.rule.setPlainText("Dog off the lead")
        dialog.amount.setText("1 000")
        dialog.imposed_by.setText("The akim")
        dialog.accept()

    dialogs.fill = record
    assert page.add_fine()
    new = max(f.id for f in fines.fines(village.ledger.conn))
    assert page.selected_fine() is not None and page.selected_fine().id == new  # type: ignore[union-attr]
    assert page.show_choice.currentData() == Show.ALL.value


# --- refusals ----------------------------------------------------------------------------


def test_a_payment_on_a_cancelled_fine_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village, four: dict[str, int]
) -> None:
    cancelled = four["cancelled"]
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        _pay(village, cancelled, 1_000_00)
    assert state(conn) == before
    dialog = FinePaymentDialog(village.context("clerk"), cancelled)
    qtbot.addWidget(dialog)
    # Nothing is offered; the dialog says why.
    assert dialog.amount.text() == ""
    assert dialog.standing.text() == (
        f"Cancelled on {shown_date(TODAY)} by decision Ruling 7: nothing more is owed."
    )
    dialog.amount.setText("1 000")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert f"fine {cancelled} was cancelled on {shown_date(TODAY)}" in dialog.refusal()
    assert state(conn) == before
    assert fines.get(conn, cancelled).paid == 1_000_00


def test_a_cancellation_without_a_decision_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village, four: dict[str, int]
) -> None:
    unpaid = fines.get(village.ledger.conn, four["unpaid"])
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        fines.cancel(village.ledger, village.user("clerk"), unpaid.id, "Appeal upheld", "  ")
    dialog = CancelFineDialog(village.context("clerk"), unpaid)
    qtbot.addWidget(dialog)
    dialog.reason.setPlainText("Appeal upheld")
    dialog.decision.setText("  ")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "The reference of the decision" in dialog.refusal()
    assert state(conn) == before
    assert fines.get(conn, unpaid.id).cancelled_on is None
    # And without a reason.
    with pytest.raises(InvalidInput) as no_reason:
        fines.cancel(village.ledger, village.user("clerk"), unpaid.id, "", "Ruling 8")
    dialog.reason.setPlainText("")
    dialog.decision.setText("Ruling 8")
    dialog.accept()
    assert dialog.refusal() == str(no_reason.value)
    assert state(conn) == before


def test_a_payment_beyond_what_is_unpaid_is_refused(
    qtbot: QtBot, village: Village, four: dict[str, int]
) -> None:
    part = four["part"]
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        _pay(village, part, 12_500_01)
    dialog = FinePaymentDialog(village.context("clerk"), part)
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == typed_amount(12_500_00)
    dialog.amount.setText(typed_amount(12_500_01))
    dialog.accept()
    assert dialog.refusal() == str(refused.value)
    assert f"fine {part} has {format_amount(12_500_00)} unpaid" in dialog.refusal()
    assert state(conn) == before


# --- who sees what -----------------------------------------------------------------------

_WRITE_BUTTONS = ("add_button", "pay_button", "cancel_button")


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village, four: dict[str, int]) -> None:
    users.add_user(
        village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra Auditor"
    )
    clerk = _page(qtbot, village.context("clerk"))
    assert {n: not getattr(clerk, n).isHidden() for n in _WRITE_BUTTONS} == dict.fromkeys(
        _WRITE_BUTTONS, True
    )
    for name in ("chair", "dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert not any(not getattr(page, n).isHidden() for n in _WRITE_BUTTONS), name
        # They still read everything, the trail included.
        assert page.model.rowCount() == 4
        assert page.select_fine(four["cancelled"])
        assert "by decision Ruling 7" in page.detail.cancellation.text()


def test_a_payment_dated_far_ahead_is_saved_only_when_confirmed(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, four: dict[str, int], message_boxes
) -> None:
    from PySide6.QtWidgets import QMessageBox

    part = four["part"]
    conn = village.ledger.conn
    before = state(conn)
    dialog = FinePaymentDialog(village.context("clerk"), part)
    qtbot.addWidget(dialog)
    far = date(TODAY.year + 2, 1, 15)
    dialog.date.setDate(far)
    # Said under the date as it is typed (the core's words), asked before saving.
    warning = journal.date_warnings(far)
    assert warning is not None and warning.needs_confirmation
    assert dialog.date_note.text() == warning.message and not dialog.date_note.isHidden()
    dialog.accept()  # the question's default answer: No
    assert message_boxes.texts()[-1].startswith(warning.message)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.refusal() == ""
    assert state(conn) == before
    message_boxes.answer = QMessageBox.StandardButton.Yes
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    assert fines.get(conn, part).paid == 20_000_00  # 7 500 before, the 12 500 offered now
    assert dialog.entry_id is not None
