"""One's own password: the dialog every role can open (menu, Users page, Settings page).

Choosing one's own password makes a new key pair (``users.change_own_password``), which also
clears the mark of a password an administrator set: from then on ``verify`` no longer lists
the records this user signs as signed with an administrator-set key.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import users
from ruralcouncil.ledger.errors import AuthenticationFailed, LedgerError


def admin_set_tip() -> str:
    """What the mark of an administrator-set password means (a tooltip, a note)."""
    return _(
        "An administrator set this password, when the account was made or its password was "
        "reset. Until its user chooses their own password (Change my password…), Verify lists "
        "the records they sign as signed with a password an administrator set, since the "
        "administrator knew it too."
    )


def own_admin_set_note() -> str:
    """The same, said to the user whose password it is."""
    return _(
        "An administrator set your password. Until you choose your own, Verify lists the "
        "records you sign as signed with a password an administrator set, since the "
        "administrator knew it too."
    )


def admin_set_password(context: AppContext) -> bool:
    """Whether the logged-in user still has the password an administrator gave them."""
    return context.user.name in users.admin_set_keys(context.ledger)


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(users.MAX_PASSWORD_LENGTH)
    return field


class ChangePasswordDialog(QDialog):
    """The logged-in user's current password, then the new one twice. OK calls the core and
    stays open, showing the refusal, when it is refused; ``changed`` is set on success."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.changed = False
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(_("Change my password"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)

        user = context.user
        who = QLabel(
            _("Logged in: {user} ({role})").format(
                user=user.full_name or user.name, role=_(users.ROLE_NAMES[user.role])
            )
        )
        who.setWordWrap(True)
        layout.addWidget(who)
        self.admin_set_note = QLabel(own_admin_set_note())
        self.admin_set_note.setObjectName("adminSetNote")
        self.admin_set_note.setWordWrap(True)
        self.admin_set_note.setStyleSheet("color: #e65100;")
        self.admin_set_note.setVisible(admin_set_password(context))
        layout.addWidget(self.admin_set_note)

        form = QFormLayout()
        self.old_password = _password_field("oldPassword")
        form.addRow(_("Current password:"), self.old_password)
        self.new_password = _password_field("newPassword")
        form.addRow(_("New password:"), self.new_password)
        self.repeat_password = _password_field("repeatPassword")
        form.addRow(_("New password again:"), self.repeat_password)
        layout.addLayout(form)
        hint = QLabel(
            ngettext(
                "At least {n} character; a short sentence you will remember is best.",
                "At least {n} characters; a short sentence you will remember is best.",
                users.MIN_PASSWORD_LENGTH,
            ).format(n=users.MIN_PASSWORD_LENGTH)
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = error_label()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Change my password"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Change the password; stay open with the reason when it is refused."""
        if self.new_password.text() != self.repeat_password.text():
            show_problem(self.error, _("The two new passwords are not the same."))
            self.repeat_password.clear()
            self.repeat_password.setFocus()
            return
        try:
            users.change_own_password(
                self.context.ledger,
                self.context.user,
                self.old_password.text(),
                self.new_password.text(),
            )
        except AuthenticationFailed as exc:
            show_problem(self.error, str(exc))
            self.old_password.clear()
            self.old_password.setFocus()
            return
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            return
        show_problem(self.error, "")
        for field in (self.old_password, self.new_password, self.repeat_password):
            field.clear()
        self.changed = True
        self.context.notify_changed()
        super().accept()


def change_own_password(context: AppContext, parent: QWidget | None = None) -> bool:
    """Open the dialog for the logged-in user; True once their password was changed."""
    dialog = ChangePasswordDialog(context, parent)
    try:
        messages.run_dialog(dialog)
        if dialog.changed:
            messages.show_info(parent, _("Your password was changed."))
        return dialog.changed
    finally:
        dialog.deleteLater()
