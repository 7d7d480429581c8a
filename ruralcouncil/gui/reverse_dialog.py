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
from ruralcouncil.gui.entry_dialogs import PROBLEM_STYLE, clock_is_trusted, date_edit, picked_date
from ruralcouncil.i18n import _, format_date
from ruralcouncil.ledger import journal, parse, queries
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.journal import ENTRY_TYPE_NAMES, EntryType
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryRow


def entry_form(row: EntryRow) -> QFormLayout:
    """Every field of one posted entry, read-only, as a form."""
    form = QFormLayout()
    form.addRow(_("Entry number"), _label(str(row.id)))
    form.addRow(_("Date"), _label(format_date(date.fromisoformat(row.date))))
    form.addRow(_("Type"), _label(_(ENTRY_TYPE_NAMES[EntryType(row.type)])))
    if row.code:
        form.addRow(_("Category"), _label(row.code))
    form.addRow(_("Fund"), _label(row.fund))
    account = f"{row.account} → {row.to_account}" if row.to_account else row.account
    form.addRow(_("Account"), _label(account))
    form.addRow(_("Amount"), _label(format_amount(row.amount)))
    for title, text in (
        (_("Counterparty"), row.counterparty),
        (_("Description"), row.description),
        (_("Reference"), row.reference),
    ):
        if text:
            form.addRow(title, _label(text))
    form.addRow(_("Recorded by"), _label(f"{row.user}, {row.recorded_at}"))
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
        self.setWindowTitle(_("Reverse entry {id}").format(id=entry_id))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        row = queries.get(context.ledger.conn, entry_id)
        if row is None:
            layout.addWidget(QLabel(_("There is no entry number {id}.").format(id=entry_id)))
        else:
            layout.addLayout(entry_form(row))
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
        self.date = date_edit()
        form = QFormLayout()
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Date of the reversal"), self.date)
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
        self.reason.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))

    def save(self) -> None:
        if not clock_is_trusted(self, self.context):
            return
        try:
            self.reversal_id = journal.reverse(
                self.context.ledger,
                self.context.user,
                self.entry_id,
                self.reason.text(),
                picked_date(self.date),
            )
        except LedgerError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            return
        self.context.notify_changed()
        self.accept()
