"""The dashboard shows exactly what statements.year_summary computes, and a lazy chart that
follows the figures below zero with month names that fit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from ruralcouncil.gui import dashboard_page
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.dashboard_page import DashboardPage
from ruralcouncil.ledger import journal
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports import statements

PASSWORD = "admin-password-1"
ROOT = Path(__file__).resolve().parents[2]


def _fill(context: AppContext) -> None:
    entries = [
        NewEntry(date(2025, 1, 1), EntryType.OPENING, 1_000_000_00),
        NewEntry(date(2025, 2, 10), EntryType.RECEIPT, 200_000_00, category="TAX-LAND"),
        NewEntry(date(2025, 3, 5), EntryType.RECEIPT, 50_000_50, category="DONATION"),
        NewEntry(date(2025, 3, 20), EntryType.PAYMENT, 120_000_00, category="STAFF"),
        NewEntry(date(2025, 6, 1), EntryType.PAYMENT, 30_000_00, category="ROADS"),
        NewEntry(date(2025, 7, 1), EntryType.TRANSFER, 10_000_00, to_account="CASH"),
        NewEntry(date(2026, 1, 15), EntryType.RECEIPT, 5_000_00, category="FINES"),
    ]
    for entry in entries:
        journal.record(context.ledger, context.user, entry)


def test_boxes_match_year_summary(qtbot, context: AppContext) -> None:
    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    summary = statements.year_summary(context.ledger.conn, 2025)
    assert summary.boxes[2] == 200_000_00 and summary.boxes[4] == 120_000_00
    for n in range(1, 11):
        assert page.box_amounts[n].text() == format_amount(summary.boxes[n])
    assert page.box_warning.isHidden()  # box 8 equals box 7 on a sound ledger
    labels = page.findChildren(type(page.title))
    texts = [w.text() for w in labels]
    # Names in the reader's language; the code only in the name's tooltip.
    tips = {(w.text(), w.toolTip()) for w in labels}
    assert {("Land tax", "TAX-LAND"), ("Staff costs", "STAFF")} <= tips
    assert {("Cash box", "CASH"), ("General fund", "GENERAL")} <= tips
    assert not any("(STAFF)" in t or "(TAX-LAND)" in t for t in texts)
    assert format_amount(50_000_50) in texts
    assert format_amount(10_000_00) in texts  # cash box at 31 December
    # The anchor is named as a chain position, never as a count of entries (there are 7).
    anchor = page.anchor.text()
    assert f"chain position {summary.chain_entries}" in anchor
    code = statements.coded_summary(context.ledger.conn, summary.year).code
    assert summary.anchor in anchor and code in anchor
    assert "entries" not in anchor


def test_opens_on_the_current_year_not_a_later_one(
    qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In 2025, an entry dated 2026 (a mistyped year) does not send everyone to 2026."""
    _fill(context)
    monkeypatch.setattr(dashboard_page, "this_year", lambda: 2025)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    assert page.year() == 2025
    offered = [page.year_box.itemData(i) for i in range(page.year_box.count())]
    assert 2026 in offered  # still there to look at
    page.set_year(2026)
    assert page.box_amounts[3].text() == format_amount(5_000_00)


def test_opens_on_the_current_year_even_when_empty(qtbot, context: AppContext) -> None:
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 2, 10), EntryType.OPENING, 1_000_00),
    )
    page = DashboardPage(context)
    qtbot.addWidget(page)
    assert page.year() == date.today().year


def test_year_selector_and_refresh_on_change(qtbot, context: AppContext) -> None:
    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2026)
    assert page.box_amounts[3].text() == format_amount(5_000_00)
    page.set_year(2025)
    assert page.box_amounts[3].text() == format_amount(50_000_50)
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 12, 30), EntryType.RECEIPT, 1_00, category="TOURISM"),
    )
    context.notify_changed()
    assert page.year() == 2025  # the chosen year is kept
    assert page.box_amounts[3].text() == format_amount(50_001_50)


def test_box_warning_when_cash_differs(qtbot, context: AppContext, monkeypatch) -> None:
    _fill(context)
    real = statements.year_summary

    def broken(conn, year):  # type: ignore[no-untyped-def]
        s = real(conn, year)
        return s._replace(boxes={**s.boxes, 8: s.boxes[8] + 1})

    monkeypatch.setattr(statements, "year_summary", broken)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    assert not page.box_warning.isHidden()
    # The page shows what the core says, word for word.
    said = broken(context.ledger.conn, 2025).cash_problem()
    assert said is not None and page.box_warning.text() == said
    assert format_amount(1) in said


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_chart_built_when_shown(qtbot, context: AppContext) -> None:
    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    assert page.chart.plot is None  # nothing drawn while hidden
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    heights = list(page.chart.receipts_bars.opts["height"])
    assert heights[1] == 200_000 and heights[2] == 50_000  # February, March in tenge


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_negative_month_shows_below_zero(qtbot, context: AppContext) -> None:
    """A payment reversed in a later month makes that month's payments negative: the chart
    shows the bar below a zero line, as the tables show the negative figure."""
    _fill(context)
    roads = journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 8, 5), EntryType.PAYMENT, 90_000_00, category="ROADS"),
    )
    journal.reverse(context.ledger, context.user, roads, "not done", date(2025, 9, 10))
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    payments = list(page.chart.payments_bars.opts["height"])
    assert payments[7] == 90_000 and payments[8] == -90_000  # August, September
    low, high = page.chart.plot.getPlotItem().viewRange()[1]
    assert low < -90_000 < 0 < 120_000 < high  # the whole of both bars is in view
    assert page.chart.zero_line.value() == 0
    assert page.chart.zero_line in page.chart.plot.getPlotItem().items


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_month_labels_never_run_together(qtbot, context: AppContext, lang: str) -> None:
    """At every chart width, the month names on the axis fit their share of it: all twelve
    abbreviated where there is room, shorter or every other month where there is not."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from ruralcouncil import i18n
    from ruralcouncil.gui import chart

    i18n.set_language(lang)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    axis = page.chart.plot.getPlotItem().getAxis("bottom")
    metrics = QFontMetricsF(QFont())
    full = chart.month_names("wide")
    seen_all_twelve = seen_thinned = False
    for size in range(150, 1000, 25):
        [(_spacing, ticks)] = axis.tickValues(*chart.X_RANGE, size)
        labels = axis.tickStrings(ticks, 1, 1)
        months = [round(t) for t in ticks]
        step = months[1] - months[0]
        per_label = size / (chart.X_RANGE[1] - chart.X_RANGE[0]) * step
        assert all(metrics.horizontalAdvance(t) + 4 < per_label for t in labels), (size, labels)
        # Each label starts the way its month's full name does: no month is mislabelled.
        for month, label in zip(months, labels, strict=True):
            assert full[month - 1].lower().startswith(label.rstrip(".").lower()[:2])
        seen_all_twelve |= months == list(range(1, 13))
        seen_thinned |= step > 1
    assert seen_all_twelve and seen_thinned


def test_pyqtgraph_imported_only_when_shown(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from ruralcouncil.gui.context import AppContext
        from ruralcouncil.gui.dashboard_page import DashboardPage
        from ruralcouncil.ledger import users
        from ruralcouncil.ledger.setup import init_ledger
        ledger = init_ledger({str(tmp_path / "l.sqlite")!r}, village="Aksu", admin="admin",
                             password={PASSWORD!r})
        page = DashboardPage(AppContext(ledger, users.login(ledger, "admin", {PASSWORD!r})))
        assert "pyqtgraph" not in sys.modules, "imported before the page was shown"
        assert "reportlab" not in sys.modules, "imported before a PDF was asked for"
        page.show()
        # The page is painted first; the chart (and pyqtgraph) comes just after.
        import time
        deadline = time.monotonic() + 60
        while page.chart.plot is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        assert "pyqtgraph" in sys.modules and page.chart.plot is not None
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What the page asked the PDF viewer to open (no viewer is started in tests)."""
    paths: list[Path] = []
    monkeypatch.setattr(
        dashboard_page, "open_document", lambda path, _parent=None: paths.append(path)
    )
    return paths


def test_save_summary_pdf(
    qtbot, context: AppContext, tmp_path: Path, opened, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    target = tmp_path / "reports" / "summary-2025.pdf"
    target.parent.mkdir()
    with qtbot.waitSignal(page.summary_saved, timeout=60_000) as saved:
        page.save_summary_pdf(target)
        assert not page.pdf_button.isEnabled()  # busy while the worker writes
        assert not page.pdf_progress.isHidden()
    assert saved.args == [target]
    assert target.read_bytes().startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Aksu" in text and "2025" in text
    assert opened == [target]
    assert page.pdf_button.isEnabled() and page.pdf_progress.isHidden()
    code = statements.coded_summary(context.ledger.conn, 2025).code
    [shown] = message_boxes.shown
    assert str(target) in shown.text and code in shown.text
    assert not list(target.parent.glob("*.part"))


@pytest.mark.parametrize("where", ["folder is a file", "read-only folder"])
def test_save_summary_pdf_refused(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, tmp_path: Path, opened, message_boxes, where: str
) -> None:
    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    if where == "folder is a file":
        folder = tmp_path / "not-a-folder"
        folder.write_text("x")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
    target = folder / "summary.pdf"
    try:
        with qtbot.waitSignal(page.summary_saved, timeout=60_000) as saved:
            page.save_summary_pdf(target)
    finally:
        if folder.is_dir():
            folder.chmod(0o700)
    assert isinstance(saved.args[0], OSError)
    assert not target.exists() and not target.with_name("summary.pdf.part").exists()
    assert opened == []
    [shown] = message_boxes.shown
    assert "could not be saved" in shown.text and str(target) in shown.text
    assert page.pdf_button.isEnabled() and page.pdf_progress.isHidden()


def test_file_dialog_offers_summary_year_in_the_last_folder(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, tmp_path: Path, opened, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    dashboard_page._settings().setValue("reports/last_folder", str(tmp_path))
    offered: list[str] = []
    chosen = tmp_path / "out" / "for-the-board"  # no .pdf typed: it is added

    def ask(_parent, _title, start, _filter):  # type: ignore[no-untyped-def]
        offered.append(start)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    chosen.parent.mkdir()
    with qtbot.waitSignal(page.summary_saved, timeout=60_000) as saved:
        page.choose_pdf_file()
    assert offered == [str(tmp_path / "summary-2025.pdf")]
    assert saved.args == [chosen.with_name("for-the-board.pdf")]
    assert dashboard_page._settings().value("reports/last_folder") == str(chosen.parent)


def test_show_and_print_asks_for_the_chosen_years_summary(
    qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruralcouncil.gui import pdf_viewer

    asked: list[tuple[object, int, object]] = []
    monkeypatch.setattr(
        pdf_viewer, "preview_summary", lambda ctx, year, parent: asked.append((ctx, year, parent))
    )
    _fill(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    page.print_button.click()
    assert asked == [(context, 2025, page)]


def test_the_dashboard_says_whether_the_council_controls_the_year(
    qtbot, context: AppContext
) -> None:
    """Issue 8: a year without an adopted budget is said plainly to be outside the council's
    control; a year with one names its version and what waits on the council."""
    from _helpers import council_year

    from ruralcouncil.ledger import users

    _fill(context)
    ledger, admin = context.ledger, context.user
    for name, role in (("clerk", "clerk"), ("chair", "chair"), ("member", "member")):
        users.add_user(ledger, admin, name, role, PASSWORD)
    clerk, chair, member = (users.login(ledger, n, PASSWORD) for n in ("clerk", "chair", "member"))
    council_year(ledger, admin, clerk, chair, member, 2026)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.set_year(2025)
    # Worked out only after the line's first paint: the council's modules wait for it.
    assert page.council_line.text() == ""
    page.show()
    qtbot.waitUntil(lambda: page.council_line.text() != "")
    line = page.council_line.text()
    assert "No budget is adopted for 2025" in line and "not under the council's control" in line
    page.set_year(2026)
    line = page.council_line.text()
    assert "The budget of 2026 (version 1, resolution 2026/1) is in force" in line
    # The partly paid request waits to be paid; the withdrawn one waits for nothing.
    assert "Waiting for a decision: 0; approved, to be paid: 1." in line


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_chart_of_a_year_without_money_repeats_no_tenge_label(qtbot, context: AppContext) -> None:
    """A year with nothing received or paid yet: the tenge axis goes from 0 to 1 and reads
    "0, 1", not "0, 0, 0, 1, 1" (ticks between whole tenge, each rounded to one)."""
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    item = page.chart.plot.getPlotItem()
    assert not any(
        height
        for bars in (page.chart.receipts_bars, page.chart.payments_bars)
        for height in bars.opts["height"]
    )
    axis = item.getAxis("left")
    low, high = item.viewRange()[1]
    for size in (120, 240, 480):
        values = sorted(v for _spacing, level in axis.tickValues(low, high, size) for v in level)
        labels = axis.tickStrings(values, 1, 1)
        assert labels == ["0", "1"], (size, labels)
