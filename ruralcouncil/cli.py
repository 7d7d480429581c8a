"""The command line: the same services as the desktop window (DESIGN §4).

Exit status: 0 success; 1 a check found a problem (``verify``); 2 bad input, a refusal or a
wrong password, with the reason on standard error and nothing written; 70 an internal error
(never 1); 130 when interrupted; 141 when the reader of its output stopped (``| head``).
JSON goes to standard output alone; every warning goes to standard error, so scripts can read
stdout as it is.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from ruralcouncil import i18n, paths
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.errors import ImportRejected, LedgerError, LedgerUnavailable
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import User

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_REFUSED = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command cut off by `head`

PASSWORD_ENV = "RURALCOUNCIL_PASSWORD"
NEW_PASSWORD_ENV = "RURALCOUNCIL_NEW_PASSWORD"


class Refused(LedgerError):
    """A refusal decided here in the CLI (no password, wrong place for a demo...)."""


# --- output ------------------------------------------------------------------------------


def _say(text: str = "") -> None:
    print(text, file=sys.stdout)


def _warn(text: str) -> None:
    print(text, file=sys.stderr)


def _print_json(value: Any) -> None:
    _say(json.dumps(value, ensure_ascii=False, indent=1))


def _use_utf8() -> None:
    """Kazakh letters and ₸ must print on a Windows console too; a file name that is not
    valid UTF-8 (Linux allows it) prints escaped instead of ending the program."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="backslashreplace")


# --- who is acting -----------------------------------------------------------------------


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _password(user: str) -> str:
    password = _env(PASSWORD_ENV)
    if password is not None:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("Password for {user}: ").format(user=user))
    raise Refused(
        _("No password for {user}: set {env} or run the command in a terminal.").format(
            user=user, env=PASSWORD_ENV
        )
    )


def _new_password(user: str, *envs: str) -> str:
    """A new password from the first set variable of ``envs``, else asked twice."""
    for name in envs:
        value = _env(name)
        if value is not None:
            return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise Refused(
            _("No new password for {user}: set {env} or run the command in a terminal.").format(
                user=user, env=envs[0]
            )
        )
    first = getpass.getpass(_("New password for {user}: ").format(user=user))
    again = getpass.getpass(_("The same password again: "))
    if first != again:
        raise Refused(_("The two passwords differ."))
    return first


def _db_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    if args.demo:
        return paths.demo_ledger_path()
    return paths.default_ledger_path()


@contextmanager
def _reader(args: argparse.Namespace) -> Iterator[Ledger]:
    ledger = open_ledger(_db_path(args), write=False)
    try:
        yield ledger
    finally:
        ledger.close()


@contextmanager
def _writer(
    args: argparse.Namespace, purpose: str, password: str | None = None
) -> Iterator[tuple[Ledger, User]]:
    """Open for writing (the one-writer lock), log in, warn about a clock running behind.
    ``password``: when the command needs it again (restore), asked for once by the caller."""
    from ruralcouncil.ledger import journal, users

    ledger = open_ledger(_db_path(args), write=True, purpose=f"cli {purpose}")
    try:
        # The clock warning comes first: even a login writes a line to the audit log.
        warning = journal.clock_warning(ledger.conn)
        if warning:
            _warn(warning)
        if password is None:
            password = _password(args.user)
        user = users.login(ledger, args.user, password)
        yield ledger, user
    finally:
        ledger.close()


def _parse_year(text: str) -> int:
    from ruralcouncil.ledger.dates import parse_year

    return parse_year(text)


# --- commands ----------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.setup import init_ledger

    path = _db_path(args)
    if path.exists():
        raise LedgerUnavailable(
            _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
        )
    password = _new_password(args.admin, NEW_PASSWORD_ENV, PASSWORD_ENV)
    ledger = init_ledger(
        path,
        village=args.village,
        admin=args.admin,
        password=password,
        council_kind=args.council_kind,
        council_name=args.council_name,
        admin_full_name=args.full_name,
    )
    ledger.close()
    _say(
        _("Created the ledger {path} with the administrator {admin}.").format(
            path=path, admin=args.admin
        )
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.db is None:
        raise Refused(
            _(
                "Give the demo ledger its own file with --db PATH; the demo never writes to "
                "the real ledger."
            )
        )
    path = Path(args.db)
    if path.resolve() == paths.default_ledger_path().resolve():
        raise Refused(
            _("The demo may not be written over the real ledger {path}.").format(path=path)
        )
    if path.exists():
        raise LedgerUnavailable(
            _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
        )
    from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo

    ledger = create_demo(path)
    ledger.close()
    _say(_("Wrote the demo village ledger to {path}.").format(path=path))
    _say(_("Every demo user's password is {password}.").format(password=DEMO_PASSWORD))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.importer import import_transactions

    with _writer(args, "import") as (ledger, user):
        result = import_transactions(ledger, user, Path(args.file))
    _say(
        _(
            "Imported {rows} rows from {file} as entries {first}-{last} (import {id}, "
            "SHA-256 {sha})."
        ).format(
            rows=result.rows,
            file=args.file,
            first=result.first_id,
            last=result.last_id,
            id=result.import_id,
            sha=result.sha256,
        )
    )
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with _writer(args, "user add") as (ledger, actor):
        # Permission and the name are checked before anyone is asked for a new password.
        users.require(actor, users.Action.MANAGE_USERS)
        users.validate_name(args.name)
        role = users.validate_role(args.role)
        password = _new_password(args.name, NEW_PASSWORD_ENV)
        users.add_user(ledger, actor, args.name, role.value, password, args.full_name)
    _say(_("Added the user {name} ({role}).").format(name=args.name, role=role.value))
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with _writer(args, "user reset-password") as (ledger, actor):
        users.require(actor, users.Action.MANAGE_USERS)
        password = _new_password(args.name, NEW_PASSWORD_ENV)
        users.reset_password(ledger, actor, args.name, password)
    _say(_("Set a new password for {name}.").format(name=args.name))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with _reader(args) as ledger:
        rows = users.list_users(ledger)
    if args.json:
        _print_json(
            [
                {"name": u.name, "role": u.role.value, "full_name": u.full_name, "active": active}
                for u, active in rows
            ]
        )
        return EXIT_OK
    for user, active in rows:
        state = "" if active else "  " + _("(disabled)")
        _say(f"{user.name:<20} {_(users.ROLE_NAMES[user.role]):<20} {user.full_name}{state}")
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.money import format_amount, parse_amount

    entry = journal.NewEntry(
        date=parse_date(args.date) if args.date else date.today(),
        type=journal.EntryType(args.type),
        amount=parse_amount(args.amount),
        code=args.category or None,
        fund=args.fund,
        account=args.account,
        to_account=args.to_account or None,
        counterparty=args.counterparty,
        description=args.description,
        reference=args.reference,
    )
    with _writer(args, "record") as (ledger, user):
        entry_id = journal.record(ledger, user, entry)
    _say(
        _("Recorded entry {id}: {type} of {amount} on {date}.").format(
            id=entry_id,
            type=_(journal.ENTRY_TYPE_NAMES[entry.type]),
            amount=format_amount(entry.amount),
            date=entry.date.isoformat(),
        )
    )
    return EXIT_OK


def cmd_reverse(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.dates import parse_date
    from ruralcouncil.ledger.parse import parse_id

    number = parse_id(args.id, _("The entry number"))
    on = parse_date(args.date) if args.date else None
    with _writer(args, "reverse") as (ledger, user):
        new_id = journal.reverse(ledger, user, number, args.reason, on)
    _say(_("Entry {new} reverses entry {id}.").format(new=new_id, id=number))
    return EXIT_OK


def cmd_close_year(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import journal

    year = _parse_year(args.year)
    with _writer(args, "close-year") as (ledger, user):
        journal.close_year(ledger, user, year)
    _say(_("{year} is closed: nothing more can be posted in it.").format(year=year))
    return EXIT_OK


def cmd_fund_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog

    with _writer(args, "fund add") as (ledger, user):
        fund = catalog.add_fund(
            ledger,
            user,
            args.code,
            restricted=args.restricted,
            name_kk=args.name_kk or args.name,
            name_ru=args.name_ru or args.name,
            name_en=args.name_en or args.name,
            purpose=args.purpose,
        )
    _say(_("Added the fund {code}.").format(code=fund.code))
    return EXIT_OK


def cmd_fund_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog

    with _reader(args) as ledger:
        funds = catalog.funds(ledger.conn)
    if args.json:
        _print_json(
            [
                {"code": f.code, "restricted": f.restricted, "name": f.name(), "purpose": f.purpose}
                for f in funds
            ]
        )
        return EXIT_OK
    for fund in funds:
        kind = _("restricted") if fund.restricted else _("general")
        _say(f"{fund.code:<16} {kind:<12} {fund.name()}")
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import queries
    from ruralcouncil.ledger.money import format_amount

    year = _parse_year(args.year) if args.year else None
    with _reader(args) as ledger:
        rows = queries.iterate(ledger.conn, queries.EntryFilter(year=year))
        if args.json:
            cutoff = queries.legacy_cutoff(ledger.conn)
            # Streamed one object a line: a million entries never sit in memory at once.
            out = sys.stdout
            out.write("[")
            for n, row in enumerate(rows):
                item = json.dumps(row.as_json(cutoff), ensure_ascii=False)
                out.write(("," if n else "") + "\n" + item)
            out.write("\n]\n")
            return EXIT_OK
        count = 0
        for row in rows:
            count += 1
            where = row.account + (f" → {row.to_account}" if row.to_account else "")
            note = ""
            if row.reverses is not None:
                note = "  " + _("(reverses {id})").format(id=row.reverses)
            elif row.reversed_by is not None:
                note = "  " + _("(reversed by {id})").format(id=row.reversed_by)
            text = " / ".join(t for t in (row.counterparty, row.description) if t)
            _say(
                f"{row.id:>7}  {row.date}  {row.type:<8}  {format_amount(row.amount):>20}  "
                f"{row.code or '':<14}  {row.fund:<10}  {where:<12}  {text}{note}"
            )
        if count == 0:
            _say(_("No entries."))
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog, settings
    from ruralcouncil.ledger.money import format_amount
    from ruralcouncil.reports.statements import BOX_MEANINGS, year_summary

    year = _parse_year(args.year) if args.year else date.today().year
    with _reader(args) as ledger:
        summary = year_summary(ledger.conn, year)
        if args.json:
            _print_json(summary.as_json())
            return EXIT_OK
        names = {c.code: c.name() for c in catalog.accounts(ledger.conn)}
        village = settings.village_name(ledger.conn)
    _say(_("{village}: the year {year}").format(village=village, year=year))
    for title, figures in ((_("Receipts"), summary.receipts), (_("Payments"), summary.payments)):
        _say()
        _say(title)
        if not figures:
            _say("  " + _("none"))
        for code, amount in figures.items():
            _say(f"  {code:<16} {names.get(code, ''):<45} {format_amount(amount):>22}")
    _say()
    _say(_("Annual return boxes"))
    for box, amount in sorted(summary.boxes.items()):
        _say(f"  {box:>2}  {_(BOX_MEANINGS.get(box, '')):<50} {format_amount(amount):>22}")
    _say()
    _say(_("Cash at 31 December"))
    for code, amount in summary.cash.items():
        _say(f"  {code:<16} {names.get(code, ''):<45} {format_amount(amount):>22}")
    _say()
    _say(
        _("Chain anchor: {entries}:{head}").format(
            entries=summary.chain_entries, head=summary.chain_head
        )
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.verify import VerifyResult, parse_anchor, verify

    anchor = parse_anchor(args.anchor) if args.anchor else None
    path = _db_path(args)
    if not path.is_file():
        raise LedgerUnavailable(_("There is no ledger at {path}.").format(path=path))
    try:
        # A damaged or foreign file is what verify is for: it says so (exit 1), with its JSON.
        ledger = open_ledger(path, write=False, legacy=True, check_schema_now=False)
    except LedgerError as exc:
        result = VerifyResult()
        result.bad(None, str(exc))
    else:
        try:
            result = verify(ledger.conn, anchor)
        finally:
            ledger.close()
    if args.json:
        _print_json(result.as_json())
    elif result.ok:
        _say(
            _(
                "The ledger is intact: {transactions} entries, {entries} chain positions, "
                "head {head}."
            ).format(transactions=result.transactions, entries=result.entries, head=result.head)
        )
    else:
        _say(_("The ledger has problems:"))
        for problem in result.problems:
            _say("  " + problem)
        if result.first_bad is not None:
            _say(_("The first bad entry is {n}.").format(n=result.first_bad))
        elif result.first_bad_seq is not None:
            _say(_("The first bad record is at chain position {n}.").format(n=result.first_bad_seq))
    return EXIT_OK if result.ok else EXIT_PROBLEM


def cmd_backup(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.backup import backup_ledger

    ledger = open_ledger(_db_path(args), write=False, legacy=True)
    try:
        result = backup_ledger(ledger, Path(args.dest))
    finally:
        ledger.close()
    _say(
        _("Backed up to {path} ({entries} chain positions, head {head}).").format(
            path=result.path, entries=result.entries, head=result.head
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.backup import restore_ledger, restore_to_new

    path = _db_path(args)
    # Asked for once: the restorer logs in to this ledger and, with the same password, must be
    # able to log in to the backup (so a terminal user types it once, not twice).
    password = _password(args.user)
    if not path.exists():
        # A new PC after a disk failure: the administrator's account in the backup vouches.
        result = restore_to_new(Path(args.source), path, args.user, password)
        _say(
            _("Restored {source} into the new ledger {path}. Chain positions: {after}.").format(
                source=args.source, path=path, after=result.entries_after
            )
        )
        return EXIT_OK
    with _writer(args, "restore", password) as (ledger, user):
        result = restore_ledger(
            ledger, user, Path(args.source), password, other_village=args.other_village
        )
    if result.warning:
        _warn(result.warning)
    _say(
        _(
            "Restored {source}; the previous ledger was kept as {aside}. Chain positions: "
            "{before} before, {after} now."
        ).format(
            source=args.source,
            aside=result.kept_aside,
            before=result.entries_before,
            after=result.entries_after,
        )
    )
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from ruralcouncil.gui.app import run_gui

    return int(run_gui(Path(args.db) if args.db else None, demo=args.demo))


def smoke_test() -> int:
    """A temporary ledger, the main window shown and closed, a summary PDF: for installers."""
    import platform
    import tempfile

    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.setup import init_ledger
    from ruralcouncil.ledger.users import login

    if (
        platform.system() not in ("Windows", "Darwin")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-smoke-"))
    password = "smoke-test-password"
    ledger = init_ledger(
        folder / "smoke.ruralcouncil", village="Smoke test", admin="admin", password=password
    )
    try:
        user = login(ledger, "admin", password)
        year = date.today().year
        day = date(year, 1, 1)
        for entry in (
            journal.NewEntry(day, journal.EntryType.OPENING, 100_000_00),
            journal.NewEntry(day, journal.EntryType.RECEIPT, 25_000_00, code="TAX-LAND"),
            journal.NewEntry(day, journal.EntryType.PAYMENT, 12_500_50, code="LIGHTING"),
        ):
            journal.record(ledger, user, entry)
        _show_main_window(ledger, user)
        from ruralcouncil.reports.summary_pdf import render_summary_pdf

        pdf = render_summary_pdf(ledger.conn, year, folder / f"summary-{year}.pdf")
    finally:
        ledger.close()
    _say(str(pdf))
    return EXIT_OK


def _show_main_window(ledger: Ledger, user: User) -> None:
    # Qt stays inside ruralcouncil.gui: its module makes the application and the window.
    from ruralcouncil.gui.app import build_main_window_for_smoke_test, ensure_application

    window = build_main_window_for_smoke_test(ledger, user)
    qapp = ensure_application()
    window.show()
    qapp.processEvents()
    window.close()
    qapp.processEvents()


# --- the parser --------------------------------------------------------------------------


def _year_arg(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--year", metavar="YYYY", required=required, help=_("calendar year"))


def _user_arg(parser: argparse.ArgumentParser, role: str) -> None:
    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help=_("who is acting ({role}); password from {env} or a prompt").format(
            role=role, env=PASSWORD_ENV
        ),
    )


def _sub(
    subparsers: Any, name: str, handler: Callable[[argparse.Namespace], int], text: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=text, description=text)
    # --db is documented before the command; accepting it after too costs nothing.
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruralcouncil",
        description=_("A village council's budget ledger. With no command, opens the window."),
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=_("the ledger file (default: the ledger in the user data folder)"),
    )
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help=_("language of messages"))
    parser.add_argument(
        "--demo", action="store_true", help=_("open the demo village (its own file)")
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("check the installation: window and PDF on a temporary ledger"),
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _sub(commands, "init", cmd_init, _("create a new ledger"))
    p.add_argument("--village", required=True, help=_("village or rural district name"))
    p.add_argument("--admin", required=True, metavar="USER", help=_("administrator's user name"))
    p.add_argument("--full-name", default="", help=_("administrator's full name"))
    p.add_argument(
        "--council-kind",
        default="rural_maslikhat",
        choices=["rural_maslikhat", "local_community", "custom"],
    )
    p.add_argument("--council-name", default="", help=_("the council's name, for custom"))

    _sub(commands, "demo", cmd_demo, _("write a demo village ledger to --db"))

    p = _sub(commands, "import-transactions", cmd_import, _("import transactions from CSV"))
    p.add_argument("file", metavar="FILE.csv")
    _user_arg(p, "admin, clerk")

    p = _sub(commands, "user", lambda a: EXIT_OK, _("users: add, reset-password, list"))
    user_commands = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = _sub(user_commands, "add", cmd_user_add, _("add a user"))
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, help="admin, clerk, chair, member, auditor")
    q.add_argument("--full-name", default="")
    _user_arg(q, "admin")
    q = _sub(user_commands, "reset-password", cmd_user_reset, _("set a forgotten password"))
    q.add_argument("name", metavar="NAME")
    _user_arg(q, "admin")
    q = _sub(user_commands, "list", cmd_user_list, _("list the users"))
    q.add_argument("--json", action="store_true")

    p = _sub(commands, "record", cmd_record, _("record a receipt, payment, transfer or opening"))
    p.add_argument("type", choices=["receipt", "payment", "transfer", "opening"])
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    p.add_argument("--amount", required=True, help=_("tenge, such as 1 500 or 1500,50"))
    p.add_argument("--category", default="", help=_("revenue source or expenditure program"))
    p.add_argument("--fund", default="GENERAL")
    p.add_argument("--account", default="BANK")
    p.add_argument("--to-account", default="")
    p.add_argument("--counterparty", default="")
    p.add_argument("--description", default="")
    p.add_argument("--reference", default="")
    _user_arg(p, "admin, clerk")

    p = _sub(commands, "reverse", cmd_reverse, _("post the reversing entry of an entry"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True)
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    _user_arg(p, "admin, clerk")

    p = _sub(commands, "close-year", cmd_close_year, _("close a fiscal year"))
    p.add_argument("year", metavar="YYYY")
    _user_arg(p, "admin, chair")

    p = _sub(commands, "fund", lambda a: EXIT_OK, _("funds: add, list"))
    fund_commands = p.add_subparsers(dest="fund_command", metavar="ACTION", required=True)
    q = _sub(fund_commands, "add", cmd_fund_add, _("add a fund"))
    q.add_argument("code", metavar="CODE")
    q.add_argument("--name", default="", help=_("name in every language"))
    q.add_argument("--name-kk", default="")
    q.add_argument("--name-ru", default="")
    q.add_argument("--name-en", default="")
    q.add_argument("--purpose", default="")
    q.add_argument(
        "--restricted",
        action="store_true",
        help=_("money kept for one purpose (a project, a subsidy, a gift)"),
    )
    _user_arg(q, "admin")
    q = _sub(fund_commands, "list", cmd_fund_list, _("list the funds"))
    q.add_argument("--json", action="store_true")

    p = _sub(commands, "ledger", cmd_ledger, _("list a year's transactions"))
    _year_arg(p)
    p.add_argument("--json", action="store_true")

    p = _sub(commands, "summary", cmd_summary, _("the year's figures and annual-return boxes"))
    _year_arg(p)
    p.add_argument("--json", action="store_true")

    p = _sub(commands, "verify", cmd_verify, _("check the file and the hash chain"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--anchor", metavar="N:HEX", help=_("chain position N must still have hash HEX"))

    p = _sub(commands, "backup", cmd_backup, _("back up to a file or a folder"))
    p.add_argument("dest", metavar="DEST")

    p = _sub(commands, "restore", cmd_restore, _("restore a backup"))
    p.add_argument("source", metavar="SRC")
    p.add_argument(
        "--other-village",
        action="store_true",
        help=_("accept a backup of another ledger (another village) in place of this one"),
    )
    _user_arg(p, "admin")
    return parser


# --- arguments no command can use -------------------------------------------------------

# The arguments that name files; every other one is a value (a name, code, number or text).
_PATH_ARGUMENTS = ("db", "file", "dest", "source")
# How a positional argument is named in a refusal (options are named --like-this).
_POSITIONAL_NAMES = {
    "name": "NAME",
    "code": "CODE",
    "id": "ID",
    "year": "YYYY",
    "file": "FILE.csv",
    "dest": "DEST",
    "source": "SRC",
}


def _not_text(value: str) -> bool:
    """Bytes that were not UTF-8 reach Python as lone surrogates (U+D800-U+DFFF), which
    SQLite, JSON and the chain cannot store as text."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _shown(value: str) -> str:
    """A refused value as the message quotes it: cut short, the bytes that were not UTF-8
    as ``\\xff`` (as the user's file manager shows them), control characters escaped."""
    try:
        raw = value[:80].encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte stands for
        raw = value[:80].encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


def _check_arguments(args: argparse.Namespace, argv: Sequence[str]) -> None:
    """Refuse, before any file is opened, an argument that no command can use.

    A value typed or saved in another encoding than UTF-8 (non-UTF-8 bytes in argv) reached
    the core as lone surrogates, and some of them (a code, a fund, a user name to reset) ended
    in an internal error (exit 70) instead of a refusal. A file name may hold such bytes on
    Linux and is kept, except where the name itself is stored as text: the CSV's name in the
    import record, a backup's manifest, the restore's event (the backup's and the ledger's
    names); these ended in exit 70 after the work was done. No file name holds a NUL.
    """
    for key, value in sorted(vars(args).items()):
        option = "--" + key.replace("_", "-")
        given_as_option = any(a == option or a.startswith(option + "=") for a in argv)
        what = option if given_as_option else _POSITIONAL_NAMES.get(key, option)
        if isinstance(value, list):
            # Python 3.11's argparse turns `--purpose=--` into an empty list; no option here
            # takes several values.
            raise Refused(
                _("{what} was given no value that can be used ({value}).").format(
                    what=what, value="--"
                )
            )
        if not isinstance(value, str):
            continue
        if key in _PATH_ARGUMENTS:
            if "\0" in value:
                raise Refused(
                    _("{what} {value}: a file name cannot contain a NUL character.").format(
                        what=what, value=_shown(value)
                    )
                )
            try:
                os.fsencode(value)  # what the OS is given; a lone surrogate has no bytes
            except UnicodeEncodeError:
                raise Refused(
                    _("{what} {value} cannot be a file name on this computer.").format(
                        what=what, value=_shown(value)
                    )
                ) from None
        elif _not_text(value):
            raise Refused(
                _(
                    "{what} {value} contains bytes that are not UTF-8 text (typed or saved in "
                    "another encoding). Nothing was done."
                ).format(what=what, value=_shown(value))
            )
    stored: list[tuple[str, Path]] = []
    if args.handler is cmd_import:
        stored.append(("FILE.csv", Path(args.file)))
    elif args.handler is cmd_backup and not Path(args.dest).is_dir():
        stored.append(("DEST", Path(args.dest)))
    elif args.handler is cmd_restore:
        stored.append(("SRC", Path(args.source)))
        if args.db is not None:
            stored.append(("--db", Path(args.db)))
    for what, path in stored:
        if _not_text(path.name):
            raise Refused(
                _(
                    "{what} {value}: the file's name is not UTF-8 text, and this command keeps "
                    "the name in the ledger or beside the backup. Rename the file and try "
                    "again. Nothing was done."
                ).format(what=what, value=_shown(path.name))
            )


# --- the entry point ---------------------------------------------------------------------


def _early_language(argv: Sequence[str]) -> str:
    """--lang is needed before the parser is built, so its help is in the right language."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=sorted(i18n.LANGUAGES))
    known, _rest = early.parse_known_args(list(argv))
    return str(known.lang) if known.lang else i18n.load_preferred_language()


def _log_internal_error(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc))
    _warn(_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"))
    try:
        folder = paths.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "cli-errors.log"
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {date.today().isoformat()} {sys.argv!r}\n{text}\n")
        _warn(_("The details were written to {path}.").format(path=log))
    except OSError:
        _warn(text)


# argparse's own messages (usage errors), marked here so the catalogue carries them: a clerk
# who mistypes a command reads why in their language too.
_ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def _translate_argparse() -> None:
    def plural(singular: str, plural_form: str, n: int) -> str:
        return _(singular) if n == 1 else _(plural_form)

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    _use_utf8()
    _translate_argparse()
    argv = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | None = None
    try:
        try:
            i18n.set_language(_early_language(argv))
        except SystemExit as exc:  # a bad --lang value: argparse has said why
            return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_REFUSED
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # usage errors exit 2 with argparse's text; --help exits 0
            return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
        if args.smoke_test:
            return smoke_test()
        if args.handler is None:
            return cmd_gui(args)
        _check_arguments(args, argv)
        return int(args.handler(args))
    except ImportRejected as exc:
        _warn(str(exc))
        for problem in exc.problems:
            _warn(problem)
        return EXIT_REFUSED
    except LedgerError as exc:
        _warn(str(exc))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _warn(_("Interrupted; nothing was saved."))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`ledger --json | head`): stop quietly, as a shell
        # command would on SIGPIPE. Output goes nowhere from here on.
        with suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (kept open until exit)
        return EXIT_BROKEN_PIPE
    except EOFError:  # Ctrl-D at a password prompt
        _warn(_("No password was given; nothing was saved."))
        return EXIT_REFUSED
    except Exception as exc:
        # A full or read-only disk, a damaged or busy file: the user's situation to fix, said
        # in their words (exit 2). Anything else is our bug (exit 70).
        from ruralcouncil.ledger.storage import explain

        # The ledger's path lets explain() name the file and ask its disk whether it is full.
        db = getattr(args, "db", None)
        fault = explain(exc, Path(db) if isinstance(db, str) and "\0" not in db else None)
        if fault is not None:
            _warn(str(fault))
            return EXIT_REFUSED
        _log_internal_error(exc)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
