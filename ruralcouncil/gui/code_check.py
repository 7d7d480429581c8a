"""Check a printed code (DESIGN §2.9, §4.4): the person holding a paper types its code, and
the window says whether it matches this ledger's history, what the paper covered and its
totals, to compare with the paper. The core's ``verification.check`` decides (the same as
``verify-report``), in a worker: it verifies the whole ledger first."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.i18n import _

_MATCH_STYLE = "color: #1b5e20; font-weight: bold;"
_NO_MATCH_STYLE = "color: #b71c1c; font-weight: bold;"


class CodeCheckDialog(QDialog):
    checked = Signal(object)  # the Verdict, or the exception that stopped the check

    def __init__(self, context: AppContext, parent: QWidget | None = None, code: str = "") -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("codeCheck")
        self.setWindowTitle(_("Check a printed code"))
        self.setMinimumWidth(560)
        intro = QLabel(
            _(
                "Type the verification code printed at the foot of the document (or read "
                "from its QR code). The program says whether this ledger's history printed "
                "it, and shows the document's totals to compare with the paper."
            )
        )
        intro.setWordWrap(True)
        self.code_edit = QLineEdit(code)
        self.code_edit.setObjectName("code")
        self.code_edit.setPlaceholderText("YS2026-1234-89AB-CDEF-0123-4567")
        self.check_button = QPushButton(_("Check"))
        self.check_button.setObjectName("check")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.check_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def check(self) -> None:
        text = self.code_edit.text().strip()
        if not text or not self.check_button.isEnabled():
            return
        ledger = self.context.ledger
        self.check_button.setEnabled(False)
        self.progress.show()
        self.verdict_label.clear()
        self.details.clear()

        def run(_progress: object) -> object:
            from ruralcouncil.reports.verification import check

            reader = ledger.sibling()
            try:
                return check(reader, text)
            finally:
                reader.close()

        def done(verdict: object) -> None:
            if shiboken6.isValid(self):
                self._show(verdict)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self):
                self._idle()
                messages.show_error(self, error, _("The code could not be checked"))
                self.checked.emit(error)

        from ruralcouncil.gui import worker

        worker.start(run, done, failed)

    def _idle(self) -> None:
        self.check_button.setEnabled(True)
        self.progress.hide()

    def _show(self, verdict: object) -> None:
        from ruralcouncil.reports.verification import Verdict

        assert isinstance(verdict, Verdict)
        self._idle()
        if verdict.matches and verdict.code is not None:
            self.verdict_label.setStyleSheet(_MATCH_STYLE)
            self.verdict_label.setText(_("The code matches this ledger's history."))
            lines = [
                _("Document: {document}").format(document=verdict.document),
                _("Covers: {covers}").format(covers=verdict.covers),
                _("Read at chain position {position}.").format(position=verdict.code.position),
                "",
                *(f"{what}: {value}" for what, value in verdict.totals),
                "",
                _("Compare these figures with the paper: they must be the same."),
            ]
            self.details.setText("\n".join(lines))
        else:
            self.verdict_label.setStyleSheet(_NO_MATCH_STYLE)
            self.verdict_label.setText(_("The code does not match."))
            self.details.setText(verdict.reason)
        self.checked.emit(verdict)
