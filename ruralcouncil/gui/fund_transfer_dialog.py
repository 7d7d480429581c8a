"""Moving money between funds: only by a passed, confirmed resolution about
``fund-transfer:FROM:TO:AMOUNT`` (DESIGN §4.2), so the dialog starts from the resolution.

The resolution fixes the two funds and the amount; the clerk chooses the cash account the
money sits in and the date. The core (``journal.fund_transfer``) decides everything else and
its refusal is shown as it words it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, account_combo, names_by_code
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.i18n import _
from ruralcouncil.ledger import journal, meetings
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount, parse_amount


def waiting_transfers(context: AppContext) -> list[meetings.Resolution]:
    """Resolutions that authorise a fund transfer not yet made: passed, confirmed, unused."""
    return [
        r
        for r in meetings.resolutions(context.ledger.conn)
        if r.subject.startswith("fund-transfer:") and r.in_effect and r.used_for is None
    ]


class FundTransferDialog(CoreForm):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Transfer between funds"), _("Record the transfer"), parent)
        self.number: int | None = None
        self.say(
            _(
                "Money moves from one fund to another only as a council resolution decided: "
                "choose the resolution; it fixes the funds and the amount."
            )
        )
        self.names = names_by_code(context.ledger)
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolution")
        for found in waiting_transfers(context):
            self.resolution.addItem(
                _("Resolution {ref} of {day}: {text}").format(
                    ref=found.ref, day=shown_date(found.date), text=found.text
                ),
                found.ref,
            )
        self.resolution.setPlaceholderText(_("no resolution about a fund transfer is waiting"))
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.account = account_combo(context.ledger)
        self.date = date_edit()
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow("", self.what)
        self.form.addRow(_("Cash account"), self.account)
        self.form.addRow(_("Date"), self.date)
        self.resolution.currentIndexChanged.connect(self._show_subject)
        self._show_subject()

    def _subject(self) -> tuple[str, str, int] | None:
        """(from fund, to fund, tiyn) of the chosen resolution."""
        index = self.resolution.currentIndex()
        if index < 0:
            return None
        found = meetings.get_resolution(
            self.context.ledger.conn, str(self.resolution.itemData(index))
        )
        _kind, source, target, amount = found.subject.split(":")
        return source, target, parse_amount(amount)

    def _show_subject(self) -> None:
        subject = self._subject()
        self.ok_button.setEnabled(subject is not None)
        if subject is None:
            self.what.setText("")
            return
        source, target, amount = subject
        self.what.setText(
            _("{amount} from {source} to {target}").format(
                amount=format_amount(amount),
                source=self.names.get(source, source),
                target=self.names.get(target, target),
            )
        )

    def save(self) -> None:
        subject = self._subject()
        if subject is None:
            return
        source, target, amount = subject
        self.number = journal.fund_transfer(
            self.context.ledger,
            self.context.user,
            self.date.day(),
            source,
            target,
            amount,
            str(self.resolution.currentData()),
            account=str(self.account.currentData()),
        )
