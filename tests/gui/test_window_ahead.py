"""The start's main window, built while the login's key is derived (``app.WindowAhead``):
shown only once the password opens the key, for the user it was built for, and discarded
unseen when the login fails. Nothing here is timed."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil import i18n
from ruralcouncil.gui import app
from ruralcouncil.gui.login_dialog import LoginDialog
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.session import Session
from ruralcouncil.ledger import users
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Role, User

# tests/gui/conftest.py's administrator.
ADMIN, ADMIN_PASSWORD = "admin", "correct-horse-1"


class _Built:
    """Each window the start's login built ahead, and how: on which thread, with the key's
    derivation still running or not, shown or not when the login came back."""

    def __init__(self, dialog: LoginDialog, monkeypatch: pytest.MonkeyPatch) -> None:
        assert dialog.ahead is not None
        self.dialog = dialog
        self.windows: list[MainWindow] = []
        self.how: list[tuple[bool, bool]] = []
        ahead, build = dialog.ahead, dialog.ahead.build

        def recorded(user: User) -> None:
            build(user)
            prepared = ahead.session()._prepared
            assert prepared is not None
            self.windows.append(prepared[0])
            deriving = any(t.name == "derive-key" for t in threading.enumerate())
            self.how.append((threading.current_thread() is threading.main_thread(), deriving))

        monkeypatch.setattr(ahead, "build", recorded)


@pytest.fixture
def start_dialog(qtbot: QtBot, gui_ledger: Ledger) -> Iterator[LoginDialog]:
    dialog = app.login_dialog_for(gui_ledger, demo=False)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog


@pytest.fixture
def built(start_dialog: LoginDialog, monkeypatch: pytest.MonkeyPatch) -> _Built:
    return _Built(start_dialog, monkeypatch)


def _log_in(dialog: LoginDialog, password: str) -> None:
    dialog.user_name.setText(ADMIN)
    dialog.password.setText(password)
    dialog.accept()


def test_the_start_shows_the_window_built_while_the_key_was_derived(
    qtbot: QtBot, gui_ledger: Ledger, built: _Built
) -> None:
    start_dialog = built.dialog
    _log_in(start_dialog, ADMIN_PASSWORD)
    assert start_dialog.result() == QDialog.DialogCode.Accepted
    [window] = built.windows
    assert built.how == [(True, True)]  # on the main thread, beside the derivation
    assert not window.isVisible()  # not before the password was checked

    session = app.after_login(gui_ledger, start_dialog, demo=False)
    qtbot.addWidget(window)
    assert session.window is window and window.isVisible()
    # The window's user is the one who logged in, with the key that signs their writes.
    user = start_dialog.user
    assert user is not None and user.signer is not None
    assert window.context.user is user and window.context.user.signer is user.signer
    assert window.session is session and session._prepared is None
    assert window.user_label.text() == "Logged in: admin (Administrator)"
    window.close()


def test_a_wrong_password_discards_the_window_built_for_it(
    qtbot: QtBot, gui_ledger: Ledger, built: _Built
) -> None:
    start_dialog = built.dialog
    _log_in(start_dialog, "a-wrong-password")
    assert start_dialog.user is None and start_dialog.isVisible()
    assert "Wrong user name or password" in start_dialog.error.text()
    [unseen] = built.windows
    assert unseen.retired and not unseen.isVisible()
    # Its inactivity lock is stopped for good: it would lock a window nobody logged in to.
    assert not unseen.inactivity.timer.isActive()
    unseen.inactivity.watch()
    assert not unseen.inactivity._windows_watched
    assert start_dialog.ahead is not None and start_dialog.ahead.session()._prepared is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(unseen), timeout=5000)  # deleted

    _log_in(start_dialog, ADMIN_PASSWORD)
    assert start_dialog.result() == QDialog.DialogCode.Accepted
    assert len(built.windows) == 2
    session = app.after_login(gui_ledger, start_dialog, demo=False)
    assert session.window is built.windows[1]
    qtbot.addWidget(built.windows[1])
    assert built.windows[1].isVisible()
    built.windows[1].close()


def test_a_cancelled_start_after_a_wrong_password_leaves_no_window(
    qtbot: QtBot, start_dialog: LoginDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def main_windows() -> set[int]:
        found = QApplication.topLevelWidgets()
        return {shiboken6.getCppPointer(w)[0] for w in found if isinstance(w, MainWindow)}

    before = main_windows()  # other tests' windows, not yet deleted
    built = _Built(start_dialog, monkeypatch)
    _log_in(start_dialog, "a-wrong-password")
    assert len(main_windows() - before) == 1  # built, discarded, its deletion pending
    start_dialog.reject()
    assert start_dialog.user is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(built.windows[0]), timeout=5000)
    assert main_windows() - before == set()


def test_an_unknown_name_builds_no_window(built: _Built) -> None:
    start_dialog = built.dialog
    start_dialog.user_name.setText("nobody")
    start_dialog.password.setText(ADMIN_PASSWORD)
    start_dialog.accept()
    assert start_dialog.user is None and built.windows == []


def test_a_window_built_for_another_account_or_language_is_not_shown(
    qtbot: QtBot, gui_ledger: Ledger, admin_user: User
) -> None:
    session = Session(gui_ledger)
    as_clerk = User(admin_user.id, admin_user.name, Role.CLERK, admin_user.full_name)
    session.prepare_window(as_clerk)
    assert session._prepared is not None
    other = session._prepared[0]
    window = session.open_window(admin_user)
    qtbot.addWidget(window)
    assert window is not other and other.retired and not other.isVisible()
    assert window.context.user is admin_user
    window.close()

    session.prepare_window(admin_user)
    assert session._prepared is not None
    in_english = session._prepared[0]
    i18n.set_language("kk")
    try:
        window = session.open_window(admin_user)
        qtbot.addWidget(window)
        assert window is not in_english and in_english.retired
        assert "Ауылдық мәслихат" in window.windowTitle()  # in Kazakh, built anew
        assert "Rural maslikhat" in in_english.windowTitle()
    finally:
        i18n.set_language("en")
    window.close()


def test_logins_after_the_start_build_nothing_ahead(
    gui_ledger: Ledger, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log-out's (or a lock's) login has the window's own work running: only the start's
    builds its window beside the key."""
    asked: list[object] = []
    login = users.login

    def recorded(ledger: Ledger, name: str, password: str, **kw: object) -> User:
        asked.append(kw.get("meanwhile"))
        return login(ledger, name, password, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(users, "login", recorded)
    dialog = LoginDialog(gui_ledger)
    qtbot.addWidget(dialog)
    _log_in(dialog, ADMIN_PASSWORD)
    assert dialog.user is not None and asked == [None]
