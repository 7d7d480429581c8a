"""The Ledger page opened as an outside probe opens it, through the entry points the issue
keeps for probes: ``storage.open_ledger``, ``users.login``,
``app.build_main_window_for_smoke_test`` and ``show_page``. The window is shown, and at its
first paint, before anything it does after that paint, the Ledger page is asked for: timed
until the page's first paint.

Arguments: the ledger's path and the password."""

import json
import sys
import time


def main() -> None:
    path, password = sys.argv[1], sys.argv[2]
    from benchmarks.children.paint_watch import PaintWatch
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.ledger import storage, users

    gui_app.ensure_application()  # the one QApplication, kept by Qt
    watch = PaintWatch()
    ledger = storage.open_ledger(path, write=True)
    begun = time.perf_counter()
    user = users.login(ledger, "admin", password)
    login_ms = (time.perf_counter() - begun) * 1000
    window = gui_app.build_main_window_for_smoke_test(ledger, user)
    window.resize(1366, 740)
    window.show()
    watch.wait(window)
    begun = time.perf_counter()
    watch.wait(window.show_page("ledger"))
    ledger_ms = (time.perf_counter() - begun) * 1000
    window.close()
    ledger.close()
    print(json.dumps({"ledger_ms": ledger_ms, "login_ms": login_ms}))


if __name__ == "__main__":
    main()
