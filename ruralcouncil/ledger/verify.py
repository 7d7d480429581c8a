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

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, legacy, records, replay, schema
from ruralcouncil.ledger.parse import parse_anchor as _parse_anchor
from ruralcouncil.ledger.replay import Entry, Replay

Progress = Callable[[int, int], None]


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
    ledger: str = chain.GENESIS  # the hash of entry 1: which ledger this is
    # user name -> (records signed with a key an administrator set, the first chain positions)
    admin_set_keys: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    _bad: list[tuple[int | None, int | None, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, seq: int | None, message: str, *, number: int | None = None) -> None:
        self._bad.append((seq, number, message))
        self.problems.append(message)

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
    result = VerifyResult()
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        integrity = [str(exc)]
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
    except sqlite3.DatabaseError as exc:
        result.bad(None, _("The ledger cannot be read: {error}").format(error=exc))
    if anchor is not None:
        _check_anchor(conn, result, *anchor)
    _name_first_bad(conn, result)
    return result


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
        self.latest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
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
        for seq, message in self.legacy.problems:
            self.result.bad(seq, message)
        self.result.legacy_entries = self.legacy.entries
        self._check_records()
        if self.progress:
            self.progress(total, total)

    # --- the chain, entry by entry ---

    def _signatures(self) -> Iterator[tuple[int, int, str]]:
        if not self.signed:
            return iter(())
        return iter(
            self.conn.execute("SELECT seq, author, signature FROM signatures ORDER BY seq").fetchall()
        )

    def _walk(self, total: int, start: int | None) -> None:
        conn, result = self.conn, self.result
        has_author = _has(conn, "chain", "author")
        columns = "seq, kind, record, author, payload, hash" if has_author else (
            "seq, kind, record, NULL, payload, hash"
        )
        transactions = chain.transaction_contents(conn) if start is not None else iter(())
        next_transaction = next(transactions, None)
        signatures = self._signatures()
        signature = next(signatures, None)
        pending: list[Entry] = []
        expected_seq, prev = 1, chain.GENESIS
        for seq, kind, record, author, payload, stored in conn.execute(
            f"SELECT {columns} FROM chain ORDER BY seq"
        ):
            if seq != expected_seq:
                result.bad(
                    expected_seq, _("entry {n} is missing from the chain").format(n=expected_seq)
                )
            expected_seq = seq + 1
            if chain.digest(payload) != stored:
                result.bad(seq, _("entry {n}: its hash does not match its content").format(n=seq))
            while signature is not None and signature[0] < seq:
                result.bad(
                    signature[0],
                    _("a signature names entry {n}, which is not where a commit ends").format(
                        n=signature[0]
                    ),
                )
                signature = next(signatures, None)
            if start is None or seq < start:
                self.legacy.entry(seq, kind, record, payload, prev)
                if author is not None:
                    result.bad(seq, _("entry {n}: an early entry names an author").format(n=seq))
                if signature is not None and signature[0] == seq:
                    result.bad(seq, _("entry {n}: an early entry carries a signature").format(n=seq))
                    signature = next(signatures, None)
            else:
                if kind == "transaction" and record.isdigit():
                    while next_transaction is not None and next_transaction[0] < int(record):
                        next_transaction = next(transactions, None)
                    found = next_transaction is not None and next_transaction[0] == int(record)
                    rows = next_transaction[1] if found and next_transaction else None
                else:
                    rows = None
                entry = self._entry(seq, kind, record, author, payload, prev, rows)
                if author is None:
                    if pending:
                        self._unsigned(pending)
                        pending = []
                    self.replay.unsigned(entry)
                else:
                    pending.append(entry)
                if signature is not None and signature[0] == seq:
                    if pending:
                        self._commit(seq, str(stored), signature, pending)
                    else:
                        result.bad(
                            seq,
                            _("a signature names entry {n}, which no one signed").format(n=seq),
                        )
                    pending = []
                    signature = next(signatures, None)
            prev = str(stored)
            result.entries, result.head = seq, str(stored)
            if self.progress and seq % 5000 == 0:
                self.progress(seq, total)
        if pending:
            self._unsigned(pending)
        while signature is not None:
            result.bad(
                signature[0],
                _("a signature names entry {n}, which is not in the chain").format(n=signature[0]),
            )
            signature = next(signatures, None)

    def _unsigned(self, pending: list[Entry]) -> None:
        self.result.bad(
            pending[0].seq,
            _(
                "entries {first}-{last} are not signed: they were not written by the program "
                "for a user who knew their password"
            ).format(first=pending[0].seq, last=pending[-1].seq),
        )

    def _entry(
        self,
        seq: int,
        kind: str,
        record: str,
        author: int | None,
        payload: str,
        prev: str,
        rows: dict[str, Any] | None,
    ) -> Entry:
        """Check one version-2 entry against its row and the stored record."""
        known = records.get(kind)
        if known is None:
            self.result.bad(
                seq, _("entry {n}: unknown kind of record {kind}").format(n=seq, kind=kind)
            )
            return Entry(seq, kind, record, author, {})
        if known.mutable or known.table is None:
            try:
                entry = replay.parse_payload(seq, kind, record, author, payload)
            except (ValueError, TypeError):
                self.result.bad(seq, _("entry {n}: its content was changed").format(n=seq))
                return Entry(seq, kind, record, author, {})
            if json.loads(payload).get("prev") != prev:
                self.result.bad(seq, _("entry {n} does not follow the entry before it").format(n=seq))
            if _not_nfc(entry.content):
                self.result.bad(seq, _("entry {n}: its text is not stored in NFC").format(n=seq))
            if known.mutable:
                self.latest[(kind, record)] = (seq, entry.content)
            elif kind == "schema":
                self._schema(entry)
            return entry
        stored = rows if rows is not None else known.build(self.conn, record)
        if chain.envelope(seq, kind, record, author, prev, stored) != payload:
            self.result.bad(seq, self._why_differs(seq, kind, record, author, prev, payload, stored))
        return Entry(seq, kind, record, author, stored)

    def _why_differs(
        self,
        seq: int,
        kind: str,
        record: str,
        author: int | None,
        prev: str,
        payload: str,
        stored: dict[str, Any],
    ) -> str:
        try:
            envelope = json.loads(payload)
        except ValueError:
            return _("entry {n}: its content cannot be read").format(n=seq)
        if not isinstance(envelope, dict):
            return _("entry {n}: its content cannot be read").format(n=seq)
        if envelope.get("prev") != prev:
            return _("entry {n} does not follow the entry before it").format(n=seq)
        if (envelope.get("seq"), envelope.get("kind"), envelope.get("record")) != (seq, kind, record):
            return _("entry {n}: its number, kind or record was changed").format(n=seq)
        if envelope.get("author") != author:
            return _("entry {n}: its author was changed").format(n=seq)
        if "missing" in stored:
            return _("entry {n}: the {kind} {record} it chains was deleted").format(
                n=seq, kind=kind, record=record
            )
        if kind == "transaction":
            return _("entry {n}: the transaction was changed after it was posted").format(n=seq)
        return _("entry {n}: the stored {kind} {record} differs from what was chained").format(
            n=seq, kind=kind, record=record
        )

    def _commit(self, seq: int, head: str, signature: tuple[int, int, str], pending: list[Entry]) -> None:
        if self.upgrade is not None and any(e.seq == self.upgrade.seq for e in pending):
            replay._apply_snapshot(self.replay, self.upgrade.content.get("users") or [])
        self.replay.commit(seq, head, int(signature[1]), str(signature[2]), pending)

    # --- schema entries and the upgrade from version 1 ---

    def _schema(self, entry: Entry) -> None:
        content = entry.content
        if content.get("from_version"):
            if self.upgrade is not None or self.legacy.entries == 0:
                self.result.bad(
                    entry.seq, _("entry {n}: an upgrade where there was nothing to upgrade").format(
                        n=entry.seq
                    )
                )
            self.upgrade = entry
            for row in content.get("users") or []:
                if isinstance(row, dict) and "id" in row:
                    self.latest[("user", str(row["id"]))] = (entry.seq, dict(row))
            for pair in content.get("settings") or []:
                if isinstance(pair, list) and len(pair) == 2:
                    self.latest[("setting", str(pair[0]))] = (
                        entry.seq,
                        {"key": pair[0], "value": pair[1]},
                    )
        elif entry.seq != 1:
            if content.get("version") == schema.SCHEMA_VERSION:
                self.result.bad(
                    entry.seq, _("entry {n}: a second start of the chain").format(n=entry.seq)
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
        found = content.get("legacy") or {}
        audit_lines, audit_head = legacy.audit_head(self.conn)
        v1_transactions = self.conn.execute(
            "SELECT count(*) FROM chain WHERE kind = 'transaction' AND seq < ?", (entry.seq,)
        ).fetchone()[0]
        if (
            found.get("entries") != self.legacy.entries
            or found.get("audit_lines") != audit_lines
            or found.get("audit_head") != audit_head
            or found.get("transactions") != v1_transactions
        ):
            self.result.bad(
                entry.seq,
                _(
                    "entry {n}: the upgrade's record of the early entries and audit log does "
                    "not match them"
                ).format(n=entry.seq),
            )
        snapshot = {
            ("user", str(r.get("id"))): r for r in content.get("users") or [] if isinstance(r, dict)
        }
        snapshot.update(
            {
                ("setting", str(p[0])): {"key": p[0], "value": p[1]}
                for p in content.get("settings") or []
                if isinstance(p, list) and len(p) == 2
            }
        )
        if set(snapshot) != set(self.legacy.latest):
            self.result.bad(
                entry.seq,
                _("entry {n}: the upgrade's users and settings differ from the early entries")
                .format(n=entry.seq),
            )
        for key, (seq, early) in self.legacy.latest.items():
            carried = snapshot.get(key)
            if carried is None:
                continue
            if legacy._nfc(early) != {c: carried.get(c) for c in legacy.v1_columns(key[0])}:
                self.result.bad(
                    entry.seq,
                    _("entry {n}: the upgrade changed the {kind} {record}").format(
                        n=entry.seq, kind=key[0], record=key[1]
                    ),
                )
        numbered_wrong = self.conn.execute(
            "SELECT count(*) FROM (SELECT number, row_number() OVER (ORDER BY id) AS n"
            " FROM transactions ORDER BY id LIMIT ?) WHERE number <> n",
            (v1_transactions,),
        ).fetchone()[0]
        if numbered_wrong:
            self.result.bad(
                entry.seq,
                _("{n} early entries do not carry the numbers the upgrade gave them").format(
                    n=numbered_wrong
                ),
            )

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
            if known is None:
                continue
            stored = known.build(conn, record)
            if stored != chained:
                result.bad(
                    seq,
                    _("the stored {kind} {record} differs from its latest chain entry {n}").format(
                        kind=kind, record=record, n=seq
                    ),
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
            "SELECT count(*) FROM postings WHERE transaction_id NOT IN (SELECT id FROM transactions)"
        ).fetchone()[0]
        if orphans:
            result.bad(None, _("{n} postings belong to no transaction").format(n=orphans))
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
                    _("entry numbers do not run 1, 2, 3... without gaps ({low}-{high} for "
                      "{count} entries)").format(low=low, high=high, count=count),
                )
        first = conn.execute("SELECT hash FROM chain WHERE seq = 1").fetchone()
        result.ledger = str(first[0]) if first else chain.GENESIS


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


def _name_first_bad(conn: sqlite3.Connection, result: VerifyResult) -> None:
    """The first bad record in chain order; ``first_bad`` is its entry number when it is an
    entry (DESIGN §4, "Entry numbers"), null otherwise."""
    placed = [(seq, number) for seq, number, _m in result._bad if seq is not None]
    if placed:
        seq, number = min(placed, key=lambda x: x[0])
        result.first_bad_seq = seq
        if number is None:
            try:
                row = conn.execute("SELECT kind, record FROM chain WHERE seq = ?", (seq,)).fetchone()
            except sqlite3.DatabaseError:
                row = None
            if row is not None and row[0] == "transaction" and str(row[1]).isdigit():
                number = _number_of(conn, int(row[1]))
        result.first_bad = number
        return
    numbers = [number for _s, number, _m in result._bad if number is not None]
    if numbers:
        result.first_bad = min(numbers)
