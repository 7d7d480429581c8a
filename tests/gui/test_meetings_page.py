"""The meetings page: a meeting opened and a resolution recorded through the chair's dialogs,
confirmed with another member's own password (a wrong one refused, nothing confirmed), the
models without a view, a member's view, council rules and the minutes."""

from __future__ import annotations

from pathlib import Path

import pytest
from council_scenario import (
    ASEL,
    CHAIR,
    DANA,
    FULL_NAMES,
    MEETING_DAY,
    PASSWORD,
    add_council,
    member,
    passed_and_confirmed,
)
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from ruralcouncil.gui import meetings_page
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.meeting_dialogs import (
    ConfirmDialog,
    OpenMeetingDialog,
    ResolutionDialog,
    RuleDialog,
)
from ruralcouncil.gui.meeting_models import (
    AttendanceModel,
    MeetingsModel,
    ResolutionsModel,
    VoteGridModel,
)
from ruralcouncil.gui.meetings_page import MeetingsPage
from ruralcouncil.ledger import council, meetings
from ruralcouncil.ledger.meetings import Vote


@pytest.fixture
def chair(context: AppContext) -> AppContext:
    return add_council(context)


def page_for(qtbot, context: AppContext) -> MeetingsPage:  # type: ignore[no-untyped-def]
    page = MeetingsPage(context)
    qtbot.addWidget(page)
    if page.year_box.findData(MEETING_DAY.year) >= 0:
        page.set_year(MEETING_DAY.year)
    return page


def ok(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def open_and_vote(qtbot, page: MeetingsPage, dialogs) -> str:  # type: ignore[no-untyped-def]
    """Open the meeting of 20 January 2025 with Asel absent, and record a budget resolution
    that the chair and Dana vote for; returns its number."""

    def open_meeting(dialog: QDialog) -> None:
        assert isinstance(dialog, OpenMeetingDialog)
        dialog.date.setDate(QDate(2025, 1, 20))
        dialog.present[ASEL].setChecked(False)
        dialog.secretary.setCurrentIndex(dialog.secretary.findData(DANA))
        dialog.agenda.setPlainText("1. Бюджет 2025\n2. Жол жөндеу")
        ok(qtbot, dialog)

    dialogs.fill = open_meeting
    page.open_meeting()
    shown: dict[str, object] = {}

    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, ResolutionDialog)
        dialog.subject.set_kind("budget")
        dialog.subject.year.setValue(2025)
        assert "The budget of 2025 (budget:2025)" in dialog.subject.check.text()
        dialog.text.setPlainText("The budget of 2025 is adopted as proposed.")
        assert len(dialog.votes) == 2  # only those present vote
        shown["before_votes"] = dialog.ok_button.isEnabled()
        dialog.set_vote(CHAIR, Vote.FOR)
        dialog.set_vote(DANA, Vote.FOR)
        ok(qtbot, dialog)
        shown["ref"] = dialog.ref

    dialogs.fill = record
    page.record_resolution()
    assert shown["before_votes"] is False  # every vote must be given
    return str(shown["ref"])


def test_open_a_meeting_and_record_a_resolution(qtbot, chair: AppContext, dialogs) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, chair)
    ref = open_and_vote(qtbot, page, dialogs)
    conn = chair.ledger.conn
    [meeting] = meetings.meetings(conn, 2025)
    names = council.user_names(conn)
    assert meeting.date == "2025-01-20" and {names[i] for i in meeting.present} == {CHAIR, DANA}
    assert names[meeting.secretary_id or 0] == DANA
    resolution = meetings.get_resolution(conn, ref)
    assert ref == "2025/1" and resolution.passed and resolution.subject == "budget:2025"
    assert {names[i]: v for i, v in resolution.votes.items()} == {
        CHAIR: Vote.FOR,
        DANA: Vote.FOR,
        ASEL: Vote.ABSENT,
    }
    # The page shows the new meeting, its attendance and the vote grid.
    assert page.year() == 2025 and page.meeting() == meeting
    assert page.resolutions_model.data(page.resolutions_model.index(0, 0)) == "2025/1"
    assert page.resolutions_model.data(page.resolutions_model.index(0, 4)) == "Not confirmed yet"
    grid = page.votes_model
    rows = {grid.headerData(r, Qt.Orientation.Vertical): r for r in range(grid.rowCount())}
    assert grid.data(grid.index(rows[FULL_NAMES[ASEL]], 0)) == "Absent"
    assert grid.data(grid.index(rows[FULL_NAMES[DANA]], 0)) == "For"


def test_a_refused_meeting_writes_nothing(qtbot, chair: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = OpenMeetingDialog(chair)
    qtbot.addWidget(dialog)
    dialog.present[CHAIR].setChecked(False)
    ok(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "The chair who opens the meeting must be among those present."
    assert meetings.meetings(chair.ledger.conn) == []


def test_confirm_with_another_members_own_password(qtbot, chair: AppContext, dialogs) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, chair)
    ref = open_and_vote(qtbot, page, dialogs)
    conn = chair.ledger.conn
    seen: dict[str, object] = {}

    def confirm(dialog: QDialog) -> None:
        assert isinstance(dialog, ConfirmDialog)
        # The chair who recorded it cannot confirm it; Asel was absent.
        offered = [dialog.member.itemData(i) for i in range(dialog.member.count())]
        assert offered == [DANA]
        dialog.choose_member(DANA)
        dialog.password.setText("not her password")
        ok(qtbot, dialog)
        seen["wrong"] = dialog.error.text()
        seen["open"] = dialog.result() != QDialog.DialogCode.Accepted
        seen["confirmed_after_wrong"] = meetings.get_resolution(conn, ref).confirmed_by
        assert dialog.password.text() == ""
        dialog.password.setText(PASSWORD)
        ok(qtbot, dialog)

    dialogs.fill = confirm
    page.confirm()
    assert "password" in str(seen["wrong"]).lower()
    assert seen["open"] is True and seen["confirmed_after_wrong"] is None
    resolution = meetings.get_resolution(conn, ref)
    assert council.user_names(conn)[resolution.confirmed_by or 0] == DANA
    assert resolution.in_effect
    assert chair.user.name == CHAIR  # the chair stays logged in
    assert page.resolutions_model.data(page.resolutions_model.index(0, 4)) == FULL_NAMES[DANA]


def test_the_core_refusal_of_a_confirmation_is_shown(qtbot, chair: AppContext) -> None:  # type: ignore[no-untyped-def]
    ref = passed_and_confirmed(chair, "other")
    unconfirmed = meetings.add_resolution(
        chair.ledger, chair.user, meetings.meetings(chair.ledger.conn)[0].id, "other", "x", [CHAIR]
    )
    resolution = meetings.get_resolution(chair.ledger.conn, unconfirmed)
    dialog = ConfirmDialog(chair, [resolution])
    qtbot.addWidget(dialog)
    meetings.confirm(chair.ledger, member(chair, ASEL), unconfirmed)  # meanwhile, elsewhere
    dialog.choose_member(DANA)
    dialog.password.setText(PASSWORD)
    ok(qtbot, dialog)
    assert dialog.error.text() == f"Resolution {unconfirmed} was already confirmed."
    assert ref == "2025/1"


def test_models_without_a_view(qtmodeltester, chair: AppContext) -> None:  # type: ignore[no-untyped-def]
    passed_and_confirmed(chair, "budget:2025")
    conn = chair.ledger.conn
    found = meetings.meetings(conn, 2025)
    resolutions = meetings.resolutions(conn, 2025)
    for model in (MeetingsModel(), AttendanceModel(), ResolutionsModel(), VoteGridModel()):
        qtmodeltester.check(model)  # empty
    listing = MeetingsModel()
    listing.set_rows(found)
    qtmodeltester.check(listing)
    assert listing.data(listing.index(0, 1)) == "3 of 3"
    assert listing.data(listing.index(0, 2)) == "Бюджет"
    table = ResolutionsModel()
    table.set_resolutions(resolutions, {chair.user.id: "S"}, {resolutions[0].id: "The budget"})
    qtmodeltester.check(table)
    assert [table.data(table.index(0, c)) for c in range(4)] == [
        "2025/1",
        "The budget",
        "Resolved: budget:2025.",
        "Passed",
    ]
    grid = VoteGridModel()
    members = [(i, str(i)) for i in sorted(resolutions[0].votes)]
    grid.set_grid(members, resolutions, own_id=members[0][0])
    qtmodeltester.check(grid)
    assert grid.data(grid.index(2, 0)) == "Abstained"  # Asel present, no vote given
    assert grid.data(grid.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    attendance = AttendanceModel()
    attendance.set_rows([("Серік", True, "chair"), ("Әсел", False, "")])
    qtmodeltester.check(attendance)
    assert attendance.data(attendance.index(1, 1)) == "Absent"


def test_a_member_sees_meetings_and_how_they_voted(qtbot, chair: AppContext) -> None:  # type: ignore[no-untyped-def]
    passed_and_confirmed(chair, "other")
    page = page_for(qtbot, AppContext(chair.ledger, member(chair, DANA)))
    for button in (page.open_button, page.resolution_button, page.rule_button):
        assert not button.isVisibleTo(page)
    assert page.confirm_button.isVisibleTo(page) and page.minutes_button.isVisibleTo(page)
    assert page.own_note.text() == "Your own votes are in bold."
    grid = page.votes_model
    own = next(
        r
        for r in range(grid.rowCount())
        if grid.headerData(r, Qt.Orientation.Vertical) == "Дана Ким"
    )
    assert grid.data(grid.index(own, 0)) == "For"
    assert grid.data(grid.index(own, 0), Qt.ItemDataRole.FontRole).bold()


def test_set_a_council_rule_by_its_resolution(qtbot, chair: AppContext, dialogs) -> None:  # type: ignore[no-untyped-def]
    ref = passed_and_confirmed(chair, "rules:quorum=2/3")
    page = page_for(qtbot, chair)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, RuleDialog)
        assert dialog.resolution.currentData() == ref
        assert dialog.rule.currentData() == "quorum" and dialog.value.text() == "2/3"
        ok(qtbot, dialog)

    dialogs.fill = fill
    page.set_rule()
    assert council.rule_value(chair.ledger.conn, council.Rule.QUORUM) == "2/3"
    assert meetings.get_resolution(chair.ledger.conn, ref).used_for == "council.set quorum"


def test_minutes_are_made_and_shown(  # type: ignore[no-untyped-def]
    qtbot, chair: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    shown: list[Path] = []
    monkeypatch.setattr(meetings_page, "show_minutes", lambda path, _p, _t: shown.append(path))
    passed_and_confirmed(chair, "budget:2025")
    page = page_for(qtbot, chair)
    with qtbot.waitSignal(page.minutes_made, timeout=60_000) as made:
        page.make_minutes()
    path = made.args[0]
    assert shown == [path] and path.name == "minutes-2025-01-20.pdf"
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "2025/1" in text and FULL_NAMES[DANA] in text


def test_the_meeting_dialog_offers_the_council_sitting_on_its_date(
    qtbot, chair: AppContext
) -> None:  # type: ignore[no-untyped-def]
    """A member outside their term of office is not offered; a change of date offers the
    council sitting that day, keeping what was ticked."""
    from datetime import date

    from ruralcouncil.ledger import users

    admin = users.login(chair.ledger, "admin", "correct-horse-1")
    council.set_term(chair.ledger, admin, ASEL, date(2025, 3, 1))
    dialog = OpenMeetingDialog(chair)
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(2025, 2, 1))
    assert ASEL not in dialog.present and DANA in dialog.present
    dialog.present[DANA].setChecked(False)
    dialog.date.setDate(QDate(2025, 3, 5))
    assert ASEL in dialog.present
    assert not dialog.present[DANA].isChecked() and dialog.present[CHAIR].isChecked()
