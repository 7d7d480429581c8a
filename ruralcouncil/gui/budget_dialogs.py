"""Adopt or amend a year's budget: a ``category,fund,amount`` file and the resolution that
decided it. One core call (``budget.adopt``); what it refuses is shown in its own words, with
each bad line of the file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import budget, catalog, meetings
from ruralcouncil.ledger.classification import EXPENDITURE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports.council_text import subject_text

LAST_BUDGET_FOLDER = "budget/last_folder"


def budget_resolutions(context: AppContext, year: int) -> list[meetings.Resolution]:
    """Resolutions that may adopt or amend ``year``'s budget: passed, confirmed, unused,
    about budget:YEAR or virement:YEAR."""
    wanted = {f"budget:{year}", f"virement:{year}"}
    return [
        r
        for r in meetings.resolutions(context.ledger.conn)
        if r.subject in wanted and r.in_effect and r.used_for is None
    ]


class AdoptBudgetDialog(QDialog):
    """On acceptance ``version`` holds the number of the version adopted."""

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.version: int | None = None
        self.data: bytes | None = None
        self.setObjectName("adoptBudgetDialog")
        self.setWindowTitle(_("Adopt or amend the budget"))
        self.setMinimumWidth(560)

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.valueChanged.connect(self._fill_resolutions)
        self.path = QLineEdit()
        self.path.setObjectName("budgetFile")
        self.path.setReadOnly(True)
        choose = QPushButton(_("Choose…"))
        choose.setObjectName("chooseBudgetFile")
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolution")
        self.preview = QLabel()
        self.preview.setObjectName("budgetPreview")
        self.preview.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Budget file:"), file_row)
        form.addRow(_("Resolution:"), self.resolution)
        note = QLabel(
            _(
                "The file has the columns category, fund and amount (tenge): one line per "
                "revenue source and expenditure program. The first budget of a year is adopted "
                "by a resolution about budget:YEAR; a later version by budget:YEAR (an "
                "amendment) or virement:YEAR (moving appropriations between programs)."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Adopt"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.adopt)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._fill_resolutions()

    def _fill_resolutions(self) -> None:
        year = self.year.value()
        self.resolution.clear()
        conn = self.context.ledger.conn
        for r in budget_resolutions(self.context, year):
            self.resolution.addItem(
                _("{ref} of {day}: {subject}").format(
                    ref=r.ref, day=shown_date(r.date), subject=subject_text(conn, r.subject)
                ),
                r.ref,
            )
        if not self.resolution.count():
            self.resolution.addItem(
                _("No passed, confirmed resolution about budget:{year} or virement:{year}").format(
                    year=year
                ),
                None,
            )
        self._update_ok()

    def choose_file(self) -> None:
        folder = str(folder_settings().value(LAST_BUDGET_FOLDER, "") or "") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the budget file"), folder, _("CSV files (*.csv);;All files (*)")
        )
        if name:
            folder_settings().setValue(LAST_BUDGET_FOLDER, str(Path(name).parent))
            self.set_path(Path(name))

    def set_path(self, path: Path) -> None:
        """Read the file and say what it holds, or every line the core refuses in it."""
        self.path.setText(str(path))
        self.data = None
        self.preview.clear()
        try:
            data = path.read_bytes()
        except OSError as exc:
            show_problem(
                self.error,
                _("The file {path} could not be read: {error}").format(
                    path=path, error=exc.strerror or exc
                ),
            )
            self._update_ok()
            return
        try:
            lines = budget.read_budget(self.context.ledger.conn, data)
        except LedgerError as exc:
            show_problem(self.error, messages.error_text(exc))
            self._update_ok()
            return
        show_problem(self.error, "")
        self.data = data
        kinds = {code: catalog.kind_of(self.context.ledger.conn, code) for code, _f in lines}
        spending = sum(v for (code, _f), v in lines.items() if kinds[code] == EXPENDITURE)
        estimates = sum(v for (code, _f), v in lines.items() if kinds[code] != EXPENDITURE)
        self.preview.setText(
            ngettext("{n} line read", "{n} lines read", len(lines)).format(n=len(lines))
            + ": "
            + _("appropriations {spending}, revenue estimates {estimates}.").format(
                spending=format_amount(spending), estimates=format_amount(estimates)
            )
        )
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(
            self.data is not None and self.resolution.currentData() is not None
        )

    def adopt(self) -> None:
        ref = self.resolution.currentData()
        if self.data is None or ref is None:
            return
        try:
            self.version = budget.adopt(
                self.context.ledger, self.context.user, self.year.value(), self.data, str(ref)
            )
        except LedgerError as exc:
            show_problem(self.error, messages.error_text(exc))
            return
        self.context.notify_changed()
        self.accept()
