"""What every command module shares: exit codes, output, the ledger file, and acting as a user.

A command that writes runs inside :func:`as_user`, the one way to act on a ledger from the
command line: it opens the ledger for writing, warns when this computer's clock is behind the
ledger, and logs in the ``--user`` named with the password from ``RURALCOUNCIL_PASSWORD`` or a
prompt. A command that only reads uses :func:`reader` and needs no login.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ruralcouncil import paths
from ruralcouncil.cli.parsing import Parser
from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import LedgerError

if TYPE_CHECKING:
    from ruralcouncil.ledger.roles import User
    from ruralcouncil.ledger.storage import Ledger

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_REFUSED = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command cut off by `head`

PASSWORD_ENV = "RURALCOUNCIL_PASSWORD"
NEW_PASSWORD_ENV = "RURALCOUNCIL_NEW_PASSWORD"

Handler = Callable[[argparse.Namespace], int]


class Refused(LedgerError):
    """A refusal decided here in the CLI (no password, wrong place for a demo...)."""


# --- output ------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, file=sys.stdout)


def warn(text: str) -> None:
    print(text, file=sys.stderr)


def print_json(value: Any) -> None:
    import json

    say(json.dumps(value, ensure_ascii=False, indent=1))


def use_utf8() -> None:
    """Kazakh letters and ₸ must print on a Windows console too; a file name that is not
    valid UTF-8 (Linux allows it) prints escaped instead of ending the program."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="backslashreplace")


# --- who is acting -----------------------------------------------------------------------


def env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def password_for(user: str) -> str:
    """The password of ``user``: from RURALCOUNCIL_PASSWORD, else asked on a terminal."""
    password = env(PASSWORD_ENV)
    if password is not None:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(_("Password for {user}: ").format(user=user))
    raise Refused(
        _("No password for {user}: set {env} or run the command in a terminal.").format(
            user=user, env=PASSWORD_ENV
        )
    )


def new_password_for(user: str, *envs: str) -> str:
    """A new password from the first set variable of ``envs``, else asked twice."""
    for name in envs:
        value = env(name)
        if value is not None:
            return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise Refused(
            _("No new password for {user}: set {env} or run the command in a terminal.").format(
                user=user, env=envs[0]
            )
        )
    import getpass

    first = getpass.getpass(_("New password for {user}: ").format(user=user))
    again = getpass.getpass(_("The same password again: "))
    if first != again:
        raise Refused(_("The two passwords differ."))
    return first


# --- the ledger file ---------------------------------------------------------------------


def db_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    if args.demo:
        return paths.demo_ledger_path()
    return paths.default_ledger_path()


@contextmanager
def reader(args: argparse.Namespace) -> Iterator[Ledger]:
    """The ledger opened for reading: no lock, no login."""
    from ruralcouncil.ledger.storage import open_ledger

    ledger = open_ledger(db_path(args), write=False)
    try:
        yield ledger
    finally:
        ledger.close()


@contextmanager
def as_user(
    args: argparse.Namespace, purpose: str, password: str | None = None
) -> Iterator[tuple[Ledger, User]]:
    """Run a command as ``--user``: open the ledger for writing (the one-writer lock), warn
    about a clock running behind, log in. ``password``: given when the command needs it
    again itself (restore, a change of one's own password), asked for once by the caller
    with :func:`password_for`; otherwise it is asked for here."""
    from ruralcouncil.ledger import clock, users
    from ruralcouncil.ledger.storage import open_ledger

    ledger = open_ledger(db_path(args), write=True, purpose=f"cli {purpose}")
    try:
        # The clock warning comes first: even a login writes a line to the audit log.
        warning = clock.clock_warning(ledger.conn)
        if warning:
            warn(warning)
        if password is None:
            password = password_for(args.user)
        user = users.login(ledger, args.user, password)
        yield ledger, user
    finally:
        ledger.close()


# --- values ------------------------------------------------------------------------------


def write_new_file(out: Path, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet (never over another file); a refusal
    with the reason otherwise, nothing written."""
    try:
        with out.open("xb") as fh:
            fh.write(data)
    except FileExistsError:
        raise Refused(_("{path} already exists; nothing was written.").format(path=out)) from None
    except OSError as exc:
        raise Refused(
            _("{path} cannot be written: {reason}").format(path=out, reason=exc.strerror or exc)
        ) from None


def parse_year(text: str) -> int:
    from ruralcouncil.ledger.dates import parse_year as parse

    return parse(text)


def not_blank(value: str, what: str) -> str:
    """A required value given blank is a refusal with a reason (DESIGN §4.1)."""
    if not value.strip():
        raise Refused(_("{field} is required.").format(field=what))
    return value


# --- building the parser -----------------------------------------------------------------


# Set on the top-level subparsers by ``subjects.build_parser`` when argv names its command:
# only that command's parser is built (see ``subjects.chosen_command``).
ONLY = "only_command"


class _Skipped:
    """A command left out of this run's parser (another one was asked for): its
    ``add_argument`` and every other call do nothing."""

    def __getattr__(self, name: str) -> Any:
        return self._ignore

    def __setattr__(self, name: str, value: Any) -> None:
        pass

    def _ignore(self, *args: Any, **kwargs: Any) -> _Skipped:
        return self


_SKIPPED = _Skipped()


def command(subparsers: Any, name: str, handler: Handler, text: str) -> Parser:
    """A command (or a subject's action) with its handler and its one-line help."""
    only = getattr(subparsers, ONLY, None)
    if isinstance(subparsers, _Skipped) or (only is not None and name != only):
        return cast(Parser, _SKIPPED)
    parser: Parser = subparsers.add_parser(name, help=text, description=text)
    # --db is documented before the command; accepting it after too costs nothing.
    parser.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS, path=True
    )
    parser.set_defaults(handler=handler)
    return parser


def subject(subparsers: Any, name: str, text: str) -> Any:
    """A command with actions of its own (``user add``, ``fund list``): returns the
    subparsers to add the actions to with :func:`command`."""
    parser = command(subparsers, name, lambda args: EXIT_OK, text)
    if isinstance(parser, _Skipped):
        return parser
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def year_arg(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--year", metavar="YYYY", required=required, help=_("calendar year"))


def json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def user_arg(parser: argparse.ArgumentParser, role: str) -> None:
    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help=_("who is acting ({role}); password from {env} or a prompt").format(
            role=role, env=PASSWORD_ENV
        ),
    )
