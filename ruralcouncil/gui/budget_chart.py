"""The budget page's chart: for each expenditure program, appropriated against committed and
paid, as horizontal bars (the programs' names, long in Kazakh, read along the left).

As the dashboard's chart (``gui/chart.py``): pyqtgraph (and numpy) is imported only when the
first chart is built, never when this module is imported, and :meth:`BudgetChart.show_lines`
builds the first chart only after its empty place has been painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from ruralcouncil.gui.chart import PaintFirstChart, legend_key, tenge_bars_plot
from ruralcouncil.i18n import _

APPROPRIATED_COLOUR = (120, 144, 156)  # blue-grey
COMMITTED_COLOUR = (239, 108, 0)  # orange
PAID_COLOUR = (198, 40, 40)  # red
_BAR = 0.26
_NAME_CHARACTERS = 36

# (name, appropriated, committed, paid) in tiyn
ChartLine = tuple[str, int, int, int]


def _short(name: str) -> str:
    return name if len(name) <= _NAME_CHARACTERS else name[: _NAME_CHARACTERS - 1] + "…"


class BudgetChart(PaintFirstChart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(200)

    def show_lines(self, lines: Sequence[ChartLine]) -> None:
        """Show ``lines`` at once when the plot exists; else once this place is painted."""
        self._show(list(lines))

    def _draw(self, data: Any) -> None:
        self.set_lines(data)

    def _build(self) -> None:
        from PySide6.QtCore import Qt

        plot, _item = tenge_bars_plot()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addWidget(self.legend)
        self._layout.addWidget(plot)
        self.plot = plot

    def set_lines(self, lines: Sequence[ChartLine]) -> None:
        import pyqtgraph as pg  # type: ignore[import-untyped]

        self._pending = None
        if self.plot is None:
            self._build()
        self.legend.setText(
            " &nbsp;&nbsp; ".join(
                (
                    legend_key(APPROPRIATED_COLOUR, _("Appropriated")),
                    legend_key(COMMITTED_COLOUR, _("Committed")),
                    legend_key(PAID_COLOUR, _("Paid")),
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
