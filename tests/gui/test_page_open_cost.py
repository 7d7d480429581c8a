"""Opening the ledger and audit pages reads a few pages of rows, whatever the ledger's size.

A 20,000-entry ledger is imported once (from a generated CSV, as the benchmark builds its
ledgers) and copied for each test. Every query function the ledger model reads rows with is
wrapped to count the rows it returns: opening the page, jumping to its last row, changing a
filter and scrolling to the top must each read a page or two, never the year.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _helpers import vm_steps
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import audit_page, ledger_model, ledger_page
from ruralcouncil.gui.app import build_main_window_for_smoke_test
from ruralcouncil.gui.audit_page import AuditPage
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.ledger_model import AMOUNT, BALANCE, CATEGORY, NUMBER, LedgerTableModel
from ruralcouncil.gui.ledger_page import LedgerPage
from ruralcouncil.ledger import importer, queries, storage, users
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.setup import init_ledger

ADMIN, ADMIN_PASSWORD, VILLAGE = "admin", "correct-horse-1", "Aksu"  # as in conftest.py
N = 20_000
PAGE = ledger_model.PAGE_SIZE
A_FEW_PAGES = 3 * PAGE
THIS_YEAR = date.today().year


def _days() -> list[date]:
    """A quarter of the entries last year, the rest this year up to today (never ahead)."""
    last_year = [
        date(THIS_YEAR - 1, 1, 1) + timedelta(days=i * 365 // (N // 4)) for i in range(N // 4)
    ]
    span = (date.today() - date(THIS_YEAR, 1, 1)).days + 1
    rest = N - len(last_year) - 2
    this_year = [date(THIS_YEAR, 1, 1) + timedelta(days=i * span // rest) for i in range(rest)]
    return last_year + this_year


def _write_csv(path: Path) -> None:
    """Receipts, payments and transfers between the bank account and the cash box, never
    overdrawn (both start with a large opening balance)."""
    rng = random.Random(7)
    days = _days()
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("date,type,amount,category,fund,account,to_account,counterparty,description\n")
        fh.write(f"{days[0]},opening,90000000,,GENERAL,BANK,,,Brought forward\n")
        fh.write(f"{days[0]},opening,5000000,,GENERAL,CASH,,,Brought forward\n")
        for i, day in enumerate(days):
            kind, account = rng.random(), rng.choice(["BANK", "BANK", "CASH"])
            if kind < 0.5:
                fh.write(
                    f"{day},receipt,{rng.randint(100, 9000)}.{rng.randint(0, 99):02d},"
                    f"FINES,GENERAL,{account},,Payer {i % 500},Receipt {i}\n"
                )
            elif kind < 0.9:
                fh.write(
                    f"{day},payment,{rng.randint(10, 900)},ROADS,GENERAL,{account},,"
                    f"Builder {i % 50},Payment {i}\n"
                )
            else:
                other = "CASH" if account == "BANK" else "BANK"
                fh.write(
                    f"{day},transfer,{rng.randint(10, 200)},,GENERAL,{account},{other},,T {i}\n"
                )


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.ruralcouncil"
    ledger = init_ledger(path, village=VILLAGE, admin=ADMIN, password=ADMIN_PASSWORD)
    try:
        csv_path = folder / "entries.csv"
        _write_csv(csv_path)
        result = importer.import_transactions(
            ledger, users.login(ledger, ADMIN, ADMIN_PASSWORD), csv_path
        )
        assert result.rows == N
    finally:
        ledger.close()
    return path


@pytest.fixture
def big(big_template: Path, tmp_path: Path) -> Iterator[AppContext]:
    path = tmp_path / "big.ruralcouncil"
    shutil.copyfile(big_template, path)
    ledger = storage.open_ledger(path, write=True)
    try:
        yield AppContext(ledger, users.login(ledger, ADMIN, ADMIN_PASSWORD))
    finally:
        ledger.close()


class RowsRead:
    """Counts the rows the journal queries return (every way the model reads rows)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        self.calls = 0
        for name in ("after", "before", "at_offset"):
            monkeypatch.setattr(queries, name, self._counting(getattr(queries, name)))
        original_iterate = queries.iterate

        def iterate(*args: Any, **kwargs: Any) -> Any:
            for row in original_iterate(*args, **kwargs):
                self.rows += 1
                yield row

        monkeypatch.setattr(queries, "iterate", iterate)

    def _counting(self, function: Callable[..., list[EntryRow]]) -> Callable[..., list[EntryRow]]:
        def counted(*args: Any, **kwargs: Any) -> list[EntryRow]:
            found = function(*args, **kwargs)
            self.calls += 1
            self.rows += len(found)
            return found

        return counted

    def take(self) -> int:
        rows, self.rows = self.rows, 0
        return rows


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> RowsRead:
    return RowsRead(monkeypatch)


def _open_ledger_page(qtbot: QtBot, context: AppContext) -> LedgerPage:
    window = build_main_window_for_smoke_test(context.ledger, context.user)
    qtbot.addWidget(window)
    # A 1366x768 screen less its taskbar ("maximised" would be Qt's 800x800 offscreen screen).
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("ledger")
    assert isinstance(page, LedgerPage)
    qtbot.wait(1)  # painted
    assert window.width() == 1366
    return page


def _straight_balances(context: AppContext, flt: EntryFilter) -> dict[int, int]:
    """The filtered cash account's balance after each entry the filter shows, by entry
    number: every entry of the ledger added up in journal order, no paging, no SQL sums."""
    assert flt.account
    balance, shown = 0, {}
    everything = list(queries.iterate(context.ledger.conn, EntryFilter()))
    wanted = {r.id for r in queries.iterate(context.ledger.conn, flt)}
    for row in everything:
        if flt.fund is None or row.fund == flt.fund:
            balance += row.effect_on(flt.account)
        if row.id in wanted:
            shown[row.id] = balance
    return shown


def _straight_totals(context: AppContext, flt: EntryFilter) -> dict[str, int]:
    sums = {"receipt": 0, "payment": 0, "transfer": 0, "opening": 0}
    for row in queries.iterate(context.ledger.conn, flt):
        sums[row.type] += row.amount
    return sums


# --- the ledger page --------------------------------------------------------------------


def test_opening_the_ledger_page_reads_a_few_pages(
    qtbot: QtBot, big: AppContext, rows_read: RowsRead
) -> None:
    page = _open_ledger_page(qtbot, big)
    model = page.model
    shown = queries.count(big.ledger.conn, EntryFilter(year=THIS_YEAR))
    assert model.rowCount() == shown > 10 * PAGE  # the year shown is many pages long
    assert rows_read.take() <= A_FEW_PAGES
    assert model.rows_read <= A_FEW_PAGES

    # The newest entry in sight, and the columns that say what it means.
    last = model.rowCount() - 1
    assert page.table.rowAt(page.table.viewport().height() - 2) in (last, last - 1)
    for column in (AMOUNT, CATEGORY):
        assert page.column_shown(column)

    # Jumping to the first row, back to the last, and changing filters: a page or two each.
    page.table.scrollToTop()
    qtbot.wait(1)
    assert rows_read.take() <= A_FEW_PAGES
    page.table.scrollToBottom()
    page.table.selectRow(last)
    qtbot.wait(1)
    assert rows_read.take() <= A_FEW_PAGES
    for combo, data in ((page.year, None), (page.account, "CASH"), (page.type, "payment")):
        combo.setCurrentIndex(combo.findData(data))
        qtbot.wait(1)
        assert rows_read.take() <= A_FEW_PAGES, combo.currentText()
    assert page.reverse_button.isEnabled() is False  # the selection went with the filter

    # Showing another page and coming back reads nothing again.
    window = page.window()
    window.show_page("dashboard")  # type: ignore[attr-defined]
    qtbot.wait(1)
    rows_read.take()
    window.show_page("ledger")  # type: ignore[attr-defined]
    qtbot.wait(1)
    assert rows_read.take() == 0


def test_sizing_reads_no_cell_and_no_column_sizes_to_its_contents(
    qtbot: QtBot, big: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    original = LedgerTableModel.data

    def data(self: LedgerTableModel, index: Any, role: int = 0) -> Any:
        asked.append(index.row())
        return original(self, index, role)

    monkeypatch.setattr(LedgerTableModel, "data", data)
    page = _open_ledger_page(qtbot, big)
    header = page.table.horizontalHeader()
    for column in range(page.model.columnCount()):
        assert header.sectionResizeMode(column) != QHeaderView.ResizeMode.ResizeToContents
    # Only rows that are on screen (a window is a few dozen rows high) were asked for.
    assert asked and min(asked) >= page.model.rowCount() - 60


def test_the_number_column_fits_the_ledgers_last_number(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a screenshot at a million entries: "1000000" was cut to "10000…"."""
    monkeypatch.setattr(queries, "last_number", lambda conn: 1_000_000)
    page = _open_ledger_page(qtbot, context)
    header = page.table.horizontalHeader()
    width = header.sectionSize(page.model.column_of(NUMBER))
    needed = page.table.fontMetrics().horizontalAdvance("1000000") + ledger_page._CELL_PADDING
    assert width >= needed


def test_an_empty_ledger_opens_with_nothing_to_read(
    qtbot: QtBot, context: AppContext, rows_read: RowsRead
) -> None:
    page = _open_ledger_page(qtbot, context)
    assert page.model.rowCount() == 0
    assert page.model.entry(0) is None and page.model.balance_after(0) is None
    assert rows_read.calls == 0
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    assert page.totals.text().startswith("0 entries")
    assert "Receipts ₸0.00" in page.totals.text()
    assert not page.reverse_button.isEnabled()
    page.account.setCurrentIndex(page.account.findData("CASH"))
    assert page.model.rowCount() == 0 and "Balance" not in page.totals.text()


def test_a_filter_that_shows_nothing(qtbot: QtBot, big: AppContext, rows_read: RowsRead) -> None:
    page = _open_ledger_page(qtbot, big)
    page.account.setCurrentIndex(page.account.findData("CASH"))
    page.search.setText("no entry says this")
    page.apply_filter()
    qtbot.wait(1)
    assert page.model.rowCount() == 0
    assert page.model.entry(0) is None and page.model.balance_after(0) is None
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    assert page.totals.text().startswith("0 entries")
    assert not page.reverse_button.isEnabled()
    page.search.setText("")
    page.apply_filter()
    assert page.model.rowCount() > 0


@pytest.mark.parametrize(
    "flt",
    [
        EntryFilter(account="CASH"),
        EntryFilter(year=THIS_YEAR, account="BANK", fund="GENERAL"),
        # Rows missing between those shown: the balances are added up around them.
        EntryFilter(account="CASH", type="payment"),
        EntryFilter(year=THIS_YEAR, account="BANK", text="Builder 1"),
    ],
    ids=["cash", "bank-this-year", "cash-payments", "bank-search"],
)
def test_running_balance_is_right_across_page_boundaries(
    big: AppContext, flt: EntryFilter, rows_read: RowsRead
) -> None:
    expected = _straight_balances(big, flt)
    model = LedgerTableModel(big.ledger, flt)
    n = model.rowCount()
    assert n == len(expected) > 2 * PAGE
    rows_read.take()
    # Backwards from the end (as the page opens), then forwards from the start.
    checked = [n - 1, *range(n - PAGE - 3, n - PAGE + 3), 0, PAGE - 1, PAGE, PAGE + 1]
    for row in checked:
        entry = model.entry(row)
        assert entry is not None
        assert model.balance_after(row) == expected[entry.id], (row, entry.id)
        text = model.data(model.index(row, model.column_of(BALANCE)))
        assert text == format_amount(expected[entry.id])
    assert rows_read.rows <= 5 * PAGE


def test_a_sparse_filters_balance_asked_row_by_row_agrees(
    big: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the shown rows are too far apart to add up what lies between, each row's
    balance is one aggregate query: the same figures."""
    flt = EntryFilter(account="CASH", type="transfer")
    expected = _straight_balances(big, flt)
    monkeypatch.setattr(ledger_model, "SPARSE_SPAN", 0)
    model = LedgerTableModel(big.ledger, flt)
    for row in (0, 1, model.rowCount() - 1):
        entry = model.entry(row)
        assert entry is not None and model.balance_after(row) == expected[entry.id]


@pytest.mark.parametrize(
    "flt",
    [EntryFilter(), EntryFilter(year=THIS_YEAR, account="CASH"), EntryFilter(type="payment")],
    ids=["all", "cash-this-year", "payments"],
)
def test_the_totals_line_adds_up(qtbot: QtBot, big: AppContext, flt: EntryFilter) -> None:
    sums = _straight_totals(big, flt)
    assert queries.totals(big.ledger.conn, flt) == sums
    page = LedgerPage(big)
    qtbot.addWidget(page)
    for combo, data in (
        (page.year, flt.year),
        (page.account, flt.account),
        (page.type, flt.type),
    ):
        combo.setCurrentIndex(combo.findData(data))
    assert page.model.filter == flt
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    text = page.totals.text()
    assert f"{sum(1 for _ in queries.iterate(big.ledger.conn, flt))} entries" in text
    assert f"Receipts {format_amount(sums['receipt'])}" in text
    assert f"Payments {format_amount(sums['payment'])}" in text
    assert f"Transfers {format_amount(sums['transfer'])}" in text
    if flt.account:
        balances = _straight_balances(big, flt)
        last = page.model.entry(page.model.rowCount() - 1)
        assert last is not None
        assert f"Balance {format_amount(balances[last.id])}" in text


def test_totals_for_a_filter_no_longer_shown_are_stopped(qtbot: QtBot, big: AppContext) -> None:
    stopper = queries.Interrupter()
    reader = big.ledger.sibling()
    try:
        timer = threading.Timer(0.05, stopper.stop)
        timer.start()
        started = time.monotonic()
        with pytest.raises(queries.Stopped), stopper.attached(reader.conn):
            while time.monotonic() - started < 10:  # a long read, stopped from another thread
                queries.totals(reader.conn, EntryFilter(text="Receipt 1"))
        assert time.monotonic() - started < 5
        timer.join()
        with pytest.raises(queries.Stopped), stopper.attached(reader.conn):
            pass  # once stopped, nothing more is read
    finally:
        reader.close()

    # Filters changed quickly: the line ends with the last filter's sums, and no error.
    page = LedgerPage(big)
    qtbot.addWidget(page)
    for data in (None, THIS_YEAR - 1, THIS_YEAR, None):
        page.year.setCurrentIndex(page.year.findData(data))
    flt = EntryFilter()
    sums = _straight_totals(big, flt)
    qtbot.waitUntil(lambda: "Receipts" in page.totals.text())
    assert page.totals.text().startswith(f"{N} entries")
    assert f"Receipts {format_amount(sums['receipt'])}" in page.totals.text()
    qtbot.wait(50)
    assert f"Receipts {format_amount(sums['receipt'])}" in page.totals.text()


def test_a_page_from_a_late_key_costs_what_the_first_page_does(big: AppContext) -> None:
    """Keyset paging: a page's query starts its index range at its key, not at 1 January
    of the filtered year (counted in SQLite's virtual machine steps)."""
    conn = big.ledger.conn
    flt = EntryFilter(year=THIS_YEAR)
    rows = list(queries.iterate(conn, flt))
    late = rows[-PAGE - 1].key

    def steps(read: Callable[[sqlite3.Connection], object]) -> int:
        return vm_steps(conn, lambda: read(conn), every=100)

    first = steps(lambda c: queries.after(c, flt, None, PAGE))
    later = steps(lambda c: queries.after(c, flt, late, PAGE))
    earlier = steps(lambda c: queries.before(c, flt, rows[PAGE].key, PAGE))
    assert later <= 2 * first + 5 and earlier <= 2 * first + 5, (first, later, earlier)
    assert queries.after(conn, flt, late, PAGE) == rows[-PAGE:]
    assert queries.before(conn, flt, rows[PAGE].key, PAGE) == rows[:PAGE]


# --- the audit log page -----------------------------------------------------------------


def test_opening_the_audit_page_reads_one_page_and_sizes_by_font(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    with context.ledger.write(context.user) as commit:
        for i in range(3 * audit_page.PAGE_SIZE):
            commit.event("fund.add", f"event {i}")
    asked: list[int] = []
    original = audit_page.AuditModel.data

    def data(self: audit_page.AuditModel, index: Any, role: int = 0) -> Any:
        asked.append(index.row())
        return original(self, index, role)

    monkeypatch.setattr(audit_page.AuditModel, "data", data)
    window = build_main_window_for_smoke_test(context.ledger, context.user)
    qtbot.addWidget(window)
    # A 1366x768 screen less its taskbar ("maximised" would be Qt's 800x800 offscreen screen).
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("audit")
    assert isinstance(page, AuditPage)
    qtbot.wait(1)
    assert page.model.fetch_count == 1
    assert page.model.rowCount() == audit_page.PAGE_SIZE
    header = page.table.horizontalHeader()
    for column in range(page.model.columnCount()):
        assert header.sectionResizeMode(column) != QHeaderView.ResizeMode.ResizeToContents
        assert header.sectionSize(column) > 0
    assert asked and max(asked) < 60  # the rows on screen only
    # The choices the whole log holds arrive from a worker.
    with qtbot.waitSignal(page.choices_found, timeout=5000):
        page.refresh()
    assert page.event_choice.findData("fund.add") >= 0
    assert page.user_choice.findData(ADMIN) >= 0
