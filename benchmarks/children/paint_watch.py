"""Waits for a widget's first paint without ``processEvents()`` polling: an event filter
quits a local event loop when the paint arrives."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QWidget


class PaintWatch(QObject):
    """Quits a local event loop at the first paint of one widget. It watches that widget
    alone: an application-wide Python filter would make PySide build enums for every Qt
    class whose events pass it, a cost of the measurement and not of the program."""

    def __init__(self) -> None:
        super().__init__()
        self.target: QWidget | None = None
        self.loop: QEventLoop | None = None
        self.seen = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.target and event.type() == QEvent.Type.Paint:
            self.seen = True
            if self.loop is not None:
                self.loop.quit()
        return False

    def wait(self, widget: QWidget, timeout_ms: int = 120_000) -> None:
        self.target, self.seen = widget, False
        widget.installEventFilter(self)
        widget.update()
        self.loop = QEventLoop()
        QTimer.singleShot(timeout_ms, self.loop.quit)
        if not self.seen:
            self.loop.exec()
        self.loop = None
        widget.removeEventFilter(self)
        self.target = None
        if not self.seen:
            raise SystemExit("no paint arrived")


class FirstPaint(QObject):
    """Notes when the first paint of any widget it is installed on arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Type.Paint:
            self.at = time.time()
        return False
