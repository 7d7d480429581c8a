"""The table of spending requests: one row a request, in names (party, program, fund), with
what each waits for.

Rows come from ``spending.requests`` for the chosen year and are narrowed to the chosen
state here; what a waiting request waits for is read from the core too (the chair's limit,
what the chair approved alone to the party, the resolutions ready for it, declared
interests), so the chair sees first what they can decide, and the clerk what waits on the
council.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ruralcouncil.gui.columns import column_title
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import names_by_code
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import meetings, spending, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.roles import Role
from ruralcouncil.ledger.spending import STATE_NAMES, Request, State


class Show(StrEnum):
    """The page's filter: a few states people ask about, not the core's six."""

    WAITING = "waiting"
    APPROVED = "approved"
    PAID = "paid"
    ENDED = "ended"
    ALL = "all"


SHOW_NAMES = {
    Show.WAITING: N_("Waiting for a decision"),
    Show.APPROVED: N_("Approved, to be paid"),
    Show.PAID: N_("Paid"),
    Show.ENDED: N_("Rejected, withdrawn or cancelled"),
    Show.ALL: N_("All requests"),
}
SHOWN_STATES = {
    Show.WAITING: {State.DRAFT},
    Show.APPROVED: {State.APPROVED},
    Show.PAID: {State.PAID},
    Show.ENDED: {State.REJECTED, State.WITHDRAWN, State.CANCELLED},
    Show.ALL: set(State),
}


class Waits(StrEnum):
    CHAIR = "chair"
    MEETING = "meeting"
    PAYMENT = "payment"
    NOTHING = ""


WAITS_NAMES = {
    Waits.CHAIR: N_("the chair"),
    Waits.MEETING: N_("a council meeting"),
    Waits.PAYMENT: N_("payment"),
    Waits.NOTHING: "",
}

NUMBER, DATE, PARTY, PROGRAM, FUND, AMOUNT, PAID, STATE, WAITS = range(9)
COLUMN_TITLES = {
    NUMBER: N_("№"),
    DATE: N_("Date"),
    PARTY: N_("Paid to"),
    PROGRAM: N_("Expenditure program"),
    FUND: N_("Fund"),
    AMOUNT: N_("Amount"),
    PAID: N_("Paid"),
    STATE: N_("State"),
    WAITS: N_("Waits for"),
}
REQUEST_ROLE = Qt.ItemDataRole.UserRole  # the Request itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a raw, comparable value for the column
_ROOT = QModelIndex()
_ENDED_COLOUR = QColor(110, 110, 110)
_CHAIR_COLOUR = QColor(21, 101, 192)


@dataclass(frozen=True)
class Row:
    request: Request
    waits: Waits
    ready: str  # the resolution that can approve it, if one is ready


@dataclass(frozen=True)
class Counts:
    chair: int
    meeting: int
    payment: int


class Waiting:
    """What the council must still do about each request, read from the core once."""

    def __init__(self, context: AppContext) -> None:
        conn = context.ledger.conn
        self.conn = conn
        self.today = date.today()
        self.chairs = {
            user.id
            for user, active in users.list_users(context.ledger)
            if active and user.role == Role.CHAIR
        }
        self.ready: dict[str, str] = {}
        for resolution in meetings.resolutions(conn):
            if resolution.in_effect and resolution.used_for is None:
                self.ready.setdefault(resolution.subject, resolution.ref)

    def row(self, request: Request) -> Row:
        ready = self.ready.get(f"request:{request.id}", "")
        if request.state == State.APPROVED:
            return Row(request, Waits.PAYMENT, "")
        if request.state != State.DRAFT:
            return Row(request, Waits.NOTHING, "")
        if ready:
            return Row(request, Waits.CHAIR, ready)
        # The core's own test of an approval by the chair alone, for any sitting chair.
        chairs = self.chairs or {0}
        if all(
            spending.alone_refusal(self.conn, request, chair, "", self.today) is not None
            for chair in chairs
        ):
            return Row(request, Waits.MEETING, "")
        return Row(request, Waits.CHAIR, "")


def waits_text(row: Row) -> str:
    if row.ready:
        return _("the chair (resolution {ref})").format(ref=row.ready)
    return _(WAITS_NAMES[row.waits]) if row.waits else ""


class RequestsModel(QAbstractTableModel):
    """The requests of a year (or all years) in one state; the chair's first."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.show = Show.WAITING
        self.year: int | None = None
        self.all_rows: list[Row] = []  # the year's, whatever their state
        self.rows: list[Row] = []
        self.names: dict[str, str] = {}
        self.chair_first = context.user.role == Role.CHAIR

    def set_filter(self, show: Show, year: int | None) -> None:
        self.show, self.year = show, year
        self.reload()

    def reload(self) -> None:
        conn = self.context.ledger.conn
        self.beginResetModel()
        self.names = names_by_code(self.context.ledger)
        waiting = Waiting(self.context)
        self.all_rows = [waiting.row(r) for r in spending.requests(conn, year=self.year)]
        wanted = SHOWN_STATES[self.show]
        self.rows = [r for r in self.all_rows if r.request.state in wanted]
        self._order()
        self.endResetModel()

    def _order(self) -> None:
        # The chair sees first what waits for them; everyone sees the oldest first.
        if self.chair_first:
            self.rows.sort(key=lambda r: (r.waits != Waits.CHAIR, r.request.id))
        else:
            self.rows.sort(key=lambda r: r.request.id)

    def counts(self) -> Counts:
        waits = [r.waits for r in self.all_rows]
        return Counts(
            waits.count(Waits.CHAIR), waits.count(Waits.MEETING), waits.count(Waits.PAYMENT)
        )

    def request_at(self, row: int) -> Request | None:
        return self.rows[row].request if 0 <= row < len(self.rows) else None

    def row_of(self, request_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.request.id == request_id), -1)

    # --- the table ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(COLUMN_TITLES, section, orientation, role)

    def text(self, row: Row, column: int) -> str:
        request = row.request
        if column == NUMBER:
            return str(request.id)
        if column == DATE:
            return shown_date(request.date)
        if column == PARTY:
            return request.party
        if column == PROGRAM:
            return self.names.get(request.category, request.category)
        if column == FUND:
            return self.names.get(request.fund, request.fund)
        if column == AMOUNT:
            return format_amount(request.amount)
        if column == PAID:
            return format_amount(request.paid) if request.paid else ""
        if column == STATE:
            return _(STATE_NAMES[request.state])
        return waits_text(row)

    def sort_key(self, row: Row, column: int) -> Any:
        request = row.request
        raw = {
            NUMBER: request.id,
            DATE: request.date,
            AMOUNT: request.amount,
            PAID: request.paid,
        }
        return raw[column] if column in raw else self.text(row, column).casefold()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (NUMBER, AMOUNT, PAID):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (PROGRAM, FUND):
                return row.request.category if column == PROGRAM else row.request.fund
            if column in (PARTY, WAITS):
                return row.request.purpose
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.request.state in SHOWN_STATES[Show.ENDED]:
                return _ENDED_COLOUR
            if column == WAITS and row.waits == Waits.CHAIR:
                return _CHAIR_COLOUR
            return None
        if role == REQUEST_ROLE:
            return row.request
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By a column (a header's click); -1 is the page's own order."""
        self.layoutAboutToBeChanged.emit()
        before = [r.request.id for r in self.rows]
        if 0 <= column < len(COLUMN_TITLES):
            self.rows.sort(
                key=lambda r: self.sort_key(r, column),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        else:
            self._order()
        moved = {request_id: row for row, request_id in enumerate(r.request.id for r in self.rows)}
        old = self.persistentIndexList()
        new = [self.index(moved[before[i.row()]], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
