"""The clerk records a donation; the chair acknowledges a flagged one by the council's
resolution.

Each dialog calls one core function (``donations.add``, ``donations.acknowledge``) and shows
its refusal as is, with nothing written and everything typed kept. Before the clerk saves,
the record dialog shows what the core will flag: the donor's business with the akim
(``donations.business_with_akim``), read afresh as the donor and the date are chosen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, account_combo, party_combo, resolution_text
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.donations_model import (
    business_lines,
    donor_text,
    project_text,
    stored_reasons,
)
from ruralcouncil.gui.entry_dialogs import clock_is_trusted, fit_height
from ruralcouncil.gui.page_parts import add_named
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, council, donations, meetings, money, parse, projects
from ruralcouncil.ledger.classification import DEFAULT_CASH_ACCOUNT
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.donations import DONOR_TYPE_NAMES, Donation
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.records import PROJECT_FUND_PREFIX
from ruralcouncil.ledger.roles import Action

_LAST_STATEMENT_FOLDER = "donations/last_statement_folder"
_FLAG_STYLE = "color: #8a4a00; background: #fff3cd; border: 1px solid #e0b050; padding: 6px;"
_CLEAR_STYLE = "color: #505050;"
_NOTE_STYLE = "color: #505050;"


def _text_edit(placeholder: str, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def _note(style: str = _NOTE_STYLE) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def donation_line(donation: Donation) -> str:
    """One gift in a sentence: its number, date, donor and what it is."""
    if donation.cash:
        text = _("Donation №{id} of {day}: {amount} in cash from {donor}.")
    else:
        text = _("Donation №{id} of {day}: {what}, valued at {amount}, from {donor}.")
    return text.format(
        id=donation.id,
        day=shown_date(donation.date),
        amount=format_amount(donation.amount),
        donor=donor_text(donation),
        what=" ".join(donation.in_kind.split()),
    )


class AddDonationDialog(CoreForm):
    """The clerk records a gift: the donor and their kind, cash (into a cash account) or in
    kind (what, its value, who valued it), where it goes (the general fund, an earmarked
    fund, an adopted community project), the amount and date, the donor's own statement that
    it is voluntary (typed, or a signed scan), anonymity in public reports and a contact."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Record a donation"), _("Record the donation"), parent)
        self.setObjectName("addDonationDialog")
        self.setMinimumWidth(660)
        self.donation_id: int | None = None
        self.statement_path: Path | None = None
        conn = context.ledger.conn
        self.say(
            _(
                "A gift is recorded with the donor's own statement that it is voluntary. When "
                "the donor does business with the akim, the gift is flagged and its money held "
                "until the council acknowledges it by resolution."
            )
        )

        self.date = date_edit()
        self.date.setObjectName("date")
        self.party = party_combo(context.ledger)
        self.new_party_button = QPushButton(_("New donor…"))
        self.new_party_button.setObjectName("newDonor")
        self.new_party_button.setToolTip(_("Add the donor to the register of parties"))
        self.new_party_button.clicked.connect(lambda _c=False: self.add_party())
        self.new_party_button.setVisible(context.may(Action.REGISTER))
        donor_row = QHBoxLayout()
        donor_row.addWidget(self.party, 1)
        donor_row.addWidget(self.new_party_button)
        self.donor_type = QComboBox()
        self.donor_type.setObjectName("donorType")
        for kind, name in DONOR_TYPE_NAMES.items():
            self.donor_type.addItem(_(name), kind.value)
        self.donor_type.setCurrentIndex(-1)
        self.donor_type.setPlaceholderText(_("follows the donor's entry in the register"))
        self.flag_note = _note(_FLAG_STYLE)
        self.flag_note.setObjectName("flagPreview")

        # Cash or in kind.
        self.cash = QRadioButton(_("Cash"))
        self.cash.setObjectName("cash")
        self.in_kind = QRadioButton(_("In kind (goods or work)"))
        self.in_kind.setObjectName("inKind")
        self.cash.setChecked(True)
        self._gift_group = QButtonGroup(self)
        self._gift_group.addButton(self.cash)
        self._gift_group.addButton(self.in_kind)
        gift_row = QHBoxLayout()
        gift_row.addWidget(self.cash)
        gift_row.addWidget(self.in_kind)
        gift_row.addStretch(1)
        self.account = account_combo(context.ledger)
        self.account.setCurrentIndex(max(0, self.account.findData(DEFAULT_CASH_ACCOUNT)))
        self.what = _text_edit(_("what was given, e.g. 40 bags of cement, or 3 days of work"), 2)
        self.what.setObjectName("whatWasGiven")
        self.valued_by = QLineEdit()
        self.valued_by.setObjectName("valuedBy")
        self.valued_by.setMaxLength(parse.MAX_TEXT)
        self.valued_by.setPlaceholderText(_("who set its value, e.g. the school's bookkeeper"))

        # Where it goes.
        self.general = QRadioButton(_("The general fund"))
        self.general.setObjectName("generalFund")
        self.earmarked = QRadioButton(_("An earmarked fund:"))
        self.earmarked.setObjectName("earmarkedFund")
        self.to_project = QRadioButton(_("A community project:"))
        self.to_project.setObjectName("toProject")
        self.general.setChecked(True)
        self._goes_group = QButtonGroup(self)
        for button in (self.general, self.earmarked, self.to_project):
            self._goes_group.addButton(button)
        self.fund = QComboBox()
        self.fund.setObjectName("fund")
        for fund in catalog.funds(conn):
            if fund.restricted and not fund.code.startswith(PROJECT_FUND_PREFIX):
                add_named(self.fund, fund.name(), fund.code)
        self.project = QComboBox()
        self.project.setObjectName("project")
        for project in projects.projects(conn):
            if project.state == projects.State.ADOPTED:
                self.project.addItem(project_text(project), project.id)
        for combo in (self.fund, self.project):  # a long title does not widen the form
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
        if not self.fund.count():
            self.earmarked.setEnabled(False)
            self.earmarked.setToolTip(
                _("The ledger has no restricted fund (Settings adds one) to earmark a gift to.")
            )
        if not self.project.count():
            self.to_project.setEnabled(False)
            self.to_project.setToolTip(_("No community project is adopted and collecting."))
        goes = QVBoxLayout()
        goes.setSpacing(2)
        goes.addWidget(self.general)
        for button, combo in ((self.earmarked, self.fund), (self.to_project, self.project)):
            row = QHBoxLayout()
            row.addWidget(button)
            row.addWidget(combo, 1)
            goes.addLayout(row)

        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(_("for example 50 000 or 1 500,50"))
        self.amount_label = QLabel(_("Amount (₸)"))

        # The donor's statement, anonymity, contact.
        self.voluntary = _text_edit(
            _("the donor's own words, e.g. «I give this of my own free will; nobody asked me to.»"),
            3,
        )
        self.voluntary.setObjectName("voluntary")
        self.statement_label = QLabel(_("no scan attached"))
        self.statement_label.setObjectName("statementFile")
        self.statement_label.setStyleSheet(_NOTE_STYLE)
        attach = QPushButton(_("Attach a signed scan…"))
        attach.setObjectName("attachStatement")
        attach.clicked.connect(lambda _c=False: self.choose_statement())
        self.remove_statement = QPushButton(_("Remove"))
        self.remove_statement.setObjectName("removeStatement")
        self.remove_statement.clicked.connect(lambda _c=False: self.set_statement(None))
        scan_row = QHBoxLayout()
        scan_row.addWidget(attach)
        scan_row.addWidget(self.statement_label, 1)
        scan_row.addWidget(self.remove_statement)
        statement = QVBoxLayout()
        statement.addWidget(self.voluntary)
        statement.addLayout(scan_row)
        self.anonymous = QCheckBox(_("Anonymous: public reports print «Anonymous donor»"))
        self.anonymous.setObjectName("anonymous")
        self.contact = QLineEdit()
        self.contact.setObjectName("contact")
        self.contact.setMaxLength(parse.MAX_TEXT)
        self.contact.setPlaceholderText(
            _("phone or address, for a receipt; seen only by the council")
        )

        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Donor"), donor_row)
        self.form.addRow(_("Kind of donor"), self.donor_type)
        self.form.addRow(self.flag_note)
        self.form.addRow(_("Gift"), gift_row)
        self.form.addRow(_("Received into"), self.account)
        self.form.addRow(_("What was given"), self.what)
        self.form.addRow(_("Valued by"), self.valued_by)
        self.form.addRow(self.amount_label, self.amount)
        self.form.addRow(_("Goes to"), goes)
        self.form.addRow(_("Voluntary statement"), statement)
        self.form.addRow("", self.anonymous)
        self.form.addRow(_("Contact"), self.contact)

        self.party.currentIndexChanged.connect(lambda _i: self._party_chosen())
        self.date.dateChanged.connect(self.update_flag)
        self.cash.toggled.connect(lambda _on: self._gift_chosen())
        self._goes_group.buttonToggled.connect(lambda _b, _on: self._destination_chosen())
        self._gift_chosen()
        self._destination_chosen()
        self.set_statement(None)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    # --- what the form shows as it is filled in -------------------------------------------

    def _party_chosen(self) -> None:
        party_id = self.party_id()
        if party_id is not None:
            party = council.get_party(self.context.ledger.conn, party_id)
            # The core's own default, which it records when no kind is given.
            kind = donations.donor_type_of(party)
            self.donor_type.setCurrentIndex(self.donor_type.findData(kind.value))
        self.update_flag()

    def _gift_chosen(self) -> None:
        cash = self.cash.isChecked()
        self.form.setRowVisible(self.account, cash)
        self.form.setRowVisible(self.what, not cash)
        self.form.setRowVisible(self.valued_by, not cash)
        self.amount_label.setText(_("Amount (₸)") if cash else _("Its value (₸)"))
        self.update_flag()
        fit_height(self)

    def _destination_chosen(self) -> None:
        self.fund.setEnabled(self.earmarked.isChecked())
        self.project.setEnabled(self.to_project.isChecked())

    def party_id(self) -> int | None:
        return int(self.party.currentData()) if self.party.currentIndex() >= 0 else None

    def flag_reasons(self) -> list[str]:
        """The core's reasons to flag a gift from the chosen donor on the date typed."""
        party_id = self.party_id()
        if party_id is None:
            return []
        try:
            day = self.date.day()
        except InvalidInput:
            day = date.today()
        return donations.business_with_akim(self.context.ledger.conn, party_id, day)

    def update_flag(self) -> None:
        if self.party_id() is None:
            self.flag_note.hide()
            return
        reasons = self.flag_reasons()
        if reasons:
            held = (
                _(
                    "The gift will be flagged and its money held: its fund cannot spend it "
                    "until the council acknowledges the gift by resolution."
                )
                if self.cash.isChecked()
                else _("The gift will be flagged: the council acknowledges it by resolution.")
            )
            self.flag_note.setText(business_lines(reasons) + "\n" + held)
            self.flag_note.setStyleSheet(_FLAG_STYLE)
        else:
            self.flag_note.setText(
                _("The donor has no business with the akim: the gift will not be flagged.")
            )
            self.flag_note.setStyleSheet(_CLEAR_STYLE)
        self.flag_note.show()
        fit_height(self)

    # --- the donor's register and the scan --------------------------------------------------

    def add_party(self) -> int | None:
        """Add the donor to the register (the Parties page's own dialog), then choose them."""
        from ruralcouncil.gui.parties_page import AddPartyDialog

        dialog = AddPartyDialog(self.context, self)
        try:
            messages.run_dialog(dialog)
            added = dialog.party_id
        finally:
            dialog.deleteLater()
        if added is None:
            return None
        fresh = party_combo(self.context.ledger, added)
        self.party.blockSignals(True)
        self.party.clear()
        for i in range(fresh.count()):
            self.party.addItem(fresh.itemText(i), fresh.itemData(i))
            tooltip = fresh.itemData(i, Qt.ItemDataRole.ToolTipRole)  # the IIN/BIN
            self.party.setItemData(i, tooltip, Qt.ItemDataRole.ToolTipRole)
        self.party.setCurrentIndex(self.party.findData(added))
        self.party.blockSignals(False)
        fresh.deleteLater()
        self._party_chosen()
        return added

    def choose_statement(self) -> None:
        folder = str(folder_settings().value(_LAST_STATEMENT_FOLDER, "") or "") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Attach the donor's signed statement"),
            folder,
            _("Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)"),
        )
        if name:
            folder_settings().setValue(_LAST_STATEMENT_FOLDER, str(Path(name).parent))
            self.set_statement(Path(name))

    def set_statement(self, path: Path | None) -> None:
        self.statement_path = path
        self.statement_label.setText(path.name if path else _("no scan attached"))
        self.statement_label.setToolTip(str(path) if path else "")
        self.remove_statement.setEnabled(path is not None)

    def _statement(self) -> tuple[str, bytes] | None:
        path = self.statement_path
        if path is None:
            return None
        try:
            with path.open("rb") as fh:
                # No more than the core takes, and a byte over: the core says it is too large.
                data = fh.read(donations.MAX_STATEMENT + 1)
        except OSError as exc:
            raise InvalidInput(
                _("The file {path} could not be read: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            ) from None
        return path.name, data

    # --- saving -------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.cash.isChecked() and not clock_is_trusted(self, self.context):
            return
        super().accept()
        if self.refusal():
            fit_height(self)  # the refusal's lines below a wrapped warning: all of them seen

    def save(self) -> None:
        day = self.date.day()
        party_id = self.party_id()
        if party_id is None:
            raise InvalidInput(_("Choose the donor (or add them: New donor…)."))
        fund: str | None = None
        project_id: int | None = None
        if self.earmarked.isChecked():
            if self.fund.currentIndex() < 0:
                raise InvalidInput(_("Choose the earmarked fund."))
            fund = str(self.fund.currentData())
        elif self.to_project.isChecked():
            if self.project.currentIndex() < 0:
                raise InvalidInput(_("Choose the community project."))
            project_id = int(self.project.currentData())
        in_kind = valued_by = ""
        if self.in_kind.isChecked():
            in_kind = self.what.toPlainText()
            valued_by = self.valued_by.text()
            if not in_kind.strip():
                raise InvalidInput(_("Say what was given in kind."))
        amount = money.parse_amount(self.amount.text())
        kind = self.donor_type.currentData()
        self.donation_id = donations.add(
            self.context.ledger,
            self.context.user,
            party_id,
            amount,
            self.voluntary.toPlainText(),
            fund=fund,
            project_id=project_id,
            in_kind=in_kind,
            valued_by=valued_by,
            anonymous=self.anonymous.isChecked(),
            contact=self.contact.text(),
            donor_type=str(kind) if kind else None,
            statement=self._statement(),
            on=day,
            account=str(self.account.currentData() or DEFAULT_CASH_ACCOUNT),
        )


# --- the chair's acknowledgement ------------------------------------------------------------


class AcknowledgeDialog(CoreForm):
    """The chair acknowledges a flagged gift by the council's resolution about it: chosen
    among those ready (passed, confirmed, unused), or typed as YEAR/NUMBER."""

    def __init__(
        self, context: AppContext, donation: Donation, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Acknowledge the donation"), _("Acknowledge"), parent)
        self.setObjectName("acknowledgeDialog")
        self.setMinimumWidth(600)
        self.donation = donation
        self.say(
            donation_line(donation)
            + "\n"
            + business_lines(stored_reasons(donation))
            + "\n"
            + _(
                "Only a passed, confirmed resolution of the council about donation:{id} "
                "acknowledges it; the acknowledgement takes the date of its meeting."
            ).format(id=donation.id)
        )
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolution")
        self.resolution.setEditable(True)
        self.resolution.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.resolution.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.resolution.setMinimumContentsLength(40)
        line = self.resolution.lineEdit()
        assert line is not None
        line.setPlaceholderText(_("YEAR/NUMBER, such as 2026/4"))
        ready = meetings.ready_for(context.ledger.conn, f"donation:{donation.id}")
        for resolution in ready:
            self.resolution.addItem(resolution_text(resolution), resolution.ref)
        self.resolution.setCurrentIndex(0 if ready else -1)
        line.setCursorPosition(0)  # the start of a long line: its number
        self.ready_note = _note()
        self.ready_note.setObjectName("readyNote")
        self.ready_note.setText(
            ""
            if ready
            else _(
                "No resolution about donation:{id} is ready: the council votes on it at a "
                "meeting, and a member present confirms the record (Meetings page)."
            ).format(id=donation.id)
        )
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow(self.ready_note)
        self.form.setRowVisible(self.ready_note, not ready)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)  # every line of the donor's business seen, however many

    def chosen_ref(self) -> str:
        """The resolution chosen from the list, or what was typed."""
        text = self.resolution.currentText().strip()
        index = self.resolution.findText(text)
        return str(self.resolution.itemData(index)) if index >= 0 else text

    def save(self) -> None:
        donations.acknowledge(
            self.context.ledger, self.context.user, self.donation.id, self.chosen_ref()
        )
