"""A district store of version 2 is brought up to date in place when it is opened to write,
all or nothing; read-only, it is refused with what to do. After the change it says what the
version-2 program said of it: the same figures as at every state, the same attention list,
and the report codes that program printed still check.

``fixtures/district-store-v2.json`` is such a store, made by the version-2 program
(RuralCouncil at 319620d: ``git archive 319620d``) from the fixture ledger of schema 5, a
council village loaded, grown twice and rewritten, a refused file later replaced by the
fixture ledger of schema 3, and an older copy, one consolidation a second; with what that
program said: the summaries as at every state, the attention list after each
consolidation, and two report codes (today 2027-03-01, 60 days)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _district import run
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    receipt,
)

from ruralcouncil.district import store as stores
from ruralcouncil.district.attention import attention_list
from ruralcouncil.district.consolidate import Status, consolidate
from ruralcouncil.district.figures import current_state, district_summary
from ruralcouncil.district.store import STORE_VERSION, open_store
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.reports import district_code  # noqa: F401  (registers the DS kind)
from ruralcouncil.reports.verification import check_store

FIXTURE = Path(__file__).parent / "fixtures" / "district-store-v2.json"
YEARS = range(2024, 2028)


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _v2_store(path: Path, recorded: dict[str, Any]) -> Path:
    """The version-2 store, table by table, as that program wrote it."""
    import duckdb

    with duckdb.connect(str(path)) as db:
        db.execute(recorded["schema"])
        for table, content in recorded["tables"].items():
            columns = content["columns"]
            values = ", ".join(
                "unhex(?)" if (table, c) == ("chain", "hash") else "?" for c in columns
            )
            if content["rows"]:
                db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})",
                    content["rows"],
                )
    return path


def _version(path: Path) -> int:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        return int(db.execute("SELECT max(version) FROM store_version").fetchone()[0])


def _migrated(tmp_path: Path, recorded: dict[str, Any]) -> Path:
    path = _v2_store(tmp_path / "district.duckdb", recorded)
    open_store(path, write=True).close()
    return path


def test_read_only_it_is_refused_with_what_to_do(
    tmp_path: Path, recorded: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _v2_store(tmp_path / "district.duckdb", recorded)
    with pytest.raises(LedgerUnavailable, match=r"store version 2\). Consolidate any of its"):
        open_store(path, write=False)
    for command in ("summary", "attention"):
        done = run(capsys, "district", command, "--store", str(path), "--year", "2026")
        assert done.code == 2 and "brings it up to date" in done.err
    done = run(capsys, "verify-report", recorded["codes"][0], "--store", str(path))
    assert done.code != 0 and "brings it up to date" in done.out + done.err
    assert _version(path) == 2  # reading changed nothing


def test_a_failed_migration_leaves_the_store_as_it_was(
    tmp_path: Path, recorded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _v2_store(tmp_path / "district.duckdb", recorded)
    monkeypatch.setattr(stores, "_MIGRATE_2", stores._MIGRATE_2 + "SELECT error('disk full');")
    with pytest.raises(LedgerUnavailable, match="disk full"):
        open_store(path, write=True)
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        assert db.execute("SELECT max(version) FROM store_version").fetchone() == (2,)
        tables = {t for (t,) in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "year_sums" not in tables
        assert [row[0] for row in db.execute("DESCRIBE loads").fetchall()][-1] == "loaded_at"
    monkeypatch.undo()
    open_store(path, write=True).close()
    assert _version(path) == STORE_VERSION


def test_the_figures_as_at_every_state_are_what_version_2_said(
    tmp_path: Path, recorded: dict[str, Any]
) -> None:
    path = _migrated(tmp_path, recorded)
    assert _version(path) == STORE_VERSION == 3
    with open_store(path, write=False) as opened:
        assert current_state(opened) == 5
        # Each load's sums are the sums of the postings it held.
        assert (
            opened.conn.execute(
                "SELECT l.state, p.account, CAST(left(p.date, 4) AS INTEGER), sum(p.amount)"
                " FROM loads l JOIN postings p ON p.ledger = l.ledger AND p.seq <= l.entries"
                " GROUP BY ALL EXCEPT SELECT state, account, year, amount FROM year_sums"
            ).fetchall()
            == []
        )
        assert opened.conn.execute("SELECT count(*) FROM year_sums").fetchone()[0] > 0
        for key, said in recorded["summaries"].items():
            state, year = map(int, key.split("/"))
            assert district_summary(opened, year, state).as_json() == said, key
            assert district_summary(opened, year, state, from_postings=True).as_json() == said
        for year in YEARS:
            now = recorded["summaries"][f"5/{year}"]
            assert district_summary(opened, year).as_json() == now


def _listed(opened: Any, year: int, today: date, state: int | None = None) -> list[Any]:
    return [a.as_json() for a in attention_list(opened, year, today=today, state=state)]


def test_the_attention_list_and_the_printed_codes(
    tmp_path: Path, recorded: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _migrated(tmp_path, recorded)
    today = date.fromisoformat(recorded["today"])
    steps = recorded["steps"]
    with open_store(path, write=False) as opened:
        # Now (state 5): what version 2 showed after its last consolidation.
        for year in YEARS:
            assert _listed(opened, year, today) == steps[-1]["attention"][str(year)]
        # As at each earlier state: what it showed just before the next load, except that
        # a ledger held at a load other than its latest is not judged stale (version 2 kept
        # when the last record was made for the latest load only).
        latest = dict(opened.conn.execute("SELECT ledger, state FROM ledgers").fetchall())
        held = opened.conn.execute("SELECT state, ledger FROM loads").fetchall()
        for step in steps:
            state = step["state"]
            if step is not [s for s in steps if s["state"] == state][-1]:
                continue
            earlier = {ledger for at, ledger in held if at <= state and latest[ledger] > state}
            for year in YEARS:
                said = [
                    a
                    for a in step["attention"][str(year)]
                    if not (a["concern"] == "stale" and a["ledger"] in earlier)
                ]
                assert _listed(opened, year, today, state) == said, (state, year)
        for code in recorded["codes"]:
            verdict = check_store(opened, code)
            assert verdict.matches, (code, verdict.reason)
    done = run(capsys, "verify-report", recorded["codes"][1], "--store", str(path))
    assert done.code == 0 and "matches this district store" in done.out


def test_consolidating_goes_on_from_the_last_state(
    tmp_path: Path, recorded: dict[str, Any]
) -> None:
    path = _migrated(tmp_path, recorded)
    village = tmp_path / "new.ruralcouncil"
    init_ledger(village, village="New village", admin=ADMIN, password=PASSWORD).close()
    from ruralcouncil.ledger.storage import open_ledger

    ledger = open_ledger(village)
    try:
        receipt(ledger, admin_of(ledger), "2026-02-01", 10_000_00, "TAX-LAND")
    finally:
        ledger.close()
    foreign = tmp_path / "foreign.ruralcouncil"
    foreign.write_bytes(b"not a ledger")
    with open_store(path, write=True) as opened:
        outcomes = consolidate(opened, [village, foreign], jobs=1)
        assert [o.status for o in outcomes] == [Status.LOADED, Status.REFUSED]
        assert current_state(opened) == 7
        summary = district_summary(opened, 2026)
        assert [v.village for v in summary.villages if v.village == "New village"]
        assert summary.as_json() == district_summary(opened, 2026, from_postings=True).as_json()
        # The printed codes are of state 5, which has not changed.
        for code in recorded["codes"]:
            assert check_store(opened, code).matches
        assert district_summary(opened, 2026, 5).as_json() == recorded["summaries"]["5/2026"]
