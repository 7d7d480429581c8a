"""The clerk's and the chair's dialogs on a spending request: draft one (with its invoices
and quotes), withdraw, reject or cancel one with a reason, and pay an approved one.

Each calls one core function (``spending.draft``, ``withdraw``, ``reject``, ``cancel``,
``journal.record(..., request_id=)``) and shows its refusal as is; the approval, which asks
the chair's own password, is in :mod:`ruralcouncil.gui.approve_dialog`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import (
    CoreForm,
    account_combo,
    fund_combo,
    names_by_code,
    party_combo,
    program_combo,
    typed_amount,
)
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.entry_dialogs import clock_is_trusted, future_is_confirmed
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import council, journal, money, parse, spending
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.spending import Request
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

_LAST_ATTACH_FOLDER = "attachments/last_open_folder"


def _purpose_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
    return edit


def request_line(request: Request, names: dict[str, str]) -> str:
    """One request in a sentence: its number, amount, party, program and fund."""
    return _("Request №{id}: {amount} to {party}, {program}, {fund}.").format(
        id=request.id,
        amount=format_amount(request.amount),
        party=request.party,
        program=names.get(request.category, request.category),
        fund=names.get(request.fund, request.fund),
    )


class NewRequestDialog(CoreForm):
    """The clerk drafts a request: party, program, fund, amount, purpose, attached files."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("New spending request"), _("Draft the request"), parent)
        self.setObjectName("newRequestDialog")
        conn = context.ledger.conn
        self.request_id: int | None = None
        self.files: list[Path] = []
        limit = council.amount_rule(conn, council.Rule.CHAIR_LIMIT)
        self.say(
            _(
                "The chair may approve a request alone up to {limit} (with what they approved "
                "alone to the same party within 30 days); above it the council decides "
                "at a meeting."
            ).format(limit=format_amount(limit))
        )
        self.date = date_edit()
        self.party = party_combo(context.ledger)
        self.program = program_combo(context.ledger)
        self.fund = fund_combo(context.ledger)
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(_("for example 15 000 or 1 500,50"))
        self.purpose = _purpose_edit(_("what is bought or done, and why"))
        self.file_list = QListWidget()
        self.file_list.setObjectName("files")
        self.file_list.setFixedHeight(self.file_list.fontMetrics().lineSpacing() * 4 + 12)
        add = QPushButton(_("Attach files…"))
        add.setObjectName("attachFiles")
        add.clicked.connect(self.choose_files)
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(self.remove_chosen_file)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        files = QHBoxLayout()
        files.addWidget(self.file_list, 1)
        files.addLayout(file_buttons)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Paid to"), self.party)
        self.form.addRow(_("Expenditure program"), self.program)
        self.form.addRow(_("Fund"), self.fund)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow(_("Purpose"), self.purpose)
        self.form.addRow(_("Invoices, quotes"), files)

    def choose_files(self) -> None:
        folder = str(folder_settings().value(_LAST_ATTACH_FOLDER, "") or "") or str(Path.home())
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Attach invoices or quotes"),
            folder,
            _("Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)"),
        )
        for name in names:
            self.add_file(Path(name))
        if names:
            folder_settings().setValue(_LAST_ATTACH_FOLDER, str(Path(names[0]).parent))

    def add_file(self, path: Path) -> None:
        if path not in self.files:
            self.files.append(path)
            self.file_list.addItem(path.name)

    def remove_chosen_file(self) -> None:
        row = self.file_list.currentRow()
        if row >= 0:
            self.file_list.takeItem(row)
            del self.files[row]

    def save(self) -> None:
        day = self.date.day()
        if self.party.currentIndex() < 0:
            raise InvalidInput(_("Choose the party to be paid (Parties: Add party…)."))
        if self.program.currentIndex() < 0:
            raise InvalidInput(_("Choose the expenditure program."))
        amount = money.parse_amount(self.amount.text())
        attached: list[tuple[str, bytes]] = []
        for path in self.files:
            try:
                attached.append((path.name, path.read_bytes()))
            except OSError as exc:
                raise InvalidInput(
                    _("The file {path} could not be read: {error}").format(
                        path=path, error=exc.strerror or exc
                    )
                ) from None
        self.request_id = spending.draft(
            self.context.ledger,
            self.context.user,
            int(self.party.currentData()),
            str(self.program.currentData()),
            str(self.fund.currentData()),
            amount,
            self.purpose.toPlainText(),
            attached,
            on=day,
        )


Ending = Callable[[Ledger, User, int, str, date | None], None]
# What ends or trims a request: (its core function, title, OK button, what it does).
ENDINGS: dict[str, tuple[Ending, str, str, str]] = {
    "withdraw": (
        spending.withdraw,
        N_("Withdraw the request"),
        N_("Withdraw"),
        N_("A withdrawn request is kept, with your reason; it can no longer be approved."),
    ),
    "reject": (
        spending.reject,
        N_("Reject the request"),
        N_("Reject"),
        N_("A rejected request is kept, with your reason; it can no longer be approved."),
    ),
    "cancel": (
        spending.cancel,
        N_("Cancel the unpaid part"),
        N_("Cancel the unpaid part"),
        N_("What is left unpaid, {left}, is released from the budget line; what was paid stays."),
    ),
}


class ReasonDialog(CoreForm):
    """Withdraw (the clerk), reject or cancel the unpaid part (the chair), with a reason."""

    def __init__(
        self, context: AppContext, request: Request, kind: str, parent: QWidget | None = None
    ) -> None:
        self.ending, title, ok_text, note = ENDINGS[kind]
        super().__init__(context, _(title), _(ok_text), parent)
        self.setObjectName(f"{kind}Dialog")
        self.request = request
        names = names_by_code(context.ledger)
        self.say(
            request_line(request, names) + "\n" + _(note).format(left=format_amount(request.unpaid))
        )
        self.reason = _purpose_edit(_("why"))
        self.reason.setObjectName("reason")
        self.date = date_edit()
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Date"), self.date)

    def save(self) -> None:
        self.ending(
            self.context.ledger,
            self.context.user,
            self.request.id,
            self.reason.toPlainText(),
            self.date.day(),
        )


class PaymentDialog(CoreForm):
    """The clerk pays an approved request, in full or in part: a payment entry for its
    program and fund, to its party, never more than what is left."""

    def __init__(
        self, context: AppContext, request: Request, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Record a payment"), _("Record the payment"), parent)
        self.setObjectName("paymentDialog")
        self.request = request
        self.entry_id: int | None = None
        self._future = False  # a date more than a year ahead, confirmed
        names = names_by_code(context.ledger)
        self.say(
            request_line(request, names)
            + "\n"
            + _("Approved {approved}; paid {paid}; left to pay {left}.").format(
                approved=format_amount(request.approved - request.cancelled),
                paid=format_amount(request.paid),
                left=format_amount(request.unpaid),
            )
        )
        self.date = date_edit()
        self.amount = QLineEdit(typed_amount(request.unpaid))
        self.amount.setObjectName("amount")
        self.account = account_combo(context.ledger)
        self.description = QLineEdit((request.purpose.splitlines() or [""])[0][: parse.MAX_TEXT])
        self.description.setMaxLength(parse.MAX_TEXT)
        self.reference = QLineEdit()
        self.reference.setMaxLength(parse.MAX_TEXT)
        self.reference.setPlaceholderText(_("the payment order's or receipt's number"))
        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow(_("Paid from"), self.account)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Reference"), self.reference)

    def entry(self) -> NewEntry:
        return NewEntry(
            date=self.date.day(),
            type=EntryType.PAYMENT,
            amount=money.parse_amount(self.amount.text()),
            category=self.request.category,
            fund=self.request.fund,
            account=str(self.account.currentData() or ""),
            counterparty=self.request.party,
            description=self.description.text().strip(),
            reference=self.reference.text().strip(),
        )

    def accept(self) -> None:
        # The same questions as every entry form, before the core decides.
        try:
            warning = journal.date_warnings(self.date.day())
        except InvalidInput:
            warning = None  # the core's refusal of the date says it
        if not future_is_confirmed(self, warning) or not clock_is_trusted(self, self.context):
            return
        self._future = warning is not None and warning.needs_confirmation
        super().accept()

    def save(self) -> None:
        self.entry_id = journal.record(
            self.context.ledger,
            self.context.user,
            self.entry(),
            allow_future=self._future,
            request_id=self.request.id,
        )
