"""The district page (issue 13): a district store chosen, its villages and attention list as
``district_summary`` and ``attention_list`` give them, one village's boxes; the store read in
a worker (a newer request wins, the page kept until it is ready); a store that cannot be read
refused with its own words and nothing changed; Refresh, the staleness limit, the village
filter and the keyboard; DuckDB never loaded without a store."""

from __future__ import annotations

import dataclasses
import json
import textwrap
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _helpers import fresh_python
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from ruralcouncil.district.attention import Concern
from ruralcouncil.gui import district_page, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.district_models import (
    AMOUNT,
    ANCHOR,
    BOX7,
    CONCERN,
    DATE,
    DETAIL,
    ENTRY,
    ITEM,
    PAYMENTS,
    RECEIPTS,
    SUM,
    VILLAGE,
    WHERE,
    AttentionFilter,
    AttentionModel,
    VillageFiguresModel,
    VillagesModel,
)
from ruralcouncil.gui.district_page import (
    DEFAULT_STALE_DAYS,
    LAST_STORE,
    STALE_DAYS,
    DistrictPage,
    Reading,
    remembered_days,
)
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.ledger import settings, users
from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.money import format_amount

pytest.importorskip("duckdb")

ADMIN, ADMIN_PASSWORD = "admin", "correct-horse-1"  # as in conftest.py
MessageRecorder = Any  # conftest.MessageRecorder: .shown (icon, title, text)
YEAR = date.today().year - 1  # the page's first year
# Three demo villages made at different dates (so their years differ), renamed so that the
# Kazakh alphabetical order is not the order they were loaded in.
NAMES = ("Ақсу", "Бірлік", "Жаңаарқа")
MADE = (date(2026, 6, 1), date(2025, 9, 1), date(2024, 11, 1))
# A year in which a demo village has concerns (variances not explained, a return not final),
# whatever today's date.
CONCERNS_YEAR = 2024
WAIT_MS = 60_000  # how long a reading may take on a slow PC before the test gives up


@pytest.fixture(scope="module")
def village_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The three demo villages (made in the order of ``MADE``, named in reverse) and a file
    that is no ledger."""
    folder = tmp_path_factory.mktemp("villages")
    paths = []
    for n, (name, today) in enumerate(zip(reversed(NAMES), MADE, strict=True)):
        path = folder / f"demo-{n}.ruralcouncil"
        ledger = create_demo(path, today=min(today, date.today()))
        try:
            admin = users.login(ledger, "admin", DEMO_PASSWORD)
            settings.change(ledger, admin, settings.VILLAGE_NAME, name)
        finally:
            ledger.close()
        paths.append(path)
    # A file that is no ledger: refused, so listed in every year's attention list.
    foreign = folder / "foreign.ruralcouncil"
    foreign.write_text("not a ledger " * 40, encoding="utf-8")
    return [*paths, foreign]


def _consolidated(store: Path, files: list[Path]) -> list[bool]:
    from ruralcouncil.district.consolidate import consolidate
    from ruralcouncil.district.store import open_store

    with open_store(store, write=True) as made:
        return [o.merged for o in consolidate(made, files)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, village_files: list[Path]) -> Path:
    path = tmp_path_factory.mktemp("district") / "district.duckdb"
    assert _consolidated(path, village_files) == [True, True, True, False]
    return path


def _expected(store: Path, year: int = YEAR, **attention: Any) -> tuple[Any, list[Any], int]:
    """What the district's functions say: the summary, the attention list, the state."""
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.figures import current_state, district_summary
    from ruralcouncil.district.store import open_store

    with open_store(store, write=False) as s:
        return (
            district_summary(s, year),
            list(attention_list(s, year, **attention)),
            current_state(s),
        )


def _column(
    model: VillagesModel | AttentionModel | AttentionFilter | VillageFiguresModel, column: int
) -> list[str]:
    return [str(model.index(row, column).data() or "") for row in range(model.rowCount())]


def _tooltip(model: Any, row: int, column: int) -> Any:
    return model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)


# --- the models, without a view ---------------------------------------------------------


def test_the_models_show_what_the_district_functions_give(qtmodeltester, store: Path) -> None:  # type: ignore[no-untyped-def]
    summary, attention, _state = _expected(store, CONCERNS_YEAR)
    villages = VillagesModel()
    villages.set_summary(summary)
    qtmodeltester.check(villages)
    assert _column(villages, VILLAGE) == list(NAMES)  # Kazakh order
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, v in enumerate(summary.villages):
        b = v.boxes
        assert villages.text(row, RECEIPTS) == format_amount(b[2] + b[3])
        assert villages.text(row, PAYMENTS) == format_amount(b[4] + b[5] + b[6])
        assert villages.text(row, BOX7) == format_amount(b[7])
        assert villages.text(row, ANCHOR) == f"{v.entries}:{v.head[:8]}…"
        assert _tooltip(villages, row, ANCHOR) == v.anchor  # the whole anchor
        assert _tooltip(villages, row, VILLAGE) == v.village
        for column in (RECEIPTS, PAYMENTS, BOX7):
            alignment = villages.index(row, column).data(Qt.ItemDataRole.TextAlignmentRole)
            assert alignment == right
    villages.set_summary(None)
    assert villages.rowCount() == 0

    items = AttentionModel()
    items.set_items(attention)
    qtmodeltester.check(items)
    assert items.rowCount() == len(attention) > 2
    assert _column(items, DETAIL) == [a.detail for a in attention]
    assert _column(items, WHERE) == [a.village or "(a file of no known village)" for a in attention]
    assert {a.concern for a in attention} >= {
        Concern.REFUSED,
        Concern.UNEXPLAINED_VARIANCE,
        Concern.RETURN_NOT_FINAL,
    }
    for row, a in enumerate(attention):
        assert items.text(row, ENTRY) == ("" if a.entry is None else str(a.entry))
        assert items.text(row, AMOUNT) == ("" if a.amount is None else format_amount(a.amount))
        assert items.text(row, CONCERN) and (items.text(row, DATE) != "") == bool(a.date)
        # The detail's tooltip: the whole detail in lines of a readable width, and the file.
        tip = _tooltip(items, row, DETAIL)
        said = [a.detail] + ([a.path] if a.path and a.path not in a.detail else [])
        assert tip.replace("\n", " ") == " ".join(" ".join(said).split())
        assert all(len(line) <= 72 or " " not in line for line in tip.splitlines())
    refused = next(n for n, a in enumerate(attention) if a.concern is Concern.REFUSED)
    assert "foreign.ruralcouncil" in _tooltip(items, refused, DETAIL)
    assert "foreign.ruralcouncil" in _tooltip(items, refused, WHERE)  # no village: its file

    figures = VillageFiguresModel()
    village = summary.villages[0]
    figures.set_village(village)
    qtmodeltester.check(figures)
    labels = _column(figures, ITEM)
    assert labels[0] == "Annual return boxes"
    for box in range(1, 11):
        assert labels[box].startswith(f"{box}. ")
        assert figures.text(box, SUM) == format_amount(village.boxes[box])
    sums = dict(zip(labels, _column(figures, SUM), strict=True))
    assert "Receipts by source" in labels and "Payments by program" in labels
    for code, amount in {**village.receipts, **village.payments}.items():
        assert [sums[k] for k in sums if k == code or k.endswith(f"({code})")] == [
            format_amount(amount)
        ]


def test_the_attention_filter_keeps_one_ledgers_rows(qtmodeltester, store: Path) -> None:  # type: ignore[no-untyped-def]
    summary, attention, _state = _expected(store, CONCERNS_YEAR)
    items = AttentionModel()
    items.set_items(attention)
    only = AttentionFilter()
    only.setSourceModel(items)
    qtmodeltester.check(only)
    assert only.rowCount() == len(attention)  # not filtering: everything

    for village in summary.villages:
        only.show_only(True, village.ledger)
        qtmodeltester.check(only)
        mine = [a for a in attention if a.ledger == village.ledger]
        assert [only.item(row) for row in range(only.rowCount())] == mine
        assert _column(only, DETAIL) == [a.detail for a in mine]
    assert any(only.rowCount() for _v in summary.villages)
    # A file of no known village belongs to none of them; unchecked, it is back.
    assert only.item(only.rowCount()) is None
    only.show_only(False, summary.villages[0].ledger)
    assert only.rowCount() == len(attention)
    assert any(only.item(r).ledger is None for r in range(only.rowCount()))  # type: ignore[union-attr]
    only.show_only(True, None)
    assert only.rowCount() == 0


# --- the page ---------------------------------------------------------------------------


def _page(qtbot: QtBot, context: AppContext) -> DistrictPage:
    page = DistrictPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    return page


def _wait_read(qtbot: QtBot, page: DistrictPage, start: Callable[[], object]) -> Reading | None:
    """Start a reading and wait for the page's ``read``: the Reading shown, or None."""
    with qtbot.waitSignal(page.read, timeout=WAIT_MS) as blocker:
        start()
    assert blocker.args is not None
    found = blocker.args[0]
    assert found is None or isinstance(found, Reading)
    return found


def _shown(page: DistrictPage) -> tuple[object, ...]:
    """Everything a reading changes on the page."""
    return (
        list(page.villages.rows),
        list(page.attention.rows),
        page.store_label.text(),
        page.totals.text(),
        page.shown_village,
        page.year_box.year(),
        page.days_box.value(),
        page.reading,
    )


class Gate:
    """``read_store`` in the worker, held until the test lets it go: records each call's
    year and thread; ``refuse`` years are refused as a store gone bad would be."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.real = district_page.read_store
        self.held: dict[int, threading.Event] = {}
        self.refuse: set[int] = set()
        self.calls: list[tuple[Path, int]] = []
        self.threads: list[threading.Thread] = []
        self.entered = threading.Event()
        monkeypatch.setattr(district_page, "read_store", self)

    def hold(self, year: int) -> threading.Event:
        self.held[year] = threading.Event()
        return self.held[year]

    def __call__(self, path: Path, year: int, *args: Any) -> Reading:
        self.calls.append((path, year))
        self.threads.append(threading.current_thread())
        held = self.held.get(year)
        if held is not None:
            self.entered.set()
            assert held.wait(WAIT_MS / 1000)
        if year in self.refuse:
            raise LedgerUnavailable(f"{path} cannot be used as a district store: gone bad.")
        return self.real(path, year, *args)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate(monkeypatch)
    yield held
    for event in held.held.values():  # a failing test must not leave a worker waiting
        event.set()


def _plain(value: object) -> bool:
    """Whether ``value`` is made of plain Python data (no DuckDB object inside)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    module = type(value).__module__
    return module in ("builtins", "datetime", "ruralcouncil.district.attention") or (
        module.startswith("pathlib")
    )


def test_choosing_a_store_fills_the_tables_and_a_village_shows_its_boxes(
    qtbot: QtBot, context: AppContext, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    summary, attention, state = _expected(store)
    page = _page(qtbot, context)
    assert page.year_box.year() == YEAR and page.days_box.value() == DEFAULT_STALE_DAYS
    assert page.villages.rowCount() == 0 and page.attention.rowCount() == 0
    assert not page.refresh_button.isEnabled()  # nothing to read again yet

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(store), ""))
    reading = _wait_read(qtbot, page, page.choose_store)
    assert reading is page.reading and reading is not None
    assert page.villages.rows == summary.villages
    assert page.attention.rows == attention
    assert reading.state == state > 0 and reading.stale_days == DEFAULT_STALE_DAYS
    assert _plain(reading)  # nothing of DuckDB came back from the worker
    # The store's file name, its state and when it was read; the full path in the tooltip.
    label = page.store_label.text()
    assert label.startswith("district.duckdb: ") and f"state {state}," in label
    assert str(store) in page.store_label.toolTip()
    assert not page.busy.isVisible() and page.refresh_button.isEnabled()
    boxes = summary.boxes
    assert format_amount(boxes[2] + boxes[3]) in page.totals.text()
    assert format_amount(boxes[7]) in page.totals.text()
    assert folder_settings().value(LAST_STORE) == str(store)

    # The first village is shown at once; choosing another shows its boxes.
    assert page.shown_village == summary.villages[0]
    page.villages_table.selectRow(2)
    third = summary.villages[2]
    assert page.shown_village == third
    assert third.village in page.figures_title.text()
    assert [page.figures.text(b, SUM) for b in range(1, 11)] == [
        format_amount(third.boxes[b]) for b in range(1, 11)
    ]

    # Another year: read again, the same village still chosen.
    earlier, earlier_attention, _state = _expected(store, CONCERNS_YEAR)
    reading = _wait_read(qtbot, page, lambda: page.year_box.choose(CONCERNS_YEAR))
    assert reading is not None and page.reading is reading
    assert reading.summary.year == CONCERNS_YEAR
    assert page.villages.rows == earlier.villages
    assert page.attention.rows == earlier_attention
    assert page.shown_village is not None and page.shown_village.ledger == third.ledger

    # The page opens the remembered store by itself the next time.
    again = DistrictPage(context)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.reading is not None, timeout=WAIT_MS)
    assert again.villages.rowCount() == len(NAMES)


def test_the_store_is_read_in_a_worker_and_the_page_kept_meanwhile(
    qtbot: QtBot, context: AppContext, store: Path, gate: Gate
) -> None:
    page = _page(qtbot, context)
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    assert gate.threads and all(t is not threading.main_thread() for t in gate.threads)
    before = _shown(page)

    release = gate.hold(CONCERNS_YEAR)
    emitted: list[object] = []
    page.read.connect(emitted.append)
    page.year_box.choose(CONCERNS_YEAR)
    assert gate.entered.wait(WAIT_MS / 1000)  # the worker is inside the reading
    # Busy, Refresh (and F5) would only repeat it; the page still shows the last reading.
    assert page.is_reading() and page.busy.isVisible()
    assert not page.refresh_button.isEnabled()
    page.refresh()
    assert len(gate.calls) == 2
    assert _shown(page)[:5] == before[:5] and page.reading is before[-1]
    assert emitted == []

    release.set()
    qtbot.waitUntil(lambda: bool(emitted), timeout=WAIT_MS)
    assert page.reading is not None and page.reading.summary.year == CONCERNS_YEAR
    assert not page.busy.isVisible() and page.refresh_button.isEnabled()


def test_a_newer_request_wins_over_a_reading_under_way(
    qtbot: QtBot,
    context: AppContext,
    store: Path,
    tmp_path: Path,
    gate: Gate,
    message_boxes: MessageRecorder,
) -> None:
    page = _page(qtbot, context)
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    emitted: list[object] = []
    page.read.connect(emitted.append)

    # Another year asked while the first is read: the first one's result is dropped.
    release = gate.hold(CONCERNS_YEAR)
    page.year_box.choose(CONCERNS_YEAR)
    assert gate.entered.wait(WAIT_MS / 1000)
    page.year_box.choose(YEAR - 2)
    release.set()
    qtbot.waitUntil(lambda: bool(emitted), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not worker.running(), timeout=WAIT_MS)
    assert [year for _path, year in gate.calls[1:]] == [CONCERNS_YEAR, YEAR - 2]
    assert len(emitted) == 1 and emitted[0] is page.reading
    summary, attention, _state = _expected(store, YEAR - 2)
    assert page.reading.summary == summary and page.attention.rows == attention  # type: ignore[union-attr]
    assert page.year_box.year() == YEAR - 2

    # A refusal overtaken by a newer request says nothing: the newer one is shown.
    emitted.clear()
    gate.entered.clear()
    release = gate.hold(CONCERNS_YEAR)
    gate.refuse.add(CONCERNS_YEAR)
    page.year_box.choose(CONCERNS_YEAR)
    assert gate.entered.wait(WAIT_MS / 1000)
    page.year_box.choose(YEAR)
    release.set()
    qtbot.waitUntil(lambda: bool(emitted), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not worker.running(), timeout=WAIT_MS)
    assert message_boxes.shown == []
    assert len(emitted) == 1 and page.reading is not None and page.reading.summary.year == YEAR

    # Another store chosen while one is read: the later choice is the one shown.
    other = tmp_path / "other.duckdb"
    assert _consolidated(other, []) == []  # an empty store: no villages
    emitted.clear()
    gate.entered.clear()
    gate.refuse.clear()
    release = gate.hold(YEAR)
    page.open_store_at(store)
    assert gate.entered.wait(WAIT_MS / 1000)
    gate.held.pop(YEAR)
    page.open_store_at(other)
    release.set()
    qtbot.waitUntil(lambda: bool(emitted), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not worker.running(), timeout=WAIT_MS)
    assert len(emitted) == 1 and page.reading is not None and page.reading.path == other
    assert page.villages.rowCount() == 0 and page.shown_village is None
    empty_state = _expected(other)[2]
    assert page.store_label.text().startswith(f"other.duckdb: state {empty_state},")
    assert folder_settings().value(LAST_STORE) == str(other)


def _bad_files(tmp_path: Path, store: Path) -> list[tuple[Path, str]]:
    import duckdb

    text = tmp_path / "notes.duckdb"
    text.write_text("not a store at all, just words " * 4, encoding="utf-8")
    newer = tmp_path / "newer.duckdb"
    newer.write_bytes(store.read_bytes())
    with duckdb.connect(str(newer)) as db:
        db.execute("UPDATE store_version SET version = 99")
    return [
        (text, "it is not a district store (a DuckDB file)."),
        (newer, "made by a newer version of RuralCouncil (store version 99)"),
        (tmp_path / "gone.duckdb", "There is no district store at"),
    ]


def test_a_store_that_cannot_be_read_shows_its_message_and_changes_nothing(
    qtbot: QtBot,
    context: AppContext,
    store: Path,
    tmp_path: Path,
    message_boxes: MessageRecorder,
) -> None:
    page = _page(qtbot, context)
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    page.villages_table.selectRow(1)
    shown = _shown(page)
    for path, words in _bad_files(tmp_path, store):
        message_boxes.shown.clear()
        assert _wait_read(qtbot, page, lambda path=path: page.open_store_at(path)) is None
        assert len(message_boxes.shown) == 1
        assert message_boxes.shown[0].icon == QMessageBox.Icon.Critical
        assert words in message_boxes.shown[0].text, message_boxes.shown[0].text
        assert _shown(page) == shown
        assert folder_settings().value(LAST_STORE) == str(store)
        assert not page.note.isVisible() and not page.busy.isVisible()

    # Refresh reads the same store: still the same figures, the village still chosen.
    assert _wait_read(qtbot, page, page.refresh) is not None
    assert _shown(page)[:2] == shown[:2] and page.shown_village == shown[4]

    # The store gone bad since it was read: another year, or another limit, is refused and
    # the year and limit shown stay.
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store.read_bytes())
    assert _wait_read(qtbot, page, lambda: page.open_store_at(copy)) is not None
    shown = _shown(page)
    copy.write_text("overwritten " * 40, encoding="utf-8")
    for change in (lambda: page.year_box.choose(CONCERNS_YEAR), lambda: page.days_box.setValue(9)):
        message_boxes.shown.clear()
        assert _wait_read(qtbot, page, change) is None
        assert len(message_boxes.shown) == 1 and "not a district store" in message_boxes.texts()[0]
        assert _shown(page) == shown
        assert page.year_box.year() == YEAR and page.days_box.value() == DEFAULT_STALE_DAYS
    assert remembered_days() == DEFAULT_STALE_DAYS
    # Refresh too, and Refresh is offered again after it.
    message_boxes.shown.clear()
    assert _wait_read(qtbot, page, page.refresh) is None
    assert len(message_boxes.shown) == 1 and _shown(page) == shown
    assert page.refresh_button.isEnabled()


def test_the_remembered_store_gone_bad_is_said_on_the_page(
    qtbot: QtBot, context: AppContext, tmp_path: Path, message_boxes: MessageRecorder
) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a store " * 20, encoding="utf-8")
    folder_settings().setValue(LAST_STORE, str(bad))
    page = DistrictPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.read, timeout=WAIT_MS) as blocker:
        page.show()
    assert blocker.args == [None]
    assert message_boxes.shown == []  # opened unasked: no box
    assert "not a district store" in page.store_label.text()
    assert page.reading is None and page.villages.rowCount() == 0


def test_refresh_picks_up_a_village_consolidated_since(
    qtbot: QtBot, context: AppContext, village_files: list[Path], tmp_path: Path
) -> None:
    store = tmp_path / "growing.duckdb"
    assert _consolidated(store, village_files[:1]) == [True]
    page = _page(qtbot, context)
    first = _wait_read(qtbot, page, lambda: page.open_store_at(store))
    assert first is not None and [v.village for v in first.summary.villages] == [NAMES[2]]
    assert f"state {first.state}," in page.store_label.text() and first.state > 0
    chosen = page.shown_village

    # Another PC consolidates two more villages (and a file that is no ledger) into it.
    assert _consolidated(store, village_files[1:]) == [True, True, False]
    summary, attention, state = _expected(store)
    again = _wait_read(qtbot, page, page.refresh)
    assert again is not None and again.state == state > first.state
    assert f"state {state}," in page.store_label.text()
    assert page.villages.rows == summary.villages and len(summary.villages) == len(NAMES)
    assert page.attention.rows == attention
    assert any(a.concern is Concern.REFUSED for a in attention)
    assert page.shown_village is not None and chosen is not None
    assert page.shown_village.ledger == chosen.ledger  # the village chosen stays chosen
    assert page.villages_table.selectionModel().selectedRows()[0].row() == 2

    # F5 does the same while the page is on screen.
    with qtbot.waitSignal(page.read, timeout=WAIT_MS):
        qtbot.keyClick(page.villages_table, Qt.Key.Key_F5)


def _stale(page: DistrictPage) -> list[str]:
    return sorted(a.village for a in page.attention.rows if a.concern is Concern.STALE)


def test_the_staleness_limit_changes_the_list_and_is_remembered(
    qtbot: QtBot, context: AppContext, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The villages' last records were made today: a hundred days on, they are stale.
    later = date.today() + timedelta(days=100)
    monkeypatch.setattr(district_page, "reading_day", lambda: later)
    page = _page(qtbot, context)
    assert (page.days_box.minimum(), page.days_box.maximum()) == (1, 999)
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    _summary, attention, _state = _expected(store, today=later)
    assert page.attention.rows == attention and _stale(page) == sorted(NAMES)

    reading = _wait_read(qtbot, page, lambda: page.days_box.setValue(365))
    assert reading is not None and reading.stale_days == 365
    _summary, attention, _state = _expected(store, today=later, stale_days=365)
    assert page.attention.rows == attention and _stale(page) == []
    assert remembered_days() == 365

    # A new page (the program started again) shows the limit chosen, and reads with it.
    again = DistrictPage(context)
    qtbot.addWidget(again)
    assert again.days_box.value() == 365
    qtbot.waitUntil(lambda: again.reading is not None, timeout=WAIT_MS)
    assert again.reading is not None and again.reading.stale_days == 365
    assert _stale(again) == []

    # Without a store the limit is remembered at once.
    folder_settings().remove(LAST_STORE)
    lonely = _page(qtbot, context)
    lonely.days_box.setValue(30)
    assert remembered_days() == 30 and lonely.reading is None and not lonely.is_reading()
    folder_settings().setValue(STALE_DAYS, "nonsense")
    assert remembered_days() == DEFAULT_STALE_DAYS


def test_only_this_village_and_an_attention_row_choosing_its_village(
    qtbot: QtBot, context: AppContext, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A hundred days on, every village is stale: each has a row of its own.
    later = date.today() + timedelta(days=100)
    monkeypatch.setattr(district_page, "reading_day", lambda: later)
    page = _page(qtbot, context)
    assert not page.only_village.isEnabled()
    page.year_box.choose(CONCERNS_YEAR)  # no store yet: nothing read
    assert not page.is_reading()
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    summary, attention, _state = _expected(store, CONCERNS_YEAR, today=later)
    assert page.attention.rows == attention
    table, shown = page.attention_table, page.attention_shown
    assert page.only_village.isEnabled() and shown.rowCount() == len(attention)
    assert page.shown_count.text() == f"Shown: {len(attention)} of {len(attention)}"

    page.only_village.setChecked(True)
    for row, village in enumerate(summary.villages):
        page.villages_table.selectRow(row)
        mine = [a for a in attention if a.ledger == village.ledger]
        assert [shown.item(r) for r in range(shown.rowCount())] == mine
        assert table.isColumnHidden(WHERE)  # one village: its name is above
        assert page.shown_count.text() == f"Shown: {len(mine)} of {len(attention)}"
    page.only_village.setChecked(False)
    assert shown.rowCount() == len(attention) and not table.isColumnHidden(WHERE)

    # Enter on a row, or a double-click, chooses that row's village above.
    first = summary.villages[0]
    page.villages_table.selectRow(0)
    rows = {a.ledger: n for n, a in reversed(list(enumerate(attention))) if a.ledger}
    other = next(v for v in summary.villages[1:] if v.ledger in rows)
    table.setFocus()
    table.setCurrentIndex(shown.index(rows[other.ledger], CONCERN))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert page.shown_village == other

    page.villages_table.selectRow(summary.villages.index(other))
    assert rows.get(first.ledger) is not None
    rect = table.visualRect(shown.index(rows[first.ledger], DETAIL))
    # A double-click is a press and release, then the double-click (QTest sends the last).
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.shown_village == first

    # A file of no known village chooses nothing.
    foreign = next(n for n, a in enumerate(attention) if a.ledger is None)
    table.setCurrentIndex(shown.index(foreign, CONCERN))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert page.shown_village == first

    # With the filter on, the chosen village's rows stay (Enter keeps the village).
    page.only_village.setChecked(True)
    table.setCurrentIndex(shown.index(0, CONCERN))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert page.shown_village == first and shown.rowCount() == len(
        [a for a in attention if a.ledger == first.ledger]
    )


def test_columns_fit_from_the_font_and_every_control_is_reached_by_keyboard(
    qtbot: QtBot, context: AppContext, store: Path
) -> None:
    page = _page(qtbot, context)
    villages, attention = page.villages_table, page.attention_table
    widths = [villages.columnWidth(c) for c in (RECEIPTS, PAYMENTS, BOX7, ANCHOR)]
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is not None
    # Sized before any row was there, and the amounts shown fit whole.
    assert [villages.columnWidth(c) for c in (RECEIPTS, PAYMENTS, BOX7, ANCHOR)] == widths
    metrics, margins = villages.fontMetrics(), 8  # the cell's margins either side
    for row in range(page.villages.rowCount()):
        for column in (RECEIPTS, PAYMENTS, BOX7, ANCHOR):
            text = page.villages.text(row, column)
            assert metrics.horizontalAdvance(text) + margins <= villages.columnWidth(column), text
    for row in range(page.attention.rowCount()):
        for column in (CONCERN, ENTRY, DATE, AMOUNT):
            text = page.attention.text(row, column)
            assert metrics.horizontalAdvance(text) + margins <= attention.columnWidth(column), text
    mode = QHeaderView.ResizeMode.Stretch
    assert villages.horizontalHeader().sectionResizeMode(VILLAGE) == mode
    assert attention.horizontalHeader().sectionResizeMode(DETAIL) == mode
    assert page.figures_table.horizontalHeader().sectionResizeMode(ITEM) == mode
    # The detail column takes the width the others leave.
    others = sum(attention.columnWidth(c) for c in (CONCERN, WHERE, ENTRY, DATE, AMOUNT))
    assert attention.columnWidth(DETAIL) >= attention.viewport().width() - others - 1

    # The tables are named for a screen reader; the labels' mnemonics reach their controls.
    for table, name in (
        (villages, "Villages"),
        (attention, "What needs the district's attention"),
        (page.figures_table, "The chosen village's figures"),
    ):
        assert table.accessibleName() == name
        assert not table.tabKeyNavigation()  # Tab leaves the table
    buddies = {label.buddy() for label in page.findChildren(QLabel) if "&" in label.text()}
    assert {page.year_box, villages, attention, page.days_box} <= buddies
    for button in (page.choose_button, page.refresh_button, page.only_village):
        assert "&" in button.text()

    # Tab goes through every control, in the order they are read.
    page.activateWindow()
    page.choose_button.setFocus()
    qtbot.waitUntil(lambda: page.choose_button.hasFocus())
    order = [
        page.choose_button,
        page.refresh_button,
        page.year_box,
        villages,
        page.figures_table,
        page.only_village,
        page.days_box,
        attention,
    ]
    reached = [QApplication.focusWidget()]
    for _ in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        # The spin box's line edit has the focus inside it.
        reached.append(page.days_box if focus is page.days_box.lineEdit() else focus)
    assert reached == order


def test_without_duckdb_the_page_says_how_to_install_it(
    qtbot: QtBot,
    context: AppContext,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
) -> None:
    from ruralcouncil.district import engine

    monkeypatch.setattr(district_page, "duckdb_installed", lambda: False)
    page = _page(qtbot, context)
    assert page.note.isVisible()
    assert 'pip install "ruralcouncil[district]"' in page.note.text()

    # Found but failing to import (or removed since): the same note, no error box.
    monkeypatch.setattr(district_page, "duckdb_installed", lambda: True)
    page = _page(qtbot, context)
    assert not page.note.isVisible()

    def missing() -> object:
        raise engine.EngineMissing("no duckdb")

    monkeypatch.setattr(engine, "duckdb", missing)
    assert _wait_read(qtbot, page, lambda: page.open_store_at(store)) is None
    assert page.note.isVisible() and "ruralcouncil[district]" in page.note.text()
    assert message_boxes.shown == [] and page.villages.rowCount() == 0


def test_every_role_that_reads_the_ledger_sees_the_page(
    qtbot: QtBot, context: AppContext, member_context: AppContext
) -> None:
    from ruralcouncil.gui.main_window import MainWindow

    for ctx in (context, member_context):
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        keys = window.page_keys()
        assert keys.index("district") == keys.index("reports") + 1
        assert isinstance(window.show_page("district"), DistrictPage)


# --- DuckDB is not loaded without a store ----------------------------------------------

_SHOW_PAGE = textwrap.dedent(
    """
    import json, sys
    from ruralcouncil import i18n
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.ledger import users

    qapp = gui_app.ensure_application()
    i18n.set_language("en")
    ledger, problem = gui_app.open_for_window(sys.argv[1])
    assert ledger is not None, problem
    window = gui_app.build_main_window_for_smoke_test(ledger, users.login(ledger, *sys.argv[2:4]))
    window.show()
    page = window.show_page("district")
    page.days_box.setValue(90)  # no store: remembered, nothing read
    for _ in range(20):
        qapp.processEvents()
    print(json.dumps({
        "page": type(page).__name__,
        "visible": page.isVisible(),
        "reading": page.is_reading(),
        "duckdb": "duckdb" in sys.modules,
        "district": sorted(m for m in sys.modules if m.startswith("ruralcouncil.district")),
    }))
    window.close()
    ledger.close()
    """
)


def test_showing_the_page_without_a_store_loads_no_duckdb(
    gui_ledger_path: Path, context: AppContext, tmp_path: Path
) -> None:
    context.ledger.close()  # the child opens it
    done = fresh_python(
        _SHOW_PAGE,
        str(gui_ledger_path),
        ADMIN,
        ADMIN_PASSWORD,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["page"] == "DistrictPage" and found["visible"]
    assert found["reading"] is False
    assert found["duckdb"] is False
    assert found["district"] == []  # not even the district's Qt-free modules
