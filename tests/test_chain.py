"""The signed hash chain, encoding version 2 (docs/hash-chain.md): what is stored is what the
page says, byte for byte; the append-only triggers hold; text is NFC; entry numbers run
1, 2, 3 beside the chain's own positions; and the page's "Checking a ledger by hand" script
runs clean on every kind of ledger (and fails on a forged one).

The attacks themselves (every kind of edit, forged appends, every column of every table)
are in test_tamper.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
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
    council_year,
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
    uncounted,
    user_of,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ruralcouncil.ledger import (
    catalog,
    chain,
    importer,
    journal,
    keys,
    records,
    schema,
    users,
)
from ruralcouncil.ledger import settings as ledger_settings
from ruralcouncil.ledger.errors import AuthenticationFailed, InvalidInput
from ruralcouncil.ledger.roles import User
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.verify import parse_anchor, verify

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "hash-chain.md"
FIXTURES = ROOT / "tests" / "fixtures"
CLERK_PASSWORD = "clerk-password-1"


@dataclass
class Book:
    ledger: Ledger
    path: Path
    numbers: dict[str, int]


def _build(ledger: Ledger, folder: Path) -> dict[str, int]:
    """Every kind of record: a second fund, a clerk, entries of each type, a reversal, an
    import, a failed login, a closed year and a changed setting."""
    admin = admin_of(ledger)
    catalog.add_fund(ledger, admin, "PROJECT", restricted=True, name_en="New well")
    users.add_user(ledger, admin, "clerk", "clerk", CLERK_PASSWORD)
    clerk = user_of(ledger, "clerk", CLERK_PASSWORD)
    numbers = {
        "opening": opening(ledger, admin, "2024-01-01", 1_000_000_00),
        "receipt": receipt(
            ledger,
            clerk,
            "2024-03-01",
            150_000_00,
            "TAX-LAND",
            counterparty="Серік Йолдасов",
            description="Жер салығы, Қайыңды",
            reference="№ 12",
        ),
        "project": receipt(ledger, clerk, "2024-03-05", 50_000_00, "COMMUNITY", fund="PROJECT"),
        "payment": payment(ledger, clerk, "2024-04-01", 20_000_00, "ROADS", counterparty="ТОО Жол"),
        "transfer": transfer(ledger, clerk, "2024-04-02", 5_000_00),
    }
    numbers["reversal"] = journal.reverse(
        ledger, clerk, numbers["payment"], "wrong road", day("2024-04-03")
    )
    csv = folder / "bank.csv"
    csv.write_text(
        "date,type,amount,category\n2024-06-01,receipt,100.50,TAX-VEHICLE\n", encoding="utf-8"
    )
    numbers["imported"] = importer.import_transactions(ledger, clerk, csv).first_id or 0
    with pytest.raises(AuthenticationFailed):
        users.login(ledger, "clerk", "not-the-password")
    journal.close_year(ledger, admin, 2024)
    ledger_settings.change(ledger, admin, ledger_settings.COUNCIL_NAME, "Қайыңды мәслихаты")
    numbers["paid"] = _council_year(ledger, admin, clerk)
    # Community money (schema 4): contributions, gifts, the refund and move at the close.
    for i, (number,) in enumerate(
        ledger.conn.execute(
            "SELECT number FROM transactions WHERE number > ? ORDER BY number", (numbers["paid"],)
        ).fetchall()
    ):
        numbers[f"community_{i}"] = int(number)
    numbers["late"] = payment(ledger, clerk, "2025-01-10", 1_000_00, "STAFF", account="CASH")
    return numbers


def _council_year(ledger: Ledger, admin: User, clerk: User) -> int:
    """The council's records (schema 3), in 2026: a chair and a member sit."""
    for name, role in (("chair", "chair"), ("aigul", "member")):
        users.add_user(ledger, admin, name, role, CLERK_PASSWORD)
    chair, member = (user_of(ledger, n, CLERK_PASSWORD) for n in ("chair", "aigul"))
    return council_year(ledger, admin, clerk, chair, member, 2026)["paid"]


@cache
def _template() -> tuple[Path, dict[str, int]]:
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "book.ruralcouncil")
    numbers = _build(ledger, folder)
    result = verify(ledger.conn)
    assert result.ok, result.problems
    ledger.close()
    return folder / "book.ruralcouncil", numbers


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    template, numbers = _template()
    ledger = copy_ledger(template, tmp_path)
    try:
        yield Book(ledger, ledger.path, dict(numbers))
    finally:
        ledger.close()


def seq_of(conn: sqlite3.Connection, kind: str, record: str) -> int:
    found = chain.entry_seq(conn, kind, record)
    assert found is not None, (kind, record)
    return found


def tamper(path: Path, *sql: str, params: tuple[object, ...] = ()) -> None:
    """Raw edits, the append-only triggers dropped and put back exactly as they were."""
    with closing(raw(path)) as db:
        triggers = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
            " AND (name LIKE '%_no_update' OR name LIKE '%_no_delete')"
        ).fetchall()
        drop_append_only(db)
        for statement in sql:
            db.execute(statement, params if "?" in statement else ())
        for (statement,) in triggers:
            db.execute(statement)
        assert schema.differences(db, schema.SCHEMA_VERSION) == []


# --- the append-only triggers --------------------------------------------------------------

APPEND_ONLY = sorted(
    o[2]
    for o in schema.expected(schema.SCHEMA_VERSION)
    if o[0] == "trigger" and o[1].endswith("_no_update")
)


def test_the_append_only_tables_are_those_the_issue_names() -> None:
    assert set(APPEND_ONLY) == {
        "accounts",
        "audit_log",
        "chain",
        "closed_years",
        "events",
        "funds",
        "imports",
        "postings",
        "signatures",
        "transactions",
        # The council's path (schema 3): everything but its rules' latest values.
        "attachments",
        "budget_lines",
        "budgets",
        "confirmations",
        "entry_links",
        "interests",
        "meetings",
        "parties",
        "request_steps",
        "requests",
        "resolution_uses",
        "resolutions",
        "votes",
        # Community money (schema 4): every table.
        "acknowledgements",
        "contributions",
        "donations",
        "exemptions",
        "households",
        "project_steps",
        "projects",
        # The registers (schema 4): every table.
        "asset_disposals",
        "assets",
        "fine_cancellations",
        "fines",
        "leases",
        "loans",
        "register_links",
        "subsidies",
        "subsidy_steps",
        # The annual return (schema 5): every table.
        *schema.RETURN_TABLES,
    }


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {column}", "DELETE FROM {table}"]
)
def test_append_only_triggers_refuse(book: Book, table: str, statement: str) -> None:
    conn = book.ledger.conn
    column = conn.execute(f"PRAGMA table_info({table})").fetchone()[1]
    if table == "audit_log":  # empty in a ledger made by version 2: give the trigger a row
        tamper(
            book.path,
            "DROP TRIGGER audit_log_closed",
            "INSERT INTO audit_log VALUES (1, 'now', 'admin', 'login', '', 'x')",
            schema_sql("audit_log_closed"),
        )
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    before = verify(conn)
    sql = statement.format(table=table, column=column)
    with closing(raw(book.path)) as other:
        for db in (conn, other):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)
    after = verify(conn)
    assert (after.entries, after.head, after.problems) == (
        before.entries,
        before.head,
        before.problems,
    )


def test_entry_numbers_refuse_a_gap(book: Book) -> None:
    conn = book.ledger.conn
    with pytest.raises(sqlite3.IntegrityError, match="without gaps"):
        conn.execute(
            "INSERT INTO transactions (id, number, date, type, amount, code, fund, account,"
            " user_id, recorded_at) SELECT max(id) + 1, max(number) + 2, '2025-02-01',"
            " 'receipt', 1, 'FINES', 'GENERAL', 'BANK', 1, 'now' FROM transactions"
        )
    assert verify(conn).ok


def test_the_version_1_audit_log_is_closed(book: Book) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="closed"):
        book.ledger.conn.execute(
            "INSERT INTO audit_log VALUES (1, 'now', 'admin', 'login', '', 'x')"
        )


# --- the documented encoding, byte for byte -------------------------------------------------


def test_payload_matches_the_documented_encoding(tmp_path: Path) -> None:
    """docs/hash-chain.md, written out by hand for one receipt, the event that says so and the
    signature over the commit they make."""
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    conn = ledger.conn
    seq_before, prev = chain.head(conn)
    number = receipt(
        ledger,
        admin,
        "2024-03-01",
        150_000_00,
        "TAX-LAND",
        counterparty='Серік "Ақ" \\ жол',
        description="Жер салығы",
        reference="№ 12",
    )
    assert number == 1
    seq = seq_before + 1
    recorded_at = conn.execute("SELECT recorded_at FROM transactions WHERE id = 1").fetchone()[0]
    expected = (
        '{"author":1,"content":{"account":"BANK","amount":15000000,"code":"TAX-LAND",'
        '"counterparty":"Серік \\"Ақ\\" \\\\ жол","date":"2024-03-01",'
        '"description":"Жер салығы","fund":"GENERAL","id":1,"import_id":null,"number":1,'
        '"postings":[[1,"BANK","GENERAL",15000000],[2,"TAX-LAND","GENERAL",-15000000]],'
        '"reason":"","recorded_at":"' + recorded_at + '","reference":"№ 12",'
        '"reverses":null,"to_account":null,"type":"receipt","user_id":1},'
        '"kind":"transaction","prev":"' + prev + '","record":"1","seq":' + str(seq) + ',"v":2}'
    )
    row = conn.execute(
        "SELECT kind, record, author, payload, hash FROM chain WHERE seq = ?", (seq,)
    ).fetchone()
    assert row == (
        "transaction",
        "1",
        1,
        expected,
        hashlib.sha256(expected.encode("utf-8")).hexdigest(),
    )

    event_id, at = conn.execute("SELECT id, at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    event = (
        '{"author":1,"content":{"at":"' + at + '","detail":"1 receipt 15000000 2024-03-01",'
        '"event":"entry.record","id":' + str(event_id) + ',"user_id":1},"kind":"event",'
        '"prev":"' + row[4] + '","record":"' + str(event_id) + '","seq":' + str(seq + 1) + ',"v":2}'
    )
    head = hashlib.sha256(event.encode("utf-8")).hexdigest()
    assert conn.execute("SELECT payload, hash FROM chain WHERE seq = ?", (seq + 1,)).fetchone() == (
        event,
        head,
    )
    assert chain.head(conn) == (seq + 1, head)

    # One signature for the commit, over the head it leaves, by the author's key.
    signed = conn.execute(
        "SELECT seq, author, signature FROM signatures WHERE seq > ?", (seq_before,)
    ).fetchall()
    assert [(s, a) for s, a, _sig in signed] == [(seq + 1, 1)]
    public = conn.execute("SELECT public_key FROM users WHERE id = 1").fetchone()[0]
    # The commit runs from the receipt (seq) to its event (seq + 1): both ends are signed.
    message = f"RuralCouncil chain v2 commit {seq}-{seq + 1}:{head}".encode()
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
        bytes.fromhex(signed[0][2]), message
    )
    assert keys.signed_message(seq, seq + 1, head) == message
    ledger.close()


def _documented_content_keys() -> dict[str, tuple[set[str], set[str]]]:
    """The page's table of kinds: (keys every entry of the kind has, keys it may have)."""
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| kind | table, key | content keys |") :].split("\n\n")[0]
    found: dict[str, tuple[set[str], set[str]]] = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        kind = cells[0].strip("`")
        groups = [{k.strip() for k in g.split(",")} for g in re.findall(r"`([^`]+)`", cells[2])]
        always = set(groups[0])
        if "plus" in cells[2]:  # `...`, plus `postings`
            always |= set().union(*groups[1:])
        found[kind] = (always, set().union(*groups))
    return found


def test_content_of_every_kind_is_what_the_page_lists(book: Book) -> None:
    documented = _documented_content_keys()
    assert set(documented) == set(records.KINDS)
    conn = book.ledger.conn
    seen = set()
    for kind, payload in conn.execute("SELECT kind, payload FROM chain"):
        content = json.loads(payload)["content"]
        always, allowed = documented[kind]
        assert always <= set(content) <= allowed, (kind, sorted(content))
        seen.add(kind)
    assert seen == set(records.KINDS)


def test_canonical_json_is_what_the_page_says() -> None:
    value = {"b": [1, None, 'é\n"\\'], "a": {"z": True, "ä": -5}}
    assert chain.canonical(value) == '{"a":{"z":true,"ä":-5},"b":[1,null,"é\\n\\"\\\\"]}'
    assert chain.canonical(value) == json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert chain.GENESIS == "0" * 64
    assert chain.digest("x") == hashlib.sha256(b"x").hexdigest()


def test_every_record_kind_is_chained(book: Book) -> None:
    conn = book.ledger.conn
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM chain")}
    assert kinds == set(records.KINDS)
    for kind in records.KINDS.values():
        if kind.table is None:
            continue
        stored = {str(k) for (k,) in conn.execute(f"SELECT {kind.key} FROM {kind.table}")}
        chained = {
            r for (r,) in conn.execute("SELECT record FROM chain WHERE kind = ?", (kind.name,))
        }
        assert stored and stored == chained, kind.name


# --- NFC ------------------------------------------------------------------------------------


def test_text_typed_in_nfd_is_stored_and_chained_in_nfc(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    text = "Қар тазалау, Йошкар, café, ёлка"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    number = receipt(ledger, admin, "2024-02-01", 100_00, description=nfd, counterparty=nfd)
    ledger_settings.change(ledger, admin, ledger_settings.COUNCIL_NAME, nfd)
    conn = ledger.conn
    stored = conn.execute(
        "SELECT description, counterparty FROM transactions WHERE number = ?", (number,)
    ).fetchone()
    assert stored == (text, text)
    assert ledger_settings.get(conn, ledger_settings.COUNCIL_NAME) == text
    for kind, record in (("transaction", "1"), ("setting", ledger_settings.COUNCIL_NAME)):
        payload = conn.execute(
            "SELECT payload FROM chain WHERE seq = ?", (seq_of(conn, kind, record),)
        ).fetchone()[0]
        assert text in payload and nfd not in payload
        assert unicodedata.is_normalized("NFC", payload)
    assert verify(conn).ok
    ledger.close()


NFD_EDITS = [
    ("transactions", "description", "number = {receipt}", "transaction", "{receipt}"),
    ("transactions", "counterparty", "number = {receipt}", "transaction", "{receipt}"),
    ("settings", "value", "key = 'council_name'", "setting", "council_name"),
    ("accounts", "name_ru", "code = 'TAX-LAND'", "account", "TAX-LAND"),
    ("funds", "name_ru", "code = 'GENERAL'", "fund", "GENERAL"),
]


@pytest.mark.parametrize(("table", "column", "where", "kind", "record"), NFD_EDITS)
def test_stored_text_not_in_nfc_is_a_change(
    book: Book, table: str, column: str, where: str, kind: str, record: str
) -> None:
    where = where.format(**book.numbers)
    record = record.format(**book.numbers)
    conn = book.ledger.conn
    old = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()[0]
    nfd = unicodedata.normalize("NFD", old)
    assert nfd != old and unicodedata.normalize("NFC", nfd) == old
    tamper(book.path, f"UPDATE {table} SET {column} = ? WHERE {where}", params=(nfd,))
    result = verify(conn)
    assert not result.ok
    assert result.first_bad_seq == seq_of(conn, kind, record), result.problems
    assert result.first_bad == (int(record) if kind == "transaction" else None)


# --- entry numbers and chain positions -------------------------------------------------------


def test_entry_numbers_run_1_2_3_and_are_not_chain_positions(book: Book) -> None:
    conn = book.ledger.conn
    rows = conn.execute("SELECT id, number FROM transactions ORDER BY id").fetchall()
    assert [n for _i, n in rows] == list(range(1, len(rows) + 1))
    assert all(i == n for i, n in rows)  # a ledger made by version 2
    positions = [seq_of(conn, "transaction", str(i)) for i, _n in rows]
    assert positions == sorted(positions)
    assert all(p > n for p, (_i, n) in zip(positions, rows, strict=True))
    assert verify(conn).transactions == len(rows)


def test_first_bad_is_the_entry_number_and_first_bad_seq_its_position(book: Book) -> None:
    conn = book.ledger.conn
    number = book.numbers["transfer"]
    tamper(book.path, f"UPDATE transactions SET amount = amount + 1 WHERE number = {number}")
    result = verify(conn)
    assert (result.first_bad, result.first_bad_seq) == (
        number,
        seq_of(conn, "transaction", str(number)),
    )
    assert result.as_json()["first_bad"] == number


def test_first_bad_is_null_when_the_first_bad_record_is_not_an_entry(book: Book) -> None:
    conn = book.ledger.conn
    tamper(book.path, "UPDATE funds SET purpose = 'anything' WHERE code = 'PROJECT'")
    result = verify(conn)
    assert not result.ok
    assert (result.first_bad, result.first_bad_seq) == (None, seq_of(conn, "fund", "PROJECT"))
    assert any("fund PROJECT" in p for p in result.problems)


def _upgraded_v1(folder: Path) -> Path:
    path = folder / "village.ruralcouncil"
    shutil.copyfile(FIXTURES / "ledger-v1.ruralcouncil", path)
    ledger = open_ledger(path)
    try:
        users.login(ledger, "admin", "fixture-admin-1")
    finally:
        ledger.close()
    return path


def test_an_upgraded_ledger_names_its_bad_entry_by_its_new_number(tmp_path: Path) -> None:
    path = _upgraded_v1(tmp_path)
    with closing(sqlite3.connect(path)) as conn:
        entry_id, number = conn.execute(
            "SELECT id, number FROM transactions WHERE id <> number ORDER BY id LIMIT 1 OFFSET 2"
        ).fetchone()
        seq = seq_of(conn, "transaction", str(entry_id))
    tamper(path, f"UPDATE transactions SET description = 'x' WHERE id = {entry_id}")
    with closing(sqlite3.connect(path)) as conn:
        result = verify(conn)
    assert (result.first_bad, result.first_bad_seq) == (number, seq), result.problems


# --- the page's own script ---------------------------------------------------------------------


def _hand_check_script() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Checking a ledger by hand") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def _run_hand_check(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """Run the page's script as a reader would: on a file named village.ruralcouncil in the
    current folder."""
    assert path.name == "village.ruralcouncil"
    monkeypatch.chdir(path.parent)
    exec(compile(_hand_check_script(), str(DOC), "exec"), {"__name__": "__main__"})
    return capsys.readouterr().out


def _expect_clean(path: Path, out: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        n, head = chain.head(conn)
    assert out.strip() == f"chain length {n} head {head}"


def test_hand_check_runs_clean_on_a_new_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template, _numbers = _template()
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(template, path)
    _expect_clean(path, _run_hand_check(path, monkeypatch, capsys))


def test_hand_check_runs_clean_on_the_version_2_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(FIXTURES / "ledger-v2.ruralcouncil", path)
    _expect_clean(path, _run_hand_check(path, monkeypatch, capsys))


def test_hand_check_runs_clean_on_an_upgraded_version_1_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _upgraded_v1(tmp_path)
    _expect_clean(path, _run_hand_check(path, monkeypatch, capsys))


def test_hand_check_fails_on_a_forged_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: the script checks something. A commit signed with a stranger's key."""
    template, _numbers = _template()
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(template, path)
    stranger = Ed25519PrivateKey.generate()
    with closing(raw(path)) as db:
        seq, prev = chain.head(db)
        content = {"key": "village_name", "value": "Forged"}
        payload = chain.envelope(seq + 1, "setting", "village_name", 1, prev, content)
        db.execute(
            "INSERT INTO chain (seq, kind, record, author, payload, hash)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (seq + 1, "setting", "village_name", 1, payload, chain.digest(payload)),
        )
        signature = stranger.sign(
            keys.signed_message(seq + 1, seq + 1, chain.digest(payload))
        ).hex()
        db.execute("INSERT INTO signatures VALUES (?, 1, ?)", (seq + 1, signature))
    from cryptography.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        _run_hand_check(path, monkeypatch, capsys)


# --- anchors -----------------------------------------------------------------------------------


def test_recomputed_chain_is_caught_by_the_signatures_even_without_an_anchor(book: Book) -> None:
    """A careful forger edits a row, then rebuilds every later payload and hash: the links
    hold, but the signatures over the heads cannot be rebuilt without the keys."""
    conn = book.ledger.conn
    number = book.numbers["receipt"]
    seq = seq_of(conn, "transaction", str(number))
    earlier = (
        seq - 1,
        conn.execute("SELECT hash FROM chain WHERE seq = ?", (seq - 1,)).fetchone()[0],
    )
    tamper(book.path, f"UPDATE transactions SET description = 'forged' WHERE id = {number}")
    with closing(raw(book.path)) as db:
        rows = db.execute(
            "SELECT seq, kind, record, author FROM chain WHERE seq >= ? ORDER BY seq", (seq,)
        ).fetchall()
        prev = earlier[1]
        updates = []
        for n, kind, record, author in rows:
            known = records.get(kind)
            assert known is not None
            if known.mutable or known.table is None:
                content = json.loads(
                    db.execute("SELECT payload FROM chain WHERE seq = ?", (n,)).fetchone()[0]
                )["content"]
            else:
                content = known.build(db, record)
            new = chain.envelope(n, kind, record, author, prev, content)
            prev = chain.digest(new)
            updates.append((new, prev, n))
    with closing(raw(book.path)) as db:
        db.execute("DROP TRIGGER chain_no_update")
        db.executemany("UPDATE chain SET payload = ?, hash = ? WHERE seq = ?", updates)
        db.execute(schema_sql("chain_no_update"))
    result = verify(conn)
    assert not result.ok
    assert (result.first_bad, result.first_bad_seq) == (number, seq), result.problems
    assert "not signed by clerk's key" in result.problems[0]
    # An anchor taken before the edited entry still holds: history up to it is intact.
    assert not any("anchor" in p or "rewritten" in p for p in verify(conn, anchor=earlier).problems)


def schema_sql(name: str) -> str:
    with closing(sqlite3.connect(_template()[0])) as conn:
        return str(
            conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        )


def test_cut_tail_is_caught_only_by_the_anchor(book: Book) -> None:
    conn = book.ledger.conn
    anchor = chain.head(conn)
    number = book.numbers["late"]
    cut = seq_of(conn, "transaction", str(number))
    tamper(
        book.path,
        f"DELETE FROM events WHERE id IN (SELECT CAST(record AS INTEGER) FROM chain"
        f" WHERE kind = 'event' AND seq >= {cut})",
        f"DELETE FROM postings WHERE transaction_id = {number}",
        *uncounted(number),
        f"DELETE FROM transactions WHERE id = {number}",
        "DELETE FROM daily_totals WHERE date = '2025-01-10'",
        f"DELETE FROM signatures WHERE seq >= {cut}",
        f"DELETE FROM chain WHERE seq >= {cut}",
    )
    assert verify(conn).ok
    result = verify(conn, anchor=anchor)
    assert (result.ok, result.first_bad_seq, result.first_bad) == (False, anchor[0], None)
    assert "entries were removed" in result.problems[0]


def test_anchor_of_the_true_head_passes(book: Book) -> None:
    n, head = chain.head(book.ledger.conn)
    assert verify(book.ledger.conn, anchor=(n, head)).ok
    assert verify(book.ledger.conn, anchor=parse_anchor(f"{n}:{head.upper()}")).ok
    assert not verify(book.ledger.conn, anchor=(n, "0" * 64)).ok
    assert not verify(book.ledger.conn, anchor=(n + 1, head)).ok


@pytest.mark.parametrize(
    "text",
    [
        "",
        "5",
        "5:",
        ":" + "a" * 64,
        "0:" + "a" * 64,
        "-1:" + "a" * 64,
        "x:" + "a" * 64,
        "5:" + "a" * 63,
        "5:" + "a" * 65,
        "5:" + "g" * 64,
        "١:" + "a" * 64,
        "²:" + "a" * 64,
        "9" * 30 + ":" + "a" * 64,
        "9" * 5000 + ":" + "a" * 64,
    ],
)
def test_bad_anchor_text_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_anchor(text)


# --- what verify reports ------------------------------------------------------------------------


def test_verify_reports_length_head_and_progress(book: Book) -> None:
    calls: list[tuple[int, int]] = []
    result = verify(book.ledger.conn, progress=lambda done, total: calls.append((done, total)))
    assert result.ok
    assert (result.entries, result.head) == chain.head(book.ledger.conn)
    assert calls[-1] == (result.entries, result.entries)
    report = result.as_json()
    # DESIGN §4, `verify --json`, and what this version adds.
    assert {"ok", "entries", "transactions", "head", "first_bad", "problems"} <= set(report)
    assert report["ok"] is True and report["problems"] == []
    assert (report["entries"], report["head"]) == chain.head(book.ledger.conn)
    assert report["transactions"] == len(book.numbers)
    assert report["first_bad"] is None and report["first_bad_seq"] is None
    assert report["schema_version"] == schema.SCHEMA_VERSION
    assert (
        report["signed_commits"]
        == book.ledger.conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
    )
    assert report["legacy_entries"] == 0
    # The clerk's key was set by the administrator: every record she signed is listed.
    listed = {key["user"]: key["records"] for key in report["admin_set_keys"]}
    assert set(listed) == {"clerk", "chair", "aigul", "auditor1"}  # auditor1: return_year
    assert all(records > 0 for records in listed.values())
    json.dumps(report)


def test_user_changes_keep_the_chain_valid_and_a_rollback_is_a_change(book: Book) -> None:
    """A user is a mutable record: each change is a new chain entry, and verify holds."""
    admin = admin_of(book.ledger)
    users.reset_password(book.ledger, admin, "clerk", "another-password-2")
    clerk = users.login(book.ledger, "clerk", "another-password-2")
    users.change_own_password(book.ledger, clerk, "another-password-2", "her-own-password-3")
    # An administrator changes her role after she set her own key: the key keeps its mark.
    users.set_role(book.ledger, admin, "clerk", "member")
    users.set_active(book.ledger, admin, "clerk", False)
    users.set_active(book.ledger, admin, "clerk", True)
    result = verify(book.ledger.conn)
    assert result.ok, result.problems
    latest = seq_of(book.ledger.conn, "user", "2")
    # ...but rolling the row back to an older state is still a change.
    tamper(book.path, "UPDATE users SET role = 'clerk' WHERE name = 'clerk'")
    result = verify(book.ledger.conn)
    assert (result.ok, result.first_bad_seq) == (False, latest)
