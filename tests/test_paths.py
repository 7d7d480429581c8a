"""Where the ledger lives: the user data folder, or beside a portable copy on a USB stick."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruralcouncil import paths


def test_default_ledger_is_in_the_user_data_folder(tmp_path: Path) -> None:
    # tests/conftest.py points XDG_DATA_HOME at a fresh folder for every test.
    ledger = paths.default_ledger_path()
    assert ledger.name == paths.LEDGER_FILE
    assert ledger.parent.is_dir() and "RuralCouncil" in ledger.parent.parts
    assert paths.demo_ledger_path() != ledger


def test_portable_marker_keeps_data_beside_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "program_dir", lambda: tmp_path)
    assert not paths.is_portable()
    (tmp_path / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.is_portable()
    assert paths.data_dir() == tmp_path / "data"
    assert paths.config_dir() == tmp_path / "data"
    assert paths.default_ledger_path() == tmp_path / "data" / paths.LEDGER_FILE


def test_resources_hold_the_fonts_and_catalogues() -> None:
    folder = paths.resources_dir()
    assert (folder / "fonts" / "DejaVuSans.ttf").is_file()
    assert (folder / "translations" / "kk.po").is_file()
    assert (folder / "translations" / "ru.po").is_file()
