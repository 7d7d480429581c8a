"""The code stays clean: ruff check and format everywhere, mypy --strict on the Qt-free core,
the window code and the command line.

Each tool runs as ``python -m TOOL`` from the interpreter running the tests: the test command
installs them (the ``test`` extra), so a missing tool is an error here, never a skip.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ["ruralcouncil", "tests", "benchmarks", "installer", "docs"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean() -> None:
    done = _run("ruff", "check", *CHECKED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_applied() -> None:
    done = _run("ruff", "format", "--check", *CHECKED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_on_the_core_the_window_and_the_command_line() -> None:
    done = _run(
        "mypy",
        "--strict",
        "ruralcouncil/ledger",
        "ruralcouncil/reports",
        "ruralcouncil/gui",
        "ruralcouncil/cli",
    )
    assert done.returncode == 0, done.stdout + done.stderr
