"""Python's cycle collector, run on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold
is passed: a report rendered in a worker thread then frees the cyclic garbage of the GUI
thread's widgets there, and Qt objects destroyed off their own thread crash the program (seen
in a test: a segmentation fault "Garbage-collecting" inside reportlab in a worker). So the
automatic collector is turned off and a timer on the GUI thread collects instead, as often
as Python's own thresholds would (pyqtgraph's GarbageCollector does the same).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects the generations whose thresholds were passed, on each tick of its timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        gc.freeze()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(interval_ms)

    def collect_due(self) -> int:
        """Collect the oldest generation that is due (and the younger ones with it)."""
        counts = gc.get_count()
        due = [g for g in range(3) if self.thresholds[g] and counts[g] > self.thresholds[g]]
        return gc.collect(due[-1]) if due else 0

    def stop(self) -> None:
        """Hand collection back to Python (tests that go on without an event loop)."""
        self.timer.stop()
        gc.unfreeze()
        gc.enable()
        self.setParent(None)


def install(app: QObject) -> GuiThreadCollector:
    """The application's collector, made once and owned by ``app``."""
    # Kept on the application, not looked up with findChild or children(): their first call
    # builds a dozen Python enums (the overloads' flags, the children's classes), 6 ms of
    # every start.
    found = getattr(app, _ATTRIBUTE, None)
    if isinstance(found, GuiThreadCollector) and found.parent() is app:
        return found
    made = GuiThreadCollector(app)
    setattr(app, _ATTRIBUTE, made)
    return made


_ATTRIBUTE = "_ruralcouncil_collector"
