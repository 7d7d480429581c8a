"""Loans (DESIGN §2.6, §4.3): the village's loans with what is owed today, and the chosen one
whole: its schedule with the instalments paid and overdue marked at a date the user chooses,
what is outstanding and what was repaid by then, and the permission and resolution it was
taken under.

The clerk records a loan received (with the higher body's permission and the council's
resolution about ``loan:LENDER:PRINCIPAL``) and its repayments. Each button is shown only to
the roles the core allows, and the core decides again: its refusal is shown in its own
words, with nothing written. Every figure is the core's (``loans.loan_schedule``,
``outstanding``, ``overdue``, ``repaid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
from PySide6.QtGui import QColor, QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import columns, messages
from ruralcouncil.gui.columns import column_title
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.page_parts import (
    action_button,
    compact_rows,
    one_line,
    page_title,
    select_row,
)
from ruralcouncil.gui.problems import error_label
from ruralcouncil.i18n import N_, _, language, ngettext
from ruralcouncil.ledger import loans, meetings
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.loans import METHOD_NAMES, Instalment, Loan
from ruralcouncil.ledger.money import NUMBER_SYMBOLS, format_amount
from ruralcouncil.ledger.roles import Action
from ruralcouncil.ledger.storage import Ledger

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_OVERDUE = QColor(183, 28, 28)
_OVERDUE_BACK = QColor(253, 236, 234)
_PAID = QColor(27, 94, 32)
_PAID_BACK = QColor(232, 245, 233)
_OK_STYLE = "color: #1b5e20;"
_WARNING_STYLE = "color: #b71c1c;"
LOAN_ROLE = Qt.ItemDataRole.UserRole  # the LoanRow or ScheduleRow itself


def today() -> date:
    """The day the page counts from (tests replace this)."""
    return date.today()


def rate_text(loan: Loan) -> str:
    """The annual rate as the language writes a decimal: ``7,5 %`` in kk and ru."""
    return _("{rate} %").format(rate=loan.rate_text.replace(".", NUMBER_SYMBOLS[language()][1]))


# --- the loans ---------------------------------------------------------------------------

LENDER, PRINCIPAL, RATE, MONTHS, METHOD, START, OUTSTANDING, OVERDUE = range(8)
LOAN_COLUMNS = {
    LENDER: N_("Lender"),
    PRINCIPAL: N_("Principal"),
    RATE: N_("Rate"),
    MONTHS: N_("Months"),
    METHOD: N_("Repayment"),
    START: N_("Received on"),
    OUTSTANDING: N_("Outstanding today"),
    OVERDUE: N_("Overdue"),
}
_SHARED = (METHOD,)  # long in Kazakh and Russian; the lender takes what is left


@dataclass(frozen=True)
class LoanRow:
    """A loan with what the core says of it on one day."""

    loan: Loan
    outstanding: int
    overdue: list[Instalment]


def loan_row(ledger: Ledger, loan: Loan, on: str) -> LoanRow:
    conn = ledger.conn
    return LoanRow(loan, loans.outstanding(conn, loan, on), loans.overdue(conn, loan, on))


class LoansModel(QAbstractTableModel):
    """Every loan with the principal outstanding and the instalments overdue today."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LoanRow] = []
        self.on = ""

    def set_loans(self, ledger: Ledger, on: str) -> None:
        self.beginResetModel()
        self.on = on
        self.rows = [loan_row(ledger, loan, on) for loan in loans.loans(ledger.conn)]
        self.endResetModel()

    def row_at(self, row: int) -> LoanRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, loan_id: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.loan.id == loan_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(LOAN_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(LOAN_COLUMNS, section, orientation, role)

    def text(self, row: LoanRow, column: int) -> str:
        loan = row.loan
        if column == LENDER:
            return loan.lender
        if column == PRINCIPAL:
            return format_amount(loan.principal)
        if column == RATE:
            return rate_text(loan)
        if column == MONTHS:
            return str(loan.months)
        if column == METHOD:
            return _(METHOD_NAMES[loan.method])
        if column == START:
            return shown_date(loan.start)
        if column == OUTSTANDING:
            return format_amount(row.outstanding)
        return str(len(row.overdue))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (LENDER, METHOD):
                return self.text(row, column)
            if column == OVERDUE and row.overdue:
                return _("Due and not paid on {day}: instalments {numbers}").format(
                    day=shown_date(self.on), numbers=", ".join(str(i.number) for i in row.overdue)
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            PRINCIPAL,
            RATE,
            MONTHS,
            OUTSTANDING,
            OVERDUE,
        ):
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and column == OVERDUE and row.overdue:
            return _OVERDUE
        if role == LOAN_ROLE:
            return row
        return None


# --- the schedule ------------------------------------------------------------------------

NUMBER, DUE, PAYMENT, INTEREST, PART, BALANCE, STANDING = range(7)
SCHEDULE_COLUMNS = {
    NUMBER: N_("№"),
    DUE: N_("Due date"),
    PAYMENT: N_("Payment"),
    INTEREST: N_("Interest charged"),
    PART: N_("Principal"),
    BALANCE: N_("Owed after"),
    STANDING: N_("Paid?"),
}


class Standing(StrEnum):
    """Where an instalment stands on the day chosen."""

    PAID = "paid"
    PART_PAID = "part"  # not yet due, partly paid ahead
    OVERDUE = "overdue"  # the core's ``loans.overdue``
    TO_COME = "to come"


STANDING_NAMES = {
    Standing.PAID: N_("Paid"),
    Standing.PART_PAID: N_("Partly paid"),
    Standing.OVERDUE: N_("Overdue"),
}  # one still to come is left blank


@dataclass(frozen=True)
class ScheduleRow:
    instalment: Instalment
    standing: Standing
    unpaid: int  # what of it is not covered by what was repaid by the day chosen


def schedule_rows(ledger: Ledger, loan: Loan, on: str) -> list[ScheduleRow]:
    """The loan's schedule (the core's) with each instalment's standing on ``on``: overdue as
    ``loans.overdue`` says; paid as far as what ``loans.repaid`` had brought by then covers
    the instalments in their order, as a repayment pays them (``loans.split``)."""
    conn = ledger.conn
    overdue = {i.number for i in loans.overdue(conn, loan, on)}
    paid = sum(loans.repaid(conn, loan.id, on))
    found, owed = [], 0
    for instalment in loans.loan_schedule(loan):
        owed += instalment.payment
        unpaid = min(max(owed - paid, 0), instalment.payment)
        if instalment.number in overdue:
            standing = Standing.OVERDUE
        elif unpaid == 0:
            standing = Standing.PAID
        elif unpaid < instalment.payment:
            standing = Standing.PART_PAID
        else:
            standing = Standing.TO_COME
        found.append(ScheduleRow(instalment, standing, unpaid))
    return found


class ScheduleModel(QAbstractTableModel):
    """A loan's instalments, each marked paid, partly paid or overdue on the day chosen."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ScheduleRow] = []

    def set_schedule(self, rows: list[ScheduleRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(SCHEDULE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(SCHEDULE_COLUMNS, section, orientation, role)

    def text(self, row: ScheduleRow, column: int) -> str:
        instalment = row.instalment
        if column == NUMBER:
            return str(instalment.number)
        if column == DUE:
            return shown_date(instalment.due)
        if column == STANDING:
            name = STANDING_NAMES.get(row.standing)
            return _(name) if name else ""
        amount = {
            PAYMENT: instalment.payment,
            INTEREST: instalment.interest,
            PART: instalment.principal,
            BALANCE: instalment.balance,
        }[column]
        return format_amount(amount)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == STANDING:
            if row.standing in (Standing.OVERDUE, Standing.PART_PAID):
                return _("{unpaid} of its {payment} not paid").format(
                    unpaid=format_amount(row.unpaid),
                    payment=format_amount(row.instalment.payment),
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == STANDING:
                return int(_CENTER.value)
            if column != DUE:
                return int(_RIGHT.value)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.standing == Standing.OVERDUE:
                return _OVERDUE
            if row.standing == Standing.PAID:
                return _PAID
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.standing == Standing.OVERDUE:
                return _OVERDUE_BACK
            if row.standing == Standing.PAID:
                return _PAID_BACK
            return None
        if role == Qt.ItemDataRole.FontRole and row.standing == Standing.OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == LOAN_ROLE:
            return row
        return None


# --- the page ----------------------------------------------------------------------------


def _value() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    compact_rows(table)
    return table


class LoansPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("loansPage")

        title = page_title(_("Loans"))
        self.add_button = action_button(_("Record a loan…"), "addLoan", self.add_loan)
        self.add_button.setToolTip(
            _("A loan received, with the higher body's permission and the council's resolution")
        )
        self.repay_button = action_button(
            _("Record a repayment…"), "repayLoan", self.record_repayment
        )
        self.repay_button.setToolTip(
            _("A LOAN-REPAY payment, divided into interest and principal by the schedule")
        )
        may_record = context.may(Action.RECORD)
        self.add_button.setVisible(may_record)
        self.repay_button.setVisible(may_record)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.add_button)
        top.addWidget(self.repay_button)
        top.addStretch(1)

        self.summary = one_line()
        self.summary.setObjectName("loansSummary")

        self.model = LoansModel(self)
        self.table = _table(self.model, "loansTable")
        self.table.setAlternatingRowColors(True)
        columns.prepare(self.table, _SHARED, stretch=LENDER)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._current_changed(current)
        )

        # --- the chosen loan: its schedule, and beside it what it stands at on a day ---
        self.heading = QLabel()
        self.heading.setObjectName("loanHeading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.schedule_model = ScheduleModel(self)
        self.schedule_table = _table(self.schedule_model, "scheduleTable")
        header = self.schedule_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STANDING, QHeaderView.ResizeMode.Stretch)
        schedule_box = QGroupBox(_("Schedule"))
        schedule_layout = QVBoxLayout(schedule_box)
        schedule_layout.addWidget(self.schedule_table)

        self.at = DateField(today())
        self.at.setObjectName("loanAt")
        self.at.dateChanged.connect(self._day_changed)
        self.at_problem = error_label()
        self.lender = _value()
        self.terms = _value()
        self.terms.setObjectName("loanTerms")
        self.received = _value()
        self.permission = _value()
        self.permission.setObjectName("permission")
        self.resolution = _value()
        self.resolution.setObjectName("resolution")
        self.outstanding = _value()
        self.outstanding.setObjectName("outstanding")
        bold = self.outstanding.font()
        bold.setBold(True)
        self.outstanding.setFont(bold)
        self.repaid_principal = _value()
        self.repaid_principal.setObjectName("repaidPrincipal")
        self.repaid_interest = _value()
        self.repaid_interest.setObjectName("repaidInterest")
        self.overdue = _value()
        self.overdue.setObjectName("overdue")
        self.next_due = _value()
        self.next_due.setObjectName("nextDue")
        about_box = QGroupBox(_("The loan"))
        about = QFormLayout(about_box)
        about.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        about.addRow(_("Lender"), self.lender)
        about.addRow(_("Terms"), self.terms)
        about.addRow(_("Received"), self.received)
        about.addRow(_("Permission"), self.permission)
        about.addRow(_("Resolution"), self.resolution)
        standing_box = QGroupBox(_("Where it stands"))
        standing = QFormLayout(standing_box)
        standing.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        standing.addRow(_("On"), self.at)
        standing.addRow(self.at_problem)
        standing.addRow(_("Outstanding"), self.outstanding)
        standing.addRow(_("Principal repaid"), self.repaid_principal)
        standing.addRow(_("Interest paid"), self.repaid_interest)
        standing.addRow(_("Overdue"), self.overdue)
        standing.addRow(_("Next instalment"), self.next_due)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(standing_box)
        side_layout.addWidget(about_box)
        side_layout.addStretch(1)
        self.detail = QSplitter(Qt.Orientation.Horizontal)
        self.detail.setObjectName("loanDetail")
        self.detail.addWidget(schedule_box)
        self.detail.addWidget(side)
        self.detail.setChildrenCollapsible(False)
        self.detail.setStretchFactor(0, 3)
        self.detail.setStretchFactor(1, 2)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.heading)
        lower_layout.addWidget(self.detail, 1)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([150, 420])
        self._list_fitted = False  # the list's height is set once, at the first showing
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)

        self.status = one_line()
        self.status.setObjectName("loansStatus")
        self.status.hide()  # until an action says what it did

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.refresh()
        context.changed.connect(self._changed)

    # --- the list -------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self.context.busy:
            self.refresh()

    def refresh(self) -> None:
        """Read the loans again, keeping the chosen one."""
        if self.context.busy:
            return
        chosen = self.selected_loan()
        self.model.set_loans(self.context.ledger, today().isoformat())
        has_loans = bool(self.model.rowCount())
        self._show_summary()
        QTimer.singleShot(0, self, self._fit_columns)
        if chosen is not None and self.select_loan(chosen.id):
            return
        if has_loans:
            self.select_loan(self.model.rows[0].loan.id)
        else:
            self._show_loan(None)

    def _show_summary(self) -> None:
        rows = self.model.rows
        if not rows:
            self.summary.hide()
            return
        self.summary.show()
        text = ngettext(
            "{n} loan; outstanding today {outstanding}.",
            "{n} loans; outstanding today {outstanding}.",
            len(rows),
        ).format(n=len(rows), outstanding=format_amount(sum(r.outstanding for r in rows)))
        late = sum(len(r.overdue) for r in rows)
        if late:
            text += " " + ngettext(
                "{n} instalment is overdue.", "{n} instalments are overdue.", late
            ).format(n=late)
        self.summary.setText(text)
        self.summary.setToolTip(text)

    def _fit_columns(self) -> None:
        least = self.table.fontMetrics().averageCharWidth() * 24  # the lender keeps a few words
        lender = min(self.table.sizeHintForColumn(LENDER), least)
        columns.share(self.table, _SHARED, stretch=LENDER, reserve=lender)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)  # once the table has its new width

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._list_fitted:
            self._list_fitted = True
            QTimer.singleShot(0, self, self._fit_list)

    def _fit_list(self) -> None:
        """The list as tall as its loans (three to eight rows): a village has few, and the
        schedule below gets the rest; the splitter's handle changes it. The schedule's seven
        columns of money get three fifths of the width, the loan's standing the rest."""
        across = sum(self.detail.sizes())
        if across > 0:
            self.detail.setSizes([across * 3 // 5, across - across * 3 // 5])
        rows = min(max(self.model.rowCount(), 3), 8)
        table = self.table
        wanted = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
        wanted += rows * table.verticalHeader().defaultSectionSize()
        total = sum(self.splitter.sizes())
        if total > wanted:
            self.splitter.setSizes([wanted, total - wanted])

    def selected_loan(self) -> Loan | None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.loan if row else None

    def select_loan(self, loan_id: int) -> bool:
        if not select_row(self.table, self.model.row_of(loan_id)):
            return False
        self._current_changed(self.table.currentIndex())
        return True

    def _current_changed(self, current: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self._show_loan(row.loan if row else None)

    # --- the chosen loan ------------------------------------------------------------------

    def day(self) -> date | None:
        """The day the schedule is marked at; None while what is typed is not a date."""
        try:
            return self.at.day()
        except InvalidInput:
            return None

    def set_day(self, day: date) -> None:
        self.at.setDate(day)

    def _day_changed(self) -> None:
        problem = self.at.problem()
        # (Not problems.show_problem: that fits the whole window to a dialog's new line.)
        self.at_problem.setText(problem or "")
        self.at_problem.setVisible(problem is not None)
        if problem is None:
            self._show_loan(self.selected_loan())

    def _show_loan(self, loan: Loan | None) -> None:
        self.detail.setVisible(loan is not None)
        self.repay_button.setEnabled(loan is not None)
        if loan is None:
            self.schedule_model.set_schedule([])
            self.heading.setText(
                _(
                    "No loan is recorded. A loan is taken only with the higher body's "
                    "permission and a council resolution about loan:LENDER:PRINCIPAL."
                )
                if not self.model.rowCount()
                else _("Choose a loan to see its schedule.")
            )
            return
        conn = self.context.ledger.conn
        day = self.day() or today()
        on = day.isoformat()
        self.heading.setText(
            _("Loan {id} from {lender}: {principal}").format(
                id=loan.id, lender=loan.lender, principal=format_amount(loan.principal)
            )
        )
        rows = schedule_rows(self.context.ledger, loan, on)
        self.schedule_model.set_schedule(rows)
        self.lender.setText(loan.lender)
        self.terms.setText(
            _("{rate} a year, {months} months, {method}").format(
                rate=rate_text(loan), months=loan.months, method=_(METHOD_NAMES[loan.method])
            )
        )
        self.received.setText(
            _("On {day}, entry {entry}").format(day=shown_date(loan.start), entry=loan.entry)
        )
        self.permission.setText(loan.permission)
        resolution = meetings.get_resolution(conn, loan.resolution)
        first_line = (resolution.text.splitlines() or [""])[0]
        self.resolution.setText(
            _("{ref} of {day}: {text}").format(
                ref=loan.resolution, day=shown_date(resolution.date), text=first_line
            )
        )
        self.resolution.setToolTip(resolution.text)
        principal, interest = loans.repaid(conn, loan.id, on)
        self.outstanding.setText(format_amount(loans.outstanding(conn, loan, on)))
        self.repaid_principal.setText(format_amount(principal))
        self.repaid_interest.setText(format_amount(interest))
        late = [r for r in rows if r.standing == Standing.OVERDUE]
        if late:
            self.overdue.setText(
                ngettext(
                    "{n} instalment, {amount} not paid",
                    "{n} instalments, {amount} not paid",
                    len(late),
                ).format(n=len(late), amount=format_amount(sum(r.unpaid for r in late)))
            )
            self.overdue.setStyleSheet(_WARNING_STYLE)
        else:
            self.overdue.setText(_("nothing"))
            self.overdue.setStyleSheet("")
        upcoming = next((r for r in rows if r.instalment.due > on and r.unpaid), None)
        if upcoming is None:
            self.next_due.setText(_("none: the schedule ends"))
        else:
            self.next_due.setText(
                _("{amount} on {day} (№{number})").format(
                    amount=format_amount(upcoming.unpaid),
                    day=shown_date(upcoming.instalment.due),
                    number=upcoming.instalment.number,
                )
            )
        # The first instalment not paid in sight, once the table has its height.
        first_open = next((n for n, r in enumerate(rows) if r.standing != Standing.PAID), 0)
        QTimer.singleShot(0, self, lambda: self._show_instalment(first_open))

    def _show_instalment(self, row: int) -> None:
        index = self.schedule_model.index(row, 0)
        if index.isValid():
            self.schedule_table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    # --- actions --------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _done(self, text: str, loan_id: int) -> None:
        self.select_loan(loan_id)
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.show()

    def add_loan(self) -> bool:
        from ruralcouncil.gui.loan_dialogs import AddLoanDialog

        dialog = AddLoanDialog(self.context, self)
        if not self._run(dialog) or dialog.loan_id is None:
            return False
        loan = loans.get(self.context.ledger.conn, dialog.loan_id)
        self._done(
            _("Loan {id} was recorded; its receipt is entry {entry}.").format(
                id=loan.id, entry=loan.entry
            ),
            loan.id,
        )
        return True

    def record_repayment(self) -> bool:
        from ruralcouncil.gui.loan_dialogs import RepaymentDialog

        loan = self.selected_loan()
        if loan is None:
            return False
        dialog = RepaymentDialog(self.context, loan, self)
        if not self._run(dialog) or dialog.entry_id is None:
            return False
        self._done(
            _("Entry {number}: a repayment of loan {id} was recorded.").format(
                number=dialog.entry_id, id=loan.id
            ),
            loan.id,
        )
        return True
