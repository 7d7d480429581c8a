"""The importer writes a file a batch of rows per statement, without reading back what it
wrote: the ledger it leaves must be, byte for byte, the one that recording the same entries
one by one (``journal.insert_entry``, which chains each row as read back from the table)
leaves. Also: all or nothing when a batch fails half-way, and the page cache given back."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _helpers import ADMIN, PASSWORD, copy_ledger, fresh_ledger, state, user_of

from ruralcouncil.ledger import chain, importer, journal, storage, users
from ruralcouncil.ledger.errors import ImportRejected
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import verify

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "date,type,amount,category,fund,account,to_account,counterparty,description,reference"
MOMENT = "2025-06-01T10:00:00+05:00"
NFD = unicodedata.normalize("NFD", "Қайрат Жүнісұлы, й ё")
TABLES = ("chain", "signatures", "transactions", "postings", "daily_totals", "events", "imports")


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every moment the program stamps is the same, so two ledgers can be compared whole."""
    monkeypatch.setattr(storage, "now_text", lambda: MOMENT)


def rows_for_a_new_ledger(bank_opening: bool = True) -> list[str]:
    """2,500 rows (three batches) of every type, with the texts a spreadsheet gives."""
    rows = ["2024-01-01,opening,5000.50,,,CASH,,,,"]
    if bank_opening:
        rows.append("2024-01-01,opening,100000000,,GENERAL,BANK,,,Brought forward,")
    for i in range(2500 - len(rows)):
        day = f"2024-{1 + i % 12:02d}-{2 + i % 27:02d}"
        if i % 5 == 0:
            rows.append(
                f'{day},receipt,{1000 + i}.5,TAX-LAND,,,,"{NFD} {i}",'
                f'"Line one\r\nline ""two"", {i}",R-{i}'
            )
        elif i % 5 == 1:
            rows.append(f"{day},payment,{10 + i},ROADS,GENERAL,BANK,,ЖШС Құрылыс,Төлем {i},")
        elif i % 5 == 2:
            rows.append(f"{day},transfer,7,,,BANK,CASH,,,")
        elif i % 5 == 3:
            rows.append(f"{day},receipt,1.05,FINES,,CASH,,  spaced  ,\t tab,")
        else:
            rows.append(f"{day},payment,1,LIGHTING,,CASH,,,,")
    return rows


def rows_for_the_upgraded_fixture() -> list[str]:
    rows = []
    for i in range(1200):
        day = f"2024-{7 + i % 6:02d}-{1 + i % 28:02d}"
        if i % 3 == 0:
            rows.append(f'2024-07-01,receipt,5000,TAX-PROPERTY,,BANK,,"{NFD}",Түсім {i},')
        elif i % 3 == 1:
            rows.append(f"{day},receipt,3,FINES,,CASH,,,fine {i},")
        else:
            rows.append(f"{day},transfer,1,,,BANK,CASH,,,")
    return rows


def write_csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "history.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))
    return path


def import_row_by_row(ledger: Ledger, user: User, path: Path) -> None:
    """What the importer did before it wrote in batches: each entry stored, read back and
    chained on its own, in one commit."""
    data = path.read_bytes()
    with ledger.write(user) as commit:
        entries = importer.read_transactions(data, commit.conn)
        sha256 = hashlib.sha256(data).hexdigest()
        import_id = importer._store_import(commit, user, sha256, path.name, len(entries))
        recorded_at = storage.now_text()
        for entry in entries:
            journal.insert_entry(commit, user, entry, import_id=import_id, recorded_at=recorded_at)
        commit.event("import", f"{path.name} {len(entries)} rows")


def everything(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in TABLES}


def logged_in(ledger: Ledger, password: str) -> User:
    user = user_of(ledger, ADMIN, password)
    assert user.signer is not None
    user.signer.pending_login = storage.now_text()  # the login is chained with the import
    return user


def compare_with_row_by_row(template: Path, folder: Path, password: str, rows: list[str]) -> None:
    csv_path = write_csv(folder, rows)
    batched = copy_ledger(template, folder, "batched.ruralcouncil")
    single = copy_ledger(template, folder, "single.ruralcouncil")
    try:
        before = chain.head(batched.conn)[0]
        result = importer.import_transactions(batched, logged_in(batched, password), csv_path)
        import_row_by_row(single, logged_in(single, password), csv_path)
        assert result.rows == len(rows)
        got, expected = everything(batched.conn), everything(single.conn)
        for table in TABLES:
            assert got[table] == expected[table], table
        assert len(got["chain"]) - before == len(rows) + 3  # login, import, rows, event
        assert len(got["signatures"]) == len(expected["signatures"])
        assert verify(batched.conn).ok
        # Each text was stored (and so chained) in NFC, from the NFD the file held.
        names = {
            json.loads(payload)["content"]["counterparty"]
            for (payload,) in batched.conn.execute(
                "SELECT payload FROM chain WHERE kind = 'transaction' AND seq > ?", (before,)
            )
        }
        nfc = unicodedata.normalize("NFC", NFD)
        assert any(name.startswith(nfc) for name in names)
        assert not any(name.startswith(NFD) for name in names)
    finally:
        batched.close()
        single.close()


def test_an_import_leaves_exactly_the_ledger_row_by_row_recording_would(
    tmp_path: Path, fixed_clock: None
) -> None:
    template = fresh_ledger(tmp_path, "template.ruralcouncil")
    # An entry before the import: ids, entry numbers and postings continue from it.
    journal.record(
        template,
        user_of(template, ADMIN, PASSWORD),
        journal.NewEntry(date(2023, 12, 1), journal.EntryType.OPENING, 100_000_000),
    )
    template.close()
    folder = tmp_path / "copies"
    folder.mkdir()
    compare_with_row_by_row(
        tmp_path / "template.ruralcouncil", folder, PASSWORD, rows_for_a_new_ledger(False)
    )


def test_into_an_upgraded_ledger_whose_ids_are_not_its_numbers(
    tmp_path: Path, fixed_clock: None
) -> None:
    facts = json.loads((FIXTURES / "ledger-v1.json").read_text(encoding="utf-8"))
    password = facts["passwords"]["admin"]
    template = tmp_path / "upgraded.ruralcouncil"
    shutil.copyfile(FIXTURES / "ledger-v1.ruralcouncil", template)
    ledger = open_ledger(template)
    users.login(ledger, ADMIN, password)  # the upgrade, with a new key: copied to both below
    ids = ledger.conn.execute("SELECT max(id), max(number) FROM transactions").fetchone()
    assert ids[0] != ids[1]
    ledger.close()
    folder = tmp_path / "copies"
    folder.mkdir()
    compare_with_row_by_row(template, folder, password, rows_for_the_upgraded_fixture())


# --- all or nothing, whatever fails --------------------------------------------------------


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    book = fresh_ledger(tmp_path)
    yield book
    book.close()


def test_a_failure_in_a_later_batch_leaves_nothing_written(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = user_of(ledger, ADMIN, PASSWORD)
    path = write_csv(tmp_path, rows_for_a_new_ledger())
    before = state(ledger.conn)
    real = journal.postings
    calls = 0

    def failing(entry: journal.NewEntry, sign: int = 1) -> list[tuple[str, str, int]]:
        nonlocal calls
        calls += 1
        if calls == 2 * journal.INSERT_BATCH + 5:
            raise RuntimeError("a fault half-way through")
        return real(entry, sign)

    monkeypatch.setattr(journal, "postings", failing)
    with pytest.raises(RuntimeError):
        importer.import_transactions(ledger, admin, path)
    assert state(ledger.conn) == before
    monkeypatch.setattr(journal, "postings", real)
    # The commit's head was not left behind: the same file imports whole afterwards.
    result = importer.import_transactions(ledger, admin, path)
    assert result.rows == 2500 and verify(ledger.conn).ok


def test_the_page_cache_is_given_back_after_an_import_or_a_refusal(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = user_of(ledger, ADMIN, PASSWORD)
    conn = ledger.conn
    usual = conn.execute("PRAGMA cache_size").fetchone()[0]
    during: list[int] = []
    real = importer.read_transactions

    def reading(data: bytes, c: sqlite3.Connection, **kw: Any) -> list[journal.NewEntry]:
        during.append(c.execute("PRAGMA cache_size").fetchone()[0])
        return real(data, c, **kw)

    monkeypatch.setattr(importer, "read_transactions", reading)
    importer.import_transactions(ledger, admin, write_csv(tmp_path, rows_for_a_new_ledger()[:5]))
    assert during == [importer.IMPORT_CACHE_KIB]
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == usual
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(ImportRejected):
        importer.import_transactions(ledger, admin, write_csv(bad, ["2024-13-01,receipt,1,,,,,,,"]))
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == usual


# --- the chain's side: many entries in one statement -----------------------------------------


def test_append_many_refuses_text_that_is_not_nfc_and_writes_nothing(ledger: Ledger) -> None:
    admin = user_of(ledger, ADMIN, PASSWORD)
    before = state(ledger.conn)
    with pytest.raises(chain.NotNormalised), ledger.write(admin) as commit:
        commit.append_many("transaction", [("1", {"id": 1, "counterparty": NFD})])
    with pytest.raises(ValueError, match="unregistered"), ledger.write(admin) as commit:
        commit.append_many("no-such-kind", [])
    assert state(ledger.conn) == before


@pytest.mark.parametrize(
    "value",
    [
        NFD,
        {"a": NFD},
        {NFD: 1},
        {"a": [1, None, ["ok", {"b": (NFD,)}]]},
        [{"x": "é"}, "\u212b"],  # the Angstrom sign: not NFC
    ],
)
def test_every_text_at_any_depth_is_checked_for_nfc(value: object) -> None:
    with pytest.raises(chain.NotNormalised):
        chain._check_nfc(value)


def test_nfc_text_numbers_and_nulls_pass_the_check() -> None:
    nfc = unicodedata.normalize("NFC", NFD)
    chain._check_nfc({"a": [1, None, True, nfc, {"ä": nfc, "b": -5}], nfc: (nfc,)})
    assert chain.canonical({"b": [1, None, 'é\n"\\'], "a": {"z": True, "ä": -5}}) == json.dumps(
        {"b": [1, None, 'é\n"\\'], "a": {"z": True, "ä": -5}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
