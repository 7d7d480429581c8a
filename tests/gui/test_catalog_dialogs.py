"""Closing a year, adding a fund and adding a revenue source or program in the window
(issue 6): the dialogs call the core's services, which decide; the window offers them only
to the roles the core allows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import catalog_dialogs
from ruralcouncil.gui.catalog_dialogs import AddCategoryDialog, AddFundDialog, CloseYearDialog
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.main_window import MainWindow
from ruralcouncil.gui.settings_page import SettingsPage
from ruralcouncil.ledger import audit, catalog, chain, journal, users
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.errors import ClosedYear
from ruralcouncil.ledger.journal import EntryType, NewEntry

Recorder = Any
CHAIR_PASSWORD = "chair-password-1"
LAST_YEAR = date.today().year - 1


@pytest.fixture
def chair_context(context: AppContext) -> AppContext:
    users.add_user(context.ledger, context.user, "chair", "chair", CHAIR_PASSWORD, "Serik")
    return AppContext(context.ledger, users.login(context.ledger, "chair", CHAIR_PASSWORD))


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def _head(context: AppContext) -> tuple[int, str]:
    return chain.head(context.ledger.conn)


# --- who is offered what ------------------------------------------------------------------


def test_each_role_is_offered_what_the_core_allows(
    qtbot: QtBot,
    context: AppContext,
    chair_context: AppContext,
    clerk_context: AppContext,
) -> None:
    offered = {}
    for name, ctx in (("admin", context), ("chair", chair_context), ("clerk", clerk_context)):
        window = _window(qtbot, ctx)
        page = window.show_page("settings")
        assert isinstance(page, SettingsPage)
        offered[name] = (
            window.close_year_action.isVisible(),
            window.add_fund_action.isVisible(),
            window.add_category_action.isVisible(),
            page.close_year_button.isVisibleTo(page),
            page.add_fund_button.isVisibleTo(page),
            page.add_category_button.isVisibleTo(page),
        )
    assert offered == {
        "admin": (True, True, True, True, True, True),
        "chair": (True, False, False, True, False, False),
        "clerk": (False, False, False, False, False, False),
    }


# --- closing a year -----------------------------------------------------------------------


def _close(dialog: QDialog) -> None:
    assert isinstance(dialog, CloseYearDialog)
    dialog.accept()


def test_the_chair_closes_last_year(
    qtbot: QtBot,
    chair_context: AppContext,
    dialogs: Recorder,
    message_boxes: Recorder,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = _window(qtbot, chair_context)
    offered: list[int] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, CloseYearDialog)
        offered.extend(dialog.year.itemData(i) for i in range(dialog.year.count()))
        dialog.accept()

    dialogs.fill = fill
    message_boxes.answer = QMessageBox.StandardButton.Yes
    assert window.close_year()
    # Only years that are over: never this year (the core would refuse it anyway).
    assert offered[0] == LAST_YEAR and date.today().year not in offered
    assert journal.closed_years(chair_context.ledger.conn) == [LAST_YEAR]
    assert message_boxes.shown[0].text.startswith(f"Close {LAST_YEAR}?")
    assert f"{LAST_YEAR} is closed" in message_boxes.shown[-1].text
    newest = audit.recent(chair_context.ledger, 1)[0]
    assert (newest.user, newest.event, newest.detail) == ("chair", "year.close", str(LAST_YEAR))
    # The closed year refuses entries from now on.
    with pytest.raises(ClosedYear):
        journal.record(
            chair_context.ledger,
            users.login(chair_context.ledger, "admin", "correct-horse-1"),
            NewEntry(date(LAST_YEAR, 5, 5), EntryType.OPENING, 1_00),
        )
    # And it is no longer offered.
    offered.clear()
    dialogs.fill = fill
    window.close_year()
    assert LAST_YEAR not in offered


def test_answering_no_closes_nothing(
    qtbot: QtBot, chair_context: AppContext, dialogs: Recorder, message_boxes: Recorder
) -> None:
    head = _head(chair_context)
    dialogs.fill = _close
    assert not catalog_dialogs.close_year(chair_context)  # the question's default is No
    assert len(message_boxes.shown) == 1
    assert journal.closed_years(chair_context.ledger.conn) == []
    assert _head(chair_context) == head
    dialog = dialogs.shown[0]
    assert isinstance(dialog, CloseYearDialog) and not dialog.saved


def test_the_core_refuses_a_clerk_who_forces_the_dialog(
    qtbot: QtBot, clerk_context: AppContext, dialogs: Recorder, message_boxes: Recorder
) -> None:
    from PySide6.QtWidgets import QMessageBox

    head = _head(clerk_context)
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, CloseYearDialog)
        dialog.accept()
        seen.append(dialog.error.text())
        dialog.reject()

    dialogs.fill = fill
    message_boxes.answer = QMessageBox.StandardButton.Yes
    assert not catalog_dialogs.close_year(clerk_context)
    assert seen and "may not close a fiscal year" in seen[0]
    assert _head(clerk_context) == head


def test_with_no_year_to_close_the_dialog_says_so(
    qtbot: QtBot, chair_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_dialogs, "closable_years", lambda context: [])
    dialog = CloseYearDialog(chair_context)
    qtbot.addWidget(dialog)
    assert dialog.year.count() == 0 and not dialog.ok_button.isEnabled()
    assert "no year that can be closed" in dialog.error.text()


# --- funds --------------------------------------------------------------------------------


def test_the_administrator_adds_a_fund(
    qtbot: QtBot, context: AppContext, dialogs: Recorder, message_boxes: Recorder
) -> None:
    window = _window(qtbot, context)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AddFundDialog)
        dialog.code.setText("WELL-2026")
        dialog.names.kk.setText("Құдық қоры")
        dialog.names.ru.setText("Фонд колодца")
        dialog.names.en.setText("Well fund")
        dialog.purpose.setPlainText("A new well for the school")
        dialog.accept()

    dialogs.fill = fill
    assert window.add_fund()
    fund = next(f for f in catalog.funds(context.ledger.conn) if f.code == "WELL-2026")
    assert (fund.restricted, fund.name_kk, fund.name_en) == (True, "Құдық қоры", "Well fund")
    assert fund.purpose == "A new well for the school"
    assert message_boxes.texts() == ["The fund WELL-2026 was added."]
    newest = audit.recent(context.ledger, 1)[0]
    assert (newest.event, newest.detail) == ("fund.add", "WELL-2026 restricted=1")
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert "Funds: 2." in page.catalogue_summary.text()


@pytest.mark.parametrize(
    ("code", "names", "reason"),
    [
        ("well", ("", "", "Well"), "capital Latin letters"),
        ("GENERAL", ("", "", "Again"), "already in use"),
        ("TAX-LAND", ("", "", "Clash"), "already in use"),
        ("ROAD-2026", ("", "", ""), "Give it a name"),
    ],
)
def test_a_refused_fund_keeps_the_dialog_open_and_saves_nothing(
    qtbot: QtBot, context: AppContext, code: str, names: tuple[str, str, str], reason: str
) -> None:
    head = _head(context)
    dialog = AddFundDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.code.setText(code)
    for field, text in zip((dialog.names.kk, dialog.names.ru, dialog.names.en), names, strict=True):
        field.setText(text)
    dialog.accept()
    assert dialog.isVisible() and not dialog.saved
    assert reason in dialog.error.text()
    assert dialog.code.text() == code  # what was typed stays, to be corrected
    assert _head(context) == head


# --- categories: revenue sources and expenditure programs ---------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "box"), [(REVENUE, "RENT-PASTURE", 3), (EXPENDITURE, "SNOW-CLEARING", 6)]
)
def test_the_administrator_adds_a_revenue_source_or_an_expenditure_program(
    qtbot: QtBot,
    context: AppContext,
    dialogs: Recorder,
    kind: str,
    code: str,
    box: int,
) -> None:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AddCategoryDialog)
        (dialog.revenue if kind == REVENUE else dialog.expenditure).click()
        dialog.code.setText(code)
        dialog.names.en.setText("New one")
        dialog.names.ru.setText("Новый")
        dialog.accept()

    dialogs.fill = fill
    assert catalog_dialogs.add_category(context)
    added = next(c for c in catalog.categories(context.ledger.conn, kind) if c.code == code)
    assert (added.box, added.name_en, added.name_ru, added.name_kk) == (
        box,
        "New one",
        "Новый",
        "Новый",  # an empty name is filled in from another language, by the core
    )
    newest = audit.recent(context.ledger, 1)[0]
    assert (newest.user, newest.event, newest.detail) == ("admin", "code.add", f"{code} {kind}")


def test_a_clerk_forcing_the_category_dialog_is_refused_by_the_core(
    qtbot: QtBot, clerk_context: AppContext
) -> None:
    head = _head(clerk_context)
    dialog = AddCategoryDialog(clerk_context)
    qtbot.addWidget(dialog)
    dialog.code.setText("BRIBES")
    dialog.names.en.setText("Not allowed")
    dialog.accept()
    assert not dialog.saved
    assert "may not change the village settings" in dialog.error.text()
    assert _head(clerk_context) == head
    assert "BRIBES" not in {c.code for c in catalog.book_accounts(clerk_context.ledger.conn)}
