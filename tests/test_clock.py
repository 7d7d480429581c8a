"""The PC's clock against the ledger (``ledger/clock.py``): read whole once, then only the
entries saved since, with the same answer as reading every entry every time."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    english,
    import_receipts,
    saved_while_clock_said,
    vm_steps,
)

from ruralcouncil.ledger import clock
from ruralcouncil.ledger.clock import ClockWatch, SavedUpTo
from ruralcouncil.ledger.storage import Ledger

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_the_entries_saved_since_give_what_every_entry_gives(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = ledger.conn
    known = clock.saved_up_to(conn)
    assert known == clock.saved_up_to(conn, known)
    # Saved while the clock said tomorrow, then back at today: the latest moment is not the
    # last entry's, and a later read that starts after it must not lose it.
    for when in (NOW + timedelta(days=1), NOW, NOW - timedelta(days=3), NOW + timedelta(hours=1)):
        saved_while_clock_said(ledger, when, monkeypatch, 2)
        known = clock.saved_up_to(conn, known)
        assert known == clock.saved_up_to(conn)
    assert known.recorded_at == (NOW + timedelta(days=1)).isoformat(timespec="seconds")
    assert known.last_id == conn.execute("SELECT max(id) FROM transactions").fetchone()[0]


def test_the_warning_says_the_clock_is_behind_only_when_it_is(ledger: Ledger) -> None:
    assert clock.warning(SavedUpTo(None, 0), NOW) is None
    assert clock.warning(SavedUpTo("2026-06-15T11:59:00+00:00", 3), NOW) is None
    assert clock.warning(SavedUpTo("2026-06-15T12:00:00+00:00", 3), NOW) is None
    behind = clock.warning(SavedUpTo("2026-06-15T12:01:00+00:00", 3), NOW)
    assert behind is not None and "earlier than the last saved entry" in behind
    # A time without its zone is UTC, as the program shows one; what is not a time is no
    # reason to warn (verify names a changed entry).
    assert clock.warning(SavedUpTo("2026-06-15T12:01:00", 3), NOW) == behind
    assert clock.warning(SavedUpTo("yesterday", 3), NOW) is None
    assert clock.warning(SavedUpTo("", 3), NOW) is None


def test_a_watch_reads_whole_once_then_only_what_was_saved_since(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_receipts(ledger, tmp_path, 3000, month="2026-03")
    conn = ledger.conn
    whole = vm_steps(conn, lambda: clock.saved_up_to(conn))
    watch = ClockWatch()
    answered: list[SavedUpTo] = []
    thread = watch.begin(conn, then=answered.append)
    assert thread is not None
    thread.join(timeout=30)
    assert answered == [clock.saved_up_to(conn)]
    assert vm_steps(conn, lambda: watch.warning(conn)) < whole / 20
    assert watch.warning(conn) is None

    # Saved while the clock said tomorrow: the watch finds it among the entries since.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    saved_while_clock_said(ledger, tomorrow, monkeypatch)
    since = vm_steps(conn, lambda: watch.warning(conn))
    assert since < whole / 20
    warned = watch.warning(conn)
    assert warned is not None and warned == clock.clock_warning(conn)


def test_a_watch_asked_before_its_thread_answers_reads_whole(ledger: Ledger) -> None:
    watch = ClockWatch()
    assert watch.warning(ledger.conn) is None  # no thread begun: read on the caller's
    assert watch.warning(ledger.conn) == clock.clock_warning(ledger.conn)


def test_a_forgotten_watch_reads_whole_again_and_drops_a_read_begun_before(
    ledger: Ledger, tmp_path: Path
) -> None:
    import_receipts(ledger, tmp_path, 3000, month="2026-03")
    conn = ledger.conn
    whole = vm_steps(conn, lambda: clock.saved_up_to(conn))
    watch = ClockWatch()
    watch.warning(conn)
    assert vm_steps(conn, lambda: watch.warning(conn)) < whole / 20
    watch.forget()
    assert vm_steps(conn, lambda: watch.warning(conn)) >= whole / 2

    # A read begun before a restore (forget) finishes after it: not kept, not told.
    watch.forget()
    release, told = threading.Event(), []
    real = clock.saved_up_to

    def slow(conn: sqlite3.Connection, known: SavedUpTo | None = None) -> SavedUpTo:
        release.wait(timeout=30)
        return real(conn, known)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "saved_up_to", slow)
        thread = watch.begin(conn, then=told.append)
        assert thread is not None
        watch.forget()
        release.set()
        thread.join(timeout=30)
    assert told == []
    assert vm_steps(conn, lambda: watch.warning(conn)) >= whole / 2


def test_no_second_connection_no_thread() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE transactions (id INTEGER PRIMARY KEY, recorded_at TEXT)")
    watch = ClockWatch()
    assert watch.begin(conn) is None
    conn.execute("INSERT INTO transactions (recorded_at) VALUES ('2999-01-01T00:00:00+00:00')")
    warned = watch.warning(conn)
    assert warned is not None and "earlier than the last saved entry" in warned
