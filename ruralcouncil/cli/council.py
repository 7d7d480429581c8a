"""The council (DESIGN §4.2): party, interest, council (its rules), meeting, resolution.

Every command that creates something prints the new id alone on standard output (an integer,
or ``YYYY/N`` for a resolution); with ``--json`` it prints the new thing as one object.
"""

from __future__ import annotations

import argparse
import sqlite3
from typing import TYPE_CHECKING, Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    as_user,
    command,
    json_arg,
    parse_year,
    print_json,
    reader,
    say,
    subject,
    user_arg,
    year_arg,
)
from ruralcouncil.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from ruralcouncil.ledger.council import Interest, Party
    from ruralcouncil.ledger.meetings import Meeting, Resolution


# --- shared with cli/spending.py ---------------------------------------------------------


def event_day(args: argparse.Namespace) -> date | None:
    """``--date`` as given (None: today, as the core decides)."""
    from ruralcouncil.ledger.dates import parse_date

    return parse_date(args.date) if args.date is not None else None


def date_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))


def an_id(text: str, what: str) -> int:
    from ruralcouncil.ledger.parse import parse_id

    return parse_id(text, what)


def a_ref(text: str) -> str:
    """A resolution's number, checked before the ledger is opened: ``2026/3``."""
    from ruralcouncil.ledger.meetings import parse_ref

    year, number = parse_ref(text)
    return f"{year}/{number}"


def created(args: argparse.Namespace, shown: dict[str, object], new_id: str) -> None:
    """What a command that creates something prints: the new id, or with --json the object."""
    if args.json:
        print_json(shown)
    else:
        say(new_id)


def names_list(text: str | None) -> list[str]:
    """``a,b, c`` -> ["a", "b", "c"]."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


# --- parties and interests ---------------------------------------------------------------


def party_json(party: Party) -> dict[str, object]:
    return {"id": party.id, "name": party.name, "kind": party.kind.value, "iin_bin": party.iin_bin}


def interest_json(interest: Interest) -> dict[str, object]:
    return {
        "id": interest.id,
        "member": interest.member,
        "party": interest.party_id,
        "party_name": interest.party,
        "nature": interest.nature,
        "date": interest.date,
    }


def cmd_party_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    with as_user(args, "party add") as (ledger, user):
        party_id = council.add_party(ledger, user, args.name, args.kind, args.iin_bin)
        party = council.get_party(ledger.conn, party_id)
    created(args, party_json(party), str(party_id))
    return EXIT_OK


def cmd_party_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    with reader(args) as ledger:
        found = council.parties(ledger.conn)
    if args.json:
        print_json([party_json(p) for p in found])
        return EXIT_OK
    for p in found:
        say(f"{p.id:>5}  {_(council.PARTY_KIND_NAMES[p.kind]):<14} {p.iin_bin or '':<12}  {p.name}")
    if not found:
        say(_("No parties."))
    return EXIT_OK


def cmd_party_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    party_id = an_id(args.id, _("The party"))
    with reader(args) as ledger:
        party = council.get_party(ledger.conn, party_id)
        declared = [i for i in council.interests(ledger.conn) if i.party_id == party_id]
    if args.json:
        print_json({**party_json(party), "interests": [interest_json(i) for i in declared]})
        return EXIT_OK
    say(f"{party.id}  {party.name}  ({_(council.PARTY_KIND_NAMES[party.kind])})")
    if party.iin_bin:
        say(_("IIN/BIN: {number}").format(number=party.iin_bin))
    for i in declared:
        say(_("Interest of {member} since {date}: {nature}").format(**interest_json(i)))
    return EXIT_OK


def cmd_interest_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    party_id = an_id(args.party, "--party")
    on = event_day(args)
    with as_user(args, "interest add") as (ledger, user):
        new_id = council.declare_interest(ledger, user, args.member, party_id, args.nature, on)
        interest = next(i for i in council.interests(ledger.conn) if i.id == new_id)
    created(args, interest_json(interest), str(new_id))
    return EXIT_OK


def cmd_interest_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    with reader(args) as ledger:
        found = council.interests(ledger.conn)
    if args.json:
        print_json([interest_json(i) for i in found])
        return EXIT_OK
    for i in found:
        say(f"{i.id:>5}  {i.date}  {i.member:<16} {i.party_id:>5} {i.party:<30} {i.nature}")
    if not found:
        say(_("No declared interests."))
    return EXIT_OK


# --- the council's rules -----------------------------------------------------------------


def rules_json(conn: sqlite3.Connection) -> dict[str, object]:
    from ruralcouncil.ledger import council

    found: dict[str, object] = {}
    for rule, value, ref in council.rules(conn):
        amount = "/" not in value
        found[rule.value] = {
            "value": int(value) if amount else value,
            "shown": council.shown_rule(rule, value),
            "resolution": ref,
        }
    return found


def cmd_council_set(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.common import not_blank
    from ruralcouncil.ledger import meetings

    ref = a_ref(not_blank(args.resolution, "--resolution"))
    with as_user(args, "council set") as (ledger, user):
        meetings.set_rule(ledger, user, args.name, args.value, ref)
        shown = rules_json(ledger.conn)
    if args.json:
        print_json(shown)
        return EXIT_OK
    say(_("The council's rules were changed by resolution {ref}.").format(ref=ref))
    return EXIT_OK


def cmd_council_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import council

    with reader(args) as ledger:
        rows = council.rules(ledger.conn)
        members = council.sitting_members(ledger.conn)
        shown = rules_json(ledger.conn)
        terms = council.terms(ledger.conn)
    if args.json:
        print_json(
            {
                **shown,
                "sitting": [name for _id, name in members],
                "terms": [{"member": t.member, "from": t.starts, "to": t.ends} for t in terms],
            }
        )
        return EXIT_OK
    for rule, value, ref in rows:
        by = _("by resolution {ref}").format(ref=ref) if ref else _("(default)")
        say(f"{rule.value:<18} {council.shown_rule(rule, value):<24} {by}")
    say(_("Sitting members: {names}").format(names=", ".join(n for _id, n in members) or "-"))
    for t in terms:
        say(f"  {t.member}: {t.starts} .. {t.ends or ''}")
    return EXIT_OK


def cmd_council_term(args: argparse.Namespace) -> int:
    from ruralcouncil.cli.common import not_blank
    from ruralcouncil.ledger import council
    from ruralcouncil.ledger.dates import parse_date

    starts = parse_date(not_blank(args.starts, "--from"))
    ends = parse_date(args.ends) if args.ends else None
    with as_user(args, "council term") as (ledger, user):
        council.set_term(ledger, user, args.member, starts, ends)
        found = [
            t for t in council.terms(ledger.conn) if t.member.casefold() == args.member.casefold()
        ]
    term = found[0] if found else None
    if args.json:
        print_json({"member": term.member, "from": term.starts, "to": term.ends} if term else {})
        return EXIT_OK
    if term is not None:
        say(
            _("{name} sits on the council from {starts} to {ends}.").format(
                name=term.member, starts=term.starts, ends=term.ends or _("(open)")
            )
        )
    return EXIT_OK


# --- meetings ----------------------------------------------------------------------------


def meeting_json(conn: sqlite3.Connection, meeting: Meeting) -> dict[str, object]:
    from ruralcouncil.ledger import council, meetings

    names = council.user_names(conn)
    decided = [
        r.ref
        for r in meetings.resolutions(conn, int(meeting.date[:4]))
        if r.meeting_id == meeting.id
    ]
    return {
        "id": meeting.id,
        "date": meeting.date,
        "chair": names.get(meeting.chair_id),
        "present": [names.get(i) for i in meeting.present],
        "absent": [names.get(i) for i in meeting.sitting if i not in meeting.present],
        "sitting": [names.get(i) for i in meeting.sitting],
        "secretary": names.get(meeting.secretary_id) if meeting.secretary_id else None,
        "agenda": meeting.agenda,
        "resolutions": decided,
    }


def cmd_meeting_open(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    on = event_day(args)
    present = names_list(args.present)
    with as_user(args, "meeting open") as (ledger, user):
        new_id = meetings.open_meeting(
            ledger, user, on, present, secretary=args.secretary, agenda=args.agenda
        )
        shown = meeting_json(ledger.conn, meetings.get_meeting(ledger.conn, new_id))
    created(args, shown, str(new_id))
    return EXIT_OK


def cmd_meeting_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        found = [meeting_json(ledger.conn, m) for m in meetings.meetings(ledger.conn, year)]
    if args.json:
        print_json(found)
        return EXIT_OK
    for m in found:
        present = ", ".join(str(n) for n in m["present"])  # type: ignore[attr-defined]
        say(f"{m['id']:>5}  {m['date']}  {m['chair']:<16} {present}")
    if not found:
        say(_("No meetings."))
    return EXIT_OK


def cmd_meeting_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    meeting_id = an_id(args.id, _("The meeting"))
    with reader(args) as ledger:
        shown = meeting_json(ledger.conn, meetings.get_meeting(ledger.conn, meeting_id))
    if args.json:
        print_json(shown)
        return EXIT_OK
    say(_("Meeting {id} of {date}, chaired by {chair}").format(**shown))
    for key, title in (
        ("present", _("Present")),
        ("absent", _("Absent")),
        ("resolutions", _("Resolutions")),
    ):
        say(f"{title}: " + (", ".join(str(n) for n in shown[key]) or "-"))  # type: ignore[attr-defined]
    if shown["agenda"]:
        say(str(shown["agenda"]))
    return EXIT_OK


# --- resolutions -------------------------------------------------------------------------


def resolution_json(conn: sqlite3.Connection, r: Resolution) -> dict[str, object]:
    from ruralcouncil.ledger import council

    names = council.user_names(conn)
    return {
        "id": r.ref,
        "number": r.ref,
        "year": r.year,
        "date": r.date,
        "meeting": r.meeting_id,
        "subject": r.subject,
        "text": r.text,
        "votes": {names.get(u, str(u)): v.value for u, v in r.votes.items()},
        "passed": r.passed,
        "chair": names.get(r.chair_id),
        "confirmed_by": names.get(r.confirmed_by) if r.confirmed_by is not None else None,
        "in_effect": r.in_effect,
        "used_for": r.used_for,
    }


def _say_resolution(shown: dict[str, Any]) -> None:
    state = _("in effect") if shown["in_effect"] else _("passed") if shown["passed"] else ""
    if shown["passed"] and not shown["in_effect"]:
        state = _("passed, not confirmed yet")
    if not shown["passed"]:
        state = _("not passed")
    say(f"{shown['id']:<9} {shown['date']}  {shown['subject']:<28} {state}")


def cmd_resolution_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    meeting_id = an_id(args.meeting, "--meeting")
    with as_user(args, "resolution add") as (ledger, user):
        ref = meetings.add_resolution(
            ledger,
            user,
            meeting_id,
            args.about,
            args.text,
            names_list(args.voted_for),
            names_list(args.against),
            names_list(args.abstain),
        )
        shown = resolution_json(ledger.conn, meetings.get_resolution(ledger.conn, ref))
    created(args, shown, ref)
    return EXIT_OK


def cmd_resolution_confirm(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    ref = a_ref(args.ref)
    with as_user(args, "resolution confirm") as (ledger, user):
        meetings.confirm(ledger, user, ref)
        shown = resolution_json(ledger.conn, meetings.get_resolution(ledger.conn, ref))
    if args.json:
        print_json(shown)
        return EXIT_OK
    say(_("{name} confirmed resolution {ref}.").format(name=args.user, ref=ref))
    return EXIT_OK


def cmd_resolution_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    year = parse_year(args.year) if args.year else None
    with reader(args) as ledger:
        found = [resolution_json(ledger.conn, r) for r in meetings.resolutions(ledger.conn, year)]
    if args.json:
        print_json(found)
        return EXIT_OK
    for shown in found:
        _say_resolution(shown)
    if not found:
        say(_("No resolutions."))
    return EXIT_OK


def cmd_resolution_show(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import meetings

    ref = a_ref(args.ref)
    with reader(args) as ledger:
        shown = resolution_json(ledger.conn, meetings.get_resolution(ledger.conn, ref))
    if args.json:
        print_json(shown)
        return EXIT_OK
    _say_resolution(shown)
    say(str(shown["text"]))
    for name, vote in shown["votes"].items():  # type: ignore[attr-defined]
        say(f"  {name:<20} {vote}")
    if shown["confirmed_by"]:
        say(_("Confirmed by {name}.").format(name=shown["confirmed_by"]))
    if shown["used_for"]:
        say(_("Used for: {use}").format(use=shown["used_for"]))
    return EXIT_OK


# --- the parser --------------------------------------------------------------------------


def _register_parties(commands: Any) -> None:
    actions = subject(commands, "party", _("parties the village deals with: add, list, show"))
    p = command(actions, "add", cmd_party_add, _("register a person or organisation"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--kind", default="organisation", help="person, business, organisation")
    p.add_argument("--iin-bin", default="", metavar="N", help=_("12 digits"))
    json_arg(p)
    user_arg(p, "admin, clerk")
    p = command(actions, "list", cmd_party_list, _("list the parties"))
    json_arg(p)
    p = command(actions, "show", cmd_party_show, _("show a party and the interests in it"))
    p.add_argument("id", metavar="ID")
    json_arg(p)

    actions = subject(commands, "interest", _("members' declared interests: add, list"))
    p = command(actions, "add", cmd_interest_add, _("declare a member's interest in a party"))
    p.add_argument("--member", required=True, metavar="USER")
    p.add_argument("--party", required=True, metavar="ID")
    p.add_argument("--nature", required=True, metavar="TEXT")
    date_arg(p)
    json_arg(p)
    user_arg(p, _("the member themself, or admin"))
    p = command(actions, "list", cmd_interest_list, _("list the declared interests"))
    json_arg(p)


def register(commands: Any) -> None:
    _register_parties(commands)

    actions = subject(
        commands, "council", _("the council's rules and members' terms: set, show, term")
    )
    p = command(actions, "set", cmd_council_set, _("change a council rule by resolution"))
    p.add_argument(
        "name",
        metavar="NAME",
        help="quorum, majority, chair-limit, report-threshold, variance-minimum",
    )
    p.add_argument("value", metavar="VALUE", help=_("a share such as 2/3, or tenge"))
    p.add_argument("--resolution", required=True, metavar="YYYY/N")
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "show", cmd_council_show, _("the council's rules and who sits on it"))
    json_arg(p)
    p = command(actions, "term", cmd_council_term, _("a member's term of office (administrator)"))
    p.add_argument("member", metavar="USER")
    p.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends", default="", metavar="YYYY-MM-DD")
    json_arg(p)
    user_arg(p, "admin")

    actions = subject(commands, "meeting", _("council meetings: open, list, show"))
    p = command(actions, "open", cmd_meeting_open, _("open a meeting with the members present"))
    date_arg(p)
    p.add_argument("--present", required=True, metavar="U1,U2,...")
    p.add_argument("--secretary", default="", metavar="USER")
    p.add_argument("--agenda", default="", metavar="TEXT")
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "list", cmd_meeting_list, _("list the meetings"))
    year_arg(p)
    json_arg(p)
    p = command(actions, "show", cmd_meeting_show, _("show a meeting"))
    p.add_argument("id", metavar="ID")
    json_arg(p)

    actions = subject(commands, "resolution", _("resolutions: add, confirm, list, show"))
    p = command(actions, "add", cmd_resolution_add, _("record a resolution and its votes"))
    p.add_argument("--meeting", required=True, metavar="M")
    p.add_argument("--about", required=True, metavar="SUBJECT")
    p.add_argument("--text", required=True, metavar="TEXT")
    p.add_argument("--for", dest="voted_for", default="", metavar="U1,...")
    p.add_argument("--against", default="", metavar="U1,...")
    p.add_argument("--abstain", default="", metavar="U1,...")
    json_arg(p)
    user_arg(p, "chair")
    p = command(actions, "confirm", cmd_resolution_confirm, _("countersign a resolution"))
    p.add_argument("ref", metavar="YYYY/N")
    json_arg(p)
    user_arg(p, _("a member present, not the chair"))
    p = command(actions, "list", cmd_resolution_list, _("list the resolutions"))
    year_arg(p)
    json_arg(p)
    p = command(actions, "show", cmd_resolution_show, _("show a resolution and its votes"))
    p.add_argument("ref", metavar="YYYY/N")
    json_arg(p)
