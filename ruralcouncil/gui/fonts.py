"""The shipped DejaVu fonts: every PC shows Kazakh letters and ₸ the same way.

Old Windows PCs may lack Ә Ғ Қ Ң Ө Ұ Ү Һ І or ₸ in their system fonts, so the program never
relies on them: it registers its own TTFs and makes DejaVu Sans the application font.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ruralcouncil.reports.fonts import FILES, font_path  # the same files the PDFs embed

FAMILY = "DejaVu Sans"
POINT_SIZE = 10

_families: list[str] = []  # registered once per process


def load_shipped_fonts() -> list[str]:
    """Register the shipped TTFs with Qt (once); returns the families they provide."""
    if _families:
        return list(_families)
    families: list[str] = []
    for name in FILES:
        path = font_path(name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            # Not fatal: the window still works, only letters may look different.
            print(f"RuralCouncil: could not load the font {path}", file=sys.stderr)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    _families.extend(dict.fromkeys(families))
    return list(_families)


def install_application_font(app: QApplication) -> QFont:
    """Load the shipped fonts and make DejaVu Sans the font of every widget."""
    families = load_shipped_fonts()
    font = QFont(FAMILY if FAMILY in families else app.font().family(), POINT_SIZE)
    app.setFont(font)
    return font
