"""The audit log, read back: logins, failed logins and every write, each with its user.

Events are written by ``Commit.event`` and chained like every other record. A ledger made
before signed entries keeps its version-1 audit log (table ``audit_log``) as it was; both are
read here as one list, newest first: the chained events, then the version-1 lines.

Reads are paged by key (:func:`page`, ``before`` the last event of the previous page) and
filtered in SQL (:class:`AuditFilter`: who, what, which days), so a window or an export never
holds the whole log; :func:`export_csv` writes the filtered log a batch at a time.
"""

from __future__ import annotations

import csv
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import N_, _, format_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.schema import has_table
from ruralcouncil.ledger.storage import Ledger

# Shown for a failed login whose name matches no user: the text typed is never stored, as
# it may be a password typed into the wrong field.
UNKNOWN_USER = "?"

MAX_PAGE = 1000
EXPORT_BATCH = 1000
_NEWEST = 2**62

# What each kind of event means, for people (the stored names stay as they are).
EVENT_NAMES = {
    "ledger.create": N_("Ledger created"),
    "ledger.upgrade": N_("Ledger upgraded to a new version"),
    "login": N_("Logged in"),
    "login.failed": N_("Failed login"),
    "entry.record": N_("Entry recorded"),
    "entry.reverse": N_("Entry reversed"),
    "import": N_("Entries imported from a file"),
    "year.close": N_("Year closed"),
    "user.add": N_("User added"),
    "user.reset_password": N_("Password reset by an administrator"),
    "user.change_password": N_("Own password changed"),
    "user.set_role": N_("Role changed"),
    "user.enable": N_("User enabled"),
    "user.disable": N_("User disabled"),
    "setting.change": N_("Setting changed"),
    "code.add": N_("Category or cash account added"),
    "fund.add": N_("Fund added"),
    "restore": N_("Ledger restored from a backup"),
    # The council's path.
    "party.add": N_("Party added"),
    "interest.add": N_("Interest declared"),
    "council.set": N_("Council rule set"),
    "council.term": N_("Council term set"),
    "meeting.open": N_("Meeting opened"),
    "resolution.add": N_("Resolution recorded"),
    "resolution.confirm": N_("Resolution confirmed"),
    "budget.adopt": N_("Budget adopted"),
    "request.new": N_("Spending request drafted"),
    "request.attach": N_("Document attached to a request"),
    "request.approved": N_("Spending request approved"),
    "request.rejected": N_("Spending request rejected"),
    "request.withdrawn": N_("Spending request withdrawn"),
    "request.cancelled": N_("Unpaid part of a request cancelled"),
    "entry.fund_transfer": N_("Money moved between funds"),
    # Community money and the registers.
    "donation.add": N_("Donation recorded"),
    "donation.acknowledge": N_("Donation acknowledged"),
    "project.add": N_("Community project proposed"),
    "project.adopted": N_("Community project adopted"),
    "project.closed": N_("Community project closed"),
    "household.add": N_("Household registered"),
    "household.exempt": N_("Household exempted"),
    "contribution.add": N_("Contribution recorded"),
    "subsidy.add": N_("Subsidy applied for"),
    "subsidy.decided": N_("Subsidy decided"),
    "subsidy.appealed": N_("Subsidy decision appealed"),
    "loan.add": N_("Loan received"),
    "asset.add": N_("Asset added"),
    "asset.dispose": N_("Asset disposed of"),
    "lease.add": N_("Lease recorded"),
    "fine.add": N_("Fine recorded"),
    "fine.cancel": N_("Fine cancelled"),
}

CSV_COLUMNS = ("at", "user", "event", "what", "detail")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AuditEvent:
    seq: int  # the event's id, or the version-1 line's number (``chained`` tells which)
    at: str
    user: str
    event: str
    detail: str
    # False for a line of the version-1 audit log. The two are numbered apart, so a page
    # boundary needs both to say where the next page starts.
    chained: bool = True


@dataclass(frozen=True)
class AuditFilter:
    """Which events to read. Empty fields match everything; days are the local calendar
    days the events were recorded on, both ends included."""

    user: str = ""  # a user name, or UNKNOWN_USER for failed logins under no known name
    event: str = ""  # an event name, e.g. "entry.record"
    since: date | None = None
    until: date | None = None

    def check(self) -> AuditFilter:
        """The filter, or a refusal a person can act on."""
        if len(self.user) > 200 or len(self.event) > 100:
            raise InvalidInput(_("The filter is too long."))
        if self.since is not None and self.until is not None and self.since > self.until:
            raise InvalidInput(_("The first day of the period is after its last day: swap them."))
        return self


def describe(event: str) -> str:
    """The event's meaning in the current language (an unknown name is shown as it is)."""
    known = EVENT_NAMES.get(event)
    return _(known) if known is not None else event


_ENTRY_RECORD = re.compile(r"(\d+) (receipt|payment|transfer|opening) (-?\d+) (\d{4}-\d{2}-\d{2})")
_ENTRY_REVERSE = re.compile(r"(\d+) reverses (\d+): (.*)", re.DOTALL)


def describe_detail(event: AuditEvent) -> str:
    """An event's detail for people: an entry's number, type, amount and date as the window
    writes them; any other detail as it was stored (the CSV export keeps it so)."""
    if event.event == "entry.record" and (found := _ENTRY_RECORD.fullmatch(event.detail)):
        from ruralcouncil.ledger.entry_types import ENTRY_TYPE_NAMES, EntryType

        number, kind, amount, day = found.groups()
        return _("No. {number}: {type}, {amount}, {date}").format(
            number=number,
            type=_(ENTRY_TYPE_NAMES[EntryType(kind)]),
            amount=format_amount(int(amount)),
            date=format_date(date.fromisoformat(day)),
        )
    if event.event == "entry.reverse" and (found := _ENTRY_REVERSE.fullmatch(event.detail)):
        new, old, reason = found.groups()
        return _("No. {new} reverses No. {old}: {reason}").format(new=new, old=old, reason=reason)
    return event.detail


def _days(flt: AuditFilter, column: str) -> tuple[list[str], list[Any]]:
    # ``at`` is local ISO time with its offset: its first ten characters are the local day,
    # so a text comparison picks whole days (and can use the index on events.at).
    where: list[str] = []
    params: list[Any] = []
    if flt.since is not None:
        where.append(f"{column} >= ?")
        params.append(flt.since.isoformat())
    if flt.until is not None:
        where.append(f"{column} < ?")
        params.append((flt.until + timedelta(days=1)).isoformat())
    return where, params


def _events_where(flt: AuditFilter) -> tuple[list[str], list[Any]]:
    """The conditions of ``flt`` on the chained events (``events e`` joined to ``users u``)."""
    where: list[str] = []
    params: list[Any] = []
    if flt.user == UNKNOWN_USER:
        where.append("e.user_id IS NULL")
    elif flt.user:
        where.append("u.name = ?")
        params.append(flt.user)
    if flt.event:
        where.append("e.event = ?")
        params.append(flt.event)
    days, day_params = _days(flt, "e.at")
    return where + days, params + day_params


def _version_1_where(flt: AuditFilter) -> tuple[list[str], list[Any]]:
    """The conditions of ``flt`` on the version-1 log (``audit_log``)."""
    where: list[str] = []
    params: list[Any] = []
    if flt.user:
        where.append("user = ?")
        params.append(flt.user)
    if flt.event:
        where.append("event = ?")
        params.append(flt.event)
    days, day_params = _days(flt, "at")
    return where + days, params + day_params


def _chained(
    conn: sqlite3.Connection, flt: AuditFilter, limit: int, before: int
) -> list[AuditEvent]:
    where, params = _events_where(flt)
    rows = conn.execute(
        "SELECT e.id, e.at, coalesce(u.name, ?), e.event, e.detail FROM events e"
        " LEFT JOIN users u ON u.id = e.user_id WHERE "
        + " AND ".join(["e.id < ?", *where])
        + " ORDER BY e.id DESC LIMIT ?",
        [UNKNOWN_USER, before, *params, limit],
    ).fetchall()
    return [AuditEvent(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]


def _version_1(
    conn: sqlite3.Connection, flt: AuditFilter, limit: int, before: int
) -> list[AuditEvent]:
    where, params = _version_1_where(flt)
    rows = conn.execute(
        "SELECT seq, at, user, event, detail FROM audit_log WHERE "
        + " AND ".join(["seq < ?", *where])
        + " ORDER BY seq DESC LIMIT ?",
        [before, *params, limit],
    ).fetchall()
    return [AuditEvent(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), False) for r in rows]


def page(
    conn: sqlite3.Connection,
    flt: AuditFilter | None = None,
    limit: int = 200,
    before: AuditEvent | None = None,
) -> list[AuditEvent]:
    """Up to ``limit`` events matching ``flt``, newest first: chained events, then the
    version-1 log's lines. ``before`` pages back: the events older than that one (the last
    of the previous page). Each call is one or two indexed queries, whatever the log's size.
    """
    flt = (flt or AuditFilter()).check()
    limit = max(1, min(int(limit), MAX_PAGE))
    found: list[AuditEvent] = []
    if (before is None or before.chained) and has_table(conn, "events"):
        found += _chained(conn, flt, limit, before.seq if before is not None else _NEWEST)
    if len(found) < limit and has_table(conn, "audit_log"):
        older_than = before.seq if before is not None and not before.chained else _NEWEST
        found += _version_1(conn, flt, limit - len(found), older_than)
    return found


def recent(ledger: Ledger, limit: int = 200, before: AuditEvent | None = None) -> list[AuditEvent]:
    """The latest events, newest first (every user, every kind); see :func:`page`."""
    return page(ledger.conn, None, limit, before)


def iterate(
    conn: sqlite3.Connection, flt: AuditFilter | None = None, batch: int = EXPORT_BATCH
) -> Iterator[list[AuditEvent]]:
    """Every event matching ``flt``, newest first, a page at a time."""
    last: AuditEvent | None = None
    while True:
        found = page(conn, flt, batch, last)
        if not found:
            return
        yield found
        last = found[-1]


def count(conn: sqlite3.Connection, flt: AuditFilter | None = None) -> int:
    """How many events match ``flt`` (for a progress bar)."""
    flt = (flt or AuditFilter()).check()
    total = 0
    if has_table(conn, "events"):
        where, params = _events_where(flt)
        total += int(
            conn.execute(
                "SELECT count(*) FROM events e LEFT JOIN users u ON u.id = e.user_id WHERE "
                + " AND ".join(["1", *where]),
                params,
            ).fetchone()[0]
        )
    if has_table(conn, "audit_log"):
        where, params = _version_1_where(flt)
        total += int(
            conn.execute(
                "SELECT count(*) FROM audit_log WHERE " + " AND ".join(["1", *where]), params
            ).fetchone()[0]
        )
    return total


def event_kinds(conn: sqlite3.Connection, stored: bool = True) -> list[str]:
    """The names of the events this ledger holds and every known one, sorted.

    ``stored=False``: the known ones only, at once. Finding the others reads the whole log
    (no index has them), which takes a while at a million events.
    """
    kinds = set(EVENT_NAMES)
    for table in ("events", "audit_log") if stored else ():
        if has_table(conn, table):
            kinds.update(str(r[0]) for r in conn.execute(f"SELECT DISTINCT event FROM {table}"))
    return sorted(kinds)


def user_names(conn: sqlite3.Connection, logged: bool = True) -> list[str]:
    """Everyone who may appear in the log: the ledger's users (and the version-1 log's).

    ``logged=False``: the ledger's users only, at once (the version-1 log's names are found
    by reading the whole of it).
    """
    names = {str(r[0]) for r in conn.execute("SELECT name FROM users")}
    if logged and has_table(conn, "audit_log"):
        names.update(str(r[0]) for r in conn.execute("SELECT DISTINCT user FROM audit_log"))
    return sorted(names, key=str.casefold)


def _cell(text: str) -> str:
    """A value a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(
    conn: sqlite3.Connection,
    path: Path | str,
    flt: AuditFilter | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the events matching ``flt`` to ``path`` as CSV (UTF-8 with a BOM, so that a
    spreadsheet reads Kazakh and Russian letters); returns how many were written.

    Written to a temporary name and renamed: a failed export leaves no half file.
    """
    flt = (flt or AuditFilter()).check()
    path = Path(path)
    total = count(conn, flt)
    tmp = path.with_name(path.name + ".part")
    done = 0
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            if progress is not None:
                progress(0, total)
            for found in iterate(conn, flt):
                for event in found:
                    writer.writerow(
                        [
                            event.at,
                            _cell(event.user),
                            event.event,
                            describe(event.event),
                            _cell(event.detail),
                        ]
                    )
                done += len(found)
                if progress is not None:
                    progress(done, max(total, done))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return done
