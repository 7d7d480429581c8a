"""The ledger page: filters, totals, buttons by role, and the dialogs it opens."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog

from ruralcouncil.gui import ledger_page
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.entry_dialogs import EntryDialog
from ruralcouncil.gui.ledger_model import BALANCE
from ruralcouncil.gui.ledger_page import LedgerPage
from ruralcouncil.gui.reverse_dialog import ReverseDialog
from ruralcouncil.ledger import catalog, journal, queries
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.queries import EntryFilter

R, P, T = EntryType.RECEIPT, EntryType.PAYMENT, EntryType.TRANSFER


def entry(day: str, kind: EntryType, tenge: int, code: str | None = None, **kw: str) -> NewEntry:
    return NewEntry(date.fromisoformat(day), kind, tenge * 100, code, **kw)  # type: ignore[arg-type]


ENTRIES = [
    entry("2025-01-10", R, 500_000, "SUBSIDY", counterparty="District akimat"),
    entry("2025-02-01", R, 80_000, "DONATION", fund="ROOF", counterparty="Serik B."),
    entry("2025-02-03", P, 120_000, "STAFF", description="January salaries"),
    entry("2025-02-05", T, 30_000, account="BANK", to_account="CASH", description="petty cash"),
    entry("2025-03-01", P, 5_000, "SANITATION", account="CASH", description="waste bags"),
    entry("2026-01-15", R, 40_000, "TAX-LAND", counterparty="Farmers"),
    entry("2026-02-20", P, 60_000, "BUILDINGS", fund="ROOF", description="roof gravel"),
    entry("2026-03-01", P, 7_000, "ROADS", description="gravel for Abai street"),
]


@pytest.fixture
def village(context: AppContext) -> AppContext:
    catalog.add_fund(context.ledger, context.user, "ROOF", restricted=True, name_en="School roof")
    for e in ENTRIES:
        journal.record(context.ledger, context.user, e)
    return context


def make_page(qtbot, context: AppContext) -> LedgerPage:  # type: ignore[no-untyped-def]
    page = LedgerPage(context)
    qtbot.addWidget(page)
    return page


def totals(qtbot, page: LedgerPage) -> str:  # type: ignore[no-untyped-def]
    """The totals line once it is added up (off the GUI thread)."""
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    return page.totals.text()


def choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_opens_on_the_latest_year_with_its_totals(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, village)
    assert page.year.currentData() == 2026
    assert page.model.rowCount() == 3
    text = totals(qtbot, page)
    assert "3 entries" in text
    assert "Receipts ₸40,000.00" in text and "Payments ₸67,000.00" in text
    assert page.table.model() is page.model


def test_each_filter_changes_the_rows(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, village)
    choose(page.year, None)
    assert page.model.rowCount() == 8
    choose(page.year, 2025)
    assert page.model.rowCount() == 5
    choose(page.type, "payment")
    assert page.model.rowCount() == 2
    assert "Payments ₸125,000.00" in totals(qtbot, page)
    choose(page.type, None)
    choose(page.code, "DONATION")
    assert page.model.rowCount() == 1
    choose(page.code, None)
    choose(page.fund, "ROOF")
    assert page.model.rowCount() == 1
    choose(page.year, None)
    assert page.model.rowCount() == 2
    choose(page.fund, None)
    choose(page.account, "CASH")
    assert page.model.rowCount() == 2  # the transfer in and the bags paid out
    assert page.model.column_of(BALANCE) >= 0
    assert page.model.balance_after(1) == 25_000_00
    assert "Balance ₸25,000.00" in totals(qtbot, page)
    choose(page.account, None)
    assert page.model.column_of(BALANCE) == -1
    qtbot.keyClicks(page.search, "gravel")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert {page.model.entry(i).description for i in range(2)} == {  # type: ignore[union-attr]
        "roof gravel",
        "gravel for Abai street",
    }
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 8)


def test_refreshes_when_the_ledger_changes(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, village)
    choose(page.year, None)
    journal.record(village.ledger, village.user, entry("2027-01-02", R, 10, "FINES"))
    assert page.model.rowCount() == 8
    village.notify_changed()
    assert page.model.rowCount() == 9
    assert page.year.findData(2027) >= 0
    assert page.year.currentData() is None  # the user's choice is kept
    assert "9 entries" in totals(qtbot, page)


def test_buttons_follow_the_role(qtbot, village: AppContext, member_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    admin_page = make_page(qtbot, village)
    assert admin_page.receipt_button.isEnabled() and admin_page.transfer_button.isEnabled()
    assert not admin_page.reverse_button.isEnabled()  # nothing selected
    admin_page.table.selectRow(0)
    assert admin_page.reverse_button.isEnabled()

    member_page = make_page(qtbot, member_context)
    member_page.table.selectRow(0)
    assert member_page.model.rowCount() == 3  # members read everything
    for button in (
        member_page.receipt_button,
        member_page.payment_button,
        member_page.transfer_button,
        member_page.reverse_button,
    ):
        assert not button.isEnabled()


def test_new_receipt_records_through_the_dialog_and_selects_it(  # type: ignore[no-untyped-def]
    qtbot, village: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, village)
    opened: list[EntryType] = []

    def run(dialog: EntryDialog) -> int:
        opened.append(dialog.entry_type)
        if dialog.entry_type != EntryType.RECEIPT:
            return int(QDialog.DialogCode.Rejected.value)
        dialog.date.setDate(QDate(2026, 4, 1))
        choose(dialog.category, "TOURISM")
        dialog.amount.setText("3 000")
        dialog.description.setText("guest house fee")
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(EntryDialog, "exec", run)
    page.new_receipt()
    assert opened == [EntryType.RECEIPT]
    assert page.model.rowCount() == 4
    selected = page.selected_entry()
    assert selected is not None and selected.description == "guest house fee"
    page.new_payment()
    page.new_transfer()
    assert opened == [R, P, T]
    assert page.model.rowCount() == 4  # cancelled dialogs write nothing


def test_reverse_selected_entry(  # type: ignore[no-untyped-def]
    qtbot, village: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, village)
    page.table.selectRow(2)
    target = page.selected_entry()
    assert target is not None and target.code == "ROADS"

    def run(dialog: ReverseDialog) -> int:
        assert dialog.entry_id == target.id
        dialog.reason.setText("paid twice")
        dialog.date.setDate(QDate(2026, 3, 2))
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(ReverseDialog, "exec", run)
    page.reverse_button.click()
    rows = list(queries.iterate(village.ledger.conn, EntryFilter(year=2026)))
    assert rows[-1].reverses == target.id and rows[-1].amount == -target.amount
    assert page.model.rowCount() == 4
    selected = page.selected_entry()
    assert selected is not None and selected.reverses == target.id


def test_double_click_shows_the_details(  # type: ignore[no-untyped-def]
    qtbot, village: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, village)
    shown: list[str] = []
    monkeypatch.setattr(QDialog, "exec", lambda d: shown.append(d.windowTitle()) or 0)
    first = page.model.entry(0)
    assert first is not None
    page.show_details(page.model.index(0, 3))
    assert shown == [f"Entry {first.id}"]


def test_page_module_has_the_slots_the_window_calls() -> None:
    for slot in ("new_receipt", "new_payment", "new_transfer"):
        assert callable(getattr(ledger_page.LedgerPage, slot))
