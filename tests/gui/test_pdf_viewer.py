"""Reports shown inside the program, with Print and Save (issue 6), and what happens on a copy
of the program without Qt's PDF module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import pdf_viewer
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.journal import EntryType, NewEntry, record

Recorder = Any


@pytest.fixture
def summary_pdf(context: AppContext, tmp_path: Path) -> Path:
    from ruralcouncil.reports.summary_pdf import render_summary_pdf

    record(context.ledger, context.user, NewEntry(date.today(), EntryType.OPENING, 5_000_00))
    path = tmp_path / "summary.pdf"
    render_summary_pdf(context.ledger.conn, date.today().year, path)
    return path


# --- without Qt's PDF module --------------------------------------------------------------


def test_without_qtpdf_the_pc_viewer_gets_the_file(
    monkeypatch: pytest.MonkeyPatch, summary_pdf: Path, message_boxes: Recorder
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(pdf_viewer, "qtpdf_available", lambda: False)
    monkeypatch.setattr(pdf_viewer, "open_externally", lambda p: opened.append(p) or True)
    assert pdf_viewer.show_pdf(summary_pdf) is None
    assert opened == [summary_pdf]
    assert message_boxes.shown == []


def test_without_any_viewer_the_user_is_told_where_the_file_is(
    monkeypatch: pytest.MonkeyPatch, summary_pdf: Path, message_boxes: Recorder
) -> None:
    monkeypatch.setattr(pdf_viewer, "qtpdf_available", lambda: False)
    monkeypatch.setattr(pdf_viewer, "open_externally", lambda p: False)
    assert pdf_viewer.show_pdf(summary_pdf) is None
    [shown] = message_boxes.shown
    assert shown.icon == QMessageBox.Icon.Warning
    assert str(summary_pdf) in shown.text and "no PDF viewer" in shown.text
    assert summary_pdf.exists()


def test_the_menu_preview_without_qtpdf_keeps_the_file_for_the_pc_viewer(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(pdf_viewer, "qtpdf_available", lambda: False)
    monkeypatch.setattr(pdf_viewer, "open_externally", lambda p: opened.append(p) or True)
    window = MainWindow(context)
    qtbot.addWidget(window)
    head = chain.head(context.ledger.conn)
    window.summary_action.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert opened[0].name == f"summary-{date.today().year}.pdf"
    assert opened[0].read_bytes().startswith(b"%PDF")
    assert chain.head(context.ledger.conn) == head


def test_qtpdf_is_not_loaded_at_start_up(qtbot: QtBot, context: AppContext) -> None:
    import subprocess
    import sys

    code = (
        "import sys, os; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
        "import ruralcouncil.gui.app, ruralcouncil.gui.main_window;"
        "print(sorted(m for m in sys.modules if 'QtPdf' in m or m.startswith('reportlab')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- with Qt's PDF module -----------------------------------------------------------------

needs_qtpdf = pytest.mark.skipif(
    not pdf_viewer.qtpdf_available(), reason="Qt's PDF module (PySide6-Addons) not installed"
)


@needs_qtpdf
def test_the_viewer_shows_prints_and_saves(qtbot: QtBot, summary_pdf: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    viewer = pdf_viewer.show_pdf(summary_pdf, None, "Summary")
    assert viewer is not None
    qtbot.addWidget(viewer)
    assert viewer.isVisible() and viewer.loaded()
    pages = len(PdfReader(summary_pdf).pages)
    assert viewer.page_count() == pages
    assert viewer.pages_label.text() == f"Pages: {pages}"

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    with qtbot.waitSignal(viewer.printed) as done:
        assert viewer.print_to(printer) == pages
    assert done.args == [pages]
    assert len(PdfReader(printed).pages) == pages

    copy = tmp_path / "copy.pdf"
    assert viewer.save_copy(copy)
    assert copy.read_bytes() == summary_pdf.read_bytes()
    assert str(copy) in viewer.status.text()


@needs_qtpdf
def test_print_goes_through_the_system_dialog(
    qtbot: QtBot, summary_pdf: Path, dialogs: Recorder
) -> None:
    from PySide6.QtPrintSupport import QPrintDialog

    viewer = pdf_viewer.PdfViewer(summary_pdf)
    qtbot.addWidget(viewer)
    assert viewer.print_with_dialog() == 0  # cancelled: nothing printed
    [dialog] = dialogs.shown
    assert isinstance(dialog, QPrintDialog)


@needs_qtpdf
def test_a_file_that_is_not_a_pdf_is_said_so(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    viewer = pdf_viewer.PdfViewer(bad)
    qtbot.addWidget(viewer)
    assert not viewer.loaded()
    assert "could not be read as a PDF" in viewer.status.text()
    assert not viewer.print_button.isEnabled()
    assert viewer.print_with_dialog() == 0


@needs_qtpdf
def test_the_menu_previews_the_summary_inside_the_program(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.summary_action.trigger()
    qtbot.waitUntil(lambda: bool(pdf_viewer._open), timeout=20_000)
    viewer = next(iter(pdf_viewer._open))
    assert isinstance(viewer, pdf_viewer.PdfViewer) and viewer.loaded()
    assert viewer.windowTitle() == f"Summary of {date.today().year}"
    path = viewer.path
    assert viewer.temporary and path.exists()
    viewer.close()
    assert not path.exists()  # a preview's file goes with it
    assert isinstance(viewer, QDialog)
