"""The transaction CSV importer (DESIGN §4): all or nothing, every bad row named by its line."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from _helpers import commits_since, copy_ledger, scratch_dir

from ruralcouncil import i18n
from ruralcouncil.ledger import importer, journal, users
from ruralcouncil.ledger.dates import shown_time
from ruralcouncil.ledger.errors import ImportRejected, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import verify

PASSWORD = "correct horse battery"
HEADER = "date,type,amount,category,fund,account,to_account,counterparty,description,reference"
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English, whatever the catalogues hold."""
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@cache
def _template() -> Path:
    """One new ledger per test process (its keys cost a scrypt each); tests get copies."""
    path = scratch_dir() / "village.ledger"
    init_ledger(path, village="Ақсу", admin="admin", password=PASSWORD).close()
    return path


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    book = copy_ledger(_template(), tmp_path, "village.ledger")
    yield book
    book.close()


@pytest.fixture
def admin(ledger: Ledger) -> User:
    return users.login(ledger, "admin", PASSWORD)


def write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def counts(ledger: Ledger) -> tuple[int, ...]:
    return tuple(
        ledger.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("transactions", "postings", "chain", "events", "signatures", "imports")
    )


def refused(ledger: Ledger, user: User, path: Path) -> ImportRejected:
    """Import, expect a refusal, and check that nothing at all was stored."""
    before = counts(ledger)
    with pytest.raises(ImportRejected) as info:
        importer.import_transactions(ledger, user, path)
    assert counts(ledger) == before
    return info.value


def balance(ledger: Ledger, account: str) -> int:
    row = ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?", (account,)
    ).fetchone()
    return int(row[0])


GOOD_ROWS = (
    "2024-01-01,opening,100000,,GENERAL,BANK,,,Brought forward,",
    "2024-01-01,opening,5000.50,,GENERAL,CASH,,,Brought forward,",
    "2024-02-10,receipt,25000.5,TAX-LAND,,,,Farmer Seitkali,Land tax Q1,R-1",
    "2024-03-05,payment,12000,STAFF,GENERAL,BANK,,Aigul,Wages,P-7",
    "2024-03-06,transfer,3000,,GENERAL,BANK,CASH,,To the cash box,",
    "2025-01-15,payment,2500.05,LIGHTING,,CASH,,Energo LLP,Bulbs,",
    "2025-02-01,receipt,1000,DONATION,,,,,Gift,",
)


# --- a good file ---------------------------------------------------------------------------


def test_good_multi_year_file_with_all_four_types(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    path = write(tmp_path, csv_text(*GOOD_ROWS), name="history.csv")
    before_chain = counts(ledger)[2]
    seen: list[tuple[int, int]] = []

    result = importer.import_transactions(
        ledger, admin, path, progress=lambda done, total: seen.append((done, total))
    )

    assert result.rows == 7
    assert result.first_id is not None and result.last_id is not None
    assert result.last_id - result.first_id == 6
    rows = ledger.conn.execute(
        "SELECT id, date, type, amount, code, fund, account, to_account, counterparty,"
        " description, reference, import_id FROM transactions ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == list(range(result.first_id, result.last_id + 1))
    assert [r[2] for r in rows] == [
        "opening",
        "opening",
        "receipt",
        "payment",
        "transfer",
        "payment",
        "receipt",
    ]
    assert rows[2][1:11] == (
        "2024-02-10",
        "receipt",
        2500050,
        "TAX-LAND",
        "GENERAL",
        "BANK",
        None,
        "Farmer Seitkali",
        "Land tax Q1",
        "R-1",
    )
    assert rows[4][5:8] == ("GENERAL", "BANK", "CASH")
    assert rows[5][3] == 250005
    assert {r[11] for r in rows} == {result.import_id}
    assert balance(ledger, "BANK") == 10000000 + 2500050 - 1200000 - 300000 + 100000
    assert balance(ledger, "CASH") == 500050 + 300000 - 250005

    stored = ledger.conn.execute(
        "SELECT sha256, filename, rows, user_id FROM imports WHERE id = ?", (result.import_id,)
    ).fetchone()
    assert stored == (result.sha256, "history.csv", 7, admin.id)
    # One commit, signed once by the importer: the session's login (its first write), the
    # import record, each transaction, then the event that says so.
    assert commits_since(ledger.conn, before_chain) == [
        (admin.id, ["event:login", "import", *["transaction"] * 7, "event:import"])
    ]
    kinds = ledger.conn.execute(
        "SELECT kind, record FROM chain WHERE seq > ? ORDER BY seq", (before_chain,)
    ).fetchall()
    assert kinds[1] == ("import", str(result.import_id))
    audit = ledger.conn.execute(
        "SELECT user_id, event, detail FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert audit == (admin.id, "import", "history.csv 7 rows")
    # Entry numbers continue without a gap.
    numbers = [r[0] for r in ledger.conn.execute("SELECT number FROM transactions ORDER BY id")]
    assert numbers == list(range(1, 8)) and (result.first_id, result.last_id) == (1, 7)
    assert seen[-1] == (7, 7)
    assert verify(ledger.conn).ok


def test_progress_is_reported_every_thousand_rows(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    rows = ["2024-01-01,opening,1000000,,,,,,,"]
    rows += [f"2024-01-{2 + i % 27:02d},receipt,1.5,FINES,,,,,fine {i}," for i in range(2999)]
    path = write(tmp_path, csv_text(*rows))
    seen: list[tuple[int, int]] = []
    importer.import_transactions(ledger, admin, path, lambda d, t: seen.append((d, t)))
    assert seen == [(1000, 3000), (2000, 3000), (3000, 3000)]
    assert verify(ledger.conn).ok


def test_utf8_bom_columns_in_another_order_and_only_some_of_them(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = "\ufeff" + csv_text(
        "OTHER-INCOME,receipt,2024-01-02,20",
        ",opening,2024-01-01,500",
        header="category,type,date,amount",
    )
    path = write(tmp_path, text)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = importer.import_transactions(ledger, admin, path)

    assert result.rows == 2
    rows = ledger.conn.execute(
        "SELECT date, type, amount, code, fund, account FROM transactions ORDER BY id"
    ).fetchall()
    assert rows == [
        ("2024-01-02", "receipt", 2000, "OTHER-INCOME", "GENERAL", "BANK"),
        ("2024-01-01", "opening", 50000, None, "GENERAL", "BANK"),
    ]


def test_quoted_fields_with_commas_quotes_and_line_breaks(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        '2024-01-01,opening,1000,,,,,,"Brought forward, from the old book",',
        '2024-01-05,receipt,200,RENT-PROPERTY,,,,"Saule ""Bereke"" LLP","Rent of the hall,\n'
        'January and\r\nFebruary",',
        "2024-01-06,payment,50,WATER,,,,,  Pump repair  ,",
        "2024-01-07,payment,abc,WATER,,,,,,",
    )
    path = write(tmp_path, text)
    # The record on lines 3-5 spans three lines; the bad amount is on line 7.
    error = refused(ledger, admin, path)
    assert error.problems == [
        "line 7: amount 'abc' must be digits with an optional point and 1-2 decimals"
    ]

    path = write(tmp_path, text.replace("abc", "30"), name="fixed.csv")
    importer.import_transactions(ledger, admin, path)
    rows = ledger.conn.execute(
        "SELECT counterparty, description FROM transactions ORDER BY id"
    ).fetchall()
    assert rows[0] == ("", "Brought forward, from the old book")
    # Line breaks typed in a spreadsheet cell are kept (as \n), never silently dropped.
    assert rows[1] == ('Saule "Bereke" LLP', "Rent of the hall,\nJanuary and\nFebruary")
    assert rows[2] == ("", "Pump repair")


def test_sample_files_in_tests_data(ledger: Ledger, admin: User) -> None:
    result = importer.import_transactions(ledger, admin, DATA / "transactions-good.csv")
    assert result.rows == 9
    assert verify(ledger.conn).ok
    error = refused(ledger, admin, DATA / "transactions-cp1251.csv")
    assert "not UTF-8" in str(error)


# --- permissions ---------------------------------------------------------------------------


def test_a_clerk_may_import_and_a_member_may_not(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    users.add_user(ledger, admin, "clerk", "clerk", PASSWORD)
    users.add_user(ledger, admin, "member", "member", PASSWORD)
    clerk = users.login(ledger, "clerk", PASSWORD)
    member = users.login(ledger, "member", PASSWORD)
    path = write(tmp_path, csv_text(*GOOD_ROWS))

    before = counts(ledger)
    with pytest.raises(PermissionDenied):
        importer.import_transactions(ledger, member, path)
    assert counts(ledger) == before

    result = importer.import_transactions(ledger, clerk, path)
    assert result.rows == len(GOOD_ROWS)
    user_ids = {r[0] for r in ledger.conn.execute("SELECT user_id FROM transactions")}
    assert user_ids == {clerk.id}


# --- refusals of the whole file ------------------------------------------------------------


def test_same_file_twice_is_refused_naming_when(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    first = write(tmp_path, csv_text(*GOOD_ROWS), name="first.csv")
    result = importer.import_transactions(ledger, admin, first)
    imported_at = ledger.conn.execute(
        "SELECT imported_at FROM imports WHERE id = ?", (result.import_id,)
    ).fetchone()[0]
    again = write(tmp_path, csv_text(*GOOD_ROWS), name="copy-with-another-name.csv")

    error = refused(ledger, admin, again)

    assert "already imported" in str(error)
    assert shown_time(imported_at) in str(error)  # in local time, as the window shows it
    assert imported_at not in str(error)
    assert "first.csv" in str(error)


def test_cp1251_file_is_refused_as_not_utf8(ledger: Ledger, admin: User, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_text("2024-01-01,opening,100,,,,,,Остаток,", "2024-01-02,receipt,5,FINES,,,,,Штраф,"),
        encoding="cp1251",
    )
    error = refused(ledger, admin, path)
    assert "not UTF-8" in str(error)
    assert "cp1251" in str(error)
    assert "CSV UTF-8" in str(error)
    assert error.problems == ["line 2: this line is not UTF-8 text"]


def test_semicolon_separated_file_is_refused(ledger: Ledger, admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, "date;type;amount\n2024-01-01;opening;100\n")
    error = refused(ledger, admin, path)
    assert "semicolons" in str(error)
    assert "commas" in str(error)
    assert error.problems == ["line 1: the header is date;type;amount"]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "\ufeff", HEADER + "\n", HEADER + "\n\n,,,,,,,,,\n"],
    ids=["empty", "blank-lines", "bom-only", "header-only", "header-and-empty-rows"],
)
def test_a_file_without_transactions_is_refused(
    ledger: Ledger, admin: User, tmp_path: Path, text: str
) -> None:
    error = refused(ledger, admin, write(tmp_path, text))
    assert str(error) == "There are no transactions in the file."


def test_unknown_duplicate_and_missing_columns_are_refused(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    path = write(tmp_path, "date,amount,payee,amount,\n2024-01-01,100,x,100,\n")
    error = refused(ledger, admin, path)
    assert "header row (line 1)" in str(error)
    assert error.problems == [
        "line 1: unknown column 'payee'",
        "line 1: the column amount appears twice",
        "line 1: column 5 has no name",
        "line 1: the required columns type are missing",
    ]


def test_broken_quoting_is_refused_with_its_line(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    path = write(
        tmp_path, csv_text("2024-01-01,opening,100,,,,,,,", '2024-01-02,receipt,5,"FI"NES,,,,,,')
    )
    error = refused(ledger, admin, path)
    assert error.problems[0].startswith("line 3: the quoting of this row is broken")


# --- bad rows: every one of them, by line ----------------------------------------------------


def test_every_bad_row_is_reported_with_its_line(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2024-01-01,opening,100000,,,,,,,",  # 2 fine
        "2024-02-30,receipt,10,FINES,,,,,,",  # 3 impossible date
        "20240203,receipt,10,FINES,,,,,,",  # 4 compact date
        "2024-02-03,gift,10,FINES,,,,,,",  # 5 unknown type
        "2024-02-03,receipt,1,500,FINES,,,,,,",  # 6 comma in amount: one value too many
        "2024-02-03,receipt,1 500,FINES,,,,,,",  # 7 grouped amount
        "2024-02-03,receipt,-5,FINES,,,,,,",  # 8 negative
        "2024-02-03,receipt,0,FINES,,,,,,",  # 9 zero
        "2024-02-03,receipt,1e3,FINES,,,,,,",  # 10 exponent
        "2024-02-03,receipt,10.555,FINES,,,,,,",  # 11 three decimals
        "2024-02-03,receipt,10,STAFF,,,,,,",  # 12 program code on a receipt
        "2024-02-03,payment,10,TAX-LAND,,,,,,",  # 13 revenue code on a payment
        "2024-02-03,receipt,10,NO-SUCH,,,,,,",  # 14 unknown code
        "2024-02-03,receipt,10,,,,,,,",  # 15 receipt without category
        "2024-02-03,transfer,10,FINES,,BANK,CASH,,,",  # 16 transfer with category
        "2024-02-03,transfer,10,,,BANK,BANK,,,",  # 17 transfer to itself
        "2024-02-03,transfer,10,,,BANK,,,,",  # 18 transfer without to_account
        "2024-02-03,receipt,10,FINES,NOFUND,SAFE,,,,",  # 19 unknown fund and account
        "2024-02-03,payment,10,STAFF,,,CASH,,,",  # 20 to_account on a payment
        "2024-02-03,receipt,10,FINES,,,,," + "x" * 501 + ",",  # 21 description too long
        "2024-02-03,receipt,10,FINES,,,,,,",  # 22 fine
        "2024-02-03,receipt,10,FINES",  # 23 too few values
        "2024-02-03,receipt,10.5,FINES,,,,,,",  # 24 fine
    )
    error = refused(ledger, admin, write(tmp_path, text))

    assert str(error).startswith(
        "The file was refused, nothing was imported. Rows with problems: 20."
    )
    assert error.problems == [
        "line 3: date 2024-02-30 does not exist",
        "line 4: date '20240203' must be written YYYY-MM-DD",
        "line 5: type 'gift' must be receipt, payment, transfer or opening",
        "line 6: the number of values in this row (11) differs from the number of columns in "
        "the header (10)",
        "line 7: amount '1 500' must be digits with an optional point and 1-2 decimals",
        "line 8: amount '-5' must be digits with an optional point and 1-2 decimals",
        "line 9: the amount must be above zero and at most ₸10,000,000,000,000.00",
        "line 10: amount '1e3' must be digits with an optional point and 1-2 decimals",
        "line 11: amount '10.555' must be digits with an optional point and 1-2 decimals",
        "line 12: STAFF is an expenditure program, not a revenue source",
        "line 13: TAX-LAND is a revenue source, not an expenditure program",
        "line 14: unknown revenue source NO-SUCH",
        "line 15: a receipt needs a revenue source code",
        "line 16: a transfer or an opening balance takes no category",
        "line 17: a transfer must go to a different account",
        "line 18: a transfer needs the account it goes to",
        "line 19: unknown fund NOFUND; unknown cash account SAFE",
        "line 20: only a transfer has a destination account",
        "line 21: Description is longer than 500 characters",
        "line 23: the number of values in this row (4) differs from the number of columns in "
        "the header (10)",
    ]


def test_several_problems_of_one_row_share_its_line(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text("2024-13-01,sale,1.234,FINES,,,,,,")
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 2: date 2024-13-01 does not exist; "
        "type 'sale' must be receipt, payment, transfer or opening; "
        "amount '1.234' must be digits with an optional point and 1-2 decimals"
    ]


def test_a_row_in_a_closed_year_is_refused(ledger: Ledger, admin: User, tmp_path: Path) -> None:
    journal.close_year(ledger, admin, 2023)
    text = csv_text("2023-12-31,opening,100,,,,,,,", "2024-01-02,opening,100,,,CASH,,,,")
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 2: 2023 is a closed fiscal year: nothing more can be posted in it"
    ]


# --- openings ------------------------------------------------------------------------------


def test_opening_for_an_account_with_earlier_entries_in_the_ledger_is_refused(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    journal.record(
        ledger, admin, NewEntry(date(2024, 1, 10), EntryType.OPENING, 1000, account="CASH")
    )
    journal.record(
        ledger,
        admin,
        NewEntry(date(2024, 1, 11), EntryType.TRANSFER, 500, account="CASH", to_account="BANK"),
    )
    text = csv_text(
        "2024-02-01,receipt,1,FINES,,,,,,",  # 2 fine
        "2024-03-01,opening,50,,,BANK,,,,",  # 3 BANK already has an entry on 2024-01-11
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 3: an opening balance for BANK must come before its other entries, "
        "but it already has an entry dated 11/01/2024"
    ]


def test_opening_after_entries_earlier_in_the_file_is_refused(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2024-03-01,opening,100,,,CASH,,,,",  # 2 fine
        "2024-02-01,transfer,10,,,CASH,BANK,,,",  # 3 before CASH's opening
        "2024-03-02,opening,100,,,BANK,,,,",  # 4 BANK already moved on 2024-02-01
        "2024-03-03,opening,5,,,CASH,,,,",  # 5 CASH moved on 2024-02-01 too
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 2: an opening balance for CASH must come before its other entries, "
        "but it already has an entry dated 01/02/2024",
        # In the same round: the transfer takes money CASH does not have on that day.
        "line 3: the cash account CASH would be at -₸10.00 at the end of 01/02/2024",
        "line 4: an opening balance for BANK must come before its other entries, "
        "but it already has an entry dated 01/02/2024",
        "line 5: an opening balance for CASH must come before its other entries, "
        "but it already has an entry dated 01/02/2024",
    ]


def test_a_second_opening_for_the_same_account_and_fund_is_refused(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text("2024-01-01,opening,100,,,CASH,,,,", "2024-01-01,opening,5,,,CASH,,,,")
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == ["line 3: CASH already has an opening balance for the fund GENERAL"]


def test_rows_dated_before_the_ledgers_opening_balance_are_refused(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    journal.record(ledger, admin, NewEntry(date(2024, 1, 10), EntryType.OPENING, 1000))
    text = csv_text(
        "2024-01-09,receipt,5,FINES,,,,,,",  # 2 before BANK's book starts
        "2024-01-10,receipt,5,FINES,,,,,,",  # 3 fine (same day)
        "2024-01-09,opening,5,,,CASH,,,,",  # 4 fine: CASH has no opening yet
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 2: BANK starts with its opening balance on 10/01/2024; nothing can be dated before it"
    ]


# --- never below zero ----------------------------------------------------------------------


def test_a_payment_before_the_receipt_on_the_same_day_is_fine(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2024-03-02,payment,700,ROADS,,,,,,",
        "2024-03-02,receipt,1000,SUBSIDY,,,,,,",
        "2024-03-02,transfer,300,,,BANK,CASH,,,",
        "2024-03-02,payment,300,EVENTS,,CASH,,,,",
    )
    result = importer.import_transactions(ledger, admin, write(tmp_path, text))
    assert result.rows == 4
    assert balance(ledger, "BANK") == 0
    assert balance(ledger, "CASH") == 0


def test_overdraft_within_the_file_names_the_lines_of_that_day(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2025-03-01,receipt,1000,TAX-LAND,,,,,,",  # 2
        "2025-03-02,payment,700,ROADS,,,,,,",  # 3
        "2025-03-02,receipt,200,FINES,,,,,,",  # 4 the same day, but money in
        "2025-03-02,payment,1000,STAFF,,,,,,",  # 5
        "2025-03-03,receipt,5000,SUBSIDY,,,,,,",  # 6 too late for 2025-03-02
    )
    error = refused(ledger, admin, write(tmp_path, text))
    bank = "the cash account BANK would be at -₸500.00 at the end of 02/03/2025"
    fund = "the fund GENERAL would be at -₸500.00 at the end of 02/03/2025"
    # Line 3's 700 was covered (1000 + 200 that day); line 5's 1000 is what goes below zero.
    assert error.problems == [f"line 5: {bank}; {fund}"]


def test_overdraft_counts_the_ledger_and_the_file_together(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    journal.record(ledger, admin, NewEntry(date(2025, 1, 1), EntryType.OPENING, 100000))
    journal.record(
        ledger, admin, NewEntry(date(2025, 3, 1), EntryType.PAYMENT, 100000, category="STAFF")
    )
    # The ledger is at zero from 2025-03-01; a payment in February takes what March needs.
    text = csv_text(
        "2025-02-01,payment,500,ROADS,,,,,,",  # 2
        "2025-02-02,receipt,100,FINES,,,,,,",  # 3
    )
    error = refused(ledger, admin, write(tmp_path, text))
    bank = "the cash account BANK would be at -₸400.00 at the end of 01/03/2025"
    fund = "the fund GENERAL would be at -₸400.00 at the end of 01/03/2025"
    assert error.problems == [f"line 2: {bank}; {fund}"]

    enough = csv_text("2025-02-01,payment,500,ROADS,,,,,,", "2025-02-02,receipt,500,FINES,,,,,,")
    importer.import_transactions(ledger, admin, write(tmp_path, enough, name="ok.csv"))
    assert balance(ledger, "BANK") == 0
    assert verify(ledger.conn).ok


def test_money_may_not_move_out_of_a_fund_it_is_not_in(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    from ruralcouncil.ledger import catalog

    catalog.add_fund(ledger, admin, "SCHOOL-ROOF", restricted=True, name_en="School roof")
    text = csv_text(
        "2025-01-01,receipt,1000,DONATION,GENERAL,,,,,",  # 2
        "2025-01-02,payment,400,CAPITAL,SCHOOL-ROOF,,,,,",  # 3 the fund has nothing
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 3: the fund SCHOOL-ROOF would be at -₸400.00 at the end of 02/01/2025"
    ]


def test_the_payment_that_goes_below_zero_is_blamed_not_the_ones_covered(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2025-03-01,receipt,1000,TAX-LAND,,,,,,",  # 2
        "2025-03-02,payment,900,STAFF,,,,,,",  # 3 covered: 1000 left that day
        "2025-03-02,payment,50,ROADS,,,,,,",  # 4 covered: 100 left
        "2025-03-02,payment,300,WATER,,,,,,",  # 5 this one goes below zero
        "2025-03-02,payment,20,EVENTS,,,,,,",  # 6 and this one stays below
    )
    error = refused(ledger, admin, write(tmp_path, text))
    bank = "the cash account BANK would be at -₸270.00 at the end of 02/03/2025"
    fund = "the fund GENERAL would be at -₸270.00 at the end of 02/03/2025"
    assert error.problems == [f"line 5: {bank}; {fund}", f"line 6: {bank}; {fund}"]


@pytest.mark.parametrize(
    ("march", "short", "blamed"),
    [
        (600, "100.00", [3]),  # line 3's 200 alone took what March needs
        (750, "250.00", [2, 3]),  # it takes both to cover the gap
    ],
)
def test_a_later_ledger_payment_blames_the_latest_rows_that_took_its_money(
    ledger: Ledger, admin: User, tmp_path: Path, march: int, short: str, blamed: list[int]
) -> None:
    journal.record(ledger, admin, NewEntry(date(2025, 1, 1), EntryType.RECEIPT, 1000_00, "FINES"))
    journal.record(
        ledger, admin, NewEntry(date(2025, 3, 1), EntryType.PAYMENT, march * 100, "STAFF")
    )
    text = csv_text(
        "2025-02-01,payment,300,ROADS,,,,,,",  # 2
        "2025-02-02,payment,200,WATER,,,,,,",  # 3
    )
    error = refused(ledger, admin, write(tmp_path, text))
    bank = f"the cash account BANK would be at -₸{short} at the end of 01/03/2025"
    fund = f"the fund GENERAL would be at -₸{short} at the end of 01/03/2025"
    assert error.problems == [f"line {n}: {bank}; {fund}" for n in blamed]


def test_a_mistyped_receipt_still_counts_for_the_balance(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    # The mistyped code on line 2 is the only problem: the payment is not an overdraft.
    text = csv_text("2025-01-01,receipt,1000,TAX-LND,,,,,,", "2025-01-02,payment,400,ROADS,,,,,,")
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == ["line 2: unknown revenue source TAX-LND"]
    # Its money is clear (the bank, the general fund), so a real overdraft is named with it.
    text = csv_text("2025-01-01,receipt,1000,TAX-LND,,,,,,", "2025-01-02,payment,1500,ROADS,,,,,,")
    error = refused(ledger, admin, write(tmp_path, text, name="more.csv"))
    assert error.problems == [
        "line 2: unknown revenue source TAX-LND",
        "line 3: the cash account BANK would be at -₸500.00 at the end of 02/01/2025; "
        "the fund GENERAL would be at -₸500.00 at the end of 02/01/2025",
    ]


def test_format_and_balance_problems_come_in_one_round(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2025-01-01,receipt,1000,TAX-LAND,,,,,,",  # 2
        "2025-01-32,payment,10,ROADS,,,,,,",  # 3 a date that does not exist (a payment)
        "2025-01-03,payment,1200,ROADS,,,,,,",  # 4 more than the bank holds
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 3: date 2025-01-32 does not exist",
        "line 4: the cash account BANK would be at -₸200.00 at the end of 03/01/2025; "
        "the fund GENERAL would be at -₸200.00 at the end of 03/01/2025",
    ]


def test_a_receipt_that_cannot_be_read_leaves_only_its_balances_unjudged(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text(
        "2025-01-01,receipt,1 000,TAX-LAND,,BANK,,,,",  # 2 unreadable: BANK and GENERAL unsure
        "2025-01-02,payment,400,ROADS,,BANK,,,,",  # 3 might be paid by line 2: not judged
        "2025-01-03,payment,10,ROADS,,CASH,,,,",  # 4 the cash box has nothing at all
    )
    error = refused(ledger, admin, write(tmp_path, text))
    assert error.problems == [
        "line 2: amount '1 000' must be digits with an optional point and 1-2 decimals",
        # The cash box, yes; the general fund, which line 2 might have filled, no.
        "line 4: the cash account CASH would be at -₸10.00 at the end of 03/01/2025",
    ]


@pytest.mark.parametrize(
    "unreadable",
    [
        "2025-01-01,gift,1000,TAX-LAND,,,,,,",  # a type it could be anything of
        "2025-01-01,receipt,1000,TAX-LAND,,,,,",  # a cell short: its columns are unknown
    ],
)
def test_a_row_that_could_be_anything_leaves_every_balance_unjudged(
    ledger: Ledger, admin: User, tmp_path: Path, unreadable: str
) -> None:
    text = csv_text(unreadable, "2025-01-02,payment,400,ROADS,,CASH,,,,")
    error = refused(ledger, admin, write(tmp_path, text))
    assert [p.split(":")[0] for p in error.problems] == ["line 2"]


def test_the_importer_asks_the_journals_one_check(
    ledger: Ledger, admin: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules are journal.check_entries', as record() and the entry dialog ask them."""
    asked: list[int] = []

    def check(conn: object, entries: list[NewEntry], **options: object) -> object:
        asked.append(len(entries))
        return [journal.Problem(1, "the council has not met yet")]

    monkeypatch.setattr(journal, "check_entries", check)
    error = refused(ledger, admin, write(tmp_path, csv_text(*GOOD_ROWS)))
    assert asked == [len(GOOD_ROWS)]
    assert error.problems == ["line 3: the council has not met yet"]


def test_a_reversed_opening_is_no_start_for_the_file_either(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    first = journal.record(ledger, admin, NewEntry(date(2024, 1, 10), EntryType.OPENING, 1000))
    early = csv_text("2024-01-05,receipt,5,FINES,,,,,,")
    error = refused(ledger, admin, write(tmp_path, early))
    assert error.problems == [
        "line 2: BANK starts with its opening balance on 10/01/2024; nothing can be dated before it"
    ]
    journal.reverse(ledger, admin, first, "wrong figure", date(2024, 1, 10))
    result = importer.import_transactions(ledger, admin, write(tmp_path, early, name="again.csv"))
    assert result.rows == 1


# --- reading without writing ----------------------------------------------------------------


def test_read_transactions_parses_and_writes_nothing(ledger: Ledger) -> None:
    before = counts(ledger)
    entries = importer.read_transactions(csv_text(*GOOD_ROWS).encode(), ledger.conn)
    assert counts(ledger) == before
    assert len(entries) == 7
    assert entries[2] == NewEntry(
        date(2024, 2, 10),
        EntryType.RECEIPT,
        2500050,
        "TAX-LAND",
        "GENERAL",
        "BANK",
        None,
        "Farmer Seitkali",
        "Land tax Q1",
        "R-1",
    )
    assert entries[4].to_account == "CASH"


def test_windows_line_endings_keep_the_line_numbers(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    text = csv_text("2024-01-01,opening,100,,,,,,,", "", "2024-01-02,receipt,x,FINES,,,,,,")
    error = refused(ledger, admin, write(tmp_path, text.replace("\n", "\r\n")))
    assert error.problems == [
        "line 4: amount 'x' must be digits with an optional point and 1-2 decimals"
    ]


def test_huge_cells_are_refused_quickly_and_shown_short(
    ledger: Ledger, admin: User, tmp_path: Path
) -> None:
    """A cell may hold up to 128 KiB: an amount thousands of digits long is a clear refusal,
    made before any arithmetic, and no message repeats a whole cell."""
    text = csv_text(
        "2024-01-01,opening," + "9" * 100_000 + ",,,,,,,",
        "2024-01-02,receipt,1." + "5" * 5000 + ",FINES,,,,,,",
        "2" * 5000 + ",receipt,1,FINES,,,,,,",
        "2024-01-03," + "x" * 5000 + ",1,FINES,,,,,,",
    )
    started = time.perf_counter()
    error = refused(ledger, admin, write(tmp_path, text))
    assert time.perf_counter() - started < 2
    assert error.problems[:2] == [
        "line 2: amount '99999999999999999999…' must be digits with an optional point and "
        "1-2 decimals",
        "line 3: amount '1.555555555555555555…' must be digits with an optional point and "
        "1-2 decimals",
    ]
    assert error.problems[2].startswith("line 4: date '2222")
    assert error.problems[3].startswith("line 5: type 'xxxx")
    assert all(len(problem) < 200 for problem in error.problems), error.problems
