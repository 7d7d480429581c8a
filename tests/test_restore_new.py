"""Restoring a backup onto a PC that has no ledger yet (after a disk failure)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _helpers import PASSWORD, admin_of, commits_since, english, fresh_ledger, receipt, tamper

from ruralcouncil.ledger import audit, backup, users
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput, LedgerUnavailable
from ruralcouncil.ledger.storage import create_ledger_file, open_ledger
from ruralcouncil.ledger.verify import verify

__all__ = ["english"]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, str]:
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    users.add_user(ledger, admin, "clerk1", "clerk", "clerk-password-1")
    receipt(ledger, admin, "2025-02-01", 150_000, category="TAX-LAND")
    result = backup.backup_ledger(ledger, tmp_path / "saved.ruralcouncil")
    ledger.close()
    return result.path, result.head


def test_admin_of_the_backup_restores_onto_an_empty_pc(
    saved: tuple[Path, str], tmp_path: Path
) -> None:
    source, head = saved
    target = tmp_path / "new" / "ledger.ruralcouncil"
    target.parent.mkdir()
    result = backup.restore_to_new(source, target, "admin", PASSWORD)
    assert result.kept_aside is None and result.entries_after > 0
    restored = open_ledger(target, write=False)
    try:
        check = verify(restored.conn, anchor=(result.entries_after, head))
        assert check.ok, check.problems
        events = [e.event for e in audit.recent(restored)]
        assert events[:2] == ["restore", "login"]
        # Signed by the administrator, who logged in to the restored copy.
        assert commits_since(restored.conn, result.entries_after) == [
            (1, ["event:login", "event:restore"])
        ]
    finally:
        restored.close()
    assert not list(target.parent.glob(".*.partial"))


@pytest.mark.parametrize(
    ("name", "password", "error"),
    [
        ("admin", "not-the-password", AuthenticationFailed),
        # A clerk with the right password is refused in the same words: only an administrator
        # of the backup can be sure to get back in after it.
        ("clerk1", "clerk-password-1", AuthenticationFailed),
        ("nobody", PASSWORD, AuthenticationFailed),
    ],
)
def test_only_an_administrator_of_the_backup_may_restore(
    saved: tuple[Path, str], tmp_path: Path, name: str, password: str, error: type[Exception]
) -> None:
    target = tmp_path / "ledger.ruralcouncil"
    before = saved[0].read_bytes()
    with pytest.raises(error, match="as an administrator"):
        backup.restore_to_new(saved[0], target, name, password)
    assert not target.exists()
    assert not list(tmp_path.glob(".*.partial"))
    assert saved[0].read_bytes() == before  # checking the backup wrote nothing into it


def test_a_backup_nobody_could_log_in_to_is_not_restored(tmp_path: Path) -> None:
    empty = create_ledger_file(tmp_path / "empty.ruralcouncil")
    empty.close()
    target = tmp_path / "ledger.ruralcouncil"
    with pytest.raises(LedgerUnavailable, match="no active administrator"):
        backup.restore_to_new(empty.path, target, "admin", PASSWORD)
    assert not target.exists()


def test_a_tampered_backup_is_not_restored(saved: tuple[Path, str], tmp_path: Path) -> None:
    tamper(saved[0], "UPDATE transactions SET amount = 1")
    target = tmp_path / "ledger.ruralcouncil"
    with pytest.raises(LedgerUnavailable, match="does not pass"):
        backup.restore_to_new(saved[0], target, "admin", PASSWORD)
    assert not target.exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_an_existing_ledger_is_never_overwritten(saved: tuple[Path, str], tmp_path: Path) -> None:
    target = tmp_path / "ledger.ruralcouncil"
    target.write_bytes(b"someone's work")
    with pytest.raises(InvalidInput):
        backup.restore_to_new(saved[0], target, "admin", PASSWORD)
    assert target.read_bytes() == b"someone's work"


def test_cli_restore_creates_the_missing_ledger(
    saved: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruralcouncil.cli import main

    target = tmp_path / "fresh.ruralcouncil"
    monkeypatch.setenv("RURALCOUNCIL_PASSWORD", PASSWORD)
    assert main(["--db", str(target), "restore", str(saved[0]), "--user", "admin"]) == 0
    assert main(["--db", str(target), "verify"]) == 0
    monkeypatch.setenv("RURALCOUNCIL_PASSWORD", "clerk-password-1")
    other = tmp_path / "other.ruralcouncil"
    assert main(["--db", str(other), "restore", str(saved[0]), "--user", "clerk1"]) == 2
    assert not other.exists()
