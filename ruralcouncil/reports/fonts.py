"""The fonts every PDF uses: the shipped DejaVu TTFs, never the PC's own fonts.

Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) and the tenge sign ₸ are missing from reportlab's built-in
fonts and from many Windows installs, so printed reports embed these files instead.
reportlab is imported here only when a report is actually being made.
"""

from __future__ import annotations

from pathlib import Path

from ruralcouncil.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

# Letters of the Kazakh alphabet beyond Russian's, both cases, and the tenge sign.
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
TENGE_SIGN = "₸"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / FILES[name]


def register_fonts() -> tuple[str, str]:
    """Register the regular and bold faces once per process; returns their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in FILES:
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    # So that <b> inside a Paragraph picks the bold file rather than a built-in font.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    # Drawings (charts, QR codes) and each page start in the shipped face too: reportlab's
    # default, Helvetica, would be named in the PDF without being embedded, for the printing
    # PC to substitute, and has no Kazakh letters.
    # reportlab reads its defaults when its modules are imported, so each is set here.
    from reportlab import rl_config
    from reportlab.graphics import renderbase
    from reportlab.platypus import tables

    rl_config.canvas_basefontname = REGULAR
    rl_config.defaultGraphicsFontName = REGULAR
    renderbase.STATE_DEFAULTS["fontName"] = REGULAR
    tables.CellStyle.fontname = REGULAR  # a table cell holding plain text
    return REGULAR, BOLD


def missing_characters(name: str, text: str = KAZAKH_LETTERS + TENGE_SIGN) -> list[str]:
    """The characters of ``text`` that the shipped font file has no glyph for."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    cmap = TTFontFile(str(font_path(name))).charToGlyph
    return [ch for ch in text if ord(ch) not in cmap]
