"""Backups and restores: written through the backup API, verified, refused when not right."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    commits_since,
    english,
    fresh_ledger,
    opening,
    payment,
    raw,
    receipt,
    state,
    tamper,
    transfer,
)

from ruralcouncil import __version__
from ruralcouncil.ledger import audit, chain, lock, settings, users
from ruralcouncil.ledger.backup import (
    BackupResult,
    backup_ledger,
    clean_partials,
    manifest_path,
    restore_ledger,
    slug,
)
from ruralcouncil.ledger.errors import (
    AuthenticationFailed,
    InvalidInput,
    LedgerUnavailable,
    PermissionDenied,
)
from ruralcouncil.ledger.schema import APPLICATION_ID
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger, create_ledger_file, open_ledger
from ruralcouncil.ledger.users import Role, User
from ruralcouncil.ledger.verify import verify


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
    tamper(ledger.path, "UPDATE transactions SET description = 'changed' WHERE type = 'payment'")
    with pytest.raises(LedgerUnavailable, match="failed its check") as refused:
        backup_ledger(ledger, stick)
    assert "changed after it was posted" in str(refused.value)
    assert list(stick.iterdir()) == []


# --- what killed backups leave behind ----------------------------------------------------


def test_abandoned_partial_files_are_removed_by_the_next_backup(
    ledger: Ledger, stick: Path
) -> None:
    """A backup killed midway leaves a hidden ``.NAME.partial``; the next backup into that
    folder removes it, but never one that a running copy of the program is still writing
    (it holds a lock on it), nor anything else."""
    stale = stick / ".village-20250101-000000-e9-abc.ruralcouncil.partial"
    stale_manifest = stick / ".village-20250101-000000-e9-abc.ruralcouncil.json.partial"
    live = stick / ".being-written.ruralcouncil.partial"
    others = [stick / ".notes.partial", stick / "x.ruralcouncil.partial", stick / "keep.txt"]
    for path in (stale, stale_manifest, live, *others):
        path.write_bytes(b"half a ledger")
    fd = os.open(live, os.O_RDWR)
    try:
        assert lock.try_lock(fd)  # what another copy of the program, still writing, holds
        result = backup_ledger(ledger, stick)
        assert not stale.exists() and not stale_manifest.exists()
        assert live.read_bytes() == b"half a ledger"
        assert all(p.read_bytes() == b"half a ledger" for p in others)
        lock.unlock(fd)
    finally:
        os.close(fd)
    assert sorted(p.name for p in stick.iterdir()) == sorted(
        [result.path.name, result.manifest.name, live.name, *(p.name for p in others)]
    )
    # Once nobody holds it, the next run cleans it up too.
    backup_ledger(ledger, stick / "second.ruralcouncil")
    assert not live.exists()


def test_clean_partials_of_a_missing_folder_is_a_no_op(tmp_path: Path) -> None:
    assert clean_partials(tmp_path / "unplugged") == []


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

    result = restore_ledger(ledger, admin, saved.path, PASSWORD)

    conn = ledger.conn
    assert conn.execute("SELECT 1 FROM transactions WHERE number = ?", (late,)).fetchone() is None
    assert (result.entries_before, result.entries_after) == (entries_before, saved.entries)
    result_check = verify(conn, anchor=(saved.entries, saved.head))
    assert result_check.ok, result_check.problems
    assert str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    # The restore is recorded, after the backup's own entries, by the restorer, who logged in
    # to the restored ledger (their login chained with it).
    assert commits_since(conn, saved.entries) == [(admin.id, ["event:login", "event:restore"])]
    last = audit.recent(ledger, 1)[0]
    assert (last.user, last.event) == (ADMIN, "restore")
    assert saved.path.name in last.detail and result.kept_aside is not None
    assert result.kept_aside.name in last.detail
    assert result.user is not None and result.user.name == ADMIN
    # The ledger as it was is kept aside, late entry and all.
    assert _aside_files(ledger) == [result.kept_aside]
    aside = open_ledger(result.kept_aside, write=False)
    try:
        assert aside.conn.execute(
            "SELECT description FROM transactions WHERE number = ?", (late,)
        ).fetchone() == ("after backup",)
        assert chain.head(aside.conn)[0] == entries_before
        assert verify(aside.conn).ok
    finally:
        aside.close()
    # The restored ledger keeps working under the same lock, numbering on from the backup.
    assert receipt(ledger, result.user, "2025-03-02", 1_000_00, "FINES") == late
    assert verify(ledger.conn).ok


def test_restore_warns_when_the_backup_holds_fewer_entries(
    ledger: Ledger, saved: BackupResult
) -> None:
    admin = admin_of(ledger)
    receipt(ledger, admin, "2025-03-01", 77_000_00, "FINES")
    before = chain.head(ledger.conn)[0]
    result = restore_ledger(ledger, admin, saved.path, PASSWORD)
    assert result.warning is not None
    assert str(saved.entries) in result.warning
    assert str(before) in result.warning


def test_restore_of_an_equal_backup_has_no_warning(ledger: Ledger, saved: BackupResult) -> None:
    result = restore_ledger(ledger, admin_of(ledger), saved.path, PASSWORD)
    assert result.warning is None
    assert result.entries_before == result.entries_after == saved.entries


def test_restore_reports_progress(ledger: Ledger, saved: BackupResult) -> None:
    calls: list[tuple[int, int]] = []
    restore_ledger(
        ledger, admin_of(ledger), saved.path, PASSWORD, lambda d, t: calls.append((d, t))
    )
    assert calls and calls[-1][0] == calls[-1][1]


def _refused(
    ledger: Ledger,
    user: User,
    source: Path,
    error: type[Exception],
    match: str,
    password: str = PASSWORD,
    **options: bool,
) -> None:
    """A refused restore leaves the ledger exactly as it was, nothing kept aside, and the
    administrator still able to log in."""
    before = state(ledger.conn)
    with pytest.raises(error, match=match):
        restore_ledger(ledger, user, source, password, **options)
    assert state(ledger.conn) == before
    assert _aside_files(ledger) == []
    assert not ledger.conn.in_transaction
    assert users.login(ledger, ADMIN, PASSWORD).role == Role.ADMIN
    assert state(ledger.conn) == before
    assert verify(ledger.conn).ok


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
    tamper(
        saved.path,
        "UPDATE transactions SET description = 'paid to my cousin' WHERE id = ("
        "SELECT min(id) FROM transactions WHERE type = 'payment')",
    )
    _refused(ledger, admin_of(ledger), saved.path, LedgerUnavailable, "does not pass")


def test_restore_refuses_a_backup_with_a_forged_administrator(
    ledger: Ledger, saved: BackupResult
) -> None:
    """A clerk made administrator in the backup, hash recomputed: the signature over it fails,
    so the backup does not verify."""
    admin = admin_of(ledger)
    users.add_user(ledger, admin, "clerk", "clerk", "clerk-password-1")
    forged_source = backup_ledger(ledger, saved.path.parent / "with-clerk.ruralcouncil").path
    seq, payload = ledger.conn.execute(
        "SELECT seq, payload FROM chain WHERE kind = 'user' AND record = '2'"
    ).fetchone()
    envelope = json.loads(payload)
    envelope["content"]["role"] = "admin"
    forged = chain.canonical(envelope)
    tamper(
        forged_source,
        "UPDATE users SET role = 'admin' WHERE name = 'clerk'",
        f"UPDATE chain SET payload = '{forged}', hash = '{chain.digest(forged)}' WHERE seq = {seq}",
    )
    _refused(ledger, admin, forged_source, LedgerUnavailable, "does not pass")


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
        before = state(reader.conn)
        with pytest.raises(LedgerUnavailable, match="read-only"):
            restore_ledger(reader, admin_of(ledger), saved.path, PASSWORD)
        assert state(reader.conn) == before
    finally:
        reader.close()
    assert _aside_files(ledger) == []


# --- restores that would lock the administrators out ------------------------------------


def test_restore_refuses_an_empty_ledger(ledger: Ledger, tmp_path: Path) -> None:
    """A ledger file with no users and no entries verifies (nothing in it contradicts
    anything), but nobody could ever log in to it again."""
    empty = create_ledger_file(tmp_path / "empty.ruralcouncil")
    empty.close()
    with closing(sqlite3.connect(empty.path)) as conn:
        checked = verify(conn)
    assert checked.ok and checked.entries == 0
    for other_village in (False, True):
        _refused(
            ledger,
            admin_of(ledger),
            empty.path,
            LedgerUnavailable,
            "no active administrator",
            other_village=other_village,
        )


def test_restore_refuses_a_backup_whose_administrators_are_all_disabled(
    ledger: Ledger, stick: Path, tmp_path: Path
) -> None:
    """The program never disables the last administrator, but a backup may still come without
    one (signed by an administrator who did it by hand): it verifies, and would lock
    everyone out."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = fresh_ledger(elsewhere)  # the same ledger, as another PC has it
    try:
        admin = admin_of(copy)
        with copy.write(admin) as commit:
            commit.conn.execute("UPDATE users SET active = 0 WHERE id = ?", (admin.id,))
            commit.append("user", str(admin.id))
            commit.event("user.disable", ADMIN)
        assert verify(copy.conn).ok
        locked_out = backup_ledger(copy, stick)
    finally:
        copy.close()
    _refused(ledger, admin_of(ledger), locked_out.path, LedgerUnavailable, "no active admin")


def test_restore_refuses_a_restorer_who_is_not_an_administrator_there(
    ledger: Ledger, saved: BackupResult
) -> None:
    """Added after the backup was made (or only a clerk then): after the restore they could
    not log in as administrator, so they may not restore it."""
    admin = admin_of(ledger)
    users.add_user(ledger, admin, "admin2", "admin", "second-admin-pass")
    second = users.login(ledger, "admin2", "second-admin-pass")
    _refused(
        ledger,
        second,
        saved.path,
        AuthenticationFailed,
        "as an administrator",
        password="second-admin-pass",
    )


def test_restore_refuses_a_password_the_backup_does_not_know(
    ledger: Ledger, saved: BackupResult
) -> None:
    """The administrator changed their password after the backup: the restore needs the
    password that opens their key in the backup, the one they will log in with after it."""
    admin = admin_of(ledger)
    users.change_own_password(ledger, admin, PASSWORD, "changed-since-pass")
    before = state(ledger.conn)
    with pytest.raises(AuthenticationFailed, match="as an administrator"):
        restore_ledger(ledger, admin, saved.path, "changed-since-pass")
    assert state(ledger.conn) == before and _aside_files(ledger) == []
    assert users.login(ledger, ADMIN, "changed-since-pass").role == Role.ADMIN
    # With the backup's password it is restored, and that is the password from then on.
    result = restore_ledger(ledger, admin, saved.path, PASSWORD)
    assert result.user is not None
    assert users.login(ledger, ADMIN, PASSWORD).role == Role.ADMIN
    receipt(ledger, result.user, "2025-03-02", 1_000_00, "FINES")
    assert verify(ledger.conn).ok


def test_restore_of_another_villages_ledger_needs_confirming(
    ledger: Ledger, stick: Path, tmp_path: Path
) -> None:
    other = init_ledger(
        tmp_path / "other.ruralcouncil", village="Басқа ауыл", admin=ADMIN, password=PASSWORD
    )
    try:
        foreign = backup_ledger(other, stick)
        foreign_first = chain.first_hash(other.conn)
    finally:
        other.close()
    admin = admin_of(ledger)
    _refused(ledger, admin, foreign.path, InvalidInput, "another ledger")
    with pytest.raises(InvalidInput, match="--other-village"):
        restore_ledger(ledger, admin, foreign.path, PASSWORD)

    own = chain.first_hash(ledger.conn)
    result = restore_ledger(ledger, admin, foreign.path, PASSWORD, other_village=True)
    assert settings.village_name(ledger.conn) == "Басқа ауыл"
    assert chain.first_hash(ledger.conn) == foreign_first != own
    assert result.kept_aside is not None and result.kept_aside.exists()
    # The restorer works on in the other ledger with their key there, not the old one.
    assert result.user is not None
    receipt(ledger, result.user, "2025-03-02", 1_000_00, "FINES")
    assert verify(ledger.conn).ok
