"""The district's view in the window (issue 13): a district store chosen, its villages' figures
for a year, what needs attention, and one village's boxes. Read-only.

The store is a DuckDB file made by ``ruralcouncil consolidate``. DuckDB is an optional extra
that the village program never loads: this page imports nothing of it until a store is
chosen, and says how to install it when it is missing. Each reading opens the store
read-only and closes it again at once, as another copy of the program may be consolidating
into it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.district_models import (
    AMOUNT,
    BOX7,
    CONCERN,
    DATE,
    ENTRY,
    ITEM,
    PAYMENTS,
    RECEIPTS,
    SUM,
    VILLAGE,
    WHERE,
    AttentionModel,
    VillageFiguresModel,
    VillagesModel,
    paid,
    received,
)
from ruralcouncil.gui.save_dialog import folder_settings
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount

if TYPE_CHECKING:
    from ruralcouncil.district.attention import Attention
    from ruralcouncil.district.figures import DistrictSummary, VillageFigures

# The store last chosen (its full path), kept with the folders other pages remember.
LAST_STORE = "district/last_store"
INSTALL = 'pip install "ruralcouncil[district]"'  # as ruralcouncil.district.engine says it
YEARS_OFFERED = 10
_NOTE_STYLE = "color: #b71c1c;"


@dataclass(frozen=True)
class Reading:
    """What one reading of the store gave."""

    path: Path
    summary: DistrictSummary
    attention: list[Attention]


def read_store(path: Path, year: int) -> Reading:
    """The year's figures and attention list, the store opened read-only and closed again."""
    # Here, not at import: these reach DuckDB, which only a chosen store may load.
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.figures import district_summary
    from ruralcouncil.district.store import open_store

    store = open_store(path, write=False)
    try:
        return Reading(path, district_summary(store, year), attention_list(store, year))
    finally:
        store.close()


def duckdb_installed() -> bool:
    """Whether DuckDB could be imported (found without importing it)."""
    return importlib.util.find_spec("duckdb") is not None


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


class DistrictPage(QWidget):
    # Emitted after each reading of the store: the Reading, or None when it failed.
    read = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("districtPage")
        self.reading: Reading | None = None
        self.shown_village: VillageFigures | None = None  # whose figures are on the right

        title = QLabel(_("District: the villages' figures"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        intro = QLabel(
            _(
                "Choose a district store made by ruralcouncil consolidate. Its villages' "
                "figures and what needs attention are shown for the year chosen. Nothing "
                "here can be changed."
            )
        )
        intro.setWordWrap(True)

        self.choose_button = QPushButton(_("Choose district store…"))
        self.choose_button.setObjectName("chooseStore")
        self.choose_button.clicked.connect(self.choose_store)
        self.store_label = QLabel(_("No district store chosen."))
        self.store_label.setObjectName("storePath")
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.year_box = YearBox()
        self.year_box.setObjectName("districtYear")
        this_year = date.today().year
        # The last full year first: a district looks at returns already made.
        self.year_box.offer(range(this_year - YEARS_OFFERED + 1, this_year + 1), this_year - 1)
        self.year_box.currentIndexChanged.connect(self._year_changed)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.store_label, 1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)

        # Shown when DuckDB is missing: how to install it (found without importing it).
        self.note = QLabel()
        self.note.setObjectName("districtNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(_NOTE_STYLE)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()

        self.villages = VillagesModel(self)
        self.villages_table = _table("villagesTable")
        self.villages_table.setModel(self.villages)
        self.villages_table.selectionModel().selectionChanged.connect(self._village_chosen)
        self.totals = QLabel()
        self.totals.setObjectName("districtTotals")
        self.totals.setStyleSheet("font-weight: bold;")
        self.totals.setWordWrap(True)  # else its length sets the left side's least width
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.attention = AttentionModel(self)
        self.attention_table = _table("attentionTable")
        self.attention_table.setModel(self.attention)
        self.attention_title = QLabel(_("What needs the district's attention"))
        self.attention_title.setStyleSheet("font-weight: bold;")
        self.attention_title.setWordWrap(True)

        self.figures = VillageFiguresModel(self)
        self.figures_table = _table("villageFigures")
        self.figures_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.figures_table.setModel(self.figures)
        self.figures_title = QLabel(_("Choose a village to see its figures."))
        self.figures_title.setObjectName("villageTitle")
        self.figures_title.setStyleSheet("font-weight: bold;")
        self.figures_title.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.villages_table, 1)
        left_layout.addWidget(self.totals)
        left_layout.addWidget(self.attention_title)
        left_layout.addWidget(self.attention_table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.figures_title)
        right_layout.addWidget(self.figures_table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # The figures' box names are long (in Kazakh most): near half the width for them.
        splitter.setSizes([690, 450])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self._size_columns()

        if not duckdb_installed():
            self._say_install()
        else:
            remembered = self.remembered_store()
            if remembered is not None:
                # After the page is on screen: opening it loads DuckDB, which showing the
                # page must not wait for.
                QTimer.singleShot(0, self, lambda: self._open_remembered(remembered))

    # --- the store ------------------------------------------------------------------------

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

    def open_store_at(self, path: Path | str) -> bool:
        """Read the store at ``path`` for the year chosen; on a refusal show the store's own
        message and leave the page as it was."""
        path = Path(path)
        reading = self._read(path, quiet=False)
        if reading is None:
            return False
        folder_settings().setValue(LAST_STORE, str(path))
        return True

    def reload(self) -> None:
        """Read the shown store again (the year changed, or it was consolidated into)."""
        if self.reading is not None:
            self._read(self.reading.path, quiet=False)

    def _open_remembered(self, path: Path) -> None:
        if self.reading is None:  # not chosen meanwhile
            self._read(path, quiet=True)

    def _year_changed(self) -> None:
        self.reload()

    def _read(self, path: Path, *, quiet: bool) -> Reading | None:
        """``quiet``: the remembered store, opened unasked, says a refusal on the page
        rather than in a message box."""
        from ruralcouncil.district import engine

        year = self.year_box.year() or date.today().year - 1
        try:
            reading = read_store(path, year)
        except engine.EngineMissing:
            self._say_install()
            self._unread()
            return None
        except LedgerError as exc:  # not a store, a newer one, busy: its own words
            self._refused(exc, quiet)
            self._unread()
            return None
        except engine.duckdb().Error as exc:  # a store damaged past its header
            self._refused(exc, quiet)
            self._unread()
            return None
        self._show(reading)
        self.read.emit(reading)
        return reading

    def _refused(self, error: Exception, quiet: bool) -> None:
        if quiet:
            self.store_label.setText(messages.error_text(error))
        else:
            messages.show_error(self, error)

    def _unread(self) -> None:
        """After a failed reading: the page as it was, the year shown with its figures."""
        if self.reading is not None:
            self.year_box.blockSignals(True)
            self.year_box.choose(self.reading.summary.year)
            self.year_box.blockSignals(False)
        self.read.emit(None)

    def _say_install(self) -> None:
        self.note.setText(
            _(
                "The district's view needs DuckDB, which is not installed. Install it with: "
                "{command}"
            ).format(command=INSTALL)
        )
        self.note.show()

    # --- showing --------------------------------------------------------------------------

    def _show(self, reading: Reading) -> None:
        chosen = self._chosen_ledger()
        self.reading = reading
        self.note.hide()
        self.store_label.setText(str(reading.path))
        self.store_label.setToolTip(str(reading.path))
        summary = reading.summary
        self.villages.set_summary(summary)
        self.attention.set_items(reading.attention)
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
        if not reading.attention:
            self.attention_title.setText(_("Nothing needs the district's attention."))
        else:
            self.attention_title.setText(_("What needs the district's attention"))
        # The village that was chosen stays chosen (another year, the store read again).
        row = next(
            (n for n, v in enumerate(summary.villages) if v.ledger == chosen),
            0 if summary.villages else -1,
        )
        if row >= 0:
            self.villages_table.selectRow(row)
        self._show_village(row)

    def _chosen_ledger(self) -> str | None:
        rows = self.villages_table.selectionModel().selectedRows()
        village = self.villages.village(rows[0].row()) if rows else None
        return village.ledger if village else None

    def _village_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.villages_table.selectionModel().selectedRows()
        self._show_village(rows[0].row() if rows else -1)

    def _show_village(self, row: int) -> None:
        village = self.villages.village(row)
        self.shown_village = village
        self.figures.set_village(village)
        if village is None:
            self.figures_title.setText(_("Choose a village to see its figures."))
        else:
            self.figures_title.setText(
                _("{village}: the year {year}").format(
                    village=village.village, year=self.reading.summary.year if self.reading else ""
                )
            )

    def _size_columns(self) -> None:
        # From the font, never from the rows: a sample amount, a long village name, a date.
        metrics = self.fontMetrics()
        char = metrics.averageCharWidth()
        amount = metrics.horizontalAdvance(format_amount(-99_999_999_99)) + 16
        header = self.villages_table.horizontalHeader()
        header.resizeSection(VILLAGE, 26 * char)
        for column in (RECEIPTS, PAYMENTS, BOX7):
            header.resizeSection(column, amount)
        attention = self.attention_table.horizontalHeader()
        attention.resizeSection(CONCERN, 24 * char)
        attention.resizeSection(WHERE, 20 * char)
        attention.resizeSection(ENTRY, 8 * char)
        attention.resizeSection(DATE, 12 * char)
        attention.resizeSection(AMOUNT, amount)
        # The figures' labels take what the amounts leave (Kazakh box names run long).
        figures = self.figures_table.horizontalHeader()
        figures.setStretchLastSection(False)
        figures.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        figures.resizeSection(SUM, amount)
