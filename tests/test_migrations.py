"""Every fixture ledger of a past schema version upgrades, verifies and keeps its figures.

``tests/make_fixture.py`` builds the fixture of the current version; the fixture of each
released version stays in ``tests/fixtures`` for good, with the figures it must keep.
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
from sqlite_utils.migrations import Migrations

from ruralcouncil.ledger import journal, schema, users
from ruralcouncil.ledger.errors import AuthenticationFailed, ClosedYear
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEDGERS = sorted(FIXTURES.glob("ledger-v*.ruralcouncil"))


def _figures(fixture: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def test_the_current_version_has_a_fixture() -> None:
    names = {p.name for p in LEDGERS}
    assert f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil" in names
    for fixture in LEDGERS:
        assert fixture.with_suffix(".json").exists()
        assert fixture.stat().st_size < 200_000
        assert not Path(str(fixture) + "-wal").exists()


@pytest.mark.parametrize("fixture", LEDGERS, ids=[p.stem for p in LEDGERS])
def test_fixture_upgrades_and_keeps_its_figures(fixture: Path, tmp_path: Path) -> None:
    figures = _figures(fixture)
    copy = tmp_path / fixture.name
    shutil.copyfile(fixture, copy)
    ledger = open_ledger(copy)  # applies pending migrations, after a backup
    try:
        conn = ledger.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert not schema.migrations.pending(Database(conn, execute_plugins=False))
        anchor = figures["anchor"]
        result = verify(conn, anchor=(anchor["entries"], anchor["head"]))
        assert result.ok, result.problems
        assert result.entries >= anchor["entries"]
        assert result.audit_entries >= figures["audit_entries"]
        assert (
            conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
            == figures["transactions"]
        )
        for year, expected in figures["summaries"].items():
            summary = year_summary(conn, int(year)).as_json()
            summary.pop("chain")
            assert summary == expected, year
        assert journal.closed_years(conn) == figures["closed_years"]
        stored = dict(conn.execute("SELECT name, role FROM users").fetchall())
        assert stored == figures["users"]
        # The people can still log in, and the disabled one still cannot.
        for name, password in figures["passwords"].items():
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
                    code="FINES",
                ),
            )
        journal.record(
            ledger,
            clerk,
            journal.NewEntry(
                date=date.fromisoformat("2025-01-05"),
                type=journal.EntryType.RECEIPT,
                amount=1,
                code="FINES",
            ),
        )
        assert verify(conn, anchor=(anchor["entries"], anchor["head"])).ok
    finally:
        ledger.close()


def test_pending_migration_takes_a_backup_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later version's migration runs only after the file was copied aside."""
    fixture = FIXTURES / f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil"
    copy = tmp_path / "village.ruralcouncil"
    shutil.copyfile(fixture, copy)
    anchor = _figures(fixture)["anchor"]

    seen_backups: list[Path] = []
    future = Migrations("ruralcouncil")
    for migration in schema.migrations._migrations:
        future(name=migration.name)(migration.fn)

    @future(name="m999_test_registers")
    def m999(db: Database) -> None:
        # By now the backup must exist beside the ledger.
        seen_backups.extend(tmp_path.glob("village.ruralcouncil.v*.before-upgrade"))
        db.execute("CREATE TABLE asset_register (id INTEGER PRIMARY KEY, name TEXT) STRICT")

    monkeypatch.setattr(schema, "migrations", future)
    ledger = open_ledger(copy)
    try:
        assert [p.name for p in seen_backups] and len(seen_backups) == 1
        assert "asset_register" in Database(ledger.conn, execute_plugins=False).table_names()
        assert verify(ledger.conn, anchor=(anchor["entries"], anchor["head"])).ok
    finally:
        ledger.close()
    backup = seen_backups[0]
    assert f".v{schema.SCHEMA_VERSION}-" in backup.name
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        names = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
        assert "asset_register" not in names
        assert verify(old, anchor=(anchor["entries"], anchor["head"])).ok
    old.close()
    # Opened again, nothing is pending and no second backup is taken.
    open_ledger(copy).close()
    assert len(list(tmp_path.glob("*.before-upgrade"))) == 1


def test_make_fixture_is_deterministic(tmp_path: Path) -> None:
    """The committed fixture of the current version is exactly what the script builds."""
    from make_fixture import build

    _path, figures = build(tmp_path)
    committed = FIXTURES / f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil"
    assert figures == _figures(committed)
