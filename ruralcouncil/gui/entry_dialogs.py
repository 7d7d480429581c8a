"""The dialog that records a receipt, a payment, a transfer or an opening balance, and what
the other dialogs share with it: the clock's and a future date's questions, a date's label.

It checks as the clerk types by asking the core (``dates.parse_typed_date``,
``money.parse_amount``, and ``journal.check_entries``: the one list of every problem of a
proposed entry, the same one :func:`journal.record` refuses with), so an overdraft is shown
before saving; ``journal.date_warnings`` says when the date is after today. The Save button
only asks: :func:`journal.record` decides again and may still refuse.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QCloseEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.page_parts import add_named
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, journal, money, parse, queries
from ruralcouncil.ledger.classification import EXPENDITURE, GENERAL_FUND, REVENUE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput, LedgerError
from ruralcouncil.ledger.journal import DateWarning, EntryType, NewEntry

TITLES = {
    EntryType.RECEIPT: N_("New receipt"),
    EntryType.PAYMENT: N_("New payment"),
    EntryType.TRANSFER: N_("New transfer"),
    EntryType.OPENING: N_("New opening balance"),
}
# The last id sorts after every real one: a balance "before" it is the balance at day's end.
_END_OF_DAY = 2**62
PROBLEM_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a4b00; font-weight: bold;"


def clock_is_trusted(parent: QWidget, context: AppContext) -> bool:
    """Before saving: when the PC's clock is behind the ledger, the user must confirm."""
    warning = context.clock.warning(context.ledger.conn)
    if not warning:
        return True
    return messages.ask(parent, warning + "\n\n" + _("Save anyway?"), _("Check the clock"))


def future_is_confirmed(parent: QWidget, warning: DateWarning | None) -> bool:
    """Before saving: a date more than a year ahead is saved only when the user says so."""
    if warning is None or not warning.needs_confirmation:
        return True
    return messages.ask(
        parent, warning.message + "\n\n" + _("Save it with this date?"), _("Check the date")
    )


def date_label(style: str) -> QLabel:
    label = QLabel()
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def fit_height(dialog: QDialog) -> None:
    """Grow a shown dialog when a wrapped message appeared in it, so no line is cut off."""
    layout = dialog.layout()
    if not dialog.isVisible() or layout is None:
        return
    layout.activate()
    need = dialog.heightForWidth(dialog.width())
    if need < 0:
        need = dialog.sizeHint().height()
    if need > dialog.height():
        dialog.resize(dialog.width(), need)


class EntryDialog(QDialog):
    """One form for every kind of entry; ``entry_id`` is set once it is saved."""

    def __init__(
        self, context: AppContext, entry_type: EntryType, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.entry_type = entry_type
        self.entry_id: int | None = None
        self.problems: list[str] = []
        self.date_warning: DateWarning | None = None
        self.setWindowTitle(_(TITLES[entry_type]))
        self.setMinimumWidth(600)  # Kazakh labels and the "available" line need the room
        conn = context.ledger.conn

        # Parented here, so fields this kind of entry does not use are simply hidden.
        self.date = date_edit()
        self.date.setParent(self)
        self.category = QComboBox(self)
        self.fund = QComboBox(self)
        self.account = QComboBox(self)
        self.to_account = QComboBox(self)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(_("for example 15 000 or 1 500,50"))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.counterparty = QLineEdit(self)
        self.description = QLineEdit(self)
        self.reference = QLineEdit(self)
        for line in (self.counterparty, self.description, self.reference):
            line.setMaxLength(parse.MAX_TEXT)
        self.available = QLabel()
        self.available.setStyleSheet("color: #505050;")
        self.available.setWordWrap(True)  # "available in BANK, GENERAL fund..." runs long
        self.available.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.date_note = date_label(WARNING_STYLE)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)

        kind = {EntryType.RECEIPT: REVENUE, EntryType.PAYMENT: EXPENDITURE}.get(entry_type)
        if kind:
            # The name in the user's language first (typing its first letters finds it).
            for category in catalog.categories(conn, kind):
                add_named(self.category, category.name(), category.code)
            self.category.setCurrentIndex(-1)
            self.category.setPlaceholderText(
                _("choose a revenue source")
                if kind == REVENUE
                else _("choose an expenditure program")
            )
        for fund in catalog.funds(conn):
            add_named(self.fund, fund.name(), fund.code)
        self.fund.setCurrentIndex(max(0, self.fund.findData(GENERAL_FUND)))
        for cash in catalog.cash_accounts(conn):
            add_named(self.account, cash.name(), cash.code)
            add_named(self.to_account, cash.name(), cash.code)
        if self.to_account.count() > 1:
            self.to_account.setCurrentIndex(1)
        # What the "available" line calls the cash account and the fund: their names.
        self._names = {f.code: f.name() or f.code for f in catalog.funds(conn)}
        self._names.update({c.code: c.name() or c.code for c in catalog.cash_accounts(conn)})

        form = QFormLayout()
        form.addRow(_("Date"), self.date)
        form.addRow("", self.date_note)
        self._form = form
        if kind == REVENUE:
            form.addRow(_("Revenue source"), self.category)
        elif kind == EXPENDITURE:
            form.addRow(_("Expenditure program"), self.category)
        else:
            self.category.hide()
        form.addRow(_("Fund"), self.fund)
        if entry_type == EntryType.TRANSFER:
            form.addRow(_("From account"), self.account)
            form.addRow(_("To account"), self.to_account)
        else:
            form.addRow(_("Cash account"), self.account)
            self.to_account.hide()
        form.addRow("", self.available)
        form.addRow(_("Amount (₸)"), self.amount)
        if entry_type != EntryType.TRANSFER:
            payer = _("Paid by") if entry_type == EntryType.RECEIPT else _("Paid to")
            form.addRow(
                payer if entry_type != EntryType.OPENING else _("Counterparty"), self.counterparty
            )
        else:
            self.counterparty.hide()
        form.addRow(_("Description"), self.description)
        form.addRow(_("Reference"), self.reference)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Save"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)  # room a grown dialog gains goes here, not between the rows
        layout.addWidget(self.buttons)

        self.date.dateChanged.connect(self.check)
        for combo in (self.category, self.fund, self.account, self.to_account):
            combo.currentIndexChanged.connect(self.check)
        for line in (self.amount, self.counterparty, self.description, self.reference):
            line.textChanged.connect(self.check)
        self.date.setFocus()
        self.check()

    # --- reading the form --------------------------------------------------------------

    def entry(self, day: date, amount: int) -> NewEntry:
        category = self.category.currentData() if self.category.currentIndex() >= 0 else None
        if self.entry_type not in (EntryType.RECEIPT, EntryType.PAYMENT):
            category = None
        transfer = self.entry_type == EntryType.TRANSFER
        return NewEntry(
            date=day,
            type=self.entry_type,
            amount=amount,
            category=category,
            fund=self.fund.currentData() or "",
            account=self.account.currentData() or "",
            to_account=(self.to_account.currentData() or "") if transfer else None,
            counterparty="" if transfer else self.counterparty.text().strip(),
            description=self.description.text().strip(),
            reference=self.reference.text().strip(),
        )

    def check(self) -> list[str]:
        """Ask the core what is wrong with what is typed (``journal.check_entries``, the
        check :func:`journal.record` makes); Save is enabled only when nothing is."""
        conn = self.context.ledger.conn
        problems: list[str] = []
        day: date | None = None
        amount: int | None = None
        try:
            day = self.date.day()
        except InvalidInput as exc:
            problems.append(str(exc))
        try:
            amount = money.parse_amount(self.amount.text())
        except InvalidInput as exc:
            problems.append(str(exc))
        self.date_warning = None
        if day is not None:
            # Without an amount, the balances are not judged (a placeholder would mislead).
            entry = self.entry(day, amount if amount is not None else 1)
            found = journal.check_entries(conn, [entry], unsure=() if amount is not None else None)
            problems += [p.message for p in found]
            self._show_available(entry)
            self.date_warning = journal.date_warnings(day, date.today())
        else:
            self.available.clear()
        self.date_note.setText(self.date_warning.message if self.date_warning else "")
        # The whole row, so a hidden note leaves no gap.
        self._form.setRowVisible(self.date_note, self.date_warning is not None)
        self.problems = problems
        self.problem_label.setText("\n".join(f"• {_capital(p)}" for p in problems))
        self.problem_label.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)
        fit_height(self)
        return problems

    def _show_available(self, entry: NewEntry) -> None:
        if not entry.account or not entry.fund:
            self.available.clear()
            return
        balance = queries.balance_before(
            self.context.ledger.conn,
            entry.account,
            (entry.date.isoformat(), _END_OF_DAY),
            entry.fund,
        )
        self.available.setText(
            _("{account}, {fund}: {balance} at the end of {day}").format(
                account=self._names.get(entry.account, entry.account),
                fund=self._names.get(entry.fund, entry.fund),
                day=shown_date(entry.date),
                balance=money.format_amount(balance),
            )
        )

    # --- closing without saving --------------------------------------------------------

    def typed_something(self) -> bool:
        return any(
            field.text().strip()
            for field in (self.amount, self.counterparty, self.description, self.reference)
        )

    def may_close(self) -> bool:
        """Nothing typed, already saved, or the user agrees to drop what was typed."""
        if self.entry_id is not None or not self.typed_something():
            return True
        return messages.ask(
            self, _("Close this form? What you typed has not been saved."), _("Not saved")
        )

    def cancel(self) -> None:
        """Cancel, Escape or the window's close button: what was typed is never thrown away
        by one stray key."""
        if self.may_close():
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        super().closeEvent(event)

    # --- saving ------------------------------------------------------------------------

    def save(self) -> None:
        if self.check():
            return
        if not future_is_confirmed(self, self.date_warning):
            self.date.setFocus()
            return
        if not clock_is_trusted(self, self.context):
            return
        entry = self.entry(self.date.day(), money.parse_amount(self.amount.text()))
        confirmed = self.date_warning is not None and self.date_warning.needs_confirmation
        try:
            self.entry_id = journal.record(
                self.context.ledger, self.context.user, entry, allow_future=confirmed
            )
        except LedgerError as exc:
            # Keep the dialog and everything typed; say why the core refused.
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            fit_height(self)
            return
        self.context.notify_changed()
        self.accept()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
