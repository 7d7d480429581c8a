"""Keeping the ledger safe: the anchor, backups, restore and verification.

Backup and verify run in a worker thread on their own connection. Restore rewrites the open
connection itself, so it runs on the GUI thread with a busy cursor: nothing else may read the
ledger while its pages are being replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.i18n import _
from ruralcouncil.ledger import backup, chain, verify
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.users import Action

_LAST_BACKUP_FOLDER = "backup/last_folder"
_OK_STYLE = "color: #1b5e20; font-weight: bold;"
_ERROR_STYLE = "color: #b71c1c; font-weight: bold;"
_WARNING_STYLE = "color: #e65100; font-weight: bold;"
_MONO = "font-family: monospace;"


def _settings() -> QSettings:
    return QSettings("RuralCouncil", "RuralCouncil")


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SafetyPage(QWidget):
    # Each emits the result, or the exception that stopped the work.
    backup_finished = Signal(object)
    restore_finished = Signal(object)
    verify_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._busy = False

        # --- anchor
        anchor_box = QGroupBox(_("Anchor of the ledger"))
        self.anchor_edit = QLineEdit()
        self.anchor_edit.setReadOnly(True)
        self.anchor_edit.setStyleSheet(_MONO)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.clicked.connect(self.copy_anchor)
        anchor_row = QHBoxLayout()
        anchor_row.addWidget(self.anchor_edit, 1)
        anchor_row.addWidget(self.copy_button)
        anchor_layout = QVBoxLayout(anchor_box)
        anchor_layout.addWidget(
            _label(
                _(
                    "The anchor is the number of entries in the ledger's hash chain and the "
                    "hash of the last one; printed on paper, it lets anyone check later that "
                    "the history up to that entry was not rewritten."
                )
            )
        )
        anchor_layout.addLayout(anchor_row)

        # --- backup
        backup_box = QGroupBox(_("Backup"))
        self.backup_folder_button = QPushButton(_("Back up to a folder or USB stick…"))
        self.backup_folder_button.clicked.connect(self.backup_now)
        self.backup_file_button = QPushButton(_("Back up to a file…"))
        self.backup_file_button.clicked.connect(self.backup_to_chosen_file)
        self.backup_progress = QProgressBar()
        self.backup_progress.setRange(0, 1)
        self.backup_progress.setValue(0)
        self.backup_status = _label()
        row = QHBoxLayout()
        row.addWidget(self.backup_folder_button)
        row.addWidget(self.backup_file_button)
        row.addStretch(1)
        backup_layout = QVBoxLayout(backup_box)
        backup_layout.addWidget(
            _label(
                _(
                    "A backup is a complete copy of the ledger, checked after it is written. "
                    "Keep one away from this computer, on a USB stick."
                )
            )
        )
        backup_layout.addLayout(row)
        backup_layout.addWidget(self.backup_progress)
        backup_layout.addWidget(self.backup_status)

        # --- restore
        restore_box = QGroupBox(_("Restore"))
        self.restore_button = QPushButton(_("Restore from a backup…"))
        self.restore_button.clicked.connect(self.restore)
        self.restore_status = _label()
        restore_layout = QVBoxLayout(restore_box)
        restore_layout.addWidget(
            _label(
                _(
                    "Restoring replaces the whole ledger with a backup. The current ledger is "
                    "kept aside in a file next to it first."
                )
            )
        )
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addStretch(1)
        restore_layout.addLayout(restore_row)
        restore_layout.addWidget(self.restore_status)
        if not context.may(Action.RESTORE):
            self.restore_button.setEnabled(False)
            self.restore_status.setText(_("Only an administrator may restore a backup."))

        # --- verify
        verify_box = QGroupBox(_("Verify"))
        self.verify_button = QPushButton(_("Verify now"))
        self.verify_button.clicked.connect(self.verify_now)
        self.check_anchor_edit = QLineEdit()
        self.check_anchor_edit.setPlaceholderText(
            _("optional: a printed anchor to check against, N:HEX")
        )
        self.check_anchor_edit.setStyleSheet(_MONO)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.check_anchor_edit, 1)
        self.verify_progress = QProgressBar()
        self.verify_progress.setRange(0, 1)
        self.verify_progress.setValue(0)
        self.verify_status = _label()
        self.verify_problems = QListWidget()
        self.verify_problems.setMaximumHeight(140)
        self.verify_problems.hide()
        verify_layout = QVBoxLayout(verify_box)
        verify_layout.addWidget(
            _label(
                _(
                    "Verification runs SQLite's integrity check and recomputes the hash chain: "
                    "a changed amount, date or text anywhere in posted history is found, and "
                    "the first bad entry is named."
                )
            )
        )
        verify_layout.addLayout(verify_row)
        verify_layout.addWidget(self.verify_progress)
        verify_layout.addWidget(self.verify_status)
        verify_layout.addWidget(self.verify_problems)

        layout = QVBoxLayout(self)
        for box in (anchor_box, backup_box, restore_box, verify_box):
            layout.addWidget(box)
        layout.addStretch(1)

        self.refresh()
        context.changed.connect(self.refresh)

    # --- anchor ----------------------------------------------------------------------

    def anchor_text(self) -> str:
        entries, head = chain.head(self.context.ledger.conn)
        return f"{entries}:{head}"

    def refresh(self) -> None:
        self.anchor_edit.setText(self.anchor_text())
        self.anchor_edit.setCursorPosition(0)

    def copy_anchor(self) -> None:
        QGuiApplication.clipboard().setText(self.anchor_edit.text())

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.backup_folder_button, self.backup_file_button, self.verify_button):
            button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.context.may(Action.RESTORE))

    # --- backup ----------------------------------------------------------------------

    def backup_now(self) -> None:
        """Ask for a folder (a USB stick) and back up there under a name with the anchor."""
        start = str(_settings().value(_LAST_BACKUP_FOLDER, "") or Path.home())
        folder = QFileDialog.getExistingDirectory(self, _("Choose a folder for the backup"), start)
        if folder:
            _settings().setValue(_LAST_BACKUP_FOLDER, folder)
            self.backup_to(Path(folder))

    def backup_to_chosen_file(self) -> None:
        start = str(_settings().value(_LAST_BACKUP_FOLDER, "") or Path.home())
        name, _filter = QFileDialog.getSaveFileName(
            self,
            _("Back up to a file"),
            start,
            _("RuralCouncil ledgers (*{suffix})").format(suffix=backup.SUFFIX),
        )
        if name:
            _settings().setValue(_LAST_BACKUP_FOLDER, str(Path(name).parent))
            self.backup_to(Path(name))

    def backup_to(self, dest: Path | str) -> None:
        """Back up into the folder ``dest``, or to the new file ``dest``, in a worker."""
        if self._busy:
            return
        ledger = self.context.ledger

        def run(progress: Any) -> Any:
            own = ledger.sibling(write=False)
            try:
                return backup.backup_ledger(own, dest, progress)
            finally:
                own.close()

        self._set_busy(True)
        self.backup_progress.setRange(0, 0)
        self.backup_status.setStyleSheet("")
        self.backup_status.setText(_("Writing the backup…"))
        worker.start(
            run,
            self._backup_done,
            self._backup_failed,
            lambda d, t: self._progress(self.backup_progress, d, t),
        )

    def _backup_done(self, result: backup.BackupResult) -> None:
        self._set_busy(False)
        self.backup_progress.setRange(0, 1)
        self.backup_progress.setValue(1)
        self.backup_status.setStyleSheet(_OK_STYLE)
        self.backup_status.setText(
            _(
                "The backup {path} was written and checked. It holds {entries} chain "
                "entries; its anchor is {entries}:{head}."
            ).format(path=result.path, entries=result.entries, head=result.head)
        )
        self.backup_finished.emit(result)

    def _backup_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.backup_progress.setRange(0, 1)
        self.backup_progress.setValue(0)
        self.backup_status.setStyleSheet(_ERROR_STYLE)
        self.backup_status.setText(messages.error_text(error))
        self.backup_finished.emit(error)

    # --- restore ---------------------------------------------------------------------

    def restore(self) -> None:
        """Ask for a backup file, warn, then restore it (administrators only)."""
        start = str(_settings().value(_LAST_BACKUP_FOLDER, "") or Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the backup to restore"),
            start,
            _("RuralCouncil ledgers (*{suffix});;All files (*)").format(suffix=backup.SUFFIX),
        )
        if not name:
            return
        answer = QMessageBox.warning(
            self,
            _("Restore a backup"),
            _(
                "The whole ledger will be replaced by the backup {name}. Anything recorded "
                "after that backup was made will no longer be in the ledger (the current "
                "ledger is kept aside in a file). Restore?"
            ).format(name=Path(name).name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(Path(name))

    def restore_from(self, source: Path | str) -> None:
        """Restore ``source`` without asking: the caller has confirmed."""
        if self._busy:
            return
        self._set_busy(True)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result: Any = backup.restore_ledger(self.context.ledger, self.context.user, source)
        except Exception as exc:  # shown to the user; a refusal writes nothing
            result = exc
        finally:
            QApplication.restoreOverrideCursor()
            self._set_busy(False)
        if isinstance(result, Exception):
            self.restore_status.setStyleSheet(_ERROR_STYLE)
            self.restore_status.setText(messages.error_text(result))
        else:
            text = _(
                "The ledger was restored from {name}: {entries} chain entries. The ledger as "
                "it was is kept in {aside}."
            ).format(name=Path(source).name, entries=result.entries_after, aside=result.kept_aside)
            if result.warning:
                self.restore_status.setStyleSheet(_WARNING_STYLE)
                text = result.warning + "\n" + text
            else:
                self.restore_status.setStyleSheet(_OK_STYLE)
            self.restore_status.setText(text)
            self.context.notify_changed()
        self.restore_finished.emit(result)

    # --- verify ----------------------------------------------------------------------

    def verify_now(self) -> None:
        """Verify the ledger in a worker, against the optional printed anchor."""
        if self._busy:
            return
        anchor_text = self.check_anchor_edit.text().strip()
        try:
            anchor = verify.parse_anchor(anchor_text) if anchor_text else None
        except LedgerError as exc:
            self._show_verify_error(str(exc))
            self.verify_finished.emit(exc)
            return
        ledger = self.context.ledger

        def run(progress: Any) -> verify.VerifyResult:
            own = ledger.sibling(write=False)
            try:
                return verify.verify(own.conn, anchor, progress)
            finally:
                own.close()

        self._set_busy(True)
        self.verify_problems.clear()
        self.verify_problems.hide()
        self.verify_progress.setRange(0, 0)
        self.verify_status.setStyleSheet("")
        self.verify_status.setText(_("Verifying…"))
        worker.start(
            run,
            self._verify_done,
            self._verify_failed,
            lambda d, t: self._progress(self.verify_progress, d, t),
        )

    def _verify_done(self, result: verify.VerifyResult) -> None:
        self._set_busy(False)
        self.verify_progress.setRange(0, 1)
        self.verify_progress.setValue(1)
        if result.ok:
            self.verify_status.setStyleSheet(_OK_STYLE)
            self.verify_status.setText(
                _("The ledger is intact: {entries} chain entries, head {head}.").format(
                    entries=result.entries, head=result.head
                )
            )
        else:
            if result.first_bad is not None:
                text = _("Problems found: {n}. The first bad entry is number {first}.").format(
                    n=len(result.problems), first=result.first_bad
                )
            else:
                text = _("Problems found: {n}.").format(n=len(result.problems))
            self.verify_status.setStyleSheet(_ERROR_STYLE)
            self.verify_status.setText(text)
            self.verify_problems.addItems(result.problems)
            self.verify_problems.show()
        self.verify_finished.emit(result)

    def _verify_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._show_verify_error(messages.error_text(error))
        self.verify_finished.emit(error)

    def _show_verify_error(self, text: str) -> None:
        self.verify_progress.setRange(0, 1)
        self.verify_progress.setValue(0)
        self.verify_status.setStyleSheet(_ERROR_STYLE)
        self.verify_status.setText(text)

    @staticmethod
    def _progress(bar: QProgressBar, done: int, total: int) -> None:
        if total > 0:
            bar.setRange(0, total)
            bar.setValue(min(done, total))
