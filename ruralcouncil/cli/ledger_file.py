"""The ledger file itself: init, demo, verify, backup, restore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ruralcouncil import paths
from ruralcouncil.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    Refused,
    as_user,
    command,
    db_path,
    new_password_for,
    password_for,
    print_json,
    say,
    user_arg,
    warn,
)
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger.errors import LedgerError, LedgerUnavailable


def cmd_init(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.setup import init_ledger

    path = db_path(args)
    if path.exists():
        raise LedgerUnavailable(
            _("{path} already exists; a new ledger never overwrites a file.").format(path=path)
        )
    password = new_password_for(args.admin, NEW_PASSWORD_ENV, PASSWORD_ENV)
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
    say(
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
    say(_("Wrote the demo village ledger to {path}.").format(path=path))
    say(_("Every demo user's password is {password}.").format(password=DEMO_PASSWORD))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.storage import open_ledger
    from ruralcouncil.ledger.verify import VerifyResult, parse_anchor, verify

    anchor = parse_anchor(args.anchor) if args.anchor else None
    path = db_path(args)
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
        print_json(result.as_json())
    elif result.ok:
        say(
            _(
                "The ledger is intact. Entries: {transactions}; chain positions: {entries}; "
                "head {head}."
            ).format(transactions=result.transactions, entries=result.entries, head=result.head)
        )
    else:
        say(_("The ledger has problems:"))
        for problem in result.problems:
            say("  " + problem)
        if result.first_bad is not None:
            say(_("The first bad entry is {n}.").format(n=result.first_bad))
        elif result.first_bad_seq is not None:
            say(_("The first bad record is at chain position {n}.").format(n=result.first_bad_seq))
    return EXIT_OK if result.ok else EXIT_PROBLEM


def cmd_backup(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.backup import backup_ledger
    from ruralcouncil.ledger.storage import open_ledger

    ledger = open_ledger(db_path(args), write=False, legacy=True)
    try:
        result = backup_ledger(ledger, Path(args.dest))
    finally:
        ledger.close()
    say(
        ngettext(
            "Backed up to {path} ({entries} chain position, head {head}).",
            "Backed up to {path} ({entries} chain positions, head {head}).",
            result.entries,
        ).format(path=result.path, entries=result.entries, head=result.head)
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger.backup import restore_ledger, restore_to_new

    path = db_path(args)
    # Asked for once: the restorer logs in to this ledger and, with the same password, must be
    # able to log in to the backup (so a terminal user types it once, not twice).
    password = password_for(args.user)
    if not path.exists():
        # A new PC after a disk failure: the administrator's account in the backup vouches.
        result = restore_to_new(Path(args.source), path, args.user, password)
        say(
            _("Restored {source} into the new ledger {path}. Chain positions: {after}.").format(
                source=args.source, path=path, after=result.entries_after
            )
        )
        return EXIT_OK
    with as_user(args, "restore", password) as (ledger, user):
        result = restore_ledger(
            ledger, user, Path(args.source), password, other_village=args.other_village
        )
    if result.warning:
        warn(result.warning)
    say(
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


# --- file names kept as text (see checks.check_arguments) --------------------------------


def _backup_keeps(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """A backup's own name goes into its manifest (a folder as DEST gets a name of ours)."""
    return [] if Path(args.dest).is_dir() else [("DEST", Path(args.dest))]


def _restore_keeps(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """The restore's event names the backup and the ledger."""
    kept = [("SRC", Path(args.source))]
    if args.db is not None:
        kept.append(("--db", Path(args.db)))
    return kept


def register(commands: Any) -> None:
    p = command(commands, "init", cmd_init, _("create a new ledger"))
    p.add_argument("--village", required=True, help=_("village or rural district name"))
    p.add_argument("--admin", required=True, metavar="USER", help=_("administrator's user name"))
    p.add_argument("--full-name", default="", help=_("administrator's full name"))
    p.add_argument(
        "--council-kind",
        default="rural_maslikhat",
        choices=["rural_maslikhat", "local_community", "custom"],
    )
    p.add_argument("--council-name", default="", help=_("the council's name, for custom"))

    command(commands, "demo", cmd_demo, _("write a demo village ledger to --db"))

    p = command(commands, "verify", cmd_verify, _("check the file and the hash chain"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--anchor", metavar="N:HEX", help=_("chain position N must still have hash HEX"))

    p = command(commands, "backup", cmd_backup, _("back up to a file or a folder"))
    p.add_argument("dest", metavar="DEST", path=True)
    p.kept_names = _backup_keeps

    p = command(commands, "restore", cmd_restore, _("restore a backup"))
    p.add_argument("source", metavar="SRC", path=True)
    p.add_argument(
        "--other-village",
        action="store_true",
        help=_("accept a backup of another ledger (another village) in place of this one"),
    )
    user_arg(p, "admin")
    p.kept_names = _restore_keeps
