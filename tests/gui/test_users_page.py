"""The users page: the administrator manages users; everyone else only reads the list."""

from __future__ import annotations

import pytest

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.users_page import AddUserDialog, ResetPasswordDialog, UsersPage
from ruralcouncil.ledger import users
from ruralcouncil.ledger.errors import AuthenticationFailed, PermissionDenied

CLERK_PASSWORD = "clerk-password-1"
BY_ADMIN = "set by an administrator"  # the mark of a password an administrator set


def _rows(page: UsersPage) -> list[list[str]]:
    return [
        [page.table.item(r, c).text() for c in range(page.COLUMNS)]
        for r in range(page.table.rowCount())
    ]


def _add(
    qtbot,
    context: AppContext,
    name: str,
    password: str,
    repeat: str | None = None,
    role: str = "clerk",
) -> AddUserDialog:
    dialog = AddUserDialog(context)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText(name)
    dialog.full_name_edit.setText("Aigul Serikova")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(role))
    dialog.password_edit.setText(password)
    dialog.repeat_edit.setText(password if repeat is None else repeat)
    dialog.accept()
    return dialog


def test_admin_adds_a_clerk_who_can_log_in(qtbot, context: AppContext) -> None:
    page = UsersPage(context)
    qtbot.addWidget(page)
    assert page.add_button.isEnabled()
    dialog = _add(qtbot, context, "aigul", CLERK_PASSWORD)
    assert dialog.result() == AddUserDialog.DialogCode.Accepted, dialog.error.text()
    context.notify_changed()
    assert ["aigul", "Aigul Serikova", "Clerk", "active", BY_ADMIN] in _rows(page)
    user = users.login(context.ledger, "aigul", CLERK_PASSWORD)
    assert user.role == users.Role.CLERK


def test_add_user_refusals_keep_dialog_open(qtbot, context: AppContext) -> None:
    dialog = _add(qtbot, context, "aigul", "short")
    assert dialog.result() != AddUserDialog.DialogCode.Accepted
    assert "at least 10 characters" in dialog.error.text()
    dialog = _add(qtbot, context, "aigul", CLERK_PASSWORD, repeat=CLERK_PASSWORD + "x")
    assert "not the same" in dialog.error.text()
    dialog = _add(qtbot, context, "admin", CLERK_PASSWORD)
    assert "already a user named admin" in dialog.error.text()
    assert [u.name for u, _a in users.list_users(context.ledger)] == ["admin"]


def test_reset_password(qtbot, context: AppContext) -> None:
    users.add_user(context.ledger, context.user, "aigul", "clerk", CLERK_PASSWORD)
    dialog = ResetPasswordDialog(context, "aigul")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("brand-new-password")
    dialog.repeat_edit.setText("brand-new-password")
    dialog.accept()
    assert dialog.result() == ResetPasswordDialog.DialogCode.Accepted, dialog.error.text()
    assert users.login(context.ledger, "aigul", "brand-new-password").name == "aigul"
    with pytest.raises(AuthenticationFailed):
        users.login(context.ledger, "aigul", CLERK_PASSWORD)


def test_change_role_and_disable(qtbot, context: AppContext) -> None:
    users.add_user(context.ledger, context.user, "aigul", "clerk", CLERK_PASSWORD)
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.select_user("aigul")
    assert page.reset_button.isEnabled() and page.active_button.text() == "Disable"
    page.role_combo.setCurrentIndex(page.role_combo.findData("chair"))
    assert page.apply_role()
    assert ["aigul", "", "Chair", "active", BY_ADMIN] in _rows(page)
    assert page.selected_name() == "aigul"  # the selection survives the refresh
    assert page.toggle_active()
    assert ["aigul", "", "Chair", "disabled", BY_ADMIN] in _rows(page)
    assert page.active_button.text() == "Enable"
    with pytest.raises(AuthenticationFailed):
        users.login(context.ledger, "aigul", CLERK_PASSWORD)
    assert page.toggle_active()
    assert users.login(context.ledger, "aigul", CLERK_PASSWORD).role == users.Role.CHAIR


def test_admin_cannot_disable_self_or_demote_last_admin(qtbot, context: AppContext) -> None:
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.select_user("admin")
    assert not page.toggle_active()
    assert "cannot disable your own account" in page.status.text()
    page.role_combo.setCurrentIndex(page.role_combo.findData("member"))
    assert not page.apply_role()
    assert "at least one active administrator" in page.status.text()
    assert ["admin", "", "Administrator", "active", ""] in _rows(page)


def test_member_sees_list_read_only(qtbot, member_context: AppContext) -> None:
    page = UsersPage(member_context)
    qtbot.addWidget(page)
    assert [row[0] for row in _rows(page)] == ["admin", "member"]
    assert not page.add_button.isEnabled()
    page.select_user("admin")
    assert page.selected_name() == "admin"
    for button in (page.reset_button, page.role_button, page.active_button):
        assert not button.isEnabled()
    assert "Only an administrator" in page.status.text()
    # The core refuses too, whatever the widgets allow.
    with pytest.raises(PermissionDenied):
        users.add_user(member_context.ledger, member_context.user, "x1", "clerk", CLERK_PASSWORD)
    dialog = _add(qtbot, member_context, "aigul", CLERK_PASSWORD)
    assert "may not manage users" in dialog.error.text()
    assert not page.toggle_active()
    assert "may not manage users" in page.status.text()
    assert len(users.list_users(member_context.ledger)) == 2


def test_a_council_members_term_is_set_from_the_users_page(qtbot, context: AppContext) -> None:
    """Issue 8: the sitting council is the members and the chair within their term."""
    from datetime import date

    from ruralcouncil.gui.users_page import TermDialog
    from ruralcouncil.ledger import council

    users.add_user(context.ledger, context.user, "dana", "member", CLERK_PASSWORD)
    users.add_user(context.ledger, context.user, "aigul", "clerk", CLERK_PASSWORD)
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.select_user("aigul")
    assert not page.term_button.isEnabled()  # a clerk has no seat, so no term
    page.select_user("dana")
    assert page.term_button.isEnabled()
    dialog = TermDialog(context, "dana")
    qtbot.addWidget(dialog)
    assert dialog.open_ended.isChecked() and not dialog.ends.isEnabled()
    dialog.open_ended.setChecked(False)
    dialog.starts.setDate(date(2026, 5, 1))
    dialog.ends.setDate(date(2026, 4, 1))
    dialog.accept()
    assert "cannot end" in dialog.error.text() and council.terms(context.ledger.conn) == []
    dialog.ends.setDate(date(2028, 4, 30))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    (term,) = council.terms(context.ledger.conn)
    assert (term.member, term.starts, term.ends) == ("dana", "2026-05-01", "2028-04-30")
