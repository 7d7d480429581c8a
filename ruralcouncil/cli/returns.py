"""The annual return (DESIGN §2.7, §4.4): ``governance answer|list``, ``variance
explain|list``, ``reconcile [approve|show]``, ``audit answer|sign|list``, ``return
show|finalise|inspection``; and ``report annual-return``.

Extensions beyond DESIGN §4.4, for the parts of the return it names without a command:
``reconcile approve --year Y --user CHAIR`` (the chair approves the latest reconciliation),
``audit sign --year Y --from D --to D [--name T] --user AUDITOR`` (the auditor's name and
the dates of the audit), ``return inspection --year Y --from D --to D --place T [--how T]
--user CLERK`` (the residents' inspection period), and ``return finalise --reason T`` for
a second version or later. A command that records something prints its id (``--json``: the
object); ``list``/``show`` print JSON with ``--json``. Amounts typed are tenge; JSON is tiyn.
"""

from __future__ import annotations

import argparse
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
    subject,
    user_arg,
    warn,
)
from ruralcouncil.cli.council import a_ref, created, date_arg, event_day
from ruralcouncil.cli.parsing import Parser
from ruralcouncil.i18n import _


def _year(args: argparse.Namespace) -> int:
    return parse_year(not_blank(args.year, "--year"))


def _day(text: str, what: str) -> Any:
    from ruralcouncil.ledger.dates import parse_date

    return parse_date(not_blank(text, what))


# --- Section 1 ---------------------------------------------------------------------------


def cmd_governance_answer(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import annual_return

    year = _year(args)
    assertion = annual_return.parse_assertion(args.assertion)
    given = annual_return.parse_answer(args.answer)
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    with as_user(args, "governance answer") as (ledger, user):
        new_id = annual_return.answer_assertion(
            ledger, user, year, assertion, given, args.explanation or "", ref
        )
        shown = annual_return.governance_answers(ledger.conn, year)[assertion].as_json()
    created(args, {"id": new_id, "year": year, **shown}, str(new_id))
    return EXIT_OK


def cmd_governance_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import annual_return

    year = _year(args)
    with reader(args) as ledger:
        found = annual_return.governance_answers(ledger.conn, year)
    if args.json:
        print_json([a.as_json() for a in found.values()])
        return EXIT_OK
    for n, text in annual_return.ASSERTIONS.items():
        a = found.get(n)
        answer = _(annual_return.ANSWER_NAMES[a.answer]) if a else "—"
        say(f"{n}. {answer:<4} {a.resolution if a else '':<9} {_(text)}")
        if a and a.explanation:
            say(f"        {a.explanation}")
    return EXIT_OK


# --- variances -----------------------------------------------------------------------------


def cmd_variance_explain(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import variances
    from ruralcouncil.ledger.parse import parse_id

    year = _year(args)
    box = parse_id(args.box, "--box")
    text = not_blank(args.text, "--text")
    with as_user(args, "variance explain") as (ledger, user):
        new_id = variances.explain(ledger, user, year, box, text)
    created(args, {"id": new_id, "year": year, "box": box, "text": text}, str(new_id))
    return EXIT_OK


def cmd_variance_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import variances
    from ruralcouncil.ledger.money import format_amount

    year = _year(args)
    with reader(args) as ledger:
        found = variances.variances(ledger.conn, year)
    if args.json:
        print_json([v.as_json() for v in found])
        return EXIT_OK
    for v in found:
        mark = _("needs an explanation") if v.needed else ""
        say(f"{v.box:>3}  {format_amount(v.prior):>20}  {format_amount(v.current):>20}  {mark}")
        if v.explanation:
            say(f"       {v.explanation}")
    return EXIT_OK


# --- the bank reconciliation ---------------------------------------------------------------


def _statements(items: list[str]) -> dict[str, int]:
    from ruralcouncil.ledger.money import parse_amount
    from ruralcouncil.ledger.parse import parse_code

    found: dict[str, int] = {}
    for item in items:
        code, sep, amount = item.partition("=")
        if not sep:
            raise Refused(
                _("--statement {item} must be ACCOUNT=AMOUNT, such as BANK=1500000.").format(
                    item=item[:40]
                )
            )
        account = parse_code(code.strip())
        if account in found:
            raise Refused(_("{code} is given twice.").format(code=account))
        found[account] = parse_amount(amount)
    return found


def _numbers(text: str | None) -> list[int]:
    from ruralcouncil.ledger.parse import parse_ids

    return parse_ids(text or "", _("The entry"))


def _reconciliation_json(ledger: Any, year: int) -> dict[str, object] | None:
    from ruralcouncil.ledger import reconciliation

    found = reconciliation.latest(ledger.conn, year)
    return found.as_json() if found else None


def cmd_reconcile(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import reconciliation
    from ruralcouncil.ledger.money import format_amount

    year = _year(args)
    if args.action == "show":
        with reader(args) as ledger:
            shown = _reconciliation_json(ledger, year)
        if shown is None:
            raise Refused(
                _("No bank reconciliation of {year} has been recorded.").format(year=year)
            )
        print_json(shown)
        return EXIT_OK
    if not args.user:
        raise Refused(_("{field} is required.").format(field="--user"))
    if args.action == "approve":
        on = event_day(args)
        with as_user(args, "reconcile approve") as (ledger, user):
            reconciliation.approve(ledger, user, year, on)
            shown = _reconciliation_json(ledger, year)
        assert shown is not None
        created(args, shown, str(shown["id"]))
        return EXIT_OK
    if not args.statement:
        raise Refused(_("--statement ACCOUNT=AMOUNT is required."))
    statements = _statements(args.statement)
    unpresented, unbanked = _numbers(args.unpresented), _numbers(args.unbanked)
    with as_user(args, "reconcile") as (ledger, user):
        reconciliation.reconcile(
            ledger, user, year, statements, unpresented, unbanked, args.explanation or ""
        )
        shown = _reconciliation_json(ledger, year)
    assert shown is not None
    if not shown["agrees"]:
        warn(
            _(
                "The reconciliation does not agree with the cash book: a difference of "
                "{amount}. It was recorded; it cannot be approved until it agrees."
            ).format(amount=format_amount(int(str(shown["difference"]))))
        )
    created(args, shown, str(shown["id"]))
    return EXIT_OK


# --- the internal audit ----------------------------------------------------------------------


def cmd_audit_answer(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import internal_audit

    year = _year(args)
    objective = internal_audit.parse_objective(args.objective)
    given = internal_audit.parse_answer(args.answer)
    with as_user(args, "audit answer") as (ledger, user):
        new_id = internal_audit.answer(ledger, user, year, objective, given, args.comment or "")
        shown = internal_audit.answers(ledger.conn, year)[objective].as_json()
    created(args, {"id": new_id, "year": year, **shown}, str(new_id))
    return EXIT_OK


def cmd_audit_sign(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import internal_audit

    year = _year(args)
    starts, ends = _day(args.starts, "--from"), _day(args.ends, "--to")
    with as_user(args, "audit sign") as (ledger, user):
        new_id = internal_audit.sign(ledger, user, year, starts, ends, args.name or "")
        signed = internal_audit.signoff(ledger.conn, year)
    assert signed is not None
    created(args, {"id": new_id, "year": year, **signed.as_json()}, str(new_id))
    return EXIT_OK


def cmd_audit_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import internal_audit

    year = _year(args)
    with reader(args) as ledger:
        found = internal_audit.answers(ledger.conn, year)
        signed = internal_audit.signoff(ledger.conn, year)
        evidence = internal_audit.evidence(ledger.conn, year) if args.evidence else {}
    rows = [
        {
            "objective": n,
            "answer": found[n].answer.value if n in found else None,
            "comment": found[n].comment if n in found else "",
            **({"evidence": evidence.get(n, [])} if args.evidence else {}),
        }
        for n in internal_audit.OBJECTIVES
    ]
    if args.json:
        print_json(rows)
        return EXIT_OK
    for n, text in internal_audit.OBJECTIVES.items():
        a = found.get(n)
        answer = _(internal_audit.AUDIT_ANSWER_NAMES[a.answer]) if a else "—"
        say(f"{n:>2}. {answer:<12} {_(text)}")
        if a and a.comment:
            say(f"      {a.comment}")
        for finding in evidence.get(n, []):
            say(f"      ! {finding}")
    if signed:
        say(
            _("Signed by {name}, audit from {starts} to {ends}.").format(
                name=signed.auditor, starts=signed.starts, ends=signed.ends
            )
        )
    return EXIT_OK


# --- the return as a whole ---------------------------------------------------------------


def cmd_return_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import annual_return
    from ruralcouncil.ledger.money import format_amount

    year = _year(args)
    with reader(args) as ledger:
        found = annual_return.read(ledger.conn, year)
    shown = found.as_json()
    if args.json:
        print_json(shown)
        return EXIT_OK
    status = shown["version"]
    if found.final:
        say(_("The return for {year}: version {n}, finalised.").format(year=year, n=status))
    else:
        say(_("The return for {year}: a draft.").format(year=year))
    for box in range(1, 11):
        prior, current = found.prior_boxes[box], found.boxes[box]
        say(f"{box:>3}  {format_amount(prior):>20}  {format_amount(current):>20}")
    for line in found.missing():
        say(f"- {line}")
    return EXIT_OK


def cmd_return_finalise(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import annual_return

    year = _year(args)
    on = event_day(args)
    with as_user(args, "return finalise") as (ledger, user):
        version = annual_return.finalise(ledger, user, year, args.reason or "", on)
        found = annual_return.read(ledger.conn, year)
    shown = {"id": version, "year": year, "version": version, "digest": found.digest}
    created(args, shown, str(version))
    return EXIT_OK


def cmd_return_inspection(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import annual_return

    year = _year(args)
    starts, ends = _day(args.starts, "--from"), _day(args.ends, "--to")
    place = not_blank(args.place, "--place")
    with as_user(args, "return inspection") as (ledger, user):
        new_id = annual_return.set_inspection(
            ledger, user, year, starts, ends, place, args.how or ""
        )
        found = annual_return.inspection(ledger.conn, year)
    assert found is not None
    created(args, {"id": new_id, "year": year, **found.as_json()}, str(new_id))
    return EXIT_OK


# --- the parser --------------------------------------------------------------------------


def _year_arg(p: Any) -> None:
    p.add_argument("--year", required=True, metavar="YYYY", help=_("the return's year"))


def register(commands: Any) -> None:
    actions = subject(commands, "governance", _("Section 1 of the annual return: answer, list"))
    p = command(actions, "answer", cmd_governance_answer, _("answer an assertion by resolution"))
    _year_arg(p)
    p.add_argument("--assertion", required=True, metavar="N", help="1-9")
    p.add_argument("--answer", required=True, metavar="yes|no")
    p.add_argument("--explanation", metavar="TEXT", help=_("required for a No"))
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "list", cmd_governance_list, _("the answers of a year"))
    _year_arg(p)
    json_arg(p)

    actions = subject(commands, "variance", _("significant variances: explain, list"))
    p = command(actions, "explain", cmd_variance_explain, _("explain a box's variance"))
    _year_arg(p)
    p.add_argument("--box", required=True, metavar="B")
    p.add_argument("--text", required=True, metavar="TEXT")
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_variance_list, _("the boxes and what needs explaining"))
    _year_arg(p)
    json_arg(p)

    p = command(
        commands,
        "reconcile",
        cmd_reconcile,
        _("the bank reconciliation at 31 December (approve: the chair; show: read it)"),
    )
    p.add_argument("action", nargs="?", choices=("approve", "show"), default=None)
    _year_arg(p)
    p.add_argument(
        "--statement",
        action="extend",
        nargs="+",
        metavar="ACC=AMOUNT",
        help=_("each bank statement's balance, and the cash counted in the box (tenge)"),
    )
    if isinstance(p, Parser):  # several values, each checked as an option given again is
        p.list_arguments.add("statement")
    p.add_argument("--unpresented", metavar="ID,...", help=_("payments the bank had not paid"))
    p.add_argument("--unbanked", metavar="ID,...", help=_("receipts not yet banked"))
    p.add_argument("--explanation", metavar="TEXT", help=_("why box 8 differs from box 7"))
    date_arg(p)
    json_arg(p)
    p.add_argument(
        "--user", metavar="NAME", help=_("who is acting (admin, clerk; chair to approve)")
    )

    actions = subject(commands, "audit", _("the internal audit: answer, sign, list"))
    p = command(actions, "answer", cmd_audit_answer, _("answer a control objective"))
    _year_arg(p)
    p.add_argument("--objective", required=True, metavar="N", help="1-13")
    p.add_argument("--answer", required=True, metavar="yes|no|not-covered")
    p.add_argument("--comment", metavar="TEXT", help=_("required for No and Not covered"))
    json_arg(p)
    user_arg(p, "auditor")
    p = command(actions, "sign", cmd_audit_sign, _("sign the audit: name and dates"))
    _year_arg(p)
    p.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--name", metavar="TEXT", help=_("default: the auditor's full name"))
    json_arg(p)
    user_arg(p, "auditor")
    p = command(actions, "list", cmd_audit_list, _("the answers of a year"))
    _year_arg(p)
    p.add_argument(
        "--evidence", action="store_true", help=_("add what the ledger shows per objective")
    )
    json_arg(p)

    actions = subject(commands, "return", _("the annual return: show, finalise, inspection"))
    p = command(actions, "show", cmd_return_show, _("the whole return and what is missing"))
    _year_arg(p)
    json_arg(p)
    p = command(actions, "finalise", cmd_return_finalise, _("freeze the return; closes the year"))
    _year_arg(p)
    p.add_argument("--reason", metavar="TEXT", help=_("required for version 2 and later"))
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "inspection", cmd_return_inspection, _("the residents' inspection period"))
    _year_arg(p)
    p.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--place", required=True, metavar="TEXT")
    p.add_argument("--how", metavar="TEXT")
    json_arg(p)
    user_arg(p, "admin, clerk")


def cmd_report_annual_return(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.reports import _output, _written
    from ruralcouncil.reports.annual_return import render_annual_return

    year = _year(args)
    path = _output(args)
    with reader(args) as ledger:
        return _written(render_annual_return(ledger, year, path, args.document_lang))


def add_annual_return(actions: Any) -> None:
    """Adds ``report annual-return`` to the ``report`` subject's actions."""
    from ruralcouncil.cli.reports import document_args

    p = command(
        actions,
        "annual-return",
        cmd_report_annual_return,
        _("the limited-assurance annual return (a marked draft until finalised)"),
    )
    _year_arg(p)
    document_args(p)
