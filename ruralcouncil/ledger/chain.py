"""The hash chain: a versioned, canonical encoding of every record, each hashed with the last.

Encoding version 1 (documented in docs/hash-chain.md):

    payload = JSON of {"v": 1, "seq": N, "kind": K, "prev": PREV, "audit": AUDIT,
                       "content": {...}}
    with keys sorted, no spaces, UTF-8, every string NFC-normalised;
    hash    = lower-case hex SHA-256 of the payload's UTF-8 bytes.

PREV is the hash of entry N-1 (64 zeros for the first). AUDIT is the audit log's head when
the entry was written, so that a rewritten audit log also breaks this chain. The content of
each kind of record is built by the functions below from the stored rows, the same way when
writing and when verifying.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from typing import Any

ENCODING_VERSION = 1
GENESIS = "0" * 64

Content = dict[str, Any]


def _nfc(value: Any) -> Any:
    # Called for every field of every entry when writing and verifying: the common cases
    # (numbers, None, ASCII text, already-NFC text) return at once.
    kind = type(value)
    if kind is str:
        if value.isascii() or unicodedata.is_normalized("NFC", value):
            return value
        return unicodedata.normalize("NFC", value)
    if kind is dict:
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_nfc(v) for v in value]
    if isinstance(value, str):  # a str subclass, such as a StrEnum member
        return unicodedata.normalize("NFC", str(value))
    return value


def canonical(value: Any) -> str:
    return json.dumps(_nfc(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The chain's length and the hash of its last entry (its anchor)."""
    row = conn.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def audit_head(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS


def next_seq(conn: sqlite3.Connection) -> int:
    return head(conn)[0] + 1


def envelope(seq: int, kind: str, prev: str, audit: str, content: Content) -> str:
    return canonical(
        {
            "v": ENCODING_VERSION,
            "seq": seq,
            "kind": kind,
            "prev": prev,
            "audit": audit,
            "content": content,
        }
    )


def append(
    conn: sqlite3.Connection, kind: str, record: str, *, after: tuple[int, str] | None = None
) -> int:
    """Chain the stored record ``kind``/``record``; call inside the writing transaction.

    ``after`` is the chain's head when the caller already read it in this transaction.
    """
    seq, prev = after if after is not None else head(conn)
    seq += 1
    content = CONTENT[kind](conn, record)
    payload = envelope(seq, kind, prev, audit_head(conn), content)
    conn.execute(
        "INSERT INTO chain (seq, kind, record, payload, hash) VALUES (?, ?, ?, ?, ?)",
        (seq, kind, record, payload, digest(payload)),
    )
    return seq


# --- content of each kind of record, read from the stored rows ---------------------------


# Version 1 of each record's fields. A later schema may add columns; these lists only grow
# with a new encoding version, so old entries keep verifying.
TRANSACTION_FIELDS = (
    "t.id, t.date, t.type, t.amount, t.code, t.fund, t.account, t.to_account,"
    " t.counterparty, t.description, t.reference, t.user_id, t.recorded_at, t.reverses,"
    " t.reason, t.import_id"
)


def _row(conn: sqlite3.Connection, sql: str, key: str) -> Content:
    cursor = conn.execute(sql, (key,))
    row = cursor.fetchone()
    if row is None:
        return {"missing": key}
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


def transaction_content(conn: sqlite3.Connection, record: str) -> Content:
    content = _row(
        conn,
        f"SELECT {TRANSACTION_FIELDS} FROM transactions t WHERE t.id = ?",
        record,
    )
    content["postings"] = [
        list(p)
        for p in conn.execute(
            "SELECT account, fund, amount FROM postings WHERE transaction_id = ? ORDER BY id",
            (record,),
        )
    ]
    return content


def transaction_contents(conn: sqlite3.Connection) -> Iterator[tuple[int, Content]]:
    """Every transaction's content in id order, from two ordered scans instead of two
    queries per entry: what ``verify`` reads, built exactly as ``transaction_content``."""
    rows = conn.execute(f"SELECT {TRANSACTION_FIELDS} FROM transactions t ORDER BY t.id")
    names = [d[0] for d in rows.description]
    postings = conn.execute(
        "SELECT transaction_id, account, fund, amount FROM postings ORDER BY transaction_id, id"
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


def user_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(
        conn,
        "SELECT id, name, full_name, role, password_hash, active, created_at"
        " FROM users WHERE id = ?",
        record,
    )


def account_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(
        conn,
        "SELECT code, kind, box, name_kk, name_ru, name_en, created_at"
        " FROM accounts WHERE code = ?",
        record,
    )


def fund_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(
        conn,
        "SELECT code, restricted, name_kk, name_ru, name_en, purpose, created_at"
        " FROM funds WHERE code = ?",
        record,
    )


def setting_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(conn, "SELECT key, value FROM settings WHERE key = ?", record)


def closed_year_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(conn, "SELECT year, user_id, closed_at FROM closed_years WHERE year = ?", record)


def import_content(conn: sqlite3.Connection, record: str) -> Content:
    return _row(
        conn,
        "SELECT id, sha256, filename, rows, user_id, imported_at FROM imports WHERE id = ?",
        record,
    )


CONTENT = {
    "transaction": transaction_content,
    "user": user_content,
    "account": account_content,
    "fund": fund_content,
    "setting": setting_content,
    "closed_year": closed_year_content,
    "import": import_content,
}
# Records that may change after they are written (a password reset, a renamed council):
# each change appends a new entry, and only the latest entry must match the stored row.
MUTABLE_KINDS = frozenset({"user", "setting"})
# Where each kind is stored, for checking that no stored row is missing from the chain.
TABLES = {
    "transaction": ("transactions", "id"),
    "user": ("users", "id"),
    "account": ("accounts", "code"),
    "fund": ("funds", "code"),
    "setting": ("settings", "key"),
    "closed_year": ("closed_years", "year"),
    "import": ("imports", "id"),
}


def audit_payload(seq: int, at: str, user: str, event: str, detail: str, prev: str) -> str:
    return canonical(
        {
            "v": ENCODING_VERSION,
            "seq": seq,
            "at": at,
            "user": user,
            "event": event,
            "detail": detail,
            "prev": prev,
        }
    )
