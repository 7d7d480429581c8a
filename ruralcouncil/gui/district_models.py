"""The district page's tables: the villages, the attention list and one village's figures.

Each model is handed what ``ruralcouncil.district`` returned (a ``DistrictSummary``, a list
of ``Attention``: plain Python data, read in a worker) and only formats it: nothing here reads
a store, so the models are tested without a view and without DuckDB's file.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from ruralcouncil.gui.rows_model import RowsModel
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports.statements import BOX_MEANINGS

if TYPE_CHECKING:
    from ruralcouncil.district.attention import Attention
    from ruralcouncil.district.figures import DistrictSummary, VillageFigures

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole

VILLAGE, RECEIPTS, PAYMENTS, BOX7, ANCHOR = range(5)
VILLAGE_TITLES = {
    VILLAGE: N_("Village"),
    RECEIPTS: N_("Receipts"),
    PAYMENTS: N_("Payments"),
    BOX7: N_("Box 7"),
    ANCHOR: N_("Chain anchor"),
}
CONCERN, WHERE, ENTRY, DATE, AMOUNT, DETAIL = range(6)
ATTENTION_TITLES = {
    CONCERN: N_("Concern"),
    WHERE: N_("Village"),
    ENTRY: N_("Entry"),
    DATE: N_("Date"),
    AMOUNT: N_("Amount"),
    DETAIL: N_("Detail"),
}
ITEM, SUM = range(2)
TOOLTIP_WIDTH = 72  # characters
FIGURE_TITLES = {ITEM: N_("Detail"), SUM: N_("Amount")}


def received(boxes: dict[int, int]) -> int:
    """Receipts as the district's summary table counts them: boxes 2 and 3."""
    return boxes[2] + boxes[3]


def paid(boxes: dict[int, int]) -> int:
    """Payments as the district's summary table counts them: boxes 4, 5 and 6."""
    return boxes[4] + boxes[5] + boxes[6]


def short_anchor(entries: int, head: str) -> str:
    """The anchor as the status bar shortens it (the whole one is in the tooltip)."""
    return f"{entries}:{head[:8]}…"


def wrapped_tooltip(*parts: str | None) -> str:
    """A tooltip in lines of a readable width (a plain one is a single line however long: a
    refused file's problem, a rewritten history's anchors); a part the ones before already
    say (a path the problem names) is left out."""
    said: list[str] = []
    for part in parts:
        if part and not any(part in earlier for earlier in said):
            said.append(part)
    return "\n".join(
        "\n".join(textwrap.wrap(p, TOOLTIP_WIDTH, break_long_words=False, break_on_hyphens=False))
        for p in said
    )


def _code_names() -> dict[str, str]:
    # The standard codes' names in the reader's language; a code a council added itself
    # has no name the store keeps (names never leave the village), so it shows as its code.
    from ruralcouncil.ledger.classification import (
        DEFAULT_EXPENDITURE_PROGRAMS,
        DEFAULT_REVENUE_SOURCES,
    )

    return {a.code: a.name() for a in (*DEFAULT_REVENUE_SOURCES, *DEFAULT_EXPENDITURE_PROGRAMS)}


class _Table(RowsModel):
    """The district's tables: their titles are also tooltips (a title cut in a narrow
    column)."""

    title_tooltips = True

    def text(self, row: int, column: int) -> str:
        """What the cell shows (the tests read it)."""
        return str(self.data(self.index(row, column)) or "")


class VillagesModel(_Table):
    """The villages the store holds, in the order ``district_summary`` gives (Kazakh
    alphabetical), with the figures of the year."""

    titles = VILLAGE_TITLES

    def set_summary(self, summary: DistrictSummary | None) -> None:
        self.set_rows(list(summary.villages) if summary is not None else [])

    def village(self, row: int) -> VillageFigures | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        v: VillageFigures = self.rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            if column == VILLAGE:
                return v.village
            if column == RECEIPTS:
                return format_amount(received(v.boxes))
            if column == PAYMENTS:
                return format_amount(paid(v.boxes))
            if column == BOX7:
                return format_amount(v.boxes[7])
            return short_anchor(v.entries, v.head)
        if role == _TOOLTIP and column == ANCHOR:
            return v.anchor  # the whole anchor: what a printed code's village line names
        if role == _TOOLTIP and column == VILLAGE:
            return v.village  # a long Kazakh name, cut in a narrow column
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (RECEIPTS, PAYMENTS, BOX7):
            return _RIGHT
        return None


class AttentionModel(_Table):
    """The attention list as ``attention_list`` gives it (village by village)."""

    titles = ATTENTION_TITLES

    def set_items(self, items: list[Attention]) -> None:
        self.set_rows(list(items))

    def item(self, row: int) -> Attention | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        from ruralcouncil.district.attention import CONCERN_NAMES

        if not index.isValid() or index.row() >= len(self.rows):
            return None
        item: Attention = self.rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            if column == CONCERN:
                return _(CONCERN_NAMES[item.concern])
            if column == WHERE:
                return item.village or _("(a file of no known village)")
            if column == ENTRY:
                return "" if item.entry is None else str(item.entry)
            if column == DATE:
                return shown_date(item.date) if item.date else ""
            if column == AMOUNT:
                return "" if item.amount is None else format_amount(item.amount)
            return item.detail
        if role == _TOOLTIP:
            if column == CONCERN:
                return _(CONCERN_NAMES[item.concern])
            if column == WHERE:
                return item.village or item.path or None
            if column == DETAIL:
                return wrapped_tooltip(item.detail, item.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ENTRY, AMOUNT):
            return _RIGHT
        return None


class AttentionFilter(QSortFilterProxyModel):
    """The attention list, or only one ledger's rows ("Only this village"): matched by the
    ledger id, as two villages may share a name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger: str | None = None
        self.only = False

    def show_only(self, only: bool, ledger: str | None) -> None:
        if (only, ledger) != (self.only, self.ledger):
            self.beginFilterChange()
            self.only, self.ledger = only, ledger
            self.endFilterChange()

    def item(self, row: int) -> Attention | None:
        """The attention item on the view's ``row``."""
        source = self.sourceModel()
        index = self.mapToSource(self.index(row, 0))
        return source.item(index.row()) if isinstance(source, AttentionModel) else None

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.only:
            return True
        source = self.sourceModel()
        item = source.item(source_row) if isinstance(source, AttentionModel) else None
        return item is not None and item.ledger is not None and item.ledger == self.ledger


class VillageFiguresModel(_Table):
    """One village's year: boxes 1-10, receipts by source, payments by program; a heading
    row (bold, no amount) before each part."""

    titles = FIGURE_TITLES

    def set_village(self, village: VillageFigures | None) -> None:
        rows: list[tuple[str, int | None, bool]] = []  # text, amount, a heading
        if village is not None:
            names = _code_names()
            rows.append((_("Annual return boxes"), None, True))
            for box in range(1, 11):
                rows.append((f"{box}. {_(BOX_MEANINGS[box])}", village.boxes[box], False))
            for heading, found in (
                (_("Receipts by source"), village.receipts),
                (_("Payments by program"), village.payments),
            ):
                rows.append((heading, None, True))
                for code, amount in found.items():
                    name = names.get(code)
                    rows.append((f"{name} ({code})" if name else code, amount, False))
                if not found:
                    rows.append((_("none"), None, False))
        self.set_rows(rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        label, amount, heading = self.rows[index.row()]
        if role == _DISPLAY:
            if index.column() == ITEM:
                return label
            return "" if amount is None else format_amount(amount)
        if role == _TOOLTIP and index.column() == ITEM:
            return label  # a long box name, elided in a narrow panel
        if role == Qt.ItemDataRole.FontRole and heading:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == SUM:
            return _RIGHT
        return None
