"""Refusals on the command line speak the user's language, argparse's usage errors included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ruralcouncil.cli import main


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "белгісіз аргументтер"), ("ru", "нераспознанные аргументы"), ("en", "unrecognized")],
)
def test_usage_errors_are_translated(
    lang: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--lang", lang, "--db", str(tmp_path / "x"), "verify", "--bogus"])
    assert code == 2
    assert expected in capsys.readouterr().err


def test_the_default_language_is_kazakh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.ruralcouncil"), "summary", "--year", "20x5"]) == 2
    assert "жылы төрт цифрдан тұруы керек" in capsys.readouterr().err


def test_verify_json_keeps_its_keys_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scripts read verify's JSON whatever the language: the keys stay, the problems are
    written in the user's language."""
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list", encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "kk", "--db", str(junk), "verify", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["first_bad"] is None
    assert [f"{junk} – RuralCouncil кітабы емес."] == result["problems"]


def test_a_missing_ledger_is_refused_in_the_users_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.ruralcouncil"
    assert main(["--lang", "kk", "--db", str(missing), "verify", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "бухгалтерлік кітап жоқ" in captured.err


# --- argparse's own words, through its hooks (issue 6) --------------------------------------


def test_help_is_in_the_users_language(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--lang", "kk", "import-transactions", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("қолданылуы: ruralcouncil import-transactions")
    for text in ("позициялық аргументтер:", "параметрлер:", "осы анықтаманы көрсетіп, шығу"):
        assert text in out
    assert main(["--lang", "ru", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("использование: ruralcouncil")
    assert "показать эту справку и выйти" in out


@pytest.mark.parametrize(
    ("lang", "args", "expected"),
    [
        ("ru", ["close-year", "--user", "admin"], "необходимо указать аргументы: YYYY"),
        ("kk", ["record", "gift", "--amount", "1", "--user", "a"], "жарамсыз таңдау: 'gift' ("),
        ("ru", ["settings", "set", "village_name"], "необходимо указать аргументы: VALUE"),
        ("kk", ["code", "add", "X", "--user", "a"], "мына аргументтер міндетті: --kind"),
        ("en", ["user", "set-role", "a", "b", "c", "--user", "a"], "unrecognized arguments: c"),
        ("ru", ["user", "password", "--user"], "аргумент --user: ожидался один аргумент"),
    ],
)
def test_usage_errors_of_every_kind_are_translated(
    lang: str, args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--lang", lang, "--db", str(tmp_path / "x"), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    usage = {"kk": "қолданылуы: ", "ru": "использование: ", "en": "usage: "}[lang]
    assert captured.err.startswith(usage)


def test_argparse_itself_is_left_alone(tmp_path: Path) -> None:
    """No patched module globals: another user of argparse in the same process (a test
    runner, a plugin) keeps argparse's own English."""
    import argparse
    import gettext

    assert main(["--lang", "kk", "--db", str(tmp_path / "x"), "verify", "--bogus"]) == 2
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_usage().startswith("usage: other")


def test_a_message_argparse_words_differently_is_shown_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ruralcouncil import i18n
    from ruralcouncil.cli.parsing import translate_error

    before = i18n.language()
    try:
        i18n.set_language("kk")
        assert translate_error("a message no template knows") == "a message no template knows"
        # Nested: the argument's message is translated too; a quoted value is not quoted again;
        # a % in what the user typed stays as typed.
        assert translate_error(
            "argument type: invalid choice: '50%' (choose from 'receipt', 'payment')"
        ) == (
            "type аргументі: жарамсыз таңдау: '50%' "
            "(мыналардың бірін таңдаңыз: 'receipt', 'payment')"
        )
        # A translation that lost one of the message's fields: argparse's own words instead.
        import gettext

        class OneMessage(gettext.NullTranslations):
            def gettext(self, message: str) -> str:
                return {"unrecognized arguments: %s": "белгісіз"}.get(message, message)

        monkeypatch.setattr(i18n, "_translations", lambda lang: OneMessage())
        assert translate_error("unrecognized arguments: --x") == "unrecognized arguments: --x"
    finally:
        i18n.set_language(before)
