"""Meetings: the year's meetings and, for the one chosen, who sat and who was present, the
agenda, the resolutions (passed or not, confirmed by whom, used for what) and a vote grid of
member × resolution. A member sees how they voted (their row in bold).

The chair opens meetings, records resolutions and sets council rules; a member present
confirms a resolution with their own password ("Confirm…", whoever is logged in); anyone may
make the minutes, a PDF produced from what was recorded.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.meeting_models import (
    RECORD_ROLE,
    AttendanceModel,
    MeetingsModel,
    ResolutionsModel,
    VoteGridModel,
)
from ruralcouncil.gui.page_parts import action_button, compact_rows, fit_rows, page_title
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger import meetings
from ruralcouncil.ledger.collation import sort_key
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.meetings import Meeting, Resolution
from ruralcouncil.ledger.roles import Role
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Action
from ruralcouncil.reports.council_text import member_names, subject_text


def this_year() -> int:
    """The year the page opens on (tests replace this)."""
    return date.today().year


def show_minutes(path: Path, parent: QWidget, title: str) -> None:
    """The minutes in the program's PDF window (Print, Save a copy); tests replace this."""
    from ruralcouncil.gui.pdf_viewer import qtpdf_available, show_pdf

    # Without the program's own viewer the file is handed on, so it must stay.
    show_pdf(path, parent, title, temporary=qtpdf_available())


def _render(ledger: Ledger, meeting_id: int, folder: Path) -> Path:
    """In a worker: the minutes on a connection of their own."""
    from ruralcouncil.reports.minutes import minutes_file_name, render_minutes_pdf

    reader = ledger.sibling()
    try:
        path = folder / minutes_file_name(reader, meeting_id)
        render_minutes_pdf(reader, meeting_id, path)
    finally:
        reader.close()
    return path


def _table(model: MeetingsModel | AttendanceModel | ResolutionsModel | VoteGridModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    compact_rows(table)
    return table


class MeetingsPage(QWidget):
    # Emitted when the minutes were made: their Path, or the exception that stopped them.
    minutes_made = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("meetingsPage")
        self.names: dict[int, str] = {}
        chair = context.may(Action.CHAIR)

        title = page_title(_("Meetings and resolutions"))
        self.year_box = YearBox()
        self.year_box.setObjectName("meetingsYear")
        self.year_box.currentIndexChanged.connect(lambda _index: self.refresh())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)

        self.open_button = action_button(_("Open a meeting…"), "openMeeting", self.open_meeting)
        self.resolution_button = action_button(
            _("Record a resolution…"), "recordResolution", self.record_resolution
        )
        self.rule_button = action_button(_("Set a council rule…"), "setRule", self.set_rule)
        self.confirm_button = action_button(_("Confirm…"), "confirmResolution", self.confirm)
        self.confirm_button.setToolTip(
            _("A member present confirms the record of the votes with their own password")
        )
        self.minutes_button = action_button(_("Minutes (PDF)…"), "minutes", self.make_minutes)
        actions = QHBoxLayout()
        for button in (self.open_button, self.resolution_button, self.rule_button):
            button.setVisible(chair)
            actions.addWidget(button)
        self.confirm_button.setVisible(context.may(Action.COUNTERSIGN))
        actions.addWidget(self.confirm_button)
        actions.addStretch(1)
        actions.addWidget(self.minutes_button)

        self.meetings_model = MeetingsModel(self)
        self.meetings_table = _table(self.meetings_model)
        self.meetings_table.setObjectName("meetingsTable")
        header = self.meetings_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.meetings_table.selectionModel().selectionChanged.connect(self._meeting_chosen)
        self.meetings_table.setMinimumWidth(300)
        self.meetings_table.setMaximumWidth(380)

        self.heading = QLabel()
        self.heading.setObjectName("meetingHeading")
        self.heading.setWordWrap(True)
        heading_font = self.heading.font()
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.agenda = QLabel()
        self.agenda.setObjectName("meetingAgenda")
        self.agenda.setWordWrap(True)
        self.attendance_model = AttendanceModel(self)
        self.attendance_table = _table(self.attendance_model)
        self.attendance_table.setObjectName("attendanceTable")
        self.attendance_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.attendance_table.horizontalHeader().setStretchLastSection(True)
        self.resolutions_model = ResolutionsModel(self)
        self.resolutions_table = _table(self.resolutions_model)
        self.resolutions_table.setObjectName("resolutionsTable")
        res_header = self.resolutions_table.horizontalHeader()
        res_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The subject takes the room; a long text is cut short (whole in its tooltip), so
        # the table never scrolls sideways.
        res_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        res_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        res_header.resizeSection(2, 16 * self.fontMetrics().averageCharWidth())
        self.resolutions_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.votes_model = VoteGridModel(self)
        self.votes_table = QTableView()
        self.votes_table.setObjectName("voteGrid")
        self.votes_table.setModel(self.votes_model)
        self.votes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        compact_rows(self.votes_table)
        self.votes_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.own_note = QLabel()
        self.own_note.setObjectName("ownVotes")
        self.own_note.setStyleSheet("color: #444;")

        who = QGroupBox(_("Attendance and agenda"))
        who_layout = QGridLayout(who)
        who_layout.addWidget(self.attendance_table, 0, 0)
        agenda_box = QVBoxLayout()
        agenda_box.addWidget(QLabel(_("Agenda:")))
        agenda_box.addWidget(self.agenda)
        agenda_box.addStretch(1)
        who_layout.addLayout(agenda_box, 0, 1)
        who_layout.setColumnStretch(0, 1)
        who_layout.setColumnStretch(1, 1)
        resolutions = QGroupBox(_("Resolutions"))
        QVBoxLayout(resolutions).addWidget(self.resolutions_table)
        grid = QGroupBox(_("How each member voted"))
        grid_layout = QVBoxLayout(grid)
        grid_layout.addWidget(self.votes_table)
        grid_layout.addWidget(self.own_note)

        detail = QVBoxLayout()
        detail.addWidget(self.heading)
        detail.addWidget(who)
        detail.addWidget(resolutions)
        detail.addWidget(grid)
        detail.addStretch(1)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Meetings of the year:")))
        left.addWidget(self.meetings_table, 1)
        columns.addLayout(left)
        columns.addLayout(detail, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addLayout(columns, 1)

        self._fill_years()
        context.changed.connect(self._fill_years)

    # --- the year and its meetings --------------------------------------------------------

    def _fill_years(self) -> None:
        chosen = self.year() or this_year()
        years = {this_year()} | {
            int(m.date[:4]) for m in meetings.meetings(self.context.ledger.conn)
        }
        self.year_box.offer(years, chosen)
        self.refresh()

    def year(self) -> int | None:
        return self.year_box.year()

    def set_year(self, year: int) -> None:
        self.year_box.choose(year)

    def refresh(self) -> None:
        year = self.year()
        if year is None:
            return
        conn = self.context.ledger.conn
        self.names = member_names(self.context.ledger)
        chosen = self.meeting()
        found = meetings.meetings(conn, year)
        self.meetings_model.set_rows(found)
        ids = [m.id for m in found]
        if found:
            row = ids.index(chosen.id) if chosen is not None and chosen.id in ids else len(ids) - 1
            self.meetings_table.selectRow(row)
        self.show_meeting(self.meeting())

    def meeting(self) -> Meeting | None:
        rows = self.meetings_table.selectionModel().selectedRows()
        if not rows:
            return None
        found: Meeting | None = self.meetings_model.data(rows[0], RECORD_ROLE)
        return found

    def select_meeting(self, meeting_id: int) -> None:
        for row, m in enumerate(self.meetings_model.rows):
            if m.id == meeting_id:
                self.meetings_table.selectRow(row)

    def _meeting_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.show_meeting(self.meeting())

    def resolutions(self) -> list[Resolution]:
        """The chosen meeting's resolutions."""
        return list(self.resolutions_model.rows)

    def show_meeting(self, meeting: Meeting | None) -> None:
        conn = self.context.ledger.conn
        self.resolution_button.setEnabled(meeting is not None)
        self.minutes_button.setEnabled(meeting is not None)
        if meeting is None:
            self.heading.setText(_("No meetings in this year."))
            self.agenda.clear()
            self.attendance_model.set_rows([])
            self.resolutions_model.set_resolutions([], self.names, {})
            self.votes_model.set_grid([], [])
            self.own_note.clear()
            self.confirm_button.setEnabled(False)
            return
        name = self.names.get
        heading = (
            _("Meeting of {day}: chaired by {chair}; secretary {secretary}.")
            if meeting.secretary_id
            else _("Meeting of {day}: chaired by {chair}; no secretary was named.")
        )
        self.heading.setText(
            heading.format(
                day=shown_date(meeting.date),
                chair=name(meeting.chair_id, "?"),
                secretary=name(meeting.secretary_id, "?") if meeting.secretary_id else "",
            )
        )
        self.agenda.setText(meeting.agenda or _("(no agenda was recorded)"))
        sitting = sorted(
            set(meeting.sitting) | set(meeting.present), key=lambda i: sort_key(name(i, ""))
        )
        notes = {meeting.chair_id: _("chair"), meeting.secretary_id: _("secretary")}
        self.attendance_model.set_rows(
            [(name(i, str(i)), i in meeting.present, notes.get(i, "")) for i in sitting]
        )
        found = [
            r
            for r in meetings.resolutions(conn, int(meeting.date[:4]))
            if r.meeting_id == meeting.id
        ]
        self.resolutions_model.set_resolutions(
            found, self.names, {r.id: subject_text(conn, r.subject) for r in found}
        )
        user = self.context.user
        own = user.id if user.id in sitting else None
        self.votes_model.set_grid([(i, name(i, str(i))) for i in sitting], found, own)
        if own is not None and user.role in (Role.MEMBER, Role.CHAIR):
            self.own_note.setText(_("Your own votes are in bold."))
        else:
            self.own_note.clear()
        self.confirm_button.setEnabled(any(r.confirmed_by is None for r in found))
        # The logged-in member's row is bold: its name must fit in bold too.
        bold = self.votes_table.verticalHeader().font()
        bold.setBold(True)
        widest = max(
            (QFontMetrics(bold).horizontalAdvance(n) for _i, n in self.votes_model.members),
            default=0,
        )
        self.votes_table.verticalHeader().setMinimumWidth(widest + 16)
        for table in (self.attendance_table, self.resolutions_table, self.votes_table):
            fit_rows(table, 1)

    # --- the chair's and the members' actions ---------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == int(QDialog.DialogCode.Accepted.value)
        finally:
            dialog.deleteLater()

    def open_meeting(self) -> None:
        from ruralcouncil.gui.meeting_dialogs import OpenMeetingDialog

        dialog = OpenMeetingDialog(self.context, self)
        meeting_id = dialog.meeting_id if self._run(dialog) else None
        if meeting_id is not None:
            self.set_year(int(meetings.get_meeting(self.context.ledger.conn, meeting_id).date[:4]))
            self.select_meeting(meeting_id)

    def record_resolution(self) -> None:
        from ruralcouncil.gui.meeting_dialogs import ResolutionDialog

        meeting = self.meeting()
        if meeting is not None:
            self._run(ResolutionDialog(self.context, meeting.id, self))

    def set_rule(self) -> None:
        from ruralcouncil.gui.meeting_dialogs import RuleDialog

        self._run(RuleDialog(self.context, self))

    def confirm(self) -> None:
        from ruralcouncil.gui.meeting_dialogs import ConfirmDialog

        rows = self.resolutions_table.selectionModel().selectedRows()
        chosen = self.resolutions_model.rows[rows[0].row()].ref if rows else None
        self._run(ConfirmDialog(self.context, self.resolutions(), chosen, self))

    def make_minutes(self) -> None:
        """The chosen meeting's minutes, written in a worker, then shown."""
        meeting = self.meeting()
        if meeting is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-"))
        ledger, day = self.context.ledger, meeting.date
        self.minutes_button.setEnabled(False)

        def done(path: Path) -> None:
            if shiboken6.isValid(self):
                self.minutes_button.setEnabled(True)
                show_minutes(path, self, _("Minutes of {day}").format(day=shown_date(day)))
                self.minutes_made.emit(path)

        def failed(error: Exception) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            if shiboken6.isValid(self):
                self.minutes_button.setEnabled(True)
                messages.show_error(self, error, _("The minutes could not be made"))
                self.minutes_made.emit(error)

        worker.start(lambda _progress: _render(ledger, meeting.id, folder), done, failed)
