"""The district page (issue 13): a district store chosen, its villages and attention list as
``district_summary`` and ``attention_list`` give them, one village's boxes; a store that
cannot be read refused with its own words; DuckDB never loaded without a store."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _helpers import fresh_python
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ruralcouncil.district.attention import Concern
from ruralcouncil.gui import district_page
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
    AttentionModel,
    VillageFiguresModel,
    VillagesModel,
)
from ruralcouncil.gui.district_page import LAST_STORE, DistrictPage
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.ledger import settings, users
from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo
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


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ruralcouncil.district.consolidate import consolidate
    from ruralcouncil.district.store import open_store

    folder = tmp_path_factory.mktemp("district")
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
    path = folder / "district.duckdb"
    with open_store(path, write=True) as made:
        outcomes = consolidate(made, [*paths, foreign])
    assert [o.merged for o in outcomes] == [True, True, True, False]
    return path


def _expected(store: Path, year: int = YEAR) -> tuple[object, list[object]]:
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.figures import district_summary
    from ruralcouncil.district.store import open_store

    with open_store(store, write=False) as s:
        return district_summary(s, year), list(attention_list(s, year))


def _column(model: VillagesModel | AttentionModel | VillageFiguresModel, column: int) -> list[str]:
    return [model.text(row, column) for row in range(model.rowCount())]


# --- the models, without a view ---------------------------------------------------------


def test_the_models_show_what_the_district_functions_give(qtmodeltester, store: Path) -> None:  # type: ignore[no-untyped-def]
    summary, attention = _expected(store, CONCERNS_YEAR)
    villages = VillagesModel()
    villages.set_summary(summary)  # type: ignore[arg-type]
    qtmodeltester.check(villages)
    assert _column(villages, VILLAGE) == list(NAMES)  # Kazakh order
    for row, v in enumerate(summary.villages):  # type: ignore[attr-defined]
        b = v.boxes
        assert villages.text(row, RECEIPTS) == format_amount(b[2] + b[3])
        assert villages.text(row, PAYMENTS) == format_amount(b[4] + b[5] + b[6])
        assert villages.text(row, BOX7) == format_amount(b[7])
        assert villages.text(row, ANCHOR) == f"{v.entries}:{v.head[:8]}…"
        assert villages.data(villages.index(row, ANCHOR), 3) == v.anchor  # the tooltip
    villages.set_summary(None)
    assert villages.rowCount() == 0

    items = AttentionModel()
    items.set_items(attention)  # type: ignore[arg-type]
    qtmodeltester.check(items)
    assert items.rowCount() == len(attention) > 2
    assert _column(items, DETAIL) == [a.detail for a in attention]  # type: ignore[attr-defined]
    assert _column(items, WHERE) == [
        a.village or "(a file of no known village)"  # type: ignore[attr-defined]
        for a in attention
    ]
    assert {a.concern for a in attention} >= {  # type: ignore[attr-defined]
        Concern.REFUSED,
        Concern.UNEXPLAINED_VARIANCE,
        Concern.RETURN_NOT_FINAL,
    }
    for row, a in enumerate(attention):
        assert items.text(row, ENTRY) == ("" if a.entry is None else str(a.entry))  # type: ignore[attr-defined]
        amount = a.amount  # type: ignore[attr-defined]
        assert items.text(row, AMOUNT) == ("" if amount is None else format_amount(amount))
        assert items.text(row, CONCERN) and (items.text(row, DATE) != "") == bool(a.date)  # type: ignore[attr-defined]

    figures = VillageFiguresModel()
    village = summary.villages[0]  # type: ignore[attr-defined]
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


# --- the page ---------------------------------------------------------------------------


def _page(qtbot: QtBot, context: AppContext) -> DistrictPage:
    page = DistrictPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    return page


def test_choosing_a_store_fills_the_tables_and_a_village_shows_its_boxes(
    qtbot: QtBot, context: AppContext, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    summary, attention = _expected(store)
    page = _page(qtbot, context)
    assert page.year_box.year() == YEAR
    assert page.villages.rowCount() == 0 and page.attention.rowCount() == 0

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(store), ""))
    with qtbot.waitSignal(page.read) as read:
        page.choose_store()
    assert read.args and read.args[0] is not None
    assert page.villages.rows == summary.villages  # type: ignore[attr-defined]
    assert page.attention.rows == attention
    assert page.store_label.text() == str(store)
    boxes = summary.boxes  # type: ignore[attr-defined]
    assert format_amount(boxes[2] + boxes[3]) in page.totals.text()
    assert format_amount(boxes[7]) in page.totals.text()
    assert folder_settings().value(LAST_STORE) == str(store)

    # The first village is shown at once; choosing another shows its boxes.
    assert page.shown_village == summary.villages[0]  # type: ignore[attr-defined]
    page.villages_table.selectRow(2)
    third = summary.villages[2]  # type: ignore[attr-defined]
    assert page.shown_village == third
    assert third.village in page.figures_title.text()
    assert [page.figures.text(b, SUM) for b in range(1, 11)] == [
        format_amount(third.boxes[b]) for b in range(1, 11)
    ]

    # Another year: read again, the same village still chosen.
    earlier, earlier_attention = _expected(store, CONCERNS_YEAR)
    page.year_box.choose(CONCERNS_YEAR)
    assert page.reading is not None and page.reading.summary.year == CONCERNS_YEAR
    assert page.villages.rows == earlier.villages  # type: ignore[attr-defined]
    assert page.attention.rows == earlier_attention
    assert page.shown_village is not None and page.shown_village.ledger == third.ledger

    # The page opens the remembered store by itself the next time.
    again = DistrictPage(context)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.reading is not None)
    assert again.villages.rowCount() == len(NAMES)


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
    assert page.open_store_at(store)
    shown = (list(page.villages.rows), list(page.attention.rows), page.store_label.text())
    chosen = page.shown_village
    for path, words in _bad_files(tmp_path, store):
        message_boxes.shown.clear()
        assert page.open_store_at(path) is False
        assert len(message_boxes.shown) == 1
        assert message_boxes.shown[0].icon == QMessageBox.Icon.Critical
        assert words in message_boxes.shown[0].text, message_boxes.shown[0].text
        after = (list(page.villages.rows), list(page.attention.rows), page.store_label.text())
        assert after == shown and page.shown_village is chosen
        assert folder_settings().value(LAST_STORE) == str(store)
        assert not page.note.isVisible()

    # The store gone bad since it was read: another year is refused, the year shown stays.
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store.read_bytes())
    assert page.open_store_at(copy)
    copy.write_text("overwritten " * 40, encoding="utf-8")
    message_boxes.shown.clear()
    page.year_box.choose(CONCERNS_YEAR)
    assert len(message_boxes.shown) == 1 and "not a district store" in message_boxes.texts()[0]
    assert page.year_box.year() == YEAR and page.reading is not None
    assert page.reading.summary.year == YEAR and list(page.villages.rows) == shown[0]


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
    assert page.open_store_at(store) is False
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
    for _ in range(20):
        qapp.processEvents()
    print(json.dumps({
        "page": type(page).__name__,
        "visible": page.isVisible(),
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
    assert found["duckdb"] is False
    assert found["district"] == []  # not even the district's Qt-free modules
