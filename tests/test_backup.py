"""Backups and restores: written through the backup API, verified, refused when not right."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ruralcouncil import __version__
from ruralcouncil.ledger import chain
from ruralcouncil.ledger.backup import (
    BackupResult,
    backup_ledger,
    manifest_path,
    restore_ledger,
    slug,
)
from ruralcouncil.ledger.errors import InvalidInput, LedgerUnavailable, PermissionDenied
from ruralcouncil.ledger.schema import APPLICATION_ID
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import Role, User
from ruralcouncil.ledger.verify import verify
from tests._helpers import (
    admin_of,
    drop_append_only,
    fresh_ledger,
    opening,
    payment,
    raw,
    receipt,
    state,
    transfer,
)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    folder = tmp_path / "office"
    folder.mkdir()
    led = fresh_ledger(folder)
    admin = admin_of(led)
    opening(led, admin, "2025-01-01", 500_000_00)
    receipt(led, admin, "2025-02-03", 1_250_000_00, "SUBSIDY", counterparty="Аудан әкімдігі")
    payment(led, admin, "2025-02-10", 300_000_00, "STAFF", description="Жалақы, ақпан")
    transfer(led, admin, "2025-02-11", 50_000_00)
    yield led
    led.close()


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    """A folder standing in for a USB stick."""
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _head_of(path: Path) -> tuple[int, str]:
    copy = open_ledger(path, write=False)
    try:
        return chain.head(copy.conn)
    finally:
        copy.close()


# --- backup ------------------------------------------------------------------------------


def test_slug_is_ascii_for_kazakh_and_russian_names() -> None:
    assert slug("Қызылжар ауылдық округі") == "qyzylzhar-auyldyq-okrugi"
    assert slug("Сельский округ Өркен") == "selskiy-okrug-orken"
    assert slug("Test village") == "test-village"
    assert slug("«»") == "ledger"


def test_backup_to_a_folder_names_the_file_with_its_anchor(ledger: Ledger, stick: Path) -> None:
    entries, head = chain.head(ledger.conn)
    result = backup_ledger(ledger, stick)

    assert result.path.parent == stick
    assert re.fullmatch(
        rf"test-village-\d{{8}}-\d{{6}}-e{entries}-{head[:12]}\.ruralcouncil", result.path.name
    )
    assert (result.entries, result.head) == (entries, head)
    assert result.manifest == stick / (result.path.name + ".json")
    # Only the backup and its manifest: no temporary file, no -wal or -shm left behind.
    assert sorted(p.name for p in stick.iterdir()) == sorted(
        [result.path.name, result.manifest.name]
    )


def test_manifest_carries_the_anchor_and_the_file_hash(ledger: Ledger, stick: Path) -> None:
    result = backup_ledger(ledger, stick)
    document = json.loads(result.manifest.read_text(encoding="utf-8"))

    assert document["file"] == result.path.name
    assert document["entries"] == result.entries
    assert document["head"] == result.head
    assert document["anchor"] == f"{result.entries}:{result.head}"
    assert document["village"] == "Test village"
    assert document["program_version"] == __version__
    assert document["sha256"] == _sha256(result.path)
    assert document["size"] == result.path.stat().st_size
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", document["created_at"])


def test_backup_to_a_file_name_is_a_standalone_verified_ledger(ledger: Ledger, stick: Path) -> None:
    target = stick / "before-meeting.ruralcouncil"
    result = backup_ledger(ledger, target)

    assert result.path == target
    header = target.read_bytes()[:100]
    assert header[18:20] == b"\x01\x01"  # rollback journal: needs no -wal file beside it
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    copy = open_ledger(target, write=False)
    try:
        checked = verify(copy.conn, anchor=(result.entries, result.head))
        assert checked.ok, checked.problems
        assert (checked.entries, checked.head) == chain.head(ledger.conn)
        assert copy.conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 4
    finally:
        copy.close()


def test_backup_of_a_read_only_ledger_needs_no_writer(ledger: Ledger, stick: Path) -> None:
    reader = open_ledger(ledger.path, write=False)
    try:
        result = backup_ledger(reader, stick / "copy.ruralcouncil")
    finally:
        reader.close()
    assert (result.entries, result.head) == chain.head(ledger.conn)


def test_backup_reports_progress(ledger: Ledger, stick: Path) -> None:
    calls: list[tuple[int, int]] = []
    backup_ledger(ledger, stick, progress=lambda done, total: calls.append((done, total)))
    assert calls
    assert calls[-1][0] == calls[-1][1] > 0


def test_backup_refuses_to_overwrite_a_file(ledger: Ledger, stick: Path) -> None:
    target = stick / "old.ruralcouncil"
    target.write_bytes(b"precious")
    with pytest.raises(InvalidInput, match="already exists"):
        backup_ledger(ledger, target)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in stick.iterdir()] == ["old.ruralcouncil"]


def test_backup_refuses_when_the_manifest_name_is_taken(ledger: Ledger, stick: Path) -> None:
    target = stick / "copy.ruralcouncil"
    manifest_path(target).write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidInput, match="already exists"):
        backup_ledger(ledger, target)
    assert not target.exists()


def test_backup_refuses_a_missing_folder(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(LedgerUnavailable, match="does not exist"):
        backup_ledger(ledger, tmp_path / "no-stick" / "copy.ruralcouncil")
    assert not (tmp_path / "no-stick").exists()


def test_backup_refuses_a_read_only_folder(
    ledger: Ledger, stick: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_root = os.name != "posix" or os.geteuid() == 0
    if as_root:  # root may write anywhere: pretend the stick's write-protect switch is on
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if Path(p) == stick else real_access(p, mode)
        )
    else:
        stick.chmod(0o555)
    try:
        with pytest.raises(LedgerUnavailable, match="read-only"):
            backup_ledger(ledger, stick)
    finally:
        stick.chmod(0o755)
    assert list(stick.iterdir()) == []


def test_backup_of_a_tampered_ledger_fails_its_check_and_is_deleted(
    ledger: Ledger, stick: Path
) -> None:
    conn = raw(ledger.path)
    drop_append_only(conn)
    conn.execute("UPDATE transactions SET description = 'changed' WHERE type = 'payment'")
    conn.close()
    with pytest.raises(LedgerUnavailable, match="failed its check"):
        backup_ledger(ledger, stick)
    assert list(stick.iterdir()) == []


# --- restore -----------------------------------------------------------------------------


@pytest.fixture
def saved(ledger: Ledger, stick: Path) -> BackupResult:
    return backup_ledger(ledger, stick)


def _aside_files(ledger: Ledger) -> list[Path]:
    return sorted(ledger.path.parent.glob(ledger.path.name + ".before-restore-*"))


def test_restore_brings_back_the_backup_and_keeps_the_ledger_aside(
    ledger: Ledger, saved: BackupResult
) -> None:
    admin = admin_of(ledger)
    late = receipt(ledger, admin, "2025-03-01", 77_000_00, "FINES", description="after backup")
    entries_before = chain.head(ledger.conn)[0]

    result = restore_ledger(ledger, admin, saved.path)

    conn = ledger.conn
    assert conn.execute("SELECT 1 FROM transactions WHERE id = ?", (late,)).fetchone() is None
    assert chain.head(conn) == (saved.entries, saved.head)
    assert (result.entries_before, result.entries_after) == (entries_before, saved.entries)
    assert verify(conn).ok
    assert str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    last = conn.execute(
        "SELECT user, event, detail FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert last[:2] == ("admin", "restore")
    assert saved.path.name in last[2]
    # The ledger as it was is kept aside, late entry and all.
    assert _aside_files(ledger) == [result.kept_aside]
    aside = open_ledger(result.kept_aside, write=False)
    try:
        assert aside.conn.execute(
            "SELECT description FROM transactions WHERE id = ?", (late,)
        ).fetchone() == ("after backup",)
        assert chain.head(aside.conn)[0] == entries_before
    finally:
        aside.close()
    # The restored ledger keeps working under the same lock.
    receipt(ledger, admin, "2025-03-02", 1_000_00, "FINES")
    assert verify(ledger.conn).ok


def test_restore_warns_when_the_backup_holds_fewer_entries(
    ledger: Ledger, saved: BackupResult
) -> None:
    admin = admin_of(ledger)
    receipt(ledger, admin, "2025-03-01", 77_000_00, "FINES")
    before = chain.head(ledger.conn)[0]
    result = restore_ledger(ledger, admin, saved.path)
    assert result.warning is not None
    assert str(saved.entries) in result.warning
    assert str(before) in result.warning


def test_restore_of_an_equal_backup_has_no_warning(ledger: Ledger, saved: BackupResult) -> None:
    result = restore_ledger(ledger, admin_of(ledger), saved.path)
    assert result.warning is None
    assert result.entries_before == result.entries_after == saved.entries


def test_restore_reports_progress(ledger: Ledger, saved: BackupResult) -> None:
    calls: list[tuple[int, int]] = []
    restore_ledger(ledger, admin_of(ledger), saved.path, lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]


def _refused(ledger: Ledger, user: User, source: Path, error: type[Exception], match: str) -> None:
    before = state(ledger.conn)
    with pytest.raises(error, match=match):
        restore_ledger(ledger, user, source)
    assert state(ledger.conn) == before
    assert _aside_files(ledger) == []


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.MEMBER, Role.AUDITOR])
def test_restore_is_for_administrators_only(
    ledger: Ledger, saved: BackupResult, role: Role
) -> None:
    _refused(ledger, User(99, "someone", role), saved.path, PermissionDenied, "may not")


def test_restore_refuses_a_file_that_is_not_a_ledger(ledger: Ledger, tmp_path: Path) -> None:
    text = tmp_path / "notes.ruralcouncil"
    text.write_text("budget notes", encoding="utf-8")
    _refused(ledger, admin_of(ledger), text, LedgerUnavailable, "not a RuralCouncil ledger")

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused(ledger, admin_of(ledger), other, LedgerUnavailable, "not a RuralCouncil ledger")
    _refused(ledger, admin_of(ledger), tmp_path / "missing", LedgerUnavailable, "no ledger")


def test_restore_refuses_a_tampered_backup(ledger: Ledger, saved: BackupResult) -> None:
    conn = raw(saved.path)
    drop_append_only(conn)
    conn.execute(
        "UPDATE transactions SET description = 'paid to my cousin' WHERE id = ("
        "SELECT min(id) FROM transactions WHERE type = 'payment')"
    )
    conn.close()
    _refused(ledger, admin_of(ledger), saved.path, LedgerUnavailable, "does not pass")


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(
    ledger: Ledger, saved: BackupResult
) -> None:
    document = json.loads(saved.manifest.read_text(encoding="utf-8"))
    document["head"] = "ab" * 32
    saved.manifest.write_text(json.dumps(document), encoding="utf-8")
    _refused(ledger, admin_of(ledger), saved.path, LedgerUnavailable, "does not pass")


def test_restore_refuses_a_ledger_from_a_newer_version(ledger: Ledger, saved: BackupResult) -> None:
    conn = raw(saved.path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    _refused(ledger, admin_of(ledger), saved.path, LedgerUnavailable, "newer version")


def test_restore_refuses_the_ledger_itself(ledger: Ledger) -> None:
    _refused(ledger, admin_of(ledger), ledger.path, InvalidInput, "ledger itself")


def test_restore_needs_a_writable_ledger(ledger: Ledger, saved: BackupResult) -> None:
    reader = open_ledger(ledger.path, write=False)
    try:
        with pytest.raises(LedgerUnavailable, match="read-only"):
            restore_ledger(reader, admin_of(ledger), saved.path)
    finally:
        reader.close()
