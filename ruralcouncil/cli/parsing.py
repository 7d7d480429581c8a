"""argparse in the user's language, through the hooks argparse offers for it.

argparse writes a few texts of its own: the usage line, the two section titles, the help
option and the usage errors. They are translated here without touching the argparse module:
a ``HelpFormatter`` subclass gives the usage prefix and the section titles, the parser adds
its own help option, and ``ArgumentParser.error()`` (the documented place every usage error
passes through) translates the message argparse composed before printing it.

The parser also remembers, for each command, how a refusal names its positional arguments
and which arguments are file names (``checks.check_arguments``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from ruralcouncil.i18n import N_, _

USAGE = N_("usage: ")
HELP = N_("show this help message and exit")
ERROR = N_("%(prog)s: error: %(message)s\n")
# argparse's two default groups, by the English titles argparse gives them.
SECTION_TITLES = {
    "options": N_("options"),
    "positional arguments": N_("positional arguments"),
}
# The messages argparse hands to error(), as argparse writes them in English (Python 3.11 and
# later): each is matched against the message and its fields carried into the translation.
# A message none of them matches is shown as argparse wrote it.
ERROR_MESSAGES = (
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)
_FIELD = re.compile(r"%\((?P<name>[a-z_]+)\)[sr]|%[sr]")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """The template as a regular expression: each field a named group (``%s`` is ``_0``)."""
    parts: list[str] = []
    last = 0
    for n, field in enumerate(_FIELD.finditer(template)):
        parts.append(re.escape(template[last : field.start()]))
        parts.append(f"(?P<{field.group('name') or f'_{n}'}>.*?)")
        last = field.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _fill(template: str, fields: dict[str, str]) -> str:
    """``template`` (translated) with the fields as argparse already wrote them: a ``%r``
    field was quoted by argparse, so it is filled as text, not quoted again."""

    def field(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:  # the translation of "... %s" has the one positional field
            name = next(k for k in fields if k.startswith("_"))
        return fields[name]

    return _FIELD.sub(field, template.replace("%%", "\0")).replace("\0", "%")


def translate_error(message: str) -> str:
    """A usage error argparse wrote in English, in the current language."""
    for template in ERROR_MESSAGES:
        match = _pattern(template).fullmatch(message)
        if match is None:
            continue
        fields = {k: v for k, v in match.groupdict().items() if v is not None}
        if "message" in fields:
            fields["message"] = translate_error(fields["message"])
        translated = _(template)
        if sorted(f.group(0)[:-1] for f in _FIELD.finditer(translated)) != sorted(
            f.group(0)[:-1] for f in _FIELD.finditer(template)
        ):
            return message  # a translation that lost a field: argparse's own words
        return _fill(translated, fields)
    return message


def _terminal_width() -> int:
    """The width argparse gives its help, measured as ``shutil.get_terminal_size`` would:
    argparse makes a formatter for every argument it adds, and its own way to the width
    imports shutil and, with it, the compression modules, a few milliseconds of every
    command's start for a width only --help and errors use."""
    with suppress(KeyError, ValueError):
        if (columns := int(os.environ["COLUMNS"])) > 0:
            return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class Formatter(argparse.HelpFormatter):
    """argparse's help and usage, with its own words in the user's language."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # argparse keeps two columns free on the right of the terminal's width.
        width = _terminal_width() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _(USAGE) if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        if heading in SECTION_TITLES:
            heading = _(SECTION_TITLES[heading])
        super().start_section(heading)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks the user's language and knows its arguments' roles.

    ``add_argument(..., path=True)`` marks an argument that names a file. Every command's
    parser puts itself in the namespace as ``command_parser``, so the checks after parsing
    find the command's own parser (the innermost one sets it last).
    """

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        # How a refusal names each positional argument (an option is named --like-this).
        self.positional_names: dict[str, str] = {}
        # The destinations of the arguments that name files.
        self.path_arguments: set[str] = set()
        # The destinations of the options that may be given several times (a list of values).
        self.list_arguments: set[str] = set()
        # File names the command keeps in the ledger or beside a backup (so they must be
        # UTF-8 text): returns (how the refusal names it, the path).
        self.kept_names: Callable[[argparse.Namespace], list[tuple[str, Path]]] | None = None
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False  # its own help option, below: in the user's language
        super().__init__(*args, **kwargs)
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help=_(HELP)
            )
        self.set_defaults(command_parser=self)

    def add_argument(
        self, *name_or_flags: str, path: bool = False, **kwargs: Any
    ) -> argparse.Action:
        action = super().add_argument(*name_or_flags, **kwargs)
        if not action.option_strings and isinstance(action.metavar, str):
            self.positional_names[action.dest] = action.metavar
        if path:
            self.path_arguments.add(action.dest)
        if kwargs.get("action") == "append":
            self.list_arguments.add(action.dest)
        return action

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, _(ERROR) % {"prog": self.prog, "message": translate_error(message)})
