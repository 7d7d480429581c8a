"""Locking the window after a while without a key press or a click.

The administrator sets the minutes in Settings (``settings.LOCK_MINUTES``, kept in the
ledger; 0 never locks). When they have passed, every window of the program hides what it
shows behind a plain cover, and a small window asks the same user's password, or lets
someone else log in instead. A wrong password is recorded like any failed login. Open
dialogs stay as they were behind the cover: nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.i18n import _
from ruralcouncil.ledger import users
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.roles import ROLE_NAMES
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

if TYPE_CHECKING:
    from PySide6.QtGui import QWindow

# What counts as someone using the program.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
MINUTE_MS = 60_000
WATCH_AFTER_MS = 1_000


class InactivityTimer(QObject):
    """Fires ``expired`` after ``minutes`` without input anywhere in the program."""

    expired = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.expired)
        self.minutes = 0
        self.paused = False
        self.watching = False  # begun, or stopped for good
        self._windows_watched = False  # the filter is on the windows
        # Watching starts a moment after the window's first paint, which need not wait for
        # it (the filter's first events build Python enums); the wait it guards is minutes.
        QTimer.singleShot(WATCH_AFTER_MS, self, self.watch)

    def watch(self) -> None:
        """Watch the program's windows for input: every window there is, and each one that
        takes the focus later (a dialog, a menu, a combo's list, the lock's own window).

        Input reaches a window before any widget in it, so the window's filter sees it all.
        Not an application-wide filter: PySide calls it for every event of every widget
        (each paint, each layout), and it made every page's work a seventh slower."""
        app = QApplication.instance()
        if not isinstance(app, QApplication) or self.watching:
            return
        self.watching = self._windows_watched = True
        for window in QApplication.topLevelWindows():
            window.installEventFilter(self)
        app.focusWindowChanged.connect(self._watch_window)

    def _watch_window(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # once: Qt does not add the same filter twice

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, minutes)
        self.restart()

    def set_interval_ms(self, ms: int) -> None:
        """For tests: a shorter wait than a whole minute, watched from now."""
        self.watch()
        self.timer.setInterval(ms)
        self.minutes = -1
        self.restart()

    def restart(self) -> None:
        if self.paused or self.minutes == 0:
            self.timer.stop()
            return
        if self.minutes > 0:
            self.timer.setInterval(self.minutes * MINUTE_MS)
        self.timer.start()

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def resume(self) -> None:
        self.paused = False
        self.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.paused and self.timer.isActive():
            self.timer.start()  # starts the wait again
        return False

    def stop_watching(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._windows_watched:
            app.focusWindowChanged.disconnect(self._watch_window)
            for window in QApplication.topLevelWindows():
                window.removeEventFilter(self)
        self._windows_watched = False
        self.watching = True  # a late first watch() must not start it again


class Cover(QWidget):
    """A plain panel over everything a window shows, as long as the window is locked."""

    def __init__(self, window: QWidget, text: str) -> None:
        # Not at import: the main window imports this module before its first paint, which
        # no enum of the Qt namespace should delay (see main_window.PAGE_ROLE).
        from PySide6.QtCore import Qt

        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockCover { background: #eceff1; }")
        layout = QVBoxLayout(self)
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet("color: #455a64; font-size: 14pt;")
        layout.addWidget(label)
        self._window = window
        window.installEventFilter(self)
        self._fit()
        self.show()
        self.raise_()

    def _fit(self) -> None:
        self.setGeometry(self._window.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._fit()
            self.raise_()
        return False

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class LockDialog(QDialog):
    """The same user's password, or someone else logs in. It cannot be closed otherwise."""

    def __init__(
        self,
        ledger: Ledger,
        user: User,
        on_unlock: Callable[[], None],
        on_switch: Callable[[], None],
        parent: QWidget | None = None,
        *,
        idle: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.user = user
        self._on_unlock = on_unlock
        self._on_switch = on_switch
        self._done = False
        self.setObjectName("lockDialog")
        self.setWindowTitle(_("RuralCouncil is locked"))
        from PySide6.QtCore import Qt  # not at import: see Cover

        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        who = user.full_name or user.name
        why = (
            _(
                "The window was locked because nobody used it for a while. {user} ({role}), "
                "type your password to go on where you were."
            )
            if idle
            else _("The window is locked. {user} ({role}), type your password to go on.")
        )
        text = QLabel(why.format(user=who, role=_(ROLE_NAMES[user.role])))
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Password:")))
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(users.MAX_PASSWORD_LENGTH)
        # Enter presses the default button, Unlock (connecting returnPressed as well would
        # check the password twice, and record a wrong one as two failed logins).
        row.addWidget(self.password, 1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton(_("Someone else: log in…"))
        self.switch_button.setObjectName("switchUser")
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self.switch_user)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)

    def unlock(self) -> bool:
        """Check the password with ``users.login`` (a wrong one is recorded as a failed
        login). The session goes on as it was: it is not a new login."""
        from PySide6.QtCore import Qt

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            checked = users.login(self.ledger, self.user.name, self.password.text())
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        finally:
            QApplication.restoreOverrideCursor()
        # Only a check: this key's own login is never chained (the session has its own).
        if checked.signer is not None:
            checked.signer.pending_login = None
        if checked.id != self.user.id:
            show_problem(self.error, _("Wrong user name or password."))
            return False
        self.password.clear()
        self.finish()
        self._on_unlock()
        return True

    def switch_user(self) -> None:
        self.password.clear()
        self.finish()
        self._on_switch()

    def finish(self) -> None:
        self._done = True
        self.hide()
        self.deleteLater()

    def reject(self) -> None:  # Escape: the window stays locked
        if self._done:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_Escape and not self._done:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:
            event.ignore()
            return
        super().closeEvent(event)
