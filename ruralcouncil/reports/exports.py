"""A year's export written out (DESIGN §4.4): ``export csv`` (a folder, one CSV per table),
``export xlsx`` (one workbook, a sheet per table) and ``export fdp`` (an Open Fiscal Data
Package: ``datapackage.json`` beside the year's budget and its payments and receipts). The
tables themselves: :mod:`ruralcouncil.reports.export_rows`.

Only an administrator or a clerk exports, and an export writes nothing to the ledger. The
output is refused when it exists (a folder may exist if it is empty) or its folder does not;
everything is written into a temporary sibling (``NAME.part…``) and renamed over ``NAME``
once whole, so a crash or a full disk never leaves half an export where a whole one was.

Amounts are tenge with two decimals: in CSV a plain decimal with a dot (``-1500.00``), in
the workbook a number formatted ``#,##0.00``. Dates are ``YYYY-MM-DD`` in CSV and real dates
in the workbook.

A text a spreadsheet would take for a formula (one starting with ``=``, ``+``, ``-`` or
``@``, or a tab or carriage return): in the workbook every text cell is written as text,
never a formula, and such a text is also marked quote-prefixed, so Excel keeps it text
even when the cell is edited. A CSV has no types, and a clerk will open it in Excel by a
double click, so in every CSV we write (``export csv`` and the package's) such a text
cell is prefixed with a single quote ``'``, as OWASP advises: a counterparty
``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``. This changes the text; numbers,
dates and amounts are never prefixed (a reversal's ``-1500.00`` stays a number), and the
workbook keeps every text exactly. A script that reads the CSV strips a leading ``'``
from text cells that begin ``'=``, ``'+``, ``'-``, ``'@``.

``export csv`` writes UTF-8 with a byte-order mark, which is how Excel on a Kazakh or
Russian Windows knows the file is UTF-8 and not cp1251; the package's CSV files are plain
UTF-8, as the Tabular Data Package expects.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.errors import PermissionDenied
from ruralcouncil.ledger.money import format_plain, tiyn_to_decimal
from ruralcouncil.ledger.roles import ROLE_NAMES, User
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports.export_rows import (
    Cell,
    Column,
    Kind,
    Table,
    YearExport,
    may_export,
    year_tables,
)
from ruralcouncil.reports.pdf_file import check_new_output

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CURRENCY = "KZT"
COUNTRY = "KZ"


# --- who, and where ----------------------------------------------------------------------


def require_exporter(user: User) -> None:
    if not may_export(user):
        raise PermissionDenied(
            _("{user} ({role}) may not export the ledger.").format(
                user=user.name, role=_(ROLE_NAMES[user.role])
            )
        )


def _part(path: Path, make: Callable[[Path], None]) -> Path:
    """A new temporary sibling ``NAME.part`` (``NAME.part2``... when that exists: never
    someone else's), made by ``make`` with the user's usual permissions."""
    for n in range(1, 1000):
        tmp = path.with_name(path.name + (".part" if n == 1 else f".part{n}"))
        try:
            make(tmp)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(path.with_name(path.name + ".part"))


def _new_file(path: Path) -> None:
    path.open("x").close()


@contextmanager
def _whole_folder(path: Path) -> Iterator[Path]:
    """A temporary sibling folder to write into, renamed to ``path`` once the body is done."""
    tmp = _part(path, Path.mkdir)
    try:
        yield tmp
        if path.is_dir():
            path.rmdir()  # empty (check_new_output); Windows renames over no folder
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prepare(ledger: Ledger, user: User, year: int, path: Path, *, folder: bool) -> YearExport:
    require_exporter(user)
    check_new_output(path, folder=folder)
    return year_tables(ledger, year)


# --- CSV ---------------------------------------------------------------------------------


def defused(text: str) -> str:
    """A text a spreadsheet would run as a formula, made plain text with a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(value: Cell, kind: Kind) -> str:
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return format_plain(int(value))
    if kind is Kind.BOOLEAN:
        return "true" if value else "false"
    if kind in (Kind.INTEGER, Kind.DATE):
        return str(value)
    return defused(str(value))


def _write_csv(path: Path, table: Table, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)  # RFC 4180: quoted where needed, CRLF line ends
        writer.writerow([c.name for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])


def about(export: YearExport) -> Table:
    """Which ledger, which year, and the chain's anchor when the tables were read (a later
    ``verify --anchor N:HEX`` holds the ledger to it)."""
    rows: list[tuple[Cell, ...]] = [
        ("village", export.village),
        ("year", str(export.year)),
        ("currency", CURRENCY),
        ("chain_entries", str(export.entries)),
        ("chain_head", export.head),
        ("anchor", f"{export.entries}:{export.head}"),
        ("ledger", export.ledger_id),
    ]
    return Table("about", (Column("key"), Column("value")), rows)


def export_csv(ledger: Ledger, user: User, year: int, path: Path) -> YearExport:
    """The folder ``path``: ``about.csv`` and one CSV per table of the year."""
    export = _prepare(ledger, user, year, path, folder=True)
    with _whole_folder(path) as tmp:
        for table in (about(export), *export.tables):
            _write_csv(tmp / f"{table.name}.csv", table, "utf-8-sig")
    return export


# --- XLSX --------------------------------------------------------------------------------

_WIDTHS = {Kind.MONEY: 16, Kind.DATE: 12, Kind.INTEGER: 9, Kind.BOOLEAN: 10}


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]  # no stubs

    return str(get_column_letter(n))


def _xlsx_cell(sheet: Any, value: Cell, kind: Kind, bold: Any = None) -> Any:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]  # no stubs
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]  # no stubs

    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if kind is Kind.MONEY:
        cell = WriteOnlyCell(sheet, value=tiyn_to_decimal(int(value)))
        cell.number_format = "#,##0.00"
    elif kind is Kind.DATE:
        cell = WriteOnlyCell(sheet, value=date.fromisoformat(str(value)))
        cell.number_format = "yyyy-mm-dd"
    elif kind is Kind.INTEGER:
        cell = WriteOnlyCell(sheet, value=int(value))
    elif kind is Kind.BOOLEAN:
        cell = WriteOnlyCell(sheet, value=bool(value))
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(sheet, value=text)
        # openpyxl takes a text starting with "=" for a formula: text it stays, always.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if bold is not None:
        cell.font = bold
    return cell


def _sheet(book: Any, table: Table) -> None:
    from openpyxl.styles import Font  # type: ignore[import-untyped]  # no stubs

    sheet = book.create_sheet(table.name[:31])
    sheet.freeze_panes = "A2"
    for n, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[_column_letter(n)].width = max(
            _WIDTHS.get(column.kind, 24), len(column.name) + 2
        )
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, c.name, Kind.TEXT, bold) for c in table.columns])
    for row in table.rows:
        sheet.append(
            [_xlsx_cell(sheet, v, c.kind) for v, c in zip(row, table.columns, strict=True)]
        )


def export_xlsx(ledger: Ledger, user: User, year: int, path: Path) -> YearExport:
    """The workbook ``path``: a sheet ``about`` and one sheet per table of the year."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs

    export = _prepare(ledger, user, year, path, folder=False)
    book = Workbook(write_only=True)
    for table in (about(export), *export.tables):
        _sheet(book, table)
    tmp = _part(path, _new_file)
    try:
        book.save(str(tmp))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return export


# --- Fiscal Data Package -----------------------------------------------------------------

FIELD_TYPES = {
    Kind.TEXT: "string",
    Kind.INTEGER: "integer",
    Kind.MONEY: "number",
    Kind.DATE: "date",
    Kind.BOOLEAN: "boolean",
}
_NAMES = (Column("name_kk"), Column("name_ru"), Column("name_en"))


def _budget_table(export: YearExport) -> tuple[Table, list[tuple[str, str, str]]]:
    """One row per (category, fund), a column per direction and phase: ``approved`` is the
    budget first adopted for the year, ``adjusted`` the version in force at 31 December
    (only when the council amended it), ``executed`` what was paid or received, net of
    reversals. Returns the table and its measures (column, direction, phase)."""
    end = f"{export.year:04d}-12-31"
    adopted = [v for v in export.versions if v.date <= end]
    phases = ["approved", "adjusted", "executed"] if len(adopted) > 1 else ["approved", "executed"]
    measures = [
        (f"{direction}_{phase}", direction, phase)
        for direction in (EXPENDITURE, REVENUE)
        for phase in phases
    ]
    first = adopted[0].lines if adopted else None
    last = adopted[-1].lines if adopted else None
    source = export.table("budget")
    rows: list[tuple[Cell, ...]] = []
    for kind, code, kk, ru, en, fund, actual in zip(
        source.column("kind"),
        source.column("category"),
        source.column("category_kk"),
        source.column("category_ru"),
        source.column("category_en"),
        source.column("fund"),
        source.column("actual"),
        strict=True,
    ):
        key = (str(code), str(fund))
        figures = {
            "approved": None if first is None else first.get(key, 0),
            "adjusted": None if last is None else last.get(key, 0),
            "executed": actual,
        }
        values = [
            figures[phase] if direction == kind else None for _c, direction, phase in measures
        ]
        rows.append((code, kk, ru, en, fund, kind, *values))
    columns = (
        Column("code"),
        *_NAMES,
        Column("fund"),
        Column("direction"),
        *(Column(name, Kind.MONEY) for name, _d, _p in measures),
    )
    return Table("budget", columns, rows), measures


def _entries_table(export: YearExport) -> Table:
    """The year's payments and receipts, one row each (a reversal as a negative amount in
    its original's column); transfers and openings are neither revenue nor expenditure."""
    source = export.table("transactions")
    names = [c.name for c in source.columns]
    at = {name: names.index(name) for name in names}
    rows: list[tuple[Cell, ...]] = []
    for row in source.rows:
        kind = row[at["type"]]
        if kind not in ("payment", "receipt"):
            continue
        amount = row[at["amount"]]
        rows.append(
            (
                row[at["id"]],
                row[at["date"]],
                EXPENDITURE if kind == "payment" else REVENUE,
                row[at["category"]],
                row[at["category_kk"]],
                row[at["category_ru"]],
                row[at["category_en"]],
                row[at["fund"]],
                row[at["counterparty"]],
                row[at["description"]],
                row[at["reference"]],
                row[at["reverses"]],
                amount if kind == "payment" else None,
                amount if kind == "receipt" else None,
            )
        )
    columns = (
        Column("id", Kind.INTEGER),
        Column("date", Kind.DATE),
        Column("direction"),
        Column("code"),
        *_NAMES,
        Column("fund"),
        Column("counterparty"),
        Column("description"),
        Column("reference"),
        Column("reverses", Kind.INTEGER),
        Column("paid", Kind.MONEY),
        Column("received", Kind.MONEY),
    )
    return Table("entries", columns, rows)


def _resource(table: Table, title: str) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": table.name,
        "path": f"{table.name}.csv",
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": c.name, "type": FIELD_TYPES[c.kind]}
                | ({"format": "default"} if c.kind is Kind.DATE else {})
                for c in table.columns
            ],
            "missingValues": [""],
        },
    }


def _measure(source: str, resource: str, direction: str, phase: str) -> dict[str, str]:
    return {
        "source": source,
        "resource": resource,
        "currency": CURRENCY,
        "direction": direction,
        "phase": phase,
    }


def _attribute(source: str, resource: str, labelfor: str | None = None) -> dict[str, str]:
    found = {"source": source, "resource": resource}
    return found | {"labelfor": labelfor} if labelfor else found


def _labelled(resource: str) -> dict[str, dict[str, str]]:
    return {
        "code": _attribute("code", resource),
        **{c.name: _attribute(c.name, resource, "code") for c in _NAMES},
    }


def descriptor(export: YearExport, budget: Table, entries: Table, measures: list[Any]) -> Any:
    """``datapackage.json``: a Tabular Data Package whose ``model`` (Fiscal Data Package)
    names each amount column a measure in KZT with its direction and phase."""
    year = export.year
    model_measures = {
        name: _measure(name, "budget", direction, phase) for name, direction, phase in measures
    }
    model_measures["paid"] = _measure("paid", "entries", EXPENDITURE, "executed")
    model_measures["received"] = _measure("received", "entries", REVENUE, "executed")
    return {
        "profile": "tabular-data-package",
        "name": f"ruralcouncil-{export.ledger_id[:12]}-{year}",
        "title": f"{export.village}: {year}",
        "description": (
            f"The budget of {year} against what was paid and received, and the year's "
            "payments and receipts, from the ledger of the village's council (RuralCouncil)."
        ),
        "countryCode": COUNTRY,
        "fiscalPeriod": {"start": f"{year:04d}-01-01", "end": f"{year:04d}-12-31"},
        "chain": {"entries": export.entries, "head": export.head, "ledger": export.ledger_id},
        "resources": [
            _resource(budget, f"Budget {year}: approved, adjusted and executed"),
            _resource(entries, f"Payments and receipts {year}"),
        ],
        "model": {
            "measures": model_measures,
            "dimensions": {
                "budget_category": {
                    "dimensionType": "classification",
                    "attributes": _labelled("budget"),
                    "primaryKey": "code",
                },
                "budget_fund": {
                    "dimensionType": "other",
                    "attributes": {"fund": _attribute("fund", "budget")},
                    "primaryKey": "fund",
                },
                "entry": {
                    "dimensionType": "fact",
                    "attributes": {"id": _attribute("id", "entries")},
                    "primaryKey": "id",
                },
                "entry_date": {
                    "dimensionType": "datetime",
                    "attributes": {"date": _attribute("date", "entries")},
                    "primaryKey": "date",
                },
                "entry_category": {
                    "dimensionType": "classification",
                    "attributes": _labelled("entries"),
                    "primaryKey": "code",
                },
                "entry_fund": {
                    "dimensionType": "other",
                    "attributes": {"fund": _attribute("fund", "entries")},
                    "primaryKey": "fund",
                },
                "counterparty": {
                    "dimensionType": "entity",
                    "attributes": {"counterparty": _attribute("counterparty", "entries")},
                    "primaryKey": "counterparty",
                },
            },
        },
    }


def export_fdp(ledger: Ledger, user: User, year: int, path: Path) -> YearExport:
    """The folder ``path``: ``datapackage.json``, ``budget.csv`` and ``entries.csv``."""
    export = _prepare(ledger, user, year, path, folder=True)
    budget, measures = _budget_table(export)
    entries = _entries_table(export)
    with _whole_folder(path) as tmp:
        for table in (budget, entries):
            _write_csv(tmp / f"{table.name}.csv", table, "utf-8")
        text = json.dumps(
            descriptor(export, budget, entries, measures), ensure_ascii=False, indent=2
        )
        (tmp / "datapackage.json").write_text(text + "\n", encoding="utf-8")
    return export


Exporter = Callable[[Ledger, User, int, Path], YearExport]
EXPORTERS: dict[str, tuple[Exporter, bool]] = {
    "csv": (export_csv, True),  # (how, whether PATH is a folder)
    "xlsx": (export_xlsx, False),
    "fdp": (export_fdp, True),
}
