"""The table of a year's donations: one row a gift, in words (the donor by name, the kind of
donor, what was given, the fund or project), with where it stands.

The rows come from ``donations.donations`` for the chosen year and are narrowed here by the
words searched for. The council sees every donor's real name: a donor who asked to stay
anonymous is marked as such (public reports print «Anonymous donor» instead). A flagged gift
(its donor does business with the akim) is painted apart until the council acknowledges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon

from ruralcouncil.gui.columns import column_title
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import names_by_code
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import donations, projects
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.donations import DONOR_TYPE_NAMES, Donation
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import Project


class Status(StrEnum):
    """Where a gift stands, as the page says it (read from the core's Donation)."""

    RECEIVED = "received"
    HELD = "held"  # flagged cash, not acknowledged: its fund may not spend it
    FLAGGED = "flagged"  # flagged, not acknowledged, nothing held (in kind)
    ACKNOWLEDGED = "acknowledged"
    REVERSED = "reversed"  # its receipt was reversed: the money is gone


STATUS_NAMES = {
    Status.RECEIVED: N_("Received"),
    Status.HELD: N_("Held until acknowledged"),
    Status.FLAGGED: N_("Flagged, awaiting acknowledgement"),
    Status.ACKNOWLEDGED: N_("Acknowledged by {ref}"),
    Status.REVERSED: N_("Receipt reversed"),
}

NUMBER, DATE, DONOR, DONOR_TYPE, GIFT, DESTINATION, AMOUNT, STATUS = range(8)
COLUMN_TITLES = {
    NUMBER: N_("№"),
    DATE: N_("Date"),
    DONOR: N_("Donor"),
    DONOR_TYPE: N_("Kind of donor"),
    GIFT: N_("Cash or in kind"),
    DESTINATION: N_("Fund or project"),
    AMOUNT: N_("Amount"),
    STATUS: N_("Status"),
}
DONATION_ROLE = Qt.ItemDataRole.UserRole  # the Donation itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a raw, comparable value for the column
_ROOT = QModelIndex()
_FLAGGED_BACKGROUND = QColor(255, 236, 179)  # amber: the council has something to decide
_FLAGGED_TEXT = QColor(138, 74, 0)
_ACKNOWLEDGED_TEXT = QColor(27, 94, 32)
_REVERSED_TEXT = QColor(110, 110, 110)
_GIFT_TEXT_LIMIT = 60


def status_of(donation: Donation) -> Status:
    if donation.reversed:
        return Status.REVERSED
    if donation.acknowledged_by is not None:
        return Status.ACKNOWLEDGED
    if donation.held:
        return Status.HELD
    if donation.flagged:
        return Status.FLAGGED
    return Status.RECEIVED


def status_text(donation: Donation) -> str:
    return _(STATUS_NAMES[status_of(donation)]).format(ref=donation.acknowledged_by or "")


def awaits_acknowledgement(donation: Donation) -> bool:
    """Flagged and not yet acknowledged: what the chair may put to the council."""
    return donation.flagged and donation.acknowledged_by is None


def donor_text(donation: Donation) -> str:
    """The donor's real name (the council sees it), marked when they asked for anonymity."""
    if donation.anonymous:
        return _("{name} (anonymous in public reports)").format(name=donation.donor)
    return donation.donor


def gift_text(donation: Donation) -> str:
    if donation.cash:
        return _("Cash")
    what = " ".join(donation.in_kind.split())
    if len(what) > _GIFT_TEXT_LIMIT:
        what = what[: _GIFT_TEXT_LIMIT - 1] + "…"
    return _("In kind: {what}").format(what=what)


def business_lines(reasons: list[str]) -> str:
    """The donor's business with the akim, a line each: why a gift from them is flagged."""
    return _("The donor does business with the akim:") + "".join(f"\n• {r}" for r in reasons)


def stored_reasons(donation: Donation) -> list[str]:
    """The reasons the core stored when it flagged the gift, a line each."""
    return [r for r in donation.flag_reason.split("; ") if r]


def project_text(project: Project) -> str:
    return _("Project №{id}: {title}").format(id=project.id, title=project.title)


@dataclass(frozen=True)
class Totals:
    """The year's gifts in figures (all of them, whatever the search)."""

    count: int
    cash: int
    in_kind: int
    held: int
    waiting: int  # flagged gifts the council has not acknowledged


class DonationsModel(QAbstractTableModel):
    """The donations of one year, narrowed by the words searched for."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.year: int | None = None
        self.search = ""
        self.all: list[Donation] = []  # the year's
        self.rows: list[Donation] = []  # those the search finds, in the order shown
        self.names: dict[str, str] = {}
        self.projects: dict[int, Project] = {}
        self._icon: QIcon | None = None
        self._sorted = (-1, Qt.SortOrder.AscendingOrder)  # the last header clicked

    # --- reading ------------------------------------------------------------------------

    def set_year(self, year: int | None) -> None:
        self.year = year
        self.reload()

    def set_search(self, text: str) -> None:
        self.search = text
        self.beginResetModel()
        self._narrow()
        self.endResetModel()

    def reload(self) -> None:
        ledger = self.context.ledger
        self.beginResetModel()
        self.names = names_by_code(ledger)
        self.projects = {p.id: p for p in projects.projects(ledger.conn)}
        self.all = donations.donations(ledger.conn, year=self.year) if self.year else []
        self._narrow()
        self.endResetModel()

    def _narrow(self) -> None:
        words = self.search.casefold().split()
        self.rows = [d for d in self.all if all(w in self.haystack(d) for w in words)]
        self._order()

    def _order(self) -> None:
        column, order = self._sorted
        if 0 <= column < len(COLUMN_TITLES):
            self.rows.sort(
                key=lambda d: self.sort_key(d, column),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        else:
            self.rows.sort(key=lambda d: (d.date, d.id))

    def haystack(self, donation: Donation) -> str:
        """What the search looks in: the donor, the kind of donor, the gift, the fund or
        project (name and code), the statement, the valuer, the status and the number."""
        return "\n".join(
            (
                str(donation.id),
                donor_text(donation),  # "anonymous" finds those who asked for it
                _(DONOR_TYPE_NAMES[donation.donor_type]),
                gift_text(donation),
                donation.in_kind,
                donation.valued_by,
                self.destination(donation),
                donation.fund,
                donation.voluntary,
                donation.statement_name or "",
                status_text(donation),
                donation.acknowledged_by or "",
            )
        ).casefold()

    def destination(self, donation: Donation) -> str:
        project = self.projects.get(donation.project_id or 0)
        if project is not None:
            return project_text(project)
        return self.names.get(donation.fund, donation.fund)

    def totals(self) -> Totals:
        cash = sum(d.amount for d in self.all if d.cash and not d.reversed)
        return Totals(
            len(self.all),
            cash,
            sum(d.amount for d in self.all if not d.cash),
            sum(d.amount for d in self.all if d.held),
            sum(1 for d in self.all if awaits_acknowledgement(d)),
        )

    def donation_at(self, row: int) -> Donation | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, donation_id: int) -> int:
        return next((i for i, d in enumerate(self.rows) if d.id == donation_id), -1)

    # --- the table ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(COLUMN_TITLES, section, orientation, role)

    def text(self, donation: Donation, column: int) -> str:
        if column == NUMBER:
            return str(donation.id)
        if column == DATE:
            return shown_date(donation.date)
        if column == DONOR:
            return donor_text(donation)
        if column == DONOR_TYPE:
            return _(DONOR_TYPE_NAMES[donation.donor_type])
        if column == GIFT:
            return gift_text(donation)
        if column == DESTINATION:
            return self.destination(donation)
        if column == AMOUNT:
            return format_amount(donation.amount)
        return status_text(donation)

    def tooltip(self, donation: Donation, column: int) -> str | None:
        """The whole of what a cell may show cut short, and why a gift is flagged."""
        if column == DONOR:
            if donation.anonymous:
                return _("{name}: public reports print «{public}».").format(
                    name=donation.donor, public=donation.public_name()
                )
            return donation.donor
        if column == GIFT and not donation.cash:
            return _("{what}\nValued at {amount} by {valuer}").format(
                what=donation.in_kind,
                amount=format_amount(donation.amount),
                valuer=donation.valued_by,
            )
        if column == DESTINATION:
            return f"{self.destination(donation)} ({donation.fund})"
        if column == STATUS and donation.flagged:
            return business_lines(stored_reasons(donation))
        return None

    def sort_key(self, donation: Donation, column: int) -> Any:
        raw: dict[int, Any] = {
            NUMBER: donation.id,
            DATE: (donation.date, donation.id),
            AMOUNT: donation.amount,
        }
        return raw[column] if column in raw else self.text(donation, column).casefold()

    def warning_icon(self) -> QIcon:
        if self._icon is None:
            from PySide6.QtWidgets import QApplication, QStyle

            self._icon = QApplication.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
            )
        return self._icon

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        donation, column = self.rows[index.row()], index.column()
        waiting = awaits_acknowledgement(donation) and not donation.reversed
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(donation, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (NUMBER, AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(donation, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return _FLAGGED_BACKGROUND if waiting else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if donation.reversed:
                return _REVERSED_TEXT
            if column == STATUS and waiting:
                return _FLAGGED_TEXT
            if column == STATUS and donation.acknowledged_by is not None:
                return _ACKNOWLEDGED_TEXT
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS and waiting:
            return self.warning_icon()
        if role == DONATION_ROLE:
            return donation
        if role == SORT_ROLE:
            return self.sort_key(donation, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By a column (a header's click); -1 is the page's own order, by date."""
        self.layoutAboutToBeChanged.emit()
        before = [d.id for d in self.rows]
        self._sorted = (column, order)
        self._order()
        moved = {donation_id: row for row, donation_id in enumerate(d.id for d in self.rows)}
        old = self.persistentIndexList()
        new = [self.index(moved[before[i.row()]], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
