"""Column widths for tables of long free text (names, addresses, purposes), long in Kazakh:
the figures stay whole, the text columns share what is left and are cut with «…» (their
tooltips and the panel beside say them in full), so money never scrolls out of sight."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from ruralcouncil.i18n import _

LEAST_CHARACTERS = 12  # what a shared column keeps however small the window


def column_title(
    titles: Mapping[int, str], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    """A table model's ``headerData``: the column's ``N_``-marked title, translated."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and section in titles
    ):
        return _(titles[section])
    return None


def prepare(table: QTableView, shared: Sequence[int], stretch: int | None = None) -> None:
    """Set the resize modes: contents' width, the ``shared`` columns sized by :func:`share`,
    ``stretch`` (if any) taking what is left; text and headers cut with «…»."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in shared:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)


def share(
    table: QTableView,
    shared: Sequence[int],
    *,
    stretch: int | None = None,
    reserve: int = 0,
    least: int = LEAST_CHARACTERS,
) -> None:
    """Give the ``shared`` columns the room the others leave (the ``stretch`` column counts
    as ``reserve`` pixels), each at most its contents' width and at least ``least``
    characters, the narrowest whole first."""
    model = table.model()
    if model is None:
        return
    header = table.horizontalHeader()
    wanted = {
        c: max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
        for c in range(model.columnCount())
        if not table.isColumnHidden(c)
    }
    smallest = table.fontMetrics().averageCharWidth() * least
    visible = [c for c in shared if c in wanted]
    room = table.viewport().width() - reserve
    room -= sum(w for c, w in wanted.items() if c not in visible and c != stretch)
    for i, column in enumerate(sorted(visible, key=wanted.__getitem__)):
        width = min(wanted[column], max(smallest, room // (len(visible) - i)))
        table.setColumnWidth(column, width)
        room -= width
