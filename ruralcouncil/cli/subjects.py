"""The command line's subjects, and the parser they make together.

A subject is a module of this package with ``register(commands)``, which adds its commands
(``command(commands, NAME, handler, help)``, or ``subject(commands, NAME, help)`` for one with
actions of its own, such as ``user add``) to the top-level subparsers. Adding a subject is a
new module and one line in ``SUBJECTS``; ``--help`` lists the commands in this order.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import NoReturn

import ruralcouncil
from ruralcouncil import i18n
from ruralcouncil.cli.common import ONLY
from ruralcouncil.cli.parsing import Parser
from ruralcouncil.i18n import _

# The subjects' modules, imported when the parser is built (not for the window's start).
SUBJECTS: tuple[str, ...] = (
    "ledger_file",  # init, demo, verify, backup, restore
    "entries",  # record, reverse, import-transactions, ledger, summary, close-year
    "users",  # user ...
    "funds_and_codes",  # fund ..., code ...
    "settings",  # settings ...
    "council",  # party ..., interest ..., council ..., meeting ..., resolution ...
    "spending",  # budget ..., request ...
    "community",  # donation ..., project ..., household ..., contribution ...
    "registers",  # subsidy ..., loan ..., asset ..., lease ..., fine ...
    "reports",  # report ...
    "paper",  # verify-report
    "returns",  # governance answer, variance explain, reconcile, audit answer, return finalise
    "exports",  # export csv|xlsx|fdp
    "district",  # consolidate, district summary (DuckDB, an optional extra)
)


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The command line's parser. Given ``argv`` that names its command for certain
    (:func:`chosen_command`), only that command's parser is built in full: building all
    of them costs every run a noticeable part of its start."""
    only = chosen_command(argv) if argv is not None else None
    if only is None:
        return _build()[0]
    # Without --help no help text can be shown (a usage error shows the usage line, then the
    # error, translated as it is raised): they are left in English, and a command that shows
    # no message never looks up the user's language.
    with i18n.texts_not_shown():
        parser, found = _build(only)
    if only == WINDOW:
        return parser  # the window's start (no command): no command's parser is needed
    return parser if found else _build()[0]  # not a command after all: the whole parser


def _build(only: str | None = None) -> tuple[Parser, bool]:
    """The parser, with only the command ``only`` built in full (all of them for None), and
    whether there is such a command."""
    parser = Parser(
        prog="ruralcouncil",
        description=_("A village council's budget ledger. With no command, opens the window."),
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        path=True,
        help=_("the ledger file (default: the ledger in the user data folder)"),
    )
    parser.add_argument(
        "--lang", choices=sorted(i18n.LANGUAGES), help=_("language of the window and of messages")
    )
    parser.add_argument(
        "--demo", action="store_true", help=_("open the demo village (its own file)")
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("check the installation: window and PDF on a temporary ledger"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"ruralcouncil {ruralcouncil.__version__}",
        help=_("print the program's version and exit"),
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    setattr(commands, ONLY, only)
    if only != WINDOW:  # the window's start needs no command, nor their modules
        for name in SUBJECTS:
            importlib.import_module(f"ruralcouncil.cli.{name}").register(commands)
    return parser, only is None or only in commands.choices


class _Unsure(Exception):
    pass


class _EarlyParser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _Unsure(message)


# What :func:`chosen_command` says of a command line that names no command and nothing the
# top-level options do not know: the window's start (no command has this name).
WINDOW = ""


def plain_window_start(argv: Sequence[str]) -> bool:
    """Whether ``argv`` opens the window in one of its two plainest forms: nothing (the
    installed shortcuts' form), or ``--db PATH``. They need no parser (building one is most
    of the command line's part of the window's start), and the parser would read them just
    so: the window, with that ledger (an empty path is the default one). Anything else,
    even ``--db=PATH`` or a path that begins with a dash, is read by the parser."""
    return not argv or (len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"))


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, read with the top-level options only; :data:`WINDOW`
    when it names none and holds nothing else; None when it asks for help anywhere or
    cannot be read so (the whole parser then answers, in its words)."""
    if any(arg.startswith(("-h", "--h")) for arg in argv):
        return None
    early = _EarlyParser(prog="ruralcouncil", add_help=False)
    early.add_argument("--db")
    early.add_argument("--lang")
    early.add_argument("--demo", action="store_true")
    early.add_argument("--smoke-test", action="store_true")
    early.add_argument("command", nargs="?")
    try:
        known, rest = early.parse_known_args(list(argv))
    except _Unsure:
        return None
    if isinstance(known.command, str):
        return str(known.command)
    # No command: the window, unless something is left that only the whole parser can
    # answer (--version, or a mistake it names in its usage).
    return WINDOW if not rest else None


def _before_the_command(argv: list[str]) -> list[str]:
    """The global options, up to the command: a ``--lang`` after it (``report KIND --lang``)
    is the document's language, not the messages'."""
    taking_value = False
    for index, token in enumerate(argv):
        if taking_value:
            taking_value = False
        elif token in ("--db", "--lang"):
            taking_value = True
        elif not token.startswith("-"):
            return argv[:index]
    return argv


def early_language(argv: list[str]) -> str | None:
    """--lang is needed before the parser is built, so its help is in the right language;
    None without it (the user's preferred language, looked up when a message needs it)."""
    early = Parser(prog="ruralcouncil", add_help=False)
    early.add_argument("--lang", choices=sorted(i18n.LANGUAGES))
    known: argparse.Namespace
    known, _rest = early.parse_known_args(_before_the_command(argv))
    return str(known.lang) if known.lang else None
