"""The program's entry point (``ruralcouncil.start``): Python's cycle collector is paused while
the program loads, back on before a command runs, and left to the window's own collector."""

from __future__ import annotations

import argparse
import gc
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import admin_of, fresh_ledger, fresh_python, receipt

from ruralcouncil import start
from ruralcouncil.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    """Each test leaves Python's collector on, and the entry point's pause forgotten."""
    yield
    start._paused = False
    gc.enable()


def test_the_pause_turns_the_collector_off_and_the_resume_back_on() -> None:
    start.pause_collection()
    assert not gc.isenabled()
    start.resume_collection()
    assert gc.isenabled()
    start.resume_collection()  # twice: nothing more
    assert gc.isenabled()


def test_a_resume_leaves_off_what_someone_else_turned_off() -> None:
    """The window's collector and verify's walk turn it off for their own reasons: only the
    entry point's own pause is undone."""
    gc.disable()
    start.pause_collection()  # already off: not its pause
    start.resume_collection()
    assert not gc.isenabled()
    gc.enable()
    start.resume_collection()  # never paused: nothing to undo
    assert gc.isenabled()


def test_a_command_runs_with_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = fresh_ledger(tmp_path)
    receipt(ledger, admin_of(ledger), "2025-01-10", 150_000_00)
    ledger.close()
    from ruralcouncil.cli import entries

    seen: list[bool] = []
    summary = entries.cmd_summary

    def watched(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return summary(args)

    monkeypatch.setattr(entries, "cmd_summary", watched)
    start.pause_collection()
    assert main(["--db", str(ledger.path), "summary", "--year", "2025", "--json"]) == 0
    assert seen == [True]
    assert json.loads(capsys.readouterr().out)["year"] == 2025


def test_the_window_keeps_it_for_its_own_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """No command: the window opens, and its GUI thread's collector takes collection over
    (gui.collector), so the entry point's pause is not undone on the way."""
    from ruralcouncil.cli import window

    seen: list[bool] = []

    def open_window(db: str | None, *, demo: bool = False, lang: str | None = None) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(window, "open_window", open_window)
    for argv in ([], ["--demo"]):  # read without a parser, then by the parser
        start.pause_collection()
        assert main(argv) == 0
    assert seen == [False, False]


def test_a_usage_error_still_exits_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    start.pause_collection()
    assert main(["--lang", "en", "summary", "--year", "20x5"]) == 2
    assert "four digits" in capsys.readouterr().err


def test_the_entry_point_loads_nothing_before_it_pauses() -> None:
    done = fresh_python(
        "import sys, gc, json\n"
        "before = set(sys.modules)\n"
        "import ruralcouncil.start\n"
        "print(json.dumps([sorted(set(sys.modules) - before), gc.isenabled()]))\n",
        site=False,
    )
    new, enabled = json.loads(done.stdout)
    assert [m for m in new if m not in ("__future__",)] == ["ruralcouncil", "ruralcouncil.start"]
    assert enabled  # importing it changes nothing: only main() pauses


def test_python_m_ruralcouncil_is_the_command(tmp_path: Path) -> None:
    done = fresh_python(
        "import runpy, sys\n"
        f"sys.argv = ['ruralcouncil', '--lang', 'en', '--db', {str(tmp_path / 'x')!r}, 'verify']\n"
        "runpy.run_module('ruralcouncil', run_name='__main__')\n",
        site=False,
    )
    assert done.returncode == 2
    assert "There is no ledger at" in done.stderr, done.stderr


def test_the_installed_command_starts_here() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        scripts = tomllib.load(fh)["project"]["scripts"]
    assert scripts["ruralcouncil"] == "ruralcouncil.start:main"
    launcher = (ROOT / "installer" / "launcher.py").read_text(encoding="utf-8")
    assert "from ruralcouncil.start import main" in launcher


def test_main_pauses_the_collector_before_it_loads_the_command_line() -> None:
    done = fresh_python(
        "import gc, sys, json\n"
        "import ruralcouncil.start as start\n"
        "seen = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'ruralcouncil.cli':\n"
        "            seen.append(gc.isenabled())\n"
        "sys.meta_path.insert(0, Watch())\n"
        "sys.argv = ['ruralcouncil', '--version']\n"
        "code = start.main()\n"
        "print(json.dumps([seen, code]))\n",
        site=False,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [[False], 0], done.stderr
