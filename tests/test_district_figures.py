"""The district's figures equal each village's own summary (DESIGN §4.5): three demo
villages, a generated ledger with codes of its own over several years, and the fixture
ledgers of every schema version; the per-load sums they are read from equal the postings
they sum, as at every state of a store grown several times."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _district import FIGURES, own_summary, run, years_of
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    fresh_ledger,
    opening,
    payment,
    receipt,
    transfer,
)

from ruralcouncil.district.consolidate import Status, consolidate
from ruralcouncil.district.figures import current_state, district_summary
from ruralcouncil.district.store import Store, open_store
from ruralcouncil.ledger import catalog, journal
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import open_ledger

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def villages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three demo villages (made at different dates, so their years differ) and a
    generated one."""
    folder = tmp_path_factory.mktemp("villages")
    paths = []
    for n, today in enumerate((date(2026, 6, 1), date(2025, 9, 1), date(2024, 11, 1))):
        path = folder / f"demo-{n}.ruralcouncil"
        create_demo(path, today=today).close()
        paths.append(path)
    paths.append(_generated(folder))
    return paths


def _generated(folder: Path) -> Path:
    """Codes the council added, openings, transfers, reversals and a second cash account,
    spread over four years."""
    ledger = fresh_ledger(folder, "generated.ruralcouncil")
    try:
        admin = admin_of(ledger)
        catalog.add_category(ledger, admin, "TAX-HERDING", REVENUE, name_en="Herding tax")
        catalog.add_category(ledger, admin, "BRIDGES", EXPENDITURE, name_en="Bridges")
        catalog.add_cash_account(ledger, admin, "SAFE", name_en="Safe")
        opening(ledger, admin, "2022-01-01", 500_000_00)
        opening(ledger, admin, "2022-01-01", 20_000_00, account="CASH")
        codes = ["TAX-LAND", "TAX-HERDING", "RENT-NATURAL", "DONATION", "OTHER-INCOME"]
        programs = ["STAFF", "LOAN-REPAY", "BRIDGES", "ROADS", "EVENTS"]
        for year in (2022, 2023, 2025):
            for month in range(1, 13, 2):
                when = f"{year}-{month:02d}-1{month % 9}"
                code = codes[(year + month) % len(codes)]
                receipt(ledger, admin, when, (year % 7 + month) * 10_000_00 + month, code)
                payment(ledger, admin, when, (month + 1) * 3_000_00, programs[month % 5])
            transfer(ledger, admin, f"{year}-06-30", 7_000_00, "BANK", "SAFE")
            payment(ledger, admin, f"{year}-07-01", 1_000_00, "OTHER-SPENDING", account="SAFE")
        # A reversed receipt and a reversed payment, each in a later year than its original.
        wrong = receipt(ledger, admin, "2023-12-20", 33_333_33, "TAX-HERDING")
        journal.reverse(ledger, admin, wrong, "entered twice", on=date(2024, 1, 5))
        paid = payment(ledger, admin, "2022-11-11", 4_444_44, "BRIDGES")
        journal.reverse(ledger, admin, paid, "not paid", on=date(2025, 2, 2))
        # An opening of a new account in a later year counts in that year's box 1.
        catalog.add_cash_account(ledger, admin, "PETTY", name_en="Petty cash")
        opening(ledger, admin, "2025-01-01", 1_500_00, account="PETTY")
    finally:
        ledger.close()
    return ledger.path


@pytest.fixture(scope="module")
def store(villages: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "district.duckdb"
    with open_store(path, write=True) as opened:
        outcomes = consolidate(opened, villages)
    assert [o.status for o in outcomes] == [Status.LOADED] * len(villages)
    return path


def _village_line(store: Path, year: int, ledger: str) -> dict[str, Any]:
    with open_store(store, write=False) as opened:
        found = district_summary(opened, year).as_json()
    [line] = [v for v in found["villages"] if v["ledger"] == ledger]
    return line


def _ledger_id(path: Path) -> str:
    from ruralcouncil.ledger import chain
    from ruralcouncil.ledger.storage import open_ledger

    ledger = open_ledger(path, write=False)
    try:
        return chain.first_hash(ledger.conn)
    finally:
        ledger.close()


def test_every_figure_of_every_village_equals_its_own_summary(
    villages: list[Path], store: Path
) -> None:
    checked = 0
    for path in villages:
        ledger = _ledger_id(path)
        for year in years_of(path):
            own = own_summary(path, year)
            line = _village_line(store, year, ledger)
            for key in FIGURES:
                assert line[key] == own[key], (path.name, year, key)
            assert line["chain"] == own["chain"]
            checked += 1
    assert checked >= 16


def test_the_generated_village_uses_its_own_codes(villages: list[Path], store: Path) -> None:
    line = _village_line(store, 2022, _ledger_id(villages[-1]))
    assert "TAX-HERDING" in line["receipts"] and "BRIDGES" in line["payments"]
    assert set(line["cash"]) == {"BANK", "CASH", "SAFE", "PETTY"}
    # The payment reversed in 2025 counts against BRIDGES in 2025, as the village counts it.
    later = _village_line(store, 2025, _ledger_id(villages[-1]))
    assert later["payments"]["BRIDGES"] == own_summary(villages[-1], 2025)["payments"]["BRIDGES"]
    assert later["boxes"]["1"] == own_summary(villages[-1], 2025)["boxes"]["1"]


def test_totals_add_up_the_villages(store: Path) -> None:
    with open_store(store, write=False) as opened:
        found = district_summary(opened, 2025).as_json()
    villages = found["villages"]
    for box in map(str, range(1, 11)):
        assert found["totals"]["boxes"][box] == sum(v["boxes"][box] for v in villages)
    for kind in ("receipts", "payments"):
        codes = {code for v in villages for code in v[kind]}
        expected = {c: sum(v[kind].get(c, 0) for v in villages) for c in codes}
        assert found["totals"][kind] == {c: a for c, a in expected.items() if a}


def test_the_command_prints_what_the_village_prints(
    villages: list[Path], store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = run(capsys, "district", "summary", "--store", str(store), "--year", "2025", "--json")
    assert district.code == 0, district.err
    found = district.json()
    assert set(found) == {"year", "villages", "totals"} and found["year"] == 2025
    assert set(found["totals"]) == {"boxes", "receipts", "payments"}
    assert len(found["villages"]) == len(villages)
    for path in villages:
        own = run(capsys, "--db", str(path), "summary", "--year", "2025", "--json").json()
        [line] = [v for v in found["villages"] if v["chain"] == own["chain"]]
        assert {"village", "ledger", "boxes", "receipts", "payments", "cash"} <= set(line)
        assert {k: line[k] for k in FIGURES} == {k: own[k] for k in FIGURES}
    table = run(capsys, "district", "summary", "--store", str(store), "--year", "2025")
    assert table.code == 0 and "Balances brought forward" in table.out


def test_ledgers_of_every_schema_version_give_their_recorded_figures(
    tmp_path: Path,
) -> None:
    """The fixture ledgers of every version (older ones are read as verify reads them) give
    the figures their fixtures recorded."""
    with open_store(tmp_path / "old.duckdb", write=True) as opened:
        outcomes = consolidate(opened, sorted(FIXTURES.glob("ledger-v*.ruralcouncil")))
        assert all(o.status is Status.LOADED for o in outcomes), outcomes
        for fixture in sorted(FIXTURES.glob("ledger-v*.json")):
            recorded = json.loads(fixture.read_text(encoding="utf-8"))
            anchor = recorded["anchor"]
            for year, own in recorded["summaries"].items():
                found = district_summary(opened, int(year)).as_json()
                [line] = [v for v in found["villages"] if v["chain"] == anchor]
                for key in FIGURES:
                    assert line[key] == own[key], (fixture.name, year, key)


YEARS = range(2021, 2028)


def _grow_step(path: Path, step: int) -> None:
    """One more batch of entries: in the ledger's latest year and in earlier ones, a
    reversal in a later year than its original, a code and a cash account added late."""
    ledger = open_ledger(path)
    try:
        admin = admin_of(ledger)
        if step == 0:
            opening(ledger, admin, "2022-01-01", 300_000_00)
            receipt(ledger, admin, "2022-03-01", 40_000_00, "TAX-LAND")
            payment(ledger, admin, "2022-05-01", 15_000_00, "ROADS")
        elif step == 1:
            receipt(ledger, admin, "2023-02-01", 70_000_00, "TAX-PROPERTY")
            receipt(ledger, admin, "2022-12-31", 1_234_56, "FINES")  # an earlier year grows
            transfer(ledger, admin, "2023-04-01", 5_000_00, "BANK", "CASH")
        elif step == 2:
            wrong = receipt(ledger, admin, "2023-06-01", 9_999_99, "TAX-LAND")
            journal.reverse(ledger, admin, wrong, "entered twice", on=date(2024, 1, 10))
            catalog.add_category(ledger, admin, "TAX-HERDING", REVENUE, name_en="Herding tax")
            receipt(ledger, admin, "2024-02-02", 12_000_00, "TAX-HERDING")
        elif step == 3:
            catalog.add_cash_account(ledger, admin, "SAFE", name_en="Safe")
            opening(ledger, admin, "2025-01-01", 2_500_00, account="SAFE")
            payment(ledger, admin, "2025-03-03", 1_000_00, "EVENTS", account="SAFE")
            payment(ledger, admin, "2024-12-30", 3_000_00, "STAFF")
        else:
            receipt(ledger, admin, "2026-01-15", 8_000_00, "TAX-HERDING")
            payment(ledger, admin, "2025-11-11", 500_00, "WATER", account="SAFE")
    finally:
        ledger.close()


def _sums_rows(opened: Store) -> list[tuple[Any, ...]]:
    """Every load's ``year_sums`` as computed again from the postings it held (codes with
    no postings in a year have no row either way)."""
    return (
        opened.conn.execute(
            "SELECT l.ledger, l.state, p.account, CAST(left(p.date, 4) AS INTEGER) AS year,"
            " sum(p.amount) FROM loads l JOIN postings p ON p.ledger = l.ledger"
            " AND p.seq <= l.entries GROUP BY ALL"
            " EXCEPT SELECT ledger, state, account, year, amount FROM year_sums"
        ).fetchall()
        + opened.conn.execute(
            "SELECT ledger, state, account, year, amount FROM year_sums EXCEPT"
            " SELECT l.ledger, l.state, p.account, CAST(left(p.date, 4) AS INTEGER) AS year,"
            " sum(p.amount) FROM loads l JOIN postings p ON p.ledger = l.ledger"
            " AND p.seq <= l.entries GROUP BY ALL"
        ).fetchall()
    )


def _known_codes(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` without cash accounts at 0: as at an earlier state, a cash account the
    village added later shows 0 (the store keeps each ledger's codes as its latest load
    has them; docs/district.md, "Limits")."""
    villages = [
        {**v, "cash": {code: amount for code, amount in v["cash"].items() if amount}}
        for v in summary["villages"]
    ]
    return {**summary, "villages": villages}


def test_the_sums_equal_the_postings_as_at_every_state(tmp_path: Path) -> None:
    """A village grown four times, a second village, a refused file and an older copy
    between: at every state, the figures read from the per-load sums equal those read from
    every posting, and equal what the store said at that state (captured as it happened);
    each load's sums are its postings' sums."""
    made = fresh_ledger(tmp_path, "grower.ruralcouncil")
    made.close()
    grower = made.path
    _grow_step(grower, 0)
    older = shutil.copyfile(grower, tmp_path / "older.ruralcouncil")
    other = tmp_path / "other.ruralcouncil"
    init_ledger(other, village="Other village", admin=ADMIN, password=PASSWORD).close()
    ledger = open_ledger(other)
    try:
        opening(ledger, admin_of(ledger), "2021-06-01", 80_000_00)
        receipt(ledger, admin_of(ledger), "2023-07-01", 6_000_00, "DONATION")
    finally:
        ledger.close()
    foreign = tmp_path / "foreign.ruralcouncil"
    foreign.write_bytes(b"not a ledger")
    store = tmp_path / "district.duckdb"
    said: dict[int, dict[int, Any]] = {}

    def capture(opened: Store) -> None:
        said[current_state(opened)] = {y: district_summary(opened, y).as_json() for y in YEARS}

    statuses = []
    for step, paths in enumerate(
        [[grower, foreign], [grower], [other, grower], [grower, older], [grower]]
    ):
        if step:
            _grow_step(grower, step)
        with open_store(store, write=True) as opened:
            outcomes = consolidate(opened, paths, lambda _o: capture(opened), jobs=1)
        statuses += [str(o.status) for o in outcomes]
    assert statuses == [
        "loaded", "refused", "grown", "loaded", "grown", "grown", "unchanged", "grown",
    ]  # fmt: skip
    with open_store(store, write=False) as opened:
        assert current_state(opened) == len(statuses) == len(said)
        assert _sums_rows(opened) == []
        for state in range(1, len(statuses) + 1):
            for year in YEARS:
                sums = district_summary(opened, year, state).as_json()
                assert sums == district_summary(opened, year, state, from_postings=True).as_json()
                assert _known_codes(sums) == _known_codes(said[state][year]), (state, year)
        for year in YEARS:  # now, and the postings read without the cut (as version 2 did)
            now = district_summary(opened, year).as_json()
            assert now == district_summary(opened, year, from_postings=True).as_json()
            assert now == said[len(statuses)][year]
    # The last state's figures are the villages' own.
    for path in (grower, other):
        for year in YEARS:
            line = _village_line(store, year, _ledger_id(path))
            own = own_summary(path, year)
            assert {k: line[k] for k in FIGURES} == {k: own[k] for k in FIGURES}, (path, year)
