"""The built-in guide (issue 6): a page of help for every page of the window, in Kazakh,
Russian and English, opened by F1 on the page the user is on."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from ruralcouncil import i18n
from ruralcouncil.gui import help as guide
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.main_window import PAGES, MainWindow

_CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def test_every_page_has_a_guide_in_every_language() -> None:
    assert list(guide.TOPICS) == [spec.key for spec in PAGES]
    for spec in PAGES:
        assert guide.TOPICS[spec.key] == spec.title
        texts = {}
        for lang in i18n.LANGUAGES:
            path = guide.help_file(spec.key, lang)
            assert path is not None and path.parent.name == lang, (spec.key, lang)
            text = path.read_text(encoding="utf-8")
            assert text.startswith("<h2>") and "<li>" in text and len(text) > 800
            texts[lang] = text
        assert not _CYRILLIC.search(texts["en"])
        assert _KAZAKH_ONLY.search(texts["kk"]), spec.key
        assert _CYRILLIC.search(texts["ru"]) and not _KAZAKH_ONLY.search(texts["ru"]), spec.key


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_the_guides_name_the_page_by_its_title(lang: str) -> None:
    """Each guide's heading is the page's own title in that language (where translated)."""
    i18n.set_language(lang)
    for spec in PAGES:
        heading = re.match(r"<h2>(.*?)</h2>", guide.help_text(spec.key)).group(1)  # type: ignore[union-attr]
        title = i18n._(spec.title)
        if title != spec.title or lang == "en":
            assert heading.replace("&amp;", "&") == title, (lang, spec.key)
    i18n.set_language("en")


def test_a_guide_missing_in_a_language_is_shown_in_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    real = guide.help_dir
    monkeypatch.setattr(
        guide, "help_dir", lambda lang: real("en") if lang == "en" else real("en") / "none"
    )
    assert guide.help_text("ledger", "kk") == guide.help_text("ledger", "en")
    assert "no guide" in guide.help_text("no-such-page", "kk")


def test_f1_opens_the_guide_to_the_page_on_screen(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert QKeySequence("F1") in window.help_action.shortcuts()
    for key in window.page_keys():
        window.show_page(key)
        window.help_action.trigger()
        help_window = window.help_window
        assert help_window is not None and help_window.isVisible()
        assert help_window.topic == key
        assert help_window.text.toPlainText().startswith(
            i18n._(next(s.title for s in PAGES if s.key == key))
        )
    # One guide window, reused; its list moves between topics too.
    first = window.help_window
    assert first is not None
    first.topics.setCurrentRow(0)
    assert first.topic == "dashboard"
    window.help_action.trigger()
    assert window.help_window is first


def test_the_guide_speaks_the_window_language(qtbot: QtBot, context: AppContext) -> None:
    i18n.set_language("ru")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_page("settings")
    help_window = window.show_help()
    text = help_window.text.toPlainText()
    assert text.startswith("Настройки") and "Блокировка окна" in text
    i18n.set_language("en")
