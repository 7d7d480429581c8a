"""A ledger of an earlier version in the window: the administrator's login upgrades it, anyone
else is refused; afterwards entries are shown and reversed by their gapless numbers, which
differ there from their internal ids and chain positions."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.ledger_model import COLUMN_TITLES, NUMBER
from ruralcouncil.gui.ledger_page import LedgerPage
from ruralcouncil.gui.login_dialog import LoginDialog
from ruralcouncil.gui.reverse_dialog import ReverseDialog
from ruralcouncil.ledger import audit, queries, verify
from ruralcouncil.ledger.storage import Ledger, open_ledger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIGURES = json.loads((FIXTURES / "ledger-v1.json").read_text(encoding="utf-8"))
PASSWORDS = FIGURES["passwords"]


@pytest.fixture
def old_ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A copy of the version-1 fixture, opened as the window opens a ledger."""
    path = tmp_path / "old.ruralcouncil"
    shutil.copyfile(FIXTURES / "ledger-v1.ruralcouncil", path)
    ledger = open_ledger(path, write=True, purpose="window")
    try:
        yield ledger
    finally:
        ledger.close()


def _log_in(qtbot, ledger: Ledger, name: str, password: str) -> LoginDialog:
    dialog = LoginDialog(ledger, user_name=name)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(password)
    dialog.accept()
    return dialog


def test_only_an_administrator_can_log_in_first_and_that_upgrades_it(
    qtbot, old_ledger: Ledger
) -> None:
    assert old_ledger.needs_upgrade
    before = _v1_state(old_ledger)
    clerk = _log_in(qtbot, old_ledger, "clerk", PASSWORDS["clerk"])
    assert clerk.user is None and clerk.isVisible()
    assert "An administrator must log in once to upgrade it" in clerk.error.text()
    assert old_ledger.needs_upgrade and _v1_state(old_ledger) == before  # nothing written

    assert not clerk.upgraded
    admin = _log_in(qtbot, old_ledger, "admin", PASSWORDS["admin"])
    assert admin.result() == QDialog.DialogCode.Accepted, admin.error.text()
    assert admin.upgraded
    assert admin.user is not None and admin.user.signer is not None
    assert not old_ledger.needs_upgrade
    assert verify.verify(old_ledger.conn).ok

    # Accounts made before signatures wait for a new password from the administrator.
    clerk = _log_in(qtbot, old_ledger, "clerk", PASSWORDS["clerk"])
    assert clerk.user is None
    assert "An administrator must set a new password" in clerk.error.text()
    refused = audit.recent(old_ledger)[0]
    assert (refused.user, refused.event) == ("clerk", "login.failed")


def _v1_state(ledger: Ledger) -> tuple[object, ...]:
    conn = ledger.conn
    return (
        conn.execute("PRAGMA user_version").fetchone()[0],
        conn.execute("SELECT count(*), max(seq) FROM chain").fetchone(),
        conn.execute("SELECT count(*) FROM audit_log").fetchone(),
    )


def test_after_the_upgrade_entries_are_shown_and_reversed_by_their_numbers(
    qtbot, old_ledger: Ledger
) -> None:
    admin = _log_in(qtbot, old_ledger, "admin", PASSWORDS["admin"]).user
    assert admin is not None
    context = AppContext(old_ledger, admin)
    page = LedgerPage(context)
    qtbot.addWidget(page)
    page.year.setCurrentIndex(page.year.findData(None))  # every year
    page.apply_filter()
    model = page.model
    count = model.rowCount()
    assert count == FIGURES["transactions"]
    column = model.column_of(NUMBER)
    assert model.headerData(column, Qt.Orientation.Horizontal) == COLUMN_TITLES[NUMBER]
    shown = [model.data(model.index(r, column)) for r in range(count)]
    rows = [model.entry(r) for r in range(count)]
    assert shown == [str(r.id) for r in rows]
    assert sorted(r.id for r in rows) == list(range(1, count + 1))  # gapless
    # In a ledger made before signatures the old ids were chain positions, not numbers.
    assert any(r.id != r.row_id for r in rows)

    target = next(r for r in rows if r.reverses is None and r.reversed_by is None)
    dialog = ReverseDialog(context, target.id)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == f"Reverse entry {target.id}"
    dialog.reason.setText("entered twice")
    dialog.save()
    assert dialog.reversal_id == count + 1
    reversed_entry = queries.get(old_ledger.conn, target.id)
    assert reversed_entry is not None and reversed_entry.reversed_by == count + 1
    assert reversed_entry.row_id == target.row_id  # the same entry, found by its number
    assert verify.verify(old_ledger.conn).ok


@pytest.mark.parametrize("version", [1, 5])
def test_run_gui_says_what_the_upgrade_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes, version: int
) -> None:
    """The note after an upgrade says what it did: from version 1 (entries not signed yet),
    that the older accounts wait for a new password; from a signed version, only where the
    copy is kept (every account has its key already)."""
    from ruralcouncil.gui import app, login_dialog
    from ruralcouncil.gui.main_window import MainWindow

    monkeypatch.setenv("RURALCOUNCIL_LANG", "en")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    path = tmp_path / "old.ruralcouncil"
    shutil.copyfile(FIXTURES / f"ledger-v{version}.ruralcouncil", path)
    figures = json.loads((FIXTURES / f"ledger-v{version}.json").read_text(encoding="utf-8"))

    def log_in(dialog: LoginDialog) -> int:
        dialog.user_name.setText("admin")
        dialog.password.setText(figures["passwords"]["admin"])
        dialog.accept()
        return int(dialog.result())

    opened: list[bool] = []

    def event_loop(qapp: QApplication) -> int:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        opened.extend(True for _w in windows)
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", log_in)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app.run_gui(path) == 0
    assert opened == [True]
    notes = [s for s in message_boxes.shown if s.icon == QMessageBox.Icon.Information]
    assert len(notes) == 1 and "The ledger was upgraded" in notes[0].text
    assert str(tmp_path) in notes[0].text
    # The version-1 fixture's other accounts have no key yet; every account of 5 has one.
    assert ("have no key yet" in notes[0].text) == (version == 1), notes[0].text
    assert list(tmp_path.glob(f"old.ruralcouncil.v{version}-*.before-upgrade"))  # the copy

    # The next start finds a ledger of this version: nothing more to say.
    message_boxes.shown.clear()
    assert app.run_gui(path) == 0
    assert [s for s in message_boxes.shown if s.icon == QMessageBox.Icon.Information] == []


def test_the_note_names_accounts_without_a_key_whatever_the_version_upgraded_from(
    qtbot, old_ledger: Ledger
) -> None:
    """A ledger of version 2 on may still hold accounts from before signed entries (upgraded
    from 1 by an earlier program, their passwords not reset yet): the note says what the
    upgrade did by the version it came from, and asks for new passwords while any account
    has no key."""
    from ruralcouncil.gui.login_dialog import upgrade_note
    from ruralcouncil.ledger import users

    admin = _log_in(qtbot, old_ledger, "admin", PASSWORDS["admin"])
    assert admin.upgraded_from == 1
    from_1 = upgrade_note(old_ledger, 1)
    from_5 = upgrade_note(old_ledger, 5)
    assert from_1.startswith("The ledger was upgraded: from now on every entry is signed")
    assert from_5.startswith("The ledger was upgraded to this version of RuralCouncil.")
    assert all("have no key yet" in note for note in (from_1, from_5))
    for name in users.without_key(old_ledger):
        users.reset_password(old_ledger, admin.user, name, "a-new-password-1")
    assert not users.without_key(old_ledger)
    assert "have no key yet" not in upgrade_note(old_ledger, 5)
    assert "have no key yet" not in upgrade_note(old_ledger, 1)


def test_users_page_marks_accounts_that_need_a_new_password(qtbot, old_ledger: Ledger) -> None:
    """After the upgrade, older accounts are marked until the administrator resets them."""
    from ruralcouncil.gui.users_page import PASSWORD_COLUMN, UsersPage
    from ruralcouncil.ledger import users

    admin = _log_in(qtbot, old_ledger, "admin", PASSWORDS["admin"]).user
    assert admin is not None
    page = UsersPage(AppContext(old_ledger, admin))
    qtbot.addWidget(page)

    def mark(name: str) -> str:
        for row in range(page.table.rowCount()):
            if page.table.item(row, 0).text() == name:
                return page.table.item(row, PASSWORD_COLUMN).text()
        raise AssertionError(name)

    assert mark("clerk") == "needs a new password"
    assert mark("admin") == ""  # the upgrading administrator made their own key
    users.reset_password(old_ledger, admin, "clerk", "clerk-new-pass-1")
    page.refresh()
    assert mark("clerk") == "set by an administrator"
