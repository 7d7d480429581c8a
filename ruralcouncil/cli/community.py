"""Community money (DESIGN §4.3): donation, project, household, contribution.

Amounts typed are tenge; JSON is tiyn. A command that creates something prints the new id
alone (or, with ``--json``, the new thing as one object).
"""

from __future__ import annotations

import argparse
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
from ruralcouncil.cli.spending import read_file
from ruralcouncil.i18n import _

if TYPE_CHECKING:
    from ruralcouncil.ledger.donations import Donation


def _amount(text: str) -> int:
    from ruralcouncil.ledger.money import parse_amount

    return parse_amount(text)


# --- donations ---------------------------------------------------------------------------


def cmd_donation_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import donations

    party_id = an_id(args.party, "--party")
    amount = _amount(args.amount)
    statement = None
    if args.statement is not None:
        statement = (Path(args.statement).name, read_file(args.statement, "--statement"))
    else:
        not_blank(args.voluntary, "--voluntary")
    if args.in_kind is not None:
        not_blank(args.in_kind, "--in-kind")
        not_blank(args.valued_by or "", "--valued-by")
    elif args.valued_by is not None:
        raise Refused(_("Only a gift in kind is valued: give --in-kind with --valued-by."))
    if args.fund is not None and args.project is not None:
        raise Refused(_("A donation goes to a fund or to a project, not both."))
    project_id = None if args.project is None else an_id(args.project, "--project")
    fund = None if args.fund is None else not_blank(args.fund, "--fund")
    on = event_day(args)
    with as_user(args, "donation add") as (ledger, user):
        donation_id = donations.add(
            ledger,
            user,
            party_id,
            amount,
            args.voluntary,
            fund=fund,
            project_id=project_id,
            in_kind=args.in_kind or "",
            valued_by=args.valued_by or "",
            anonymous=args.anonymous,
            contact=args.contact or "",
            donor_type=args.donor_type,
            statement=statement,
            on=on,
            account=args.account,
        )
        donation = donations.get(ledger.conn, donation_id)
    if donation.flagged and not args.json:
        from ruralcouncil.cli.common import warn

        warn(
            _(
                "Donation {id} is flagged: the donor does business with the akim ({reasons}). "
                "Its money is held until the council acknowledges it (donation acknowledge)."
            ).format(id=donation_id, reasons=donation.flag_reason)
        )
    created(args, donation.as_json(), str(donation_id))
    return EXIT_OK


def cmd_donation_acknowledge(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import donations

    donation_id = an_id(args.id, _("The donation"))
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    on = event_day(args)
    with as_user(args, "donation acknowledge") as (ledger, user):
        donations.acknowledge(ledger, user, donation_id, ref, on)
        shown = donations.get(ledger.conn, donation_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Donation {id} is acknowledged; its money may be spent.").format(id=donation_id))
    return EXIT_OK


def _donation_line(d: Donation) -> str:
    from ruralcouncil.ledger.money import format_amount

    marks = "".join(
        (
            "F" if d.flagged else "-",
            "A" if d.acknowledged_by else "-",
            "K" if not d.cash else "-",
            "N" if d.anonymous else "-",
        )
    )
    return f"{d.id:>5}  {d.date}  {marks}  {d.fund:<12} {format_amount(d.amount):>18}  {d.donor}"


def cmd_donation_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import donations

    year = parse_year(args.year) if args.year else None
    project_id = None if args.project is None else an_id(args.project, "--project")
    with reader(args) as ledger:
        found = donations.donations(ledger.conn, year=year, project_id=project_id)
    if args.json:
        print_json([d.as_json() for d in found])
        return EXIT_OK
    for d in found:
        say(_donation_line(d))
    if not found:
        say(_("No donations."))
    return EXIT_OK


def cmd_donation_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import donations

    donation_id = an_id(args.id, _("The donation"))
    with reader(args) as ledger:
        shown = donations.get(ledger.conn, donation_id).as_json()
    if args.json:
        print_json(shown)
        return EXIT_OK
    for key, value in shown.items():
        if value is not None:
            say(f"{key:<22} {value}")
    return EXIT_OK


def cmd_donation_statement(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import donations

    donation_id = an_id(args.id, _("The donation"))
    out = Path(args.out)
    with reader(args) as ledger:
        filename, data = donations.statement_data(ledger.conn, donation_id)
    write_new_file(out, data)
    say(_("Wrote {name} ({size} bytes) to {path}.").format(name=filename, size=len(data), path=out))
    return EXIT_OK


# --- projects ----------------------------------------------------------------------------


def cmd_project_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects

    title = not_blank(args.title, "--title")
    target = _amount(args.target)
    per_household = _amount(args.per_household)
    year = parse_year(args.year)
    on = event_day(args)
    with as_user(args, "project add") as (ledger, user):
        project_id = projects.add(
            ledger, user, title, target, per_household, year, args.purpose or "", on
        )
        shown = projects.progress(ledger.conn, project_id).as_json()
    created(args, shown, str(project_id))
    return EXIT_OK


def cmd_project_adopt(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects

    project_id = an_id(args.id, _("The project"))
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    on = event_day(args)
    with as_user(args, "project adopt") as (ledger, user):
        projects.adopt(ledger, user, project_id, ref, on)
        shown = projects.progress(ledger.conn, project_id).as_json()
    if args.json:
        print_json(shown)
    else:
        say(_("Project {id} is adopted: its collection is open.").format(id=project_id))
    return EXIT_OK


def cmd_project_close(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects

    project_id = an_id(args.id, _("The project"))
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    to_fund = None if args.to_fund is None else not_blank(args.to_fund, "--to-fund")
    if not args.refund and to_fund is None:
        raise Refused(
            _("Say what becomes of what is left: refund it (--refund) or move it (--to-fund).")
        )
    on = event_day(args)
    with as_user(args, "project close") as (ledger, user):
        numbers = projects.close(
            ledger, user, project_id, ref, refund=args.refund, to_fund=to_fund, on=on
        )
        shown = projects.progress(ledger.conn, project_id).as_json()
    if args.json:
        print_json({**shown, "entries": numbers})
    else:
        say(
            _("Project {id} is closed; entries posted: {entries}.").format(
                id=project_id, entries=", ".join(map(str, numbers)) or "-"
            )
        )
    return EXIT_OK


def cmd_project_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects
    from ruralcouncil.ledger.money import format_amount

    project_id = an_id(args.id, _("The project"))
    with reader(args) as ledger:
        shown = projects.progress(ledger.conn, project_id).as_json()
    if args.json:
        print_json(shown)
        return EXIT_OK
    for key in ("id", "title", "year", "state", "fund", "adopted_by", "closed_by"):
        if shown[key] is not None:
            say(f"{key:<14} {shown[key]}")
    for key in ("target", "per_household", "collected", "donated", "spent", "refunded"):
        say(f"{key:<14} {format_amount(int(str(shown[key]))):>18}")
    say(f"{'remaining':<14} {format_amount(int(str(shown['remaining']))):>18}")
    for h in shown["households"]:  # type: ignore[attr-defined]
        status = _("exempt") if h["exempt"] else format_amount(h["owes"])
        say(f"  {h['id']:>5}  {format_amount(h['paid']):>16}  {status:>16}  {h['address']}")
    return EXIT_OK


def cmd_project_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects
    from ruralcouncil.ledger.money import format_amount

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        shown = [
            {
                k: v
                for k, v in projects.progress(ledger.conn, p.id).as_json().items()
                if k != "households"
            }
            for p in projects.projects(ledger.conn, year)
        ]
    if args.json:
        print_json(shown)
        return EXIT_OK
    for p in shown:
        say(
            f"{p['id']:>4}  {p['year']}  {p['state']:<9} "
            f"{format_amount(int(str(p['collected']))):>16} / "
            f"{format_amount(int(str(p['target']))):>16}  {p['title']}"
        )
    if not shown:
        say(_("No community projects."))
    return EXIT_OK


# --- households and contributions --------------------------------------------------------


def cmd_household_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import households

    address = not_blank(args.address, "--address")
    head = an_id(args.head, "--head")
    members = an_id(args.members, "--members") if args.members is not None else 1
    with as_user(args, "household add") as (ledger, user):
        household_id = households.add(ledger, user, address, head, members)
        shown = households.get(ledger.conn, household_id).as_json()
    created(args, shown, str(household_id))
    return EXIT_OK


def cmd_household_exempt(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import households

    household_id = an_id(args.id, _("The household"))
    year = parse_year(args.year)
    reason = not_blank(args.reason, "--reason")
    ref = a_ref(not_blank(args.resolution, "--resolution"))
    with as_user(args, "household exempt") as (ledger, user):
        households.exempt(ledger, user, household_id, year, reason, ref)
    shown = {
        "id": household_id,
        "household": household_id,
        "year": year,
        "exempt": True,
        "resolution": ref,
        "reason": reason.strip(),
    }
    if args.json:
        print_json(shown)
    else:
        say(
            _("Household {id} is exempt from the collection of {year}.").format(
                id=household_id, year=year
            )
        )
    return EXIT_OK


def cmd_household_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import households

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        found = households.households(ledger.conn)
        exempt = households.exemptions(ledger.conn, year) if year else {}
    shown = [{**h.as_json(), **({"exempt": h.id in exempt} if year else {})} for h in found]
    if args.json:
        print_json(shown)
        return EXIT_OK
    for h in found:
        mark = f"  ({_('exempt')})" if h.id in exempt else ""
        say(f"{h.id:>5}  {h.members:>3}  {h.address}  {h.head}{mark}")
    if not found:
        say(_("No households."))
    return EXIT_OK


def cmd_household_exemptions(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import households

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        found = households.exemption_list(ledger.conn, year)
    if args.json:
        print_json([e.as_json() for e in found])
        return EXIT_OK
    for e in found:
        say(f"{e.household_id:>5}  {e.year}  {e.resolution:<9} {e.address}: {e.reason}")
    if not found:
        say(_("No exemptions."))
    return EXIT_OK


def cmd_contribution_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects

    project_id = an_id(args.project, "--project")
    household_id = an_id(args.household, "--household")
    amount = _amount(args.amount)
    on = event_day(args)
    with as_user(args, "contribution add") as (ledger, user):
        contribution_id = projects.contribute(
            ledger, user, project_id, household_id, amount, on, args.account
        )
        shown = projects.contribution(ledger.conn, contribution_id).as_json()
    created(args, shown, str(contribution_id))
    return EXIT_OK


def cmd_contribution_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import projects
    from ruralcouncil.ledger.money import format_amount

    project_id = an_id(args.project, "--project")
    with reader(args) as ledger:
        projects.get(ledger.conn, project_id)
        found = projects.contributions(ledger.conn, project_id)
    if args.json:
        print_json([c.as_json() for c in found])
        return EXIT_OK
    for c in found:
        say(f"{c.id:>5}  {c.date}  {c.entry:>6}  {format_amount(c.amount):>16}  {c.address}")
    if not found:
        say(_("No contributions."))
    return EXIT_OK


# --- the parser --------------------------------------------------------------------------


def _register_donations(commands: Any) -> None:
    actions = subject(commands, "donation", _("donations: add, acknowledge, list, show, statement"))
    p = command(actions, "add", cmd_donation_add, _("record a donation"))
    p.add_argument("--party", required=True, metavar="ID", help=_("the donor"))
    p.add_argument("--amount", required=True, help=_("tenge: cash, or the value of a gift in kind"))
    p.add_argument(
        "--voluntary",
        required=True,
        metavar="TEXT",
        help=_("the donor's own statement that the gift is voluntary"),
    )
    p.add_argument(
        "--statement", metavar="FILE", path=True, help=_("the donor's signed statement, scanned")
    )
    p.add_argument("--fund", metavar="CODE", help=_("earmarked to this fund"))
    p.add_argument("--project", metavar="ID", help=_("given to this community project"))
    p.add_argument("--in-kind", metavar="TEXT", help=_("goods or work given, not cash"))
    p.add_argument("--valued-by", metavar="TEXT", help=_("who valued the gift in kind"))
    p.add_argument(
        "--anonymous", action="store_true", help=_("the donor's name stays out of public reports")
    )
    p.add_argument(
        "--donor-type", metavar="KIND", help="resident, entrepreneur, native, organisation"
    )
    p.add_argument("--contact", metavar="TEXT", help=_("private to the council"))
    p.add_argument("--account", default="BANK", metavar="CODE")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(
        actions,
        "acknowledge",
        cmd_donation_acknowledge,
        _("release a flagged donation, by resolution"),
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "list", cmd_donation_list, _("list the donations"))
    year_arg(p)
    p.add_argument("--project", metavar="ID")
    json_arg(p)
    p = command(actions, "show", cmd_donation_show, _("show a donation"))
    p.add_argument("id", metavar="ID")
    json_arg(p)
    p = command(
        actions,
        "statement",
        cmd_donation_statement,
        _("save a donation's scanned statement to a file"),
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE", path=True)


def _register_projects(commands: Any) -> None:
    actions = subject(commands, "project", _("community projects: add, adopt, show, list, close"))
    p = command(actions, "add", cmd_project_add, _("propose a community project"))
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--purpose", metavar="TEXT")
    p.add_argument("--target", required=True, help=_("tenge: the estimated cost"))
    p.add_argument("--per-household", required=True, help=_("tenge: what each household gives"))
    year_arg(p, required=True)
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(
        actions, "adopt", cmd_project_adopt, _("open a project's collection, by resolution")
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "close", cmd_project_close, _("close a project, by resolution"))
    p.add_argument("id", metavar="ID")
    p.add_argument(
        "--refund",
        action="store_true",
        help=_("refund the households pro rata, each at most what it paid"),
    )
    p.add_argument(
        "--to-fund", metavar="CODE", help=_("move what is left (after any refund) to this fund")
    )
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    date_arg(p)
    json_arg(p)
    user_arg(p, "chair, admin, clerk")
    p = command(actions, "show", cmd_project_show, _("a project's money and households"))
    p.add_argument("id", metavar="ID")
    json_arg(p)
    p = command(actions, "list", cmd_project_list, _("list the community projects"))
    year_arg(p)
    json_arg(p)


def _register_households(commands: Any) -> None:
    actions = subject(commands, "household", _("households: add, exempt, list, exemptions"))
    p = command(actions, "add", cmd_household_add, _("register a household"))
    p.add_argument("--address", required=True, metavar="TEXT")
    p.add_argument("--head", required=True, metavar="PARTY")
    p.add_argument("--members", metavar="N")
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(
        actions,
        "exempt",
        cmd_household_exempt,
        _("exempt a household from a year's collection, by resolution"),
    )
    p.add_argument("id", metavar="ID")
    year_arg(p, required=True)
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_household_list, _("list the households"))
    year_arg(p)
    json_arg(p)
    p = command(actions, "exemptions", cmd_household_exemptions, _("list the exemptions"))
    year_arg(p)
    json_arg(p)


def register(commands: Any) -> None:
    _register_donations(commands)
    _register_projects(commands)
    _register_households(commands)
    actions = subject(commands, "contribution", _("households' contributions: add, list"))
    p = command(actions, "add", cmd_contribution_add, _("record a household's contribution"))
    p.add_argument("--project", required=True, metavar="ID")
    p.add_argument("--household", required=True, metavar="ID")
    p.add_argument("--amount", required=True, help=_("tenge"))
    p.add_argument("--account", default="BANK", metavar="CODE")
    date_arg(p)
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_contribution_list, _("a project's contributions"))
    p.add_argument("--project", required=True, metavar="ID")
    json_arg(p)
