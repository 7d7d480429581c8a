"""Closing a year, adding a fund, adding a category (a revenue source or an expenditure
program).

Each dialog only asks: OK calls the core's service (``journal.close_year``,
``catalog.add_fund``, ``catalog.add_category``), which checks the permission and the values and
decides; a refusal is shown in the dialog, which stays open so the user can correct it.
The window offers these only to the roles the core allows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, journal, queries
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.errors import LedgerError


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


class _ServiceDialog(QDialog):
    """OK calls :meth:`save`; a refusal stays in the dialog, in red, and nothing is saved."""

    def __init__(self, title: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.saved = False
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def save(self) -> bool:
        """Call the service; False when the user changed their mind (nothing is saved)."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            if not self.save():
                return
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            return
        show_problem(self.error, "")
        self.saved = True
        super().accept()


class _Names:
    """The three names of a fund or a category, one per language."""

    def __init__(self, form: QFormLayout) -> None:
        self.kk = QLineEdit()
        self.kk.setObjectName("nameKk")
        self.ru = QLineEdit()
        self.ru.setObjectName("nameRu")
        self.en = QLineEdit()
        self.en.setObjectName("nameEn")
        form.addRow(_("Name in Kazakh:"), self.kk)
        form.addRow(_("Name in Russian:"), self.ru)
        form.addRow(_("Name in English:"), self.en)

    def values(self) -> tuple[str, str, str]:
        return self.kk.text(), self.ru.text(), self.en.text()


def _code_field(form: QFormLayout, example: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName("code")
    field.setMaxLength(24)
    field.setPlaceholderText(_("for example {code}").format(code=example))
    form.addRow(_("Code:"), field)
    return field


_CODE_NOTE = N_(
    "The code is short: capital Latin letters, digits and dashes, starting with a letter. It "
    "is what import files and the command line use; people see the name in their language. "
    "A name left empty is filled in from another language. Once saved, it cannot be removed."
)


class AddFundDialog(_ServiceDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a fund"), "addFundDialog", parent)
        self.context = context
        self.layout_.insertWidget(
            0,
            _note(
                _(
                    "A fund keeps money for one purpose apart: a project the community "
                    "collects for, an earmarked donation, a state subsidy. Money never moves "
                    "between funds without a council resolution."
                )
            ),
        )
        self.code = _code_field(self.form, "WELL-2026")
        self.names = _Names(self.form)
        self.restricted = QCheckBox(_("Restricted: its money may only be spent on its purpose"))
        self.restricted.setObjectName("restricted")
        self.restricted.setChecked(True)
        self.form.addRow("", self.restricted)
        self.purpose = QPlainTextEdit()
        self.purpose.setObjectName("purpose")
        self.purpose.setMaximumHeight(70)
        self.form.addRow(_("Purpose:"), self.purpose)
        self.layout_.addWidget(_note(_(_CODE_NOTE)))
        self.ok_button.setText(_("Add the fund"))
        self.finish_layout()

    def save(self) -> bool:
        kk, ru, en = self.names.values()
        catalog.add_fund(
            self.context.ledger,
            self.context.user,
            self.code.text(),
            restricted=self.restricted.isChecked(),
            name_kk=kk,
            name_ru=ru,
            name_en=en,
            purpose=self.purpose.toPlainText(),
        )
        return True


class AddCategoryDialog(_ServiceDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Add a revenue source or expenditure program"), "addCategoryDialog", parent
        )
        self.context = context
        self.kind_group = QButtonGroup(self)
        self.revenue = QRadioButton(_("Revenue source: money that comes in (receipts)"))
        self.revenue.setObjectName("kindRevenue")
        self.expenditure = QRadioButton(_("Expenditure program: what money is spent on (payments)"))
        self.expenditure.setObjectName("kindExpenditure")
        self.revenue.setChecked(True)
        kinds = QVBoxLayout()
        for button in (self.revenue, self.expenditure):
            self.kind_group.addButton(button)
            kinds.addWidget(button)
        self.form.addRow(_("Kind:"), kinds)
        self.code = _code_field(self.form, "RENT-PASTURE")
        self.names = _Names(self.form)
        self.layout_.addWidget(
            _note(
                _(
                    "A revenue source whose code starts with TAX- counts as a local tax in box "
                    "2 of the annual return; every other source in box 3. An expenditure "
                    "program counts in box 6."
                )
            )
        )
        self.layout_.addWidget(_note(_(_CODE_NOTE)))
        self.ok_button.setText(_("Add"))
        self.finish_layout()

    def kind(self) -> str:
        return REVENUE if self.revenue.isChecked() else EXPENDITURE

    def save(self) -> bool:
        kk, ru, en = self.names.values()
        catalog.add_category(
            self.context.ledger,
            self.context.user,
            self.code.text(),
            self.kind(),
            name_kk=kk,
            name_ru=ru,
            name_en=en,
        )
        return True


def closable_years(context: AppContext) -> list[int]:
    """The years offered: from the first entry's to last year, those not closed yet.
    (The core refuses any other: a year not over, or closed already.)"""
    conn = context.ledger.conn
    last = date.today().year - 1
    first = min([*queries.years(conn), last])
    closed = set(journal.closed_years(conn))
    return [year for year in range(last, first - 1, -1) if year not in closed]


class CloseYearDialog(_ServiceDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Close a year"), "closeYearDialog", parent)
        self.context = context
        self.layout_.insertWidget(
            0,
            _note(
                _(
                    "Close a year once its accounts are final. Nothing dated in a closed year "
                    "can be recorded, reversed or imported any more, and a closed year cannot "
                    "be opened again."
                )
            ),
        )
        self.year = QComboBox()
        self.year.setObjectName("year")
        for year in closable_years(context):
            self.year.addItem(str(year), year)
        self.form.addRow(_("Year:"), self.year)
        closed = journal.closed_years(context.ledger.conn)
        self.form.addRow(
            _("Closed already:"),
            QLabel(", ".join(str(y) for y in closed) if closed else _("none")),
        )
        if self.year.count() == 0:
            show_problem(self.error, _("There is no year that can be closed now."))
            self.ok_button.setEnabled(False)
        self.ok_button.setText(_("Close the year"))
        self.finish_layout()

    def chosen_year(self) -> int | None:
        data = self.year.currentData()
        return int(data) if data is not None else None

    def save(self) -> bool:
        year = self.chosen_year()
        if year is None:
            return False
        if not messages.ask(
            self,
            _(
                "Close {year}? From now on nothing dated in {year} can be recorded, reversed or "
                "imported. This cannot be undone."
            ).format(year=year),
            _("Close a year"),
        ):
            return False
        journal.close_year(self.context.ledger, self.context.user, year)
        return True


def _run(
    dialog: _ServiceDialog, context: AppContext, done: Callable[[], str], parent: QWidget | None
) -> bool:
    try:
        messages.run_dialog(dialog)
        if not dialog.saved:
            return False
        context.notify_changed()
        messages.show_info(parent, done())
        return True
    finally:
        dialog.deleteLater()


def close_year(context: AppContext, parent: QWidget | None = None) -> bool:
    """Ask which year and close it; True once it is closed."""
    dialog = CloseYearDialog(context, parent)
    return _run(
        dialog,
        context,
        lambda: _("{year} is closed: nothing dated in it can be recorded any more.").format(
            year=dialog.chosen_year()
        ),
        parent,
    )


def add_fund(context: AppContext, parent: QWidget | None = None) -> bool:
    dialog = AddFundDialog(context, parent)
    return _run(
        dialog,
        context,
        lambda: _("The fund {code} was added.").format(code=dialog.code.text().strip()),
        parent,
    )


def add_category(context: AppContext, parent: QWidget | None = None) -> bool:
    dialog = AddCategoryDialog(context, parent)
    return _run(
        dialog,
        context,
        lambda: _("{code} was added.").format(code=dialog.code.text().strip()),
        parent,
    )
