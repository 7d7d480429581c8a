"""The audit log: logins, failed logins and every write, each with its user; hash-chained."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.ledger import chain
from ruralcouncil.ledger.storage import Ledger, now_text


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    user: str
    event: str
    detail: str


def append(conn: sqlite3.Connection, user: str, event: str, detail: str = "") -> int:
    """Add one line inside the caller's write transaction."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, chain.GENESIS)
    at = now_text()
    payload = chain.audit_payload(seq, at, user, event, detail, prev)
    conn.execute(
        "INSERT INTO audit_log (seq, at, user, event, detail, hash) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, at, user, event, detail, chain.digest(payload)),
    )
    return seq


def record_alone(ledger: Ledger, user: str, event: str, detail: str = "") -> None:
    """A line with nothing else written, such as a failed login."""
    with ledger.write() as conn:
        append(conn, user, event, detail)


def recent(ledger: Ledger, limit: int = 200, before: int | None = None) -> list[AuditEvent]:
    rows = ledger.conn.execute(
        "SELECT seq, at, user, event, detail FROM audit_log WHERE seq < ?"
        " ORDER BY seq DESC LIMIT ?",
        (before if before is not None else 2**62, limit),
    ).fetchall()
    return [AuditEvent(*row) for row in rows]
