"""verify's fast paths say exactly what the plain ones say.

``verify`` rebuilds each transaction's payload as a string straight from its row
(``_transaction_payload``) and other records' payloads with a JSON encoder made once
(``chain.envelope``); it reads text as UTF-8 first and reads it again leniently only when some is
not; and it runs SQLite's own checks on a second connection in a thread (``_Beside``). Each
of these is held here to what it stands for: ``chain.envelope`` and ``records``' contents
character for character, for every kind of record and every kind of value (text that is not
ASCII, not NFC, not UTF-8, quotes, control characters); and the same report with and without
the second connection. The attacks themselves are in test_tamper.py.
"""

from __future__ import annotations

import gc
import json
import math
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    council_year,
    day,
    english,
    fresh_ledger,
    payment,
    raw,
    receipt,
    scratch_dir,
    tamper,
    transfer,
    user_of,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from ruralcouncil.ledger import catalog, chain, importer, journal, records, users, verify
from ruralcouncil.ledger import settings as ledger_settings
from ruralcouncil.ledger.storage import open_ledger

DATA = Path(__file__).resolve().parent / "data"

# Text of every awkward kind: Kazakh and Russian letters, text not in NFC (typed as a letter
# and a combining mark), quotes, backslashes, control characters, a character outside the
# Basic Multilingual Plane, U+2028 (which JSON allows raw), DEL.
AWKWARD = [
    "Жер салығы",
    "Серік Ахметов",
    unicodedata.normalize("NFD", "Қайта өңдеу й"),
    'quote " and \\ backslash',
    "line\nbreak\ttab\r\x00\x01\x1f\x7f",
    "emoji 🐑 and \u2028 and \u00a0",
    "",
]


@cache
def _ledger() -> Path:
    """A ledger with every kind of record and of entry (receipt, payment, transfer, opening,
    reversal, imported), with awkward text written into the stored rows by hand."""
    folder = scratch_dir()
    ledger = fresh_ledger(folder, "fast.ruralcouncil")
    admin = admin_of(ledger)
    catalog.add_fund(ledger, admin, "PROJECT", restricted=True, name_en="New well", purpose="Құдық")
    users.add_user(ledger, admin, "clerk", "clerk", "clerk-password-1", "Айгүл Серікова")
    importer.import_transactions(ledger, admin, DATA / "transactions-good.csv")
    journal.close_year(ledger, admin, 2023)
    receipt(
        ledger,
        admin,
        "2024-03-01",
        150_000_00,
        counterparty="Серік Ахметов",
        description="Жер салығы",
        reference="№ 12",
    )
    receipt(ledger, admin, "2024-03-05", 50_000_00, "COMMUNITY", fund="PROJECT")
    paid = payment(ledger, admin, "2024-04-01", 20_000_00, counterparty="ТОО Жол")
    transfer(ledger, admin, "2024-04-02", 5_000_00)
    journal.reverse(ledger, admin, paid, "wrong road", day("2024-04-03"))
    ledger_settings.change(ledger, admin, ledger_settings.VILLAGE_NAME, "Жаңа ауыл")
    users.add_user(ledger, admin, "chair", "chair", "chair-password-1")
    users.add_user(ledger, admin, "member", "member", "member-password-1")
    clerk = user_of(ledger, "clerk", "clerk-password-1")
    chair = user_of(ledger, "chair", "chair-password-1")
    member = user_of(ledger, "member", "member-password-1")
    council_year(ledger, admin, clerk, chair, member, 2026)
    ledger.close()
    return folder / "fast.ruralcouncil"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    copy = tmp_path / "fast.ruralcouncil"
    copy.write_bytes(_ledger().read_bytes())
    return copy


def _read(path: Path, *, lenient: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    if lenient:
        conn.text_factory = chain._lenient
    return conn


def _verified(path: Path, anchor: tuple[int, str] | None = None) -> dict[str, Any]:
    ledger = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    try:
        return verify.verify(ledger.conn, anchor).as_json()
    finally:
        ledger.close()


# --- a transaction's payload, rebuilt from its row ----------------------------------------


def _walked(conn: sqlite3.Connection) -> Iterator[tuple[int, str, int | None, str, str]]:
    """Every transaction entry: (seq, record, author, prev, payload)."""
    prev = chain.GENESIS
    for seq, kind, record, author, payload, stored in conn.execute(
        "SELECT seq, kind, record, author, payload, hash FROM chain ORDER BY seq"
    ):
        if kind == "transaction":
            yield seq, record, author, prev, payload
        prev = stored


def test_the_fast_path_is_on_for_the_registered_transaction() -> None:
    """If the transaction's columns change, this says so (the fast path then stands aside,
    and verify is only slower)."""
    assert chain.TRANSACTION_NAMES == verify._TRANSACTION_COLUMNS
    assert records.get("transaction") is records.TRANSACTION
    assert records.TRANSACTION.content is chain.transaction_content
    assert records.TRANSACTION.authorise is records.authorise_transaction


class _Watched(dict[str, Any]):
    """A content that remembers every field asked of it."""

    def __init__(self, content: dict[str, Any], asked: set[str]) -> None:
        super().__init__(content)
        self.asked = asked

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def test_a_transaction_is_authorised_by_its_authorising_fields_alone(path: Path) -> None:
    """verify keeps of an intact transaction only ``records.TRANSACTION_AUTHORISING`` (a
    million-entry import is one commit, held until its signature): ``authorise_transaction``
    reads no other field, and says the same of those fields alone as of the whole content,
    for every stored transaction, every role, and the chair's closing entries."""
    with closing(_read(path)) as conn:
        contents = [content for _id, content in chain.transaction_contents(conn)]
    refund = {**contents[0], "type": "payment", "code": records.REFUND_CODE, "reverses": None}
    moved = {**contents[0], "type": "transfer", "to_account": contents[0]["account"]}
    asked: set[str] = set()
    verdicts = set()
    for role in ("admin", "clerk", "chair", "member", "auditor"):
        for made_by in (1, 2):
            author = records.UserState(2, "someone", role, True, "key", 2, {})
            for content in [*contents, refund, moved, {**refund, "reverses": 3}]:
                content = {**content, "user_id": made_by}
                whole = records.authorise_transaction({}, author, _Watched(content, asked))
                alone = {k: content[k] for k in records.TRANSACTION_AUTHORISING}
                assert records.authorise_transaction({}, author, alone) == whole
                verdicts.add(whole is None)
    assert asked == set(records.TRANSACTION_AUTHORISING)
    assert verdicts == {True, False}  # both allowed and refused were asked


def test_stored_transactions_read_in_order_are_what_records_builds(path: Path) -> None:
    with closing(_read(path)) as conn:
        names, scan = verify._transactions_in_order(conn)
        found = list(scan)
        assert list(chain.transaction_contents(conn)) == [
            (item[0], verify._transaction_content(names, item)) for item in found
        ]
        for item in found:
            assert verify._transaction_content(names, item) == records.TRANSACTION.build(
                conn, str(item[0])
            )


@pytest.mark.parametrize("lenient", [False, True])
def test_every_stored_transaction_rebuilds_as_its_payload(path: Path, lenient: bool) -> None:
    with closing(_read(path, lenient=lenient)) as conn:
        _names, scan = verify._transactions_in_order(conn)
        stored = {item[0]: item for item in scan}
        walked = list(_walked(conn))
        assert len(walked) == len(stored) > 6
        for seq, record, author, prev, payload in walked:
            item = stored[int(record)]
            built = verify._transaction_payload(seq, record, author, prev, item)
            content = records.TRANSACTION.build(conn, record)
            assert built == chain.envelope(seq, "transaction", record, author, prev, content)
            assert built == payload


@pytest.mark.parametrize("text", AWKWARD)
@pytest.mark.parametrize("column", ["counterparty", "description", "reference", "reason"])
def test_awkward_stored_text_rebuilds_as_chain_envelope_makes_it(
    path: Path, text: str, column: str
) -> None:
    """Text written into a row by hand (not NFC, control characters, quotes...): the fast
    payload is still exactly ``chain.envelope`` of what ``records`` builds, so it differs from
    the chained payload exactly when the plain comparison does."""
    with closing(_read(path)) as conn:
        (before,) = conn.execute(f"SELECT {column} FROM transactions WHERE id = 2").fetchone()
    tamper(path, f"UPDATE transactions SET {column} = {_sql_text(text)} WHERE id = 2")
    with closing(_read(path)) as conn:
        _names, scan = verify._transactions_in_order(conn)
        stored = {item[0]: item for item in scan}
        for seq, record, author, prev, payload in _walked(conn):
            content = records.TRANSACTION.build(conn, record)
            expected = chain.envelope(seq, "transaction", record, author, prev, content)
            built = verify._transaction_payload(seq, record, author, prev, stored[int(record)])
            assert built == expected
            assert (built == payload) is (expected == payload)
    assert _verified(path)["first_bad"] == (None if text == before else 2)


def test_text_that_is_not_utf8_rebuilds_as_chain_envelope_makes_it(path: Path) -> None:
    """Read leniently, bytes that are not UTF-8 are lone surrogates: quoted as json.dumps
    quotes them."""
    tamper(path, "UPDATE transactions SET description = CAST(x'41ff42c3' AS TEXT) WHERE id = 3")
    with closing(_read(path, lenient=True)) as conn:
        names, scan = verify._transactions_in_order(conn)
        item = next(i for i in scan if i[0] == 3)
        assert "\udcff" in item[1][names.index("description")]
        seq, record, author, prev, _payload = next(w for w in _walked(conn) if w[1] == "3")
        content = records.TRANSACTION.build(conn, record)
        assert verify._transaction_payload(seq, record, author, prev, item) == chain.envelope(
            seq, "transaction", record, author, prev, content
        )
    report = _verified(path)
    assert report["first_bad"] == 3 and not report["ok"]


def _sql_text(text: str) -> str:
    """A SQL expression for ``text`` exactly (control characters included)."""
    if not text:
        return "''"
    return "CAST(x'" + text.encode("utf-8").hex() + "' AS TEXT)"


_TEXT = st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=12)
_INTEGER = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_OTHER = st.one_of(
    st.floats(allow_nan=True),
    st.binary(max_size=3),
    st.booleans(),
)


def _value(kind: type, nullable: bool, odd: bool) -> st.SearchStrategy[Any]:
    plain = _TEXT if kind is str else _INTEGER
    choices = [plain]
    if nullable:
        choices.append(st.none())
    if odd:
        choices.append(_OTHER)
    return st.one_of(*choices)


_DECLARED: list[tuple[type, bool]] = [
    (int, False),  # id
    (int, False),  # number
    (str, False),  # date
    (str, False),  # type
    (int, False),  # amount
    (str, True),  # code
    (str, False),  # fund
    (str, False),  # account
    (str, True),  # to_account
    (str, False),  # counterparty
    (str, False),  # description
    (str, False),  # reference
    (int, False),  # user_id
    (str, False),  # recorded_at
    (int, True),  # reverses
    (str, False),  # reason
    (int, True),  # import_id
]


@st.composite
def _stored(draw: st.DrawFn, odd: bool) -> tuple[Any, ...]:
    row = tuple(draw(_value(kind, nullable or odd, odd)) for kind, nullable in _DECLARED)
    postings = draw(
        st.lists(
            st.tuples(
                st.just(0),  # the transaction's id, as the scan reads it
                _value(int, odd, odd),
                _value(str, odd, odd),
                _value(str, odd, odd),
                _value(int, odd, odd),
            ),
            max_size=3,
        )
    )
    seq = draw(st.one_of(st.integers(1, 2**40), *([_TEXT] if odd else [])))
    record = draw(st.one_of(_TEXT, *([_INTEGER] if odd else [])))
    author = draw(st.one_of(st.none(), _INTEGER, *([_TEXT] if odd else [])))
    prev = draw(_TEXT)
    return seq, record, author, prev, row, postings


@settings(max_examples=400, deadline=None)
@given(_stored(odd=False))
def test_any_row_of_the_columns_types_rebuilds_as_chain_envelope_makes_it(
    drawn: tuple[Any, ...],
) -> None:
    seq, record, author, prev, row, postings = drawn
    names = verify._TRANSACTION_COLUMNS
    item = (0, row, postings)
    expected = chain.envelope(
        seq, "transaction", record, author, prev, verify._transaction_content(names, item)
    )
    assert verify._transaction_payload(seq, record, author, prev, item) == expected


@settings(max_examples=400, deadline=None)
@given(_stored(odd=True))
def test_a_row_of_other_types_is_left_to_chain_envelope_or_rebuilt_exactly(
    drawn: tuple[Any, ...],
) -> None:
    """A float, bytes or a boolean where the schema has text or an integer (a file edited
    by hand): the fast path says nothing (None), or, for the types it knows, the same."""
    seq, record, author, prev, row, postings = drawn
    names = verify._TRANSACTION_COLUMNS
    item = (0, row, postings)
    built = verify._transaction_payload(seq, record, author, prev, item)
    if built is not None:
        expected = chain.envelope(
            seq, "transaction", record, author, prev, verify._transaction_content(names, item)
        )
        assert built == expected


def test_values_of_other_types_are_left_to_chain_envelope() -> None:
    names = verify._TRANSACTION_COLUMNS
    good = (3, 3, "2024-01-01", "receipt", 5, "TAX", "GENERAL", "BANK", None, "", "", "", 1,
            "2024-01-01T00:00:00+00:00", None, "", None)  # fmt: skip
    posting = (3, 1, "BANK", "GENERAL", 5)  # as the scan reads it: the transaction id first
    assert verify._transaction_payload(1, "3", 1, chain.GENESIS, (3, good, [posting]))
    for index, odd in [(4, 5.0), (4, True), (9, b"x"), (0, None), (12, "1")]:
        row = (*good[:index], odd, *good[index + 1 :])
        assert verify._transaction_payload(1, "3", 1, chain.GENESIS, (3, row, [posting])) is None
    for odd_posting in (
        (3, 1, "BANK", "GENERAL", 5.0),
        (3, 1, b"BANK", "GENERAL", 5),
        (3, None, "B", "G", 5),
    ):
        assert (
            verify._transaction_payload(1, "3", 1, chain.GENESIS, (3, good, [odd_posting])) is None
        )
    assert verify._transaction_payload(1, 3, 1, chain.GENESIS, (3, good, [])) is None  # type: ignore[arg-type]
    assert verify._transaction_payload(1, "3", True, chain.GENESIS, (3, good, [])) is None
    assert names == chain.TRANSACTION_NAMES


# --- every other record's payload ---------------------------------------------------------


@pytest.mark.parametrize("lenient", [False, True])
def test_every_record_kind_rebuilds_as_chain_envelope_makes_it(path: Path, lenient: bool) -> None:
    seen: set[str] = set()
    with closing(_read(path, lenient=lenient)) as conn:
        prev = chain.GENESIS
        for seq, kind, record, author, payload, stored in conn.execute(
            "SELECT seq, kind, record, author, payload, hash FROM chain ORDER BY seq"
        ).fetchall():
            known = records.get(kind)
            assert known is not None
            content = (
                chain.read_json(payload)["content"]
                if known.table is None
                else known.build(conn, record)
            )
            assert chain.envelope(seq, kind, record, author, prev, content) == _dumps(
                _envelope_dict(seq, kind, record, author, prev, content)
            )
            seen.add(kind)
            prev = stored
    assert seen == set(records.KINDS)


_JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        _INTEGER,
        st.floats(allow_nan=True, allow_infinity=True),
        _TEXT,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_TEXT, inner, max_size=4),
    ),
    max_leaves=12,
)


def _dumps(value: Any) -> str:
    """The canonical form as docs/hash-chain.md defines it."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _envelope_dict(
    seq: int, kind: str, record: str, author: int | None, prev: str, content: Any
) -> dict[str, Any]:
    return {
        "v": chain.ENCODING_VERSION,
        "seq": seq,
        "kind": kind,
        "record": record,
        "author": author,
        "prev": prev,
        "content": content,
    }


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(_TEXT, _JSONISH, max_size=6), _TEXT, _TEXT)
def test_any_content_encodes_as_json_dumps_encodes_it(
    content: dict[str, Any], kind: str, record: str
) -> None:
    assert chain.canonical(content) == _dumps(content)
    assert chain.envelope(7, kind, record, None, "p", content) == _dumps(
        _envelope_dict(7, kind, record, None, "p", content)
    )


def test_what_json_cannot_encode_fails_the_same_way() -> None:
    for odd in ({"a": b"bytes"}, {"a": {1, 2}}, {1: "a", "b": 2}):
        with pytest.raises(TypeError) as plain:
            _dumps(odd)
        with pytest.raises(TypeError) as fast:
            chain.canonical(odd)
        assert str(fast.value) == str(plain.value)
    assert chain.canonical({"x": math.inf, "y": -0.0}) == _dumps({"x": math.inf, "y": -0.0})


# --- the same report, however it was reached ----------------------------------------------

_EDITS = [
    (),
    ("UPDATE transactions SET description = 'changed' WHERE id = 4",),
    ("UPDATE transactions SET counterparty = CAST(x'ff' AS TEXT) WHERE id = 2",),
    ("UPDATE chain SET kind = CAST(x'c3' AS TEXT) WHERE seq = 40",),
    ("UPDATE postings SET amount = amount + 1 WHERE id = 3",),
    ("UPDATE daily_totals SET amount = amount + 1 WHERE date = '2024-03-01'",),
    ("DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain WHERE kind = 'event')",),
    ("UPDATE users SET full_name = 'Someone else' WHERE id = 2",),
    ("DELETE FROM transactions WHERE id = 3",),
    ("UPDATE transactions SET number = number + 1000 WHERE id = 5",),
]


@pytest.mark.parametrize("edit", _EDITS)
def test_the_report_is_the_same_without_the_second_connection(
    path: Path, edit: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    if edit:
        tamper(path, *edit)
    beside = _verified(path)
    monkeypatch.setattr(verify, "_second_connection", lambda conn: None)
    alone = _verified(path)
    assert beside == alone
    assert beside["ok"] is (not edit)


@pytest.mark.parametrize("edit", _EDITS[1:4])
def test_the_report_is_the_same_without_the_fast_payloads(
    path: Path, edit: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper(path, *edit)
    fast = _verified(path)
    monkeypatch.setattr(verify, "_transaction_payload", lambda *args: None)
    assert _verified(path) == fast


def test_the_report_is_the_same_read_leniently_from_the_start(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text that is not UTF-8 makes the walk start again, reading leniently: the report is
    what a walk that read leniently from the start says."""
    tamper(path, "UPDATE transactions SET reference = CAST(x'c3' AS TEXT) WHERE id = 6")
    real_checked = verify._checked
    walks: list[bool] = []

    def counted(
        conn: sqlite3.Connection, progress: Any, beside: Any, *, lenient: bool
    ) -> verify.VerifyResult:
        walks.append(lenient)
        return real_checked(conn, progress, beside, lenient=lenient)

    monkeypatch.setattr(verify, "_checked", counted)
    again = _verified(path)
    assert walks == [False, True]
    walks.clear()
    assert _verified(_ledger())["ok"] and walks == [False]  # UTF-8 throughout: one walk

    def lenient_only(
        conn: sqlite3.Connection, progress: Any, beside: Any, *, lenient: bool
    ) -> verify.VerifyResult:
        conn.text_factory = chain._lenient
        return real_checked(conn, progress, beside, lenient=True)

    monkeypatch.setattr(verify, "_checked", lenient_only)
    assert _verified(path) == again
    assert again["first_bad"] == 6


def test_a_damaged_file_names_the_integrity_check_first(path: Path) -> None:
    with closing(raw(path)) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'chain(kind, record, seq)',"
            " 'chain(kind, seq, record)') WHERE name = 'chain_record'"
        )
    report = _verified(path)
    assert report["problems"][0].startswith("SQLite integrity check: ")


def test_the_anchor_holds_as_before(path: Path) -> None:
    with closing(_read(path)) as conn:
        length, head = chain.head(conn)
        middle = conn.execute("SELECT seq, hash FROM chain WHERE seq = 20").fetchone()
    assert _verified(path, (length, head))["ok"]
    assert _verified(path, (int(middle[0]), str(middle[1])))["ok"]
    rewritten = _verified(path, (20, "0" * 64))
    assert "the chain was rewritten" in rewritten["problems"][0]
    assert rewritten["first_bad_seq"] == 20
    removed = _verified(path, (length + 3, head))
    assert "entries were removed" in removed["problems"][0]


# --- what verify leaves behind ------------------------------------------------------------


def _beside_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "verify-beside"]


@pytest.mark.parametrize("collecting", [True, False])
def test_verify_leaves_no_thread_and_the_collector_as_it_was(path: Path, collecting: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        assert _verified(path)["ok"]
        assert gc.isenabled() is collecting
        assert not _beside_threads()
    finally:
        (gc.enable if was else gc.disable)()


def test_verify_that_fails_stops_its_thread(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any) -> None:
        raise RuntimeError("an internal error")

    monkeypatch.setattr(verify._Walk, "run", broken)
    with pytest.raises(RuntimeError):
        _verified(path)
    assert not _beside_threads()
    assert gc.isenabled()


def test_verify_inside_a_read_transaction_uses_that_transaction_alone(path: Path) -> None:
    """Inside a snapshot (one read transaction) everything is read on the caller's
    connection: a second one would see another moment of the file."""
    ledger = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    try:
        ledger.conn.execute("BEGIN")
        assert verify._second_connection(ledger.conn) is None
        assert verify.verify(ledger.conn).ok
        assert ledger.conn.in_transaction
        ledger.conn.execute("ROLLBACK")
        other = verify._second_connection(ledger.conn)
        assert other is not None
        other.close()
    finally:
        ledger.close()


def test_verify_of_a_ledger_in_memory(path: Path) -> None:
    with closing(sqlite3.connect(":memory:")) as memory, closing(_read(path)) as conn:
        conn.backup(memory)
        assert verify._second_connection(memory) is None
        assert verify.verify(memory).as_json() == _verified(path)


def test_text_factory_is_put_back(path: Path) -> None:
    with closing(_read(path)) as conn:
        conn.text_factory = bytes
        verify.verify(conn)
        assert conn.text_factory is bytes


def test_a_problem_found_twice_is_said_once() -> None:
    result = verify.VerifyResult()
    for _ in range(3):
        result.bad(5, "chain position 5: something")
    result.bad(None, "chain position 5: something")
    assert result.problems == ["chain position 5: something"] * 2


# --- another connection saving while verify reads --------------------------------------------


def test_a_save_during_verify_is_read_again_in_one_snapshot(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's check runs on its own connection while the clerk may save: a commit by
    another connection in the middle makes verify read everything again, in one snapshot,
    and the result is the file as it is (intact, with the new entry), not a mix of two."""
    reader = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    writer = open_ledger(path, write=True)
    walks: list[bool] = []
    real = verify._verify

    def walk(conn: sqlite3.Connection, *args: Any) -> verify.VerifyResult:
        walks.append(conn.in_transaction)
        if len(walks) == 1:  # the clerk saves while the first walk has begun
            receipt(writer, admin_of(writer), "2024-05-01", 1_000_00, description="saved now")
        return real(conn, *args)

    monkeypatch.setattr(verify, "_verify", walk)
    try:
        entries_before = reader.conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
        result = verify.verify(reader.conn)
        assert walks == [False, True]  # read again, inside one transaction
        assert result.ok, result.problems
        assert result.transactions == entries_before + 1
        assert not reader.conn.in_transaction  # the snapshot is let go
    finally:
        writer.close()
        reader.close()


def test_no_save_during_verify_reads_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    walks: list[bool] = []
    real = verify._verify

    def walk(conn: sqlite3.Connection, *args: Any) -> verify.VerifyResult:
        walks.append(conn.in_transaction)
        return real(conn, *args)

    monkeypatch.setattr(verify, "_verify", walk)
    try:
        assert verify.verify(reader.conn).ok
        assert walks == [False]
    finally:
        reader.close()
