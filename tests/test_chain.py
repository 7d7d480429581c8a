"""The hash chain and verify: every kind of raw edit of posted history is caught.

Each tampering test opens the file with a bare sqlite3 connection, as someone with a SQLite
browser would, drops the append-only triggers when it must, makes one edit, and checks that
``verify`` fails and, for a transaction, names that transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    copy_ledger,
    day,
    drop_append_only,
    english,
    fresh_ledger,
    opening,
    payment,
    raw,
    receipt,
    scratch_dir,
    transfer,
)

from ruralcouncil.ledger import catalog, chain, journal, users
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Role, User
from ruralcouncil.ledger.verify import parse_anchor, verify


@dataclass
class Book:
    ledger: Ledger
    path: Path
    admin: User
    clerk: User
    ids: dict[str, int]


def _build(ledger: Ledger) -> dict[str, int]:
    """A small ledger with every kind of entry, a second fund, a clerk and a closed year."""
    admin = admin_of(ledger)
    catalog.add_fund(ledger, admin, "PROJECT", restricted=True, name_en="New well")
    clerk = users.add_user(ledger, admin, "clerk", "clerk", "clerk-password-1")
    ids = {
        "opening": opening(ledger, admin, "2024-01-01", 1_000_000_00),
        "receipt": receipt(
            ledger,
            clerk,
            "2024-03-01",
            150_000_00,
            "TAX-LAND",
            counterparty="Серік Ахметов",
            description="Жер салығы",
            reference="№ 12",
        ),
        "project": receipt(ledger, clerk, "2024-03-05", 50_000_00, "COMMUNITY", fund="PROJECT"),
        "payment": payment(ledger, clerk, "2024-04-01", 20_000_00, "ROADS", counterparty="ТОО Жол"),
        "transfer": transfer(ledger, clerk, "2024-04-02", 5_000_00),
    }
    ids["reversal"] = journal.reverse(
        ledger, clerk, ids["payment"], "wrong road", day("2024-04-03")
    )
    journal.close_year(ledger, admin, 2024)
    ids["late"] = payment(ledger, clerk, "2025-01-10", 1_000_00, "STAFF", account="CASH")
    return ids


@cache
def _template() -> tuple[Path, dict[str, int]]:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "book.ruralcouncil")
    ids = _build(ledger)
    assert verify(ledger.conn).ok
    ledger.close()
    return folder / "book.ruralcouncil", ids


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    template, ids = _template()
    ledger = copy_ledger(template, tmp_path)
    clerk = ledger.conn.execute("SELECT id FROM users WHERE name = 'clerk'").fetchone()[0]
    try:
        yield Book(
            ledger, ledger.path, admin_of(ledger), User(clerk, "clerk", Role.CLERK), dict(ids)
        )
    finally:
        ledger.close()


def tamper(book: Book, *sql: str, params: tuple[object, ...] = (), triggers: bool = False) -> None:
    with closing(raw(book.path)) as db:
        if not triggers:
            drop_append_only(db)
        for statement in sql:
            db.execute(statement, params if "?" in statement else ())


# --- edits of a transaction: verify names it ---------------------------------------------

T = "transactions"
TRANSACTION_EDITS: list[tuple[str, str, list[str]]] = [
    ("amount", "receipt", [f"UPDATE {T} SET amount = amount + 1 WHERE id = ?"]),
    ("amount down", "payment", [f"UPDATE {T} SET amount = 100 WHERE id = ?"]),
    (
        "one posting",
        "receipt",
        ["UPDATE postings SET amount = amount + 100 WHERE transaction_id = ? AND account = 'BANK'"],
    ),
    (
        "both postings, still balanced",
        "receipt",
        [
            "UPDATE postings SET amount = amount + 100 WHERE transaction_id = ?"
            " AND account = 'BANK'",
            "UPDATE postings SET amount = amount - 100 WHERE transaction_id = ?"
            " AND account = 'TAX-LAND'",
        ],
    ),
    (
        "posting account",
        "transfer",
        ["UPDATE postings SET account = 'BANK' WHERE transaction_id = ? AND account = 'CASH'"],
    ),
    ("posting fund", "project", ["UPDATE postings SET fund = 'GENERAL' WHERE transaction_id = ?"]),
    (
        "extra balanced posting pair",
        "receipt",
        [
            "INSERT INTO postings (transaction_id, account, fund, amount)"
            " VALUES (?, 'CASH', 'GENERAL', 500)",
            "INSERT INTO postings (transaction_id, account, fund, amount)"
            " VALUES (?, 'TAX-LAND', 'GENERAL', -500)",
        ],
    ),
    ("date", "receipt", [f"UPDATE {T} SET date = '2024-03-02' WHERE id = ?"]),
    (
        "date and the daily totals",
        "receipt",
        [
            f"UPDATE {T} SET date = '2024-03-02' WHERE id = ?",
            "UPDATE daily_totals SET date = '2024-03-02' WHERE date = '2024-03-01'",
        ],
    ),
    ("description", "receipt", [f"UPDATE {T} SET description = 'Land tax' WHERE id = ?"]),
    (
        "description, one letter",
        "receipt",
        [f"UPDATE {T} SET description = 'Жер салыгы' WHERE id = ?"],
    ),
    ("counterparty", "payment", [f"UPDATE {T} SET counterparty = 'ИП Брат' WHERE id = ?"]),
    ("reference", "receipt", [f"UPDATE {T} SET reference = '№ 13' WHERE id = ?"]),
    ("reason", "reversal", [f"UPDATE {T} SET reason = '' WHERE id = ?"]),
    ("type", "receipt", [f"UPDATE {T} SET type = 'opening' WHERE id = ?"]),
    ("code", "receipt", [f"UPDATE {T} SET code = 'TAX-PROPERTY' WHERE id = ?"]),
    (
        "code and postings",
        "payment",
        [
            f"UPDATE {T} SET code = 'STAFF' WHERE id = ?",
            "UPDATE postings SET account = 'STAFF' WHERE transaction_id = ? AND account = 'ROADS'",
        ],
    ),
    ("fund", "receipt", [f"UPDATE {T} SET fund = 'PROJECT' WHERE id = ?"]),
    ("account", "payment", [f"UPDATE {T} SET account = 'CASH' WHERE id = ?"]),
    ("to_account", "transfer", [f"UPDATE {T} SET to_account = 'BANK' WHERE id = ?"]),
    ("user", "receipt", [f"UPDATE {T} SET user_id = 1 WHERE id = ?"]),
    (
        "recorded_at",
        "receipt",
        [f"UPDATE {T} SET recorded_at = '2024-03-01T09:00:00+05:00' WHERE id = ?"],
    ),
    ("reverses cleared", "reversal", [f"UPDATE {T} SET reverses = NULL WHERE id = ?"]),
    ("reverses pointed elsewhere", "reversal", [f"UPDATE {T} SET reverses = 2 WHERE id = ?"]),
    ("import_id", "receipt", [f"UPDATE {T} SET import_id = 1 WHERE id = ?"]),
    (
        "deleted with its postings",
        "receipt",
        ["DELETE FROM postings WHERE transaction_id = ?", f"DELETE FROM {T} WHERE id = ?"],
    ),
    (
        "deleted with postings and daily totals fixed",
        "payment",
        [
            "DELETE FROM postings WHERE transaction_id = ?",
            f"DELETE FROM {T} WHERE id = ?",
            "DELETE FROM daily_totals WHERE date = '2024-04-01'",
        ],
    ),
    ("postings deleted", "transfer", ["DELETE FROM postings WHERE transaction_id = ?"]),
    (
        "chain payload",
        "receipt",
        ["UPDATE chain SET payload = replace(payload, '15000000', '15000100') WHERE seq = ?"],
    ),
    (
        "chain payload and hash",
        "receipt",
        [
            "UPDATE chain SET payload = replace(payload, 'Серік', 'Марат') WHERE seq = ?",
            "UPDATE chain SET hash = 'x' || substr(hash, 2) WHERE seq = ?",
        ],
    ),
    ("chain hash", "payment", ["UPDATE chain SET hash = '0' || substr(hash, 2) WHERE seq = ?"]),
    ("chain row deleted", "receipt", ["DELETE FROM chain WHERE seq = ?"]),
    ("chain kind", "receipt", ["UPDATE chain SET kind = 'setting' WHERE seq = ?"]),
]


@pytest.mark.parametrize(
    ("what", "target", "sql"), TRANSACTION_EDITS, ids=[e[0] for e in TRANSACTION_EDITS]
)
def test_transaction_edit_is_caught_and_named(
    book: Book, what: str, target: str, sql: list[str]
) -> None:
    entry_id = book.ids[target]
    tamper(book, *sql, params=(entry_id,))
    result = verify(book.ledger.conn)
    assert not result.ok, what
    assert result.first_bad == entry_id, result.problems
    assert result.problems


def test_chain_payload_edit_with_rehash_of_the_rest_is_caught(book: Book) -> None:
    """Rewriting one entry's payload and rehashing only it breaks the next link."""
    target = book.ids["receipt"]
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        payload = db.execute("SELECT payload FROM chain WHERE seq = ?", (target,)).fetchone()[0]
        forged = payload.replace("Жер салығы", "Land tax")
        db.execute(
            "UPDATE chain SET payload = ?, hash = ? WHERE seq = ?",
            (forged, chain.digest(forged), target),
        )
        db.execute("UPDATE transactions SET description = 'Land tax' WHERE id = ?", (target,))
    result = verify(book.ledger.conn)
    assert not result.ok
    assert result.first_bad == target + 1


def test_forged_transaction_without_chain_entry(book: Book) -> None:
    forged = 1000
    tamper(
        book,
        "INSERT INTO transactions (id, date, type, amount, code, fund, account, user_id,"
        " recorded_at) VALUES (?, '2025-02-01', 'payment', 50000, 'ROADS', 'GENERAL', 'BANK',"
        " 1, '2025-02-01T10:00:00+05:00')",
        "INSERT INTO postings (transaction_id, account, fund, amount)"
        " VALUES (?, 'ROADS', 'GENERAL', 50000)",
        "INSERT INTO postings (transaction_id, account, fund, amount)"
        " VALUES (?, 'BANK', 'GENERAL', -50000)",
        params=(forged,),
    )
    result = verify(book.ledger.conn)
    assert not result.ok
    assert result.first_bad == forged


def test_forged_posting_of_no_transaction(book: Book) -> None:
    tamper(
        book,
        "DROP TRIGGER postings_daily_totals",
        "INSERT INTO postings (transaction_id, account, fund, amount)"
        " VALUES (5000, 'BANK', 'GENERAL', 100)",
    )
    assert not verify(book.ledger.conn).ok


def test_transaction_reinserted_under_a_new_id(book: Book) -> None:
    """Delete an entry and put it back with another amount under the same id."""
    target = book.ids["payment"]
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        db.execute("DROP TRIGGER transactions_closed_year")
        row = db.execute("SELECT * FROM transactions WHERE id = ?", (target,)).fetchone()
        db.execute("DELETE FROM transactions WHERE id = ?", (target,))
        forged = (*row[:3], 100, *row[4:])
        db.execute(f"INSERT INTO transactions VALUES ({','.join('?' * len(row))})", forged)
    result = verify(book.ledger.conn)
    assert result.first_bad == target


# --- recomputed chains and cut tails: only an anchor catches them ------------------------


def _recompute_chain(db: sqlite3.Connection) -> None:
    """What a careful forger does after editing rows: rebuild every payload and hash."""
    prev = chain.GENESIS
    rows = db.execute("SELECT seq, kind, record, payload FROM chain ORDER BY seq").fetchall()
    for seq, kind, record, payload in rows:
        audit = json.loads(payload)["audit"]
        content = chain.CONTENT[kind](db, record)
        new = chain.envelope(seq, kind, prev, audit, content)
        prev = chain.digest(new)
        db.execute("UPDATE chain SET payload = ?, hash = ? WHERE seq = ?", (new, prev, seq))


def test_recomputed_chain_is_caught_only_by_the_anchor(book: Book) -> None:
    anchor = chain.head(book.ledger.conn)
    earlier = (
        book.ids["opening"],
        book.ledger.conn.execute(
            "SELECT hash FROM chain WHERE seq = ?", (book.ids["opening"],)
        ).fetchone()[0],
    )
    target = book.ids["receipt"]
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        db.execute("UPDATE transactions SET description = 'forged' WHERE id = ?", (target,))
        _recompute_chain(db)
    assert verify(book.ledger.conn).ok  # the chain alone cannot tell
    result = verify(book.ledger.conn, anchor=anchor)
    assert not result.ok
    assert result.first_bad == anchor[0]
    assert "rewritten" in " ".join(result.problems)
    # An anchor taken before the edited entry still holds: the history up to it is intact.
    assert verify(book.ledger.conn, anchor=earlier).ok


def test_cut_tail_is_caught_only_by_the_anchor(book: Book) -> None:
    anchor = chain.head(book.ledger.conn)
    last = book.ids["late"]
    assert anchor[0] == last
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        db.execute("DELETE FROM postings WHERE transaction_id = ?", (last,))
        db.execute("DELETE FROM transactions WHERE id = ?", (last,))
        db.execute("DELETE FROM daily_totals WHERE date = '2025-01-10'")
        db.execute("DELETE FROM chain WHERE seq = ?", (last,))
    assert verify(book.ledger.conn).ok
    result = verify(book.ledger.conn, anchor=anchor)
    assert not result.ok
    assert result.first_bad == last
    assert "removed" in " ".join(result.problems)


def test_anchor_of_the_true_head_passes(book: Book) -> None:
    n, head = chain.head(book.ledger.conn)
    assert verify(book.ledger.conn, anchor=(n, head)).ok
    assert verify(book.ledger.conn, anchor=parse_anchor(f"{n}:{head.upper()}")).ok


@pytest.mark.parametrize(
    "text",
    [
        "",
        "5",
        "5:",
        ":" + "a" * 64,
        "0:" + "a" * 64,
        "x:" + "a" * 64,
        "5:" + "a" * 63,
        "5:" + "g" * 64,
    ],
)
def test_bad_anchor_text_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_anchor(text)


# --- edits of what gives entries their meaning -------------------------------------------

OTHER_EDITS: list[tuple[str, list[str]]] = [
    ("user role", ["UPDATE users SET role = 'admin' WHERE name = 'clerk'"]),
    (
        "user password hash",
        [
            "UPDATE users SET password_hash ="
            " (SELECT password_hash FROM users WHERE name = 'admin')"
            " WHERE name = 'clerk'"
        ],
    ),
    ("user disabled", ["UPDATE users SET active = 0 WHERE name = 'admin'"]),
    ("user renamed", ["UPDATE users SET name = 'akim' WHERE name = 'clerk'"]),
    ("user deleted", ["DELETE FROM users WHERE name = 'clerk'"]),
    (
        "backdoor user",
        [
            "INSERT INTO users (name, role, password_hash, created_at)"
            " VALUES ('ghost', 'admin', 'scrypt$1$1$1$AA==$AA==', '2025-01-01')"
        ],
    ),
    ("account name", ["UPDATE accounts SET name_en = 'Salaries' WHERE code = 'ROADS'"]),
    ("account kind", ["UPDATE accounts SET kind = 'revenue' WHERE code = 'ROADS'"]),
    ("account box", ["UPDATE accounts SET box = 4 WHERE code = 'ROADS'"]),
    (
        "account added",
        [
            "INSERT INTO accounts (code, kind, box, name_kk, name_ru, name_en,"
            " created_at) VALUES ('SECRET', 'cash', NULL, 'x', 'x', 'x', 'now')"
        ],
    ),
    ("fund restriction", ["UPDATE funds SET restricted = 0 WHERE code = 'PROJECT'"]),
    ("fund purpose", ["UPDATE funds SET purpose = 'anything' WHERE code = 'PROJECT'"]),
    ("fund name", ["UPDATE funds SET name_kk = 'Жаңа' WHERE code = 'GENERAL'"]),
    ("setting", ["UPDATE settings SET value = 'Another village' WHERE key = 'village_name'"]),
    ("setting added", ["INSERT INTO settings (key, value) VALUES ('publish_threshold_tiyn', '1')"]),
    ("setting deleted", ["DELETE FROM settings WHERE key = 'council_kind'"]),
    ("closed year reopened", ["DELETE FROM closed_years WHERE year = 2024"]),
    ("closed year changed", ["UPDATE closed_years SET closed_at = '2030-01-01' WHERE year = 2024"]),
    (
        "closed year added",
        ["INSERT INTO closed_years (year, user_id, closed_at) VALUES (2025, 1, '2026-01-01')"],
    ),
    ("audit detail", ["UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3"]),
    ("audit user", ["UPDATE audit_log SET user = 'admin' WHERE user = 'clerk'"]),
    ("audit line deleted", ["DELETE FROM audit_log WHERE seq = 4"]),
    ("audit first line deleted", ["DELETE FROM audit_log WHERE seq = 1"]),
    (
        "daily total changed",
        [
            "UPDATE daily_totals SET amount = amount + 1"
            " WHERE account = 'BANK' AND date = '2024-03-01'"
        ],
    ),
    ("daily total deleted", ["DELETE FROM daily_totals WHERE date = '2024-04-02'"]),
    ("daily total added", ["INSERT INTO daily_totals VALUES ('BANK', 'GENERAL', '2024-05-05', 7)"]),
]


@pytest.mark.parametrize(("what", "sql"), OTHER_EDITS, ids=[e[0] for e in OTHER_EDITS])
def test_other_edit_is_caught(book: Book, what: str, sql: list[str]) -> None:
    tamper(book, *sql)
    result = verify(book.ledger.conn)
    assert not result.ok, what
    assert result.problems


def test_rewritten_audit_log_is_caught(book: Book) -> None:
    """Edit an audit line and recompute the audit log's own chain: the main chain holds the
    audit head at each write, so the rewrite still shows."""
    with closing(raw(book.path)) as db:
        drop_append_only(db)
        db.execute("UPDATE audit_log SET detail = 'nothing' WHERE event = 'entry.reverse'")
        prev = chain.GENESIS
        for seq, at, user, event, detail in db.execute(
            "SELECT seq, at, user, event, detail FROM audit_log ORDER BY seq"
        ).fetchall():
            prev = chain.digest(chain.audit_payload(seq, at, user, event, detail, prev))
            db.execute("UPDATE audit_log SET hash = ? WHERE seq = ?", (prev, seq))
    result = verify(book.ledger.conn)
    assert not result.ok
    assert result.first_bad is not None


# --- the append-only triggers ------------------------------------------------------------


APPEND_ONLY = [
    ("transactions", "UPDATE transactions SET amount = 1 WHERE id = ?"),
    ("transactions", "DELETE FROM transactions WHERE id = ?"),
    ("postings", "UPDATE postings SET amount = 1 WHERE transaction_id = ?"),
    ("postings", "DELETE FROM postings WHERE transaction_id = ?"),
    ("chain", "UPDATE chain SET payload = '' WHERE seq = ?"),
    ("chain", "DELETE FROM chain WHERE seq = ?"),
    ("audit_log", "UPDATE audit_log SET detail = '' WHERE seq = 1 AND ? > 0"),
    ("audit_log", "DELETE FROM audit_log WHERE seq = 1 AND ? > 0"),
    ("closed_years", "UPDATE closed_years SET closed_at = '' WHERE ? > 0"),
    ("closed_years", "DELETE FROM closed_years WHERE ? > 0"),
    ("accounts", "UPDATE accounts SET name_en = '' WHERE ? > 0"),
    ("funds", "DELETE FROM funds WHERE code = 'PROJECT' AND ? > 0"),
]


@pytest.mark.parametrize(("table", "sql"), APPEND_ONLY)
def test_append_only_triggers_refuse(book: Book, table: str, sql: str) -> None:
    target = book.ids["receipt"]
    before = verify(book.ledger.conn)
    for conn in (book.ledger.conn, raw(book.path)):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql, (target,))
    after = verify(book.ledger.conn)
    assert after.ok
    assert (after.entries, after.head) == (before.entries, before.head)


def test_trigger_error_is_an_integrity_error(book: Book) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        book.ledger.conn.execute("DELETE FROM transactions")


# --- NFC and the documented encoding -----------------------------------------------------


def test_description_typed_in_nfd_verifies(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    text = "Қар тазалау, Айдар, café"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    entry_id = receipt(
        ledger,
        admin,
        "2024-02-01",
        100_00,
        description=nfd,
        counterparty=unicodedata.normalize("NFD", "Йошкар"),
    )
    assert verify(ledger.conn).ok
    payload = ledger.conn.execute(
        "SELECT payload FROM chain WHERE seq = ?", (entry_id,)
    ).fetchone()[0]
    assert unicodedata.normalize("NFC", payload) == payload
    assert text in payload
    ledger.close()


def test_payload_matches_the_documented_encoding(tmp_path: Path) -> None:
    """docs/hash-chain.md, written out by hand for one receipt and one audit line."""
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    seq_before, prev = chain.head(ledger.conn)
    audit_before = chain.audit_head(ledger.conn)
    entry_id = receipt(
        ledger,
        admin,
        "2024-03-01",
        150_000_00,
        "TAX-LAND",
        counterparty="Серік",
        description="Жер салығы",
        reference="№ 12",
    )
    assert entry_id == seq_before + 1
    recorded_at = ledger.conn.execute(
        "SELECT recorded_at FROM transactions WHERE id = ?", (entry_id,)
    ).fetchone()[0]
    expected = (
        '{"audit":"' + audit_before + '",'
        '"content":{"account":"BANK","amount":15000000,"code":"TAX-LAND",'
        '"counterparty":"Серік","date":"2024-03-01","description":"Жер салығы",'
        '"fund":"GENERAL","id":' + str(entry_id) + ',"import_id":null,'
        '"postings":[["BANK","GENERAL",15000000],["TAX-LAND","GENERAL",-15000000]],'
        '"reason":"","recorded_at":"' + recorded_at + '","reference":"№ 12",'
        '"reverses":null,"to_account":null,"type":"receipt","user_id":1},'
        '"kind":"transaction","prev":"' + prev + '","seq":' + str(entry_id) + ',"v":1}'
    )
    payload, stored = ledger.conn.execute(
        "SELECT payload, hash FROM chain WHERE seq = ?", (entry_id,)
    ).fetchone()
    assert payload == expected
    assert stored == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert chain.head(ledger.conn) == (entry_id, stored)

    seq, at, user, event, detail, line_hash = ledger.conn.execute(
        "SELECT seq, at, user, event, detail, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert (user, event) == ("admin", "entry.record")
    line = (
        '{"at":"' + at + '","detail":"' + detail + '","event":"entry.record",'
        '"prev":"' + audit_before + '","seq":' + str(seq) + ',"user":"admin","v":1}'
    )
    assert line_hash == hashlib.sha256(line.encode("utf-8")).hexdigest()
    ledger.close()


def test_every_record_kind_is_chained(book: Book) -> None:
    kinds = {k for (k,) in book.ledger.conn.execute("SELECT DISTINCT kind FROM chain")}
    assert {"transaction", "user", "account", "fund", "setting", "closed_year"} <= kinds
    for kind, (table, key) in chain.TABLES.items():
        stored = {str(k) for (k,) in book.ledger.conn.execute(f"SELECT {key} FROM {table}")}
        chained = {
            r
            for (r,) in book.ledger.conn.execute("SELECT record FROM chain WHERE kind = ?", (kind,))
        }
        assert stored == chained, kind


def test_transaction_ids_are_chain_numbers(book: Book) -> None:
    for entry_id in book.ids.values():
        kind, record = book.ledger.conn.execute(
            "SELECT kind, record FROM chain WHERE seq = ?", (entry_id,)
        ).fetchone()
        assert (kind, record) == ("transaction", str(entry_id))


def test_verify_reports_length_head_and_progress(book: Book) -> None:
    calls: list[tuple[int, int]] = []
    result = verify(book.ledger.conn, progress=lambda done, total: calls.append((done, total)))
    assert result.ok
    assert (result.entries, result.head) == chain.head(book.ledger.conn)
    assert calls[-1] == (result.entries, result.entries)
    assert result.as_json() == {
        "ok": True,
        "entries": result.entries,
        "head": result.head,
        "first_bad": None,
        "problems": [],
        "audit_entries": result.audit_entries,
    }


def test_password_reset_keeps_the_chain_valid(book: Book) -> None:
    """A user is a mutable record: each change is a new chain entry, and verify holds."""
    users.reset_password(book.ledger, book.admin, "clerk", "another-password-2")
    users.set_role(book.ledger, book.admin, "clerk", "member")
    assert verify(book.ledger.conn).ok
    # ...but rolling the row back to its older state is still a change.
    tamper(book, "UPDATE users SET role = 'clerk' WHERE name = 'clerk'")
    assert not verify(book.ledger.conn).ok
