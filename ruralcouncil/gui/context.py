"""What every page is handed: the open ledger, who is logged in, and a signal on change.

Pages never write SQL: they call the services in ``ruralcouncil.ledger`` with
``context.ledger`` and ``context.user``, then call :meth:`AppContext.notify_changed`, so
every page that shows ledger data refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ruralcouncil.ledger.clock import ClockWatch
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Action, User

# Reversing is this ledger's "delete": the Entries menu's shortcut, named on the button too.
REVERSE_SHORTCUT = "Ctrl+Shift+R"


class AppContext(QObject):
    # Emitted after any successful write (entry recorded, reversed, imported, restored...).
    changed = Signal()
    # Emitted when a language was chosen (the menu or Settings): the window is built again
    # in it, and every control that shows the choice follows.
    language_saved = Signal(str)

    def __init__(
        self,
        ledger: Ledger,
        user: User,
        parent: QObject | None = None,
        *,
        clock: ClockWatch | None = None,
    ) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.user = user
        # The ledger's latest saved moment against this PC's clock, asked before each save:
        # the session's, read once for the whole program run (a context of its own else).
        self.clock = clock or ClockWatch()
        # Set while a worker rewrites the open connection (a restore): nothing on the GUI
        # thread may touch the ledger then, and the window may not close.
        self.busy = False

    def set_user(self, user: User) -> None:
        """Who is logged in from now on: after a restore the restorer is logged in to the
        restored ledger, whose key for them may differ from the one they had."""
        self.user = user

    def may(self, action: Action) -> bool:
        return self.user.may(action)

    def notify_changed(self) -> None:
        self.changed.emit()
