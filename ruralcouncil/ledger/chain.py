"""The hash chain: one chain over every record, each entry hashed with the one before.

Encoding version 2 (docs/hash-chain.md):

    payload = JSON of {"v": 2, "seq": N, "kind": K, "record": R, "author": A,
                       "prev": PREV, "content": {...}}
    with keys sorted, no spaces, UTF-8; every string already NFC (text is normalised when
    it is typed, so what is stored is what is chained, and stored text that is not NFC
    is a change);
    hash    = lower-case hex SHA-256 of the payload's UTF-8 bytes.

The envelope binds the kind, the record's key, the author (a user id; null only for a failed
login) and the previous hash. Each write transaction ends with its author's signature over
the head it leaves (``commit.Commit``). Version-1 entries, written before signatures, keep
their own rule (``legacy``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ENCODING_VERSION = 2
GENESIS = "0" * 64

Content = dict[str, Any]


class NotNormalised(ValueError):
    """A text about to be chained is not NFC: a service forgot ``parse.clean_text``."""


def _check_nfc(value: Any) -> None:
    """Raise NotNormalised on the first text in ``value`` (at any depth) that is not NFC.

    Iterative, and quick on what records are made of (ASCII keys, numbers, null): a
    100,000-row import checks every entry's content."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not item.isascii() and not unicodedata.is_normalized("NFC", item):
                raise NotNormalised(item)
        elif kind is dict:
            for k, v in item.items():
                if type(k) is not str or not k.isascii():
                    stack.append(k)
                if type(v) is str:
                    if not v.isascii() and not unicodedata.is_normalized("NFC", v):
                        raise NotNormalised(v)
                elif v is not None and type(v) is not int:
                    stack.append(v)
        elif kind is list or kind is tuple:
            stack.extend(item)


# One encoder for every payload, made once: what ``json.dumps`` builds on each call with
# these same options, character for character, in a third of the time for a small record.
# Where the interpreter has it, json's own C encoder is called directly, without json.dumps's
# check for a list that holds itself (no payload written or read from SQLite can).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    _C_MAKE_ENCODER(
        None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )
    if _C_MAKE_ENCODER is not None
    else None
)


def canonical(value: Any) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``."""
    if _C_ENCODE is None:
        return _CANONICAL.encode(value)
    return "".join(_C_ENCODE(value, 0))


# No payload the program writes is nested more than a few levels deep (an upgrade's list of
# users is the deepest, at four). Anything deeper was not written by us, and must not exhaust
# the interpreter's stack while it is checked (an internal error instead of a report).
MAX_DEPTH = 16


def read_json(text: str) -> Any:
    """A stored payload parsed; ValueError when it is not JSON, or nested deeper than any
    payload we write."""
    try:
        value = json.loads(text)
    except (RecursionError, TypeError) as exc:
        raise ValueError(f"not a payload ({type(exc).__name__})") from None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise ValueError("nested too deeply")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def digest(payload: str) -> str:
    # "surrogateescape": a payload read with ``lenient_text`` hashes as the bytes it is stored
    # as, even when they are not UTF-8 (the program never writes such a payload).
    return hashlib.sha256(payload.encode("utf-8", "surrogateescape")).hexdigest()


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


@contextmanager
def lenient_text(conn: sqlite3.Connection) -> Iterator[None]:
    """Read text that is not UTF-8 as it is (its bad bytes as lone surrogates) instead of
    failing on it: bytes written into a text column by hand must be reported where they are,
    not end verify or a login with an internal error."""
    previous = conn.text_factory
    conn.text_factory = _lenient
    try:
        yield
    finally:
        conn.text_factory = previous


def envelope(
    seq: int, kind: str, record: str, author: int | None, prev: str, content: Content
) -> str:
    return canonical(
        {
            "v": ENCODING_VERSION,
            "seq": seq,
            "kind": kind,
            "record": record,
            "author": author,
            "prev": prev,
            "content": content,
        }
    )


def sealed_envelope(
    seq: int, kind: str, record: str, author: int | None, prev: str, content: Content
) -> str:
    """The payload of a new entry; refuses text that is not NFC (see the module's note)."""
    _check_nfc(content)
    _check_nfc(record)
    return envelope(seq, kind, record, author, prev, content)


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The chain's length and the hash of its last entry (its anchor)."""
    row = conn.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def first_hash(conn: sqlite3.Connection) -> str:
    """The hash of chain position 1: names the ledger, whatever happens to it later."""
    row = conn.execute("SELECT hash FROM chain WHERE seq = 1").fetchone()
    return str(row[0]) if row else GENESIS


def entry_seq(conn: sqlite3.Connection, kind: str, record: str) -> int | None:
    """The chain position of a record's latest entry."""
    row = conn.execute(
        "SELECT max(seq) FROM chain WHERE kind = ? AND record = ?", (kind, record)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def bindable(text: str) -> bool:
    """Whether ``text`` can be looked up in SQLite: a key read from the file with bytes that
    are not UTF-8 (``lenient_text``) names no stored record."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def row_content(
    conn: sqlite3.Connection, table: str, key: str, columns: str, record: str
) -> Content:
    if not bindable(record):
        return {"missing": record}
    cursor = conn.execute(f"SELECT {columns} FROM {table} WHERE {key} = ?", (record,))
    row = cursor.fetchone()
    if row is None:
        return {"missing": record}
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


# --- transactions, the one kind with children -------------------------------------------

TRANSACTION_COLUMNS = (
    "id, number, date, type, amount, code, fund, account, to_account, counterparty,"
    " description, reference, user_id, recorded_at, reverses, reason, import_id"
)
# The same, one name each, in the order of a stored row and of its chained content.
TRANSACTION_NAMES = tuple(name.strip() for name in TRANSACTION_COLUMNS.split(","))


def transaction_content(conn: sqlite3.Connection, record: str) -> Content:
    content = row_content(conn, "transactions", "id", TRANSACTION_COLUMNS, record)
    if "missing" in content:
        return content
    content["postings"] = [
        list(p)
        for p in conn.execute(
            "SELECT id, account, fund, amount FROM postings WHERE transaction_id = ? ORDER BY id",
            (record,),
        )
    ]
    return content


def transaction_contents(
    conn: sqlite3.Connection, columns: str = TRANSACTION_COLUMNS, with_posting_ids: bool = True
) -> Iterator[tuple[int, Content]]:
    """Every transaction's content in id order, from two ordered scans instead of two
    queries per entry: what ``verify`` reads, built exactly as ``transaction_content``."""
    rows = conn.execute(f"SELECT {columns} FROM transactions ORDER BY id")
    names = [d[0] for d in rows.description]
    posting_columns = "id, account, fund, amount" if with_posting_ids else "account, fund, amount"
    postings = conn.execute(
        f"SELECT transaction_id, {posting_columns} FROM postings ORDER BY transaction_id, id"
    )
    pending = postings.fetchone()
    for row in rows:
        entry_id = int(row[0])
        content: Content = dict(zip(names, row, strict=True))
        items: list[list[Any]] = []
        while pending is not None and pending[0] < entry_id:
            pending = postings.fetchone()  # postings of no transaction: coverage reports them
        while pending is not None and pending[0] == entry_id:
            items.append(list(pending[1:]))
            pending = postings.fetchone()
        content["postings"] = items
        yield entry_id, content
