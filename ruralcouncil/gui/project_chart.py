"""The community projects page's chart: a project's target, what the households (and donors)
gave, what was spent, and what the fund has left, as horizontal bars with the target marked
across them, so "how far are we" reads at a glance.

As the dashboard's and the budget's charts (``gui/chart.py``): pyqtgraph (and numpy) is
imported only when the first chart is built, never when this module is imported, and
:meth:`ProjectChart.show_progress` builds the first chart only after its empty place has been
painted. Every figure is the core's (``projects.progress``); the bars are in whole tenge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from ruralcouncil.gui.chart import PaintFirstChart, legend_key, tenge_bars_plot
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.projects import Progress

TARGET_COLOUR = (120, 144, 156)  # blue-grey
COLLECTED_COLOUR = (46, 125, 50)  # green
DONATED_COLOUR = (129, 199, 132)  # light green
SPENT_COLOUR = (198, 40, 40)  # red
RETURNED_COLOUR = (239, 108, 0)  # orange: refunded or moved at the close
LEFT_COLOUR = (21, 101, 192)  # blue
TARGET_LINE_COLOUR = (55, 71, 79)
_BAR = 0.6

RETURNED = N_("Refunded or moved")
# The bars, top to bottom: (key, name, the segments' keys). A segment is one figure of the
# core's, drawn after the one before it on the same bar.
BARS = (
    ("target", N_("Target"), ("target",)),
    ("collected", N_("Collected"), ("collected", "donated")),
    ("spent", N_("Spent"), ("spent",)),
    ("returned", RETURNED, ("refunded", "moved")),
    ("left", N_("Left in the fund"), ("left",)),
)
COLOURS = {
    "target": TARGET_COLOUR,
    "collected": COLLECTED_COLOUR,
    "donated": DONATED_COLOUR,
    "spent": SPENT_COLOUR,
    "refunded": RETURNED_COLOUR,
    "moved": RETURNED_COLOUR,
    "left": LEFT_COLOUR,
}


@dataclass(frozen=True)
class ChartFigures:
    """What the chart draws, in tiyn, exactly as ``projects.progress`` gave it."""

    target: int
    collected: int
    donated: int
    spent: int
    refunded: int
    moved: int
    left: int

    @classmethod
    def of(cls, progress: Progress) -> ChartFigures:
        return cls(
            target=progress.project.target,
            collected=progress.collected,
            donated=progress.donated,
            spent=progress.spent,
            refunded=progress.refunded,
            moved=progress.moved,
            left=progress.remaining,
        )

    def value(self, key: str) -> int:
        return int(getattr(self, key))

    def returned_name(self) -> str:
        """What the close did with what was left, as the bar and the legend name it."""
        if self.refunded and not self.moved:
            return _("Refunded")
        if self.moved and not self.refunded:
            return _("Moved to another fund")
        return _(RETURNED)

    def bars(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """The bars to draw: "Refunded or moved" only once a close returned something."""
        return [bar for bar in BARS if bar[0] != "returned" or self.refunded or self.moved]


class ProjectChart(PaintFirstChart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Four bars read at this height; a 768-pixel screen keeps the page without scrolling.
        self.setMinimumHeight(150)
        self.figures: ChartFigures | None = None
        self.bars: dict[str, Any] = {}  # segment key -> its BarGraphItem

    def show_progress(self, progress: Progress) -> None:
        """Show ``progress`` at once when the plot exists; else once this place is
        painted."""
        self._show(ChartFigures.of(progress))

    def _draw(self, data: Any) -> None:
        self.set_figures(data)

    def _build(self) -> None:
        import pyqtgraph as pg  # type: ignore[import-untyped]
        from PySide6.QtCore import Qt

        plot, item = tenge_bars_plot()
        self.target_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(*TARGET_LINE_COLOUR, width=1, style=Qt.PenStyle.DashLine)
        )
        item.addItem(self.target_line, ignoreBounds=True)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self._layout.addWidget(self.legend)
        self._layout.addWidget(plot)
        self.plot = plot

    def set_figures(self, figures: ChartFigures) -> None:
        import pyqtgraph as pg

        self._pending = None
        if self.plot is None:
            self._build()
        self.figures = figures
        keys = [
            legend_key(TARGET_COLOUR, _("Target")),
            legend_key(COLLECTED_COLOUR, _("From households")),
        ]
        if figures.donated:
            keys.append(legend_key(DONATED_COLOUR, _("Donations")))
        keys.append(legend_key(SPENT_COLOUR, _("Spent")))
        if figures.refunded or figures.moved:
            keys.append(legend_key(RETURNED_COLOUR, figures.returned_name()))
        keys.append(legend_key(LEFT_COLOUR, _("Left")))
        # Each key whole on its line when the legend wraps (a narrow window, long words).
        self.legend.setText(
            " &nbsp;&nbsp; ".join(f'<span style="white-space: nowrap;">{k}</span>' for k in keys)
        )

        item = self.plot.getPlotItem()
        for old in [i for i in item.items if isinstance(i, pg.BarGraphItem | pg.TextItem)]:
            item.removeItem(old)
        bars = figures.bars()
        # The first bar at the top.
        places = [float(len(bars) - n) for n in range(len(bars))]
        self.bars = {}
        ends: list[int] = []
        for place, (_key, _name, segments) in zip(places, bars, strict=True):
            start = 0
            for segment in segments:
                # Whole tenge are plenty for bars; the labels say the exact amounts.
                width = figures.value(segment) // 100
                bar = pg.BarGraphItem(
                    x0=[start],
                    y=[place],
                    height=_BAR,
                    width=[width],
                    brush=pg.mkBrush(*COLOURS[segment]),
                    pen=pg.mkPen(None),
                )
                item.addItem(bar)
                self.bars[segment] = bar
                start += width
            total = sum(figures.value(s) for s in segments)
            label = pg.TextItem(format_amount(total), color=(30, 30, 30), anchor=(0, 0.5))
            label.setPos(max(start, 0), place)
            item.addItem(label)
            ends.append(start)
        left = item.getAxis("left")
        names = [figures.returned_name() if b[0] == "returned" else _(b[1]) for b in bars]
        left.setTicks([list(zip(places, names, strict=True))])
        self.target_line.setValue(figures.target // 100)
        top = max([1, *ends, figures.target // 100])
        # Room on the right for the amounts written after the longest bar.
        item.setXRange(min(0, *ends), top * 1.45, padding=0)
        item.setYRange(0.5, len(bars) + 0.5, padding=0)
