"""The audit log page (issue 6): read-only, filtered and paged by the core, exported in a
worker."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import audit_page
from ruralcouncil.gui.audit_page import AuditPage
from ruralcouncil.gui.context import AppContext
from ruralcouncil.ledger import audit, chain, users
from ruralcouncil.ledger.errors import AuthenticationFailed


def _page(qtbot: QtBot, context: AppContext) -> AuditPage:
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    return page


def _many_events(context: AppContext, n: int) -> None:
    with context.ledger.write(context.user) as commit:
        for i in range(n):
            commit.event("fund.add", f"event {i}")


def _shown(page: AuditPage, column: int = audit_page.DETAIL) -> list[str]:
    model = page.model
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def test_the_page_reads_a_page_at_a_time(qtbot: QtBot, context: AppContext) -> None:
    _many_events(context, 450)
    page = _page(qtbot, context)
    model = page.model
    assert model.rowCount() == audit_page.PAGE_SIZE  # never the whole log at once
    assert model.canFetchMore()
    assert _shown(page)[0] == "event 449"  # newest first
    while model.canFetchMore():
        model.fetchMore()
    total = audit.count(context.ledger.conn)
    assert model.rowCount() == total > 450
    assert model.fetch_count == -(-total // audit_page.PAGE_SIZE)
    details = _shown(page)
    assert details[:3] == ["event 449", "event 448", "event 447"]
    assert len(set(zip(details, _shown(page, audit_page.WHEN), strict=True))) == total


def test_who_what_and_when_are_shown_in_words(qtbot: QtBot, context: AppContext) -> None:
    with pytest.raises(AuthenticationFailed):
        users.login(context.ledger, "stranger", "not-the-password")
    page = _page(qtbot, context)
    model = page.model
    first = model.index(0, audit_page.WHAT)
    assert model.data(first) == "Failed login"
    assert model.data(model.index(0, audit_page.WHO)) == "(unknown name)"
    assert model.data(first, Qt.ItemDataRole.ForegroundRole) is not None  # shown in red
    event = model.data(first, audit_page.EVENT_ROLE)
    when = model.data(model.index(0, audit_page.WHEN))
    assert when != event.at and "T" not in when  # local time in the user's format
    assert model.data(model.index(0, audit_page.WHEN), Qt.ItemDataRole.ToolTipRole) == event.at
    assert not model.flags(first) & Qt.ItemFlag.ItemIsEditable


def test_filters_narrow_the_list(
    qtbot: QtBot, context: AppContext, clerk_context: AppContext
) -> None:
    clerk = clerk_context.user
    with context.ledger.write(clerk) as commit:
        commit.event("entry.record", "by the clerk")
    page = _page(qtbot, context)
    page.user_choice.setCurrentIndex(page.user_choice.findData("clerk"))
    assert page.apply_filter()
    assert _shown(page) == ["by the clerk", ""]  # the record and the clerk's login
    page.event_choice.setCurrentIndex(page.event_choice.findData("login"))
    page.apply_filter()
    assert [page.model.data(page.model.index(0, audit_page.WHAT))] == ["Logged in"]
    page.clear_filter()
    assert page.model.rowCount() == audit.count(context.ledger.conn)
    # Days: the ledger was made today, so nothing is older than today.
    page.until_check.setChecked(True)
    page.until.clear()
    qtbot.keyClicks(page.until, "01012000")  # typed whole, as a clerk types it
    assert page.apply_filter()
    assert page.current_filter().until == date(2000, 1, 1)
    assert page.model.rowCount() == 0


def test_a_date_not_typed_whole_is_refused_with_a_reason(qtbot: QtBot, context: AppContext) -> None:
    page = _page(qtbot, context)
    rows = page.model.rowCount()
    page.since_check.setChecked(True)
    page.since.setText("31.02.2026")  # no such day
    assert not page.apply_filter()
    assert page.error.isVisible() and page.error.text()
    assert page.model.rowCount() == rows  # the list stays as it was


def test_a_backwards_period_is_refused_with_a_reason(qtbot: QtBot, context: AppContext) -> None:
    page = _page(qtbot, context)
    rows = page.model.rowCount()
    page.since_check.setChecked(True)
    page.since.setDate(QDate(2025, 5, 2))
    page.until_check.setChecked(True)
    page.until.setDate(QDate(2025, 5, 1))
    assert not page.apply_filter()
    assert page.error.isVisible() and "after its last day" in page.error.text()
    assert page.model.rowCount() == rows  # the list stays as it was
    assert page.current_filter().since == date(2025, 5, 2)


def test_new_events_appear_after_a_change(qtbot: QtBot, context: AppContext) -> None:
    page = _page(qtbot, context)
    before = page.model.rowCount()
    users.add_user(context.ledger, context.user, "dana", "member", "member-password-1")
    context.notify_changed()
    assert page.model.rowCount() == before + 2  # the administrator's login and the new user
    assert _shown(page)[0] == "dana role=member"
    assert page.user_choice.findData("dana") >= 0


def test_export_writes_the_filtered_log_in_a_worker(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    _many_events(context, 30)
    page = _page(qtbot, context)
    page.event_choice.setCurrentIndex(page.event_choice.findData("fund.add"))
    target = tmp_path / "audit.csv"
    head = chain.head(context.ledger.conn)
    with qtbot.waitSignal(page.export_finished, timeout=10_000) as finished:
        page.export_to(target)
    assert finished.args == [30]
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == list(audit.CSV_COLUMNS) and len(rows) == 31
    assert {r[2] for r in rows[1:]} == {"fund.add"}
    assert "Events in it: 30" in page.status.text()
    assert page.export_button.isEnabled() and not page.progress.isVisible()
    assert chain.head(context.ledger.conn) == head  # reading writes nothing


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    page = _page(qtbot, context)
    target = tmp_path / "no-such-folder" / "audit.csv"
    with qtbot.waitSignal(page.export_finished, timeout=10_000) as finished:
        page.export_to(target)
    assert isinstance(finished.args[0], OSError)
    assert "could not be written" in page.status.text() and str(target) in page.status.text()
    assert not target.exists()


def test_every_role_may_read_the_log(qtbot: QtBot, member_context: AppContext) -> None:
    from ruralcouncil.gui.main_window import MainWindow

    window = MainWindow(member_context)
    qtbot.addWidget(window)
    assert "audit" in window.page_keys()
    page: Any = window.show_page("audit")
    assert isinstance(page, AuditPage) and page.model.rowCount() > 0
