"""Correcting a mistake: the reversing entry, with its reason. Nothing is ever edited."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.entry_dialogs import (
    PROBLEM_STYLE,
    WARNING_STYLE,
    clock_is_trusted,
    date_label,
    fit_height,
    future_is_confirmed,
)
from ruralcouncil.gui.ledger_model import names_by_code, type_text
from ruralcouncil.gui.page_parts import named
from ruralcouncil.i18n import _
from ruralcouncil.ledger import journal, parse, queries
from ruralcouncil.ledger.dates import shown_date, shown_time
from ruralcouncil.ledger.errors import InvalidInput, LedgerError
from ruralcouncil.ledger.journal import DateWarning
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryRow


def entry_form(row: EntryRow, names: dict[str, str]) -> QFormLayout:
    """Every field of one posted entry, read-only, as a form: names in the user's language
    (``names``: :func:`names_by_code`), each with its code."""

    def shown(code: str) -> str:
        return named(names.get(code, ""), code)

    form = QFormLayout()
    form.addRow(_("Entry number"), _label(str(row.id)))
    form.addRow(_("Date"), _label(shown_date(row.date)))
    form.addRow(_("Type"), _label(type_text(row)))
    if row.category:
        form.addRow(_("Category"), _label(shown(row.category)))
    form.addRow(_("Fund"), _label(shown(row.fund)))
    account = shown(row.account)
    if row.to_account:
        account = f"{account} → {shown(row.to_account)}"
    form.addRow(_("Account"), _label(account))
    form.addRow(_("Amount"), _label(format_amount(row.amount)))
    for title, text in (
        (_("Counterparty"), row.counterparty),
        (_("Description"), row.description),
        (_("Reference"), row.reference),
    ):
        if text:
            form.addRow(title, _label(text))
    form.addRow(_("Recorded by"), _label(f"{row.user}, {shown_time(row.recorded_at)}"))
    if row.reverses is not None:
        form.addRow(_("Reverses"), _label(_("entry {id}").format(id=row.reverses)))
        form.addRow(_("Reason"), _label(row.reason))
    if row.reversed_by is not None:
        form.addRow(_("Reversed by"), _label(_("entry {id}").format(id=row.reversed_by)))
    return form


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ReverseDialog(QDialog):
    """Posts the reversing entry of one entry; ``reversal_id`` is set once it is saved."""

    def __init__(self, context: AppContext, entry_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entry_id = entry_id
        self.reversal_id: int | None = None
        self.date_warning: DateWarning | None = None
        self.setWindowTitle(_("Reverse entry {id}").format(id=entry_id))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        conn = context.ledger.conn
        row = queries.get(conn, entry_id)
        if row is None:
            layout.addWidget(QLabel(_("There is no entry number {id}.").format(id=entry_id)))
        else:
            layout.addLayout(entry_form(row, names_by_code(context.ledger)))
        intro = QLabel(
            _(
                "A posted entry is never changed. Reversing posts a new entry with the opposite "
                "amount; both stay in the ledger."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.reason = QLineEdit()
        self.reason.setMaxLength(parse.MAX_TEXT)
        self.reason.setPlaceholderText(_("why this entry was wrong"))
        # A reversal is dated on or after its entry: today, or the entry's own later date.
        self.date = date_edit(max(date.today(), date.fromisoformat(row.date)) if row else None)
        self.date_note = date_label(WARNING_STYLE)
        form = QFormLayout()
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Date of the reversal"), self.date)
        form.addRow("", self.date_note)
        self._form = form
        layout.addLayout(form)

        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.hide()
        layout.addWidget(self.problem_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Reverse"))
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self.check)
        self.date.dateChanged.connect(self.check)
        self.reason.setFocus()
        self.check()

    def check(self) -> None:
        """The date must be a date (and a later one is pointed out); the reason is required.
        Everything else the core decides when saving."""
        problem = self.date.problem()
        self.date_warning = None if problem else journal.date_warnings(self.date.day())
        self.date_note.setText(self.date_warning.message if self.date_warning else "")
        # The whole row, so a hidden note leaves no gap.
        self._form.setRowVisible(self.date_note, self.date_warning is not None)
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))
        self.ok_button.setEnabled(not problem and bool(self.reason.text().strip()))
        fit_height(self)

    def save(self) -> None:
        self.check()
        try:
            day = self.date.day()
        except InvalidInput as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            return
        if not future_is_confirmed(self, self.date_warning):
            self.date.setFocus()
            return
        if not clock_is_trusted(self, self.context):
            return
        try:
            self.reversal_id = journal.reverse(
                self.context.ledger,
                self.context.user,
                self.entry_id,
                self.reason.text(),
                day,
                allow_future=self.date_warning is not None and self.date_warning.needs_confirmation,
            )
        except LedgerError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            fit_height(self)
            return
        self.context.notify_changed()
        self.accept()
