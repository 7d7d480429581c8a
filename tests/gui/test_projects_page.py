"""The community projects page (issue 9): the year's projects and each one's households as
the core computes them; a project proposed by the clerk, adopted by the chair through the
dialog with the council's resolution, collected (one household in two parts), an exempt
household refused in the core's words with nothing written, the chart built only after the
first paint with the core's figures, the close dialog's refund preview as the core shares it,
and no write button for those who may not write."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _helpers import state
from council_village import PASSWORD, Village, open_village
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import typed_amount
from ruralcouncil.gui.project_chart import ChartFigures
from ruralcouncil.gui.project_dialogs import (
    AddHouseholdDialog,
    AddProjectDialog,
    AdoptProjectDialog,
    CloseProjectDialog,
    ContributionDialog,
    ExemptDialog,
)
from ruralcouncil.gui.projects_models import (
    ADDRESS,
    COLLECTED,
    HEAD,
    HOUSEHOLD_COLUMNS,
    LEFT,
    MEMBERS,
    OWES,
    PAID,
    PER_HOUSEHOLD,
    PROJECT_COLUMNS,
    SPENT,
    STATE,
    TARGET,
    TITLE,
    YEAR,
    HouseholdsModel,
    ProjectsModel,
    Show,
)
from ruralcouncil.gui.projects_page import ProjectsPage
from ruralcouncil.ledger import council, donations, households, meetings, projects, users
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
YEAR_NOW = TODAY.year
PER_HOUSEHOLD_TIYN = 15_000_00
# (head, address, members): the register, listed by address in the Kazakh alphabet's order.
HOMES = (
    ("Абаев Ерлан", "Абай көшесі, 3", 4),
    ("Байжанова Гүлнар", "Бейбітшілік көшесі, 7", 2),
    ("Қасымова Әйгерім", "Жастар көшесі, 9", 5),
)


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _homes(village: Village) -> list[int]:
    """The three households; their heads registered as parties first."""
    clerk = village.user("clerk")
    found = []
    for head, address, members in HOMES:
        party = council.add_party(village.ledger, clerk, head, "person")
        found.append(households.add(village.ledger, clerk, address, party, members))
    return found


def _resolution(village: Village, subject: str) -> str:
    """A meeting today that passes ``subject``, confirmed by Dana: its number."""
    chair = village.user("chair")
    meeting = meetings.open_meeting(village.ledger, chair, TODAY, ["chair", "dana", "erlan"])
    ref = meetings.add_resolution(
        village.ledger, chair, meeting, subject, f"Resolved: {subject}.", ["chair", "dana", "erlan"]
    )
    meetings.confirm(village.ledger, village.user("dana"), ref)
    return ref


def _project(village: Village, adopted: bool = True) -> int:
    project_id = projects.add(
        village.ledger,
        village.user("clerk"),
        "School roof",
        60_000_00,
        PER_HOUSEHOLD_TIYN,
        YEAR_NOW,
        "Slate and timber for the school's roof",
    )
    if adopted:
        ref = _resolution(village, f"project:{project_id}")
        projects.adopt(village.ledger, village.user("chair"), project_id, ref)
    return project_id


def _exempt(village: Village, household_id: int, reason: str = "Low income") -> str:
    ref = _resolution(village, f"exemption:{household_id}:{YEAR_NOW}")
    households.exempt(village.ledger, village.user("clerk"), household_id, YEAR_NOW, reason, ref)
    return ref


@pytest.fixture
def collecting(village: Village) -> tuple[int, list[int]]:
    """An adopted project; the first household paid 10 000 of 15 000, the third is exempt."""
    homes = _homes(village)
    project_id = _project(village)
    _exempt(village, homes[2], "Large family, low income")
    projects.contribute(village.ledger, village.user("clerk"), project_id, homes[0], 10_000_00)
    return project_id, homes


def _page(qtbot: QtBot, context: AppContext) -> ProjectsPage:
    page = ProjectsPage(context)
    qtbot.addWidget(page)
    return page


def _column(model: ProjectsModel | HouseholdsModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _headers(model: ProjectsModel | HouseholdsModel) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


# --- the models, without a view ----------------------------------------------------------


def test_projects_model_holds_the_cores_figures(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village, collecting: tuple[int, list[int]]
) -> None:
    project_id = collecting[0]
    projects.add(
        village.ledger, village.user("clerk"), "Street lights", 90_000_00, 5_000_00, YEAR_NOW
    )
    model = ProjectsModel()
    model.set_year(village.ledger, YEAR_NOW)
    qtmodeltester.check(model)
    assert _headers(model) == [
        "Project",
        "Year",
        "State",
        "Target",
        "Per household",
        "Collected",
        "Spent",
        "Left",
    ]
    assert len(PROJECT_COLUMNS) == model.columnCount()
    core = projects.progress(village.ledger.conn, project_id)
    assert _column(model, TITLE) == ["School roof", "Street lights"]
    assert _column(model, YEAR) == [str(YEAR_NOW)] * 2
    assert _column(model, STATE) == ["Adopted, collecting", "Proposed"]
    row = [model.data(model.index(0, c)) for c in (TARGET, PER_HOUSEHOLD, COLLECTED, SPENT, LEFT)]
    assert row == [
        format_amount(core.project.target),
        format_amount(core.project.per_household),
        format_amount(core.collected),
        format_amount(core.spent),
        format_amount(core.remaining),
    ]
    assert core.collected == 10_000_00 and core.remaining == 10_000_00
    model.set_year(village.ledger, YEAR_NOW + 1)
    assert model.rowCount() == 0


def test_households_model_shows_owes_paid_or_the_exemption(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village, collecting: tuple[int, list[int]]
) -> None:
    project_id = collecting[0]
    progress = projects.progress(village.ledger.conn, project_id)
    [exemption] = households.exemption_list(village.ledger.conn, YEAR_NOW)
    model = HouseholdsModel()
    model.set_progress(progress, {exemption.household_id: exemption.resolution})
    qtmodeltester.check(model)
    assert _headers(model) == ["Address", "Head of household", "Members", "Paid", "Owes"]
    assert len(HOUSEHOLD_COLUMNS) == model.columnCount()
    assert _column(model, ADDRESS) == [address for _head, address, _m in HOMES]
    assert _column(model, HEAD) == [head for head, _address, _m in HOMES]
    assert _column(model, MEMBERS) == ["4", "2", "5"]
    assert _column(model, PAID) == [format_amount(10_000_00), format_amount(0), format_amount(0)]
    assert _column(model, OWES) == [
        format_amount(5_000_00),
        format_amount(15_000_00),
        "Exempt: Large family, low income",
    ]
    tip = model.data(model.index(2, OWES), Qt.ItemDataRole.ToolTipRole)
    assert exemption.resolution in tip and "Large family" in tip
    totals = model.totals()
    assert (totals.asked, totals.paid_in_full, totals.exempt, totals.owed) == (2, 0, 1, 20_000_00)

    # The search finds by address or head, whatever the case; the filter by standing.
    model.set_search("бейбітшілік")
    assert _column(model, ADDRESS) == ["Бейбітшілік көшесі, 7"]
    model.set_search("ҚАСЫМОВА")
    assert _column(model, HEAD) == ["Қасымова Әйгерім"]
    model.set_search("")
    model.set_show(Show.EXEMPT)
    assert _column(model, ADDRESS) == ["Жастар көшесі, 9"]
    model.set_show(Show.OWING)
    assert _column(model, ADDRESS) == ["Абай көшесі, 3", "Бейбітшілік көшесі, 7"]
    model.set_show(Show.PAID_IN_FULL)
    assert model.rowCount() == 0
    qtmodeltester.check(model)
    # The totals count every household, whatever is shown.
    assert model.totals().asked == 2

    # No project: the register, its exemptions for the year, nothing paid or owed.
    model.set_show(Show.ALL)
    model.set_register(
        households.households(village.ledger.conn),
        households.exemptions(village.ledger.conn, YEAR_NOW),
    )
    qtmodeltester.check(model)
    assert model.headerData(OWES, Qt.Orientation.Horizontal) == "Exemption"
    assert _column(model, PAID) == ["", "", ""]
    assert _column(model, OWES) == ["", "", "Exempt: Large family, low income"]


# --- the council's path through the window -----------------------------------------------


def test_proposed_adopted_and_collected_in_two_parts(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    homes = _homes(village)
    clerk_page = _page(qtbot, village.context("clerk"))
    assert clerk_page.empty.text().startswith(f"No community project collects in {YEAR_NOW}")

    def propose(dialog: QDialog) -> None:
        assert isinstance(dialog, AddProjectDialog)
        dialog.title.setText("School roof")
        dialog.purpose.setPlainText("Slate and timber")
        dialog.target.setText("60 000")
        dialog.per_household.setText("15 000")
        assert dialog.year.value() == YEAR_NOW
        # What the households not exempt would give, before anything is written.
        assert "3 registered households" in dialog.reach.text()
        assert format_amount(45_000_00) in dialog.reach.text()
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = propose
    assert clerk_page.propose()
    [project] = projects.projects(village.ledger.conn, YEAR_NOW)
    assert (project.title, project.target, project.per_household) == (
        "School roof",
        60_000_00,
        15_000_00,
    )
    assert project.state == projects.State.PROPOSED
    assert clerk_page.selected_progress().project.id == project.id  # type: ignore[union-attr]
    assert not clerk_page.contribute_button.isEnabled()  # not adopted yet
    assert "not adopted yet" in clerk_page.decided.text()

    # The council decides (the meetings page is another's: the core here).
    ref = _resolution(village, f"project:{project.id}")
    chair_page = _page(qtbot, village.context("chair"))
    assert chair_page.adopt_button.isEnabled()

    def adopt(dialog: QDialog) -> None:
        assert isinstance(dialog, AdoptProjectDialog)
        assert dialog.chosen_ref() == ref  # the one resolution ready for it, chosen
        assert dialog.date.day() == TODAY  # its meeting's day
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = adopt
    assert chair_page.adopt()
    adopted = projects.get(village.ledger.conn, project.id)
    assert adopted.state == projects.State.ADOPTED and adopted.adopted_by == ref
    assert f"adopted by resolution {ref}" in chair_page.decided.text()

    # The clerk collects: the first household in two parts.
    clerk_page.refresh()
    assert clerk_page.contribute_button.isEnabled()
    first = homes[0]
    assert clerk_page.select_household(first)
    seen: list[str] = []

    def pay(part: str | None) -> object:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, ContributionDialog)
            assert dialog.household.currentData() == first  # the household chosen on the page
            seen.append(dialog.amount.text())  # what it still owes, offered
            seen.append(dialog.owes.text())
            if part is not None:
                dialog.amount.setText(part)
            dialog.accept()
            assert dialog.refusal() == ""

        return fill

    dialogs.fill = pay("6 000")
    assert clerk_page.record_contribution()
    model = clerk_page.households_model
    row = model.row_of(first)
    assert model.data(model.index(row, PAID)) == format_amount(6_000_00)
    assert model.data(model.index(row, OWES)) == format_amount(9_000_00)

    dialogs.fill = pay(None)  # the rest, as offered
    assert clerk_page.record_contribution()
    assert seen[0] == typed_amount(15_000_00)
    assert seen[2] == typed_amount(9_000_00)
    assert format_amount(9_000_00) in seen[3] and format_amount(6_000_00) in seen[3]
    row = model.row_of(first)
    assert model.data(model.index(row, PAID)) == format_amount(15_000_00)
    assert model.data(model.index(row, OWES)) == format_amount(0)
    core = projects.progress(village.ledger.conn, project.id)
    mine = next(h for h in core.households if h.id == first)
    assert (mine.paid, mine.owes) == (15_000_00, 0)
    assert [c.amount for c in projects.contributions(village.ledger.conn, project.id, first)] == [
        6_000_00,
        9_000_00,
    ]
    assert clerk_page.totals.text() == (
        f"Households asked: 3; paid in full: 1; exempt: 0; still owed: {format_amount(30_000_00)}."
    )
    assert clerk_page.collected.text() == format_amount(15_000_00)
    # The household's own contributions, under the table.
    assert clerk_page.household_detail.text().count(format_amount(6_000_00)) == 1
    assert format_amount(9_000_00) in clerk_page.household_detail.text()


def test_a_contribution_beyond_what_is_owed_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village, collecting: tuple[int, list[int]]
) -> None:
    project_id, homes = collecting
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        projects.contribute(village.ledger, village.user("clerk"), project_id, homes[0], 6_000_00)
    dialog = ContributionDialog(village.context("clerk"), project_id, homes[0])
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == typed_amount(5_000_00)
    dialog.amount.setText("6 000")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "owes" in dialog.refusal()
    assert state(conn) == before


def test_an_exempt_household_is_refused_in_the_cores_words(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    homes = _homes(village)
    project_id = _project(village)
    ref = _resolution(village, f"exemption:{homes[1]}:{YEAR_NOW}")
    page = _page(qtbot, village.context("clerk"))
    assert page.select_household(homes[1])

    def exempt(dialog: QDialog) -> None:
        assert isinstance(dialog, ExemptDialog)
        assert dialog.household.currentData() == homes[1]
        assert dialog.resolution.currentData() == ref  # the resolution about it, chosen
        dialog.reason.setPlainText("Pensioner living alone")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = exempt
    assert page.exempt()
    assert households.exemptions(village.ledger.conn, YEAR_NOW) == {
        homes[1]: "Pensioner living alone"
    }
    model = page.households_model
    assert model.data(model.index(model.row_of(homes[1]), OWES)) == (
        "Exempt: Pensioner living alone"
    )

    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        projects.contribute(village.ledger, village.user("clerk"), project_id, homes[1], 15_000_00)
    dialog = ContributionDialog(page.context, project_id, homes[1])
    qtbot.addWidget(dialog)
    # Listed, marked, and not offered an amount to pay.
    assert "exempt: Pensioner living alone" in dialog.household.currentText()
    assert "Exempt from the collection" in dialog.owes.text()
    assert dialog.amount.text() == ""
    dialog.amount.setText("15 000")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert f"household {homes[1]} is exempt from the collection of {YEAR_NOW}" in dialog.refusal()
    assert state(conn) == before


def test_the_clerk_registers_a_household(qtbot: QtBot, village: Village) -> None:
    clerk = village.user("clerk")
    head = council.add_party(village.ledger, clerk, "Омаров Бауыржан", "person")
    page = _page(qtbot, village.context("clerk"))
    assert page.households_model.rowCount() == 0
    conn = village.ledger.conn
    dialog = AddHouseholdDialog(page.context, page)
    dialog.address.setText("Орталық көшесі, 21")
    before = state(conn)
    dialog.accept()  # no head chosen: refused, nothing written
    assert "Choose the head of the household" in dialog.refusal()
    assert state(conn) == before
    dialog.head.setCurrentIndex(dialog.head.findData(head))
    dialog.members.setValue(6)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    [found] = households.households(conn)
    assert (found.address, found.head_id, found.members) == ("Орталық көшесі, 21", head, 6)
    # The page followed the change: the register, with no project this year.
    assert _column(page.households_model, ADDRESS) == ["Орталық көшесі, 21"]
    assert _column(page.households_model, MEMBERS) == ["6"]


def test_a_refused_proposal_writes_nothing(qtbot: QtBot, village: Village) -> None:
    conn = village.ledger.conn
    before = state(conn)
    dialog = AddProjectDialog(village.context("clerk"), YEAR_NOW)
    qtbot.addWidget(dialog)
    dialog.title.setText("Bridge")
    dialog.target.setText("100 000")
    dialog.per_household.setText("5 000")
    dialog.year.setValue(YEAR_NOW + 6)
    with pytest.raises(InvalidInput) as refused:
        projects.add(
            village.ledger, village.user("clerk"), "Bridge", 100_000_00, 5_000_00, YEAR_NOW + 6
        )
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert state(conn) == before


# --- the chart ---------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_chart_is_built_after_the_first_paint_with_the_cores_figures(
    qtbot: QtBot, village: Village, collecting: tuple[int, list[int]]
) -> None:
    project_id, homes = collecting
    projects.contribute(village.ledger, village.user("clerk"), project_id, homes[1], 15_000_00)
    page = _page(qtbot, village.context("clerk"))
    assert page.chart.plot is None  # nothing built before the page is shown
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: page.chart.plot is not None)
    core = projects.progress(village.ledger.conn, project_id)
    assert page.chart.figures == ChartFigures(
        target=core.project.target,
        collected=core.collected,
        donated=core.donated,
        spent=core.spent,
        refunded=core.refunded,
        moved=core.moved,
        left=core.remaining,
    )
    bars = page.chart.bars
    assert list(bars["target"].opts["width"]) == [core.project.target // 100] == [60_000]
    assert list(bars["collected"].opts["width"]) == [core.collected // 100] == [25_000]
    assert list(bars["spent"].opts["width"]) == [core.spent // 100] == [0]
    assert list(bars["left"].opts["width"]) == [core.remaining // 100] == [25_000]
    assert "refunded" not in bars  # nothing returned before a close
    assert page.chart.target_line.value() == 60_000

    # A new contribution: the chart follows at once.
    projects.contribute(village.ledger, village.user("clerk"), project_id, homes[0], 5_000_00)
    page.context.notify_changed()
    assert list(page.chart.bars["collected"].opts["width"]) == [30_000]


def test_pyqtgraph_not_imported_with_the_page() -> None:
    script = textwrap.dedent(
        """
        import sys
        import ruralcouncil.gui.projects_page, ruralcouncil.gui.project_dialogs
        print("pyqtgraph" in sys.modules, "numpy" in sys.modules, "reportlab" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False"]


# --- closing -----------------------------------------------------------------------------


def test_the_close_dialog_previews_the_cores_refund_shares(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, collecting: tuple[int, list[int]], dialogs
) -> None:
    project_id, homes = collecting
    clerk = village.user("clerk")
    projects.contribute(village.ledger, clerk, project_id, homes[1], 7_000_00)
    core = projects.progress(village.ledger.conn, project_id)
    expected = projects.refund_shares({h.id: h.paid for h in core.households}, core.remaining)
    assert expected == {homes[0]: 10_000_00, homes[1]: 7_000_00}
    ref = _resolution(village, f"project:{project_id}")
    page = _page(qtbot, village.context("chair"))
    assert page.close_button.isEnabled()
    previews: list[dict[int, int]] = []

    def close(dialog: QDialog) -> None:
        assert isinstance(dialog, CloseProjectDialog)
        assert dialog.refund.isChecked() and dialog.chosen_ref() == ref
        previews.append(dict(dialog.shares))
        table = dialog.preview
        assert not table.isHidden()
        assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
            "Абай көшесі, 3",
            "Бейбітшілік көшесі, 7",
        ]
        assert [table.item(r, 2).text() for r in range(table.rowCount())] == [
            format_amount(10_000_00),
            format_amount(7_000_00),
        ]
        assert format_amount(17_000_00) in dialog.preview_note.text()
        # Moving it instead hides the preview; back to the refund.
        dialog.move_to_fund.setChecked(True)
        assert table.isHidden() and dialog.fund.isEnabled()
        dialog.refund.setChecked(True)
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = close
    assert page.close_project()
    assert previews == [expected]
    after = projects.progress(village.ledger.conn, project_id)
    assert after.project.state == projects.State.CLOSED and after.remaining == 0
    assert {h.id: h.refunded for h in after.households if h.refunded} == expected
    assert "refunded to the households" in page.closed.text()
    assert not page.close_button.isEnabled() and not page.contribute_button.isEnabled()
    model = page.households_model
    tip = model.data(model.index(model.row_of(homes[0]), PAID), Qt.ItemDataRole.ToolTipRole)
    assert format_amount(10_000_00) in tip


def test_a_gift_beyond_what_was_paid_is_moved_not_refunded(qtbot: QtBot, village: Village) -> None:
    """Payers of 10 000, 5 000 and 5 000, and a gift of 100,01 to the project: 20 100,01 is
    left; each household gets back what it paid, and the gift's 100,01 moves to the fund the
    dialog names; the dialog shows exactly the core's plan."""
    homes = _homes(village)
    project_id = _project(village)
    clerk = village.user("clerk")
    for household, amount in zip(homes, (10_000_00, 5_000_00, 5_000_00), strict=True):
        projects.contribute(village.ledger, clerk, project_id, household, amount)
    donor = council.add_party(village.ledger, clerk, "Native of the village", "person")
    donations.add(village.ledger, clerk, donor, 100_01, "Of my own will", project_id=project_id)
    dialog = CloseProjectDialog(village.context("chair"), project_id)
    qtbot.addWidget(dialog)
    core = projects.progress(village.ledger.conn, project_id)
    assert core.remaining == 20_100_01 and core.donated == 100_01
    assert (dialog.shares, dialog.beyond) == projects.refund_plan(village.ledger.conn, project_id)
    assert dialog.shares == {homes[0]: 10_000_00, homes[1]: 5_000_00, homes[2]: 5_000_00}
    assert dialog.beyond == 100_01
    shown = [dialog.preview.item(r, 2).text() for r in range(dialog.preview.rowCount())]
    assert shown == [format_amount(v) for v in (10_000_00, 5_000_00, 5_000_00)]
    assert format_amount(100_01) in dialog.preview_note.text()
    assert dialog.fund.isEnabled()  # the rest needs a fund to go to


def test_closing_without_a_resolution_is_refused(qtbot: QtBot, village: Village) -> None:
    project_id = _project(village)
    conn = village.ledger.conn
    before = state(conn)
    dialog = CloseProjectDialog(village.context("clerk"), project_id)
    qtbot.addWidget(dialog)
    assert dialog.resolution.currentIndex() == -1
    assert f"project:{project_id}" in dialog.resolution.placeholderText()
    dialog.move_to_fund.setChecked(True)
    dialog.fund.setCurrentIndex(dialog.fund.findData("GENERAL"))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == "Name the resolution that decided this (YEAR/NUMBER)."
    assert state(conn) == before


# --- who sees what -----------------------------------------------------------------------


def _buttons(page: ProjectsPage) -> dict[str, bool]:
    return {
        name: not getattr(page, name).isHidden()
        for name in (
            "propose_button",
            "adopt_button",
            "contribute_button",
            "household_button",
            "exempt_button",
            "close_button",
        )
    }


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village) -> None:
    _project(village, adopted=False)
    users.add_user(
        village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra Auditor"
    )
    clerk = _buttons(_page(qtbot, village.context("clerk")))
    assert clerk == {
        "propose_button": True,
        "adopt_button": False,
        "contribute_button": True,
        "household_button": True,
        "exempt_button": True,
        "close_button": True,
    }
    chair = _buttons(_page(qtbot, village.context("chair")))
    assert chair == {
        "propose_button": False,
        "adopt_button": True,
        "contribute_button": False,
        "household_button": False,
        "exempt_button": False,
        "close_button": True,
    }
    for name in ("dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert not any(_buttons(page).values()), name
        # They still read everything.
        assert _column(page.projects_model, TITLE) == ["School roof"]
