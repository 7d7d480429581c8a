"""Replaying the signed chain: who could sign what, commit by commit.

``verify`` feeds every commit of the chain through :class:`Replay`; ``login`` feeds only the
user records (:func:`users_from_chain`), checking the hashes and links around them, so a login
reads each user's role, active flag and key from the signed chain and never from a table a
raw edit can change.

A commit is the run of entries that ends at a signature: every entry in it has the same
author, whose key as the chain had it *before* the commit must check the signature, and whose
role and active flag must allow each record. Two commits start from no key: the first of a
new ledger (its administrator's own key, the root) and the upgrade of a version-1 ledger (the
upgrading administrator's own key, vouched for by the version-1 records it follows).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, records
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.keys import PublicKeys
from ruralcouncil.ledger.records import UserState, Users


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str
    record: str
    author: int | None
    content: dict[str, Any]


@dataclass
class Replay:
    users: Users = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    keys: PublicKeys = field(default_factory=PublicKeys)
    commits: int = 0
    # (user name, chain positions) of records signed with a key an administrator set
    admin_set: dict[str, list[int]] = field(default_factory=dict)
    admin_set_counts: dict[str, int] = field(default_factory=dict)

    def bad(self, seq: int, message: str) -> None:
        self.problems.append((seq, message))

    def unsigned(self, entry: Entry) -> None:
        """An entry no signature covers: only a failed login may be one, and it grants nothing."""
        if not (
            entry.kind == "event"
            and entry.author is None
            and entry.content.get("event") == "login.failed"
        ):
            self.bad(
                entry.seq,
                _("entry {n} is not signed: it was not written by the program for a user").format(
                    n=entry.seq
                ),
            )

    def commit(
        self, seq: int, head: str, author_id: int, signature: str, entries: list[Entry]
    ) -> None:
        """Check one signed commit (its entries, in order, ending at ``seq``), then apply it."""
        self.commits += 1
        for entry in entries:
            if entry.author != author_id:
                self.bad(
                    entry.seq,
                    _("entry {n} names another author than the signature over it").format(
                        n=entry.seq
                    ),
                )
                return
        author = self._author(seq, author_id, entries)
        if author is None:
            return
        if not self.keys.check(author.public_key, seq, head, signature):
            self.bad(
                entries[0].seq if entries else seq,
                _(
                    "entries {first}-{last} are not signed by {user}'s key: someone who does "
                    "not know their password wrote them"
                ).format(first=entries[0].seq if entries else seq, last=seq, user=author.name),
            )
            return
        if not author.active:
            self.bad(
                entries[0].seq if entries else seq,
                _("entry {n} was written by {user} while their account was disabled").format(
                    n=entries[0].seq if entries else seq, user=author.name
                ),
            )
        before = dict(self.users)
        for entry in entries:
            kind = records.get(entry.kind)
            if kind is None:
                self.bad(
                    entry.seq,
                    _("entry {n}: unknown kind of record {kind}").format(
                        n=entry.seq, kind=entry.kind
                    ),
                )
                continue
            problem = kind.check(before, author, entry.content)
            if problem:
                self.bad(entry.seq, _("entry {n}: {problem}").format(n=entry.seq, problem=problem))
        if author.admin_set_key:
            self._note_admin_set(author.name, entries)
        for entry in entries:
            if entry.kind == "user":
                try:
                    self.users[int(entry.content["id"])] = UserState.from_content(entry.content)
                except (KeyError, TypeError, ValueError):
                    self.bad(entry.seq, _("entry {n}: a user record is incomplete").format(n=entry.seq))

    def _author(self, seq: int, author_id: int, entries: list[Entry]) -> UserState | None:
        """The author as the chain had them before this commit, or their root key."""
        known = self.users.get(author_id)
        if known is not None and known.public_key:
            return known
        # A root commit: the first of the ledger, or an upgrade from version 1.
        upgrade = any(e.kind == "schema" and e.content.get("from_version") for e in entries)
        genesis = not self.users and any(e.kind == "schema" for e in entries)
        own = [
            UserState.from_content(e.content)
            for e in entries
            if e.kind == "user" and e.content.get("id") == author_id
        ]
        first = entries[0].seq if entries else seq
        if (genesis or (upgrade and known is not None)) and own:
            state = own[-1]
            if state.key_set_by == author_id and state.role == "admin" and state.public_key:
                if upgrade and known is not None and not (known.active and known.role == "admin"):
                    self.bad(
                        first,
                        _("entry {n}: the ledger was upgraded by someone who was not an active "
                          "administrator").format(n=first),
                    )
                    return None
                return state
        self.bad(
            first,
            _("entries {first}-{last} are signed by user {id}, who had no key there").format(
                first=first, last=seq, id=author_id
            ),
        )
        return None

    def _note_admin_set(self, name: str, entries: list[Entry]) -> None:
        seen = self.admin_set.setdefault(name, [])
        for entry in entries:
            if entry.kind == "event":
                continue
            self.admin_set_counts[name] = self.admin_set_counts.get(name, 0) + 1
            if len(seen) < 20:
                seen.append(entry.seq)


# --- what a login reads ------------------------------------------------------------------


def _broken(message: str) -> LedgerUnavailable:
    return LedgerUnavailable(
        _(
            "The ledger's record of its users does not verify ({problem}), so nobody can log "
            "in to write. Nothing was changed. Run verify, and restore the latest backup."
        ).format(problem=message)
    )


def parse_payload(seq: int, kind: str, record: str, author: int | None, payload: str) -> Entry:
    """A version-2 payload that is canonical and agrees with its row, or ValueError."""
    envelope = json.loads(payload)
    if not isinstance(envelope, dict) or chain.canonical(envelope) != payload:
        raise ValueError("not canonical")
    if (
        envelope.get("v") != chain.ENCODING_VERSION
        or envelope.get("seq") != seq
        or envelope.get("kind") != kind
        or envelope.get("record") != record
        or envelope.get("author") != author
        or not isinstance(envelope.get("content"), dict)
    ):
        raise ValueError("the envelope does not match its row")
    return Entry(seq, kind, record, author, envelope["content"])


def v2_start(conn: sqlite3.Connection) -> int | None:
    """Where the signed (version-2) chain begins: at its first schema entry."""
    row = conn.execute("SELECT min(seq) FROM chain WHERE kind = 'schema'").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def users_from_chain(conn: sqlite3.Connection) -> Users:
    """Every user as the signed chain has them now; raises LedgerUnavailable when the user
    records, their links or their signatures do not verify."""
    count, last = conn.execute("SELECT count(*), coalesce(max(seq), 0) FROM chain").fetchone()
    if count != last:
        raise _broken(_("entries are missing from the chain"))
    start = v2_start(conn)
    if start is None:
        raise _broken(_("the chain has no signed part"))
    replay = Replay()
    groups: dict[int, list[Entry]] = {}
    heads: dict[int, tuple[str, int, str]] = {}
    rows = conn.execute(
        "SELECT seq, kind, record, author, payload, hash FROM chain"
        " WHERE kind IN ('user', 'schema') AND seq >= ? ORDER BY seq",
        (start,),
    ).fetchall()
    for seq, kind, record, author, payload, stored in rows:
        try:
            entry = parse_payload(seq, kind, record, author, payload)
        except ValueError as exc:
            raise _broken(_("entry {n} was changed ({error})").format(n=seq, error=exc)) from None
        if chain.digest(payload) != stored:
            raise _broken(_("entry {n} was changed").format(n=seq))
        signature = conn.execute(
            "SELECT seq, author, signature FROM signatures WHERE seq >= ? ORDER BY seq LIMIT 1",
            (seq,),
        ).fetchone()
        if signature is None:
            raise _broken(_("entry {n} is not signed").format(n=seq))
        sig_seq = int(signature[0])
        _check_links(conn, seq, sig_seq, author)
        head = conn.execute("SELECT hash FROM chain WHERE seq = ?", (sig_seq,)).fetchone()[0]
        groups.setdefault(sig_seq, []).append(entry)
        heads[sig_seq] = (str(head), int(signature[1]), str(signature[2]))
    for sig_seq in sorted(groups):
        head, author_id, signature = heads[sig_seq]
        entries = groups[sig_seq]
        snapshot = next(
            (e.content.get("users") for e in entries if e.kind == "schema" and e.content.get("users")),
            None,
        )
        if snapshot is not None:
            _apply_snapshot(replay, snapshot)
        replay.commit(sig_seq, head, author_id, signature, entries)
        if replay.problems:
            raise _broken(replay.problems[0][1])
    return replay.users


def _apply_snapshot(replay: Replay, snapshot: Iterable[dict[str, Any]]) -> None:
    """An upgrade's entry carries the version-1 users: they start the replay, keyless."""
    for row in snapshot:
        content = dict(row)
        content.setdefault("public_key", "")
        content.setdefault("secret_key", "")
        content.setdefault("key_set_by", None)
        state = UserState.from_content(content)
        replay.users.setdefault(state.id, state)


def _check_links(conn: sqlite3.Connection, seq: int, last: int, author: int | None) -> None:
    """Entries ``seq-1`` .. ``last`` hash and link as the chain says, one author throughout."""
    prev_row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (seq - 1,)).fetchone()
    prev = str(prev_row[0]) if prev_row else chain.GENESIS
    for number, row_author, payload, stored in conn.execute(
        "SELECT seq, author, payload, hash FROM chain WHERE seq BETWEEN ? AND ? ORDER BY seq",
        (seq, last),
    ):
        if chain.digest(payload) != stored:
            raise _broken(_("entry {n} was changed").format(n=number))
        try:
            envelope = json.loads(payload)
        except ValueError:
            raise _broken(_("entry {n} was changed").format(n=number)) from None
        if envelope.get("prev") != prev or row_author != author:
            raise _broken(_("entry {n} does not follow the entry before it").format(n=number))
        prev = str(stored)
