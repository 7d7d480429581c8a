"""The safety page: anchor, backup to a folder, restore by an administrator, verify."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.safety_page import SafetyPage
from ruralcouncil.ledger import chain, journal, queries
from ruralcouncil.ledger.backup import BackupResult, RestoreResult
from ruralcouncil.ledger.errors import PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.verify import VerifyResult


@pytest.fixture(autouse=True)
def three_receipts(context: AppContext) -> None:
    for n, day in enumerate((3, 4, 5), start=1):
        entry = NewEntry(
            date(2025, 2, day),
            EntryType.RECEIPT,
            n * 1000_00,
            code="TAX-LAND",
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
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 1_00, code="FINES"),
    )
    context.notify_changed()
    assert page.anchor_edit.text().startswith(f"{entries + 1}:")


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


def test_restore_by_admin_drops_later_entry(qtbot, context: AppContext, tmp_path: Path) -> None:
    page = SafetyPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_to(tmp_path)
    backup_file = blocker.args[0].path
    later = journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, code="FINES"),
    )
    assert _count(context) == 4
    changed: list[bool] = []
    context.changed.connect(lambda: changed.append(True))
    with qtbot.waitSignal(page.restore_finished, timeout=20000) as blocker:
        page.restore_from(backup_file)
    result = blocker.args[0]
    assert isinstance(result, RestoreResult), result
    assert queries.get(context.ledger.conn, later) is None
    assert _count(context) == 3
    assert result.warning and result.warning in page.restore_status.text()
    assert result.kept_aside.exists()
    assert changed == [True]
    assert page.anchor_edit.text().startswith(f"{result.entries_after}:")


def test_clerk_may_not_restore(qtbot, clerk_context: AppContext, tmp_path: Path) -> None:
    page = SafetyPage(clerk_context)
    qtbot.addWidget(page)
    assert not page.restore_button.isEnabled()
    assert "administrator" in page.restore_status.text()
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_to(tmp_path)  # anyone may back up
    backup_file = blocker.args[0].path
    journal.record(
        clerk_context.ledger,
        clerk_context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, code="FINES"),
    )
    with qtbot.waitSignal(page.restore_finished, timeout=20000) as blocker:
        page.restore_from(backup_file)
    assert isinstance(blocker.args[0], PermissionDenied)
    assert _count(clerk_context) == 4
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
    assert not result.ok and result.first_bad == target
    assert f"The first bad entry is number {target}." in page.verify_status.text()
    items = [page.verify_problems.item(i).text() for i in range(page.verify_problems.count())]
    assert any(f"entry {target}" in text for text in items), items
    assert not page.verify_problems.isHidden()


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


def test_restore_slot_asks_first(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    page = SafetyPage(context)
    qtbot.addWidget(page)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    with qtbot.waitSignal(page.backup_finished, timeout=20000) as blocker:
        page.backup_now()
    backup_file = blocker.args[0].path
    journal.record(
        context.ledger,
        context.user,
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 9_00, code="FINES"),
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup_file), ""))
    page.restore()  # the warning's default answer is Cancel
    assert "will be replaced" in message_boxes.texts()[-1]
    assert _count(context) == 4
    message_boxes.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(page.restore_finished, timeout=20000):
        page.restore()
    assert _count(context) == 3
