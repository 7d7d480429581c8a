"""State subsidies (DESIGN §2.6, §4.3): the village's applications with their money, and the
chosen one whole: why it was asked for, each decision (the amount granted, its reference and
conditions) and each appeal, and its figures with the conditions beside them.

The clerk applies, records the decision and any appeal as the higher body's letters say, and
records the money received (a ``SUBSIDY`` receipt into the subsidy's own fund, or into the
general fund for a general transfer such as the district's subvention). Each button
is shown only to the roles the core allows, and the core decides again: its refusal is shown
in its own words, with nothing written. Every figure is the core's (``subsidies.get``).
"""

from __future__ import annotations

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
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
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
from ruralcouncil.gui.page_parts import (
    action_button,
    compact_rows,
    one_line,
    page_title,
    select_row,
)
from ruralcouncil.i18n import N_, _, ngettext
from ruralcouncil.ledger import subsidies
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.roles import Action
from ruralcouncil.ledger.subsidies import STATE_NAMES, State, Step, Subsidy

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_REFUSED = QColor(183, 28, 28)
_GRANTED = QColor(27, 94, 32)
_WAITING = QColor(138, 74, 0)
_OK_STYLE = "color: #1b5e20;"
_NOTE_STYLE = "color: #505050;"
SUBSIDY_ROLE = Qt.ItemDataRole.UserRole  # the Subsidy itself

PURPOSE, SENT, ASKED, STATE, GRANTED, RECEIVED, SPENT, LEFT = range(8)
COLUMN_TITLES = {
    PURPOSE: N_("Purpose"),
    SENT: N_("Sent on"),
    ASKED: N_("Asked"),
    STATE: N_("State"),
    GRANTED: N_("Amount granted"),
    RECEIVED: N_("Received"),
    SPENT: N_("Spent"),
    LEFT: N_("Left"),
}
# The state is long in Kazakh ("applied, waiting for the decision"): it gets a fair share,
# the purpose what is left; the money and the date stay whole.
_SHARED = (STATE,)


def still_to_come(subsidy: Subsidy) -> int:
    """What the grant has not brought in yet (the core's figures: granted less received)."""
    return max(subsidy.granted - subsidy.received, 0)


def fund_text(subsidy: Subsidy) -> str:
    """Where the subsidy's money goes, said plainly."""
    if subsidy.general:
        return _(
            "{fund}: a general transfer to the village's budget; its money is the general fund's"
        ).format(fund=subsidy.fund)
    return _("{fund}: the subsidy's own fund, spent only through spending requests on it").format(
        fund=subsidy.fund
    )


def _words(subsidy: Subsidy) -> str:
    """Everything the search looks in, folded."""
    parts = [
        subsidy.purpose,
        subsidy.justification,
        subsidy.fund,
        _(STATE_NAMES[subsidy.state]),
        *(s.reference for s in subsidy.steps),
        *(s.conditions for s in subsidy.steps),
        *(s.note for s in subsidy.steps),
    ]
    return "\n".join(parts).casefold()


class SubsidiesModel(QAbstractTableModel):
    """Every application for a subsidy, each with its state and money as the core reads it;
    ``set_search`` narrows the rows to those whose words contain the text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[Subsidy] = []
        self.rows: list[Subsidy] = []
        self.search = ""

    def set_subsidies(self, found: list[Subsidy]) -> None:
        self.all = list(found)
        self._narrow()

    def set_search(self, text: str) -> None:
        self.search = text.strip().casefold()
        self._narrow()

    def _narrow(self) -> None:
        self.beginResetModel()
        self.rows = [s for s in self.all if not self.search or self.search in _words(s)]
        self.endResetModel()

    def subsidy_at(self, row: int) -> Subsidy | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, subsidy_id: int) -> int:
        return next((n for n, s in enumerate(self.rows) if s.id == subsidy_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(COLUMN_TITLES, section, orientation, role)

    def text(self, subsidy: Subsidy, column: int) -> str:
        if column == PURPOSE:
            return subsidy.purpose
        if column == SENT:
            return shown_date(subsidy.date)
        if column == STATE:
            return _(STATE_NAMES[subsidy.state])
        if column == GRANTED and subsidy.decision is None:
            return ""  # nothing decided yet
        amount = {
            ASKED: subsidy.amount_asked,
            GRANTED: subsidy.granted,
            RECEIVED: subsidy.received,
            SPENT: subsidy.spent,
            LEFT: subsidy.left,
        }[column]
        return format_amount(amount)

    def tooltip(self, subsidy: Subsidy, column: int) -> str | None:
        if column == PURPOSE:
            return subsidy.purpose
        if column == STATE:
            return _(STATE_NAMES[subsidy.state])
        if column == GRANTED and subsidy.conditions:
            return _("Conditions: {conditions}").format(conditions=subsidy.conditions)
        if column in (SPENT, LEFT) and subsidy.general:
            return _("A general transfer: its money is the general fund's, counted as spent")
        if column == LEFT:
            return _("What the subsidy's fund {fund} holds").format(fund=subsidy.fund)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        subsidy, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(subsidy, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(subsidy, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= ASKED and column != STATE:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            if subsidy.state == State.REFUSED:
                return _REFUSED
            if subsidy.state in (State.GRANTED, State.PARTLY):
                return _GRANTED
            return _WAITING
        if role == SUBSIDY_ROLE:
            return subsidy
        return None


# --- the chosen subsidy ------------------------------------------------------------------


def step_text(step: Step, asked: int) -> str:
    """One step of an application's history in a sentence (and its conditions or note)."""
    if step.step == "appealed":
        return _("Appealed on {day}: {note}").format(day=shown_date(step.date), note=step.note)
    if step.granted == 0:
        text = _("Refused on {day} (decision {reference}).").format(
            day=shown_date(step.date), reference=step.reference
        )
    else:
        text = _("Decided on {day} (decision {reference}): {granted} granted of {asked} asked.")
        text = text.format(
            day=shown_date(step.date),
            reference=step.reference,
            granted=format_amount(step.granted),
            asked=format_amount(asked),
        )
    if step.conditions:
        text += "\n" + _("Conditions: {conditions}").format(conditions=step.conditions)
    return text


def _value() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _figure() -> QLabel:
    label = QLabel()
    label.setAlignment(_RIGHT)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SubsidyDetail(QWidget):
    """The chosen application, in words: what it asked and why, the history of decisions and
    appeals, and its figures with the conditions beside them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subsidy: Subsidy | None = None
        self.heading = QLabel()
        self.heading.setObjectName("subsidyHeading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)

        self.sent = _value()
        self.asked = _value()
        self.fund = _value()
        self.justification = _value()
        self.justification.setObjectName("justification")
        application = QGroupBox(_("The application"))
        form = QFormLayout(application)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Sent on"), self.sent)
        form.addRow(_("Asked"), self.asked)
        form.addRow(_("Fund"), self.fund)
        form.addRow(_("Justification"), self.justification)

        self.history = _value()
        self.history.setObjectName("subsidyHistory")
        history_box = QGroupBox(_("Decisions and appeals"))
        QVBoxLayout(history_box).addWidget(self.history)

        # The figures, and beside them the conditions the money came with.
        self.granted = _figure()
        self.granted.setObjectName("granted")
        self.received = _figure()
        self.received.setObjectName("received")
        self.spent = _figure()
        self.spent.setObjectName("spent")
        self.left = _figure()
        self.left.setObjectName("left")
        self.to_come = _figure()
        self.to_come.setObjectName("toCome")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for row, (text, label) in enumerate(
            (
                (_("Amount granted"), self.granted),
                (_("Received"), self.received),
                (_("Spent"), self.spent),
                (_("Left in the fund"), self.left),
                (_("Still to come"), self.to_come),
            )
        ):
            grid.addWidget(QLabel(text), row, 0)
            grid.addWidget(label, row, 1)
        grid.setRowStretch(5, 1)
        bold = self.left.font()
        bold.setBold(True)
        self.left.setFont(bold)
        self.conditions = _value()
        self.conditions.setObjectName("conditions")
        self.conditions.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        conditions_column = QVBoxLayout()
        conditions_title = QLabel(_("Conditions of the grant"))
        conditions_title.setStyleSheet("font-weight: bold;")
        conditions_column.addWidget(conditions_title)
        conditions_column.addWidget(self.conditions, 1)
        figures_box = QGroupBox(_("The money"))
        figures_row = QHBoxLayout(figures_box)
        figures_row.addLayout(grid)
        figures_row.addSpacing(12)
        figures_row.addLayout(conditions_column, 1)

        left = QVBoxLayout()
        left.addWidget(application)
        left.addWidget(history_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(figures_box)
        right.addStretch(1)
        self.body = QWidget()  # hidden while nothing is chosen: no empty form
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        self.show_subsidy(None)

    def show_subsidy(self, subsidy: Subsidy | None, empty: str = "") -> None:
        self.subsidy = subsidy
        if subsidy is None:
            self.heading.setText(empty or _("Choose an application to see it whole."))
            self.body.hide()
            return
        self.body.show()
        self.heading.setText(
            _("Subsidy {id}: {purpose} — {state}").format(
                id=subsidy.id, purpose=subsidy.purpose, state=_(STATE_NAMES[subsidy.state])
            )
        )
        self.sent.setText(shown_date(subsidy.date))
        self.asked.setText(format_amount(subsidy.amount_asked))
        self.fund.setText(fund_text(subsidy))
        self.justification.setText(subsidy.justification)
        lines = [
            _("Applied on {day} for {asked}.").format(
                day=shown_date(subsidy.date), asked=format_amount(subsidy.amount_asked)
            )
        ]
        lines += [step_text(s, subsidy.amount_asked) for s in subsidy.steps]
        if subsidy.state in (State.APPLIED, State.APPEALED):
            lines.append(_("Waiting for the decision."))
        self.history.setText("\n\n".join(lines))
        decided = subsidy.decision is not None
        self.granted.setText(format_amount(subsidy.granted) if decided else "—")
        self.received.setText(format_amount(subsidy.received))
        self.spent.setText(format_amount(subsidy.spent))
        self.left.setText(format_amount(subsidy.left))
        self.to_come.setText(format_amount(still_to_come(subsidy)))
        if not decided:
            self.conditions.setText(_("Nothing is decided yet."))
        elif subsidy.granted == 0:
            self.conditions.setText(_("Nothing was granted."))
        else:
            self.conditions.setText(subsidy.conditions or _("No conditions were attached."))


class SubsidiesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("subsidiesPage")

        title = page_title(_("Subsidies"))
        self.search = QLineEdit()
        self.search.setObjectName("subsidiesSearch")
        self.search.setPlaceholderText(_("Search purpose, justification, decision, conditions"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(lambda _text: self.apply_search())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.search, 1)

        self.apply_button = action_button(_("Apply for a subsidy…"), "applySubsidy", self.apply)
        self.decide_button = action_button(_("Record the decision…"), "decideSubsidy", self.decide)
        self.decide_button.setToolTip(
            _(
                "The higher body's decision: the amount granted (0 if refused), its reference "
                "and conditions"
            )
        )
        self.appeal_button = action_button(_("Appeal…"), "appealSubsidy", self.appeal)
        self.appeal_button.setToolTip(_("Appeal a refusal or a partial grant"))
        self.receive_button = action_button(
            _("Record money received…"), "receiveSubsidy", self.receive
        )
        self.receive_button.setToolTip(
            _("A SUBSIDY receipt into the subsidy's fund, never beyond the grant")
        )
        may_register, may_record = context.may(Action.REGISTER), context.may(Action.RECORD)
        self.apply_button.setVisible(may_register)
        self.decide_button.setVisible(may_register)
        self.appeal_button.setVisible(may_register)
        self.receive_button.setVisible(may_record)
        actions = QHBoxLayout()
        for button in (
            self.apply_button,
            self.decide_button,
            self.appeal_button,
            self.receive_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)

        self.summary = one_line()
        self.summary.setObjectName("subsidiesSummary")

        self.model = SubsidiesModel(self)
        self.table = QTableView()
        self.table.setObjectName("subsidiesTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        columns.prepare(self.table, _SHARED, stretch=PURPOSE)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._current_changed(current)
        )

        self.detail = SubsidyDetail()
        detail_area = QScrollArea()
        detail_area.setObjectName("subsidyDetail")
        detail_area.setWidgetResizable(True)
        detail_area.setFrameShape(QFrame.Shape.NoFrame)
        detail_area.setWidget(self.detail)
        detail_area.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_area)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([220, 330])

        self.status = one_line()
        self.status.setObjectName("subsidiesStatus")
        self.status.hide()  # until an action says what it did

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addLayout(actions)
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
        """Read the applications again, keeping the chosen one."""
        if self.context.busy:
            return
        chosen = self.selected_subsidy()
        self.model.set_subsidies(subsidies.subsidies(self.context.ledger.conn))
        self._after_reload(chosen.id if chosen else None)

    def apply_search(self) -> None:
        chosen = self.selected_subsidy()
        self.model.set_search(self.search.text())
        self._after_reload(chosen.id if chosen else None)

    def _after_reload(self, keep: int | None) -> None:
        self._show_summary()
        QTimer.singleShot(0, self, self._fit_columns)
        if keep is not None and self.select_subsidy(keep):
            return
        if self.model.rowCount():
            self.select_subsidy(self.model.rows[0].id)
        else:
            self.detail.show_subsidy(None, self._empty_text())
            self._enable(None)

    def _fit_columns(self) -> None:
        least = self.table.fontMetrics().averageCharWidth() * 24  # the purpose keeps a few words
        purpose = min(self.table.sizeHintForColumn(PURPOSE), least)
        columns.share(self.table, _SHARED, stretch=PURPOSE, reserve=purpose)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)  # once the table has its new width

    def _empty_text(self) -> str:
        if self.model.all:
            return _("No application matches «{words}».").format(words=self.search.text().strip())
        return _(
            "No application for a subsidy is recorded yet. The clerk applies; the decision, "
            "an appeal and the money received follow as they come."
        )

    def _show_summary(self) -> None:
        found = self.model.all
        if not found:
            self.summary.setText("")
            self.summary.hide()
            return
        self.summary.show()
        text = ngettext(
            "{n} application: {granted} granted, {received} received, {left} left in the "
            "subsidies' funds.",
            "{n} applications: {granted} granted, {received} received, {left} left in the "
            "subsidies' funds.",
            len(found),
        ).format(
            n=len(found),
            granted=format_amount(sum(s.granted for s in found)),
            received=format_amount(sum(s.received for s in found)),
            left=format_amount(sum(s.left for s in found)),
        )
        waiting = sum(1 for s in found if s.state in (State.APPLIED, State.APPEALED))
        if waiting:
            text += " " + ngettext(
                "{n} waits for a decision.", "{n} wait for a decision.", waiting
            ).format(n=waiting)
        shown = self.model.rowCount()
        if shown != len(found):
            text += " " + _("Shown: {shown} of {n}.").format(shown=shown, n=len(found))
        self.summary.setText(text)
        self.summary.setToolTip(text)

    def selected_subsidy(self) -> Subsidy | None:
        index = self.table.currentIndex()
        return self.model.subsidy_at(index.row()) if index.isValid() else None

    def select_subsidy(self, subsidy_id: int) -> bool:
        if not select_row(self.table, self.model.row_of(subsidy_id)):
            return False
        self._current_changed(self.table.currentIndex())
        return True

    def _current_changed(self, current: QModelIndex) -> None:
        subsidy = self.model.subsidy_at(current.row()) if current.isValid() else None
        self.detail.show_subsidy(subsidy, self._empty_text())
        self._enable(subsidy)

    def _enable(self, subsidy: Subsidy | None) -> None:
        state = subsidy.state if subsidy else None
        self.decide_button.setEnabled(state in (State.APPLIED, State.APPEALED))
        self.appeal_button.setEnabled(state in (State.REFUSED, State.PARTLY))
        self.receive_button.setEnabled(subsidy is not None and still_to_come(subsidy) > 0)

    # --- actions --------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _done(self, text: str, subsidy_id: int) -> None:
        if self.model.row_of(subsidy_id) < 0 and self.search.text():
            self.search.clear()  # a search that hides it would hide what was just done
        self.select_subsidy(subsidy_id)
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.show()

    def apply(self) -> bool:
        from ruralcouncil.gui.subsidy_dialogs import ApplyDialog

        dialog = ApplyDialog(self.context, self)
        if not self._run(dialog) or dialog.subsidy_id is None:
            return False
        self._done(
            _("The application was recorded as subsidy {id}.").format(id=dialog.subsidy_id),
            dialog.subsidy_id,
        )
        return True

    def decide(self) -> bool:
        from ruralcouncil.gui.subsidy_dialogs import DecisionDialog

        subsidy = self.selected_subsidy()
        if subsidy is None:
            return False
        if not self._run(DecisionDialog(self.context, subsidy, self)):
            return False
        state = subsidies.get(self.context.ledger.conn, subsidy.id).state
        self._done(
            _("The decision on subsidy {id} was recorded: {state}.").format(
                id=subsidy.id, state=_(STATE_NAMES[state]).lower()
            ),
            subsidy.id,
        )
        return True

    def appeal(self) -> bool:
        from ruralcouncil.gui.subsidy_dialogs import AppealDialog

        subsidy = self.selected_subsidy()
        if subsidy is None:
            return False
        if not self._run(AppealDialog(self.context, subsidy, self)):
            return False
        self._done(_("The appeal on subsidy {id} was recorded.").format(id=subsidy.id), subsidy.id)
        return True

    def receive(self) -> bool:
        from ruralcouncil.gui.subsidy_dialogs import ReceiveDialog

        subsidy = self.selected_subsidy()
        if subsidy is None:
            return False
        dialog = ReceiveDialog(self.context, subsidy, self)
        if not self._run(dialog) or dialog.entry_id is None:
            return False
        self._done(
            _("Entry {number}: the money of subsidy {id} was received into {fund}.").format(
                number=dialog.entry_id, id=subsidy.id, fund=subsidy.fund
            ),
            subsidy.id,
        )
        return True
