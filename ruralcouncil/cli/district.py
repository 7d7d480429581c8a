"""The district's commands (DESIGN §4.5): ``consolidate PATH... -o STORE [--json]`` and
``district summary --store STORE --year Y [--json]``, ``district report --store STORE --year Y
--lang L -o FILE.pdf [--days N]`` (the return and attention list with its verification code,
which ``verify-report CODE --store STORE`` checks).

DuckDB is imported only when one of them runs: the village program never loads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    Refused,
    command,
    json_arg,
    parse_year,
    print_json,
    say,
    subject,
    warn,
)
from ruralcouncil.cli.parsing import Parser
from ruralcouncil.i18n import N_, _

if TYPE_CHECKING:
    from ruralcouncil.district.attention import Attention
    from ruralcouncil.district.consolidate import Outcome
    from ruralcouncil.district.figures import DistrictSummary

STATUS_WORDS = {
    "loaded": N_("loaded"),
    "unchanged": N_("unchanged"),
    "grown": N_("grown"),
    "refused": N_("refused"),
    "rewritten": N_("rewritten"),
}


def _said(outcome: Outcome) -> None:
    village = f" ({outcome.village})" if outcome.village else ""
    line = f"{_(STATUS_WORDS[str(outcome.status)])}: {outcome.path}{village}"
    if outcome.merged:
        say(line)
        if outcome.problem:
            say("  " + outcome.problem)
    else:  # what needs the district's attention goes where a script sees it as a warning
        warn(line)
        warn("  " + (outcome.problem or ""))


def cmd_consolidate(args: argparse.Namespace) -> int:
    from ruralcouncil.district.consolidate import consolidate
    from ruralcouncil.district.store import open_store

    with open_store(Path(args.output), write=True) as store:
        outcomes = consolidate(store, [Path(p) for p in args.paths], None if args.json else _said)
    if args.json:
        print_json([o.as_json() for o in outcomes])
    else:
        merged = sum(1 for o in outcomes if o.merged)
        say(
            _("{merged} of {count} ledgers are in the district store {path}.").format(
                merged=merged, count=len(outcomes), path=args.output
            )
        )
    return EXIT_OK if all(o.merged for o in outcomes) else EXIT_PROBLEM


def _table(summary: DistrictSummary) -> None:
    from ruralcouncil.ledger.money import format_amount
    from ruralcouncil.reports.statements import BOX_MEANINGS

    say(_("The district's villages: the year {year}").format(year=summary.year))
    say()
    village, receipts, payments = _("Village"), _("Receipts"), _("Payments")
    carried = _("Carried forward")
    say(f"{village:<34} {receipts:>20} {payments:>20} {carried:>20}")
    for v in summary.villages:
        b = v.boxes
        say(
            f"{v.village[:34]:<34} {format_amount(b[2] + b[3]):>20} "
            f"{format_amount(b[4] + b[5] + b[6]):>20} {format_amount(b[7]):>20}"
        )
        say("  " + _("Chain anchor: {entries}:{head}").format(entries=v.entries, head=v.head))
    if not summary.villages:
        say("  " + _("none"))
    say()
    say(_("Annual return boxes, all villages together"))
    for box, amount in sorted(summary.boxes.items()):
        say(f"  {box:>2}  {_(BOX_MEANINGS.get(box, '')):<50} {format_amount(amount):>22}")


def cmd_summary(args: argparse.Namespace) -> int:
    from ruralcouncil.district.figures import district_summary
    from ruralcouncil.district.store import open_store

    year = parse_year(args.year)
    with open_store(Path(args.store), write=False) as store:
        summary = district_summary(store, year)
    if args.json:
        print_json(summary.as_json())
    else:
        _table(summary)
    return EXIT_OK


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and int(text) >= 1):
        raise Refused(
            _("--days must be a whole number of days from 1 to 999, not {text}.").format(
                text=repr(text[:20])
            )
        )
    return int(text)


def cmd_report(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.reports import _output, _written
    from ruralcouncil.district.store import open_store
    from ruralcouncil.reports.district_report import render_district_report

    year = parse_year(args.year)
    days = _days(args.days)
    path = _output(args)
    with open_store(Path(args.store), write=False) as store:
        pdf = render_district_report(store, year, path, args.document_lang, days=days)
    return _written(pdf)  # the code alone on the last line, as every report prints it


def _attention_said(found: list[Attention]) -> None:
    """Grouped by village, as the list is sorted."""
    from ruralcouncil.district.attention import CONCERN_NAMES

    last: tuple[str, str | None] | None = None
    for item in found:
        if (item.village, item.ledger) != last:
            last = (item.village, item.ledger)
            say()
            say(item.village or _("(a file of no known village)"))
        where = f" [{item.path}]" if item.path else ""
        say(f"  {_(CONCERN_NAMES[item.concern])}: {item.detail}{where}")
    if not found:
        say(_("Nothing needs the district's attention."))


def cmd_attention(args: argparse.Namespace) -> int:
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.district.store import open_store

    year = parse_year(args.year)
    days = _days(args.days)
    with open_store(Path(args.store), write=False) as store:
        found = attention_list(store, year, stale_days=days)
    if args.json:
        print_json([a.as_json() for a in found])
    else:
        say(_("What needs the district's attention: the year {year}").format(year=year))
        _attention_said(found)
    return EXIT_OK


def _store_and_year(p: Any, *, days: bool = False) -> None:
    """The options every district command reads: the store, the year, and for the
    attention list when a ledger counts as stale."""
    p.add_argument(
        "--store", required=True, metavar="STORE", path=True, help=_("the district store")
    )
    p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    if days:
        p.add_argument(
            "--days",
            default="60",
            metavar="N",
            help=_("a ledger not updated for more than this many days is stale (default 60)"),
        )


def register(commands: Any) -> None:
    p = command(
        commands,
        "consolidate",
        cmd_consolidate,
        _("verify village ledgers and load those that pass into a district store"),
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        path=True,
        help=_("a ledger file or backup, or a folder of them"),
    )
    if isinstance(p, Parser):  # (not a stand-in: another command was asked for)
        p.list_arguments.add("paths")  # several paths: each checked as a file name
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="STORE",
        path=True,
        help=_("the district store (created when there is none)"),
    )
    json_arg(p)
    actions = subject(commands, "district", _("the district's figures from its store"))
    s = command(actions, "summary", cmd_summary, _("a year's figures of every village"))
    _store_and_year(s)
    json_arg(s)
    a = command(
        actions, "attention", cmd_attention, _("what needs the district's attention in a year")
    )
    _store_and_year(a, days=True)
    json_arg(a)
    r = command(
        actions,
        "report",
        cmd_report,
        _("the district's return and attention list as a PDF, with a verification code"),
    )
    _store_and_year(r, days=True)
    from ruralcouncil.cli.reports import document_args

    document_args(r)
