"""Consolidation: each village ledger verified, classified against the store, and loaded.

A ledger that does not verify, a foreign file and a ledger of a newer schema version are
``refused``; a ledger whose history differs from what the store holds is ``rewritten`` and
kept apart (the store keeps the figures it had). Otherwise a ledger seen for the first time
is ``loaded``, one whose chain only grew adds its new entries (``grown``), and the same or an
older copy changes nothing (``unchanged``). Each load is one DuckDB transaction: a crash
never leaves half a ledger in the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
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


def consolidate(
    store: Store, paths: Iterable[Path], on_outcome: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Verify and load every ledger found at ``paths``, in order; one outcome each."""
    outcomes = []
    for found in ledger_files(paths):
        outcome = _consolidate_one(store, found)
        if outcome.status is Status.REFUSED:
            _note_refused(store, outcome)
        _note_outcome(store, outcome)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


def _consolidate_one(store: Store, found: Found) -> Outcome:
    path = shown_path(found.path)
    if found.problem is not None:
        return Outcome(path, None, None, Status.REFUSED, found.problem)
    try:
        ledger = open_ledger(found.path, write=False, legacy=True, check_schema_now=False)
    except LedgerError as exc:  # not a ledger, a newer schema, damaged beyond opening
        return Outcome(path, None, None, Status.REFUSED, str(exc))
    try:
        return _verified_and_loaded(store, ledger, path)
    except (sqlite3.Error, OSError) as exc:  # a stick pulled out, a damaged page
        fault = explain(exc, found.path)
        if fault is None:
            raise
        return Outcome(path, None, None, Status.REFUSED, str(fault))
    finally:
        ledger.close()


def _verified_and_loaded(store: Store, ledger: Ledger, path: str) -> Outcome:
    conn = ledger.conn
    result = verify(conn)
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
            return _load(store, ledger, path, name, identity, result, 0, Status.LOADED)
        return _against_store(store, ledger, path, name, known, result)


def _against_store(
    store: Store, ledger: Ledger, path: str, name: str, known: Known, result: VerifyResult
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
        store.conn.execute(
            "INSERT INTO rewritten VALUES (?, ?, ?, ?, ?, ?)",
            [path, known.ledger, name, known.anchor, found, now_text()],
        )
        return Outcome(path, name, known.ledger, Status.REWRITTEN, problem)
    if result.entries > known.entries:
        return _load(store, ledger, path, name, known.ledger, result, known.entries, Status.GROWN)
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
    after: int,
    status: Status,
) -> Outcome:
    """Add what the file holds after chain position ``after``, in one transaction."""
    conn, db = ledger.conn, store.conn
    state = store.next_state()
    now = now_text()
    # Judged by the village's own rules, over the whole ledger (a later entry can change an
    # earlier year's figures), at the position verify vouched for (we are in its snapshot).
    found = concerns.found(conn)
    db.execute("BEGIN")
    try:
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
                village.last_entry_date(conn),
                village.last_chain_time(conn),
            ],
        )
        db.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [state, identity, path, str(status), result.entries, result.head, added, now],
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return Outcome(path, name, identity, status, None, added)


def _note_refused(store: Store, outcome: Outcome) -> None:
    store.conn.execute(
        "INSERT INTO refused VALUES (?, ?, ?, ?)",
        [outcome.path, outcome.ledger, outcome.problem or "", now_text()],
    )


def _note_outcome(store: Store, outcome: Outcome) -> None:
    """Each path's latest outcome: the attention list names a file refused or rewritten
    only until a later consolidation merges it (loaded, grown or unchanged)."""
    store.conn.execute("DELETE FROM outcomes WHERE path = ?", [outcome.path])
    store.conn.execute(
        "INSERT INTO outcomes VALUES (?, ?, ?, ?)",
        [outcome.path, outcome.ledger, str(outcome.status), now_text()],
    )
