"""Small pieces every page of the window builds the same way: its title, its action buttons,
its tables' rows, its lines of text, the names of codes in its lists, and the selection of one
row of its table. Kept light (Qt's widgets only) so that a page's module loads nothing of
another page's or of a dialog's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSizePolicy, QTableView


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


def compact_rows(table: QTableView) -> None:
    """Rows a line of text high (as the audit log's), so a year's lines fit on a small screen."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


# Room beside a cell's text and a header's, in pixels: Qt's item margins and the grid line,
# the header's margins and its separator.
_CELL_ROOM = 8
_HEADER_ROOM = 12


def fit_columns(table: QTableView, start: int = 1) -> None:
    """Each column from ``start`` on as wide as its widest text, the header's or a row's (in
    the row's own font: a total row is bold), measured once per fill of a small table. Qt's
    own ``ResizeToContents`` asks the model for every role of every cell at each layout, some
    3,000 calls for a year's budget, a third of its page's build."""
    model = table.model()
    if model is None:
        return
    header = table.horizontalHeader()
    plain = table.fontMetrics()
    head = header.fontMetrics()
    display, font_role = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole
    fonts: list[QFontMetrics] = []
    for row in range(model.rowCount()):
        font = model.data(model.index(row, start), font_role)
        fonts.append(QFontMetrics(font) if isinstance(font, QFont) else plain)
    for column in range(start, model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal, display)
        width = _widest(head, title) + _HEADER_ROOM
        for row, metrics in enumerate(fonts):
            text = model.data(model.index(row, column), display)
            width = max(width, _widest(metrics, text) + _CELL_ROOM)
        header.resizeSection(column, width)


def _widest(metrics: QFontMetrics, text: object) -> int:
    """The widest line of ``text`` (a header may have two)."""
    if text is None:
        return 0
    return max(metrics.horizontalAdvance(line) for line in str(text).split("\n"))


def fit_rows(table: QTableView, at_least: int = 2) -> None:
    """As tall as its rows: the page scrolls as a whole, never a small table inside it."""
    model = table.model()
    rows = max(model.rowCount(), at_least) if model is not None else at_least
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height)


def one_line() -> QLabel:
    """A line of text directly on the page: never wrapped (a wrapping label makes the page
    ask for the height its tables would like, and scroll on a 768-pixel screen) and never
    widening the page (cut at its edge; the tooltip says it whole)."""
    label = QLabel()
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def add_named(combo: QComboBox, name: str, code: str) -> None:
    """One choice of a list: its name in the user's language (the code, for those who know
    it, in the tooltip), its code as the data."""
    combo.addItem(name or code, code)
    combo.setItemData(combo.count() - 1, code, Qt.ItemDataRole.ToolTipRole)


def named(name: str, code: str) -> str:
    """A category, cash account or fund as a list shows it: its name in the user's language,
    then its code."""
    return f"{name} — {code}" if name and name != code else code
