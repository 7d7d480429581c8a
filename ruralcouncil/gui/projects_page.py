"""Community projects (salma / asar, DESIGN §2.5, §4.3): a year's projects with their money;
for the one chosen, what it is for and how the council decided it, its figures and chart,
and the village's households: what each has paid, still owes, or is exempt from.

The clerk proposes projects, registers households, records their contributions and the
exemptions the council decided; the chair adopts a project by resolution; the chair or the
clerk closes it (what is left refunded to the households or moved to another fund). Each
button is shown only to the roles the core allows, and the core decides again: its refusal
is shown in its own words, with nothing written. Every figure is the core's
(``projects.progress``); the chart (pyqtgraph) is built only once the page has been painted,
as the budget's is.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import columns, messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import action_button, compact_rows, fit_rows, named, page_title
from ruralcouncil.gui.project_chart import ProjectChart
from ruralcouncil.gui.projects_models import (
    ADDRESS,
    HEAD,
    OWES,
    PAID,
    SHOW_NAMES,
    TITLE,
    HouseholdsModel,
    ProjectsModel,
    Show,
)
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, households, projects
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import HouseholdShare, Progress, State
from ruralcouncil.ledger.users import Action

_SHARED_HOUSEHOLDS = (ADDRESS, HEAD, OWES)  # long text: each gets a fair share
_OK_STYLE = "color: #1b5e20;"
_WARNING_STYLE = "color: #b71c1c;"
_NOTE_STYLE = "color: #505050;"


def this_year() -> int:
    """The year the page opens on (tests replace this)."""
    return date.today().year


def _table(model: ProjectsModel | HouseholdsModel, name: str, stretch: int) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    compact_rows(table)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _value() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ProjectsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("projectsPage")

        title = page_title(_("Community projects"))
        self.year_box = YearBox()
        self.year_box.setObjectName("projectsYear")
        self.year_box.currentIndexChanged.connect(lambda _index: self.refresh())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)

        self.propose_button = action_button(_("Propose a project…"), "proposeProject", self.propose)
        self.adopt_button = action_button(_("Adopt…"), "adoptProject", self.adopt)
        self.adopt_button.setToolTip(
            _("Open the project's collection, by a resolution of the council about it")
        )
        self.contribute_button = action_button(
            _("Record a contribution…"), "recordContribution", self.record_contribution
        )
        self.household_button = action_button(
            _("Register a household…"), "addHousehold", self.add_household
        )
        self.exempt_button = action_button(_("Exempt…"), "exemptHousehold", self.exempt)
        self.exempt_button.setToolTip(
            _("Exempt a low-income household from a year's collection, as the council decided")
        )
        self.close_button = action_button(_("Close…"), "closeProject", self.close_project)
        self.close_button.setToolTip(
            _("End the project: what is left is refunded to the households or moved")
        )
        # The printed documents, for anyone: the contributors' statement (with the
        # households named, or only counted) and one household's receipt.
        self.statement_button = QPushButton(_("Contributors' statement…"))
        self.statement_button.setObjectName("contributorsStatement")
        statement_menu = QMenu(self.statement_button)
        statement_menu.addAction(_("Households named"), lambda: self.print_statement(names=True))
        statement_menu.addAction(
            _("Households counted, not named"), lambda: self.print_statement(names=False)
        )
        self.statement_button.setMenu(statement_menu)
        self.receipt_button = action_button(
            _("Household's receipt…"), "householdReceipt", self.print_household_receipt
        )
        self.receipt_button.setToolTip(
            _("The chosen household's receipt of what it paid, with its verification code")
        )
        may_register, may_record = context.may(Action.REGISTER), context.may(Action.RECORD)
        may_chair = context.may(Action.CHAIR)
        self.propose_button.setVisible(may_register)
        self.adopt_button.setVisible(may_chair)
        self.contribute_button.setVisible(may_record)
        self.household_button.setVisible(may_register)
        self.exempt_button.setVisible(may_register)
        self.close_button.setVisible(may_chair or may_record)
        actions = QHBoxLayout()
        for button in (
            self.propose_button,
            self.adopt_button,
            self.contribute_button,
            self.close_button,
        ):
            actions.addWidget(button)
        actions.addWidget(self.statement_button)
        actions.addWidget(self.receipt_button)
        actions.addStretch(1)

        self.projects_model = ProjectsModel(self)
        self.projects_table = _table(self.projects_model, "projectsTable", TITLE)
        self.projects_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._project_changed(current)
        )
        self.empty = QLabel()
        self.empty.setObjectName("noProjects")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(_NOTE_STYLE)

        self.status = QLabel()
        self.status.setObjectName("projectsStatus")
        # One line: a wrapping label asks for the height of many lines when the layout
        # measures it narrow, and the page would then scroll on a 768-pixel screen.
        self.status.setWordWrap(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()  # until an action says what it did

        # --- the chosen project: what it is, how it stands ---
        self.summary_group = QGroupBox(_("The project"))
        self.summary_group.setObjectName("projectSummary")
        # Its lines are never squeezed into each other: the chart below gives way instead.
        self.summary_group.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        summary = QFormLayout(self.summary_group)
        summary.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.purpose = _value()
        self.fund = _value()
        self.decided = _value()
        self.decided.setObjectName("decided")
        self.closed = _value()
        self.target = _value()
        self.per_household = _value()
        self.expected = _value()
        self.collected = _value()
        self.donated = _value()
        self.spent = _value()
        self.refunded = _value()
        self.moved = _value()
        self.left = _value()
        self.held = _value()
        self.held.setObjectName("held")
        self.held.setStyleSheet(_WARNING_STYLE)
        for text, label in (
            (_("Purpose"), self.purpose),
            (_("Fund"), self.fund),
            (_("Decided"), self.decided),
            (_("Closed"), self.closed),
        ):
            summary.addRow(text, label)
        # The figures two by two, so the project's whole standing fits beside its chart.
        figures = QGridLayout()
        figures.setHorizontalSpacing(12)
        figures.setColumnStretch(1, 1)
        figures.setColumnStretch(3, 1)
        self._figure_names: dict[QLabel, QLabel] = {}
        for place, (text, label) in enumerate(
            (
                (_("Target"), self.target),
                (_("Per household"), self.per_household),
                (_("Collected from households"), self.collected),
                (_("Households would give"), self.expected),
                (_("Donations to the project"), self.donated),
                (_("Spent"), self.spent),
                (_("Refunded to households"), self.refunded),
                (_("Moved to another fund"), self.moved),
                (_("Left in the fund"), self.left),
            )
        ):
            caption = QLabel(text)
            label.setWordWrap(False)
            self._figure_names[label] = caption
            row, column = divmod(place, 2)
            figures.addWidget(caption, row, 2 * column)
            figures.addWidget(label, row, 2 * column + 1)
        summary.addRow(figures)
        summary.addRow(self.held)
        self.summary_form = summary
        bold = self.left.font()
        bold.setBold(True)
        self.left.setFont(bold)
        self._figure_names[self.left].setFont(bold)

        self.chart = ProjectChart()
        self.chart.setObjectName("projectChart")
        self.chart_group = QGroupBox(_("Collected against the target, spent, and left"))
        chart_layout = QVBoxLayout(self.chart_group)
        chart_layout.addWidget(self.chart)

        # --- the households ---
        self.households_model = HouseholdsModel(self)
        # The members and what was paid whole; the address, the head and what is owed (or
        # why not) share the rest, cut with «…» when the panel is narrow (their tooltips and
        # the line under the table say them in full): the money never scrolls out of sight.
        self.households_table = _table(self.households_model, "householdsTable", OWES)
        columns.prepare(self.households_table, _SHARED_HOUSEHOLDS)
        self.households_table.horizontalHeader().setStretchLastSection(True)
        self.households_table.setMinimumHeight(180)
        self.households_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._household_changed(current)
        )
        self.households_table.doubleClicked.connect(self._household_double_clicked)
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setPlaceholderText(_("Search address or head of household"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.show_choice = QComboBox()
        self.show_choice.setObjectName("householdShow")
        for show, name in SHOW_NAMES.items():
            self.show_choice.addItem(_(name), show.value)
        self.show_choice.currentIndexChanged.connect(lambda _i: self._show_changed())
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.show_choice)
        self.totals = QLabel()
        self.totals.setObjectName("householdTotals")
        self.totals.setWordWrap(True)
        self.household_detail = QLabel()
        self.household_detail.setObjectName("householdDetail")
        self.household_detail.setWordWrap(True)
        self.household_detail.setStyleSheet(_NOTE_STYLE)
        self.household_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.households_group = QGroupBox(_("Households"))
        households_layout = QVBoxLayout(self.households_group)
        households_layout.addLayout(filters)
        households_layout.addWidget(self.households_table, 1)
        # The register's own actions, beside it (the page's row holds the project's: in
        # Russian and Kazakh the two would not fit in one row).
        household_actions = QHBoxLayout()
        household_actions.addWidget(self.household_button)
        household_actions.addWidget(self.exempt_button)
        household_actions.addStretch(1)
        households_layout.addLayout(household_actions)
        households_layout.addWidget(self.totals)
        households_layout.addWidget(self.household_detail)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary_group)
        left_layout.addWidget(self.chart_group, 1)
        self.detail = QSplitter(Qt.Orientation.Horizontal)
        self.detail.addWidget(left)
        self.detail.addWidget(self.households_group)
        self.detail.setChildrenCollapsible(False)
        self.detail.setStretchFactor(0, 2)
        self.detail.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.projects_table)
        layout.addWidget(self.empty)
        layout.addWidget(self.status)
        layout.addWidget(self.detail, 1)

        self._chart_stale = True
        self._quiet = False
        self._fill_years()
        context.changed.connect(self._changed)

    # --- the year and the list ------------------------------------------------------------

    def project_years(self) -> list[int]:
        """Years with projects, this year and the next (a project may be proposed ahead)."""
        found = {p.year for p in projects.projects(self.context.ledger.conn)}
        return sorted(found | {this_year(), this_year() + 1})

    def _fill_years(self) -> None:
        chosen = self.year()
        self.year_box.offer(self.project_years(), this_year() if chosen is None else chosen)
        self.refresh()

    def _changed(self) -> None:
        if self.context.busy:
            return
        self._fill_years()

    def year(self) -> int | None:
        return self.year_box.year()

    def set_year(self, year: int) -> None:
        if self.year_box.findData(year) < 0:
            self.year_box.offer(self.project_years(), year)
            self.refresh()
        else:
            self.year_box.choose(year)

    def refresh(self) -> None:
        """Read the year's projects again, keeping the chosen project and household."""
        year = self.year()
        if year is None or self.context.busy:
            return
        chosen = self.selected_progress()
        household = self.selected_household()
        self._quiet = True  # the project is shown once, below, not at each step of the reset
        try:
            self._reload(year, chosen.project.id if chosen else None)
        finally:
            self._quiet = False
        self._show_project(self.selected_progress())
        if household is not None:
            self.select_household(household.id)

    def _reload(self, year: int, keep: int | None) -> None:
        self.projects_model.set_year(self.context.ledger, year)
        fit_rows(self.projects_table, at_least=1)
        has_projects = bool(self.projects_model.rowCount())
        self.projects_table.setVisible(has_projects)
        self.empty.setVisible(not has_projects)
        self.empty.setText(
            _(
                "No community project collects in {year}. The clerk proposes one; the council "
                "adopts it by a resolution."
            ).format(year=year)
        )
        row = self.projects_model.row_of(keep) if keep is not None else -1
        if row < 0 and has_projects:
            row = 0
        if row >= 0:
            self.projects_table.selectRow(row)
            self.projects_table.setCurrentIndex(self.projects_model.index(row, 0))

    def selected_progress(self) -> Progress | None:
        index = self.projects_table.currentIndex()
        return self.projects_model.progress_at(index.row()) if index.isValid() else None

    def select_project(self, project_id: int) -> bool:
        project = projects.get(self.context.ledger.conn, project_id)
        if self.year() != project.year:
            self.set_year(project.year)
        row = self.projects_model.row_of(project_id)
        if row < 0:
            return False
        self.projects_table.selectRow(row)
        self.projects_table.setCurrentIndex(self.projects_model.index(row, 0))
        self._show_project(self.projects_model.progress_at(row))
        return True

    def _project_changed(self, current: QModelIndex) -> None:
        if self._quiet:
            return
        self._show_project(
            self.projects_model.progress_at(current.row()) if current.isValid() else None
        )

    # --- the chosen project ----------------------------------------------------------------

    def _show_project(self, progress: Progress | None) -> None:
        conn = self.context.ledger.conn
        year = self.year() or this_year()
        self.summary_group.setVisible(progress is not None)
        self.chart_group.setVisible(progress is not None)
        if progress is None:
            self.households_model.set_register(
                households.households(conn), households.exemptions(conn, year)
            )
            self.households_group.setTitle(_("Households of the village"))
        else:
            listed = households.exemption_list(conn, progress.project.year)
            self.households_model.set_progress(
                progress, {e.household_id: e.resolution for e in listed}
            )
            self.households_group.setTitle(
                _("Households: the collection of {year}").format(year=progress.project.year)
            )
            self._fill_summary(progress)
        # Nothing is paid to the register itself.
        self.households_table.setColumnHidden(PAID, progress is None)
        self._show_totals()
        self._household_changed(self.households_table.currentIndex())
        self._enable(progress)
        QTimer.singleShot(0, self, self._fit_households)
        self._chart_stale = True
        if self.isVisible():
            self._update_chart()

    def _fit_households(self) -> None:
        # A narrow panel: the address and the head keep a few letters, the money all of it.
        columns.share(self.households_table, _SHARED_HOUSEHOLDS, least=6)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_households)  # once the table has its width

    def _fill_summary(self, progress: Progress) -> None:
        project = progress.project
        conn = self.context.ledger.conn
        funds = {f.code: f.name() for f in catalog.funds(conn)}
        self.summary_group.setTitle(
            _("Project {id}: {title}").format(id=project.id, title=project.title)
        )
        self.purpose.setText(project.purpose or project.title)
        self.fund.setText(named(funds.get(project.fund, ""), project.fund))
        if project.adopted_on:
            self.decided.setText(
                _("Proposed on {proposed}; adopted by resolution {ref} on {day}.").format(
                    proposed=shown_date(project.date),
                    ref=project.adopted_by,
                    day=shown_date(project.adopted_on),
                )
            )
        else:
            self.decided.setText(
                _(
                    "Proposed on {proposed}; not adopted yet: the council adopts it by a "
                    "resolution about project:{id}, then its collection opens."
                ).format(proposed=shown_date(project.date), id=project.id)
            )
        if project.state == State.CLOSED:
            if project.remainder == "refund":
                how = _("what was left was refunded to the households")
            else:
                target = project.to_fund or ""
                how = _("what was left was moved to the fund {fund}").format(
                    fund=named(funds.get(target, ""), target)
                )
            self.closed.setText(
                _("By resolution {ref} on {day}: {how}.").format(
                    ref=project.closed_by, day=shown_date(project.closed_on or ""), how=how
                )
            )
        self.summary_form.setRowVisible(self.closed, project.state == State.CLOSED)
        self.target.setText(format_amount(project.target))
        self.per_household.setText(format_amount(project.per_household))
        self.expected.setText(format_amount(progress.expected))
        self.expected.setToolTip(_("What the households not exempt give when each pays in full"))
        self.collected.setText(format_amount(progress.collected))
        self.donated.setText(format_amount(progress.donated))
        self.spent.setText(format_amount(progress.spent))
        self.refunded.setText(format_amount(progress.refunded))
        self.moved.setText(format_amount(progress.moved))
        self.left.setText(format_amount(progress.remaining))
        # Shown once a close returned something; both or neither, so the grid keeps its rows.
        returned = bool(progress.refunded or progress.moved)
        for label in (self.refunded, self.moved):
            label.setVisible(returned)
            self._figure_names[label].setVisible(returned)
        self.held.setText(
            _(
                "{amount} of flagged donations: the fund cannot spend them until the council "
                "acknowledges them."
            ).format(amount=format_amount(progress.held))
        )
        self.summary_form.setRowVisible(self.held, bool(progress.held))

    def _show_totals(self) -> None:
        totals = self.households_model.totals()
        year = self.year() or this_year()
        progress = self.households_model.progress
        if progress is None:
            self.totals.setText(
                _(
                    "Households registered: {n}; exempt from the collection of {year}: {exempt}."
                ).format(n=len(self.households_model.shares), year=year, exempt=totals.exempt)
            )
            return
        if progress.project.state == State.CLOSED:
            owed = _("not collected: {amount}").format(amount=format_amount(totals.owed))
        else:
            owed = _("still owed: {amount}").format(amount=format_amount(totals.owed))
        self.totals.setText(
            _("Households asked: {asked}; paid in full: {full}; exempt: {exempt}; {owed}.").format(
                asked=totals.asked, full=totals.paid_in_full, exempt=totals.exempt, owed=owed
            )
        )

    def _update_chart(self) -> None:
        if not self._chart_stale or not self.isVisible():
            return
        progress = self.selected_progress()
        if progress is not None:
            self.chart.show_progress(progress)
        self._chart_stale = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_chart()

    # --- the households --------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        chosen = self.selected_household()
        self.households_model.set_search(text)
        if chosen is not None:
            self.select_household(chosen.id)
        self._household_changed(self.households_table.currentIndex())

    def _show_changed(self) -> None:
        chosen = self.selected_household()
        self.households_model.set_show(Show(str(self.show_choice.currentData())))
        if chosen is not None:
            self.select_household(chosen.id)
        self._household_changed(self.households_table.currentIndex())

    def selected_household(self) -> HouseholdShare | None:
        index = self.households_table.currentIndex()
        return self.households_model.share_at(index.row()) if index.isValid() else None

    def select_household(self, household_id: int) -> bool:
        row = self.households_model.row_of(household_id)
        if row < 0:
            return False
        self.households_table.selectRow(row)
        self.households_table.setCurrentIndex(self.households_model.index(row, 0))
        self._household_changed(self.households_model.index(row, 0))
        return True

    def _household_changed(self, current: QModelIndex) -> None:
        share = self.households_model.share_at(current.row()) if current.isValid() else None
        progress = self.households_model.progress
        if share is None or progress is None:
            self.household_detail.setText("")
            self.household_detail.setVisible(False)
            return
        found = projects.contributions(self.context.ledger.conn, progress.project.id, share.id)
        if not found:
            text = _("{address}: nothing paid to this project.").format(address=share.address)
        else:
            lines = [
                (
                    _("{day}, entry {entry}: refund {amount}")
                    if c.refund
                    else _("{day}, entry {entry}: {amount}")
                ).format(day=shown_date(c.date), entry=c.entry, amount=format_amount(c.amount))
                for c in found
            ]
            text = _("{address} paid:").format(address=share.address) + "\n" + "\n".join(lines)
        self.household_detail.setText(text)
        self.household_detail.setVisible(True)

    def _household_double_clicked(self, index: QModelIndex) -> None:
        progress = self.selected_progress()
        if (
            index.isValid()
            and progress is not None
            and progress.project.state == State.ADOPTED
            and self.context.may(Action.RECORD)
        ):
            self.record_contribution()

    def _enable(self, progress: Progress | None) -> None:
        state = progress.project.state if progress else None
        self.adopt_button.setEnabled(state == State.PROPOSED)
        self.contribute_button.setEnabled(state == State.ADOPTED)
        self.close_button.setEnabled(state == State.ADOPTED)
        self.statement_button.setEnabled(progress is not None)
        self.receipt_button.setEnabled(progress is not None)

    def print_statement(self, *, names: bool) -> None:
        """The chosen project's contributors' statement, made in a worker, then shown."""
        progress = self.selected_progress()
        if progress is None:
            return
        # reportlab is loaded only now, the first time a document is made.
        from ruralcouncil.gui.pdf_viewer import preview_report
        from ruralcouncil.reports.contributors import (
            contributors_file_name,
            render_contributors,
        )

        project_id = progress.project.id
        preview_report(
            self.context,
            lambda reader, path: render_contributors(reader, project_id, path, names=names),
            contributors_file_name(project_id),
            _("Contributors' statement: {title}").format(title=progress.project.title),
            self,
            failure=_("The statement could not be made"),
        )

    def print_household_receipt(self) -> None:
        """The chosen household's receipt for the chosen project."""
        progress, household = self.selected_progress(), self.selected_household()
        if progress is None:
            return
        if household is None:
            messages.show_warning(
                self,
                _("Choose a household in the table first."),
                _("Household's receipt"),
            )
            return
        from ruralcouncil.gui.pdf_viewer import preview_report
        from ruralcouncil.reports.contributors import (
            household_receipt_file_name,
            render_household_receipt,
        )

        project_id, household_id = progress.project.id, household.id
        preview_report(
            self.context,
            lambda reader, path: render_household_receipt(reader, project_id, household_id, path),
            household_receipt_file_name(project_id, household_id),
            _("Receipt of {address}").format(address=household.address),
            self,
            failure=_("The receipt could not be made"),
        )

    # --- actions ----------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _done(self, text: str) -> None:
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        self.status.show()

    def propose(self) -> bool:
        from ruralcouncil.gui.project_dialogs import AddProjectDialog

        dialog = AddProjectDialog(self.context, self.year() or this_year(), self)
        if not self._run(dialog) or dialog.project_id is None:
            return False
        self.select_project(dialog.project_id)
        self._done(
            _("Project {id} was proposed; the council adopts it by a resolution.").format(
                id=dialog.project_id
            )
        )
        return True

    def adopt(self) -> bool:
        from ruralcouncil.gui.project_dialogs import AdoptProjectDialog

        progress = self.selected_progress()
        if progress is None:
            return False
        project = progress.project
        if not self._run(AdoptProjectDialog(self.context, project, self)):
            return False
        self.select_project(project.id)
        self._done(_("Project {id} is adopted: its collection is open.").format(id=project.id))
        return True

    def record_contribution(self) -> bool:
        from ruralcouncil.gui.project_dialogs import ContributionDialog

        progress = self.selected_progress()
        if progress is None:
            return False
        household = self.selected_household()
        dialog = ContributionDialog(
            self.context, progress.project.id, household.id if household else None, self
        )
        if not self._run(dialog):
            return False
        chosen = dialog.chosen()
        if chosen is not None:
            self.select_household(chosen.id)
        self._done(
            _("The contribution of {address} was recorded.").format(
                address=chosen.address if chosen else ""
            )
        )
        return True

    def add_household(self) -> bool:
        from ruralcouncil.gui.project_dialogs import AddHouseholdDialog

        dialog = AddHouseholdDialog(self.context, self)
        if not self._run(dialog) or dialog.household_id is None:
            return False
        self.select_household(dialog.household_id)
        self._done(
            _("{address} was added to the households.").format(address=dialog.address.text())
        )
        return True

    def exempt(self) -> bool:
        from ruralcouncil.gui.project_dialogs import ExemptDialog

        household = self.selected_household()
        dialog = ExemptDialog(
            self.context, self.year() or this_year(), household.id if household else None, self
        )
        if not self._run(dialog):
            return False
        self._done(
            _("The household is exempt from the collection of {year}.").format(
                year=dialog.year.value()
            )
        )
        return True

    def close_project(self) -> bool:
        from ruralcouncil.gui.project_dialogs import CloseProjectDialog

        progress = self.selected_progress()
        if progress is None:
            return False
        project_id = progress.project.id
        if not self._run(CloseProjectDialog(self.context, project_id, self)):
            return False
        self.select_project(project_id)
        self._done(_("Project {id} is closed.").format(id=project_id))
        return True
