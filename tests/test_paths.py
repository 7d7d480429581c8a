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


def test_a_folder_that_can_be_written_is_seen_as_such(tmp_path: Path) -> None:
    assert paths.can_write(tmp_path)
    assert list(tmp_path.iterdir()) == []  # the probe leaves nothing behind


def test_a_folder_that_cannot_be_written_is_seen_as_such(tmp_path: Path) -> None:
    # A path under a file can never hold a new file, whoever runs the test (root included,
    # whom permission bits do not stop).
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert not paths.can_write(blocker)
    assert not paths.can_write(tmp_path / "missing")


def test_portable_copy_on_a_read_only_medium_is_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "program_dir", lambda: tmp_path)
    writable = {tmp_path: False, tmp_path / "data": False}
    monkeypatch.setattr(paths, "can_write", lambda folder: writable.get(folder, True))
    assert not paths.portable_on_read_only_medium()  # an installed copy: not portable
    (tmp_path / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.portable_on_read_only_medium()
    writable[tmp_path] = True
    assert not paths.portable_on_read_only_medium()
    (tmp_path / "data").mkdir()  # the data folder decides once it exists
    assert paths.portable_on_read_only_medium()
    writable[tmp_path / "data"] = True
    assert not paths.portable_on_read_only_medium()


def test_portable_copy_that_cannot_create_its_data_folder_still_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a locked stick with no data folder yet, reading commands find no ledger and say so;
    # they must not fail at making the folder.
    stick = tmp_path / "stick"
    stick.write_text("", encoding="utf-8")  # nothing can be made under it
    monkeypatch.setattr(paths, "program_dir", lambda: stick)
    monkeypatch.setattr(paths, "is_portable", lambda: True)
    assert paths.default_ledger_path() == stick / "data" / paths.LEDGER_FILE
    assert not (stick / "data").exists()
