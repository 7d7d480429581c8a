"""The ledger page: filters, the journal table, the filtered totals and the entry buttons."""

from __future__ import annotations

from datetime import date

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import REVERSE_SHORTCUT, AppContext

# The entry dialogs, and the posting rules (journal) behind them, are imported when one is
# first opened: with the page they were about 10 ms of its first visit.
from ruralcouncil.gui.ledger_model import (
    ACCOUNT,
    AMOUNT,
    BALANCE,
    CATEGORY,
    COLUMN_TITLES,
    COUNTERPARTY,
    DATE,
    DESCRIPTION,
    ESSENTIAL_COLUMNS,
    FUND,
    LINKS,
    NUMBER,
    REFERENCE,
    TYPE,
    USER,
    LedgerTableModel,
    names_by_code,
)
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import catalog, queries
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.entry_types import ENTRY_TYPE_NAMES, EntryType
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.users import Action

SEARCH_DELAY_MS = 300
# The columns that give way, in characters of the table's font: (least, wanted). While the
# room left after the essential columns cannot give each shown one the middle of the two,
# they are hidden in _GIVE_WAY order (the column menu brings any back); the ones shown share
# the room between least and wanted, and Description takes what is left. Sizes come from
# font metrics, never from reading the rows.
_SECONDARY = {
    FUND: (8, 12),
    ACCOUNT: (8, 12),
    COUNTERPARTY: (10, 18),
    DESCRIPTION: (12, 22),
    REFERENCE: (7, 9),
    USER: (7, 9),
    LINKS: (9, 14),
}
_GIVE_WAY = (LINKS, USER, REFERENCE, ACCOUNT, FUND, COUNTERPARTY, DESCRIPTION)
_STRETCH = (DESCRIPTION, COUNTERPARTY, CATEGORY)  # the first of these shown takes the rest
# The category's name: least and most width, in characters (longer names are elided, and
# the tooltip has the whole name and the code).
_CATEGORY_CHARACTERS = (14, 30)
_NAME_CHARACTERS = 16  # a fund's or a cash account's name, at most
# Entry numbers at least this many digits wide (more when the ledger's last one has more);
# amounts up to a billion tenge, balances ten.
_NUMBER_DIGITS = 6
_WIDEST_AMOUNT = -999_999_999_99
_WIDEST_BALANCE = -9_999_999_999_99
_CELL_PADDING = 14
# Filter combos shrink so the search box keeps room; their lists still open wide.
_COMBO_CHARACTERS = 6
_SEARCH_MIN_WIDTH = 180
_SEPARATOR = "   ·   "
# The filtered totals start after the rows are painted, or after this long when the table
# is not painted (the page not in sight).
_TOTALS_DELAY_MS = 200


class JournalTable(QTableView):
    """The journal's table. It tells its page when the rows' area (the viewport) is resized
    or painted, and keeps its width: an event filter on that area, or asking for it, has
    PySide find the Python class of a plain widget Qt made, trying every widget class it has
    (building their types and enums), about 12 ms of the page's first visit."""

    rows_resized = Signal()
    rows_painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.rows_width: int | None = None  # the viewport's, once it has been resized

    def viewportEvent(self, event: QEvent) -> bool:
        handled = super().viewportEvent(event)
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.rows_width = event.size().width()  # type: ignore[attr-defined]
            self.rows_resized.emit()
        elif kind == QEvent.Type.Paint:
            self.rows_painted.emit()
        return handled

    def room(self) -> int:
        """The rows' width: the viewport's, or before its first resize, what it will be
        without a vertical scroll bar."""
        if self.rows_width is not None:
            return self.rows_width
        return self.maximumViewportSize().width()


class LedgerPage(QWidget):
    # The filtered totals are on screen (they are added up off the GUI thread).
    totals_shown = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._totals_asked = 0
        # Stops the sums being added up for a filter no longer shown.
        self._totals_stopper = queries.Interrupter()
        self._totals_waiting: EntryFilter | None = None  # the sums to start after the paint
        self._totals_head = self._totals_tail = ""

        self.year = QComboBox()
        self.type = QComboBox()
        self.category = QComboBox()
        self.fund = QComboBox()
        self.account = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search counterparty, description, reference, No."))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(_SEARCH_MIN_WIDTH)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._fill_choices()
        # The current year, whatever the latest entry's (a mistyped future date included).
        self.year.setCurrentIndex(max(0, self.year.findData(date.today().year)))

        self.model = LedgerTableModel(context.ledger, self.current_filter(), self)
        self.table = JournalTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_column_menu)
        header.sectionResized.connect(self._on_section_resized)
        # Columns the user hid or showed (the column menu), and widths they dragged.
        self.hidden_by_user: set[int] = set()
        self.shown_by_user: set[int] = set()
        self._dragged: dict[int, int] = {}
        self._fitting = False
        self.table.rows_resized.connect(self._size_columns)
        self.table.rows_painted.connect(self._rows_painted)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self.show_details)
        # Tab leaves the table for the next control (arrows move between rows), so a
        # keyboard user reaches the buttons without changing the chosen entry.
        self.table.setTabKeyNavigation(False)

        # Long in Kazakh, and longer once transfers and openings are added up: it wraps
        # rather than widening the page past the window.
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.receipt_button = QPushButton(_("New receipt…"))
        self.payment_button = QPushButton(_("New payment…"))
        self.transfer_button = QPushButton(_("New transfer…"))
        self.reverse_button = QPushButton(_("Reverse…"))
        self.receipt_button.clicked.connect(self.new_receipt)
        self.payment_button.clicked.connect(self.new_payment)
        self.transfer_button.clicked.connect(self.new_transfer)
        self.reverse_button.clicked.connect(self.reverse_selected)
        # Reversing is this ledger's "delete": Delete on a chosen row, or the Entries menu's
        # shortcut.
        self.reverse_button.setToolTip(
            _("Reverse the chosen entry ({keys} or Delete)").format(
                keys=QKeySequence(REVERSE_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )

        filters = QHBoxLayout()
        for title, widget in (
            (_("Year"), self.year),
            (_("Type"), self.type),
            (_("Category"), self.category),
            (_("Fund"), self.fund),
            (_("Account"), self.account),
        ):
            filters.addWidget(QLabel(title))
            # The combos share the row, down to their minimum length on a small screen.
            filters.addWidget(widget, 0 if widget is self.year else 1)
        # The search box sits in the buttons' row, where there is room for what is typed.
        buttons = QHBoxLayout()
        for button in (self.receipt_button, self.payment_button, self.transfer_button):
            buttons.addWidget(button)
        buttons.addSpacing(self.fontMetrics().averageCharWidth() * 4)
        buttons.addWidget(self.search, 1)
        buttons.addSpacing(self.fontMetrics().averageCharWidth() * 4)
        buttons.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        for combo in (self.year, self.type, self.category, self.fund, self.account):
            combo.currentIndexChanged.connect(self.apply_filter)
            # A narrowed combo elides the name: the tooltip has it whole.
            combo.currentIndexChanged.connect(lambda _i, c=combo: c.setToolTip(c.currentText()))
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        context.changed.connect(self.refresh)
        self._size_columns()
        self._show_totals()
        self._update_buttons()
        self.table.scrollToBottom()  # the newest entries first in sight

    # --- filters -----------------------------------------------------------------------

    def _fill_choices(self) -> None:
        """(Re)fill the filter combos from the ledger, keeping what was chosen."""
        conn = self.context.ledger.conn
        categories = catalog.categories(conn, REVENUE) + catalog.categories(conn, EXPENDITURE)
        # Names in the user's language (the code is in the entry's details).
        choices: list[tuple[QComboBox, str, list[tuple[str, object]]]] = [
            (self.year, _("All years"), [(str(y), y) for y in reversed(queries.years(conn))]),
            (self.type, _("All types"), [(_(ENTRY_TYPE_NAMES[t]), t.value) for t in EntryType]),
            (
                self.category,
                _("All categories"),
                [(c.name() or c.code, c.code) for c in categories],
            ),
            (
                self.fund,
                _("All funds"),
                [(f.name() or f.code, f.code) for f in catalog.funds(conn)],
            ),
            (
                self.account,
                _("All accounts"),
                [(c.name() or c.code, c.code) for c in catalog.cash_accounts(conn)],
            ),
        ]
        self._category_names = [c.name() for c in categories] or [""]
        self._fund_names = [f.name() for f in catalog.funds(conn)] or [""]
        self._cash_account_names = [c.name() for c in catalog.cash_accounts(conn)] or [""]
        # Entry numbers count 1, 2, 3...: the last one is the widest.
        self._number_digits = max(_NUMBER_DIGITS, len(str(queries.last_number(conn))))
        for combo, everything, items in choices:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            if combo is self.year:
                # Few and short: shown whole ("All years" in Kazakh too).
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            else:
                # Long names: the combo shrinks on a narrow window; its list opens wide.
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                combo.setMinimumContentsLength(_COMBO_CHARACTERS)
            combo.setToolTip(combo.currentText())
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.blockSignals(False)

    def current_filter(self) -> EntryFilter:
        return EntryFilter(
            year=self.year.currentData(),
            type=self.type.currentData(),
            category=self.category.currentData(),
            fund=self.fund.currentData(),
            account=self.account.currentData(),
            text=self.search.text().strip(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)
            self._size_columns()
            self._show_totals()
            self.table.scrollToBottom()

    def refresh(self) -> None:
        """After any write in the program: new years, categories, funds, cash accounts and rows."""
        self._fill_choices()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)
        self.model.refresh()
        self._size_columns()
        self._show_totals()

    # --- columns -----------------------------------------------------------------------

    def _widths(self) -> dict[int, tuple[int, int]]:
        """(least, wanted) pixel width of every column shown, from font metrics alone."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader().fontMetrics()
        char = metrics.averageCharWidth()

        def text(*texts: str) -> int:
            return max(metrics.horizontalAdvance(t) for t in texts) + _CELL_PADDING

        def title(column: int) -> int:
            return header.horizontalAdvance(_(COLUMN_TITLES[column])) + _CELL_PADDING

        fixed = {
            NUMBER: max(text("0" * self._number_digits), title(NUMBER)),
            DATE: max(text(shown_date(date(2028, 12, 28))), title(DATE)),
            TYPE: max(
                text(*(_(name) for name in ENTRY_TYPE_NAMES.values())),
                text(_("Reversal of №{id}").format(id="8" * self._number_digits)),
                title(TYPE),
            ),
            AMOUNT: max(text(format_amount(_WIDEST_AMOUNT)), title(AMOUNT)),
            BALANCE: max(text(format_amount(_WIDEST_BALANCE)), title(BALANCE)),
        }
        widths: dict[int, tuple[int, int]] = {c: (w, w) for c, w in fixed.items()}
        # The category: its longest name in this language, within reason (a few dozen
        # categories in the catalogue, not the rows).
        least, most = _CATEGORY_CHARACTERS
        floor = max(least * char + _CELL_PADDING, title(CATEGORY))
        widths[CATEGORY] = (floor, max(floor, min(most * char, text(*self._category_names))))
        for column, (least, wanted) in _SECONDARY.items():
            # Titles stay whole; only the long one of LINKS is elided (its tooltip says it).
            whole = title(column) if column != LINKS else min(title(column), 16 * char)
            floor = max(least * char + _CELL_PADDING, whole)
            want = wanted * char + _CELL_PADDING
            if column in (FUND, ACCOUNT):  # their few names, whole, within reason
                names = self._fund_names if column == FUND else self._cash_account_names
                want = min(text(*names), _NAME_CHARACTERS * char + _CELL_PADDING)
            widths[column] = (floor, max(floor, want))
        for column, width in self._dragged.items():
            widths[column] = (width, width)
        shown = {self.model.column_id(c) for c in range(self.model.columnCount())}
        return {c: w for c, w in widths.items() if c in shown}

    def _size_columns(self) -> None:
        """Fit the columns to the table's width: what an entry means always in sight, the
        rest narrowed, then hidden (least needed first), so there is no horizontal scroll."""
        widths = self._widths()
        room = self.table.room()
        essential = [c for c in widths if c in ESSENTIAL_COLUMNS]
        secondary = [c for c in widths if c not in ESSENTIAL_COLUMNS]
        visible = [c for c in secondary if c not in self.hidden_by_user]
        order = [c for c in _GIVE_WAY if c not in self.shown_by_user] + [
            c for c in _GIVE_WAY if c in self.shown_by_user
        ]
        size = {c: widths[c][1] for c in essential}
        if sum(size.values()) > room:  # a very narrow window: the category's name gives way
            size[CATEGORY] = max(widths[CATEGORY][0], room - sum(size.values()) + size[CATEGORY])
        left = room - sum(size.values())
        for column in order:
            if sum(widths[c][0] + widths[c][1] for c in visible) <= 2 * left:
                break
            if column in visible:
                visible.remove(column)
        least = sum(widths[c][0] for c in visible)
        give = sum(widths[c][1] - widths[c][0] for c in visible)
        extra = max(0, left - least)
        for column in visible:
            low, high = widths[column]
            size[column] = low + (
                extra * (high - low) // give if give and extra < give else high - low
            )
        rest = room - sum(size.values())
        stretch = next((c for c in _STRETCH if c in size and c not in self._dragged), None)
        if rest > 0 and stretch is not None:
            size[stretch] += rest
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            for view_column in range(self.model.columnCount()):
                column = self.model.column_id(view_column)
                header.setSectionResizeMode(view_column, QHeaderView.ResizeMode.Interactive)
                if column in size:
                    header.setSectionHidden(view_column, False)
                    header.resizeSection(view_column, size[column])
                else:
                    header.setSectionHidden(view_column, True)
        finally:
            self._fitting = False

    def _on_section_resized(self, view_column: int, _old: int, new: int) -> None:
        if self._fitting or new == 0:
            return
        # The user dragged a column's edge: keep that width, fit the others around it.
        self._dragged[self.model.column_id(view_column)] = new
        QTimer.singleShot(0, self._size_columns)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.table.currentIndex().isValid():
                    self.show_details(self.table.currentIndex())
                    return True
            elif key == Qt.Key.Key_Delete and self.reverse_button.isEnabled():
                self.reverse_selected()
                return True
        return super().eventFilter(watched, event)

    def _rows_painted(self) -> None:
        if self._totals_waiting is not None:
            # The rows have been painted: the sums may start once this paint is done.
            QTimer.singleShot(0, self, self._start_waiting_totals)

    def column_shown(self, column: int) -> bool:
        view_column = self.model.column_of(column)
        return view_column >= 0 and not self.table.horizontalHeader().isSectionHidden(view_column)

    def set_column_shown(self, column: int, shown: bool) -> None:
        """The column menu: show or hide a column that may give way."""
        if column in ESSENTIAL_COLUMNS:
            return
        if shown:
            self.hidden_by_user.discard(column)
            self.shown_by_user.add(column)
        else:
            self.shown_by_user.discard(column)
            self.hidden_by_user.add(column)
        self._size_columns()

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        for column in _SECONDARY:
            if self.model.column_of(column) < 0:
                continue
            action = menu.addAction(_(COLUMN_TITLES[column]))
            action.setCheckable(True)
            action.setChecked(self.column_shown(column))
            action.toggled.connect(lambda on, c=column: self.set_column_shown(c, on))
        menu.addSeparator()
        reset = menu.addAction(_("Fit the columns to the window"))
        reset.triggered.connect(self.reset_columns)
        return menu

    def show_column_menu(self, at: QPoint) -> None:
        self.column_menu().exec(self.table.horizontalHeader().mapToGlobal(at))

    def reset_columns(self) -> None:
        self.hidden_by_user.clear()
        self.shown_by_user.clear()
        self._dragged.clear()
        self._size_columns()

    def _show_totals(self) -> None:
        """Count and balance now; the sums by type off the GUI thread (a scan at a million)."""
        flt = self.model.filter
        self._totals_asked += 1
        # Entries (numbered 1, 2, 3...), never chain positions.
        count = self.model.rowCount()
        self._totals_head = ngettext("{n} entry", "{n} entries", count).format(n=count)
        self._totals_tail = ""
        last = self.model.rowCount() - 1
        balance = self.model.balance_after(last) if flt.account and last >= 0 else None
        if balance is not None:
            self._totals_tail = _("Balance {amount}").format(amount=format_amount(balance))
        self.totals.setText(
            _SEPARATOR.join(p for p in (self._totals_head, _("adding up…"), self._totals_tail) if p)
        )
        # Sums for a filter no longer shown are not wanted: stop adding them up.
        self._totals_stopper.stop()
        self._totals_stopper = queries.Interrupter()
        # Started once the rows are on screen: at a million entries the sum is a long scan
        # that would compete with the painting (the paint starts it, or else the timer).
        self._totals_waiting = flt
        QTimer.singleShot(_TOTALS_DELAY_MS, self, self._start_waiting_totals)

    def _start_waiting_totals(self) -> None:
        flt, self._totals_waiting = self._totals_waiting, None
        if flt is None:
            return  # already started
        asked, ledger, stopper = self._totals_asked, self.context.ledger, self._totals_stopper

        def add_up(_progress: object) -> dict[str, int]:
            reader = ledger.sibling()
            try:
                with stopper.attached(reader.conn):
                    return queries.totals(reader.conn, flt)
            finally:
                reader.close()

        def done(sums: dict[str, int]) -> None:
            if shiboken6.isValid(self) and asked == self._totals_asked:
                self._set_totals(sums)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self) and asked == self._totals_asked:
                self.totals.setText(self._totals_head + _SEPARATOR + messages.error_text(error))

        worker.start(add_up, done, failed)

    def _set_totals(self, sums: dict[str, int]) -> None:
        parts = [
            self._totals_head,
            _("Receipts {amount}").format(amount=format_amount(sums["receipt"])),
            _("Payments {amount}").format(amount=format_amount(sums["payment"])),
            _("Transfers {amount}").format(amount=format_amount(sums["transfer"])),
        ]
        if sums["opening"]:
            parts.append(
                _("Opening balances {amount}").format(amount=format_amount(sums["opening"]))
            )
        self.totals.setText(
            _SEPARATOR.join([*parts, self._totals_tail] if self._totals_tail else parts)
        )
        self.totals_shown.emit()

    # --- actions -----------------------------------------------------------------------

    def selected_entry(self) -> EntryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        may_record = self.context.may(Action.RECORD)
        for button in (self.receipt_button, self.payment_button, self.transfer_button):
            button.setEnabled(may_record)
        self.reverse_button.setEnabled(may_record and self.selected_entry() is not None)

    def new_receipt(self) -> None:
        self._new_entry(EntryType.RECEIPT)

    def new_payment(self) -> None:
        self._new_entry(EntryType.PAYMENT)

    def new_transfer(self) -> None:
        self._new_entry(EntryType.TRANSFER)

    def new_opening(self) -> None:
        """The balance a cash account held when this ledger was started (Entries menu)."""
        self._new_entry(EntryType.OPENING)

    def _new_entry(self, entry_type: EntryType) -> None:
        from ruralcouncil.gui.entry_dialogs import EntryDialog  # not with the page: see its imports

        dialog = EntryDialog(self.context, entry_type, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.entry_id is not None:
            self.select_entry(dialog.entry_id)

    def reverse_selected(self) -> None:
        row = self.selected_entry()
        if row is None:
            # Nothing chosen yet (the Entries menu from elsewhere): the table, on the newest
            # entry, ready for the arrows and then Delete.
            self.table.setFocus()
            if self.model.rowCount():
                self.table.selectRow(self.model.rowCount() - 1)
            return
        from ruralcouncil.gui.reverse_dialog import (
            ReverseDialog,  # not with the page: see its imports
        )

        dialog = ReverseDialog(self.context, row.id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.reversal_id is not None:
            self.select_entry(dialog.reversal_id)

    def select_entry(self, entry_id: int) -> None:
        """Scroll to an entry when the current filter shows it (one page lookup near the end)."""
        for row in range(self.model.rowCount() - 1, -1, -1):
            found = self.model.entry(row)
            if found is not None and found.id == entry_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return
            if self.model.rowCount() - row >= 200:
                return  # an old-dated entry: not worth a long walk

    def show_details(self, index: QModelIndex) -> None:
        row = self.model.entry(index.row())
        if row is None:
            return
        from ruralcouncil.gui.reverse_dialog import entry_form  # not with the page: see its imports

        dialog = QDialog(self)
        dialog.setWindowTitle(_("Entry {id}").format(id=row.id))
        layout = QVBoxLayout(dialog)
        layout.addLayout(entry_form(row, names_by_code(self.context.ledger)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.exec()
