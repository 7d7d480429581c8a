"""Keyset paging, counts, totals and running balances, checked against a brute-force list."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    day,
    english,
    entry,
    fresh_ledger,
    opening,
    scratch_dir,
    vm_steps,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from ruralcouncil.ledger import catalog, journal, queries
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.storage import Ledger, open_ledger

TEXTS = [
    "Серік",
    "ТОО Жол",
    "100% paid",
    "snow_removal",
    "Road repair",
    "ROAD sign",
    "",
    "back\\slash",
    "Қар тазалау",
]


def _build(ledger: Ledger) -> None:
    user = admin_of(ledger)
    catalog.add_fund(ledger, user, "WELL", restricted=True, name_en="Well")
    opening(ledger, user, "2023-01-01", 50_000_00)
    opening(ledger, user, "2023-01-01", 5_000_00, account="CASH")
    opening(ledger, user, "2023-01-01", 5_000_00, fund="WELL")
    rng = random.Random(7)
    start = date(2023, 1, 1)
    posted: list[int] = []
    while len(posted) < 90:
        when = (start + timedelta(days=rng.randrange(0, 700))).isoformat()
        kind = rng.choice(["receipt", "payment", "payment", "transfer"])
        account = rng.choice(["BANK", "CASH"])
        code = {
            "receipt": rng.choice(["TAX-LAND", "FINES", "DONATION"]),
            "payment": rng.choice(["ROADS", "STAFF", "WATER"]),
        }.get(kind)
        new = entry(
            when,
            kind,
            rng.randrange(1, 200_00),
            code,
            fund=rng.choice(["GENERAL", "GENERAL", "WELL"]),
            account=account,
            to_account=("CASH" if account == "BANK" else "BANK") if kind == "transfer" else None,
            counterparty=rng.choice(TEXTS),
            description=rng.choice(TEXTS),
            reference=rng.choice(["", "№ 7", "INV-42"]),
        )
        try:
            posted.append(journal.record(ledger, user, new))
        except InvalidInput:
            continue
        if len(posted) % 9 == 0:
            target = posted[-3]
            first = ledger.conn.execute(
                "SELECT date FROM transactions WHERE number = ?", (target,)
            ).fetchone()[0]
            with suppress(InvalidInput):  # a reversal may overdraw: then skip it
                journal.reverse(
                    ledger,
                    user,
                    target,
                    rng.choice(["typo", "100% wrong"]),
                    day(first) + timedelta(days=rng.randrange(0, 30)),
                )


@pytest.fixture(scope="module")
def conn_ledger() -> Iterator[Ledger]:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "queries.ruralcouncil")
    _build(ledger)
    ledger.close()
    reader = open_ledger(folder / "queries.ruralcouncil", write=False)
    try:
        yield reader
    finally:
        reader.close()


def everything(ledger: Ledger) -> list[EntryRow]:
    """The brute-force list: every row, sorted in Python."""
    rows = queries.at_offset(ledger.conn, EntryFilter(), 0, 10**9)
    raw_ids = sorted(
        (str(d), int(i)) for d, i in ledger.conn.execute("SELECT date, id FROM transactions")
    )
    assert [r.key for r in rows] == raw_ids
    return rows


def _like(needle: str, value: str) -> bool:
    # SQLite's LIKE folds ASCII letters only.
    fold = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    return needle.translate(fold) in value.translate(fold)


def matches(row: EntryRow, flt: EntryFilter) -> bool:
    text = flt.text.strip()
    return (
        (flt.year is None or row.date.startswith(f"{flt.year:04d}-"))
        and (not flt.type or row.type == flt.type)
        and (not flt.category or row.category == flt.category)
        and (not flt.fund or row.fund == flt.fund)
        and (not flt.account or flt.account in (row.account, row.to_account))
        and (
            not text
            or str(row.id) == text
            or any(
                _like(text, v)
                for v in (row.counterparty, row.description, row.reference, row.reason)
            )
        )
    )


filters = st.builds(
    EntryFilter,
    year=st.sampled_from([None, 2023, 2024, 2025, 2030]),
    type=st.sampled_from([None, "receipt", "payment", "transfer", "opening"]),
    category=st.sampled_from([None, "ROADS", "TAX-LAND", "STAFF", "LOAN"]),
    fund=st.sampled_from([None, "GENERAL", "WELL"]),
    account=st.sampled_from([None, "BANK", "CASH"]),
    text=st.sampled_from(
        [
            "",
            "road",
            "100%",
            "%",
            "_",
            "snow_",
            "Жол",
            "жол",
            "wrong",
            "typo",
            "\\",
            " Серік ",
            "42",
            "7",
            "zzz",
        ]
    ),
)


@settings(max_examples=120, deadline=None)
@given(flt=filters, limit=st.integers(1, 40))
def test_paging_matches_brute_force(conn_ledger: Ledger, flt: EntryFilter, limit: int) -> None:
    conn = conn_ledger.conn
    expected = [r for r in everything(conn_ledger) if matches(r, flt)]
    assert queries.count(conn, flt) == len(expected)
    assert queries.after(conn, flt, None, limit) == expected[:limit]
    assert queries.before(conn, flt, None, limit) == expected[-limit:]
    # Forwards and backwards through every page by key.
    pages: list[EntryRow] = []
    key = None
    while page := queries.after(conn, flt, key, limit):
        pages += page
        key = page[-1].key
    assert pages == expected
    pages, key = [], None
    while page := queries.before(conn, flt, key, limit):
        pages = page + pages
        key = page[0].key
    assert pages == expected
    for offset in (0, limit, len(expected) // 2, max(len(expected) - 1, 0), len(expected)):
        assert queries.at_offset(conn, flt, offset, limit) == expected[offset : offset + limit]
    assert list(queries.iterate(conn, flt, batch=limit)) == expected
    totals = queries.totals(conn, flt)
    for kind in ("receipt", "payment", "transfer", "opening"):
        assert totals[kind] == sum(r.amount for r in expected if r.type == kind)


def test_data_is_varied(conn_ledger: Ledger) -> None:
    rows = everything(conn_ledger)
    assert len(rows) > 90
    assert {r.type for r in rows} == {"receipt", "payment", "transfer", "opening"}
    assert any(r.reverses for r in rows)
    assert len({r.date[:4] for r in rows}) >= 2
    assert len({r.date for r in rows}) < len(rows)  # several entries share a day


def test_keys_mid_list(conn_ledger: Ledger) -> None:
    rows = everything(conn_ledger)
    flt = EntryFilter()
    for i in (0, 1, len(rows) // 2, len(rows) - 2):
        assert queries.after(conn_ledger.conn, flt, rows[i].key, 5) == rows[i + 1 : i + 6]
        assert (
            queries.before(conn_ledger.conn, flt, rows[i + 1].key, 5) == rows[max(0, i - 4) : i + 1]
        )
    assert queries.after(conn_ledger.conn, flt, rows[-1].key, 5) == []
    assert queries.before(conn_ledger.conn, flt, rows[0].key, 5) == []


@pytest.mark.parametrize("fund", [None, "GENERAL", "WELL"])
@pytest.mark.parametrize("account", ["BANK", "CASH"])
def test_balance_before_matches_running_sum(
    conn_ledger: Ledger, account: str, fund: str | None
) -> None:
    rows = [r for r in everything(conn_ledger) if fund is None or r.fund == fund]
    running = 0
    for row in rows:
        assert queries.balance_before(conn_ledger.conn, account, row.key, fund) == running, row
        running += row.effect_on(account)
    assert running >= 0
    posted = conn_ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?"
        + (" AND fund = ?" if fund else ""),
        [account, *([fund] if fund else [])],
    ).fetchone()[0]
    assert running == posted
    assert queries.balance_before(conn_ledger.conn, account, ("9999-12-31", 0), fund) == posted


def test_get(conn_ledger: Ledger) -> None:
    rows = everything(conn_ledger)
    for row in rows[::10]:
        assert queries.get(conn_ledger.conn, row.id) == row
    assert queries.get(conn_ledger.conn, 10**9) is None
    assert queries.get(conn_ledger.conn, 0) is None
    assert queries.get(conn_ledger.conn, len(rows) + 1) is None
    # Entry numbers count entries only: 1 is the first entry, not the chain's first record.
    first = queries.get(conn_ledger.conn, 1)
    assert first is not None and first.type == "opening" and first.date == "2023-01-01"
    assert sorted(r.id for r in rows) == list(range(1, len(rows) + 1))
    for row in rows:
        assert row.chain_seq is not None and row.chain_seq > row.id
        kind, record = conn_ledger.conn.execute(
            "SELECT kind, record FROM chain WHERE seq = ?", (row.chain_seq,)
        ).fetchone()
        assert (kind, record) == ("transaction", str(row.row_id))


def test_reversal_links(conn_ledger: Ledger) -> None:
    rows = {r.id: r for r in everything(conn_ledger)}
    for row in rows.values():
        if row.reverses is not None:
            original = rows[row.reverses]
            assert original.reversed_by == row.id
            assert row.amount == -original.amount and row.type == original.type
            assert row.reason


def test_as_json_contract(conn_ledger: Ledger) -> None:
    row = next(r for r in everything(conn_ledger) if r.type == "transfer")
    data = row.as_json()
    assert {
        "id",
        "date",
        "type",
        "amount",
        "category",
        "fund",
        "account",
        "to_account",
        "counterparty",
        "description",
        "reference",
        "reverses",
    } <= set(data)
    assert data["category"] is None and data["to_account"] in ("BANK", "CASH")
    # The chain position beside the number; no old (version-1) number in a new ledger.
    assert (data["id"], data["chain_seq"]) == (row.id, row.chain_seq)
    assert data["legacy_id"] is None and queries.legacy_cutoff(conn_ledger.conn) == 0


def test_years(conn_ledger: Ledger, tmp_path: Path) -> None:
    this_year = date.today().year
    assert queries.years(conn_ledger.conn) == list(range(2023, this_year + 1))
    empty = fresh_ledger(tmp_path)
    assert queries.years(empty.conn) == [this_year]
    empty.close()


def test_text_filter_escapes_like(conn_ledger: Ledger) -> None:
    rows = everything(conn_ledger)
    percent = queries.count(conn_ledger.conn, EntryFilter(text="%"))
    assert percent == sum(
        1
        for r in rows
        if any("%" in v for v in (r.counterparty, r.description, r.reference, r.reason))
    )
    assert 0 < percent < len(rows)
    by_id = queries.after(conn_ledger.conn, EntryFilter(text=str(rows[5].id)), None, 50)
    assert rows[5] in by_id


def _statements(conn: sqlite3.Connection, work: Callable[[], object]) -> list[str]:
    """The SQL statements ``work`` runs on ``conn``."""
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        conn.set_trace_callback(None)
    return seen


def _steps(conn: sqlite3.Connection, work: Callable[[], object]) -> int:
    """Every step of SQLite's virtual machine ``work`` takes."""
    return vm_steps(conn, work, every=1)


def test_a_year_is_counted_by_its_days(conn_ledger: Ledger) -> None:
    """A year's count, of every type or one, is added up from ``daily_entries`` and reads no
    entry; a filter on more than the day and type counts the entries themselves."""
    conn = conn_ledger.conn
    rows = everything(conn_ledger)
    for flt in (
        EntryFilter(),
        EntryFilter(year=2024),
        EntryFilter(year=2024, type="payment"),
        EntryFilter(type="transfer"),
        EntryFilter(year=2030),
    ):
        seen = _statements(conn, lambda f=flt: queries.count(conn, f))
        assert any("FROM daily_entries" in s for s in seen), (flt, seen)
        assert not any("transactions" in s for s in seen), (flt, seen)
        assert queries.count(conn, flt) == sum(matches(r, flt) for r in rows)
    for flt in (
        EntryFilter(year=2024, fund="WELL"),
        EntryFilter(year=2024, category="ROADS"),
        EntryFilter(year=2024, account="CASH"),
        EntryFilter(year=2024, text="road"),
    ):
        seen = _statements(conn, lambda f=flt: queries.count(conn, f))
        assert not any("daily_entries" in s for s in seen), (flt, seen)
        assert queries.count(conn, flt) == sum(matches(r, flt) for r in rows) > 0


def test_a_years_count_costs_the_same_at_ten_times_the_entries(tmp_path: Path) -> None:
    """Flat in the ledger's size: ten times the entries on the same days, and the count of
    their year takes exactly as many steps (it took a step per entry before)."""
    ledger = fresh_ledger(tmp_path)
    user = admin_of(ledger)
    opening(ledger, user, "2025-01-01", 1_000_000_00)
    days = [f"2025-03-{d:02d}" for d in range(1, 6)]

    def post(n: int) -> None:
        for i in range(n):
            kind = "receipt" if i % 2 else "payment"
            code = "TAX-LAND" if kind == "receipt" else "ROADS"
            journal.record(ledger, user, entry(days[i % len(days)], kind, 100_00, code))

    def year() -> int:
        return queries.count(ledger.conn, EntryFilter(year=2025))

    def payments() -> int:
        return queries.count(ledger.conn, EntryFilter(year=2025, type="payment"))

    def by_entries() -> int:
        return queries.count(ledger.conn, EntryFilter(year=2025, fund="GENERAL"))

    post(10)
    few = (_steps(ledger.conn, year), _steps(ledger.conn, payments))
    few_entries = _steps(ledger.conn, by_entries)
    post(90)
    assert (year(), payments()) == (101, 50)
    assert (_steps(ledger.conn, year), _steps(ledger.conn, payments)) == few
    # The probe can tell: a count made from the entries grows with them.
    assert _steps(ledger.conn, by_entries) > 5 * few_entries
    ledger.close()


def test_a_ledger_older_than_daily_entries_counts_its_entries(conn_ledger: Ledger) -> None:
    """A file of version 5 or earlier (read to be verified) has no ``daily_entries``: its
    counts are made from the entries, and are the same."""
    memory = sqlite3.connect(":memory:")
    try:
        conn_ledger.conn.backup(memory)
        memory.execute("DROP TRIGGER transactions_daily_entries")
        memory.execute("DROP TABLE daily_entries")
        for flt in (EntryFilter(), EntryFilter(year=2024), EntryFilter(type="payment")):
            expected = queries.count(conn_ledger.conn, flt)
            assert queries.count(memory, flt) == expected > 0
    finally:
        memory.close()
