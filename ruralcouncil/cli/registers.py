"""The registers of the village's other money (DESIGN §4.3): subsidy, loan, asset, lease,
fine. Amounts typed are tenge; JSON is tiyn. A command that creates something prints the new
id alone (or, with ``--json``, the new thing as one object)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    Refused,
    as_user,
    command,
    json_arg,
    not_blank,
    print_json,
    reader,
    say,
    subject,
    user_arg,
)
from ruralcouncil.cli.council import an_id, created, date_arg, event_day
from ruralcouncil.i18n import _


def _amount(text: str) -> int:
    from ruralcouncil.ledger.money import parse_amount

    return parse_amount(text)


def _day(text: str | None, what: str) -> date | None:
    from ruralcouncil.ledger.dates import parse_date

    return None if text is None else parse_date(not_blank(text, what))


def _figures(shown: dict[str, object], keys: tuple[str, ...]) -> None:
    from ruralcouncil.ledger.money import format_amount

    for key, value in shown.items():
        if key in keys and isinstance(value, int):
            say(f"{key:<16} {format_amount(value):>20}")
        elif isinstance(value, str | int) and value != "":
            say(f"{key:<16} {value}")


def _listed(args: argparse.Namespace, shown: list[dict[str, object]], line: Any, none: str) -> int:
    if args.json:
        print_json(shown)
        return EXIT_OK
    for item in shown:
        say(line(item))
    if not shown:
        say(none)
    return EXIT_OK


# --- subsidies ---------------------------------------------------------------------------


def cmd_subsidy_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import subsidies

    purpose = not_blank(args.purpose, "--purpose")
    justification = not_blank(args.justification, "--justification")
    asked = _amount(args.amount_asked)
    on = event_day(args)
    with as_user(args, "subsidy add") as (ledger, user):
        subsidy_id = subsidies.add(
            ledger, user, purpose, asked, justification, on, general=args.general
        )
        shown = subsidies.get(ledger.conn, subsidy_id).as_json()
    created(args, shown, str(subsidy_id))
    return EXIT_OK


def cmd_subsidy_decide(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import subsidies

    subsidy_id = an_id(args.id, _("The subsidy"))
    granted = _amount(args.granted) if args.granted.strip() not in ("0", "") else 0
    reference = not_blank(args.reference, "--reference")
    on = event_day(args)
    with as_user(args, "subsidy decide") as (ledger, user):
        subsidies.decide(ledger, user, subsidy_id, granted, reference, args.conditions or "", on)
        shown = subsidies.get(ledger.conn, subsidy_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Subsidy {id}: {state}.").format(id=subsidy_id, state=shown["state"]))
    return EXIT_OK


def cmd_subsidy_appeal(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import subsidies

    subsidy_id = an_id(args.id, _("The subsidy"))
    note = not_blank(args.note, "--note")
    on = event_day(args)
    with as_user(args, "subsidy appeal") as (ledger, user):
        subsidies.appeal(ledger, user, subsidy_id, note, on)
        shown = subsidies.get(ledger.conn, subsidy_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Subsidy {id}: the appeal is recorded.").format(id=subsidy_id))
    return EXIT_OK


def cmd_subsidy_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import subsidies
    from ruralcouncil.ledger.money import format_amount

    with reader(args) as ledger:
        shown = [s.as_json() for s in subsidies.subsidies(ledger.conn)]
    return _listed(
        args,
        shown,
        lambda s: (
            f"{s['id']:>4}  {s['date']}  {s['state']:<16} "
            f"{format_amount(int(str(s['granted']))):>18}  {s['purpose']}"
        ),
        _("No subsidies."),
    )


def cmd_subsidy_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import subsidies

    subsidy_id = an_id(args.id, _("The subsidy"))
    with reader(args) as ledger:
        shown = subsidies.get(ledger.conn, subsidy_id).as_json()
    if args.json:
        print_json(shown)
    else:
        _figures(shown, ("amount_asked", "granted", "received", "spent", "left"))
    return EXIT_OK


# --- loans -------------------------------------------------------------------------------


def loan_json(conn: Any, loan_id: int, at: str) -> dict[str, object]:
    from ruralcouncil.ledger import loans

    loan = loans.get(conn, loan_id)
    principal, interest = loans.repaid(conn, loan_id, at)
    return {
        "id": loan.id,
        "party": loan.party_id,
        "lender": loan.lender,
        "principal": loan.principal,
        "rate": loan.rate_text,
        "months": loan.months,
        "start": loan.start,
        "method": loan.method.value,
        "permission": loan.permission,
        "resolution": loan.resolution,
        "entry": loan.entry,
        "at": at,
        "repaid": {"principal": principal, "interest": interest},
        "outstanding": loans.outstanding(conn, loan, at),
        "overdue": [i.as_json() for i in loans.overdue(conn, loan, at)],
        "schedule": [i.as_json() for i in loans.loan_schedule(loan)],
    }


def cmd_loan_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import loans

    party_id = an_id(args.party, "--party")
    principal = _amount(args.principal)
    rate = loans.parse_rate(args.rate)
    months = an_id(args.months, "--months")
    permission = not_blank(args.permission, "--permission")
    ref = not_blank(args.resolution, "--resolution")
    on = event_day(args)
    with as_user(args, "loan add") as (ledger, user):
        loan_id = loans.add(
            ledger,
            user,
            party_id,
            principal,
            rate,
            months,
            permission,
            ref,
            method=args.method,
            on=on,
            account=args.account,
            fund=args.fund,
        )
        shown = loan_json(ledger.conn, loan_id, date.today().isoformat())
    created(args, shown, str(loan_id))
    return EXIT_OK


def cmd_loan_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.money import format_amount

    loan_id = an_id(args.id, _("The loan"))
    at = (_day(args.at, "--at") or date.today()).isoformat()
    with reader(args) as ledger:
        shown = loan_json(ledger.conn, loan_id, at)
    if args.json:
        print_json(shown)
        return EXIT_OK
    for key in ("id", "lender", "rate", "months", "start", "method", "permission", "resolution"):
        say(f"{key:<12} {shown[key]}")
    say(f"{'principal':<12} {format_amount(int(str(shown['principal']))):>18}")
    say(f"{'outstanding':<12} {format_amount(int(str(shown['outstanding']))):>18}  ({at})")
    for item in shown["schedule"]:  # type: ignore[attr-defined]
        late = " *" if any(o["number"] == item["number"] for o in shown["overdue"]) else ""  # type: ignore[attr-defined]
        say(
            f"  {item['number']:>3}  {item['due']}  {format_amount(item['payment']):>16}"
            f"  {format_amount(item['interest']):>14}  {format_amount(item['principal']):>16}"
            f"  {format_amount(item['balance']):>18}{late}"
        )
    return EXIT_OK


def cmd_loan_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import loans
    from ruralcouncil.ledger.money import format_amount

    at = (_day(args.at, "--at") or date.today()).isoformat()
    with reader(args) as ledger:
        shown = [
            {k: v for k, v in loan_json(ledger.conn, loan.id, at).items() if k != "schedule"}
            for loan in loans.loans(ledger.conn)
        ]
    return _listed(
        args,
        shown,
        lambda loan: (
            f"{loan['id']:>4}  {loan['start']}  "
            f"{format_amount(int(str(loan['outstanding']))):>18}  {loan['lender']}"
        ),
        _("No loans."),
    )


# --- assets and leases -------------------------------------------------------------------


def cmd_asset_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets

    name = not_blank(args.name, "--name")
    value = _amount(args.value) if args.value.strip() != "0" else 0
    acquired = _day(args.acquired, "--acquired")
    with as_user(args, "asset add") as (ledger, user):
        asset_id = assets.add_asset(
            ledger,
            user,
            name,
            args.kind,
            value,
            location=args.location or "",
            size=args.size or "",
            acquired=acquired,
            valued_how=args.valued_how or "",
        )
        shown = assets.get_asset(ledger.conn, asset_id).as_json()
    created(args, shown, str(asset_id))
    return EXIT_OK


def cmd_asset_dispose(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets

    asset_id = an_id(args.id, _("The asset"))
    reason = not_blank(args.reason, "--reason")
    on = event_day(args)
    with as_user(args, "asset dispose") as (ledger, user):
        assets.dispose(ledger, user, asset_id, reason, on)
        shown = assets.get_asset(ledger.conn, asset_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Asset {id} is disposed of.").format(id=asset_id))
    return EXIT_OK


def cmd_asset_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets
    from ruralcouncil.ledger.money import format_amount

    at = (_day(args.at, "--at") or date.today()).isoformat()
    with reader(args) as ledger:
        found = assets.assets(ledger.conn)
    shown = [{**a.as_json(), "held": a.held_on(at)} for a in found]
    return _listed(
        args,
        shown,
        lambda a: (
            f"{a['id']:>4}  {a['kind']:<9} {format_amount(int(str(a['value']))):>18}  "
            f"{a['name']}" + ("" if a["held"] else f"  ({_('disposed of')})")
        ),
        _("No assets."),
    )


def cmd_lease_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets

    asset_id = an_id(args.asset, "--asset")
    party_id = an_id(args.party, "--party")
    rent = _amount(args.rent)
    starts, ends = _day(args.starts, "--from"), _day(args.ends, "--to")
    if starts is None or ends is None:
        raise Refused(_("A lease needs --from and --to."))
    with as_user(args, "lease add") as (ledger, user):
        lease_id = assets.add_lease(ledger, user, asset_id, party_id, rent, args.per, starts, ends)
        shown = assets.get_lease(ledger.conn, lease_id).as_json()
    created(args, shown, str(lease_id))
    return EXIT_OK


def cmd_lease_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets
    from ruralcouncil.ledger.money import format_amount

    with reader(args) as ledger:
        shown = [lease.as_json() for lease in assets.leases(ledger.conn)]
    return _listed(
        args,
        shown,
        lambda x: (
            f"{x['id']:>4}  {x['from']} – {x['to']}  "
            f"{format_amount(int(str(x['rent']))):>16}/{x['per']:<8} "
            f"{x['asset_name']}: {x['tenant']}"
        ),
        _("No leases."),
    )


def cmd_lease_arrears(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import assets
    from ruralcouncil.ledger.money import format_amount

    at = (_day(args.at, "--at") or date.today()).isoformat()
    with reader(args) as ledger:
        shown = [a.as_json() for a in assets.arrears(ledger.conn, at)]
    return _listed(
        args,
        shown,
        lambda x: (
            f"{x['lease']:>4}  {format_amount(int(str(x['due']))):>16}  "
            f"{format_amount(int(str(x['paid']))):>16}  {format_amount(int(str(x['arrears']))):>16}"
            f"  {x['asset']}: {x['tenant']}"
        ),
        _("No leases."),
    )


# --- fines -------------------------------------------------------------------------------


def cmd_fine_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import fines

    party_id = an_id(args.party, "--party")
    rule = not_blank(args.rule, "--rule")
    imposed_by = not_blank(args.imposed_by, "--imposed-by")
    amount = _amount(args.amount)
    on = event_day(args)
    with as_user(args, "fine add") as (ledger, user):
        fine_id = fines.add(ledger, user, party_id, rule, amount, imposed_by, on)
        shown = fines.get(ledger.conn, fine_id).as_json()
    created(args, shown, str(fine_id))
    return EXIT_OK


def cmd_fine_cancel(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import fines

    fine_id = an_id(args.id, _("The fine"))
    reason = not_blank(args.reason, "--reason")
    decision = not_blank(args.decision, "--decision")
    on = event_day(args)
    with as_user(args, "fine cancel") as (ledger, user):
        fines.cancel(ledger, user, fine_id, reason, decision, on)
        shown = fines.get(ledger.conn, fine_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Fine {id} is cancelled.").format(id=fine_id))
    return EXIT_OK


def cmd_fine_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import fines
    from ruralcouncil.ledger.money import format_amount

    with reader(args) as ledger:
        shown = [f.as_json() for f in fines.fines(ledger.conn, unpaid=args.unpaid)]
    return _listed(
        args,
        shown,
        lambda f: (
            f"{f['id']:>4}  {f['date']}  {f['state']:<9} "
            f"{format_amount(int(str(f['unpaid']))):>14}  {f['party_name']}: {f['rule']}"
        ),
        _("No fines."),
    )


# --- the parser --------------------------------------------------------------------------


def _register_subsidies(commands: Any) -> None:
    actions = subject(commands, "subsidy", _("state subsidies: add, decide, appeal, list, show"))
    p = command(actions, "add", cmd_subsidy_add, _("record an application for a subsidy"))
    p.add_argument("--purpose", required=True, metavar="TEXT")
    p.add_argument("--amount-asked", required=True, help=_("tenge"))
    p.add_argument("--justification", required=True, metavar="TEXT")
    p.add_argument(
        "--general",
        action="store_true",
        help=_("a transfer to the budget as a whole: its money goes into GENERAL"),
    )
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "decide", cmd_subsidy_decide, _("record the decision on it"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--granted", required=True, help=_("tenge; 0 for a refusal"))
    p.add_argument("--reference", required=True, metavar="TEXT")
    p.add_argument("--conditions", metavar="TEXT")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "appeal", cmd_subsidy_appeal, _("record an appeal against it"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--note", required=True, metavar="TEXT")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_subsidy_list, _("list the subsidies"))
    json_arg(p)
    p = command(actions, "show", cmd_subsidy_show, _("show a subsidy"))
    p.add_argument("id", metavar="ID")
    json_arg(p)


def _register_loans(commands: Any) -> None:
    actions = subject(commands, "loan", _("loans: add, show, list"))
    p = command(actions, "add", cmd_loan_add, _("record a loan received"))
    p.add_argument("--party", required=True, metavar="LENDER")
    p.add_argument("--principal", required=True, help=_("tenge"))
    p.add_argument("--rate", required=True, metavar="PCT", help=_("annual, in percent"))
    p.add_argument("--months", required=True, metavar="N")
    p.add_argument("--permission", required=True, metavar="REF")
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    p.add_argument("--method", default="annuity", choices=["annuity", "equal"])
    p.add_argument("--account", default="BANK", metavar="CODE")
    p.add_argument("--fund", default="GENERAL", metavar="CODE")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "show", cmd_loan_show, _("a loan's schedule and what is owed"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    json_arg(p)
    p = command(actions, "list", cmd_loan_list, _("list the loans"))
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    json_arg(p)


def _register_assets(commands: Any) -> None:
    actions = subject(commands, "asset", _("the asset register: add, dispose, list"))
    p = command(actions, "add", cmd_asset_add, _("add an asset to the register"))
    p.add_argument("--name", required=True, metavar="TEXT")
    p.add_argument("--kind", required=True, choices=["property", "land", "natural"])
    p.add_argument("--location", metavar="TEXT")
    p.add_argument("--size", metavar="TEXT")
    p.add_argument("--value", required=True, help=_("tenge"))
    p.add_argument("--valued-how", metavar="TEXT")
    p.add_argument("--acquired", metavar="YYYY-MM-DD")
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "dispose", cmd_asset_dispose, _("an asset leaves the register"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_asset_list, _("list the assets"))
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    json_arg(p)

    actions = subject(commands, "lease", _("leases: add, list, arrears"))
    p = command(actions, "add", cmd_lease_add, _("let an asset to a tenant"))
    p.add_argument("--asset", required=True, metavar="ID")
    p.add_argument("--party", required=True, metavar="TENANT")
    p.add_argument("--rent", required=True, help=_("tenge per period"))
    p.add_argument("--per", required=True, choices=["month", "quarter", "year"])
    p.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends", required=True, metavar="YYYY-MM-DD")
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_lease_list, _("list the leases"))
    json_arg(p)
    p = command(actions, "arrears", cmd_lease_arrears, _("rent due, paid and in arrears"))
    p.add_argument("--at", metavar="YYYY-MM-DD", help=_("default: today"))
    json_arg(p)


def _register_fines(commands: Any) -> None:
    actions = subject(commands, "fine", _("local fines: add, cancel, list"))
    p = command(actions, "add", cmd_fine_add, _("record a fine imposed"))
    p.add_argument("--party", required=True, metavar="ID")
    p.add_argument("--rule", required=True, metavar="TEXT")
    p.add_argument("--amount", required=True, help=_("tenge"))
    p.add_argument("--imposed-by", required=True, metavar="TEXT")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "cancel", cmd_fine_cancel, _("cancel what a fine has unpaid"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--decision", required=True, metavar="REF")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_fine_list, _("list the fines"))
    p.add_argument("--unpaid", action="store_true", help=_("only what is still owed"))
    json_arg(p)


def register(commands: Any) -> None:
    _register_subsidies(commands)
    _register_loans(commands)
    _register_assets(commands)
    _register_fines(commands)
