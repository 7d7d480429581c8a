"""The year's figures and the annual-return boxes (DESIGN §5), checked against a small ledger
computed by hand and, for random ledgers, against a brute-force count of the transactions."""

from __future__ import annotations

import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    copy_ledger,
    day,
    english,
    entry,
    fresh_ledger,
    opening,
    payment,
    receipt,
    scratch_dir,
    state,
    tamper,
    transfer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruralcouncil import i18n
from ruralcouncil.ledger import catalog, chain, journal, users
from ruralcouncil.ledger.classification import (
    DEFAULT_EXPENDITURE_PROGRAMS,
    DEFAULT_REVENUE_SOURCES,
)
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import monthly_flows, year_summary

ALL_BOXES = {str(n) for n in range(1, 11)}


def _build(ledger: Ledger) -> None:
    """The hand-computed ledger (amounts in tiyn; 1 ₸ = 100)."""
    u = admin_of(ledger)
    catalog.add_fund(ledger, u, "WELL", restricted=True, name_en="New well")
    catalog.add_cash_account(ledger, u, "SAFE", name_en="Safe")
    # 2023
    opening(ledger, u, "2023-01-01", 1_000_000)
    opening(ledger, u, "2023-01-01", 50_000, account="CASH")
    receipt(ledger, u, "2023-03-01", 200_000, "TAX-LAND")
    donation = receipt(ledger, u, "2023-04-01", 70_000, "DONATION")
    journal.reverse(ledger, u, donation, "returned to the donor", day("2023-04-02"))
    payment(ledger, u, "2023-05-01", 300_000, "STAFF")
    transfer(ledger, u, "2023-06-01", 100_000, "BANK", "CASH")
    roads = payment(ledger, u, "2023-12-20", 40_000, "ROADS", account="CASH")
    payment(ledger, u, "2023-12-21", 10_000, "LOAN-REPAY")
    # 2024: the December road payment is reversed in January.
    journal.reverse(ledger, u, roads, "paid twice", day("2024-01-15"))
    opening(ledger, u, "2024-02-01", 5_000, account="SAFE")
    receipt(ledger, u, "2024-03-01", 60_000, "TAX-PROPERTY")
    receipt(ledger, u, "2024-03-02", 1_000_000, "SUBSIDY", fund="WELL")
    payment(ledger, u, "2024-04-01", 250_000, "CAPITAL", fund="WELL")
    payment(ledger, u, "2024-05-01", 100_000, "STAFF", account="CASH")


@cache
def _template() -> Path:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "statements.ruralcouncil")
    _build(ledger)
    ledger.close()
    return folder / "statements.ruralcouncil"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    ledger = copy_ledger(_template(), tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()


def boxes(*values: int) -> dict[str, int]:
    return {str(n): v for n, v in enumerate(values, start=1)}


def test_2023_by_hand(book: Ledger) -> None:
    figures = year_summary(book.conn, 2023).as_json()
    assert figures["year"] == 2023 and figures["currency"] == "KZT"
    assert figures["receipts"] == {"TAX-LAND": 200_000}  # the donation was returned
    assert figures["payments"] == {"STAFF": 300_000, "LOAN-REPAY": 10_000, "ROADS": 40_000}
    assert figures["boxes"] == boxes(
        1_050_000, 200_000, 0, 300_000, 10_000, 40_000, 900_000, 900_000, 0, 0
    )
    assert figures["cash"] == {"BANK": 790_000, "CASH": 110_000, "SAFE": 0}
    assert figures["funds"] == {"GENERAL": 900_000, "WELL": 0}


def test_2024_by_hand(book: Ledger) -> None:
    figures = year_summary(book.conn, 2024).as_json()
    assert figures["receipts"] == {"TAX-PROPERTY": 60_000, "SUBSIDY": 1_000_000}
    # The reversal dated 2024 counts against ROADS in 2024, not in 2023.
    assert figures["payments"] == {"STAFF": 100_000, "ROADS": -40_000, "CAPITAL": 250_000}
    assert figures["boxes"] == boxes(
        905_000, 60_000, 1_000_000, 100_000, 0, 210_000, 1_655_000, 1_655_000, 0, 0
    )
    assert figures["cash"] == {"BANK": 1_600_000, "CASH": 50_000, "SAFE": 5_000}
    assert figures["funds"] == {"GENERAL": 905_000, "WELL": 750_000}


@pytest.mark.parametrize("year", [2022, 2025, 2199])
def test_years_without_entries(book: Ledger, year: int) -> None:
    figures = year_summary(book.conn, year).as_json()
    carried = 0 if year < 2023 else 1_655_000
    assert set(figures["boxes"]) == ALL_BOXES
    assert figures["boxes"] == boxes(carried, 0, 0, 0, 0, 0, carried, carried, 0, 0)
    assert figures["receipts"] == {} and figures["payments"] == {}
    assert set(figures["cash"]) == {"BANK", "CASH", "SAFE"}


def test_empty_ledger(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    figures = year_summary(ledger.conn, 2025).as_json()
    assert figures["boxes"] == dict.fromkeys(sorted(ALL_BOXES, key=int), 0)
    assert figures["cash"] == {"BANK": 0, "CASH": 0}
    assert figures["chain"] == dict(zip(("entries", "head"), chain.head(ledger.conn), strict=True))
    ledger.close()


def test_chain_anchor_in_summary(book: Ledger) -> None:
    before = state(book.conn)
    figures = year_summary(book.conn, 2024).as_json()
    assert state(book.conn) == before  # a summary is a read: it writes nothing
    entries, head = chain.head(book.conn)
    assert figures["chain"] == {"entries": entries, "head": head}


def test_a_summarys_anchor_catches_a_cut_tail(book: Ledger) -> None:
    """Events are chain entries, so the anchor printed on a summary holds the failed login
    made just before it too: cutting that off fails ``verify --anchor``."""
    with pytest.raises(AuthenticationFailed):
        users.login(book, "admin", "not-the-password")
    anchor = year_summary(book.conn, 2024).as_json()["chain"]
    pair = (anchor["entries"], anchor["head"])
    assert verify(book.conn, anchor=pair).ok
    tamper(
        book.path,
        f"DELETE FROM chain WHERE seq = {anchor['entries']}",
        "DELETE FROM events WHERE id = (SELECT max(id) FROM events)",
    )
    result = verify(book.conn, anchor=pair)
    assert not result.ok and any("removed" in p for p in result.problems)


def test_transfers_and_openings_are_not_receipts(book: Ledger) -> None:
    for year in (2023, 2024):
        figures = year_summary(book.conn, year).as_json()
        codes = set(figures["receipts"]) | set(figures["payments"])
        assert not codes & {"BANK", "CASH", "SAFE", "OPENING"}
        assert all(figures["receipts"].values()) and all(figures["payments"].values())


def test_json_keys_are_the_contract(book: Ledger) -> None:
    figures = year_summary(book.conn, 2024).as_json()
    assert {"year", "currency", "receipts", "payments", "boxes", "cash", "chain"} <= set(figures)
    assert all(isinstance(v, int) for v in figures["boxes"].values())
    assert list(figures["boxes"]) == [str(n) for n in range(1, 11)]


def test_box_8_agrees_with_box_7_on_a_sound_ledger(book: Ledger) -> None:
    for year in (2022, 2023, 2024, 2025):
        summary = year_summary(book.conn, year)
        assert summary.cash_agrees and summary.cash_difference == 0
        assert summary.cash_problem() is None


def test_the_core_says_when_box_8_differs_and_by_how_much(book: Ledger) -> None:
    """Cash edited behind the ledger's back: box 8 moves, box 7 does not; the summary says
    so, with both boxes and the difference, in the reader's language."""
    tamper(
        book.path,
        "UPDATE daily_totals SET amount = amount + 12345"
        " WHERE account = 'CASH' AND date = '2024-05-01'",
    )
    summary = year_summary(book.conn, 2024)
    assert summary.boxes[7] == 1_655_000 and summary.boxes[8] == 1_655_000 + 12_345
    assert not summary.cash_agrees and summary.cash_difference == 12_345
    problem = summary.cash_problem()
    assert problem is not None
    for amount in (1_655_000, 1_655_000 + 12_345, 12_345):
        assert format_amount(amount) in problem
    assert "Box 8" in problem and "box 7" in problem
    assert year_summary(book.conn, 2023).cash_agrees  # the year before is untouched
    i18n.set_language("ru")
    try:
        in_russian = summary.cash_problem()
    finally:
        i18n.set_language("en")
    assert in_russian is not None and format_amount(12_345, "ru") in in_russian


def test_figures_and_anchor_come_from_one_moment(book: Ledger) -> None:
    """Another connection records an entry while a summary is being read: the summary shows
    the ledger before it, figures and anchor alike (one read transaction)."""
    reader = book.sibling()
    clerk = admin_of(book)
    try:
        before = chain.head(book.conn)
        seen: list[str] = []
        written: list[int] = []

        def write_midway(statement: str) -> None:
            # The read transaction starts at its first read: write just after that one.
            seen.append(statement)
            if len([q for q in seen if "daily_totals" in q]) == 2 and not written:
                written.append(receipt(book, clerk, "2024-06-01", 777_000, "TAX-LAND"))

        reader.conn.set_trace_callback(write_midway)
        summary = year_summary(reader.conn, 2024)
        reader.conn.set_trace_callback(None)
        assert written  # the write did happen while the summary was being read
        assert (summary.chain_entries, summary.chain_head) == before
        assert summary.anchor == f"{before[0]}:{before[1]}"
        assert "TAX-LAND" not in summary.receipts
        assert not reader.conn.in_transaction  # the read transaction was let go
        after = year_summary(reader.conn, 2024)
        assert after.receipts["TAX-LAND"] == 777_000
        assert (after.chain_entries, after.chain_head) == chain.head(book.conn) != before
    finally:
        reader.close()


def test_a_summary_inside_a_callers_transaction_uses_it(book: Ledger) -> None:
    with snapshot(book.conn):
        first = year_summary(book.conn, 2024)
        assert book.conn.in_transaction
    assert first == year_summary(book.conn, 2024)


def test_monthly_flows(book: Ledger) -> None:
    flows = {m: (r, p) for m, r, p in monthly_flows(book.conn, 2023)}
    assert len(flows) == 12
    assert flows[3] == (200_000, 0)
    assert flows[4] == (0, 0)  # donation and its return in the same month
    assert flows[5] == (0, 300_000)
    assert flows[12] == (0, 50_000)
    assert sum(r for r, _ in flows.values()) == 200_000
    assert {m: (r, p) for m, r, p in monthly_flows(book.conn, 2024)}[1] == (0, -40_000)


# --- random ledgers: box 7 == box 8 == cash, and the boxes match a brute-force count -----

REVENUE = [c.code for c in DEFAULT_REVENUE_SOURCES]
EXPENDITURE = [c.code for c in DEFAULT_EXPENDITURE_PROGRAMS]
START = date(2023, 1, 1)

operation = st.one_of(
    st.tuples(
        st.just("receipt"),
        st.integers(0, 1000),
        st.integers(1, 500_000),
        st.sampled_from(REVENUE),
        st.sampled_from(["BANK", "CASH"]),
        st.sampled_from(["GENERAL", "WELL"]),
    ),
    st.tuples(
        st.just("payment"),
        st.integers(0, 1000),
        st.integers(1, 500_000),
        st.sampled_from(EXPENDITURE),
        st.sampled_from(["BANK", "CASH"]),
        st.sampled_from(["GENERAL", "WELL"]),
    ),
    st.tuples(
        st.just("transfer"),
        st.integers(0, 1000),
        st.integers(1, 500_000),
        st.none(),
        st.sampled_from(["BANK", "CASH"]),
        st.sampled_from(["GENERAL", "WELL"]),
    ),
    st.tuples(
        st.just("opening"),
        st.integers(0, 1000),
        st.integers(1, 500_000),
        st.none(),
        st.sampled_from(["BANK", "CASH"]),
        st.sampled_from(["GENERAL", "WELL"]),
    ),
    st.tuples(
        st.just("reverse"),
        st.integers(0, 1000),
        st.integers(0, 10_000),
        st.none(),
        st.none(),
        st.none(),
    ),
)


@cache
def _random_template() -> Path:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "random.ruralcouncil")
    catalog.add_fund(ledger, admin_of(ledger), "WELL", restricted=True, name_en="Well")
    ledger.close()
    return folder / "random.ruralcouncil"


def _apply(ledger: Ledger, ops: list[tuple[object, ...]]) -> int:
    user = admin_of(ledger)
    posted = 0
    for kind, offset, amount, code, account, fund in ops:
        when = START + timedelta(days=int(offset))  # type: ignore[call-overload]
        try:
            if kind == "reverse":
                ids = [
                    r[0]
                    for r in ledger.conn.execute(
                        "SELECT id FROM transactions WHERE reverses IS NULL ORDER BY id"
                    )
                ]
                if not ids:
                    continue
                target = ids[int(amount) % len(ids)]  # type: ignore[call-overload]
                first = ledger.conn.execute(
                    "SELECT date FROM transactions WHERE id = ?", (target,)
                ).fetchone()[0]
                on = max(when, date.fromisoformat(first))
                journal.reverse(ledger, user, target, "random", on)
            else:
                other = "CASH" if account == "BANK" else "BANK"
                journal.record(
                    ledger,
                    user,
                    entry(
                        when.isoformat(),
                        str(kind),
                        int(amount),  # type: ignore[call-overload]
                        code if isinstance(code, str) else None,
                        fund=str(fund),
                        account=str(account),
                        to_account=other if kind == "transfer" else None,
                    ),
                )
            posted += 1
        except InvalidInput:
            pass
    return posted


def _brute_force(conn: sqlite3.Connection, year: int) -> dict[str, int]:
    """The boxes counted straight from the transactions, without postings or daily totals."""
    found: dict[int, int] = defaultdict(int)
    cash_before = openings = 0
    cash_end = 0
    for when, kind, amount, code, _account, _to in conn.execute(
        "SELECT date, type, amount, code, account, to_account FROM transactions"
    ):
        y = int(when[:4])
        change = {"receipt": amount, "payment": -amount, "opening": amount}.get(kind, 0)
        if y < year:
            cash_before += change
        if y <= year:
            cash_end += change
        if y != year:
            continue
        if kind == "receipt":
            found[2 if code.startswith("TAX-") else 3] += amount
        elif kind == "payment":
            found[{"STAFF": 4, "LOAN-REPAY": 5}.get(code, 6)] += amount
        elif kind == "opening":
            openings += amount
    found[1] = cash_before + openings
    found[7] = found[1] + found[2] + found[3] - found[4] - found[5] - found[6]
    found[8] = cash_end
    return {str(n): found[n] for n in range(1, 11)}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(operation, min_size=1, max_size=30))
def test_random_ledgers_balance(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger = copy_ledger(_random_template(), Path(folder))
        try:
            _apply(ledger, ops)
            previous_7 = 0
            for year in range(2022, 2027):
                summary = year_summary(ledger.conn, year)
                figures = summary.as_json()["boxes"]
                assert figures["7"] == figures["8"] == sum(summary.cash.values())
                assert sum(summary.funds.values()) == figures["8"]
                assert all(v >= 0 for v in summary.cash.values())  # no overdraft got through
                assert all(v >= 0 for v in summary.funds.values())
                openings = ledger.conn.execute(
                    "SELECT COALESCE(SUM(amount), 0) FROM transactions WHERE type = 'opening'"
                    " AND substr(date, 1, 4) = ?",
                    (str(year),),
                ).fetchone()[0]
                assert figures["1"] == previous_7 + openings
                assert figures == _brute_force(ledger.conn, year)
                assert set(summary.receipts) <= set(REVENUE)
                assert set(summary.payments) <= set(EXPENDITURE)
                assert (
                    sum(v for k, v in summary.receipts.items() if k.startswith("TAX-"))
                    == figures["2"]
                )
                previous_7 = figures["7"]
        finally:
            ledger.close()
