"""Verification: the file, its schema, the chain, every signature, and every stored row.

In order: SQLite's integrity check; the schema against what the file's version must have;
the chain entry by entry (its version-1 part by the version-1 rules, ``legacy``); each
version-2 entry rebuilt from its row and the stored rows and compared with what was chained;
each commit's signature checked against its author's key as the chain had it then, with the
author's role and active flag replayed (``replay``); then every stored record must be in the
chain, each user and setting must be what its latest entry says, entry numbers must run
1, 2, 3..., postings must balance and the daily totals must add up.

A chain stored in the same file cannot catch its own tail being cut off; for that, ``anchor``
holds it against a length and head printed earlier (a summary, a backup, a report).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import chain, legacy, records, replay, schema
from ruralcouncil.ledger.parse import parse_anchor as _parse_anchor
from ruralcouncil.ledger.replay import Entry, Replay

Progress = Callable[[int, int], None]
# What reading a damaged file can raise: SQLite's errors, and a UnicodeDecodeError when an
# error message quotes schema text that is not UTF-8 (Python cannot even build the message).
_UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)


@dataclass
class VerifyResult:
    entries: int = 0  # the chain's length
    head: str = chain.GENESIS
    transactions: int = 0
    first_bad: int | None = None  # the entry number of the first bad record, if it is an entry
    first_bad_seq: int | None = None  # its chain position
    problems: list[str] = field(default_factory=list)
    schema_version: int = 0
    signed_commits: int = 0
    legacy_entries: int = 0
    ledger: str = chain.GENESIS  # the hash of chain position 1: which ledger this is
    # user name -> (records signed with a key an administrator set, the first chain positions)
    admin_set_keys: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    _bad: list[tuple[int | None, int | None, str]] = field(default_factory=list, repr=False)
    _bad_seqs: set[int] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, seq: int | None, message: str, *, number: int | None = None) -> None:
        # One problem found twice (by the entry's own check and by the replay of its commit)
        # is one problem: the list names each bad record once.
        message = _printable(message)
        if (seq, number, message) in self._bad:
            return
        self._bad.append((seq, number, message))
        self.problems.append(message)
        if seq is not None:
            self._bad_seqs.add(seq)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "transactions": self.transactions,
            "head": self.head,
            "first_bad": self.first_bad,
            "first_bad_seq": self.first_bad_seq,
            "problems": list(self.problems),
            "ledger": self.ledger,
            "schema_version": self.schema_version,
            "signed_commits": self.signed_commits,
            "legacy_entries": self.legacy_entries,
            "admin_set_keys": [
                {"user": name, "records": count, "chain_seq": seqs}
                for name, (count, seqs) in sorted(self.admin_set_keys.items())
            ],
        }


def parse_anchor(text: str) -> tuple[int, str]:
    return _parse_anchor(text)


def verify(
    conn: sqlite3.Connection,
    anchor: tuple[int, str] | None = None,
    progress: Progress | None = None,
) -> VerifyResult:
    with chain.lenient_text(conn):
        return _verify(conn, anchor, progress)


def _verify(
    conn: sqlite3.Connection, anchor: tuple[int, str] | None, progress: Progress | None
) -> VerifyResult:
    result = VerifyResult()
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    except _UNREADABLE as exc:
        integrity = [_reason(exc)]
    if integrity != ["ok"]:
        result.bad(
            None, _("SQLite integrity check: {detail}").format(detail="; ".join(integrity[:5]))
        )
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        result.schema_version = version
        differences = schema.differences(conn, version)
        if differences:
            from ruralcouncil.ledger.storage import schema_message

            result.bad(
                None,
                _("the schema differs from version {version}: {details}").format(
                    version=version, details=schema_message(differences)
                ),
            )
        _Walk(conn, result, progress).run()
    except _UNREADABLE as exc:
        result.bad(None, _("The ledger cannot be read: {error}").format(error=_reason(exc)))
    try:
        if anchor is not None:
            _check_anchor(conn, result, *anchor)
        _name_first_bad(conn, result)
    except _UNREADABLE as exc:
        result.bad(None, _("The ledger cannot be read: {error}").format(error=_reason(exc)))
    return result


def _printable(text: str) -> str:
    """Text from the file (a kind, a record's key, a hash) may hold bytes that are not UTF-8
    (read as lone surrogates): shown escaped, so that it can be printed and sent as JSON."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "malformed database schema (its text is not UTF-8)"
    return str(exc)


def _has(conn: sqlite3.Connection, table: str, column: str | None = None) -> bool:
    if column is None:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


class _Walk:
    def __init__(self, conn: sqlite3.Connection, result: VerifyResult, progress: Progress | None):
        self.conn = conn
        self.result = result
        self.progress = progress
        self.replay = Replay()
        self.legacy = legacy.LegacyWalk(conn)
        # (kind, record) -> (seq, content) of the latest entry of each user and setting
        # (None: that entry cannot be read; it is reported, and stands for the record's latest)
        self.latest: dict[tuple[str, str], tuple[int, dict[str, Any] | None]] = {}
        self.upgrade: Entry | None = None
        self.signed = _has(conn, "signatures")

    def run(self) -> None:
        conn = self.conn
        total = int(conn.execute("SELECT count(*) FROM chain").fetchone()[0])
        start = replay.v2_start(conn) if self.signed else None
        self._walk(total, start)
        if start is None:
            self._finish_version_1()
        else:
            self._finish()
        self.result.signed_commits = self.replay.commits
        for name, count in self.replay.admin_set_counts.items():
            self.result.admin_set_keys[name] = (count, self.replay.admin_set.get(name, []))
        for seq, message in self.replay.problems:
            self.result.bad(seq, message)
        for where, message in self.legacy.problems:
            self.result.bad(where, message)
        self.result.legacy_entries = self.legacy.entries
        self._check_records()
        if self.progress:
            self.progress(total, total)

    # --- the chain, entry by entry ---

    def _signatures(self) -> Iterator[tuple[int, int, str]]:
        if not self.signed:
            return iter(())
        return iter(
            self.conn.execute(
                "SELECT seq, author, signature FROM signatures ORDER BY seq"
            ).fetchall()
        )

    def _walk(self, total: int, start: int | None) -> None:
        conn, result = self.conn, self.result
        has_author = _has(conn, "chain", "author")
        columns = (
            "seq, kind, record, author, payload, hash"
            if has_author
            else ("seq, kind, record, NULL, payload, hash")
        )
        self._transactions = chain.transaction_contents(conn) if start is not None else iter(())
        self._next_transaction = next(self._transactions, None)
        signatures = self._signatures()
        signature = next(signatures, None)
        pending: list[Entry] = []
        expected_seq, prev = 1, chain.GENESIS
        # The hash the previous payload really has, when its `hash` column says otherwise.
        prev_real: str | None = None
        for seq, kind, record, author, payload, stored in conn.execute(
            f"SELECT {columns} FROM chain ORDER BY seq"
        ):
            if seq > expected_seq:
                result.bad(expected_seq, _("chain position {n} is missing").format(n=expected_seq))
            elif seq < expected_seq:  # only a first row numbered 0 or below
                result.bad(
                    seq,
                    _("a record is at position {n}, but chain positions start at 1").format(n=seq),
                )
            expected_seq = seq + 1
            real = chain.digest(payload)
            if real != stored:
                result.bad(
                    seq, _("chain position {n}: its hash does not match its content").format(n=seq)
                )
            if prev_real is not None:
                prev = _link(payload, prev, prev_real)
            while signature is not None and signature[0] < seq:
                # A signature row naming no chain position at all is a bad record that is
                # not an entry; one naming a position inside the chain names that entry.
                result.bad(
                    signature[0] if signature[0] >= 1 else None,
                    _(
                        "a signature names chain position {n}, which is not where a commit ends"
                    ).format(n=signature[0]),
                )
                signature = next(signatures, None)
            if start is None or seq < start:
                self.legacy.entry(seq, kind, record, payload, prev)
                if author is not None:
                    result.bad(
                        seq, _("chain position {n}: an early entry names an author").format(n=seq)
                    )
                if signature is not None and signature[0] == seq:
                    result.bad(
                        seq,
                        _("chain position {n}: an early entry carries a signature").format(n=seq),
                    )
                    signature = next(signatures, None)
            else:
                entry = self._entry(seq, kind, record, author, payload, prev)
                # Unsigned only when the row and its payload both say so: when they disagree
                # the entry is reported already, and must not split its commit in two.
                if entry.author is None and author is None:
                    if pending:
                        self._unsigned(pending)
                        pending = []
                    self.replay.unsigned(entry)
                else:
                    pending.append(entry)
                if signature is not None and signature[0] == seq:
                    if pending:
                        self._commit(seq, str(stored), signature, pending, real)
                    else:
                        result.bad(
                            seq,
                            _("a signature names chain position {n}, which no one signed").format(
                                n=seq
                            ),
                        )
                    pending = []
                    signature = next(signatures, None)
            prev = str(stored)
            prev_real = real if real != stored else None
            result.entries, result.head = seq, _printable(str(stored))
            if self.progress and seq % 5000 == 0:
                self.progress(seq, total)
        if pending:
            self._unsigned(pending)
        while signature is not None:
            result.bad(
                None,
                _("a signature names chain position {n}, which is not in the chain").format(
                    n=signature[0]
                ),
            )
            signature = next(signatures, None)

    def _unsigned(self, pending: list[Entry]) -> None:
        self.result.bad(
            self._cause(pending[0].seq, pending[-1].seq + 1) or pending[0].seq,
            _(
                "chain positions {first}-{last} are not signed: they were not written by the "
                "program for a user who knew their password"
            ).format(first=pending[0].seq, last=pending[-1].seq),
        )

    def _cause(self, first: int, last: int) -> int | None:
        """An entry from ``first`` to ``last`` already found bad (missing, unreadable,
        changed): what makes their commit fail as a whole, if it does, and where that failure
        is named, rather than at the commit's intact first entry."""
        bad = self.result._bad_seqs
        if not bad:
            return None
        return next((n for n in range(first, last + 1) if n in bad), None)

    def _transaction_rows(self, record: str) -> dict[str, Any] | None:
        """The stored transaction ``record`` from the one ordered scan of the table, or None
        when the scan has passed it (then it is read on its own)."""
        wanted = _id_of(record)
        if wanted is None:
            return None
        while self._next_transaction is not None and self._next_transaction[0] < wanted:
            self._next_transaction = next(self._transactions, None)
        if self._next_transaction is not None and self._next_transaction[0] == wanted:
            return self._next_transaction[1]
        return None

    def _entry(
        self, seq: int, kind: str, record: str, author: int | None, payload: str, prev: str
    ) -> Entry:
        """Check one version-2 entry against its row and the stored record.

        Returns the entry as it was chained (the payload's kind, record, author and content):
        that is what its commit's signature covers and what the replay judges. The row's
        columns are not signed; one of them changed is this entry's problem alone, and must
        not make every later commit look bad (a user record whose row kind was changed still
        gave that user their key)."""
        row_kind = records.get(kind)
        if row_kind is not None and not row_kind.mutable and row_kind.table is not None:
            # The common case, without parsing the payload: the row and the stored record
            # rebuild it exactly.
            rows = self._transaction_rows(record) if kind == "transaction" else None
            if rows is None:
                rows = row_kind.build(self.conn, record)
            if chain.envelope(seq, kind, record, author, prev, rows) == payload:
                return Entry(seq, kind, record, author, rows)
        chained = _read_envelope(payload)
        if (
            row_kind is not None
            and row_kind.mutable
            and (
                chained is None
                or (chained["seq"], chained["kind"], chained["record"]) != (seq, kind, record)
            )
        ):
            # The row says this is the latest entry of a user or setting, but its payload is
            # not (it is reported below): the table is not held against an older entry, which
            # would name that intact entry as the bad one.
            self.latest[(kind, record)] = (seq, None)
        if chained is None or chained["seq"] != seq:
            # Unreadable, or not this position's payload at all (another entry's, copied
            # here): nothing in it says what was chained here.
            if chained is None:
                self.result.bad(
                    seq, _("chain position {n}: its content cannot be read").format(n=seq)
                )
            else:
                self.result.bad(
                    seq,
                    _("chain position {n}: its position, kind or record was changed").format(n=seq),
                )
            return Entry(seq, kind, record, author, {}, readable=False)
        entry = Entry(
            seq, chained["kind"], chained["record"], chained["author"], chained["content"]
        )
        known = records.get(entry.kind)
        if known is None:
            self.result.bad(
                seq,
                _("chain position {n}: unknown kind of record {kind}").format(
                    n=seq, kind=entry.kind
                ),
            )
            return entry
        if known.mutable or known.table is None:
            # Users, settings and schema entries: the payload must be canonical and agree with
            # its row; the tables are compared with each record's latest entry at the end.
            if chain.envelope(seq, kind, record, author, prev, entry.content) != payload:
                self.result.bad(
                    seq, self._why_differs(seq, kind, record, author, prev, payload, None)
                )
            if _not_nfc(entry.content):
                self.result.bad(
                    seq, _("chain position {n}: its text is not stored in NFC").format(n=seq)
                )
            if known.mutable:
                self.latest[(entry.kind, entry.record)] = (seq, entry.content)
            elif entry.kind == "schema":
                self._schema(entry)
            return entry
        stored = self._transaction_rows(entry.record) if entry.kind == "transaction" else None
        if stored is None:
            stored = known.build(self.conn, entry.record)
        if chain.envelope(seq, kind, record, author, prev, stored) != payload:
            self.result.bad(
                seq, self._why_differs(seq, kind, record, author, prev, payload, stored)
            )
        return entry

    def _why_differs(
        self,
        seq: int,
        kind: str,
        record: str,
        author: int | None,
        prev: str,
        payload: str,
        stored: dict[str, Any] | None,
    ) -> str:
        try:
            envelope = chain.read_json(payload)
        except ValueError:
            return _("chain position {n}: its content cannot be read").format(n=seq)
        if not isinstance(envelope, dict):
            return _("chain position {n}: its content cannot be read").format(n=seq)
        if envelope.get("prev") != prev:
            return _("chain position {n} does not follow the position before it").format(n=seq)
        if (envelope.get("seq"), envelope.get("kind"), envelope.get("record")) != (
            seq,
            kind,
            record,
        ):
            return _("chain position {n}: its position, kind or record was changed").format(n=seq)
        if envelope.get("author") != author:
            return _("chain position {n}: its author was changed").format(n=seq)
        if stored is None:  # a user, setting or schema entry whose payload is not canonical
            return _("chain position {n}: its content was changed").format(n=seq)
        if "missing" in stored:
            return _("chain position {n}: the {kind} {record} it chains was deleted").format(
                n=seq, kind=kind, record=record
            )
        if kind == "transaction":
            return _("chain position {n}: the transaction was changed after it was posted").format(
                n=seq
            )
        return _(
            "chain position {n}: the stored {kind} {record} differs from what was chained"
        ).format(n=seq, kind=kind, record=record)

    def _commit(
        self,
        seq: int,
        head: str,
        signature: tuple[int, int, str],
        pending: list[Entry],
        real_head: str,
    ) -> None:
        if self.upgrade is not None and any(e.seq == self.upgrade.seq for e in pending):
            replay._apply_snapshot(self.replay, self.upgrade.content.get("users") or [])
        cause = self._cause(pending[0].seq, seq)
        self.replay.commit(
            seq,
            head,
            int(signature[1]),
            str(signature[2]),
            pending,
            alt_head=real_head if real_head != head else None,
            cause=cause,
        )

    # --- schema entries and the upgrade from version 1 ---

    def _schema(self, entry: Entry) -> None:
        content = entry.content
        if content.get("from_version"):
            if self.upgrade is not None or self.legacy.entries == 0:
                self.result.bad(
                    entry.seq,
                    _("chain position {n}: an upgrade where there was nothing to upgrade").format(
                        n=entry.seq
                    ),
                )
            self.upgrade = entry
            for row in _list(content.get("users")):
                if isinstance(row, dict) and "id" in row:
                    self.latest[("user", str(row["id"]))] = (entry.seq, dict(row))
            for pair in _list(content.get("settings")):
                if isinstance(pair, list) and len(pair) == 2:
                    self.latest[("setting", str(pair[0]))] = (
                        entry.seq,
                        {"key": pair[0], "value": pair[1]},
                    )
        elif entry.seq != 1 and content.get("version") == schema.SCHEMA_VERSION:
            self.result.bad(
                entry.seq, _("chain position {n}: a second start of the chain").format(n=entry.seq)
            )
        self.last_schema = entry

    def _finish_version_1(self) -> None:
        self.legacy.check_mutable_rows()
        self._legacy_audit(None)

    def _finish(self) -> None:
        if self.legacy.entries and self.upgrade is None:
            self.result.bad(
                None, _("the early entries of the chain are not sealed by an upgrade entry")
            )
        if self.upgrade is not None:
            self._check_upgrade(self.upgrade)
        self._legacy_audit(self.upgrade)
        schema_entry = getattr(self, "last_schema", None)
        if schema_entry is not None and schema_entry.content.get("migrations") != schema.applied(
            self.conn
        ):
            self.result.bad(
                schema_entry.seq,
                _("the record of applied migrations differs from what was chained"),
            )

    def _check_upgrade(self, entry: Entry) -> None:
        """The upgrade's entry must say what the version-1 entries say."""
        content = entry.content
        legacy_part = content.get("legacy")
        found = legacy_part if isinstance(legacy_part, dict) else {}
        audit_lines, audit_head = legacy.audit_head(self.conn)
        # Counted from what the early payloads say, not from their unsigned `kind` column.
        v1_transactions = sum(
            1 for said in self.legacy.chained if said is not None and said[0] == "transaction"
        )
        if (
            found.get("entries") != self.legacy.entries
            or found.get("audit_lines") != audit_lines
            or found.get("audit_head") != audit_head
            or found.get("transactions") != v1_transactions
        ):
            self.result.bad(
                entry.seq,
                _(
                    "chain position {n}: the upgrade's record of the early entries and audit log "
                    "does not match them"
                ).format(n=entry.seq),
            )
        snapshot = {
            ("user", str(r.get("id"))): r
            for r in _list(content.get("users"))
            if isinstance(r, dict)
        }
        snapshot.update(
            {
                ("setting", str(p[0])): {"key": p[0], "value": p[1]}
                for p in _list(content.get("settings"))
                if isinstance(p, list) and len(p) == 2
            }
        )
        if set(snapshot) != set(self.legacy.latest):
            self.result.bad(
                entry.seq,
                _(
                    "chain position {n}: the upgrade's users and settings differ from the early "
                    "entries"
                ).format(n=entry.seq),
            )
        for key, (_seq, early) in self.legacy.latest.items():
            carried = snapshot.get(key)
            if carried is None:
                continue
            if legacy._nfc(early) != {c: carried.get(c) for c in legacy.v1_columns(key[0])}:
                self.result.bad(
                    entry.seq,
                    _("chain position {n}: the upgrade changed the {kind} {record}").format(
                        n=entry.seq, kind=key[0], record=key[1]
                    ),
                )
        numbered_wrong = self.conn.execute(
            "SELECT count(*), min(id) FROM (SELECT id, number,"
            " row_number() OVER (ORDER BY id) AS n FROM transactions ORDER BY id LIMIT ?)"
            " WHERE number IS NOT n",
            (v1_transactions,),
        ).fetchone()
        if numbered_wrong[0]:
            # Named at the first misnumbered entry itself: that is the record that changed.
            first = chain.entry_seq(self.conn, "transaction", str(numbered_wrong[1]))
            self.result.bad(
                first if first is not None else entry.seq,
                ngettext(
                    "{n} early entry does not carry the number the upgrade gave it",
                    "{n} early entries do not carry the numbers the upgrade gave them",
                    numbered_wrong[0],
                ).format(n=numbered_wrong[0]),
            )
        self._check_early_rows(entry, found.get("rows"))

    def _check_early_rows(self, entry: Entry, sealed: object) -> None:
        """Each early record's row is what the upgrade sealed (``legacy.row_digests``)."""
        if not isinstance(sealed, str):
            self.result.bad(
                entry.seq,
                _("chain position {n}: the upgrade does not seal the early records' rows").format(
                    n=entry.seq
                ),
            )
            return
        now = legacy.record_digests(self.conn, self.legacy.chained)
        if now == sealed:
            return
        width = legacy.DIGEST_LENGTH
        for index in range(max(len(now), len(sealed)) // width):
            if (
                now[index * width : (index + 1) * width]
                != sealed[index * width : (index + 1) * width]
            ):
                seq = index + 1  # early entries are chain positions 1, 2, 3...
                self.result.bad(
                    seq,
                    _(
                        "chain position {n}: its record was changed after the upgrade sealed it"
                    ).format(n=seq),
                )
                return

    def _legacy_audit(self, upgrade: Entry | None) -> None:
        lines, problems = legacy.walk_audit(self.conn)
        for message in problems:
            self.result.bad(None, message)
        if self.signed and upgrade is None and lines:
            self.result.bad(None, _("the closed audit log of version 1 has lines added"))

    # --- every stored record in the chain, and as its latest entry says ---

    def _check_records(self) -> None:
        conn, result = self.conn, self.result
        for (kind, record), (seq, chained) in sorted(self.latest.items(), key=lambda x: x[1][0]):
            known = records.get(kind)
            if known is None or chained is None:
                continue
            stored = known.build(conn, record)
            if not _same_content(stored, chained):
                result.bad(
                    seq,
                    _(
                        "the stored {kind} {record} differs from its latest chain entry, at "
                        "position {n}"
                    ).format(kind=kind, record=record, n=seq),
                )
        tables = {k.name: (k.table, k.key) for k in records.KINDS.values() if k.table}
        for kind, (table, key) in tables.items():
            if table is None or not _has(conn, table):
                continue
            missing = conn.execute(
                f"SELECT {key} FROM {table} WHERE CAST({key} AS TEXT) NOT IN"
                " (SELECT record FROM chain WHERE kind = ?) LIMIT 5",
                (kind,),
            ).fetchall()
            for (value,) in missing:
                number = _number_of(conn, int(value)) if kind == "transaction" else None
                result.bad(
                    None,
                    _("{table} row {key} is not in the chain").format(table=table, key=value),
                    number=number,
                )
        orphans = conn.execute(
            "SELECT count(*) FROM postings"
            " WHERE transaction_id NOT IN (SELECT id FROM transactions)"
        ).fetchone()[0]
        if orphans:
            result.bad(
                None,
                ngettext(
                    "{n} posting belongs to no transaction",
                    "{n} postings belong to no transaction",
                    orphans,
                ).format(n=orphans),
            )
        for tid, fund in conn.execute(
            "SELECT transaction_id, fund FROM postings GROUP BY transaction_id, fund"
            " HAVING SUM(amount) <> 0 LIMIT 5"
        ):
            result.bad(
                chain.entry_seq(conn, "transaction", str(tid)),
                _("entry {n}: its postings in fund {fund} do not balance").format(
                    n=_number_of(conn, int(tid)) or tid, fund=fund
                ),
            )
        _check_daily_totals(conn, result)
        count = int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
        result.transactions = count
        if _has(conn, "transactions", "number"):
            low, high, distinct = conn.execute(
                "SELECT coalesce(min(number), 1), coalesce(max(number), 0), count(DISTINCT number)"
                " FROM transactions"
            ).fetchone()
            if count and (low != 1 or high != count or distinct != count):
                result.bad(
                    None,
                    ngettext(
                        "entry numbers do not run 1, 2, 3... without gaps ({low}-{high} for "
                        "{count} entry)",
                        "entry numbers do not run 1, 2, 3... without gaps ({low}-{high} for "
                        "{count} entries)",
                        count,
                    ).format(low=low, high=high, count=count),
                )
        first = conn.execute("SELECT hash FROM chain WHERE seq = 1").fetchone()
        result.ledger = _printable(str(first[0])) if first else chain.GENESIS


def _list(value: Any) -> list[Any]:
    """A list from a chained payload, or [] when what is there is not one (a payload that
    says otherwise is reported; reading it must not fail)."""
    return value if isinstance(value, list) else []


def _link(payload: str, stored: str, real: str) -> str:
    """The previous entry's hash that this one links to, when that entry's ``hash`` column
    does not match its payload: the payload's real hash if this entry follows it, else the
    stored one. Either way that entry is reported; this keeps an edited ``hash`` column from
    also making the entry after it, and its commit's signature, look bad."""
    try:
        envelope = chain.read_json(payload)
    except ValueError:
        return stored
    if isinstance(envelope, dict) and envelope.get("prev") == real:
        return real
    return stored


def _read_envelope(payload: str) -> dict[str, Any] | None:
    """A version-2 envelope with fields of the right types, or None."""
    try:
        envelope = chain.read_json(payload)
    except ValueError:
        return None
    if (
        not isinstance(envelope, dict)
        or not {"author", "content", "kind", "prev", "record", "seq"} <= envelope.keys()
        or envelope.get("v") != chain.ENCODING_VERSION
        or type(envelope.get("seq")) is not int
        or type(envelope.get("kind")) is not str
        or type(envelope.get("record")) is not str
        or not (envelope.get("author") is None or type(envelope.get("author")) is int)
        or type(envelope.get("prev")) is not str
        or type(envelope.get("content")) is not dict
    ):
        return None
    return envelope


def _same_content(stored: dict[str, Any], chained: dict[str, Any]) -> bool:
    """Equal as chained: in canonical form, so that 1 and true (or 1.0) are not the same."""
    try:
        return chain.canonical(stored) == chain.canonical(chained)
    except (TypeError, ValueError):
        return False


def _not_nfc(value: Any) -> bool:
    try:
        chain._check_nfc(value)
    except chain.NotNormalised:
        return True
    return False


def _number_of(conn: sqlite3.Connection, transaction_id: int) -> int | None:
    """The entry number people see for a transaction's internal id."""
    if _has(conn, "transactions", "number"):
        row = conn.execute(
            "SELECT number FROM transactions WHERE id = ?", (transaction_id,)
        ).fetchone()
        return int(row[0]) if row else None
    row = conn.execute(
        "SELECT count(*) FROM transactions WHERE id <= ?", (transaction_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] else None


def _check_daily_totals(conn: sqlite3.Connection, result: VerifyResult) -> None:
    """``daily_totals`` is exactly what its trigger makes of the postings: one row for each
    account, fund and day that has postings, with their sum. Compared row for row, the rows
    whose sum is zero too (a day's entry and its reversal), or such a row could be changed
    or added without notice. Both directions of EXCEPT: SQLite 3.37 has no FULL OUTER JOIN."""
    real = (
        "SELECT p.account, p.fund, t.date, SUM(p.amount) FROM postings p"
        " JOIN transactions t ON t.id = p.transaction_id GROUP BY p.account, p.fund, t.date"
    )
    stored = "SELECT account, fund, date, amount FROM daily_totals"
    wrong = conn.execute(
        f"SELECT (SELECT count(*) FROM ({real} EXCEPT {stored}))"
        f" + (SELECT count(*) FROM ({stored} EXCEPT {real}))"
    ).fetchone()[0]
    if wrong:
        result.bad(
            None,
            ngettext(
                "{n} daily balance differs from the postings",
                "{n} daily balances differ from the postings",
                wrong,
            ).format(n=wrong),
        )


def _check_anchor(conn: sqlite3.Connection, result: VerifyResult, n: int, digest: str) -> None:
    row = conn.execute("SELECT hash FROM chain WHERE seq = ?", (n,)).fetchone()
    if row is None:
        result.bad(
            n,
            ngettext(
                "the anchor names chain position {n}, but the chain has only {total} position: "
                "entries were removed",
                "the anchor names chain position {n}, but the chain has only {total} positions: "
                "entries were removed",
                result.entries,
            ).format(n=n, total=result.entries),
        )
    elif row[0] != digest:
        result.bad(
            n,
            _(
                "chain position {n} no longer has the hash of the anchor: the chain was rewritten"
            ).format(n=n),
        )


def _name_first_bad(conn: sqlite3.Connection, result: VerifyResult) -> None:
    """The first bad record in chain order; ``first_bad`` is its entry number when it is an
    entry (DESIGN §4, "Entry numbers"), null otherwise."""
    placed = [(seq, number) for seq, number, _m in result._bad if seq is not None]
    if placed:
        seq, number = min(placed, key=lambda x: x[0])
        result.first_bad_seq = seq
        if number is None:
            number = _chained_number(conn, seq)
        result.first_bad = number
        return
    numbers = [number for _s, number, _m in result._bad if number is not None]
    if numbers:
        result.first_bad = min(numbers)


def _chained_number(conn: sqlite3.Connection, seq: int) -> int | None:
    """The entry number of the transaction chained at ``seq``, or None when it chains
    something else. Read from what was chained (the payload), not from the row's ``kind`` or
    the table's ``number``: either may be the very thing that was changed, and a changed
    kind must still name the entry, a changed number the entry as it was numbered."""
    try:
        row = conn.execute(
            "SELECT kind, record, payload FROM chain WHERE seq = ?", (seq,)
        ).fetchone()
    except _UNREADABLE:
        return None
    if row is None:
        return None
    kind, record = row[0], row[1]
    try:
        envelope = chain.read_json(row[2]) if isinstance(row[2], str) else None
    except ValueError:
        envelope = None
    content = envelope.get("content") if isinstance(envelope, dict) else None
    if isinstance(envelope, dict) and isinstance(content, dict) and envelope.get("seq") == seq:
        if envelope.get("kind") != "transaction":
            return None
        number = content.get("number")
        if type(number) is int:  # version 2 chains the number itself
            return number
        if envelope.get("v") == legacy.VERSION:
            # Version 1 chained no number: the upgrade numbered its entries in the order
            # they were made, which is their order in the chain.
            # (This entry counted by its payload: its row's kind may be what was changed.)
            try:
                found = conn.execute(
                    "SELECT count(*) FROM chain WHERE kind = 'transaction' AND seq < ?", (seq,)
                ).fetchone()
            except _UNREADABLE:
                return None
            return int(found[0]) + 1
    entry_id = _id_of(str(record))
    if kind != "transaction" or entry_id is None:
        return None
    try:
        return _number_of(conn, entry_id)
    except _UNREADABLE:
        return None


def _id_of(record: str) -> int | None:
    """A record key that is an id: ASCII digits only (``str.isdigit`` takes ``²``, which
    ``int`` refuses) and short enough for SQLite's integers."""
    if record.isascii() and record.isdigit() and len(record) <= 18:
        return int(record)
    return None
