"""Keeping the ledger safe: the anchor, backups, restore and verification.

Backup and verify run in a worker thread on their own connection. Restore rewrites the open
connection itself; it runs in a worker too, behind a modal progress window (no cancel): while
it runs, nothing on the GUI thread may read the ledger, since its pages are being replaced.
The modal window blocks every page, menu and shortcut, and ``AppContext.busy`` keeps the main
window from closing the connection under it.

A restore needs the administrator's own password (they must be able to log in to the backup)
and, for a backup of another ledger, an explicit Yes naming both villages; the core decides
both (``backup.restore_ledger``), the page only asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import backup, chain, users, verify
from ruralcouncil.ledger.errors import LedgerError, OtherLedger
from ruralcouncil.ledger.users import Action

_LAST_BACKUP_FOLDER = "backup/last_folder"
_OK_STYLE = "color: #1b5e20; font-weight: bold;"
_ERROR_STYLE = "color: #b71c1c; font-weight: bold;"
_WARNING_COLOUR = "#e65100"
_WARNING_STYLE = f"color: {_WARNING_COLOUR}; font-weight: bold;"
_MONO = "font-family: monospace;"


_settings = folder_settings


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def first_bad_text(result: verify.VerifyResult) -> str:
    """The summary line of a verification that found problems."""
    n = len(result.problems)
    if result.first_bad is not None and result.first_bad_seq is not None:
        return _(
            "Problems found: {n}. The first bad entry is number {first} (chain position {seq})."
        ).format(n=n, first=result.first_bad, seq=result.first_bad_seq)
    if result.first_bad is not None:
        return _("Problems found: {n}. The first bad entry is number {first}.").format(
            n=n, first=result.first_bad
        )
    if result.first_bad_seq is not None:
        return _(
            "Problems found: {n}. The first bad record is at chain position {seq}; it is not "
            "an entry of the ledger (a user, a setting, an event or a signature)."
        ).format(n=n, seq=result.first_bad_seq)
    return _("Problems found: {n}.").format(n=n)


class RestorePasswordDialog(QDialog):
    """Before a restore: the administrator's own password, which must open the backup."""

    def __init__(self, user_name: str, backup_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restorePasswordDialog")
        self.setWindowTitle(_("Restore a backup"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                _(
                    "To restore {backup}, type your own password, {user}. You must be an "
                    "administrator in that backup with this same password, so that you can "
                    "log in to the ledger once it is restored."
                ).format(backup=backup_name, user=user_name)
            )
        )
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Password:")))
        self.password = QLineEdit()
        self.password.setObjectName("restorePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(users.MAX_PASSWORD_LENGTH)
        row.addWidget(self.password, 1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Restore"))
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))

    def accept(self) -> None:
        if self.password.text():
            super().accept()


class RestoreProgress(QDialog):
    """A modal window while a restore runs: no cancel, since a restore stopped halfway is
    put back by the core, not by the user; Escape and the close button do nothing."""

    def __init__(self, backup_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreProgress")
        self.setWindowTitle(_("Restore a backup"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(420)
        self._finished = False
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                _("Restoring {name}… Please wait, and do not switch the computer off.").format(
                    name=backup_name
                )
            )
        )
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the copy reports its pages
        layout.addWidget(self.bar)

    def finish(self) -> None:
        self._finished = True
        self.close()
        self.deleteLater()

    def reject(self) -> None:
        if self._finished:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._finished:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._finished:
            event.ignore()
            return
        super().closeEvent(event)


class SafetyPage(QWidget):
    # Each emits the result, or the exception that stopped the work.
    backup_finished = Signal(object)
    restore_finished = Signal(object)
    verify_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._busy = False
        self.restore_dialog: RestoreProgress | None = None

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
            _("optional: a printed anchor (N:HEX) or a document's verification code")
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
        self.verify_admin_set_label = _label(
            _(
                "Records signed with a password an administrator set, per user. The "
                "administrator knew that password too, so could have signed them. Ask whoever "
                "still has such a password to choose their own (Change my password…)."
            )
        )
        self.verify_admin_set_label.setStyleSheet(_WARNING_STYLE)
        self.verify_admin_set_label.hide()
        self.verify_admin_set = QListWidget()
        self.verify_admin_set.setObjectName("adminSetKeys")
        self.verify_admin_set.hide()
        verify_layout = QVBoxLayout(verify_box)
        verify_layout.addWidget(
            _label(
                _(
                    "Verification runs SQLite's integrity check, recomputes the hash chain and "
                    "checks every signature: a changed amount, date or text anywhere in posted "
                    "history, or an entry added by someone who did not know its author's "
                    "password, is found, and the first bad entry is named."
                )
            )
        )
        verify_layout.addLayout(verify_row)
        verify_layout.addWidget(self.verify_progress)
        verify_layout.addWidget(self.verify_status)
        verify_layout.addWidget(self.verify_problems)
        verify_layout.addWidget(self.verify_admin_set_label)
        verify_layout.addWidget(self.verify_admin_set)

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
            ngettext(
                "The backup {path} was written and checked. It holds {entries} chain "
                "entry; its anchor is {entries}:{head}.",
                "The backup {path} was written and checked. It holds {entries} chain "
                "entries; its anchor is {entries}:{head}.",
                result.entries,
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
        """Ask for a backup file, warn, ask for the administrator's password, then restore."""
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
        if answer != QMessageBox.StandardButton.Yes:
            return
        password = self.ask_restore_password(Path(name))
        if password is not None:
            self.restore_from(Path(name), password)

    def ask_restore_password(self, source: Path) -> str | None:
        """The restorer's own password (None when they cancel)."""
        dialog = RestorePasswordDialog(self.context.user.name, source.name, self)
        try:
            if messages.run_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            return dialog.password.text()
        finally:
            dialog.deleteLater()

    def restore_from(
        self, source: Path | str, password: str, *, other_village: bool = False
    ) -> None:
        """Restore ``source`` without asking again: the caller has confirmed, and ``password``
        is the restorer's own. Runs in a worker behind a modal progress window; emits
        ``restore_finished`` once, with the result or the refusal."""
        if self._busy:
            return
        source = Path(source)
        ledger, user = self.context.ledger, self.context.user

        def run(progress: Any) -> backup.RestoreResult:
            return backup.restore_ledger(
                ledger, user, source, password, progress, other_village=other_village
            )

        self._set_busy(True)
        # Until the worker is done, nothing on the GUI thread may read the open connection
        # it rewrites: the modal window blocks every page, menu and shortcut, and the main
        # window refuses to close (context.busy).
        self.context.busy = True
        self.restore_status.setStyleSheet("")
        self.restore_status.setText(_("Restoring {name}…").format(name=source.name))
        dialog = self.restore_dialog = RestoreProgress(source.name, self)
        dialog.show()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

        def progress(done: int, total: int) -> None:
            if dialog is self.restore_dialog:  # not after it was closed
                self._progress(dialog.bar, done, total)

        worker.start(
            run,
            lambda result: self._restore_done(source, result),
            lambda error: self._restore_failed(source, password, other_village, error),
            progress,
        )

    def _restore_ended(self) -> None:
        QApplication.restoreOverrideCursor()
        if self.restore_dialog is not None:
            self.restore_dialog.finish()
            self.restore_dialog = None
        self.context.busy = False
        # The file may have been replaced: what the clock's check read of it is no longer
        # known to hold.
        self.context.clock.forget()
        self._set_busy(False)

    def _restore_done(self, source: Path, result: backup.RestoreResult) -> None:
        self._restore_ended()
        if result.user is not None:
            # Logged in to the restored ledger: their key there may differ from before.
            self.context.set_user(result.user)
        text = ngettext(
            "The ledger was restored from {name}: {entries} chain entry. The ledger as "
            "it was is kept in {aside}.",
            "The ledger was restored from {name}: {entries} chain entries. The ledger as "
            "it was is kept in {aside}.",
            result.entries_after,
        ).format(name=source.name, entries=result.entries_after, aside=result.kept_aside)
        if result.warning:
            self.restore_status.setStyleSheet(_WARNING_STYLE)
            text = result.warning + "\n" + text
        else:
            self.restore_status.setStyleSheet(_OK_STYLE)
        self.restore_status.setText(text)
        self.context.notify_changed()
        self.restore_finished.emit(result)

    def _restore_failed(
        self, source: Path, password: str, other_village: bool, error: Exception
    ) -> None:
        self._restore_ended()
        if not other_village and isinstance(error, OtherLedger):
            self.restore_status.setText("")  # the question says what happened
            if self._confirm_other_village(source, error):
                self.restore_from(source, password, other_village=True)
                return
            self.restore_status.setStyleSheet(_ERROR_STYLE)
            self.restore_status.setText(
                _("The backup {name} is of another ledger; nothing was restored.").format(
                    name=source.name
                )
            )
        else:
            self.restore_status.setStyleSheet(_ERROR_STYLE)
            self.restore_status.setText(messages.error_text(error))
        self.restore_finished.emit(error)

    def _confirm_other_village(self, source: Path, refusal: OtherLedger) -> bool:
        """Yes only when the administrator confirms they mean another village's ledger."""
        ours, theirs = refusal.own_village, refusal.village
        return messages.ask(
            self,
            _(
                "The backup {name} is not a copy of this ledger: it is the ledger of "
                "{theirs}, and this one is the ledger of {ours}.\n\n"
                "Replace the ledger of {ours} with the ledger of {theirs}? Everything in this "
                "ledger will be replaced (it is kept aside in a file next to it). Answer No "
                "unless you are sure that you mean another village's ledger."
            ).format(name=source.name, theirs=theirs, ours=ours),
            _("A backup of another village"),
        )

    # --- verify ----------------------------------------------------------------------

    def verify_now(self) -> None:
        """Verify the ledger in a worker, against the optional printed anchor."""
        if self._busy:
            return
        anchor_text = self.check_anchor_edit.text().strip()
        from ruralcouncil.reports.codes import parse_report_code

        if anchor_text and parse_report_code(anchor_text) is not None:
            # A printed document's code, typed here: it is checked as such.
            from ruralcouncil.gui.code_check import CodeCheckDialog

            dialog = CodeCheckDialog(self.context, self, code=anchor_text)
            dialog.show()
            dialog.check()
            self.code_check = dialog
            return
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
        self.verify_admin_set.clear()
        self.verify_admin_set_label.hide()
        self.verify_admin_set.hide()
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
                ngettext(
                    "The ledger is intact: {entries} chain entry, head {head}.",
                    "The ledger is intact: {entries} chain entries, head {head}.",
                    result.entries,
                ).format(entries=result.entries, head=result.head)
                + "\n"
                + ngettext("{n} entry", "{n} entries", result.transactions).format(
                    n=result.transactions
                )
                + ", "
                + ngettext("{n} signed commit", "{n} signed commits", result.signed_commits).format(
                    n=result.signed_commits
                )
                + "."
            )
        else:
            self.verify_status.setStyleSheet(_ERROR_STYLE)
            self.verify_status.setText(first_bad_text(result))
            self.verify_problems.addItems(result.problems)
            self.verify_problems.show()
        self._show_admin_set_keys(result)
        # On a small screen the result is below the fold: scroll to it once it is laid out.
        last = self.verify_admin_set if self.verify_admin_set.isVisibleTo(self) else None
        QTimer.singleShot(0, self, lambda: self._bring_into_view(last or self.verify_status))
        self.verify_finished.emit(result)

    def _bring_into_view(self, widget: QWidget) -> None:
        """Scroll the window's page area (if the page is in one) so ``widget`` is in sight."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(widget)

    def _show_admin_set_keys(self, result: verify.VerifyResult) -> None:
        """Who signed records with a password an administrator set, how many, and whether
        they still have that password."""
        self.verify_admin_set.clear()
        if not result.admin_set_keys:
            self.verify_admin_set_label.hide()
            self.verify_admin_set.hide()
            return
        still = users.admin_set_keys(self.context.ledger)
        for name, (count, positions) in sorted(result.admin_set_keys.items()):
            text = (
                _("{user}: {n}; their password is still the one an administrator set")
                if name in still
                else _("{user}: {n}; they have chosen their own password since")
            )
            item = QListWidgetItem(text.format(user=name, n=count))
            if name in still:
                item.setForeground(QColor(_WARNING_COLOUR))
            if positions:
                shown = ", ".join(str(p) for p in positions)
                more = "…" if count > len(positions) else ""
                item.setToolTip(
                    _("The first of them at chain positions: {positions}").format(
                        positions=shown + more
                    )
                )
            self.verify_admin_set.addItem(item)
        # As tall as its lines (up to five, then it scrolls): a village has a few users.
        shown_rows = min(self.verify_admin_set.count(), 5)
        frame = 2 * self.verify_admin_set.frameWidth()
        self.verify_admin_set.setFixedHeight(
            self.verify_admin_set.sizeHintForRow(0) * shown_rows + frame + 4
        )
        self.verify_admin_set_label.show()
        self.verify_admin_set.show()

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
