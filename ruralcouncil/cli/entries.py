"""Entries of the ledger: record, reverse, import-transactions, ledger, summary, close-year."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    as_user,
    command,
    parse_year,
    print_json,
    reader,
    say,
    user_arg,
    warn,
    year_arg,
)
from ruralcouncil.i18n import _, ngettext


def _warn_if_after_today(day: date) -> None:
    """A date after today is most likely a typing mistake: up to a year ahead it is said on
    standard error before anything is written. More than a year ahead the core refuses it
    unless ``--future`` confirmed it (``journal.date_warnings``)."""
    from ruralcouncil.ledger import journal

    warning = journal.date_warnings(day)
    if warning is not None and not warning.needs_confirmation:
        warn(warning.message)


def cmd_record(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.money import format_amount, parse_amount

    entry = journal.NewEntry(
        date=parse_date(args.date) if args.date else date.today(),
        type=journal.EntryType(args.type),
        amount=parse_amount(args.amount),
        category=args.category or None,
        fund=args.fund,
        account=args.account,
        to_account=args.to_account or None,
        counterparty=args.counterparty,
        description=args.description,
        reference=args.reference,
    )
    _warn_if_after_today(entry.date)
    with as_user(args, "record") as (ledger, user):
        entry_id = journal.record(ledger, user, entry, allow_future=args.future)
    say(
        _("Recorded entry {id}: {type} of {amount} on {date}.").format(
            id=entry_id,
            type=_(journal.ENTRY_TYPE_NAMES[entry.type]),
            amount=format_amount(entry.amount),
            date=entry.date.isoformat(),
        )
    )
    return EXIT_OK


def cmd_reverse(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.parse import parse_id

    number = parse_id(args.id, _("The entry number"))
    on = parse_date(args.date) if args.date else None
    if on is not None:
        _warn_if_after_today(on)
    with as_user(args, "reverse") as (ledger, user):
        new_id = journal.reverse(ledger, user, number, args.reason, on, allow_future=args.future)
    say(_("Entry {new} reverses entry {id}.").format(new=new_id, id=number))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.importer import import_transactions

    with as_user(args, "import") as (ledger, user):
        result = import_transactions(ledger, user, Path(args.file))
    say(
        ngettext(
            "Imported {rows} row from {file} as entries {first}-{last} (import {id}, "
            "SHA-256 {sha}).",
            "Imported {rows} rows from {file} as entries {first}-{last} (import {id}, "
            "SHA-256 {sha}).",
            result.rows,
        ).format(
            rows=result.rows,
            file=args.file,
            first=result.first_id,
            last=result.last_id,
            id=result.import_id,
            sha=result.sha256,
        )
    )
    return EXIT_OK


def cmd_close_year(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal

    year = parse_year(args.year)
    with as_user(args, "close-year") as (ledger, user):
        journal.close_year(ledger, user, year)
    say(_("{year} is closed: nothing more can be posted in it.").format(year=year))
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import queries
    from ruralcouncil.ledger.money import format_amount

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        rows = queries.iterate(ledger.conn, queries.EntryFilter(year=year))
        if args.json:
            cutoff = queries.legacy_cutoff(ledger.conn)
            # Streamed one object a line: a million entries never sit in memory at once.
            out = sys.stdout
            out.write("[")
            for n, row in enumerate(rows):
                item = json.dumps(row.as_json(cutoff), ensure_ascii=False)
                out.write(("," if n else "") + "\n" + item)
            out.write("\n]\n")
            return EXIT_OK
        count = 0
        for row in rows:
            count += 1
            where = row.account + (f" → {row.to_account}" if row.to_account else "")
            note = ""
            if row.reverses is not None:
                note = "  " + _("(reverses {id})").format(id=row.reverses)
            elif row.reversed_by is not None:
                note = "  " + _("(reversed by {id})").format(id=row.reversed_by)
            text = " / ".join(t for t in (row.counterparty, row.description) if t)
            say(
                f"{row.id:>7}  {row.date}  {row.type:<8}  {format_amount(row.amount):>20}  "
                f"{row.category or '':<14}  {row.fund:<10}  {where:<12}  {text}{note}"
            )
        if count == 0:
            say(_("No entries."))
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.statements import BOX_MEANINGS, year_summary

    year = parse_year(args.year) if args.year else date.today().year
    with reader(args) as ledger:
        summary = year_summary(ledger.conn, year)
        if args.json:
            print_json(summary.as_json())
            return EXIT_OK
        # Names and amounts in words are for people: a script reading --json needs neither.
        from ruralcouncil.ledger import catalog, settings
        from ruralcouncil.ledger.money import format_amount

        names = {a.code: a.name() for a in catalog.book_accounts(ledger.conn)}
        village = settings.village_name(ledger.conn)
    say(_("{village}: the year {year}").format(village=village, year=year))
    for title, figures in ((_("Receipts"), summary.receipts), (_("Payments"), summary.payments)):
        say()
        say(title)
        if not figures:
            say("  " + _("none"))
        for code, amount in figures.items():
            say(f"  {code:<16} {names.get(code, ''):<45} {format_amount(amount):>22}")
    say()
    say(_("Annual return boxes"))
    for box, amount in sorted(summary.boxes.items()):
        say(f"  {box:>2}  {_(BOX_MEANINGS.get(box, '')):<50} {format_amount(amount):>22}")
    say()
    say(_("Cash at 31 December"))
    for code, amount in summary.cash.items():
        say(f"  {code:<16} {names.get(code, ''):<45} {format_amount(amount):>22}")
    say()
    say(
        _("Chain anchor: {entries}:{head}").format(
            entries=summary.chain_entries, head=summary.chain_head
        )
    )
    return EXIT_OK


def _import_keeps(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """The import record keeps the CSV's name."""
    return [("FILE.csv", Path(args.file))]


def _future_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--future",
        action="store_true",
        help=_("confirm a date more than a year after today (refused without it)"),
    )


def register(commands: Any) -> None:
    p = command(commands, "record", cmd_record, _("record a receipt, payment, transfer or opening"))
    p.add_argument("type", choices=["receipt", "payment", "transfer", "opening"])
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    p.add_argument("--amount", required=True, help=_("tenge, such as 1 500 or 1500,50"))
    p.add_argument("--category", default="", help=_("revenue source or expenditure program"))
    p.add_argument("--fund", default="GENERAL")
    p.add_argument("--account", default="BANK")
    p.add_argument("--to-account", default="")
    p.add_argument("--counterparty", default="")
    p.add_argument("--description", default="")
    p.add_argument("--reference", default="")
    _future_arg(p)
    user_arg(p, "admin, clerk")

    p = command(commands, "reverse", cmd_reverse, _("post the reversing entry of an entry"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True)
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    _future_arg(p)
    user_arg(p, "admin, clerk")

    p = command(commands, "import-transactions", cmd_import, _("import transactions from CSV"))
    p.add_argument("file", metavar="FILE.csv", path=True)
    user_arg(p, "admin, clerk")
    p.kept_names = _import_keeps

    p = command(commands, "ledger", cmd_ledger, _("list a year's transactions"))
    year_arg(p)
    p.add_argument("--json", action="store_true")

    p = command(commands, "summary", cmd_summary, _("the year's figures and annual-return boxes"))
    year_arg(p)
    p.add_argument("--json", action="store_true")

    p = command(commands, "close-year", cmd_close_year, _("close a fiscal year"))
    p.add_argument("year", metavar="YYYY")
    user_arg(p, "admin, chair")
