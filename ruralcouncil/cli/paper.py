"""Checking paper against the ledger (DESIGN §4.4): ``verify-report CODE [--json]``, or a
district report against its district store: ``verify-report CODE --store STORE`` (§4.5).

Read-only, anyone. Exit 0 when the code matches this ledger's history, printing what the
document covered and its totals for the person holding the paper to compare; exit 1 on any
non-match, a malformed code included, with the reason.
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
    print_json,
    reader,
    say,
)
from ruralcouncil.i18n import _

if TYPE_CHECKING:
    from ruralcouncil.reports.verification import Verdict


def _against_store(args: argparse.Namespace) -> Verdict:
    from ruralcouncil.district.store import open_store
    from ruralcouncil.reports.verification import check_store

    if args.db is not None:  # which one the code is to be checked against is not clear
        raise Refused(_("Give --db FILE or --store STORE, not both."))
    with open_store(Path(args.store), write=False) as store:
        return check_store(store, args.code)


def cmd_verify_report(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.verification import check

    if args.store is not None:
        verdict = _against_store(args)
    else:
        with reader(args) as ledger:
            verdict = check(ledger, args.code)
    if args.json:
        print_json(verdict.as_json())
    elif verdict.matches:
        assert verdict.code is not None
        if args.store is not None:
            say(_("The code matches this district store."))
        else:
            say(_("The code matches this ledger's history."))
        say(_("Document: {document}").format(document=verdict.document))
        say(_("Covers: {covers}").format(covers=verdict.covers))
        if args.store is not None:
            say(_("Read at the store's state {state}.").format(state=verdict.code.position))
        else:
            say(_("Read at chain position {position}.").format(position=verdict.code.position))
        for what, value in verdict.totals:
            say(f"  {what}: {value}")
        say(_("Compare these figures with the paper: they must be the same."))
    else:
        say(verdict.reason)
    return EXIT_OK if verdict.matches else EXIT_PROBLEM


def register(commands: Any) -> None:
    p = command(
        commands,
        "verify-report",
        cmd_verify_report,
        _("check a printed document's verification code against this ledger"),
    )
    p.add_argument("code", metavar="CODE", help=_("the code printed on the document"))
    p.add_argument("--json", action="store_true", help=_("print the answer as JSON"))
    p.add_argument(
        "--store",
        metavar="STORE",
        path=True,
        help=_("check a district report's code against this district store (not --db)"),
    )
