"""Fixtures for the pytest-qt tests of the window.

The tests run on Qt's offscreen platform unless ``--onscreen`` is given
(``pytest tests/gui --onscreen``), as Dangerzone's tests do. Each test gets its own user
data and config folders, English texts, and a recorder instead of blocking message boxes:
``messages._run`` and the static ``QMessageBox`` functions return at once, and the test
reads what the user would have seen from the ``message_boxes`` fixture. A test that wants
another answer sets ``message_boxes.answer`` (or monkeypatches the function itself).

Small modal dialogs (a password prompt, "Change my password") go through
``messages.run_dialog``; the ``dialogs`` fixture records each one and, by default, cancels
it. A test fills one in by setting ``dialogs.fill`` to a function that gets the real dialog,
types into its fields and presses its buttons (``dialog.accept()``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

if "--onscreen" not in sys.argv:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ruralcouncil import i18n
from ruralcouncil.gui import fonts, messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.ledger import users
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"
CLERK_PASSWORD = "clerk-password-1"
MEMBER_PASSWORD = "member-password-1"
VILLAGE = "Aksu"

Button = QMessageBox.StandardButton


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--onscreen", action="store_true", default=False, help="show the GUI tests' windows"
    )


# Qt's offscreen platform warns about a window-manager feature it lacks; nothing is wrong.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session", autouse=True)
def _shipped_font(qapp: QApplication) -> None:
    """The tests see the same font as users: the shipped DejaVu Sans."""
    fonts.install_application_font(qapp)


@pytest.fixture(autouse=True)
def _collect_on_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the program: cyclic garbage is collected on the GUI thread, never in a worker
    rendering a report (where freeing widgets crashes). Handed back to Python after each
    test, for the tests that run without an event loop."""
    from ruralcouncil.gui import collector

    installed = collector.install(qapp)
    yield
    installed.stop()


@pytest.fixture(autouse=True)
def _user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs reads XDG_* on Linux: a fresh data and config folder for each test."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("RURALCOUNCIL_LANG", raising=False)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@dataclass
class Shown:
    icon: QMessageBox.Icon
    title: str
    text: str


@dataclass
class MessageRecorder:
    """What message boxes the code showed; ``answer`` is the button a question gets."""

    shown: list[Shown] = field(default_factory=list)
    answer: Button | None = None  # None: the box's default button (No/Cancel for questions)

    def texts(self) -> list[str]:
        return [s.text for s in self.shown]

    def run(self, box: QMessageBox) -> int:
        self.shown.append(Shown(box.icon(), box.windowTitle(), box.text()))
        if self.answer is not None:
            return int(self.answer.value)
        default = box.defaultButton()
        return int(box.standardButton(default).value) if default else int(Button.Ok.value)

    def static(self, icon: QMessageBox.Icon, fallback: Button) -> Any:
        def show(
            parent: Any,
            title: str,
            text: str,
            buttons: Any = Button.Ok,
            default: Any = Button.NoButton,
        ) -> Button:
            self.shown.append(Shown(icon, title, text))
            if self.answer is not None:
                return self.answer
            return default if default != Button.NoButton else fallback

        return show


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageRecorder:
    recorder = MessageRecorder()
    monkeypatch.setattr(messages, "_run", recorder.run)
    for name, icon, fallback in (
        ("question", QMessageBox.Icon.Question, Button.No),
        ("warning", QMessageBox.Icon.Warning, Button.Ok),
        ("critical", QMessageBox.Icon.Critical, Button.Ok),
        ("information", QMessageBox.Icon.Information, Button.Ok),
    ):
        monkeypatch.setattr(QMessageBox, name, staticmethod(recorder.static(icon, fallback)))
    return recorder


@dataclass
class DialogRecorder:
    """The dialogs shown through ``messages.run_dialog``; ``fill`` answers them."""

    shown: list[QDialog] = field(default_factory=list)
    fill: Callable[[QDialog], None] | None = None  # None: the user presses Cancel

    def run(self, dialog: QDialog) -> int:
        self.shown.append(dialog)
        if self.fill is None:
            dialog.reject()
        else:
            self.fill(dialog)
        return int(dialog.result())


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    recorder = DialogRecorder()
    monkeypatch.setattr(messages, "run_dialog", recorder.run)
    return recorder


@pytest.fixture
def gui_ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "village.ruralcouncil"


@pytest.fixture
def gui_ledger(gui_ledger_path: Path) -> Iterator[Ledger]:
    """A fresh ledger holding the writer's lock; administrator admin / correct-horse-1."""
    ledger = init_ledger(gui_ledger_path, village=VILLAGE, admin=ADMIN, password=ADMIN_PASSWORD)
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.fixture
def admin_user(gui_ledger: Ledger) -> User:
    return users.login(gui_ledger, ADMIN, ADMIN_PASSWORD)


@pytest.fixture
def context(gui_ledger: Ledger, admin_user: User) -> AppContext:
    """The administrator logged in."""
    return AppContext(gui_ledger, admin_user)


def _context_for(context: AppContext, name: str, role: str, password: str) -> AppContext:
    users.add_user(context.ledger, context.user, name, role, password, name.title())
    return AppContext(context.ledger, users.login(context.ledger, name, password))


@pytest.fixture
def clerk_context(context: AppContext) -> AppContext:
    """The clerk ``clerk`` logged in (added by the administrator)."""
    return _context_for(context, "clerk", "clerk", CLERK_PASSWORD)


@pytest.fixture
def member_context(context: AppContext) -> AppContext:
    """The council member ``member`` logged in (read-only)."""
    return _context_for(context, "member", "member", MEMBER_PASSWORD)
