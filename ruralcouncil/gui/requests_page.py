"""Spending requests: by state and year, the chosen one's steps and attachments, and what
the logged-in role may do with it.

The clerk drafts, withdraws and pays; the chair approves (with their own password again),
rejects and cancels what is left unpaid. Buttons are offered only to the roles the core
allows, and only for a request in the state the action needs; the core decides again, and
its refusal is shown in its own words.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import action_button, select_row
from ruralcouncil.gui.request_detail import RequestDetail
from ruralcouncil.gui.requests_model import (
    AMOUNT,
    NUMBER,
    PAID,
    SHOW_NAMES,
    RequestsModel,
    Show,
)
from ruralcouncil.i18n import _
from ruralcouncil.ledger import spending
from ruralcouncil.ledger.roles import Action
from ruralcouncil.ledger.spending import Request, State

_OK_STYLE = "color: #1b5e20;"


class RequestsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("requestsPage")
        title = QLabel(_("Spending requests"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setObjectName("waitingSummary")
        self.summary.setWordWrap(True)

        self.show_choice = QComboBox()
        self.show_choice.setObjectName("showFilter")
        for show, name in SHOW_NAMES.items():
            self.show_choice.addItem(_(name), show.value)
        self.year_choice = QComboBox()
        self.year_choice.setObjectName("yearFilter")
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Show:")))
        filters.addWidget(self.show_choice)
        filters.addWidget(QLabel(_("Year:")))
        filters.addWidget(self.year_choice)
        filters.addStretch(1)

        self.new_button = action_button(_("New request…"), "newRequest", self.new_request)
        self.withdraw_button = action_button(_("Withdraw…"), "withdraw", self.withdraw)
        self.pay_button = action_button(_("Record payment…"), "recordPayment", self.record_payment)
        self.approve_button = action_button(_("Approve…"), "approve", self.approve)
        self.reject_button = action_button(_("Reject…"), "reject", self.reject)
        self.cancel_button = action_button(
            _("Cancel the unpaid part…"), "cancelUnpaid", self.cancel_unpaid
        )
        may_draft, may_chair = context.may(Action.DRAFT), context.may(Action.CHAIR)
        self.new_button.setVisible(may_draft)
        self.withdraw_button.setVisible(may_draft)
        self.pay_button.setVisible(context.may(Action.RECORD))
        for button in (self.approve_button, self.reject_button, self.cancel_button):
            button.setVisible(may_chair)
        actions = QHBoxLayout()
        for button in (
            self.new_button,
            self.approve_button,
            self.pay_button,
            self.withdraw_button,
            self.reject_button,
            self.cancel_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        filters.addLayout(actions)

        self.model = RequestsModel(context, self)
        self.table = QTableView()
        self.table.setObjectName("requestsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the page's own order
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._double_clicked)

        self.detail = RequestDetail(context)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self.status = QLabel()
        self.status.setObjectName("requestsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self._fill_years()
        self.show_choice.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.year_choice.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.apply_filter()
        context.changed.connect(self.refresh)

    # --- the list -----------------------------------------------------------------------

    def _fill_years(self) -> None:
        chosen = self.year_choice.currentData()
        years = {r.year for r in spending.requests(self.context.ledger.conn)} | {date.today().year}
        self.year_choice.blockSignals(True)
        self.year_choice.clear()
        self.year_choice.addItem(_("All years"), 0)
        for year in sorted(years, reverse=True):
            self.year_choice.addItem(str(year), year)
        index = self.year_choice.findData(chosen) if chosen is not None else 0
        self.year_choice.setCurrentIndex(max(index, 0))
        self.year_choice.blockSignals(False)

    def set_filter(self, show: Show, year: int | None = None) -> None:
        self.year_choice.setCurrentIndex(max(0, self.year_choice.findData(year or 0)))
        self.show_choice.setCurrentIndex(self.show_choice.findData(show.value))
        self.apply_filter()

    def apply_filter(self) -> None:
        chosen = self.selected_request()
        show = Show(str(self.show_choice.currentData()))
        self.model.set_filter(show, int(self.year_choice.currentData() or 0) or None)
        self._after_reload(chosen.id if chosen else None)

    def refresh(self) -> None:
        """After a change anywhere: read the requests again, keeping the chosen one."""
        if self.context.busy:
            return
        chosen = self.selected_request()
        self._fill_years()
        self.model.reload()
        self._after_reload(chosen.id if chosen else None)

    def _after_reload(self, keep: int | None) -> None:
        self._show_summary()
        header = self.table.horizontalHeader()
        for column in (NUMBER, AMOUNT, PAID):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if keep is not None and self.select_request(keep):
            return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.show_request(None)
            self._enable(None)

    def _show_summary(self) -> None:
        counts = self.model.counts()
        parts = [
            _("Waiting for the chair: {n}").format(n=counts.chair),
            _("for a council meeting: {n}").format(n=counts.meeting),
            _("approved, to be paid: {n}").format(n=counts.payment),
        ]
        if self.context.may(Action.CHAIR):
            lead = _("What waits for you comes first.")
        elif self.context.may(Action.DRAFT):
            lead = _("What waits on the council, and what is yours to pay.")
        else:
            lead = _("Where the council's spending stands.")
        self.summary.setText(f"{lead} " + "; ".join(parts) + ".")

    def selected_request(self) -> Request | None:
        index = self.table.currentIndex()
        return self.model.request_at(index.row()) if index.isValid() else None

    def select_request(self, request_id: int) -> bool:
        if not select_row(self.table, self.model.row_of(request_id)):
            return False
        self._current_changed(self.table.currentIndex())
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        request = self.model.request_at(current.row()) if current.isValid() else None
        self.detail.show_request(request)
        self._enable(request)

    def _double_clicked(self, index: QModelIndex) -> None:
        request = self.model.request_at(index.row())
        if request is None:
            return
        if request.state == State.DRAFT and self.context.may(Action.CHAIR):
            self.approve()
        elif request.state == State.APPROVED and self.context.may(Action.RECORD):
            self.record_payment()

    def _enable(self, request: Request | None) -> None:
        state = request.state if request else None
        payable = request is not None and state == State.APPROVED and request.unpaid > 0
        self.withdraw_button.setEnabled(state == State.DRAFT)
        self.approve_button.setEnabled(state == State.DRAFT)
        self.reject_button.setEnabled(state == State.DRAFT)
        self.pay_button.setEnabled(payable)
        self.cancel_button.setEnabled(payable)

    # --- actions ------------------------------------------------------------------------

    def _done(self, text: str, request_id: int | None) -> None:
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        if request_id is not None:
            self.select_request(request_id)  # when the list still shows it

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def new_request(self) -> bool:
        from ruralcouncil.gui.request_dialogs import NewRequestDialog

        dialog = NewRequestDialog(self.context, self)
        if not self._run(dialog) or dialog.request_id is None:
            return False
        self._done(
            _("Request №{id} was drafted; it waits for approval.").format(id=dialog.request_id),
            dialog.request_id,
        )
        return True

    def approve(self) -> bool:
        from ruralcouncil.gui.approve_dialog import ApproveDialog

        request = self.selected_request()
        if request is None:
            return False
        if not self._run(ApproveDialog(self.context, request, self)):
            return False
        self._done(_("Request №{id} was approved.").format(id=request.id), request.id)
        return True

    def record_payment(self) -> bool:
        from ruralcouncil.gui.request_dialogs import PaymentDialog

        request = self.selected_request()
        if request is None:
            return False
        dialog = PaymentDialog(self.context, request, self)
        if not self._run(dialog):
            return False
        self._done(
            _("The payment was recorded as entry {number}.").format(number=dialog.entry_id),
            request.id,
        )
        return True

    def _end(self, kind: str, done: str) -> bool:
        from ruralcouncil.gui.request_dialogs import ReasonDialog

        request = self.selected_request()
        if request is None:
            return False
        if not self._run(ReasonDialog(self.context, request, kind, self)):
            return False
        self._done(done.format(id=request.id), request.id)
        return True

    def withdraw(self) -> bool:
        return self._end("withdraw", _("Request №{id} was withdrawn."))

    def reject(self) -> bool:
        return self._end("reject", _("Request №{id} was rejected."))

    def cancel_unpaid(self) -> bool:
        return self._end("cancel", _("The unpaid part of request №{id} was cancelled."))
