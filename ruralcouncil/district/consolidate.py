"""Consolidation: each village ledger verified, classified against the store, and loaded.

A ledger that does not verify, a foreign file and a ledger of a newer schema version are
``refused``; a ledger whose history differs from what the store holds is ``rewritten`` and
kept apart (the store keeps the figures it had). Otherwise a ledger seen for the first time
is ``loaded``, one whose chain only grew adds its new entries (``grown``), and the same or an
older copy changes nothing (``unchanged``). Each load is one DuckDB transaction: a crash
never leaves half a ledger in the store. Every outcome is recorded with the state it makes
(``store.py``), in the same transaction as what it adds.

Verifying is most of the work, and each file's verify is independent of the store: with
more than one core, the files are verified (and judged by the village's own rules) in
worker processes ahead of the loading, which stays in this process, one file at a time, in
the files' order. The loading then reopens each file and checks, in its own read
snapshot, that the chain's head is still the one verify vouched for (as it does when it
verifies itself), so a file changed in between is refused, never loaded unverified.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ruralcouncil.district import batches, concerns, village
from ruralcouncil.district.files import Found, ledger_files, shown_path
from ruralcouncil.district.store import Known, Store
from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, settings
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.storage import Ledger, explain, now_text, open_ledger, snapshot
from ruralcouncil.ledger.verify import VerifyResult, verify


class Status(StrEnum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"
    GROWN = "grown"
    REFUSED = "refused"
    REWRITTEN = "rewritten"


@dataclass(frozen=True)
class Outcome:
    path: str
    village: str | None
    ledger: str | None  # the hash of its first chain entry
    status: Status
    problem: str | None = None  # why refused or rewritten; a note for an older copy
    added: int = 0  # postings added to the store
    anchors: tuple[str, str] | None = None  # rewritten: the store's and the file's, N:HEX

    @property
    def merged(self) -> bool:
        """Whether the store now holds this ledger as the file has it (or a longer copy)."""
        return self.status in (Status.LOADED, Status.GROWN, Status.UNCHANGED)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "village": self.village,
            "ledger": self.ledger,
            "status": str(self.status),
            "problem": self.problem,
        }


POSTINGS = (
    ("seq", "BIGINT"),
    ("number", "BIGINT"),
    ("date", "VARCHAR"),
    ("account", "VARCHAR"),
    ("fund", "VARCHAR"),
    ("amount", "BIGINT"),
)
CHAIN = (("seq", "BIGINT"), ("hash", "VARCHAR"))
ACCOUNTS = (("code", "VARCHAR"), ("kind", "VARCHAR"), ("box", "INTEGER"), ("position", "BIGINT"))
REGISTERS = (
    ("state", "BIGINT"),
    ("year", "INTEGER"),
    ("assets", "BIGINT"),
    ("borrowings", "BIGINT"),
)


# Starting a worker costs about 0.25 s here (a fresh interpreter importing the ledger's
# code), a tenth of a second of verify is about 4 MB of ledger: below this many bytes in
# all, verifying here, one file after another, is quicker.
PARALLEL_BYTES = 16_000_000


def consolidate(
    store: Store,
    paths: Iterable[Path],
    on_outcome: Callable[[Outcome], None] | None = None,
    *,
    jobs: int | None = None,
) -> list[Outcome]:
    """Verify and load every ledger found at ``paths``, in order; one outcome each.

    ``jobs`` is how many files are verified at once, in worker processes (None: one per
    core, when the files are big enough to be worth it; 1: each in this process, just
    before it is loaded). The outcomes and the store are the same either way."""
    found = ledger_files(paths)
    outcomes = []
    with _verdicts(found, jobs, store) as verdicts:
        for item, verdict in zip(found, verdicts, strict=True):
            outcome = _consolidate_one(store, item, verdict)
            if outcome.status not in (Status.LOADED, Status.GROWN):  # a load records itself
                _record(store, outcome)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return outcomes


# --- verifying ahead, in worker processes ------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What a worker found of one file: verify's result, or why it could not be read; and
    what the village's own rules find in it, judged at the head verify vouched for."""

    result: VerifyResult | None = None
    problem: str | None = None
    judged: list[concerns.Found] | None = None  # the concerns (concerns.found)
    stamp: FileStamp | None = None  # the file as it was before the worker read it


# A ledger file's size and modification time, and its write-ahead log's. The loading checks
# the head verify vouched for; a change that kept the head (rows edited behind the chain's
# back, which verify would have caught) shows here instead: that file is verified again.
FileStamp = tuple[tuple[int, int] | None, tuple[int, int] | None]


def file_stamp(path: Path) -> FileStamp | None:
    def one(file: Path) -> tuple[int, int] | None:
        try:
            found = file.stat()
        except FileNotFoundError:
            return None
        return (found.st_size, found.st_mtime_ns)

    try:
        return (one(path), one(path.with_name(path.name + "-wal")))
    except OSError:
        return None


# In a worker: how far the store held each ledger when the consolidation began.
_held: dict[str, int] = {}


def _start_worker(language: str, held: dict[str, int]) -> None:
    from ruralcouncil import i18n

    i18n.set_language(language)  # problems are worded as this process would word them
    _held.update(held)


def verify_file(path: Path) -> Verdict:
    """Open and verify one ledger file, and judge it by its own rules (in a worker process):
    the village's own ``open_ledger``, ``verify`` and rules only, so neither DuckDB nor Qt
    is imported there."""
    stamp = file_stamp(path)  # before reading: a change made while it is read shows too
    try:
        ledger = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    except LedgerError as exc:
        return Verdict(problem=str(exc))
    try:
        result = verify(ledger.conn)
        judged = None
        if result.ok and result.entries > _held.get(result.ledger, 0):
            # The rules are a tenth of the loading's work: judged here, beside the verify,
            # in a snapshot at the head it vouched for (the loading checks that head again),
            # for a file that may be loaded: not one the store already held as long (the
            # store only grows, so such a file is never loaded).
            with snapshot(ledger.conn):
                if chain.head(ledger.conn) == (result.entries, result.head):
                    judged = concerns.found(ledger.conn)
        return Verdict(result=result, judged=judged, stamp=stamp)
    except (sqlite3.Error, OSError) as exc:
        fault = explain(exc, path)
        if fault is None:
            raise
        return Verdict(problem=str(fault))
    finally:
        ledger.close()


def workers(found: Sequence[Found], jobs: int | None) -> int:
    """How many worker processes verify ``found`` (0: none, each is verified here)."""
    files = [f.path for f in found if f.problem is None]
    if jobs is None:
        jobs = os.cpu_count() or 1
        try:
            if sum(p.stat().st_size for p in files) < PARALLEL_BYTES:
                jobs = 1
        except OSError:  # a file gone already: it is refused when its turn comes
            jobs = 1
    jobs = min(max(jobs, 1), len(files))
    return jobs if jobs > 1 else 0


def pool(count: int, held: dict[str, int] | None = None) -> ProcessPoolExecutor:
    """``count`` worker processes, started fresh ('spawn': the same on every system, and
    safe beside DuckDB's threads, which a forked child would inherit mid-flight); ``held``:
    how far the store holds each ledger (its chain length)."""
    from ruralcouncil import i18n

    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(i18n.language(), held or {}),
    )


@contextmanager
def _verdicts(
    found: Sequence[Found], jobs: int | None, store: Store
) -> Iterator[Iterator[Verdict | None]]:
    """Each file's verdict, in order (None: verify it here, as it is loaded)."""
    count = workers(found, jobs)
    if not count:
        yield iter([None] * len(found))
        return
    held = dict(store.conn.execute("SELECT ledger, entries FROM ledgers").fetchall())
    executor = pool(count, held)
    try:
        futures = [
            None if f.problem is not None else executor.submit(verify_file, f.path) for f in found
        ]
        yield _collected(futures)
    finally:
        # A failure while loading: the files not yet verified are not started.
        executor.shutdown(wait=True, cancel_futures=True)


def _collected(futures: list[Future[Verdict] | None]) -> Iterator[Verdict | None]:
    broken = False
    for future in futures:
        if future is None or broken:
            yield None
            continue
        try:
            yield future.result()
        except BrokenProcessPool:
            # A worker could not start or died: the rest are verified here, as with jobs=1.
            broken = True
            yield None


# --- one file ------------------------------------------------------------------------------


def _consolidate_one(store: Store, found: Found, verdict: Verdict | None) -> Outcome:
    path = shown_path(found.path)
    if found.problem is not None:
        return Outcome(path, None, None, Status.REFUSED, found.problem)
    if verdict is not None and verdict.problem is not None:
        return Outcome(path, None, None, Status.REFUSED, verdict.problem)
    if verdict is not None and (verdict.stamp is None or verdict.stamp != file_stamp(found.path)):
        verdict = None  # changed since its worker read it: verified again, here
    try:
        ledger = open_ledger(found.path, write=False, legacy=True, check_schema_now=False)
    except LedgerError as exc:  # not a ledger, a newer schema, damaged beyond opening
        return Outcome(path, None, None, Status.REFUSED, str(exc))
    try:
        done = None if verdict is None else verdict.result
        result = verify(ledger.conn) if done is None else done
        judged = None if verdict is None else verdict.judged
        return _verified_and_loaded(store, ledger, path, result, judged)
    except (sqlite3.Error, OSError) as exc:  # a stick pulled out, a damaged page
        fault = explain(exc, found.path)
        if fault is None:
            raise
        return Outcome(path, None, None, Status.REFUSED, str(fault))
    finally:
        ledger.close()


def _verified_and_loaded(
    store: Store,
    ledger: Ledger,
    path: str,
    result: VerifyResult,
    judged: list[concerns.Found] | None,
) -> Outcome:
    conn = ledger.conn
    identity = chain.first_hash(conn)
    if not result.ok:
        return Outcome(
            path,
            None,
            identity,
            Status.REFUSED,
            _("It does not verify: {problem}").format(problem=result.problems[0]),
        )
    with snapshot(conn):
        # Whoever verified (this process or a worker), the head must still be what verify
        # saw: the file may have changed since.
        if chain.head(conn) != (result.entries, result.head):
            return Outcome(
                path,
                None,
                identity,
                Status.REFUSED,
                _("It was changed while it was being read; run the consolidation again."),
            )
        name = settings.village_name(conn)
        known = store.known(identity)
        if known is None:
            return _load(store, ledger, path, name, identity, result, None, Status.LOADED, judged)
        return _against_store(store, ledger, path, name, known, result, judged)


def _against_store(
    store: Store,
    ledger: Ledger,
    path: str,
    name: str,
    known: Known,
    result: VerifyResult,
    judged: list[concerns.Found] | None,
) -> Outcome:
    found = f"{result.entries}:{result.head}"
    if result.entries >= known.entries:
        same_history = village.hash_at(ledger.conn, known.entries) == known.head
    else:  # an older copy: the store knows the hash at this file's head
        same_history = store.hash_at(known.ledger, result.entries) == result.head
    if not same_history:
        problem = _(
            "Its history differs from what the district store holds: stored {stored}, this "
            "file {found}. The store keeps the figures it had; ask the village which copy is "
            "its true ledger."
        ).format(stored=known.anchor, found=found)
        anchors = (known.anchor, found)
        return Outcome(path, name, known.ledger, Status.REWRITTEN, problem, anchors=anchors)
    if result.entries > known.entries:
        return _load(store, ledger, path, name, known.ledger, result, known, Status.GROWN, judged)
    note = None
    if result.entries < known.entries:
        note = _(
            "An older copy: the store already holds this ledger up to chain position "
            "{stored}; this file ends at {found}."
        ).format(stored=known.entries, found=result.entries)
    return Outcome(path, name, known.ledger, Status.UNCHANGED, note)


def _load(
    store: Store,
    ledger: Ledger,
    path: str,
    name: str,
    identity: str,
    result: VerifyResult,
    known: Known | None,
    status: Status,
    judged: list[concerns.Found] | None = None,
) -> Outcome:
    """Add what the file holds after the chain position the store holds, in one
    transaction, with the outcome and the state it makes."""
    conn, db = ledger.conn, store.conn
    after = 0 if known is None else known.entries
    now = now_text()
    # Judged by the village's own rules, over the whole ledger (a later entry can change an
    # earlier year's figures), at the position verify vouched for (we are in a snapshot at
    # it; a worker judged them in one at the same head).
    found = concerns.found(conn) if judged is None else judged
    last_entry, last_chain = village.last_entry_date(conn), village.last_chain_time(conn)
    db.execute("BEGIN")
    try:
        state = store.state() + 1
        added = batches.insert(
            db, "postings", identity, POSTINGS, village.postings_after(conn, after)
        )
        batches.insert(
            db,
            "chain",
            identity,
            CHAIN,
            village.chain_after(conn, after),
            converted={"hash": "unhex(hash)"},
        )
        # This load's sums by code and year: the last load's, plus the postings just added
        # (codes x years rows, so a summary never reads the postings).
        db.execute(
            _YEAR_SUMS,
            [state, identity, -1 if known is None else known.state, identity, after],
        )
        # Codes are small: replaced whole (a council may add codes). The registers are kept
        # for every load (a register's figure at an earlier year-end can change with a later
        # entry's date): the figures as at an earlier state read that load's rows.
        db.execute("DELETE FROM accounts WHERE ledger = ?", [identity])
        batches.insert(
            db,
            "accounts",
            identity,
            ACCOUNTS,
            ((a.code, a.kind, a.box, a.position) for a in village.accounts(conn)),
        )
        batches.insert(
            db,
            "registers",
            identity,
            REGISTERS,
            ((state, r.year, r.assets, r.borrowings) for r in village.registers(conn)),
        )
        # Kept for every load, as the registers are: a state's list reads that load's rows.
        batches.insert(db, "concerns", identity, concerns.COLUMNS, concerns.as_rows(state, found))
        db.execute("DELETE FROM ledgers WHERE ledger = ?", [identity])
        db.execute(
            "INSERT INTO ledgers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                identity,
                name,
                path,
                ledger.version,
                result.entries,
                result.head,
                village.transactions(conn),
                state,
                now,
                last_entry,
                last_chain,
            ],
        )
        db.execute(
            "INSERT INTO loads (state, ledger, path, status, entries, head, postings, loaded_at,"
            " village, last_entry_date, last_chain_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                state,
                identity,
                path,
                str(status),
                result.entries,
                result.head,
                added,
                now,
                name,
                last_entry,
                last_chain,
            ],
        )
        _insert_outcome(db, path, identity, status, now, state)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return Outcome(path, name, identity, status, None, added)


# The sums of a load (``?`` its state) of a ledger: the rows of its previous load (state
# ``?``, -1 for none) and the postings after chain position ``?``, by code and calendar
# year (dates are real ``YYYY-MM-DD`` dates: the year is their first four characters).
_YEAR_SUMS = """
INSERT INTO year_sums (ledger, state, account, year, amount)
SELECT ledger, ?, account, year, CAST(sum(amount) AS BIGINT) FROM (
    SELECT ledger, account, year, amount FROM year_sums WHERE ledger = ? AND state = ?
    UNION ALL
    SELECT ledger, account, CAST(left(date, 4) AS INTEGER), amount
    FROM postings WHERE ledger = ? AND seq > ?
) GROUP BY ledger, account, year
"""


def _insert_outcome(
    db: Any, path: str, ledger: str | None, status: Status, now: str, state: int
) -> None:
    db.execute(
        "INSERT INTO outcomes (path, ledger, status, seen_at, state) VALUES (?, ?, ?, ?, ?)",
        [path, ledger, str(status), now, state],
    )


def _record(store: Store, outcome: Outcome) -> None:
    """An outcome that adds nothing (refused, rewritten, unchanged), with its own state: the
    attention list names a path refused or rewritten until a later outcome of that path
    merges it (loaded, grown or unchanged), and as at any state reads the history so."""
    db = store.conn
    now = now_text()
    db.execute("BEGIN")
    try:
        state = store.state() + 1
        if outcome.status is Status.REFUSED:
            db.execute(
                "INSERT INTO refused (path, ledger, problem, seen_at, state)"
                " VALUES (?, ?, ?, ?, ?)",
                [outcome.path, outcome.ledger, outcome.problem or "", now, state],
            )
        elif outcome.status is Status.REWRITTEN:
            stored, found = outcome.anchors or ("", "")
            db.execute(
                "INSERT INTO rewritten (path, ledger, village, stored, found, seen_at, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [outcome.path, outcome.ledger, outcome.village or "", stored, found, now, state],
            )
        _insert_outcome(db, outcome.path, outcome.ledger, outcome.status, now, state)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
