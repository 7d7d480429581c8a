"""The last part of a long chain's transactions, checked in a second process.

Verify's walk is Python, on one core; for a million entries it is the longest thing verify
does. The check of each transaction entry (its payload hashes to its ``hash`` column, and its
stored row and postings rebuild the payload exactly) needs nothing from the entries before it
but the previous entry's hash, so a process of its own can check the chain's tail while the
walk does the rest. It answers only "these positions are intact"; everything else about them
(their order, authors, signatures, who could write them) the walk still judges itself, and
any position it does not vouch for is checked by the walk as if there were no helper.

The helper is a fresh interpreter, so it shares no thread or lock with the program; it reads
the file on a connection of its own, which is why the walk uses it only where its second
connection (``verify._Beside``) reads the same file, and why verify reads everything again in
one snapshot when the file changed meanwhile.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
from array import array
from pathlib import Path

from ruralcouncil.ledger import chain

# A chain shorter than this is walked whole: starting a process costs more than it saves.
SPLIT_FROM = 150_000
# The share of the chain's version-2 entries the walk checks itself; the helper takes the
# rest. Measured at a million entries on two cores, SQLite's own checks running beside both
# (24 s at 0.4 against 29-30 s at 0.25 and 0.6, in one run): the walk still reads every
# vouched entry's row for the replay, so the helper's part is not free to the walk.
WALK_SHARE = 0.4


def first_of_tail(start: int, last: int, size: int) -> int | None:
    """Where the helper's part begins, for a chain of ``size`` entries whose version-2 part
    runs from position ``start`` to ``last``; None: walk it all."""
    if size < SPLIT_FROM or last - start < SPLIT_FROM // 2:
        return None
    if multiprocessing.parent_process() is not None:
        return None  # already a helper (the district's): no process of its own
    if (os.cpu_count() or 1) < 2:
        return None  # one core: the helper would only take turns with the walk
    return start + int((last - start) * WALK_SHARE)


class Tail:
    """The helper, started at once as a program of its own; ``intact()`` waits for its
    answer (an empty set when it could not give one: then the walk checks every position
    itself).

    A fresh interpreter (the frozen program: itself, with ``HELPER``), not multiprocessing:
    a 'spawn' child runs the caller's main script again, which a script without an
    ``if __name__ == "__main__"`` guard would not survive. It writes its answer to a file,
    which a windowed program's child can always do."""

    def __init__(self, path: str, first: int) -> None:
        self.first = first
        self._process: subprocess.Popen[bytes] | None = None
        handle, self._answer = tempfile.mkstemp(prefix="ruralcouncil-verify-", suffix=".tail")
        os.close(handle)
        try:
            self._process = subprocess.Popen(
                [*_program(), path, str(first), self._answer],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except (OSError, ValueError):
            self.close()

    def intact(self) -> set[int]:
        if self._process is None:
            return set()
        try:
            if self._process.wait() != 0:
                return set()
            answer = array("q")
            answer.frombytes(Path(self._answer).read_bytes())
            return set(answer)
        except (OSError, ValueError):  # a helper that failed vouches for nothing
            return set()
        finally:
            self.close()

    def close(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        Path(self._answer).unlink(missing_ok=True)


# The frozen program's argument that makes it this helper (installer/launcher.py).
HELPER = "--verify-tail"


def _program() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, HELPER]
    return [sys.executable, "-m", __name__]


def main(argv: list[str]) -> int:
    """The helper: ``PATH FIRST ANSWER``; writes the intact positions to ANSWER (8-byte
    integers, this machine's order)."""
    path, first, answer = argv
    intact = intact_transactions(path, int(first))
    Path(answer).write_bytes(array("q", intact).tobytes())
    return 0


def intact_transactions(path: str, first: int) -> list[int]:
    """The chain positions from ``first`` on that hold an intact transaction entry: the
    payload hashes to its ``hash`` column and is exactly what the stored row and postings
    rebuild (``verify._transaction_payload``) after the previous entry's ``hash`` column,
    which is what the walk links it to. Runs in the helper process."""
    from ruralcouncil.ledger import verify

    conn = sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA query_only = ON")
        row = conn.execute(
            "SELECT hash FROM chain WHERE seq < ? ORDER BY seq DESC LIMIT 1", (first,)
        ).fetchone()
        prev = str(row[0]) if row else chain.GENESIS
        start = conn.execute(
            "SELECT min(CAST(record AS INTEGER)) FROM chain"
            " WHERE seq >= ? AND kind = 'transaction' AND record GLOB '[0-9]*'",
            (first,),
        ).fetchone()[0]
        if start is None:
            return []
        names, transactions = verify._transactions_in_order(conn, int(start))
        if names != verify._TRANSACTION_COLUMNS:
            return []
        scan, intact = verify.OrderedScan(transactions), list[int]()
        sha256, rebuilt = hashlib.sha256, verify.rebuilt_exactly
        for seq, kind, record, author, payload, stored in conn.execute(
            "SELECT seq, kind, record, author, payload, hash FROM chain"
            " WHERE seq >= ? ORDER BY seq",
            (first,),
        ):
            if (
                kind == "transaction"
                and sha256(payload.encode("utf-8", "surrogateescape")).hexdigest() == stored
                and rebuilt(seq, record, author, prev, payload, scan) is not None
            ):
                intact.append(seq)
            prev = str(stored)
        return intact
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
