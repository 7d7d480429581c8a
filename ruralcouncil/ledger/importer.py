"""Importing historical transactions from a CSV file (DESIGN §4), all or nothing.

The file is read and checked as a whole before anything is written: every bad row is named
by the line it starts on, and one bad row refuses the whole file. The per-row rules are the
journal's own (``journal.entry_problems``), so a row is accepted exactly when the receipt,
payment or transfer dialog would accept it; then come the rules between rows (opening
balances, and no cash account or fund below zero at the end of any day, counting the ledger
and the file together).

A file may hold a million rows, so nothing here asks the database once per row: the rules
that depend only on the codes, the fund and the year are asked once per distinct combination.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import sqlite3
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ruralcouncil.i18n import _
from ruralcouncil.ledger import journal, storage
from ruralcouncil.ledger.codes import GENERAL_FUND
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import parse_date
from ruralcouncil.ledger.errors import ImportRejected, InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry, Shortfall
from ruralcouncil.ledger.money import MAX_AMOUNT, parse_csv_amount
from ruralcouncil.ledger.parse import MAX_TEXT, nfc, safe_text, shown
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

Progress = Callable[[int, int], None]

REQUIRED_COLUMNS = ("date", "type", "amount")
OPTIONAL_COLUMNS = (
    "category",
    "fund",
    "account",
    "to_account",
    "counterparty",
    "description",
    "reference",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DEFAULT_ACCOUNT = "BANK"
PROGRESS_EVERY = 1000
_CHUNK = 1 << 20

_BOM = b"\xef\xbb\xbf"
# What journal.entry_problems would call a control character (a tab is allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Lone surrogates: what a file's undecodable bytes become (never in a UTF-8 file; kept safe).
_NOT_TEXT = re.compile("[\ud800-\udfff]")
# A spreadsheet cell with line breaks (Alt+Enter) keeps its words, on one line.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n]")


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    rows: int
    first_id: int | None
    last_id: int | None
    sha256: str


def import_transactions(
    ledger: Ledger,
    user: User,
    path: Path | str,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a transaction CSV file, all or nothing; raises ImportRejected on any problem."""
    require(user, Action.RECORD)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            _("The file {path} cannot be read: {error}").format(path=path, error=exc.strerror),
            [],
        ) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    with ledger.write(user) as commit:
        conn = commit.conn
        _refuse_if_imported(conn, sha256)
        entries = read_transactions(data, conn)
        del data
        import_id = _store_import(commit, user, sha256, safe_text(path.name), len(entries))
        first_id: int | None = None
        last_id: int | None = None
        total = len(entries)
        recorded_at = storage.now_text()  # the whole file is saved at one moment, at once
        for done, entry in enumerate(entries, start=1):
            last_id = journal.insert_entry(
                commit, user, entry, import_id=import_id, recorded_at=recorded_at
            )
            if first_id is None:
                first_id = last_id
            if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
                progress(done, total)
        commit.event("import", f"{safe_text(path.name)} {total} rows")
    if progress is not None:
        progress(total, total)
    return ImportResult(import_id, total, first_id, last_id, sha256)


def _refuse_if_imported(conn: sqlite3.Connection, sha256: str) -> None:
    row = conn.execute(
        "SELECT id, filename, imported_at FROM imports WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is not None:
        raise ImportRejected(
            _(
                "This file was already imported on {when} (import {id}, file {name}). "
                "Nothing was imported again."
            ).format(when=row[2], id=row[0], name=row[1]),
            [],
        )


def _store_import(commit: Commit, user: User, sha256: str, filename: str, rows: int) -> int:
    """The import's own record, chained before its transactions so they can refer to it."""
    cursor = commit.conn.execute(
        "INSERT INTO imports (sha256, filename, rows, user_id, imported_at) VALUES (?, ?, ?, ?, ?)",
        (sha256, filename, rows, user.id, storage.now_text()),
    )
    import_id = int(cursor.lastrowid or 0)
    commit.append("import", str(import_id))
    return import_id


# --- reading and checking ----------------------------------------------------------------


def read_transactions(data: bytes, conn: sqlite3.Connection) -> list[NewEntry]:
    """Parse and check a whole file against the ledger; raises ImportRejected on any problem.

    Writes nothing. The problems are ``line N: reason`` texts, N being the line of the file
    where the row starts (the header is line 1), one text per bad row, every bad row.
    """
    _refuse_if_not_utf8(data)
    records = _records(data)
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header[1]):
        raise ImportRejected(_("There are no transactions in the file."), [])
    columns = _read_header(header[1])

    checker = _RowChecker(conn, columns)
    entries: list[NewEntry] = []
    lines = array("q")  # the line of each entry, compactly: a file may have a million
    problems: dict[int, list[str]] = defaultdict(list)
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue  # blank lines and rows of empty cells, as spreadsheets leave at the end
        if len(row) != len(columns):
            problems[line].append(
                _("this row has {found} values but the header has {expected} columns").format(
                    found=len(row), expected=len(columns)
                )
            )
            continue
        entry, row_problems = checker.check(row)
        if row_problems:
            problems[line] += row_problems
        elif entry is not None:
            entries.append(entry)
            lines.append(line)
    if not entries and not problems:
        raise ImportRejected(_("There are no transactions in the file."), [])

    _between_rows(conn, entries, lines, problems, check_cash=not problems)
    if problems:
        raise ImportRejected(
            _(
                "The file was refused, nothing was imported. Rows with problems: {n}. "
                "Correct them and import the whole file again."
            ).format(n=len(problems)),
            [_line(line, "; ".join(reasons)) for line, reasons in sorted(problems.items())],
        )
    return entries


def _cut(text: str, limit: int = 100) -> str:
    """A cell as a message shows it: a cell may hold up to 128 KiB, a message line should not."""
    return text if len(text) <= limit else text[:limit] + "…"


def _line(line: int, reason: str) -> str:
    return _("line {n}: {reason}").format(n=line, reason=reason)


def _refuse_if_not_utf8(data: bytes) -> None:
    # Checked a megabyte at a time: decoding a large file whole would double its memory.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRejected(
            _(
                "The file is not UTF-8 text. It was probably saved by a spreadsheet in another "
                "encoding (such as Windows-1251, cp1251). Open it in the spreadsheet and save "
                'it again with "Save As" and the type "CSV UTF-8 (comma delimited)", then '
                "import that file."
            ),
            [_line(_first_bad_line(data), _("this line is not UTF-8 text"))],
        ) from None


def _first_bad_line(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


def _read_header(header: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    if len(header) == 1 and ";" in header[0]:
        raise ImportRejected(
            _(
                "The file uses semicolons (;) to separate its columns; it needs commas. Save "
                'it again from the spreadsheet as "CSV UTF-8 (comma delimited)", or choose '
                "the comma as the separator."
            ),
            [_line(1, _("the header is {header}").format(header=_cut(header[0])))],
        )
    problems: list[str] = []
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name:
            problems.append(_("column {n} has no name").format(n=number))
        elif name not in COLUMNS:
            problems.append(_("unknown column {name}").format(name=shown(name)))
        elif name in seen:
            problems.append(_("the column {name} appears twice").format(name=name))
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        problems.append(
            _("the required columns {names} are missing").format(names=", ".join(missing))
        )
    if problems:
        raise ImportRejected(
            _(
                "The header row (line 1) is not right. The columns may be, in any order: "
                "{columns}; date, type and amount are required."
            ).format(columns=", ".join(COLUMNS)),
            [_line(1, problem) for problem in problems],
        )
    return names


def _records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span several lines)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRejected(
                _("The file is not a valid CSV file."),
                [
                    _line(
                        start, _("the quoting of this row is broken ({detail})").format(detail=exc)
                    )
                ],
            ) from None
        yield start, row


class _RowChecker:
    """Turns one row into an entry, with the journal's own messages for what is wrong.

    ``journal.entry_problems`` asks the database about the year, fund and codes; those
    answers are the same for every row with the same year, type, codes and fund, so it is
    asked once per such combination, with the row's texts set aside and checked here.
    """

    def __init__(self, conn: sqlite3.Connection, columns: list[str]) -> None:
        self.conn = conn
        # Where each of COLUMNS is in this file's rows; -1 for an optional column left out.
        self.positions = [columns.index(name) if name in columns else -1 for name in COLUMNS]
        self.dates: dict[str, date | str] = {}
        self.rules: dict[tuple[object, ...], list[str]] = {}

    def _date(self, text: str) -> date | str:
        found = self.dates.get(text)
        if found is None:
            try:
                found = parse_date(text)
            except InvalidInput as exc:
                found = str(exc)
            self.dates[text] = found
        return found

    def check(self, row: list[str]) -> tuple[NewEntry | None, list[str]]:
        """The row's entry and its problems (the entry is None when it cannot be built)."""
        values = [row[i] if i >= 0 else "" for i in self.positions]
        day_text, type_text, amount_text, code, fund, account, to_account = values[:7]
        counterparty, description, reference = values[7:]
        problems: list[str] = []
        day = self._date(day_text)
        if isinstance(day, str):
            problems.append(day)
        try:
            entry_type = EntryType(type_text.strip().lower())
        except ValueError:
            problems.append(
                _("type {text} must be receipt, payment, transfer or opening").format(
                    text=shown(type_text)
                )
            )
        try:
            amount = parse_csv_amount(amount_text)
        except InvalidInput as exc:
            problems.append(str(exc))
        if problems:
            return None, problems
        assert isinstance(day, date)
        entry = NewEntry(
            date=day,
            type=entry_type,
            amount=amount,
            # Codes are interned: a million rows then share a few strings.
            code=sys.intern(code.strip()) or None,
            fund=sys.intern(fund.strip()) or GENERAL_FUND,
            account=sys.intern(account.strip()) or DEFAULT_ACCOUNT,
            to_account=sys.intern(to_account.strip()) or None,
            counterparty=_text(counterparty),
            description=_text(description),
            reference=_text(reference),
        )
        return entry, self._rules(entry)

    def _rules(self, entry: NewEntry) -> list[str]:
        texts = (entry.counterparty, entry.description, entry.reference)
        if any(len(t) > MAX_TEXT or _CONTROL.search(t) or _NOT_TEXT.search(t) for t in texts):
            return journal.entry_problems(self.conn, entry)  # rare: let the journal say why
        amount_ok = 0 < entry.amount <= MAX_AMOUNT
        key = (
            entry.date.year,
            entry.type,
            amount_ok,
            entry.code,
            entry.fund,
            entry.account,
            entry.to_account,
        )
        found = self.rules.get(key)
        if found is None:
            probe = replace(
                entry,
                date=date(entry.date.year, 1, 1),
                amount=entry.amount if not amount_ok else 1,
                counterparty="",
                description="",
                reference="",
            )
            found = self.rules[key] = journal.entry_problems(self.conn, probe)
        return found


def _text(value: str) -> str:
    """Trim the cell; a line break typed in a spreadsheet cell is kept, as one \\n."""
    if "\r" in value:
        value = _LINE_BREAKS.sub("\n", value)
    return nfc(value.strip())


# --- rules between rows ------------------------------------------------------------------


def _between_rows(
    conn: sqlite3.Connection,
    entries: Sequence[NewEntry],
    lines: Sequence[int],
    problems: dict[int, list[str]],
    *,
    check_cash: bool,
) -> None:
    """Opening balances, and (when every row is fine on its own) the cash never below zero.

    The cash check waits for every row to be right: a mistyped receipt left out would make
    the payments after it look like an overdraft that is not there.
    """
    for index, message in journal.opening_problems(conn, entries):
        problems[lines[index]].append(message)
    for index, message in _before_opening_problems(conn, entries):
        problems[lines[index]].append(message)
    if check_cash and not problems:
        effects = (effect for entry in entries for effect in journal.cash_effects(entry))
        for shortfall in journal.shortfalls(conn, effects):
            for index in _lines_to_blame(entries, shortfall):
                problems[lines[index]].append(shortfall.message())


def _before_opening_problems(
    conn: sqlite3.Connection, entries: Sequence[NewEntry]
) -> list[tuple[int, str]]:
    """``journal.before_opening_problems``, asking the ledger once per account, not per row."""
    accounts = {e.account for e in entries} | {e.to_account for e in entries if e.to_account}
    starts: dict[str, tuple[str, str]] = {}
    for account in accounts:
        row = conn.execute(
            "SELECT min(date) FROM transactions t WHERE type = 'opening' AND account = ?"
            " AND reverses IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)",
            (account,),
        ).fetchone()
        if row[0] is not None:
            probe = NewEntry(date=date.min, type=EntryType.RECEIPT, amount=1, account=account)
            messages = journal.before_opening_problems(conn, [probe])
            starts[account] = (str(row[0]), messages[0][1] if messages else "")
    problems: list[tuple[int, str]] = []
    if not starts:
        return problems
    for index, entry in enumerate(entries):
        if entry.type == EntryType.OPENING:
            continue
        day = entry.date.isoformat()
        for moved in (entry.account, entry.to_account):
            start = starts.get(moved) if moved else None
            if start is not None and day < start[0]:
                problems.append((index, start[1]))
    return problems


def _lines_to_blame(entries: Sequence[NewEntry], shortfall: Shortfall) -> list[int]:
    """The rows that took the account or fund down on the day it ends below zero.

    When none of the file's rows takes money out that day (the ledger's own payment that day
    is what tips it over), the blame goes to the file's last rows before it that did. Never
    empty, so a shortfall always refuses the file.
    """
    by_fund = shortfall.kind == "fund"
    takers: dict[str, list[int]] = defaultdict(list)
    touching: list[int] = []
    for index, entry in enumerate(entries):
        changes = [
            amount
            for account, fund, _day, amount in journal.cash_effects(entry)
            if (fund if by_fund else account) == shortfall.code
        ]
        if not changes:
            continue
        touching.append(index)
        day = entry.date.isoformat()
        if day <= shortfall.day and sum(changes) < 0:
            takers[day].append(index)
    if takers:
        return takers.get(shortfall.day) or takers[max(takers)]
    return touching[:1] or [0]
