"""The demo village: realistic, complete (every code, three funds, reversals), and verifiable.

The village is data in resources/demo/ (village.json, entries.csv); ruralcouncil.ledger.demo
feeds it through the service functions. Its plan ends in the current year, so the years below
are counted back from today: the first is closed by the chair, the second by its finalised
annual return, and this one is open."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from _helpers import state
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.ledger import (
    annual_return,
    catalog,
    internal_audit,
    journal,
    meetings,
    queries,
    reconciliation,
    variances,
)
from ruralcouncil.ledger.annual_return import Answer
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
from ruralcouncil.ledger.internal_audit import AuditAnswer
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.storage import Ledger, open_ledger
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


def test_the_past_years_are_closed_and_this_one_open(demo: Ledger, tmp_path: Path) -> None:
    """The first year closed by the chair, the second by finalising its return; the clerk
    still records in this one."""
    assert journal.closed_years(demo.conn) == [FIRST, SECOND]
    chair = next(u for u, _a in list_users(demo) if u.name == "serik")
    assert chair.role == Role.CHAIR
    closed_by = demo.conn.execute("SELECT DISTINCT user_id FROM closed_years").fetchall()
    assert closed_by == [(chair.id,)]
    clerk = login(demo, "aigerim", DEMO_PASSWORD)
    before = state(demo.conn)
    for year in (FIRST, SECOND):
        with pytest.raises(ClosedYear):
            journal.record(
                demo, clerk, NewEntry(date(year, 12, 30), EntryType.RECEIPT, 100_00, "FINES")
            )
    assert state(demo.conn) == before  # nor was the clerk's login chained
    with _copy(demo, tmp_path) as copy:
        clerk = login(copy, "aigerim", DEMO_PASSWORD)
        late = NewEntry(date.today(), EntryType.RECEIPT, 100_00, "FINES", description="late")
        number = journal.record(copy, clerk, late)
        assert copy.conn.execute(
            "SELECT date FROM transactions WHERE number = ?", (number,)
        ).fetchone() == (date.today().isoformat(),)
        assert verify(copy.conn).ok


def test_each_user_signs_their_own_work(demo: Ledger) -> None:
    """The clerk recorded the entries and the chair closed the year and approved the
    council's year; the members voted and countersigned; each signed with their own key."""
    names = {u.id: u.name for u, _a in list_users(demo)}
    made_by = demo.conn.execute(
        "SELECT DISTINCT user_id FROM transactions UNION SELECT user_id FROM closed_years"
    ).fetchall()
    assert {names[r[0]] for r in made_by} == {"aigerim", "serik"}
    signers = {names[r[0]] for r in demo.conn.execute("SELECT DISTINCT author FROM signatures")}
    # marat votes, never signs; nurlan signs the internal audit
    assert signers == {"admin", "aigerim", "serik", "dana", "asel", "nurlan"}
    result = verify(demo.conn)
    entries = demo.conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    assert set(result.admin_set_keys) == {"aigerim", "serik", "dana", "asel", "nurlan"}
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
        # the annual return: the variances explained, the bank reconciled, the inspection
        " + (SELECT count(*) FROM variance_explanations)"
        " + (SELECT count(*) FROM reconciliations) + (SELECT count(*) FROM inspections)"
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
    assert 1 < len(sittings) <= 14  # a sitting a month, the budget's, and last year's return
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


# --- last year's annual return -----------------------------------------------------------


@contextmanager
def _copy(demo: Ledger, folder: Path) -> Iterator[Ledger]:
    """A copy of the demo to write in, leaving the module's demo as built."""
    path = folder / "copy.ruralcouncil"
    target = sqlite3.connect(path)
    demo.conn.backup(target)
    target.close()
    ledger = open_ledger(path)
    try:
        yield ledger
    finally:
        ledger.close()


def test_last_years_return_is_finalised_and_complete(demo: Ledger) -> None:
    state_ = annual_return.read(demo.conn, SECOND)
    assert state_.final and state_.closed and state_.missing() == []
    (version,) = state_.versions
    assert (version.version, version.by, version.reason) == (1, "serik", "")
    assert f"{THIS_YEAR}-01-01" <= version.date <= date.today().isoformat()
    # The ledger itself shows the auditor nothing against any objective.
    found = internal_audit.evidence(demo.conn, SECOND)
    assert all(not problems for problems in found.values()), found
    # This year's return is not begun.
    assert annual_return.read(demo.conn, THIS_YEAR).versions == []


def test_section_1_is_answered_by_a_confirmed_resolution_one_no_explained(demo: Ledger) -> None:
    answers = annual_return.governance_answers(demo.conn, SECOND)
    assert set(answers) == set(annual_return.ASSERTIONS)
    noes = [a for a in answers.values() if a.answer == Answer.NO]
    assert [a.assertion for a in noes] == [6]  # the internal audit began late in the year
    assert len(noes[0].explanation) > 40 and str(SECOND) in noes[0].explanation
    assert all(a.explanation == "" for a in answers.values() if a.answer == Answer.YES)
    (ref,) = {a.resolution for a in answers.values()}
    resolution = meetings.get_resolution(demo.conn, ref)
    assert resolution.subject == f"governance:{SECOND}" and resolution.passed
    assert resolution.confirmed_by is not None and resolution.in_effect
    assert str(SECOND) < resolution.date <= date.today().isoformat()
    assert all(a.date == resolution.date for a in answers.values())


def test_every_variance_needed_is_explained_in_the_villages_words(demo: Ledger) -> None:
    found = variances.variances(demo.conn, SECOND)
    needed = [v for v in found if v.needed]
    assert needed, "the plan's second year moved enough from the first to need words"
    for v in needed:
        assert v.explanation and " / " in v.explanation, v  # Kazakh, then Russian
    assert all(v.explanation is None for v in found if not v.needed)


def test_the_bank_agrees_with_one_payment_unpresented(demo: Ledger) -> None:
    r = reconciliation.latest(demo.conn, SECOND)
    assert r is not None and r.agrees and r.approved and r.current
    assert r.approved_by == "serik" and r.prepared_by == "aigerim"
    assert str(SECOND) < str(r.approved_on) <= date.today().isoformat()
    balances, box8, box7 = reconciliation.cash_book(demo.conn, SECOND)
    assert box8 == box7 == r.cash_book and r.unbanked == []
    ((number, account, amount),) = r.unpresented
    entry = queries.get(demo.conn, number)
    assert entry is not None and entry.type == "payment" and entry.reversed_by is None
    assert f"{SECOND}-12-24" <= entry.date <= f"{SECOND}-12-31"
    assert (entry.account, entry.amount) == (account, amount)
    # The statement shows the cash book plus the payment the bank had not yet made.
    assert r.statements_total - r.cash_book == amount
    assert r.statements[account] == balances[account] + amount
    assert entry.reference in r.explanation


def test_the_internal_audit_is_answered_and_signed_by_the_auditor(demo: Ledger) -> None:
    answers = internal_audit.answers(demo.conn, SECOND)
    assert set(answers) == set(internal_audit.OBJECTIVES)
    assert {a.by for a in answers.values()} == {"nurlan"}
    (not_covered,) = [a for a in answers.values() if a.answer != AuditAnswer.YES]
    assert not_covered.answer == AuditAnswer.NOT_COVERED and not_covered.comment.strip()
    signed = internal_audit.signoff(demo.conn, SECOND)
    assert signed is not None and signed.by == "nurlan" and signed.auditor == "Нұрлан Тоқтаров"
    assert f"{THIS_YEAR}-01-01" <= signed.starts <= signed.ends <= f"{THIS_YEAR}-02-28"
    assert signed.ends <= date.today().isoformat()


def test_the_inspection_period_is_thirty_working_days_after_the_year(demo: Ledger) -> None:
    period = annual_return.inspection(demo.conn, SECOND)
    assert period is not None and period.working_days == annual_return.INSPECTION_WORKING_DAYS
    assert period.starts > f"{SECOND}-12-31" and period.place.strip()
    june = date(THIS_YEAR, 6, 1)
    if june <= date.today():
        assert period.starts.startswith(f"{THIS_YEAR}-06-0")


def test_a_demo_made_early_in_the_year_still_finalises_last_year(tmp_path: Path) -> None:
    """Made on 10 January of last year: the return of the year before is made in those ten
    days (nothing after that day), and that year is closed."""
    then = date(THIS_YEAR - 1, 1, 10)
    ledger = create_demo(tmp_path / "january.ruralcouncil", today=then)
    try:
        assert verify(ledger.conn).ok
        year = THIS_YEAR - 2
        state_ = annual_return.read(ledger.conn, year)
        assert state_.final and state_.missing() == []
        assert journal.closed_years(ledger.conn) == [THIS_YEAR - 3, year]
        signed = state_.signoff
        assert signed is not None and signed.ends <= then.isoformat()
        assert {a.date for a in state_.governance.values()} <= {then.isoformat()}
        assert state_.reconciliation is not None
        assert str(year) < str(state_.reconciliation.approved_on) <= then.isoformat()
        assert state_.versions[0].date <= then.isoformat()
    finally:
        ledger.close()


def test_the_return_shows_final_and_its_paper_checks(
    demo: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``return show --json``, ``report annual-return`` (no DRAFT) and ``verify-report``."""

    def run(*args: str) -> str:
        capsys.readouterr()
        code = cli.main(["--lang", "en", "--db", str(demo.path), *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    shown = json.loads(run("return", "show", "--year", str(SECOND), "--json"))
    assert shown["final"] is True and shown["missing"] == [] and shown["version"] == 1
    pdf = tmp_path / "return.pdf"
    code = run("report", "annual-return", "--year", str(SECOND), "-o", str(pdf))
    code = code.strip().splitlines()[-1]
    text = " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)
    assert "DRAFT" not in text and "finalised" in text
    assert "matches" in run("verify-report", code)


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
        assert journal.closed_years(ledger.conn) == [THIS_YEAR - 3, THIS_YEAR - 2]
        assert annual_return.read(ledger.conn, THIS_YEAR - 2).final
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
