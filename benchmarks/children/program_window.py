"""The program's start, step by step as ``run_gui`` takes it, timed from the process's
start: the login dialog's first paint, the login, the main window's first paint, its first
page's figures and chart, then a visit of every page.

Arguments: the parent's ``time.time()`` just before it started this process, the ledger's
path, the password, the mode: ``at-once`` (the password entered at once), ``typing`` (as a
user: its first key, a pause, then "Log in"; the wait counted as the dialog's plus the time
from "Log in") or ``cold`` (only the ledger page, visited before the window has loaded any
page's module); and ``pages`` (the pages visited, as above) or ``start`` (the start alone:
closed once the dashboard's chart is drawn)."""

import json
import sys
import time
from typing import Any


def main() -> None:
    t0 = float(sys.argv[1])
    path, password, mode = sys.argv[2], sys.argv[3], sys.argv[4]
    typing, cold = mode == "typing", mode == "cold"
    # The visits of every page after the start: none for the start alone; cold, only the
    # ledger's first.
    visits: tuple[str, ...] = ()
    if sys.argv[5] == "pages":
        visits = ("first",) if cold else ("first", "again")
    # As the program's entry point (ruralcouncil.start.main) does before it loads anything.
    from ruralcouncil import start

    start.pause_collection()
    # Then its command line, which finds no command and opens the window (run_gui): what
    # run_gui does is done below, step by step, to be timed.
    from ruralcouncil.cli import main as command_line
    from ruralcouncil.gui import app as gui_app

    run_gui, asked = gui_app.run_gui, []
    gui_app.run_gui = lambda db, demo=False, lang=None: asked.append((str(db), demo)) or 0
    assert command_line(["--db", path]) == 0 and asked == [(path, False)], asked
    gui_app.run_gui = run_gui
    from ruralcouncil import i18n

    if cold:  # no page's module loaded while the user reads the dashboard: the ledger's
        from ruralcouncil.gui import main_window  # cold (its start-up figures are unused)

        main_window.WARM_UP_AFTER_MS = 10**9
    from PySide6.QtCore import QEventLoop, QTimer

    from benchmarks.children.paint_watch import FirstPaint, PaintWatch

    qapp = gui_app.ensure_application()
    watch = PaintWatch()
    # As run_gui does: the user's language, and Qt's own texts in it.
    lang = i18n.load_preferred_language()
    i18n.set_language(lang)
    gui_app.install_qt_translations(qapp, lang)
    ledger, problem = gui_app.open_for_window(path)
    assert ledger is not None, problem
    dialog = gui_app.login_dialog_for(ledger, demo=False)  # whoever logged in last
    dialog.show()
    watch.wait(dialog)
    login_dialog_s = time.time() - t0
    enter = t0
    if typing:
        # As a user: the password's first key (which loads what follows "Log in"), a pause
        # while the rest is typed, then "Log in". The user waits for the dialog, then from
        # "Log in".
        dialog.password.textEdited.emit("b")
        pause = QEventLoop()
        QTimer.singleShot(600, pause.quit)
        pause.exec()
        enter = time.time() - login_dialog_s

    # The password's key derivation is the user's wait for their own security, not
    # start-up.
    from ruralcouncil.ledger import keys

    kdf = [0.0]
    derivations: list[tuple[Any, Any]] = []
    derive = keys._derive

    def timed_derive(*args: Any, **kwargs: Any) -> Any:
        derivations.append((args, kwargs))
        start = time.perf_counter()
        try:
            return derive(*args, **kwargs)
        finally:
            kdf[0] += time.perf_counter() - start

    keys._derive = timed_derive
    begun = time.perf_counter()
    # What "Log in" runs (LoginDialog.accept), less its wait cursor, whose Qt enums a
    # user's first key of the password has loaded long before: the login, with the main
    # window built while its key is derived.
    user = dialog.log_in("admin", password)
    login_s = time.perf_counter() - begun
    keys._derive = derive
    dialog.user = user
    dialog.close()
    # Then as run_gui: the session and its window shown (who logged in is remembered and
    # the clock checked once the window is painted).
    session = gui_app.after_login(ledger, dialog, demo=False)
    window = session.window

    # The first page is built just after the window's first paint: when are its figures
    # painted?
    figures_watch = FirstPaint()
    show_first_page = window._on_nav_row

    def watched_first_page(row: int) -> None:
        show_first_page(row)
        page = window.pages.get("dashboard")
        if page is not None and figures_watch.parent() is None:
            figures_watch.setParent(page)
            page.installEventFilter(figures_watch)

    window._on_nav_row = watched_first_page
    # Painted at the bare window's size: the size the last start closed it at, restored
    # (only the very first start of the benchmark maximises it, as a first start does).
    window.showNormal()
    window.resize(1366, 740)
    watch.wait(window)
    painted = time.time()
    # Times from ``enter`` (the process's start; when typing, shifted so that they count
    # the dialog's wait and then only the time from "Log in"), with the login's derivation
    # in them: the parent takes off the derivation timed alone in a fresh process, as the
    # login meets it.
    window_s = painted - enter
    # The derivations again, here, for the parent to print: their memory is now memory
    # this process has touched, which makes them faster than at the login. They hold up
    # what follows on this thread, so the times below are taken without them.
    kdf_again = 0.0
    for args, kwargs in derivations:
        begun = time.perf_counter()
        derive(*args, **kwargs)
        kdf_again += time.perf_counter() - begun
    heavy = sorted(m for m in ("pyqtgraph", "numpy", "reportlab") if m in sys.modules)

    # From here until the chart is drawn, the longest the window's thread went without a
    # turn of its event loop: what a click (on another page, say) could wait for.
    stalls = StallWatch()
    wait_until(lambda: figures_watch.at is not None, every_ms=1)
    assert figures_watch.at is not None
    figures_s = figures_watch.at - enter - kdf_again
    dashboard = window.pages["dashboard"]

    # The dashboard draws its chart after that.
    begun = time.perf_counter()
    wait_until(lambda: dashboard.chart.plot is not None, every_ms=2)
    chart_s = time.perf_counter() - begun
    longest_stall_ms = stalls.stop()

    # Then the pages, after the window has loaded their modules while the user reads the
    # dashboard (``MainWindow._warm_up_next``); cold, only the ledger's, before that.
    wait_until(lambda: cold or not visits or window.warmed_up(), every_ms=5)
    warmed_up_s = time.time() - enter - kdf_again

    pages = {}
    keys_in_order = ["ledger"] if cold else [spec.key for spec in window.specs]
    for visit in visits:
        for key in keys_in_order:
            if visit == "first" and key == "dashboard":
                continue  # shown at start-up
            begun = time.perf_counter()
            page = window.show_page(key)
            watch.wait(page)
            pages[f"{key} ({visit})"] = (time.perf_counter() - begun) * 1000
    # Closed as a user closes it: its size is kept for the next start, which restores it
    # (a returning user's start) instead of maximising the window as a first start does.
    window.close()
    print(
        json.dumps(
            {
                "login_dialog_s": login_dialog_s,
                "window_s": window_s,
                "login_s": login_s,
                "kdf_s": kdf_again,
                "kdf_beside_s": kdf[0],
                # scrypt's salt, n, r and p of each derivation, for the parent to time
                # them alone.
                "derivations": [[args[1].hex(), *args[2:5]] for args, _ in derivations],
                "heavy_before_paint": heavy,
                "chart_after_window_s": chart_s,
                "figures_s": figures_s,
                "pages_ms": pages,
                "warmed_up_s": warmed_up_s,
                "longest_stall_ms": longest_stall_ms,
            }
        )
    )


class StallWatch:
    """A timer due every millisecond: the longest gap between two of its calls is the
    longest the event loop did not turn."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(1)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        """The longest gap, in milliseconds."""
        self._tick()
        self.timer.stop()
        return self.longest * 1000


def wait_until(done: Any, every_ms: int) -> None:
    """Runs the event loop until ``done()`` holds, asking every ``every_ms``."""
    from PySide6.QtCore import QEventLoop, QTimer

    poll, loop = QTimer(), QEventLoop()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    poll.start(every_ms)
    loop.exec()
    poll.stop()
