"""A read-only table of rows the core returned whole, with fixed column titles.

The meetings and district pages show short lists that are replaced, never edited: this is
their common part (rows, counts, translated titles); each model says what its cells show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ruralcouncil.i18n import _

_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


class RowsModel(QAbstractTableModel):
    """Rows replaced whole (``set_rows``) under ``N_``-marked column titles, by column."""

    titles: Sequence[str] | Mapping[int, str] = ()
    # The title as the header's tooltip too: for columns narrow enough to cut it.
    title_tooltips = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.titles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        wanted = (_DISPLAY, _TOOLTIP) if self.title_tooltips else (_DISPLAY,)
        if orientation == Qt.Orientation.Horizontal and role in wanted:
            return _(self.titles[section])
        return None
