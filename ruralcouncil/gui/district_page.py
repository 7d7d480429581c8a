"""The district's view in the window (issue 13): a district store chosen, its villages' figures
for a year, what needs attention, and one village's boxes. Read-only.

The store is a DuckDB file made by ``ruralcouncil consolidate``. DuckDB is an optional extra
that the village program never loads: this page imports nothing of it until a store is
chosen, and says how to install it when it is missing.

A reading runs in a worker (a country's store takes seconds): the store is opened read-only,
read and closed again inside it, as another copy of the program may be consolidating into
it, and only plain Python data (``Reading``) comes back to the window's thread. One reading
runs at a time; a request made meanwhile (another year, another store, another staleness
limit) is kept as the newest, and the running one's result is dropped when it ends. The page
shows what it showed until the newest reading is ready, and a refused one changes nothing.
"""

from __future__ import annotations

import importlib.util
import traceback
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.district_models import (
    AMOUNT,
    ANCHOR,
    BOX7,
    CONCERN,
    DATE,
    DETAIL,
    ENTRY,
    ITEM,
    PAYMENTS,
    RECEIPTS,
    SUM,
    VILLAGE,
    WHERE,
    AttentionFilter,
    AttentionModel,
    VillageFiguresModel,
    VillagesModel,
    paid,
    received,
    short_anchor,
)
from ruralcouncil.gui.page_parts import page_title, select_row
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger.dates import shown_date, shown_time
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount

if TYPE_CHECKING:
    from ruralcouncil.district.attention import Attention
    from ruralcouncil.district.figures import DistrictSummary, VillageFigures

# The store last chosen (its full path) and the staleness limit, kept with the folders other
# pages remember.
LAST_STORE = "district/last_store"
STALE_DAYS = "district/stale_days"
DEFAULT_STALE_DAYS = 60  # as `district attention --days`
MOST_STALE_DAYS = 999  # as `--days`: the district report's code holds three digits
INSTALL = 'pip install "ruralcouncil[district]"'  # as ruralcouncil.district.engine says it
YEARS_OFFERED = 10
_NOTE_STYLE = "color: #b71c1c;"
# The widest amounts the columns are sized for: a village's year, its entry numbers.
_SAMPLE_AMOUNT = -999_999_999_99
_SAMPLE_ENTRY = 99_999


@dataclass(frozen=True)
class Reading:
    """What one reading of the store gave: plain data, no DuckDB object."""

    path: Path
    summary: DistrictSummary
    attention: list[Attention]
    state: int  # the store's state (its latest load) when read
    stale_days: int
    read_at: datetime  # UTC


@dataclass(frozen=True)
class _Refusal:
    """A reading that failed, as the worker says it (its words, never the exception, whose
    traceback would carry the worker's DuckDB objects to the window's thread)."""

    text: str
    details: str | None = None  # an unexpected error's traceback
    missing: bool = False  # DuckDB is not installed


@dataclass(frozen=True, eq=False)  # each request is its own, even when it repeats one
class _Request:
    path: Path
    year: int
    stale_days: int
    today: date
    quiet: bool  # the remembered store, opened unasked: a refusal is said on the page


def read_store(
    path: Path, year: int, stale_days: int = DEFAULT_STALE_DAYS, today: date | None = None
) -> Reading:
    """The year's figures and attention list and the store's state, the store opened
    read-only and closed again (in a worker: nothing of it leaves this function)."""
    # Here, not at import: these reach DuckDB, which only a chosen store may load.
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.figures import current_state, district_summary
    from ruralcouncil.district.store import open_store

    store = open_store(path, write=False)
    try:
        # Both read as at one state: a consolidation running beside cannot mix two.
        state = current_state(store)
        summary = district_summary(store, year, state)
        attention = attention_list(store, year, stale_days=stale_days, today=today, state=state)
    finally:
        store.close()
    return Reading(path, summary, attention, state, stale_days, datetime.now(UTC))


def _read(request: _Request) -> Reading | _Refusal:
    """In the worker: the reading, or why there is none."""
    from ruralcouncil.district import engine

    try:
        return read_store(request.path, request.year, request.stale_days, request.today)
    except engine.EngineMissing:
        return _Refusal("", missing=True)
    except LedgerError as exc:  # not a store, a newer one, busy: its own words
        return _Refusal(str(exc))
    except Exception as exc:  # a store damaged past its header
        return _Refusal(messages.error_text(exc), traceback.format_exc())


def reading_day() -> date:
    """The day staleness is counted to (tests move it)."""
    return date.today()


def duckdb_installed() -> bool:
    """Whether DuckDB could be imported (found without importing it)."""
    return importlib.util.find_spec("duckdb") is not None


def remembered_days() -> int:
    """The staleness limit chosen last time (the default at first, or when unreadable)."""
    text = str(folder_settings().value(STALE_DAYS, DEFAULT_STALE_DAYS))
    days = int(text) if text.isdecimal() else DEFAULT_STALE_DAYS
    return min(max(days, 1), MOST_STALE_DAYS)


def _table(name: str, accessible: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setTabKeyNavigation(False)  # Tab goes on to the next control, not the next cell
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setStretchLastSection(False)
    return table


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class DistrictPage(QWidget):
    # Emitted when a reading asked for ends: the Reading shown, or None when it was refused.
    # A reading overtaken by a newer request emits nothing.
    read = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("districtPage")
        self.reading: Reading | None = None  # what the page shows
        self.shown_village: VillageFigures | None = None  # whose figures are on the right
        self._running: _Request | None = None  # in the worker
        self._wanted: _Request | None = None  # the newest asked for, not shown yet
        self._attention_sized = False

        title = page_title(_("District: the villages' figures"))
        intro = QLabel(
            _(
                "Choose a district store made by ruralcouncil consolidate. Its villages' "
                "figures and what needs attention are shown for the year chosen. Nothing "
                "here can be changed."
            )
        )
        intro.setWordWrap(True)

        self.choose_button = QPushButton(_("&Choose district store…"))
        self.choose_button.setObjectName("chooseStore")
        self.choose_button.clicked.connect(self.choose_store)
        self.refresh_button = QPushButton(_("&Refresh"))
        self.refresh_button.setObjectName("refreshStore")
        self.refresh_button.setToolTip(
            _("Read the store again (F5): another PC may have consolidated more into it.")
        )
        self.refresh_button.setEnabled(False)
        self.refresh_button.clicked.connect(self.refresh)
        refresh = QAction(self)  # F5 while the page is on screen
        refresh.setShortcuts([QKeySequence("F5")])
        refresh.triggered.connect(lambda _checked=False: self.refresh())
        self.addAction(refresh)

        self.store_label = QLabel(_("No district store chosen."))
        self.store_label.setObjectName("storePath")
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.store_label.setMinimumWidth(1)  # a long path is cut, never widens the page
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("districtBusy")
        self.busy_bar.setRange(0, 0)  # busy: a reading has no steps to count
        self.busy_bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * 14)
        self.busy_bar.setAccessibleName(_("Reading the district store"))
        self.busy_label = QLabel(_("Reading…"))
        self.busy = QWidget()
        busy_layout = QHBoxLayout(self.busy)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        busy_layout.addWidget(self.busy_bar)
        busy_layout.addWidget(self.busy_label)
        self.busy.hide()

        self.year_box = YearBox()
        self.year_box.setObjectName("districtYear")
        this_year = date.today().year
        # The last full year first: a district looks at returns already made.
        self.year_box.offer(range(this_year - YEARS_OFFERED + 1, this_year + 1), this_year - 1)
        self.year_box.currentIndexChanged.connect(self._year_changed)
        year_label = QLabel(_("&Year:"))
        year_label.setBuddy(self.year_box)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.refresh_button)
        top.addWidget(self.store_label, 1)
        top.addWidget(self.busy)
        top.addWidget(year_label)
        top.addWidget(self.year_box)

        # Shown when DuckDB is missing: how to install it (found without importing it).
        self.note = QLabel()
        self.note.setObjectName("districtNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(_NOTE_STYLE)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()

        self.villages = VillagesModel(self)
        self.villages_table = _table("villagesTable", _("Villages"))
        self.villages_table.setModel(self.villages)
        self.villages_table.selectionModel().selectionChanged.connect(self._village_chosen)
        villages_title = _bold(QLabel(_("&Villages")))
        villages_title.setBuddy(self.villages_table)
        self.totals = _bold(QLabel())
        self.totals.setObjectName("districtTotals")
        self.totals.setWordWrap(True)  # else its length sets the left side's least width
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.figures = VillageFiguresModel(self)
        self.figures_table = _table("villageFigures", _("The chosen village's figures"))
        self.figures_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.figures_table.setModel(self.figures)
        self.figures_title = _bold(QLabel(_("Choose a village to see its figures.")))
        self.figures_title.setObjectName("villageTitle")
        self.figures_title.setMinimumWidth(1)  # a long name is cut, never widens the panel

        self.attention = AttentionModel(self)
        self.attention_shown = AttentionFilter(self)
        self.attention_shown.setSourceModel(self.attention)
        self.attention_table = _table("attentionTable", _("What needs the district's attention"))
        self.attention_table.setModel(self.attention_shown)
        self.attention_table.setToolTip(
            _("Double-click a row, or press Enter, to see its village's figures.")
        )
        self.attention_table.activated.connect(self._attention_activated)
        self.attention_title = _bold(QLabel(_("What needs the district's &attention")))
        self.attention_title.setBuddy(self.attention_table)
        self.only_village = QCheckBox(_("&Only this village"))
        self.only_village.setObjectName("onlyThisVillage")
        self.only_village.setToolTip(_("Show only what concerns the village chosen above."))
        self.only_village.setEnabled(False)
        self.only_village.toggled.connect(self._filter_attention)
        self.days_box = QSpinBox()
        self.days_box.setObjectName("staleDays")
        self.days_box.setRange(1, MOST_STALE_DAYS)
        self.days_box.setValue(remembered_days())
        self.days_box.setKeyboardTracking(False)  # typing 120 asks once, not for 1, 12, 120
        self.days_box.setToolTip(
            _(
                "A village whose ledger has no new record for more than this many days is "
                "listed as not updated."
            )
        )
        self.days_box.valueChanged.connect(self._days_changed)
        days_label = QLabel(_("&Not updated for more than (days):"))
        days_label.setBuddy(self.days_box)
        self.shown_count = QLabel()
        self.shown_count.setObjectName("attentionCount")
        attention_top = QHBoxLayout()
        attention_top.addWidget(self.attention_title, 1)
        attention_top.addWidget(self.shown_count)
        attention_top.addSpacing(12)
        attention_top.addWidget(self.only_village)
        attention_top.addSpacing(12)
        attention_top.addWidget(days_label)
        attention_top.addWidget(self.days_box)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(villages_title)
        left_layout.addWidget(self.villages_table, 1)
        left_layout.addWidget(self.totals)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.figures_title)
        right_layout.addWidget(self.figures_table, 1)
        villages_and_figures = QSplitter()
        villages_and_figures.addWidget(left)
        villages_and_figures.addWidget(right)
        villages_and_figures.setChildrenCollapsible(False)
        # The villages' amounts want room; the figures' box names are cut (tooltips say them).
        villages_and_figures.setStretchFactor(0, 3)
        villages_and_figures.setStretchFactor(1, 2)
        villages_and_figures.setSizes([780, 380])
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(attention_top)
        bottom_layout.addWidget(self.attention_table, 1)
        # The attention list across the whole width: its details are sentences.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(villages_and_figures)
        splitter.addWidget(bottom)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([500, 400])

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        for before, after in (
            (self.choose_button, self.refresh_button),
            (self.refresh_button, self.year_box),
            (self.year_box, self.villages_table),
            (self.villages_table, self.figures_table),
            (self.figures_table, self.only_village),
            (self.only_village, self.days_box),
            (self.days_box, self.attention_table),
        ):
            QWidget.setTabOrder(before, after)
        self._size_columns()
        self._count_shown()

        if not duckdb_installed():
            self._say_install()
        else:
            remembered = self.remembered_store()
            if remembered is not None:
                # After the page is on screen: opening it loads DuckDB, which showing the
                # page must not wait for.
                QTimer.singleShot(0, self, lambda: self._open_remembered(remembered))

    # --- asking -----------------------------------------------------------------------------

    @staticmethod
    def remembered_store() -> Path | None:
        """The store chosen last time, if it is still there (a USB stick may be gone)."""
        text = str(folder_settings().value(LAST_STORE, "") or "")
        return Path(text) if text and Path(text).is_file() else None

    def choose_store(self) -> None:
        # Here, not at import: QFileDialog's first use builds its Python enums.
        from PySide6.QtWidgets import QFileDialog

        remembered = self.remembered_store()
        start = str(remembered.parent if remembered else Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose district store…"),
            start,
            _("District stores (*.duckdb);;All files (*)"),
        )
        if name:
            self.open_store_at(Path(name))

    def open_store_at(self, path: Path | str) -> None:
        """Read the store at ``path`` for the year chosen, in a worker (``read`` tells when it
        ended); on a refusal show the store's own message and leave the page as it was."""
        self._ask(Path(path), quiet=False)

    def refresh(self) -> None:
        """Read the shown store again: another PC may have consolidated into it since."""
        path = self._store_path()
        if path is not None and not self.is_reading():
            self._ask(path, quiet=False)

    def is_reading(self) -> bool:
        return self._running is not None

    def _store_path(self) -> Path | None:
        """The store the page shows, or the one it is reading for the newest request."""
        if self._wanted is not None:
            return self._wanted.path
        return self.reading.path if self.reading is not None else None

    def _open_remembered(self, path: Path) -> None:
        if self.reading is None and self._wanted is None:  # not chosen meanwhile
            self._ask(path, quiet=True)

    def _year_changed(self) -> None:
        path = self._store_path()
        if path is not None:
            self._ask(path, quiet=False)

    def _days_changed(self, days: int) -> None:
        path = self._store_path()
        if path is None:
            folder_settings().setValue(STALE_DAYS, days)
        else:  # remembered once the store has been read with it
            self._ask(path, quiet=False)

    def _ask(self, path: Path, *, quiet: bool) -> None:
        year = self.year_box.year() or date.today().year - 1
        self._wanted = _Request(path, year, self.days_box.value(), reading_day(), quiet)
        self._set_busy(True)
        if self._running is None:
            self._start(self._wanted)

    def _start(self, request: _Request) -> None:
        self._running = request

        def done(outcome: Reading | _Refusal) -> None:
            if shiboken6.isValid(self):
                self._ended(request, outcome)

        def failed(error: Exception) -> None:  # _read says its errors; this is a last resort
            if shiboken6.isValid(self):
                self._ended(request, _Refusal(messages.error_text(error)))

        worker.start(lambda _progress: _read(request), done, failed)

    def _ended(self, request: _Request, outcome: Reading | _Refusal) -> None:
        self._running = None
        wanted = self._wanted
        if wanted is not request:  # asked again meanwhile: this one is out of date
            if wanted is not None:
                self._start(wanted)
            return
        self._wanted = None
        self._set_busy(False)
        if isinstance(outcome, Reading):
            self._show(outcome)
            self.read.emit(outcome)
            return
        if outcome.missing:
            self._say_install()
        elif request.quiet:
            self.store_label.setText(outcome.text)
            self.store_label.setToolTip(outcome.text)
        else:
            error = LedgerError(outcome.text)
            if outcome.details:
                error.__traceback_text__ = outcome.details  # type: ignore[attr-defined]
            messages.show_error(self, error)
        self._unread()
        self.read.emit(None)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        # A reading of the same store is under way: Refresh would only repeat it.
        self.refresh_button.setEnabled(not busy and self.reading is not None)

    def _unread(self) -> None:
        """After a refused reading: the page as it was, the year and limit shown with it."""
        if self.reading is not None:
            self._put_back(self.reading.summary.year, self.reading.stale_days)

    def _put_back(self, year: int, days: int) -> None:
        for box in (self.year_box, self.days_box):
            box.blockSignals(True)
        self.year_box.choose(year)
        self.days_box.setValue(days)
        for box in (self.year_box, self.days_box):
            box.blockSignals(False)

    def _say_install(self) -> None:
        self.note.setText(
            _(
                "The district's view needs DuckDB, which is not installed. Install it with: "
                "{command}"
            ).format(command=INSTALL)
        )
        self.note.show()

    # --- showing ------------------------------------------------------------------------------

    def _show(self, reading: Reading) -> None:
        chosen = self.shown_village.ledger if self.shown_village is not None else None
        self.reading = reading
        self.note.hide()
        self.refresh_button.setEnabled(True)
        self._put_back(reading.summary.year, reading.stale_days)
        folder_settings().setValue(LAST_STORE, str(reading.path))
        folder_settings().setValue(STALE_DAYS, reading.stale_days)
        self.store_label.setText(
            _("{file}: state {state}, read at {time}").format(
                file=reading.path.name, state=reading.state, time=shown_time(reading.read_at)
            )
        )
        self.store_label.setToolTip(
            _(
                "{path}\nThe store's state counts the loads consolidated into it; a printed "
                "district report's code names the state it was made at."
            ).format(path=reading.path)
        )
        summary = reading.summary
        self.villages.set_summary(summary)
        self.attention.set_items(reading.attention)
        if not self._attention_sized:
            self._size_concern_column()
        boxes = summary.boxes
        self.totals.setText(
            _(
                "District total, {year}: receipts {receipts}, payments {payments}, box 7 {box7}"
            ).format(
                year=summary.year,
                receipts=format_amount(received(boxes)),
                payments=format_amount(paid(boxes)),
                box7=format_amount(boxes[7]),
            )
        )
        # The village that was chosen stays chosen (another year, the store read again).
        row = next(
            (n for n, v in enumerate(summary.villages) if v.ledger == chosen),
            0 if summary.villages else -1,
        )
        if row >= 0:
            select_row(self.villages_table, row)
        self._show_village(row)

    def _village_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.villages_table.selectionModel().selectedRows()
        self._show_village(rows[0].row() if rows else -1)

    def _show_village(self, row: int) -> None:
        village = self.villages.village(row)
        self.shown_village = village
        self.figures.set_village(village)
        if village is None:
            self.figures_title.setText(_("Choose a village to see its figures."))
            self.figures_title.setToolTip("")
        else:
            text = _("{village}: the year {year}").format(
                village=village.village, year=self.reading.summary.year if self.reading else ""
            )
            self.figures_title.setText(text)
            self.figures_title.setToolTip(f"{text}\n{village.anchor}")
        self.only_village.setEnabled(village is not None)
        self._filter_attention()

    def _filter_attention(self) -> None:
        village = self.shown_village
        only = self.only_village.isChecked() and village is not None
        self.attention_shown.show_only(only, village.ledger if village is not None else None)
        # One village's list needs no village column: its detail takes the room.
        self.attention_table.setColumnHidden(WHERE, only)
        self._count_shown()

    def _count_shown(self) -> None:
        total, shown = self.attention.rowCount(), self.attention_shown.rowCount()
        if self.reading is None:
            self.shown_count.clear()
            self.attention_title.setText(_("What needs the district's &attention"))
        elif total == 0:
            self.shown_count.clear()
            self.attention_title.setText(_("Nothing needs the district's &attention."))
        else:
            self.shown_count.setText(
                _("Shown: {shown} of {total}").format(shown=shown, total=total)
            )
            self.attention_title.setText(_("What needs the district's &attention"))

    def _attention_activated(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row: its village chosen above (a file of no known
        village has none)."""
        item = self.attention_shown.item(index.row())
        if item is None or item.ledger is None:
            return
        row = next((n for n, v in enumerate(self.villages.rows) if v.ledger == item.ledger), -1)
        if select_row(self.villages_table, row):
            self.villages_table.scrollTo(self.villages.index(row, VILLAGE))

    # --- the columns: from the font and the titles, never from the rows --------------------

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()  # the cell's margins, and a little air

        def fit(table: QTableView, column: int, sample: str, *, title: bool = True) -> None:
            """As wide as ``sample`` (and the title, unless it may be cut: its tooltip
            says it whole)."""
            header = table.horizontalHeader()
            width = metrics.horizontalAdvance(sample) + pad
            least = header.sectionSizeHint(column) if title else 0
            header.resizeSection(column, max(width, least))

        amount = format_amount(_SAMPLE_AMOUNT)
        villages = self.villages_table.horizontalHeader()
        villages.setSectionResizeMode(VILLAGE, QHeaderView.ResizeMode.Stretch)
        for column in (RECEIPTS, PAYMENTS, BOX7):
            fit(self.villages_table, column, amount)
        widest_hex = max("0123456789abcdef", key=metrics.horizontalAdvance)
        anchor = short_anchor(_SAMPLE_ENTRY, widest_hex * 64)
        fit(self.villages_table, ANCHOR, anchor, title=False)  # "Chain anchor" runs long in kk

        attention = self.attention_table.horizontalHeader()
        fit(self.attention_table, CONCERN, "M" * 14)  # made exact at the first reading
        fit(self.attention_table, WHERE, "M" * 14, title=False)
        fit(self.attention_table, ENTRY, str(_SAMPLE_ENTRY))
        fit(self.attention_table, DATE, shown_date(date(2026, 12, 31)))
        fit(self.attention_table, AMOUNT, amount)
        attention.setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)

        # The figures' labels take what the amounts leave (Kazakh box names run long).
        figures = self.figures_table.horizontalHeader()
        figures.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        fit(self.figures_table, SUM, amount)

    def _size_concern_column(self) -> None:
        """The concern column as wide as its names in this language but the longest (a held
        gift spent early: 48 letters in Kazakh, and only a ledger made otherwise shows it),
        which is cut. The names are the district's, known once a store has been read (the
        page may not import them before)."""
        from ruralcouncil.district.attention import CONCERN_NAMES

        metrics = self.attention_table.fontMetrics()
        widths = sorted(metrics.horizontalAdvance(_(name)) for name in CONCERN_NAMES.values())
        header = self.attention_table.horizontalHeader()
        width = widths[-2] + 3 * metrics.averageCharWidth()
        header.resizeSection(CONCERN, max(width, header.sectionSizeHint(CONCERN)))
        self._attention_sized = True
