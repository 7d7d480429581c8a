"""The dashboard's small chart: receipts against payments, month by month.

A month's bar is negative when reversals dated in it outweigh its entries (a payment made in
March and reversed in May makes May's payments negative): the y-axis follows the figures
below zero, with a zero line, so the chart never contradicts the tables. Month names are
CLDR's abbreviated names (Babel); where they do not fit the chart's width (Kazakh and Russian
in a small window), the axis drops their dots, then shortens them to three letters, then
labels every other month (:func:`month_labels`).

pyqtgraph (and numpy behind it) costs the better part of a second to import on an old PC, so
it is imported only when the first chart is due, never when this module is imported; and
:meth:`MonthlyFlowChart.show_flows` builds the first chart only after its place on screen has
been painted, so the window (and the dashboard's figures) appear without waiting for it. That
import is made in short steps, one per turn of the event loop (:func:`charts_ready`), and
only while a chart waiting for it is in sight: in one piece it held every click for its
whole length (a click on "Ledger" just after the login waited up to 0.35 s here).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontMetricsF, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ruralcouncil.i18n import _, locale_name

RECEIPTS_COLOUR = (46, 125, 50)  # green
PAYMENTS_COLOUR = (198, 40, 40)  # red
ZERO_COLOUR = (60, 60, 60)
_BAR_WIDTH = 0.38
_LABEL_GAP = 6  # pixels between two month labels, at least
X_RANGE = (0.4, 12.6)
# (month, receipts, payments) in tiyn, as ``statements.monthly_flows`` gives them.
Flows = Sequence[tuple[int, int, int]]


def _read(flows: Flows | Callable[[], Flows]) -> Flows:
    return flows() if callable(flows) else flows


def legend_key(colour: tuple[int, int, int], text: str) -> str:
    """A legend entry: a square in the bars' colour, then the text (escaped)."""
    from html import escape

    red, green, blue = colour
    return (
        f'<span style="color: rgb({red}, {green}, {blue}); font-size: large;">■</span> '
        f"{escape(text)}"
    )


def month_names(width: Literal["abbreviated", "wide"] = "abbreviated") -> list[str]:
    """The twelve month names in the user's language (CLDR stand-alone, via Babel)."""
    from babel.dates import get_month_names

    names = get_month_names(width, context="stand-alone", locale=locale_name())
    return [str(names[m]) for m in range(1, 13)]


def month_labels(width: float, measure: Callable[[str], float]) -> dict[int, str]:
    """The month labels that fit an axis ``width`` pixels long: month -> text.

    ``measure(text)`` is the text's width in pixels. The first that fits, in this order:
    CLDR's abbreviated names (``қаң.``, ``февр.``); the same without their dots; the first
    three letters of the full names (``фев``, ``сен``: the short form Russian tables use);
    then the same for every other month, then every third.
    """
    abbreviated = month_names()
    undotted = [name.rstrip(".") for name in abbreviated]
    three = [name[:3] for name in month_names("wide")]
    per_month = width / (X_RANGE[1] - X_RANGE[0])
    for step in (1, 2, 3):
        for labels in (abbreviated, undotted, three):
            if max(measure(text) for text in labels) + _LABEL_GAP <= per_month * step:
                return {m: labels[m - 1] for m in range(1, 13, step)}
    return {m: three[m - 1] for m in range(1, 13, 4)}


def _month_axis() -> Any:
    """A bottom axis that labels the months with the names that fit its length."""
    # pyqtgraph ships no type hints: its classes are Any, and subclassing Any needs [misc].
    import pyqtgraph as pg  # type: ignore[import-untyped]

    class MonthAxis(pg.AxisItem):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(orientation="bottom")
            self.labels: dict[int, str] = {}

        def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
            metrics = QFontMetricsF(self.style["tickFont"] or QFont())
            self.labels = month_labels(
                size * (X_RANGE[1] - X_RANGE[0]) / max(maxVal - minVal, 1e-9),
                metrics.horizontalAdvance,
            )
            return [(1.0, [float(m) for m in self.labels])]

        def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
            return [self.labels.get(round(v), "") for v in values]

    return MonthAxis()


def tenge_axis(orientation: str = "left") -> Any:
    """An axis whose ticks read as whole tenge with local grouping: 1 500 000."""
    import pyqtgraph as pg
    from babel.numbers import format_decimal

    class TengeAxis(pg.AxisItem):  # type: ignore[misc]
        def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
            return [format_decimal(round(v), format="#,##0", locale=locale_name()) for v in values]

        def tickSpacing(self, minVal: float, maxVal: float, size: float) -> Any:
            """Ticks a whole tenge apart at least: one between two whole tenge would repeat
            a label (a year without money reads 0, 1, not 0, 0, 0, 1, 1). Along a horizontal
            axis, no more ticks than their labels (``1 000 000``) fit side by side:
            pyqtgraph's own choice lets long figures run into each other."""
            if self.orientation not in ("bottom", "top") or maxVal <= minVal:
                levels = super().tickSpacing(minVal, maxVal, size)
                return [(step, offset) for step, offset in levels if step >= 1] or [(1, 0)]
            from PySide6.QtGui import QFontMetrics

            font = self.style.get("tickFont") or self.font()
            label = QFontMetrics(font).horizontalAdvance("0 000 000 000")
            most = max(2, int(size // max(label * 1.3, 1)))
            return [(max(1.0, _nice_step((maxVal - minVal) / most)), 0)]

    axis = TengeAxis(orientation=orientation)
    axis.enableAutoSIPrefix(False)
    return axis


def tenge_bars_plot() -> tuple[Any, Any]:
    """A plot of horizontal bars measured in tenge (the budget's lines, a project's money):
    white, still (no mouse, no menu), a vertical grid, black axes, tenge along the bottom.
    Returns (the widget, its plot item). pyqtgraph is imported here, after the first paint."""
    import pyqtgraph as pg

    plot = pg.PlotWidget(background="w", axisItems={"bottom": tenge_axis("bottom")})
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
    return plot, item


def _nice_step(least: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ that is at least ``least``."""
    import math

    power = 10.0 ** math.floor(math.log10(least)) if least > 0 else 1.0
    for factor in (1, 2, 5, 10):
        if factor * power >= least:
            return factor * power
    return 10 * power


# What a chart's first build imports, after the Python types of Qt's classes (which pyqtgraph
# asks for all of, about 700, on its import): numpy, then what pyqtgraph 0.14 imports from
# Qt and the standard library (each a step of its own; one it no longer imports costs only
# its own import), then pyqtgraph itself and Babel's dates and numbers for the axes.
_CHART_MODULES = ("pyqtgraph", "babel.dates", "babel.numbers")
_CHART_STEPS = (
    "pickle",
    "ctypes",
    "platform",
    "numpy",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvg",
    "PySide6.QtTest",
    "xml.etree.ElementTree",
    "subprocess",
    "pydoc",
    "multiprocessing.connection",
    "locale",
    "decimal",
    "cProfile",
    *_CHART_MODULES,
)
# One turn of the event loop imports for about this long, then lets the window answer.
# numpy and pyqtgraph's own modules cannot be cut: about 85 ms each here.
_STEP_MS = 4.0


def _chart_steps() -> Iterator[None]:
    """The chart modules' import, in pieces of a millisecond or less where they can be cut."""
    import PySide6.QtCore
    import PySide6.QtGui
    import PySide6.QtWidgets

    for module in (PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets):
        for name in dir(module):
            # PySide builds a class's Python type when first asked; a name that cannot be
            # had is pyqtgraph's to meet, not a reason to stop.
            with contextlib.suppress(Exception):
                getattr(module, name)
            yield
    for name in _CHART_STEPS:
        importlib.import_module(name)
        yield


class _ChartImport:
    """The chart modules' import, a few milliseconds per turn of the event loop, while one
    of the charts waiting for it is in sight; each is built (``_build_pending``) once it is
    done. A failed import is left to the build, which imports again and fails as it always
    would."""

    def __init__(self) -> None:
        self.done = False
        self.waiting: list[PaintFirstChart] = []
        self._steps = _chart_steps()
        self._due = False

    def wait(self, chart: PaintFirstChart) -> None:
        if chart not in self.waiting:
            self.waiting.append(chart)
        self._next_turn()

    def _next_turn(self) -> None:
        if not self._due:
            self._due = True
            QTimer.singleShot(0, self._turn)

    def _turn(self) -> None:
        self._due = False
        self.waiting = [c for c in self.waiting if shiboken6.isValid(c)]
        if not any(chart.isVisible() for chart in self.waiting):
            return  # resumed when a waiting chart is painted again (PaintFirstChart)
        until = time.perf_counter() + _STEP_MS / 1000
        try:
            while time.perf_counter() < until:
                next(self._steps)
        except Exception:  # the end (StopIteration), or an import failed: the build
            self.done = True  # imports again, and shows the error where it always has
        if not self.done:
            self._next_turn()
            return
        waiting, self.waiting = self.waiting, []
        for chart in waiting:
            if shiboken6.isValid(chart):
                chart._build_pending()


_import: _ChartImport | None = None


def charts_ready(chart: PaintFirstChart) -> bool:
    """Whether a chart can be built now without importing anything heavy. If not, the chart
    modules' import goes on a step per turn of the event loop while ``chart`` (or another
    waiting) is in sight, and ``chart._build_pending`` is called once it is done."""
    global _import
    if all(name in sys.modules for name in _CHART_MODULES):
        return True  # imported (a chart built at once, a test, or the steps below)
    if _import is None:
        _import = _ChartImport()
    if _import.done:
        return True  # an import failed: the build shows why
    _import.wait(chart)
    return False


class PaintFirstChart(QWidget):
    """A chart whose plot (and pyqtgraph, and numpy) is built only once its empty place has
    been painted, which is after the window around it has been drawn. :meth:`_show` draws at
    once when the plot exists; before that, what it was given waits for the first paint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.plot: Any = None  # pyqtgraph.PlotWidget, once built
        # What was given before the plot existed, and whether its build is due.
        self._pending: Any = None
        self._due = False

    def _draw(self, data: Any) -> None:
        """Draw ``data`` (building the plot the first time)."""
        raise NotImplementedError

    def _show(self, data: Any) -> None:
        if self.plot is not None:
            self._draw(data)
            return
        self._pending = data
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._pending is not None and not self._due:
            # Not from inside the paint: once the event loop has shown what was painted.
            self._due = True
            QTimer.singleShot(0, self, self._build_pending)

    def _build_pending(self) -> None:
        self._due = False
        if self._pending is None:
            return
        if not self.isVisible():  # hidden meanwhile: built when next painted
            return
        if not charts_ready(self):
            return  # the import goes on while this is in sight, then builds it
        data, self._pending = self._pending, None
        self._draw(data)

    def build_pending_now(self) -> None:
        """Build a chart still waiting for its first paint (tests, screenshots, the smoke
        test)."""
        if self._pending is not None:
            data, self._pending = self._pending, None
            self._draw(data)


class MonthlyFlowChart(PaintFirstChart):
    """A bar chart of receipts and payments by month; built on the first :meth:`set_flows`
    (at once) or :meth:`show_flows` (after the empty place has been painted once)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Small on purpose: the figures above are the record; the chart only shows the shape.
        self.setMinimumHeight(220)
        self.setMaximumHeight(250)

    def show_flows(self, flows: Flows | Callable[[], Flows]) -> None:
        """Show ``flows`` (see :class:`PaintFirstChart`). Building the first plot imports
        pyqtgraph and numpy. ``flows`` may be a function that reads them, called only when
        the chart is drawn: the first chart's query then waits for the window's first paint
        too."""
        self._show(flows if callable(flows) else list(flows))

    def _draw(self, data: Any) -> None:
        self.set_flows(_read(data))

    def _build(self) -> None:
        import pyqtgraph as pg
        from PySide6.QtCore import Qt  # not at import: see dashboard_page._ALIGN_RIGHT_VCENTER

        plot = pg.PlotWidget(
            background="w", axisItems={"left": tenge_axis(), "bottom": _month_axis()}
        )
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
        item.setXRange(*X_RANGE, padding=0)
        # Below it, a month's reversals outweigh its entries.
        self.zero_line = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(*ZERO_COLOUR, width=1))
        item.addItem(self.zero_line, ignoreBounds=True)
        # The key sits above the plot, where no bar can run under it at any window size.
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addWidget(self.legend)
        self._layout.addWidget(plot)
        self.plot = plot

    def set_flows(self, flows: Sequence[tuple[int, int, int]]) -> None:
        """``flows`` is ``statements.monthly_flows``: (month, receipts, payments) in tiyn."""
        import pyqtgraph as pg

        self._pending = None
        if self.plot is None:
            self._build()
        self.legend.setText(
            "{} &nbsp;&nbsp; {}".format(
                legend_key(RECEIPTS_COLOUR, _("Receipts")),
                legend_key(PAYMENTS_COLOUR, _("Payments")),
            )
        )
        item = self.plot.getPlotItem()
        for old in list(item.listDataItems()) + [
            i for i in item.items if isinstance(i, pg.BarGraphItem)
        ]:
            item.removeItem(old)
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
        top = max([*receipts, *payments, 1])
        bottom = min([*receipts, *payments, 0])
        # A little room above the tallest bar and under the deepest negative month.
        item.setYRange(bottom * 1.15 if bottom < 0 else 0, top * 1.08, padding=0)
