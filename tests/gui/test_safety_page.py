"""The safety page: anchor, backup to a folder, restore by an administrator, verify."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest
from _helpers import state
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.safety_page import RestorePasswordDialog, SafetyPage
from ruralcouncil.ledger import audit, backup, chain, journal, queries, settings, users, verify
from ruralcouncil.ledger.backup import BackupResult, RestoreResult
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.verify import VerifyResult

ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"  # as in conftest.py
CLERK_PASSWORD = "clerk-password-1"
VILLAGE = "Aksu"


@pytest.fixture(autouse=True)
def three_receipts(context: AppContext) -> None:
    for n, day in enumerate((3, 4, 5), start=1):
        entry = NewEntry(
            date(2025, 2, day),
            EntryType.RECEIPT,
            n * 1000_00,
            category="TAX-LAND",
            description=f"land tax {n}",
        )
        journal.record(context.ledger, context.user, entry)


def _count(context: AppContext) -> int:
    return queries.count(context.ledger.conn, queries.EntryFilter())


def test_anchor_shown_and_copied(qtbot, context: AppContext) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    entries, head = chain.head(context.ledger.conn)
    assert page.anchor_edit.text() == f"{entries}:{head}"
    assert page.anchor_edit.isReadOnly()
    page.copy_anchor()
    assert QGuiApplication.clipboard().text() == f"{entries}:{head}"
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 1_00, category="FINES"),
    )
    after, head_after = chain.head(context.ledger.conn)
    assert after > entries  # the entry and its event
    assert page.anchor_edit.text() == f"{entries}:{head}"  # until the pages are told
    context.notify_changed()
    assert page.anchor_edit.text() == f"{after}:{head_after}"


def test_backup_to_folder(qtbot, context: AppContext, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_to(stick)
    result = blocker.args[0]
    assert isinstance(result, BackupResult), result
    assert result.path.parent == stick and result.path.exists()
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["anchor"] == page.anchor_edit.text()
    assert str(result.path) in page.backup_status.text()
    assert page.anchor_edit.text() in page.backup_status.text()
    assert page.backup_folder_button.isEnabled()


def test_backup_refused_into_missing_folder(qtbot, context: AppContext, tmp_path: Path) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_to(tmp_path / "no-such-folder" / "copy.ruralcouncil")
    assert isinstance(blocker.args[0], Exception)
    assert "does not exist" in page.backup_status.text()
    assert not (tmp_path / "no-such-folder").exists()


def _backup(qtbot, page: SafetyPage, folder: Path) -> Path:
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_to(folder)
    assert isinstance(blocker.args[0], BackupResult), blocker.args[0]
    return blocker.args[0].path


def _restore(qtbot, page: SafetyPage, source: Path, password: str) -> object:
    with qtbot.waitSignal(page.restore_finished, timeout=30000) as blocker:
        page.restore_from(source, password)
    return blocker.args[0]


def _kept_aside(context: AppContext) -> list[Path]:
    path = context.ledger.path
    return sorted(path.parent.glob(path.name + ".before-restore-*"))


def test_restore_by_admin_drops_later_entry(qtbot, context: AppContext, tmp_path: Path) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    backup_file = _backup(qtbot, page, tmp_path)
    later = journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, category="FINES"),
    )
    assert _count(context) == 4
    before_user = context.user
    changed: list[bool] = []
    context.changed.connect(lambda: changed.append(True))
    result = _restore(qtbot, page, backup_file, ADMIN_PASSWORD)
    assert isinstance(result, RestoreResult), result
    assert queries.get(context.ledger.conn, later) is None
    assert _count(context) == 3
    assert result.warning and result.warning in page.restore_status.text()
    assert result.kept_aside.exists()
    assert changed == [True]
    assert page.anchor_edit.text().startswith(f"{result.entries_after + 2}:")  # + restore
    assert (audit.recent(context.ledger)[0].event, audit.recent(context.ledger)[0].user) == (
        "restore",
        ADMIN,
    )
    # From now on the session is the restorer as the restored ledger knows them.
    assert context.user is result.user and context.user is not before_user
    assert context.user.signer is not None
    assert not context.busy and page.restore_dialog is None
    assert page.restore_button.isEnabled()
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 2), EntryType.RECEIPT, 5_00, category="FINES"),
    )
    assert verify.verify(context.ledger.conn).ok


def test_restore_refuses_a_wrong_password_and_writes_nothing(
    qtbot, context: AppContext, tmp_path: Path
) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    backup_file = _backup(qtbot, page, tmp_path)
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, category="FINES"),
    )
    before = state(context.ledger.conn)
    user = context.user
    result = _restore(qtbot, page, backup_file, "not-my-password")
    assert isinstance(result, AuthenticationFailed), result
    assert "Nothing was restored" in page.restore_status.text()
    assert state(context.ledger.conn) == before
    assert _kept_aside(context) == []
    assert context.user is user
    assert not context.busy and page.restore_button.isEnabled()


def test_clerk_may_not_restore(qtbot, clerk_context: AppContext, tmp_path: Path) -> None:
    page = SafetyPage(clerk_context)
    qtbot.addWidget(page)
    assert not page.restore_button.isEnabled()
    assert "administrator" in page.restore_status.text()
    backup_file = _backup(qtbot, page, tmp_path)  # anyone may back up
    journal.record(
        clerk_context.ledger,
        clerk_context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, category="FINES"),
    )
    before = state(clerk_context.ledger.conn)
    result = _restore(qtbot, page, backup_file, CLERK_PASSWORD)
    assert isinstance(result, PermissionDenied), result
    assert _count(clerk_context) == 4
    assert state(clerk_context.ledger.conn) == before
    assert not page.restore_button.isEnabled()


def test_verify_ok(qtbot, context: AppContext) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    assert isinstance(blocker.args[0], VerifyResult) and blocker.args[0].ok
    assert "intact" in page.verify_status.text()
    assert page.anchor_edit.text().replace(":", " chain entries, head ") in (
        page.verify_status.text()
    )
    assert page.verify_problems.isHidden()


def test_verify_finds_tampering(qtbot, context: AppContext) -> None:
    conn = context.ledger.conn
    target = list(queries.iterate(conn, queries.EntryFilter()))[1].id
    conn.execute("DROP TRIGGER transactions_no_update")
    conn.execute("UPDATE transactions SET description = 'nothing here' WHERE id = ?", (target,))
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    result = blocker.args[0]
    assert not result.ok and result.first_bad == target == 2
    # The entry's number and its place in the chain (events and users are chained too).
    position = result.first_bad_seq
    assert position is not None and position != target
    assert (
        f"The first bad entry is number {target} (chain position {position})."
        in page.verify_status.text()
    )
    items = [page.verify_problems.item(i).text() for i in range(page.verify_problems.count())]
    assert any("transaction was changed" in text for text in items), items
    assert not page.verify_problems.isHidden()


def test_verify_names_the_chain_position_of_a_bad_record_that_is_not_an_entry(
    qtbot, context: AppContext
) -> None:
    conn = context.ledger.conn
    conn.execute("UPDATE settings SET value = 'Forged' WHERE key = 'village_name'")
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    result = blocker.args[0]
    assert not result.ok and result.first_bad is None and result.first_bad_seq is not None
    text = page.verify_status.text()
    assert f"at chain position {result.first_bad_seq}" in text
    assert "not an entry" in text and "first bad entry" not in text
    items = [page.verify_problems.item(i).text() for i in range(page.verify_problems.count())]
    assert any("village_name" in item for item in items), items


def test_verify_lists_records_signed_with_an_administrator_set_password(
    qtbot, context: AppContext
) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    assert blocker.args[0].admin_set_keys == {}  # only the administrator has signed
    assert page.verify_admin_set.isHidden() and page.verify_admin_set_label.isHidden()

    users.add_user(context.ledger, context.user, "aigul", "clerk", CLERK_PASSWORD)
    aigul = users.login(context.ledger, "aigul", CLERK_PASSWORD)
    for day in (6, 7):
        journal.record(
            context.ledger,
            aigul,
            NewEntry(date(2025, 2, day), EntryType.RECEIPT, 1_00, category="FINES"),
        )
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    result = blocker.args[0]
    assert result.ok
    count, positions = result.admin_set_keys["aigul"]
    assert count > 0 and positions
    assert not page.verify_admin_set.isHidden()
    assert not page.verify_admin_set_label.isHidden()
    items = [page.verify_admin_set.item(i) for i in range(page.verify_admin_set.count())]
    assert [i.text() for i in items] == [
        f"aigul: {count}; their password is still the one an administrator set"
    ]
    assert str(positions[0]) in items[0].toolTip()

    # Once she chooses her own password, what she signs is no longer listed (the change
    # itself, a user record signed with the old key, is the last one that is).
    users.change_own_password(context.ledger, aigul, CLERK_PASSWORD, "her own sentence")
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    changed = blocker.args[0].admin_set_keys["aigul"][0]
    assert changed == count + 1
    assert page.verify_admin_set.item(0).text() == (
        f"aigul: {changed}; they have chosen their own password since"
    )
    journal.record(
        context.ledger, aigul, NewEntry(date(2025, 2, 8), EntryType.RECEIPT, 1_00, category="FINES")
    )
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    assert blocker.args[0].ok and blocker.args[0].admin_set_keys["aigul"][0] == changed


def test_verify_against_anchor(qtbot, context: AppContext) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    entries, _head = chain.head(context.ledger.conn)
    page.check_anchor_edit.setText(f"{entries}:{'0' * 64}")
    with qtbot.waitSignal(page.verify_finished, timeout=20000) as blocker:
        page.verify_now()
    assert not blocker.args[0].ok
    assert "rewritten" in page.verify_problems.item(0).text()
    page.check_anchor_edit.setText("not an anchor")
    with qtbot.waitSignal(page.verify_finished, timeout=20000):
        page.verify_now()
    assert "N:HEX" in page.verify_status.text()


def _choose_backup(monkeypatch, backup_file: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup_file), ""))


def _type_password(password: str):
    def fill(dialog) -> None:
        assert isinstance(dialog, RestorePasswordDialog)
        assert not dialog.ok_button.isEnabled()  # nothing typed yet
        dialog.password.setText(password)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    return fill


def test_restore_slot_asks_first_then_for_the_password(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch, message_boxes, dialogs
) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_now()
    backup_file = blocker.args[0].path
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, category="FINES"),
    )
    _choose_backup(monkeypatch, backup_file)
    before = state(context.ledger.conn)
    finished: list[object] = []
    page.restore_finished.connect(finished.append)

    page.restore()  # the warning's default answer is Cancel: no password is asked
    assert "will be replaced" in message_boxes.texts()[-1]
    assert dialogs.shown == []

    message_boxes.answer = QMessageBox.StandardButton.Yes
    page.restore()  # Yes, then Cancel in the password prompt
    assert len(dialogs.shown) == 1
    prompt = dialogs.shown[0]
    assert isinstance(prompt, RestorePasswordDialog)
    assert prompt.password.echoMode() == QLineEdit.EchoMode.Password
    qtbot.wait(50)
    assert finished == [] and state(context.ledger.conn) == before
    assert _kept_aside(context) == []

    dialogs.fill = _type_password(ADMIN_PASSWORD)
    with qtbot.waitSignal(page.restore_finished, timeout=30000) as blocker:
        page.restore()
    assert isinstance(blocker.args[0], RestoreResult), blocker.args[0]
    assert _count(context) == 3


def test_restore_runs_in_a_worker_behind_a_modal_window_that_cannot_be_closed(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch
) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    backup_file = _backup(qtbot, page, tmp_path)
    seen: list[tuple[bool, bool]] = []
    real = backup.restore_ledger

    def watched(*args, **kwargs):
        seen.append((threading.current_thread() is threading.main_thread(), context.busy))
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "restore_ledger", watched)
    with qtbot.waitSignal(page.restore_finished, timeout=30000) as blocker:
        page.restore_from(backup_file, ADMIN_PASSWORD)
        # The worker's answer is queued for the event loop, so this is still before it.
        dialog = page.restore_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
        assert context.busy
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.reject()
        dialog.close()  # the title bar's close button
        assert dialog.isVisible()
        assert not page.verify_button.isEnabled() and not page.restore_button.isEnabled()
    assert isinstance(blocker.args[0], RestoreResult), blocker.args[0]
    assert seen == [(False, True)]  # off the GUI thread, while the window was blocked
    assert page.restore_dialog is None
    assert not context.busy and page.restore_button.isEnabled()


def _other_village_backup(tmp_path: Path, village: str = "Karasu") -> Path:
    """A backup of another village's ledger whose administrator has the same name and
    password as this one's."""
    other = init_ledger(
        tmp_path / "other.ruralcouncil", village=village, admin=ADMIN, password=ADMIN_PASSWORD
    )
    try:
        (tmp_path / "other-backups").mkdir()
        return backup.backup_ledger(other, tmp_path / "other-backups").path
    finally:
        other.close()


def test_other_village_backup_declined_writes_nothing(
    qtbot, context: AppContext, tmp_path: Path, message_boxes
) -> None:
    source = _other_village_backup(tmp_path)
    page = SafetyPage(context)
    qtbot.addWidget(page)
    before = state(context.ledger.conn)
    user = context.user
    result = _restore(qtbot, page, source, ADMIN_PASSWORD)  # the question's default is No
    assert isinstance(result, InvalidInput), result
    assert len(message_boxes.shown) == 1
    question = message_boxes.shown[0]
    assert question.icon == QMessageBox.Icon.Question
    assert "Karasu" in question.text and VILLAGE in question.text
    assert "Replace the ledger of Aksu with the ledger of Karasu?" in question.text
    assert "--other-village" not in page.restore_status.text()
    assert "nothing was restored" in page.restore_status.text()
    assert state(context.ledger.conn) == before
    assert settings.village_name(context.ledger.conn) == VILLAGE
    assert _kept_aside(context) == []
    assert context.user is user and not context.busy


def test_other_village_backup_restored_once_confirmed(
    qtbot, context: AppContext, tmp_path: Path, message_boxes
) -> None:
    source = _other_village_backup(tmp_path)
    page = SafetyPage(context)
    qtbot.addWidget(page)
    old_key = context.user.signer.public_key
    message_boxes.answer = QMessageBox.StandardButton.Yes
    finished: list[object] = []
    page.restore_finished.connect(finished.append)
    result = _restore(qtbot, page, source, ADMIN_PASSWORD)
    assert isinstance(result, RestoreResult), result
    assert finished == [result]  # one answer for the one restore the user asked for
    assert [s.icon for s in message_boxes.shown] == [QMessageBox.Icon.Question]
    assert settings.village_name(context.ledger.conn) == "Karasu"
    assert _count(context) == 0 and len(_kept_aside(context)) == 1
    # The other ledger's administrator has another key: the session signs with it now.
    assert context.user is result.user
    assert context.user.signer.public_key != old_key
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 2), EntryType.RECEIPT, 5_00, category="FINES"),
    )
    assert verify.verify(context.ledger.conn).ok


def test_other_village_backup_with_a_wrong_password_is_refused_after_the_question(
    qtbot, context: AppContext, tmp_path: Path, message_boxes
) -> None:
    source = _other_village_backup(tmp_path)
    page = SafetyPage(context)
    qtbot.addWidget(page)
    before = state(context.ledger.conn)
    message_boxes.answer = QMessageBox.StandardButton.Yes
    result = _restore(qtbot, page, source, "not-my-password")
    assert isinstance(result, AuthenticationFailed), result
    assert state(context.ledger.conn) == before
    assert settings.village_name(context.ledger.conn) == VILLAGE
    assert _kept_aside(context) == []


def test_the_main_window_stays_open_while_a_restore_runs(
    qtbot, context: AppContext, tmp_path: Path
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("safety")
    backup_file = _backup(qtbot, page, tmp_path)
    with qtbot.waitSignal(page.restore_finished, timeout=30000) as blocker:
        page.restore_from(backup_file, ADMIN_PASSWORD)
        assert not window.close()  # it would close the ledger under the worker
        assert window.isVisible()
    assert isinstance(blocker.args[0], RestoreResult), blocker.args[0]
    assert window.close()


def test_a_documents_code_typed_in_the_verify_box_is_checked_as_one(
    qtbot, context: AppContext
) -> None:
    """The summary's code, typed where an anchor goes, is checked as a printed code (it is
    not refused as a malformed anchor)."""
    from ruralcouncil.reports.statements import coded_summary

    page = SafetyPage(context)
    qtbot.addWidget(page)
    code = coded_summary(context.ledger.conn, 2025).code
    page.check_anchor_edit.setText(code)
    page.verify_now()
    dialog = page.code_check  # the page's child: closed with it
    qtbot.waitUntil(lambda: bool(dialog.verdict_label.text()), timeout=20000)
    assert dialog.verdict_label.text() == "The code matches this ledger's history."
    assert "The year 2025" in dialog.details.text()
