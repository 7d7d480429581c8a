"""The window's start, as ``run_gui`` runs it, reads the same few rows of a ledger whatever
its size: from the open to the main window shown, beside the login itself (whose own reads
tests/test_startup.py holds to the same). Nothing here is timed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from _helpers import import_receipts

from ruralcouncil.gui import app, login_dialog, main_window
from ruralcouncil.ledger import users
from ruralcouncil.ledger.storage import Ledger

ADMIN, ADMIN_PASSWORD = "admin", "correct-horse-1"  # tests/gui/conftest.py's administrator


def _start_steps(path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """SQLite's work (virtual machine steps, in tens) on the window's connection while
    ``run_gui`` starts: the login dialog accepted at once, the main window built (not shown),
    the event loop left at once. The login's own reads are not counted."""
    steps = [0]
    counting = [True]

    def tick() -> int:
        if counting[0]:
            steps[0] += 1
        return 0

    def opened(where: Path) -> tuple[Ledger | None, str | None]:
        ledger, problem = open_for_window(where)
        if ledger is not None:
            ledger.conn.set_progress_handler(tick, 10)
        return ledger, problem

    def login(
        ledger: Ledger,
        name: str,
        password: str,
        *,
        meanwhile: Callable[[users.User], None] | None = None,
    ) -> users.User:
        def counted(user: users.User) -> None:
            # The main window, built while the key is derived: the start's work, counted.
            assert meanwhile is not None
            counting[0] = True
            try:
                meanwhile(user)
            finally:
                counting[0] = False

        counting[0] = False
        try:
            return real_login(ledger, name, password, meanwhile=meanwhile and counted)
        finally:
            counting[0] = True

    def accept_at_once(dialog: login_dialog.LoginDialog) -> int:
        dialog.user_name.setText(ADMIN)
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()
        return int(dialog.result())

    open_for_window, real_login = app.open_for_window, users.login
    with monkeypatch.context() as patch:
        patch.setattr(app, "open_for_window", opened)
        patch.setattr(users, "login", login)
        patch.setattr(login_dialog.LoginDialog, "exec", accept_at_once)
        patch.setattr(app.QApplication, "exec", lambda self: 0)
        # Built, not shown: its first page (built after its first paint) is not the start's.
        patch.setattr(main_window.MainWindow, "show", lambda self: None)
        assert app.run_gui(path) == 0
    return steps[0]


@pytest.fixture
def quiet_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RURALCOUNCIL_LANG", "en")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def test_the_windows_start_reads_no_more_of_a_larger_ledger(
    quiet_start: None,
    gui_ledger_path: Path,
    gui_ledger: Ledger,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gui_ledger.close()
    small = _start_steps(gui_ledger_path, monkeypatch)
    ledger = app.open_for_window(gui_ledger_path)[0]
    assert ledger is not None
    try:
        import_receipts(ledger, tmp_path, 5000)
    finally:
        ledger.close()
    large = _start_steps(gui_ledger_path, monkeypatch)
    # Reading each of the 5,000 new entries once would be thousands of steps more.
    assert small > 0 and large <= small * 2 + 50, (small, large)
