"""Printed documents (DESIGN §4.4): ``report donor-receipt``, ``report contributors``,
``report household-receipt``, ``report arrears``.

Read-only: no login. The document's language is the ``--lang`` given after ``report KIND``;
the ``--lang`` given before the command is the language of messages (``subjects`` reads
only that one early). A report prints where it
wrote the file, then its verification code alone on the last line of standard output. An
output file that exists is refused (a printed document is never replaced by another), as is
an unknown donation, project or household, or a date that is not one: exit 2, the reason on
standard error, nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruralcouncil import i18n
from ruralcouncil.cli.common import EXIT_OK, Refused, command, not_blank, reader, say, subject
from ruralcouncil.cli.council import an_id
from ruralcouncil.i18n import _, ngettext

if TYPE_CHECKING:
    from ruralcouncil.reports.codes import CodedPdf


def _output(args: argparse.Namespace) -> Path:
    """The file to write: refused when it exists or its folder does not."""
    path = Path(args.output)
    if path.exists() or path.is_symlink():
        raise Refused(
            _("{path} already exists; choose another file name. Nothing was written.").format(
                path=path
            )
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise Refused(
            _("The folder {folder} does not exist. Nothing was written.").format(folder=folder)
        )
    return path


def _written(pdf: CodedPdf) -> int:
    say(
        ngettext(
            "Written to {path} ({pages} page).", "Written to {path} ({pages} pages).", pdf.pages
        ).format(path=pdf.path, pages=pdf.pages)
    )
    say(pdf.code)
    return EXIT_OK


def cmd_donor_receipt(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.donor_receipt import render_donor_receipt

    donation_id = an_id(args.id, _("The donation"))
    path = _output(args)
    with reader(args) as ledger:
        return _written(render_donor_receipt(ledger, donation_id, path, args.document_lang))


def cmd_contributors(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.contributors import render_contributors

    project_id = an_id(args.id, _("The project"))
    path = _output(args)
    with reader(args) as ledger:
        pdf = render_contributors(
            ledger, project_id, path, args.document_lang, names=not args.no_names
        )
    return _written(pdf)


def cmd_household_receipt(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.contributors import render_household_receipt

    project_id = an_id(args.project, "--project")
    household_id = an_id(args.household, "--household")
    path = _output(args)
    with reader(args) as ledger:
        pdf = render_household_receipt(ledger, project_id, household_id, path, args.document_lang)
    return _written(pdf)


def cmd_arrears(args: argparse.Namespace) -> int:
    from datetime import date

    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.reports.arrears import render_arrears

    if args.at is None:
        on = date.today().isoformat()
    else:
        on = parse_date(not_blank(args.at, "--at")).isoformat()
    path = _output(args)
    with reader(args) as ledger:
        return _written(render_arrears(ledger, on, path, args.document_lang))


def _document_args(p: Any) -> None:
    p.add_argument(
        "--lang",
        dest="document_lang",
        choices=sorted(i18n.LANGUAGES),
        help=_("the document's language (default: the language of messages)"),
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE.pdf",
        path=True,
        help=_("the PDF to write (an existing file is refused)"),
    )


def register(commands: Any) -> None:
    actions = subject(
        commands,
        "report",
        _("printed documents with a verification code: donor-receipt, contributors, ..."),
    )
    p = command(actions, "donor-receipt", cmd_donor_receipt, _("a donor's receipt for a gift"))
    p.add_argument("id", metavar="ID", help=_("the donation"))
    _document_args(p)
    p = command(
        actions,
        "contributors",
        cmd_contributors,
        _("a community project's statement to its contributors"),
    )
    p.add_argument("id", metavar="P", help=_("the project"))
    p.add_argument(
        "--no-names",
        action="store_true",
        help=_("count the households instead of naming them"),
    )
    _document_args(p)
    p = command(
        actions,
        "household-receipt",
        cmd_household_receipt,
        _("a household's receipt of its contributions to a project"),
    )
    p.add_argument("--project", required=True, metavar="P")
    p.add_argument("--household", required=True, metavar="H")
    _document_args(p)
    p = command(
        actions,
        "arrears",
        cmd_arrears,
        _("the list of rent in arrears at a date, lease by lease"),
    )
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    _document_args(p)
