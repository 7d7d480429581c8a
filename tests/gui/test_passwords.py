"""One's own password: the dialog, where every role finds it, and the administrator's mark.

An account whose password an administrator set (when it was made or reset) is marked until
its user chooses their own; the records they sign meanwhile are listed by verify.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from _helpers import state
from PySide6.QtWidgets import QDialog, QLineEdit

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.password_dialog import ChangePasswordDialog
from ruralcouncil.gui.users_page import PASSWORD_COLUMN, UsersPage
from ruralcouncil.ledger import audit, journal, users, verify
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.journal import EntryType, NewEntry

ADMIN_PASSWORD = "correct-horse-1"  # as in conftest.py
CLERK_PASSWORD = "clerk-password-1"
MEMBER_PASSWORD = "member-password-1"
NEW_PASSWORD = "my own sentence, at last"
BY_ADMIN = "set by an administrator"


def _dialog(qtbot, context: AppContext) -> ChangePasswordDialog:
    dialog = ChangePasswordDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: ChangePasswordDialog, old: str, new: str, repeat: str | None = None) -> None:
    dialog.old_password.setText(old)
    dialog.new_password.setText(new)
    dialog.repeat_password.setText(new if repeat is None else repeat)


def _press_ok(dialog: ChangePasswordDialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


def _answer(old: str, new: str, repeat: str | None = None) -> Callable[[QDialog], None]:
    """What ``dialogs.fill`` does: type into the real dialog and press OK."""

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        _fill(dialog, old, new, repeat)
        _press_ok(dialog)

    return fill


def _marked(context: AppContext) -> set[str]:
    return users.admin_set_keys(context.ledger)


def test_the_fields_hide_what_is_typed(qtbot, clerk_context: AppContext) -> None:
    dialog = _dialog(qtbot, clerk_context)
    for field in (dialog.old_password, dialog.new_password, dialog.repeat_password):
        assert field.echoMode() == QLineEdit.EchoMode.Password


def test_a_wrong_current_password_is_refused_and_writes_nothing(
    qtbot, clerk_context: AppContext
) -> None:
    conn = clerk_context.ledger.conn
    before = state(conn)
    dialog = _dialog(qtbot, clerk_context)
    assert dialog.admin_set_note.isVisible()  # the clerk's password was set by the admin
    _fill(dialog, "not my password", NEW_PASSWORD)
    _press_ok(dialog)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.changed
    assert "current password is wrong" in dialog.error.text() and dialog.error.isVisible()
    assert dialog.old_password.text() == ""  # cleared for another try
    assert dialog.new_password.text() == NEW_PASSWORD
    assert state(conn) == before
    assert "clerk" in _marked(clerk_context)
    with pytest.raises(AuthenticationFailed):
        users.login(clerk_context.ledger, "clerk", NEW_PASSWORD)
    assert users.login(clerk_context.ledger, "clerk", CLERK_PASSWORD).name == "clerk"


def test_new_passwords_that_differ_are_refused_before_the_core_is_asked(
    qtbot, clerk_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = clerk_context.ledger.conn
    before = state(conn)
    asked: list[str] = []
    monkeypatch.setattr(users, "change_own_password", lambda *a: asked.append("called"))
    dialog = _dialog(qtbot, clerk_context)
    _fill(dialog, CLERK_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    _press_ok(dialog)

    assert dialog.isVisible() and not dialog.changed
    assert "not the same" in dialog.error.text()
    assert dialog.repeat_password.text() == ""
    assert asked == []
    assert state(conn) == before


def test_a_short_new_password_is_refused_by_the_core_and_writes_nothing(
    qtbot, clerk_context: AppContext
) -> None:
    conn = clerk_context.ledger.conn
    before = state(conn)
    dialog = _dialog(qtbot, clerk_context)
    _fill(dialog, CLERK_PASSWORD, "short")
    _press_ok(dialog)
    assert dialog.isVisible() and not dialog.changed
    assert "at least 10 characters" in dialog.error.text()
    assert state(conn) == before
    assert "clerk" in _marked(clerk_context)


def test_the_right_passwords_change_it_and_the_mark_goes(qtbot, clerk_context: AppContext) -> None:
    ledger = clerk_context.ledger
    page = UsersPage(clerk_context)
    qtbot.addWidget(page)
    assert _password_cell(page, "clerk") == BY_ADMIN
    changed: list[bool] = []
    clerk_context.changed.connect(lambda: changed.append(True))

    dialog = _dialog(qtbot, clerk_context)
    _fill(dialog, "not my password", NEW_PASSWORD)
    _press_ok(dialog)  # refused first: the dialog stays open for another try
    _fill(dialog, CLERK_PASSWORD, NEW_PASSWORD)
    _press_ok(dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.changed
    assert not dialog.error.isVisible()
    assert changed == [True]
    assert "clerk" not in _marked(clerk_context)
    assert _password_cell(page, "clerk") == ""  # the page refreshed on the change
    newest = audit.recent(ledger)[0]
    assert (newest.user, newest.event) == ("clerk", "user.change_password")
    with pytest.raises(AuthenticationFailed):
        users.login(ledger, "clerk", CLERK_PASSWORD)
    assert users.login(ledger, "clerk", NEW_PASSWORD).name == "clerk"
    # The session goes on signing, now with the new key.
    journal.record(
        ledger,
        clerk_context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 1_00, category="FINES"),
    )
    assert verify.verify(ledger.conn).ok


def _password_cell(page: UsersPage, name: str) -> str:
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).text() == name:
            return page.table.item(row, PASSWORD_COLUMN).text()
    raise AssertionError(f"{name} is not listed")


def test_users_page_marks_passwords_an_administrator_set(qtbot, context: AppContext) -> None:
    users.add_user(context.ledger, context.user, "aigul", "clerk", CLERK_PASSWORD)
    page = UsersPage(context)
    qtbot.addWidget(page)
    assert _password_cell(page, "admin") == ""  # the first administrator chose their own
    assert _password_cell(page, "aigul") == BY_ADMIN
    header = page.table.horizontalHeaderItem(PASSWORD_COLUMN)
    assert header.text() == "Password"
    for tip in (header.toolTip(), page.table.item(1, PASSWORD_COLUMN).toolTip()):
        assert "Verify lists the records they sign" in tip
    assert page.table.item(0, PASSWORD_COLUMN).toolTip() == ""

    aigul = users.login(context.ledger, "aigul", CLERK_PASSWORD)
    users.change_own_password(context.ledger, aigul, CLERK_PASSWORD, NEW_PASSWORD)
    context.notify_changed()
    assert _password_cell(page, "aigul") == ""

    # A reset by the administrator marks it again.
    users.reset_password(context.ledger, context.user, "aigul", "another-sentence-1")
    context.notify_changed()
    assert _password_cell(page, "aigul") == BY_ADMIN


def test_every_role_can_change_their_own_password_from_the_users_page(
    qtbot, member_context: AppContext, dialogs, message_boxes
) -> None:
    page = UsersPage(member_context)
    qtbot.addWidget(page)
    assert not page.add_button.isEnabled()  # a member manages no one else...
    assert page.own_password_button.isEnabled()  # ...but their own password, yes
    assert _password_cell(page, "member") == BY_ADMIN

    assert not page.change_own_password()  # Cancel: nothing happens
    assert len(dialogs.shown) == 1 and _password_cell(page, "member") == BY_ADMIN

    dialogs.fill = _answer(MEMBER_PASSWORD, NEW_PASSWORD)
    assert page.change_own_password()
    assert message_boxes.texts() == ["Your password was changed."]
    assert "Your password was changed." in page.status.text()
    assert _password_cell(page, "member") == ""
    assert users.login(member_context.ledger, "member", NEW_PASSWORD).name == "member"


@pytest.mark.parametrize("who", ["context", "clerk_context", "member_context"])
def test_the_user_menu_offers_it_to_every_role(
    qtbot, who: str, request: pytest.FixtureRequest, dialogs
) -> None:
    context: AppContext = request.getfixturevalue(who)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    action = window.change_password_action
    assert action.isEnabled() and action.isVisible()
    menus = {a.menu().title(): a.menu().actions() for a in window.menuBar().actions()}
    assert action in menus["&User"]
    action.trigger()
    assert [type(d) for d in dialogs.shown] == [ChangePasswordDialog]
    # The status bar asks those whose password an administrator set to choose their own.
    assert window.password_note.isVisible() == (context.user.name != "admin")


def test_the_status_bar_note_goes_once_the_password_is_changed(
    qtbot, clerk_context: AppContext, dialogs, message_boxes
) -> None:
    window = MainWindow(clerk_context)
    qtbot.addWidget(window)
    window.show()
    assert window.password_note.isVisible()
    assert "Verify lists the records you sign" in window.password_note.toolTip()
    dialogs.fill = _answer(CLERK_PASSWORD, NEW_PASSWORD)
    window.password_note.click()
    assert [type(d) for d in dialogs.shown] == [ChangePasswordDialog]
    assert message_boxes.texts() == ["Your password was changed."]
    assert not window.password_note.isVisible()


def test_the_administrator_may_change_their_own_password_too(
    qtbot, context: AppContext, dialogs
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    dialogs.fill = _answer(ADMIN_PASSWORD, NEW_PASSWORD)
    assert window.change_own_password()
    assert users.login(context.ledger, "admin", NEW_PASSWORD).name == "admin"
    assert not window.password_note.isVisible()
