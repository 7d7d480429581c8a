"""Importing historical records from a CSV file (DESIGN §4), all or nothing.

The import runs in a worker thread on its own connection, with a progress bar; a refused
file lists every bad line, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.messages import error_text
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.i18n import _, locale_name, ngettext
from ruralcouncil.ledger.errors import ImportRejected, LedgerError
from ruralcouncil.ledger.users import Action

_LAST_FOLDER = "import/last_folder"
_OK_STYLE = "color: #1b5e20; font-weight: bold;"
_ERROR_STYLE = "color: #b71c1c; font-weight: bold;"


def _size_text(size: int) -> str:
    from babel.numbers import format_decimal

    if size < 10_000:
        return ngettext("{n} byte", "{n} bytes", size).format(
            n=format_decimal(size, locale=locale_name())
        )
    return _("{n} KB").format(n=format_decimal(round(size / 1024), locale=locale_name()))


class ImportDialog(QDialog):
    # Emitted when an import ends: the ImportResult, or the exception that refused it.
    import_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path: Path | None = None
        self.result: Any = None
        self.setWindowTitle(_("Import transactions from a CSV file"))
        self.setMinimumWidth(560)
        self.resize(680, 480)

        intro = QLabel(
            _(
                "Choose a CSV file of transactions (columns date, type, amount, category, "
                "fund, account, to_account, counterparty, description, reference). The whole "
                "file is imported, or nothing at all if any line is wrong."
            )
        )
        intro.setWordWrap(True)
        self.choose_button = QPushButton(_("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(_("No file chosen."))
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()  # the core's own words for a refusal
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self.problems = QListWidget()
        self.problems.setMinimumHeight(160)
        # A problem names the line and what is wrong with it: show it whole, not clipped.
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            _("Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.detail)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.buttons)

        self._busy = False
        self.choose_button.setEnabled(context.may(Action.RECORD))
        self._show_idle_status()

    def _show_idle_status(self) -> None:
        if self.context.may(Action.RECORD):
            self._show_status("", "")
        else:
            self._show_status(
                _("Only an administrator or a clerk may import transactions."), _ERROR_STYLE
            )

    def choose_file(self) -> None:
        folder = str(folder_settings().value(_LAST_FOLDER, "") or Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a CSV file"), folder, _("CSV files (*.csv);;All files (*)")
        )
        if name:
            folder_settings().setValue(_LAST_FOLDER, str(Path(name).parent))
            self.set_path(Path(name))

    def set_path(self, path: Path | str) -> None:
        """Take ``path`` as the file to import (the file dialog calls this too)."""
        path = Path(path)
        self.path = path
        self.result = None
        self.problems.clear()
        self.problems.hide()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.file_label.setText(str(path))
            self._show_status(
                _("The file {path} cannot be read: {error}").format(path=path, error=exc),
                _ERROR_STYLE,
            )
            self.import_button.setEnabled(False)
            return
        self.file_label.setText(
            _("{name} ({size}) in {folder}").format(
                name=path.name, size=_size_text(size), folder=path.parent
            )
        )
        self._show_idle_status()
        self.import_button.setEnabled(self.context.may(Action.RECORD))

    def start_import(self) -> None:
        if self.path is None or self._busy:
            return
        from ruralcouncil.ledger import importer  # only needed once someone imports

        path, user, ledger = self.path, self.context.user, self.context.ledger

        def run(progress: Any) -> Any:
            # A separate connection: the GUI thread keeps reading on the main one meanwhile.
            own = ledger.sibling(write=True)
            try:
                return importer.import_transactions(own, user, path, progress)
            finally:
                own.close()

        self._busy = True
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.problems.clear()
        self.problems.hide()
        self.progress.setRange(0, 0)  # busy until the first progress report
        self._show_status(_("Importing {name}…").format(name=path.name), "")
        worker.start(run, self._done, self._failed, self._progress)

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _finish(self) -> None:
        self._busy = False
        self.choose_button.setEnabled(self.context.may(Action.RECORD))

    def _done(self, result: Any) -> None:
        self._finish()
        self.result = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._show_status(
            ngettext(
                "{rows} transaction was imported from {name} (entries {first} to {last}).",
                "{rows} transactions were imported from {name} (entries {first} to {last}).",
                result.rows,
            ).format(
                rows=result.rows,
                name=self.path.name if self.path else "",
                first=result.first_id,
                last=result.last_id,
            ),
            _OK_STYLE,
        )
        self.context.notify_changed()
        self.import_finished.emit(result)

    def _failed(self, error: Exception) -> None:
        self._finish()
        self.import_button.setEnabled(self.context.may(Action.RECORD))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(error, LedgerError):
            self._show_status(
                _("The file was refused. Nothing was written to the ledger."),
                _ERROR_STYLE,
                detail=str(error),
            )
            if isinstance(error, ImportRejected):
                self.problems.addItems(error.problems)
                self.problems.show()
        else:
            self._show_status(error_text(error), _ERROR_STYLE)
        self.import_finished.emit(error)

    def _show_status(self, text: str, style: str, detail: str = "") -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))

    def reject(self) -> None:
        if self._busy:  # the worker holds a connection; let it finish (it is all or nothing)
            return
        super().reject()
