"""The fines page's dialogs: record a fine, record a payment of one, cancel one.

Each OK calls one core function (``fines.add``, ``journal.record`` of a ``FINES`` receipt
naming the fine, ``fines.cancel``) and shows its refusal under the form in the core's words,
with nothing written and everything typed kept. What a dialog shows beforehand (what a fine
has paid and unpaid) is the core's figure.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ruralcouncil.gui.asset_dialogs import ReceiptForm, amount_edit, amount_of, text_edit
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, party_combo, typed_amount
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.i18n import _
from ruralcouncil.ledger import fines, journal
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.fines import FINES_CODE, Fine
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink


def fine_text(fine: Fine) -> str:
    """A fine as a list offers it: its number, the person, the day and the amount."""
    return _("Fine {id}: {person}, {day}, {amount}").format(
        id=fine.id, person=fine.party, day=shown_date(fine.date), amount=format_amount(fine.amount)
    )


def standing_text(fine: Fine) -> str:
    """What a fine has paid and what is unpaid, or when it was cancelled."""
    if fine.cancelled_on:
        return _("Cancelled on {day} by decision {decision}: nothing more is owed.").format(
            day=shown_date(fine.cancelled_on), decision=fine.cancel_decision
        )
    return _("{rule}. Amount {amount}; paid {paid}; unpaid {unpaid}.").format(
        rule=fine.rule.rstrip("."),
        amount=format_amount(fine.amount),
        paid=format_amount(fine.paid),
        unpaid=format_amount(fine.unpaid),
    )


class AddFineDialog(CoreForm):
    """The clerk records a fine: the person fined (a party), the rule broken, the amount,
    who imposed it and when."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Record a fine"), _("Record the fine"), parent)
        self.setObjectName("addFineDialog")
        self.fine_id: int | None = None
        self.say(
            _(
                "The person fined is a party in the register (Parties: Add party…). The fine "
                "is paid by FINES receipts naming it, in parts if need be."
            )
        )
        self.person = party_combo(context.ledger)
        self.person.setObjectName("person")
        self.rule = text_edit(_("the rule broken, e.g. cattle grazing in the park"))
        self.rule.setObjectName("rule")
        self.amount = amount_edit()
        self.imposed_by = QLineEdit()
        self.imposed_by.setObjectName("imposedBy")
        self.imposed_by.setPlaceholderText(_("e.g. the akim, the administrative commission"))
        self.date = date_edit()
        self.date.setObjectName("date")
        self.form.addRow(_("Person fined"), self.person)
        self.form.addRow(_("Rule broken"), self.rule)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow(_("Imposed by"), self.imposed_by)
        self.form.addRow(_("Date"), self.date)

    def save(self) -> None:
        if self.person.currentIndex() < 0:
            raise InvalidInput(_("Choose the person fined (Parties: Add party…)."))
        amount = amount_of(self.amount)
        self.fine_id = fines.add(
            self.context.ledger,
            self.context.user,
            int(self.person.currentData()),
            self.rule.toPlainText(),
            amount,
            self.imposed_by.text(),
            self.date.day(),
        )


class FinePaymentDialog(ReceiptForm):
    """The clerk records what was paid of a fine: a FINES receipt naming it
    (``RegisterLink(fine_id=...)``); the amount offered is what is unpaid."""

    def __init__(
        self, context: AppContext, fine_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Record a payment of a fine"), _("Record the payment"), parent)
        self.setObjectName("finePaymentDialog")
        self.fines = {f.id: f for f in fines.fines(context.ledger.conn)}
        self.fine = QComboBox()
        self.fine.setObjectName("fine")
        for fine in self.fines.values():
            self.fine.addItem(fine_text(fine), fine.id)
        self.fine.setPlaceholderText(_("choose a fine"))
        self.fine.setCurrentIndex(self.fine.findData(fine_id) if fine_id is not None else -1)
        self._receipt_rows(_("Fine"), self.fine, self._fine_chosen)
        self._fine_chosen()

    def chosen(self) -> Fine | None:
        data = self.fine.currentData()
        return self.fines.get(int(data)) if data is not None else None

    def _fine_chosen(self) -> None:
        fine = self.chosen()
        if fine is None:
            self.standing.setText("")
            return
        self.standing.setText(standing_text(fine))
        self.amount.setText(typed_amount(fine.unpaid) if fine.unpaid else "")
        self.description.setText(
            _("Fine {id}: {rule}").format(id=fine.id, rule=fine.rule.splitlines()[0])
        )

    def save(self) -> None:
        fine = self.chosen()
        if fine is None:
            raise InvalidInput(_("Choose the fine the payment is for."))
        entry = NewEntry(
            date=self.date.day(),
            type=EntryType.RECEIPT,
            amount=amount_of(self.amount),
            category=FINES_CODE,
            account=str(self.account.currentData() or ""),
            description=self.description.text(),
        )
        self.entry_id = journal.record(
            self.context.ledger,
            self.context.user,
            entry,
            allow_future=self.allow_future,
            register=RegisterLink(fine_id=fine.id),
        )


class CancelFineDialog(CoreForm):
    """The clerk cancels what a fine has unpaid, with the reason and the reference of the
    decision that cancelled it; the fine, and who cancelled it why, stay."""

    def __init__(self, context: AppContext, fine: Fine, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Cancel a fine"), _("Cancel the fine"), parent)
        self.setObjectName("cancelFineDialog")
        self.fine = fine
        self.say(
            fine_text(fine)
            + "\n"
            + _(
                "What is unpaid ({unpaid}) is cancelled; what was paid ({paid}) stays paid. "
                "The cancellation is kept with the fine."
            ).format(unpaid=format_amount(fine.unpaid), paid=format_amount(fine.paid))
        )
        self.reason = text_edit(_("why the fine is cancelled"))
        self.reason.setObjectName("reason")
        self.decision = QLineEdit()
        self.decision.setObjectName("decision")
        self.decision.setPlaceholderText(_("e.g. court ruling 2-114/2026, akim's order 12"))
        self.date = date_edit()
        self.date.setObjectName("date")
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Decision (reference)"), self.decision)
        self.form.addRow(_("Cancelled on"), self.date)

    def save(self) -> None:
        fines.cancel(
            self.context.ledger,
            self.context.user,
            self.fine.id,
            self.reason.toPlainText(),
            self.decision.text(),
            self.date.day(),
        )
