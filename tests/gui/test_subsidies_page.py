"""The subsidies page (issue 10): the applications as the core reads them, searched; the
chosen one whole (justification, decisions, appeals, the figures with the conditions beside
them); the clerk applies, records the decision, an appeal, the answer to it and the money
received through the dialogs; money beyond the grant and a grant beyond what was asked are
refused in the core's words with nothing written; and nobody without the right sees a write
button."""

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
from ruralcouncil.gui.subsidies_page import (
    ASKED,
    COLUMN_TITLES,
    GRANTED,
    LEFT,
    PURPOSE,
    RECEIVED,
    SENT,
    SPENT,
    STATE,
    SubsidiesModel,
    SubsidiesPage,
)
from ruralcouncil.gui.subsidy_dialogs import (
    AppealDialog,
    ApplyDialog,
    DecisionDialog,
    ReceiveDialog,
)
from ruralcouncil.ledger import catalog, journal, queries, subsidies, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.queries import EntryFilter
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.subsidies import State

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _page(qtbot: QtBot, context: AppContext) -> SubsidiesPage:
    page = SubsidiesPage(context)
    qtbot.addWidget(page)
    return page


def _column(model: SubsidiesModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _receive(village: Village, subsidy_id: int, amount: int) -> int:
    subsidy = subsidies.get(village.ledger.conn, subsidy_id)
    return journal.record(
        village.ledger,
        village.user("clerk"),
        NewEntry(TODAY, EntryType.RECEIPT, amount, "SUBSIDY", fund=subsidy.fund),
        register=RegisterLink(subsidy_id=subsidy_id),
    )


@pytest.fixture
def three(village: Village) -> list[int]:
    """Waiting for the decision; partly granted with money received; refused and appealed."""
    clerk = village.user("clerk")
    ledger = village.ledger
    waiting = subsidies.add(ledger, clerk, "Street lights", 4_000_000_00, "Dark streets", TODAY)
    partly = subsidies.add(
        ledger, clerk, "Water pipe for Zhana street", 12_000_000_00, "The old pipe leaks", TODAY
    )
    subsidies.decide(
        ledger, clerk, partly, 8_000_000_00, "No. 45-12", "Pipe and fittings only", TODAY
    )
    _receive(village, partly, 5_000_000_00)
    refused = subsidies.add(ledger, clerk, "School roof", 9_000_000_00, "Leaking roof", TODAY)
    subsidies.decide(ledger, clerk, refused, 0, "No. 51-3", on=TODAY)
    subsidies.appeal(ledger, clerk, refused, "The roof leaks onto the classroom", TODAY)
    return [waiting, partly, refused]


# --- the model, without a view -----------------------------------------------------------


def test_the_model_holds_the_cores_figures(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village, three: list[int]
) -> None:
    model = SubsidiesModel()
    found = subsidies.subsidies(village.ledger.conn)
    model.set_subsidies(found)
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "Purpose",
        "Sent on",
        "Asked",
        "State",
        "Amount granted",
        "Received",
        "Spent",
        "Left",
    ]
    assert len(COLUMN_TITLES) == model.columnCount()
    assert [s.id for s in found] == three
    assert _column(model, PURPOSE) == [s.purpose for s in found]
    assert _column(model, SENT) == [shown_date(s.date) for s in found]
    assert _column(model, ASKED) == [format_amount(s.amount_asked) for s in found]
    assert _column(model, STATE) == [
        "Applied, waiting for the decision",
        "Partly granted",
        "Appealed, waiting for the decision",
    ]
    # Nothing granted is said only once something was decided (a refusal grants 0).
    assert _column(model, GRANTED) == ["", format_amount(8_000_000_00), format_amount(0)]
    assert _column(model, RECEIVED) == [format_amount(s.received) for s in found]
    assert _column(model, SPENT) == [format_amount(s.spent) for s in found]
    assert _column(model, LEFT) == [format_amount(s.left) for s in found]
    partly = found[1]
    assert (partly.received, partly.left) == (5_000_000_00, 5_000_000_00)
    tip = model.data(model.index(1, GRANTED), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Conditions: Pipe and fittings only"

    # The search looks in the purpose, the justification, references, conditions and notes.
    model.set_search("NO. 45")
    assert _column(model, PURPOSE) == ["Water pipe for Zhana street"]
    model.set_search("classroom")
    assert _column(model, PURPOSE) == ["School roof"]
    model.set_search("dark streets")
    assert _column(model, PURPOSE) == ["Street lights"]
    model.set_search("nothing like this")
    assert model.rowCount() == 0
    qtmodeltester.check(model)


# --- the clerk's path through the window -------------------------------------------------


def test_the_clerk_applies_records_the_decision_and_the_money(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    page = _page(qtbot, village.context("clerk"))
    assert page.model.rowCount() == 0
    assert "No application" in page.detail.heading.text()

    def apply(dialog: QDialog) -> None:
        assert isinstance(dialog, ApplyDialog)
        dialog.purpose.setText("Water pipe for Zhana street")
        dialog.justification.setPlainText("The old pipe leaks; 40 households without water")
        dialog.amount.setText("12 000 000")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = apply
    assert page.apply()
    [subsidy] = subsidies.subsidies(village.ledger.conn)
    assert (subsidy.purpose, subsidy.amount_asked, subsidy.date) == (
        "Water pipe for Zhana street",
        12_000_000_00,
        TODAY.isoformat(),
    )
    assert subsidy.justification == "The old pipe leaks; 40 households without water"
    assert subsidy.state == State.APPLIED and subsidy.fund == f"SUBSIDY-{subsidy.id}"
    assert page.selected_subsidy().id == subsidy.id  # type: ignore[union-attr]
    assert page.detail.justification.text() == subsidy.justification
    assert page.decide_button.isEnabled()
    assert not page.receive_button.isEnabled() and not page.appeal_button.isEnabled()

    def decide(dialog: QDialog) -> None:
        assert isinstance(dialog, DecisionDialog)
        assert dialog.granted.text() == typed_amount(12_000_000_00)  # what was asked, offered
        dialog.granted.setText("8 000 000")
        dialog.reference.setText("No. 45-12 of the district akimat")
        dialog.conditions.setPlainText("Pipe and fittings only; a report by 1 March")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = decide
    assert page.decide()
    subsidy = subsidies.get(village.ledger.conn, subsidy.id)
    assert subsidy.state == State.PARTLY and subsidy.granted == 8_000_000_00
    [step] = subsidy.steps
    assert (step.step, step.reference, step.conditions, step.date) == (
        "decided",
        "No. 45-12 of the district akimat",
        "Pipe and fittings only; a report by 1 March",
        TODAY.isoformat(),
    )
    detail = page.detail
    assert detail.granted.text() == format_amount(8_000_000_00)
    assert detail.conditions.text() == "Pipe and fittings only; a report by 1 March"
    assert "No. 45-12 of the district akimat" in detail.history.text()
    assert format_amount(8_000_000_00) in detail.history.text()
    assert page.receive_button.isEnabled() and page.appeal_button.isEnabled()
    assert not page.decide_button.isEnabled()

    offered: list[str] = []

    def receive(part: str | None) -> object:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, ReceiveDialog)
            offered.append(dialog.amount.text())  # what the grant still has to bring
            if part is not None:
                dialog.amount.setText(part)
            dialog.counterparty.setText("District finance department")
            dialog.reference.setText("PP 87")
            dialog.accept()
            assert dialog.refusal() == ""

        return fill

    dialogs.fill = receive("5 000 000")
    assert page.receive()
    dialogs.fill = receive(None)  # the rest, as offered
    assert page.receive()
    assert offered == [typed_amount(8_000_000_00), typed_amount(3_000_000_00)]
    subsidy = subsidies.get(village.ledger.conn, subsidy.id)
    assert (subsidy.received, subsidy.left, subsidy.spent) == (8_000_000_00, 8_000_000_00, 0)
    # Two SUBSIDY receipts into the subsidy's own fund, as the ledger holds them.
    rows = list(queries.iterate(village.ledger.conn, EntryFilter(fund=subsidy.fund)))
    assert [(r.type, r.category, r.amount, r.counterparty) for r in rows] == [
        ("receipt", "SUBSIDY", 5_000_000_00, "District finance department"),
        ("receipt", "SUBSIDY", 3_000_000_00, "District finance department"),
    ]
    assert detail.received.text() == format_amount(8_000_000_00)
    assert detail.left.text() == format_amount(8_000_000_00)
    assert detail.to_come.text() == format_amount(0)
    assert not page.receive_button.isEnabled()  # nothing more to come
    assert page.model.data(page.model.index(0, RECEIVED)) == format_amount(8_000_000_00)


def test_money_beyond_the_grant_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village, three: list[int]
) -> None:
    partly = three[1]
    conn = village.ledger.conn
    subsidy = subsidies.get(conn, partly)
    dialog = ReceiveDialog(village.context("clerk"), subsidy)
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == typed_amount(3_000_000_00)  # 8 000 000 granted, 5 received
    dialog.amount.setText("3 000 000,01")
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        journal.record(
            village.ledger,
            village.user("clerk"),
            NewEntry(TODAY, EntryType.RECEIPT, 3_000_000_01, "SUBSIDY", fund=subsidy.fund),
            register=RegisterLink(subsidy_id=partly),
        )
    assert state(conn) == before
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "still to come" in dialog.refusal()
    assert state(conn) == before
    assert subsidies.get(conn, partly).received == 5_000_000_00


def test_a_grant_beyond_what_was_asked_is_refused(qtbot: QtBot, village: Village) -> None:
    clerk = village.user("clerk")
    subsidy_id = subsidies.add(village.ledger, clerk, "Club", 1_000_000_00, "Old club", TODAY)
    conn = village.ledger.conn
    dialog = DecisionDialog(village.context("clerk"), subsidies.get(conn, subsidy_id))
    qtbot.addWidget(dialog)
    dialog.granted.setText("1 500 000")
    dialog.reference.setText("No. 7")
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        subsidies.decide(village.ledger, clerk, subsidy_id, 1_500_000_00, "No. 7", on=TODAY)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "more than the" in dialog.refusal()
    assert state(conn) == before
    assert subsidies.get(conn, subsidy_id).state == State.APPLIED


def test_a_refusal_appealed_and_granted_on_appeal(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    clerk = village.user("clerk")
    subsidy_id = subsidies.add(village.ledger, clerk, "School roof", 9_000_000_00, "Leaks", TODAY)
    subsidies.decide(village.ledger, clerk, subsidy_id, 0, "No. 51-3", on=TODAY)
    page = _page(qtbot, village.context("clerk"))
    assert page.model.data(page.model.index(0, STATE)) == "Not granted"
    assert page.appeal_button.isEnabled() and not page.receive_button.isEnabled()
    assert page.detail.conditions.text() == "Nothing was granted."

    def appeal(dialog: QDialog) -> None:
        assert isinstance(dialog, AppealDialog)
        dialog.note.setPlainText("To the regional akimat: the roof leaks onto the classroom")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = appeal
    assert page.appeal()
    assert subsidies.get(village.ledger.conn, subsidy_id).state == State.APPEALED
    assert page.decide_button.isEnabled()

    def grant(dialog: QDialog) -> None:
        assert isinstance(dialog, DecisionDialog)
        dialog.reference.setText("No. 12 of the regional akimat")
        dialog.conditions.setPlainText("Roofing only")
        dialog.accept()  # the whole amount asked, as offered
        assert dialog.refusal() == ""

    dialogs.fill = grant
    assert page.decide()
    subsidy = subsidies.get(village.ledger.conn, subsidy_id)
    assert subsidy.state == State.GRANTED and subsidy.granted == 9_000_000_00
    assert [s.step for s in subsidy.steps] == ["decided", "appealed", "decided"]
    history = page.detail.history.text()
    assert "Refused on" in history and "No. 51-3" in history
    assert "Appealed on" in history and "onto the classroom" in history
    assert "No. 12 of the regional akimat" in history
    assert history.index("Refused on") < history.index("Appealed on") < history.index("No. 12")
    assert page.detail.conditions.text() == "Roofing only"  # the latest decision stands
    assert page.model.data(page.model.index(0, STATE)) == "Granted in full"


def test_a_general_transfer_lands_in_the_general_fund(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    """The district's subvention: applied for as a general transfer, its money a SUBSIDY
    receipt into GENERAL, counted by the core as spent by the budget as a whole."""
    page = _page(qtbot, village.context("clerk"))
    funds_before = [f.code for f in catalog.funds(village.ledger.conn)]

    def apply(dialog: QDialog) -> None:
        assert isinstance(dialog, ApplyDialog)
        dialog.purpose.setText("District subvention 2026")
        dialog.justification.setPlainText("The budget law of the district")
        dialog.amount.setText("50 000 000")
        dialog.general.setChecked(True)
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = apply
    assert page.apply()
    [subsidy] = subsidies.subsidies(village.ledger.conn)
    assert subsidy.general and subsidy.fund == "GENERAL"
    assert [f.code for f in catalog.funds(village.ledger.conn)] == funds_before  # no new fund
    assert page.detail.fund.text().startswith("GENERAL: a general transfer")
    subsidies.decide(village.ledger, village.user("clerk"), subsidy.id, 50_000_000_00, "Law 3")
    page.refresh()

    def receive(dialog: QDialog) -> None:
        assert isinstance(dialog, ReceiveDialog)
        assert "general fund" in dialog.fund.text()
        dialog.amount.setText("4 000 000")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = receive
    assert page.receive()
    subsidy = subsidies.get(village.ledger.conn, subsidy.id)
    assert (subsidy.received, subsidy.spent, subsidy.left) == (4_000_000_00, 4_000_000_00, 0)
    rows = list(
        queries.iterate(village.ledger.conn, EntryFilter(category="SUBSIDY", fund="GENERAL"))
    )
    assert [(r.amount, r.fund) for r in rows] == [(4_000_000_00, "GENERAL")]
    assert _column(page.model, SPENT) == [format_amount(4_000_000_00)]
    assert _column(page.model, LEFT) == [format_amount(0)]
    assert page.detail.to_come.text() == format_amount(46_000_000_00)


def test_the_search_keeps_the_page_and_its_detail_in_step(
    qtbot: QtBot, village: Village, three: list[int]
) -> None:
    page = _page(qtbot, village.context("dana"))
    assert page.model.rowCount() == 3
    assert "3 applications" in page.summary.text()
    page.search.setText("pipe")
    assert _column(page.model, PURPOSE) == ["Water pipe for Zhana street"]
    assert page.selected_subsidy().id == three[1]  # type: ignore[union-attr]
    assert "Shown: 1 of 3." in page.summary.text()
    page.search.setText("no such words")
    assert page.selected_subsidy() is None
    assert "No application matches" in page.detail.heading.text()


# --- who sees what -----------------------------------------------------------------------

_BUTTONS = ("apply_button", "decide_button", "appeal_button", "receive_button")


def _shown(page: SubsidiesPage) -> dict[str, bool]:
    return {name: not getattr(page, name).isHidden() for name in _BUTTONS}


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village, three: list[int]) -> None:
    users.add_user(
        village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra Auditor"
    )
    assert all(_shown(_page(qtbot, village.context("clerk"))).values())
    assert all(_shown(_page(qtbot, village.context("admin"))).values())
    for name in ("chair", "dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert not any(_shown(page).values()), name
        # They still read everything.
        assert page.model.rowCount() == 3
        page.select_subsidy(three[1])
        assert page.detail.conditions.text() == "Pipe and fittings only"


def test_no_heavy_library_is_imported_with_the_pages() -> None:
    script = textwrap.dedent(
        """
        import sys
        import ruralcouncil.gui.subsidies_page, ruralcouncil.gui.subsidy_dialogs
        import ruralcouncil.gui.loans_page, ruralcouncil.gui.loan_dialogs
        print("pyqtgraph" in sys.modules, "numpy" in sys.modules, "reportlab" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False"]
