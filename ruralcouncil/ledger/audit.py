"""The audit log, read back: logins, failed logins and every write, each with its user.

Events are written by ``Commit.event`` and chained like every other record. A ledger made
before signed entries keeps its version-1 audit log (table ``audit_log``) as it was; both are
read here as one list.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.ledger.storage import Ledger

# Shown for a failed login whose name matches no user: the text typed is never stored, as
# it may be a password typed into the wrong field.
UNKNOWN_USER = "?"


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    user: str
    event: str
    detail: str


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        .fetchone()
        is not None
    )


def recent(ledger: Ledger, limit: int = 200) -> list[AuditEvent]:
    """The latest events, newest first: chained events, then the version-1 log's lines."""
    conn = ledger.conn
    found: list[AuditEvent] = []
    if _has_table(conn, "events"):
        rows = conn.execute(
            "SELECT e.id, e.at, coalesce(u.name, ?), e.event, e.detail FROM events e"
            " LEFT JOIN users u ON u.id = e.user_id ORDER BY e.id DESC LIMIT ?",
            (UNKNOWN_USER, limit),
        ).fetchall()
        found += [AuditEvent(*row) for row in rows]
    if len(found) < limit:
        rows = conn.execute(
            "SELECT seq, at, user, event, detail FROM audit_log ORDER BY seq DESC LIMIT ?",
            (limit - len(found),),
        ).fetchall()
        found += [AuditEvent(*row) for row in rows]
    return found
