"""Reports shown inside the program, with Print (the system's print dialog) and Save.

Qt's PDF module (QtPdf, QtPdfWidgets: the ``PySide6-Addons`` package) draws the pages; it is
imported the first time a report is shown, never at start-up. Where it is missing (a copy of
the program installed without it), the report is handed to the PC's own PDF viewer, and when
there is none either, the user is told where the file is: never nothing at all.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.save_dialog import LAST_PDF_FOLDER, choose_save_path
from ruralcouncil.i18n import _, ngettext

if TYPE_CHECKING:
    from ruralcouncil.ledger.storage import Ledger

# Pages are drawn for the printer at no more than this many dots per inch: sharp on paper,
# and an A4 page stays about 35 MB in memory on an old PC.
PRINT_DPI = 300
_open: set[QWidget] = set()  # viewers shown without a parent stay alive while open


def qtpdf_available() -> bool:
    """Whether Qt's PDF module can be loaded (checked once it is needed, not at start-up)."""
    try:
        import PySide6.QtPdf
        import PySide6.QtPdfWidgets  # noqa: F401
    except ImportError:
        return False
    return True


def open_externally(path: Path) -> bool:
    """Hand the file to the PC's PDF viewer; False when there is none (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _no_viewer_text(path: Path) -> str:
    return _(
        "This copy of RuralCouncil cannot show PDF files itself (Qt's PDF module is not "
        "installed), and this computer has no PDF viewer either. The file is saved here:\n"
        "{path}\nCopy it to another computer to read or print it."
    ).format(path=path)


class PdfPane(QWidget):
    """One PDF's pages with Print… (the system's print dialog), Save a copy… and Whole page:
    the viewer window's content, and the reports page's preview."""

    printed = Signal(int)  # pages sent to the printer

    def __init__(self, path: Path | None = None, parent: QWidget | None = None) -> None:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.path = Path(path) if path is not None else None
        self.title = ""  # the printed document's name (the print queue shows it)
        self.document = QPdfDocument(self)
        self.load_error = QPdfDocument.Error.FileNotFound
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("print")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.save_button = QPushButton(_("Save a copy…"))
        self.save_button.setObjectName("saveCopy")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.choose_copy_file)
        self.fit_button = QPushButton(_("Whole page"))
        self.fit_button.setObjectName("fitPage")
        self.fit_button.setCheckable(True)
        self.fit_button.toggled.connect(self._fit)
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pageCount")
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.print_button)
        self.bar.addWidget(self.save_button)
        self.bar.addWidget(self.fit_button)
        self.bar.addStretch(1)
        self.bar.addWidget(self.pages_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.bar)
        layout.addWidget(self.view, 1)
        self.status = QLabel()
        self.status.setObjectName("viewerStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        if self.path is not None:
            self.load(self.path)
        else:
            self._show_state()

    def load(self, path: Path, title: str = "") -> bool:
        """Show ``path`` (instead of what was shown); False when it is not a readable PDF."""
        self.document.close()
        self.path = Path(path)
        self.title = title or self.path.name
        self.load_error = self.document.load(str(self.path))
        self._show_state()
        return self.loaded()

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def loaded(self) -> bool:
        from PySide6.QtPdf import QPdfDocument

        return self.load_error == QPdfDocument.Error.None_ and self.page_count() > 0

    def _show_state(self) -> None:
        if self.loaded():
            self.pages_label.setText(_("Pages: {n}").format(n=self.page_count()))
            self.status.setText(str(self.path))
        else:
            self.pages_label.setText("")
            self.status.setText(
                _("The file {path} could not be read as a PDF.").format(path=self.path)
                if self.path is not None
                else ""
            )
        self.print_button.setEnabled(self.loaded())
        self.save_button.setEnabled(self.loaded())

    def _fit(self, whole_page: bool) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        mode = QPdfView.ZoomMode.FitInView if whole_page else QPdfView.ZoomMode.FitToWidth
        self.view.setZoomMode(mode)

    # --- printing -----------------------------------------------------------------------

    def print_with_dialog(self) -> int:
        """The system's print dialog, then the chosen pages; returns the pages printed."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if not self.loaded():
            return 0
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title or self.window().windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        dialog.setMinMax(1, self.page_count())
        try:
            if messages.run_dialog(dialog) != QDialog.DialogCode.Accepted:
                return 0
        finally:
            dialog.deleteLater()
        return self.print_to(printer)

    def print_to(self, printer: Any) -> int:
        """Draw the printer's chosen pages (all by default) onto it; returns how many."""
        first, last = printer.fromPage(), printer.toPage()
        if first <= 0 or last <= 0:
            first, last = 1, self.page_count()
        pages = range(max(1, first) - 1, min(last, self.page_count()))
        painter = QPainter()
        if not painter.begin(printer):
            messages.show_error(self, _("The printer could not be started."), _("Print"))
            return 0
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        count = 0
        try:
            area = painter.viewport()
            dpi = min(int(printer.resolution()), PRINT_DPI)
            for index, page in enumerate(pages):
                if index:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                # The page as large as the printable area allows, its shape kept.
                scale = min(area.width() / points.width(), area.height() / points.height())
                width, height = int(points.width() * scale), int(points.height() * scale)
                image: QImage = self.document.render(
                    page,
                    QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72)),
                )
                painter.drawImage(
                    area.x() + (area.width() - width) // 2,
                    area.y(),
                    image.scaled(
                        width,
                        height,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    ),
                )
                count += 1
        finally:
            painter.end()
            QApplication.restoreOverrideCursor()
        self.status.setText(
            ngettext(
                "Sent to the printer: {n} page.", "Sent to the printer: {n} pages.", count
            ).format(n=count)
        )
        self.view.viewport().update()  # drawn again where the print dialog was
        self.printed.emit(count)
        return count

    # --- saving -------------------------------------------------------------------------

    def choose_copy_file(self) -> None:
        if self.path is None:
            return
        dest = choose_save_path(
            self,
            _("Save a copy of the PDF"),
            LAST_PDF_FOLDER,
            self.path.name,
            _("PDF documents (*.pdf)"),
            ".pdf",
        )
        if dest is not None:
            self.save_copy(dest)

    def save_copy(self, dest: Path | str) -> bool:
        dest = Path(dest)
        if self.path is None:
            return False
        try:
            if dest.resolve() != self.path.resolve():
                shutil.copyfile(self.path, dest)
        except OSError as exc:
            messages.show_error(
                self,
                _("The PDF could not be saved to {path}: {error}").format(
                    path=dest, error=exc.strerror or exc
                ),
            )
            return False
        self.status.setText(_("Saved to {path}.").format(path=dest))
        return True


class PdfViewer(QDialog):
    """One PDF in a window of its own: its pages, Print…, Save a copy… and Close."""

    printed = Signal(int)  # pages sent to the printer

    def __init__(
        self,
        path: Path,
        title: str = "",
        parent: QWidget | None = None,
        *,
        temporary: bool = False,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.temporary = temporary  # a preview's own file, removed when the viewer closes
        self.setObjectName("pdfViewer")
        self.setWindowTitle(title or self.path.name)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowMinimizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setModal(False)
        self.resize(820, 700)
        self.pane = PdfPane(None, self)
        self.pane.load(self.path, self.windowTitle())
        self.pane.printed.connect(self.printed)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        self.pane.bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pane)
        # The pane's parts, as the window's own (callers and tests reach them here).
        self.document = self.pane.document
        self.view = self.pane.view
        self.print_button = self.pane.print_button
        self.save_button = self.pane.save_button
        self.fit_button = self.pane.fit_button
        self.pages_label = self.pane.pages_label
        self.status = self.pane.status

    def page_count(self) -> int:
        return self.pane.page_count()

    def loaded(self) -> bool:
        return self.pane.loaded()

    def print_with_dialog(self) -> int:
        return self.pane.print_with_dialog()

    def print_to(self, printer: Any) -> int:
        return self.pane.print_to(printer)

    def choose_copy_file(self) -> None:
        self.pane.choose_copy_file()

    def save_copy(self, dest: Path | str) -> bool:
        return self.pane.save_copy(dest)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.document.close()
        if self.temporary:
            self.path.unlink(missing_ok=True)
            with suppress(OSError):  # the folder holds something else too: leave it
                self.path.parent.rmdir()
        _open.discard(self)
        super().closeEvent(event)


def show_pdf(
    path: Path | str, parent: QWidget | None = None, title: str = "", *, temporary: bool = False
) -> PdfViewer | None:
    """Show ``path`` in the program's own viewer; without QtPdf, in the PC's viewer, and
    without one, say where the file is. Returns the viewer when there is one."""
    path = Path(path)
    if not qtpdf_available():
        if not open_externally(path):
            messages.show_warning(parent, _no_viewer_text(path), _("The PDF cannot be shown"))
        return None
    viewer = PdfViewer(path, title, parent, temporary=temporary)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open.add(viewer)
    viewer.show()
    messages.bring_forward(viewer)
    return viewer


def _render_summary(context: AppContext, year: int, folder: Path) -> Path:
    """In a worker: the summary PDF on a connection of its own."""
    # reportlab is loaded here, the first time a report is made, never at start-up.
    from ruralcouncil.reports.summary_pdf import render_summary_pdf

    path = folder / f"summary-{year}.pdf"
    reader = context.ledger.sibling()
    try:
        render_summary_pdf(reader.conn, year, path)
    finally:
        reader.close()
    return path


def preview_summary(context: AppContext, year: int, parent: QWidget | None = None) -> None:
    """Write ``year``'s summary to a temporary file in a worker, then show it."""
    folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-"))
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    owner = parent

    def done(path: Path) -> None:
        QApplication.restoreOverrideCursor()
        if owner is not None and not shiboken6.isValid(owner):
            return
        title = _("Summary of {year}").format(year=year)
        # Without the program's own viewer the file is handed on, so it must stay.
        show_pdf(path, owner, title, temporary=qtpdf_available())

    def failed(error: Exception) -> None:
        QApplication.restoreOverrideCursor()
        shutil.rmtree(folder, ignore_errors=True)
        if owner is None or shiboken6.isValid(owner):
            messages.show_error(owner, error, _("The summary could not be made"))

    worker.start(lambda _progress: _render_summary(context, year, folder), done, failed)


def preview_report(
    context: AppContext,
    render: Callable[[Ledger, Path], object],
    file_name: str,
    title: str,
    parent: QWidget | None = None,
    *,
    failure: str = "",
) -> None:
    """Write a document (``render(reader, path)``, on a connection of its own) to a
    temporary file in a worker, then show it in the program's viewer."""
    folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-"))
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    owner = parent

    def write(_progress: object) -> Path:
        path = folder / file_name
        reader = context.ledger.sibling()
        try:
            render(reader, path)
        finally:
            reader.close()
        return path

    def done(path: Path) -> None:
        QApplication.restoreOverrideCursor()
        if owner is not None and not shiboken6.isValid(owner):
            return
        show_pdf(path, owner, title, temporary=qtpdf_available())

    def failed(error: Exception) -> None:
        QApplication.restoreOverrideCursor()
        shutil.rmtree(folder, ignore_errors=True)
        if owner is None or shiboken6.isValid(owner):
            messages.show_error(owner, error, failure or _("The document could not be made"))

    worker.start(write, done, failed)
