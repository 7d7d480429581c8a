"""The audit log: logins, failures and every write with its user; append-only, chained; and
no password ever in clear anywhere in the ledger's files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    day,
    drop_append_only,
    english,
    fresh_ledger,
    payment,
    raw,
    receipt,
)

from ruralcouncil.ledger import audit, catalog, chain, journal, settings, users
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.verify import verify


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    ledger = fresh_ledger(tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()


def last(ledger: Ledger) -> audit.AuditEvent:
    return audit.recent(ledger, 1)[0]


def test_every_write_and_login_is_audited_with_its_user(book: Ledger) -> None:
    admin = admin_of(book)
    users.login(book, ADMIN, PASSWORD)
    assert (last(book).user, last(book).event) == (ADMIN, "login")

    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "not-the-password")
    assert (last(book).user, last(book).event) == (ADMIN, "login.failed")
    with pytest.raises(AuthenticationFailed):
        users.login(book, "stranger", "not-the-password")
    assert (last(book).user, last(book).event) == ("stranger", "login.failed")

    clerk = users.add_user(book, admin, "clerk", "clerk", "clerk-password-1")
    assert (last(book).user, last(book).event) == (ADMIN, "user.add")
    assert "clerk" in last(book).detail and "role=clerk" in last(book).detail

    first = receipt(book, clerk, "2024-02-01", 1_000_00)
    assert (last(book).user, last(book).event) == ("clerk", "entry.record")
    assert last(book).detail.startswith(f"{first} receipt 100000 2024-02-01")

    spent = payment(book, clerk, "2024-02-02", 100_00)
    undo = journal.reverse(book, clerk, spent, "typo", day("2024-02-03"))
    assert (last(book).user, last(book).event) == ("clerk", "entry.reverse")
    assert last(book).detail == f"{undo} reverses {spent}: typo"

    journal.close_year(book, admin, 2024)
    assert (last(book).user, last(book).event, last(book).detail) == (ADMIN, "year.close", "2024")

    users.reset_password(book, admin, "clerk", "clerk-password-2")
    assert (last(book).user, last(book).event, last(book).detail) == (
        ADMIN,
        "user.reset_password",
        "clerk",
    )

    users.set_role(book, admin, "clerk", "member")
    assert (last(book).user, last(book).event) == (ADMIN, "user.set_role")
    users.set_active(book, admin, "clerk", False)
    assert (last(book).user, last(book).event) == (ADMIN, "user.disable")
    settings.change(book, admin, settings.VILLAGE_NAME, "Қарасу")
    assert (last(book).user, last(book).event) == (ADMIN, "setting.change")
    catalog.add_fund(book, admin, "WELL", restricted=True, name_en="Well")
    assert (last(book).user, last(book).event) == (ADMIN, "fund.add")
    catalog.add_code(book, admin, "BRIDGE", "expenditure", name_en="Bridge")
    assert (last(book).user, last(book).event) == (ADMIN, "code.add")

    events = [e.event for e in reversed(audit.recent(book))]
    assert events[0] == "ledger.create"
    assert verify(book.conn).ok


def test_recent_pages_newest_first(book: Ledger) -> None:
    for n in range(5):
        audit.record_alone(book, ADMIN, "test.event", str(n))
    page = audit.recent(book, 3)
    assert [e.detail for e in page] == ["4", "3", "2"]
    older = audit.recent(book, 3, before=page[-1].seq)
    assert [e.detail for e in older][:2] == ["1", "0"]
    seqs = [e.seq for e in audit.recent(book)]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)


def test_audit_log_is_append_only(book: Ledger) -> None:
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    for conn in (book.conn, raw(book.path)):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log")
    assert verify(book.conn).ok


def test_audit_log_is_chained(book: Ledger) -> None:
    rows = book.conn.execute(
        "SELECT seq, at, user, event, detail, hash FROM audit_log ORDER BY seq"
    ).fetchall()
    prev = chain.GENESIS
    for seq, at, user, event, detail, stored in rows:
        assert stored == chain.digest(chain.audit_payload(seq, at, user, event, detail, prev))
        prev = stored


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET detail = 'Another village' WHERE event = 'ledger.create'",
        "UPDATE audit_log SET user = 'clerk' WHERE event = 'entry.record'",
        "UPDATE audit_log SET at = '2020-01-01T00:00:00+05:00' WHERE seq = 2",
        "UPDATE audit_log SET event = 'login' WHERE event = 'entry.record'",
        "DELETE FROM audit_log WHERE event = 'login.failed'",
        "INSERT INTO audit_log (seq, at, user, event, detail, hash)"
        " VALUES (1000, 'x', 'x', 'x', '', 'abc')",
    ],
)
def test_tampered_audit_log_fails_verify(book: Ledger, sql: str) -> None:
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "not-the-password")
    receipt(book, admin_of(book), "2024-02-02", 1_000_00)
    assert verify(book.conn).ok
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        db.execute(sql)
    assert not verify(book.conn).ok


def test_passwords_never_in_clear(tmp_path: Path) -> None:
    """Grep the raw bytes of the ledger, its WAL and its lock file for every password used."""
    path = tmp_path / "village.ruralcouncil"
    secrets_used = [
        "first-admin-secret",
        "clerk-secret-pass",
        "reset-secret-pass",
        "changed-secret-pass",
        "typo-secret-guess",
        "Құпия-сөз-жиырма",
    ]
    ledger = init_ledger(path, village="Қарасу", admin="akim", password=secrets_used[0])
    try:
        admin = users.login(ledger, "akim", secrets_used[0])
        users.add_user(ledger, admin, "clerk", "clerk", secrets_used[1])
        users.reset_password(ledger, admin, "clerk", secrets_used[2])
        clerk = users.login(ledger, "clerk", secrets_used[2])
        users.change_own_password(ledger, clerk, secrets_used[2], secrets_used[3])
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, "clerk", secrets_used[4])
        users.add_user(ledger, admin, "member", "member", secrets_used[5])
        files = [p for p in tmp_path.iterdir() if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files)
        _assert_absent(files, secrets_used)
    finally:
        ledger.close()
    _assert_absent([p for p in tmp_path.iterdir() if p.is_file()], secrets_used)


def _assert_absent(files: list[Path], secrets_used: list[str]) -> None:
    for file in files:
        data = file.read_bytes()
        for secret in secrets_used:
            for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert encoded not in data, f"{secret!r} found in {file.name}"
