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

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, records
from ruralcouncil.ledger.errors import LedgerUnavailable
from ruralcouncil.ledger.keys import PublicKeys
from ruralcouncil.ledger.records import Users, UserState


class Entry(NamedTuple):
    """One chained entry as the replay judges it. A named tuple, not a frozen dataclass:
    verify makes one per entry, a million for a million-row import, and a tuple is made
    several times faster."""

    seq: int
    kind: str
    record: str
    author: int | None
    content: dict[str, Any]
    # False when the payload could not be read as this entry's (reported where it is read):
    # a commit that fails because of it is named at this entry, not at its start.
    readable: bool = True


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
        """An entry no signature covers: only a failed login may be one, and it grants nothing.
        It keeps no text either (the program stores none: what was typed may be a password),
        so an unsigned entry cannot carry words into the ledger in someone's name."""
        if not (
            entry.kind == "event"
            and entry.author is None
            and entry.content.get("event") == "login.failed"
            and entry.content.get("detail") == ""
        ):
            self.bad(
                entry.seq,
                _(
                    "chain position {n} is not signed: it was not written by the program for a user"
                ).format(n=entry.seq),
            )

    def commit(
        self,
        seq: int,
        head: str,
        author_id: int,
        signature: str,
        entries: list[Entry],
        alt_head: str | None = None,
        cause: int | None = None,
        *,
        start: int | None = None,
    ) -> None:
        """Check one signed commit (its entries, in order, ending at ``seq``), then apply it.

        ``alt_head`` is the real hash of the last entry's payload when its ``hash`` column
        says otherwise (that entry is reported for it): the signature holds over either.
        ``cause`` is an entry of the commit already found bad, where a failure of the commit
        as a whole is named."""
        self.commits += 1
        # The commit's first chain position is signed too; by default its first entry's.
        if start is None:
            start = entries[0].seq if entries else seq
        self._check(seq, (head, alt_head), author_id, signature, entries, cause, start)
        # Applied even when the commit is bad (that is reported above): the users stay as the
        # chain says, so one bad commit is reported once, not again in every later commit of
        # the users it names. A login refuses at the first problem anyway.
        for entry in entries:
            if entry.kind == "user":
                try:
                    self.users[int(entry.content["id"])] = UserState.from_content(entry.content)
                except (KeyError, TypeError, ValueError):
                    self.bad(
                        entry.seq,
                        _("chain position {n}: a user record is incomplete").format(n=entry.seq),
                    )

    def _check(
        self,
        seq: int,
        heads: tuple[str, str | None],
        author_id: int,
        signature: str,
        entries: list[Entry],
        cause: int | None,
        start: int,
    ) -> None:
        # Where a problem of the commit as a whole is named: at its first entry, or at an
        # entry of it found bad already (missing, destroyed), which is then the cause.
        first = entries[0].seq if entries else seq
        unreadable = next((e.seq for e in entries if not e.readable), None)
        where = next(n for n in (cause, unreadable, first) if n is not None)
        for entry in entries:
            if entry.author != author_id:
                # The commit as a whole is not what its signature says: named at its start.
                self.bad(
                    where,
                    _(
                        "chain positions {first}-{last}: position {n} names another author than "
                        "the signature over them"
                    ).format(first=entries[0].seq, last=seq, n=entry.seq),
                )
                return
        author = self._author(seq, author_id, entries, where)
        if author is None:
            return
        if not any(
            h is not None and self.keys.check(author.public_key, start, seq, h, signature)
            for h in heads
        ):
            self.bad(
                where,
                _(
                    "chain positions {first}-{last} are not signed by {user}'s key: someone who "
                    "does not know their password wrote them"
                ).format(first=entries[0].seq if entries else seq, last=seq, user=author.name),
            )
            return
        if not author.active:
            self.bad(
                where,
                _(
                    "chain position {n} was written by {user} while their account was disabled"
                ).format(n=entries[0].seq if entries else seq, user=author.name),
            )
        before = dict(self.users)
        for entry in entries:
            kind = records.get(entry.kind)
            if kind is None:
                self.bad(
                    entry.seq,
                    _("chain position {n}: unknown kind of record {kind}").format(
                        n=entry.seq, kind=entry.kind
                    ),
                )
                continue
            problem = kind.check(before, author, entry.content)
            if problem:
                self.bad(
                    entry.seq,
                    _("chain position {n}: {problem}").format(n=entry.seq, problem=problem),
                )
        if author.admin_set_key:
            self._note_admin_set(author.name, entries)

    def _author(
        self, seq: int, author_id: int, entries: list[Entry], where: int
    ) -> UserState | None:
        """The author as the chain had them before this commit, or their root key."""
        known = self.users.get(author_id)
        if known is not None and known.public_key:
            return known
        # A root commit: the first of the ledger, or an upgrade from version 1.
        upgrade = any(e.kind == "schema" and e.content.get("from_version") for e in entries)
        genesis = not self.users and any(e.kind == "schema" for e in entries)
        own = [
            state
            for e in entries
            if e.kind == "user" and e.content.get("id") == author_id
            for state in [UserState.parse(e.content)]
            if state is not None
        ]
        first = where
        if (genesis or (upgrade and known is not None)) and own:
            state = own[-1]
            if state.key_set_by == author_id and state.role == "admin" and state.public_key:
                if upgrade and known is not None and not (known.active and known.role == "admin"):
                    self.bad(
                        first,
                        _(
                            "chain position {n}: the ledger was upgraded by someone who was not an "
                            "active administrator"
                        ).format(n=first),
                    )
                    return None
                return state
        self.bad(
            first,
            _(
                "chain positions {first}-{last} are signed by user {id}, who had no key there"
            ).format(first=first, last=seq, id=author_id),
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
    envelope = chain.read_json(payload)
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


# Every version-2 payload starts so: "author" is the first of its sorted keys. A version-1
# payload starts with '{"audit":'.
_V2_PREFIX = '{"author":'


def v2_start(conn: sqlite3.Connection) -> int | None:
    """Where the signed (version-2) chain begins: at its first schema entry, the first entry
    whose payload is of version 2.

    The ``kind`` column is not signed, so it only gives the likely place, checked against the
    payloads there: a kind changed to or from ``schema`` must not move the start, which would
    make every version-2 entry look like a bad version-1 one (or the reverse)."""
    row = conn.execute("SELECT min(seq) FROM chain WHERE kind = 'schema'").fetchone()
    hint = int(row[0]) if row and row[0] is not None else None
    if hint is not None and _is_v2(conn, hint) and (hint == 1 or not _is_v2(conn, hint - 1)):
        return hint
    row = conn.execute(
        "SELECT seq FROM chain WHERE substr(payload, 1, ?) = ? ORDER BY seq LIMIT 1",
        (len(_V2_PREFIX), _V2_PREFIX),
    ).fetchone()
    return int(row[0]) if row else None


def _is_v2(conn: sqlite3.Connection, seq: int) -> bool:
    row = conn.execute(
        "SELECT substr(payload, 1, ?) = ? FROM chain WHERE seq = ?",
        (len(_V2_PREFIX), _V2_PREFIX, seq),
    ).fetchone()
    return bool(row and row[0])


def users_from_chain(conn: sqlite3.Connection) -> Users:
    """Every user as the signed chain has them now; raises LedgerUnavailable when the user
    records, their links or their signatures do not verify.

    What it reads does not grow with the ledger (a login at a million entries costs what it
    costs at a thousand): the user and schema entries, found by the ``chain_record`` index;
    for each, the entries that link it to the end of its commit and the commit's signature,
    checked with the author's key as the chain had it then; the last signature, over the
    chain's head; and every entry after it (failed logins only). See
    :func:`_hidden_user_entries` for what a row's unsigned ``kind`` can and cannot hide.
    """
    with chain.lenient_text(conn):
        return _users_from_chain(conn)


Row = tuple[int, str, str, int | None, str, str]


def _users_from_chain(conn: sqlite3.Connection) -> Users:
    start = v2_start(conn)
    if start is None:
        raise _broken(_("the chain has no signed part"))
    last = conn.execute(
        "SELECT seq, author, signature FROM signatures ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if last is None:
        raise _broken(_("no commit is signed"))
    last_seq = int(last[0])
    last_head = _check_tail(conn, last_seq)
    rows: list[Row] = conn.execute(
        "SELECT seq, kind, record, author, payload, hash FROM chain"
        " WHERE kind IN ('user', 'schema') AND seq >= ? ORDER BY seq",
        (start,),
    ).fetchall()
    replay = Replay()
    groups: dict[int, list[Entry]] = {}
    heads: dict[int, tuple[str, int, str]] = {}
    checked_from: dict[int, int] = {}  # commit end -> where its links were checked from
    for seq, kind, record, author, payload, _stored in rows:
        try:
            entry = parse_payload(seq, kind, record, author, payload)
        except ValueError as exc:
            raise _broken(
                _("chain position {n} was changed ({error})").format(n=seq, error=exc)
            ) from None
        signature = conn.execute(
            "SELECT seq, author, signature FROM signatures WHERE seq >= ? ORDER BY seq LIMIT 1",
            (seq,),
        ).fetchone()
        if signature is None:
            raise _broken(_("chain position {n} is not signed").format(n=seq))
        sig_seq = int(signature[0])
        if sig_seq not in checked_from:
            # From the commit's first user or schema entry to its end (the head its
            # signature signs): every hash, every link, one author.
            _check_links(conn, seq, sig_seq, author)
            checked_from[sig_seq] = seq
            head = conn.execute("SELECT hash FROM chain WHERE seq = ?", (sig_seq,)).fetchone()
            if head is None:
                raise _broken(_("a signature names a position that is not in the chain"))
            heads[sig_seq] = (str(head[0]), int(signature[1]), str(signature[2]))
        groups.setdefault(sig_seq, []).append(entry)
    ids = {int(r[0]) for r in conn.execute("SELECT id FROM users")}
    for sig_seq in sorted(groups):
        head, author_id, signature = heads[sig_seq]
        entries = groups[sig_seq]
        snapshot = next(
            (
                e.content.get("users")
                for e in entries
                if e.kind == "schema" and e.content.get("users")
            ),
            None,
        )
        if snapshot is not None:
            _apply_snapshot(replay, snapshot)
        replay.commit(
            sig_seq,
            head,
            author_id,
            signature,
            entries,
            start=_commit_start(conn, sig_seq, start),
        )
        if replay.problems:
            raise _broken(replay.problems[0][1])
        ids.update(replay.users)
    _hidden_user_entries(conn, start, ids)
    last_signature = (last_seq, int(last[1]), str(last[2]), last_head)
    _check_last_commit(
        replay, last_signature, groups, {last_seq: _commit_start(conn, last_seq, start)}
    )
    return replay.users


def _commit_start(conn: sqlite3.Connection, end: int, signed_start: int) -> int:
    """The first chain position of the commit that ends at ``end``, which its signature
    covers: the first entry with an author after the previous signature (or after the start
    of the signed part). Only failed logins, which have no author, stand between the two."""
    row = conn.execute("SELECT max(seq) FROM signatures WHERE seq < ?", (end,)).fetchone()
    after = max(int(row[0]) if row and row[0] is not None else 0, signed_start - 1)
    first = conn.execute(
        "SELECT seq FROM chain WHERE seq > ? AND seq <= ? AND author IS NOT NULL"
        " ORDER BY seq LIMIT 1",
        (after, end),
    ).fetchone()
    return int(first[0]) if first else end


def _check_tail(conn: sqlite3.Connection, last_seq: int) -> str:
    """The entries after the last signature: each hashes and links as chained, with the kind
    and author its row says, and is a failed login (the one entry that may stand unsigned).
    Returns the hash the last signature signs (the head of the signed part)."""
    row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (last_seq,)).fetchone()
    if row is None:
        raise _broken(_("a signature names a position that is not in the chain"))
    head = prev = str(row[0])
    expected = last_seq + 1
    for seq, kind, author, payload, stored in conn.execute(
        "SELECT seq, kind, author, payload, hash FROM chain WHERE seq > ? ORDER BY seq",
        (last_seq,),
    ):
        if seq != expected:
            raise _broken(_("entries are missing from the chain"))
        expected += 1
        if not _failed_login(kind, author, payload):
            raise _broken(_("chain position {n} is not signed").format(n=seq))
        if not _links(payload, str(stored), kind, author, prev):
            raise _broken(_("chain position {n} was changed").format(n=seq))
        prev = str(stored)
    return head


def _links(payload: str, stored: str, kind: str, author: int | None, prev: str) -> bool:
    """The payload hashes to ``stored`` and is the entry its row says, after ``prev``.

    No JSON parsing: a canonical payload holds ``{"author":A,"content":{...},"kind":K,
    "prev":P,"record":`` exactly so, and no text inside it can hold an unescaped quote."""
    try:
        data = payload.encode("utf-8")  # bytes that are not UTF-8 are not one of ours
    except UnicodeEncodeError:
        return False
    opening = '{"author":' + ("null" if author is None else str(author)) + ',"content":{'
    binding = '},"kind":' + chain.canonical(kind) + ',"prev":"' + prev + '","record":'
    return (
        hashlib.sha256(data).hexdigest() == stored
        and payload.startswith(opening)
        and binding in payload
    )


def _kinds(conn: sqlite3.Connection) -> list[str]:
    """The distinct kinds the chain's rows name, one index seek each."""
    found: list[str] = []
    row = conn.execute("SELECT min(kind) FROM chain").fetchone()
    while row is not None and row[0] is not None:
        kind = str(row[0])
        if not chain.bindable(kind):  # bytes that are not UTF-8: no kind of ours
            at = conn.execute(
                "SELECT min(seq) FROM chain WHERE kind = CAST(? AS TEXT)",
                (kind.encode("utf-8", "surrogateescape"),),
            ).fetchone()
            raise _broken(_("chain position {n} was changed").format(n=at[0] if at else "?"))
        found.append(kind)
        row = conn.execute("SELECT min(kind) FROM chain WHERE kind > ?", (kind,)).fetchone()
    return found


def _hidden_user_entries(conn: sqlite3.Connection, start: int, ids: set[int]) -> None:
    """No row of another kind carries a user entry of a user we know.

    A row's ``kind`` column is not signed (its payload's is): a disabling, a demotion or a
    reset password whose row was given another kind would vanish from the rows this login
    reads, and leave the user as they were before it. Such a row still names its user as
    its record, so every row of another kind whose record is a user's id is looked up (one
    index seek per kind) and its payload must be of the kind its row says.

    What a login cannot see without reading every payload (``verify`` does): a user entry
    whose kind *and* record were both changed, or whose payload was replaced while its
    stored hash was kept. Either only takes a user back to a state the chain signed earlier,
    as cutting off the chain's tail would (which ``verify --anchor`` catches), and ``verify``
    reports the entry; neither can give anyone a key, a role or an account no one signed.
    """
    if not ids:
        return
    records_ = [str(i) for i in sorted(ids)]
    for kind in _kinds(conn):
        if kind == "user":
            continue
        mark = '},"kind":' + chain.canonical(kind) + ',"prev":"'
        for at in range(0, len(records_), 500):
            part = records_[at : at + 500]
            marks = ", ".join("?" * len(part))
            for seq, payload in conn.execute(
                f"SELECT seq, payload FROM chain WHERE kind = ? AND record IN ({marks})"
                " AND seq >= ?",
                (kind, *part, start),
            ):
                if not isinstance(payload, str) or mark not in payload:
                    raise _broken(_("chain position {n} was changed").format(n=seq))


def _failed_login(kind: str, author: int | None, payload: str) -> bool:
    """The one entry that may stand unsigned (docs/hash-chain.md, "Unsigned entries")."""
    if kind != "event" or author is not None:
        return False
    try:
        content = chain.read_json(payload).get("content")
    except (ValueError, AttributeError):
        return False
    return (
        isinstance(content, dict)
        and content.get("event") == "login.failed"
        and content.get("detail") == ""
    )


def _check_last_commit(
    replay: Replay,
    last: tuple[int, int, str, str],
    checked: dict[int, list[Entry]],
    starts: dict[int, int],
) -> None:
    """The last signature, over the head of the signed part, by its author's key as the chain
    has it (a commit that changed a key was checked with its user entries already)."""
    seq, author_id, signature, head = last
    if seq in checked:
        return
    author = replay.users.get(author_id)
    first = starts.get(seq, seq)
    if author is None or not replay.keys.check(author.public_key, first, seq, head, signature):
        raise _broken(_("the last commit is not signed by its author's key"))


def _apply_snapshot(replay: Replay, snapshot: Iterable[dict[str, Any]]) -> None:
    """An upgrade's entry carries the version-1 users: they start the replay, keyless."""
    if not isinstance(snapshot, list):
        return  # not a list of users: the upgrade's entry is reported as changed
    for row in snapshot:
        if not isinstance(row, dict):
            continue
        content = dict(row)
        content.setdefault("public_key", "")
        content.setdefault("secret_key", "")
        content.setdefault("key_set_by", None)
        state = UserState.parse(content)
        if state is not None:
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
            raise _broken(_("chain position {n} was changed").format(n=number))
        try:
            envelope = chain.read_json(payload)
        except ValueError:
            raise _broken(_("chain position {n} was changed").format(n=number)) from None
        if not isinstance(envelope, dict) or envelope.get("prev") != prev or row_author != author:
            raise _broken(
                _("chain position {n} does not follow the position before it").format(n=number)
            )
        prev = str(stored)
