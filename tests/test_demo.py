"""The demo village: realistic, complete (every code, three funds, reversals), and verifiable.

The village is data in resources/demo/ (village.json, entries.csv); ruralcouncil.ledger.demo
feeds it through the service functions. Its plan ends in the current year, so the years below
are counted back from today."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _helpers import state

from ruralcouncil.ledger import catalog, journal
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.demo import (
    COLUMNS,
    DEMO_PASSWORD,
    DemoDataError,
    create_demo,
    demo_folder,
    load_village,
    moved,
    read_steps,
)
from ruralcouncil.ledger.errors import ClosedYear, LedgerUnavailable
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Role, list_users, login
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary

THIS_YEAR = date.today().year
FIRST, SECOND = THIS_YEAR - 2, THIS_YEAR - 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    ledger = create_demo(tmp_path_factory.mktemp("demo") / "demo.ruralcouncil")
    yield ledger
    ledger.close()


def _rows(
    conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def test_demo_verifies(demo: Ledger) -> None:
    result = verify(demo.conn)
    assert result.ok, result.problems
    assert result.entries > 300


def test_every_category_is_used(demo: Ledger) -> None:
    used = {r[0] for r in _rows(demo.conn, "SELECT DISTINCT code FROM transactions")}
    # REFUND is paid only at a project's close; the demo's salma is still under way.
    used.add("REFUND")
    for kind in (REVENUE, EXPENDITURE):
        codes = {c.code for c in catalog.categories(demo.conn, kind)}
        assert codes and codes <= used, codes - used


def test_three_funds_each_with_money(demo: Ledger) -> None:
    funds = {f.code: f for f in catalog.funds(demo.conn)}
    # The plan's three, the fund of this year's salma (the playground), and of the street
    # lights' subsidy (appealed: no money yet).
    assert set(funds) == {"GENERAL", "WATER-PROJECT", "SCHOOL-GIFT", "PROJECT-1", "SUBSIDY-2"}
    assert not funds["GENERAL"].restricted
    restricted = ("WATER-PROJECT", "SCHOOL-GIFT", "PROJECT-1", "SUBSIDY-2")
    assert all(funds[c].restricted for c in restricted)
    assert all(f.name_kk and f.name_ru and f.name_en for f in funds.values())
    for code in set(funds) - {"SUBSIDY-2"}:
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
    assert {str(FIRST), str(SECOND), str(THIS_YEAR)} <= set(years)
    openings = _rows(demo.conn, "SELECT date, account FROM transactions WHERE type = 'opening'")
    assert sorted(openings) == [(f"{FIRST}-01-01", "BANK"), (f"{FIRST}-01-01", "CASH")]


def test_first_year_is_closed(demo: Ledger) -> None:
    assert journal.closed_years(demo.conn) == [FIRST]
    chair = next(u for u, _a in list_users(demo) if u.name == "serik")
    assert chair.role == Role.CHAIR
    closed_by = demo.conn.execute(
        "SELECT user_id FROM closed_years WHERE year = ?", (FIRST,)
    ).fetchone()
    assert closed_by == (chair.id,)
    clerk = login(demo, "aigerim", DEMO_PASSWORD)
    before = state(demo.conn)
    with pytest.raises(ClosedYear):
        journal.record(
            demo, clerk, NewEntry(date(FIRST, 12, 30), EntryType.RECEIPT, 100_00, "FINES")
        )
    assert state(demo.conn) == before  # nor was the clerk's login chained


def test_each_user_signs_their_own_work(demo: Ledger) -> None:
    """The clerk recorded the entries and the chair closed the year and approved the
    council's year; the members voted and countersigned; each signed with their own key."""
    names = {u.id: u.name for u, _a in list_users(demo)}
    made_by = demo.conn.execute(
        "SELECT DISTINCT user_id FROM transactions UNION SELECT user_id FROM closed_years"
    ).fetchall()
    assert {names[r[0]] for r in made_by} == {"aigerim", "serik"}
    signers = {names[r[0]] for r in demo.conn.execute("SELECT DISTINCT author FROM signatures")}
    assert signers == {"admin", "aigerim", "serik", "dana", "asel"}  # marat votes, never signs
    result = verify(demo.conn)
    entries = demo.conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    assert set(result.admin_set_keys) == {"aigerim", "serik", "dana", "asel"}
    clerk_records = demo.conn.execute(
        "SELECT (SELECT count(*) FROM parties) + (SELECT count(*) FROM requests)"
        " + (SELECT count(*) FROM request_steps WHERE step = 'withdrawn')"
        " + (SELECT count(*) FROM entry_links)"
        # community money: gifts, the project and its fund, households, exemptions and the
        # resolutions they use, contributions
        " + (SELECT count(*) FROM donations) + 2 * (SELECT count(*) FROM projects)"
        " + (SELECT count(*) FROM households) + 2 * (SELECT count(*) FROM exemptions)"
        " + (SELECT count(*) FROM contributions)"
        # the registers: subsidies (a restricted one with its fund) and their steps, the
        # loan and the resolution it used, assets, leases, fines, their cancellations, and
        # each entry's link to its register
        " + (SELECT count(*) FROM subsidies)"
        " + (SELECT count(*) FROM subsidies WHERE fund LIKE 'SUBSIDY-%')"
        " + (SELECT count(*) FROM subsidy_steps) + 2 * (SELECT count(*) FROM loans)"
        " + (SELECT count(*) FROM assets) + (SELECT count(*) FROM leases)"
        " + (SELECT count(*) FROM fines) + (SELECT count(*) FROM fine_cancellations)"
        " + (SELECT count(*) FROM register_links)"
    ).fetchone()[0]
    assert result.admin_set_keys["aigerim"][0] == entries + clerk_records


def test_this_year_is_under_the_councils_control(demo: Ledger) -> None:
    """The plan's last year: a budget adopted by a confirmed resolution, every payment after
    it against an approved request, the big ones approved at a monthly sitting with a member
    recused on the party she declared an interest in, and requests still on the desk."""
    from ruralcouncil.ledger import budget, meetings, spending

    conn = demo.conn
    (version,) = budget.versions(conn, THIS_YEAR)
    adopted_by = meetings.get_resolution(conn, version.resolution)
    assert adopted_by.in_effect and adopted_by.subject == f"budget:{THIS_YEAR}"
    unpaid = conn.execute(
        "SELECT count(*) FROM transactions t WHERE t.type = 'payment' AND t.amount > 0"
        " AND t.date >= ? AND t.id NOT IN (SELECT transaction_id FROM entry_links"
        " WHERE request_id IS NOT NULL)",
        (version.date,),
    ).fetchone()[0]
    assert unpaid == 0
    sittings = meetings.meetings(conn, THIS_YEAR)
    assert 1 < len(sittings) <= 13
    votes = [v for r in meetings.resolutions(conn, THIS_YEAR) for v in r.votes.values()]
    assert meetings.Vote.RECUSED in votes
    states = {r.state for r in spending.requests(conn, year=THIS_YEAR)}
    assert {spending.State.PAID, spending.State.DRAFT, spending.State.REJECTED} <= states
    for line in budget.show(conn, THIS_YEAR):
        assert line.kind != "expenditure" or line.remaining >= 0


def test_nothing_is_dated_after_today(demo: Ledger) -> None:
    latest = demo.conn.execute("SELECT max(date) FROM transactions").fetchone()[0]
    assert latest <= date.today().isoformat()


def test_amounts_fit_a_village_of_2500(demo: Ledger) -> None:
    for year in (FIRST, SECOND):
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
        "asel": Role.MEMBER,
        "marat": Role.MEMBER,
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


# --- the village is data ------------------------------------------------------------------


def test_the_village_is_data_in_resources() -> None:
    """Users, funds, the plan and the year-ends come from resources/demo/, not from code."""
    village = load_village()
    assert (demo_folder() / "village.json").is_file()
    assert (demo_folder() / "entries.csv").is_file()
    assert {u.name: u.role for u in village.users} == {
        "aigerim": "clerk",
        "serik": "chair",
        "dana": "member",
        "asel": "member",
        "marat": "member",
        "nurlan": "auditor",
    }
    assert {f.code for f in village.funds} == {"WATER-PROJECT", "SCHOOL-GIFT"}
    assert [(c.year, c.by) for c in village.closed_years] == [(village.written_for - 2, "serik")]
    years = {s.date.year for s in village.steps}
    assert years == {village.written_for - 2, village.written_for - 1, village.written_for}
    reversals = [s for s in village.steps if s.entry is None]
    assert len(reversals) >= 4 and all(s.reason.strip() for s in reversals)
    # At least one mistake is found in a later month than it was made: the month's bar dips.
    made = {s.label: s.date for s in village.steps if s.label}
    assert any(
        (made[s.reverses].year, made[s.reverses].month) < (s.date.year, s.date.month)
        for s in reversals
    )


SALMA = "PROJECT-1"  # the fund of the council year's salma


def test_demo_ledger_is_what_the_data_says(demo: Ledger) -> None:
    """Every line of the plan dated up to today is posted, in order, as written."""
    village = load_village()
    shift = THIS_YEAR - village.written_for
    posted = [s for s in village.steps if moved(s.date, shift) <= date.today()]
    columns = "date, type, amount, code, counterparty, reason"
    rows = _rows(
        demo.conn, f"SELECT {columns} FROM transactions WHERE fund <> ? ORDER BY number", (SALMA,)
    )
    # Among them, on their days, the salma's contributions, gifts and payment, in its fund.
    salma = _rows(demo.conn, "SELECT type, code FROM transactions WHERE fund = ?", (SALMA,))
    assert salma and set(salma) == {
        ("receipt", "COMMUNITY"),
        ("receipt", "DONATION"),
        ("payment", "CAPITAL"),
    }
    dates = _rows(demo.conn, "SELECT date FROM transactions ORDER BY number")
    assert dates == sorted(dates)
    assert len(rows) == len(posted)
    for step, (day, kind, amount, code, counterparty, reason) in zip(posted, rows, strict=True):
        assert day == moved(step.date, shift).isoformat()
        if step.entry is None:
            assert reason == step.reason and int(str(amount)) < 0
        else:
            assert (kind, amount, code, counterparty) == (
                step.entry.type.value,
                step.entry.amount,
                step.entry.category,
                step.entry.counterparty,
            )


def test_a_demo_made_in_another_year_moves_its_dates(tmp_path: Path) -> None:
    """Made on 30 June of last year, the plan ends then: every date one year earlier, the
    first of its three years closed, and nothing after that day."""
    then = date(THIS_YEAR - 1, 6, 30)
    ledger = create_demo(tmp_path / "then.ruralcouncil", today=then)
    try:
        assert verify(ledger.conn).ok
        first, last = ledger.conn.execute(
            "SELECT min(date), max(date) FROM transactions"
        ).fetchone()
        assert first == f"{THIS_YEAR - 3}-01-01"
        assert f"{THIS_YEAR - 1}-06-01" <= last <= then.isoformat()
        assert journal.closed_years(ledger.conn) == [THIS_YEAR - 3]
    finally:
        ledger.close()


def test_moved_keeps_a_real_date() -> None:
    assert moved(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert moved(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert moved(date(2025, 3, 1), -1) == date(2024, 3, 1)


HEADER = ",".join(COLUMNS)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (["2024-01-01,opening,100,,,,,,,,,,"], None),
        (["2024-13-01,opening,100,,,,,,,,,,"], "line 2"),
        (["2024-01-01,opening,1 000,,,,,,,,,,"], "line 2"),
        (["2024-01-01,gift,100,,,,,,,,,,"], "line 2"),
        (["2024-01-01,reversal,,,,,,,,,,nobody,a reason"], "no earlier entry"),
        (["2024-01-01,receipt,5,FINES,,,,,,,x,,", "2024-01-02,reversal,,,,,,,,,,x,"], "reason"),
        (["2024-01-02,opening,100,,,,,,,,,,", "2024-01-01,receipt,5,FINES,,,,,,,,,"], "order"),
        (["2024-01-01,receipt,5,FINES,,,,,,,x,,", "2024-01-01,receipt,5,FINES,,,,,,,x,,"], "twice"),
    ],
)
def test_a_bad_plan_is_refused_with_its_line(
    tmp_path: Path, lines: list[str], problem: str | None
) -> None:
    path = tmp_path / "entries.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    if problem is None:
        assert len(read_steps(path)) == len(lines)
        return
    with pytest.raises(DemoDataError, match=problem):
        read_steps(path)


def test_unknown_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "entries.csv"
    path.write_text(HEADER + ",extra\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match="columns"):
        read_steps(path)
