"""Message boxes: a refusal (LedgerError), a warning, a question, an unexpected error.

Every box goes through :func:`_run`, and every small modal dialog (a password prompt, the
change of one's own password) through :func:`run_dialog`, so tests replace those two
functions and read or fill in what the user would have seen instead of blocking in
``exec()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger.errors import ImportRejected, LedgerError

if TYPE_CHECKING:
    # Imported where a box is made: every start imports this module, few show a box, and
    # QMessageBox's first use builds its Python enums.
    from PySide6.QtWidgets import QMessageBox

# An ImportRejected file may have thousands of bad lines; the box shows the first ones.
MAX_PROBLEM_LINES = 30


def error_text(error: BaseException | str) -> str:
    """The complete message for a refusal; unexpected errors get a generic sentence."""
    if isinstance(error, str):
        return error
    if isinstance(error, ImportRejected):
        lines = [str(error), *error.problems[:MAX_PROBLEM_LINES]]
        if len(error.problems) > MAX_PROBLEM_LINES:
            more = len(error.problems) - MAX_PROBLEM_LINES
            lines.append(
                ngettext("... and {n} more problem.", "... and {n} more problems.", more).format(
                    n=more
                )
            )
        return "\n".join(lines)
    if isinstance(error, LedgerError):
        return str(error)
    return _(
        "Something unexpected went wrong: {error}. Nothing was saved by the failed action."
    ).format(error=f"{type(error).__name__}: {error}")


def _run(box: QMessageBox) -> int:
    """Show the box and wait; tests replace this."""
    return box.exec()


def run_dialog(dialog: QDialog) -> int:
    """Show a modal dialog and wait for its answer (a ``QDialog.DialogCode``); tests replace
    this."""
    return dialog.exec()


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("messageBox")
    return box


def show_error(
    parent: QWidget | None, error: BaseException | str, title: str | None = None
) -> None:
    """A refusal or failure: the text says what happened and that nothing was saved."""
    from PySide6.QtWidgets import QMessageBox

    box = _box(parent, QMessageBox.Icon.Critical, title or _("Refused"), error_text(error))
    details = getattr(error, "__traceback_text__", None)
    if details or not isinstance(error, LedgerError | str):
        box.setDetailedText(details or repr(error))
    _run(box)


def show_warning(parent: QWidget | None, text: str, title: str | None = None) -> None:
    from PySide6.QtWidgets import QMessageBox

    _run(_box(parent, QMessageBox.Icon.Warning, title or _("Warning"), text))


def show_info(parent: QWidget | None, text: str, title: str | None = None) -> None:
    from PySide6.QtWidgets import QMessageBox

    _run(_box(parent, QMessageBox.Icon.Information, title or _("RuralCouncil"), text))


def ask(parent: QWidget | None, text: str, title: str | None = None) -> bool:
    """A yes/no question; No is the default so a stray Enter changes nothing."""
    from PySide6.QtWidgets import QMessageBox

    box = _box(parent, QMessageBox.Icon.Question, title or _("Please confirm"), text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes"))
    box.button(QMessageBox.StandardButton.No).setText(_("No"))
    return _run(box) == QMessageBox.StandardButton.Yes


def bring_forward(window: QWidget) -> None:
    """Put a window in front and give it the keyboard (where the platform has windows to
    order: the offscreen one of tests and smoke tests has none, and says so)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() == "offscreen":
        return
    window.raise_()
    window.activateWindow()
