"""Local fines (DESIGN §2.6, §4.3): who was fined, for what rule, how much, by whom, what was
paid and what is unpaid, with a filter by where each stands and a search; the chosen fine
whole, and for a cancelled one when, why and by which decision it was cancelled, and who
recorded that (the audit log); the total unpaid.

The clerk records fines, their payments (``FINES`` receipts naming the fine) and their
cancellation; the others read. Each button is shown only to the roles the core allows, and
the core decides again: its refusal is shown in its own words, with nothing written. Every
figure is the core's (``fines.fines``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import columns, messages
from ruralcouncil.gui.columns import column_title
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import action_button, compact_rows, page_title, select_row
from ruralcouncil.i18n import N_, _, ngettext
from ruralcouncil.ledger import audit, fines
from ruralcouncil.ledger.dates import shown_date, shown_time
from ruralcouncil.ledger.fines import Fine
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Action

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_UNPAID = QColor(183, 28, 28)
_PAID = QColor(27, 94, 32)
_CANCELLED = QColor(110, 110, 110)
_OK_STYLE = "color: #1b5e20;"
_CANCELLED_STYLE = "color: #505050; background: #f0f0f0; border: 1px solid #c8c8c8; padding: 6px;"
FINE_ROLE = Qt.ItemDataRole.UserRole  # the Fine itself


class Show(StrEnum):
    ALL = "all"
    UNPAID = "unpaid"
    PAID = "paid"
    CANCELLED = "cancelled"


SHOW_NAMES = {
    Show.ALL: N_("All fines"),
    Show.UNPAID: N_("Unpaid"),
    Show.PAID: N_("Paid"),
    Show.CANCELLED: N_("Cancelled"),
}

NUMBER, DATE, PERSON, RULE, AMOUNT, IMPOSED_BY, PAID, UNPAID, STATE = range(9)
COLUMN_TITLES = {
    NUMBER: N_("№"),
    DATE: N_("Date"),
    PERSON: N_("Person fined"),
    RULE: N_("Rule broken"),
    AMOUNT: N_("Amount"),
    IMPOSED_BY: N_("Imposed by"),
    PAID: N_("Paid"),
    UNPAID: N_("Unpaid"),
    STATE: N_("State"),
}
_MONEY = (AMOUNT, PAID, UNPAID)
_SHARED = (PERSON, RULE, IMPOSED_BY)  # free text: each gets a fair share


def _one_line(text: str) -> str:
    return " ".join(text.split())


class FinesModel(QAbstractTableModel):
    """The fines (``fines.fines``), by date, narrowed by where they stand and by the words
    searched for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[Fine] = []
        self.rows: list[Fine] = []
        self.show = Show.ALL
        self.search = ""

    def set_fines(self, found: list[Fine]) -> None:
        self.beginResetModel()
        self.all = found
        self._narrow()
        self.endResetModel()

    def set_show(self, show: Show) -> None:
        self.beginResetModel()
        self.show = show
        self._narrow()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self.beginResetModel()
        self.search = text
        self._narrow()
        self.endResetModel()

    def _narrow(self) -> None:
        words = self.search.casefold().split()
        self.rows = [
            f
            for f in self.all
            if (self.show == Show.ALL or f.state == self.show.value)
            and all(w in self.haystack(f) for w in words)
        ]

    def haystack(self, fine: Fine) -> str:
        """What the search looks in: every column, the number, the cancellation."""
        return "\n".join(
            (
                *(self.text(fine, c) for c in COLUMN_TITLES),
                fine.rule,
                fine.cancel_reason,
                fine.cancel_decision,
            )
        ).casefold()

    def total_unpaid(self) -> int:
        """What every fine has unpaid, whatever is shown."""
        return sum(f.unpaid for f in self.all)

    def fine_at(self, row: int) -> Fine | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, fine_id: int) -> int:
        return next((n for n, f in enumerate(self.rows) if f.id == fine_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(COLUMN_TITLES, section, orientation, role)

    def text(self, fine: Fine, column: int) -> str:
        if column == NUMBER:
            return str(fine.id)
        if column == DATE:
            return shown_date(fine.date)
        if column == PERSON:
            return fine.party
        if column == RULE:
            return _one_line(fine.rule)
        if column == IMPOSED_BY:
            return fine.imposed_by
        if column == STATE:
            return fines.state_text(fine)
        return format_amount({AMOUNT: fine.amount, PAID: fine.paid}.get(column, fine.unpaid))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        fine, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(fine, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == STATE and fine.cancelled_on:
                return _("Cancelled on {day} by decision {decision}: {reason}").format(
                    day=shown_date(fine.cancelled_on),
                    decision=fine.cancel_decision,
                    reason=fine.cancel_reason,
                )
            if column == RULE:
                return fine.rule
            return self.text(fine, column) if column in (PERSON, IMPOSED_BY) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and (column in _MONEY or column == NUMBER):
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole:
            if fine.cancelled_on:
                return _CANCELLED
            if column in (UNPAID, STATE):
                return _UNPAID if fine.unpaid else _PAID
            return None
        if role == FINE_ROLE:
            return fine
        return None


def _value() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def recorded_by(ledger: Ledger, event: str, fine_id: int) -> audit.AuditEvent | None:
    """The audit log's event ``event`` (``fine.add``, ``fine.cancel``) about fine
    ``fine_id``: who recorded it and when (None in a ledger whose log has no such line)."""
    for batch in audit.iterate(ledger.conn, audit.AuditFilter(event=event)):
        for found in batch:
            if found.detail.split(" ", 1)[0] == str(fine_id):
                return found
    return None


class FineDetail(QWidget):
    """The chosen fine, everything the register knows of it, in words."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fine: Fine | None = None
        self.heading = QLabel()
        self.heading.setObjectName("fineHeading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.date = _value()
        self.person = _value()
        self.rule = _value()
        self.amount = _value()
        self.imposed_by = _value()
        self.paid = _value()
        self.unpaid = _value()
        self.recorded = _value()
        self.recorded.setObjectName("fineRecorded")
        left = QFormLayout()
        left.addRow(_("Date"), self.date)
        left.addRow(_("Person fined"), self.person)
        left.addRow(_("Rule broken"), self.rule)
        left.addRow(_("Imposed by"), self.imposed_by)
        left.addRow(_("Recorded"), self.recorded)
        right = QFormLayout()
        right.addRow(_("Amount"), self.amount)
        right.addRow(_("Paid"), self.paid)
        right.addRow(_("Unpaid"), self.unpaid)
        self.cancellation = _value()
        self.cancellation.setObjectName("cancellation")
        self.cancellation.setStyleSheet(_CANCELLED_STYLE)
        self.body = QWidget()
        columns_row = QHBoxLayout()
        columns_row.addLayout(left, 3)
        columns_row.addLayout(right, 2)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(columns_row)
        body.addWidget(self.cancellation)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        self.show_fine(None)

    def show_fine(self, fine: Fine | None, empty: str = "") -> None:
        self.fine = fine
        if fine is None:
            self.heading.setText(empty or _("Choose a fine to see it whole."))
            self.body.hide()
            self.cancellation.setText("")
            return
        self.body.show()
        self.heading.setText(
            _("Fine {id} — {person}: {state}").format(
                id=fine.id, person=fine.party, state=fines.state_text(fine)
            )
        )
        self.date.setText(shown_date(fine.date))
        self.person.setText(
            _("{name} (party №{id} in the register)").format(name=fine.party, id=fine.party_id)
        )
        self.rule.setText(fine.rule)
        self.imposed_by.setText(fine.imposed_by)
        self.amount.setText(format_amount(fine.amount))
        self.paid.setText(format_amount(fine.paid))
        self.unpaid.setText(format_amount(fine.unpaid))
        ledger = self.context.ledger
        added = recorded_by(ledger, "fine.add", fine.id)
        self.recorded.setText(
            _("by {user}, {moment}").format(user=added.user, moment=shown_time(added.at))
            if added
            else ""
        )
        if not fine.cancelled_on:
            self.cancellation.setText("")
            self.cancellation.hide()
            return
        text = _("Cancelled on {day} by decision {decision}.\nReason: {reason}").format(
            day=shown_date(fine.cancelled_on),
            decision=fine.cancel_decision,
            reason=fine.cancel_reason,
        )
        cancelled = recorded_by(ledger, "fine.cancel", fine.id)
        if cancelled is not None:
            text += "\n" + _("Recorded by {user}, {moment}.").format(
                user=cancelled.user, moment=shown_time(cancelled.at)
            )
        self.cancellation.setText(text)
        self.cancellation.show()


class FinesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("finesPage")
        title = page_title(_("Fines"))
        self.summary = QLabel()
        self.summary.setObjectName("finesSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.show_choice = QComboBox()
        self.show_choice.setObjectName("finesShow")
        for show, name in SHOW_NAMES.items():
            self.show_choice.addItem(_(name), show.value)
        self.show_choice.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search = QLineEdit()
        self.search.setObjectName("finesSearch")
        self.search.setPlaceholderText(_("Search person, rule, who imposed it, decision"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.apply_filter())
        self.add_button = action_button(_("Record a fine…"), "addFine", self.add_fine)
        self.pay_button = action_button(
            _("Record a payment…"), "recordFinePayment", self.record_payment
        )
        self.pay_button.setToolTip(_("A FINES receipt naming the chosen fine"))
        self.cancel_button = action_button(_("Cancel…"), "cancelFine", self.cancel_fine)
        self.cancel_button.setToolTip(
            _("Cancel what the chosen fine has unpaid, with the reason and the decision")
        )
        self.add_button.setVisible(context.may(Action.REGISTER))
        self.pay_button.setVisible(context.may(Action.RECORD))
        self.cancel_button.setVisible(context.may(Action.REGISTER))
        bar = QHBoxLayout()
        bar.addWidget(self.show_choice)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.pay_button)
        bar.addWidget(self.cancel_button)

        self.model = FinesModel(self)
        self.table = QTableView()
        self.table.setObjectName("finesTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        # Figures, dates and the state whole; the person, the rule and who imposed it share
        # the rest, cut with «…» (their tooltips and the detail below say them in full).
        columns.prepare(self.table, _SHARED, stretch=STATE)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._current_changed(current)
        )
        self.table.doubleClicked.connect(self._double_clicked)

        self.detail = FineDetail(context)
        detail_area = QScrollArea()
        detail_area.setObjectName("fineDetail")
        detail_area.setWidgetResizable(True)
        detail_area.setFrameShape(QFrame.Shape.NoFrame)
        detail_area.setWidget(self.detail)
        detail_group = QGroupBox(_("The fine"))
        QVBoxLayout(detail_group).addWidget(detail_area)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_group)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([320, 230])
        detail_area.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)

        self.status = QLabel()
        self.status.setObjectName("finesStatus")
        self.status.setWordWrap(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.refresh()
        context.changed.connect(self._changed)

    # --- the list ---------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self.context.busy:
            self.refresh()

    def refresh(self) -> None:
        """Read the fines again, keeping the chosen one."""
        if self.context.busy:
            return
        chosen = self.selected_fine()
        self.model.set_fines(fines.fines(self.context.ledger.conn))
        self._after_reload(chosen.id if chosen else None)

    def apply_filter(self) -> None:
        chosen = self.selected_fine()
        self.model.set_show(Show(str(self.show_choice.currentData())))
        self.model.set_search(self.search.text())
        self._after_reload(chosen.id if chosen else None)

    def set_show(self, show: Show) -> None:
        self.show_choice.setCurrentIndex(self.show_choice.findData(show.value))

    def _after_reload(self, keep: int | None) -> None:
        self._show_summary()
        if keep is not None and self.select_fine(keep):
            return
        if self.model.rowCount():
            self.select_fine(self.model.rows[0].id)
        else:
            self.detail.show_fine(None, self._empty_text())
            self._enable(None)
        QTimer.singleShot(0, self, self._fit_columns)

    def _empty_text(self) -> str:
        if not self.model.all:
            return _("No fine has been recorded.")
        return _("No fine is shown: change the filter or the search.")

    def _show_summary(self) -> None:
        found = self.model.all
        unpaid = [f for f in found if f.unpaid]
        if not found:
            self.summary.setText(_("No fine has been recorded."))
            return
        text = ngettext(
            "Unpaid: {amount} on {n} fine.", "Unpaid: {amount} on {n} fines.", len(unpaid)
        ).format(amount=format_amount(self.model.total_unpaid()), n=len(unpaid))
        text += " " + _("Recorded: {count}; paid {paid}; cancelled {cancelled}.").format(
            count=len(found),
            paid=format_amount(sum(f.paid for f in found)),
            cancelled=sum(1 for f in found if f.cancelled_on),
        )
        if self.model.rowCount() != len(found):
            text += " " + _("Shown: {shown} of {n}.").format(
                shown=self.model.rowCount(), n=len(found)
            )
        self.summary.setText(text)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        state = max(self.table.sizeHintForColumn(STATE), header.sectionSizeHint(STATE))
        columns.share(self.table, _SHARED, stretch=STATE, reserve=state)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)

    def selected_fine(self) -> Fine | None:
        index = self.table.currentIndex()
        return self.model.fine_at(index.row()) if index.isValid() else None

    def select_fine(self, fine_id: int) -> bool:
        if not select_row(self.table, self.model.row_of(fine_id)):
            return False
        self._current_changed(self.table.currentIndex())
        return True

    def _current_changed(self, current: QModelIndex) -> None:
        fine = self.model.fine_at(current.row()) if current.isValid() else None
        self.detail.show_fine(fine, self._empty_text())
        self._enable(fine)

    def _enable(self, fine: Fine | None) -> None:
        self.cancel_button.setEnabled(fine is not None and fine.unpaid > 0)
        self.pay_button.setEnabled(bool(self.model.all))

    def _double_clicked(self, index: QModelIndex) -> None:
        fine = self.model.fine_at(index.row())
        if fine is not None and fine.unpaid and self.context.may(Action.RECORD):
            self.record_payment()

    # --- actions ----------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _done(self, text: str, fine_id: int) -> None:
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        self.status.show()
        if self.model.row_of(fine_id) < 0:
            # A filter or search that hides what was just done would hide it.
            self.search.clear()
            self.set_show(Show.ALL)
        self.select_fine(fine_id)

    def add_fine(self) -> bool:
        from ruralcouncil.gui.fine_dialogs import AddFineDialog

        dialog = AddFineDialog(self.context, self)
        if not self._run(dialog) or dialog.fine_id is None:
            return False
        self._done(_("Fine {id} was recorded.").format(id=dialog.fine_id), dialog.fine_id)
        return True

    def record_payment(self) -> bool:
        from ruralcouncil.gui.fine_dialogs import FinePaymentDialog

        fine = self.selected_fine()
        dialog = FinePaymentDialog(self.context, fine.id if fine else None, self)
        if not self._run(dialog) or dialog.entry_id is None:
            return False
        chosen = dialog.chosen()
        assert chosen is not None
        self._done(
            _("The payment of fine {id} was recorded as entry {number}.").format(
                id=chosen.id, number=dialog.entry_id
            ),
            chosen.id,
        )
        return True

    def cancel_fine(self) -> bool:
        from ruralcouncil.gui.fine_dialogs import CancelFineDialog

        fine = self.selected_fine()
        if fine is None:
            return False
        if not self._run(CancelFineDialog(self.context, fine, self)):
            return False
        self._done(_("Fine {id} was cancelled.").format(id=fine.id), fine.id)
        return True
