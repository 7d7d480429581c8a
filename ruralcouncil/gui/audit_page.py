"""The audit log: who did what, and when. Read-only, for everyone who may read the ledger.

Rows come from ``audit.page`` a page at a time, newest first, and only as the table is
scrolled (``canFetchMore``/``fetchMore``): a log of a million events opens as fast as one of
ten. The filters (who, what, which days) are applied by the core in SQL; Export writes the
filtered log to a CSV file in a worker, with a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.gui.save_dialog import choose_save_path
from ruralcouncil.i18n import N_, _, format_datetime
from ruralcouncil.ledger import audit
from ruralcouncil.ledger.audit import AuditEvent, AuditFilter
from ruralcouncil.ledger.errors import LedgerError

PAGE_SIZE = 200
WHEN, WHO, WHAT, DETAIL = range(4)
COLUMN_TITLES = {
    WHEN: N_("When"),
    WHO: N_("Who"),
    WHAT: N_("What"),
    DETAIL: N_("Details"),
}
EVENT_ROLE = Qt.ItemDataRole.UserRole
_ROOT = QModelIndex()  # the table's invisible root, every default parent
_FAILED_COLOUR = QColor(176, 0, 32)
_LAST_EXPORT_FOLDER = "audit/last_folder"
_OK_STYLE = "color: #1b5e20;"
_ERROR_STYLE = "color: #b71c1c; font-weight: bold;"
_CELL_PADDING = 14
# A moment written as wide as any (two-digit day, month and hour); names and meanings wider
# than these many characters are elided (the tooltip and the Details column say them whole).
_WIDEST_MOMENT = "2028-12-28T23:58:58+05:00"
_WHO_CHARACTERS = 20
_WHAT_CHARACTERS = 32
# The search for every user and kind of event the log holds starts after the table is
# painted, or after this long when it is not (the page not in sight).
_CHOICES_DELAY_MS = 200


def when_text(at: str) -> str:
    """A stored moment (ISO, with its offset) in this PC's local time, in the user's format
    (the one every page uses); the stored text itself is in the cell's tooltip."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    return format_datetime(moment)


def who_text(user: str) -> str:
    return _("(unknown name)") if user == audit.UNKNOWN_USER else user


class AuditModel(QAbstractTableModel):
    """The filtered log, newest first, fetched a page at a time as the view scrolls."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.filter = AuditFilter()
        self.rows: list[AuditEvent] = []
        self._more = True
        self.fetch_count = 0  # pages read since the last reset (tests count them)

    def set_filter(self, flt: AuditFilter) -> None:
        self.filter = flt.check()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._more = True
        self.fetch_count = 0
        self.endResetModel()
        self.fetchMore(QModelIndex())

    # --- paging -------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if parent.isValid() or not self._more:
            return
        last = self.rows[-1] if self.rows else None
        found = audit.page(self.context.ledger.conn, self.filter, PAGE_SIZE, last)
        self.fetch_count += 1
        self._more = len(found) == PAGE_SIZE
        if found:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(found) - 1)
            self.rows += found
            self.endInsertRows()

    # --- the table ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMN_TITLES[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        event = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WHEN:
                return when_text(event.at)
            if column == WHO:
                return who_text(event.user)
            if column == WHAT:
                return audit.describe(event.event)
            return audit.describe_detail(event)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHEN:
                return event.at
            if column == WHAT:
                return event.event
            if column == DETAIL and event.detail:
                return event.detail
            return None
        if role == Qt.ItemDataRole.ForegroundRole and event.event == "login.failed":
            return _FAILED_COLOUR
        if role == EVENT_ROLE:
            return event
        return None


def _date_filter(label: str, name: str) -> tuple[QCheckBox, DateField]:
    # The same field as the entry dialogs': a date typed whole is the date meant.
    check = QCheckBox(label)
    check.setObjectName(f"{name}Enabled")
    edit = DateField(date.today())
    edit.setObjectName(name)
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


class AuditPage(QWidget):
    # Emitted when an export ends: the number of events written, or the exception.
    export_finished = Signal(object)
    # The filters offer every user and kind of event the whole log holds (found in a worker).
    choices_found = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("auditPage")
        self._exporting = False
        self._choices_asked = 0
        self._choices: tuple[list[str], list[str]] = ([], [])
        self._choices_waiting: Callable[[], None] | None = None  # the search to start

        title = QLabel(_("Audit log: who did what, and when"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        intro = QLabel(
            _(
                "Every login, failed login and change is listed here, newest first. Nothing "
                "here can be edited: the log is part of the ledger's signed chain."
            )
        )
        intro.setWordWrap(True)

        self.user_choice = QComboBox()
        self.user_choice.setObjectName("userFilter")
        self.event_choice = QComboBox()
        self.event_choice.setObjectName("eventFilter")
        self.since_check, self.since = _date_filter(_("From"), "since")
        self.until_check, self.until = _date_filter(_("to"), "until")
        self.apply_button = QPushButton(_("Show"))
        self.apply_button.setObjectName("applyFilter")
        self.apply_button.clicked.connect(self.apply_filter)
        self.clear_button = QPushButton(_("Show all"))
        self.clear_button.setObjectName("clearFilter")
        self.clear_button.clicked.connect(self.clear_filter)
        self.export_button = QPushButton(_("Export to CSV…"))
        self.export_button.setObjectName("exportCsv")
        self.export_button.clicked.connect(self.choose_export_file)

        # Two short rows rather than one long one: a small screen, and Kazakh runs long.
        who_what = QHBoxLayout()
        who_what.addWidget(QLabel(_("Who:")))
        who_what.addWidget(self.user_choice)
        who_what.addWidget(QLabel(_("What:")))
        who_what.addWidget(self.event_choice, 1)
        days = QHBoxLayout()
        days.addWidget(self.since_check)
        days.addWidget(self.since)
        days.addWidget(self.until_check)
        days.addWidget(self.until)
        days.addStretch(1)
        days.addWidget(self.apply_button)
        days.addWidget(self.clear_button)
        filters = QVBoxLayout()
        filters.addLayout(who_what)
        filters.addLayout(days)

        self.model = AuditModel(context, self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        # Widths from font metrics (a sample moment, the users' names, the titles), never
        # from the rows: sizing to the contents would have Qt read and format every one.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.error = error_label()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.table.viewport().installEventFilter(self)
        self._fill_choices()
        self.model.reload()
        context.changed.connect(self.refresh)

    def _fill_choices(self) -> None:
        """The ledger's users and the known kinds of event at once; the names only the whole
        log holds (a version-1 log's users, kinds a newer program wrote) from a worker, as
        finding them reads every event."""
        conn = self.context.ledger.conn
        self._set_choices(audit.user_names(conn, logged=False), audit.event_kinds(conn, False))
        self._choices_asked += 1
        asked, ledger = self._choices_asked, self.context.ledger

        def run(_progress: Any) -> tuple[list[str], list[str]]:
            own = ledger.sibling(write=False)
            try:
                return audit.user_names(own.conn), audit.event_kinds(own.conn)
            finally:
                own.close()

        def done(found: tuple[list[str], list[str]]) -> None:
            if shiboken6.isValid(self) and asked == self._choices_asked:
                self._set_choices(*found)
                self.choices_found.emit()

        def failed(_error: Exception) -> None:  # the known ones stay offered
            if shiboken6.isValid(self) and asked == self._choices_asked:
                self.choices_found.emit()

        def start() -> None:
            if self._choices_waiting is start:  # not started, nor asked again since
                self._choices_waiting = None
                worker.start(run, done, failed)

        # Once the rows are on screen (the table's paint starts it, or else the timer): at a
        # million events the search would compete with the painting.
        self._choices_waiting = start
        QTimer.singleShot(_CHOICES_DELAY_MS, self, start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and watched is self.table.viewport()
            and self._choices_waiting is not None
        ):
            QTimer.singleShot(0, self, self._choices_waiting)  # after this paint
        return super().eventFilter(watched, event)

    def _set_choices(self, names: list[str], kinds: list[str]) -> None:
        if (names, kinds) == self._choices:
            return
        self._choices = (names, kinds)
        chosen_user, chosen_event = self.user_choice.currentData(), self.event_choice.currentData()
        self.user_choice.clear()
        self.user_choice.addItem(_("Everyone"), "")
        for name in names:
            self.user_choice.addItem(name, name)
        self.user_choice.addItem(who_text(audit.UNKNOWN_USER), audit.UNKNOWN_USER)
        self.event_choice.clear()
        self.event_choice.addItem(_("Everything"), "")
        for kind in sorted(kinds, key=lambda k: audit.describe(k).casefold()):
            self.event_choice.addItem(audit.describe(kind), kind)
        for combo, value in ((self.user_choice, chosen_user), (self.event_choice, chosen_event)):
            index = combo.findData(value) if value is not None else 0
            combo.setCurrentIndex(max(index, 0))
        self._size_columns()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        titles = self.table.horizontalHeader().fontMetrics()
        char = metrics.averageCharWidth()

        def width(column: int, *texts: str, most: int) -> int:
            wanted = max(metrics.horizontalAdvance(t) for t in texts) + _CELL_PADDING
            title = titles.horizontalAdvance(_(COLUMN_TITLES[column])) + _CELL_PADDING
            return max(title, min(wanted, most * char))

        names = [who_text(audit.UNKNOWN_USER), *self._choices[0]]
        kinds = [audit.describe(k) for k in self._choices[1]] or [""]
        header = self.table.horizontalHeader()
        header.resizeSection(WHEN, width(WHEN, when_text(_WIDEST_MOMENT), most=40))
        header.resizeSection(WHO, width(WHO, *names, most=_WHO_CHARACTERS))
        header.resizeSection(WHAT, width(WHAT, *kinds, most=_WHAT_CHARACTERS))

    # --- filtering ----------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        def day(check: QCheckBox, edit: DateField) -> date | None:
            return edit.day() if check.isChecked() else None  # refuses a date not typed whole

        return AuditFilter(
            user=str(self.user_choice.currentData() or ""),
            event=str(self.event_choice.currentData() or ""),
            since=day(self.since_check, self.since),
            until=day(self.until_check, self.until),
        )

    def apply_filter(self) -> bool:
        try:
            self.model.set_filter(self.current_filter())
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            return False
        show_problem(self.error, "")
        self.table.scrollToTop()
        return True

    def clear_filter(self) -> None:
        self.user_choice.setCurrentIndex(0)
        self.event_choice.setCurrentIndex(0)
        self.since_check.setChecked(False)
        self.until_check.setChecked(False)
        self.apply_filter()

    def refresh(self) -> None:
        """After a change anywhere: new events (and users) at the top."""
        if self.context.busy:
            return
        self._fill_choices()
        self.model.reload()

    # --- export -------------------------------------------------------------------------

    def choose_export_file(self) -> None:
        path = choose_save_path(
            self,
            _("Export the audit log"),
            _LAST_EXPORT_FOLDER,
            f"audit-log-{date.today().isoformat()}.csv",
            _("CSV files (*.csv)"),
            ".csv",
        )
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path | str) -> None:
        """Write the events the filters show to ``path`` in a worker (``export_finished``)."""
        if self._exporting:
            return
        try:
            flt = self.current_filter().check()
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            self.export_finished.emit(exc)
            return
        path, ledger = Path(path), self.context.ledger

        def run(progress: Any) -> int:
            own = ledger.sibling(write=False)
            try:
                return audit.export_csv(own.conn, path, flt, progress)
            finally:
                own.close()

        def done(count: int) -> None:
            if shiboken6.isValid(self):
                self._export_done(path, count)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self):
                self._export_failed(path, error)

        def progress(done_rows: int, total: int) -> None:
            if shiboken6.isValid(self) and total > 0:
                self.progress.setRange(0, total)
                self.progress.setValue(min(done_rows, total))

        self._set_exporting(True)
        self.status.setStyleSheet("")
        self.status.setText(_("Writing {path}…").format(path=path))
        worker.start(run, done, failed, progress)

    def _set_exporting(self, exporting: bool) -> None:
        self._exporting = exporting
        self.export_button.setEnabled(not exporting)
        self.progress.setVisible(exporting)
        self.progress.setRange(0, 0)

    def _export_done(self, path: Path, count: int) -> None:
        self._set_exporting(False)
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(
            _("The audit log was written to {path}. Events in it: {n}.").format(n=count, path=path)
        )
        self.export_finished.emit(count)

    def _export_failed(self, path: Path, error: Exception) -> None:
        self._set_exporting(False)
        self.status.setStyleSheet(_ERROR_STYLE)
        if isinstance(error, OSError):
            self.status.setText(
                _("The audit log could not be written to {path}: {error}").format(
                    path=path, error=error.strerror or error
                )
            )
        else:
            self.status.setText(messages.error_text(error))
        self.export_finished.emit(error)
