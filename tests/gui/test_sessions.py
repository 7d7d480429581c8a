"""Logging out, switching user and locking the window (issue 6).

The login dialog of a log-out goes through ``messages.run_dialog`` (the ``dialogs`` fixture
fills it in); the lock's password window is shown without blocking, so a test types into it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import worker
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.lock import Cover, LockDialog
from ruralcouncil.gui.login_dialog import LoginDialog
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.settings_page import SettingsPage
from ruralcouncil.ledger import audit, chain, journal, settings, users
from ruralcouncil.ledger.journal import EntryType, NewEntry

ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"
CLERK_PASSWORD = "clerk-password-1"
MEMBER_PASSWORD = "member-password-1"
Recorder = Any  # conftest's MessageRecorder / DialogRecorder


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _log_in_as(name: str, password: str) -> Any:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, LoginDialog)
        dialog.user_name.setText(name)
        dialog.password.setText(password)
        dialog.accept()

    return fill


def _events(context: AppContext, n: int) -> list[tuple[str, str]]:
    return [(e.user, e.event) for e in audit.recent(context.ledger, n)]


# --- log out, switch user -----------------------------------------------------------------


def test_log_out_and_in_as_another_user_rebuilds_the_window_for_their_role(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    users.add_user(context.ledger, context.user, "clerk", "clerk", CLERK_PASSWORD)
    window = _window(qtbot, context)
    assert "users" in window.page_keys() and window.add_fund_action.isVisible()
    dialogs.fill = _log_in_as("clerk", CLERK_PASSWORD)
    new = window.log_out()
    assert isinstance(new, MainWindow)
    qtbot.addWidget(new)
    assert [type(d).__name__ for d in dialogs.shown] == ["LoginDialog"]
    assert new is window.session.window and new.isVisible() and not window.isVisible()
    assert new.context.user.name == "clerk" and new.context is not context
    # The clerk's window: no Users page, no fund or code actions, entries allowed.
    assert "users" not in new.page_keys()
    assert not new.add_fund_action.isVisible() and not new.close_year_action.isVisible()
    assert all(action.isEnabled() for action in new.entry_actions)
    assert "Clerk" in new.user_label.text()
    # The old window's context no longer holds anyone who can write.
    assert context.user.signer is None


def test_a_pending_login_never_moves_to_the_next_user(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    """The administrator logs in and only reads; the clerk logs in after them and writes:
    the chain holds the clerk's login (at the clerk's moment) and no administrator's."""
    users.add_user(context.ledger, context.user, "clerk", "clerk", CLERK_PASSWORD)
    admin = users.login(context.ledger, ADMIN, ADMIN_PASSWORD)  # a session that only reads
    assert admin.signer is not None and admin.signer.pending_login is not None
    window = _window(qtbot, AppContext(context.ledger, admin))
    since = max(e.seq for e in audit.recent(context.ledger, 1))
    dialogs.fill = _log_in_as("clerk", CLERK_PASSWORD)
    new = window.log_out()
    assert new is not None
    qtbot.addWidget(new)
    assert admin.signer.pending_login is None  # forgotten with the session
    clerk = new.context.user
    assert clerk.signer is not None and clerk.signer.pending_login is not None
    clerk_logged_in = clerk.signer.pending_login
    journal.record(context.ledger, clerk, NewEntry(date.today(), EntryType.OPENING, 1_000_00))
    new_events = [e for e in audit.recent(context.ledger, 20) if e.seq > since]
    assert [(e.user, e.event) for e in reversed(new_events)] == [
        ("clerk", "login"),
        ("clerk", "entry.record"),
    ]
    assert new_events[-1].at == clerk_logged_in
    assert all(e.user != ADMIN for e in new_events)


def test_a_wrong_password_at_the_new_login_keeps_asking(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    window = _window(qtbot, context)
    tries: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, LoginDialog)
        dialog.user_name.setText(ADMIN)
        dialog.password.setText("not the password")
        dialog.accept()  # refused: stays open, says why
        tries.append(dialog.error.text())
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()

    dialogs.fill = fill
    new = window.log_out()
    assert new is not None
    qtbot.addWidget(new)
    assert tries == ["Wrong user name or password."]
    assert _events(context, 1) == [(ADMIN, "login.failed")]


def test_nobody_logging_in_after_a_log_out_ends_the_program(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    window = _window(qtbot, context)
    user = context.user
    with qtbot.waitSignal(window.session.ended):
        assert window.log_out() is None  # the login dialog is cancelled
    assert window.session.window is None
    assert not window.isVisible()
    assert user.signer is not None and user.signer.pending_login is None
    assert QApplication.quitOnLastWindowClosed()  # put back as it was


def test_no_log_out_while_work_runs_under_the_window(
    qtbot: QtBot,
    context: AppContext,
    dialogs: Recorder,
    message_boxes: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = _window(qtbot, context)
    monkeypatch.setattr(worker, "running", lambda: True)
    assert window.log_out() is None
    assert dialogs.shown == []
    assert window.isVisible() and window.session.window is window
    assert "Wait until the work in progress" in message_boxes.texts()[0]
    monkeypatch.setattr(worker, "running", lambda: False)
    context.busy = True  # a restore
    assert window.log_out() is None and window.isVisible()


def test_log_out_closes_the_other_windows_first(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    window = _window(qtbot, context)
    help_window = window.show_help()
    assert help_window.isVisible()
    dialogs.fill = _log_in_as(ADMIN, ADMIN_PASSWORD)
    new = window.log_out()
    assert new is not None
    qtbot.addWidget(new)
    assert not help_window.isVisible()


# --- locking ------------------------------------------------------------------------------


def _lock_dialog(window: MainWindow) -> LockDialog:
    assert window.lock_dialog is not None
    return window.lock_dialog


def test_the_window_locks_after_the_minutes_without_input(
    qtbot: QtBot, context: AppContext
) -> None:
    window = _window(qtbot, context)
    assert window.inactivity.minutes == 15  # the ledger's setting
    assert window.inactivity.timer.interval() == 15 * 60_000
    assert window.inactivity.timer.isActive()
    window.inactivity.set_interval_ms(150)
    qtbot.waitUntil(window.is_locked, timeout=3000)
    dialog = _lock_dialog(window)
    assert dialog.isVisible() and dialog.isModal()
    assert any(f"{ADMIN} (Administrator)" in label.text() for label in dialog.findChildren(QLabel))
    assert any("nobody used it" in label.text() for label in dialog.findChildren(QLabel))
    cover = window.findChild(Cover)
    assert cover is not None and cover.isVisible() and cover.geometry() == window.rect()
    assert not window.inactivity.timer.isActive()  # no second lock on top of the first


def test_a_lock_asked_for_does_not_blame_the_clock(qtbot: QtBot, context: AppContext) -> None:
    """Ctrl+L (User menu): locked now, not "because nobody used it"."""
    window = _window(qtbot, context)
    window.lock_action.trigger()
    dialog = _lock_dialog(window)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("The window is locked." in t and ADMIN in t for t in texts)
    assert not any("nobody used it" in t for t in texts)
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")


def _press() -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)


def _click() -> QMouseEvent:
    return QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def _user_input(window: QWidget, event: QEvent) -> None:
    """As the platform delivers input: to the window (its QWindow), which passes it on to
    the widget under the pointer or with the focus."""
    handle = window.windowHandle()
    assert handle is not None
    QApplication.sendEvent(handle, event)


class _CountingTimer(QTimer):
    """The lock's wait, counting how often it was started again (a restart of a coarse
    minutes-long timer does not show in its remaining time)."""

    def __init__(self) -> None:
        super().__init__()
        self.starts = 0

    def start(self, *args: object) -> None:  # type: ignore[override]
        self.starts += 1
        super().start(*args)


def _counting_timer(window: MainWindow) -> _CountingTimer:
    timer = _CountingTimer()
    timer.setSingleShot(True)
    timer.setInterval(60_000)
    timer.start()
    window.inactivity.timer = timer
    return timer


def test_input_postpones_the_lock(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.inactivity.set_interval_ms(400)
    for _ in range(6):
        qtbot.wait(100)
        _user_input(window, _press())
    assert not window.is_locked()
    qtbot.waitUntil(window.is_locked, timeout=3000)


def test_a_mouse_click_counts_as_use(qtbot: QtBot, context: AppContext) -> None:
    """A click starts the wait again; an event that is not input does not. Counted, not
    timed: the machine running the tests may be slow."""
    window = _window(qtbot, context)
    # Watching starts a moment after the window is painted, by itself.
    qtbot.waitUntil(lambda: window.inactivity.watching, timeout=5000)
    timer = _counting_timer(window)
    started = timer.starts

    _user_input(window, QEvent(QEvent.Type.UpdateRequest))
    assert timer.starts == started  # not input: the wait goes on
    _user_input(window, _click())
    assert timer.starts == started + 1  # the wait started again from the click
    assert timer.isActive()


class _CountedKinds(frozenset[QEvent.Type]):
    """lock._ACTIVITY that counts how often the filter asks it: once per event it sees."""

    asked = 0

    def __contains__(self, item: object) -> bool:
        type(self).asked += 1
        return super().__contains__(item)


def _watched_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: window.inactivity.watching, timeout=5000)
    window.inactivity.set_interval_ms(60_000)
    return window


def test_the_lock_watches_windows_not_every_widget(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening pages (hundreds of events: each widget's paint, layout, show) passes a few
    window events through the lock's filter, not every widget's: an application-wide Python
    filter made every page's work a seventh slower."""
    from ruralcouncil.gui import lock

    window = _watched_window(qtbot, context)
    # Only this window's filter counted: earlier tests' windows, not yet deleted, stop theirs.
    for other in QApplication.topLevelWidgets():
        if isinstance(other, MainWindow) and other is not window:
            other.inactivity.stop_watching()
    monkeypatch.setattr(lock, "_ACTIVITY", _CountedKinds(lock._ACTIVITY))
    monkeypatch.setattr(_CountedKinds, "asked", 0)
    for key in ("ledger", "budget", "dashboard", "ledger"):
        window.show_page(key)
        window.page(key).repaint()
        QApplication.processEvents()
    assert _CountedKinds.asked < 40
    # And the filter is the one that sees input: the counter moves with it.
    before = _CountedKinds.asked
    _user_input(window, _press())
    assert _CountedKinds.asked == before + 1


def test_a_widgets_own_event_is_not_input(qtbot: QtBot, context: AppContext) -> None:
    """What reaches a widget without passing through a window (the program's own events,
    a test's) is not someone using the program."""
    window = _watched_window(qtbot, context)
    window.inactivity.timer.stop()
    QApplication.sendEvent(window.nav, _press())
    assert not window.inactivity.timer.isActive()


def _focused_dialog(qtbot: QtBot, window: MainWindow) -> QDialog:
    dialog = QDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is dialog.windowHandle(), timeout=5000)
    return dialog


def test_input_in_a_dialog_counts(qtbot: QtBot, context: AppContext) -> None:
    """A window that takes the focus after the watching began (a dialog here; a menu's or a
    combo's list the same way) is watched from then on."""
    window = _watched_window(qtbot, context)
    dialog = _focused_dialog(qtbot, window)
    timer = _counting_timer(window)
    started = timer.starts
    _user_input(dialog, _click())
    _user_input(dialog, _press())
    assert timer.starts == started + 2
    _user_input(dialog, QEvent(QEvent.Type.UpdateRequest))
    assert timer.starts == started + 2  # not input
    timer.stop()
    _user_input(dialog, _press())
    assert timer.starts == started + 2  # only a running wait is started again
    assert not timer.isActive()


def test_stopped_watching_sees_no_input(qtbot: QtBot, context: AppContext) -> None:
    window = _watched_window(qtbot, context)
    window.inactivity.stop_watching()
    timer = _counting_timer(window)
    started = timer.starts
    _user_input(window, _press())
    dialog = _focused_dialog(qtbot, window)  # no longer watched as it takes the focus
    _user_input(dialog, _press())
    assert timer.starts == started
    window.inactivity.watch()  # once stopped, never again (a late first watch)
    _user_input(window, _press())
    assert timer.starts == started


def test_zero_minutes_never_locks(qtbot: QtBot, context: AppContext) -> None:
    settings.change(context.ledger, context.user, settings.LOCK_MINUTES, "0")
    window = _window(qtbot, context)
    assert not window.inactivity.timer.isActive()
    context.notify_changed()
    assert not window.inactivity.timer.isActive()
    # Set again by the administrator: the window follows at once.
    settings.change(context.ledger, context.user, settings.LOCK_MINUTES, "2")
    context.notify_changed()
    assert window.inactivity.timer.isActive()
    assert window.inactivity.timer.interval() == 2 * 60_000


def test_a_wrong_password_keeps_the_window_locked_and_is_recorded(
    qtbot: QtBot, context: AppContext
) -> None:
    window = _window(qtbot, context)
    window.lock()
    dialog = _lock_dialog(window)
    dialog.password.setText("not the password")
    assert not dialog.unlock()
    assert window.is_locked() and dialog.isVisible()
    assert "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""
    assert _events(context, 1) == [(ADMIN, "login.failed")]
    assert window.findChild(Cover) is not None
    # Escape and the close button do not open it either.
    dialog.reject()
    dialog.close()
    assert window.is_locked() and dialog.isVisible()


def test_enter_checks_the_password_once(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.lock()
    dialog = _lock_dialog(window)
    since = audit.recent(context.ledger, 1)[0].seq
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    failed = [e for e in audit.recent(context.ledger, 10) if e.seq > since]
    assert [(e.user, e.event) for e in failed] == [(ADMIN, "login.failed")]
    assert window.is_locked()
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Enter)
    assert not window.is_locked()


def test_the_right_password_unlocks_where_the_user_was(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.show_page("settings")
    user = context.user
    head = chain.head(context.ledger.conn)
    window.lock()
    dialog = _lock_dialog(window)
    dialog.password.setText(ADMIN_PASSWORD)
    assert dialog.unlock()
    assert not window.is_locked()
    qtbot.waitUntil(lambda: window.findChild(Cover) is None)
    assert window.current_page_key() == "settings"
    assert context.user is user  # the same session: an unlock is not a new login
    assert chain.head(context.ledger.conn) == head  # and writes nothing
    assert window.inactivity.timer.isActive()


def test_the_lock_hides_open_dialogs_and_keeps_what_was_typed(
    qtbot: QtBot, context: AppContext
) -> None:
    window = _window(qtbot, context)
    help_window = window.show_help()
    window.lock()
    covers = [c for c in help_window.findChildren(Cover) if c.isVisible()]
    assert len(covers) == 1 and covers[0].geometry() == help_window.rect()
    assert help_window.isVisible()  # covered, not closed
    dialog = _lock_dialog(window)
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.unlock()
    qtbot.waitUntil(lambda: not help_window.findChildren(Cover))
    assert help_window.isVisible()


def test_someone_else_logs_in_from_the_lock(
    qtbot: QtBot, context: AppContext, dialogs: Recorder
) -> None:
    users.add_user(context.ledger, context.user, "member", "member", MEMBER_PASSWORD)
    window = _window(qtbot, context)
    window.lock()
    dialogs.fill = _log_in_as("member", MEMBER_PASSWORD)
    _lock_dialog(window).switch_user()
    new = window.session.window
    assert new is not None and new is not window
    qtbot.addWidget(new)
    assert new.context.user.name == "member" and not new.is_locked()
    assert not window.isVisible() and not new.findChildren(Cover)
    assert not any(a.isEnabled() for a in new.entry_actions)


def test_ctrl_l_locks_at_once(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    window.lock_action.trigger()
    assert window.is_locked()


def test_no_lock_during_a_restore(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    context.busy = True
    window.lock()
    assert not window.is_locked()
    assert window.inactivity.timer.isActive()  # tries again later
    context.busy = False


def test_the_administrator_sets_the_minutes_on_the_settings_page(
    qtbot: QtBot, context: AppContext, member_context: AppContext
) -> None:
    window = _window(qtbot, context)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert page.lock_minutes.value() == 15
    page.lock_minutes.setValue(1)
    assert page.save_lock_minutes()
    assert settings.lock_minutes(context.ledger.conn) == 1
    assert window.inactivity.timer.interval() == 60_000
    assert (ADMIN, "setting.change") in _events(context, 1)
    # A member sees the value and cannot change it; forced, the core refuses.
    member_page = SettingsPage(member_context)
    qtbot.addWidget(member_page)
    assert not member_page.lock_minutes.isEnabled()
    assert not member_page.save_lock_button.isVisibleTo(member_page)
    member_page.lock_minutes.setValue(30)
    head = chain.head(context.ledger.conn)
    assert not member_page.save_lock_minutes()
    assert "may not change the village settings" in member_page.lock_error.text()
    assert chain.head(context.ledger.conn) == head
