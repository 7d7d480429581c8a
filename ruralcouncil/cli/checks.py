"""Arguments no command can use, refused before any file is opened."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from ruralcouncil.cli.common import Refused
from ruralcouncil.cli.parsing import Parser
from ruralcouncil.i18n import _


def not_text(value: str) -> bool:
    """Bytes that were not UTF-8 reach Python as lone surrogates (U+D800-U+DFFF), which
    SQLite, JSON and the chain cannot store as text."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def shown(value: str) -> str:
    """A refused value as the message quotes it: cut short, the bytes that were not UTF-8
    as ``\\xff`` (as the user's file manager shows them), control characters escaped."""
    try:
        raw = value[:80].encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte stands for
        raw = value[:80].encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


def check_arguments(args: argparse.Namespace, argv: Sequence[str]) -> None:
    """Refuse, before any file is opened, an argument that no command can use.

    A value typed or saved in another encoding than UTF-8 (non-UTF-8 bytes in argv) reached
    the core as lone surrogates, and some of them (a code, a fund, a user name to reset) ended
    in an internal error (exit 70) instead of a refusal. A file name may hold such bytes on
    Linux and is kept, except where the name itself is stored as text: the CSV's name in the
    import record, a backup's manifest, the restore's event (the backup's and the ledger's
    names); these ended in exit 70 after the work was done. No file name holds a NUL.

    Which arguments are file names, how positionals are named and which names a command
    keeps come from the command's own parser (``parsing.Parser``).
    """
    parser: Parser = args.command_parser
    for key, value in sorted(vars(args).items()):
        option = "--" + key.replace("_", "-")
        given_as_option = any(a == option or a.startswith(option + "=") for a in argv)
        what = option if given_as_option else parser.positional_names.get(key, option)
        if isinstance(value, list) and key in parser.list_arguments:
            for item in value:  # an option given several times: each value on its own
                _check_value(parser, key, what, item)
            if all(isinstance(item, str) for item in value):
                continue
        if isinstance(value, list):
            # Python 3.11's argparse turns `--purpose=--` into an empty list; no other
            # option here takes several values.
            raise Refused(
                _("{what} was given no value that can be used ({value}).").format(
                    what=what, value="--"
                )
            )
        _check_value(parser, key, what, value)
    kept: list[tuple[str, Path]] = parser.kept_names(args) if parser.kept_names else []
    for what, path in kept:
        if not_text(path.name):
            raise Refused(
                _(
                    "{what} {value}: the file's name is not UTF-8 text, and this command keeps "
                    "the name in the ledger or beside the backup. Rename the file and try "
                    "again. Nothing was done."
                ).format(what=what, value=shown(path.name))
            )


def _check_value(parser: Parser, key: str, what: str, value: object) -> None:
    """Refuse one argument's value that no command can use (see :func:`check_arguments`)."""
    if isinstance(value, str):
        if key == "db" or key in parser.path_arguments:
            if "\0" in value:
                raise Refused(
                    _("{what} {value}: a file name cannot contain a NUL character.").format(
                        what=what, value=shown(value)
                    )
                )
            try:
                os.fsencode(value)  # what the OS is given; a lone surrogate has no bytes
            except UnicodeEncodeError:
                raise Refused(
                    _("{what} {value} cannot be a file name on this computer.").format(
                        what=what, value=shown(value)
                    )
                ) from None
        elif not_text(value):
            raise Refused(
                _(
                    "{what} {value} contains bytes that are not UTF-8 text (typed or saved in "
                    "another encoding). Nothing was done."
                ).format(what=what, value=shown(value))
            )
