"""Consolidation (DESIGN §4.5): refused and rewritten ledgers are never merged, a grown
ledger adds exactly its new entries, an older copy changes nothing; the commands' exit
codes and JSON; DuckDB stays out of the village program."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from _district import (
    FIGURES,
    copy,
    grow,
    own_summary,
    postings_in,
    postings_of,
    run,
    small_village,
    tamper_amount,
)
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    english,
    fresh_ledger,
    fresh_python,
    opening,
    payment,
    receipt,
)

from ruralcouncil.ledger import schema
from ruralcouncil.ledger.backup import backup_ledger
from ruralcouncil.ledger.storage import open_ledger

ROOT = Path(__file__).resolve().parents[1]
STATUS = {"loaded", "unchanged", "grown", "refused", "rewritten"}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small village ledger, closed (every copy of it is the same ledger)."""
    return small_village(tmp_path_factory.mktemp("base") / "base.ruralcouncil")


def _consolidate(capsys: pytest.CaptureFixture[str], store: Path, *paths: Path) -> Any:
    done = run(capsys, "consolidate", *map(str, paths), "-o", str(store), "--json")
    found = done.json()
    for item in found:
        assert set(item) == {"path", "village", "ledger", "status", "problem"}
        assert item["status"] in STATUS
    return done.code, found


def _figures(capsys: pytest.CaptureFixture[str], store: Path) -> Any:
    done = run(capsys, "district", "summary", "--store", str(store), "--year", "2025", "--json")
    assert done.code == 0, done.err
    return done.json()


def test_first_load_then_unchanged(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "district.duckdb"
    code, [item] = _consolidate(capsys, store, base)
    assert code == 0 and item["status"] == "loaded" and item["problem"] is None
    assert item["village"] == "Test village" and len(item["ledger"]) == 64
    assert postings_in(store) == postings_of(base)
    code, [again] = _consolidate(capsys, store, base)
    assert code == 0 and again["status"] == "unchanged"
    assert postings_in(store) == postings_of(base)


def test_a_grown_ledger_adds_exactly_its_new_entries(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "district.duckdb"
    village = copy(base, tmp_path / "village.ruralcouncil")
    _consolidate(capsys, store, village)
    before = postings_in(store)
    grow(village, 7_000_00)
    grow(village, 3_000_00, "FINES")
    code, [item] = _consolidate(capsys, store, village)
    assert code == 0 and item["status"] == "grown"
    assert postings_in(store) - before == postings_of(village) - postings_of(base) == 4
    [line] = _figures(capsys, store)["villages"]
    own = own_summary(village, 2025)
    assert {k: line[k] for k in FIGURES} == {k: own[k] for k in FIGURES}
    assert line["chain"] == own["chain"]
    # The older file, read after: unchanged, with a note, and nothing changes.
    code, [older] = _consolidate(capsys, store, base)
    assert code == 0 and older["status"] == "unchanged" and "older copy" in older["problem"]
    assert _figures(capsys, store)["villages"] == [line]


def test_a_rewritten_ledger_is_flagged_and_kept_apart(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "district.duckdb"
    first = copy(base, tmp_path / "first.ruralcouncil")
    other = copy(base, tmp_path / "other.ruralcouncil")
    grow(first, 7_000_00)
    grow(other, 9_000_00)  # the same ledger, continued differently
    _consolidate(capsys, store, first)
    figures, count = _figures(capsys, store), postings_in(store)
    code, [item] = _consolidate(capsys, store, other)
    assert code == 1 and item["status"] == "rewritten"
    with closing(sqlite3.connect(first)) as a, closing(sqlite3.connect(other)) as b:
        stored = "{}:{}".format(
            *a.execute(
                "SELECT max(seq), (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1) FROM chain"
            ).fetchone()
        )
        found = "{}:{}".format(
            *b.execute(
                "SELECT max(seq), (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1) FROM chain"
            ).fetchone()
        )
    assert stored in item["problem"] and found in item["problem"]
    assert _figures(capsys, store) == figures and postings_in(store) == count
    # A shorter copy whose history differs is rewritten too, never "an older copy".
    grow(other, 1_000_00)
    grow(first, 2_000_00)
    grow(first, 2_000_00)
    _consolidate(capsys, store, first)
    code, [item] = _consolidate(capsys, store, other)
    assert code == 1 and item["status"] == "rewritten"
    import duckdb

    with duckdb.connect(str(store), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM rewritten").fetchone()[0] == 2


def test_tampered_foreign_and_newer_files_are_refused_and_never_merged(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "district.duckdb"
    _consolidate(capsys, store, base)
    figures, count = _figures(capsys, store), postings_in(store)

    tampered = copy(base, tmp_path / "tampered.ruralcouncil")
    grow(tampered, 5_000_00)
    tamper_amount(tampered)
    text = tmp_path / "notes.ruralcouncil"
    text.write_text("not a ledger\n", encoding="utf-8")
    unrelated = tmp_path / "other.db"
    with closing(sqlite3.connect(unrelated)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    newer = copy(base, tmp_path / "newer.ruralcouncil")
    with closing(sqlite3.connect(newer)) as db:
        db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")

    code, found = _consolidate(capsys, store, tampered, text, unrelated, newer)
    assert code == 1
    assert [i["status"] for i in found] == ["refused"] * 4
    assert all(i["problem"] for i in found)
    assert "does not verify" in found[0]["problem"]
    assert found[0]["ledger"] is not None  # the tampered one still says which ledger it is
    assert "not a RuralCouncil ledger" in found[1]["problem"]
    assert "not a RuralCouncil ledger" in found[2]["problem"]
    assert "newer version" in found[3]["problem"]
    assert _figures(capsys, store) == figures and postings_in(store) == count


def test_folders_give_their_ledgers_and_backups(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = tmp_path / "stick"
    (stick / "village-b").mkdir(parents=True)
    ledger = open_ledger(base, write=False)
    try:
        result = backup_ledger(ledger, stick / "village-b")
    finally:
        ledger.close()
    assert result.path.name.endswith(".ruralcouncil")
    (stick / "readme.txt").write_text("USB stick", encoding="utf-8")
    (stick / ".hidden.ruralcouncil.partial").write_bytes(b"")
    store = tmp_path / "district.duckdb"
    code, found = _consolidate(capsys, store, stick)
    assert code == 0
    assert [Path(i["path"]).name for i in found] == [result.path.name]
    code, found = _consolidate(capsys, store, tmp_path / "empty-nothing")
    assert code == 1 and found[0]["status"] == "refused"


def test_readable_output_and_store_refusals(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "district.duckdb"
    done = run(capsys, "consolidate", str(base), "-o", str(store))
    assert done.code == 0 and "loaded" in done.out and "1 of 1" in done.out
    not_a_store = tmp_path / "plain.txt"
    not_a_store.write_text("hello", encoding="utf-8")
    done = run(capsys, "consolidate", str(base), "-o", str(not_a_store))
    assert done.code == 2 and "district store" in done.err
    done = run(capsys, "consolidate", str(base), "-o", str(base))  # a ledger is no store
    assert done.code == 2
    done = run(
        capsys, "district", "summary", "--store", str(tmp_path / "none.duckdb"), "--year", "2025"
    )
    assert done.code == 2 and "no district store" in done.err
    done = run(capsys, "district", "summary", "--store", str(store), "--year", "20x5")
    assert done.code == 2


def test_without_duckdb_the_commands_say_how_to_install_it(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    done = run(capsys, "consolidate", str(base), "-o", str(tmp_path / "s.duckdb"))
    assert done.code == 2 and 'pip install "ruralcouncil[district]"' in done.err
    assert not (tmp_path / "s.duckdb").exists()
    done = run(
        capsys, "district", "summary", "--store", str(tmp_path / "s.duckdb"), "--year", "2025"
    )
    assert done.code == 2


def test_the_village_program_never_imports_duckdb() -> None:
    code = (
        "import sys, ruralcouncil.cli, ruralcouncil.ledger, ruralcouncil.reports\n"
        "from ruralcouncil.cli.subjects import build_parser\n"
        "build_parser()\n"
        "print('duckdb' in sys.modules)\n"
    )
    done = fresh_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
