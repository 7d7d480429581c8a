"""The audit log, read back: logins, failed logins and every write, each with its user.

Events are written by ``Commit.event`` and chained like every other record. A ledger made
before signed entries keeps its version-1 audit log (table ``audit_log``) as it was; both are
read here as one list, newest first: the chained events, then the version-1 lines.
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
    seq: int  # the event's id, or the version-1 line's number (``chained`` tells which)
    at: str
    user: str
    event: str
    detail: str
    # False for a line of the version-1 audit log. The two are numbered apart, so a page
    # boundary needs both to say where the next page starts.
    chained: bool = True


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def recent(ledger: Ledger, limit: int = 200, before: AuditEvent | None = None) -> list[AuditEvent]:
    """The latest events, newest first: chained events, then the version-1 log's lines.

    ``before`` pages back: the events older than that one (the last of the previous page).
    The version-2 rewrite had dropped it, leaving a log that grows with every failed login
    readable only from its newest end; it pages across both logs.
    """
    conn = ledger.conn
    found: list[AuditEvent] = []
    if (before is None or before.chained) and _has_table(conn, "events"):
        rows = conn.execute(
            "SELECT e.id, e.at, coalesce(u.name, ?), e.event, e.detail FROM events e"
            " LEFT JOIN users u ON u.id = e.user_id WHERE e.id < ? ORDER BY e.id DESC LIMIT ?",
            (UNKNOWN_USER, before.seq if before is not None else 2**62, limit),
        ).fetchall()
        found += [AuditEvent(*row) for row in rows]
    if len(found) < limit:
        older_than = before.seq if before is not None and not before.chained else 2**62
        rows = conn.execute(
            "SELECT seq, at, user, event, detail FROM audit_log WHERE seq < ?"
            " ORDER BY seq DESC LIMIT ?",
            (older_than, limit - len(found)),
        ).fetchall()
        found += [
            AuditEvent(seq, at, user, event, detail, False) for seq, at, user, event, detail in rows
        ]
    return found
