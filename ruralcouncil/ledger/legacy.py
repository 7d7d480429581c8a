"""Version 1 of the chain (docs/hash-chain.md, "Version 1"), verified by its own rules forever.

Ledgers made before signed entries hold version-1 entries (no author, no signature, the
audit log chained apart). Their upgrade appends a signed schema entry that records what
these entries say (``upgrade``); from there on the signed rules apply. This module keeps
the version-1 encoding and checks, so those early entries verify exactly as they were
written. Two gaps of version 1 are closed here without changing it: an entry's ``record``
column must name the record its own content carries (version 1 did not hash it), and the
audit log's lines after the last entry are held by the upgrade's entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain

VERSION = 1

# The content of each kind, as version 1 chained it, and the field holding its key.
_FIELDS = {
    "transaction": (
        "transactions",
        "id",
        "id, date, type, amount, code, fund, account, to_account, counterparty, description,"
        " reference, user_id, recorded_at, reverses, reason, import_id",
    ),
    "user": ("users", "id", "id, name, full_name, role, password_hash, active, created_at"),
    "account": ("accounts", "code", "code, kind, box, name_kk, name_ru, name_en, created_at"),
    "fund": ("funds", "code", "code, restricted, name_kk, name_ru, name_en, purpose, created_at"),
    "setting": ("settings", "key", "key, value"),
    "closed_year": ("closed_years", "year", "year, user_id, closed_at"),
    "import": ("imports", "id", "id, sha256, filename, rows, user_id, imported_at"),
}
MUTABLE = frozenset({"user", "setting"})


def _nfc(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        if value.isascii() or unicodedata.is_normalized("NFC", value):
            return value
        return unicodedata.normalize("NFC", value)
    if kind is dict:
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_nfc(v) for v in value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", str(value))
    return value


def canonical(value: Any) -> str:
    """Version 1 normalised text while encoding (version 2 stores it normalised)."""
    return json.dumps(_nfc(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def audit_payload(seq: int, at: str, user: str, event: str, detail: str, prev: str) -> str:
    return canonical(
        {
            "v": VERSION,
            "seq": seq,
            "at": at,
            "user": user,
            "event": event,
            "detail": detail,
            "prev": prev,
        }
    )


def content(conn: sqlite3.Connection, kind: str, record: str) -> dict[str, Any]:
    """A record's content as version 1 built it from the stored rows."""
    table, key, columns = _FIELDS[kind]
    found = chain.row_content(conn, table, key, columns, record)
    if kind == "transaction" and "missing" not in found:
        found["postings"] = [
            list(p)
            for p in conn.execute(
                "SELECT account, fund, amount FROM postings WHERE transaction_id = ? ORDER BY id",
                (record,),
            )
        ]
    return found


def key_of(kind: str, record_content: dict[str, Any]) -> str | None:
    fields = _FIELDS.get(kind)
    if fields is None:
        return None
    value = record_content.get(fields[1])
    return None if value is None else str(value)


def v1_columns(kind: str) -> list[str]:
    return [c.strip() for c in _FIELDS[kind][2].split(",")]


@dataclass
class LegacyWalk:
    """The version-1 part of a chain, entry by entry; ``problems`` are (seq, message)."""

    conn: sqlite3.Connection
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    latest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    entries: int = 0
    # (kind, record) of each entry as its payload says (None where it cannot be read): what
    # the upgrade's row digests follow, whatever the unsigned columns were changed to.
    chained: list[tuple[str, str] | None] = field(default_factory=list)
    _audit_at: str = chain.GENESIS
    _audit_ok: bool = True

    def __post_init__(self) -> None:
        self._audit_lines = self.conn.execute("SELECT hash FROM audit_log ORDER BY seq")

    def bad(self, seq: int | None, message: str) -> None:
        self.problems.append((seq, message))

    def entry(self, seq: int, kind: str, record: str, payload: str, prev: str) -> None:
        self.entries += 1
        try:
            envelope = chain.read_json(payload)
            if not isinstance(envelope, dict):
                raise ValueError
        except ValueError:
            self.chained.append(None)
            self.bad(seq, _("chain position {n}: its content cannot be read").format(n=seq))
            return
        said = envelope.get("content")
        said_kind = envelope.get("kind")
        said_key = (
            key_of(said_kind, said)
            if isinstance(said_kind, str) and isinstance(said, dict)
            else None
        )
        self.chained.append((str(said_kind), said_key) if said_key is not None else None)
        if envelope.get("prev") != prev:
            self.bad(
                seq, _("chain position {n} does not follow the position before it").format(n=seq)
            )
        if self._audit_ok and envelope.get("audit") != self._audit_at:
            self._audit_at = str(envelope.get("audit"))
            if not any(line == self._audit_at for (line,) in self._audit_lines):
                self._audit_ok = False
                self.bad(
                    seq, _("chain position {n}: the audit log it follows was changed").format(n=seq)
                )
        if (envelope.get("seq"), envelope.get("kind"), envelope.get("v")) != (seq, kind, VERSION):
            self.bad(seq, _("chain position {n}: its position or kind was changed").format(n=seq))
            return
        chained = envelope.get("content")
        if kind not in _FIELDS or not isinstance(chained, dict):
            self.bad(
                seq, _("chain position {n}: unknown kind of record {kind}").format(n=seq, kind=kind)
            )
            return
        if key_of(kind, chained) != record:
            self.bad(seq, _("chain position {n}: it was moved to another record").format(n=seq))
            return
        if kind in MUTABLE:
            self.latest[(kind, record)] = (seq, chained)
        elif chained != _nfc(content(self.conn, kind, record)):
            self.bad(seq, _describe_changed(kind, record, seq))

    def check_mutable_rows(self) -> None:
        """A ledger still of version 1: each user's and setting's latest entry is its row."""
        for (kind, record), (seq, chained) in sorted(self.latest.items(), key=lambda x: x[1][0]):
            if chained != _nfc(content(self.conn, kind, record)):
                self.bad(seq, _describe_changed(kind, record, seq))


def _describe_changed(kind: str, record: str, seq: int) -> str:
    if kind == "transaction":
        return _("chain position {n}: the transaction was changed after it was posted").format(
            n=seq
        )
    return _("chain position {n}: the stored {kind} {record} differs from what was chained").format(
        n=seq, kind=kind, record=record
    )


def audit_head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)


def walk_audit(conn: sqlite3.Connection) -> tuple[int, list[str]]:
    """The version-1 audit log's own chain: (its length, problems)."""
    problems: list[str] = []
    expected, prev, last = 1, chain.GENESIS, 0
    for seq, at, user, event, detail, stored in conn.execute(
        "SELECT seq, at, user, event, detail, hash FROM audit_log ORDER BY seq"
    ):
        if seq != expected:
            problems.append(_("audit log line {n} is missing").format(n=expected))
        if chain.digest(audit_payload(seq, at, user, event, detail, prev)) != stored:
            problems.append(_("audit log line {n} was changed").format(n=seq))
        expected, prev, last = seq + 1, stored, seq
    return last, problems


# --- what the upgrade seals of the version-1 rows --------------------------------------

DIGEST_LENGTH = 16  # hex digits: 64 bits of SHA-256 per record
_NO_DIGEST = "-" * DIGEST_LENGTH


def row_digests(conn: sqlite3.Connection, before: int) -> str:
    """``record_digests`` of the entries before chain position ``before``, as its rows say
    (the upgrade's view, after a verify of the version-1 part)."""
    rows = conn.execute("SELECT kind, record FROM chain WHERE seq < ? ORDER BY seq", (before,))
    return record_digests(conn, [(str(k), str(r)) for k, r in rows])


def record_digests(conn: sqlite3.Connection, entries: list[tuple[str, str] | None]) -> str:
    """A short digest of each version-1 entry's record exactly as stored now (every column,
    posting ids, text as it is, not normalised), concatenated in chain order.

    Version 1 did not chain posting ids and compared text after NFC, so those could change
    unseen. The upgrade's signed entry carries these digests; from then on any such change
    to an early record is seen, and named at its entry. Users and settings change later by
    design: the upgrade's entry carries their rows whole instead (dashes here)."""
    from ruralcouncil.ledger import records

    parts: list[str] = []
    for item in entries:
        known = records.get(item[0]) if item is not None else None
        if item is None or known is None:
            parts.append(_NO_DIGEST)
            continue
        record = item[1]
        if known.mutable or known.table is None:
            parts.append(_NO_DIGEST)
            continue
        text = chain.canonical(known.build(conn, record))
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        parts.append(digest[:DIGEST_LENGTH])
    return "".join(parts)
