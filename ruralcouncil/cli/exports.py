"""Exports of a year (DESIGN §4.4): ``export csv|xlsx|fdp --year Y -o PATH --user U``.

An administrator or a clerk exports (DESIGN §4.1), so the command logs in like every command
that writes, though an export writes nothing to the ledger. ``csv`` and ``fdp`` write a
folder (created; an existing one must be empty), ``xlsx`` one file (never replaced). A bad
year, an existing output, a missing folder or a role that may not export: exit 2, the reason
on standard error, nothing written. What each format holds: ``reports.exports``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    as_user,
    command,
    not_blank,
    parse_year,
    say,
    subject,
    user_arg,
)
from ruralcouncil.i18n import _, ngettext


def _export(kind: str) -> Any:
    def handler(args: argparse.Namespace) -> int:
        from ruralcouncil.reports.exports import EXPORTERS
        from ruralcouncil.reports.pdf_file import check_new_output

        exporter, folder = EXPORTERS[kind]
        year = parse_year(not_blank(args.year, "--year"))
        path = Path(not_blank(args.output, "--output"))
        check_new_output(path, folder=folder)  # before the password is asked for
        with as_user(args, f"export {kind}") as (ledger, user):
            export = exporter(ledger, user, year, path)
        count = len(export.table("transactions").rows)
        say(
            ngettext(
                "Exported {year} to {path} ({n} entry).",
                "Exported {year} to {path} ({n} entries).",
                count,
            ).format(year=year, path=path, n=count)
        )
        return EXIT_OK

    return handler


def register(commands: Any) -> None:
    actions = subject(
        commands,
        "export",
        _("a year's transactions, budget, requests and registers as CSV, XLSX or open data"),
    )
    for kind, text, metavar, output in (
        (
            "csv",
            _("a folder of CSV files, one per table"),
            "FOLDER",
            _("the folder to create (an existing one must be empty)"),
        ),
        (
            "xlsx",
            _("one spreadsheet workbook, a sheet per table"),
            "FILE.xlsx",
            _("the workbook to write (an existing file is refused)"),
        ),
        (
            "fdp",
            _("an Open Fiscal Data Package: the budget and the year's payments and receipts"),
            "FOLDER",
            _("the folder to create (an existing one must be empty)"),
        ),
    ):
        p = command(actions, kind, _export(kind), text)
        p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
        p.add_argument("-o", "--output", required=True, metavar=metavar, path=True, help=output)
        user_arg(p, "admin, clerk")
