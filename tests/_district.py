"""Shared by the district tests: demo villages built once, the command line, store figures."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from _helpers import ADMIN, PASSWORD, admin_of, fresh_ledger, opening, payment, receipt

from ruralcouncil import cli
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.reports.statements import year_summary

pytest.importorskip("duckdb")

# The keys of a village's own summary that the district's line repeats.
FIGURES = ("boxes", "receipts", "payments", "cash")


class Done(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    capsys.readouterr()
    code = cli.main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return Done(code, out, err)


def own_summary(path: Path, year: int) -> dict[str, Any]:
    """What the village's own ``summary --year Y --json`` says (the same function)."""
    ledger = open_ledger(path, write=False)
    try:
        return year_summary(ledger.conn, year).as_json()
    finally:
        ledger.close()


def years_of(path: Path) -> range:
    """Every year of the ledger's entries, and one either side."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        first, last = conn.execute("SELECT min(date), max(date) FROM transactions").fetchone()
    return range(int(first[:4]) - 1, int(last[:4]) + 2)


def copy(path: Path, to: Path) -> Path:
    shutil.copyfile(path, to)
    return to


def postings_in(store: Path) -> int:
    import duckdb

    with duckdb.connect(str(store), read_only=True) as db:
        return int(db.execute("SELECT count(*) FROM postings").fetchone()[0])


def postings_of(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM postings").fetchone()[0])


def tamper_amount(path: Path) -> None:
    """One amount changed, with its postings and daily totals to match, the triggers set
    aside: only the chain can tell."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_update'"
        ).fetchall()
        for name, _sql in triggers:
            db.execute(f"DROP TRIGGER {name}")
        tid = db.execute("SELECT max(id) FROM transactions WHERE type = 'receipt'").fetchone()[0]
        db.execute("UPDATE transactions SET amount = amount + 100 WHERE id = ?", (tid,))
        for pid, account, fund, amount in db.execute(
            "SELECT p.id, p.account, p.fund, p.amount FROM postings p WHERE transaction_id = ?",
            (tid,),
        ).fetchall():
            step = 100 if amount > 0 else -100
            db.execute("UPDATE postings SET amount = amount + ? WHERE id = ?", (step, pid))
            db.execute(
                "UPDATE daily_totals SET amount = amount + ? WHERE account = ? AND fund = ?"
                " AND date = (SELECT date FROM transactions WHERE id = ?)",
                (step, account, fund, tid),
            )
        for _name, sql in triggers:
            db.execute(sql)


def small_village(path: Path, village: str | None = None, year: int = 2025) -> Path:
    """A small village ledger, closed: an opening balance, a land-tax receipt and a roads
    payment in ``year``. With ``village``, a ledger of its own (its own id); without, a copy
    of the tests' template (every such file is then one ledger)."""
    if village is None:
        ledger = fresh_ledger(path.parent, path.name)
    else:
        init_ledger(path, village=village, admin=ADMIN, password=PASSWORD).close()
        ledger = open_ledger(path)
    try:
        admin = admin_of(ledger)
        opening(ledger, admin, f"{year}-01-01", 100_000_00)
        receipt(ledger, admin, f"{year}-02-01", 50_000_00, "TAX-LAND")
        payment(ledger, admin, f"{year}-03-01", 20_000_00, "ROADS")
    finally:
        ledger.close()
    return path


def grow(path: Path, amount: int, category: str = "TAX-PROPERTY") -> None:
    """One receipt more (1 April 2025): the same ledger, longer."""
    ledger = open_ledger(path)
    try:
        receipt(ledger, admin_of(ledger), "2025-04-01", amount, category)
    finally:
        ledger.close()
