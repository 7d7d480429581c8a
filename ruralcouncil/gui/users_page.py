"""Users and roles: everyone sees the list; the administrator adds, resets and changes.

Every change goes through the ``users`` services, which check the permission and the rules
(password length, the last administrator, one's own account); a refusal is shown as is.
The list marks the accounts whose password an administrator set (``users.admin_set_keys``):
the records they sign are listed by verify until they choose their own password, which
anyone may do for themself here ("Change my password…").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.messages import error_text
from ruralcouncil.gui.password_dialog import admin_set_tip, change_own_password
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import users
from ruralcouncil.ledger.errors import InvalidInput, LedgerError
from ruralcouncil.ledger.users import ROLE_NAMES, Action, Role

_ERROR_STYLE = "color: #b71c1c;"
_OK_STYLE = "color: #1b5e20;"
_MARK_COLOUR = "#e65100"
PASSWORD_COLUMN = 4


def _role_combo() -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(_(ROLE_NAMES[role]), role.value)
    return combo


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(
        ngettext(
            "at least {n} character", "at least {n} characters", users.MIN_PASSWORD_LENGTH
        ).format(n=users.MIN_PASSWORD_LENGTH)
    )
    return edit


class _FormDialog(QDialog):
    """A small form whose OK calls a service and stays open, showing the refusal, if refused."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except LedgerError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    @staticmethod
    def passwords_match(first: QLineEdit, second: QLineEdit) -> str:
        if first.text() != second.text():
            raise InvalidInput(_("The two passwords are not the same."))
        return first.text()


class AddUserDialog(_FormDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a user"), parent)
        self.context = context
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("for logging in, e.g. aigul.s"))
        self.full_name_edit = QLineEdit()
        self.role_combo = _role_combo()
        self.role_combo.setCurrentIndex(self.role_combo.findData(Role.CLERK.value))
        self.password_edit = _password_edit()
        self.repeat_edit = _password_edit()
        self.form.addRow(_("User name:"), self.name_edit)
        self.form.addRow(_("Full name:"), self.full_name_edit)
        self.form.addRow(_("Role:"), self.role_combo)
        self.form.addRow(_("Password:"), self.password_edit)
        self.form.addRow(_("Password again:"), self.repeat_edit)

    def save(self) -> None:
        password = self.passwords_match(self.password_edit, self.repeat_edit)
        users.add_user(
            self.context.ledger,
            self.context.user,
            self.name_edit.text().strip(),
            str(self.role_combo.currentData()),
            password,
            self.full_name_edit.text(),
        )


class ResetPasswordDialog(_FormDialog):
    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(_("New password for {name}").format(name=name), parent)
        self.context = context
        self.name = name
        self.password_edit = _password_edit()
        self.repeat_edit = _password_edit()
        self.form.addRow(_("New password:"), self.password_edit)
        self.form.addRow(_("Password again:"), self.repeat_edit)
        if name != context.user.name:
            note = QLabel(admin_set_tip())
            note.setWordWrap(True)
            self.form.addRow(note)

    def save(self) -> None:
        password = self.passwords_match(self.password_edit, self.repeat_edit)
        users.reset_password(self.context.ledger, self.context.user, self.name, password)


class TermDialog(_FormDialog):
    """A council member's term of office: they sit on the council only within it."""

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        from ruralcouncil.gui.date_field import date_edit
        from ruralcouncil.ledger import council

        super().__init__(_("Term of office of {name}").format(name=name), parent)
        self.context = context
        self.name = name
        known = next((t for t in council.terms(context.ledger.conn) if t.member == name), None)
        self.starts = date_edit(date.fromisoformat(known.starts) if known else date.today())
        self.ends = date_edit(
            date.fromisoformat(known.ends) if known and known.ends else date.today()
        )
        self.open_ended = QCheckBox(_("Until further notice"))
        self.open_ended.toggled.connect(lambda on: self.ends.setEnabled(not on))
        self.open_ended.setChecked(known is None or known.ends is None)
        self.form.addRow(_("Sits on the council from:"), self.starts)
        self.form.addRow(_("Until:"), self.ends)
        self.form.addRow("", self.open_ended)

    def save(self) -> None:
        from ruralcouncil.ledger import council

        ends = None if self.open_ended.isChecked() else self.ends.day()
        council.set_term(self.context.ledger, self.context.user, self.name, self.starts.day(), ends)


class UsersPage(QWidget):
    COLUMNS = 5  # user name, full name, role, state, password set by an administrator

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [_("User name"), _("Full name"), _("Role"), _("State"), _("Password")]
        )
        header_item = self.table.horizontalHeaderItem(PASSWORD_COLUMN)
        if header_item is not None:
            header_item.setToolTip(admin_set_tip())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.add_button = QPushButton(_("Add user…"))
        self.add_button.clicked.connect(self.open_add_dialog)
        # Every role may change their own password; only the list's other actions are an
        # administrator's.
        self.own_password_button = QPushButton(_("Change my password…"))
        self.own_password_button.setObjectName("changeOwnPassword")
        self.own_password_button.clicked.connect(self.change_own_password)
        self.reset_button = QPushButton(_("Reset password…"))
        self.reset_button.clicked.connect(self.open_reset_dialog)
        self.role_combo = _role_combo()
        self.role_button = QPushButton(_("Change role"))
        self.role_button.clicked.connect(self.apply_role)
        self.active_button = QPushButton(_("Disable"))
        self.active_button.clicked.connect(self.toggle_active)
        self.term_button = QPushButton(_("Council term…"))
        self.term_button.setToolTip(_("When a member or the chair sits on the council"))
        self.term_button.clicked.connect(self.open_term_dialog)

        actions = QGroupBox(_("Selected user"))
        actions_layout = QHBoxLayout(actions)
        actions_layout.addWidget(self.reset_button)
        actions_layout.addSpacing(12)
        actions_layout.addWidget(QLabel(_("Role:")))
        actions_layout.addWidget(self.role_combo)
        actions_layout.addWidget(self.role_button)
        actions_layout.addSpacing(12)
        actions_layout.addWidget(self.active_button)
        actions_layout.addSpacing(12)
        actions_layout.addWidget(self.term_button)
        actions_layout.addStretch(1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        title = QLabel(_("Users of this ledger"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.own_password_button)
        top.addWidget(self.add_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(actions)
        layout.addWidget(self.status)

        self.admin = context.may(Action.MANAGE_USERS)
        if not self.admin:
            self.add_button.setEnabled(False)
            self._show(_("Only an administrator may change users; you can see the list."), "")
        self.refresh()
        context.changed.connect(self.refresh)

    # --- list -------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.selected_name()
        listed = users.list_users(self.context.ledger)
        admin_set = users.admin_set_keys(self.context.ledger)
        keyless = users.without_key(self.context.ledger)
        self.table.setRowCount(len(listed))
        for row, (user, active) in enumerate(listed):
            marked = user.name in admin_set or user.name in keyless
            if user.name in keyless:
                # Made before entries were signed: cannot log in until reset.
                password = _("needs a new password")
            else:
                password = _("set by an administrator") if marked else ""
            cells = [
                user.name,
                user.full_name,
                _(ROLE_NAMES[user.role]),
                _("active") if active else _("disabled"),
                password,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (user.name, user.role.value, active))
                if not active:
                    item.setForeground(Qt.GlobalColor.gray)
                elif marked and column == PASSWORD_COLUMN:
                    item.setForeground(QColor(_MARK_COLOUR))
                if marked:
                    item.setToolTip(admin_set_tip())
                self.table.setItem(row, column, item)
        if chosen:
            self.select_user(chosen)
        self._selection_changed()

    def _selected(self) -> tuple[str, str, bool] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return (str(data[0]), str(data[1]), bool(data[2])) if data else None

    def selected_name(self) -> str | None:
        selected = self._selected()
        return selected[0] if selected else None

    def select_user(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == name:
                self.table.selectRow(row)
                return
        self.table.clearSelection()

    def _selection_changed(self) -> None:
        selected = self._selected()
        enabled = self.admin and selected is not None
        for widget in (self.reset_button, self.role_combo, self.role_button, self.active_button):
            widget.setEnabled(enabled)
        council_role = selected is not None and selected[1] in (Role.MEMBER, Role.CHAIR)
        self.term_button.setEnabled(enabled and council_role)
        if selected is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(selected[1]))
            self.active_button.setText(_("Disable") if selected[2] else _("Enable"))

    def _show(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)

    def _run(self, action: Callable[[], None], done: str) -> bool:
        """Call a service; show its refusal, or ``done`` and refresh every page."""
        try:
            action()
        except LedgerError as exc:
            self._show(error_text(exc), _ERROR_STYLE)
            return False
        self._show(done, _OK_STYLE)
        self.context.notify_changed()
        return True

    # --- actions (the dialogs and buttons call these) ---------------------------------

    def open_add_dialog(self) -> None:
        dialog = AddUserDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            name = dialog.name_edit.text().strip()
            self._show(_("The user {name} was added.").format(name=name), _OK_STYLE)
            self.context.notify_changed()
            self.select_user(name)

    def change_own_password(self) -> bool:
        """The logged-in user's own new password (any role)."""
        if not change_own_password(self.context, self):
            return False
        self._show(_("Your password was changed."), _OK_STYLE)
        return True

    def open_reset_dialog(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        dialog = ResetPasswordDialog(self.context, name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.context.notify_changed()  # the list now marks the password as set by you
            self._show(_("The password of {name} was changed.").format(name=name), _OK_STYLE)

    def open_term_dialog(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        dialog = TermDialog(self.context, name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.context.notify_changed()
            self._show(_("The term of {name} was recorded.").format(name=name), _OK_STYLE)

    def apply_role(self) -> bool:
        name = self.selected_name()
        if name is None:
            return False
        role = str(self.role_combo.currentData())
        return self._run(
            lambda: users.set_role(self.context.ledger, self.context.user, name, role),
            _("{name} is now: {role}.").format(name=name, role=_(ROLE_NAMES[Role(role)])),
        )

    def toggle_active(self) -> bool:
        selected = self._selected()
        if selected is None:
            return False
        name, _role, active = selected
        return self._run(
            lambda: users.set_active(self.context.ledger, self.context.user, name, not active),
            (
                _("{name} was disabled: they can no longer log in.")
                if active
                else _("{name} was enabled.")
            ).format(name=name),
        )
