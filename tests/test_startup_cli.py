"""A command that only reads starts light: it imports neither sqlite-utils nor Babel nor the
PDF and chart libraries, parses no .po catalogue, and builds only its own command's parser
(with the same result as the whole parser). Nothing here is timed."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    english,
    fresh_ledger,
    fresh_python,
    receipt,
)

from ruralcouncil import i18n
from ruralcouncil.cli.subjects import WINDOW, build_parser, chosen_command

ROOT = Path(__file__).resolve().parents[1]
# Never on a read path: the schema's migrations (sqlite-utils, and click, numpy... behind
# it), the catalogue compiler (babel.messages), the PDF, the window.
NEVER = (
    "sqlite_utils",
    "babel.messages",
    "numpy",
    "reportlab",
    "PySide6",
    "pyqtgraph",
    "duckdb",
)

_RUN = textwrap.dedent(
    """
    import io, json, sys
    from contextlib import redirect_stdout
    from ruralcouncil.cli import main
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(sys.argv[1:])
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
    """
)


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("read")
    ledger = fresh_ledger(folder)
    try:
        receipt(ledger, admin_of(ledger), "2025-01-10", 150_000_00)
        return ledger.path
    finally:
        ledger.close()


def _modules_after(*argv: str, lang: str = "kk") -> tuple[int, set[str]]:
    """Run the command in a fresh interpreter (in Kazakh: the catalogue is used), as the
    installed program runs."""
    done = fresh_python(_RUN, *argv, site=False, RURALCOUNCIL_LANG=lang)
    assert done.stdout, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return int(found["code"]), set(found["modules"])


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


@pytest.mark.parametrize(
    "argv",
    [
        ["summary", "--year", "2025", "--json"],
        ["ledger", "--year", "2025", "--json"],
        ["verify", "--json"],
        ["--help"],
        ["summary", "--help"],
    ],
    ids=["summary", "ledger", "verify", "help", "summary-help"],
)
def test_a_read_imports_nothing_it_does_not_need(ledger_path: Path, argv: list[str]) -> None:
    code, modules = _modules_after("--db", str(ledger_path), *argv)
    assert code == 0
    assert _loaded(modules, NEVER) == []
    # The catalogue is read with the standard library's gettext: no Babel at all, except
    # where amounts are formatted for people (not in JSON, not in help).
    assert _loaded(modules, ("babel",)) == []
    if argv[0] in ("summary", "ledger") and "--help" not in argv:
        # Nor what only a copy, a backup or a help text's width needs.
        assert _loaded(modules, ("shutil", "tempfile")) == []
    if argv[0] == "summary" and "--json" in argv:
        # The year summary's classes are built without dataclasses, which would import
        # inspect (ast, dis, tokenize) and compile each class's methods at every start.
        assert _loaded(modules, ("dataclasses", "inspect", "ast", "dis")) == []


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "57", "200"])
def test_the_help_is_as_wide_as_argparse_would_make_it(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    import argparse
    import shutil

    from ruralcouncil.cli.parsing import Formatter

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    expected = argparse.HelpFormatter("p")._width
    assert Formatter("p")._width == expected == shutil.get_terminal_size().columns - 2
    assert Formatter("p", width=33)._width == 33


def test_the_catalogue_is_read_compiled(ledger_path: Path) -> None:
    """Kazakh messages come from the .mo file: the .po is not parsed on the way."""
    code, modules = _modules_after("--db", str(ledger_path), "summary", "--year", "2025")
    assert code == 0
    assert "babel.messages" not in modules and "babel.messages.pofile" not in modules


def test_a_catalogue_edited_after_its_build_is_compiled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .po newer than its .mo wins, and is compiled into the .mo for the next start."""
    folder = tmp_path / "translations"
    folder.mkdir()
    source = i18n.catalogue_path("ru")
    po = folder / "ru.po"
    po.write_bytes(source.read_bytes())
    stale = i18n.compiled_path("ru", folder)
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not a catalogue")
    os.utime(stale, (1, 1))
    monkeypatch.setattr(i18n, "translations_dir", lambda: folder)
    i18n.reload_catalogues()
    try:
        i18n.set_language("ru")
        assert i18n._("Wrong user name or password.") != "Wrong user name or password."
        assert stale.stat().st_mtime >= po.stat().st_mtime
        assert stale.read_bytes()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # a .mo
    finally:
        i18n.set_language("en")
        monkeypatch.undo()
        i18n.reload_catalogues()


# --- only the command asked for is built ---------------------------------------------------


def _comparable(argv: list[str], parser_argv: list[str] | None) -> dict[str, object]:
    parser = build_parser(parser_argv)
    values = vars(parser.parse_args(argv))
    values.pop("command_parser")
    return values


@pytest.mark.parametrize(
    "argv",
    [
        ["summary", "--year", "2025", "--json"],
        ["--db", "x.ruralcouncil", "ledger", "--json"],
        ["ledger", "--db", "x.ruralcouncil", "--year", "2024"],
        ["--lang", "ru", "verify", "--anchor", "5:abc"],
        ["--db=x", "--demo", "user", "add", "bob", "--role", "clerk", "--user", "admin"],
        ["record", "receipt", "--amount", "1 500", "--category", "TAX-LAND", "--user", "a"],
        ["fund", "list", "--json"],
        ["--db", "summary", "summary"],
    ],
)
def test_the_parser_of_one_command_reads_argv_as_the_whole_parser(argv: list[str]) -> None:
    assert chosen_command(argv) is not None
    assert _comparable(argv, argv) == _comparable(argv, None)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.ruralcouncil"],
        ["--db=x", "--demo"],
        ["--lang", "kk", "--db", "x"],
        ["--smoke-test"],
    ],
)
def test_the_windows_start_builds_no_commands_parser_and_reads_argv_as_the_whole_one(
    argv: list[str],
) -> None:
    import argparse

    assert chosen_command(argv) == WINDOW
    parser = build_parser(argv)
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert commands.choices == {}
    assert parser.parse_args(argv).handler is None  # the window
    assert _comparable(argv, argv) == _comparable(argv, None)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["summary", "-h"],
        ["--d", "x", "summary"],
        ["nothing"],
        ["--year", "1"],
        ["--version"],
        ["--db", "x", "--bogus"],
    ],
)
def test_the_whole_parser_answers_help_and_mistakes(argv: list[str]) -> None:
    import argparse

    parser = build_parser(argv)
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"summary", "verify", "user", "init", "settings"} <= set(commands.choices)
