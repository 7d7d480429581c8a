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
