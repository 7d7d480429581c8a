"""The program between logins: the open ledger, who is logged in, and their window.

One ledger stays open (with its writer's lock) for as long as the program runs; a window is
built for each login. Logging out (or switching user) closes the window, forgets the user,
unlocked key and all, and asks who logs in next; the new window is built for the new user's
role. A change of language builds the window again, in the new language, for the same user,
on the same page.

A login is chained with its session's first write (``Signer.pending_login``); it lives on the
user's own key, so one user's login can never be chained with another's write. When a user
logs out the key is dropped, and its pending login with it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ruralcouncil import i18n
from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.i18n import _
from ruralcouncil.ledger.clock import ClockWatch, SavedUpTo
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

if TYPE_CHECKING:
    from ruralcouncil.gui.main_window import MainWindow


def forget(user: User) -> None:
    """Drop what a logged-out user's session held: their login still waiting to be chained.
    (Their key goes with the last reference to the User.)"""
    if user.signer is not None:
        user.signer.pending_login = None


def busy_text() -> str:
    return _(
        "Wait until the work in progress (a backup, a check, an import or a report) is "
        "finished, then try again."
    )


class Session(QObject):
    """Owns the current window; the window calls back for a log-out or a new language."""

    # The new window, after a login or a rebuild.
    window_replaced = Signal(object)
    # Emitted when the user logged out and nobody logged in again (the program ends).
    ended = Signal()

    # The clock's check has read the ledger (emitted from its thread, received on this one).
    _clock_read = Signal()
    # The clock was checked at the start: its warning (shown over the window), or None.
    clock_checked = Signal(object)

    def __init__(self, ledger: Ledger, *, demo_hint: str = "") -> None:
        super().__init__()
        self.ledger = ledger
        self.demo_hint = demo_hint
        self.window: MainWindow | None = None
        self.clock = ClockWatch()  # every window's, for as long as the ledger is open
        self._clock_read.connect(self._tell_about_clock)
        # A window built before its login was checked (prepare_window), in this language.
        self._prepared: tuple[MainWindow, str] | None = None

    # --- windows ------------------------------------------------------------------------

    def prepare_window(self, user: User) -> None:
        """Build ``user``'s window ahead, not shown: at the start, while their password's key
        is derived (``users.login``'s ``meanwhile``), before the password is checked. The
        next :meth:`open_window` shows it if the login gives the same user; a failed login
        discards it (:meth:`discard_prepared`), and the next one builds its own."""
        self.discard_prepared()
        self._prepared = (self._build_window(user), i18n.language())

    def discard_prepared(self) -> None:
        """The window built ahead, if any, closed for good unseen (its inactivity lock with
        it: it would lock a window nobody logged in to)."""
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            self._retire(prepared[0])

    def _take_prepared(self, user: User) -> MainWindow | None:
        """The window built ahead, given the logged-in ``user`` and their key, if it was built
        for the same account (name, role and full name) in the language still chosen."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            return None
        window, lang = prepared
        if window.context.user != user or lang != i18n.language():
            self._retire(window)
            return None
        window.context.set_user(user)
        return window

    def _build_window(self, user: User) -> MainWindow:
        from ruralcouncil.gui.main_window import MainWindow

        context = AppContext(self.ledger, user, clock=self.clock)
        window = MainWindow(context, session=self)
        context.setParent(window)  # lives as long as the window
        return window

    def open_window(
        self, user: User, *, page: str | None = None, like: QWidget | None = None
    ) -> MainWindow:
        """Build, show and keep the window for ``user`` (a new context: nothing of the
        previous window's state carries over); the one built ahead for them, if any."""
        window = self._take_prepared(user) or self._build_window(user)
        if like is not None:  # in the old window's place, as large as it was
            from PySide6.QtCore import Qt

            if like.isMaximized():
                window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            else:
                window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
                window.setGeometry(like.geometry())
        if page is not None and page in window.page_keys():
            window.show_page(page)
        self.window = window
        window.show()
        self.window_replaced.emit(window)
        return window

    def check_clock(self) -> None:
        """Check this PC's clock against the ledger's last saved entry, and warn over the
        window when it is behind. Reading every entry's time takes a tenth of a second at a
        million entries: it is read on a connection of its own, in a thread, and the
        warning follows (before anything can be saved: a save asks again, ``ClockWatch``)."""
        if self.clock.begin(self.ledger.conn, then=self._clock_answered) is None:
            self._tell_about_clock()  # no second connection: read on the window's own

    def _clock_answered(self, _found: SavedUpTo) -> None:
        with contextlib.suppress(RuntimeError):  # the session is gone: nobody to tell
            self._clock_read.emit()

    def _tell_about_clock(self) -> None:
        if self.window is None:
            return  # the program is ending (or a log-out is under way): nobody to warn
        if self.window.context.busy:
            return  # a restore is rewriting the ledger: the next save asks the clock anyway
        warning = self.clock.warning(self.ledger.conn)
        if warning:
            messages.show_warning(self.window, warning, _("Check the clock"))
        self.clock_checked.emit(warning)

    def adopt(self, window: MainWindow) -> None:
        """A window built directly (tests, the smoke test) becomes the current one."""
        self.window = window

    def _retire(self, window: MainWindow) -> None:
        """Close an old window for good, without it counting as the program's last one."""
        window.retired = True
        window.hide()
        window.close()
        window.deleteLater()

    def may_leave(self, window: MainWindow) -> bool:
        """Whether the window may be closed or rebuilt now: not while work runs under it."""
        from ruralcouncil.gui import worker  # here, not at import: few starts run long work

        if window.context.busy or worker.running():
            messages.show_warning(window, busy_text())
            return False
        return True

    # --- language -----------------------------------------------------------------------

    def change_language(self, lang: str) -> MainWindow | None:
        """Speak ``lang`` from now on: the window is built again in it, on the same page."""
        from ruralcouncil.gui import app

        old = self.window
        i18n.set_language(lang)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            app.install_qt_translations(application, lang)
        if old is None:
            return None
        if not self.may_leave(old):
            # Said at once: the menu and the Settings page already show the new choice.
            messages.show_info(
                old, _("The window will speak the chosen language when you open it again.")
            )
            return None
        page = old.current_page_key()
        _close_other_windows(old)
        new = self.open_window(old.context.user, page=page, like=old)
        self._retire(old)
        return new

    # --- logging out --------------------------------------------------------------------

    def log_out(self) -> MainWindow | None:
        """Close the window, forget the user, and ask who logs in next. Returns the new
        window, or None when nobody logged in (then the program ends) or when work in
        progress keeps the window open."""
        from ruralcouncil.gui import preferences
        from ruralcouncil.gui.login_dialog import LoginDialog

        old = self.window
        if old is None:
            return None
        if not self.may_leave(old):
            return None
        _close_other_windows(old)
        old.unlock_quietly()
        old.hide()
        forget(old.context.user)
        old.context.user = _LoggedOut.user(old.context.user)
        dialog = LoginDialog(self.ledger, hint=self.demo_hint)
        application = QApplication.instance()
        # The window is hidden while the dialog is up: closing the dialog must not count as
        # closing the program's last window.
        quit_on_close = QApplication.quitOnLastWindowClosed()
        QApplication.setQuitOnLastWindowClosed(False)
        try:
            accepted = messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
            user = dialog.user if accepted else None
        finally:
            dialog.deleteLater()
            QApplication.setQuitOnLastWindowClosed(quit_on_close)
        if user is None:
            self.window = None
            self._retire(old)
            self.ended.emit()
            if application is not None:
                application.quit()
            return None
        if not self.demo_hint:
            preferences.remember_user_name(user.name)
        new = self.open_window(user, like=old)
        self._retire(old)
        return new


class _LoggedOut:
    """Who the old window's context names once its user logged out: no one who can write."""

    @staticmethod
    def user(previous: User) -> User:
        return User(previous.id, previous.name, previous.role, previous.full_name)


def _close_other_windows(keep: QWidget) -> None:
    """Before the window goes: cancel every open dialog and close every other window
    (a help page, a report's preview), so nothing outlives the session that opened it."""
    from PySide6.QtCore import Qt

    for widget in QApplication.topLevelWidgets():
        if widget is keep or not widget.isVisible():
            continue
        if isinstance(widget, QDialog):
            widget.reject()
        if widget.isVisible() and widget.windowType() != Qt.WindowType.Desktop:
            widget.close()
