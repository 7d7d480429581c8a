"""Importing historical transactions from a CSV file (DESIGN §4), all or nothing.

The file is read and checked as a whole before anything is written: every bad row is named
by the line it starts on, and one bad row refuses the whole file. The rules are the
journal's own (``journal.check_entries``, which ``journal.record`` and the entry dialog ask
too), so a row is accepted exactly when the receipt, payment or transfer dialog would accept
it, and the rules between rows (opening balances, and no cash account or fund below zero at
the end of any day, counting the ledger and the file together) come in the same round as a
row's own mistakes.

A file may hold a million rows, so nothing asks the database once per row: the journal asks
the rules that depend only on the category, the fund, the cash accounts and the year once
per combination.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import holds, import_registers, journal, storage
from ruralcouncil.ledger.classification import DEFAULT_CASH_ACCOUNT, GENERAL_FUND
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import parse_date, shown_time
from ruralcouncil.ledger.errors import ImportRejected, InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import parse_csv_amount
from ruralcouncil.ledger.parse import nfc, safe_text, shown
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
    "request",
    *import_registers.COLUMNS,
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
PROGRESS_EVERY = 1000
# The page cache an import may use, in KiB as ``PRAGMA cache_size`` takes it (negative).
IMPORT_CACHE_KIB = -200_000
_CHUNK = 1 << 20

_BOM = b"\xef\xbb\xbf"
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
    with _import_cache(ledger.conn), ledger.write(user) as commit:
        conn = commit.conn
        _refuse_if_imported(conn, sha256)
        paying: dict[int, int] = {}
        registered: dict[int, import_registers.RowRegister] = {}
        links: dict[int, Any] = {}
        entries = read_transactions(
            data, conn, user=user, requests=paying, registers=registered, links=links
        )
        del data
        total = len(entries)
        import_id = _store_import(commit, user, sha256, safe_text(path.name), total)

        def report(done: int) -> None:
            if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
                progress(done, total)

        # The whole file is saved at one moment, at once, a batch of rows per statement.
        numbers = journal.insert_entries(
            commit,
            user,
            entries,
            import_id=import_id,
            recorded_at=storage.now_text(),
            progress=report,
        )
        _link_payments(commit, numbers, paying)
        if numbers is not None and registered:
            first = _first_id(commit.conn, numbers[0])
            list(import_registers.record(commit, user, first, entries, registered, links))
        commit.event("import", f"{safe_text(path.name)} {total} rows")
    if progress is not None:
        progress(total, total)
    first_id, last_id = numbers if numbers is not None else (None, None)
    return ImportResult(import_id, total, first_id, last_id, sha256)


def _link_payments(commit: Commit, numbers: tuple[int, int] | None, paying: dict[int, int]) -> None:
    """Tie each imported payment that names a request to it (entries' ids run on, in order,
    from the first's)."""
    if numbers is None or not paying:
        return
    from ruralcouncil.ledger import spending

    first = _first_id(commit.conn, numbers[0])
    for index, request_id in sorted(paying.items()):
        party_id = spending.get(commit.conn, request_id).party_id
        spending.link_entry(commit, first + index, request_id, party_id)


def _first_id(conn: sqlite3.Connection, number: int) -> int:
    return int(
        conn.execute("SELECT id FROM transactions WHERE number = ?", (number,)).fetchone()[0]
    )


@contextmanager
def _import_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A page cache large enough for the import's one transaction, for as long as it runs.

    With SQLite's default (about 2 MB) a large import fills the cache many times over before
    it commits: each time it spills pages to the log (the WAL) early and reads them back
    when the indexes change them again. Durability is unchanged: the import still commits
    once, atomically, under the ledger's own journal mode and ``synchronous`` setting. The
    cache's memory is given back when the import ends.
    """
    previous = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(sqlite3.Error):
            conn.execute(f"PRAGMA cache_size = {previous}")


def _refuse_if_imported(conn: sqlite3.Connection, sha256: str) -> None:
    row = conn.execute(
        "SELECT id, filename, imported_at FROM imports WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is not None:
        raise ImportRejected(
            _(
                "This file was already imported on {when} (import {id}, file {name}). "
                "Nothing was imported again."
            ).format(when=shown_time(row[2]), id=row[0], name=row[1]),
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


def read_transactions(
    data: bytes,
    conn: sqlite3.Connection,
    *,
    user: User | None = None,
    requests: dict[int, int] | None = None,
    registers: dict[int, import_registers.RowRegister] | None = None,
    links: dict[int, Any] | None = None,
) -> list[NewEntry]:
    """Parse and check a whole file against the ledger; raises ImportRejected on any problem.

    Writes nothing. The problems are ``line N: reason`` texts, N being the line of the file
    where the row starts (the header is line 1), one text per bad row, every bad row.
    ``requests`` receives, by entry index, the spending request each payment names (its
    ``request`` column); ``user`` is who imports (who approved a request may not pay it).
    """
    requests = {} if requests is None else requests
    registers = {} if registers is None else registers
    _refuse_if_not_utf8(data)
    records = _records(data)
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header[1]):
        raise ImportRejected(_("There are no transactions in the file."), [])
    columns = _read_header(header[1])

    reader = _RowReader(columns)
    checker: import_registers.Checker | None = None
    entries: list[NewEntry] = []
    lines = array("q")  # the line of each entry, compactly: a file may have a million
    problems: dict[int, list[str]] = defaultdict(list)
    # Balances that rows which could not be read might have added to: not judged.
    unsure: set[journal.Unsure] | None = set()
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue  # blank lines and rows of empty cells, as spreadsheets leave at the end
        if len(row) != len(columns):
            problems[line].append(
                _(
                    "the number of values in this row ({found}) differs from the number of "
                    "columns in the header ({expected})"
                ).format(found=len(row), expected=len(columns))
            )
            unsure = None  # its cells cannot be told apart: it might hold anything
            continue
        entry, row_problems = reader.read(row)
        request_id, request_problem = reader.request(row)
        if request_problem:
            row_problems = [*row_problems, request_problem]
            if entry is not None:
                problems[line].append(request_problem)
        if entry is None:
            problems[line] += row_problems
            if unsure is not None:
                adds = reader.may_add_to(row)
                unsure = None if adds is None else unsure | adds
            continue
        register, register_problems = reader.register(row)
        if register_problems:
            problems[line] += register_problems
        elif register is not None:
            if checker is None:
                checker = import_registers.Checker(conn)
            if register.link is not None:
                entry, found = checker.linked(
                    len(entries), entry, reader.fund_cell(row), register.link
                )
            else:
                entry, placed = checker.placed(entry, reader.fund_cell(row), register)
                found = [placed] if placed else checker.problems(entry, register)
            if found:
                problems[line] += found
            registers[len(entries)] = register
        if request_id is not None:
            requests[len(entries)] = request_id
        entries.append(entry)
        lines.append(line)
    if not entries and not problems:
        raise ImportRejected(_("There are no transactions in the file."), [])
    if links is not None and checker is not None:
        links.update(checker.links)

    # Every rule in one round: the journal's own check of entries, as record() asks it.
    for problem in journal.check_entries(conn, entries, unsure=unsure):
        problems[lines[problem.index]].append(problem.message)
    for index, message in _council_problems(conn, entries, requests, user, registers):
        problems[lines[index]].append(message)
    if problems:
        raise ImportRejected(
            _(
                "The file was refused, nothing was imported. Rows with problems: {n}. "
                "Correct them and import the whole file again."
            ).format(n=len(problems)),
            [_line(line, "; ".join(reasons)) for line, reasons in sorted(problems.items())],
        )
    return entries


def _council_problems(
    conn: sqlite3.Connection,
    entries: list[NewEntry],
    requests: dict[int, int],
    user: User | None,
    registers: dict[int, import_registers.RowRegister],
) -> Iterator[tuple[int, str]]:
    """The council's rules for imported payments: in a year with an adopted budget each names
    an approved request, and the rows paying one request never add up to more than it has
    left (``spending.payment_problems``, as ``journal.record`` asks it)."""
    budget_years = {int(r[0]) for r in conn.execute("SELECT DISTINCT year FROM budgets")}
    fund_rules = holds.FundRules(conn)
    if not budget_years and not requests and not fund_rules:
        return  # a ledger without a budget or community money, a file without requests
    from ruralcouncil.ledger import spending

    already: dict[int, int] = defaultdict(int)
    for index, entry in enumerate(entries):
        request_id = requests.get(index)
        if index not in registers:  # a register's row obeys the register instead
            for message in fund_rules.entry_problems(
                entry.type.value, entry.category, entry.fund, entry.date.year in budget_years
            ):
                yield index, message
        if entry.type != EntryType.PAYMENT:
            if request_id is not None:
                yield index, _("only a payment pays a spending request")
            continue
        if (
            request_id is None
            and entry.date.year not in budget_years
            and not fund_rules.needs_request(entry.fund, entry.date.isoformat())
        ):
            continue
        for message in spending.payment_problems(
            conn,
            user,
            entry.date,
            entry.category,
            entry.fund,
            entry.amount,
            request_id,
            already[request_id] if request_id is not None else 0,
            fund_rules,
        ):
            yield index, message
        if request_id is not None:
            already[request_id] += entry.amount


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


class _RowReader:
    """Turns one row into an entry; its rules are the journal's (``journal.check_entries``)."""

    def __init__(self, columns: list[str]) -> None:
        # Where each of COLUMNS is in this file's rows; -1 for an optional column left out.
        self.positions = [columns.index(name) if name in columns else -1 for name in COLUMNS]
        self.dates: dict[str, date | str] = {}

    def _date(self, text: str) -> date | str:
        found = self.dates.get(text)
        if found is None:
            try:
                found = parse_date(text)
            except InvalidInput as exc:
                found = str(exc)
            self.dates[text] = found
        return found

    def _values(self, row: list[str]) -> list[str]:
        return [row[i] if i >= 0 else "" for i in self.positions]

    def read(self, row: list[str]) -> tuple[NewEntry | None, list[str]]:
        """The row's entry, or None and why it cannot be read (date, type, amount)."""
        values = self._values(row)
        day_text, type_text, amount_text, category, fund, account, to_account = values[:7]
        counterparty, description, reference = values[7:10]
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
            category=sys.intern(category.strip()) or None,
            fund=sys.intern(fund.strip()) or GENERAL_FUND,
            account=sys.intern(account.strip()) or DEFAULT_CASH_ACCOUNT,
            to_account=sys.intern(to_account.strip()) or None,
            counterparty=_text(counterparty),
            description=_text(description),
            reference=_text(reference),
        )
        return entry, []

    def request(self, row: list[str]) -> tuple[int | None, str]:
        """The spending request a row names (its ``request`` column), or why it cannot."""
        where = self.positions[10]
        text = row[where].strip() if where >= 0 else ""
        if not text:
            return None, ""
        if len(text) > 18 or not text.isascii() or not text.isdigit() or int(text) < 1:
            return None, _("request {text} must be the number of a spending request").format(
                text=shown(text)
            )
        return int(text), ""

    def register(self, row: list[str]) -> tuple[import_registers.RowRegister | None, list[str]]:
        """What the row's registers' columns say (a donor, a project, a household)."""
        start = len(COLUMNS) - len(import_registers.COLUMNS)
        cells = {
            name: row[where] if where >= 0 else ""
            for name, where in zip(import_registers.COLUMNS, self.positions[start:], strict=True)
        }
        return import_registers.read(cells)

    def fund_cell(self, row: list[str]) -> str:
        where = self.positions[4]
        return row[where] if where >= 0 else ""

    def may_add_to(self, row: list[str]) -> set[journal.Unsure] | None:
        """The balances a row that could not be read might have added to (None: any)."""
        values = self._values(row)
        return journal.may_add_to(values[1], values[5], values[6], values[4])


def _text(value: str) -> str:
    """Trim the cell; a line break typed in a spreadsheet cell is kept, as one \\n."""
    if "\r" in value:
        value = _LINE_BREAKS.sub("\n", value)
    return nfc(value.strip())
