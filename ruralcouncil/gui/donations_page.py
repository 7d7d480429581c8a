"""Donations (DESIGN §2.4, §4.3): the year's gifts, the chosen one whole, and what the
logged-in role may do.

The clerk records a gift (with the donor's statement that it is voluntary); the chair
acknowledges a flagged one by the council's resolution, which releases its money. The page
is for the council's staff: it shows every donor's real name, marks those who asked to stay
anonymous in public reports, and shows the donor's contact, which nothing public prints.
Buttons are offered only to the roles the core allows; the core decides again, and its
refusal is shown in its own words.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import columns, messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.donations_model import (
    DESTINATION,
    DONOR,
    DONOR_TYPE,
    GIFT,
    STATUS,
    DonationsModel,
    awaits_acknowledgement,
    business_lines,
    status_text,
    stored_reasons,
)
from ruralcouncil.gui.page_parts import action_button, named, select_row
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import donations
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.donations import DONOR_TYPE_NAMES, Donation
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.roles import Action

_OK_STYLE = "color: #1b5e20;"
# Long free text (and, in Kazakh, long headers): each gets at most a fair share.
_SHARED = (DONOR, DONOR_TYPE, GIFT, DESTINATION)
_FLAG_STYLE = "color: #8a4a00; background: #fff3cd; border: 1px solid #e0b050; padding: 6px;"
_CLEAR_STYLE = "color: #1b5e20; padding: 6px;"
_PRIVATE_STYLE = "color: #505050;"


def _value(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def safeguard_text(donation: Donation) -> str:
    """The pressure safeguard, said plainly: why the gift is flagged and what that means
    now, or that it is not flagged."""
    if not donation.flagged:
        return _(
            "The donor had no business with the akim when the gift was recorded: "
            "it is not flagged, and nothing is held."
        )
    reasons = business_lines(stored_reasons(donation))
    if donation.acknowledged_by is not None:
        now = _(
            "The council acknowledged the gift by resolution {ref} on {day}; its money may be "
            "spent."
        ).format(ref=donation.acknowledged_by, day=shown_date(donation.acknowledged_on or ""))
    elif donation.reversed:
        now = _("Its receipt was reversed: the gift holds nothing.")
    elif donation.held:
        now = _(
            "Its money is held: the fund cannot spend it until the council acknowledges the "
            "gift by a resolution about donation:{id}."
        ).format(id=donation.id)
    else:
        now = _(
            "A gift in kind holds no money, but the council acknowledges it by a resolution "
            "about donation:{id}."
        ).format(id=donation.id)
    return reasons + "\n" + now


class DonationDetail(QWidget):
    """The chosen gift, everything the council knows of it, in words."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.donation: Donation | None = None
        self.heading = QLabel()
        self.heading.setObjectName("donationHeading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.date = _value()
        self.donor = _value()
        self.donor_type = _value()
        self.public_name = _value()
        self.gift = _value()
        self.amount = _value()
        self.destination = _value()
        self.contact = _value()
        self.contact.setObjectName("contact")
        self.contact.setStyleSheet(_PRIVATE_STYLE)
        form = QFormLayout()
        form.addRow(_("Date"), self.date)
        form.addRow(_("Donor"), self.donor)
        form.addRow(_("Kind of donor"), self.donor_type)
        form.addRow(_("In public reports"), self.public_name)
        form.addRow(_("Gift"), self.gift)
        self.amount_label = QLabel(_("Amount"))
        form.addRow(self.amount_label, self.amount)
        form.addRow(_("Goes to"), self.destination)
        form.addRow(_("Contact (the council only)"), self.contact)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)

        self.safeguard = _value()
        self.safeguard.setObjectName("safeguard")
        safeguard_box = QGroupBox(_("Safeguard against pressure"))
        QVBoxLayout(safeguard_box).addWidget(self.safeguard)
        self.voluntary = _value()
        self.voluntary.setObjectName("voluntary")
        self.scan = _value()
        self.scan.setObjectName("scan")
        self.view_button = QPushButton(_("View"))
        self.view_button.setObjectName("viewStatement")
        self.view_button.clicked.connect(lambda _c=False: self.view_statement())
        self.save_button = QPushButton(_("Save a copy…"))
        self.save_button.setObjectName("saveStatement")
        self.save_button.clicked.connect(lambda _c=False: self.save_statement())
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(self.view_button)
        scan_row.addWidget(self.save_button)
        statement_box = QGroupBox(_("The donor's statement that the gift is voluntary"))
        statement_layout = QVBoxLayout(statement_box)
        statement_layout.addWidget(self.voluntary)
        statement_layout.addLayout(scan_row)
        right = QVBoxLayout()
        right.addWidget(safeguard_box)
        right.addWidget(statement_box)
        right.addStretch(1)

        self.body = QWidget()  # hidden while no gift is chosen: no empty form
        columns = QHBoxLayout(self.body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)
        self.show_donation(None)

    def show_donation(
        self, donation: Donation | None, destination: str = "", empty: str = ""
    ) -> None:
        """Show ``donation`` (``destination``: its fund or project, as the table names it);
        ``empty`` is said when there is none to show."""
        self.donation = donation
        values = (
            self.date,
            self.donor,
            self.donor_type,
            self.public_name,
            self.gift,
            self.amount,
            self.destination,
            self.contact,
            self.safeguard,
            self.voluntary,
            self.scan,
        )
        if donation is None:
            self.heading.setText(empty or _("Choose a donation to see it whole."))
            self.body.hide()
            for label in values:
                label.setText("")
            self.safeguard.setStyleSheet("")
            self.view_button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        self.body.show()
        self.heading.setText(
            _("Donation №{id} — {donor}: {status}").format(
                id=donation.id, donor=donation.donor, status=status_text(donation)
            )
        )
        self.date.setText(shown_date(donation.date))
        self.donor.setText(
            _("{name} (party №{id} in the register)").format(
                name=donation.donor, id=donation.party_id
            )
        )
        self.donor_type.setText(_(DONOR_TYPE_NAMES[donation.donor_type]))
        self.public_name.setText(
            _("«{name}»: the donor asked to stay anonymous").format(name=donation.public_name())
            if donation.anonymous
            else _("by name, {name}").format(name=donation.donor)
        )
        if donation.cash:
            gift = (
                _("Cash, received as entry {number}").format(number=donation.entry)
                if donation.entry is not None
                else _("Cash")
            )
            if donation.reversed:
                gift += "\n" + _("The receipt was reversed: the gift's money is gone.")
            self.gift.setText(gift)
            self.amount_label.setText(_("Amount"))
            self.amount.setText(format_amount(donation.amount))
        else:
            self.gift.setText(_("In kind: {what}").format(what=donation.in_kind))
            self.amount_label.setText(_("Value"))
            self.amount.setText(
                _("{amount}, valued by {valuer}").format(
                    amount=format_amount(donation.amount), valuer=donation.valued_by
                )
            )
        self.destination.setText(named(destination, donation.fund))
        self.contact.setText(donation.contact or _("none given"))
        self.safeguard.setText(safeguard_text(donation))
        waiting = awaits_acknowledgement(donation) and not donation.reversed
        self.safeguard.setStyleSheet(
            _FLAG_STYLE if waiting else (_CLEAR_STYLE if not donation.flagged else "")
        )
        self.voluntary.setText(
            donation.voluntary or _("No typed statement: the donor's signed scan says it.")
        )
        self.scan.setText(
            _("Signed scan: {name}").format(name=donation.statement_name)
            if donation.statement_name
            else _("No signed scan.")
        )
        has_scan = donation.statement_name is not None
        self.view_button.setEnabled(has_scan)
        self.save_button.setEnabled(has_scan)

    def _statement(self) -> tuple[str, bytes] | None:
        if self.donation is None or self.donation.statement_name is None:
            return None
        return donations.statement_data(self.context.ledger.conn, self.donation.id)

    def view_statement(self) -> QWidget | None:
        from ruralcouncil.gui.attachment_viewer import show_attachment

        chosen = self._statement()
        return show_attachment(self, *chosen) if chosen else None

    def save_statement(self) -> None:
        from ruralcouncil.gui import attachment_viewer

        chosen = self._statement()
        if chosen:
            attachment_viewer.save_copy(self, *chosen)


class DonationsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("donationsPage")
        title = QLabel(_("Donations"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setObjectName("donationsSummary")
        self.summary.setWordWrap(True)

        self.year_box = YearBox()
        self.year_box.setObjectName("donationsYear")
        self.year_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("donationsSearch")
        self.search.setPlaceholderText(_("Search donor, fund, project, gift, statement"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self.apply_search)
        self.record_button = action_button(
            _("Record a donation…"), "recordDonation", self.record_donation
        )
        self.record_button.setVisible(context.may(Action.RECORD))
        self.acknowledge_button = action_button(_("Acknowledge…"), "acknowledge", self.acknowledge)
        self.acknowledge_button.setToolTip(
            _("Release a flagged gift's money by the council's resolution about it")
        )
        self.acknowledge_button.setVisible(context.may(Action.CHAIR))
        self.receipt_button = action_button(
            _("Receipt for the donor…"), "donorReceipt", self.print_receipt
        )
        self.receipt_button.setToolTip(
            _("The donor's receipt (PDF) with its verification code, to print or save")
        )
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Year:")))
        bar.addWidget(self.year_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.record_button)
        bar.addWidget(self.acknowledge_button)
        bar.addWidget(self.receipt_button)

        self.model = DonationsModel(context, self)
        self.table = QTableView()
        self.table.setObjectName("donationsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Figures, dates and the status whole; the donor, the gift and the fund or project
        # (free text, long in Kazakh) get a fair share each, cut with «…» beyond it: their
        # tooltips and the detail below say them in full, and a header's edge widens them.
        columns.prepare(self.table, _SHARED, stretch=STATUS)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the page's own order
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._double_clicked)

        self.detail = DonationDetail(context)
        # A donor with much business with the akim has many lines: they scroll, never cut.
        detail_area = QScrollArea()
        detail_area.setObjectName("donationDetail")
        detail_area.setWidgetResizable(True)
        detail_area.setFrameShape(QFrame.Shape.NoFrame)
        detail_area.setWidget(self.detail)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_area)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([300, 250])  # in these proportions, whatever the window's height
        detail_area.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)

        self.status = QLabel()
        self.status.setObjectName("donationsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.refresh()
        context.changed.connect(self.refresh)

    # --- the list -----------------------------------------------------------------------

    def year(self) -> int | None:
        return self.year_box.year()

    def set_year(self, year: int) -> None:
        self.year_box.choose(year)

    def refresh(self) -> None:
        """After a change anywhere (or another year chosen): read the gifts again, keeping
        the chosen one."""
        if self.context.busy:
            return
        chosen = self.selected_donation()
        years = {int(d.date[:4]) for d in donations.donations(self.context.ledger.conn)}
        this_year = date.today().year
        # At first, this year; or, when it has no gift yet, the last year that has.
        first = this_year if this_year in years or not years else max(years)
        self.year_box.offer(years, self.year() or first)
        self.model.set_year(self.year())
        self._after_reload(chosen.id if chosen else None)

    def apply_search(self) -> None:
        chosen = self.selected_donation()
        self.model.set_search(self.search.text())
        self._after_reload(chosen.id if chosen else None)

    def _after_reload(self, keep: int | None) -> None:
        self._show_summary()
        self._fit_columns()
        if keep is not None and self.select_donation(keep):
            return
        if self.model.rowCount():
            self.select_donation(self.model.rows[0].id)
        else:
            self.detail.show_donation(None, empty=self._empty_text())
            self._enable(None)

    def _fit_columns(self) -> None:
        """The figures, dates and kinds whole; the donor, the gift and the fund or project
        share the room the others leave; the status takes what is left over."""
        status = max(self.table.sizeHintForColumn(STATUS), 0)
        columns.share(self.table, _SHARED, stretch=STATUS, reserve=status)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)  # once the table has its new width

    def _empty_text(self) -> str:
        if self.model.all:
            return _("No donation of {year} matches «{words}».").format(
                year=self.year(), words=self.search.text().strip()
            )
        return " "  # the summary above says the year has none

    def _show_summary(self) -> None:
        totals = self.model.totals()
        year = self.year()
        if not totals.count:
            self.summary.setText(_("No donation was recorded in {year}.").format(year=year))
            return
        text = ngettext(
            "{year}: {n} gift, {cash} in cash and {kind} in kind.",
            "{year}: {n} gifts, {cash} in cash and {kind} in kind.",
            totals.count,
        ).format(
            year=year,
            n=totals.count,
            cash=format_amount(totals.cash),
            kind=format_amount(totals.in_kind),
        )
        if totals.waiting:
            text += " " + ngettext(
                "{n} flagged gift awaits the council's acknowledgement; {held} is held.",
                "{n} flagged gifts await the council's acknowledgement; {held} is held.",
                totals.waiting,
            ).format(n=totals.waiting, held=format_amount(totals.held))
        shown = self.model.rowCount()
        if shown != totals.count:
            text += " " + _("Shown: {shown} of {n}.").format(shown=shown, n=totals.count)
        self.summary.setText(text)

    def selected_donation(self) -> Donation | None:
        index = self.table.currentIndex()
        return self.model.donation_at(index.row()) if index.isValid() else None

    def select_donation(self, donation_id: int) -> bool:
        if not select_row(self.table, self.model.row_of(donation_id)):
            return False
        self._current_changed(self.table.currentIndex())
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        donation = self.model.donation_at(current.row()) if current.isValid() else None
        destination = self.model.destination(donation) if donation else ""
        self.detail.show_donation(donation, destination, self._empty_text())
        self._enable(donation)

    def _double_clicked(self, index: QModelIndex) -> None:
        donation = self.model.donation_at(index.row())
        chair = self.context.may(Action.CHAIR)
        if donation is not None and chair and awaits_acknowledgement(donation):
            self.acknowledge()

    def _enable(self, donation: Donation | None) -> None:
        self.acknowledge_button.setEnabled(
            donation is not None and awaits_acknowledgement(donation)
        )
        self.receipt_button.setEnabled(donation is not None)

    def print_receipt(self) -> None:
        """The selected donor's receipt, made in a worker and shown in the PDF window."""
        donation = self.selected_donation()
        if donation is None:
            return
        # reportlab is loaded only now, the first time a receipt is made.
        from ruralcouncil.gui.pdf_viewer import preview_report
        from ruralcouncil.reports.donor_receipt import (
            donor_receipt_file_name,
            render_donor_receipt,
        )

        donation_id = donation.id
        preview_report(
            self.context,
            lambda reader, path: render_donor_receipt(reader, donation_id, path),
            donor_receipt_file_name(donation_id),
            _("Receipt for donation {id}").format(id=donation_id),
            self,
            failure=_("The receipt could not be made"),
        )

    # --- actions ------------------------------------------------------------------------

    def _done(self, text: str, donation_id: int) -> None:
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        donation = donations.get(self.context.ledger.conn, donation_id)
        year = int(donation.date[:4])
        if year != self.year():
            self.set_year(year)  # refreshes
        if self.model.row_of(donation_id) < 0 and self.search.text():
            self.search.clear()  # a search that hides it would hide what was just done
        self.select_donation(donation_id)

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def record_donation(self) -> bool:
        from ruralcouncil.gui.donation_dialogs import AddDonationDialog

        dialog = AddDonationDialog(self.context, self)
        if not self._run(dialog) or dialog.donation_id is None:
            return False
        donation = donations.get(self.context.ledger.conn, dialog.donation_id)
        text = _("Donation №{id} was recorded.").format(id=donation.id)
        if donation.held:
            text += " " + _(
                "It is flagged: its money is held until the council acknowledges it by resolution."
            )
        elif donation.flagged:
            text += " " + _("It is flagged: the council acknowledges it by resolution.")
        self._done(text, donation.id)
        return True

    def acknowledge(self) -> bool:
        from ruralcouncil.gui.donation_dialogs import AcknowledgeDialog

        donation = self.selected_donation()
        if donation is None:
            return False
        dialog = AcknowledgeDialog(self.context, donation, self)
        if not self._run(dialog):
            return False
        ref = donations.get(self.context.ledger.conn, donation.id).acknowledged_by
        text = _("Donation №{id} was acknowledged by resolution {ref}; its money may be spent.")
        self._done(text.format(id=donation.id, ref=ref), donation.id)
        return True
