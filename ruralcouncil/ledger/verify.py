"""Verification: SQLite's integrity check, then the hash chains, then every stored row.

The chain walk recomputes each entry's hash from its payload and its predecessor, then
recomputes each payload's content from the stored rows, so a changed amount, date or text
anywhere in posted history is named by the first entry it breaks. A chain stored in the same
file cannot catch its own tail being cut off or the whole chain being recomputed; for that,
``anchor`` holds it against a length and head printed earlier (a summary, a backup, a report).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain

Progress = Callable[[int, int], None]


@dataclass
class VerifyResult:
    entries: int = 0
    head: str = chain.GENESIS
    first_bad: int | None = None
    problems: list[str] = field(default_factory=list)
    audit_entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, seq: int | None, message: str) -> None:
        if seq is not None and (self.first_bad is None or seq < self.first_bad):
            self.first_bad = seq
        self.problems.append(message)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "first_bad": self.first_bad,
            "problems": list(self.problems),
            "audit_entries": self.audit_entries,
        }


def parse_anchor(text: str) -> tuple[int, str]:
    from ruralcouncil.ledger.errors import InvalidInput

    number, _sep, digest = text.partition(":")
    digest = digest.strip().lower()
    if (
        not number.isdigit()
        or int(number) < 1
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise InvalidInput(
            _(
                "The anchor {text} must be written N:HEX, an entry number and its 64-digit hash."
            ).format(text=repr(text))
        )
    return int(number), digest


def verify(
    conn: sqlite3.Connection,
    anchor: tuple[int, str] | None = None,
    progress: Progress | None = None,
) -> VerifyResult:
    result = VerifyResult()
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        result.bad(
            None, _("SQLite integrity check: {detail}").format(detail="; ".join(integrity[:5]))
        )
    try:
        _walk_chain(conn, result, progress)
        _check_coverage(conn, result)
        _check_postings(conn, result)
        _check_daily_totals(conn, result)
        _walk_audit(conn, result)
    except sqlite3.DatabaseError as exc:
        result.bad(None, _("The ledger cannot be read: {error}").format(error=exc))
    if anchor is not None:
        _check_anchor(conn, result, *anchor)
    return result


def _walk_chain(conn: sqlite3.Connection, result: VerifyResult, progress: Progress | None) -> None:
    total = int(conn.execute("SELECT count(*) FROM chain").fetchone()[0])
    latest = {
        (kind, record): int(seq)
        for kind, record, seq in conn.execute(
            "SELECT kind, record, max(seq) FROM chain WHERE kind IN ('user', 'setting')"
            " GROUP BY kind, record"
        )
    }
    expected_seq, prev = 1, chain.GENESIS
    # Each entry holds the audit log's head when it was written; those heads must appear in
    # the audit log in order, so a rewritten (re-hashed) audit log breaks this chain too.
    audit_lines = conn.execute("SELECT hash FROM audit_log ORDER BY seq")
    audit_at, audit_ok = chain.GENESIS, True
    transactions = chain.transaction_contents(conn)
    next_transaction = next(transactions, None)
    cursor = conn.execute("SELECT seq, kind, record, payload, hash FROM chain ORDER BY seq")
    for seq, kind, record, payload, stored_hash in cursor:
        if seq != expected_seq:
            result.bad(
                expected_seq, _("entry {n} is missing from the chain").format(n=expected_seq)
            )
        expected_seq = seq + 1
        if chain.digest(payload) != stored_hash:
            result.bad(seq, _("entry {n}: its hash does not match its content").format(n=seq))
        try:
            envelope = json.loads(payload)
        except ValueError:
            result.bad(seq, _("entry {n}: its content cannot be read").format(n=seq))
            prev = stored_hash
            continue
        if envelope.get("prev") != prev:
            result.bad(seq, _("entry {n} does not follow the entry before it").format(n=seq))
        if audit_ok and envelope.get("audit") != audit_at:
            audit_at = envelope.get("audit")
            if not any(line == audit_at for (line,) in audit_lines):
                audit_ok = False
                result.bad(seq, _("entry {n}: the audit log it follows was changed").format(n=seq))
        if (envelope.get("seq"), envelope.get("kind")) != (seq, kind) or envelope.get("v") != 1:
            result.bad(seq, _("entry {n}: its number or kind was changed").format(n=seq))
        builder = chain.CONTENT.get(kind)
        if builder is None:
            result.bad(seq, _("entry {n}: unknown kind of record {kind}").format(n=seq, kind=kind))
        elif kind not in chain.MUTABLE_KINDS or latest.get((kind, record)) == seq:
            if kind == "transaction" and record.isdigit():
                # Transactions come in id order, as the chain does: read them in one scan.
                while next_transaction is not None and next_transaction[0] < int(record):
                    next_transaction = next(transactions, None)
                found = next_transaction is not None and next_transaction[0] == int(record)
                stored = next_transaction[1] if found and next_transaction else {"missing": record}
            else:
                stored = builder(conn, record)
            # The payload was written NFC-normalised, so only the stored rows need it.
            if envelope.get("content") != _nfc_fields(stored):
                result.bad(seq, _describe_changed(kind, record, seq))
        prev = stored_hash
        result.entries, result.head = seq, stored_hash
        if progress and seq % 5000 == 0:
            progress(seq, total)
    if progress:
        progress(total, total)


def _nfc_fields(content: dict[str, Any]) -> dict[str, Any]:
    """chain._nfc for a record's flat fields, cheaper: a million entries pass through here."""
    for key, value in content.items():
        if type(value) is str:
            if not value.isascii():
                content[key] = chain._nfc(value)
        elif type(value) is list:
            content[key] = chain._nfc(value)
    return content


def _describe_changed(kind: str, record: str, seq: int) -> str:
    if kind == "transaction":
        return _("entry {n}: the transaction was changed after it was posted").format(n=seq)
    return _("entry {n}: the stored {kind} {record} differs from what was chained").format(
        n=seq, kind=kind, record=record
    )


def _check_coverage(conn: sqlite3.Connection, result: VerifyResult) -> None:
    """Every stored record must have an entry in the chain."""
    for kind, (table, key) in chain.TABLES.items():
        missing = conn.execute(
            f"SELECT {key} FROM {table} WHERE CAST({key} AS TEXT) NOT IN"
            " (SELECT record FROM chain WHERE kind = ?) LIMIT 5",
            (kind,),
        ).fetchall()
        for (value,) in missing:
            seq = int(value) if kind == "transaction" else None
            result.bad(
                seq, _("{table} row {key} is not in the chain").format(table=table, key=value)
            )
    orphans = conn.execute(
        "SELECT count(*) FROM postings WHERE transaction_id NOT IN (SELECT id FROM transactions)"
    ).fetchone()[0]
    if orphans:
        result.bad(None, _("{n} postings belong to no transaction").format(n=orphans))


def _check_postings(conn: sqlite3.Connection, result: VerifyResult) -> None:
    """Each transaction's postings balance within each fund."""
    for tid, fund in conn.execute(
        "SELECT transaction_id, fund FROM postings GROUP BY transaction_id, fund"
        " HAVING SUM(amount) <> 0 LIMIT 5"
    ):
        result.bad(
            int(tid),
            _("entry {n}: its postings in fund {fund} do not balance").format(n=tid, fund=fund),
        )


def _check_daily_totals(conn: sqlite3.Connection, result: VerifyResult) -> None:
    # Both directions of EXCEPT: works on SQLite 3.37, which has no FULL OUTER JOIN.
    real = (
        "SELECT p.account, p.fund, t.date, SUM(p.amount) FROM postings p"
        " JOIN transactions t ON t.id = p.transaction_id GROUP BY p.account, p.fund, t.date"
    )
    stored = "SELECT account, fund, date, amount FROM daily_totals WHERE amount <> 0"
    real_nonzero = f'SELECT * FROM ({real}) WHERE "SUM(p.amount)" <> 0'
    wrong = conn.execute(
        f"SELECT (SELECT count(*) FROM ({real_nonzero} EXCEPT {stored}))"
        f" + (SELECT count(*) FROM ({stored} EXCEPT {real_nonzero}))"
    ).fetchone()[0]
    if wrong:
        result.bad(None, _("{n} daily balances differ from the postings").format(n=wrong))


def _walk_audit(conn: sqlite3.Connection, result: VerifyResult) -> None:
    expected, prev = 1, chain.GENESIS
    for seq, at, user, event, detail, stored in conn.execute(
        "SELECT seq, at, user, event, detail, hash FROM audit_log ORDER BY seq"
    ):
        if seq != expected:
            result.bad(None, _("audit log line {n} is missing").format(n=expected))
        payload = chain.audit_payload(seq, at, user, event, detail, prev)
        if chain.digest(payload) != stored:
            result.bad(None, _("audit log line {n} was changed").format(n=seq))
        expected, prev = seq + 1, stored
        result.audit_entries = seq


def _check_anchor(conn: sqlite3.Connection, result: VerifyResult, n: int, digest: str) -> None:
    row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (n,)).fetchone()
    if row is None:
        result.bad(
            n,
            _(
                "the anchor names entry {n}, but the chain has only {total} entries: "
                "entries were removed"
            ).format(n=n, total=result.entries),
        )
    elif row[0] != digest:
        result.bad(
            n,
            _("entry {n} no longer has the hash of the anchor: the chain was rewritten").format(
                n=n
            ),
        )
