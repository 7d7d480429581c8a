"""The district's commands (DESIGN §4.5): ``consolidate PATH... -o STORE [--json]`` and
``district summary --store STORE --year Y [--json]`` (``district report`` is to come).

DuckDB is imported only when one of them runs: the village program never loads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
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
    s.add_argument(
        "--store", required=True, metavar="STORE", path=True, help=_("the district store")
    )
    s.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    json_arg(s)
