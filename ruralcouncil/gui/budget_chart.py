"""The budget page's chart: for each expenditure program, appropriated against committed and
paid, as horizontal bars (the programs' names, long in Kazakh, read along the left).

As the dashboard's chart (``gui/chart.py``): pyqtgraph (and numpy) is imported only when the
first chart is built, never when this module is imported, and :meth:`BudgetChart.show_lines`
builds the first chart only after its empty place has been painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ruralcouncil.i18n import _, locale_name

APPROPRIATED_COLOUR = (120, 144, 156)  # blue-grey
COMMITTED_COLOUR = (239, 108, 0)  # orange
PAID_COLOUR = (198, 40, 40)  # red
_BAR = 0.26
_NAME_CHARACTERS = 36

# (name, appropriated, committed, paid) in tiyn
ChartLine = tuple[str, int, int, int]


def _key(colour: tuple[int, int, int], text: str) -> str:
    from html import escape

    red, green, blue = colour
    return (
        f'<span style="color: rgb({red}, {green}, {blue}); font-size: large;">■</span> '
        f"{escape(text)}"
    )


def _short(name: str) -> str:
    return name if len(name) <= _NAME_CHARACTERS else name[: _NAME_CHARACTERS - 1] + "…"


def _tenge_axis() -> Any:
    import pyqtgraph as pg  # type: ignore[import-untyped]
    from babel.numbers import format_decimal

    class TengeAxis(pg.AxisItem):  # type: ignore[misc]
        def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
            return [format_decimal(round(v), format="#,##0", locale=locale_name()) for v in values]

    axis = TengeAxis(orientation="bottom")
    axis.enableAutoSIPrefix(False)
    return axis


class BudgetChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.plot: Any = None  # pyqtgraph.PlotWidget, once built
        self._pending: list[ChartLine] | None = None
        self._due = False
        self.setMinimumHeight(200)

    def show_lines(self, lines: Sequence[ChartLine]) -> None:
        """Show ``lines`` at once when the plot exists; else once this place is painted."""
        if self.plot is not None:
            self.set_lines(lines)
            return
        self._pending = list(lines)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._pending is not None and not self._due:
            self._due = True
            QTimer.singleShot(0, self, self._build_pending)

    def _build_pending(self) -> None:
        self._due = False
        lines, self._pending = self._pending, None
        if lines is None:
            return
        if not self.isVisible():
            self._pending = lines
            return
        self.set_lines(lines)

    def build_pending_now(self) -> None:
        """Build a chart still waiting for its first paint (screenshots, tests)."""
        if self._pending is not None:
            lines, self._pending = self._pending, None
            self.set_lines(lines)

    def _build(self) -> None:
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        plot = pg.PlotWidget(background="w", axisItems={"bottom": _tenge_axis()})
        item = plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=False, alpha=0.25)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen("k"))
            axis.setTextPen(pg.mkPen("k"))
        item.setLabel("bottom", _("Tenge (₸)"), color="k")
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addWidget(self.legend)
        self._layout.addWidget(plot)
        self.plot = plot

    def set_lines(self, lines: Sequence[ChartLine]) -> None:
        import pyqtgraph as pg

        self._pending = None
        if self.plot is None:
            self._build()
        self.legend.setText(
            " &nbsp;&nbsp; ".join(
                (
                    _key(APPROPRIATED_COLOUR, _("Appropriated")),
                    _key(COMMITTED_COLOUR, _("Committed")),
                    _key(PAID_COLOUR, _("Paid")),
                )
            )
        )
        item = self.plot.getPlotItem()
        for old in [i for i in item.items if isinstance(i, pg.BarGraphItem)]:
            item.removeItem(old)
        # The first line at the top, as the table lists them.
        places = [float(len(lines) - i) for i in range(len(lines))]
        self.bars: dict[str, Any] = {}
        for offset, (key, colour, column) in enumerate(
            (
                ("appropriated", APPROPRIATED_COLOUR, 1),
                ("committed", COMMITTED_COLOUR, 2),
                ("paid", PAID_COLOUR, 3),
            )
        ):
            # Whole tenge are plenty for bars.
            widths = [int(line[column]) // 100 for line in lines]
            bars = pg.BarGraphItem(
                x0=[0] * len(lines),
                y=[p + (1 - offset) * _BAR for p in places],
                height=_BAR,
                width=widths,
                brush=pg.mkBrush(*colour),
                pen=pg.mkPen(None),
            )
            item.addItem(bars)
            self.bars[key] = bars
        left = item.getAxis("left")
        left.setTicks([[(p, _short(line[0])) for p, line in zip(places, lines, strict=True)]])
        top = max([1, *(max(line[1], line[2], line[3]) // 100 for line in lines)])
        item.setXRange(0, top * 1.05, padding=0)
        item.setYRange(0.4, len(lines) + 0.6, padding=0)
        self.setMinimumHeight(max(200, 70 + 24 * len(lines)))
