"""The command line: the same services as the desktop window (DESIGN §4).

Exit status: 0 success; 1 a check found a problem (``verify``); 2 bad input, a refusal or a
wrong password, with the reason on standard error and nothing written; 70 an internal error
(never 1); 130 when interrupted; 141 when the reader of its output stopped (``| head``).
JSON goes to standard output alone; every warning goes to standard error, so scripts can read
stdout as it is.

The package (docs/architecture.md):

- ``__init__``: :func:`main`, which turns every outcome into its exit status;
- ``subjects``: the list of subjects and the parser they make (``build_parser``);
- ``common``: exit codes, output, the ledger file, :func:`common.as_user` (open for writing,
  clock warning, login) and the helpers that build a command;
- ``parsing``: argparse in the user's language; ``checks``: arguments no command can use;
- a module per subject: ``ledger_file``, ``entries``, ``users``, ``funds_and_codes``,
  ``settings``, ``council`` (parties, interests, rules, meetings, resolutions) and
  ``spending`` (the budget, spending requests); ``window`` opens the desktop window and
  runs the smoke test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from ruralcouncil import i18n, start
from ruralcouncil.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_REFUSED,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    Refused,
    use_utf8,
    warn,
)
from ruralcouncil.cli.subjects import build_parser, early_language, plain_window_start
from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import ImportRejected, LedgerError

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_REFUSED",
    "NEW_PASSWORD_ENV",
    "PASSWORD_ENV",
    "Refused",
    "build_parser",
    "main",
]


def _log_internal_error(exc: BaseException) -> None:
    import traceback
    from datetime import date

    from ruralcouncil import paths

    text = "".join(traceback.format_exception(exc))
    warn(_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"))
    try:
        folder = paths.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "cli-errors.log"
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {date.today().isoformat()} {sys.argv!r}\n{text}\n")
        warn(_("The details were written to {path}.").format(path=log))
    except OSError:
        warn(text)


def main(argv: Sequence[str] | None = None) -> int:
    use_utf8()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = None
    try:
        # The user's preferred language unless --lang names one: looked up only when a
        # message is shown (a JSON read shows none).
        i18n.use_preferred_language()
        if plain_window_start(argv):
            from ruralcouncil.cli.window import open_window

            return open_window(argv[1] if argv else None)
        try:
            lang = early_language(argv)
        except SystemExit as exc:  # a bad --lang value: argparse has said why
            return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_REFUSED
        if lang is not None:
            i18n.set_language(lang)
        parser = build_parser(argv)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # usage errors exit 2 with argparse's text; --help exits 0
            return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
        if args.smoke_test:
            from ruralcouncil.cli.window import smoke_test

            return smoke_test()
        if args.handler is None:
            from ruralcouncil.cli.window import cmd_gui

            return cmd_gui(args)
        # A command runs with Python's collector (the window hands it to its own).
        start.resume_collection()
        from ruralcouncil.cli.checks import check_arguments

        check_arguments(args, argv)
        return int(args.handler(args))
    except ImportRejected as exc:
        warn(str(exc))
        for problem in exc.problems:
            warn(problem)
        return EXIT_REFUSED
    except LedgerError as exc:
        warn(str(exc))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        warn(_("Interrupted; nothing was saved."))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`ledger --json | head`): stop quietly, as a shell
        # command would on SIGPIPE. Output goes nowhere from here on.
        with suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (kept open until exit)
        return EXIT_BROKEN_PIPE
    except EOFError:  # Ctrl-D at a password prompt
        warn(_("No password was given; nothing was saved."))
        return EXIT_REFUSED
    except Exception as exc:
        # A full or read-only disk, a damaged or busy file: the user's situation to fix, said
        # in their words (exit 2). Anything else is our bug (exit 70).
        from ruralcouncil.ledger.storage import explain

        # The ledger's path lets explain() name the file and ask its disk whether it is full.
        db = getattr(args, "db", None)
        fault = explain(exc, Path(db) if isinstance(db, str) and "\0" not in db else None)
        if fault is not None:
            warn(str(fault))
            return EXIT_REFUSED
        _log_internal_error(exc)
        return EXIT_INTERNAL
