"""The ledger page: filters, totals, buttons by role, and the dialogs it opens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialog, QScrollArea, QWidget

from ruralcouncil import i18n
from ruralcouncil.gui import ledger_page
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.entry_dialogs import EntryDialog
from ruralcouncil.gui.ledger_model import (
    ACCOUNT,
    AMOUNT,
    BALANCE,
    CATEGORY,
    COUNTERPARTY,
    DATE,
    DESCRIPTION,
    FUND,
    LINKS,
    NUMBER,
    REFERENCE,
    TYPE,
    USER,
)
from ruralcouncil.gui.ledger_page import LedgerPage
from ruralcouncil.gui.reverse_dialog import ReverseDialog
from ruralcouncil.ledger import catalog, journal, queries
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.queries import EntryFilter

R, P, T = EntryType.RECEIPT, EntryType.PAYMENT, EntryType.TRANSFER


def entry(
    day: str, kind: EntryType, tenge: int, category: str | None = None, **kw: str
) -> NewEntry:
    return NewEntry(date.fromisoformat(day), kind, tenge * 100, category, **kw)  # type: ignore[arg-type]


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


def make_page(qtbot, context: AppContext, year: int | None = 2026) -> LedgerPage:  # type: ignore[no-untyped-def]
    """The page, on the year the tests' figures are about (it opens on the current year)."""
    page = LedgerPage(context)
    qtbot.addWidget(page)
    if year is not None and page.year.currentData() != year:
        choose(page.year, year)
    return page


def totals(qtbot, page: LedgerPage) -> str:  # type: ignore[no-untyped-def]
    """The totals line once it is added up (off the GUI thread)."""
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    return page.totals.text()


def choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_opens_on_the_current_year_with_its_totals(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    this_year = date.today().year
    # A mistyped date far ahead (confirmed) must not take the page to its year.
    later = entry(f"{this_year + 2}-06-01", R, 1, "FINES")
    journal.record(village.ledger, village.user, later, allow_future=True)
    page = make_page(qtbot, village, year=None)
    assert page.year.currentData() == this_year
    expected = queries.count(village.ledger.conn, EntryFilter(year=this_year))
    assert page.model.rowCount() == expected
    text = totals(qtbot, page)
    assert f"{expected} entries" in text
    assert page.table.model() is page.model
    choose(page.year, 2026)
    text = totals(qtbot, page)
    assert "3 entries" in text
    assert "Receipts ₸40,000.00" in text and "Payments ₸67,000.00" in text


def test_the_count_is_of_entries_never_chain_positions(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    conn = village.ledger.conn
    chain_length = conn.execute("SELECT count(*) FROM chain").fetchone()[0]
    assert chain_length > len(ENTRIES) + 5  # users, categories and a fund are chained too
    page = make_page(qtbot, village)
    choose(page.year, None)
    assert f"{len(ENTRIES)} entries" in totals(qtbot, page)
    column = page.model.column_of(NUMBER)
    shown = [page.model.data(page.model.index(r, column)) for r in range(page.model.rowCount())]
    assert sorted(int(n) for n in shown) == list(range(1, len(ENTRIES) + 1))
    journal.reverse(village.ledger, village.user, 3, "paid twice", date(2025, 3, 2))
    village.notify_changed()
    assert f"{len(ENTRIES) + 1} entries" in totals(qtbot, page)


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
    choose(page.category, "DONATION")
    assert page.model.rowCount() == 1
    choose(page.category, None)
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
    assert target is not None and target.category == "ROADS"

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


def test_the_keyboard_reaches_details_and_reverse_from_a_row(  # type: ignore[no-untyped-def]
    qtbot, village: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter shows the chosen entry, Delete reverses it, and Tab leaves the table without
    choosing another row (the trial's keyboard trap)."""
    page = make_page(qtbot, village)
    page.show()
    page.table.setFocus()
    page.table.selectRow(2)
    chosen = page.selected_entry()
    assert chosen is not None
    shown: list[str] = []
    monkeypatch.setattr(QDialog, "exec", lambda d: shown.append(d.windowTitle()) or 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert shown == [f"Entry {chosen.id}"]
    reversing: list[int] = []
    monkeypatch.setattr(ReverseDialog, "exec", lambda d: reversing.append(d.entry_id) or 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert reversing == [chosen.id]
    assert not page.table.tabKeyNavigation()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    selected = page.selected_entry()
    assert selected is not None and selected.id == chosen.id
    assert "Delete" in page.reverse_button.toolTip()


def test_delete_without_the_right_to_record_reverses_nothing(  # type: ignore[no-untyped-def]
    qtbot, village: AppContext, member_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, member_context)
    page.table.selectRow(0)
    assert page.selected_entry() is not None
    opened: list[int] = []
    monkeypatch.setattr(ReverseDialog, "exec", lambda d: opened.append(d.entry_id) or 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert opened == [] and not page.reverse_button.isEnabled()


def test_page_module_has_the_slots_the_window_calls() -> None:
    for slot in ("new_receipt", "new_payment", "new_transfer"):
        assert callable(getattr(ledger_page.LedgerPage, slot))


# --- the page at 1366x768 ----------------------------------------------------------------

LONG = "Қызылжар ауылдық округінің әкімі аппараты"  # a long name, as villages have


def scroll_area_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None, "the window shows each page in a scroll area"
    return parent


def in_sight(widget: QWidget, area: QScrollArea) -> bool:
    """The whole widget inside the scroll area's visible part."""
    top_left = widget.mapTo(area.viewport(), QPoint(0, 0))
    return (
        widget.isVisible()
        and top_left.x() >= 0
        and top_left.x() + widget.width() <= area.viewport().width()
    )


def assert_fits(page: LedgerPage) -> None:
    """What the issue saw at 1366x768, each the other way round."""
    area = scroll_area_of(page)
    assert not area.horizontalScrollBar().isVisible(), "the page is wider than the window"
    assert not page.table.horizontalScrollBar().isVisible(), "the table scrolls sideways"
    header = page.table.horizontalHeader()
    room = page.table.viewport().width()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= room
    metrics = header.fontMetrics()
    for column in (NUMBER, DATE, TYPE, CATEGORY, AMOUNT):
        view_column = page.model.column_of(column)
        assert not header.isSectionHidden(view_column), column
        left = header.sectionViewportPosition(view_column)
        assert left >= 0 and left + header.sectionSize(view_column) <= room, column
        title = page.model.headerData(view_column, Qt.Orientation.Horizontal)
        assert header.sectionSize(view_column) >= metrics.horizontalAdvance(title), title
    for widget in (page.reverse_button, page.search, page.year, page.account, page.totals):
        assert in_sight(widget, area), widget
    # The year filter shows its whole text (it was clipped).
    assert page.year.width() >= page.year.sizeHint().width()


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_the_ledger_fits_a_1366_by_768_window(qtbot, village: AppContext, lang: str) -> None:  # type: ignore[no-untyped-def]
    from ruralcouncil.gui.main_window import MainWindow

    i18n.set_language(lang)  # (the tests' English comes back afterwards)
    for big in (
        entry("2026-03-02", R, 91_234_567, "RENT-NATURAL", counterparty=LONG),
        entry("2026-03-02", P, 1_234_567, "PUBLIC-SPACES", counterparty=LONG, reference="ПП №1"),
    ):
        journal.record(village.ledger, village.user, big)
    window = MainWindow(village)
    qtbot.addWidget(window)
    # The window of a 1366x768 screen (offscreen, "maximised" would be Qt's 800x800 screen).
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("ledger")
    assert isinstance(page, LedgerPage)
    qtbot.waitUntil(lambda: page.isVisible() and page.table.viewport().width() > 600)
    choose(page.year, 2026)
    qtbot.waitUntil(lambda: "…" not in page.totals.text())
    assert_fits(page)
    # A transfer adds "Transfers ..." to the totals; it used to widen the page past the window.
    journal.record(
        village.ledger,
        village.user,
        entry("2026-03-03", T, 1_000, account="BANK", to_account="CASH", description=LONG),
    )
    village.notify_changed()
    page.table.selectRow(page.model.rowCount() - 1)
    qtbot.waitUntil(lambda: page.totals.text().count(" · ") >= 3 and "…" not in page.totals.text())
    qtbot.wait(50)
    assert_fits(page)
    assert page.reverse_button.isEnabled()
    # Narrower still (the window not maximised): the meaning of an entry stays in sight.
    window.resize(1000, 720)
    qtbot.waitUntil(lambda: window.width() == 1000)
    qtbot.wait(50)
    assert_fits(page)


def test_columns_give_way_and_the_menu_brings_them_back(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, village)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    secondary = (FUND, ACCOUNT, COUNTERPARTY, DESCRIPTION, REFERENCE, USER, LINKS)
    first = [c for c in secondary if page.column_shown(c)]
    assert LINKS not in first and USER not in first  # the least needed give way first
    assert DESCRIPTION in first
    assert not page.table.horizontalScrollBar().isVisible()
    menu = page.column_menu()
    links = next(a for a in menu.actions() if a.text() == "Reverses / reversed by")
    assert not links.isChecked()
    links.trigger()  # the user wants it: it is shown, something less wanted gives way
    assert page.column_shown(LINKS)
    assert not page.table.horizontalScrollBar().isVisible()
    for column in (NUMBER, DATE, TYPE, CATEGORY, AMOUNT):
        assert page.column_shown(column)
    page.set_column_shown(FUND, False)
    assert not page.column_shown(FUND)
    fund = next(a for a in page.column_menu().actions() if a.text() == "Fund")
    assert not fund.isChecked()
    assert [a.text() for a in page.column_menu().actions() if a.text() in ("No.", "Amount")] == []
    page.reset_columns()
    assert [c for c in secondary if page.column_shown(c)] == first


def test_a_dragged_width_is_kept(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, village)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    header = page.table.horizontalHeader()
    column = page.model.column_of(COUNTERPARTY)
    header.resizeSection(column, 260)  # as a drag of its edge does
    qtbot.wait(20)
    page.resize(1250, 600)
    qtbot.wait(20)
    assert header.sectionSize(column) == 260


def test_sizing_the_columns_reads_no_rows(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Widths come from font metrics: a big ledger is read one page at a time, as seen."""
    with context.ledger.write(context.user) as commit:
        for i in range(3000):
            day = date(2026, 1, 1) + timedelta(days=i % 300)
            receipt = entry(day.isoformat(), R, 1 + i, "FINES", description=f"fine {i}")
            journal.insert_entry(commit, context.user, receipt)
    page = make_page(qtbot, context)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.apply_filter()
    assert page.model.rowCount() == 3000
    # The last page (where the view opens) and at most its neighbour: never all 15 pages.
    assert sum(page.model.fetches.values()) <= 2


def test_the_page_counts_a_year_by_its_days(qtbot, village: AppContext) -> None:  # type: ignore[no-untyped-def]
    """The year the page opens on, and every year chosen later, are counted from the days' counts
    (``daily_entries``), never by counting the year's entries: the one wait of opening the
    page that grew with the ledger."""
    conn = village.ledger.conn
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        page = make_page(qtbot, village, year=None)
        this_year = page.model.rowCount()
        opened = list(seen)
        choose(page.year, None)  # every year
        every_year = page.model.rowCount()
    finally:
        conn.set_trace_callback(None)
    expected = conn.execute(
        "SELECT count(*) FROM transactions WHERE date LIKE ?", (f"{date.today().year}-%",)
    ).fetchone()[0]
    assert this_year == expected
    assert every_year == conn.execute("SELECT count(*) FROM transactions").fetchone()[0] > 0
    assert any("FROM daily_entries" in s for s in opened), opened
    counts = [s for s in seen if "count(" in s.lower()]
    assert not [s for s in counts if "transactions" in s], counts
    assert sum("FROM daily_entries" in s for s in seen) >= 2
