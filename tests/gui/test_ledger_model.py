"""The ledger table model pages through the core by key and agrees with queries.iterate."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from ruralcouncil import i18n
from ruralcouncil.gui.ledger_model import (
    ACCOUNT,
    AMOUNT,
    BALANCE,
    CATEGORY,
    DATE,
    ENTRY_ROLE,
    FUND,
    LINKS,
    TYPE,
    LedgerTableModel,
)
from ruralcouncil.ledger import catalog, journal, queries
from ruralcouncil.ledger.dates import shown_time
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.queries import EntryFilter, EntryRow
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

RECEIPT_CODES = ["TAX-LAND", "DONATION", "RENT-PROPERTY", "SUBSIDY"]
PAYMENT_CODES = ["STAFF", "ROADS", "LIGHTING", "WATER"]


def fill(ledger: Ledger, user: User, n: int, seed: int = 1) -> None:
    """``n`` plausible entries over 2024-2025 in two funds, never overdrawn, in one write."""
    catalog.add_fund(ledger, user, "SCHOOL", restricted=True, name_en="School roof")
    rng = random.Random(seed)
    balance = {
        ("BANK", "GENERAL"): 0,
        ("BANK", "SCHOOL"): 0,
        ("CASH", "GENERAL"): 0,
        ("CASH", "SCHOOL"): 0,
    }
    day = date(2024, 1, 1)
    with ledger.write(user) as commit:
        for i in range(n):
            day += timedelta(days=rng.choice([0, 1, 1]))
            fund = rng.choice(["GENERAL", "GENERAL", "SCHOOL"])
            account = rng.choice(["BANK", "BANK", "CASH"])
            kind = rng.random()
            amount = rng.randint(1, 5000) * 100
            if kind < 0.5 or balance[account, fund] < amount:
                entry = NewEntry(
                    day,
                    EntryType.RECEIPT,
                    amount,
                    rng.choice(RECEIPT_CODES),
                    fund,
                    account,
                    counterparty=f"Payer {i}",
                    description=f"receipt {i}",
                    reference=f"R-{i}",
                )
                balance[account, fund] += amount
            elif kind < 0.85:
                entry = NewEntry(
                    day,
                    EntryType.PAYMENT,
                    amount,
                    rng.choice(PAYMENT_CODES),
                    fund,
                    account,
                    counterparty=f"Payee {i}",
                    description=f"payment {i}",
                )
                balance[account, fund] -= amount
            else:
                other = "CASH" if account == "BANK" else "BANK"
                entry = NewEntry(
                    day,
                    EntryType.TRANSFER,
                    amount,
                    None,
                    fund,
                    account,
                    other,
                    description=f"transfer {i}",
                )
                balance[account, fund] -= amount
                balance[other, fund] += amount
            journal.insert_entry(commit, user, entry)


@pytest.fixture
def filled(gui_ledger: Ledger, admin_user: User) -> Ledger:
    fill(gui_ledger, admin_user, 1000)
    return gui_ledger


def every_row(ledger: Ledger, flt: EntryFilter) -> list[EntryRow]:
    return list(queries.iterate(ledger.conn, flt))


def model_rows(model: LedgerTableModel, order: list[int]) -> dict[int, EntryRow]:
    found = {}
    for row in order:
        entry = model.entry(row)
        assert entry is not None
        found[row] = entry
    return found


def test_qt_model_tester_empty(qtmodeltester, gui_ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    model = LedgerTableModel(gui_ledger)
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_qt_model_tester_filled(qtmodeltester, filled: Ledger) -> None:  # type: ignore[no-untyped-def]
    model = LedgerTableModel(filled, page_size=16)
    assert model.rowCount() == 1000
    qtmodeltester.check(model)
    model.set_filter(EntryFilter(account="BANK"))
    qtmodeltester.check(model)


def test_forward_paging_matches_iterate(filled: Ledger) -> None:
    expected = every_row(filled, EntryFilter())
    model = LedgerTableModel(filled, page_size=16, max_pages=4)
    assert model.rowCount() == len(expected) == 1000
    got = model_rows(model, list(range(1000)))
    assert [got[i] for i in range(1000)] == expected
    # Walking forward, every page after the first is found from its neighbour's last key.
    assert model.fetches["offset"] == 0
    assert model.fetches["before"] == 0


def test_jump_to_last_row_then_scroll_backwards(filled: Ledger) -> None:
    expected = every_row(filled, EntryFilter())
    model = LedgerTableModel(filled, page_size=16, max_pages=4)
    last = model.entry(999)
    assert last == expected[-1]
    assert model.fetches == {"after": 0, "before": 1, "offset": 0}
    got = model_rows(model, list(range(999, -1, -1)))
    assert [got[i] for i in range(1000)] == expected
    assert model.fetches["offset"] == 0  # every earlier page by key


def test_jump_into_the_middle_falls_back_to_offset_then_walks_by_key(filled: Ledger) -> None:
    expected = every_row(filled, EntryFilter())
    model = LedgerTableModel(filled, page_size=16, max_pages=3)
    assert model.entry(500) == expected[500]
    assert model.fetches["offset"] == 1
    for row in [*range(501, 560), *range(499, 440, -1), 0, 1, 998, 997, 500]:
        assert model.entry(row) == expected[row], row
    assert model.data(model.index(999, 0), ENTRY_ROLE) == expected[999]
    assert model.entry(1000) is None and model.entry(-1) is None


@pytest.mark.parametrize("row", [999 - 16, 999 - 16 * 3 - 5, 20, 16 * 4 + 3])
def test_near_the_ends_pages_are_walked_by_key_not_offset(filled: Ledger, row: int) -> None:
    expected = every_row(filled, EntryFilter())
    model = LedgerTableModel(filled, page_size=16, max_pages=3)
    assert model.entry(row) == expected[row]
    assert model.fetches["offset"] == 0
    for other in range(row - 40, row + 40):
        if 0 <= other < 1000:
            assert model.entry(other) == expected[other]


def test_display_text(filled: Ledger) -> None:
    model = LedgerTableModel(filled)
    first = every_row(filled, EntryFilter())[0]
    texts = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert str(first.id) in texts
    assert first.description in texts
    assert model.column_of(BALANCE) == -1
    amount = model.data(model.index(0, model.column_of(AMOUNT)))
    assert amount.startswith("₸") and amount.endswith(f"{first.amount // 100:,}.00"[-6:])


def test_reversal_shown_negative_and_red_original_struck_out(
    gui_ledger: Ledger, admin_user: User
) -> None:
    first = journal.record(
        gui_ledger, admin_user, NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 150000, "TAX-LAND")
    )
    second = journal.reverse(gui_ledger, admin_user, first, "typed twice", date(2025, 3, 2))
    model = LedgerTableModel(gui_ledger)
    column = model.column_of(AMOUNT)
    assert model.data(model.index(1, column)) == "-₸1,500.00"
    assert model.data(model.index(1, column), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, column), Qt.ItemDataRole.FontRole).strikeOut()
    texts = [model.data(model.index(1, c)) for c in range(model.columnCount())]
    assert f"reverses №{first}" in texts
    # The type column says what the entry is: a reversal of entry №N, not a "Receipt".
    assert model.data(model.index(1, model.column_of(TYPE))) == f"Reversal of №{first}"
    assert model.data(model.index(1, model.column_of(TYPE)), Qt.ItemDataRole.ToolTipRole) == (
        f"Reversal of entry {first}\nReason: typed twice"
    )
    assert model.data(model.index(0, model.column_of(TYPE))) == "Receipt"
    texts = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert f"reversed by №{second}" in texts
    assert model.data(model.index(0, model.column_of(TYPE)), Qt.ItemDataRole.ToolTipRole) == (
        f"Reversed by entry {second}"
    )


@pytest.mark.parametrize(
    "flt",
    [
        EntryFilter(account="BANK"),
        EntryFilter(account="CASH", fund="SCHOOL"),
        EntryFilter(account="BANK", year=2025),
        EntryFilter(account="BANK", type="payment"),  # rows missing in between
        EntryFilter(account="CASH", text="transfer"),
    ],
)
def test_running_balance_equals_computed(filled: Ledger, flt: EntryFilter) -> None:
    assert flt.account
    running = 0
    balance_after: dict[int, int] = {}
    for row in every_row(filled, EntryFilter(fund=flt.fund)):
        running += row.effect_on(flt.account)
        balance_after[row.id] = running
    expected = every_row(filled, flt)
    assert expected
    model = LedgerTableModel(filled, flt, page_size=16, max_pages=4)
    assert model.column_of(BALANCE) >= 0
    # Walk from the end backwards, then from the start, so both fetch paths count.
    for row in [*range(len(expected) - 1, -1, -1), *range(len(expected))]:
        assert model.balance_after(row) == balance_after[expected[row].id], row
    assert min(balance_after.values()) >= 0


def _count(rows: list[EntryRow], test: object) -> int:
    return sum(1 for r in rows if test(r))  # type: ignore[operator]


def test_each_filter_changes_row_count(filled: Ledger) -> None:
    rows = every_row(filled, EntryFilter())
    model = LedgerTableModel(filled)
    cases = [
        (EntryFilter(year=2025), lambda r: r.date.startswith("2025")),
        (EntryFilter(type="transfer"), lambda r: r.type == "transfer"),
        (EntryFilter(category="ROADS"), lambda r: r.category == "ROADS"),
        (EntryFilter(fund="SCHOOL"), lambda r: r.fund == "SCHOOL"),
        (EntryFilter(account="CASH"), lambda r: "CASH" in (r.account, r.to_account)),
        (EntryFilter(text="Payee 1"), lambda r: "Payee 1" in r.counterparty),
        (
            EntryFilter(year=2024, type="receipt", fund="GENERAL"),
            lambda r: r.date < "2025" and r.type == "receipt" and r.fund == "GENERAL",
        ),
    ]
    for flt, test in cases:
        model.set_filter(flt)
        expected = _count(rows, test)
        assert 0 < model.rowCount() == expected < len(rows), flt
        assert all(test(model.entry(i)) for i in range(model.rowCount()))
    model.set_filter(EntryFilter(text="no such text"))
    assert model.rowCount() == 0
    model.set_filter(EntryFilter())
    assert model.rowCount() == len(rows)


def test_refresh_sees_new_entries(filled: Ledger, admin_user: User, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = LedgerTableModel(filled, EntryFilter(account="BANK"))
    before = model.rowCount()
    last_balance = model.balance_after(before - 1)
    assert last_balance is not None
    journal.record(
        filled,
        admin_user,
        NewEntry(date(2026, 1, 5), EntryType.RECEIPT, 12345, "DONATION", description="new gift"),
    )
    assert model.rowCount() == before  # cached until told
    with qtbot.waitSignal(model.modelReset):
        model.refresh()
    assert model.rowCount() == before + 1
    newest = model.entry(before)
    assert newest is not None and newest.description == "new gift"
    assert model.balance_after(before) == last_balance + 12345


def test_cells_show_names_in_the_users_language_and_codes_in_tooltips(
    gui_ledger: Ledger, admin_user: User
) -> None:
    for new in (
        NewEntry(date(2025, 3, 1), EntryType.RECEIPT, 1000_00, "TAX-LAND"),
        NewEntry(
            date(2025, 3, 2), EntryType.TRANSFER, 100_00, None, account="BANK", to_account="CASH"
        ),
    ):
        journal.record(gui_ledger, admin_user, new)
    model = LedgerTableModel(gui_ledger)

    def cell(row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(row, model.column_of(column)), role)

    tip = Qt.ItemDataRole.ToolTipRole
    assert (cell(0, CATEGORY), cell(0, FUND), cell(0, ACCOUNT)) == (
        "Land tax",
        "General fund",
        "Bank account",
    )
    assert (cell(0, CATEGORY, tip), cell(0, FUND, tip), cell(0, ACCOUNT, tip)) == (
        "Land tax — TAX-LAND",
        "General fund — GENERAL",
        "Bank account — BANK",
    )
    # A transfer has no category: its accounts say what it is, in sight even when the
    # Account column gives way.
    assert cell(1, CATEGORY) == cell(1, ACCOUNT) == "Bank account → Cash box"
    assert cell(1, ACCOUNT, tip) == "Bank account — BANK → Cash box — CASH"
    assert cell(1, TYPE) == "Transfer"
    assert cell(0, DATE) == "01/03/2025"
    # Who recorded it and when, in local time and the user's format, not raw UTC.
    recorded = every_row(gui_ledger, EntryFilter())[0].recorded_at
    assert cell(0, DATE, tip) == f"Recorded by admin on {shown_time(recorded)}"
    assert recorded not in str(cell(0, DATE, tip))
    i18n.set_language("kk")
    model.refresh()
    assert cell(0, CATEGORY) == "Жер салығы"
    assert cell(0, DATE) == "01.03.2025"


def test_column_titles_have_tooltips_for_narrowed_headers(gui_ledger: Ledger) -> None:
    model = LedgerTableModel(gui_ledger)
    column = model.column_of(LINKS)
    assert model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "Reverses / reversed by"
    )
