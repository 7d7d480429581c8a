"""Layering (DESIGN §3): Qt only under ruralcouncil/gui, heavy libraries only when needed.

Each check runs in a fresh interpreter, so modules imported by other tests cannot hide or
fake a result.
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ruralcouncil.ledger
import ruralcouncil.reports

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph")
HEAVY = ("reportlab", "pyqtgraph", "numpy")


def _modules(package: object) -> list[str]:
    path = getattr(package, "__path__")  # noqa: B009 (a package's search path)
    prefix = getattr(package, "__name__") + "."  # noqa: B009
    return sorted(info.name for info in pkgutil.walk_packages(path, prefix))


def _loaded_after_import(modules: list[str], watched: tuple[str, ...]) -> list[str]:
    """Import ``modules`` in a new interpreter; return which ``watched`` top-level names loaded."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({watched!r}))))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_every_core_module_is_found() -> None:
    ledger = _modules(ruralcouncil.ledger)
    assert {"ruralcouncil.ledger.journal", "ruralcouncil.ledger.storage"} <= set(ledger)
    assert "ruralcouncil.reports.statements" in _modules(ruralcouncil.reports)


@pytest.mark.parametrize(
    "package", [ruralcouncil.ledger, ruralcouncil.reports], ids=["ledger", "reports"]
)
def test_core_imports_without_qt(package: object) -> None:
    modules = [getattr(package, "__name__"), *_modules(package)]  # noqa: B009
    assert _loaded_after_import(modules, QT) == []


def test_cli_imports_without_qt_or_reportlab() -> None:
    assert _loaded_after_import(["ruralcouncil.cli"], (*QT, "reportlab", "numpy")) == []


def test_window_start_up_stays_light() -> None:
    """The shell's modules load Qt, but not reportlab, pyqtgraph or numpy (slow on old PCs)."""
    modules = [
        "ruralcouncil.gui.app",
        "ruralcouncil.gui.main_window",
        "ruralcouncil.gui.login_dialog",
        "ruralcouncil.gui.setup_wizard",
        "ruralcouncil.gui.settings_page",
    ]
    assert _loaded_after_import(modules, (*HEAVY, "PySide6")) == ["PySide6"]


def test_the_gui_writes_no_sql() -> None:
    """DESIGN §3: windows and Qt models call the core's functions; SQL stays in the core."""
    sql = re.compile(
        r"\.execute(many|script)?\(|\b(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT|ROLLBACK)\b"
        r"|^\s*(import sqlite3|from sqlite3 )",
        re.MULTILINE,
    )
    found = [
        f"{path.name}: {match.group(0).strip()}"
        for path in sorted((ROOT / "ruralcouncil" / "gui").rglob("*.py"))
        for match in sql.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
