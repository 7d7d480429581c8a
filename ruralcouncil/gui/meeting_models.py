"""The meetings page's tables: the year's meetings, a meeting's attendance, its resolutions,
and the vote grid (member × resolution). They hold what the core read and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ruralcouncil.gui.rows_model import RowsModel
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.meetings import Meeting, Resolution, Vote
from ruralcouncil.reports.council_text import use_text, vote_text

_ROOT = QModelIndex()
_Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
RECORD_ROLE = Qt.ItemDataRole.UserRole
VOTE_COLOURS = {
    Vote.FOR: QColor(200, 230, 201),
    Vote.AGAINST: QColor(255, 205, 210),
    Vote.ABSTAIN: QColor(236, 239, 241),
    Vote.RECUSED: QColor(255, 224, 178),
    Vote.ABSENT: QColor(250, 250, 250),
}
_GREY = QColor(117, 117, 117)
_NOT_PASSED = QColor(183, 28, 28)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter.value)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class _Table(RowsModel):
    """Rows of records; the record itself under RECORD_ROLE."""

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if role == RECORD_ROLE:
            return self.rows[index.row()]
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: Any, column: int, role: int) -> Any:
        raise NotImplementedError


class MeetingsModel(_Table):
    titles = (N_("Date"), N_("Present"), N_("Agenda"))

    def cell(self, meeting: Meeting, column: int, role: int) -> Any:
        agenda_line = meeting.agenda.strip().splitlines()[0] if meeting.agenda.strip() else ""
        if role == DISPLAY:
            if column == 0:
                return shown_date(meeting.date)
            if column == 1:
                return _("{present} of {sitting}").format(
                    present=len(meeting.present), sitting=len(meeting.sitting)
                )
            return agenda_line
        if role == TOOLTIP and column == 2 and meeting.agenda:
            return meeting.agenda
        return None


class AttendanceModel(_Table):
    """(member name, present) of everyone sitting at the meeting."""

    titles = (N_("Member"), N_("Attendance"))

    def cell(self, row: tuple[str, bool, str], column: int, role: int) -> Any:
        name, present, note = row
        if role == DISPLAY:
            if column == 0:
                return f"{name} ({note})" if note else name
            return _("Present") if present else _("Absent")
        if role == Qt.ItemDataRole.ForegroundRole and not present:
            return _GREY
        return None


class ResolutionsModel(_Table):
    titles = (N_("Number"), N_("Subject"), N_("Text"), N_("Passed"), N_("Confirmed by"), N_("Used"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: dict[int, str] = {}
        self.subjects: dict[int, str] = {}

    def set_resolutions(
        self, rows: Sequence[Resolution], names: dict[int, str], subjects: dict[int, str]
    ) -> None:
        self.names, self.subjects = names, subjects
        self.set_rows(rows)

    def cell(self, r: Resolution, column: int, role: int) -> Any:
        if role == DISPLAY:
            if column == 0:
                return r.ref
            if column == 1:
                return self.subjects.get(r.id, r.subject)
            if column == 2:
                return " ".join(r.text.split())
            if column == 3:
                return _("Passed") if r.passed else _("Not passed")
            if column == 4:
                if r.confirmed_by is None:
                    return _("Not confirmed yet") if r.passed else "—"
                return self.names.get(r.confirmed_by, str(r.confirmed_by))
            return use_text(r) or "—"
        if role == TOOLTIP:
            subject = f"{self.subjects.get(r.id, r.subject)}\n({r.subject})"
            return {1: subject, 2: r.text}.get(column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and not r.passed:
            return _NOT_PASSED
        if role == Qt.ItemDataRole.ForegroundRole and column == 4 and r.confirmed_by is None:
            return _GREY
        return None


class VoteGridModel(QAbstractTableModel):
    """A row per member who sat, a column per resolution: how each voted. The logged-in
    member's own row is bold ("how I voted")."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.members: list[tuple[int, str]] = []
        self.resolutions: list[Resolution] = []
        self.own_id: int | None = None

    def set_grid(
        self,
        members: Sequence[tuple[int, str]],
        resolutions: Sequence[Resolution],
        own_id: int | None = None,
    ) -> None:
        self.beginResetModel()
        self.members, self.resolutions, self.own_id = list(members), list(resolutions), own_id
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.resolutions)

    def vote(self, row: int, column: int) -> Vote | None:
        return self.resolutions[column].votes.get(self.members[row][0])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self.resolutions):
                return None
            r = self.resolutions[section]
            if role == DISPLAY:
                return r.ref
            if role == TOOLTIP:
                return _("Passed") if r.passed else _("Not passed")
            return None
        if section >= len(self.members):
            return None
        user_id, name = self.members[section]
        if role == DISPLAY:
            return name
        if role == Qt.ItemDataRole.FontRole and user_id == self.own_id:
            return _bold()
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.members):
            return None
        vote = self.vote(index.row(), index.column())
        if role == DISPLAY:
            return vote_text(vote) if vote is not None else "—"
        if role == Qt.ItemDataRole.BackgroundRole and vote is not None:
            return VOTE_COLOURS[vote]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        if role == Qt.ItemDataRole.FontRole and self.members[index.row()][0] == self.own_id:
            return _bold()
        if role == RECORD_ROLE:
            return vote
        return None
