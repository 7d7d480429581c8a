"""PySide6 without its source scan of every module imported after it.

For PySide's optional ``from __feature__ import snake_case, true_property`` switches, PySide6
records for each module whether it uses PySide6, the first time an import statement names
it, and finds out by reading the module's whole source file and searching it for the word
"PySide6" (``shibokensupport.feature._mod_uses_pyside``). A start of the window meets about
seventy modules that way: 13 ms of reading and splitting files, on the path to the main
window, and more at each page's first visit.

This program never switches those features on (tests/gui/test_feature_scan.py checks that
no module asks for them), so the answer matters only as PySide's bookkeeping: the modules
that use PySide6 are told apart by name instead. Nothing else of PySide's is changed, and a
PySide6 without that function is left as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType

# The packages that import PySide6 in this program (pyqtgraph: the dashboard's chart).
_USES_PYSIDE = ("PySide6", "shiboken6", "shibokensupport", "ruralcouncil.gui", "pyqtgraph")


def uses_pyside(module: ModuleType) -> bool:
    """What PySide's scan would answer for the modules this program imports, without
    reading their files."""
    name = getattr(module, "__name__", "")
    return isinstance(name, str) and name.startswith(_USES_PYSIDE)


def skip_source_scan() -> bool:
    """Tell modules apart by name from now on; False if this PySide6 has no such scan."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True


skip_source_scan()
