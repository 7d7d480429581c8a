"""The journal as a Qt table model that pages through the core by key.

Nothing here writes SQL: rows come from :mod:`ruralcouncil.ledger.queries` a page at a time.
A page next to one already held is asked for by its neighbour's first or last (date, id)
key, the last page from the end, and only a jump into the middle falls back to an offset.
So opening the page and jumping to the last of a million rows each cost one indexed query.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, queries
from ruralcouncil.ledger.dates import shown_date, shown_time
from ruralcouncil.ledger.entry_types import ENTRY_TYPE_NAMES, EntryType
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.storage import Ledger

# Column identifiers; the Balance column only exists while one cash account is filtered.
NUMBER, DATE, TYPE, CATEGORY, FUND, ACCOUNT, COUNTERPARTY, DESCRIPTION, REFERENCE = range(9)
AMOUNT, BALANCE, USER, LINKS = range(9, 13)

# In the order shown: first what an entry means (its number, date, type, what for, how
# much), then the columns that give way on a small screen.
COLUMN_TITLES = {
    NUMBER: N_("No."),
    DATE: N_("Date"),
    TYPE: N_("Type"),
    CATEGORY: N_("Category"),
    AMOUNT: N_("Amount"),
    BALANCE: N_("Balance"),
    FUND: N_("Fund"),
    ACCOUNT: N_("Account"),
    COUNTERPARTY: N_("Counterparty"),
    DESCRIPTION: N_("Description"),
    REFERENCE: N_("Reference"),
    USER: N_("User"),
    LINKS: N_("Reverses / reversed by"),
}
ALL_COLUMNS = list(COLUMN_TITLES)
# Always shown; the others may be narrowed or hidden.
ESSENTIAL_COLUMNS = (NUMBER, DATE, TYPE, CATEGORY, AMOUNT, BALANCE)


def names_by_code(ledger: Ledger) -> dict[str, str]:
    """The name of every category, cash account and fund in the user's language, by code."""
    names = {a.code: a.name() for a in catalog.book_accounts(ledger.conn)}
    names.update({f.code: f.name() for f in catalog.funds(ledger.conn)})
    return names


def type_text(row: EntryRow) -> str:
    """An entry's type as the ledger shows it; a reversal says which entry it reverses."""
    if row.reverses is not None:
        return _("Reversal of №{id}").format(id=row.reverses)
    return _(ENTRY_TYPE_NAMES[EntryType(row.type)])


ENTRY_ROLE = Qt.ItemDataRole.UserRole  # the EntryRow itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a raw, comparable value for the column

PAGE_SIZE = 200
MAX_PAGES = 50
WALK_PAGES = 4  # up to this many pages away, neighbours' keys beat an OFFSET
# A filtered page's balances are added up from the account's moves between its first and
# last row while there are at most this many per row shown (reading a move costs about a
# hundredth of a per-row aggregate query); beyond, one aggregate query per row.
SPARSE_SPAN = 64

_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        ENTRY_ROLE,
        SORT_ROLE,
    }
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_REVERSAL_COLOUR = QColor(176, 0, 32)
_REVERSED_COLOUR = QColor(120, 120, 120)


@dataclass
class _Page:
    rows: list[EntryRow]
    balances: list[int] | None = None  # cash account's balance after each row, when filtered
    texts: dict[tuple[int, int], str] = field(default_factory=dict)


class LedgerTableModel(QAbstractTableModel):
    """Read-only journal rows for one :class:`EntryFilter`, oldest first."""

    def __init__(
        self,
        ledger: Ledger,
        flt: EntryFilter | None = None,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._filter = flt or EntryFilter()
        self._page_size = page_size
        self._max_pages = max_pages
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._count: int | None = None
        self._names: dict[str, str] | None = None
        self._columns = self._columns_for(self._filter)
        # Queries made and rows read since the model was made (tests and benchmarks count them).
        self.fetches: dict[str, int] = {"after": 0, "before": 0, "offset": 0}
        self.rows_read = 0

    # --- state -------------------------------------------------------------------------

    @property
    def filter(self) -> EntryFilter:
        return self._filter

    def set_filter(self, flt: EntryFilter) -> None:
        self.beginResetModel()
        self._filter = flt
        self._columns = self._columns_for(flt)
        self._forget()
        self.endResetModel()

    def refresh(self) -> None:
        """After any write: forget every cached row, count and name."""
        self.beginResetModel()
        self._forget()
        self._names = None
        self.endResetModel()

    def _forget(self) -> None:
        self._pages.clear()
        self._count = None

    @staticmethod
    def _columns_for(flt: EntryFilter) -> list[int]:
        return [c for c in ALL_COLUMNS if c != BALANCE or flt.account]

    def column_id(self, column: int) -> int:
        """The column identifier (NUMBER, DATE, ...) shown at a view column."""
        return self._columns[column]

    def column_of(self, column_id: int) -> int:
        """The view column of an identifier, or -1 when it is not shown."""
        return self._columns.index(column_id) if column_id in self._columns else -1

    def entry(self, row: int) -> EntryRow | None:
        if not 0 <= row < self.rowCount():
            return None
        page, within = self._page_of(row)
        return page.rows[within] if within < len(page.rows) else None

    def balance_after(self, row: int) -> int | None:
        """The filtered cash account's balance after ``row``; None without that filter."""
        if not self._filter.account or not 0 <= row < self.rowCount():
            return None
        page, within = self._page_of(row)
        return page.balances[within] if page.balances and within < len(page.balances) else None

    # --- Qt interface ------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        if self._count is None:
            self._count = queries.count(self._ledger.conn, self._filter)
        return self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _(COLUMN_TITLES[column])  # the tooltip: the whole title, when narrowed
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (AMOUNT, BALANCE):
            return _RIGHT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Asked a dozen times per cell painted, for roles most of which have nothing here:
        # those are answered first, and a shown cell's text from its page's cache.
        if role not in _ROLES or not index.isValid():
            return None
        row_number, column_number = index.row(), index.column()
        if row_number >= self.rowCount() or not 0 <= column_number < len(self._columns):
            return None
        page, within = self._page_of(row_number)
        if within >= len(page.rows):
            return None
        column = self._columns[column_number]
        if role == _DISPLAY:
            key = (within, column)
            text = page.texts.get(key)
            if text is None:
                text = page.texts[key] = self._text(page.rows[within], column, page, within)
            return text
        row = page.rows[within]
        if role == ENTRY_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_value(row, column, page, within)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (NUMBER, AMOUNT, BALANCE):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column in (AMOUNT, TYPE):
            if row.reverses is not None:
                return QBrush(_REVERSAL_COLOUR)
            if row.reversed_by is not None:
                return QBrush(_REVERSED_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column == AMOUNT and row.reversed_by is not None:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    # --- cell contents -----------------------------------------------------------------

    def _name(self, code: str | None) -> str:
        """The name of the category, cash account or fund with this code, in the user's
        language (the code itself when it has none)."""
        if not code:
            return ""
        if self._names is None:
            self._names = names_by_code(self._ledger)
        return self._names.get(code) or code

    def _named(self, code: str) -> str:
        name = self._name(code)
        return f"{name} — {code}" if name != code else code

    def _cash_accounts(self, row: EntryRow) -> str:
        account = self._name(row.account)
        return f"{account} → {self._name(row.to_account)}" if row.to_account else account

    def _text(self, row: EntryRow, column: int, page: _Page, within: int) -> str:
        if column == NUMBER:
            return str(row.id)
        if column == DATE:
            return shown_date(row.date)
        if column == TYPE:
            return type_text(row)
        if column == CATEGORY:
            # What the entry is for; a transfer or an opening balance has no category, so
            # its cash accounts say it (they stay in sight when the Account column gives way).
            if row.category:
                return self._name(row.category)
            return self._cash_accounts(row)
        if column == FUND:
            return self._name(row.fund)
        if column == ACCOUNT:
            return self._cash_accounts(row)
        if column == AMOUNT:
            return format_amount(row.amount)
        if column == BALANCE:
            balances = page.balances
            return format_amount(balances[within]) if balances else ""
        if column == LINKS:
            if row.reverses is not None:
                return _("reverses №{id}").format(id=row.reverses)
            if row.reversed_by is not None:
                return _("reversed by №{id}").format(id=row.reversed_by)
            return ""
        return str(getattr(row, _TEXT_FIELDS[column]))

    def _sort_value(self, row: EntryRow, column: int, page: _Page, within: int) -> Any:
        if column in (NUMBER, LINKS):
            return row.id
        if column == DATE:
            return row.key
        if column == AMOUNT:
            return row.amount
        if column == BALANCE:
            return page.balances[within] if page.balances else 0
        if column == CATEGORY:
            return row.category or ""
        if column == ACCOUNT:
            return row.account
        return self._text(row, column, page, within)

    def _tooltip(self, row: EntryRow, column: int) -> str | None:
        if column == CATEGORY and row.category:
            return self._named(row.category)
        if column == FUND:
            return self._named(row.fund)
        if column in (ACCOUNT, CATEGORY):
            parts = [self._named(row.account)]
            if row.to_account:
                parts.append(self._named(row.to_account))
            return " → ".join(parts)
        if column in (COUNTERPARTY, DESCRIPTION, REFERENCE):
            text = str(getattr(row, _TEXT_FIELDS[column]))
            return text or None
        if column in (NUMBER, DATE, USER):
            return _("Recorded by {user} on {time}").format(
                user=row.user, time=shown_time(row.recorded_at)
            )
        if column in (TYPE, LINKS, AMOUNT):
            notes = []
            if row.reverses is not None:
                notes.append(_("Reversal of entry {id}").format(id=row.reverses))
                if row.reason:
                    notes.append(_("Reason: {reason}").format(reason=row.reason))
            if row.reversed_by is not None:
                notes.append(_("Reversed by entry {id}").format(id=row.reversed_by))
            if column == AMOUNT:
                notes.insert(0, format_amount(row.amount))
            return "\n".join(notes) or None
        return None

    # --- paging ------------------------------------------------------------------------

    def _page_of(self, row: int) -> tuple[_Page, int]:
        number, within = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
            self._pages[number] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page, within

    def _fetch(self, number: int) -> _Page:
        conn, flt, size = self._ledger.conn, self._filter, self._page_size
        last = max(0, (self.rowCount() - 1) // size)
        if 0 < number < last and number - 1 not in self._pages and number + 1 not in self._pages:
            # A few pages from the end, the start or a held page: walk there by key, since
            # an OFFSET costs as much as reading every row before it.
            for distance in range(1, WALK_PAGES + 1):
                if number + distance == last or number + distance in self._pages:
                    self._page_of((number + 1) * size)
                    break
                if number - distance == 0 or number - distance in self._pages:
                    self._page_of((number - 1) * size)
                    break
        previous, following = self._pages.get(number - 1), self._pages.get(number + 1)
        if number == 0:
            self.fetches["after"] += 1
            rows = queries.after(conn, flt, None, size)
        elif previous is not None and previous.rows:
            self.fetches["after"] += 1
            rows = queries.after(conn, flt, previous.rows[-1].key, size)
        elif following is not None and following.rows:
            self.fetches["before"] += 1
            rows = queries.before(conn, flt, following.rows[0].key, size)
        elif number == last:
            self.fetches["before"] += 1
            rows = queries.before(conn, flt, None, self.rowCount() - number * size)
        else:
            self.fetches["offset"] += 1
            rows = queries.at_offset(conn, flt, number * size, size)
        self.rows_read += len(rows)
        return _Page(rows, self._balances(rows, previous))

    def _balances(self, rows: list[EntryRow], previous: _Page | None) -> list[int] | None:
        account = self._filter.account
        if not account or not rows:
            return None
        conn, fund = self._ledger.conn, self._filter.fund
        if not _contiguous(self._filter):
            # Rows are missing between these (type, category or text filtered out): the
            # balance before the first, then every move of the account up to the last.
            moves = queries.account_moves(
                conn, account, rows[0].key, rows[-1].key, fund, SPARSE_SPAN * len(rows)
            )
            if moves is not None:
                balance = queries.balance_before(conn, account, rows[0].key, fund)
                after: dict[queries.Key, int] = {}
                for key, change in moves:
                    balance += change
                    after[key] = balance
                if all(r.key in after for r in rows):
                    return [after[r.key] for r in rows]
            # Too far apart (a rare text, say): one aggregate query per row.
            return [
                queries.balance_before(conn, account, r.key, fund) + r.effect_on(account)
                for r in rows
            ]
        if previous is not None and previous.balances:
            balance = previous.balances[-1]
        else:
            balance = queries.balance_before(conn, account, rows[0].key, fund)
        result = []
        for r in rows:
            balance += r.effect_on(account)
            result.append(balance)
        return result


_TEXT_FIELDS = {
    COUNTERPARTY: "counterparty",
    DESCRIPTION: "description",
    REFERENCE: "reference",
    USER: "user",
}


def _contiguous(flt: EntryFilter) -> bool:
    """True when the filter keeps every entry that moves the filtered cash account (and
    fund)."""
    return not (flt.type or flt.category or flt.text.strip())
