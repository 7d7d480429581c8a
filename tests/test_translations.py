"""One catalogue serves the GUI, the CLI and the reports: nothing may be left untranslated."""

from __future__ import annotations

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
