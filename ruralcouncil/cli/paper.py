"""Checking paper against the ledger (DESIGN §4.4): ``verify-report CODE [--json]``.

Read-only, anyone. Exit 0 when the code matches this ledger's history, printing what the
document covered and its totals for the person holding the paper to compare; exit 1 on any
non-match, a malformed code included, with the reason.
"""

from __future__ import annotations

import argparse
from typing import Any

from ruralcouncil.cli.common import EXIT_OK, EXIT_PROBLEM, command, print_json, reader, say
from ruralcouncil.i18n import _


def cmd_verify_report(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.verification import check

    with reader(args) as ledger:
        verdict = check(ledger, args.code)
    if args.json:
        print_json(verdict.as_json())
    elif verdict.matches:
        assert verdict.code is not None
        say(_("The code matches this ledger's history."))
        say(_("Document: {document}").format(document=verdict.document))
        say(_("Covers: {covers}").format(covers=verdict.covers))
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
