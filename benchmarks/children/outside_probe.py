"""A page opened as an outside probe opens it, through the entry points the issue keeps for
probes: ``storage.open_ledger``, ``users.login``, ``app.build_main_window_for_smoke_test``
and ``show_page``. The window is shown, and at its first paint, before anything it does after
that paint, the page is asked for: timed until the page's first paint. The first page a
process opens so pays for all that Qt builds on its first use (the Python enums of its
namespace, the page's module and what it imports), which the program's own window has done
before a click can reach it.

Arguments: the ledger's path, the password, and the page (the Ledger page by default). With
``qt-namespace`` for a page, no page: what the first page pays for the first use of Qt's
namespace (the Python enums PySide builds for all of it)."""

import json
import sys
import time


def main() -> None:
    path, password = sys.argv[1], sys.argv[2]
    page = sys.argv[3] if len(sys.argv) > 3 else "ledger"
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
    if page == "qt-namespace":
        begun = time.perf_counter()
        from PySide6.QtCore import Qt  # its first use builds the enums of all of it

        namespace_ms = (time.perf_counter() - begun) * 1000
        assert Qt.ItemDataRole.UserRole
        print(json.dumps({"namespace_ms": namespace_ms}))
        return
    begun = time.perf_counter()
    watch.wait(window.show_page(page))
    page_ms = (time.perf_counter() - begun) * 1000
    window.close()
    ledger.close()
    print(json.dumps({"page_ms": page_ms, "login_ms": login_ms}))


if __name__ == "__main__":
    main()
