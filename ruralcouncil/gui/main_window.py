"""The main window: navigation on the left, one page at a time, menus and a status bar.

Pages are created the first time they are shown, so start-up only builds the dashboard.
Hiding a menu item or a page from a role is only a courtesy: the core refuses what a role
may not do, whatever the window offers.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
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
from ruralcouncil.gui import messages
from ruralcouncil.gui.context import REVERSE_SHORTCUT, AppContext
from ruralcouncil.gui.lock import Cover, InactivityTimer, LockDialog
from ruralcouncil.gui.password_dialog import (
    admin_set_password,
    change_own_password,
    own_admin_set_note,
)
from ruralcouncil.gui.preferences import window_settings
from ruralcouncil.gui.session import Session
from ruralcouncil.gui.window_icon import show_window_icon
from ruralcouncil.i18n import LANGUAGES, N_, _, language
from ruralcouncil.ledger import chain, queries, settings
from ruralcouncil.ledger.users import ROLE_NAMES, Action

if TYPE_CHECKING:
    from ruralcouncil.gui.help import HelpWindow


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
    PageSpec("budget", N_("Budget"), "ruralcouncil.gui.budget_page", "BudgetPage"),
    PageSpec("meetings", N_("Meetings"), "ruralcouncil.gui.meetings_page", "MeetingsPage"),
    PageSpec("requests", N_("Spending requests"), "ruralcouncil.gui.requests_page", "RequestsPage"),
    PageSpec("donations", N_("Donations"), "ruralcouncil.gui.donations_page", "DonationsPage"),
    PageSpec(
        "projects", N_("Community projects"), "ruralcouncil.gui.projects_page", "ProjectsPage"
    ),
    PageSpec("subsidies", N_("Subsidies"), "ruralcouncil.gui.subsidies_page", "SubsidiesPage"),
    PageSpec("loans", N_("Loans"), "ruralcouncil.gui.loans_page", "LoansPage"),
    PageSpec("assets", N_("Property and leases"), "ruralcouncil.gui.assets_page", "AssetsPage"),
    PageSpec("fines", N_("Fines"), "ruralcouncil.gui.fines_page", "FinesPage"),
    PageSpec("reports", N_("Reports"), "ruralcouncil.gui.reports_page", "ReportsPage"),
    PageSpec("district", N_("District"), "ruralcouncil.gui.district_page", "DistrictPage"),
    PageSpec("parties", N_("Parties"), "ruralcouncil.gui.parties_page", "PartiesPage"),
    PageSpec("audit", N_("Audit log"), "ruralcouncil.gui.audit_page", "AuditPage"),
    PageSpec("safety", N_("Safety & backups"), "ruralcouncil.gui.safety_page", "SafetyPage"),
    PageSpec("users", N_("Users"), "ruralcouncil.gui.users_page", "UsersPage", Action.MANAGE_USERS),
    PageSpec("settings", N_("Settings"), "ruralcouncil.gui.settings_page", "SettingsPage"),
)
# Qt.ItemDataRole.UserRole, as the int item data takes. The window names no enum of the Qt
# namespace before its first paint: the first use of any builds Python enums for all ~90 of
# them, a wait that start-up need not include (``from PySide6.QtCore import Qt`` is local).
PAGE_ROLE = 0x0100
# The pages' modules are imported from this long after the window's first paint, once the
# first page and its chart are drawn (``MainWindow._warm_up_next``).
WARM_UP_AFTER_MS = 1500


def _covered_kinds() -> frozenset[object]:
    """Windows whose content a lock hides (not menus or tooltips, which close by themselves)."""
    from PySide6.QtCore import Qt

    return frozenset({Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Tool})


def _scrollable(page: QWidget) -> QScrollArea:
    """A page too wide for a small screen scrolls instead of stretching the window past it."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    return area


def entries_text(count: int) -> str:
    """What the status bar says about the ledger's size: its entries (numbered 1, 2, 3…)."""
    return _("Entries: {n}").format(n=count)


def anchor_text(seq: int, head: str) -> str:
    """The anchor as verify takes it (chain position:hash), shortened for the status bar."""
    return _("Anchor {anchor}…").format(anchor=f"{seq}:{head[:8]}")


class MainWindow(QMainWindow):
    # Once, just after the window's first paint and its first page: what a start does next
    # (remember who logged in, check the clock) then waits for nothing the user does.
    first_painted = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        session: Session | None = None,
    ) -> None:
        super().__init__(parent)
        show_window_icon()  # set already, unless this window is the program's first
        self.context = context
        if session is None:  # built directly (tests, the smoke test): a session of its own
            session = Session(context.ledger)
            session.adopt(self)
        self.session = session
        self.retired = False  # set once the session replaced this window with another
        self._maximize_when_shown = False  # the first start's, see restore_geometry
        self.setObjectName("mainWindow")
        self.pages: dict[str, QWidget] = {}
        self._areas: dict[str, QScrollArea] = {}  # each page inside its scroll area
        self.specs = [s for s in PAGES if s.action is None or context.may(s.action)]
        self.import_dialog: QDialog | None = None
        self.help_window: HelpWindow | None = None
        self.lock_dialog: LockDialog | None = None
        self._covers: list[Cover] = []

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
        self.entries_label = QLabel()
        self.entries_label.setObjectName("entriesStatus")
        self.anchor_label = QLabel()
        self.anchor_label.setObjectName("anchorStatus")  # selectable once painted (below)
        # Shown while the logged-in user still has the password an administrator gave them.
        self.password_note = QPushButton(_("An administrator set your password: choose your own…"))
        self.password_note.setObjectName("adminSetPassword")
        self.password_note.setFlat(True)  # its pointing-hand cursor: _after_first_paint
        self.password_note.setStyleSheet("color: #e65100; text-decoration: underline;")
        self.password_note.setToolTip(own_admin_set_note())
        self.password_note.clicked.connect(self.change_own_password)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addWidget(self.password_note)
        self.statusBar().addPermanentWidget(self.entries_label)
        self.statusBar().addPermanentWidget(self.anchor_label)

        # Locks the window after the minutes the administrator set without any input.
        self.inactivity = InactivityTimer(self)
        self.inactivity.expired.connect(lambda: self.lock(idle=True))

        self._build_menus()
        self.nav.currentRowChanged.connect(self._on_nav_row)
        context.changed.connect(self.refresh)
        context.language_saved.connect(self._language_saved)
        self.refresh()
        # The first page is built just after the window's first paint (_after_first_paint):
        # the window, its menus and navigation are on screen without waiting for the page.
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self.restore_geometry()
        self._painted = False
        self._to_warm_up: list[str] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What needs the Qt namespace's enums (see PAGE_ROLE), once the window is painted."""
        from PySide6.QtCore import Qt

        self.password_note.setCursor(Qt.CursorShape.PointingHandCursor)
        # The anchor can be copied from now on: painted with the window, it needs no event
        # filter of its own (selectable_once_painted), whose Python calls would build event
        # enums while the window is being built.
        self.anchor_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if self.stack.currentWidget() is None:
            self._on_nav_row(self.nav.currentRow())
        self._to_warm_up = [spec.module for spec in self.specs]
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up_next)
        self.first_painted.emit()

    def _warm_up_next(self) -> None:
        """Import the next page's module while the user reads the first page: one per turn
        of the event loop, so a click waits for one at most. A page's first visit then only
        builds it: importing its module (and the Qt classes and enums it first uses) was a
        third to a half of that visit. Nothing is built or read from the ledger here."""
        while self._to_warm_up:
            module = self._to_warm_up.pop(0)
            if module in sys.modules:
                continue
            # A module that cannot be imported is left to its page's visit, which says why.
            with contextlib.suppress(Exception):
                importlib.import_module(module)
            QTimer.singleShot(0, self, self._warm_up_next)
            return

    def warmed_up(self) -> bool:
        """Whether every page's module has been imported (``_warm_up_next``)."""
        return self._painted and not self._to_warm_up

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
            from PySide6.QtCore import Qt

            label = QLabel(_("This page is not available in this version."))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label
        page_class: Callable[[AppContext], QWidget] = getattr(module, spec.cls)
        return page_class(self.context)

    def show_page(self, key: str) -> QWidget:
        row = self.page_keys().index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # shows it through _on_nav_row
        else:
            self._on_nav_row(row)  # the first page, asked for before the window's first paint
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
        # Not QAction(text, self): choosing among its overloads (one takes a QIcon) would
        # build QIcon's Python enums, which the window does not need before its first paint.
        action = QAction(self)
        action.setText(text)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            # What setShortcut does (a standard key's primary binding; none for an empty
            # sequence), without PySide's choice among its overloads (or QKeySequence's, for a
            # copy), which builds the Qt namespace's enums (see PAGE_ROLE).
            if isinstance(shortcut, QKeySequence.StandardKey):
                shortcut = QKeySequence(shortcut)
            action.setShortcuts([] if shortcut.isEmpty() else [shortcut])
        return action

    def _build_menus(self) -> None:
        may_record = self.context.may(Action.RECORD)
        may_change_settings = self.context.may(Action.SETTINGS)
        bar = self.menuBar()

        file_menu = bar.addMenu(_("&File"))
        self.import_action = self._action(_("Import CSV…"), self.open_import_dialog, "importCsv")
        self.import_action.setVisible(may_record)
        file_menu.addAction(self.import_action)
        self.summary_action = self._action(
            _("Show and print the year's summary…"), self.preview_summary, "previewSummary"
        )
        file_menu.addAction(self.summary_action)
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
            # Reversing is this ledger's "delete"; Delete in the table does the same.
            (_("Reverse the chosen entry…"), "reverse_selected", "reverseEntry", REVERSE_SHORTCUT),
        ):
            action = self._action(
                text, partial(self._call_page, "ledger", slot), name, QKeySequence(key)
            )
            action.setEnabled(may_record)
            entries.addAction(action)
            self.entry_actions.append(action)
        self.fund_transfer_action = self._action(
            _("Transfer between funds…"), self.fund_transfer, "fundTransfer"
        )
        self.fund_transfer_action.setEnabled(may_record)
        entries.addAction(self.fund_transfer_action)
        entries.addSeparator()
        # Shown only to the roles the core allows; the core refuses everyone else anyway.
        self.close_year_action = self._action(_("Close a year…"), self.close_year, "closeYear")
        self.close_year_action.setVisible(self.context.may(Action.CLOSE_YEAR))
        entries.addAction(self.close_year_action)
        self.add_fund_action = self._action(_("Add a fund…"), self.add_fund, "addFund")
        self.add_fund_action.setVisible(may_change_settings)
        entries.addAction(self.add_fund_action)
        self.add_category_action = self._action(
            _("Add a revenue source or expenditure program…"), self.add_category, "addCategory"
        )
        self.add_category_action.setVisible(may_change_settings)
        entries.addAction(self.add_category_action)

        language_menu = bar.addMenu(_("&Language"))
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = self._action(name, partial(self.choose_language, code), f"lang_{code}")
            action.setCheckable(True)
            action.setChecked(code == language())
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

        user_menu = bar.addMenu(_("&User"))
        self.change_password_action = self._action(
            _("Change my password…"), self.change_own_password, "changeOwnPassword"
        )
        user_menu.addAction(self.change_password_action)
        user_menu.addSeparator()
        self.lock_action = self._action(
            _("Lock the window"), self.lock, "lockNow", QKeySequence("Ctrl+L")
        )
        user_menu.addAction(self.lock_action)
        self.log_out_action = self._action(
            _("Log out or switch user…"), self.log_out, "logOut", QKeySequence("Ctrl+Shift+L")
        )
        user_menu.addAction(self.log_out_action)

        help_menu = bar.addMenu(_("&Help"))
        self.help_action = self._action(
            _("Help for this page"),
            self.show_help,
            "helpPage",
            QKeySequence.StandardKey.HelpContents,
        )
        # F1 everywhere, even where the platform has no standard help key.
        self.help_action.setShortcuts([QKeySequence("F1")])
        help_menu.addAction(self.help_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action(_("About RuralCouncil"), self.show_about, "about"))

    def open_import_dialog(self) -> QDialog:
        """Open the import dialog without blocking (tests drive it directly)."""
        from PySide6.QtCore import Qt

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

    # --- year end, funds and categories -------------------------------------------------

    def close_year(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import close_year

        return close_year(self.context, self)

    def fund_transfer(self) -> bool:
        """Move money between funds, as a resolution of the council decided."""
        from ruralcouncil.gui.fund_transfer_dialog import FundTransferDialog

        dialog = FundTransferDialog(self.context, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_fund(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import add_fund

        return add_fund(self.context, self)

    def add_category(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import add_category

        return add_category(self.context, self)

    # --- reports ------------------------------------------------------------------------

    def preview_summary(self) -> None:
        """The summary of the year the dashboard shows (this year by default), in the
        program's own PDF window, with Print and Save."""
        from ruralcouncil.gui.pdf_viewer import preview_summary

        year: Any = getattr(self.pages.get("dashboard"), "year", None)
        chosen = year() if callable(year) else None
        preview_summary(
            self.context, chosen if isinstance(chosen, int) else date.today().year, self
        )

    # --- language -----------------------------------------------------------------------

    def choose_language(self, lang: str) -> None:
        """Save the choice; the window is then built again in that language."""
        from ruralcouncil.gui.settings_page import save_language

        save_language(self.context, lang, self)

    def _language_saved(self, lang: str) -> None:
        self.language_actions[lang].setChecked(True)
        if lang != language():
            # After the control that chose it has returned: the window is replaced.
            QTimer.singleShot(0, self, lambda: self.session.change_language(lang))

    # --- sessions -----------------------------------------------------------------------

    def log_out(self) -> QMainWindow | None:
        """Log out: the login dialog, then a window for whoever logs in."""
        return self.session.log_out()

    def is_locked(self) -> bool:
        return self.lock_dialog is not None

    def lock(self, idle: bool = False) -> None:
        """Hide every window's content and ask the same user's password (or another login);
        ``idle``: locked by the inactivity timer, not by the user."""
        if self.is_locked() or self.retired or not self.isVisible():
            return
        if self.context.busy:  # a restore: its own window must stay in sight
            self.inactivity.restart()
            return
        self.inactivity.pause()
        text = _("RuralCouncil is locked.")
        covered = _covered_kinds()
        for widget in QApplication.topLevelWidgets():
            kind = widget.windowType()
            if widget.isVisible() and widget is not self and kind in covered:
                self._covers.append(Cover(widget, text))
        self._covers.append(Cover(self, text))
        self.lock_dialog = LockDialog(
            self.context.ledger,
            self.context.user,
            self._unlocked,
            self._switch_user,
            self,
            idle=idle,
        )
        self.lock_dialog.show()
        messages.bring_forward(self.lock_dialog)
        self.lock_dialog.password.setFocus()

    def _switch_user(self) -> None:
        self.log_out()

    def _unlocked(self) -> None:
        self.lock_dialog = None
        for cover in self._covers:
            cover.remove()
        self._covers.clear()
        self.inactivity.resume()
        # A wrong password typed meanwhile was recorded: the anchor has moved.
        if not self.retired:
            self.refresh()

    def unlock_quietly(self) -> None:
        """Take the lock away without a password (the session is ending anyway)."""
        if self.lock_dialog is not None:
            self.lock_dialog.finish()
        self._unlocked()

    # --- help ---------------------------------------------------------------------------

    def show_help(self) -> HelpWindow:
        """The guide to the page on screen (F1)."""
        from ruralcouncil.gui.help import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
            self.help_window.destroyed.connect(lambda: setattr(self, "help_window", None))
        self.help_window.show_topic(self.current_page_key())
        return self.help_window

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
        self.entries_label.setText(entries_text(queries.count(conn, queries.EntryFilter())))
        seq, head = chain.head(conn)
        self.anchor_label.setText(anchor_text(seq, head))
        self.anchor_label.setToolTip(
            _(
                "The chain's anchor: its position and hash. Write it down or print it; "
                "verify can check the ledger against it later."
            )
            + f"\n{seq}:{head}"
        )
        if not self.is_locked():
            self.inactivity.set_minutes(settings.lock_minutes(conn))

    # --- geometry -----------------------------------------------------------------------

    def restore_geometry(self) -> None:
        stored = window_settings().value("main/geometry")
        if isinstance(stored, QByteArray) and self.restoreGeometry(stored):
            return
        # First start: village PCs have small screens (1366x768 is common), so use all of it.
        # Maximised when first shown, by Qt's own showMaximized(): naming Qt.WindowState here
        # would make PySide build all ~90 enums of Qt's namespace (~20 ms) before the first
        # paint.
        super().resize(1100, 720)
        self._maximize_when_shown = True

    def resize(self, *size: Any) -> None:
        # A size asked for before the window is shown (a test, the smoke test) wins over the
        # first start's maximising, as it would over a maximised window state.
        self._maximize_when_shown = False
        super().resize(*size)

    def setVisible(self, visible: bool) -> None:
        if visible and self._maximize_when_shown:
            self._maximize_when_shown = False
            self.showMaximized()  # sets the state, then comes back here to show
            return
        super().setVisible(visible)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.retired:
            self.inactivity.stop_watching()
            super().closeEvent(event)
            return
        if self.context.busy:
            # A restore is rewriting the open ledger in a worker: closing now would close
            # the connection under it. Its progress window says when it is done.
            event.ignore()
            return
        window_settings().setValue("main/geometry", self.saveGeometry())
        self.inactivity.stop_watching()
        super().closeEvent(event)
