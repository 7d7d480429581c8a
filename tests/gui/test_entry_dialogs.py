"""Recording and reversing entries through the dialogs, and every refusal they show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.entry_dialogs import EntryDialog
from ruralcouncil.gui.reverse_dialog import ReverseDialog
from ruralcouncil.ledger import catalog, journal, queries, storage
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.dates import shown_time
from ruralcouncil.ledger.errors import Overdraft, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.queries import EntryFilter, EntryRow


def all_entries(context: AppContext) -> list[EntryRow]:
    return list(queries.iterate(context.ledger.conn, EntryFilter()))


def open_dialog(qtbot, context: AppContext, kind: EntryType) -> EntryDialog:  # type: ignore[no-untyped-def]
    dialog = EntryDialog(context, kind)
    qtbot.addWidget(dialog)
    return dialog


def fill(  # type: ignore[no-untyped-def]
    qtbot,
    dialog: EntryDialog,
    *,
    day: date = date(2025, 3, 2),
    category: str | None = None,
    amount: str = "",
    account: str = "BANK",
    to_account: str | None = None,
    counterparty: str = "",
    description: str = "",
    reference: str = "",
) -> None:
    dialog.date.setDate(QDate(day.year, day.month, day.day))
    if category is not None:
        dialog.category.setCurrentIndex(dialog.category.findData(category))
    dialog.account.setCurrentIndex(dialog.account.findData(account))
    if to_account is not None:
        dialog.to_account.setCurrentIndex(dialog.to_account.findData(to_account))
    for line, text in (
        (dialog.amount, amount),
        (dialog.counterparty, counterparty),
        (dialog.description, description),
        (dialog.reference, reference),
    ):
        line.clear()
        qtbot.keyClicks(line, text)


def click_ok(qtbot, dialog: EntryDialog | ReverseDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def seed_bank(context: AppContext, tiyn: int = 100_000_00) -> int:
    return journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, tiyn, "TAX-LAND", description="land tax"),
    )


def test_record_a_receipt(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    fill(
        qtbot,
        dialog,
        category="RENT-PROPERTY",
        amount="15 000,50",
        counterparty="Aidar Farm",
        description="hall rent, March",
        reference="INV-7",
    )
    assert dialog.problems == []
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(context.changed):
        click_ok(qtbot, dialog)
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    [row] = all_entries(context)
    assert row.id == dialog.entry_id
    assert (row.date, row.type, row.amount, row.category, row.fund, row.account) == (
        "2025-03-02",
        "receipt",
        15_000_50,
        "RENT-PROPERTY",
        "GENERAL",
        "BANK",
    )
    assert (row.counterparty, row.description, row.reference, row.user) == (
        "Aidar Farm",
        "hall rent, March",
        "INV-7",
        "admin",
    )


def test_record_a_payment_and_see_the_balance_hint(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    seed_bank(context)
    dialog = open_dialog(qtbot, context, EntryType.PAYMENT)
    fill(
        qtbot,
        dialog,
        category="ROADS",
        amount="40000",
        counterparty="Road brigade",
        description="gravel",
    )
    assert "₸100,000.00" in dialog.available.text()
    # The account and the fund by their names, and the day as forms write it.
    assert dialog.available.text() == (
        "Bank account, General fund: ₸100,000.00 at the end of 02/03/2025"
    )
    click_ok(qtbot, dialog)
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    payment = all_entries(context)[-1]
    assert (payment.type, payment.category, payment.amount, payment.counterparty) == (
        "payment",
        "ROADS",
        40_000_00,
        "Road brigade",
    )


def test_record_a_transfer(qtbot, clerk_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    seed_bank(clerk_context)
    dialog = open_dialog(qtbot, clerk_context, EntryType.TRANSFER)
    dialog.show()
    assert not dialog.category.isVisible() and not dialog.counterparty.isVisible()
    assert dialog.to_account.isVisible()
    fill(qtbot, dialog, amount="2 500", account="BANK", to_account="BANK", description="petty cash")
    assert any("different account" in p for p in dialog.problems)
    assert not dialog.ok_button.isEnabled()
    dialog.to_account.setCurrentIndex(dialog.to_account.findData("CASH"))
    assert dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    transfer = all_entries(clerk_context)[-1]
    assert (transfer.type, transfer.account, transfer.to_account, transfer.amount) == (
        "transfer",
        "BANK",
        "CASH",
        2_500_00,
    )
    assert transfer.user == "clerk"


def test_overdraft_is_shown_before_saving_and_nothing_is_written(
    qtbot, context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    seed_bank(context, 1_000_00)
    before = all_entries(context)
    dialog = open_dialog(qtbot, context, EntryType.PAYMENT)
    fill(qtbot, dialog, category="STAFF", amount="1500", day=date(2025, 3, 2))
    assert not dialog.ok_button.isEnabled()
    text = dialog.problem_label.text()
    assert "The cash account BANK would be at -₸500.00 at the end of 02/03/2025" in text
    assert dialog.problem_label.isVisibleTo(dialog)
    click_ok(qtbot, dialog)  # a disabled button does nothing
    dialog.save()  # and even a forced save only asks the core's checks again
    assert dialog.entry_id is None
    assert all_entries(context) == before
    # A payment dated before the money came in is refused the same way.
    fill(qtbot, dialog, category="STAFF", amount="10", day=date(2025, 2, 28))
    assert "would be at -₸10.00 at the end of 28/02/2025" in dialog.problem_label.text()


def test_core_refusal_on_save_keeps_the_dialog_and_the_input(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_bank(context)
    dialog = open_dialog(qtbot, context, EntryType.PAYMENT)
    fill(qtbot, dialog, category="WATER", amount="100", description="pump repair")

    def refuse(*_args: object, **_options: object) -> int:
        raise Overdraft("Refused: someone else spent the money first.")

    monkeypatch.setattr(journal, "record", refuse)
    click_ok(qtbot, dialog)
    assert dialog.result() != EntryDialog.DialogCode.Accepted
    assert "someone else spent the money first" in dialog.problem_label.text()
    assert dialog.amount.text() == "100" and dialog.description.text() == "pump repair"
    assert dialog.category.currentData() == "WATER"
    assert len(all_entries(context)) == 1


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1,500", "ambiguous"),
        ("1e3", "not a number of tenge"),
        ("-5", "must be positive"),
        ("", "Enter an amount"),
        ("0", "above zero"),
        ("12,345", "ambiguous"),
        ("1.505", "ambiguous"),
        ("10,555", "ambiguous"),
        ("10.5555", "more than two decimals"),
    ],
)
def test_bad_amounts_are_explained(qtbot, context: AppContext, typed: str, says: str) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    fill(qtbot, dialog, category="DONATION", amount=typed)
    assert not dialog.ok_button.isEnabled()
    assert says in dialog.problem_label.text()
    dialog.save()
    assert all_entries(context) == []


def test_receipt_offers_only_revenue_sources_and_payment_only_expenditure_programs(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext
) -> None:
    conn = context.ledger.conn
    revenue = [c.code for c in catalog.categories(conn, REVENUE)]
    programs = [c.code for c in catalog.categories(conn, EXPENDITURE)]
    receipt = open_dialog(qtbot, context, EntryType.RECEIPT)
    offered = [receipt.category.itemData(i) for i in range(receipt.category.count())]
    assert offered == revenue
    assert not set(offered) & set(programs)
    assert receipt.category.findData("STAFF") == -1
    payment = open_dialog(qtbot, context, EntryType.PAYMENT)
    offered = [payment.category.itemData(i) for i in range(payment.category.count())]
    assert offered == programs
    assert payment.category.findData("TAX-LAND") == -1
    # Nothing chosen yet: the problem is named.
    fill(qtbot, receipt, amount="100")
    assert "A receipt needs a revenue source code" in receipt.problem_label.text()


def test_clock_behind_the_ledger_asks_first(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch, message_boxes
) -> None:
    assert context.clock.warning(context.ledger.conn) is None  # read now, and kept
    # An entry saved when the clock said tomorrow: today's clock is behind the ledger, and
    # the dialog finds it out from the entries saved since the first read.
    tomorrow = datetime.now().astimezone() + timedelta(days=1)
    with monkeypatch.context() as patch:
        patch.setattr(storage, "now_text", lambda: tomorrow.isoformat(timespec="seconds"))
        journal.record(
            context.ledger, context.user, NewEntry(date(2025, 1, 1), EntryType.OPENING, 100_00)
        )
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    fill(qtbot, dialog, category="FINES", amount="700")
    click_ok(qtbot, dialog)  # the question is answered No by default
    [asked] = [t for t in message_boxes.texts() if "earlier than the last saved entry" in t]
    assert shown_time(tomorrow) in asked and asked.endswith("Save anyway?")
    assert [r.type for r in all_entries(context)] == ["opening"]
    assert dialog.result() != EntryDialog.DialogCode.Accepted
    message_boxes.answer = QMessageBox.StandardButton.Yes
    click_ok(qtbot, dialog)
    assert sorted(r.type for r in all_entries(context)) == ["opening", "receipt"]


def test_opening_balance_dialog(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.OPENING)
    fill(qtbot, dialog, amount="250 000", account="CASH", day=date(2025, 1, 1))
    click_ok(qtbot, dialog)
    [row] = all_entries(context)
    assert (row.type, row.account, row.amount) == ("opening", "CASH", 250_000_00)


def test_reverse_one_entry(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    first = seed_bank(context)
    dialog = ReverseDialog(context, first)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()  # the reason is required
    qtbot.keyClicks(dialog.reason, "typed the wrong amount")
    dialog.date.setDate(QDate(2025, 3, 5))
    with qtbot.waitSignal(context.changed):
        click_ok(qtbot, dialog)
    assert dialog.result() == ReverseDialog.DialogCode.Accepted
    original, reversal = all_entries(context)
    assert reversal.id == dialog.reversal_id
    assert (reversal.reverses, reversal.amount, reversal.date, reversal.reason) == (
        first,
        -original.amount,
        "2025-03-05",
        "typed the wrong amount",
    )
    assert original.reversed_by == reversal.id


def test_reverse_refusals_show_the_core_message(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    first = seed_bank(context)
    second = journal.reverse(context.ledger, context.user, first, "duplicate", date(2025, 3, 2))
    for entry_id, says in (
        (first, f"was already reversed by entry {second}"),
        (second, "is itself a reversal"),
        (9999, "There is no entry number 9999"),
    ):
        dialog = ReverseDialog(context, entry_id)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.reason, "again")
        click_ok(qtbot, dialog)
        assert says in dialog.problem_label.text()
        assert dialog.reversal_id is None
    assert len(all_entries(context)) == 2


def test_reversal_dated_before_its_entry_is_refused(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    first = seed_bank(context)
    dialog = ReverseDialog(context, first)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reason, "wrong")
    dialog.date.setDate(QDate(2025, 2, 1))
    click_ok(qtbot, dialog)
    assert "cannot be dated before" in dialog.problem_label.text()
    assert len(all_entries(context)) == 1


def test_a_reversal_starts_on_a_date_it_may_have(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Today for an entry of the past; the entry's own date for one dated later than today."""
    past = seed_bank(context)
    later = date.today() + timedelta(days=18)
    ahead = journal.record(
        context.ledger,
        context.user,
        NewEntry(later, EntryType.RECEIPT, 500_00, "TAX-LAND", description="ahead"),
        allow_future=True,
    )
    for entry_id, expected in ((past, date.today()), (ahead, later)):
        dialog = ReverseDialog(context, entry_id)
        qtbot.addWidget(dialog)
        assert dialog.date.day() == expected
        qtbot.keyClicks(dialog.reason, "wrong")
        assert dialog.ok_button.isEnabled() and dialog.problem_label.isHidden()


def test_member_cannot_record_even_past_the_window(qtbot, member_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    entry = NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 100, "TAX-LAND")
    with pytest.raises(PermissionDenied):
        journal.record(member_context.ledger, member_context.user, entry)
    dialog = open_dialog(qtbot, member_context, EntryType.RECEIPT)
    fill(qtbot, dialog, category="TAX-LAND", amount="1")
    click_ok(qtbot, dialog)
    assert "may not record" in dialog.problem_label.text()
    assert all_entries(member_context) == []


# --- typing a date -------------------------------------------------------------------------


def type_date(qtbot, field: DateField, how: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the real date field as a clerk does: over a selection, or from the start."""
    field.setFocus()
    if how == "select all":
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    elif how == "home":
        qtbot.keyClick(field, Qt.Key.Key_Home)
    elif how == "click":  # a click into the day leaves the cursor there, nothing selected
        field.deselect()
        field.setCursorPosition(0)
    qtbot.keyClicks(field, text)


@pytest.mark.parametrize("how", ["select all", "home", "click"])
@pytest.mark.parametrize("text", ["15.03.2025", "15032025", "15/03/2025"])
def test_a_typed_date_is_the_date_saved(qtbot, context: AppContext, how: str, text: str) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    dialog.date.setDate(date(2024, 11, 28))  # nothing of this may survive the typing
    type_date(qtbot, dialog.date, how, text)
    assert dialog.date.day() == date(2025, 3, 15)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)  # done typing: shown the usual way
    assert dialog.date.text() == "15/03/2025"
    assert all_entries(context) == []  # Enter asked to save, but the form is not complete
    dialog.category.setCurrentIndex(dialog.category.findData("FINES"))
    qtbot.keyClicks(dialog.amount, "700")
    click_ok(qtbot, dialog)
    [row] = all_entries(context)
    assert row.date == "2025-03-15"


def test_the_dialog_opens_with_the_date_selected_for_typing(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.PAYMENT)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.date.hasFocus() and dialog.date.selectedText() != "")
    assert dialog.date.selectedText() == dialog.date.text()
    qtbot.keyClicks(dialog.date, "01022025")
    assert dialog.date.day() == date(2025, 2, 1)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("15.03", "must be written as day, month and year, for example 15/03/2026"),
        ("31.02.2025", "does not exist"),
        ("15.03.25", "in full"),
        ("", "Enter a date"),
    ],
)
def test_a_date_that_is_not_one_is_refused_not_guessed(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, typed: str, says: str
) -> None:
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    fill(qtbot, dialog, category="FINES", amount="700")
    assert dialog.ok_button.isEnabled()
    type_date(qtbot, dialog.date, "select all", typed or "1")
    if not typed:
        qtbot.keyClick(dialog.date, Qt.Key.Key_Backspace)
    assert says in dialog.problem_label.text()
    assert not dialog.ok_button.isEnabled()
    dialog.save()  # even forced, nothing is saved
    assert all_entries(context) == []


# Offscreen, Qt cannot raise a popup or give it the keyboard; nothing is wrong.
@pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints\(\)",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)
def test_up_and_down_move_a_day_and_the_calendar_picks_one(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    dialog.date.setDate(date(2025, 2, 28))
    qtbot.keyClick(dialog.date, Qt.Key.Key_Up)
    assert dialog.date.day() == date(2025, 3, 1)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Down)
    assert dialog.date.day() == date(2025, 2, 27)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = dialog.date.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2025, 2, 27)
    calendar.setSelectedDate(QDate(2025, 2, 14))
    calendar.activated.emit(calendar.selectedDate())  # Enter on a day
    assert not calendar.isVisible()
    assert dialog.date.day() == date(2025, 2, 14)
    assert dialog.date.text() == "14/02/2025"


# --- dates after today ---------------------------------------------------------------------


def test_a_later_date_is_pointed_out_and_saved_as_typed(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, message_boxes
) -> None:
    soon = date.today() + timedelta(days=20)
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    fill(qtbot, dialog, day=date.today(), category="FINES", amount="700")
    assert not dialog.date_note.isVisible()
    type_date(qtbot, dialog.date, "select all", soon.strftime("%d.%m.%Y"))
    assert dialog.date_note.isVisible()
    assert f"The date {soon:%d/%m/%Y} is after today" in dialog.date_note.text()
    assert dialog.ok_button.isEnabled()  # a warning, not a refusal
    click_ok(qtbot, dialog)
    assert message_boxes.texts() == []  # nothing to confirm within a year
    [row] = all_entries(context)
    assert row.date == soon.isoformat()


def test_a_date_more_than_a_year_ahead_is_saved_only_when_confirmed(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, message_boxes
) -> None:
    far = date.today() + timedelta(days=400)
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    fill(qtbot, dialog, category="FINES", amount="700")
    type_date(qtbot, dialog.date, "select all", far.strftime("%d%m%Y"))
    assert "more than a year after today" in dialog.date_note.text()
    click_ok(qtbot, dialog)  # the question is answered No by default
    [asked] = message_boxes.texts()
    assert "more than a year after today" in asked and "Save it with this date?" in asked
    assert all_entries(context) == []
    assert dialog.result() != EntryDialog.DialogCode.Accepted
    message_boxes.answer = QMessageBox.StandardButton.Yes
    click_ok(qtbot, dialog)
    [row] = all_entries(context)
    assert row.date == far.isoformat()


def test_the_dialog_asks_the_journals_one_check(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the dialog shows is journal.check_entries' list, the one record() refuses with."""
    asked: list[NewEntry] = []

    def check(conn: object, entries: list[NewEntry], **options: object) -> object:
        asked.extend(entries)
        return [journal.Problem(0, "the council has not met yet")]

    monkeypatch.setattr(journal, "check_entries", check)
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    fill(qtbot, dialog, category="FINES", amount="700", description="fine")
    assert dialog.problems == ["the council has not met yet"]
    assert not dialog.ok_button.isEnabled()
    assert asked[-1] == NewEntry(
        date(2025, 3, 2), EntryType.RECEIPT, 700_00, "FINES", description="fine"
    )


def test_lists_show_names_with_the_code_in_the_tooltip(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.category.setCurrentIndex(dialog.category.findData("TAX-LAND"))
    tip = Qt.ItemDataRole.ToolTipRole
    for combo, name, code in (
        (dialog.category, "Land tax", "TAX-LAND"),
        (dialog.fund, "General fund", "GENERAL"),
        (dialog.account, "Bank account", "BANK"),
    ):
        assert combo.currentText() == name
        assert combo.itemData(combo.currentIndex(), tip) == code
    # No item of any list is a bare code.
    for combo in (dialog.category, dialog.fund, dialog.account, dialog.to_account):
        texts = [combo.itemText(i) for i in range(combo.count())]
        codes = [combo.itemData(i) for i in range(combo.count())]
        assert texts and not set(texts) & set(codes)


# --- closing without saving ----------------------------------------------------------------


def test_escape_on_an_empty_form_closes_it_without_asking(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, message_boxes
) -> None:
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert message_boxes.shown == []
    assert not dialog.isVisible() and dialog.result() == EntryDialog.DialogCode.Rejected


@pytest.mark.parametrize("how", ["escape", "cancel", "close"])
def test_a_filled_form_is_not_dropped_by_one_key(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, message_boxes, how: str
) -> None:
    dialog = open_dialog(qtbot, context, EntryType.RECEIPT)
    dialog.show()
    fill(qtbot, dialog, category="TAX-LAND", amount="15 000", description="land tax")

    def attempt() -> None:
        if how == "escape":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        elif how == "cancel":
            dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
        else:
            dialog.close()

    attempt()  # the question's default answer is No: the form stays, with what was typed
    assert len(message_boxes.shown) == 1 and "not been saved" in message_boxes.shown[0].text
    assert dialog.isVisible() and dialog.amount.text() == "15 000"
    message_boxes.answer = QMessageBox.StandardButton.Yes
    attempt()
    assert not dialog.isVisible()
    assert all_entries(context) == []


# --- reversing, with a typed date ----------------------------------------------------------


def test_reverse_dialog_shows_names_and_local_time(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    first = seed_bank(context)
    dialog = ReverseDialog(context, first)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Land tax — TAX-LAND" in texts
    assert "General fund — GENERAL" in texts
    row = all_entries(context)[0]
    assert f"admin, {shown_time(row.recorded_at)}" in texts
    assert not any(row.recorded_at in text for text in texts)  # never the raw stored time


def test_reverse_with_a_typed_date_and_a_far_one_confirmed(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, message_boxes
) -> None:
    first = seed_bank(context)
    dialog = ReverseDialog(context, first)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.reason, "typed twice")
    type_date(qtbot, dialog.date, "select all", "31.02.2025")
    assert "does not exist" in dialog.problem_label.text()
    assert not dialog.ok_button.isEnabled()
    far = date.today() + timedelta(days=800)
    type_date(qtbot, dialog.date, "home", far.strftime("%d%m%Y"))
    assert dialog.ok_button.isEnabled()
    assert "more than a year after today" in dialog.date_note.text()
    click_ok(qtbot, dialog)
    assert len(message_boxes.texts()) == 1 and len(all_entries(context)) == 1  # said No
    message_boxes.answer = QMessageBox.StandardButton.Yes
    click_ok(qtbot, dialog)
    reversal = all_entries(context)[-1]
    assert (reversal.reverses, reversal.date) == (first, far.isoformat())
