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

How it is kept fast (a million entries): SQLite's own checks (the integrity check, the
daily totals, the balances) run on a second connection in a thread while the chain is
walked (SQLite lets go of Python's lock while it works: ``_Beside``); each transaction's
payload is rebuilt as a string straight from its row and compared with what was chained
(``_transaction_payload``, byte for byte what ``chain.envelope`` makes, or None when it
cannot say, and then ``chain.envelope`` decides); text is read as UTF-8 first, and only a
file with text that is not UTF-8 is read again with its bad bytes kept (``lenient_text``);
in a long chain, a process of its own checks the last transactions' payloads while the walk
does the rest, and the walk takes its word only for those it found intact (``verify_tail``);
Python's cycle collector is paused meanwhile (``_no_cycle_collection``). Each commit's
signature is one Ed25519 check, in turn: ``cryptography`` holds Python's lock while it
checks, so threads would not check two at once.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import operator
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _quote
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import beside as beside_file
from ruralcouncil.ledger import chain, legacy, records, replay, schema
from ruralcouncil.ledger.parse import parse_anchor as _parse_anchor
from ruralcouncil.ledger.replay import Entry, Replay

if TYPE_CHECKING:
    from ruralcouncil.ledger.verify_tail import Tail

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
    _bad_seen: set[tuple[int | None, int | None, str]] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, seq: int | None, message: str, *, number: int | None = None) -> None:
        # One problem found twice (by the entry's own check and by the replay of its commit)
        # is one problem: the list names each bad record once.
        message = _printable(message)
        if (seq, number, message) in self._bad_seen:
            return
        self._bad_seen.add((seq, number, message))
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
    previous = conn.text_factory
    try:
        conn.text_factory = str
        before = _data_version(conn)
        with _Beside(conn) as beside, _no_cycle_collection():
            result = _verify(conn, anchor, progress, beside)
        if conn.in_transaction or before is None or _data_version(conn) == before:
            return result
        # Another connection saved while this one read (the window's clerk, while the check
        # ran beside): what was read may mix two states of the file. Read it all again in
        # one snapshot, without the second connection, which could not share it.
        conn.execute("BEGIN")
        try:
            with _Beside(conn) as beside, _no_cycle_collection():
                return _verify(conn, anchor, progress, beside)
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.text_factory = previous


def _data_version(conn: sqlite3.Connection) -> int | None:
    """Changes when another connection commits to the file (SQLite's ``data_version``)."""
    try:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
    except sqlite3.Error:
        return None


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while verify runs, and put back as it was.

    The walk keeps a few objects per entry until its commit's signature is checked, and a
    whole import is one commit: a million entries' worth of objects, which hold no cycles,
    that the collector would otherwise go through again and again (a third of the walk's
    time). Memory is still freed as it always is, when nothing uses it any more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _verify(
    conn: sqlite3.Connection,
    anchor: tuple[int, str] | None,
    progress: Progress | None,
    beside: _Beside,
) -> VerifyResult:
    # Read leniently (``chain.lenient_text``) wherever a text may not be UTF-8; the walk
    # first reads every text as UTF-8, which is much faster, and only when some text is not
    # (or the file cannot be read at all) walks again leniently, from the start.
    conn.text_factory = chain._lenient
    integrity = None if beside.running else _integrity(conn, beside)
    try:
        conn.text_factory = str
        result = _checked(conn, progress, beside, lenient=False)
    except _UNREADABLE:
        conn.text_factory = chain._lenient
        result = _checked(conn, progress, beside, lenient=True)
    conn.text_factory = chain._lenient
    if integrity is None:
        integrity = _integrity(conn, beside)
    if integrity != ["ok"]:
        # Said first, as it was run first (or at the same time as everything else).
        message = _printable(
            _("SQLite integrity check: {detail}").format(detail="; ".join(integrity[:5]))
        )
        result._bad.insert(0, (None, None, message))
        result._bad_seen.add((None, None, message))
        result.problems.insert(0, message)
    try:
        if anchor is not None:
            _check_anchor(conn, result, *anchor)
        _name_first_bad(conn, result)
    except _UNREADABLE as exc:
        result.bad(None, _("The ledger cannot be read: {error}").format(error=_reason(exc)))
    return result


def _integrity(conn: sqlite3.Connection, beside: _Beside) -> list[str]:
    try:
        return [str(r[0]) for r in beside.rows(_INTEGRITY)]
    except _UNREADABLE as exc:
        return [_reason(exc)]


def _checked(
    conn: sqlite3.Connection, progress: Progress | None, beside: _Beside, *, lenient: bool
) -> VerifyResult:
    """Everything but the integrity check, the anchor and the naming of the first bad
    record. Not ``lenient``, an error of reading is raised (to be read again leniently)."""
    result = VerifyResult()
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
        _Walk(conn, result, progress, beside).run()
    except _UNREADABLE as exc:
        if not lenient:
            raise
        result.bad(None, _("The ledger cannot be read: {error}").format(error=_reason(exc)))
    return result


# --- SQLite's own checks, beside the walk -------------------------------------------------

_INTEGRITY = "PRAGMA integrity_check"
_ORPHANS = "SELECT count(*) FROM postings WHERE transaction_id NOT IN (SELECT id FROM transactions)"
_UNBALANCED = (
    "SELECT transaction_id, fund FROM postings GROUP BY transaction_id, fund"
    " HAVING SUM(amount) <> 0 LIMIT 5"
)


def _rows_that_differ(real: str, stored: str) -> str:
    """How many rows of the table a trigger keeps (``stored``) differ from what ``real``
    makes of the rows it is kept from, in both directions of EXCEPT (SQLite 3.37 has no FULL
    OUTER JOIN), ``real`` made once."""
    return (
        f"WITH real AS MATERIALIZED ({real})"
        f" SELECT (SELECT count(*) FROM (SELECT * FROM real EXCEPT {stored}))"
        f" + (SELECT count(*) FROM ({stored} EXCEPT SELECT * FROM real))"
    )


# ``daily_totals`` against the sums of the postings.
_DAILY_TOTALS = _rows_that_differ(
    "SELECT p.account, p.fund, t.date, SUM(p.amount) FROM postings p"
    " JOIN transactions t ON t.id = p.transaction_id GROUP BY p.account, p.fund, t.date",
    "SELECT account, fund, date, amount FROM daily_totals",
)
# ``daily_entries`` against the entries counted by day and type (version 6 on).
_DAILY_ENTRIES = _rows_that_differ(
    "SELECT date, type, count(*) FROM transactions GROUP BY date, type",
    "SELECT date, type, entries FROM daily_entries",
)
_NUMBERS = (
    "SELECT coalesce(min(number), 1), coalesce(max(number), 0), count(DISTINCT number)"
    " FROM transactions"
)


def _missing_sql(table: str, key: str) -> str:
    return (
        f"SELECT {key} FROM {table} WHERE CAST({key} AS TEXT) NOT IN"
        " (SELECT record FROM chain WHERE kind = ?) LIMIT 5"
    )


def _foreseen() -> list[tuple[str, tuple[Any, ...]]]:
    """What the walk will ask of SQLite alone, in the order it asks."""
    queries: list[tuple[str, tuple[Any, ...]]] = [(_INTEGRITY, ())]
    for kind in records.KINDS.values():
        if kind.table is not None:
            queries.append((_missing_sql(kind.table, kind.key), (kind.name,)))
    queries += [(_ORPHANS, ()), (_UNBALANCED, ()), (_DAILY_TOTALS, ())]
    queries += [(_DAILY_ENTRIES, ()), (_NUMBERS, ())]
    return queries


class _Beside:
    """SQLite's own checks, each a query that reads the file without Python, run on a second
    connection to the same file in a thread while the chain is walked: SQLite lets go of
    Python's lock while it works, so the integrity check (the longest) and the sums run on
    another core at the same time.

    ``rows(sql)`` gives each query's rows to the walk when it comes to it: those the thread
    has, or is running (then it waits); one the thread has not started yet the walk runs
    itself, as one that failed on the thread (so that its error is what the walk's own
    connection says, where the walk needs it). Without a second connection (a file in
    memory, a read inside a transaction, a file that cannot be opened twice), everything is
    run by the walk, in the order of old."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        # (sql, params) -> None (not started), "taken" (by the walk), "running",
        # ("done", rows) or "failed"
        self._state: dict[tuple[str, tuple[Any, ...]], Any] = {}
        self._done = threading.Condition(self._lock)
        self._other: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._stop = False
        # The file a second connection reads exactly as ``conn`` does (None: there is none).
        self.path: str | None = None
        other = _second_connection(conn)
        if other is None:
            return
        self.path = beside_file.main_file(conn)
        self._other = other
        queries = _foreseen()
        for query in queries:
            self._state[query] = None
        self._thread = threading.Thread(
            target=self._run, args=(other, queries), name="verify-beside", daemon=True
        )
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> _Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._stop = True
        if self._thread is not None and self._other is not None:
            if self._thread.is_alive():
                self._other.interrupt()
            self._thread.join()
            self._other.close()

    def _run(self, other: sqlite3.Connection, queries: list[tuple[str, tuple[Any, ...]]]) -> None:
        for query in queries:
            with self._lock:
                if self._stop:
                    return
                if self._state[query] is not None:
                    continue  # taken by the walk
                self._state[query] = "running"
            outcome: Any
            try:
                outcome = ("done", other.execute(*query).fetchall())
            except BaseException:  # the walk runs it again, and says why
                outcome = "failed"
            with self._lock:
                self._state[query] = outcome
                self._done.notify_all()

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterable[Any]:
        query = (sql, params)
        with self._lock:
            if query in self._state:
                while self._state[query] == "running":
                    self._done.wait()
                state = self._state[query]
                if isinstance(state, tuple):
                    return list(state[1])
                if state is None:
                    self._state[query] = "taken"
        return self._conn.execute(sql, params)


def _second_connection(conn: sqlite3.Connection) -> sqlite3.Connection | None:
    """``beside.second_connection``, reading text as the walk reads it leniently."""
    other = beside_file.second_connection(conn)
    if other is not None:
        other.text_factory = chain._lenient
    return other


def _printable(text: str) -> str:
    """Text from the file (a kind, a record's key, a hash) may hold bytes that are not UTF-8
    (read as lone surrogates): shown escaped, so that it can be printed and sent as JSON."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "malformed database schema (its text is not UTF-8)"
    return str(exc)


class _Walk:
    def __init__(
        self,
        conn: sqlite3.Connection,
        result: VerifyResult,
        progress: Progress | None,
        beside: _Beside,
    ):
        self.conn = conn
        self.result = result
        self.progress = progress
        self.beside = beside
        # Each transaction's payload rebuilt straight from its row, when the registered kind
        # is the one ``_transaction_payload`` knows.
        self.fast = (
            records.get("transaction") is records.TRANSACTION
            and records.TRANSACTION.content is chain.transaction_content
            and records.TRANSACTION.columns == chain.TRANSACTION_COLUMNS
            and chain.TRANSACTION_NAMES == _TRANSACTION_COLUMNS
            # An intact transaction's entry keeps only what this reads (``_authorising``).
            and records.TRANSACTION.authorise is records.authorise_transaction
        )
        self.replay = Replay()
        self.legacy = legacy.LegacyWalk(conn)
        # (kind, record) -> (seq, content) of the latest entry of each user and setting
        # (None: that entry cannot be read; it is reported, and stands for the record's latest)
        self.latest: dict[tuple[str, str], tuple[int, dict[str, Any] | None]] = {}
        self.upgrade: Entry | None = None
        self.signed = schema.has_table(conn, "signatures")
        # The positions the helper process found intact, once it has answered, and the
        # authorising fields of their transactions, read in one scan from the first.
        self._intact_tail: set[int] | None = None
        self._authorising: OrderedScan[tuple[Any, ...]] | None = None

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
        if schema.has_table(self.conn, "meetings"):  # schema 3: the council's rules, replayed
            from ruralcouncil.ledger import council_audit

            for seq, message, number in council_audit.problems(self.conn):
                self.result.bad(seq, message, number=number)
        if schema.has_table(self.conn, "donations"):  # schema 4: community money's rules
            from ruralcouncil.ledger import community_audit

            for place, message, number in community_audit.problems(self.conn):
                self.result.bad(place, message, number=number)
        if self.signed:  # the annual return's rules (schema 5); nothing added to a closed year
            from ruralcouncil.ledger import return_audit

            for place, message, number in return_audit.problems(self.conn):
                self.result.bad(place, message, number=number)
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
        has_author = schema.has_table(conn, "chain", "author")
        columns = (
            "seq, kind, record, author, payload, hash"
            if has_author
            else ("seq, kind, record, NULL, payload, hash")
        )
        self._scan: OrderedScan[_StoredTransaction] = OrderedScan(iter(()))
        if start is not None:
            self._names, transactions = _transactions_in_order(conn)
            self._scan = OrderedScan(transactions)
            self.fast = self.fast and self._names == _TRANSACTION_COLUMNS
        tail = self._tail(total, start)
        if tail is not None:
            # The helper's transactions are read without their payloads, which it checks.
            columns = columns.replace(
                "payload", "CASE WHEN seq >= ? AND kind = 'transaction' THEN NULL ELSE payload END"
            )
        signatures = self._signatures()
        signature = next(signatures, None)
        pending: list[Entry] = []
        expected_seq, prev = 1, chain.GENESIS
        # The hash the previous payload really has, when its `hash` column says otherwise.
        prev_real: str | None = None
        sha256, progress, check_entry = hashlib.sha256, self.progress, self._entry
        intact = self._intact_transaction if self.fast else None
        last: tuple[int, Any] | None = None  # the last entry walked: (seq, its hash column)
        try:
            for seq, kind, record, author, payload, stored in conn.execute(
                f"SELECT {columns} FROM chain ORDER BY seq", () if tail is None else (tail.first,)
            ):
                if seq != expected_seq:
                    if seq > expected_seq:
                        result.bad(
                            expected_seq,
                            _("chain position {n} is missing").format(n=expected_seq),
                        )
                    else:  # only a first row numbered 0 or below
                        result.bad(
                            seq,
                            _("a record is at position {n}, but chain positions start at 1").format(
                                n=seq
                            ),
                        )
                expected_seq = seq + 1
                vouched = None
                if payload is None:  # in the helper's part: intact if it says so
                    assert tail is not None
                    vouched = self._vouched(tail, seq, record, author)
                    if vouched is None:
                        payload = self._payload(seq)
                if vouched is not None:
                    real = stored
                else:
                    # chain.digest, inline
                    real = sha256(payload.encode("utf-8", "surrogateescape")).hexdigest()
                    if real != stored:
                        result.bad(
                            seq,
                            _("chain position {n}: its hash does not match its content").format(
                                n=seq
                            ),
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
                            seq,
                            _("chain position {n}: an early entry names an author").format(n=seq),
                        )
                    if signature is not None and signature[0] == seq:
                        result.bad(
                            seq,
                            _("chain position {n}: an early entry carries a signature").format(
                                n=seq
                            ),
                        )
                        signature = next(signatures, None)
                else:
                    entry = vouched
                    if entry is None and intact is not None and kind == "transaction":
                        entry = intact(seq, record, author, payload, prev)
                    if entry is None:
                        entry = check_entry(seq, kind, record, author, payload, prev)
                    # Unsigned only when the row and its payload both say so: when they
                    # disagree the entry is reported already, and must not split its commit.
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
                                _(
                                    "a signature names chain position {n}, which no one signed"
                                ).format(n=seq),
                            )
                        pending = []
                        signature = next(signatures, None)
                prev = str(stored)
                prev_real = real if real != stored else None
                last = (seq, stored)
                if progress and seq % 5000 == 0:
                    progress(seq, total)
        finally:
            if tail is not None:
                tail.close()
            if last is not None:
                result.entries, result.head = last[0], _printable(str(last[1]))
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

    def _tail(self, total: int, start: int | None) -> Tail | None:
        """The helper process for the chain's last transactions, when the chain is long, the
        fast path applies, and the file is read as a second connection reads it."""
        if (
            not self.fast
            or start is None
            or self.beside.path is None
            or self.conn.text_factory is not str
        ):
            return None
        from ruralcouncil.ledger import verify_tail  # a long chain's only

        last = self.conn.execute("SELECT max(seq) FROM chain").fetchone()[0]
        first = verify_tail.first_of_tail(start, int(last or 0), total)
        return None if first is None else verify_tail.Tail(self.beside.path, first)

    def _vouched(self, tail: Tail, seq: int, record: str, author: int | None) -> Entry | None:
        """The entry of a transaction the helper found intact; None for any other. Only the
        fields the replay judges are read (not the postings, which the helper checked)."""
        if self._intact_tail is None:
            self._intact_tail = tail.intact()
        wanted = _id_of(record) if seq in self._intact_tail else None
        if wanted is None:
            return None
        if self._authorising is None:
            self._authorising = OrderedScan(iter(self.conn.execute(_AUTHORISING_SQL, (wanted,))))
        found = self._authorising.to(wanted)
        if found is None or found[0] != wanted:
            return None
        return _judged(seq, record, author, found[1:])

    def _payload(self, seq: int) -> str:
        """A payload the walk read without (the helper's), read now that it is wanted."""
        return str(
            self.conn.execute("SELECT payload FROM chain WHERE seq = ?", (seq,)).fetchone()[0]
        )

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
        if len(bad) < last - first:
            return min((n for n in bad if first <= n <= last), default=None)
        return next((n for n in range(first, last + 1) if n in bad), None)

    def _stored_transaction(self, record: str) -> _StoredTransaction | None:
        """The stored transaction ``record`` from the one ordered scan of the table, or None
        when the scan has passed it (then it is read on its own)."""
        wanted = _id_of(record)
        if wanted is None:
            return None
        found = self._scan.to(wanted)
        return found if found is not None and found[0] == wanted else None

    def _intact_transaction(
        self, seq: int, record: str, author: int | None, payload: str, prev: str
    ) -> Entry | None:
        """The entry of an intact transaction, rebuilt fast, with only the fields the replay
        judges; None for any other (then ``_entry`` checks it and says what is wrong)."""
        found = rebuilt_exactly(seq, record, author, prev, payload, self._scan)
        if found is None:
            return None
        return _judged(seq, record, author, _authorising(found[1]))

    def _transaction_rows(self, record: str) -> dict[str, Any] | None:
        found = self._stored_transaction(record)
        return None if found is None else _transaction_content(self._names, found)

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
            rows: dict[str, Any] | None = None
            same: bool | None = None
            if kind == "transaction":
                found = self._stored_transaction(record)
                if found is not None:
                    rows = _transaction_content(self._names, found)
                    if self.fast:
                        built = _transaction_payload(seq, record, author, prev, found)
                        if built is not None:
                            same = built == payload
            if rows is None:
                rows = row_kind.build(self.conn, record)
            if same is None:
                same = chain.envelope(seq, kind, record, author, prev, rows) == payload
            if same:
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
        from_version = content.get("from_version")
        if from_version is not None and from_version != 1:
            # An upgrade between signed versions: nothing earlier to vouch for; the
            # migrations it names are held against the file at the end.
            if not isinstance(from_version, int) or not 2 <= from_version < schema.SCHEMA_VERSION:
                self.result.bad(
                    entry.seq,
                    _("chain position {n}: an upgrade from an unknown version").format(n=entry.seq),
                )
        elif from_version:
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
        elif entry.seq != 1:
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
            if table is None or not schema.has_table(conn, table):
                continue
            missing = list(self.beside.rows(_missing_sql(table, key), (kind,)))
            for (value,) in missing:
                number = _number_of(conn, int(value)) if kind == "transaction" else None
                result.bad(
                    None,
                    _("{table} row {key} is not in the chain").format(table=table, key=value),
                    number=number,
                )
        orphans = _first_row(self.beside.rows(_ORPHANS))[0]
        if orphans:
            result.bad(
                None,
                ngettext(
                    "{n} posting belongs to no transaction",
                    "{n} postings belong to no transaction",
                    orphans,
                ).format(n=orphans),
            )
        for tid, fund in self.beside.rows(_UNBALANCED):
            result.bad(
                chain.entry_seq(conn, "transaction", str(tid)),
                _("entry {n}: its postings in fund {fund} do not balance").format(
                    n=_number_of(conn, int(tid)) or tid, fund=fund
                ),
            )
        _check_daily_totals(self.beside, result)
        if schema.has_table(conn, "daily_entries"):
            _check_daily_entries(self.beside, result)
        count = int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
        result.transactions = count
        if schema.has_table(conn, "transactions", "number"):
            low, high, distinct = _first_row(self.beside.rows(_NUMBERS))
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


# --- payloads, rebuilt fast -------------------------------------------------------------

# --- transactions, rebuilt fast ---------------------------------------------------------

# (id, the row as selected by chain.TRANSACTION_COLUMNS, its postings as read: rows of
# (transaction_id, id, account, fund, amount), left as tuples until a content is wanted)
_StoredTransaction = tuple[int, tuple[Any, ...], list[tuple[Any, ...]]]


def _transactions_in_order(
    conn: sqlite3.Connection, from_id: int | None = None
) -> tuple[tuple[str, ...], Iterator[_StoredTransaction]]:
    """The names of a transaction's columns, and every transaction in id order (from
    ``from_id`` on, if given) with its postings, from two ordered scans: exactly what
    ``chain.transaction_contents`` reads, left as rows until a content is wanted
    (``_transaction_content``)."""
    params: tuple[int, ...] = () if from_id is None else (from_id,)
    rows = conn.execute(
        f"SELECT {chain.TRANSACTION_COLUMNS} FROM transactions"
        + (" WHERE id >= ?" if params else "")
        + " ORDER BY id",
        params,
    )
    names = tuple(d[0] for d in rows.description)
    postings = iter(
        conn.execute(
            "SELECT transaction_id, id, account, fund, amount FROM postings"
            + (" WHERE transaction_id >= ?" if params else "")
            + " ORDER BY transaction_id, id",
            params,
        )
    )

    def scan() -> Iterator[_StoredTransaction]:
        # The postings of each transaction id, in order (a run of equal ids is one group).
        groups = itertools.groupby(postings, _first_column)
        pending = next(groups, None)
        for row in rows:
            entry_id = int(row[0])
            while pending is not None and pending[0] < entry_id:
                pending = next(groups, None)  # postings of no transaction: reported later
            if pending is not None and pending[0] == entry_id:
                items = list(pending[1])
                pending = next(groups, None)
            else:
                items = []
            yield entry_id, row, items

    return names, scan()


_first_column = operator.itemgetter(0)


_Row = TypeVar("_Row", bound=tuple[Any, ...])


class OrderedScan(Generic[_Row]):
    """Transactions in id order (``_transactions_in_order``, or any rows whose first column
    is the id), read forward only."""

    def __init__(self, transactions: Iterator[_Row]) -> None:
        self._transactions = transactions
        self._next = next(transactions, None)

    def to(self, wanted: int) -> _Row | None:
        """Moved on to transaction ``wanted``: that one, the first after it, or None at the
        end (one passed already is not read again)."""
        found = self._next
        while found is not None and found[0] < wanted:
            found = next(self._transactions, None)
        self._next = found
        return found


def rebuilt_exactly(
    seq: int,
    record: str,
    author: int | None,
    prev: str,
    payload: str,
    scan: OrderedScan[_StoredTransaction],
) -> _StoredTransaction | None:
    """The stored transaction ``record`` names, when its row and postings rebuild
    ``payload`` character for character (``_transaction_payload``); None otherwise, or when
    the scan has passed it. The walk and the helper process (``verify_tail``) ask this."""
    if not (record.isascii() and record.isdigit() and len(record) <= 18):
        return None
    wanted = int(record)
    found = scan.to(wanted)
    if (
        found is None
        or found[0] != wanted
        or _transaction_payload(seq, record, author, prev, found) != payload
    ):
        return None
    return found


def _transaction_content(names: tuple[str, ...], found: _StoredTransaction) -> dict[str, Any]:
    """The content ``chain.transaction_content`` builds, from a row of the scan."""
    content = dict(zip(names, found[1], strict=True))
    content["postings"] = _postings(found)
    return content


def _postings(found: _StoredTransaction) -> list[list[Any]]:
    """The content's postings, [id, account, fund, amount] each, from the rows as read."""
    return [[a, b, c, d] for _t, a, b, c, d in found[2]]


# The columns of a transaction in the order chain.TRANSACTION_COLUMNS selects them.
_TRANSACTION_COLUMNS = (
    "id",
    "number",
    "date",
    "type",
    "amount",
    "code",
    "fund",
    "account",
    "to_account",
    "counterparty",
    "description",
    "reference",
    "user_id",
    "recorded_at",
    "reverses",
    "reason",
    "import_id",
)
# What the replay judges of a transaction (``records.TRANSACTION_AUTHORISING``): from a row
# of ``_TRANSACTION_COLUMNS``, and on its own, from the table.
_authorising = operator.itemgetter(
    *(_TRANSACTION_COLUMNS.index(name) for name in records.TRANSACTION_AUTHORISING)
)
_AUTHORISING_SQL = (
    f"SELECT id, {', '.join(records.TRANSACTION_AUTHORISING)} FROM transactions"
    " WHERE id >= ? ORDER BY id"
)


def _judged(seq: int, record: str, author: int | None, values: tuple[Any, ...]) -> Entry:
    """The entry of an intact transaction as the replay judges it: only the fields who may
    write it depends on (``values``, in the order ``records.TRANSACTION_AUTHORISING`` names)."""
    content = dict(zip(records.TRANSACTION_AUTHORISING, values, strict=True))
    return Entry(seq, "transaction", record, author, content)


# chain.envelope of a transaction: its keys sorted, no spaces; each %s an encoded value.
_TRANSACTION_PAYLOAD = (
    '{"author":%s,"content":{"account":%s,"amount":%s,"code":%s,"counterparty":%s,"date":%s,'
    '"description":%s,"fund":%s,"id":%s,"import_id":%s,"number":%s,"postings":[%s],'
    '"reason":%s,"recorded_at":%s,"reference":%s,"reverses":%s,"to_account":%s,"type":%s,'
    '"user_id":%s},"kind":"transaction","prev":%s,"record":%s,"seq":%s,"v":2}'
)
_POSTING = "[%s,%s,%s,%s]"


def _transaction_payload(
    seq: int, record: str, author: int | None, prev: str, found: _StoredTransaction
) -> str | None:
    """``chain.envelope(seq, "transaction", record, author, prev, content)`` of a stored
    transaction, character for character, built as a string without a dict or the JSON
    encoder; None for a row with a value of any other type than its column holds (text, an
    integer, or null where the column may be empty), and then ``chain.envelope`` decides.

    Each text is quoted by the very function the JSON encoder uses (``encode_basestring``,
    for ``ensure_ascii=False``); an integer is written as ``int.__repr__`` writes it, as the
    encoder does; None is null. No text is normalised: what is stored is compared as it is
    (tests/test_verify_fast.py holds it to ``chain.envelope`` for every kind of value)."""
    if type(seq) is not int or not (author is None or type(author) is int):
        return None
    q = _quote  # raises TypeError for anything but text: then None
    try:
        (
            id_,
            number,
            date,
            type_,
            amount,
            code,
            fund,
            account,
            to_account,
            counterparty,
            description,
            reference,
            user_id,
            recorded_at,
            reverses,
            reason,
            import_id,
        ) = found[1]
        if not (
            type(id_) is int
            and type(number) is int
            and type(amount) is int
            and type(user_id) is int
            and (reverses is None or type(reverses) is int)
            and (import_id is None or type(import_id) is int)
        ):
            return None
        postings = []
        for _t, posting_id, posting_account, posting_fund, posting_amount in found[2]:
            if type(posting_id) is not int or type(posting_amount) is not int:
                return None
            postings.append(
                _POSTING % (posting_id, q(posting_account), q(posting_fund), posting_amount)
            )
        return _TRANSACTION_PAYLOAD % (
            "null" if author is None else author,
            q(account),
            amount,
            "null" if code is None else q(code),
            q(counterparty),
            q(date),
            q(description),
            q(fund),
            id_,
            "null" if import_id is None else import_id,
            number,
            ",".join(postings),
            q(reason),
            q(recorded_at),
            q(reference),
            "null" if reverses is None else reverses,
            "null" if to_account is None else q(to_account),
            q(type_),
            user_id,
            q(prev),
            q(record),
            seq,
        )
    except (TypeError, ValueError):
        return None


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
    if schema.has_table(conn, "transactions", "number"):
        row = conn.execute(
            "SELECT number FROM transactions WHERE id = ?", (transaction_id,)
        ).fetchone()
        return int(row[0]) if row else None
    row = conn.execute(
        "SELECT count(*) FROM transactions WHERE id <= ?", (transaction_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] else None


def _first_row(rows: Iterable[Any]) -> Any:
    """The first row a query gives (``fetchone``)."""
    return next(iter(rows), None)


def _check_daily_totals(beside: _Beside, result: VerifyResult) -> None:
    """``daily_totals`` is exactly what its trigger makes of the postings: one row for each
    account, fund and day that has postings, with their sum. Compared row for row, the rows
    whose sum is zero too (a day's entry and its reversal), or such a row could be changed
    or added without notice (``_DAILY_TOTALS``)."""
    _check_derived(
        beside,
        result,
        _DAILY_TOTALS,
        lambda n: ngettext(
            "{n} daily balance differs from the postings",
            "{n} daily balances differ from the postings",
            n,
        ),
    )


def _check_daily_entries(beside: _Beside, result: VerifyResult) -> None:
    """``daily_entries`` is exactly what its trigger makes of the entries: one row for each
    day and type that has entries, with how many (``_DAILY_ENTRIES``)."""
    _check_derived(
        beside,
        result,
        _DAILY_ENTRIES,
        lambda n: ngettext(
            "{n} daily count of entries differs from the entries",
            "{n} daily counts of entries differ from the entries",
            n,
        ),
    )


def _check_derived(
    beside: _Beside, result: VerifyResult, sql: str, problem: Callable[[int], str]
) -> None:
    """A table kept by a trigger against what ``sql`` recomputes: ``sql`` counts the rows
    that differ, and ``problem(n)`` says so."""
    wrong = int(_first_row(beside.rows(sql))[0])
    if wrong:
        result.bad(None, problem(wrong).format(n=wrong))


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
