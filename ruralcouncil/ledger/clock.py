"""This PC's clock against the ledger: a clock that says an earlier time than the ledger's
last saved entry is told to the user before anything is saved (an entry saved now would
look older than entries saved before it).

Finding the latest moment an entry was saved reads every entry (``recorded_at`` has no
index): a tenth of a second at a million entries. :class:`ClockWatch` reads it once on a
connection of its own, in a thread, while the user does something else, and from then on
only the entries saved since, which it finds by their ids: posted entries are never changed
or removed, so what was read once stays true.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from ruralcouncil.i18n import _
from ruralcouncil.ledger import beside
from ruralcouncil.ledger.dates import shown_time


class SavedUpTo(NamedTuple):
    """How far a ledger's entries reach: the latest moment one was saved at (None: no entry
    says one) and the highest entry id read (0: none), from which a later read goes on."""

    recorded_at: str | None
    last_id: int


def saved_up_to(conn: sqlite3.Connection, known: SavedUpTo | None = None) -> SavedUpTo:
    """Every entry read, or, given ``known`` (read earlier from the same file, never from
    before a restore), only the entries saved since: the answer is the same."""
    if known is None:
        latest, last = conn.execute(
            "SELECT max(recorded_at), coalesce(max(id), 0) FROM transactions"
        ).fetchone()
        return SavedUpTo(latest, int(last))
    # The known latest moment joins the new entries' in SQLite's own max, which orders
    # values exactly as the first read did.
    latest, last = conn.execute(
        "SELECT max(recorded_at), max(id) FROM"
        " (SELECT ? AS recorded_at, ? AS id"
        "  UNION ALL SELECT recorded_at, id FROM transactions WHERE id > ?)",
        (known.recorded_at, known.last_id, known.last_id),
    ).fetchone()
    return SavedUpTo(latest, int(last))


def warning(saved: SavedUpTo, now: datetime | None = None) -> str | None:
    """What to tell the user when the clock (``now``: this PC's) is behind the last saved
    entry; None when it is not, or when no entry says when it was saved."""
    if not isinstance(saved.recorded_at, str) or not saved.recorded_at:
        return None
    try:
        last = datetime.fromisoformat(saved.recorded_at)
    except ValueError:
        return None
    if last.tzinfo is None:  # as the program shows such a time: UTC
        last = last.replace(tzinfo=UTC)
    now = now or datetime.now().astimezone()
    if now >= last:
        return None
    return _(
        "This computer's clock says {now}, which is earlier than the last saved entry "
        "({last}). Check the date and time before saving anything."
    ).format(now=shown_time(now), last=shown_time(last))


def clock_warning(conn: sqlite3.Connection) -> str | None:
    """The warning, from every entry read now."""
    return warning(saved_up_to(conn))


class ClockWatch:
    """The ledger's latest saved moment, kept for one open ledger: read whole once
    (:meth:`begin`, on a second connection in a thread), then only what was saved since.

    :meth:`warning` answers at once from what it knows; asked before the thread has
    answered (or without one), it reads every entry itself, on the caller's connection.
    After a restore, which replaces the file, :meth:`forget` what was read."""

    def __init__(self) -> None:
        self._known: SavedUpTo | None = None
        self._generation = 0  # a read begun before forget() is not kept
        self._lock = threading.Lock()

    def begin(
        self, conn: sqlite3.Connection, then: Callable[[SavedUpTo], None] | None = None
    ) -> threading.Thread | None:
        """Read the whole ledger in a thread, on a read-only connection of its own to
        ``conn``'s file; ``then`` is called on that thread with what it found (not when the
        read failed, or was forgotten meanwhile). None where no second connection reads
        what ``conn`` reads: then :meth:`warning` reads on ``conn`` when asked."""
        path = beside.main_file(conn)
        if path is None:
            return None
        generation = self._generation
        thread = threading.Thread(
            target=self._read, args=(path, generation, then), name="clock-watch", daemon=True
        )
        thread.start()
        return thread

    def _read(self, path: str, generation: int, then: Callable[[SavedUpTo], None] | None) -> None:
        other = beside.open_second(path)
        if other is None:
            return
        try:
            found = saved_up_to(other)
        except sqlite3.Error:
            return  # the caller's own connection reads it when asked, and says why
        finally:
            other.close()
        with self._lock:
            if generation != self._generation:
                return
            if self._known is None or self._known.last_id < found.last_id:
                self._known = found
        if then is not None:
            then(found)

    def warning(self, conn: sqlite3.Connection) -> str | None:
        """The warning to give now: from what is known and the entries saved since."""
        with self._lock:
            known, generation = self._known, self._generation
        saved = saved_up_to(conn, known)
        with self._lock:
            if generation == self._generation:
                self._known = saved
        return warning(saved)

    def forget(self) -> None:
        """The file was replaced (a restore): read every entry again next time."""
        with self._lock:
            self._known = None
            self._generation += 1
