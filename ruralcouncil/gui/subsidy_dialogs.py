"""The subsidies page's dialogs: apply for a subsidy, record the higher body's decision (the
amount granted, 0 for a refusal), record an appeal, and record the money received.

Each OK calls one core function (``subsidies.add``, ``decide``, ``appeal``, or
``journal.record`` of a ``SUBSIDY`` receipt naming the subsidy) and shows its refusal under
the form in the core's words, with nothing written and everything typed kept.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, account_combo, typed_amount
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.entry_dialogs import clock_is_trusted, future_is_confirmed
from ruralcouncil.gui.loan_dialogs import FormNote
from ruralcouncil.i18n import _
from ruralcouncil.ledger import journal, money, parse, subsidies
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.subsidies import STATE_NAMES, Subsidy

_NOTE_STYLE = "color: #505050;"


def _text_edit(placeholder: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def _note() -> QLabel:
    return FormNote(_NOTE_STYLE)


def _amount_of(edit: QLineEdit) -> int:
    """The amount typed (the core's parser); on a refusal the field gets the keyboard."""
    try:
        return money.parse_amount(edit.text())
    except InvalidInput:
        edit.setFocus()
        raise


def subsidy_line(subsidy: Subsidy) -> str:
    """One application in a sentence: its number, purpose, what was asked and where it is."""
    return _("Subsidy {id}: {purpose}; {asked} asked on {day}; {state}.").format(
        id=subsidy.id,
        purpose=subsidy.purpose,
        asked=format_amount(subsidy.amount_asked),
        day=shown_date(subsidy.date),
        state=_(STATE_NAMES[subsidy.state]).lower(),
    )


class ApplyDialog(CoreForm):
    """The clerk records an application sent to the higher body: the purpose, the
    justification, the amount asked and the day it was sent. It gets its own fund, unless it
    is a general transfer to the village's budget (the district's subvention)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Apply for a subsidy"), _("Record the application"), parent)
        self.setObjectName("applySubsidyDialog")
        self.subsidy_id: int | None = None
        self.say(
            _(
                "A state subsidy is asked for with its justification. It gets its own "
                "restricted fund: the money received goes there and is spent only through "
                "spending requests on it."
            )
        )
        self.purpose = QLineEdit()
        self.purpose.setObjectName("purpose")
        self.purpose.setMaxLength(500)
        self.purpose.setPlaceholderText(_("e.g. Water pipe for Zhana street"))
        self.justification = _text_edit(_("why the village needs it, as the application says"), 4)
        self.justification.setObjectName("justification")
        self.amount = QLineEdit()
        self.amount.setObjectName("amountAsked")
        self.amount.setPlaceholderText(_("for example 12 000 000"))
        self.date = date_edit()
        # A check box does not wrap: a short text, and the note under it says the rest.
        self.general = QCheckBox(_("A general transfer"))
        self.general.setObjectName("general")
        self.general_note = _note()
        self.general_note.setText(
            _(
                "A transfer to the village's budget as a whole, such as the district's "
                "subvention: its money goes into the general fund, not into a fund of its own."
            )
        )
        self.form.addRow(_("Purpose"), self.purpose)
        self.form.addRow(_("Justification"), self.justification)
        self.form.addRow(_("Amount asked (₸)"), self.amount)
        self.form.addRow(_("Sent on"), self.date)
        self.form.addRow("", self.general)
        self.form.addRow("", self.general_note)

    def save(self) -> None:
        amount = _amount_of(self.amount)
        self.subsidy_id = subsidies.add(
            self.context.ledger,
            self.context.user,
            self.purpose.text(),
            amount,
            self.justification.toPlainText(),
            self.date.day(),
            general=self.general.isChecked(),
        )


class DecisionDialog(CoreForm):
    """The clerk records the higher body's decision (or its decision on an appeal): the
    amount granted (0 when it refused), the decision's reference, its conditions, its date."""

    def __init__(
        self, context: AppContext, subsidy: Subsidy, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Record the decision"), _("Record the decision"), parent)
        self.setObjectName("subsidyDecisionDialog")
        self.subsidy = subsidy
        self.say(subsidy_line(subsidy))
        self.granted = QLineEdit(typed_amount(subsidy.amount_asked))
        self.granted.setObjectName("granted")
        self.granted_note = _note()
        self.granted_note.setText(
            _("Type 0 when the application was refused; at most the {asked} asked.").format(
                asked=format_amount(subsidy.amount_asked)
            )
        )
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setMaxLength(parse.MAX_TEXT)
        self.reference.setPlaceholderText(_("the decision's number and date, as on the letter"))
        self.conditions = _text_edit(_("what the money may be spent on, reports asked, deadlines"))
        self.conditions.setObjectName("conditions")
        self.date = date_edit()
        self.form.addRow(_("Granted (₸)"), self.granted)
        self.form.addRow("", self.granted_note)
        self.form.addRow(_("Reference"), self.reference)
        self.form.addRow(_("Conditions"), self.conditions)
        self.form.addRow(_("Decided on"), self.date)

    def save(self) -> None:
        granted = _amount_of(self.granted)
        subsidies.decide(
            self.context.ledger,
            self.context.user,
            self.subsidy.id,
            granted,
            self.reference.text(),
            self.conditions.toPlainText(),
            self.date.day(),
        )


class AppealDialog(CoreForm):
    """The clerk records an appeal against a refusal or a partial grant; the next decision
    answers it."""

    def __init__(
        self, context: AppContext, subsidy: Subsidy, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Appeal the decision"), _("Record the appeal"), parent)
        self.setObjectName("subsidyAppealDialog")
        self.subsidy = subsidy
        self.say(
            subsidy_line(subsidy)
            + "\n"
            + _("Once the appeal is answered, record the new decision: the latest one stands.")
        )
        self.note = _text_edit(_("what was appealed, to whom, and on what grounds"), 4)
        self.note.setObjectName("note")
        self.date = date_edit()
        self.form.addRow(_("Appeal"), self.note)
        self.form.addRow(_("Sent on"), self.date)

    def save(self) -> None:
        subsidies.appeal(
            self.context.ledger,
            self.context.user,
            self.subsidy.id,
            self.note.toPlainText(),
            self.date.day(),
        )


class ReceiveDialog(CoreForm):
    """The clerk records money of a granted subsidy that arrived: a ``SUBSIDY`` receipt into
    the subsidy's fund (the general fund for a general transfer), never beyond what was
    granted (the core decides)."""

    def __init__(
        self, context: AppContext, subsidy: Subsidy, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Record money received"), _("Record the receipt"), parent)
        self.setObjectName("subsidyReceiptDialog")
        self.subsidy = subsidy
        self.entry_id: int | None = None
        self._future = False  # a date more than a year ahead, confirmed
        to_come = max(subsidy.granted - subsidy.received, 0)
        self.say(
            subsidy_line(subsidy)
            + "\n"
            + _("Granted {granted}; received so far {received}; still to come {to_come}.").format(
                granted=format_amount(subsidy.granted),
                received=format_amount(subsidy.received),
                to_come=format_amount(to_come),
            )
        )
        self.amount = QLineEdit(typed_amount(to_come) if to_come > 0 else "")
        self.amount.setObjectName("amount")
        self.date = date_edit()
        self.account = account_combo(context.ledger)
        self.fund = QLabel(
            _("{fund}, the general fund: a general transfer").format(fund=subsidy.fund)
            if subsidy.general
            else _("{fund}, the subsidy's own fund").format(fund=subsidy.fund)
        )
        self.fund.setObjectName("fund")
        self.counterparty = QLineEdit()
        self.counterparty.setObjectName("counterparty")
        self.counterparty.setMaxLength(parse.MAX_TEXT)
        self.counterparty.setPlaceholderText(
            _("who paid it, e.g. the district's finance department")
        )
        self.description = QLineEdit(
            _("Subsidy {id}: {purpose}").format(id=subsidy.id, purpose=subsidy.purpose)[
                : parse.MAX_TEXT
            ]
        )
        self.description.setObjectName("description")
        self.description.setMaxLength(parse.MAX_TEXT)
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setMaxLength(parse.MAX_TEXT)
        self.reference.setPlaceholderText(_("the payment order's number"))
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Received into"), self.account)
        self.form.addRow(_("Fund"), self.fund)
        self.form.addRow(_("From"), self.counterparty)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Reference"), self.reference)

    def entry(self) -> NewEntry:
        return NewEntry(
            date=self.date.day(),
            type=EntryType.RECEIPT,
            amount=_amount_of(self.amount),
            category=subsidies.SUBSIDY_CODE,
            fund=self.subsidy.fund,
            account=str(self.account.currentData() or ""),
            counterparty=self.counterparty.text().strip(),
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
            register=RegisterLink(subsidy_id=self.subsidy.id),
        )
