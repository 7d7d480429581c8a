"""The budget: a year's budget against actual, per program and fund, with its chart; the
versions the council adopted side by side; and, for the chair, "Adopt or amend…".

Every figure is the core's (``budget.show``, the same as ``budget show --json``). A year
without an adopted budget is said plainly to be outside the council's control. The chart
(pyqtgraph) is built only once the page has been painted, as the dashboard's is.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.budget_chart import BudgetChart
from ruralcouncil.gui.budget_models import BudgetActualModel, BudgetVersionsModel
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.page_parts import compact_rows, fit_columns, fit_rows, page_title
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger import budget, meetings, queries
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.users import Action

_WARNING_STYLE = "color: #b71c1c; font-weight: bold;"


def this_year() -> int:
    """The year the page opens on (tests replace this)."""
    return date.today().year


def budget_years(context: AppContext) -> list[int]:
    """Years with entries, this year and the next, and any a resolution was passed in or
    about (a budget may be adopted for the coming year)."""
    conn = context.ledger.conn
    years = set(queries.years(conn)) | {this_year(), this_year() + 1}
    for resolution in meetings.resolutions(conn):
        years.add(resolution.year)
        kind, _sep, rest = resolution.subject.partition(":")
        if kind in ("budget", "virement") and rest.isdigit():
            years.add(int(rest))
    return sorted(years)


def table_view(model: BudgetActualModel | BudgetVersionsModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    compact_rows(table)
    table.setWordWrap(False)
    # The names take what the amounts leave; the amounts are fitted at each fill (fit_columns).
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class BudgetPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("budgetPage")

        self.title = page_title()
        self.year_box = YearBox()
        self.year_box.setObjectName("budgetYear")
        self.year_box.currentIndexChanged.connect(lambda _index: self.refresh())
        self.as_of = DateField(date.today())
        self.as_of.setObjectName("budgetAsOf")
        self.as_of.editingFinished.connect(self.refresh)
        self.adopt_button = QPushButton(_("Adopt or amend…"))
        self.adopt_button.setObjectName("adoptBudget")
        self.adopt_button.setToolTip(
            _("Adopt the year's budget, or a later version, from a file, by a resolution")
        )
        self.adopt_button.setVisible(context.may(Action.CHAIR))
        self.adopt_button.clicked.connect(self.adopt)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)
        top.addWidget(QLabel(_("As of:")))
        top.addWidget(self.as_of)
        top.addWidget(self.adopt_button)

        self.status = QLabel()
        self.status.setObjectName("budgetStatus")
        self.status.setWordWrap(True)

        self.spending = BudgetActualModel(EXPENDITURE, self)
        self.revenue = BudgetActualModel(REVENUE, self)
        self.versions = BudgetVersionsModel(self)
        self.spending_table = table_view(self.spending, "spendingTable")
        self.revenue_table = table_view(self.revenue, "revenueTable")
        self.versions_table = table_view(self.versions, "versionsTable")
        self.chart = BudgetChart()

        self.spending_group = self._group(self.spending_table, "")
        self.revenue_group = self._group(
            self.revenue_table, _("Revenue: estimate against received")
        )
        self.chart_group = self._group(self.chart, _("Spending by program"))
        self.versions_group = self._group(self.versions_table, _("Versions of the budget"))
        self.versions_note = QLabel(
            _("Figures a version changed from the one before are highlighted.")
        )
        self.versions_note.setStyleSheet("color: #444;")
        versions_layout = self.versions_group.layout()
        assert versions_layout is not None
        versions_layout.addWidget(self.versions_note)

        # One under the other, each as wide as the page: the names (long in Kazakh) stay
        # whole beside six columns of amounts.
        grid = QVBoxLayout()
        for group in (
            self.spending_group,
            self.revenue_group,
            self.chart_group,
            self.versions_group,
        ):
            grid.addWidget(group)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addStretch(1)

        self._chart_stale = True
        self._fill_years()
        context.changed.connect(self._fill_years)

    @staticmethod
    def _group(widget: QWidget, title: str) -> QGroupBox:
        group = QGroupBox(title)
        layout = QVBoxLayout(group)
        layout.addWidget(widget)
        layout.addStretch(1)  # a short table stays at the top beside a tall chart
        return group

    # --- the year -------------------------------------------------------------------------

    def _fill_years(self) -> None:
        chosen = self.year()
        if chosen is None:
            chosen = this_year()
        self.year_box.offer(budget_years(self.context), chosen)
        self.refresh()

    def year(self) -> int | None:
        return self.year_box.year()

    def set_year(self, year: int) -> None:
        self.year_box.choose(year)

    def day(self, year: int) -> date:
        """The day the figures are as of: the date typed, kept within the chosen year."""
        try:
            day = self.as_of.day()
        except InvalidInput:
            day = date.today()
        return min(max(day, date(year, 1, 1)), date(year, 12, 31))

    # --- the figures ----------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.year()
        if year is None:
            return
        conn = self.context.ledger.conn
        day = self.day(year)
        self.title.setText(_("The budget of {year}").format(year=year))
        lines = budget.show(conn, year, day)
        self.spending.set_lines(self.context.ledger, lines)
        self.revenue.set_lines(self.context.ledger, lines)
        self.versions.set_year(self.context.ledger, year)
        self.spending_group.setTitle(
            _("Spending: budget against actual on {day}").format(day=shown_date(day))
        )
        in_force = budget.in_force(conn, year, day.isoformat())
        if not budget.has_budget(conn, year):
            self.status.setText(
                _(
                    "The council has adopted no budget for {year}: its payments are not under "
                    "council control (no approval is needed to record them)."
                ).format(year=year)
            )
            self.status.setStyleSheet(_WARNING_STYLE)
        elif in_force is None:
            first = budget.versions(conn, year)[0]
            self.status.setText(
                _(
                    "The budget of {year} was adopted only on {day}: before then none was in force."
                ).format(year=year, day=shown_date(first.date))
            )
            self.status.setStyleSheet(_WARNING_STYLE)
        else:
            self.status.setText(
                _(
                    "In force: version {n}, adopted by resolution {ref} of {day}. Payments in "
                    "{year} need an approved spending request."
                ).format(
                    n=in_force.version,
                    ref=in_force.resolution,
                    day=shown_date(in_force.date),
                    year=year,
                )
            )
            self.status.setStyleSheet("")
        for table in (self.spending_table, self.revenue_table, self.versions_table):
            fit_columns(table)
            fit_rows(table)
        self.versions_group.setVisible(bool(self.versions.versions))
        self._chart_stale = True
        if self.isVisible():
            self._update_chart()

    def chart_lines(self) -> list[tuple[str, int, int, int]]:
        """(program, appropriated, committed, paid) of every spending line, for the chart."""
        return [
            (
                f"{row.name} ({row.fund})" if row.fund_code != "GENERAL" else row.name,
                row.figures[0],
                row.figures[1],
                row.figures[2],
            )
            for row in self.spending.rows
            if not row.total
        ]

    def _update_chart(self) -> None:
        if not self._chart_stale or not self.isVisible():
            return
        self.chart.show_lines(self.chart_lines())
        self._chart_stale = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_chart()

    # --- adopting -------------------------------------------------------------------------

    def adopt(self) -> None:
        from ruralcouncil.gui.budget_dialogs import AdoptBudgetDialog

        dialog = AdoptBudgetDialog(self.context, self.year() or this_year(), self)
        try:
            if messages.run_dialog(dialog) == AdoptBudgetDialog.DialogCode.Accepted:
                self.set_year(dialog.year.value())
        finally:
            dialog.deleteLater()
