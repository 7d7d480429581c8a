"""Log in: user name and password, checked by ``users.login`` against the user's key in the
signed chain. A failed login is recorded at once; a successful one is chained with the
session's first write.

A wrong password keeps the dialog open with a message, so the user can try again. A ledger of
an earlier version is upgraded by its administrator's login; anyone else is refused with a
message asking an administrator to log in first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.gui.window_icon import show_window_icon
from ruralcouncil.i18n import _
from ruralcouncil.ledger import settings, users
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

if TYPE_CHECKING:
    from ruralcouncil.gui.app import WindowAhead


class LoginDialog(QDialog):
    """On acceptance ``user`` holds who logged in."""

    def __init__(
        self,
        ledger: Ledger,
        parent: QWidget | None = None,
        *,
        user_name: str = "",
        hint: str = "",
        ahead: WindowAhead | None = None,
    ) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.user: User | None = None
        # The start's: the main window, built while the login's key is derived.
        self.ahead = ahead
        # The version of the ledger this login upgraded (0: it upgraded none).
        self.upgraded_from = 0
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("RuralCouncil: log in"))
        layout = QVBoxLayout(self)

        # Plain text in two lines (rich text would bring Qt's text control; see _error_line).
        heading = _plain_label(settings.village_name(ledger.conn))
        heading.setObjectName("loginHeading")
        heading.setStyleSheet("font-weight: bold;")
        council = _plain_label(settings.council_name(ledger.conn))
        council.setObjectName("loginCouncil")
        layout.addWidget(heading)
        layout.addWidget(council)

        form = QFormLayout()
        self.user_name = QLineEdit(user_name)
        self.user_name.setObjectName("userName")
        form.addRow(_("User name:"), self.user_name)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textEdited.connect(self._prepare_while_typing)
        form.addRow(_("Password:"), self.password)
        layout.addLayout(form)

        self.hint = QLabel(hint)
        self.hint.setObjectName("loginHint")
        self.hint.setWordWrap(True)
        if hint:
            from PySide6.QtCore import Qt

            # Only then: a selectable label costs a noticeable moment the first time it is
            # shown (Qt's own text control), which an empty hint need not pay at start-up.
            self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.error = error_label()
        layout.addWidget(self.error)

        # Set after construction: resolving the constructor's overloads (one takes a
        # Qt.Orientation) would build every enum of the Qt namespace; see _plain_label.
        buttons = QDialogButtonBox()
        buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Log in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self._painted = False

    def _prepare_while_typing(self) -> None:
        """What comes after "Log in" is loaded while the password is typed (at its first
        key, a few milliseconds): the main window's code, the cryptography that opens the
        password's key, and the enums of the Qt namespace,
        which the dialog itself never names (see _plain_label) but the login's wait cursor
        and the main window's work after its first paint do."""
        self.password.textEdited.disconnect(self._prepare_while_typing)
        from PySide6.QtCore import Qt  # noqa: F401  (its first use builds its Python enums)

        from ruralcouncil.gui.app import prepare_main_window
        from ruralcouncil.ledger import keys

        prepare_main_window()
        keys.load()  # what opens the password's key

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        (self.password if self.user_name.text() else self.user_name).setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Just after the first paint, not before it (gui/window_icon.py).
            QTimer.singleShot(0, self, show_window_icon)

    def accept(self) -> None:
        """Check the password; stay open with a message when it is wrong."""
        # Opening the key takes a moment, and an administrator's first login to a ledger of
        # an earlier version upgrades it (verified, copied aside, migrated): show it is busy.
        earlier_version = self.ledger.needs_upgrade
        version = self.ledger.version
        name, password = self.user_name.text().strip(), self.password.text()
        from PySide6.QtCore import Qt

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if earlier_version:
                from ruralcouncil.gui import worker  # here, not at import: few starts run long work

                # The upgrade verifies and copies the whole ledger: in a worker, so the
                # screen does not freeze. Nothing else reads the ledger before a login.
                self.user = worker.run_and_wait(
                    lambda: users.login(self.ledger, name, password),
                    _("Upgrading the ledger… Please wait, and do not switch the computer off."),
                    self,
                )
            else:
                self.user = self.log_in(name, password)
        except LedgerError as exc:
            self.user = None
            show_problem(self.error, str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.upgraded_from = version if earlier_version and not self.ledger.needs_upgrade else 0
        super().accept()

    def log_in(self, name: str, password: str) -> User:
        """What "Log in" checks (``users.login``), with the start's main window built
        meanwhile (:class:`ruralcouncil.gui.app.WindowAhead`), and discarded if it fails."""
        if self.ahead is None:
            return users.login(self.ledger, name, password)
        try:
            return users.login(self.ledger, name, password, meanwhile=self.ahead.build)
        except BaseException:
            self.ahead.discard()
            raise

    @property
    def upgraded(self) -> bool:
        """Whether this login upgraded a ledger of an earlier version."""
        return self.upgraded_from != 0


def _plain_label(text: str) -> QLabel:
    """A label that shows ``text`` as it is, never as markup.

    Qt reads a label's text as rich text only when it has a tag or an ``&lt;`` entity, so the
    plain-text format is set only for a text with ``<`` or ``&``: naming ``Qt`` at all builds
    Python enums for all of its ~100 enumerations (13-17 ms here), which the login dialog need
    not wait for."""
    label = QLabel(text)
    if "<" in text or "&" in text:
        from PySide6.QtCore import Qt

        label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def upgrade_note(ledger: Ledger, from_version: int) -> str:
    """What an administrator's login just did to a ledger of version ``from_version``, and
    who must be given a new password first (accounts from before signed entries, which a
    ledger of version 1 has, and one upgraded from it may still have)."""
    if from_version < 2:
        done = _(
            "The ledger was upgraded: from now on every entry is signed by the user who makes "
            "it. A copy of the ledger as it was is kept next to it, in the folder {folder} "
            "(its name ends in .before-upgrade)."
        )
    else:
        done = _(
            "The ledger was upgraded to this version of RuralCouncil. A copy of the ledger as "
            "it was is kept next to it, in the folder {folder} (its name ends in "
            ".before-upgrade)."
        )
    paragraphs = [done.format(folder=ledger.path.parent)]
    if users.without_key(ledger):
        paragraphs.append(
            _(
                "Accounts made before have no key yet: their owners cannot log in until you "
                "set a new password for each (Users, Reset password…). Ask them to choose "
                "their own password afterwards."
            )
        )
    return "\n\n".join(paragraphs)
