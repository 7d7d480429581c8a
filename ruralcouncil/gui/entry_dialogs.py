"""The dialog that records a receipt, a payment, a transfer or an opening balance.

It checks as the clerk types by calling the core's own checks (``money.parse_amount``,
``journal.entry_problems``, ``journal.shortfalls``...), so an overdraft is shown before
saving. The OK button only asks: :func:`journal.record` decides again and may still refuse.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
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
from ruralcouncil.i18n import N_, _, format_date
from ruralcouncil.ledger import catalog, journal, money, parse, queries
from ruralcouncil.ledger.codes import CASH, EXPENDITURE, GENERAL_FUND, REVENUE
from ruralcouncil.ledger.errors import InvalidInput, LedgerError
from ruralcouncil.ledger.journal import EntryType, NewEntry

TITLES = {
    EntryType.RECEIPT: N_("New receipt"),
    EntryType.PAYMENT: N_("New payment"),
    EntryType.TRANSFER: N_("New transfer"),
    EntryType.OPENING: N_("New opening balance"),
}
# The last id sorts after every real one: a balance "before" it is the balance at day's end.
_END_OF_DAY = 2**62
PROBLEM_STYLE = "color: #b00020;"


def clock_is_trusted(parent: QWidget, context: AppContext) -> bool:
    """Before saving: when the PC's clock is behind the ledger, the user must confirm."""
    warning = journal.clock_warning(context.ledger.conn)
    if not warning:
        return True
    return messages.ask(parent, warning + "\n\n" + _("Save anyway?"), _("Check the clock"))


def date_edit(value: date | None = None) -> QDateEdit:
    """A date field with a calendar, shown as dd.MM.yyyy in every language."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    day = value or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def picked_date(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


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
        self.setWindowTitle(_(TITLES[entry_type]))
        self.setMinimumWidth(600)  # Kazakh labels and the "available" line need the room
        conn = context.ledger.conn

        # Parented here, so fields this kind of entry does not use are simply hidden.
        self.date = date_edit()
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
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)

        kind = {EntryType.RECEIPT: REVENUE, EntryType.PAYMENT: EXPENDITURE}.get(entry_type)
        if kind:
            for code in catalog.accounts(conn, kind):
                self.category.addItem(f"{code.code} — {code.name()}", code.code)
            self.category.setCurrentIndex(-1)
            self.category.setPlaceholderText(
                _("choose a revenue source")
                if kind == REVENUE
                else _("choose an expenditure program")
            )
        for fund in catalog.funds(conn):
            self.fund.addItem(f"{fund.code} — {fund.name()}", fund.code)
        self.fund.setCurrentIndex(max(0, self.fund.findData(GENERAL_FUND)))
        for cash in catalog.accounts(conn, CASH):
            self.account.addItem(f"{cash.code} — {cash.name()}", cash.code)
            self.to_account.addItem(f"{cash.code} — {cash.name()}", cash.code)
        if self.to_account.count() > 1:
            self.to_account.setCurrentIndex(1)

        form = QFormLayout()
        form.addRow(_("Date"), self.date)
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
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        self.date.dateChanged.connect(self.check)
        for combo in (self.category, self.fund, self.account, self.to_account):
            combo.currentIndexChanged.connect(self.check)
        for line in (self.amount, self.counterparty, self.description, self.reference):
            line.textChanged.connect(self.check)
        self.check()

    # --- reading the form --------------------------------------------------------------

    def entry(self, amount: int) -> NewEntry:
        code = self.category.currentData() if self.category.currentIndex() >= 0 else None
        transfer = self.entry_type == EntryType.TRANSFER
        return NewEntry(
            date=picked_date(self.date),
            type=self.entry_type,
            amount=amount,
            code=code if self.entry_type in (EntryType.RECEIPT, EntryType.PAYMENT) else None,
            fund=self.fund.currentData() or "",
            account=self.account.currentData() or "",
            to_account=(self.to_account.currentData() or "") if transfer else None,
            counterparty="" if transfer else self.counterparty.text().strip(),
            description=self.description.text().strip(),
            reference=self.reference.text().strip(),
        )

    def check(self) -> list[str]:
        """Run the core's checks on what is typed; OK is enabled only when they all pass."""
        conn = self.context.ledger.conn
        problems: list[str] = []
        amount: int | None = None
        try:
            amount = money.parse_amount(self.amount.text())
        except InvalidInput as exc:
            problems.append(str(exc))
        entry = self.entry(amount if amount is not None else 1)
        problems += journal.entry_problems(conn, entry)
        if not problems:
            problems += [m for _i, m in journal.opening_problems(conn, [entry])]
            problems += [m for _i, m in journal.before_opening_problems(conn, [entry])]
            problems += [s.message() for s in journal.shortfalls(conn, journal.cash_effects(entry))]
        self._show_available(entry)
        self.problems = problems
        self.problem_label.setText("\n".join(f"• {_capital(p)}" for p in problems))
        self.problem_label.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)
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
            _("In {account}, fund {fund}, at the end of {day}: {balance}").format(
                account=entry.account,
                fund=entry.fund,
                day=format_date(entry.date),
                balance=money.format_amount(balance),
            )
        )

    # --- saving ------------------------------------------------------------------------

    def save(self) -> None:
        if self.check():
            return
        if not clock_is_trusted(self, self.context):
            return
        entry = self.entry(money.parse_amount(self.amount.text()))
        try:
            self.entry_id = journal.record(self.context.ledger, self.context.user, entry)
        except LedgerError as exc:
            # Keep the dialog and everything typed; say why the core refused.
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            return
        self.context.notify_changed()
        self.accept()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
