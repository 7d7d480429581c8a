"""The budget and spending requests (DESIGN §4.2): budget adopt/show/versions, request
new/approve/reject/withdraw/cancel/list/show/attachment. Amounts typed are tenge; JSON is tiyn."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    write_new_file,
    year_arg,
)
from ruralcouncil.cli.council import a_ref, an_id, created, date_arg, event_day
from ruralcouncil.i18n import _

if TYPE_CHECKING:
    from ruralcouncil.ledger.spending import Request


def read_file(path: str, what: str) -> bytes:
    """A file the command stores or reads, or a refusal that says why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise Refused(
            _("{what} {path} cannot be read: {reason}").format(
                what=what, path=path, reason=exc.strerror or exc
            )
        ) from None


# --- the budget --------------------------------------------------------------------------


def cmd_budget_adopt(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import budget, meetings
    from ruralcouncil.ledger.dates import shown_date

    year = parse_year(args.year)
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    on = event_day(args)
    data = read_file(args.file, "FILE.csv")
    with as_user(args, "budget adopt") as (ledger, user):
        # An adoption takes the date of the resolution's meeting (the core dates it so).
        decided = meetings.get_resolution(ledger.conn, ref).date
        if on is not None and on.isoformat() != decided:
            raise Refused(
                _("A budget adopted by resolution takes the date of its meeting ({day}).").format(
                    day=shown_date(decided)
                )
            )
        version = budget.adopt(ledger, user, year, data, ref)
    shown = {"id": version, "year": year, "version": version, "resolution": ref, "date": decided}
    created(args, shown, str(version))
    return EXIT_OK


def cmd_budget_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import budget
    from ruralcouncil.ledger.money import format_amount

    year = parse_year(args.year)
    on = event_day(args)
    if on is not None and on.year != year:
        raise Refused(_("--date {day} is not in {year}.").format(day=on.isoformat(), year=year))
    with reader(args) as ledger:
        lines = budget.show(ledger.conn, year, on)
    if args.json:
        print_json([line.as_json() for line in lines])
        return EXIT_OK
    for line in lines:
        if line.kind == "expenditure":
            figures: tuple[int, ...] = (
                line.appropriated,
                line.committed,
                line.paid,
                line.remaining,
            )
        else:
            figures = (line.estimate, line.received)
        shown = "  ".join(f"{format_amount(v):>18}" for v in figures)
        say(f"{line.category:<16} {line.fund:<10} {shown}")
    if not lines:
        say(_("No budget and nothing spent or received in {year}.").format(year=year))
    return EXIT_OK


def cmd_budget_versions(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import budget
    from ruralcouncil.ledger.money import format_amount

    year = parse_year(args.year)
    with reader(args) as ledger:
        found = budget.versions(ledger.conn, year)
    shown = [
        {
            "id": v.version,
            "year": v.year,
            "version": v.version,
            "resolution": v.resolution,
            "date": v.date,
            "lines": [
                {"category": code, "fund": fund, "amount": amount}
                for (code, fund), amount in sorted(v.lines.items())
            ],
        }
        for v in found
    ]
    if args.json:
        print_json(shown)
        return EXIT_OK
    for v in found:
        total = format_amount(sum(v.lines.values()))
        say(f"{v.version:>3}  {v.date}  {v.resolution:<9} {len(v.lines):>4}  {total:>20}")
    if not found:
        say(_("No budget was adopted for {year}.").format(year=year))
    return EXIT_OK


# --- spending requests -------------------------------------------------------------------


def request_json(conn: sqlite3.Connection, request: Request) -> dict[str, object]:
    from ruralcouncil.ledger import council, spending

    return {
        **request.as_json(council.user_names(conn)),
        "approved": request.approved,
        "cancelled": request.cancelled,
        "reason": request.ended_reason or None,
        "attachments": [
            {"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256}
            for a in spending.attachments(conn, request.id)
        ],
    }


def cmd_request_new(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import spending
    from ruralcouncil.ledger.money import parse_amount

    party_id = an_id(args.party, "--party")
    amount = parse_amount(args.amount)
    on = event_day(args)
    files = [(Path(path).name, read_file(path, "--attach")) for path in args.attach or []]
    with as_user(args, "request new") as (ledger, user):
        new_id = spending.draft(
            ledger, user, party_id, args.category, args.fund, amount, args.purpose, files, on
        )
        shown = request_json(ledger.conn, spending.get(ledger.conn, new_id))
    created(args, shown, str(new_id))
    return EXIT_OK


def _decided(args: argparse.Namespace, shown: dict[str, object], text: str) -> int:
    """After a decision: the request as it now is (``--json``), or a line that says so."""
    from ruralcouncil.ledger.spending import STATE_NAMES, State

    if args.json:
        print_json(shown)
    else:
        say(text.format(id=shown["id"], state=_(STATE_NAMES[State(str(shown["state"]))])))
    return EXIT_OK


def cmd_request_approve(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import spending

    request_id = an_id(args.id, _("The request"))
    ref = "" if args.resolution is None else a_ref(not_blank(args.resolution, "--resolution"))
    on = event_day(args)
    with as_user(args, "request approve") as (ledger, user):
        spending.approve(ledger, user, request_id, ref, on)
        shown = request_json(ledger.conn, spending.get(ledger.conn, request_id))
    return _decided(args, shown, _("Spending request {id} is approved."))


def cmd_request_end(args: argparse.Namespace) -> int:
    """reject, withdraw, cancel: each ends a request (or what it has unpaid) with a reason."""
    from ruralcouncil.ledger import spending

    request_id = an_id(args.id, _("The request"))
    reason = not_blank(args.reason, "--reason")
    on = event_day(args)
    action = args.request_command
    end = {"reject": spending.reject, "withdraw": spending.withdraw, "cancel": spending.cancel}
    with as_user(args, f"request {action}") as (ledger, user):
        end[action](ledger, user, request_id, reason, on)
        shown = request_json(ledger.conn, spending.get(ledger.conn, request_id))
    return _decided(args, shown, _("Spending request {id}: {state}."))


def cmd_request_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import spending
    from ruralcouncil.ledger.money import format_amount

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        found = spending.requests(ledger.conn, year=year, state=args.state)
        shown = [request_json(ledger.conn, r) for r in found]
    if args.json:
        print_json(shown)
        return EXIT_OK
    for r in found:
        say(
            f"{r.id:>5}  {r.date}  {r.state.value:<10} {r.category:<14} {r.fund:<10} "
            f"{format_amount(r.amount):>18}  {r.party}"
        )
    if not found:
        say(_("No spending requests."))
    return EXIT_OK


def cmd_request_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import spending
    from ruralcouncil.ledger.money import format_amount

    request_id = an_id(args.id, _("The request"))
    with reader(args) as ledger:
        shown = request_json(ledger.conn, spending.get(ledger.conn, request_id))
    if args.json:
        print_json(shown)
        return EXIT_OK
    for key in ("id", "date", "state", "party_name", "category", "fund", "purpose", "drafted_by"):
        say(f"{key:<12} {shown[key]}")
    for key in ("amount", "approved", "paid", "unpaid"):
        say(f"{key:<12} {format_amount(int(str(shown[key])))}")
    for key in ("approved_by", "approved_on", "resolution", "reason"):
        if shown[key] is not None:
            say(f"{key:<12} {shown[key]}")
    for item in shown["attachments"]:  # type: ignore[attr-defined]
        say(f"  {item['id']:>5}  {item['filename']}  {item['size']}  {item['sha256']}")
    return EXIT_OK


def cmd_request_attachment(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import spending

    attachment_id = an_id(args.id, _("The attachment"))
    out = Path(args.out)
    with reader(args) as ledger:
        filename, data = spending.attachment_data(ledger.conn, attachment_id)
    write_new_file(out, data)
    say(_("Wrote {name} ({size} bytes) to {path}.").format(name=filename, size=len(data), path=out))
    return EXIT_OK


# --- the parser --------------------------------------------------------------------------


def _register_budget(commands: Any) -> None:
    actions = subject(commands, "budget", _("the annual budget: adopt, show, versions"))
    p = command(actions, "adopt", cmd_budget_adopt, _("adopt or amend a year's budget"))
    p.add_argument("file", metavar="FILE.csv", path=True, help="category,fund,amount")
    year_arg(p, required=True)
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "show", cmd_budget_show, _("the budget against actual"))
    year_arg(p, required=True)
    date_arg(p)
    json_arg(p)
    p = command(actions, "versions", cmd_budget_versions, _("every adopted version"))
    year_arg(p, required=True)
    json_arg(p)


def register(commands: Any) -> None:
    _register_budget(commands)
    actions = subject(
        commands,
        "request",
        _("spending requests: new, approve, reject, withdraw, cancel, list, show, attachment"),
    )
    p = command(actions, "new", cmd_request_new, _("draft a spending request"))
    p.add_argument("--party", required=True, metavar="ID")
    p.add_argument("--category", required=True, metavar="CODE")
    p.add_argument("--fund", default="GENERAL")
    p.add_argument("--amount", required=True, help=_("tenge, such as 1 500 or 1500,50"))
    p.add_argument("--purpose", required=True, metavar="TEXT")
    p.add_argument("--attach", action="append", metavar="FILE", path=True)
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")

    p = command(actions, "approve", cmd_request_approve, _("approve a spending request"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--resolution", metavar="YYYY/N", help=_("needed above the chair's limit"))
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair")

    ends = (
        ("reject", _("reject a spending request"), "chair"),
        ("withdraw", _("withdraw a spending request"), "admin, clerk"),
        ("cancel", _("cancel what an approved request has unpaid"), "chair"),
    )
    for name, text, roles in ends:
        p = command(actions, name, cmd_request_end, text)
        p.add_argument("id", metavar="ID")
        p.add_argument("--reason", required=True, metavar="TEXT")
        date_arg(p)
        json_arg(p)
        user_arg(p, roles)

    p = command(actions, "list", cmd_request_list, _("list the spending requests"))
    year_arg(p)
    p.add_argument("--state", help="draft, approved, paid, rejected, withdrawn, cancelled")
    json_arg(p)
    p = command(actions, "show", cmd_request_show, _("show a spending request"))
    p.add_argument("id", metavar="ID")
    json_arg(p)
    p = command(actions, "attachment", cmd_request_attachment, _("save an attachment to a file"))
    p.add_argument("id", metavar="ATTACHMENT_ID")
    p.add_argument("--out", required=True, metavar="FILE", path=True)
