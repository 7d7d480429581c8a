"""PySide6's source scan of every imported module is replaced by a look at its name
(ruralcouncil.gui.feature_scan): the window's start reads no module's source, and the
answer is the one the scan would give for what matters to PySide."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests._helpers import ROOT, fresh_python

PACKAGE = ROOT / "ruralcouncil"


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_the_program_never_asks_for_pyside_features() -> None:
    """The scan exists for ``from __feature__ import ...``: were any module of the program
    (or the chart's pyqtgraph) to use it, its answer would matter again."""
    import pyqtgraph

    sources = [*PACKAGE.rglob("*.py"), *Path(pyqtgraph.__file__).parent.rglob("*.py")]
    assert len(sources) > 100
    asking = [
        str(path)
        for path in sources
        if "__feature__" in _imports(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert asking == []


def test_every_module_that_imports_pyside_is_told_so_by_its_name() -> None:
    from ruralcouncil.gui.feature_scan import uses_pyside

    importing = {
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if any(
            name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"}
            for name in _imports(ast.parse(path.read_text(encoding="utf-8")))
        )
    }
    assert "ruralcouncil.gui.main_window" in importing
    wrong = sorted(name for name in importing if not uses_pyside(ModuleType(name)))
    assert wrong == []


def test_modules_without_pyside_are_told_so() -> None:
    from ruralcouncil.gui.feature_scan import uses_pyside

    for name in ("ruralcouncil.ledger.queries", "ruralcouncil", "json", "sqlite3", "PySide"):
        assert not uses_pyside(ModuleType(name)), name
    nameless = ModuleType("x")
    del nameless.__name__
    assert not uses_pyside(nameless)
    assert uses_pyside(ModuleType("PySide6.QtWidgets"))
    assert uses_pyside(ModuleType("ruralcouncil.gui"))


# Which program files are read as text (PySide's scan reads them through linecache) while
# the window's code is imported, and what PySide recorded for two of its modules.
_PROBE = r"""
import json, linecache, sys
read = []
update = linecache.updatecache


def recording(filename, *args, **kwargs):
    read.append(filename)
    return update(filename, *args, **kwargs)


linecache.updatecache = recording
import ruralcouncil.gui.app  # noqa: E402
from ruralcouncil.gui import dashboard_page, main_window  # noqa: E402

feature = sys.modules["shibokensupport.feature"]
print(json.dumps({
    "scan": f"{feature._mod_uses_pyside.__module__}.{feature._mod_uses_pyside.__name__}",
    "read": [name for name in read if "ruralcouncil" in name],
    "gui": feature.pyside_feature_dict.get("ruralcouncil.gui"),
    "ledger": feature.pyside_feature_dict.get("ruralcouncil.ledger"),
}))
"""


def _probe(*lines: str) -> dict[str, object]:
    done = fresh_python(lines[0] + _PROBE if lines else _PROBE, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_window_start_reads_no_module_source() -> None:
    found = _probe()
    assert found["scan"] == "ruralcouncil.gui.feature_scan.uses_pyside"
    assert found["read"] == []
    # PySide's own bookkeeping, as its scan would have kept it.
    assert found["gui"] == 0
    assert found["ledger"] == -1


def test_pysides_scan_reads_the_sources_it_would_skip() -> None:
    """The measurement above can fail: with the scan left in place (the module's import
    made a no-op), the same start reads the program's files."""
    found = _probe(
        "import sys, types\n"
        "stub = types.ModuleType('ruralcouncil.gui.feature_scan')\n"
        "sys.modules['ruralcouncil.gui.feature_scan'] = stub\n"
        "import ruralcouncil.gui\n"
        "ruralcouncil.gui.feature_scan = stub\n"
    )
    assert found["scan"] == "shibokensupport.feature._mod_uses_pyside"
    read = {Path(str(name)).relative_to(ROOT).as_posix() for name in found["read"]}
    assert {"ruralcouncil/gui/context.py", "ruralcouncil/ledger/users.py"} <= read
    assert len(read) > 20
    assert found["gui"] == 0


def test_a_pyside_without_the_scan_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from ruralcouncil.gui import feature_scan

    empty = ModuleType("shibokensupport.feature")
    monkeypatch.setitem(sys.modules, "shibokensupport.feature", empty)
    assert feature_scan.skip_source_scan() is False
    assert not hasattr(empty, "_mod_uses_pyside")
    monkeypatch.delitem(sys.modules, "shibokensupport.feature")
    assert feature_scan.skip_source_scan() is False
