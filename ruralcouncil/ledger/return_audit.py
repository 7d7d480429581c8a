"""``verify``'s replay of the annual return's rules (DESIGN §2.7, §4.4) over the stored
records, which the walk has already held against the chain: a record someone signed with a
real key, but that the services would have refused, is named here by its chain position.

- a governance answer is Yes or No (a No explained), given by a resolution about
  ``governance:YEAR`` that had passed and been confirmed, made in or after the year, and is
  dated as the resolution's meeting;
- a variance is explained only for a box looked at;
- a reconciliation's unpresented payments and unbanked receipts are entries of its year, of
  an account it reconciles, neither reversed nor reversals, and its figures add up; its
  approval follows it, while it is the year's latest, agreeing, after the year's end;
- an internal audit answer is to an objective that exists, a No or Not covered commented;
- the inspection period starts after its year and does not end before it starts;
- a year's return versions run 1, 2, 3... (a later one with a reason and something new), each
  closes its year in its own commit (or finds it closed), and its digest is that of the return
  as the ledger had it at its chain position (``as_at``: a private copy, for these few);
- no entry dated in a closed year is recorded after the closing (the trigger refuses it; a
  hand with the key and a SQLite browser does not).

On a ledger with none of these records it costs one indexed query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount

if TYPE_CHECKING:
    from ruralcouncil.ledger.storage import Ledger

# (chain position, message, entry number or None), as ``community_audit``'s.
Problem = tuple[int | None, str, int | None]

# Each kind the checks below read, and its table.
_TABLES = {
    "governance_answer": "governance_answers",
    "variance_explanation": "variance_explanations",
    "reconciliation": "reconciliations",
    "reconciliation_approval": "reconciliation_approvals",
    "audit_answer": "audit_answers",
    "inspection": "inspections",
    "return_version": "return_versions",
    "closed_year": "closed_years",
}
# Which kinds are in the chain at all, with their tables (one seek of the chain's (kind,
# record) index each): all a ledger without the return's records costs.
_PRESENT = (
    "WITH wanted(name, tbl) AS (VALUES " + ", ".join("(?, ?)" for _k in _TABLES) + ")"
    " SELECT name FROM wanted WHERE EXISTS (SELECT 1 FROM chain WHERE kind = wanted.name)"
    " AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = wanted.tbl)"
)
# Errors of reading a record's stored values (a JSON text, a number that is not one).
_UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def problems(conn: sqlite3.Connection) -> list[Problem]:
    """Every annual return record that broke a rule when it was written, and every entry
    recorded in a year after it was closed, in chain order."""
    present = {
        str(r[0]) for r in conn.execute(_PRESENT, [v for pair in _TABLES.items() for v in pair])
    }
    found: list[Problem] = []
    for kind, check in _CHECKS:
        if kind in present:
            found.extend(check(conn))
    return sorted(found, key=lambda p: (p[0] is None, p[0] or 0))


def _unreadable(seq: int) -> Problem:
    return (
        seq,
        _("chain position {n}: its annual return record cannot be read").format(n=seq),
        None,
    )


def _chained(kind: str, alias: str, key: str) -> str:
    """The join of a table's rows to their chain entries (a row not in the chain is the
    walk's to report)."""
    return f" JOIN chain c ON c.kind = '{kind}' AND c.record = CAST({alias}.{key} AS TEXT)"


def _first_seq(kind: str, key: str) -> str:
    """The first chain position of the record ``kind``/``key``, as a subquery."""
    return (
        f"(SELECT min(x.seq) FROM chain x WHERE x.kind = '{kind}'"
        f" AND x.record = CAST({key} AS TEXT))"
    )


def _after_year(day: object, year: int) -> bool:
    return str(day) >= f"{year + 1}-01-01"


# --- Section 1 ---------------------------------------------------------------------------

_GOVERNANCE = (
    "SELECT c.seq, g.id, g.year, g.assertion, g.answer, g.explanation, g.date,"
    " r.id, r.year, r.number, r.subject, r.passed, m.date, k.resolution_id, "
    + _first_seq("confirmation", "g.resolution_id")
    + " FROM governance_answers g"
    + _chained("governance_answer", "g", "id")
    + " LEFT JOIN resolutions r ON r.id = g.resolution_id"
    " LEFT JOIN meetings m ON m.id = r.meeting_id"
    " LEFT JOIN confirmations k ON k.resolution_id = g.resolution_id ORDER BY c.seq"
)


def _governance(conn: sqlite3.Connection) -> Iterator[Problem]:
    from ruralcouncil.ledger.annual_return import ASSERTIONS

    for row in conn.execute(_GOVERNANCE).fetchall():
        seq = int(row[0])
        try:
            for message in _governance_answer(row, set(ASSERTIONS)):
                yield seq, message, None
        except _UNREADABLE:
            yield _unreadable(seq)


def _governance_answer(row: tuple[Any, ...], assertions: set[int]) -> Iterator[str]:
    seq, answer_id, year, assertion, answer, explanation, day = row[:7]
    resolution_id, ref_year, ref_number, subject, passed, meeting_day = row[7:13]
    confirmation, confirmed_at = row[13], row[14]
    year = int(year)
    name = _("governance answer {id} ({year}, assertion {n})").format(
        id=answer_id, year=year, n=assertion
    )
    if assertion not in assertions:
        yield _("{answer}: Section 1 has no such assertion").format(answer=name)
    if answer not in ("yes", "no"):
        yield _("{answer}: the answer is neither Yes nor No").format(answer=name)
    elif answer == "no" and not str(explanation).strip():
        yield _("{answer}: it answers No without an explanation").format(answer=name)
    if resolution_id is None or meeting_day is None:
        yield _("{answer}: its resolution is not on record").format(answer=name)
        return
    ref = f"{ref_year}/{ref_number}"
    if passed != 1 or confirmation is None or confirmed_at is None or confirmed_at > seq:
        yield _(
            "{answer}: resolution {ref} had not passed and been confirmed when it was given"
        ).format(answer=name, ref=ref)
    wanted = f"governance:{year}"
    if subject != wanted:
        yield _("{answer}: resolution {ref} is about {subject}, not {wanted}").format(
            answer=name, ref=ref, subject=subject, wanted=wanted
        )
    if str(meeting_day) < f"{year}-01-01":
        yield _("{answer}: resolution {ref} of {day} was made before {year} began").format(
            answer=name, ref=ref, day=shown_date(str(meeting_day)), year=year
        )
    if day != meeting_day:
        yield _(
            "{answer}: it is dated {day}, not the day of its resolution's meeting ({meeting})"
        ).format(answer=name, day=shown_date(str(day)), meeting=shown_date(str(meeting_day)))


def _variances(conn: sqlite3.Connection) -> Iterator[Problem]:
    from ruralcouncil.ledger.variances import VARIANCE_BOXES

    for seq, explanation_id, year, box in conn.execute(
        "SELECT c.seq, v.id, v.year, v.box FROM variance_explanations v"
        + _chained("variance_explanation", "v", "id")
        + " ORDER BY c.seq"
    ).fetchall():
        if box not in VARIANCE_BOXES:
            yield (
                int(seq),
                _(
                    "variance explanation {id} ({year}): box {box} is not one whose variance "
                    "is explained"
                ).format(id=explanation_id, year=year, box=box),
                None,
            )


# --- the bank reconciliation ---------------------------------------------------------------

_ITEM = (
    "SELECT t.type, t.account, t.amount, t.date, t.reverses, "
    + _first_seq("transaction", "t.id")
    + ", (SELECT min(x.seq) FROM transactions v JOIN chain x ON x.kind = 'transaction'"
    " AND x.record = CAST(v.id AS TEXT) WHERE v.reverses = t.id)"
    " FROM transactions t WHERE t.number = ?"
)


def _reconciliations(conn: sqlite3.Connection) -> Iterator[Problem]:
    cash = {str(r[0]) for r in conn.execute("SELECT code FROM accounts WHERE kind = 'cash'")}
    for row in conn.execute(
        "SELECT c.seq, r.id, r.year, r.statements, r.unpresented, r.unbanked, r.cash_book,"
        " r.difference FROM reconciliations r"
        + _chained("reconciliation", "r", "id")
        + " ORDER BY c.seq"
    ).fetchall():
        seq = int(row[0])
        name = _("bank reconciliation {id} ({year})").format(id=row[1], year=row[2])
        try:
            figures = _figures(row)
        except _UNREADABLE:
            figures = None
        if figures is None:
            yield (
                seq,
                _("{reconciliation}: its figures cannot be read").format(reconciliation=name),
                None,
            )
            continue
        statements, unpresented, unbanked, cash_book, difference = figures
        year = int(row[2])
        for code in sorted(set(statements) - cash):
            yield (
                seq,
                _("{reconciliation}: {code} is not a cash account").format(
                    reconciliation=name, code=code
                ),
                None,
            )
        named: set[int] = set()
        for items, kind in ((unpresented, "payment"), (unbanked, "receipt")):
            for number, account, amount in items:
                if number in named:
                    yield (
                        seq,
                        _("{reconciliation}: entry {n} is named twice").format(
                            reconciliation=name, n=number
                        ),
                        None,
                    )
                named.add(number)
                found = conn.execute(_ITEM, (number,)).fetchone()
                if not _item_fits(found, kind, year, seq, account, amount, set(statements)):
                    yield (
                        seq,
                        _item_message(kind).format(reconciliation=name, n=number, year=year),
                        None,
                    )
        total = (
            sum(statements.values())
            - sum(i[2] for i in unpresented)
            + sum(i[2] for i in unbanked)
            - cash_book
        )
        if total != difference:
            yield (
                seq,
                _(
                    "{reconciliation}: its figures do not add up: the statements less the "
                    "unpresented payments plus the unbanked receipts less the cash book make "
                    "{amount}, and it records a difference of {difference}"
                ).format(
                    reconciliation=name,
                    amount=format_amount(total),
                    difference=format_amount(difference),
                ),
                None,
            )


_Figures = tuple[dict[str, int], list[tuple[int, str, int]], list[tuple[int, str, int]], int, int]


def _figures(row: tuple[Any, ...]) -> _Figures | None:
    """A reconciliation's stored figures, each of the type it must be, or None."""
    statements = json.loads(row[3])
    items = [json.loads(row[4]), json.loads(row[5])]
    cash_book, difference = row[6], row[7]
    if not (
        isinstance(statements, dict)
        and all(_integer(v) for v in statements.values())
        and all(isinstance(i, list) for i in items)
        and _integer(cash_book)
        and _integer(difference)
    ):
        return None
    lists: list[list[tuple[int, str, int]]] = []
    for found in items:
        kept = []
        for item in found:
            if not (
                isinstance(item, list)
                and len(item) == 3
                and _integer(item[0])
                and isinstance(item[1], str)
                and _integer(item[2])
            ):
                return None
            kept.append((int(item[0]), str(item[1]), int(item[2])))
        lists.append(kept)
    return (
        {str(k): int(v) for k, v in statements.items()},
        lists[0],
        lists[1],
        int(cash_book),
        int(difference),
    )


def _integer(value: object) -> bool:
    """A whole number SQLite can hold (an entry number beyond it names no entry)."""
    return type(value) is int and -(2**63) <= value < 2**63


def _item_fits(
    found: tuple[Any, ...] | None,
    kind: str,
    year: int,
    seq: int,
    account: str,
    amount: int,
    reconciled: set[str],
) -> bool:
    """As ``reconciliation._items`` chose it when the reconciliation was written."""
    if found is None:
        return False
    type_, stored_account, stored_amount, day, reverses, chained_at, reversed_at = found
    return (
        type_ == kind
        and reverses is None
        and stored_amount == amount > 0
        and stored_account == account
        and account in reconciled
        and str(day)[:4] == str(year)
        and chained_at is not None
        and chained_at < seq
        and (reversed_at is None or reversed_at > seq)
    )


def _item_message(kind: str) -> str:
    if kind == "payment":
        return _(
            "{reconciliation}: entry {n} is not a payment of {year} from an account it "
            "reconciles (neither reversed nor a reversal): it cannot be unpresented"
        )
    return _(
        "{reconciliation}: entry {n} is not a receipt of {year} into an account it "
        "reconciles (neither reversed nor a reversal): it cannot be unbanked"
    )


_APPROVALS = (
    "SELECT c.seq, a.reconciliation_id, a.date, r.year, r.difference, "
    + _first_seq("reconciliation", "a.reconciliation_id")
    + ", (SELECT max(x.seq) FROM reconciliations o JOIN chain x ON x.kind = 'reconciliation'"
    " AND x.record = CAST(o.id AS TEXT) WHERE o.year = r.year AND x.seq < c.seq)"
    " FROM reconciliation_approvals a"
    + _chained("reconciliation_approval", "a", "reconciliation_id")
    + " LEFT JOIN reconciliations r ON r.id = a.reconciliation_id ORDER BY c.seq"
)


def _approvals(conn: sqlite3.Connection) -> Iterator[Problem]:
    for seq, reconciliation_id, day, year, difference, made_at, latest in conn.execute(
        _APPROVALS
    ).fetchall():
        if year is None or made_at is None or made_at > seq:
            yield (
                max(int(seq), int(made_at or 0)),
                _(
                    "the approval of bank reconciliation {id}: that reconciliation was not "
                    "recorded before it"
                ).format(id=reconciliation_id),
                None,
            )
            continue
        name = _("the approval of bank reconciliation {id} ({year})").format(
            id=reconciliation_id, year=year
        )
        if latest != made_at:
            yield (
                int(seq),
                _("{approval}: a later reconciliation of {year} had been recorded").format(
                    approval=name, year=year
                ),
                None,
            )
        if difference != 0:
            yield (
                int(seq),
                _("{approval}: it does not agree with the cash book").format(approval=name),
                None,
            )
        if not _after_year(day, int(year)):
            yield (
                int(seq),
                _("{approval} is dated {day}, before {year} ended").format(
                    approval=name, day=shown_date(str(day)), year=year
                ),
                None,
            )


# --- the internal audit and the inspection period -------------------------------------------


def _audit(conn: sqlite3.Connection) -> Iterator[Problem]:
    from ruralcouncil.ledger.internal_audit import OBJECTIVES

    for seq, answer_id, year, objective, answer, comment in conn.execute(
        "SELECT c.seq, a.id, a.year, a.objective, a.answer, a.comment FROM audit_answers a"
        + _chained("audit_answer", "a", "id")
        + " ORDER BY c.seq"
    ).fetchall():
        if objective not in OBJECTIVES:
            yield (
                int(seq),
                _("internal audit answer {id} ({year}): there is no objective {n}").format(
                    id=answer_id, year=year, n=objective
                ),
                None,
            )
            continue
        name = _("internal audit answer {id} ({year}, objective {n})").format(
            id=answer_id, year=year, n=objective
        )
        if answer not in ("yes", "no", "not-covered"):
            yield (
                int(seq),
                _("{answer}: the answer is not Yes, No or Not covered").format(answer=name),
                None,
            )
        elif answer != "yes" and not str(comment).strip():
            yield (
                int(seq),
                _("{answer}: a No or Not covered without a comment").format(answer=name),
                None,
            )


def _inspections(conn: sqlite3.Connection) -> Iterator[Problem]:
    for seq, inspection_id, year, starts, ends in conn.execute(
        "SELECT c.seq, i.id, i.year, i.starts, i.ends FROM inspections i"
        + _chained("inspection", "i", "id")
        + " ORDER BY c.seq"
    ).fetchall():
        if not _after_year(starts, int(year)):
            yield (
                int(seq),
                _("inspection period {id} ({year}) starts on {day}, before {year} ended").format(
                    id=inspection_id, year=year, day=shown_date(str(starts))
                ),
                None,
            )
        if str(ends) < str(starts):
            yield (
                int(seq),
                _("inspection period {id} ({year}) ends before it starts").format(
                    id=inspection_id, year=year
                ),
                None,
            )


# --- the versions of the return --------------------------------------------------------------

_VERSIONS = (
    "SELECT c.seq, v.year, v.version, v.digest, v.reason, v.date,"
    " (SELECT min(s.seq) FROM signatures s WHERE s.seq >= c.seq), "
    + _first_seq("closed_year", "v.year")
    + " FROM return_versions v"
    + _chained("return_version", "v", "id")
    + " ORDER BY c.seq"
)


def _versions(conn: sqlite3.Connection) -> Iterator[Problem]:
    last: dict[int, tuple[int, str]] = {}  # year -> (its latest version's number, digest)
    for seq, year, number, digest, reason, day, commit_end, closed_at in conn.execute(
        _VERSIONS
    ).fetchall():
        seq, year = int(seq), int(year)
        count, previous = last.get(year, (0, None))
        expected = count + 1
        last[year] = (expected, str(digest))
        if number != expected:
            yield (
                seq,
                _("version {expected} of the return for {year} is numbered {n}").format(
                    expected=expected, year=year, n=number
                ),
                None,
            )
        name = _("version {n} of the return for {year}").format(n=expected, year=year)
        if expected > 1 and not str(reason).strip():
            yield seq, _("{version} gives no reason").format(version=name), None
        if previous == digest:
            yield (
                seq,
                _("{version} says the same as version {last}").format(version=name, last=count),
                None,
            )
        if not _after_year(day, year):
            yield (
                seq,
                _("{version} is dated {day}, before {year} ended").format(
                    version=name, day=shown_date(str(day)), year=year
                ),
                None,
            )
        if closed_at is None or int(closed_at) > int(commit_end or seq):
            yield seq, _("{version}: the year was not closed with it").format(version=name), None
        then = _return_then(conn, seq, year)
        if isinstance(then, Exception):
            yield (
                seq,
                _("{version} cannot be checked against the ledger as it was then: {error}").format(
                    version=name, error=then
                ),
                None,
            )
            continue
        if then[1]:
            yield (
                seq,
                _("{version} was finalised while its return was incomplete: {missing}").format(
                    version=name, missing=" ".join(then[1])
                ),
                None,
            )
        if then[0] != digest:
            yield (
                seq,
                _(
                    "{version}: its digest is not that of the return as the ledger had it then"
                ).format(version=name),
                None,
            )


def _return_then(
    conn: sqlite3.Connection, position: int, year: int
) -> tuple[str, list[str]] | Exception:
    """The digest of ``year``'s return as the ledger had it at chain ``position``, and what
    it then lacked (read from a private copy cut there), or what stopped it being read."""
    from ruralcouncil.ledger import annual_return
    from ruralcouncil.ledger.as_at import ledger_at
    from ruralcouncil.ledger.errors import InvalidInput

    try:
        with ledger_at(_ledger_of(conn), position) as then:
            state = annual_return.read(then.ledger.conn, year)
            return state.digest, state.missing()
    except (sqlite3.Error, OSError, InvalidInput, *_UNREADABLE) as exc:
        return exc


def _ledger_of(conn: sqlite3.Connection) -> Ledger:
    """``verify`` is given a connection: the read-only ``Ledger`` around it that ``as_at``
    reads (it copies through the connection; the path only names the file)."""
    from ruralcouncil.ledger.storage import Ledger

    files = [str(r[2]) for r in conn.execute("PRAGMA database_list") if r[1] == "main"]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return Ledger(path=Path(files[0] if files else ""), conn=conn, read_only=True, version=version)


# --- closed years ----------------------------------------------------------------------------


_LATE_ENTRIES = (
    "SELECT c.seq, t.number, y.year FROM closed_years y"
    " JOIN chain k ON k.kind = 'closed_year' AND k.record = CAST(y.year AS TEXT)"
    " JOIN transactions t ON t.date >= (y.year || '-') AND t.date < ((y.year + 1) || '-')"
    + _chained("transaction", "t", "id")
    + " WHERE c.seq > k.seq ORDER BY c.seq"
)


def _closed_years(conn: sqlite3.Connection) -> Iterator[Problem]:
    """Entries dated in a closed year but chained after its closing: each is named. One
    query: each closed year's entries by date, each looked up in the chain by its key."""
    for seq, number, year in conn.execute(_LATE_ENTRIES).fetchall():
        yield (
            int(seq),
            _("entry {n} is dated in {year} and was recorded after {year} was closed").format(
                n=number, year=year
            ),
            int(number),
        )


_CHECKS = (
    ("closed_year", _closed_years),
    ("governance_answer", _governance),
    ("variance_explanation", _variances),
    ("reconciliation", _reconciliations),
    ("reconciliation_approval", _approvals),
    ("audit_answer", _audit),
    ("inspection", _inspections),
    ("return_version", _versions),
)
