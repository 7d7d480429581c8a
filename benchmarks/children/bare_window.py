"""The start-up floor: a bare PySide6 ``QMainWindow`` shown, until its first paint.

Argument: the parent's ``time.time()`` just before it started this process."""

import json
import sys
import time


def main() -> None:
    t0 = float(sys.argv[1])
    from PySide6.QtWidgets import QApplication, QMainWindow

    from benchmarks.children.paint_watch import PaintWatch

    _app = QApplication([])  # kept until the paint is seen
    watch = PaintWatch()
    window = QMainWindow()
    window.resize(1366, 740)
    window.show()
    watch.wait(window)
    print(json.dumps({"shown_s": time.time() - t0}))
