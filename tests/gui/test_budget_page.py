"""The budget page: budget against actual as the core computes it, versions side by side,
adopting a budget from a file through the dialog, and the lazy chart."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from council_scenario import add_council, passed_and_confirmed
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ruralcouncil.gui.budget_dialogs import AdoptBudgetDialog
from ruralcouncil.gui.budget_models import BudgetActualModel, BudgetVersionsModel
from ruralcouncil.gui.budget_page import BudgetPage
from ruralcouncil.gui.context import AppContext
from ruralcouncil.ledger import budget, journal
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount

ROOT = Path(__file__).resolve().parents[2]
BUDGET = (
    b"category,fund,amount\nROADS,GENERAL,500000\nEVENTS,GENERAL,100000\nTAX-LAND,GENERAL,800000\n"
)
VIREMENT = (
    b"category,fund,amount\nROADS,GENERAL,450000\nEVENTS,GENERAL,150000\nTAX-LAND,GENERAL,800000\n"
)
BAD = (
    "category,fund,amount\nROADS,GENERAL,500000\nNO-SUCH,GENERAL,1\nROADS,NOWHERE,2\n"
    "EVENTS,GENERAL,abc\n"
)


@pytest.fixture
def chair(context: AppContext) -> AppContext:
    chair = add_council(context)
    # Paid before the budget was adopted, so it needs no request.
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 1, 5), EntryType.RECEIPT, 300_000_00, "TAX-LAND"),
    )
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 1, 10), EntryType.PAYMENT, 100_000_00, "ROADS", description="gravel"),
    )
    return chair


@pytest.fixture
def adopted(chair: AppContext) -> AppContext:
    ref = passed_and_confirmed(chair, "budget:2025")
    budget.adopt(chair.ledger, chair.user, 2025, BUDGET, ref)
    return chair


def page_for(qtbot, context: AppContext, year: int = 2025) -> BudgetPage:  # type: ignore[no-untyped-def]
    page = BudgetPage(context)
    qtbot.addWidget(page)
    page.set_year(year)
    return page


# --- the models, without a view ----------------------------------------------------------


def test_actual_models_hold_what_the_core_computes(qtmodeltester, adopted: AppContext) -> None:  # type: ignore[no-untyped-def]
    conn = adopted.ledger.conn
    lines = budget.show(conn, 2025, date(2025, 12, 31))
    spending = BudgetActualModel(EXPENDITURE)
    spending.set_lines(adopted.ledger, lines)
    qtmodeltester.check(spending)
    revenue = BudgetActualModel(REVENUE)
    revenue.set_lines(adopted.ledger, lines)
    qtmodeltester.check(revenue)
    cells = [
        [spending.data(spending.index(r, c)) for c in range(spending.columnCount())]
        for r in range(spending.rowCount())
    ]
    # Names, not codes; the code in the tooltip.
    assert cells[0][:2] == ["Village roads", "General fund"]
    assert spending.data(spending.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "ROADS"
    roads = next(x for x in lines if x.category == "ROADS")
    assert cells[0][2:] == [
        format_amount(roads.appropriated),
        format_amount(0),
        format_amount(100_000_00),
        format_amount(400_000_00),
    ]
    assert cells[-1][0] == "Total" and cells[-1][2] == format_amount(600_000_00)
    assert revenue.data(revenue.index(0, 2)) == format_amount(800_000_00)
    assert revenue.data(revenue.index(0, 3)) == format_amount(300_000_00)
    assert revenue.data(revenue.index(0, 4)) == format_amount(500_000_00)


def test_versions_side_by_side_with_changes_marked(qtmodeltester, adopted: AppContext) -> None:  # type: ignore[no-untyped-def]
    ref = passed_and_confirmed(adopted, "virement:2025", date(2025, 2, 10))
    assert budget.adopt(adopted.ledger, adopted.user, 2025, VIREMENT, ref) == 2
    model = BudgetVersionsModel()
    model.set_year(adopted.ledger, 2025)
    qtmodeltester.check(model)
    assert model.columnCount() == 4
    assert "2025/1" in model.headerData(2, Qt.Orientation.Horizontal)
    assert "2025/2" in model.headerData(3, Qt.Orientation.Horizontal)
    rows = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    assert next(iter(rows)) == "Land tax"  # revenue first
    roads, events, land = (
        rows["Village roads"],
        rows["Sporting, cultural and social events"],
        rows["Land tax"],
    )
    assert model.data(model.index(roads, 3)) == format_amount(450_000_00)
    assert model.changed(roads, 1) and model.changed(events, 1) and not model.changed(land, 1)
    assert model.data(model.index(roads, 3), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(land, 3), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(roads, 2), Qt.ItemDataRole.BackgroundRole) is None


# --- the page ----------------------------------------------------------------------------


def test_a_year_without_a_budget_is_said_plainly(qtbot, chair: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, chair)
    assert "not under council control" in page.status.text()
    assert page.adopt_button.isVisibleTo(page)
    assert page.versions_group.isHidden()


def test_every_figure_and_heading_fits_its_column_whole(qtbot, adopted: AppContext) -> None:  # type: ignore[no-untyped-def]
    """The columns are fitted to their texts at each fill (not by Qt asking every cell at
    every layout): no figure, heading or bold total is cut, after a change of year too."""
    from PySide6.QtGui import QFontMetrics

    ref = passed_and_confirmed(adopted, "virement:2025", date(2025, 2, 10))
    budget.adopt(adopted.ledger, adopted.user, 2025, VIREMENT, ref)
    page = page_for(qtbot, adopted)
    page.spending.set_lines(adopted.ledger, [])  # emptied, as a year without a budget
    page.refresh()  # and filled again: the columns follow
    for table in (page.spending_table, page.revenue_table, page.versions_table):
        model, header = table.model(), table.horizontalHeader()
        assert model.rowCount() > 0
        for column in range(1, model.columnCount()):
            width = table.columnWidth(column)
            title = model.headerData(column, Qt.Orientation.Horizontal)
            longest = max(
                header.fontMetrics().horizontalAdvance(line) for line in title.split("\n")
            )
            assert width >= longest, (table.objectName(), title)
            for row in range(model.rowCount()):
                index = model.index(row, column)
                font = model.data(index, Qt.ItemDataRole.FontRole)
                metrics = QFontMetrics(font) if font is not None else table.fontMetrics()
                text = model.data(index) or ""
                assert width > metrics.horizontalAdvance(text), (table.objectName(), text)
    total = page.spending.rowCount() - 1
    assert page.spending.data(page.spending.index(total, 0)) == "Total"
    assert page.spending.data(page.spending.index(total, 2), Qt.ItemDataRole.FontRole).bold()


def test_adopt_from_a_csv_through_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, chair: AppContext, tmp_path: Path, dialogs
) -> None:
    ref = passed_and_confirmed(chair, "budget:2025")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_bytes(BUDGET)
    page = page_for(qtbot, chair)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AdoptBudgetDialog)
        assert dialog.resolution.currentData() == ref
        dialog.set_path(bad)
        # Every bad line, in the core's words; nothing can be adopted from it.
        seen["refusal"] = dialog.error.text()
        seen["ok_for_bad"] = dialog.ok_button.isEnabled()
        dialog.set_path(good)
        assert dialog.error.isHidden()
        assert "3 lines read" in dialog.preview.text()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    dialogs.fill = fill
    page.adopt()
    refusal = str(seen["refusal"])
    assert "The budget file was refused; nothing was adopted." in refusal
    assert "line 3: 'NO-SUCH' is not a revenue source or an expenditure program" in refusal
    assert "line 4: unknown fund 'NOWHERE'" in refusal
    assert "line 5: amount 'abc'" in refusal
    assert seen["ok_for_bad"] is False
    [version] = budget.versions(chair.ledger.conn, 2025)
    assert version.resolution == ref and version.lines[("ROADS", "GENERAL")] == 500_000_00
    assert "In force: version 1, adopted by resolution 2025/1" in page.status.text()
    assert page.spending.rowCount() == 3  # roads, events, total
    assert not page.versions_group.isHidden()


def test_a_refusal_keeps_the_dialog_open(qtbot, chair: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A resolution about the year's budget but the file for a virement of a year without
    one: the core refuses, the dialog says so and nothing is adopted."""
    passed_and_confirmed(chair, "virement:2025")
    good = tmp_path / "good.csv"
    good.write_bytes(BUDGET)
    dialog = AdoptBudgetDialog(chair, 2025)
    qtbot.addWidget(dialog)
    dialog.set_path(good)
    dialog.adopt()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "is adopted by a resolution about budget:2025" in dialog.error.text()
    assert budget.versions(chair.ledger.conn, 2025) == []


def test_only_the_chair_sees_adopt(qtbot, member_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = BudgetPage(member_context)
    qtbot.addWidget(page)
    assert not page.adopt_button.isVisibleTo(page)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_chart_appears_only_after_paint(qtbot, adopted: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, adopted)
    assert page.chart.plot is None  # nothing built while hidden
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    widths = list(page.chart.bars["appropriated"].opts["width"])
    paid = list(page.chart.bars["paid"].opts["width"])
    assert widths[0] == 500_000 and paid[0] == 100_000  # roads, in tenge


def test_pyqtgraph_not_imported_with_the_page() -> None:
    script = textwrap.dedent(
        """
        import sys
        import ruralcouncil.gui.budget_page, ruralcouncil.gui.meetings_page
        print("pyqtgraph" in sys.modules, "reportlab" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
