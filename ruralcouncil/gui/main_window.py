"""The main window: navigation on the left, one page at a time, menus and a status bar.

Pages are created the first time they are shown, so start-up only builds the dashboard.
Hiding a menu item or a page from a role is only a courtesy: the core refuses what a role
may not do, whatever the window offers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QWidget,
)

import ruralcouncil
from ruralcouncil import paths
from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.password_dialog import (
    admin_set_password,
    change_own_password,
    own_admin_set_note,
)
from ruralcouncil.gui.settings_page import save_language
from ruralcouncil.i18n import LANGUAGES, N_, _, load_preferred_language
from ruralcouncil.ledger import chain, settings
from ruralcouncil.ledger.users import ROLE_NAMES, Action


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # N_() marked, translated when shown
    module: str
    cls: str
    action: Action | None = None  # shown only to roles that may do this


PAGES = (
    PageSpec("dashboard", N_("Dashboard"), "ruralcouncil.gui.dashboard_page", "DashboardPage"),
    PageSpec("ledger", N_("Ledger"), "ruralcouncil.gui.ledger_page", "LedgerPage"),
    PageSpec("safety", N_("Safety & backups"), "ruralcouncil.gui.safety_page", "SafetyPage"),
    PageSpec("users", N_("Users"), "ruralcouncil.gui.users_page", "UsersPage", Action.MANAGE_USERS),
    PageSpec("settings", N_("Settings"), "ruralcouncil.gui.settings_page", "SettingsPage"),
)
PAGE_ROLE = Qt.ItemDataRole.UserRole


def window_settings() -> QSettings:
    """Window size and place, kept with the other preferences (beside a portable program)."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def _scrollable(page: QWidget) -> QScrollArea:
    """A page too wide for a small screen scrolls instead of stretching the window past it."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    return area


def chain_text(count: int, head: str) -> str:
    return _("Chain: {n} entries, head {head}…").format(n=count, head=head[:8])


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("mainWindow")
        self.pages: dict[str, QWidget] = {}
        self._areas: dict[str, QScrollArea] = {}  # each page inside its scroll area
        self.specs = [s for s in PAGES if s.action is None or context.may(s.action)]
        self.import_dialog: QDialog | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        for spec in self.specs:
            item = QListWidgetItem(_(spec.title))
            item.setData(PAGE_ROLE, spec.key)
            self.nav.addItem(item)
        # Wide enough for the longest title in the current language (Kazakh runs long).
        self.nav.setWordWrap(True)
        nav_width = min(190, max(150, self.nav.sizeHintForColumn(0) + 30))
        self.nav.setMinimumWidth(nav_width)
        self.nav.setMaximumWidth(nav_width + 60)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([nav_width, 1000])
        self.setCentralWidget(splitter)

        self.user_label = QLabel()
        self.user_label.setObjectName("userStatus")
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chainStatus")
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Shown while the logged-in user still has the password an administrator gave them.
        self.password_note = QPushButton(_("An administrator set your password: choose your own…"))
        self.password_note.setObjectName("adminSetPassword")
        self.password_note.setFlat(True)
        self.password_note.setCursor(Qt.CursorShape.PointingHandCursor)
        self.password_note.setStyleSheet("color: #e65100; text-decoration: underline;")
        self.password_note.setToolTip(own_admin_set_note())
        self.password_note.clicked.connect(self.change_own_password)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addWidget(self.password_note)
        self.statusBar().addPermanentWidget(self.chain_label)

        self._build_menus()
        self.nav.currentRowChanged.connect(self._on_nav_row)
        context.changed.connect(self.refresh)
        self.refresh()
        self.nav.setCurrentRow(0)
        self.restore_geometry()

    # --- pages --------------------------------------------------------------------------

    def page_keys(self) -> list[str]:
        return [spec.key for spec in self.specs]

    def page(self, key: str) -> QWidget:
        """The page ``key``, created the first time it is asked for."""
        if key not in self.pages:
            spec = next(s for s in self.specs if s.key == key)
            page = self._create_page(spec)
            self.pages[key] = page
            self._areas[key] = _scrollable(page)
            self.stack.addWidget(self._areas[key])
        return self.pages[key]

    def _create_page(self, spec: PageSpec) -> QWidget:
        try:
            module = importlib.import_module(spec.module)
        except ModuleNotFoundError as exc:
            if exc.name != spec.module:
                raise
            # Only while the program is being built: a page whose module does not exist yet.
            label = QLabel(_("This page is not available in this version."))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label
        page_class: Callable[[AppContext], QWidget] = getattr(module, spec.cls)
        return page_class(self.context)

    def show_page(self, key: str) -> QWidget:
        row = self.page_keys().index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # shows it through _on_nav_row
        return self.page(key)

    def current_page_key(self) -> str:
        return self.page_keys()[self.nav.currentRow()]

    def current_page(self) -> QWidget:
        return self.pages[self.current_page_key()]

    def _on_nav_row(self, row: int) -> None:
        if row >= 0:
            key = self.specs[row].key
            self.page(key)
            self.stack.setCurrentWidget(self._areas[key])

    def _call_page(self, key: str, slot: str) -> None:
        page: Any = self.show_page(key)
        method = getattr(page, slot, None)
        if method is not None:
            method()

    # --- menus --------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_menus(self) -> None:
        may_record = self.context.may(Action.RECORD)
        bar = self.menuBar()

        file_menu = bar.addMenu(_("&File"))
        self.import_action = self._action(_("Import CSV…"), self.open_import_dialog, "importCsv")
        self.import_action.setVisible(may_record)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        self.backup_action = self._action(
            _("Back up…"), lambda: self._call_page("safety", "backup_now"), "backup"
        )
        file_menu.addAction(self.backup_action)
        self.restore_action = self._action(
            _("Restore…"), lambda: self._call_page("safety", "restore"), "restore"
        )
        self.restore_action.setVisible(self.context.may(Action.RESTORE))
        file_menu.addAction(self.restore_action)
        self.verify_action = self._action(
            _("Verify the ledger"), lambda: self._call_page("safety", "verify_now"), "verify"
        )
        file_menu.addAction(self.verify_action)
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(_("Quit"), self.close, "quit", QKeySequence.StandardKey.Quit)
        )

        entries = bar.addMenu(_("&Entries"))
        self.entry_actions: list[QAction] = []
        for text, slot, name, key in (
            (_("New receipt…"), "new_receipt", "newReceipt", "Ctrl+R"),
            (_("New payment…"), "new_payment", "newPayment", "Ctrl+P"),
            (_("New transfer…"), "new_transfer", "newTransfer", "Ctrl+T"),
            (_("Opening balance…"), "new_opening", "newOpening", ""),
        ):
            action = self._action(
                text, lambda s=slot: self._call_page("ledger", s), name, QKeySequence(key)
            )
            action.setEnabled(may_record)
            entries.addAction(action)
            self.entry_actions.append(action)

        language_menu = bar.addMenu(_("&Language"))
        group = QActionGroup(self)
        preferred = load_preferred_language()
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = self._action(name, lambda c=code: self.choose_language(c), f"lang_{code}")
            action.setCheckable(True)
            action.setChecked(code == preferred)
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

        user_menu = bar.addMenu(_("&User"))
        self.change_password_action = self._action(
            _("Change my password…"), self.change_own_password, "changeOwnPassword"
        )
        user_menu.addAction(self.change_password_action)

        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self._action(_("About RuralCouncil"), self.show_about, "about"))

    def open_import_dialog(self) -> QDialog:
        """Open the import dialog without blocking (tests drive it directly)."""
        from ruralcouncil.gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def change_own_password(self) -> bool:
        """Any role: the logged-in user's own new password and key."""
        return change_own_password(self.context, self)

    def choose_language(self, lang: str) -> None:
        save_language(self.context, lang, self)
        self.language_actions[lang].setChecked(True)

    def show_about(self) -> None:
        count, head = chain.head(self.context.ledger.conn)
        text = _(
            "RuralCouncil {version}\n"
            "A village council's budget ledger.\n\n"
            "Ledger file: {path}\n"
            "Chain anchor: {anchor}"
        ).format(
            version=ruralcouncil.__version__,
            path=self.context.ledger.path,
            anchor=f"{count}:{head}",
        )
        messages.show_info(self, text, _("About RuralCouncil"))

    # --- title and status bar -----------------------------------------------------------

    def refresh(self) -> None:
        conn = self.context.ledger.conn
        self.setWindowTitle(
            f"RuralCouncil — {settings.village_name(conn)} — {settings.council_name(conn)}"
        )
        user = self.context.user
        self.user_label.setText(
            _("Logged in: {user} ({role})").format(
                user=user.full_name or user.name, role=_(ROLE_NAMES[user.role])
            )
        )
        self.password_note.setVisible(admin_set_password(self.context))
        count, head = chain.head(conn)
        self.chain_label.setText(chain_text(count, head))
        self.chain_label.setToolTip(
            _(
                "The chain's anchor: write it down or print it; verify can check the ledger "
                "against it later."
            )
            + f"\n{count}:{head}"
        )

    # --- geometry -----------------------------------------------------------------------

    def restore_geometry(self) -> None:
        stored = window_settings().value("main/geometry")
        if isinstance(stored, QByteArray) and self.restoreGeometry(stored):
            return
        # First start: village PCs have small screens (1366x768 is common), so use all of it.
        self.resize(1100, 720)
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.context.busy:
            # A restore is rewriting the open ledger in a worker: closing now would close
            # the connection under it. Its progress window says when it is done.
            event.ignore()
            return
        window_settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
