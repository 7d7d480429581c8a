"""Refusals on the command line speak the user's language, argparse's usage errors included."""

from __future__ import annotations

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
