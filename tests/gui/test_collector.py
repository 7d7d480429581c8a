"""Cyclic garbage is collected on the GUI thread only, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import collector


class _Cycle:
    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _freed.append(threading.current_thread().name)


_freed: list[str] = []


def test_the_automatic_collector_is_off_and_the_timer_collects(
    qapp: QApplication, qtbot: QtBot
) -> None:
    installed = collector.install(qapp)
    assert collector.install(qapp) is installed  # one per application
    assert not gc.isenabled()
    _freed.clear()
    gc.collect()

    def allocate_in_a_worker() -> None:
        # Far past the youngest generation's threshold: automatic collection would run
        # here, in this thread, and free the cycles made below (and any widget's garbage).
        for _ in range(10 * gc.get_threshold()[0]):
            _Cycle()

    worker = threading.Thread(target=allocate_in_a_worker, name="worker")
    worker.start()
    worker.join()
    assert _freed == []  # nothing was collected in the worker
    qtbot.waitUntil(lambda: len(_freed) > 0, timeout=5000)
    assert set(_freed) == {threading.main_thread().name}


def test_stopping_hands_collection_back_to_python(qapp: QApplication) -> None:
    installed = collector.install(qapp)
    installed.stop()
    assert gc.isenabled()
    assert qapp.findChild(collector.GuiThreadCollector) is None


def test_what_the_program_loaded_is_left_out_of_every_collection(qapp: QApplication) -> None:
    """Installing freezes what exists (gc.freeze); stopping hands it back to Python."""
    installed = collector.install(qapp)
    installed.stop()
    assert gc.get_freeze_count() == 0
    made = collector.GuiThreadCollector(qapp)
    try:
        assert gc.get_freeze_count() > 1000  # the modules and classes loaded so far
        _freed.clear()
        _Cycle()
        made.collect_due()
        gc.collect()  # what is made after the freeze is still collected
        assert _freed == [threading.main_thread().name]
    finally:
        made.stop()
    assert gc.get_freeze_count() == 0
