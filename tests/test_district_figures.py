"""The district's figures equal each village's own summary (DESIGN §4.5): three demo
villages, a generated ledger with codes of its own over several years, and the fixture
ledgers of every schema version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _district import FIGURES, own_summary, run, years_of
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    english,
    fresh_ledger,
    opening,
    payment,
    receipt,
    transfer,
)

from ruralcouncil.district.consolidate import Status, consolidate
from ruralcouncil.district.figures import district_summary
from ruralcouncil.district.store import open_store
from ruralcouncil.ledger import catalog, journal
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.demo import create_demo

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
    """The fixture ledgers of versions 1-5 (older ones are read as verify reads them) give
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
