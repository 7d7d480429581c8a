"""The audit log: logins, failures and every write with its user, as chain entries (events),
each write signed by its author; a read or a refused action appends nothing; a failed login
is the only unsigned record and never keeps the text typed; no password ever in clear
anywhere in the ledger's files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    commits_since,
    day,
    english,
    entry,
    fresh_ledger,
    payment,
    raw,
    receipt,
    state,
    tamper,
)

from ruralcouncil.ledger import (
    audit,
    backup,
    catalog,
    chain,
    importer,
    journal,
    queries,
    settings,
    users,
)
from ruralcouncil.ledger.errors import (
    AuthenticationFailed,
    ClosedYear,
    InvalidInput,
    Overdraft,
    PermissionDenied,
)
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary

FIXTURES = Path(__file__).parent / "fixtures"
CLERK_PASSWORD = "clerk-password-1"
T = TypeVar("T")


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    ledger = fresh_ledger(tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()


def _last_event_id(ledger: Ledger) -> int:
    return int(ledger.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def appended(
    ledger: Ledger, author: int | None, action: Callable[..., T], *args: object, **kw: object
) -> tuple[T, list[tuple[str, str, str]]]:
    """Run ``action(*args, **kw)``; return its result and the events it appended, oldest first,
    as the audit log shows them, after checking that everything it chained is one commit
    signed by ``author`` (None: entries no signature covers, which only a failed login may be).
    """
    seq, since = chain.head(ledger.conn)[0], _last_event_id(ledger)
    result = action(*args, **kw)
    commits = commits_since(ledger.conn, seq)
    if author is None:
        assert all(who is None for who, _kinds in commits), commits
    else:
        assert [who for who, _kinds in commits] == [author], commits
    events = [
        (e.user, e.event, e.detail)
        for e in reversed(audit.recent(ledger, 50))
        if e.chained and e.seq > since
    ]
    return result, events


def _refused_login(ledger: Ledger, name: str, password: str) -> None:
    with pytest.raises(AuthenticationFailed):
        users.login(ledger, name, password)


# --- what each write and login appends ---------------------------------------------------


def test_every_write_and_login_is_audited_with_its_user(book: Ledger, tmp_path: Path) -> None:
    before = state(book.conn)
    admin = users.login(book, ADMIN, PASSWORD)
    assert state(book.conn) == before  # a login alone writes nothing

    _, events = appended(book, None, _refused_login, book, ADMIN, "not-the-password")
    assert events == [(ADMIN, "login.failed", "")]
    _, events = appended(book, None, _refused_login, book, "stranger", "not-the-password")
    assert events == [(audit.UNKNOWN_USER, "login.failed", "")]

    # The session's login is chained with its first write, in the same signed commit.
    _, events = appended(
        book, admin.id, users.add_user, book, admin, "clerk", "clerk", CLERK_PASSWORD
    )
    assert events == [(ADMIN, "login", ""), (ADMIN, "user.add", "clerk role=clerk")]

    clerk = users.login(book, "clerk", CLERK_PASSWORD)
    got, events = appended(book, clerk.id, receipt, book, clerk, "2024-02-01", 1_000_00)
    assert events == [
        ("clerk", "login", ""),
        ("clerk", "entry.record", f"{got} receipt 100000 2024-02-01"),
    ]
    spent, events = appended(book, clerk.id, payment, book, clerk, "2024-02-02", 100_00)
    assert events == [("clerk", "entry.record", f"{spent} payment 10000 2024-02-02")]
    undo, events = appended(
        book, clerk.id, journal.reverse, book, clerk, spent, "typo", day("2024-02-03")
    )
    assert events == [("clerk", "entry.reverse", f"{undo} reverses {spent}: typo")]
    csv = tmp_path / "march.csv"
    csv.write_text("date,type,amount,category\n2024-03-01,receipt,5,FINES\n", encoding="utf-8")
    _, events = appended(book, clerk.id, importer.import_transactions, book, clerk, csv)
    assert events == [("clerk", "import", "march.csv 1 rows")]

    _, events = appended(book, admin.id, journal.close_year, book, admin, 2024)
    assert events == [(ADMIN, "year.close", "2024")]
    _, events = appended(
        book, admin.id, users.reset_password, book, admin, "clerk", "clerk-password-2"
    )
    assert events == [(ADMIN, "user.reset_password", "clerk")]

    clerk = users.login(book, "clerk", "clerk-password-2")
    _, events = appended(
        book,
        clerk.id,
        users.change_own_password,
        book,
        clerk,
        "clerk-password-2",
        "clerk-password-3",
    )
    assert events == [("clerk", "login", ""), ("clerk", "user.change_password", "")]

    _, events = appended(book, admin.id, users.set_role, book, admin, "clerk", "member")
    assert events == [(ADMIN, "user.set_role", "clerk role=member")]
    _, events = appended(book, admin.id, users.set_active, book, admin, "clerk", False)
    assert events == [(ADMIN, "user.disable", "clerk")]
    _, events = appended(book, admin.id, users.set_active, book, admin, "clerk", True)
    assert events == [(ADMIN, "user.enable", "clerk")]
    _, events = appended(
        book, admin.id, settings.change, book, admin, settings.VILLAGE_NAME, "Қарасу"
    )
    assert events == [(ADMIN, "setting.change", "village_name=Қарасу")]
    _, events = appended(
        book, admin.id, catalog.add_fund, book, admin, "WELL", restricted=True, name_en="Well"
    )
    assert events == [(ADMIN, "fund.add", "WELL restricted=1")]
    _, events = appended(
        book, admin.id, catalog.add_category, book, admin, "BRIDGE", "expenditure", name_en="Bridge"
    )
    assert events == [(ADMIN, "code.add", "BRIDGE expenditure")]

    events_in_order = [e.event for e in reversed(audit.recent(book))]
    assert events_in_order[0] == "ledger.create"
    result = verify(book.conn)
    assert result.ok, result.problems
    signatures = book.conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
    assert result.signed_commits == signatures == 15  # the ledger's creation and 14 writes


def test_the_login_is_chained_with_the_first_write_only(book: Ledger) -> None:
    admin = users.login(book, ADMIN, PASSWORD)
    assert admin.signer is not None
    logged_in = admin.signer.pending_login
    assert logged_in is not None
    start = chain.head(book.conn)[0]
    catalog.add_fund(book, admin, "WELL", restricted=True, name_en="Well")
    receipt(book, admin, "2024-01-10", 100_00)
    assert commits_since(book.conn, start) == [
        (admin.id, ["event:login", "fund", "event:fund.add"]),
        (admin.id, ["transaction", "event:entry.record"]),
    ]
    assert admin.signer.pending_login is None
    # The login event carries the moment of the login, not of the write.
    at, user_id = book.conn.execute(
        "SELECT at, user_id FROM events WHERE event = 'login'"
    ).fetchone()
    assert (at, user_id) == (logged_in, admin.id)
    # A second login is a second session: chained again with its own first write.
    again = users.login(book, ADMIN, PASSWORD)
    start = chain.head(book.conn)[0]
    receipt(book, again, "2024-01-11", 100_00)
    assert commits_since(book.conn, start) == [
        (admin.id, ["event:login", "transaction", "event:entry.record"])
    ]
    assert verify(book.conn).ok


def test_a_read_or_a_refused_action_appends_nothing(book: Ledger, tmp_path: Path) -> None:
    admin = users.login(book, ADMIN, PASSWORD)
    assert admin.signer is not None
    before = state(book.conn)

    # Reads.
    queries.count(book.conn, queries.EntryFilter())
    year_summary(book.conn, 2024)
    assert verify(book.conn).ok
    audit.recent(book)
    users.list_users(book)
    assert users.check_credentials(book, ADMIN, PASSWORD) == users.Role.ADMIN
    backup.backup_ledger(book, tmp_path / "copy.ruralcouncil")
    assert state(book.conn) == before

    # Refusals, by the logged-in administrator and by a member.
    refusals: list[tuple[Callable[[], object], type[Exception]]] = [
        (
            lambda: journal.record(book, admin, entry("2024-01-02", "payment", 1, "ROADS")),
            Overdraft,
        ),
        (
            lambda: journal.record(book, admin, entry("2024-01-02", "receipt", 1, "NOPE")),
            InvalidInput,
        ),
        (lambda: journal.reverse(book, admin, 1, "no such entry"), InvalidInput),
        (lambda: journal.close_year(book, admin, 9999), InvalidInput),
        (
            lambda: catalog.add_fund(book, admin, "GENERAL", restricted=True, name_en="x"),
            InvalidInput,
        ),
        (lambda: settings.change(book, admin, settings.VILLAGE_NAME, " "), InvalidInput),
        (lambda: users.add_user(book, admin, "x", "clerk", CLERK_PASSWORD), InvalidInput),
        (lambda: users.set_active(book, admin, ADMIN, False), InvalidInput),
        (
            lambda: users.change_own_password(book, admin, "wrong-old-pass", "brand-new-pass"),
            AuthenticationFailed,
        ),
    ]
    for action, error in refusals:
        with pytest.raises(error):
            action()
        assert state(book.conn) == before, action
    assert admin.signer.pending_login is not None  # still waiting for a write

    journal.close_year(book, admin, 2023)
    with pytest.raises(ClosedYear):
        receipt(book, admin, "2023-05-05", 1)
    member = users.add_user(book, admin, "member", "member", CLERK_PASSWORD)
    member = users.login(book, member.name, CLERK_PASSWORD)
    before = state(book.conn)
    with pytest.raises(PermissionDenied):
        receipt(book, member, "2024-05-05", 1)
    assert state(book.conn) == before
    assert verify(book.conn).ok


# --- failed logins -----------------------------------------------------------------------


def test_a_failed_login_is_the_only_unsigned_record(book: Ledger) -> None:
    admin = admin_of(book)
    receipt(book, admin, "2024-02-01", 1_000_00)
    for name in (ADMIN, "Admin", "stranger"):
        with pytest.raises(AuthenticationFailed):
            users.login(book, name, "not-the-password")
    receipt(book, admin, "2024-02-02", 1_000_00)

    unsigned = book.conn.execute(
        "SELECT c.seq, c.kind, e.event, e.user_id FROM chain c"
        " JOIN events e ON c.kind = 'event' AND c.record = CAST(e.id AS TEXT)"
        " WHERE c.author IS NULL ORDER BY c.seq"
    ).fetchall()
    # A name typed in another case is that user's; an unknown name is no one's.
    assert [(kind, event, who) for _s, kind, event, who in unsigned] == [
        ("event", "login.failed", admin.id),
        ("event", "login.failed", admin.id),
        ("event", "login.failed", None),
    ]
    assert book.conn.execute("SELECT count(*) FROM chain WHERE author IS NULL").fetchone()[0] == 3
    signed_at = {r[0] for r in book.conn.execute("SELECT seq FROM signatures")}
    assert not signed_at & {seq for seq, *_rest in unsigned}
    result = verify(book.conn)
    assert result.ok, result.problems


def test_a_password_typed_as_the_name_is_never_stored(book: Ledger) -> None:
    typed = "Typed-Into-The-Name-Field-42"
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    with pytest.raises(AuthenticationFailed):
        users.login(book, typed, PASSWORD)
    row = book.conn.execute(
        "SELECT user_id, event, detail FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert tuple(row) == (None, "login.failed", "")
    assert audit.recent(book, 1)[0].user == audit.UNKNOWN_USER
    dump = "\n".join(book.conn.iterdump())
    assert typed not in dump and typed.lower() not in dump
    files = [p for p in book.path.parent.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    _assert_absent(files, [typed])
    assert verify(book.conn).ok


# --- the log itself ----------------------------------------------------------------------


def test_recent_pages_newest_first(book: Ledger) -> None:
    admin = admin_of(book)
    for n in range(5):
        with book.write(admin) as commit:
            commit.event("fund.add", str(n))
    page = audit.recent(book, 3)
    assert [e.detail for e in page] == ["4", "3", "2"]
    older = audit.recent(book, 3, before=page[-1])
    assert [e.detail for e in older] == ["1", "0", "Test village"]
    assert older[-1].event == "ledger.create"
    assert audit.recent(book, 3, before=older[-1]) == []
    seqs = [e.seq for e in audit.recent(book)]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs) == 6


def test_recent_pages_across_the_version_1_log(tmp_path: Path) -> None:
    fixture = FIXTURES / "ledger-v1.ruralcouncil"
    facts = json.loads((FIXTURES / "ledger-v1.json").read_text(encoding="utf-8"))
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    ledger = open_ledger(path)
    try:
        users.login(ledger, "admin", facts["passwords"]["admin"])  # upgrades the ledger
        everything = audit.recent(ledger, 1000)
        chained = [e for e in everything if e.chained]
        assert [e.event for e in chained] == ["ledger.upgrade", "login"]
        assert len(everything) - len(chained) == facts["audit_entries"]
        assert everything[: len(chained)] == chained  # events first, then the old log
        pages: list[audit.AuditEvent] = []
        last: audit.AuditEvent | None = None
        while page := audit.recent(ledger, 4, before=last):
            pages += page
            last = page[-1]
        assert pages == everything
        old = [e.seq for e in everything if not e.chained]
        assert old == sorted(old, reverse=True) and len(set(old)) == len(old)
    finally:
        ledger.close()


def test_events_and_signatures_are_append_only(book: Ledger) -> None:
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    for conn in (book.conn, raw(book.path)):
        for sql in (
            "UPDATE events SET detail = 'x' WHERE id = 1",
            "DELETE FROM events WHERE id = 1",
            "DELETE FROM events",
            "UPDATE signatures SET signature = 'x'",
            "DELETE FROM signatures",
            "UPDATE chain SET author = NULL",
            "DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain)",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        # The version-1 audit log is closed: events go to the chain.
        with pytest.raises(sqlite3.IntegrityError, match="closed"):
            conn.execute(
                "INSERT INTO audit_log (seq, at, user, event, detail, hash)"
                " VALUES (1, 'x', 'x', 'x', '', 'abc')"
            )
    assert verify(book.conn).ok


def test_events_are_chained(book: Ledger) -> None:
    admin = users.login(book, ADMIN, PASSWORD)
    receipt(book, admin, "2024-02-01", 1_000_00)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "stranger", PASSWORD)
    cursor = book.conn.execute("SELECT id, at, user_id, event, detail FROM events ORDER BY id")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    assert [r["event"] for r in rows] == ["ledger.create", "login", "entry.record", "login.failed"]
    for row in rows:
        seq, author, payload, stored = book.conn.execute(
            "SELECT seq, author, payload, hash FROM chain WHERE kind = 'event' AND record = ?",
            (str(row["id"]),),
        ).fetchone()
        assert stored == chain.digest(payload)
        envelope = json.loads(payload)
        assert (envelope["v"], envelope["seq"], envelope["kind"]) == (2, seq, "event")
        assert envelope["content"] == row
        assert author == envelope["author"] == (None if row["event"] == "login.failed" else 1)


def _after_a_failed_login(book: Ledger) -> None:
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    with pytest.raises(AuthenticationFailed):
        users.login(book, "stranger", "not-the-password")
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "not-the-password")
    receipt(book, admin_of(book), "2024-02-02", 1_000_00)


_FAILED = "(SELECT CAST(id AS TEXT) FROM events WHERE event = 'login.failed')"


@pytest.mark.parametrize(
    "sql",
    [
        ["UPDATE events SET detail = 'Another village' WHERE event = 'ledger.create'"],
        ["UPDATE events SET user_id = NULL WHERE event = 'entry.record'"],
        ["UPDATE events SET at = '2020-01-01T00:00:00+05:00' WHERE id = 2"],
        ["UPDATE events SET event = 'login' WHERE event = 'entry.record'"],
        # Who failed to log in, rewritten: hidden, or blamed on someone else.
        ["UPDATE events SET user_id = NULL WHERE event = 'login.failed'"],
        ["UPDATE events SET user_id = 1 WHERE event = 'login.failed' AND user_id IS NULL"],
        ["DELETE FROM events WHERE event = 'login.failed'"],
        [
            f"DELETE FROM chain WHERE kind = 'event' AND record IN {_FAILED}",
            "DELETE FROM events WHERE event = 'login.failed'",
        ],
        ["INSERT INTO events (at, user_id, event, detail) VALUES ('2024-01-01', 1, 'login', '')"],
        [
            "INSERT INTO audit_log (seq, at, user, event, detail, hash)"
            " VALUES (1000, 'x', 'x', 'x', '', 'abc')"
        ],
        ["DELETE FROM signatures WHERE seq = (SELECT max(seq) FROM signatures)"],
        ["UPDATE chain SET author = NULL WHERE seq = (SELECT max(seq) FROM chain)"],
    ],
    ids=[
        "detail",
        "user",
        "time",
        "event",
        "failed-login-hidden",
        "failed-login-blamed",
        "failed-login-row-deleted",
        "failed-login-deleted-everywhere",
        "event-added",
        "version-1-line-added",
        "signature-deleted",
        "author-removed",
    ],
)
def test_tampered_events_fail_verify(book: Ledger, sql: list[str]) -> None:
    _after_a_failed_login(book)
    assert verify(book.conn).ok
    tamper(book.path, *sql)
    result = verify(book.conn)
    assert not result.ok
    # The edit itself was found, not the triggers dropped to make it (they were put back).
    assert not any("schema" in problem for problem in result.problems), result.problems


def test_a_failed_login_cut_from_the_tail_is_caught_by_the_anchor(book: Ledger) -> None:
    receipt(book, admin_of(book), "2024-02-01", 1_000_00)
    with pytest.raises(AuthenticationFailed):
        users.login(book, ADMIN, "not-the-password")
    anchor = chain.head(book.conn)
    assert verify(book.conn, anchor=anchor).ok
    tamper(
        book.path,
        f"DELETE FROM chain WHERE kind = 'event' AND record IN {_FAILED}",
        "DELETE FROM events WHERE event = 'login.failed'",
    )
    result = verify(book.conn, anchor=anchor)
    assert not result.ok
    assert any("entries were removed" in p for p in result.problems), result.problems


# --- no password in clear ----------------------------------------------------------------


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
        "typed-as-the-name",
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
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, secrets_used[6], secrets_used[0])
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


# --- filtered, paged reads and the CSV export (issue 6) ----------------------------------


def _events_at(book: Ledger, admin: users.User, rows: list[tuple[str, str, str]]) -> None:
    """Events by ``admin`` with the moments given (the clock is not ours to set)."""
    for at, name, detail in rows:
        with book.write(admin) as commit:
            commit.event(name, detail, at=at)


@pytest.fixture
def logged(book: Ledger) -> Ledger:
    """Three users' events over three days, and failed logins under known and unknown names."""
    admin = admin_of(book)
    users.add_user(book, admin, "clerk", "clerk", CLERK_PASSWORD)
    clerk = users.login(book, "clerk", CLERK_PASSWORD)
    _events_at(
        book,
        admin,
        [
            ("2025-03-01T09:00:00+05:00", "fund.add", "A"),
            ("2025-03-02T23:59:59+05:00", "code.add", "B"),
            ("2025-03-03T00:00:00+05:00", "fund.add", "C"),
        ],
    )
    _events_at(book, clerk, [("2025-03-02T10:00:00+05:00", "entry.record", "D")])
    for name in ("clerk", "stranger", "stranger"):
        with pytest.raises(AuthenticationFailed):
            users.login(book, name, "not-the-password")
    return book


def _details(found: list[audit.AuditEvent]) -> list[str]:
    return [e.detail for e in found]


def test_the_log_is_filtered_by_user_event_and_days(logged: Ledger) -> None:
    conn = logged.conn
    page = audit.page
    by_clerk = page(conn, audit.AuditFilter(user="clerk"))
    assert [(e.event, e.detail) for e in by_clerk] == [
        ("login.failed", ""),
        ("entry.record", "D"),
        ("login", ""),
    ]
    unknown = page(conn, audit.AuditFilter(user=audit.UNKNOWN_USER))
    assert [(e.user, e.event) for e in unknown] == [("?", "login.failed")] * 2
    assert _details(page(conn, audit.AuditFilter(event="fund.add"))) == ["C", "A"]
    # Whole local days, both ends included: 23:59:59 is still the 2nd, 00:00:00 the 3rd.
    day2 = audit.AuditFilter(since=day("2025-03-02"), until=day("2025-03-02"))
    assert _details(page(conn, day2)) == ["D", "B"]
    from_3rd = _details(page(conn, audit.AuditFilter(since=day("2025-03-03"))))
    assert "C" in from_3rd and not {"A", "B", "D"} & set(from_3rd)
    # (The ledger itself was made today, after all of these.)
    assert _details(page(conn, audit.AuditFilter(until=day("2025-03-01")))) == ["A"]
    both = audit.AuditFilter(user=ADMIN, event="fund.add", since=day("2025-03-02"))
    assert _details(page(conn, both)) == ["C"]
    assert page(conn, audit.AuditFilter(user="nobody")) == []
    assert audit.count(conn, audit.AuditFilter(event="fund.add")) == 2
    assert audit.count(conn) == len(page(conn, limit=1000))


def test_filtered_pages_follow_each_other_without_gaps(logged: Ledger) -> None:
    admin = admin_of(logged)
    _events_at(
        logged,
        admin,
        [(f"2025-04-{d:02d}T12:00:00+05:00", "fund.add", f"x{d}") for d in range(1, 12)],
    )
    flt = audit.AuditFilter(event="fund.add")
    everything = audit.page(logged.conn, flt, 1000)
    pages: list[audit.AuditEvent] = []
    last: audit.AuditEvent | None = None
    while found := audit.page(logged.conn, flt, 4, last):
        assert len(found) <= 4
        pages += found
        last = found[-1]
    assert pages == everything and len(everything) == 13
    assert [b for batch in audit.iterate(logged.conn, flt, 5) for b in batch] == everything


def test_a_period_that_ends_before_it_starts_is_refused(logged: Ledger) -> None:
    backwards = audit.AuditFilter(since=day("2025-03-03"), until=day("2025-03-01"))
    with pytest.raises(InvalidInput, match="after its last day"):
        audit.page(logged.conn, backwards)
    with pytest.raises(InvalidInput):
        audit.export_csv(logged.conn, logged.path.parent / "x.csv", backwards)
    assert not (logged.path.parent / "x.csv").exists()


def test_a_page_is_never_larger_than_the_limit(logged: Ledger) -> None:
    assert len(audit.page(logged.conn, limit=2)) == 2
    assert len(audit.page(logged.conn, limit=0)) == 1  # at least one, never "everything"
    assert len(audit.page(logged.conn, limit=10**9)) <= audit.MAX_PAGE


def test_event_kinds_and_their_names(logged: Ledger) -> None:
    kinds = audit.event_kinds(logged.conn)
    assert {"fund.add", "entry.record", "login.failed", "year.close"} <= set(kinds)
    assert kinds == sorted(kinds)
    assert audit.describe("login.failed") == "Failed login"
    assert audit.describe("something.new") == "something.new"
    assert audit.user_names(logged.conn) == [ADMIN, "clerk"]


def test_the_filtered_log_is_exported_to_csv(logged: Ledger, tmp_path: Path) -> None:
    import csv

    admin = admin_of(logged)
    # Text a spreadsheet would run as a formula is written so that it is shown as text.
    _events_at(logged, admin, [("2025-03-04T08:00:00+05:00", "import", "=HYPERLINK(1) 2 rows")])
    target = tmp_path / "audit.csv"
    seen: list[tuple[int, int]] = []
    written = audit.export_csv(
        logged.conn, target, audit.AuditFilter(user=ADMIN), lambda d, t: seen.append((d, t))
    )
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read Cyrillic right
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(audit.CSV_COLUMNS)
    body = rows[1:]
    assert written == len(body) == audit.count(logged.conn, audit.AuditFilter(user=ADMIN))
    assert all(row[1] == ADMIN for row in body)
    assert body[0] == [
        "2025-03-04T08:00:00+05:00",
        ADMIN,
        "import",
        "Entries imported from a file",
        "'=HYPERLINK(1) 2 rows",
    ]
    assert seen[0] == (0, written) and seen[-1] == (written, written)
    assert not list(tmp_path.glob("*.part"))


def test_a_failed_export_leaves_no_file(logged: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "audit.csv"
    with pytest.raises(OSError):
        audit.export_csv(logged.conn, target)
    assert not target.exists()

    def stop(done: int, total: int) -> None:
        if done:
            raise RuntimeError("the disk went away")

    target = tmp_path / "audit.csv"
    with pytest.raises(RuntimeError):
        audit.export_csv(logged.conn, target, progress=stop)
    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_reading_and_exporting_the_log_write_nothing(logged: Ledger, tmp_path: Path) -> None:
    before = state(logged.conn)
    audit.page(logged.conn, audit.AuditFilter(user="clerk"))
    audit.count(logged.conn)
    audit.event_kinds(logged.conn)
    audit.export_csv(logged.conn, tmp_path / "a.csv")
    assert state(logged.conn) == before


def test_the_version_1_log_is_filtered_too(tmp_path: Path) -> None:
    fixture = FIXTURES / "ledger-v1.ruralcouncil"
    facts = json.loads((FIXTURES / "ledger-v1.json").read_text(encoding="utf-8"))
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    ledger = open_ledger(path)
    try:
        users.login(ledger, "admin", facts["passwords"]["admin"])  # upgrades the ledger
        old = [
            e for e in audit.page(ledger.conn, audit.AuditFilter(event="fund.add")) if not e.chained
        ]
        assert old and all(e.event == "fund.add" for e in old)
        first_day = day(old[-1].at[:10])
        same_day = audit.page(
            ledger.conn, audit.AuditFilter(since=first_day, until=first_day), 1000
        )
        assert same_day and all(e.at.startswith(first_day.isoformat()) for e in same_day)
        mine = audit.page(ledger.conn, audit.AuditFilter(user="admin"), 1000)
        assert all(e.user == "admin" for e in mine)
        assert any(not e.chained for e in mine) and any(e.chained for e in mine)
    finally:
        ledger.close()


def test_an_entry_event_is_described_in_words(logged: Ledger) -> None:
    admin = admin_of(logged)
    number = receipt(logged, admin, "2024-02-01", 1_500_00)
    undo = journal.reverse(logged, admin, number, "typed twice", day("2024-02-02"))
    reversed_, recorded = audit.recent(logged, 2)
    from ruralcouncil.i18n import format_date
    from ruralcouncil.ledger.money import format_amount

    shown = f"No. {number}: Receipt, {format_amount(1_500_00)}, {format_date(day('2024-02-01'))}"
    assert audit.describe_detail(recorded) == shown
    assert audit.describe_detail(reversed_) == f"No. {undo} reverses No. {number}: typed twice"
    other = audit.AuditEvent(1, "2025-01-01T00:00:00+05:00", ADMIN, "fund.add", "WELL restricted=1")
    assert audit.describe_detail(other) == "WELL restricted=1"
    odd = audit.AuditEvent(2, "2025-01-01T00:00:00+05:00", ADMIN, "entry.record", "not the form")
    assert audit.describe_detail(odd) == "not the form"
