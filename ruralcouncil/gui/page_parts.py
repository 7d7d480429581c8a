"""Small pieces every page of the window builds the same way: its title, its action buttons
and the selection of one row of its table."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPushButton, QTableView


def page_title(text: str = "") -> QLabel:
    """A page's title: bold, larger than the text below it."""
    title = QLabel(text)
    font = title.font()
    font.setBold(True)
    font.setPointSize(15)
    title.setFont(font)
    return title


def action_button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    """A page's button (named, so tests and screenshots find it) that calls ``slot``."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def select_row(table: QTableView, row: int) -> bool:
    """Select and make current ``row`` of ``table`` (False when there is none)."""
    model = table.model()
    if model is None or row < 0:
        return False
    table.selectRow(row)
    table.setCurrentIndex(model.index(row, 0))
    return True
