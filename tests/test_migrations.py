"""Every fixture ledger of a past schema version upgrades, verifies and keeps its figures.

``tests/make_fixture.py`` builds the fixture of the current version; the fixture of each
released version stays in ``tests/fixtures`` for good, with the figures it must keep. A file
of an earlier version is upgraded when an administrator logs in: verified by its own rules,
copied aside, migrated and sealed by a signed schema entry, all in one transaction.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _helpers import english  # noqa: F401  (an autouse fixture)
from sqlite_utils import Database

from ruralcouncil.ledger import catalog, journal, queries, schema, users
from ruralcouncil.ledger.errors import AuthenticationFailed, ClosedYear, LedgerUnavailable
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEDGERS = sorted(FIXTURES.glob("ledger-v*.ruralcouncil"))
V1 = FIXTURES / "ledger-v1.ruralcouncil"


def _figures(fixture: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def _copy(fixture: Path, folder: Path) -> Path:
    copy = folder / fixture.name
    shutil.copyfile(fixture, copy)
    return copy


def test_the_current_version_has_a_fixture() -> None:
    names = {p.name for p in LEDGERS}
    assert f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil" in names
    assert V1.name in names  # a released version's fixture stays for good
    for fixture in LEDGERS:
        assert fixture.with_suffix(".json").exists()
        # Each version adds tables, and each table and index takes at least one 1 KiB page.
        assert fixture.stat().st_size < 400_000
        assert not Path(str(fixture) + "-wal").exists()


@pytest.mark.parametrize("fixture", LEDGERS, ids=[p.stem for p in LEDGERS])
def test_fixture_upgrades_and_keeps_its_figures(fixture: Path, tmp_path: Path) -> None:
    figures = _figures(fixture)
    copy = _copy(fixture, tmp_path)
    anchor = (figures["anchor"]["entries"], figures["anchor"]["head"])
    ledger = open_ledger(copy)
    try:
        conn = ledger.conn
        # The administrator's login upgrades an earlier version (and is a login otherwise).
        admin = users.login(ledger, "admin", figures["passwords"]["admin"])
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert not schema.migrations.pending(Database(conn, execute_plugins=False))
        result = verify(conn, anchor=anchor)
        assert result.ok, result.problems
        assert result.entries >= anchor[0]
        # The book accounts a new ledger starts with, signed in by the upgrade if missing.
        assert catalog.kind_of(conn, "INTERFUND") == "equity"
        assert catalog.kind_of(conn, "REFUND") == "expenditure"
        assert result.transactions == figures["transactions"]
        # The entries already there are counted by day and type (schema 6), as many as they are.
        assert queries.count(conn, queries.EntryFilter()) == figures["transactions"]
        for year, expected in figures["summaries"].items():
            summary = year_summary(conn, int(year)).as_json()
            summary.pop("chain")
            assert summary == expected, year
        assert journal.closed_years(conn) == figures["closed_years"]
        stored = dict(conn.execute("SELECT name, role FROM users").fetchall())
        assert stored == figures["users"]
        # Entry numbers count entries only, 1, 2, 3..., whatever the version.
        numbers = [r[0] for r in conn.execute("SELECT number FROM transactions ORDER BY id")]
        assert numbers == list(range(1, figures["transactions"] + 1))
        # The people get in (an account from before signed entries after an administrator
        # set its password), and the disabled one still cannot.
        for name, password in figures["passwords"].items():
            if name == "admin":
                continue
            try:
                assert users.login(ledger, name, password).name == name
            except AuthenticationFailed as refused:
                assert figures["schema_version"] < 2 and "before entries were signed" in str(
                    refused
                )
                users.reset_password(ledger, admin, name, password)
                assert users.login(ledger, name, password).name == name
        for name in figures["disabled"]:
            with pytest.raises(AuthenticationFailed):
                users.login(ledger, name, "fixture-leaver-1")
        # And the upgraded ledger takes new entries under its old rules.
        clerk = users.login(ledger, "clerk", figures["passwords"]["clerk"])
        with pytest.raises(ClosedYear):
            journal.record(
                ledger,
                clerk,
                journal.NewEntry(
                    date=date.fromisoformat(f"{figures['closed_years'][0]}-12-31"),
                    type=journal.EntryType.RECEIPT,
                    amount=1,
                    category="FINES",
                ),
            )
        number = journal.record(
            ledger,
            clerk,
            journal.NewEntry(
                date=date.fromisoformat("2025-01-05"),
                type=journal.EntryType.RECEIPT,
                amount=1,
                category="FINES",
            ),
        )
        assert number == figures["transactions"] + 1
        assert verify(conn, anchor=anchor).ok
    finally:
        ledger.close()


def test_version_1_upgrade_takes_a_backup_and_seals_it_with_a_signed_entry(
    tmp_path: Path,
) -> None:
    figures = _figures(V1)
    copy = _copy(V1, tmp_path)
    anchor = (figures["anchor"]["entries"], figures["anchor"]["head"])
    ledger = open_ledger(copy)
    try:
        assert ledger.needs_upgrade
        # Nothing is upgraded, or written at all, before an administrator logs in.
        with (
            pytest.raises(LedgerUnavailable, match="administrator must log in"),
            ledger.write(None),
        ):
            pass
        with pytest.raises(AuthenticationFailed, match="administrator must log in once"):
            users.login(ledger, "clerk", figures["passwords"]["clerk"])
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            users.login(ledger, "admin", "not-the-password")
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert not list(tmp_path.glob("*.before-upgrade"))

        users.login(ledger, "admin", figures["passwords"]["admin"])
        backups = list(tmp_path.glob(f"{copy.name}.v1-*.before-upgrade"))
        assert len(backups) == 1
        seal = ledger.conn.execute(
            "SELECT seq, author, payload FROM chain WHERE kind = 'schema'"
        ).fetchall()
        assert len(seal) == 1 and seal[0][0] == anchor[0] + 1 and seal[0][1] == 1
        content = json.loads(seal[0][2])["content"]
        assert content["from_version"] == 1
        assert content["legacy"]["entries"] == anchor[0]
        assert content["legacy"]["head"] == anchor[1]
        assert content["legacy"]["transactions"] == figures["transactions"]
        signed = ledger.conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
        assert signed == 1
        result = verify(ledger.conn, anchor=anchor)
        assert result.ok, result.problems
        assert result.legacy_entries == anchor[0]
    finally:
        ledger.close()
    # The copy taken first is the version-1 file as it was, and still verifies by its rules.
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert verify(old, anchor=anchor).ok
    old.close()
    # Opened again, nothing is pending and no second backup is taken.
    again = open_ledger(copy)
    try:
        assert not again.needs_upgrade
        users.login(again, "admin", figures["passwords"]["admin"])
    finally:
        again.close()
    assert len(list(tmp_path.glob("*.before-upgrade"))) == 1


def test_a_version_1_ledger_that_does_not_verify_is_not_upgraded(tmp_path: Path) -> None:
    figures = _figures(V1)
    copy = _copy(V1, tmp_path)
    raw = sqlite3.connect(copy, isolation_level=None)
    raw.execute("DROP TRIGGER transactions_no_update")
    raw.execute(
        "UPDATE transactions SET amount = amount + 1 WHERE id = (SELECT min(id) FROM transactions)"
    )
    raw.execute(
        "CREATE TRIGGER transactions_no_update BEFORE UPDATE ON transactions BEGIN\n"
        "                SELECT RAISE(ABORT, 'transactions is append-only: post a reversing "
        "entry instead');\n            END"
    )
    raw.close()
    ledger = open_ledger(copy, check_schema_now=False)
    try:
        before = ledger.conn.execute("SELECT count(*) FROM chain").fetchone()[0]
        with pytest.raises(LedgerUnavailable, match="does not verify"):
            users.login(ledger, "admin", figures["passwords"]["admin"])
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert ledger.conn.execute("SELECT count(*) FROM chain").fetchone()[0] == before
    finally:
        ledger.close()


def test_a_failed_upgrade_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the middle of the upgrade (here, in the signing) rolls everything back."""
    figures = _figures(V1)
    copy = _copy(V1, tmp_path)
    before = sqlite3.connect(copy).execute("SELECT count(*) FROM sqlite_master").fetchone()[0]

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("power cut")

    from ruralcouncil.ledger import keys

    monkeypatch.setattr(keys.Signer, "sign_head", broken)
    ledger = open_ledger(copy)
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            users.login(ledger, "admin", figures["passwords"]["admin"])
        conn = ledger.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == before
        assert verify(conn).ok
    finally:
        ledger.close()


def test_make_fixture_is_deterministic(tmp_path: Path) -> None:
    """The committed fixture of the current version is exactly what the script builds."""
    from make_fixture import build

    _path, figures = build(tmp_path)
    committed = FIXTURES / f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil"
    assert figures == _figures(committed)


def test_each_version_has_the_schema_its_migrations_make() -> None:
    """The fingerprints checked at every open are those of the migrations, and the fixtures
    of each version have exactly that schema."""
    for version in schema.VERSIONS:
        objects = [schema._thaw(o) for o in schema.expected(version)]
        assert schema.FINGERPRINTS[version] == schema.fingerprint(objects)
    for fixture in LEDGERS:
        version = _figures(fixture)["schema_version"]
        # Read without touching: a plain connection to a WAL file leaves -wal and -shm beside it.
        conn = sqlite3.connect(f"file:{fixture}?mode=ro&immutable=1", uri=True)
        try:
            assert schema.differences(conn, version) == []
        finally:
            conn.close()


def test_a_migrations_script_runs_statement_by_statement_inside_its_transaction() -> None:
    """``schema._script`` cuts a script at the ``;`` that end statements, not those inside
    a trigger's body, a string or a comment, and runs them in the migration's transaction:
    when the migration fails after it, none of them stays."""
    db = Database(memory=True)
    script = """
        CREATE TABLE notes (text TEXT NOT NULL) STRICT;  -- a comment; with a semicolon
        CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes BEGIN
            SELECT RAISE(ABORT, 'kept; always');
        END;
        INSERT INTO notes VALUES ('one; two'), ('three')
    """
    schema._script(db, script)
    assert [row[0] for row in db.execute("SELECT text FROM notes ORDER BY rowid")] == [
        "one; two",
        "three",
    ]
    with pytest.raises(sqlite3.IntegrityError, match="kept; always"):
        db.execute("DELETE FROM notes")

    with pytest.raises(RuntimeError), db.atomic():
        schema._script(db, "CREATE TABLE later (a TEXT); INSERT INTO notes VALUES ('four');")
        raise RuntimeError("the migration fails after its script")
    assert not db["later"].exists()
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 2


def test_a_migrations_script_with_an_unfinished_statement_is_refused() -> None:
    db = Database(memory=True)
    with pytest.raises(sqlite3.OperationalError, match="incomplete input"), db.atomic():
        schema._script(db, "CREATE TABLE a (x TEXT); CREATE TRIGGER t BEFORE DELETE ON a BEGIN")
    assert not db["a"].exists()
