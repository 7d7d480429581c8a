"""Long work (import, backup, verify, reports) off the GUI thread.

The core reports progress through a plain callback ``progress(done, total)``; here it
becomes a Qt signal delivered on the GUI thread, as Electrum's QtEventListener does.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget


class WorkerSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)  # the exception


class Worker(QRunnable):
    """Runs ``fn(progress)`` in the thread pool; ``fn`` gets the progress callback."""

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkerSignals()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as exc:  # handed to the GUI thread, which shows it
            # Any exception carries it to the error dialog's details (messages.show_error);
            # no exception type declares the attribute.
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._tell(self.signals.failed, exc)
        else:
            self._tell(self.signals.finished, result)

    def _tell(self, signal: Any, value: object) -> None:
        # RuntimeError: the program closed while this ran (its signals went with the
        # application), so no one is left to tell. The work itself has ended as the core ends
        # it, written whole or, failed, rolled back.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


_running: set[Worker] = set()


def running() -> bool:
    """Whether work started here has not ended yet (its callbacks still to come)."""
    return bool(_running)


def start(
    fn: Callable[[Callable[[int, int], None]], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Worker:
    """Start ``fn`` in a worker thread; the callbacks run on the GUI thread."""
    worker = Worker(fn)
    _running.add(worker)

    def done(result: object) -> None:
        _running.discard(worker)
        on_done(result)

    def failed(exc: object) -> None:
        _running.discard(worker)
        on_error(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))

    worker.signals.finished.connect(done)
    worker.signals.failed.connect(failed)
    if on_progress is not None:
        worker.signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(worker)
    return worker


def run_and_wait(fn: Callable[[], Any], text: str, parent: QWidget | None = None) -> Any:
    """Run ``fn()`` in a worker behind a small busy window, and wait for it without freezing
    the screen (the window repaints, the busy bar moves); its result, or its exception
    raised here. For work that must end before anything else can go on (building the demo
    village before its login, a ledger's upgrade at its administrator's login)."""
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QProgressDialog

    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setObjectName("busyDialog")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)  # quick work shows no window at all
    dialog.setWindowTitle(" ")

    def done(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(error: Exception) -> None:
        outcome["error"] = error
        loop.quit()

    start(lambda _progress: fn(), done, failed)
    if not outcome:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
