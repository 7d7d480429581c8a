"""The journal: receipts, payments, transfers, openings, reversals and closed years, with
every refusal of the issue's "Bad input" list writing nothing at all."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    day,
    english,
    entry,
    fresh_ledger,
    opening,
    payment,
    receipt,
    state,
    transfer,
)

from ruralcouncil.ledger import catalog, clock, importer, journal, queries, storage, users
from ruralcouncil.ledger.dates import shown_time
from ruralcouncil.ledger.errors import (
    ClosedYear,
    InvalidInput,
    LedgerError,
    Overdraft,
    PermissionDenied,
)
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import MAX_AMOUNT
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import verify


@dataclass
class Book:
    ledger: Ledger
    user: User

    def balance(self, account: str, fund: str | None = None) -> int:
        sql = "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?"
        params: list[str] = [account]
        if fund:
            sql += " AND fund = ?"
            params.append(fund)
        return int(self.ledger.conn.execute(sql, params).fetchone()[0])

    def postings(self, entry_id: int) -> list[tuple[str, str, int]]:
        return [
            tuple(r)
            for r in self.ledger.conn.execute(
                "SELECT account, fund, amount FROM postings WHERE transaction_id = ? ORDER BY id",
                (entry_id,),
            )
        ]


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    ledger = fresh_ledger(tmp_path)
    catalog.add_fund(ledger, admin_of(ledger), "WELL", restricted=True, name_en="New well")
    try:
        yield Book(ledger, admin_of(ledger))
    finally:
        assert verify(ledger.conn).ok
        ledger.close()


def refused(
    book: Book,
    action: Callable[[], object],
    error: type[LedgerError] = InvalidInput,
    match: str | None = None,
) -> LedgerError:
    """Run an action that must be refused, and check that nothing at all was written."""
    before = state(book.ledger.conn)
    with pytest.raises(error, match=match) as info:
        action()
    assert state(book.ledger.conn) == before
    assert not book.ledger.conn.in_transaction
    return info.value


# --- what each kind of entry posts -------------------------------------------------------


def test_receipt(book: Book) -> None:
    entry_id = receipt(
        book.ledger,
        book.user,
        "2024-02-01",
        1_500_00,
        "TAX-LAND",
        counterparty="  Серік  ",
        description="Land tax\tQ1 ",
        reference="№1",
    )
    assert book.postings(entry_id) == [
        ("BANK", "GENERAL", 1_500_00),
        ("TAX-LAND", "GENERAL", -1_500_00),
    ]
    row = queries.get(book.ledger.conn, entry_id)
    assert row is not None
    assert (row.date, row.type, row.amount, row.category, row.fund, row.account) == (
        "2024-02-01",
        "receipt",
        1_500_00,
        "TAX-LAND",
        "GENERAL",
        "BANK",
    )
    assert (row.counterparty, row.description, row.reference) == ("Серік", "Land tax\tQ1", "№1")
    assert (row.user, row.reverses, row.reversed_by, row.to_account) == ("admin", None, None, None)
    # The first entry is number 1, whatever the chain held before it (categories, funds, users).
    assert entry_id == 1
    conn = book.ledger.conn
    assert row.chain_seq is not None and row.chain_seq > 1
    assert conn.execute(
        "SELECT kind, record FROM chain WHERE seq = ?", (row.chain_seq,)
    ).fetchone() == (
        "transaction",
        str(row.row_id),
    )
    assert conn.execute(
        "SELECT e.event, e.detail FROM chain c JOIN events e ON c.record = CAST(e.id AS TEXT)"
        " WHERE c.kind = 'event' AND c.seq = ?",
        (row.chain_seq + 1,),
    ).fetchone() == ("entry.record", "1 receipt 150000 2024-02-01")


def test_payment(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    entry_id = payment(book.ledger, book.user, "2024-02-02", 400_00, "STAFF")
    assert book.postings(entry_id) == [("STAFF", "GENERAL", 400_00), ("BANK", "GENERAL", -400_00)]
    assert book.balance("BANK") == 600_00


def test_transfer(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    entry_id = transfer(book.ledger, book.user, "2024-02-02", 300_00, "BANK", "CASH")
    assert book.postings(entry_id) == [("CASH", "GENERAL", 300_00), ("BANK", "GENERAL", -300_00)]
    assert (book.balance("BANK"), book.balance("CASH")) == (700_00, 300_00)
    transfer(book.ledger, book.user, "2024-02-03", 300_00, "CASH", "BANK")
    assert (book.balance("BANK"), book.balance("CASH")) == (1_000_00, 0)


def test_openings(book: Book) -> None:
    bank = opening(book.ledger, book.user, "2024-01-01", 5_000_00)
    cash = opening(book.ledger, book.user, "2024-01-01", 70_00, account="CASH")
    well = opening(book.ledger, book.user, "2024-01-01", 900_00, fund="WELL")
    assert book.postings(bank) == [("BANK", "GENERAL", 5_000_00), ("OPENING", "GENERAL", -5_000_00)]
    assert book.postings(cash) == [("CASH", "GENERAL", 70_00), ("OPENING", "GENERAL", -70_00)]
    assert book.postings(well) == [("BANK", "WELL", 900_00), ("OPENING", "WELL", -900_00)]
    assert (book.balance("BANK"), book.balance("CASH")) == (5_900_00, 70_00)


def test_entry_numbers_run_without_gaps(book: Book, tmp_path: Path) -> None:
    """Auditors read a gap in voucher numbers as a deleted voucher (DESIGN §4, "Entry
    numbers"): users, categories, events and refusals in between take no number."""
    ids = [receipt(book.ledger, book.user, f"2024-02-0{n}", 100) for n in range(1, 4)]
    assert ids == [1, 2, 3]
    users.add_user(book.ledger, book.user, "clerk", "clerk", "clerk-password-1")
    catalog.add_category(book.ledger, book.user, "BRIDGE", "expenditure", name_en="Bridge")
    refused(book, lambda: payment(book.ledger, book.user, "2024-02-04", 10_000_00), Overdraft)
    assert receipt(book.ledger, book.user, "2024-02-04", 100) == 4
    assert journal.reverse(book.ledger, book.user, 2, "typo", day("2024-02-05")) == 5
    csv = tmp_path / "more.csv"
    csv.write_text(
        "date,type,amount,category\n2024-02-06,receipt,1,FINES\n2024-02-07,receipt,2,FINES\n",
        encoding="utf-8",
    )
    result = importer.import_transactions(book.ledger, book.user, csv)
    assert (result.first_id, result.last_id) == (6, 7)
    numbers = [
        r[0] for r in book.ledger.conn.execute("SELECT number FROM transactions ORDER BY id")
    ]
    assert numbers == list(range(1, 8))
    # The chain's positions, which count everything else too, are not the numbers.
    seqs = [queries.get(book.ledger.conn, n).chain_seq for n in numbers]
    assert seqs == sorted(seqs) and seqs[0] > 1 and seqs[-1] - seqs[0] > 7


def test_a_number_out_of_turn_is_refused(book: Book) -> None:
    """Even code that skips the services cannot leave a gap: a trigger refuses it."""
    receipt(book.ledger, book.user, "2024-02-01", 100)
    before = state(book.ledger.conn)
    with (
        pytest.raises(sqlite3.IntegrityError, match="without gaps"),
        book.ledger.write(book.user) as commit,
    ):
        commit.conn.execute(
            "INSERT INTO transactions (id, number, date, type, amount, fund, account,"
            " user_id, recorded_at) VALUES (2, 3, '2024-02-02', 'opening', 1, 'GENERAL',"
            " 'CASH', 1, '2024-02-02T00:00:00+05:00')"
        )
    assert state(book.ledger.conn) == before


def test_same_day_order_does_not_matter(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-03-10", 100_00)
    payment(book.ledger, book.user, "2024-03-10", 100_00)
    assert book.balance("BANK") == 0
    # Only each day's closing balance counts: a payment needs that day's money recorded.
    refused(book, lambda: payment(book.ledger, book.user, "2024-03-11", 50_00), Overdraft)
    receipt(book.ledger, book.user, "2024-03-11", 50_00)
    payment(book.ledger, book.user, "2024-03-11", 50_00)
    assert book.balance("BANK") == 0


# --- refusals of a single entry ----------------------------------------------------------

BAD_ENTRIES: list[tuple[str, NewEntry, str]] = [
    ("unknown revenue code", entry("2024-02-01", "receipt", 100, "TAX-MOON"), "unknown"),
    ("unknown program code", entry("2024-02-01", "payment", 100, "PALACE"), "unknown"),
    (
        "receipt with a program code",
        entry("2024-02-01", "receipt", 100, "ROADS"),
        "expenditure program",
    ),
    (
        "payment with a revenue code",
        entry("2024-02-01", "payment", 100, "TAX-LAND"),
        "revenue source",
    ),
    ("receipt with a cash account as code", entry("2024-02-01", "receipt", 100, "CASH"), "unknown"),
    ("receipt without a code", entry("2024-02-01", "receipt", 100), "needs"),
    ("payment without a code", entry("2024-02-01", "payment", 100), "needs"),
    (
        "transfer with a code",
        entry("2024-02-01", "transfer", 100, "ROADS", to_account="CASH"),
        "no category",
    ),
    ("opening with a code", entry("2024-02-01", "opening", 100, "TAX-LAND"), "no category"),
    (
        "transfer to the same account",
        entry("2024-02-01", "transfer", 100, to_account="BANK"),
        "different",
    ),
    ("transfer to nowhere", entry("2024-02-01", "transfer", 100), "goes to"),
    (
        "transfer to an unknown account",
        entry("2024-02-01", "transfer", 100, to_account="SAFE"),
        "unknown",
    ),
    ("transfer to a code", entry("2024-02-01", "transfer", 100, to_account="ROADS"), "unknown"),
    (
        "receipt with a destination",
        entry("2024-02-01", "receipt", 100, "FINES", to_account="CASH"),
        "destination",
    ),
    ("unknown fund", entry("2024-02-01", "receipt", 100, "FINES", fund="SECRET"), "fund"),
    (
        "unknown cash account",
        entry("2024-02-01", "receipt", 100, "FINES", account="SAFE"),
        "cash account",
    ),
    (
        "a code as cash account",
        entry("2024-02-01", "receipt", 100, "FINES", account="ROADS"),
        "cash account",
    ),
    ("zero", entry("2024-02-01", "receipt", 0, "FINES"), "above zero"),
    ("negative", entry("2024-02-01", "receipt", -100, "FINES"), "above zero"),
    ("over the cap", entry("2024-02-01", "receipt", MAX_AMOUNT + 1, "FINES"), "above zero"),
    ("long text", entry("2024-02-01", "receipt", 100, "FINES", description="x" * 501), "longer"),
    (
        "control characters",
        entry("2024-02-01", "receipt", 100, "FINES", counterparty="a\x00b"),
        "control",
    ),
    (
        "newline in a reference",
        entry("2024-02-01", "receipt", 100, "FINES", reference="a\nb"),
        "control",
    ),
]


@pytest.mark.parametrize(("what", "bad", "message"), BAD_ENTRIES, ids=[b[0] for b in BAD_ENTRIES])
def test_bad_entry_refused_and_nothing_written(
    book: Book, what: str, bad: NewEntry, message: str
) -> None:
    receipt(book.ledger, book.user, "2024-01-10", 1_000_00)
    error = refused(
        book, lambda: journal.record(book.ledger, book.user, bad), InvalidInput, message
    )
    assert not isinstance(error, Overdraft)
    assert journal.entry_problems(book.ledger.conn, bad)


def test_entry_problems_is_empty_for_a_good_entry(book: Book) -> None:
    good = entry("2024-02-01", "payment", 100, "ROADS", counterparty="ТОО", description="ok")
    assert journal.entry_problems(book.ledger.conn, good) == []


def test_max_amount_accepted(book: Book) -> None:
    opening(book.ledger, book.user, "2024-01-01", MAX_AMOUNT)
    payment(book.ledger, book.user, "2024-01-02", MAX_AMOUNT)
    assert book.balance("BANK") == 0


# --- overdrafts --------------------------------------------------------------------------


def test_payment_over_the_balance(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    error = refused(
        book, lambda: payment(book.ledger, book.user, "2024-02-02", 1_000_01), Overdraft, "BANK"
    )
    assert "at the end of 02/02/2024" in str(error)  # as forms write dates
    payment(book.ledger, book.user, "2024-02-02", 1_000_00)


def test_payment_before_any_money(book: Book) -> None:
    refused(book, lambda: payment(book.ledger, book.user, "2024-02-02", 1), Overdraft)
    receipt(book.ledger, book.user, "2024-02-05", 1_000_00)
    # Money that arrives later does not pay for an earlier day.
    refused(book, lambda: payment(book.ledger, book.user, "2024-02-04", 1), Overdraft)


def test_backdated_payment_that_makes_a_later_day_negative(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 100_00)
    payment(book.ledger, book.user, "2024-02-10", 80_00)
    # On its own day the balance stays at 50, but on 10 February it would be -30.
    error = refused(book, lambda: payment(book.ledger, book.user, "2024-02-05", 50_00), Overdraft)
    assert "at the end of 10/02/2024" in str(error)
    payment(book.ledger, book.user, "2024-02-05", 20_00)
    assert book.balance("BANK") == 0


def test_transfer_overdrawing_the_cash_box(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 100_00)
    transfer(book.ledger, book.user, "2024-02-02", 30_00)
    refused(
        book,
        lambda: transfer(book.ledger, book.user, "2024-02-03", 31_00, "CASH", "BANK"),
        Overdraft,
        "CASH",
    )
    refused(
        book,
        lambda: payment(book.ledger, book.user, "2024-02-03", 31_00, account="CASH"),
        Overdraft,
        "CASH",
    )
    refused(
        book,
        lambda: transfer(book.ledger, book.user, "2024-02-01", 1, "CASH", "BANK"),
        Overdraft,
        "CASH",
    )


def test_fund_going_below_zero(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 1_000_00)  # GENERAL money in the bank
    error = refused(
        book,
        lambda: payment(book.ledger, book.user, "2024-02-02", 10_00, fund="WELL"),
        Overdraft,
        "WELL",
    )
    assert "fund" in str(error)
    receipt(book.ledger, book.user, "2024-02-03", 10_00, "COMMUNITY", fund="WELL")
    payment(book.ledger, book.user, "2024-02-04", 10_00, "CAPITAL", fund="WELL")
    assert book.balance("BANK", "WELL") == 0


# --- openings ----------------------------------------------------------------------------


def test_opening_after_other_entries_refused(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-01-10", 100_00)
    refused(
        book,
        lambda: opening(book.ledger, book.user, "2024-02-01", 500_00),
        InvalidInput,
        "opening balance",
    )
    # Entries of another account do not count.
    opening(book.ledger, book.user, "2024-02-01", 500_00, account="CASH")


def test_second_opening_refused(book: Book) -> None:
    opening(book.ledger, book.user, "2024-01-01", 500_00)
    refused(
        book,
        lambda: opening(book.ledger, book.user, "2024-01-01", 500_00),
        InvalidInput,
        "already has an opening",
    )
    # One per account and fund.
    opening(book.ledger, book.user, "2024-01-01", 500_00, fund="WELL")


def test_entry_before_opening_refused(book: Book) -> None:
    opening(book.ledger, book.user, "2024-01-01", 500_00)
    refused(
        book,
        lambda: receipt(book.ledger, book.user, "2023-12-31", 100_00),
        InvalidInput,
        "opening balance",
    )
    refused(
        book,
        lambda: transfer(book.ledger, book.user, "2023-12-31", 1, "CASH", "BANK"),
        InvalidInput,
        "opening balance",
    )
    receipt(book.ledger, book.user, "2024-01-01", 100_00)  # the same day is fine


# --- closed years ------------------------------------------------------------------------


def test_closed_year(book: Book) -> None:
    receipt(book.ledger, book.user, "2023-06-01", 1_000_00)
    spent = payment(book.ledger, book.user, "2023-06-02", 100_00)
    journal.close_year(book.ledger, book.user, 2023)
    assert journal.closed_years(book.ledger.conn) == [2023]
    assert journal.is_closed(book.ledger.conn, 2023)
    error = refused(
        book, lambda: receipt(book.ledger, book.user, "2023-12-31", 1), ClosedYear, "2023"
    )
    assert isinstance(error, InvalidInput)
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "typo", day("2023-12-31")),
        ClosedYear,
    )
    # The mistake is corrected in the open year.
    journal.reverse(book.ledger, book.user, spent, "typo", day("2024-01-02"))
    receipt(book.ledger, book.user, "2024-01-01", 1)


def test_close_year_refusals(book: Book) -> None:
    this_year = date.today().year
    for year in (this_year, this_year + 1):
        refused(
            book,
            lambda y=year: journal.close_year(book.ledger, book.user, y),
            InvalidInput,
            "not ended",
        )
    journal.close_year(book.ledger, book.user, this_year - 1)
    refused(
        book,
        lambda: journal.close_year(book.ledger, book.user, this_year - 1),
        InvalidInput,
        "already closed",
    )


def test_closed_year_trigger_backs_the_service(book: Book) -> None:
    """Even code that skips the checks cannot insert into a closed year."""
    journal.close_year(book.ledger, book.user, 2023)
    before = state(book.ledger.conn)
    with (
        pytest.raises(sqlite3.IntegrityError, match="closed"),
        book.ledger.write(book.user) as commit,
    ):
        journal.insert_entry(commit, book.user, entry("2023-05-05", "opening", 100))
    assert book.ledger.conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0
    assert state(book.ledger.conn) == before


# --- reversals ---------------------------------------------------------------------------


def test_reversal(book: Book) -> None:
    receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    spent = payment(book.ledger, book.user, "2024-02-02", 400_00, "ROADS", counterparty="ТОО")
    undo = journal.reverse(book.ledger, book.user, spent, "  wrong road  ", day("2024-02-02"))
    row = queries.get(book.ledger.conn, undo)
    assert row is not None
    assert (row.type, row.amount, row.category, row.reverses, row.reason, row.counterparty) == (
        "payment",
        -400_00,
        "ROADS",
        spent,
        "wrong road",
        "ТОО",
    )
    assert book.postings(undo) == [("ROADS", "GENERAL", -400_00), ("BANK", "GENERAL", 400_00)]
    original = queries.get(book.ledger.conn, spent)
    assert original is not None and original.reversed_by == undo
    assert book.balance("BANK") == 1_000_00


def test_reversal_of_a_transfer_and_an_opening(book: Book) -> None:
    first = opening(book.ledger, book.user, "2024-01-01", 1_000_00)
    moved = transfer(book.ledger, book.user, "2024-01-02", 300_00)
    journal.reverse(book.ledger, book.user, moved, "wrong box", day("2024-01-03"))
    assert (book.balance("BANK"), book.balance("CASH")) == (1_000_00, 0)
    journal.reverse(book.ledger, book.user, first, "wrong figure", day("2024-01-04"))
    assert book.balance("BANK") == 0


def test_reversal_defaults_to_today(book: Book) -> None:
    got = receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    undo = journal.reverse(book.ledger, book.user, got, "oops")
    row = queries.get(book.ledger.conn, undo)
    assert row is not None and row.date == date.today().isoformat()


def test_reversal_refusals(book: Book) -> None:
    got = receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    spent = payment(book.ledger, book.user, "2024-02-05", 100_00)
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "", day("2024-02-06")),
        InvalidInput,
        "reason",
    )
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "   ", day("2024-02-06")),
        InvalidInput,
        "reason",
    )
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "x" * 501, day("2024-02-06")),
        InvalidInput,
        "longer",
    )
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "early", day("2024-02-04")),
        InvalidInput,
        "before",
    )
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, 99_999, "no such", day("2024-02-06")),
        InvalidInput,
        "99999",
    )
    for not_a_number in (0, -1):
        refused(
            book,
            lambda n=not_a_number: journal.reverse(
                book.ledger, book.user, n, "x", day("2024-02-06")
            ),
            InvalidInput,
            "no entry number",
        )
    # The entry's chain position is not its number: reverse takes the number people see.
    position = queries.get(book.ledger.conn, spent).chain_seq
    assert position is not None and position != spent
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, position, "x", day("2024-02-06")),
        InvalidInput,
        f"no entry number {position}",
    )
    undo = journal.reverse(book.ledger, book.user, spent, "typo", day("2024-02-06"))
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, spent, "again", day("2024-02-07")),
        InvalidInput,
        "already reversed",
    )
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, undo, "undo the undo", day("2024-02-07")),
        InvalidInput,
        "itself a reversal",
    )
    # Reversing the receipt whose money was spent would leave the bank below zero.
    payment(book.ledger, book.user, "2024-02-08", 500_00)
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, got, "wrong payer", day("2024-02-09")),
        Overdraft,
        "BANK",
    )


def test_clerk_reverses_member_does_not(book: Book) -> None:
    spent_from = receipt(book.ledger, book.user, "2024-02-01", 1_000_00)
    users.add_user(book.ledger, book.user, "clerk", "clerk", "clerk-password-1")
    users.add_user(book.ledger, book.user, "member", "member", "member-password-1")
    clerk = users.login(book.ledger, "clerk", "clerk-password-1")
    member = users.login(book.ledger, "member", "member-password-1")
    refused(
        book,
        lambda: journal.reverse(book.ledger, member, spent_from, "no", day("2024-02-02")),
        PermissionDenied,
    )
    refused(book, lambda: receipt(book.ledger, member, "2024-02-02", 1), PermissionDenied)
    undo = journal.reverse(book.ledger, clerk, spent_from, "yes", day("2024-02-02"))
    row = queries.get(book.ledger.conn, undo)
    assert row is not None and row.user == "clerk"
    assert book.ledger.conn.execute(
        "SELECT user_id FROM transactions WHERE number = ?", (undo,)
    ).fetchone() == (clerk.id,)


def test_record_in_closed_year_is_closed_year_even_when_otherwise_bad(book: Book) -> None:
    journal.close_year(book.ledger, book.user, 2023)
    bad = NewEntry(date=day("2023-03-03"), type=EntryType.PAYMENT, amount=1, category="TAX-LAND")
    refused(book, lambda: journal.record(book.ledger, book.user, bad), ClosedYear)


def test_clock_warning(book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    assert clock.clock_warning(book.ledger.conn) is None
    receipt(book.ledger, book.user, "2024-02-01", 100)
    assert clock.clock_warning(book.ledger.conn) is None
    monkeypatch.setattr(storage, "now_text", lambda: "2999-06-15T10:30:00+05:00")
    receipt(book.ledger, book.user, "2024-02-02", 100)
    warning = clock.clock_warning(book.ledger.conn)
    assert warning is not None
    # The last entry's moment in this PC's local time, in the user's format, not raw ISO.
    assert shown_time(datetime(2999, 6, 15, 5, 30, tzinfo=UTC)) in warning
    assert "2999-06-15" not in warning


# --- a ledger made before entry numbers (version 1, upgraded) ----------------------------


def test_an_upgraded_ledger_reverses_and_reads_by_the_new_numbers(tmp_path: Path) -> None:
    """Version 1 numbered entries by their chain position (44, 45, ... 60 in the fixture);
    after the upgrade they are 1..16, the old numbers stay readable as ``legacy_id``, and
    reversals and their messages speak the new numbers."""
    fixtures = Path(__file__).parent / "fixtures"
    facts = json.loads((fixtures / "ledger-v1.json").read_text(encoding="utf-8"))
    path = tmp_path / "old.ruralcouncil"
    shutil.copyfile(fixtures / "ledger-v1.ruralcouncil", path)
    ledger = open_ledger(path)
    try:
        admin = users.login(ledger, "admin", facts["passwords"]["admin"])
        conn = ledger.conn
        cutoff = queries.legacy_cutoff(conn)
        last = queries.get(conn, 16)
        assert last is not None and (last.row_id, last.type, last.category) == (
            60,
            "payment",
            "CAPITAL",
        )
        assert last.as_json(cutoff)["legacy_id"] == 60
        undo = journal.reverse(ledger, admin, 16, "booked twice", day("2024-07-01"))
        assert undo == 17
        row = queries.get(conn, undo)
        assert row is not None and row.reverses == 16 and row.as_json(cutoff)["legacy_id"] is None
        assert conn.execute("SELECT reverses FROM transactions WHERE number = 17").fetchone() == (
            60,
        )  # internally it points at the row
        assert queries.get(conn, 16) == replace(last, reversed_by=17)
        before = state(conn)
        with pytest.raises(InvalidInput, match="no entry number 60"):
            journal.reverse(ledger, admin, 60, "the old number", day("2024-07-02"))
        # The donation 48 (now 5) was reversed by 49 (now 6) back then.
        with pytest.raises(InvalidInput, match="already reversed by entry 6"):
            journal.reverse(ledger, admin, 5, "again", day("2024-07-02"))
        with pytest.raises(InvalidInput, match=r"itself a reversal \(of entry 5\)"):
            journal.reverse(ledger, admin, 6, "again", day("2024-07-02"))
        assert state(conn) == before
        result = verify(conn)
        assert result.ok, result.problems
    finally:
        ledger.close()


# --- every problem of a proposed entry: one function ---------------------------------------


def test_check_entries_names_every_problem_of_an_entry_at_once(book: Book) -> None:
    """A wrong value and an overdraft come together, each marked for what it is."""
    receipt(book.ledger, book.user, "2024-02-01", 100_00)
    bad = entry("2024-02-02", "payment", 150_00, "ROADS", reference="a\nb")
    found = journal.check_entries(book.ledger.conn, [bad])
    assert [(p.index, p.message, p.overdraft) for p in found] == [
        (0, "Reference contains control characters", False),
        (0, "the cash account BANK would be at -₸50.00 at the end of 02/02/2024", True),
        (0, "the fund GENERAL would be at -₸50.00 at the end of 02/02/2024", True),
    ]
    # record() refuses with the very same list, as a bad value (not an overdraft) ...
    error = refused(book, lambda: journal.record(book.ledger, book.user, bad), InvalidInput)
    assert not isinstance(error, Overdraft)
    assert str(error) == "Refused: " + "; ".join(p.message for p in found) + "."
    # ... and when the balance is all that is wrong, as an overdraft.
    short = replace(bad, reference="")
    error = refused(book, lambda: journal.record(book.ledger, book.user, short), Overdraft)
    assert "BANK would be at -₸50.00" in str(error)
    assert journal.check_entries(book.ledger.conn, [replace(short, amount=100_00)]) == []


def test_record_refuses_exactly_what_check_entries_finds(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """record() asks check_entries (the one list of rules), not a list of its own."""
    asked: list[list[NewEntry]] = []

    def check(conn: sqlite3.Connection, entries: list[NewEntry], **options: object) -> object:
        asked.append(list(entries))
        return [journal.Problem(0, "the council has not met yet")]

    monkeypatch.setattr(journal, "check_entries", check)
    good = entry("2024-02-01", "receipt", 100_00, "FINES", counterparty="  Серік  ")
    refused(
        book,
        lambda: journal.record(book.ledger, book.user, good),
        InvalidInput,
        "the council has not met yet",
    )
    assert asked == [[replace(good, counterparty="Серік")]]  # as it would be stored


def test_check_entries_of_an_unreadable_amount_judges_no_balance(book: Book) -> None:
    """``unsure=None``: nothing is said about balances the caller cannot know."""
    payment_of_nothing = entry("2024-02-02", "payment", 1, "ROADS")
    assert journal.check_entries(book.ledger.conn, [payment_of_nothing], unsure=None) == []
    assert journal.check_entries(book.ledger.conn, [payment_of_nothing])  # an overdraft


def test_a_reversed_opening_no_longer_starts_the_book(book: Book) -> None:
    """The standing ("live") opening balance is one query, for both rules."""
    first = opening(book.ledger, book.user, "2024-01-10", 500_00)
    refused(
        book,
        lambda: receipt(book.ledger, book.user, "2024-01-05", 1_00),
        InvalidInput,
        "BANK starts with its opening balance on 10/01/2024; nothing can be dated before it",
    )
    refused(
        book,
        lambda: opening(book.ledger, book.user, "2024-01-10", 1_00),
        InvalidInput,
        "BANK already has an opening balance for the fund GENERAL",
    )
    journal.reverse(book.ledger, book.user, first, "wrong figure", day("2024-01-10"))
    # Reversed, it neither starts the book nor blocks the right opening balance.
    assert (
        journal.check_entries(book.ledger.conn, [entry("2024-01-05", "receipt", 1, "FINES")]) == []
    )
    opening(book.ledger, book.user, "2024-01-10", 450_00)
    assert book.balance("BANK") == 450_00


# --- dates after today -------------------------------------------------------------------


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (date(2020, 1, 1), None),
        (TODAY, None),
        (date(2026, 12, 3), False),  # tomorrow: a warning
        (date(2027, 12, 2), False),  # a year ahead to the day: still a warning
        (date(2027, 12, 3), True),  # more than a year: only when confirmed
        (date(2030, 1, 1), True),
    ],
)
def test_date_warnings(when: date, expected: bool | None) -> None:
    warning = journal.date_warnings(when, TODAY)
    if expected is None:
        assert warning is None
        return
    assert warning is not None and warning.needs_confirmation is expected
    shown = when.strftime("%d/%m/%Y")
    assert f"The date {shown} is " in warning.message
    assert "after today (02/12/2026)" in warning.message
    assert ("more than a year" in warning.message) is expected


def test_a_year_after_the_29th_of_february() -> None:
    leap = date(2028, 2, 29)
    assert journal.a_year_after(leap) == date(2029, 2, 28)
    assert journal.date_warnings(date(2029, 2, 28), leap).needs_confirmation is False  # type: ignore[union-attr]
    assert journal.date_warnings(date(2029, 3, 1), leap).needs_confirmation is True  # type: ignore[union-attr]


def test_far_future_entries_are_refused_unless_confirmed(book: Book) -> None:
    today = date.today()
    far = journal.a_year_after(today) + timedelta(days=1)
    near = today + timedelta(days=30)
    got = receipt(book.ledger, book.user, today.isoformat(), 1_000_00)
    refused(
        book,
        lambda: receipt(book.ledger, book.user, far.isoformat(), 100_00),
        InvalidInput,
        "more than a year after today",
    )
    later = entry(far.isoformat(), "receipt", 100_00, "FINES")
    number = journal.record(book.ledger, book.user, later, allow_future=True)
    assert queries.get(book.ledger.conn, number).date == far.isoformat()  # type: ignore[union-attr]
    # Within a year a later date is only a warning (the window and the CLI say it).
    soon = receipt(book.ledger, book.user, near.isoformat(), 5_00)
    assert queries.get(book.ledger.conn, soon).date == near.isoformat()  # type: ignore[union-attr]
    # A reversal dated that far ahead needs the same confirmation.
    refused(
        book,
        lambda: journal.reverse(book.ledger, book.user, got, "typo", far),
        InvalidInput,
        "more than a year after today",
    )
    undo = journal.reverse(book.ledger, book.user, got, "typo", far, allow_future=True)
    assert queries.get(book.ledger.conn, undo).date == far.isoformat()  # type: ignore[union-attr]
