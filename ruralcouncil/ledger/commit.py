"""One write transaction: the records it chains, its events, and its author's signature.

Services never touch the chain directly: inside ``with ledger.write(user) as commit:`` they
store a row, then ``commit.append(kind, key)`` chains it and ``commit.event(...)`` says what
happened. When the block ends, :meth:`seal` signs the chain head the commit leaves, once per
commit however many records it holds (a 100,000-row import signs once).

A session's login is chained with its first write, inside the same transaction, so a command
that only reads, or is refused, leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, parse, records, storage
from ruralcouncil.ledger.errors import LedgerUnavailable

if TYPE_CHECKING:
    from ruralcouncil.ledger.keys import Signer
    from ruralcouncil.ledger.roles import User


class Commit:
    def __init__(
        self, conn: sqlite3.Connection, author: User | None, signer: Signer | None
    ) -> None:
        self.conn = conn
        self.author = author
        self.signer = signer
        # Read once inside BEGIN IMMEDIATE: no one else can move it until COMMIT.
        self._head = chain.head(conn)
        self._start = self._head[0]
        self.appended = 0
        self._login_chained = False

    @property
    def head(self) -> tuple[int, str]:
        return self._head

    @property
    def author_id(self) -> int | None:
        return self.author.id if self.author is not None else None

    def append(self, kind: str, record: str, content: chain.Content | None = None) -> int:
        """Chain the stored record ``kind``/``record``; returns its chain position.

        ``content`` is built from the stored row unless the caller passes exactly that.
        """
        self._chain_login()
        return self._append(kind, record, content)

    def _append(self, kind: str, record: str, content: chain.Content | None) -> int:
        known = records.get(kind)
        if known is None:
            raise ValueError(f"unregistered record kind {kind!r}")
        if content is None:
            content = known.build(self.conn, record)
        seq, prev = self._head
        seq += 1
        payload = chain.sealed_envelope(seq, kind, record, self.author_id, prev, content)
        digest = chain.digest(payload)
        self.conn.execute(
            "INSERT INTO chain (seq, kind, record, author, payload, hash)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (seq, kind, record, self.author_id, payload, digest),
        )
        self._head = (seq, digest)
        self.appended += 1
        return seq

    def append_many(self, kind: str, items: Iterable[tuple[str, chain.Content]]) -> int:
        """Chain many stored records of one kind, in order, with one statement; returns the
        chain position of the last (the head when there are none).

        Each item is ``(record, content)``, the content being exactly what ``append`` would
        read back from the stored row (the caller built the row from it): the entries are
        byte for byte those ``append`` would have made one by one.
        """
        if records.get(kind) is None:
            raise ValueError(f"unregistered record kind {kind!r}")
        self._chain_login()
        seq, prev = self._head
        author = self.author_id
        rows: list[tuple[int, str, str, int | None, str, str]] = []
        for record, content in items:
            seq += 1
            payload = chain.sealed_envelope(seq, kind, record, author, prev, content)
            prev = chain.digest(payload)
            rows.append((seq, kind, record, author, payload, prev))
        if rows:
            self.conn.executemany(
                "INSERT INTO chain (seq, kind, record, author, payload, hash)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._head = (seq, prev)
            self.appended += len(rows)
        return self._head[0]

    def event(
        self, event: str, detail: str = "", *, user_id: int | None = None, at: str | None = None
    ) -> int:
        """Record and chain what happened (the audit log). ``user_id`` defaults to the author."""
        self._chain_login()
        return self._event(event, detail, user_id=user_id, at=at)

    def _event(self, event: str, detail: str, *, user_id: int | None, at: str | None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events (at, user_id, event, detail) VALUES (?, ?, ?, ?)",
            (
                at or storage.now_text(),
                user_id if user_id is not None else self.author_id,
                event,
                parse.nfc(detail),
            ),
        )
        event_id = int(cursor.lastrowid or 0)
        self._append("event", str(event_id), None)
        return event_id

    def _chain_login(self) -> None:
        if self._login_chained or self.signer is None or self.signer.pending_login is None:
            return
        self._login_chained = True
        self._event("login", "", user_id=None, at=self.signer.pending_login)

    def seal(self) -> None:
        """Sign the head this commit leaves; called by ``Ledger.write`` before COMMIT."""
        if not self.appended or self.signer is None or self.author is None:
            return
        self._refuse_unsigned_before()
        seq, digest = self._head
        self.conn.execute(
            "INSERT INTO signatures (seq, author, signature) VALUES (?, ?, ?)",
            (seq, self.author.id, self.signer.sign_head(self._start + 1, seq, digest)),
        )

    def _refuse_unsigned_before(self) -> None:
        """A signature covers every entry back to the previous signature (docs/hash-chain.md,
        "A commit"), so signing here would vouch for whatever someone appended to the file
        outside the program since then: a forged entry naming this author would then verify.
        Only failed logins (unsigned, no author) may stand between two commits; anything else
        there refuses the write. The version-1 entries before an upgrade are not in question:
        the signed part starts at the first schema entry."""
        row = self.conn.execute(
            "SELECT min(c.seq) FROM chain c WHERE c.seq > max("
            " (SELECT coalesce(max(seq), 0) FROM signatures),"
            " (SELECT coalesce(min(seq), 0) - 1 FROM chain WHERE kind = 'schema'))"
            " AND c.seq <= ? AND (c.author IS NOT NULL OR c.kind <> 'event')",
            (self._start,),
        ).fetchone()
        if row is not None and row[0] is not None:
            raise LedgerUnavailable(
                _(
                    "The ledger holds entries that nobody signed (from chain position {n}): "
                    "they were written outside the program. Nothing was saved. Run verify, "
                    "and restore the latest backup."
                ).format(n=row[0])
            )

    def done(self) -> None:
        """After COMMIT: the session's login is now in the chain."""
        if self._login_chained and self.signer is not None:
            self.signer.pending_login = None
