"""The demo village: realistic, complete (every code, three funds, reversals), and verifiable."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _helpers import state

from ruralcouncil.ledger import catalog, journal
from ruralcouncil.ledger.codes import EXPENDITURE, REVENUE
from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo
from ruralcouncil.ledger.errors import ClosedYear, LedgerUnavailable
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Role, list_users, login
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    ledger = create_demo(tmp_path_factory.mktemp("demo") / "demo.ruralcouncil")
    yield ledger
    ledger.close()


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(sql).fetchall()]


def test_demo_verifies(demo: Ledger) -> None:
    result = verify(demo.conn)
    assert result.ok, result.problems
    assert result.entries > 300


def test_every_code_is_used(demo: Ledger) -> None:
    used = {r[0] for r in _rows(demo.conn, "SELECT DISTINCT code FROM transactions")}
    for kind in (REVENUE, EXPENDITURE):
        codes = {c.code for c in catalog.accounts(demo.conn, kind)}
        assert codes and codes <= used, codes - used


def test_three_funds_each_with_money(demo: Ledger) -> None:
    funds = {f.code: f for f in catalog.funds(demo.conn)}
    assert set(funds) == {"GENERAL", "WATER-PROJECT", "SCHOOL-GIFT"}
    assert not funds["GENERAL"].restricted
    assert funds["WATER-PROJECT"].restricted and funds["SCHOOL-GIFT"].restricted
    assert all(f.name_kk and f.name_ru and f.name_en for f in funds.values())
    for code in funds:
        types = {
            r[0] for r in _rows(demo.conn, f"SELECT type FROM transactions WHERE fund = '{code}'")
        }
        assert {"receipt", "payment"} <= types, code


def test_transfers_go_both_ways(demo: Ledger) -> None:
    pairs = set(
        _rows(demo.conn, "SELECT account, to_account FROM transactions WHERE type = 'transfer'")
    )
    assert {("BANK", "CASH"), ("CASH", "BANK")} <= pairs


def test_reversals_with_reasons(demo: Ledger) -> None:
    rows = _rows(
        demo.conn,
        "SELECT r.reason, r.amount, o.amount, r.date >= o.date FROM transactions r"
        " JOIN transactions o ON o.id = r.reverses",
    )
    assert len(rows) >= 3
    for reason, amount, original, in_order in rows:
        assert str(reason).strip()
        assert amount == -int(str(original))
        assert in_order


def test_at_least_two_full_years_and_openings(demo: Ledger) -> None:
    years = [r[0] for r in _rows(demo.conn, "SELECT DISTINCT substr(date, 1, 4) FROM transactions")]
    assert {"2024", "2025"} <= set(years)
    openings = _rows(demo.conn, "SELECT date, account FROM transactions WHERE type = 'opening'")
    assert sorted(openings) == [("2024-01-01", "BANK"), ("2024-01-01", "CASH")]


def test_first_year_is_closed(demo: Ledger) -> None:
    assert journal.closed_years(demo.conn) == [2024]
    chair = next(u for u, _a in list_users(demo) if u.name == "serik")
    assert chair.role == Role.CHAIR
    closed_by = demo.conn.execute("SELECT user_id FROM closed_years WHERE year = 2024").fetchone()
    assert closed_by == (chair.id,)
    clerk = login(demo, "aigerim", DEMO_PASSWORD)
    before = state(demo.conn)
    with pytest.raises(ClosedYear):
        journal.record(
            demo, clerk, NewEntry(date(2024, 12, 30), EntryType.RECEIPT, 100_00, "FINES")
        )
    assert state(demo.conn) == before  # nor was the clerk's login chained


def test_each_user_signs_their_own_work(demo: Ledger) -> None:
    """The clerk recorded the entries and the chair closed the year, each signing with the
    key the administrator set for them (verify lists those records)."""
    names = {u.id: u.name for u, _a in list_users(demo)}
    made_by = demo.conn.execute(
        "SELECT DISTINCT user_id FROM transactions UNION SELECT user_id FROM closed_years"
    ).fetchall()
    assert {names[r[0]] for r in made_by} == {"aigerim", "serik"}
    signers = {names[r[0]] for r in demo.conn.execute("SELECT DISTINCT author FROM signatures")}
    assert signers == {"admin", "aigerim", "serik"}
    result = verify(demo.conn)
    entries = demo.conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    assert set(result.admin_set_keys) == {"aigerim", "serik"}
    assert result.admin_set_keys["aigerim"][0] == entries
    assert result.admin_set_keys["serik"][0] == 1  # the closed year


def test_nothing_is_dated_after_today(demo: Ledger) -> None:
    latest = demo.conn.execute("SELECT max(date) FROM transactions").fetchone()[0]
    assert latest <= date.today().isoformat()


def test_amounts_fit_a_village_of_2500(demo: Ledger) -> None:
    for year in (2024, 2025):
        summary = year_summary(demo.conn, year)
        receipts = sum(summary.receipts.values())
        payments = sum(summary.payments.values())
        assert 60_000_000_00 <= receipts <= 90_000_000_00, (year, receipts)
        assert 50_000_000_00 <= payments <= 90_000_000_00, (year, payments)
        assert max(summary.receipts, key=lambda c: summary.receipts[c]) == "SUBSIDY"
        assert max(summary.payments, key=lambda c: summary.payments[c]) == "STAFF"
    counterparties = " ".join(
        r[0] for r in _rows(demo.conn, "SELECT counterparty FROM transactions")
    )
    assert "Қ" in counterparties or "қ" in counterparties  # Kazakh ...
    assert "ТОО" in counterparties  # ... and Russian, as in real life


def test_demo_users_and_password(demo: Ledger) -> None:
    roles = {u.name: u.role for u, active in list_users(demo) if active}
    assert roles == {
        "admin": Role.ADMIN,
        "aigerim": Role.CLERK,
        "serik": Role.CHAIR,
        "dana": Role.MEMBER,
        "nurlan": Role.AUDITOR,
    }
    assert login(demo, "dana", DEMO_PASSWORD).role == Role.MEMBER


def test_demo_is_the_same_every_time(demo: Ledger, tmp_path: Path) -> None:
    again = create_demo(tmp_path / "again.ruralcouncil")
    sql = (
        "SELECT id, date, type, amount, code, fund, account, to_account, counterparty,"
        " description, reference, reverses, reason FROM transactions ORDER BY id"
    )
    try:
        assert _rows(again.conn, sql) == _rows(demo.conn, sql)
    finally:
        again.close()


def test_demo_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "real.ruralcouncil"
    path.write_bytes(b"the real ledger")
    with pytest.raises(LedgerUnavailable, match="already exists"):
        create_demo(path)
    assert path.read_bytes() == b"the real ledger"
