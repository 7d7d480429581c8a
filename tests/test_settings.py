"""The village settings: the council's kind and name are checked together, in the core."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import admin_of, commits_since, fresh_ledger, state

from ruralcouncil.ledger import chain, settings
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.settings import CouncilKind
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User, add_user, login
from ruralcouncil.ledger.verify import verify

NO_NAME = "The council needs its own name"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    """A copy of a ready ledger (faster than a new one); its admin logs in with admin_of."""
    ledger = fresh_ledger(tmp_path, "copy.ruralcouncil")
    try:
        yield ledger
    finally:
        ledger.close()


def test_another_name_needs_the_name(ledger: Ledger, admin: User) -> None:
    before = state(ledger.conn)
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, "  ")
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change(ledger, admin, settings.COUNCIL_KIND, CouncilKind.CUSTOM.value)
    assert state(ledger.conn) == before
    assert settings.council_name(ledger.conn) == "Rural maslikhat"


def test_the_name_of_another_council_cannot_be_emptied(ledger: Ledger, admin: User) -> None:
    settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, "Aksu elders' council")
    before = state(ledger.conn)
    with pytest.raises(InvalidInput, match=NO_NAME):
        settings.change(ledger, admin, settings.COUNCIL_NAME, "")
    assert state(ledger.conn) == before
    assert settings.council_name(ledger.conn) == "Aksu elders' council"


def test_council_kind_and_name_change_together(ledger: Ledger, admin: User) -> None:
    settings.change_council(ledger, admin, CouncilKind.CUSTOM.value, " Aksu elders' council ")
    assert settings.council_name(ledger.conn) == "Aksu elders' council"
    settings.change_council(ledger, admin, CouncilKind.LOCAL_COMMUNITY.value, "")
    assert settings.get(ledger.conn, settings.COUNCIL_KIND) == "local_community"
    assert settings.get(ledger.conn, settings.COUNCIL_NAME) == ""
    assert settings.council_name(ledger.conn) == "Meeting of the local community"


def test_a_new_ledger_refuses_another_council_without_its_name(tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    with pytest.raises(InvalidInput, match=NO_NAME):
        init_ledger(
            path,
            village="Aksu",
            admin="admin",
            password="correct-horse-1",
            council_kind=CouncilKind.CUSTOM.value,
        )
    assert not path.exists()


# --- the thresholds: whole tiyn, ASCII digits only (issue 5, item 13) -----------------------

THRESHOLDS = [settings.VARIANCE_MINIMUM, settings.PUBLISH_THRESHOLD]


@pytest.mark.parametrize(
    "value",
    [
        "²",  # str.isdigit() says yes
        "1²",
        "١٠٠",  # Arabic-Indic digits: int() reads 100
        "１００",  # full width
        "10⁵",
        "-5",
        "+5",
        "1e5",
        "10_000",
        "1 000",
        "1.5",
        "",
        "ten",
        "1" * 19,  # beyond 64 bits
        "9" * 5000,
    ],
)
def test_a_threshold_takes_ascii_digits_only(book: Ledger, value: str) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    for key in THRESHOLDS:
        started = time.perf_counter()
        with pytest.raises(InvalidInput):
            settings.validate(key, value)
        with pytest.raises(InvalidInput):
            settings.change(book, admin, key, value)
        assert time.perf_counter() - started < 1
        assert settings.get(book.conn, key) == settings.DEFAULTS[key]
    assert state(book.conn) == before


@pytest.mark.parametrize("key", THRESHOLDS)
def test_a_threshold_is_a_council_rule_an_administrator_cannot_change(
    ledger: Ledger, admin: User, key: str
) -> None:
    """Issue 8: the thresholds change only by a council resolution (``council set``)."""
    assert settings.validate(key, " 0 ") == "0"
    assert settings.validate(key, str(10**18 - 1)) == str(10**18 - 1)
    before = state(ledger.conn)
    with pytest.raises(InvalidInput, match="council rule"):
        settings.change(ledger, admin, key, " 250000 ")
    assert state(ledger.conn) == before
    assert settings.get(ledger.conn, key) == settings.DEFAULTS[key]


def test_only_an_administrator_changes_the_settings(ledger: Ledger, admin: User) -> None:
    add_user(ledger, admin, "clerk", "clerk", "clerk-password-1")
    clerk = login(ledger, "clerk", "clerk-password-1")
    before = state(ledger.conn)
    with pytest.raises(PermissionDenied):
        settings.change(ledger, clerk, settings.VILLAGE_NAME, "Another")
    with pytest.raises(PermissionDenied):
        settings.change_council(ledger, clerk, CouncilKind.CUSTOM.value, "Elders")
    assert state(ledger.conn) == before


@pytest.mark.parametrize("value", ["x" * 201, "a\x00b", "line\nbreak", "\ud800", " "])
def test_a_village_name_is_one_line_of_text(book: Ledger, value: str) -> None:
    before = state(book.conn)
    with pytest.raises(InvalidInput):
        settings.change(book, admin_of(book), settings.VILLAGE_NAME, value)
    assert state(book.conn) == before


def test_a_village_name_is_stored_in_nfc(book: Ledger) -> None:
    decomposed = "Ки\u0306зылжар"  # й typed as и + a combining breve
    settings.change(book, admin_of(book), settings.VILLAGE_NAME, decomposed)
    assert settings.village_name(book.conn) == "Кйзылжар"
    assert verify(book.conn).ok


# --- the minutes before the window locks (issue 6) -----------------------------------------


def test_the_window_locks_after_15_minutes_by_default(book: Ledger) -> None:
    assert settings.get(book.conn, settings.LOCK_MINUTES) == "15"
    assert settings.lock_minutes(book.conn) == 15


@pytest.mark.parametrize("value", ["0", "1", " 30 ", "1440"])
def test_the_lock_minutes_are_changed_signed_and_audited(book: Ledger, value: str) -> None:
    admin = admin_of(book)
    start = chain.head(book.conn)[0]
    settings.change(book, admin, settings.LOCK_MINUTES, value)
    assert settings.lock_minutes(book.conn) == int(value)
    assert commits_since(book.conn, start) == [(admin.id, ["setting", "event:setting.change"])]
    detail = book.conn.execute("SELECT detail FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert detail == (f"lock_minutes={value.strip()}",)
    assert verify(book.conn).ok


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1441", "between 0 and 1440"),  # more than a day
        ("99999999", "between 0 and 1440"),
        ("-1", "whole number"),
        ("2.5", "whole number"),
        ("١٥", "whole number"),  # Arabic-Indic digits, which int() would read as 15
        ("", "whole number"),
        ("ten", "whole number"),
    ],
)
def test_the_lock_minutes_are_refused_unless_a_whole_number_up_to_a_day(
    book: Ledger, value: str, reason: str
) -> None:
    admin = admin_of(book)
    before = state(book.conn)
    with pytest.raises(InvalidInput, match=reason):
        settings.change(book, admin, settings.LOCK_MINUTES, value)
    assert state(book.conn) == before
    assert settings.lock_minutes(book.conn) == 15


def test_only_an_administrator_sets_the_lock_minutes(book: Ledger) -> None:
    admin = admin_of(book)
    add_user(book, admin, "chair", "chair", "chair-password-1")
    chair = login(book, "chair", "chair-password-1")
    before = state(book.conn)
    with pytest.raises(PermissionDenied):
        settings.change(book, chair, settings.LOCK_MINUTES, "0")
    assert state(book.conn) == before
    assert settings.lock_minutes(book.conn) == 15


def test_a_lock_setting_edited_outside_the_program_falls_back_to_the_default(
    book: Ledger,
) -> None:
    settings.change(book, admin_of(book), settings.LOCK_MINUTES, "5")
    book.conn.execute("UPDATE settings SET value = 'never' WHERE key = 'lock_minutes'")
    assert settings.lock_minutes(book.conn) == 15  # and verify names the edit
    assert not verify(book.conn).ok
