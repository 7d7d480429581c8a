"""The shipped fonts cover Kazakh and the tenge sign, and are what the PDFs use."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from ruralcouncil.reports import fonts

KAZAKH_UPPER = "ӘҒҚҢӨҰҮҺІ"
KAZAKH_LOWER = "әғқңөұүһі"


@pytest.mark.parametrize("name", [fonts.REGULAR, fonts.BOLD])
def test_shipped_font_has_kazakh_letters_and_tenge_sign(name: str) -> None:
    path = fonts.font_path(name)
    assert path.parent.parent.name == "resources" and path.is_file()
    cmap = TTFontFile(str(path)).charToGlyph
    for ch in KAZAKH_UPPER + KAZAKH_LOWER + "₸":
        assert ord(ch) in cmap, f"{name} has no glyph for {ch} (U+{ord(ch):04X})"
    assert fonts.missing_characters(name) == []


def test_missing_characters_reports_what_is_absent() -> None:
    # A private-use character is in no font: the check must be able to fail.
    assert fonts.missing_characters(fonts.REGULAR, "Ә\ue000") == ["\ue000"]


def test_every_kazakh_letter_is_checked() -> None:
    assert sorted(fonts.KAZAKH_LETTERS) == sorted(KAZAKH_UPPER + KAZAKH_LOWER)


def test_registering_is_idempotent_and_uses_the_shipped_files() -> None:
    from reportlab.pdfbase import pdfmetrics

    assert fonts.register_fonts() == (fonts.REGULAR, fonts.BOLD)
    first = pdfmetrics.getFont(fonts.REGULAR)
    assert fonts.register_fonts() == (fonts.REGULAR, fonts.BOLD)
    assert pdfmetrics.getFont(fonts.REGULAR) is first
    for name in (fonts.REGULAR, fonts.BOLD):
        font = pdfmetrics.getFont(name)
        assert font.face.filename == str(fonts.font_path(name))
