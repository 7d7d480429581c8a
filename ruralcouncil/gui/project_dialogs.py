"""The community projects page's dialogs: propose a project, adopt it (the chair, by a
resolution about ``project:ID``), record a household's contribution, register a household,
exempt one from a year's collection (by a resolution about ``exemption:HOUSEHOLD:YEAR``),
and close a project (its money refunded to the households or moved to another fund).

Each OK calls one core function (``projects.add``, ``adopt``, ``contribute``, ``close``,
``households.add``, ``exempt``) and shows its refusal under the form in the core's words,
with nothing written and everything typed kept. What a dialog shows beforehand (what a
household owes, who is exempt, each household's refund) is the core's figure too.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import (
    CoreForm,
    account_combo,
    party_combo,
    resolution_text,
    typed_amount,
)
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.page_parts import add_named
from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, households, meetings, money, projects
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import HouseholdShare, Progress
from ruralcouncil.ledger.storage import Ledger

_NOTE_STYLE = "color: #505050;"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def fill_resolutions(combo: QComboBox, ledger: Ledger, subject: str) -> dict[str, str]:
    """Offer the resolutions ready for ``subject`` (the first chosen); returns ref -> the
    day of its meeting. With none, the combo says which resolution is needed."""
    combo.clear()
    days: dict[str, str] = {}
    for resolution in meetings.ready_for(ledger.conn, subject):
        combo.addItem(resolution_text(resolution), resolution.ref)
        days[resolution.ref] = resolution.date
    combo.setPlaceholderText(_("no resolution about {subject} is ready").format(subject=subject))
    combo.setToolTip(
        _(
            "A resolution about {subject} that passed, was confirmed by a member present and "
            "has not been used yet"
        ).format(subject=subject)
    )
    combo.setCurrentIndex(0 if combo.count() else -1)
    return days


def _resolution_combo() -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("resolution")
    combo.setMinimumContentsLength(52)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


def _text_edit(placeholder: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def _amount_of(edit: QLineEdit) -> int:
    """The amount typed (the core's parser); on a refusal the field gets the keyboard."""
    try:
        return money.parse_amount(edit.text())
    except InvalidInput:
        edit.setFocus()
        raise


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(_NOTE_STYLE)
    return label


def _year_box(year: int) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName("year")
    box.setRange(2000, 2100)
    box.setValue(year)
    return box


def household_text(share: HouseholdShare) -> str:
    """A household as a list offers it: address and head, and an exemption said plainly."""
    if share.exempt:
        return _("{address} — {head} (exempt: {reason})").format(
            address=share.address, head=share.head, reason=share.exempt_reason
        )
    return _("{address} — {head}").format(address=share.address, head=share.head)


def project_line(project: projects.Project) -> str:
    return _("Project {id}: {title} ({year}), {amount} per household.").format(
        id=project.id,
        title=project.title,
        year=project.year,
        amount=format_amount(project.per_household),
    )


# --- proposing and adopting --------------------------------------------------------------


class AddProjectDialog(CoreForm):
    """The clerk proposes a project: title, purpose, target, per-household amount, year."""

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Propose a community project"), _("Propose"), parent)
        self.setObjectName("addProjectDialog")
        self.project_id: int | None = None
        self.say(
            _(
                "A salma (asar) project: the community sets what each household gives, once, "
                "in the project's year. It gets its own fund; the council adopts it by a "
                "resolution before anything is collected."
            )
        )
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setMaxLength(200)
        self.title.setPlaceholderText(_("e.g. Repair of the school roof"))
        self.purpose = _text_edit(_("what is to be done, and why"))
        self.purpose.setObjectName("purpose")
        self.target = QLineEdit()
        self.target.setObjectName("target")
        self.target.setPlaceholderText(_("for example 1 500 000"))
        self.per_household = QLineEdit()
        self.per_household.setObjectName("perHousehold")
        self.per_household.setPlaceholderText(_("for example 5 000"))
        self.year = _year_box(max(year, date.today().year))
        self.date = date_edit()
        self.reach = _note()
        self.reach.setObjectName("reach")
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Purpose"), self.purpose)
        self.form.addRow(_("Target (₸)"), self.target)
        self.form.addRow(_("Per household (₸)"), self.per_household)
        self.form.addRow("", self.reach)
        self.form.addRow(_("Collected in"), self.year)
        self.form.addRow(_("Proposed on"), self.date)
        self.per_household.textChanged.connect(lambda _text: self._show_reach())
        self.year.valueChanged.connect(lambda _year: self._show_reach())
        self._show_reach()

    def _show_reach(self) -> None:
        """How many households the year's collection would ask, and what that brings."""
        conn = self.context.ledger.conn
        year = self.year.value()
        exempt = households.exemptions(conn, year)
        asked = sum(1 for h in households.households(conn) if h.id not in exempt)
        try:
            amount = money.parse_amount(self.per_household.text())
        except InvalidInput:
            amount = 0
        if amount <= 0:
            self.reach.setText(
                _("{n} registered households are not exempt from the collection of {year}.").format(
                    n=asked, year=year
                )
            )
            return
        self.reach.setText(
            _(
                "{n} registered households are not exempt from the collection of {year}: at "
                "this amount each, they give {total} in all."
            ).format(n=asked, year=year, total=format_amount(asked * amount))
        )

    def save(self) -> None:
        target = _amount_of(self.target)
        per_household = _amount_of(self.per_household)
        self.project_id = projects.add(
            self.context.ledger,
            self.context.user,
            self.title.text(),
            target,
            per_household,
            self.year.value(),
            self.purpose.toPlainText(),
            self.date.day(),
        )


class _ByResolution(CoreForm):
    """A step decided by a resolution: the resolution, and the date (its meeting's day, or a
    later one)."""

    def _resolution_rows(self, subject: str) -> None:
        self.resolution = _resolution_combo()
        self.date = date_edit()
        self.date_note = _note()
        self.date_note.setText(
            _("The day of the resolution's meeting, or a later day; never before it.")
        )
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow("", self.date_note)
        self.meeting_days = fill_resolutions(self.resolution, self.context.ledger, subject)
        self.resolution.currentIndexChanged.connect(lambda _i: self._resolution_chosen())
        self._resolution_chosen()

    def chosen_ref(self) -> str:
        return str(self.resolution.currentData() or "")

    def _resolution_chosen(self) -> None:
        day = self.meeting_days.get(self.chosen_ref())
        if day:
            self.date.setDate(date.fromisoformat(day))


class AdoptProjectDialog(_ByResolution):
    """The chair opens a project's collection, by a resolution about ``project:ID``."""

    def __init__(
        self, context: AppContext, project: projects.Project, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Adopt the project"), _("Adopt"), parent)
        self.setObjectName("adoptProjectDialog")
        self.project = project
        self.say(
            project_line(project)
            + "\n"
            + _(
                "Adopting it opens its collection in {year}: at most one project collects in "
                "a year. The council decides it by a resolution about project:{id}."
            ).format(year=project.year, id=project.id)
        )
        self._resolution_rows(f"project:{project.id}")

    def save(self) -> None:
        projects.adopt(
            self.context.ledger,
            self.context.user,
            self.project.id,
            self.chosen_ref(),
            self.date.day(),
        )


# --- collecting --------------------------------------------------------------------------


class ContributionDialog(CoreForm):
    """The clerk records what a household paid: the amount it still owes, unless it pays in
    parts; an exempt household is listed (marked) and its contribution refused by the core."""

    def __init__(
        self,
        context: AppContext,
        project_id: int,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Record a contribution"), _("Record the contribution"), parent)
        self.setObjectName("contributionDialog")
        self.contribution_id: int | None = None
        self.progress = projects.progress(context.ledger.conn, project_id)
        self.shares = {s.id: s for s in self.progress.households}
        self.say(project_line(self.progress.project))
        self.household = QComboBox()
        self.household.setObjectName("household")
        for share in self.progress.households:
            self.household.addItem(household_text(share), share.id)
            if share.exempt:
                self.household.setItemData(
                    self.household.count() - 1, share.exempt_reason, Qt.ItemDataRole.ToolTipRole
                )
        self.household.setPlaceholderText(_("choose a household"))
        self.household.setCurrentIndex(
            self.household.findData(household_id) if household_id is not None else -1
        )
        self.owes = _note()
        self.owes.setObjectName("owes")
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(_("for example 5 000 or 2 500,50"))
        self.date = date_edit()
        self.account = account_combo(context.ledger)
        self.form.addRow(_("Household"), self.household)
        self.form.addRow("", self.owes)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Received into"), self.account)
        self.household.currentIndexChanged.connect(lambda _i: self._household_chosen())
        self._household_chosen()

    def chosen(self) -> HouseholdShare | None:
        data = self.household.currentData()
        return self.shares.get(int(data)) if data is not None else None

    def _household_chosen(self) -> None:
        share = self.chosen()
        project = self.progress.project
        if share is None:
            self.owes.setText("")
            return
        if share.exempt:
            self.owes.setText(
                _(
                    "Exempt from the collection of {year}: {reason}. It is not asked; it may "
                    "give a donation instead."
                ).format(year=project.year, reason=share.exempt_reason)
            )
            self.amount.clear()
            return
        self.owes.setText(
            _("Owes {owes} of the {amount} per household; paid so far {paid}.").format(
                owes=format_amount(share.owes),
                amount=format_amount(project.per_household),
                paid=format_amount(share.paid),
            )
        )
        self.amount.setText(typed_amount(share.owes) if share.owes > 0 else "")

    def save(self) -> None:
        share = self.chosen()
        if share is None:
            raise InvalidInput(_("Choose the household (Register a household… adds one)."))
        amount = _amount_of(self.amount)
        self.contribution_id = projects.contribute(
            self.context.ledger,
            self.context.user,
            self.progress.project.id,
            share.id,
            amount,
            self.date.day(),
            str(self.account.currentData() or ""),
        )


# --- households --------------------------------------------------------------------------


class AddHouseholdDialog(CoreForm):
    """The clerk registers a household: its address, its head (a party) and its members."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Register a household"), _("Register"), parent)
        self.setObjectName("addHouseholdDialog")
        self.household_id: int | None = None
        self.say(
            _(
                "The head of the household is a person in the register of parties "
                "(Parties: Add party…)."
            )
        )
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setMaxLength(200)
        self.address.setPlaceholderText(_("e.g. Abai street 12"))
        self.head = party_combo(context.ledger)
        self.head.setObjectName("head")
        self.members = QSpinBox()
        self.members.setObjectName("members")
        self.members.setRange(1, households.MAX_MEMBERS)
        self.members.setValue(1)
        self.form.addRow(_("Address"), self.address)
        self.form.addRow(_("Head of household"), self.head)
        self.form.addRow(_("Members"), self.members)

    def save(self) -> None:
        if self.head.currentIndex() < 0:
            raise InvalidInput(_("Choose the head of the household (Parties: Add party…)."))
        self.household_id = households.add(
            self.context.ledger,
            self.context.user,
            self.address.text(),
            int(self.head.currentData()),
            self.members.value(),
        )


class ExemptDialog(CoreForm):
    """The clerk records a low-income exemption from a year's collection, as the council
    decided it by a resolution about ``exemption:HOUSEHOLD:YEAR``."""

    def __init__(
        self,
        context: AppContext,
        year: int,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Exempt a household"), _("Exempt"), parent)
        self.setObjectName("exemptDialog")
        self.say(
            _(
                "A low-income household is exempt from a year's collection by a council "
                "resolution about exemption:HOUSEHOLD:YEAR. It is then never asked, and a "
                "contribution from it is refused; it may still give a donation."
            )
        )
        self.household = QComboBox()
        self.household.setObjectName("household")
        for household in households.households(context.ledger.conn):
            self.household.addItem(
                _("{address} — {head}").format(address=household.address, head=household.head),
                household.id,
            )
        self.household.setPlaceholderText(_("choose a household"))
        self.household.setCurrentIndex(
            self.household.findData(household_id) if household_id is not None else -1
        )
        self.year = _year_box(year)
        self.reason = _text_edit(_("why the household cannot pay, as the council recorded it"))
        self.reason.setObjectName("reason")
        self.resolution = _resolution_combo()
        self.form.addRow(_("Household"), self.household)
        self.form.addRow(_("Year"), self.year)
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Resolution"), self.resolution)
        self.household.currentIndexChanged.connect(lambda _i: self._fill())
        self.year.valueChanged.connect(lambda _y: self._fill())
        self._fill()

    def subject(self) -> str | None:
        data = self.household.currentData()
        return None if data is None else f"exemption:{int(data)}:{self.year.value()}"

    def _fill(self) -> None:
        subject = self.subject()
        if subject is None:
            self.resolution.clear()
            self.resolution.setPlaceholderText(_("choose the household first"))
            return
        fill_resolutions(self.resolution, self.context.ledger, subject)

    def save(self) -> None:
        data = self.household.currentData()
        if data is None:
            raise InvalidInput(_("Choose the household."))
        households.exempt(
            self.context.ledger,
            self.context.user,
            int(data),
            self.year.value(),
            self.reason.toPlainText(),
            str(self.resolution.currentData() or ""),
        )


# --- closing -----------------------------------------------------------------------------


class CloseProjectDialog(_ByResolution):
    """The chair or the clerk ends a project by a resolution about ``project:ID``: what its
    fund has left is refunded to the households in proportion to what each paid, or moved
    to another fund. A refund is previewed household by household, as the core shares it."""

    def __init__(self, context: AppContext, project_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Close the project"), _("Close the project"), parent)
        self.setObjectName("closeProjectDialog")
        self.setMinimumWidth(620)
        self.progress: Progress = projects.progress(context.ledger.conn, project_id)
        project = self.progress.project
        self.say(
            project_line(project)
            + "\n"
            + _(
                "Its fund {fund} has {left} left (collected {collected}, donated {donated}, "
                "spent {spent}). Closing it ends the collection; the fund ends at zero."
            ).format(
                fund=project.fund,
                left=format_amount(self.progress.remaining),
                collected=format_amount(self.progress.collected),
                donated=format_amount(self.progress.donated),
                spent=format_amount(self.progress.spent),
            )
        )
        self.refund = QRadioButton(
            _("Refund it to the households, in proportion to what each paid")
        )
        self.refund.setObjectName("refund")
        self.move_to_fund = QRadioButton(_("Move it to another fund:"))
        self.move_to_fund.setObjectName("moveToFund")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.refund)
        self.choice.addButton(self.move_to_fund)
        self.refund.setChecked(True)
        self.fund = QComboBox()
        self.fund.setObjectName("toFund")
        for fund in catalog.funds(context.ledger.conn):
            if fund.code != project.fund:
                add_named(self.fund, fund.name(), fund.code)
        move_row = QHBoxLayout()
        move_row.addWidget(self.move_to_fund)
        move_row.addWidget(self.fund, 1)
        what = QVBoxLayout()
        what.addWidget(self.refund)
        what.addLayout(move_row)
        self.form.addRow(_("What is left"), what)
        self._resolution_rows(f"project:{project.id}")

        self.preview_note = _note()
        self.preview_note.setObjectName("refundNote")
        self.preview = QTableWidget(0, 3)
        self.preview.setObjectName("refundPreview")
        self.preview.setHorizontalHeaderLabels([_("Household"), _("Paid"), _("Refund")])
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.verticalHeader().hide()
        self.preview.verticalHeader().setDefaultSectionSize(self.preview.fontMetrics().height() + 8)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview.setMinimumHeight(140)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        at = layout.indexOf(self.error)
        layout.insertWidget(at, self.preview_note)
        layout.insertWidget(at + 1, self.preview, 1)

        # household -> its refund, and what is beyond what the households paid, as the
        # core's ``projects.refund_plan`` divides what is left.
        self.shares: dict[int, int] = {}
        self.beyond = 0
        self.refund.toggled.connect(lambda _on: self._show_choice())
        self._fill_preview()
        self._show_choice()

    def _fill_preview(self) -> None:
        self.shares, self.beyond = projects.refund_plan(
            self.context.ledger.conn, self.progress.project.id
        )
        by_id = {h.id: h for h in self.progress.households}
        self.preview.setRowCount(len(self.shares))
        for row, (household_id, share) in enumerate(self.shares.items()):
            household = by_id[household_id]
            cells = (
                QTableWidgetItem(household.address),
                QTableWidgetItem(format_amount(household.paid)),
                QTableWidgetItem(format_amount(share)),
            )
            cells[0].setToolTip(household.head)
            for column, cell in enumerate(cells):
                if column:
                    cell.setTextAlignment(_RIGHT)
                self.preview.setItem(row, column, cell)
        if self.progress.remaining <= 0:
            text = _("Nothing is left in the fund: the project closes with no entries.")
        elif not self.shares:
            text = _(
                "No household paid anything, so there is nobody to refund: move what is left "
                "to another fund."
            )
        else:
            text = _(
                "{left} is refunded to {n} households in proportion to what each paid; each "
                "refund is a payment entry to the household's head:"
            ).format(left=format_amount(sum(self.shares.values())), n=len(self.shares))
            if self.beyond > 0:
                text += " " + _(
                    "{beyond} more than the households paid (gifts or other money) is not "
                    "theirs to take back: it moves to the fund chosen above."
                ).format(beyond=format_amount(self.beyond))
        self.preview_note.setText(text)

    def _show_choice(self) -> None:
        refund = self.refund.isChecked()
        self.fund.setEnabled(not refund or self.beyond > 0)
        self.preview_note.setVisible(refund)
        self.preview.setVisible(refund and bool(self.shares))

    def save(self) -> None:
        refund = self.refund.isChecked()
        moves = not refund or self.beyond > 0
        to_fund = str(self.fund.currentData() or "") if moves else None
        projects.close(
            self.context.ledger,
            self.context.user,
            self.progress.project.id,
            self.chosen_ref(),
            refund=refund,
            to_fund=to_fund,
            on=self.date.day(),
        )
