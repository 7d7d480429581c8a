"""What needs the district's attention (issue 13): each planted problem is found, judged by
the village's own rules at consolidation, and nothing else; refused, rewritten and stale
ledgers; the list as at every state the store had; no name of a person reaches the store;
the auditor's evidence reads as before."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _council import BUDGET_2026, Council, adopt_budget, approved, council_ledger, pay
from _district import copy, run, small_village
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    opening,
    payment,
    receipt,
    tamper,
)

from ruralcouncil.district import consolidate as consolidating
from ruralcouncil.district import village as village_reads
from ruralcouncil.district.attention import Attention, Concern, attention_list
from ruralcouncil.district.consolidate import Status, consolidate
from ruralcouncil.district.store import MIGRATES_FROM, open_store
from ruralcouncil.ledger import donations, internal_audit, variances
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.storage import open_ledger

DEMO_TODAY = date(2026, 6, 1)


def _council_village(folder: Path) -> Council:
    """The council template (land tax in 2025 and 2026), with, in 2026: a payment recorded
    before the budget was adopted but dated after it (so without a request), a request on
    STAFF approved and paid, and a gift to the road fund spent through a request; in 2025,
    box 7's variance explained and box 2's not, and the return not finalised."""
    c = council_ledger(folder, "planted.ruralcouncil")
    pay(c, None, 1_000_00, "2026-03-01")  # entry 3: recorded before the budget existed
    adopt_budget(c, BUDGET_2026)  # adopted at a meeting on 2026-01-20
    staff = approved(c, 90_000_00, category="STAFF", on="2026-03-02", approve_on="2026-03-03")
    pay(c, staff, 90_000_00, "2026-03-04", category="STAFF")  # entry 4
    gift = "Of my own free will."
    donations.add(
        c.ledger, c.clerk, c.aidos, 50_000_00, gift, fund="ROADFUND", on=date(2026, 3, 10)
    )
    roads = approved(c, 50_000_00, fund="ROADFUND", on="2026-04-10", approve_on="2026-04-11")
    pay(c, roads, 50_000_00, "2026-04-12", fund="ROADFUND")  # entry 6
    variances.explain(c.ledger, c.clerk, 2025, 7, "The first year of the land tax.")
    return c


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The council village as recorded, and a copy in which the budget's STAFF line was cut
    to 50 000 ₸ and the gift marked flagged: the village program refuses to make either (an
    approval beyond the line, spending a held gift), so only a changed file shows them."""
    folder = tmp_path_factory.mktemp("planted")
    c = _council_village(folder)
    c.ledger.close()
    changed = copy(c.path, folder / "changed.ruralcouncil")
    tamper(
        changed,
        "UPDATE budget_lines SET amount = 5000000 WHERE code = 'STAFF'",
        "UPDATE donations SET flagged = 1",
    )
    return c.path, changed


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of its own (not a copy of the tests' template, which would make it the
    council village's ledger continued differently), with nothing wrong."""
    return small_village(tmp_path_factory.mktemp("clean") / "clean.ruralcouncil", "Clean village")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.ruralcouncil"
    create_demo(path, today=DEMO_TODAY).close()
    return path


@contextmanager
def _verify_passes() -> Iterator[None]:
    """Consolidation as if the changed file verified: to see what the district's list
    makes of problems the village program cannot record."""
    real = consolidating.verify

    def passes(conn: sqlite3.Connection) -> Any:
        return dataclasses.replace(real(conn), problems=[], first_bad=None, first_bad_seq=None)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(consolidating, "verify", passes)
        yield


def _load(store_path: Path, *paths: Path) -> list[Status]:
    # One file after another in this process: _verify_passes patches this process's verify.
    with open_store(store_path, write=True) as store:
        return [o.status for o in consolidate(store, paths, jobs=1)]


def _listed(store_path: Path, year: int, **kw: Any) -> list[Attention]:
    with open_store(store_path, write=False) as store:
        return attention_list(store, year, today=kw.pop("today", date.today()), **kw)


def _kinds(found: list[Attention]) -> list[tuple[str, Concern, int | None]]:
    return [(a.village, a.concern, a.entry) for a in found]


def test_each_planted_problem_and_nothing_else(planted: tuple[Path, Path], tmp_path: Path) -> None:
    _recorded, changed = planted
    store = tmp_path / "district.duckdb"
    with _verify_passes():
        assert _load(store, changed) == [Status.LOADED]
    found = _listed(store, 2026)
    assert _kinds(found) == [
        ("Test village", Concern.UNREQUESTED, 3),
        ("Test village", Concern.OVERSPENT, None),
        ("Test village", Concern.GIFT_SPENT_EARLY, 5),
    ]
    unrequested, overspent, gift = found
    assert (unrequested.date, unrequested.amount) == ("2026-03-01", 1_000_00)
    assert "Entry 3 of" in unrequested.detail and "ROADS, fund GENERAL" in unrequested.detail
    assert (overspent.date, overspent.amount) == (None, 40_000_00)
    assert "STAFF (fund GENERAL)" in overspent.detail and "50,000.00" in overspent.detail
    assert (gift.date, gift.amount) == ("2026-03-10", 50_000_00)
    assert "ROADFUND" in gift.detail and "₸0.00" in gift.detail
    assert all(a.ledger and len(a.ledger) == 64 and a.path is None for a in found)
    # 2025 is over (the ledger has entries in 2026): box 2's variance, and the return.
    last_year = _listed(store, 2025)
    assert _kinds(last_year) == [
        ("Test village", Concern.UNEXPLAINED_VARIANCE, None),
        ("Test village", Concern.RETURN_NOT_FINAL, None),
    ]
    variance, not_final = last_year
    assert variance.amount == 200_000_00 and variance.detail.startswith("Box 2 went from")
    assert not_final.detail == "The annual return for 2025 is not finalised."
    assert _listed(store, 2024) == []


def test_the_village_as_recorded_shows_only_what_it_could_record(
    planted: tuple[Path, Path], clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded, _changed = planted
    store = tmp_path / "district.duckdb"
    assert _load(store, recorded, clean) == [Status.LOADED, Status.LOADED]
    # The clean village (its only year, 2025, in progress) has nothing at all.
    assert _kinds(_listed(store, 2026)) == [("Test village", Concern.UNREQUESTED, 3)]
    last_year = _listed(store, 2025)
    assert {a.concern for a in last_year} == {
        Concern.UNEXPLAINED_VARIANCE,
        Concern.RETURN_NOT_FINAL,
    }
    with open_store(store, write=False) as db:
        (ledger,) = db.conn.execute(
            "SELECT ledger FROM ledgers WHERE path LIKE '%clean%'"
        ).fetchone()
    assert all(a.ledger != ledger for a in last_year + _listed(store, 2026))
    # The command: JSON with the fields above, and a table grouped by village.
    done = run(capsys, "district", "attention", "--store", str(store), "--year", "2026", "--json")
    assert done.code == 0, done.err
    (item,) = done.json()
    assert item == {
        "concern": "unrequested",
        "village": "Test village",
        "ledger": item["ledger"],
        "entry": 3,
        "date": "2026-03-01",
        "amount": 1_000_00,
        "detail": item["detail"],
        "path": None,
    }
    done = run(capsys, "district", "attention", "--store", str(store), "--year", "2025")
    assert done.code == 0 and "Test village" in done.out and "Variance not explained" in done.out
    done = run(capsys, "district", "attention", "--store", str(store), "--year", "2024")
    assert done.code == 0 and "Nothing needs the district's attention." in done.out
    done = run(
        capsys, "district", "attention", "--store", str(store), "--year", "2026", "--days", "x"
    )
    assert done.code == 2 and "--days" in done.err


def test_the_auditor_reads_the_same_rules_in_the_same_words(planted: tuple[Path, Path]) -> None:
    _recorded, changed = planted
    ledger = open_ledger(changed, write=False)
    try:
        found = internal_audit.evidence(ledger.conn, 2026, check_chain=False)
    finally:
        ledger.close()
    assert found[2] == [
        "entry 3 of 01/03/2026, a payment of ₸1,000.00, has no approved spending request"
    ]
    assert found[4] == ["budget line STAFF (GENERAL) is overspent by ₸40,000.00"]
    assert found[5] == [
        "donation 1 (₸50,000.00) was flagged and not acknowledged by 31 December",
        "fund ROADFUND held ₸0.00 at 31 December, less than its unacknowledged flagged gifts "
        "(₸50,000.00): they were spent before acknowledgement",
    ]


def test_refused_rewritten_and_stale(clean: Path, tmp_path: Path) -> None:
    store = tmp_path / "district.duckdb"
    foreign = tmp_path / "foreign.ruralcouncil"
    foreign.write_bytes(b"not a ledger at all")
    first, other = copy(clean, tmp_path / "first.ruralcouncil"), copy(clean, tmp_path / "o.x")
    for path, amount in ((first, 7_000_00), (other, 9_000_00)):
        ledger = open_ledger(path)
        try:
            receipt(ledger, admin_of(ledger), "2025-04-01", amount, "TAX-PROPERTY")
        finally:
            ledger.close()
    damaged = copy(first, tmp_path / "later.ruralcouncil")
    tamper(damaged, "UPDATE postings SET amount = amount + 1 WHERE id = 1")
    assert _load(store, foreign, first, other, damaged) == [
        Status.REFUSED,
        Status.LOADED,
        Status.REWRITTEN,
        Status.REFUSED,
    ]
    found = _listed(store, 2025)
    assert [(a.concern, a.village, Path(a.path or "").name) for a in found] == [
        (Concern.REFUSED, "", "foreign.ruralcouncil"),
        (Concern.REFUSED, "Clean village", "later.ruralcouncil"),
        (Concern.REWRITTEN, "Clean village", "o.x"),
    ]
    assert found[0].ledger is None and "not a ledger" not in found[2].detail
    assert found[2].detail.startswith("Its history differs") and found[2].ledger
    # The village brings a good copy to the same path: no longer listed.
    copy(first, damaged)
    assert _load(store, damaged) == [Status.UNCHANGED]
    assert [Path(a.path or "").name for a in _listed(store, 2025)] == [
        "foreign.ruralcouncil",
        "o.x",
    ]
    # Stale: not updated for more than the days given, as at the day given.
    later = date.today() + timedelta(days=61)
    stale = [a for a in _listed(store, 2025, today=later) if a.concern is Concern.STALE]
    assert [(a.village, a.date) for a in stale] == [("Clean village", date.today().isoformat())]
    assert "Not updated for 61 days" in stale[0].detail
    just_within = _listed(store, 2025, today=later, stale_days=61)
    assert not any(a.concern is Concern.STALE for a in just_within)


def test_the_list_as_at_every_state_is_the_list_shown_then(
    planted: tuple[Path, Path], clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every outcome recorded (loaded, grown, unchanged, refused, rewritten) makes a state;
    read as at each, the list is what it was right after that outcome: a refused path later
    merged, a path once loaded later refused, a rewritten copy, a ledger grown into a new
    year (its concerns judged again), and staleness judged from when the last record of the
    load held was made."""
    recorded, _changed = planted
    # When each load's last record was made, in the order of the loads.
    made = iter(["2026-01-05", "2026-02-01", "2026-11-20", "2026-11-25"])
    monkeypatch.setattr(village_reads, "last_chain_time", lambda _c: next(made) + "T10:00:00")
    today = date(2026, 12, 1)
    store = tmp_path / "district.duckdb"
    first, other = copy(clean, tmp_path / "first.ruralcouncil"), copy(clean, tmp_path / "o.x")
    council = tmp_path / "council.ruralcouncil"
    council.write_bytes(b"not a ledger yet")
    said: dict[int, dict[int, list[dict[str, Any]]]] = {}

    def capture(opened: Any) -> None:
        said[opened.state()] = {
            year: [a.as_json() for a in attention_list(opened, year, today=today)]
            for year in (2025, 2026)
        }

    def load(*paths: Path) -> list[str]:
        with open_store(store, write=True) as opened:
            outcomes = consolidate(opened, paths, lambda _o: capture(opened), jobs=1)
        return [str(o.status) for o in outcomes]

    def grow(path: Path, on: str, amount: int) -> None:
        ledger = open_ledger(path)
        try:
            receipt(ledger, admin_of(ledger), on, amount, "TAX-PROPERTY")
        finally:
            ledger.close()

    assert load(council, first) == ["refused", "loaded"]  # states 1, 2
    copy(recorded, council)
    assert load(council) == ["loaded"]  # 3: the refused path merged, no longer listed
    grow(first, "2026-02-01", 7_000_00)  # into 2026: 2025 has ended for it
    grow(other, "2025-04-01", 9_000_00)
    assert load(first, other) == ["grown", "rewritten"]  # 4, 5
    older = copy(council, tmp_path / "older.ruralcouncil")
    grow(council, "2026-06-01", 3_000_00)
    assert load(council, older) == ["grown", "unchanged"]  # 6, 7
    tamper(first, "UPDATE postings SET amount = amount + 1 WHERE id = 1")
    assert load(first) == ["refused"]  # 8: a path once loaded, now refused
    with open_store(store, write=False) as opened:
        assert opened.state() == len(said) == 8
        for state, lists in said.items():
            for year, shown in lists.items():
                then = attention_list(opened, year, today=today, state=state)
                assert [a.as_json() for a in then] == shown, (state, year)
    shown = {
        state: {(a["concern"], a["village"], Path(a["path"] or "").name) for a in lists[2025]}
        for state, lists in said.items()
    }
    assert ("refused", "", "council.ruralcouncil") in shown[2]
    assert not any(c == "refused" for c, _v, _p in shown[3] | shown[7])
    assert ("refused", "Clean village", "first.ruralcouncil") in shown[8]
    assert ("rewritten", "Clean village", "o.x") in shown[5]
    ended = ("return-not-final", "Clean village", "")
    assert ended not in shown[3] and ended in shown[4]
    stale = {s: sorted(v for c, v, _p in found if c == "stale") for s, found in shown.items()}
    assert stale[2] == ["Clean village"]
    assert stale[3] == ["Clean village", "Test village"]
    assert stale[4] == ["Test village"] and stale[6] == stale[8] == []


def _party_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = {str(n) for (n,) in conn.execute("SELECT name FROM parties")}
        names |= {str(a) for (a,) in conn.execute("SELECT address FROM households")}
    return {n for n in names if len(n) >= 4}


def test_the_demo_village_and_no_names_in_the_store(
    demo: Path, planted: tuple[Path, Path], tmp_path: Path
) -> None:
    store = tmp_path / "district.duckdb"
    with _verify_passes():
        assert _load(store, demo, planted[1]) == [Status.LOADED, Status.LOADED]
    demo_found = {
        (a.concern, year)
        for year in range(2023, 2028)
        for a in _listed(store, year)
        if a.village != "Test village"
    }
    assert demo_found == DEMO_CONCERNS
    names = _party_names(demo) | _party_names(planted[1])
    assert "Aidos" in names and len(names) > 5
    import duckdb

    with duckdb.connect(str(store), read_only=True) as db:
        columns = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type = 'VARCHAR'"
        ).fetchall()
        text = "\n".join(
            str(v)
            for table, column in columns
            for (v,) in db.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
        )
    assert not [n for n in names if n in text]


# The demo (made on 2026-06-01: 2024, 2025 and 2026) finalised 2025's return only, by
# design: its first year's return is not begun, so its variances are not explained.
DEMO_CONCERNS = {(Concern.UNEXPLAINED_VARIANCE, 2024), (Concern.RETURN_NOT_FINAL, 2024)}


def test_a_store_too_old_to_bring_up_to_date_is_refused_clearly(tmp_path: Path) -> None:
    """Version 1 had no concerns, which can only be judged from the village files (version
    2 is brought up to date in place: tests/test_district_migration.py)."""
    import duckdb

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute("CREATE TABLE store_version (version INTEGER, created_at VARCHAR)")
        db.execute("INSERT INTO store_version VALUES (?, 'then')", [MIGRATES_FROM - 1])
    for write in (False, True):
        with pytest.raises(LedgerUnavailable, match=r"older version .* into a new store"):
            open_store(path, write=write)
    with duckdb.connect(str(path), read_only=True) as db:
        assert db.execute("SELECT max(version) FROM store_version").fetchone() == (1,)
