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
    from ruralcouncil.reports.codes import CodedPdf, Period
    from ruralcouncil.reports.summary_pdf import SummaryPdf


def _output(args: argparse.Namespace) -> Path:
    """The file to write: refused when it exists or its folder does not."""
    from ruralcouncil.reports.pdf_file import check_new_output

    path = Path(args.output)
    check_new_output(path)
    return path


def _written(pdf: CodedPdf | SummaryPdf) -> int:
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


def _period(args: argparse.Namespace, *, month: bool = False) -> Period:
    """The period asked for: ``--year`` with ``--quarter`` or (``month``) ``--month``, not both."""
    from ruralcouncil.cli.common import parse_year
    from ruralcouncil.reports.codes import Period

    year = parse_year(args.year)
    quarter = _number(
        args.quarter, 4, _("The quarter must be 1, 2, 3 or 4, not {text}. Nothing was written.")
    )
    which = _number(
        getattr(args, "month", None),
        12,
        _("The month must be 1 to 12, not {text}. Nothing was written."),
    )
    if quarter is not None and which is not None:
        raise Refused(_("Give a quarter or a month, not both. Nothing was written."))
    return Period(year, quarter=quarter, month=which if month else None)


def _number(text: str | None, most: int, message: str) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 2 and 1 <= int(text) <= most):
        raise Refused(message.format(text=repr(text[:20])))
    return int(text)


def _alongside(args: argparse.Namespace) -> str | None:
    """The second language: --alongside ru|kk|en|none, by default Russian beside Kazakh."""
    from ruralcouncil.reports.transparency import AUTO

    value = args.alongside
    return AUTO if value is None else None if value == "none" else str(value)


def cmd_transparency(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.transparency import render_transparency

    period = _period(args)
    path = _output(args)
    with reader(args) as ledger:
        pdf = render_transparency(ledger, period, path, args.document_lang, _alongside(args))
    return _written(pdf)


def cmd_poster(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.common import parse_year
    from ruralcouncil.reports.poster import render_poster

    year = parse_year(args.year)
    path = _output(args)
    with reader(args) as ledger:
        pdf = render_poster(ledger, year, path, args.document_lang, _alongside(args))
    return _written(pdf)


def cmd_budget_execution(args: argparse.Namespace) -> int:
    from ruralcouncil.reports.budget_execution import render_budget_execution

    period = _period(args, month=True)
    path = _output(args)
    with reader(args) as ledger:
        return _written(render_budget_execution(ledger, period, path, args.document_lang))


def cmd_summary(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.common import parse_year
    from ruralcouncil.reports.summary_pdf import render_summary_pdf

    year = parse_year(args.year)
    path = _output(args)
    with reader(args) as ledger:
        return _written(render_summary_pdf(ledger.conn, year, path, args.document_lang))


def _alongside_arg(p: Any) -> None:
    p.add_argument(
        "--alongside",
        choices=[*sorted(i18n.LANGUAGES), "none"],
        help=_("a second language beside the first (default: Russian beside Kazakh)"),
    )


def document_args(p: Any) -> None:
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
    p = command(
        actions, "summary", cmd_summary, _("the year's summary: receipts, payments, boxes, cash")
    )
    p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    document_args(p)
    p = command(actions, "donor-receipt", cmd_donor_receipt, _("a donor's receipt for a gift"))
    p.add_argument("id", metavar="ID", help=_("the donation"))
    document_args(p)
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
    document_args(p)
    p = command(
        actions,
        "household-receipt",
        cmd_household_receipt,
        _("a household's receipt of its contributions to a project"),
    )
    p.add_argument("--project", required=True, metavar="P")
    p.add_argument("--household", required=True, metavar="H")
    document_args(p)
    p = command(
        actions,
        "arrears",
        cmd_arrears,
        _("the list of rent in arrears at a date, lease by lease"),
    )
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    document_args(p)
    p = command(
        actions,
        "transparency",
        cmd_transparency,
        _("the report to residents for a year or a quarter"),
    )
    p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    p.add_argument("--quarter", metavar="Q", help=_("1 to 4 (default: the whole year)"))
    _alongside_arg(p)
    document_args(p)
    p = command(actions, "poster", cmd_poster, _("the one-page notice-board poster of a year"))
    p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    _alongside_arg(p)
    document_args(p)
    p = command(
        actions,
        "budget-execution",
        cmd_budget_execution,
        _("budget against actual by program and fund, for a year, a quarter or a month"),
    )
    p.add_argument("--year", required=True, metavar="YYYY", help=_("calendar year"))
    p.add_argument("--quarter", metavar="Q", help=_("1 to 4 (default: the whole year)"))
    p.add_argument("--month", metavar="M", help=_("1 to 12, instead of a quarter"))
    document_args(p)
    from ruralcouncil.cli import returns  # the annual return's own module adds its report

    returns.add_annual_return(actions)
