"""Start-up: the main window is painted before the heavy libraries load, and a login reads
the same few rows whatever the ledger's size (while still refusing a chain whose user
records were tampered with). Nothing here is timed: the benchmarks measure time."""

from __future__ import annotations

import json
import textwrap
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    fresh_ledger,
    fresh_python,
    import_receipts,
    raw,
    receipt,
    tamper,
    vm_steps,
    window_probe,
)

from ruralcouncil.ledger import chain, users
from ruralcouncil.ledger.errors import AuthenticationFailed, LedgerUnavailable
from ruralcouncil.ledger.storage import Ledger, open_ledger

HEAVY = ("pyqtgraph", "numpy", "reportlab", "duckdb")


# --- the main window's first paint ---------------------------------------------------------


_FIRST_PAINT = textwrap.dedent(
    """
    import enum, json, sys, time

    # Records the Python enums PySide builds: the first use of any enum of Qt's namespace
    # builds all ~90 of them (WindowState among them), a wait start-up need not include.
    made = []
    _new_enum = enum.EnumType.__new__

    def recording(metacls, cls, bases, classdict, **kwargs):
        made.append(cls)
        return _new_enum(metacls, cls, bases, classdict, **kwargs)

    enum.EnumType.__new__ = recording

    from ruralcouncil import i18n
    from ruralcouncil.gui import app as gui_app
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    from ruralcouncil.ledger import users

    class FirstPaint(QObject):
        \"\"\"Notes which heavy libraries are loaded when the window is first painted.\"\"\"

        def __init__(self):
            super().__init__()
            self.window = None
            self.loaded = None

        def eventFilter(self, obj, event):
            if (
                self.loaded is None
                and self.window is not None
                and event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and (obj is self.window or self.window.isAncestorOf(obj))
            ):
                self.loaded = sorted(m for m in HEAVY if m in sys.modules)
                self.qt_namespace = "WindowState" in made
                self.pages = sorted(m for m in page_modules(self.window) if m in sys.modules)
            return False

    HEAVY = ("pyqtgraph", "numpy", "reportlab", "duckdb")

    def page_modules(window):
        return [spec.module for spec in window.specs if spec.key != "dashboard"]

    app = gui_app.ensure_application()
    watch = FirstPaint()
    app.installEventFilter(watch)
    i18n.set_language("en")
    ledger, problem = gui_app.open_for_window(sys.argv[1])
    assert ledger is not None, problem
    user = users.login(ledger, "admin", sys.argv[2])
    assert not [m for m in HEAVY if m in sys.modules], "loaded before the window was built"
    window = gui_app.build_main_window_for_smoke_test(ledger, user)
    watch.window = window
    window.show()  # a first start, its size not set: maximised when shown
    dashboard = window.page("dashboard")
    deadline = time.monotonic() + 120
    while (watch.loaded is None or dashboard.chart.plot is None) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    # Then, while the user reads it, every page's module (and nothing heavy).
    while not window.warmed_up() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    print(json.dumps({
        "at_first_paint": watch.loaded,
        "pages_at_first_paint": watch.pages,
        "pages": len(page_modules(window)),
        "pages_not_warmed_up": [m for m in page_modules(window) if m not in sys.modules],
        "qt_namespace_at_first_paint": watch.qt_namespace,
        "maximized": window.isMaximized(),
        "chart_built": dashboard.chart.plot is not None,
        "after": sorted(m for m in HEAVY if m in sys.modules),
        "bars": list(dashboard.chart.receipts_bars.opts["height"])
        if dashboard.chart.plot is not None else None,
    }))
    window.close()
    ledger.close()
    """
)


def test_window_is_painted_before_the_heavy_libraries_load_and_the_chart_follows(
    tmp_path: Path,
) -> None:
    from datetime import date

    ledger = fresh_ledger(tmp_path)
    try:
        admin = admin_of(ledger)
        year = date.today().year  # the dashboard opens on this year
        receipt(ledger, admin, f"{year}-01-10", 150_000_00)
        path = ledger.path
    finally:
        ledger.close()
    # A first start: no window size kept yet, so the window opens maximised.
    found = window_probe(_FIRST_PAINT, tmp_path / "config", str(path), PASSWORD)
    assert found["at_first_paint"] == [], "loaded before the main window's first paint"
    assert found["pages_at_first_paint"] == [], "a page's module before the first paint"
    assert found["pages"] >= 15 and found["pages_not_warmed_up"] == []
    assert found["qt_namespace_at_first_paint"] is False, "Qt's enums built before the paint"
    assert found["maximized"] is True  # a first start fills the screen
    assert found["chart_built"], "the chart never appeared after the first paint"
    assert "pyqtgraph" in found["after"] and "reportlab" not in found["after"]
    assert found["bars"][0] == 150_000  # January's receipts, in tenge


# --- a login costs the same at any size ----------------------------------------------------


def _login_steps(ledger: Ledger, name: str = ADMIN, password: str = PASSWORD) -> int:
    """How much SQLite work a login does (virtual machine steps, in tens)."""
    return vm_steps(ledger.conn, lambda: users.login(ledger, name, password))


def test_a_login_reads_no_more_of_a_larger_ledger(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    try:
        admin = admin_of(ledger)
        users.add_user(ledger, admin, "clerk", "clerk", "clerk-password-1")
        users.set_role(ledger, admin, "clerk", "chair")
        small = _login_steps(ledger)
        import_receipts(ledger, tmp_path, 3000)
        for n in range(40):  # many small commits too
            receipt(ledger, admin, "2025-04-01", 100_00 + n)
        users.set_role(ledger, admin, "clerk", "clerk")  # a user change far into the chain
        import_receipts(ledger, tmp_path, 2000)
        large = _login_steps(ledger)
        assert users.login(ledger, "clerk", "clerk-password-1").role == users.Role.CLERK
    finally:
        ledger.close()
    # A walk of the chain would read every one of its 5,000 new entries.
    assert large <= small * 2 + 50, (small, large)


# --- and still refuses user records it cannot trust ----------------------------------------


@pytest.fixture
def disabled(tmp_path: Path) -> tuple[Path, int]:
    """A ledger whose clerk was disabled, with entries before and after: (path, the chain
    position of the disabling)."""
    ledger = fresh_ledger(tmp_path)
    try:
        admin = admin_of(ledger)
        users.add_user(ledger, admin, "leaver", "clerk", "leaver-password-1")
        receipt(ledger, admin, "2025-02-01", 100_00)
        users.set_active(ledger, admin, "leaver", False)
        receipt(ledger, admin, "2025-02-02", 200_00)
        seq = chain.entry_seq(ledger.conn, "user", "2")
        assert seq is not None
        return ledger.path, seq
    finally:
        ledger.close()


def _refused(path: Path) -> None:
    ledger = open_ledger(path)
    try:
        with pytest.raises((LedgerUnavailable, AuthenticationFailed)):
            users.login(ledger, "leaver", "leaver-password-1")
    finally:
        ledger.close()


def test_the_disabled_clerk_cannot_log_in(disabled: tuple[Path, int]) -> None:
    _refused(disabled[0])


@pytest.mark.parametrize("kind", ["transaction", "event", "import", "setting", "zzz"])
def test_a_disabling_hidden_under_any_kind_is_not_missed(
    disabled: tuple[Path, int], kind: str
) -> None:
    """The row's kind is not signed: given another one, the disabling must not vanish from
    what a login reads (the table is put back to active as well)."""
    path, seq = disabled
    tamper(
        path,
        f"UPDATE chain SET kind = '{kind}' WHERE seq = {seq}",
        "UPDATE users SET active = 1 WHERE name = 'leaver'",
    )
    _refused(path)


def test_a_disabling_rewritten_and_rehashed_to_the_end_is_not_missed(
    disabled: tuple[Path, int],
) -> None:
    """The disabling replaced by the leaver's earlier record, every later hash recomputed: the
    last signature no longer holds over the head."""
    path, seq = disabled
    with closing(raw(path)) as db:
        earlier = db.execute(
            "SELECT payload FROM chain WHERE kind = 'user' AND record = '2' AND seq < ?"
            " ORDER BY seq DESC LIMIT 1",
            (seq,),
        ).fetchone()[0]
        content = json.loads(earlier)["content"]
        rows = db.execute(
            "SELECT seq, kind, record, author, payload FROM chain WHERE seq >= ? ORDER BY seq",
            (seq,),
        ).fetchall()
        prev = db.execute("SELECT hash FROM chain WHERE seq = ?", (seq - 1,)).fetchone()[0]
    statements = []
    for position, kind, record, author, payload in rows:
        body = content if position == seq else json.loads(payload)["content"]
        new = chain.envelope(position, kind, record, author, prev, body)
        prev = chain.digest(new)
        statements.append(
            f"UPDATE chain SET payload = '{new.replace(chr(39), chr(39) * 2)}',"
            f" hash = '{prev}' WHERE seq = {position}"
        )
    tamper(path, *statements, "UPDATE users SET active = 1 WHERE name = 'leaver'")
    _refused(path)


def test_an_unsigned_user_entry_appended_is_refused(disabled: tuple[Path, int]) -> None:
    """A re-enabling appended by hand, correctly hashed and linked, but signed by no one."""
    path, _seq = disabled
    with closing(raw(path)) as db:
        seq, prev = chain.head(db)
        content = json.loads(
            db.execute(
                "SELECT payload FROM chain WHERE kind = 'user' AND record = '2'"
                " ORDER BY seq DESC LIMIT 1"
            ).fetchone()[0]
        )["content"]
        content["active"] = 1
        payload = chain.envelope(seq + 1, "user", "2", 1, prev, content)
        db.execute(
            "INSERT INTO chain (seq, kind, record, author, payload, hash)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (seq + 1, "user", "2", 1, payload, chain.digest(payload)),
        )
        db.execute("UPDATE users SET active = 1 WHERE name = 'leaver'")
    ledger = open_ledger(path)
    try:
        with pytest.raises(LedgerUnavailable, match="not signed"):
            users.login(ledger, "leaver", "leaver-password-1")
        with pytest.raises(LedgerUnavailable, match="not signed"):
            users.login(ledger, ADMIN, PASSWORD)
    finally:
        ledger.close()


_WHILE_TYPING = textwrap.dedent(
    """
    import json, sys
    from ruralcouncil import i18n
    from ruralcouncil.gui import app as gui_app

    app = gui_app.ensure_application()
    i18n.set_language("en")
    ledger, problem = gui_app.open_for_window(sys.argv[1])
    from ruralcouncil.gui.login_dialog import LoginDialog

    dialog = LoginDialog(ledger, user_name="admin")
    dialog.show()
    app.processEvents()
    # the chain's reader, which a login loads beside the key's derivation
    CHAIN_READER = (
        "ruralcouncil.ledger.replay", "ruralcouncil.ledger.records", "ruralcouncil.ledger.commit"
    )
    WATCHED = (
        "ruralcouncil.gui.main_window",
        "ruralcouncil.gui.session",
        "ruralcouncil.ledger.clock",
        "cryptography",
    )
    import PySide6.QtWidgets

    # PySide builds a class's Python type (and its enums) when it is first named.
    def main_window_type():
        return "QMainWindow" in vars(PySide6.QtWidgets)

    before = [m for m in WATCHED if m in sys.modules]
    chain_reader = [m for m in CHAIN_READER if m in sys.modules]
    type_before = main_window_type()
    dialog.password.textEdited.emit("c")  # the password's first key, as typed
    after = [m for m in WATCHED if m in sys.modules]
    print(json.dumps({
        "before": before,
        "after": after,
        "chain_reader": chain_reader,
        "main_window_type": [type_before, main_window_type()],
    }))
    ledger.close()
    """
)


def test_the_main_windows_code_loads_while_the_password_is_typed(tmp_path: Path) -> None:
    """Neither the main window's code (nor the session's, nor the clock's) nor the
    cryptography that opens a key is loaded before the login dialog is shown (its wait),
    but at the password's first key (while the user types), so "Log in" is followed by the
    key's opening and the window alone. Nor is the chain's reader, which the login loads
    beside the key's derivation, nor QMainWindow's Python type (built when first named)."""
    ledger = fresh_ledger(tmp_path)
    path = ledger.path
    ledger.close()
    found = window_probe(_WHILE_TYPING, tmp_path / "c", str(path))
    assert found == {
        "before": [],
        "after": [
            "ruralcouncil.gui.main_window",
            "ruralcouncil.gui.session",
            "ruralcouncil.ledger.clock",
            "cryptography",
        ],
        "chain_reader": [],
        "main_window_type": [False, True],
    }


_PROBE_LOGIN = textwrap.dedent(
    """
    import json, sys
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.ledger import storage, users

    app = gui_app.ensure_application()
    ledger = storage.open_ledger(sys.argv[1], write=True)
    CHAIN_READER = (
        "ruralcouncil.ledger.replay", "ruralcouncil.ledger.records", "ruralcouncil.ledger.commit"
    )
    WATCHED = ("ruralcouncil.gui.main_window", "cryptography", *CHAIN_READER)
    before = [m for m in WATCHED if m in sys.modules]
    user = users.login(ledger, sys.argv[3], sys.argv[2])
    after = [m for m in WATCHED if m in sys.modules]
    print(json.dumps({"before": before, "after": after, "user": user.name}))
    ledger.close()
    """
)


def test_the_main_windows_code_loads_while_the_key_is_derived(tmp_path: Path) -> None:
    """A login without the dialog's typing (an outside probe's, or a password pasted):
    the window's code, the cryptography and the chain's reader (what reads the users) load
    beside the key's derivation, so they are there when the login returns."""
    ledger = fresh_ledger(tmp_path)
    path = ledger.path
    ledger.close()
    found = window_probe(_PROBE_LOGIN, tmp_path / "c", str(path), PASSWORD, ADMIN)
    assert found == {
        "before": [],
        "after": [
            "ruralcouncil.gui.main_window",
            "cryptography",
            "ruralcouncil.ledger.replay",
            "ruralcouncil.ledger.records",
            "ruralcouncil.ledger.commit",
        ],
        "user": ADMIN,
    }


def test_the_ledger_pages_module_leaves_the_entry_dialogs_for_later() -> None:
    """Its first visit, when the user clicks "Ledger" at once, does not wait for the entry
    dialogs, the posting rules behind them or Babel's locale data (about 40 ms together):
    they load when a dialog is first opened or a date is first written by Babel."""
    done = fresh_python(
        "import json, sys; import ruralcouncil.gui.ledger_page; "
        "print(json.dumps(sorted(m for m in sys.argv[1:] if m in sys.modules)))",
        "ruralcouncil.gui.entry_dialogs",
        "ruralcouncil.gui.reverse_dialog",
        "ruralcouncil.ledger.journal",
        "babel",
        "ruralcouncil.gui.ledger_model",
        QT_QPA_PLATFORM="offscreen",
    )
    assert done.returncode == 0, done.stderr
    # The page's own model is there: the probe sees what the module loads.
    assert json.loads(done.stdout) == ["ruralcouncil.gui.ledger_model"]


# Modules a page has no need of at its first visit: other pages, the dialogs with the posting
# rules behind them, the annual return's forms and rules, the printed rent arrears list.
_NOT_FOR_A_PAGE = (
    "ruralcouncil.gui.entry_dialogs",
    "ruralcouncil.gui.asset_dialogs",
    "ruralcouncil.gui.fine_dialogs",
    "ruralcouncil.gui.loan_dialogs",
    "ruralcouncil.gui.project_dialogs",
    "ruralcouncil.gui.return_forms",
    "ruralcouncil.ledger.annual_return",
    "ruralcouncil.reports.arrears",
)


def test_no_pages_module_loads_another_page_or_the_dialogs() -> None:
    """A page's first visit in the moment after the login (before the window has loaded
    every page's module while the user reads), or an outside probe's, loads only what that
    page shows: the helpers pages share are in page_parts and date_field, not in another
    page or a dialog (the Fines page once loaded the Budget page, the asset dialogs and the
    printed arrears list, 45 ms). Each page is loaded alone, what it brought taken away
    before the next."""
    done = fresh_python(
        textwrap.dedent(
            """
            import importlib, json, sys
            from ruralcouncil.gui.main_window import PAGES
            found = {}
            for spec in PAGES:
                before = set(sys.modules)
                importlib.import_module(spec.module)
                brought = set(sys.modules) - before
                found[spec.key] = sorted(
                    m for m in brought
                    if m != spec.module and (m.endswith("_page") or m in sys.argv[1:])
                )
                for name in brought:
                    if name.startswith("ruralcouncil."):
                        del sys.modules[name]
            print(json.dumps(found))
            """
        ),
        *_NOT_FOR_A_PAGE,
        QT_QPA_PLATFORM="offscreen",
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 18  # every page was loaded
    assert {page: loaded for page, loaded in found.items() if loaded} == {}


# --- the dashboard's chart: pyqtgraph imported a step per turn of the event loop ------------


# A probe's window, as an outside probe makes it: the ledger argv[1] opened, the
# administrator logged in with the password argv[2], the main window built (not shown).
_PROBE_WINDOW = textwrap.dedent(
    """
    import sys
    from ruralcouncil import i18n
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.ledger import users

    app = gui_app.ensure_application()
    i18n.set_language("en")
    ledger, problem = gui_app.open_for_window(sys.argv[1])
    assert ledger is not None, problem
    user = users.login(ledger, "admin", sys.argv[2])
    window = gui_app.build_main_window_for_smoke_test(ledger, user)
    """
)

_PROBE_CHART = _PROBE_WINDOW + textwrap.dedent(
    """
    import json, time
    from ruralcouncil.gui import chart

    # Each turn that went on with the import (not one that found no chart in sight), and
    # what had loaded by its end.
    turns = []
    turn = chart._ChartImport._turn

    def counted(self):
        turn(self)
        if self._due or self.done:
            turns.append(("numpy" in sys.modules, "pyqtgraph" in sys.modules))

    chart._ChartImport._turn = counted

    def run_until(done, seconds=60):
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        return done()

    window.show()
    dashboard = window.page("dashboard")
    # The first turns (Qt's classes), then "Ledger" is clicked: the import stops while no
    # chart waiting for it is in sight.
    assert run_until(lambda: len(turns) >= 3)
    window.show_page("ledger")
    stopped_at = len(turns)
    run_until(lambda: False, seconds=0.5)
    paused = {
        "turns_while_away": len(turns) - stopped_at,
        "pyqtgraph": "pyqtgraph" in sys.modules,
        "chart": dashboard.chart.plot is not None,
    }
    # Back on the dashboard it goes on, and the chart is built when it is done.
    window.show_page("dashboard")
    built = run_until(lambda: dashboard.chart.plot is not None)
    first_with_numpy = next(i for i, (numpy, _pg) in enumerate(turns) if numpy)
    print(json.dumps({
        "paused": paused,
        "built": built,
        "turns": len(turns),
        "turns_before_numpy": first_with_numpy,
        "turns_before_pyqtgraph": [pg for _numpy, pg in turns].index(True),
        "bars": list(dashboard.chart.receipts_bars.opts["height"]) if built else None,
    }))
    window.close()
    ledger.close()
    """
)


def test_the_charts_library_loads_a_step_per_turn_while_a_chart_is_in_sight(
    tmp_path: Path,
) -> None:
    """pyqtgraph (with numpy, and the Python types of Qt's ~700 classes it asks for) is
    imported a few milliseconds per turn of the event loop, so a click just after the login
    is answered between two turns instead of after the whole import; it stops while the
    page that waits for it is not in sight, and the chart is built once it is done."""
    ledger = fresh_ledger(tmp_path)
    receipt(ledger, admin_of(ledger), f"{date.today().year}-01-10", 1_500_00)
    path = ledger.path
    ledger.close()
    found = window_probe(_PROBE_CHART, tmp_path / "c", str(path), PASSWORD)
    assert found["paused"] == {"turns_while_away": 0, "pyqtgraph": False, "chart": False}
    assert found["built"] is True
    # Qt's classes alone take many turns, then numpy, then pyqtgraph in a turn of its own.
    assert found["turns_before_numpy"] >= 10
    assert found["turns"] > found["turns_before_pyqtgraph"] > found["turns_before_numpy"]
    assert found["bars"][0] == 1_500  # January's receipts, in whole tenge


_PROBE_LEDGER_PAGE = (
    textwrap.dedent(
        """
        import enum, json

        made = []  # the Python enums PySide builds (see _FIRST_PAINT)
        _new_enum = enum.EnumType.__new__
        enum.EnumType.__new__ = lambda metacls, cls, *args, **kwargs: (
            made.append(cls) or _new_enum(metacls, cls, *args, **kwargs)
        )
        """
    )
    + _PROBE_WINDOW
    + textwrap.dedent(
        """
    window.show()
    app.processEvents()
    before = len(made)
    page = window.show_page("ledger")
    app.processEvents()
    print(json.dumps({"made": made[before:], "rows": page.model.rowCount()}))
    window.close()
    ledger.close()
    """
    )
)


def test_the_ledger_pages_first_visit_builds_no_other_widgets_types(tmp_path: Path) -> None:
    """Asked for the table's viewport (a plain widget Qt made), PySide finds its Python
    class by trying every widget class it has, building their types and enums (QWizard's,
    QDockWidget's...): about 12 ms of the page's first visit. The page's table tells it of
    its viewport's resizes and paints itself (ledger_page.JournalTable)."""
    ledger = fresh_ledger(tmp_path)
    receipt(ledger, admin_of(ledger), f"{date.today().year}-01-10", 1_500_00)
    path = ledger.path
    ledger.close()
    found = window_probe(_PROBE_LEDGER_PAGE, tmp_path / "c", str(path), PASSWORD)
    assert found["rows"] == 1
    assert "WindowState" in found["made"]  # the probe sees enums built (Qt's namespace)
    assert not {"WizardOption", "DockWidgetFeature", "SubWindowOption"} & set(found["made"])
