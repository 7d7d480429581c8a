"""The chair's approval of a spending request, signed with their own password at that moment.

Being logged in is not enough: the dialog asks the chair's password again and logs them in
afresh (``users.login``), and the approval is signed with that key, so an approval made from
a window left open is still the chair's own. The chair approves alone (within the council's
limit, which the core checks) or by a passed, confirmed, unused resolution about this
request; the core refuses what the rules refuse, in the words the command line prints too.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, names_by_code, resolution_text
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.request_dialogs import request_line
from ruralcouncil.i18n import _
from ruralcouncil.ledger import council, meetings, spending, users
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.spending import Request

ALONE = ""  # the chooser's data for "no resolution: the chair alone"


class ApproveDialog(CoreForm):
    def __init__(
        self, context: AppContext, request: Request, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Approve the request"), _("Approve and sign"), parent)
        self.setObjectName("approveDialog")
        self.request = request
        conn = context.ledger.conn
        limit = council.amount_rule(conn, council.Rule.CHAIR_LIMIT)
        earlier = spending.chair_alone_total(conn, request.party_id, date.today())
        self.say(
            request_line(request, names_by_code(context.ledger))
            + "\n"
            + _(
                "Your limit alone is {limit}; you approved {earlier} to {party} alone within "
                "30 days of today. Above the limit only a resolution of the council approves it."
            ).format(
                limit=format_amount(limit), earlier=format_amount(earlier), party=request.party
            )
        )
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolution")
        self.resolution.addItem(_("None: I approve alone, within my limit"), ALONE)
        self.meeting_days: dict[str, str] = {}
        for resolution in meetings.ready_for(context.ledger.conn, f"request:{request.id}"):
            self.resolution.addItem(resolution_text(resolution), resolution.ref)
            self.meeting_days[resolution.ref] = resolution.date
        if self.resolution.count() > 1:
            self.resolution.setCurrentIndex(1)  # the council decided: its resolution
        self.date = date_edit()
        self.date_note = QLabel()
        self.date_note.setWordWrap(True)
        self.date_note.setStyleSheet("color: #505050;")
        user = context.user
        signer = QLabel(f"{user.full_name or user.name} ({user.name})")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(users.MAX_PASSWORD_LENGTH)
        self.password.setPlaceholderText(_("your own password, to sign this approval"))
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow("", self.date_note)
        self.form.addRow(_("Approved by"), signer)
        self.form.addRow(_("Password"), self.password)
        self.resolution.currentIndexChanged.connect(self._resolution_chosen)
        self._resolution_chosen()
        self.password.setFocus()

    def chosen_ref(self) -> str:
        return str(self.resolution.currentData() or ALONE)

    def _resolution_chosen(self) -> None:
        ref = self.chosen_ref()
        alone = ref == ALONE
        self.date.setEnabled(alone)
        if not alone:
            self.date.setDate(date.fromisoformat(self.meeting_days[ref]))
        self.date_note.setText(
            "" if alone else _("An approval by resolution takes the date of its meeting.")
        )
        self.form.setRowVisible(self.date_note, not alone)

    def save(self) -> None:
        ref = self.chosen_ref()
        on = self.date.day() if ref == ALONE else None
        password, name = self.password.text(), self.context.user.name
        self.password.clear()  # a signature is given once, for this approval
        try:
            approver = users.login(self.context.ledger, name, password)
        except AuthenticationFailed:
            self.password.setFocus()
            raise
        spending.approve(self.context.ledger, approver, self.request.id, ref, on)
