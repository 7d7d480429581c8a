"""Fixtures shared by the core, report and CLI tests.

Every test runs with its own user data and config folders, so nothing a test does (a default
ledger, a language preference, an error log) touches the real ones of whoever runs the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User, login

ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"
VILLAGE = "Test village"


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """platformdirs reads XDG_* on Linux: point them at a fresh folder for each test."""
    home = tmp_path_factory.mktemp("user-folders")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in ("RURALCOUNCIL_PASSWORD", "RURALCOUNCIL_NEW_PASSWORD", "RURALCOUNCIL_LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Tests read refusals in English; the default language (Kazakh) is tested on purpose
    where it matters, by setting it explicitly."""
    from ruralcouncil import i18n

    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """Where the ``ledger`` fixture's file lives."""
    return tmp_path / "village.ruralcouncil"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[Ledger]:
    """A fresh ledger (default categories, BANK, CASH, GENERAL) opened to write, with the
    administrator ``admin`` / ``correct-horse-1``. It holds the one-writer lock."""
    opened = init_ledger(ledger_path, village=VILLAGE, admin=ADMIN, password=ADMIN_PASSWORD)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def admin(ledger: Ledger) -> User:
    """The administrator of ``ledger``, logged in with the password: their key is unlocked
    for signing, and their login is chained with their first write (a login alone writes
    nothing)."""
    return login(ledger, ADMIN, ADMIN_PASSWORD)
