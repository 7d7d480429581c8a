"""The user's preferred language is looked up the first time a message is shown, not at start:
a command whose output is JSON shows none, so it reads neither the preferences nor a catalogue.
Help texts made while a command line is parsed without ``--help`` are never shown and are not
translated."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import admin_of, fresh_ledger, fresh_python, receipt

from ruralcouncil import i18n
from ruralcouncil.cli import main
from ruralcouncil.cli.subjects import build_parser

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def language_as_it_was() -> Iterator[None]:
    previous = i18n.language()
    yield
    i18n.set_language(previous)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each look-up of the preferred language (Russian here), recorded."""
    made: list[str] = []

    def preferred() -> str:
        made.append("ru")
        return "ru"

    monkeypatch.setattr(i18n, "load_preferred_language", preferred)
    return made


def test_the_preferred_language_is_looked_up_when_a_message_needs_it(lookups: list[str]) -> None:
    i18n.use_preferred_language()
    assert lookups == []
    assert i18n._("Log in") == "Войти"
    assert i18n._("Cancel") == "Отмена"
    assert i18n.language() == "ru"
    assert lookups == ["ru"]  # once


def test_a_language_named_is_never_looked_up(lookups: list[str]) -> None:
    i18n.use_preferred_language()
    i18n.set_language("kk")
    assert i18n._("Cancel") == "Болдырмау"
    assert lookups == []


def test_texts_not_shown_stay_as_written(lookups: list[str]) -> None:
    i18n.use_preferred_language()
    with i18n.texts_not_shown():
        assert i18n._("Cancel") == "Cancel"
        assert i18n.ngettext("{n} entry", "{n} entries", 1) == "{n} entry"
        assert i18n.ngettext("{n} entry", "{n} entries", 5) == "{n} entries"
        with i18n.texts_not_shown():
            assert i18n._("Log in") == "Log in"
        assert i18n._("Log in") == "Log in"  # still within the outer one
    assert lookups == []
    assert i18n._("Cancel") == "Отмена"  # translated again once out
    i18n.set_language("kk")
    with pytest.raises(RuntimeError), i18n.texts_not_shown():
        raise RuntimeError
    assert i18n._("Cancel") == "Болдырмау"  # an error inside does not leave it on


def test_a_command_is_parsed_without_the_language(lookups: list[str]) -> None:
    i18n.use_preferred_language()
    parser = build_parser(["summary", "--year", "2025", "--json"])
    assert lookups == []
    args = parser.parse_args(["summary", "--year", "2025", "--json"])
    assert args.year == "2025" and args.json  # a year is checked after parsing
    # --help shows the help texts: they are translated, in the language looked up for them.
    help_text = build_parser(["summary", "--help"]).format_help()
    assert lookups == ["ru"]
    assert "показать версию программы и выйти" in help_text


def test_what_is_not_a_command_gets_the_whole_parser_in_the_language(
    lookups: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summry", "--json"]) == 2
    err = capsys.readouterr().err
    assert "ошибка: аргумент COMMAND: недопустимый выбор: 'summry'" in err, err
    assert lookups == ["ru"]


def test_a_usage_error_of_a_command_is_in_the_preferred_language(
    lookups: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", "--year", "20x5"]) == 2
    assert lookups == ["ru"]
    assert "должен состоять из четырёх цифр" in capsys.readouterr().err


_RUN = textwrap.dedent(
    """
    import io, json, sys
    from contextlib import redirect_stdout
    from ruralcouncil import i18n
    from ruralcouncil.cli import main
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(sys.argv[1:])
    print(json.dumps({
        "code": code,
        "out": out.getvalue(),
        "platformdirs": "platformdirs" in sys.modules,
        "catalogues": i18n._translations.cache_info().currsize,
    }))
    """
)


def _as_a_new_pc(settings: Path, *argv: str) -> tuple[dict[str, object], str]:
    """The command in a fresh interpreter, as on a PC whose user has no preferences yet
    (Kazakh by default) or whose preferences are in ``settings``."""
    done = fresh_python(
        _RUN, *argv, site=False, XDG_CONFIG_HOME=str(settings), RURALCOUNCIL_LANG=None
    )
    assert done.stdout, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ledger = fresh_ledger(tmp_path_factory.mktemp("lookup"))
    try:
        receipt(ledger, admin_of(ledger), "2025-01-10", 150_000_00)
        return ledger.path
    finally:
        ledger.close()


def test_a_json_read_reads_no_language(ledger_path: Path, tmp_path: Path) -> None:
    argv = ("--db", str(ledger_path), "summary", "--year", "2025", "--json")
    found, err = _as_a_new_pc(tmp_path, *argv)
    assert found["code"] == 0, err
    assert json.loads(str(found["out"]))["year"] == 2025
    assert found["platformdirs"] is False  # the settings folder was not even looked for
    assert found["catalogues"] == 0
    assert list(tmp_path.iterdir()) == []  # nor made


@pytest.mark.parametrize(
    ("preference", "expected"), [(None, "Түсімдер"), ("ru", "Поступления"), ("en", "Receipts")]
)
def test_a_text_read_is_in_the_preferred_language(
    ledger_path: Path, tmp_path: Path, preference: str | None, expected: str
) -> None:
    if preference is not None:
        folder = tmp_path / "RuralCouncil"
        folder.mkdir()
        (folder / "preferences.json").write_text(json.dumps({"language": preference}), "utf-8")
    found, err = _as_a_new_pc(tmp_path, "--db", str(ledger_path), "summary", "--year", "2025")
    assert found["code"] == 0, err
    assert expected in str(found["out"])


def test_a_refusal_of_a_json_read_is_in_the_preferred_language(tmp_path: Path) -> None:
    missing = tmp_path / "none.ruralcouncil"
    found, err = _as_a_new_pc(tmp_path / "settings", "--db", str(missing), "summary", "--json")
    assert found["code"] == 2
    assert f"{missing} жолында бухгалтерлік кітап жоқ." in err, err
