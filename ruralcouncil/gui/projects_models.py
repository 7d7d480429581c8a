"""The community projects page's tables: the year's projects with their money, and the
village's households for the chosen project (what each owes, has paid, or is exempt from).

Both hold what the core computed (``projects.progress``) and nothing else: who owes what,
who is exempt and why are the core's answers; the tables only narrow them (a search, a
filter) and count them for the totals line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ruralcouncil.gui.columns import column_title
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import projects
from ruralcouncil.ledger.households import Household
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import STATE_NAMES, HouseholdShare, Progress, State
from ruralcouncil.ledger.storage import Ledger

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_OWES = QColor(183, 28, 28)  # still owes
_PAID = QColor(27, 94, 32)  # paid in full
_EXEMPT = QColor(96, 96, 96)
ITEM_ROLE = Qt.ItemDataRole.UserRole  # the Progress or HouseholdShare itself

# --- the projects ------------------------------------------------------------------------

TITLE, YEAR, STATE, TARGET, PER_HOUSEHOLD, COLLECTED, SPENT, LEFT = range(8)
PROJECT_COLUMNS = {
    TITLE: N_("Project"),
    YEAR: N_("Year"),
    STATE: N_("State"),
    TARGET: N_("Target"),
    PER_HOUSEHOLD: N_("Per household"),
    COLLECTED: N_("Collected"),
    SPENT: N_("Spent"),
    LEFT: N_("Left"),
}


class ProjectsModel(QAbstractTableModel):
    """A year's community projects, each with its figures (``projects.progress``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Progress] = []

    def set_year(self, ledger: Ledger, year: int) -> None:
        conn = ledger.conn
        self.beginResetModel()
        self.rows = [projects.progress(conn, p.id) for p in projects.projects(conn, year)]
        self.endResetModel()

    def progress_at(self, row: int) -> Progress | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, project_id: int) -> int:
        return next((n for n, p in enumerate(self.rows) if p.project.id == project_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(PROJECT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(PROJECT_COLUMNS, section, orientation, role)

    def text(self, progress: Progress, column: int) -> str:
        project = progress.project
        if column == TITLE:
            return project.title
        if column == YEAR:
            return str(project.year)
        if column == STATE:
            return _(STATE_NAMES[project.state])
        amount = {
            TARGET: project.target,
            PER_HOUSEHOLD: project.per_household,
            COLLECTED: progress.collected,
            SPENT: progress.spent,
            LEFT: progress.remaining,
        }[column]
        return format_amount(amount)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        progress, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(progress, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TITLE:
                return progress.project.purpose or progress.project.title
            if column == COLLECTED and progress.donated:
                return _("From households; donations to the project: {amount}").format(
                    amount=format_amount(progress.donated)
                )
            if column == LEFT:
                return _("What the project's fund {fund} holds").format(fund=progress.project.fund)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= TARGET:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            if progress.project.state == State.CLOSED:
                return _EXEMPT
            return None
        if role == ITEM_ROLE:
            return progress
        return None


# --- the households ----------------------------------------------------------------------

ADDRESS, HEAD, MEMBERS, PAID, OWES = range(5)
HOUSEHOLD_COLUMNS = {
    ADDRESS: N_("Address"),
    HEAD: N_("Head of household"),
    MEMBERS: N_("Members"),
    PAID: N_("Paid"),
    OWES: N_("Owes"),
}

EXEMPTION_COLUMN = N_("Exemption")


class Show(StrEnum):
    """Which households the table shows."""

    ALL = "all"
    OWING = "owing"
    PAID_IN_FULL = "paid"
    EXEMPT = "exempt"


SHOW_NAMES = {
    Show.ALL: N_("All households"),
    Show.OWING: N_("Still owing"),
    Show.PAID_IN_FULL: N_("Paid in full"),
    Show.EXEMPT: N_("Exempt"),
}


def paid_in_full(share: HouseholdShare) -> bool:
    return not share.exempt and share.owes == 0


def _shown(share: HouseholdShare, show: Show, project: bool) -> bool:
    """Whether the filter ``show`` shows ``share`` (``project``: of a project, not the
    register alone, where nobody owes or paid anything)."""
    if show in (Show.OWING, Show.PAID_IN_FULL) and not project:
        return False
    if show == Show.OWING:
        return not share.exempt and share.owes > 0
    if show == Show.PAID_IN_FULL:
        return paid_in_full(share)
    if show == Show.EXEMPT:
        return share.exempt
    return True


@dataclass(frozen=True)
class Totals:
    """The totals line under the households: counted over every household, whatever the
    search or the filter shows."""

    asked: int  # households not exempt
    paid_in_full: int
    exempt: int
    owed: int  # what the households not exempt still owe
    paid: int
    refunded: int


class HouseholdsModel(QAbstractTableModel):
    """Every household of the village for one project: address, head, members, what it
    paid, and what it still owes, or why it is exempt. ``search`` narrows the rows to
    addresses and heads containing the text; ``showing`` to owing, paid or exempt ones."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress: Progress | None = None
        self.shares: list[HouseholdShare] = []  # every household
        self.rows: list[HouseholdShare] = []  # those shown
        self.resolutions: dict[int, str] = {}  # household -> the exempting resolution
        self.search = ""
        self.showing = Show.ALL

    def set_progress(
        self, progress: Progress | None, resolutions: dict[int, str] | None = None
    ) -> None:
        self.progress = progress
        self.shares = list(progress.households) if progress else []
        self.resolutions = dict(resolutions or {})
        self._narrow()

    def set_register(self, found: list[Household], exempt: dict[int, str]) -> None:
        """No project chosen: the register itself, each household marked exempt when the
        core counts it exempt from the year's collection; nothing paid or owed."""
        self.progress = None
        self.resolutions = {}
        self.shares = [
            HouseholdShare(
                h.id, h.address, h.head, h.members, h.id in exempt, 0, 0, 0, exempt.get(h.id, "")
            )
            for h in found
        ]
        self._narrow()

    def set_search(self, text: str) -> None:
        self.search = text.strip().casefold()
        self._narrow()

    def set_show(self, show: Show) -> None:
        self.showing = show
        self._narrow()

    def _narrow(self) -> None:
        self.beginResetModel()
        self.rows = [
            s
            for s in self.shares
            if _shown(s, self.showing, self.progress is not None)
            and (
                not self.search
                or self.search in s.address.casefold()
                or self.search in s.head.casefold()
            )
        ]
        self.endResetModel()

    def totals(self) -> Totals:
        asked = [s for s in self.shares if not s.exempt]
        return Totals(
            asked=len(asked),
            paid_in_full=sum(1 for s in asked if paid_in_full(s)),
            exempt=len(self.shares) - len(asked),
            owed=sum(s.owes for s in asked),
            paid=sum(s.paid for s in self.shares),
            refunded=sum(s.refunded for s in self.shares),
        )

    def share_at(self, row: int) -> HouseholdShare | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, household_id: int) -> int:
        return next((n for n, s in enumerate(self.rows) if s.id == household_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HOUSEHOLD_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.progress is None and section == OWES:
            # The register alone: only exemptions to show in the last column.
            return column_title({OWES: EXEMPTION_COLUMN}, section, orientation, role)
        return column_title(HOUSEHOLD_COLUMNS, section, orientation, role)

    def text(self, share: HouseholdShare, column: int) -> str:
        if column == ADDRESS:
            return share.address
        if column == HEAD:
            return share.head
        if column == MEMBERS:
            return str(share.members)
        if share.exempt and column == OWES:
            return _("Exempt: {reason}").format(reason=share.exempt_reason)
        if self.progress is None:  # the register alone: no project, nothing owed
            return ""
        return format_amount(share.paid if column == PAID else share.owes)

    def tooltip(self, share: HouseholdShare, column: int) -> str | None:
        year = self.progress.project.year if self.progress else ""
        if column == OWES and share.exempt:
            ref = self.resolutions.get(share.id)
            if ref:
                return _(
                    "Exempt from the collection of {year} by resolution {ref}: {reason}"
                ).format(year=year, ref=ref, reason=share.exempt_reason)
            return _("Exempt from the collection of {year}: {reason}").format(
                year=year, reason=share.exempt_reason
            )
        if column == PAID and share.refunded:
            return _("Refunded at the project's close: {amount}").format(
                amount=format_amount(share.refunded)
            )
        if column in (ADDRESS, HEAD):
            return self.text(share, column)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        share, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(share, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(share, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (MEMBERS, PAID):
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == OWES and not share.exempt:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and column == OWES:
            if share.exempt:
                return _EXEMPT
            if self.progress is None:
                return None
            return _OWES if share.owes > 0 else _PAID
        if role == Qt.ItemDataRole.FontRole and column == OWES and share.exempt:
            font = QFont()
            font.setItalic(True)
            return font
        if role == ITEM_ROLE:
            return share
        return None
