"""The dashboard's small chart: receipts against payments, month by month.

pyqtgraph (and numpy behind it) costs a noticeable part of a second to import on an old PC,
so it is imported only when the first chart is built, never when this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ruralcouncil.i18n import _, locale_name

RECEIPTS_COLOUR = (46, 125, 50)  # green
PAYMENTS_COLOUR = (198, 40, 40)  # red
_BAR_WIDTH = 0.38


def _month_names() -> list[str]:
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", context="stand-alone", locale=locale_name())
    return [str(names[m]) for m in range(1, 13)]


def _tenge_axis() -> Any:
    """A left axis whose ticks read as whole tenge with local grouping: 1 500 000."""
    import pyqtgraph as pg  # type: ignore[import-untyped]
    from babel.numbers import format_decimal

    class TengeAxis(pg.AxisItem):  # type: ignore[misc]
        def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
            return [format_decimal(round(v), format="#,##0", locale=locale_name()) for v in values]

    axis = TengeAxis(orientation="left")
    axis.enableAutoSIPrefix(False)
    return axis


class MonthlyFlowChart(QWidget):
    """A bar chart of receipts and payments by month; built on the first :meth:`set_flows`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.plot: Any = None  # pyqtgraph.PlotWidget, once built
        # Small on purpose: the figures above are the record; the chart only shows the shape.
        self.setMinimumHeight(220)
        self.setMaximumHeight(250)

    def _build(self) -> None:
        import pyqtgraph as pg

        plot = pg.PlotWidget(background="w", axisItems={"left": _tenge_axis()})
        item = plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen("k"))
            axis.setTextPen(pg.mkPen("k"))
        item.setLabel("left", _("Tenge (₸)"), color="k")
        months = _month_names()
        item.getAxis("bottom").setTicks([[(m, months[m - 1]) for m in range(1, 13)]])
        item.setXRange(0.4, 12.6, padding=0)
        self.legend = item.addLegend(
            offset=(10, 2), labelTextColor="k", brush=(255, 255, 255, 200), colCount=2
        )
        self._layout.addWidget(plot)
        self.plot = plot

    def set_flows(self, flows: Sequence[tuple[int, int, int]]) -> None:
        """``flows`` is ``statements.monthly_flows``: (month, receipts, payments) in tiyn."""
        import pyqtgraph as pg

        if self.plot is None:
            self._build()
        item = self.plot.getPlotItem()
        for old in list(item.listDataItems()) + [
            i for i in item.items if isinstance(i, pg.BarGraphItem)
        ]:
            item.removeItem(old)
        self.legend.clear()
        months = [m for m, _r, _p in flows]
        # Whole tenge are plenty for bars; amounts stay integer tiyn everywhere else.
        receipts = [r // 100 for _m, r, _p in flows]
        payments = [p // 100 for _m, _r, p in flows]
        self.receipts_bars = pg.BarGraphItem(
            x=[m - _BAR_WIDTH / 2 for m in months],
            height=receipts,
            width=_BAR_WIDTH,
            brush=pg.mkBrush(*RECEIPTS_COLOUR),
            pen=pg.mkPen(None),
        )
        self.payments_bars = pg.BarGraphItem(
            x=[m + _BAR_WIDTH / 2 for m in months],
            height=payments,
            width=_BAR_WIDTH,
            brush=pg.mkBrush(*PAYMENTS_COLOUR),
            pen=pg.mkPen(None),
        )
        item.addItem(self.receipts_bars)
        item.addItem(self.payments_bars)
        self.legend.addItem(self.receipts_bars, _("Receipts"))
        self.legend.addItem(self.payments_bars, _("Payments"))
        top = max([*receipts, *payments, 1])
        # Headroom above the tallest bar keeps the legend clear of the bars.
        item.setYRange(0, top * 1.25, padding=0)
