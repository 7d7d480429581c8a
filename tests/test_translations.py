"""One catalogue serves the GUI, the CLI and the reports: nothing may be left untranslated."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruralcouncil import catalogue, i18n


def test_every_message_is_translated_into_kazakh_and_russian() -> None:
    problems = catalogue.problems()
    assert problems == [], "\n".join(problems[:50])


def test_catalogues_are_used_at_run_time() -> None:
    try:
        i18n.set_language("ru")
        assert i18n._("Wrong user name or password.") != "Wrong user name or password."
        i18n.set_language("kk")
        assert i18n._("Wrong user name or password.") != "Wrong user name or password."
        i18n.set_language("en")
        assert i18n._("Wrong user name or password.") == "Wrong user name or password."
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_kazakh_and_russian_amounts_use_cldr_grouping() -> None:
    from ruralcouncil.ledger.money import format_amount

    for lang in ("kk", "ru"):
        text = format_amount(123456789, lang)
        assert text.replace("\u00a0", " ").replace("\u202f", " ") == "1 234 567,89 ₸"
    assert format_amount(123456789, "en") == "₸1,234,567.89"


def test_extraction_finds_messages_from_every_layer() -> None:
    files = {f for places in catalogue.extract().values() for f, _line in places}
    assert any(f.startswith("ledger") for f in files)


def test_the_compiled_catalogues_say_what_the_po_files_say() -> None:
    """The program reads the .mo files the build compiles: each must give every translation
    of its .po (a stale .mo would silently show old or English texts)."""
    from babel.messages.pofile import read_po

    try:
        for lang in catalogue.TRANSLATED:
            assert i18n.compiled_path(lang).exists(), (
                "run: python -m ruralcouncil.catalogue compile"
            )
            i18n.reload_catalogues()
            i18n.set_language(lang)
            with i18n.catalogue_path(lang).open("rb") as fh:
                source = read_po(fh, locale=lang)
            checked = 0
            for message in source:
                if not message.id or message.fuzzy or isinstance(message.id, tuple):
                    continue
                if message.string:
                    assert i18n._(str(message.id)) == message.string, (lang, message.id)
                    checked += 1
            assert checked > 500
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_plural_forms_follow_each_language(tmp_path: Path) -> None:
    """Russian has three forms (1, 2-4, 5-20, then again by the last digits); Kazakh two."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    forms = {
        "ru": ("{n} запись", "{n} записи", "{n} записей"),
        "kk": ("{n} жазба", "{n} жазба"),
    }
    expected = {
        "ru": {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2, 111: 2},
        "kk": {1: 0, 2: 1, 5: 1, 21: 1},
    }
    for lang, strings in forms.items():
        catalog = Catalog(locale=lang, domain=i18n.DOMAIN)
        catalog.add(("{n} entry", "{n} entries"), strings)
        out = io.BytesIO()
        write_mo(out, catalog)
        out.seek(0)
        translations = Translations(out, domain=i18n.DOMAIN)
        for n, form in expected[lang].items():
            assert translations.ngettext("{n} entry", "{n} entries", n) == strings[form], (lang, n)


def test_a_source_checkout_without_compiled_catalogues_still_translates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the .po files (no build yet): they are compiled in memory, and the text is right."""
    import shutil

    folder = tmp_path / "translations"
    folder.mkdir()
    for lang in catalogue.TRANSLATED:
        shutil.copyfile(i18n.catalogue_path(lang), folder / f"{lang}.po")
    monkeypatch.setattr(i18n, "translations_dir", lambda: folder)
    try:
        i18n.reload_catalogues()
        i18n.set_language("ru")
        assert not i18n.compiled_path("ru").exists()
        assert i18n._("Wrong user name or password.") != "Wrong user name or password."
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)
        monkeypatch.undo()
        i18n.reload_catalogues()
