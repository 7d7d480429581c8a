"""The ledger page: filters, the journal table, the filtered totals and the entry buttons."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages, worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.entry_dialogs import EntryDialog
from ruralcouncil.gui.ledger_model import (
    ACCOUNT,
    AMOUNT,
    BALANCE,
    CATEGORY,
    COUNTERPARTY,
    DATE,
    DESCRIPTION,
    FUND,
    LINKS,
    NUMBER,
    REFERENCE,
    TYPE,
    USER,
    LedgerTableModel,
)
from ruralcouncil.gui.reverse_dialog import ReverseDialog, entry_form
from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, queries
from ruralcouncil.ledger.codes import CASH, EXPENDITURE, REVENUE
from ruralcouncil.ledger.journal import ENTRY_TYPE_NAMES, EntryType
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.users import Action

SEARCH_DELAY_MS = 300
# Starting widths in characters; the user may resize them. Description takes what is left,
# and Amount and Balance fit their contents, so no amount is cut on a 1366-pixel screen.
_WIDTHS = {
    NUMBER: 6,
    DATE: 10,
    TYPE: 10,
    CATEGORY: 15,
    FUND: 9,
    ACCOUNT: 11,
    COUNTERPARTY: 18,
    DESCRIPTION: 20,
    REFERENCE: 10,
    AMOUNT: 15,
    BALANCE: 15,
    USER: 8,
    LINKS: 14,
}
_FIT_TO_CONTENTS = (AMOUNT, BALANCE)
_DESCRIPTION_MIN_CHARACTERS = 20
_MAX_TITLE_CHARACTERS = 18
# Filter combos shrink so the search box keeps room; their lists still open wide.
_COMBO_CHARACTERS = 10
_SEARCH_MIN_WIDTH = 220


class LedgerPage(QWidget):
    # The filtered totals are on screen (they are added up off the GUI thread).
    totals_shown = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._totals_asked = 0
        self._totals_head = self._totals_tail = ""
        conn = context.ledger.conn

        self.year = QComboBox()
        self.type = QComboBox()
        self.code = QComboBox()
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
        last = queries.before(conn, EntryFilter(), None, 1)
        if last:
            self.year.setCurrentIndex(max(0, self.year.findData(int(last[0].date[:4]))))

        self.model = LedgerTableModel(context.ledger, self.current_filter(), self)
        self.table = QTableView()
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
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # Fit Amount to the rows in sight only: measuring more would page through SQL.
        header.setResizeContentsPrecision(0)
        header.sectionResized.connect(self._on_section_resized)
        self.table.viewport().installEventFilter(self)
        self.table.doubleClicked.connect(self.show_details)

        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.receipt_button = QPushButton(_("New receipt…"))
        self.payment_button = QPushButton(_("New payment…"))
        self.transfer_button = QPushButton(_("New transfer…"))
        self.reverse_button = QPushButton(_("Reverse…"))
        self.receipt_button.clicked.connect(self.new_receipt)
        self.payment_button.clicked.connect(self.new_payment)
        self.transfer_button.clicked.connect(self.new_transfer)
        self.reverse_button.clicked.connect(self.reverse_selected)

        filters = QHBoxLayout()
        for title, widget in (
            (_("Year"), self.year),
            (_("Type"), self.type),
            (_("Category"), self.code),
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

        for combo in (self.year, self.type, self.code, self.fund, self.account):
            combo.currentIndexChanged.connect(self.apply_filter)
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
        codes = catalog.accounts(conn, REVENUE) + catalog.accounts(conn, EXPENDITURE)
        choices: list[tuple[QComboBox, str, list[tuple[str, object]]]] = [
            (self.year, _("All years"), [(str(y), y) for y in reversed(queries.years(conn))]),
            (self.type, _("All types"), [(_(ENTRY_TYPE_NAMES[t]), t.value) for t in EntryType]),
            (self.code, _("All categories"), [(f"{c.code} — {c.name()}", c.code) for c in codes]),
            (
                self.fund,
                _("All funds"),
                [(f"{f.code} — {f.name()}", f.code) for f in catalog.funds(conn)],
            ),
            (
                self.account,
                _("All accounts"),
                [(f"{c.code} — {c.name()}", c.code) for c in catalog.accounts(conn, CASH)],
            ),
        ]
        for combo, everything, items in choices:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(_COMBO_CHARACTERS if combo is not self.year else 5)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.blockSignals(False)

    def current_filter(self) -> EntryFilter:
        return EntryFilter(
            year=self.year.currentData(),
            type=self.type.currentData(),
            code=self.code.currentData(),
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
        """After any write in the program: new years, codes and rows."""
        self._fill_choices()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)
        self.model.refresh()
        self._size_columns()
        self._show_totals()

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        width = self.fontMetrics().averageCharWidth()
        for column in range(self.model.columnCount()):
            column_id = self.model.column_id(column)
            if column_id in _FIT_TO_CONTENTS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                # Wide enough for the title too (Kazakh titles run long), within reason.
                title = min(header.sectionSizeHint(column), _MAX_TITLE_CHARACTERS * width)
                wanted = max(_WIDTHS[column_id] * width + 12, title)
                if column_id == TYPE:  # the few type names, whole, in any language
                    names = [_(name) for name in ENTRY_TYPE_NAMES.values()]
                    metrics = self.table.fontMetrics()
                    wanted = max(wanted, *(metrics.horizontalAdvance(n) + 16 for n in names))
                self.table.setColumnWidth(column, wanted)
        self._fit_description()

    def _fit_description(self) -> None:
        """Description takes the width the other columns leave, but keeps 20 characters.

        (Qt's Stretch mode would squeeze it to nothing on a small screen; here the last
        columns scroll instead, and Amount, before them, stays in sight.)
        """
        column = self.model.column_of(DESCRIPTION)
        if column < 0:
            return
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != column)
        floor = _DESCRIPTION_MIN_CHARACTERS * self.fontMetrics().averageCharWidth() + 12
        wanted = max(floor, self.table.viewport().width() - others)
        if header.sectionSize(column) != wanted:
            header.resizeSection(column, wanted)

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column != self.model.column_of(DESCRIPTION):
            self._fit_description()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_description()
        return super().eventFilter(watched, event)

    def _show_totals(self) -> None:
        """Count and balance now; the sums by type off the GUI thread (a scan at a million)."""
        flt = self.model.filter
        self._totals_asked += 1
        asked = self._totals_asked
        self._totals_head = _("{n} entries").format(n=self.model.rowCount())
        self._totals_tail = ""
        last = self.model.rowCount() - 1
        balance = self.model.balance_after(last) if flt.account and last >= 0 else None
        if balance is not None:
            self._totals_tail = _("Balance {amount}").format(amount=format_amount(balance))
        self.totals.setText(
            "   ·   ".join(p for p in (self._totals_head, _("adding up…"), self._totals_tail) if p)
        )
        ledger = self.context.ledger

        def add_up(_progress: object) -> dict[str, int]:
            reader = ledger.sibling()
            try:
                return queries.totals(reader.conn, flt)
            finally:
                reader.close()

        def done(sums: dict[str, int]) -> None:
            if shiboken6.isValid(self) and asked == self._totals_asked:
                self._set_totals(sums)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self) and asked == self._totals_asked:
                self.totals.setText(self._totals_head + "   ·   " + messages.error_text(error))

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
            "   ·   ".join([*parts, self._totals_tail] if self._totals_tail else parts)
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
        """The balance an account held when this ledger was started (Entries menu)."""
        self._new_entry(EntryType.OPENING)

    def _new_entry(self, entry_type: EntryType) -> None:
        dialog = EntryDialog(self.context, entry_type, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.entry_id is not None:
            self.select_entry(dialog.entry_id)

    def reverse_selected(self) -> None:
        row = self.selected_entry()
        if row is None:
            return
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
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Entry {id}").format(id=row.id))
        layout = QVBoxLayout(dialog)
        layout.addLayout(entry_form(row))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.exec()
