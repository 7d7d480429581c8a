"""The desktop shell: first-run setup, login, opening the ledger, the main window, settings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _helpers import saved_while_clock_said
from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QWizard,
)
from pytestqt.qtbot import QtBot

from ruralcouncil import i18n, paths
from ruralcouncil.gui import app, fonts
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.login_dialog import LoginDialog
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.settings_page import SettingsPage
from ruralcouncil.gui.setup_wizard import SetupWizard
from ruralcouncil.ledger import audit, chain, clock, journal, settings, users
from ruralcouncil.ledger.errors import PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.lock import LedgerLock
from ruralcouncil.ledger.settings import CouncilKind
from ruralcouncil.ledger.storage import Ledger, open_ledger

# The same as tests/gui/conftest.py's fixtures (conftest modules are not imported by name).
ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"
CLERK_PASSWORD = "clerk-password-1"
VILLAGE = "Aksu"
MessageRecorder = Any  # conftest.MessageRecorder: .shown (icon, title, text), .texts()

# --- first-run setup ----------------------------------------------------------------------


def _wizard(qtbot: QtBot, path: Path) -> SetupWizard:
    wizard = SetupWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill_village(wizard: SetupWizard, village: str, kind: CouncilKind, name: str = "") -> None:
    page = wizard.village_page
    page.village.setText(village)
    page.council.buttons[kind].click()
    page.council.custom_name.setText(name)


def _fill_admin(wizard: SetupWizard, password: str, repeat: str | None = None) -> None:
    page = wizard.admin_page
    page.user_name.setText("bolat")
    page.full_name.setText("Болат Әлиев")
    page.password.setText(password)
    page.repeat.setText(password if repeat is None else repeat)


def _finish(wizard: SetupWizard) -> None:
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_setup_wizard_creates_the_ledger(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    wizard = _wizard(qtbot, path)
    # The proposed rural maslikhat is the default choice.
    assert wizard.village_page.council.kind() == CouncilKind.RURAL_MASLIKHAT
    _fill_village(wizard, "Қызылжар", CouncilKind.LOCAL_COMMUNITY)
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    _fill_admin(wizard, "a long enough sentence")
    _finish(wizard)

    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.created and path.exists()
    with open_ledger(path) as ledger:
        assert settings.village_name(ledger.conn) == "Қызылжар"
        assert settings.get(ledger.conn, settings.COUNCIL_KIND) == "local_community"
        assert settings.council_name(ledger.conn) == "Meeting of the local community"
        user = users.login(ledger, "bolat", "a long enough sentence")
        assert user.role == users.Role.ADMIN
        assert user.full_name == "Болат Әлиев"


def test_setup_wizard_keeps_another_council_name(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    wizard = _wizard(qtbot, path)
    _fill_village(wizard, "Aksu", CouncilKind.CUSTOM, "Aksu elders' council")
    wizard.next()
    _fill_admin(wizard, "a long enough sentence")
    _finish(wizard)
    assert wizard.created
    with open_ledger(path) as ledger:
        assert settings.council_name(ledger.conn) == "Aksu elders' council"


@pytest.mark.parametrize(
    ("village", "kind", "name", "expected"),
    [
        ("", CouncilKind.RURAL_MASLIKHAT, "", "name of the village"),
        ("   ", CouncilKind.RURAL_MASLIKHAT, "", "name of the village"),
        ("Aksu", CouncilKind.CUSTOM, "", "needs its own name"),
    ],
)
def test_setup_wizard_refuses_an_incomplete_village_page(
    qtbot: QtBot, tmp_path: Path, village: str, kind: CouncilKind, name: str, expected: str
) -> None:
    path = tmp_path / "new.ruralcouncil"
    wizard = _wizard(qtbot, path)
    _fill_village(wizard, village, kind, name)
    wizard.next()
    assert wizard.currentPage() is wizard.village_page
    assert wizard.village_page.error.isVisible()
    assert expected in wizard.village_page.error.text()
    assert not path.exists()


@pytest.mark.parametrize(
    ("password", "repeat", "expected"),
    [
        ("short-9ch", None, "at least 10 characters"),
        ("", None, "at least 10 characters"),
        ("a long enough sentence", "a long enough sentencE", "not the same"),
    ],
)
def test_setup_wizard_refuses_a_bad_password(
    qtbot: QtBot, tmp_path: Path, password: str, repeat: str | None, expected: str
) -> None:
    path = tmp_path / "new.ruralcouncil"
    wizard = _wizard(qtbot, path)
    _fill_village(wizard, "Aksu", CouncilKind.RURAL_MASLIKHAT)
    wizard.next()
    _fill_admin(wizard, password, repeat)
    _finish(wizard)

    assert wizard.isVisible()
    assert wizard.result() != QDialog.DialogCode.Accepted
    assert wizard.currentPage() is wizard.admin_page
    assert expected in wizard.admin_page.error.text()
    assert wizard.admin_page.error.isVisible()
    assert not wizard.created
    assert not path.exists()
    assert list(tmp_path.glob("new.ruralcouncil*")) in ([], [tmp_path / "new.ruralcouncil.lock"])


def test_a_refusal_never_shrinks_the_window_it_is_shown_in(qtbot: QtBot, tmp_path: Path) -> None:
    """The wizard opens at 680 x 500. A refusal under its form used to fit the window to its
    content (``adjustSize``): 580 px wide, and the Kazakh subtitle of the page above lost its
    last line. A refusal may make a window bigger, never smaller."""
    wizard = _wizard(qtbot, tmp_path / "new.ruralcouncil")
    qtbot.waitExposed(wizard)
    _fill_village(wizard, "Ақсу", CouncilKind.RURAL_MASLIKHAT)
    wizard.next()
    before = wizard.size()
    _fill_admin(wizard, "short")
    _finish(wizard)
    assert wizard.admin_page.error.isVisible()
    assert wizard.width() >= before.width()
    assert wizard.height() >= before.height()


def test_setup_wizard_refuses_a_bad_user_name(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    wizard = _wizard(qtbot, path)
    _fill_village(wizard, "Aksu", CouncilKind.RURAL_MASLIKHAT)
    wizard.next()
    _fill_admin(wizard, "a long enough sentence")
    wizard.admin_page.user_name.setText("two words")
    _finish(wizard)
    assert "not allowed" in wizard.admin_page.error.text()
    assert not path.exists()


def test_setup_wizard_never_overwrites_a_file(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    path.write_bytes(b"someone's file")
    wizard = _wizard(qtbot, path)
    _fill_village(wizard, "Aksu", CouncilKind.RURAL_MASLIKHAT)
    wizard.next()
    _fill_admin(wizard, "a long enough sentence")
    _finish(wizard)
    assert "already exists" in wizard.admin_page.error.text()
    assert not wizard.created
    assert path.read_bytes() == b"someone's file"


def test_setup_wizard_explains_the_password_rule(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = _wizard(qtbot, tmp_path / "new.ruralcouncil")
    texts = [label.text() for label in wizard.admin_page.findChildren(QLabel)]
    assert any("At least 10 characters" in text for text in texts)


# --- opening the ledger -------------------------------------------------------------------


def test_a_second_copy_gets_a_clear_message(gui_ledger: Ledger) -> None:
    # gui_ledger holds the writer's lock, as a first copy of the program does.
    before = chain.head(gui_ledger.conn)
    ledger, problem = app.open_for_window(gui_ledger.path)
    assert ledger is None
    assert problem is not None and "already open in another copy" in problem
    assert chain.head(gui_ledger.conn) == before


def test_a_lock_held_elsewhere_is_refused(gui_ledger_path: Path, gui_ledger: Ledger) -> None:
    gui_ledger.close()
    lock = LedgerLock(gui_ledger_path)
    lock.acquire("another copy")
    try:
        ledger, problem = app.open_for_window(gui_ledger_path)
    finally:
        lock.release()
    assert ledger is None and problem is not None and "another copy" in problem
    ledger, problem = app.open_for_window(gui_ledger_path)
    assert problem is None and ledger is not None
    ledger.close()


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.ruralcouncil"
    path.write_text("shopping list", encoding="utf-8")
    ledger, problem = app.open_for_window(path)
    assert ledger is None
    assert problem is not None and "not a RuralCouncil ledger" in problem
    assert path.read_text(encoding="utf-8") == "shopping list"


def test_ledger_path_defaults(tmp_path: Path) -> None:
    assert app.ledger_path(None, demo=False) == paths.default_ledger_path()
    assert app.ledger_path(None, demo=True) == paths.demo_ledger_path()
    assert app.ledger_path(tmp_path / "x", demo=True) == tmp_path / "x"


def test_the_demo_never_writes_over_the_real_ledger() -> None:
    problem = app.prepare_demo(paths.default_ledger_path())
    assert problem is not None and "real ledger" in problem
    assert not paths.default_ledger_path().exists()


def _started(ledger: Ledger, user: users.User, qtbot: QtBot) -> MainWindow:
    """The start after a login, as run_gui makes it, up to the clock's check once the
    window is painted."""
    login = app.login_dialog_for(ledger, demo=False)
    qtbot.addWidget(login)
    login.user = user
    session = app.after_login(ledger, login, demo=False)
    window = session.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    with qtbot.waitSignal(session.clock_checked, timeout=10_000):
        pass
    return window


def test_the_clock_is_checked_once_the_main_window_is_painted(
    gui_ledger: Ledger,
    admin_user: users.User,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
    qtbot: QtBot,
) -> None:
    window = _started(gui_ledger, admin_user, qtbot)
    assert message_boxes.shown == []
    assert window.isVisible()
    window.close()

    # An entry saved when the clock said tomorrow: today's clock is now behind it.
    saved_while_clock_said(gui_ledger, datetime.now().astimezone() + timedelta(days=1), monkeypatch)
    window = _started(gui_ledger, admin_user, qtbot)
    [shown] = message_boxes.shown
    assert shown.icon == QMessageBox.Icon.Warning
    assert "earlier than the last saved entry" in shown.text
    assert shown.text == clock.clock_warning(gui_ledger.conn)
    window.close()


def test_the_clocks_answer_waits_for_no_restore(
    gui_ledger: Ledger,
    admin_user: users.User,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
    qtbot: QtBot,
) -> None:
    """An answer that comes while a restore rewrites the ledger neither reads the ledger
    nor warns (the next save asks the clock again)."""
    saved_while_clock_said(gui_ledger, datetime.now().astimezone() + timedelta(days=1), monkeypatch)
    session = app.start_session(gui_ledger, admin_user)
    window = session.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.context.busy = True
    told: list[object] = []
    session.clock_checked.connect(told.append)
    read = [0]

    def tick() -> int:
        read[0] += 1
        return 0

    gui_ledger.conn.set_progress_handler(tick, 1)
    try:
        session._tell_about_clock()  # what the clock's answer, received, runs
    finally:
        gui_ledger.conn.set_progress_handler(None, 0)
    assert (read[0], told, message_boxes.shown) == (0, [], [])
    window.context.busy = False
    with qtbot.waitSignal(session.clock_checked, timeout=10_000) as checked:
        session._clock_read.emit()
    assert checked.args is not None and "earlier than the last saved entry" in checked.args[0]
    window.close()


def test_the_start_remembers_who_logged_in_once_the_window_is_painted(
    gui_ledger: Ledger, admin_user: users.User, qtbot: QtBot
) -> None:
    from ruralcouncil.gui import preferences

    assert preferences.last_user_name() == ""
    assert app.login_dialog_for(gui_ledger, demo=False).user_name.text() == ""
    _started(gui_ledger, admin_user, qtbot).close()
    assert preferences.last_user_name() == "admin"
    assert app.login_dialog_for(gui_ledger, demo=False).user_name.text() == "admin"
    assert app.login_dialog_for(gui_ledger, demo=False, admin="bolat").user_name.text() == "bolat"


# --- login --------------------------------------------------------------------------------


def _login_dialog(qtbot: QtBot, ledger: Ledger, **kw: str) -> LoginDialog:
    dialog = LoginDialog(ledger, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_login_refuses_a_wrong_password_then_accepts_the_right_one(
    qtbot: QtBot, gui_ledger: Ledger
) -> None:
    dialog = _login_dialog(qtbot, gui_ledger)
    dialog.user_name.setText(ADMIN)
    dialog.password.setText("wrong password")
    dialog.accept()

    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.user is None
    assert dialog.error.isVisible() and "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""  # ready for another try
    # The one record that may stand unsigned: it names the user, never the password typed.
    failed = audit.recent(gui_ledger)[0]
    assert (failed.user, failed.event, failed.detail) == (ADMIN, "login.failed", "")
    after_failure = chain.head(gui_ledger.conn)

    dialog.password.setText(ADMIN_PASSWORD)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.name == ADMIN
    assert dialog.user.signer is not None  # the key is unlocked: the session can sign
    assert not dialog.upgraded  # a ledger of this version: nothing to upgrade
    # A successful login writes nothing by itself: it is chained with the first write.
    assert chain.head(gui_ledger.conn) == after_failure
    settings.change(gui_ledger, dialog.user, settings.VILLAGE_NAME, "Aksu-2")
    newest = [(e.user, e.event) for e in audit.recent(gui_ledger, limit=2)]
    assert newest == [(ADMIN, "setting.change"), (ADMIN, "login")]


def test_login_never_stores_the_text_typed_as_a_name(qtbot: QtBot, gui_ledger: Ledger) -> None:
    dialog = _login_dialog(qtbot, gui_ledger)
    dialog.user_name.setText("my-secret-password")  # typed into the wrong field
    dialog.password.setText("whatever")
    dialog.accept()
    assert dialog.user is None and "Wrong user name or password" in dialog.error.text()
    failed = audit.recent(gui_ledger)[0]
    assert failed.event == "login.failed"
    assert "my-secret-password" not in (failed.user, failed.detail)


def test_a_long_refusal_is_shown_whole(qtbot: QtBot, gui_ledger: Ledger) -> None:
    """A refusal of several lines (a ledger whose users do not verify, in Kazakh) makes the
    dialog grow: none of its lines is cut off."""
    from ruralcouncil.gui.problems import show_problem

    dialog = _login_dialog(qtbot, gui_ledger)
    qtbot.waitExposed(dialog)
    before = dialog.height()
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    # Nothing to copy yet: no text control of Qt's own before the dialog first shows.
    assert not dialog.error.textInteractionFlags() & selectable
    text = " ".join(["Кітаптағы пайдаланушылар туралы жазбалар тексеруден өтпеді."] * 6)
    show_problem(dialog.error, text)
    label = dialog.error
    assert label.isVisible()
    assert label.textInteractionFlags() & selectable  # a refusal can be copied
    assert dialog.height() > before
    # The label has at least the height its wrapped text needs at its width.
    assert label.height() >= label.heightForWidth(label.width())
    assert label.geometry().bottom() <= dialog.rect().bottom()


def test_login_refuses_an_unknown_user(qtbot: QtBot, gui_ledger: Ledger) -> None:
    dialog = _login_dialog(qtbot, gui_ledger)
    dialog.user_name.setText("nobody")
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.accept()
    assert dialog.user is None and dialog.isVisible()
    assert "Wrong user name or password" in dialog.error.text()


def test_login_cancel_leaves_no_user(qtbot: QtBot, gui_ledger: Ledger) -> None:
    dialog = _login_dialog(qtbot, gui_ledger)
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.user is None


def test_login_shows_the_village_and_the_demo_hint(qtbot: QtBot, gui_ledger: Ledger) -> None:
    dialog = _login_dialog(qtbot, gui_ledger, user_name="admin", hint=app.demo_hint())
    assert VILLAGE in dialog.findChild(QLabel, "loginHeading").text()
    assert dialog.user_name.text() == "admin"
    from ruralcouncil.ledger.demo import DEMO_PASSWORD

    assert dialog.hint.isVisible() and DEMO_PASSWORD in dialog.hint.text()
    plain = _login_dialog(qtbot, gui_ledger)
    assert not plain.hint.isVisible()


# --- the main window ----------------------------------------------------------------------


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def _nav_texts(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_main_window_shows_every_page_to_the_administrator(
    qtbot: QtBot, context: AppContext
) -> None:
    window = _window(qtbot, context)
    assert window.windowTitle() == f"RuralCouncil — {VILLAGE} — Rural maslikhat"
    assert _nav_texts(window) == [
        "Dashboard",
        "Ledger",
        "Budget",
        "Meetings",
        "Spending requests",
        "Donations",
        "Community projects",
        "Subsidies",
        "Loans",
        "Property and leases",
        "Fines",
        "Reports",
        "District",
        "Parties",
        "Audit log",
        "Safety & backups",
        "Users",
        "Settings",
    ]
    expected = {
        "dashboard": "DashboardPage",
        "ledger": "LedgerPage",
        "budget": "BudgetPage",
        "meetings": "MeetingsPage",
        "requests": "RequestsPage",
        "subsidies": "SubsidiesPage",
        "loans": "LoansPage",
        "assets": "AssetsPage",
        "fines": "FinesPage",
        "reports": "ReportsPage",
        "district": "DistrictPage",
        "parties": "PartiesPage",
        "audit": "AuditPage",
        "safety": "SafetyPage",
        "users": "UsersPage",
        "settings": "SettingsPage",
    }
    for key, cls in expected.items():
        page = window.show_page(key)
        assert type(page).__name__ == cls
        assert window.current_page() is page and page.isVisible()
        assert window.current_page_key() == key
    assert "admin" in window.user_label.text() and "Administrator" in window.user_label.text()
    assert all(action.isEnabled() for action in window.entry_actions)
    assert window.import_action.isVisible() and window.restore_action.isVisible()


def test_the_entries_menu_reverses_the_chosen_entry(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries > Reverse the chosen entry… (Ctrl+Shift+R) goes to the ledger page and asks
    to reverse the row chosen there; with none chosen it puts the keyboard on the newest."""
    from datetime import date

    from PySide6.QtGui import QAction, QKeySequence

    from ruralcouncil.gui.reverse_dialog import ReverseDialog
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.journal import EntryType, NewEntry

    entry = journal.record(
        context.ledger,
        context.user,
        NewEntry(date.today(), EntryType.RECEIPT, 100_00, "FINES", description="fine"),
    )
    window = _window(qtbot, context)
    action = window.findChild(QAction, "reverseEntry")
    assert action is not None and action in window.entry_actions
    assert action.shortcut() == QKeySequence("Ctrl+Shift+R")
    opened: list[int] = []
    monkeypatch.setattr(ReverseDialog, "exec", lambda d: opened.append(d.entry_id) or 0)
    window.show()
    action.trigger()
    # Nothing was chosen: the table gets the keyboard, on the newest entry; nothing opens.
    assert window.current_page_key() == "ledger" and opened == []
    page = window.current_page()
    qtbot.waitUntil(lambda: page.table.hasFocus())  # type: ignore[attr-defined]
    chosen = page.selected_entry()  # type: ignore[attr-defined]
    assert chosen is not None and chosen.id == entry
    action.trigger()
    assert opened == [entry]


def test_pages_are_created_when_first_shown(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    # The first page is built just after the window's first paint, not before it.
    assert window.pages == {}
    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.pages)
    assert window.stack.currentWidget() is window._areas["dashboard"]
    assert set(window.pages) == {"dashboard"}
    window.nav.setCurrentRow(window.page_keys().index("settings"))
    assert set(window.pages) == {"dashboard", "settings"}


def test_clerk_sees_no_users_page(qtbot: QtBot, clerk_context: AppContext) -> None:
    window = _window(qtbot, clerk_context)
    assert "Users" not in _nav_texts(window)
    assert "users" not in window.page_keys()
    assert "Clerk" in window.user_label.text()
    assert all(action.isEnabled() for action in window.entry_actions)
    assert window.import_action.isVisible()
    assert not window.restore_action.isVisible()


def test_member_may_not_record(qtbot: QtBot, member_context: AppContext) -> None:
    window = _window(qtbot, member_context)
    assert "Users" not in _nav_texts(window)
    assert not any(action.isEnabled() for action in window.entry_actions)
    assert not window.import_action.isVisible()


def test_status_bar_counts_entries_and_shows_the_anchor_apart(
    qtbot: QtBot, context: AppContext
) -> None:
    """Where people read a count it is entries (numbered 1, 2, 3…), not chain positions,
    which also count users, categories and events; the anchor names its chain position."""
    window = _window(qtbot, context)
    seq, head = chain.head(context.ledger.conn)
    assert seq > 30  # a new ledger's chain: categories, cash accounts, fund, administrator
    assert window.entries_label.text() == "Entries: 0"
    assert window.anchor_label.text() == f"Anchor {seq}:{head[:8]}…"
    assert f"{seq}:{head}" in window.anchor_label.toolTip()

    journal.record(
        context.ledger, context.user, NewEntry(date.today(), EntryType.OPENING, 5_000_00)
    )
    context.notify_changed()
    new_seq, new_head = chain.head(context.ledger.conn)
    assert new_seq > seq
    assert window.entries_label.text() == "Entries: 1"
    assert window.anchor_label.text() == f"Anchor {new_seq}:{new_head[:8]}…"
    texts = [w.text() for w in window.statusBar().findChildren(QLabel) if w.isVisible()]
    assert not any(str(new_seq) in t and "ntries" in t for t in texts), texts


def test_the_anchor_can_be_copied_once_the_window_is_painted(
    qtbot: QtBot, context: AppContext
) -> None:
    """The anchor is selectable (to copy it into the minutes) once the window has been
    painted; before that it has no Python event filter watching it, whose calls would build
    event enums while the window is built."""
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert not window.anchor_label.textInteractionFlags() & selectable
    assert window.anchor_label.findChildren(QObject) == []  # no watcher of its own
    with qtbot.waitSignal(window.first_painted, timeout=10_000):
        window.show()
    assert window.anchor_label.textInteractionFlags() & selectable


def test_entries_menu_opens_the_ledger_dialogs(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruralcouncil.gui import ledger_page, safety_page

    called: list[str] = []
    for slot in ("new_receipt", "new_payment", "new_transfer", "new_opening"):
        monkeypatch.setattr(ledger_page.LedgerPage, slot, lambda self, s=slot: called.append(s))
    for slot in ("backup_now", "restore", "verify_now"):
        monkeypatch.setattr(safety_page.SafetyPage, slot, lambda self, s=slot: called.append(s))
    window = _window(qtbot, context)
    for action in window.entry_actions:
        action.trigger()
    assert called == ["new_receipt", "new_payment", "new_transfer", "new_opening"]
    assert window.current_page_key() == "ledger"
    for action in (window.backup_action, window.restore_action, window.verify_action):
        action.trigger()
    assert called[4:] == ["backup_now", "restore", "verify_now"]
    assert window.current_page_key() == "safety"


def test_import_menu_opens_the_import_dialog(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.import_action.trigger()
    dialog = window.import_dialog
    assert dialog is not None and type(dialog).__name__ == "ImportDialog"
    qtbot.waitUntil(dialog.isVisible)
    dialog.reject()


def test_about_names_the_version_and_the_ledger(
    qtbot: QtBot, context: AppContext, message_boxes: MessageRecorder
) -> None:
    import ruralcouncil

    window = _window(qtbot, context)
    window.show_about()
    text = message_boxes.shown[-1].text
    assert ruralcouncil.__version__ in text and str(context.ledger.path) in text
    count, head = chain.head(context.ledger.conn)
    assert f"{count}:{head}" in text


def test_language_switch_rebuilds_the_window_in_the_new_language(
    qtbot: QtBot, context: AppContext, message_boxes: MessageRecorder
) -> None:
    assert i18n.load_preferred_language() == "kk"
    i18n.set_language("kk")
    window = _window(qtbot, context)
    window.show_page("settings")
    assert window.language_actions["kk"].isChecked()
    with qtbot.waitSignal(window.session.window_replaced) as replaced:
        window.language_actions["ru"].trigger()
    assert i18n.load_preferred_language() == "ru"
    assert i18n.language() == "ru"  # at once: no restart
    assert message_boxes.shown == []
    new = replaced.args[0]
    qtbot.addWidget(new)
    assert isinstance(new, MainWindow) and new is window.session.window and new is not window
    assert new.isVisible() and not window.isVisible()
    assert "Книга учёта" in _nav_texts(new)
    # The same user, on the same page, with both controls showing the new choice.
    assert new.context.user.name == ADMIN and new.current_page_key() == "settings"
    assert new.language_actions["ru"].isChecked()
    page = new.current_page()
    assert isinstance(page, SettingsPage) and page.language.currentData() == "ru"
    i18n.set_language("en")


def test_settings_page_and_menu_choose_the_same_language(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert page.language.currentData() == "en" and window.language_actions["en"].isChecked()
    # The page's own button: the menu follows, and the window is built again in Kazakh.
    page.language.setCurrentIndex(list(i18n.LANGUAGES).index("kk"))
    with qtbot.waitSignal(window.session.window_replaced) as replaced:
        page.save_language()
    new = replaced.args[0]
    qtbot.addWidget(new)
    assert new.language_actions["kk"].isChecked()
    assert new.show_page("settings").language.currentData() == "kk"
    assert i18n.language() == "kk" and i18n.load_preferred_language() == "kk"
    i18n.set_language("en")


def test_a_language_change_waits_for_work_in_progress(
    qtbot: QtBot,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
) -> None:
    """A backup running under the window: the window stays (its work would lose its page);
    the choice is kept and both controls show it."""
    from ruralcouncil.gui import worker

    monkeypatch.setattr(worker, "running", lambda: True)
    window = _window(qtbot, context)
    page = window.show_page("settings")
    window.language_actions["ru"].trigger()
    qtbot.waitUntil(lambda: len(message_boxes.shown) == 2)
    assert window.session.window is window and window.isVisible()
    # Said in the language just chosen, which is already in effect.
    from ruralcouncil.gui.session import busy_text

    assert i18n.language() == "ru"
    assert message_boxes.shown[0].text == busy_text()
    assert not busy_text().startswith("Wait until")
    assert i18n.load_preferred_language() == "ru"
    assert window.language_actions["ru"].isChecked()
    assert isinstance(page, SettingsPage) and page.language.currentData() == "ru"
    i18n.set_language("en")


def test_window_texts_go_through_the_catalogue(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gettext

    class Marked(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"«{message}»"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return f"«{singular if n == 1 else plural}»"

    monkeypatch.setattr(i18n, "_translations", lambda lang: Marked())
    i18n.set_language("ru")
    window = _window(qtbot, context)
    assert all(t.startswith("«") for t in _nav_texts(window))
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus and all(t.startswith("«") for t in menus)
    assert window.entries_label.text().startswith("«")
    assert window.anchor_label.text().startswith("«")
    assert window.user_label.text().startswith("«")
    assert "«Rural maslikhat»" in window.windowTitle()


@pytest.mark.parametrize(
    ("lang", "ledger_title"), [("ru", "Книга учёта"), ("kk", "Бухгалтерлік кітап")]
)
def test_window_in_russian_and_kazakh_after_the_switch(
    qtbot: QtBot, context: AppContext, lang: str, ledger_title: str
) -> None:
    """The real catalogues: after a restart in another language the window speaks it."""
    i18n.set_language(lang)
    window = _window(qtbot, context)
    assert ledger_title in _nav_texts(window)
    window.show_page("ledger")
    model = window.page("ledger").table.model()
    date_header = model.headerData(1, Qt.Orientation.Horizontal)
    assert date_header == i18n._("Date") != "Date"
    window.show_page("dashboard")
    titles = [box.title() for box in window.page("dashboard").findChildren(QGroupBox)]
    assert i18n._("Receipts by source") in titles
    assert "Receipts by source" not in titles


def test_window_geometry_is_remembered(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.resize(QSize(700, 500))
    QApplication.processEvents()
    window.close()
    again = _window(qtbot, context)
    assert again.size() == QSize(700, 500)


def test_smoke_test_window(qtbot: QtBot, context: AppContext) -> None:
    window = app.build_main_window_for_smoke_test(context.ledger, context.user)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert VILLAGE in window.windowTitle()


# --- settings -----------------------------------------------------------------------------


def _settings(qtbot: QtBot, context: AppContext) -> SettingsPage:
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.show()
    return page


def test_administrator_renames_the_village_and_council(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    page.village.setText("Жаңа ауыл")
    page.council.buttons[CouncilKind.CUSTOM].click()
    page.council.custom_name.setText("Ауыл кеңесі")
    with qtbot.waitSignal(context.changed):
        page.save_village_button.click()
    conn = context.ledger.conn
    assert settings.village_name(conn) == "Жаңа ауыл"
    assert settings.council_name(conn) == "Ауыл кеңесі"
    assert window.windowTitle() == "RuralCouncil — Жаңа ауыл — Ауыл кеңесі"

    page.council.buttons[CouncilKind.LOCAL_COMMUNITY].click()
    page.save_village_button.click()
    assert settings.council_name(conn) == "Meeting of the local community"


def test_settings_refuse_an_empty_village_and_save_nothing(
    qtbot: QtBot, context: AppContext
) -> None:
    page = _settings(qtbot, context)
    before = chain.head(context.ledger.conn)
    page.village.setText(" ")
    page.council.buttons[CouncilKind.LOCAL_COMMUNITY].click()
    page.save_village_button.click()
    assert "name of the village" in page.village_error.text()
    assert chain.head(context.ledger.conn) == before
    assert settings.get(context.ledger.conn, settings.COUNCIL_KIND) == "rural_maslikhat"


def test_member_sees_the_village_read_only(qtbot: QtBot, member_context: AppContext) -> None:
    page = _settings(qtbot, member_context)
    assert page.village.isReadOnly()
    assert not page.council.isEnabled()
    assert not page.save_village_button.isVisible()
    assert page.village_note.isVisible()
    # The window only hides the button: the core is what refuses.
    with pytest.raises(PermissionDenied):
        settings.change(member_context.ledger, member_context.user, settings.VILLAGE_NAME, "X")


def test_settings_page_opens_the_change_password_dialog(
    qtbot: QtBot, clerk_context: AppContext, dialogs: Any, message_boxes: MessageRecorder
) -> None:
    page = _settings(qtbot, clerk_context)
    # The clerk's password was set by the administrator who added them.
    assert page.admin_set_note.isVisible()
    assert not page.change_password()  # cancelled: nothing changes
    assert [type(d).__name__ for d in dialogs.shown] == ["ChangePasswordDialog"]
    assert page.admin_set_note.isVisible()

    def fill(dialog: Any) -> None:
        dialog.old_password.setText(CLERK_PASSWORD)
        dialog.new_password.setText("a brand new sentence")
        dialog.repeat_password.setText("a brand new sentence")
        dialog.accept()

    dialogs.fill = fill
    assert page.change_password()
    assert message_boxes.texts() == ["Your password was changed."]
    assert not page.admin_set_note.isVisible()
    assert users.login(clerk_context.ledger, "clerk", "a brand new sentence").name == "clerk"


def test_settings_show_where_the_ledger_is(qtbot: QtBot, context: AppContext) -> None:
    page = _settings(qtbot, context)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert str(context.ledger.path) in texts
    assert str(paths.data_dir()) in texts
    assert any(text.startswith("No: the data is kept") for text in texts)


def test_settings_language_choice(qtbot: QtBot, context: AppContext) -> None:
    page = _settings(qtbot, context)
    page.language.setCurrentIndex(list(i18n.LANGUAGES).index("ru"))
    with qtbot.waitSignal(context.language_saved) as saved:
        page.save_language()
    assert saved.args == ["ru"]
    assert i18n.load_preferred_language() == "ru"


def test_audit_records_the_setting_change(qtbot: QtBot, context: AppContext) -> None:
    page = _settings(qtbot, context)
    page.village.setText("Aksu-2")
    page.save_village_button.click()
    assert (ADMIN, "setting.change", "village_name=Aksu-2") in [
        (e.user, e.event, e.detail) for e in audit.recent(context.ledger)
    ]


# --- the whole start-up, with the blocking steps replaced ---------------------------------


@pytest.fixture
def quiet_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_gui in a test: English, and the test's excepthook restored afterwards."""
    monkeypatch.setenv("RURALCOUNCIL_LANG", "en")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


@pytest.fixture
def no_icon_yet(monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """The application as a start finds it: without the program's icon, not set yet."""
    from PySide6.QtGui import QIcon

    from ruralcouncil.gui import window_icon

    qapp = app.ensure_application()
    monkeypatch.setattr(window_icon, "_shown", False)
    qapp.setWindowIcon(QIcon())
    yield qapp
    window_icon.show_window_icon()


def test_run_gui_refuses_a_second_copy(
    quiet_start: None,
    gui_ledger: Ledger,
    message_boxes: MessageRecorder,
    no_icon_yet: QApplication,
) -> None:
    before = chain.head(gui_ledger.conn)
    assert app.run_gui(gui_ledger.path) == 2
    # The refusal is the program's first window: it has the program's icon.
    assert not no_icon_yet.windowIcon().isNull()
    assert len(message_boxes.shown) == 1
    assert message_boxes.shown[0].icon == QMessageBox.Icon.Critical
    assert "already open in another copy" in message_boxes.shown[0].text
    assert chain.head(gui_ledger.conn) == before


def test_run_gui_refuses_a_portable_copy_on_a_read_only_medium(
    quiet_start: None,
    gui_ledger_path: Path,
    gui_ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
    no_icon_yet: QApplication,
) -> None:
    from ruralcouncil import paths

    gui_ledger.close()
    before = gui_ledger_path.read_bytes()
    monkeypatch.setattr(paths, "portable_on_read_only_medium", lambda: True)
    assert app.run_gui(gui_ledger_path) == 2
    assert not no_icon_yet.windowIcon().isNull()
    assert len(message_boxes.shown) == 1
    shown = message_boxes.shown[0]
    assert shown.icon == QMessageBox.Icon.Critical
    assert "cannot be written to" in shown.text
    assert str(paths.program_dir()) in shown.text
    assert "ruralcouncil summary --year" in shown.text  # the way to read it read-only
    # Nothing was written, and the ledger is not held.
    assert gui_ledger_path.read_bytes() == before
    ledger, problem = app.open_for_window(gui_ledger_path)
    assert problem is None and ledger is not None
    ledger.close()


def test_run_gui_logs_in_and_opens_the_main_window(
    quiet_start: None,
    gui_ledger_path: Path,
    gui_ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageRecorder,
) -> None:
    from ruralcouncil.gui import login_dialog

    gui_ledger.close()  # as if the program had been closed

    def log_in(dialog: LoginDialog) -> int:
        dialog.user_name.setText(ADMIN)
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()
        return int(dialog.result())

    shown: list[str] = []

    def event_loop(qapp: QApplication) -> int:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        shown.extend(w.windowTitle() for w in windows)
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", log_in)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app.run_gui(gui_ledger_path) == 0
    assert shown == [f"RuralCouncil — {VILLAGE} — Rural maslikhat"]
    assert message_boxes.shown == []  # no clock warning on a fresh ledger
    # The ledger was closed on the way out: another copy may open it now.
    ledger, problem = app.open_for_window(gui_ledger_path)
    assert problem is None and ledger is not None
    ledger.close()


def test_run_gui_opens_in_the_language_given_for_the_run(
    quiet_start: None,
    gui_ledger_path: Path,
    gui_ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``ruralcouncil --lang ru``: the login and the window in Russian for this run, while the
    language saved for this PC (Kazakh here) stays as it was for the next start."""
    from ruralcouncil.gui import login_dialog

    gui_ledger.close()
    monkeypatch.delenv("RURALCOUNCIL_LANG")
    monkeypatch.setattr(i18n, "_current", i18n.language())  # undone after the test
    i18n.save_preferred_language("kk")
    saved = (paths.config_dir() / "preferences.json").read_bytes()
    titles: list[str] = []

    def log_in(dialog: LoginDialog) -> int:
        titles.append(dialog.windowTitle())
        dialog.user_name.setText(ADMIN)
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()
        return int(dialog.result())

    def event_loop(qapp: QApplication) -> int:
        for window in qapp.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                titles.append(window.windowTitle())
                window.close()
        return 0

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", log_in)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app.run_gui(gui_ledger_path, lang="ru") == 0
    assert titles == ["RuralCouncil: вход", f"RuralCouncil — {VILLAGE} — Сельский маслихат"]
    assert (paths.config_dir() / "preferences.json").read_bytes() == saved
    assert i18n.load_preferred_language() == "kk"


def test_run_gui_cancelled_login_exits_quietly(
    quiet_start: None,
    gui_ledger_path: Path,
    gui_ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ruralcouncil.gui import login_dialog

    gui_ledger.close()
    monkeypatch.setattr(
        login_dialog.LoginDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected)
    )
    assert app.run_gui(gui_ledger_path) == 0
    ledger, _problem = app.open_for_window(gui_ledger_path)
    assert ledger is not None
    ledger.close()


def test_run_gui_cancelled_setup_creates_nothing(
    quiet_start: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruralcouncil.gui import setup_wizard

    monkeypatch.setattr(
        setup_wizard.SetupWizard, "exec", lambda self: int(QDialog.DialogCode.Rejected)
    )
    path = tmp_path / "never.ruralcouncil"
    assert app.run_gui(path) == 0
    assert not path.exists()


def test_setup_starts_again_in_the_language_the_user_picks(
    quiet_start: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page offers the language; picking Russian reopens the wizard in Russian
    with the village kept, and the login then starts with the new administrator's name."""
    from ruralcouncil.gui import login_dialog, setup_wizard

    seen: list[tuple[str, str]] = []

    def run_wizard(wizard: setup_wizard.SetupWizard) -> int:
        seen.append((i18n.language(), wizard.village_page.village.text()))
        if len(seen) == 1:
            wizard.village_page.village.setText("Ақсу")
            wizard.village_page.language.setCurrentIndex(list(i18n.LANGUAGES).index("ru"))
            return int(QDialog.DialogCode.Rejected)
        assert wizard.windowTitle() == i18n._("RuralCouncil: first start")
        wizard.show()
        _fill_village(wizard, "Ақсу", CouncilKind.RURAL_MASLIKHAT)
        wizard.next()
        _fill_admin(wizard, "a long enough sentence")
        _finish(wizard)
        wizard.hide()
        return int(wizard.result())

    logins: list[str] = []

    def run_login(dialog: login_dialog.LoginDialog) -> int:
        logins.append(dialog.user_name.text())
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(setup_wizard.SetupWizard, "exec", run_wizard)
    monkeypatch.setattr(login_dialog.LoginDialog, "exec", run_login)
    monkeypatch.delenv("RURALCOUNCIL_LANG")
    i18n.save_preferred_language("en")
    path = tmp_path / "new.ruralcouncil"
    assert app.run_gui(path) == 0
    assert seen == [("en", ""), ("ru", "Ақсу")]
    assert i18n.load_preferred_language() == "ru"
    assert path.exists()
    assert logins == ["bolat"]


def test_choosing_a_language_in_the_wizard_keeps_the_council_and_the_names(
    quiet_start: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 6: picking another language reopened the wizard with the council's name reset to
    the default. Everything typed is kept now, except the password."""
    from ruralcouncil.gui import login_dialog, setup_wizard

    seen: list[tuple[str, CouncilKind, str, str, str, str]] = []

    def run_wizard(wizard: setup_wizard.SetupWizard) -> int:
        page, admin = wizard.village_page, wizard.admin_page
        seen.append(
            (
                i18n.language(),
                page.council.kind(),
                page.council.custom_name.text(),
                admin.user_name.text(),
                admin.full_name.text(),
                admin.password.text(),
            )
        )
        if len(seen) == 1:
            _fill_village(wizard, "Ақсу", CouncilKind.CUSTOM, "Ақсу ақсақалдар кеңесі")
            admin.user_name.setText("bolat")
            admin.full_name.setText("Болат Әлиев")
            admin.password.setText("typed before the switch")
            page.language.setCurrentIndex(list(i18n.LANGUAGES).index("ru"))
            return int(QDialog.DialogCode.Rejected)
        wizard.show()
        assert page.council.custom_name.isEnabled()
        wizard.next()
        admin.password.setText("a long enough sentence")
        admin.repeat.setText("a long enough sentence")
        _finish(wizard)
        wizard.hide()
        return int(wizard.result())

    monkeypatch.setattr(setup_wizard.SetupWizard, "exec", run_wizard)
    monkeypatch.setattr(
        login_dialog.LoginDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected)
    )
    monkeypatch.delenv("RURALCOUNCIL_LANG")
    i18n.save_preferred_language("en")
    path = tmp_path / "new.ruralcouncil"
    assert app.run_gui(path) == 0
    assert seen == [
        ("en", CouncilKind.RURAL_MASLIKHAT, "", "admin", "", ""),
        ("ru", CouncilKind.CUSTOM, "Ақсу ақсақалдар кеңесі", "bolat", "Болат Әлиев", ""),
    ]
    with open_ledger(path) as ledger:
        assert settings.council_name(ledger.conn) == "Ақсу ақсақалдар кеңесі"
        assert settings.village_name(ledger.conn) == "Ақсу"
        assert users.login(ledger, "bolat", "a long enough sentence").full_name == "Болат Әлиев"
    i18n.set_language("en")


def test_login_offers_the_last_user_name(
    quiet_start: None, gui_ledger_path: Path, gui_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruralcouncil.gui import login_dialog, main_window

    gui_ledger.close()
    offered: list[str] = []

    def run_login(dialog: login_dialog.LoginDialog) -> int:
        offered.append(dialog.user_name.text())
        if len(offered) == 1:
            dialog.user_name.setText("admin")
            dialog.password.setText(ADMIN_PASSWORD)
            dialog.accept()
            return int(dialog.result())
        return int(QDialog.DialogCode.Rejected)

    # The window is built, not shown (its first page would outlive the ledger run_gui
    # closes); the event loop stands for its first paint, then the user quits.
    built: list[main_window.MainWindow] = []

    def painted_then_quit(application: QApplication) -> int:
        built[-1].first_painted.emit()
        return 0

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", run_login)
    monkeypatch.setattr(main_window.MainWindow, "show", lambda self: built.append(self))
    monkeypatch.setattr(app.QApplication, "exec", painted_then_quit)
    assert app.run_gui(gui_ledger_path) == 0
    assert app.run_gui(gui_ledger_path) == 0
    assert offered == ["", "admin"]
    assert len(built) == 1


def test_the_shipped_font_is_the_application_font(qapp: QApplication) -> None:
    assert "DejaVu Sans" in fonts.load_shipped_fonts()
    assert qapp.font().family() == "DejaVu Sans"
    # Kazakh letters and the tenge sign are drawn by the shipped font itself.
    metrics = QFontMetrics(qapp.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "ӘәҒғҚқҢңӨөҰұҮүҺһІі₸")


def test_the_demo_is_built_off_the_gui_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from ruralcouncil.ledger import demo

    threads: list[threading.Thread] = []

    def build(path: Path) -> Any:
        threads.append(threading.current_thread())
        return init_demo_stub(path)

    def init_demo_stub(path: Path) -> Any:
        from ruralcouncil.ledger.setup import init_ledger

        return init_ledger(path, village="Demo", admin="admin", password="demo-password-1")

    monkeypatch.setattr(demo, "create_demo", build)
    path = tmp_path / "demo.ruralcouncil"
    assert app.prepare_demo(path) is None
    assert path.exists()
    assert threads and threads[0] is not threading.main_thread()

    def broken(path: Path) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo, "create_demo", broken)
    problem = app.prepare_demo(tmp_path / "other.ruralcouncil")
    assert problem is not None and "No space left on device" in problem


@pytest.mark.parametrize(
    "village",
    ["<b>Ақсу</b> ауылы", "Ақсу &amp; Жаңа", "Ақсу <i>", "Ақсу ауылдық округі"],
)
def test_the_login_heading_shows_a_name_as_written(
    qtbot: QtBot, tmp_path: Path, village: str
) -> None:
    """A village or council name is never read as markup, tags and entities included (the
    dialog sets plain text only where Qt would otherwise see markup)."""
    from PySide6 import QtGui

    from ruralcouncil.ledger.setup import init_ledger

    ledger = init_ledger(
        tmp_path / "named.ruralcouncil", village=village, admin=ADMIN, password=ADMIN_PASSWORD
    )
    try:
        dialog = _login_dialog(qtbot, ledger)
        heading = dialog.findChild(QLabel, "loginHeading")
        assert heading is not None and heading.text() == village
        shown_as_rich = heading.textFormat() == Qt.TextFormat.RichText or (
            heading.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(village)
        )
        assert not shown_as_rich
    finally:
        ledger.close()


@pytest.mark.parametrize("fails", [False, True])
def test_work_that_ends_after_the_program_closed_tells_no_one_quietly(
    qtbot: QtBot, fails: bool
) -> None:
    """Work still running when the window closes ends on its own: its signals went with the
    application, and telling no one raises nothing (Qt used to print a traceback at exit)."""
    import shiboken6

    from ruralcouncil.gui import worker

    ran: list[bool] = []

    def job(_progress: object) -> int:
        ran.append(True)
        if fails:
            raise ValueError("failed after the window closed")
        return 7

    done = worker.Worker(job)
    shiboken6.delete(done.signals)
    done.run()  # in this thread, as the pool's thread would run it
    assert ran == [True]
    told: list[object] = []
    alive = worker.Worker(job)
    alive.signals.finished.connect(told.append)
    alive.signals.failed.connect(lambda exc: told.append(type(exc)))
    alive.run()
    assert told == ([ValueError] if fails else [7])
