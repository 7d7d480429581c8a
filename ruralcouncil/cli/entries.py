"""Entries of the ledger: record (and record fund-transfer), reverse, import-transactions,
ledger, summary, close-year."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    Refused,
    as_user,
    command,
    json_arg,
    not_blank,
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


# Options of ``record fund-transfer`` alone, and those it has no use for (it names no
# category, counterparty or party; its description and reference come from the resolution).
_FUND_TRANSFER_ONLY = ("from_fund", "to_fund", "resolution")
_NOT_FOR_FUND_TRANSFER = (
    "category",
    "fund",
    "to_account",
    "counterparty",
    "description",
    "reference",
    "party",
    "request",
    "subsidy",
    "loan",
    "lease",
    "fine",
)


def _option(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _refuse_options(args: argparse.Namespace, dests: tuple[str, ...], kind: str) -> None:
    for dest in dests:
        if getattr(args, dest) is not None:
            raise Refused(
                _("{option} is not used with record {type}.").format(
                    option=_option(dest), type=kind
                )
            )


def _recorded(args: argparse.Namespace, entry_id: int, kind: str, amount: int, day: date) -> None:
    from ruralcouncil.ledger.money import format_amount

    if args.json:
        print_json({"id": entry_id, "type": args.type, "amount": amount, "date": day.isoformat()})
        return
    say(
        _("Recorded entry {id}: {type} of {amount} on {date}.").format(
            id=entry_id, type=kind, amount=format_amount(amount), date=day.isoformat()
        )
    )


def cmd_record(args: argparse.Namespace) -> int:
    if args.type == "fund-transfer":
        return _record_fund_transfer(args)
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.money import parse_amount
    from ruralcouncil.ledger.parse import parse_id

    _refuse_options(args, _FUND_TRANSFER_ONLY, args.type)
    entry = journal.NewEntry(
        date=parse_date(args.date) if args.date else date.today(),
        type=journal.EntryType(args.type),
        amount=parse_amount(args.amount),
        category=args.category or None,
        fund="GENERAL" if args.fund is None else args.fund,
        account=args.account,
        to_account=args.to_account or None,
        counterparty=args.counterparty or "",
        description=args.description or "",
        reference=args.reference or "",
    )
    party_id = None if args.party is None else parse_id(args.party, "--party")
    request_id = None if args.request is None else parse_id(args.request, "--request")
    register = _register_link(args)
    _warn_if_after_today(entry.date)
    with as_user(args, "record") as (ledger, user):
        entry_id = journal.record(
            ledger,
            user,
            entry,
            allow_future=args.future,
            request_id=request_id,
            party_id=party_id,
            register=register,
        )
    from ruralcouncil.ledger.entry_types import ENTRY_TYPE_NAMES

    kind = _(ENTRY_TYPE_NAMES[entry.type])
    _recorded(args, entry_id, kind, entry.amount, entry.date)
    return EXIT_OK


def _register_link(args: argparse.Namespace) -> Any:
    """The register the entry names (``--subsidy``, ``--loan``, ``--lease``, ``--fine``)."""
    from ruralcouncil.ledger.parse import parse_id
    from ruralcouncil.ledger.register_links import RegisterLink

    named = {
        name: parse_id(value, f"--{name}")
        for name in ("subsidy", "loan", "lease", "fine")
        if (value := getattr(args, name)) is not None
    }
    if len(named) > 1:
        raise Refused(_("An entry names one register at most."))
    if not named:
        return None
    return RegisterLink(**{f"{name}_id": value for name, value in named.items()})


def _record_fund_transfer(args: argparse.Namespace) -> int:
    """``record fund-transfer``: money moves from one fund to another within a cash account,
    by a resolution about ``fund-transfer:FROM:TO:AMOUNT``."""
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.meetings import parse_ref
    from ruralcouncil.ledger.money import parse_amount

    _refuse_options(args, _NOT_FOR_FUND_TRANSFER, args.type)
    source = not_blank(args.from_fund or "", "--from-fund")
    target = not_blank(args.to_fund or "", "--to-fund")
    ref = not_blank(args.resolution or "", "--resolution")
    year, number = parse_ref(ref)
    amount = parse_amount(args.amount)
    day = parse_date(args.date) if args.date else date.today()
    _warn_if_after_today(day)
    with as_user(args, "record fund-transfer") as (ledger, user):
        entry_id = journal.fund_transfer(
            ledger, user, day, source, target, amount, f"{year}/{number}", account=args.account
        )
    _recorded(args, entry_id, _("fund transfer"), amount, day)
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
    p = command(
        commands,
        "record",
        cmd_record,
        _("record a receipt, payment, transfer, opening or fund transfer"),
    )
    p.add_argument("type", choices=["receipt", "payment", "transfer", "opening", "fund-transfer"])
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    p.add_argument("--amount", required=True, help=_("tenge, such as 1 500 or 1500,50"))
    # Left None when not given, so that fund-transfer can tell what does not apply to it.
    p.add_argument("--category", help=_("revenue source or expenditure program"))
    p.add_argument("--fund", help=_("default: GENERAL"))
    p.add_argument("--account", default="BANK")
    p.add_argument("--to-account")
    p.add_argument("--counterparty")
    p.add_argument("--description")
    p.add_argument("--reference")
    p.add_argument("--party", metavar="ID", help=_("the party paid or paying"))
    p.add_argument("--request", metavar="ID", help=_("the approved spending request it pays"))
    p.add_argument("--subsidy", metavar="ID", help=_("a SUBSIDY receipt: the subsidy it is"))
    p.add_argument("--loan", metavar="ID", help=_("a LOAN-REPAY payment: the loan it repays"))
    p.add_argument("--lease", metavar="ID", help=_("a rent receipt: the lease it is paid under"))
    p.add_argument("--fine", metavar="ID", help=_("a FINES receipt: the fine it pays"))
    p.add_argument("--from-fund", metavar="F", help=_("fund-transfer: the fund money leaves"))
    p.add_argument("--to-fund", metavar="G", help=_("fund-transfer: the fund money goes to"))
    p.add_argument(
        "--resolution", metavar="YYYY/N", help=_("fund-transfer: the resolution that decided it")
    )
    json_arg(p)
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
