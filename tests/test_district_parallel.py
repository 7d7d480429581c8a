"""Verifying in worker processes (issue 13): the outcomes, their order, their words and the
store are the same as verifying one file after another in this process; a file changed
between its verify and its load is refused; a worker imports neither Qt nor DuckDB; a pool
that breaks leaves the work to this process."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from _council import BUDGET_2026, adopt_budget, council_ledger, pay
from _district import copy, grow, small_village, tamper_amount
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    english,
    fresh_python,
    opening,
    payment,
    receipt,
    tamper,
)

from ruralcouncil import i18n
from ruralcouncil.district import consolidate as consolidating
from ruralcouncil.district.consolidate import Status, consolidate
from ruralcouncil.district.files import Found
from ruralcouncil.district.store import open_store
from ruralcouncil.ledger import schema


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of its own (the tests' template would share the council village's id)."""
    return small_village(tmp_path_factory.mktemp("base") / "base.ruralcouncil", "Base village")


def _files(base: Path, folder: Path) -> tuple[list[Path], list[Path]]:
    """What is loaded first, then a second consolidation's every kind of outcome: grown,
    unchanged, an older copy, rewritten, refused (tampered, not a ledger, a newer schema,
    missing), and a council village with concerns (judged by the workers, or here)."""
    council = council_ledger(folder, "council.ruralcouncil")
    pay(council, None, 1_000_00, "2026-03-01")  # before the budget: without a request
    adopt_budget(council, BUDGET_2026)
    council.ledger.close()
    first = copy(base, folder / "village.ruralcouncil")
    older = copy(base, folder / "older.ruralcouncil")
    other = copy(base, folder / "other.ruralcouncil")
    grow(first, 7_000_00)
    grow(other, 9_000_00)
    grown = copy(first, folder / "grown.ruralcouncil")
    grow(grown, 1_000_00)
    tampered = copy(grown, folder / "tampered.ruralcouncil")
    tamper(tampered, "UPDATE postings SET amount = amount + 1 WHERE id = 1")
    text = folder / "notes.ruralcouncil"
    text.write_text("not a ledger\n", encoding="utf-8")
    newer = copy(base, folder / "newer.ruralcouncil")
    with closing(sqlite3.connect(newer)) as db:
        db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    later = [grown, first, older, other, tampered, text, newer, folder / "missing.ruralcouncil"]
    return [first], [*later, council.path]


def _dump(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, without the times things were loaded or seen."""
    import duckdb

    found = {}
    with duckdb.connect(str(store), read_only=True) as db:
        for (table,) in db.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            columns = [
                str(row[0])
                for row in db.execute(f"DESCRIBE {table}").fetchall()
                if row[0] not in ("loaded_at", "seen_at", "created_at")
            ]
            found[str(table)] = db.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL"
            ).fetchall()
    return found


def _consolidated(store: Path, steps: list[list[Path]], jobs: int | None) -> list[Any]:
    said = []
    with open_store(store, write=True) as opened:
        for paths in steps:
            said += [o.as_json() for o in consolidate(opened, paths, jobs=jobs)]
    return said


@contextmanager
def _language(lang: str) -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(previous)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_in_parallel_the_outcomes_and_the_store_are_the_same(
    base: Path, tmp_path: Path, lang: str
) -> None:
    steps = list(_files(base, tmp_path))
    with _language(lang):
        alone = _consolidated(tmp_path / "alone.duckdb", steps, jobs=1)
        together = _consolidated(tmp_path / "together.duckdb", steps, jobs=2)
    assert [o["status"] for o in alone] == [
        "loaded", "grown", "unchanged", "unchanged", "rewritten",
        "refused", "refused", "refused", "refused", "loaded",
    ]  # fmt: skip
    assert together == alone  # paths, villages, ledgers, statuses, problems, in order
    held = _dump(tmp_path / "alone.duckdb")
    assert _dump(tmp_path / "together.duckdb") == held
    assert {row[3] for row in held["concerns"]} >= {"unrequested", "return-not-final"}
    problems = [o["problem"] for o in alone if o["status"] == "refused"]
    if lang == "ru":  # worded in the user's language by the workers too
        assert all(any("а" <= ch <= "я" for ch in p) for p in problems), problems


def test_a_file_changed_after_its_verify_is_refused(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker verified the file as it was; it grew before the loading opened it: the
    loading's own snapshot sees another head, and refuses it."""
    first, second = copy(base, tmp_path / "a.ruralcouncil"), copy(base, tmp_path / "b.ruralcouncil")
    grow(second, 5_000_00)  # (so the two are one ledger at two lengths)
    real = consolidating.open_ledger
    grown: list[Path] = []

    def grow_then_open(path: Path, **kw: Any) -> Any:
        if Path(path) == first and not grown:
            grown.append(first)
            grow(first, 3_000_00)
        return real(path, **kw)

    monkeypatch.setattr(consolidating, "open_ledger", grow_then_open)
    store = tmp_path / "district.duckdb"
    with open_store(store, write=True) as opened:
        outcomes = consolidate(opened, [first, second], jobs=2)
    assert grown == [first]
    assert [o.status for o in outcomes] == [Status.REFUSED, Status.LOADED]
    assert "changed while it was being read" in (outcomes[0].problem or "")
    with open_store(store, write=False) as opened:
        rows = opened.conn.execute("SELECT path, entries FROM loads").fetchall()
    assert [Path(p).name for p, _entries in rows] == ["b.ruralcouncil"]


def test_a_file_edited_behind_its_chain_after_its_verify_is_verified_again(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker verified the file as it was; then an amount was edited with the chain's
    head left as it was (the head check alone would not see it): the file's size or time
    changed, so it is verified again before loading, and refused."""
    first, second = copy(base, tmp_path / "a.ruralcouncil"), copy(base, tmp_path / "b.ruralcouncil")
    real = consolidating._consolidate_one
    edited: list[Path] = []

    def edit_then_consolidate(store: Any, found: Found, verdict: Any) -> Any:
        if found.path == first and not edited:
            assert verdict is not None and verdict.result.ok  # the worker's verify passed
            edited.append(first)
            tamper_amount(first)
        return real(store, found, verdict)

    monkeypatch.setattr(consolidating, "_consolidate_one", edit_then_consolidate)
    store = tmp_path / "district.duckdb"
    with open_store(store, write=True) as opened:
        outcomes = consolidate(opened, [first, second], jobs=2)
    assert edited == [first]
    assert [o.status for o in outcomes] == [Status.REFUSED, Status.LOADED]
    assert "does not verify" in (outcomes[0].problem or "")
    with open_store(store, write=False) as opened:
        rows = opened.conn.execute("SELECT path FROM loads").fetchall()
    assert [Path(p).name for (p,) in rows] == ["b.ruralcouncil"]


def test_a_stamp_names_the_file_and_its_log(tmp_path: Path) -> None:
    path = tmp_path / "x.ruralcouncil"
    assert consolidating.file_stamp(path) == (None, None)
    path.write_bytes(b"1234")
    wal = tmp_path / "x.ruralcouncil-wal"
    wal.write_bytes(b"12")
    stamp = consolidating.file_stamp(path)
    assert stamp is not None and stamp[0] is not None and stamp[0][0] == 4
    assert stamp[1] is not None and stamp[1][0] == 2
    wal.write_bytes(b"123")
    assert consolidating.file_stamp(path) != stamp


def test_a_worker_imports_neither_qt_nor_duckdb(base: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ruralcouncil.district import consolidate\n"
        "with consolidate.pool(1) as pool:\n"
        "    verdict = pool.submit(consolidate.verify_file, Path(sys.argv[1])).result()\n"
        "    names = pool.submit(eval, 'sorted(__import__(\"sys\").modules)').result()\n"
        "print(verdict.result.ok, 'ruralcouncil.ledger.verify' in names,\n"
        "      any(n.split('.')[0] in ('PySide6', 'shiboken6', 'duckdb') for n in names))\n"
    )
    done = fresh_python(code, str(base))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False"]


class _Broken:
    """A pool whose workers died: every verdict asked for fails."""

    def submit(self, *_args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    def shutdown(self, **_kw: Any) -> None:
        pass


def test_a_broken_pool_leaves_the_work_to_this_process(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = list(_files(base, tmp_path))
    alone = _consolidated(tmp_path / "alone.duckdb", steps, jobs=1)
    monkeypatch.setattr(consolidating, "pool", lambda *_args: _Broken())
    assert _consolidated(tmp_path / "broken.duckdb", steps, jobs=2) == alone


def test_how_many_workers(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [Found(copy(base, tmp_path / f"{n}.ruralcouncil")) for n in range(3)]
    missing = Found(tmp_path / "missing", "There is no file or folder.")
    assert consolidating.workers(files, 1) == 0  # one by one, here
    assert consolidating.workers(files, 2) == 2
    assert consolidating.workers([*files[:2], missing], 8) == 2  # never more than files
    assert consolidating.workers(files[:1], 8) == 0
    monkeypatch.setattr(consolidating.os, "cpu_count", lambda: 2)
    assert consolidating.workers(files, None) == 0  # small files: not worth a process
    monkeypatch.setattr(consolidating, "PARALLEL_BYTES", 0)
    assert consolidating.workers(files, None) == 2
    monkeypatch.setattr(consolidating.os, "cpu_count", lambda: None)
    assert consolidating.workers(files, None) == 0


def test_the_command_prints_the_same_from_its_workers(base: Path, tmp_path: Path) -> None:
    """The command line as a new program runs it, verifying in worker processes (started
    fresh, with this interpreter), prints what it prints verifying one by one."""
    steps = list(_files(base, tmp_path))
    alone = _consolidated(tmp_path / "alone.duckdb", steps, jobs=1)
    code = (
        "import sys\n"
        "from ruralcouncil.district import consolidate\n"
        "consolidate.PARALLEL_BYTES = 0  # the test's files are small\n"
        "from ruralcouncil.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    store = tmp_path / "together.duckdb"
    said = []
    for paths in steps:
        done = fresh_python(
            code, "--lang", "en", "consolidate", *map(str, paths), "-o", str(store), "--json"
        )
        assert done.returncode in (0, 1), done.stderr
        said += json.loads(done.stdout)
    assert said == alone
    assert _dump(store) == _dump(tmp_path / "alone.duckdb")


def test_the_workers_judge_the_village_rules_too(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the village's own rules find is judged beside the verify, in the worker: this
    process does not judge it again (its own finder here would refuse to)."""
    _first, later = _files(base, tmp_path)
    council = later[-1]

    def not_here(_conn: sqlite3.Connection) -> list[Any]:
        raise AssertionError("judged in the loading process")

    monkeypatch.setattr(consolidating.concerns, "found", not_here)
    store = tmp_path / "district.duckdb"
    with open_store(store, write=True) as opened:
        outcomes = consolidate(opened, [base, council], jobs=2)
        kinds = opened.conn.execute("SELECT DISTINCT concern FROM concerns").fetchall()
    assert [o.status for o in outcomes] == [Status.LOADED, Status.LOADED]
    assert {k for (k,) in kinds} >= {"unrequested", "return-not-final"}
    with (
        pytest.raises(AssertionError, match="judged in the loading process"),
        open_store(tmp_path / "alone.duckdb", write=True) as opened,
    ):
        consolidate(opened, [council], jobs=1)


def test_a_worker_judges_only_what_may_be_loaded(base: Path, tmp_path: Path) -> None:
    """A file the store already holds as long (unchanged, an older copy) is never loaded:
    its worker verifies it but does not judge it, which would be wasted on every file of a
    district consolidated again."""
    _first, later = _files(base, tmp_path)
    council = later[-1]
    with open_store(tmp_path / "district.duckdb", write=True) as opened:
        consolidate(opened, [council], jobs=1)
        [(ledger, entries)] = opened.conn.execute("SELECT ledger, entries FROM ledgers").fetchall()
    verdicts = {}
    for name, held in (("new", {}), ("held", {ledger: entries}), ("shorter", {ledger: 1})):
        with consolidating.pool(1, held) as workers:
            verdicts[name] = workers.submit(consolidating.verify_file, council).result()
    assert all(v.result is not None and v.result.ok for v in verdicts.values())
    assert verdicts["held"].judged is None
    assert verdicts["new"].judged == verdicts["shorter"].judged
    assert {f.concern for f in verdicts["new"].judged or []} >= {"unrequested"}
