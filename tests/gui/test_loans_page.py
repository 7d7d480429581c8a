"""The loans page (issue 10): the loans with what is owed today, the chosen loan's schedule
exactly as the core works it out, its instalments marked paid or overdue at a day the user
chooses; the clerk records a loan through the dialog (the schedule previewed, the resolution
ready for it chosen) and a repayment (the core's split shown before it is saved, and in a
year with an adopted budget the approved request it pays); a loan without the permission or
with a resolution about another subject, and a repayment against another party's request,
are refused in the core's words with nothing written; and nobody without the right sees a
write button."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from _helpers import state
from council_village import PASSWORD, SHOP, Village, open_village
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import typed_amount
from ruralcouncil.gui.loan_dialogs import AddLoanDialog, RepaymentDialog
from ruralcouncil.gui.loans_page import (
    BALANCE,
    DUE,
    INTEREST,
    LENDER,
    LOAN_COLUMNS,
    METHOD,
    MONTHS,
    NUMBER,
    OUTSTANDING,
    OVERDUE,
    PART,
    PAYMENT,
    PRINCIPAL,
    RATE,
    SCHEDULE_COLUMNS,
    STANDING,
    START,
    LoansModel,
    LoansPage,
    ScheduleModel,
    schedule_rows,
)
from ruralcouncil.ledger import budget, council, journal, loans, meetings, spending, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.loans import Loan, Method
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink

TODAY = date.today()
LENDER_NAME = "District finance department"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


@pytest.fixture
def lender(village: Village) -> int:
    return council.add_party(village.ledger, village.user("clerk"), LENDER_NAME, "organisation")


def _resolution(village: Village, subject: str) -> str:
    """A meeting today that passes ``subject``, confirmed by Dana: its number."""
    chair = village.user("chair")
    meeting = meetings.open_meeting(village.ledger, chair, TODAY, ["chair", "dana", "erlan"])
    ref = meetings.add_resolution(
        village.ledger, chair, meeting, subject, f"Resolved: {subject}.", ["chair", "dana", "erlan"]
    )
    meetings.confirm(village.ledger, village.user("dana"), ref)
    return ref


def _loan(
    village: Village,
    lender: int,
    principal: int = 600_000_00,
    rate: int = 1200,
    months: int = 12,
    method: Method = Method.ANNUITY,
) -> Loan:
    whole = principal // 100
    ref = _resolution(village, f"loan:{lender}:{whole}")
    loan_id = loans.add(
        village.ledger,
        village.user("clerk"),
        lender,
        principal,
        rate,
        months,
        "No. 12-04/315",
        ref,
        method=method.value,
    )
    return loans.get(village.ledger.conn, loan_id)


def _repay(village: Village, loan: Loan, amount: int) -> int:
    return journal.record(
        village.ledger,
        village.user("clerk"),
        NewEntry(TODAY, EntryType.PAYMENT, amount, "LOAN-REPAY"),
        register=RegisterLink(loan_id=loan.id),
    )


def _page(qtbot: QtBot, context: AppContext) -> LoansPage:
    page = LoansPage(context)
    qtbot.addWidget(page)
    return page


def _cells(model: LoansModel | ScheduleModel, columns: tuple[int, ...]) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in columns] for r in range(model.rowCount())]


def _schedule_cells(loan: Loan) -> list[list[str]]:
    """The core's schedule, written as the table writes it."""
    return [
        [
            str(i.number),
            shown_date(i.due),
            format_amount(i.payment),
            format_amount(i.interest),
            format_amount(i.principal),
            format_amount(i.balance),
        ]
        for i in loans.loan_schedule(loan)
    ]


_SIX = (NUMBER, DUE, PAYMENT, INTEREST, PART, BALANCE)


# --- the models, without a view ----------------------------------------------------------


def test_the_models_hold_the_cores_figures(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village, lender: int
) -> None:
    annuity = _loan(village, lender)
    equal = _loan(village, lender, 240_000_00, 750, 6, Method.EQUAL)
    first = loans.loan_schedule(annuity)[0]
    _repay(village, annuity, first.payment)
    conn = village.ledger.conn
    on = TODAY.isoformat()

    model = LoansModel()
    model.set_loans(village.ledger, on)
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "Lender",
        "Principal",
        "Rate",
        "Months",
        "Repayment",
        "Received on",
        "Outstanding today",
        "Overdue",
    ]
    assert len(LOAN_COLUMNS) == model.columnCount()
    columns = (LENDER, PRINCIPAL, RATE, MONTHS, METHOD, START, OUTSTANDING, OVERDUE)
    assert _cells(model, columns) == [
        [
            LENDER_NAME,
            format_amount(loan.principal),
            f"{loan.rate_text} %",
            str(loan.months),
            name,
            shown_date(loan.start),
            format_amount(loans.outstanding(conn, loan, on)),
            str(len(loans.overdue(conn, loan, on))),
        ]
        for loan, name in ((annuity, "Annuity (equal payments)"), (equal, "Equal principal"))
    ]
    assert [r.loan.id for r in model.rows] == [annuity.id, equal.id]
    assert loans.outstanding(conn, annuity, on) == 600_000_00 - first.principal
    assert model.data(model.index(0, RATE)) == "12 %"

    schedule = ScheduleModel()
    for loan in (annuity, equal):
        schedule.set_schedule(schedule_rows(village.ledger, loan, on))
        qtmodeltester.check(schedule)
        assert _cells(schedule, _SIX) == _schedule_cells(loan)
    headers = [
        schedule.headerData(c, Qt.Orientation.Horizontal) for c in range(schedule.columnCount())
    ]
    assert headers == [
        "№",
        "Due date",
        "Payment",
        "Interest charged",
        "Principal",
        "Owed after",
        "Paid?",
    ]
    assert len(SCHEDULE_COLUMNS) == schedule.columnCount()
    # The equal-principal loan: the same principal each month, to the tiyn.
    assert [i.principal for i in loans.loan_schedule(equal)] == [40_000_00] * 6
    schedule.set_schedule(schedule_rows(village.ledger, annuity, on))
    assert [schedule.data(schedule.index(r, STANDING)) for r in range(3)] == ["Paid", "", ""]


# --- recording a loan --------------------------------------------------------------------


def _fill_loan(dialog: AddLoanDialog, lender: int, *, permission: str = "No. 12-04/315") -> None:
    dialog.party.setCurrentIndex(dialog.party.findData(lender))
    dialog.principal.setText("600 000")
    dialog.rate.setText("12")
    dialog.months.setValue(12)
    dialog.permission.setText(permission)


def test_the_clerk_records_a_loan_through_the_dialog(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, lender: int, dialogs
) -> None:
    ref = _resolution(village, f"loan:{lender}:600000")
    _resolution(village, f"loan:{lender}:500000")  # about another principal: not offered
    page = _page(qtbot, village.context("clerk"))
    assert page.model.rowCount() == 0 and page.heading.text().startswith("No loan is recorded")
    assert page.detail.isHidden()
    previews: list[str] = []

    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, AddLoanDialog)
        _fill_loan(dialog, lender)
        dialog.rate.setText("12,5")
        # The schedule's first and last instalments, as the core works them out, live.
        expected = loans.schedule(60_000_000, 1250, 12, TODAY.isoformat(), Method.ANNUITY)
        assert dialog.schedule == expected
        assert format_amount(expected[0].payment) in dialog.preview.text()
        assert format_amount(expected[-1].interest) in dialog.preview.text()
        assert shown_date(expected[-1].due) in dialog.preview.text()
        dialog.method.setCurrentIndex(dialog.method.findData("equal"))
        dialog.months.setValue(6)
        expected = loans.schedule(60_000_000, 1250, 6, TODAY.isoformat(), Method.EQUAL)
        assert dialog.schedule == expected
        previews.append(dialog.preview.text())
        # Only the resolution about exactly this loan is offered, and it is chosen.
        assert dialog.resolution.count() == 1
        assert dialog.chosen_ref() == ref
        assert f"loan:{lender}:600000" in dialog.subject_note.text()
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = record
    assert page.add_loan()
    [loan] = loans.loans(village.ledger.conn)
    assert (loan.party_id, loan.principal, loan.rate, loan.months, loan.method) == (
        lender,
        600_000_00,
        1250,
        6,
        Method.EQUAL,
    )
    assert (loan.permission, loan.resolution, loan.start) == (
        "No. 12-04/315",
        ref,
        TODAY.isoformat(),
    )
    assert meetings.get_resolution(village.ledger.conn, ref).used_for == f"loan.add {loan.id}"
    # The page shows it, with its schedule exactly the core's.
    assert page.selected_loan() == loan
    assert _cells(page.schedule_model, _SIX) == _schedule_cells(loan)
    assert page.permission.text() == "No. 12-04/315"
    assert page.resolution.text().startswith(ref)
    assert page.outstanding.text() == format_amount(600_000_00)
    assert f"entry {loan.entry}" in page.received.text()
    assert str(loan.entry) in page.status.text()
    assert previews and format_amount(100_000_00) in previews[0]  # 600 000 / 6 a month


def test_a_loan_without_the_permission_is_refused(
    qtbot: QtBot, village: Village, lender: int
) -> None:
    ref = _resolution(village, f"loan:{lender}:600000")
    conn = village.ledger.conn
    dialog = AddLoanDialog(village.context("clerk"))
    qtbot.addWidget(dialog)
    _fill_loan(dialog, lender, permission="  ")
    assert dialog.chosen_ref() == ref
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        loans.add(village.ledger, village.user("clerk"), lender, 600_000_00, 1200, 12, "  ", ref)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "permission" in dialog.refusal()
    assert state(conn) == before
    assert loans.loans(conn) == [] and meetings.ready_for(conn, f"loan:{lender}:600000")


def test_a_loan_with_a_resolution_about_another_subject_is_refused(
    qtbot: QtBot, village: Village, lender: int
) -> None:
    other = _resolution(village, f"loan:{lender}:500000")
    conn = village.ledger.conn
    dialog = AddLoanDialog(village.context("clerk"))
    qtbot.addWidget(dialog)
    _fill_loan(dialog, lender)
    assert dialog.resolution.count() == 0  # nothing about loan:LENDER:600000 is ready
    assert "No resolution about" in dialog.subject_note.text()
    dialog.resolution.setEditText(other)  # typed
    assert dialog.chosen_ref() == other
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        loans.add(
            village.ledger, village.user("clerk"), lender, 600_000_00, 1200, 12, "No. 1", other
        )
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert f"is about loan:{lender}:500000, not loan:{lender}:600000" in dialog.refusal()
    assert state(conn) == before


# --- repayments --------------------------------------------------------------------------


def test_a_repayment_shows_the_cores_split_and_is_recorded(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, lender: int, dialogs
) -> None:
    loan = _loan(village, lender)
    conn = village.ledger.conn
    first, second = loans.loan_schedule(loan)[:2]
    page = _page(qtbot, village.context("clerk"))
    splits: list[tuple[int, int] | None] = []

    def repay(part: str | None) -> object:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, RepaymentDialog)
            assert not dialog.form.isRowVisible(dialog.request)  # no budget: no request
            if part is not None:
                dialog.amount.setText(part)
            amount = int(part.replace(" ", "")) * 100 if part else first.payment
            assert dialog.shown_split == loans.split(conn, loan, amount)
            splits.append(dialog.shown_split)
            dialog.accept()
            assert dialog.refusal() == ""

        return fill

    # The first instalment, as offered.
    offered: list[str] = []

    def as_offered(dialog: QDialog) -> None:
        assert isinstance(dialog, RepaymentDialog)
        offered.append(dialog.amount.text())
        repay(None)(dialog)  # type: ignore[operator]

    dialogs.fill = as_offered
    assert page.record_repayment()
    assert offered == [typed_amount(first.payment)]
    assert splits[0] == (first.principal, first.interest)
    assert loans.repaid(conn, loan.id) == (first.principal, first.interest)

    # A round sum: the next interest first, then principal.
    dialogs.fill = repay("20 000")
    assert page.record_repayment()
    assert splits[1] == (20_000_00 - second.interest, second.interest)
    assert loans.repaid(conn, loan.id) == (
        first.principal + 20_000_00 - second.interest,
        first.interest + second.interest,
    )
    principal, interest = loans.repaid(conn, loan.id)
    assert page.repaid_principal.text() == format_amount(principal)
    assert page.repaid_interest.text() == format_amount(interest)
    assert page.outstanding.text() == format_amount(600_000_00 - principal)

    # More than the loan has left to pay: the split says the core's refusal, and so does OK.
    dialog = RepaymentDialog(village.context("clerk"), loan)
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == typed_amount(second.payment - 20_000_00)  # the rest of №2
    dialog.amount.setText("1 000 000")
    with pytest.raises(InvalidInput) as too_much:
        loans.split(conn, loan, 1_000_000_00)
    assert dialog.shown_split is None and dialog.split.text() == str(too_much.value)
    before = state(conn)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "left to repay on its schedule" in dialog.refusal()
    assert state(conn) == before


def test_overdue_instalments_are_marked_at_the_day_chosen(
    qtbot: QtBot, village: Village, lender: int
) -> None:
    loan = _loan(village, lender)
    conn = village.ledger.conn
    schedule = loans.loan_schedule(loan)
    _repay(village, loan, schedule[0].payment + 1_000_00)  # the first, and a little of the next
    page = _page(qtbot, village.context("dana"))
    # Today nothing is due yet.
    assert page.model.data(page.model.index(0, OVERDUE)) == "0"
    assert page.overdue.text() == "nothing"
    model = page.schedule_model
    standing = [model.data(model.index(r, STANDING)) for r in range(model.rowCount())]
    assert standing[:3] == ["Paid", "Partly paid", ""]

    # A day after the third instalment fell due: the second and third are overdue.
    day = date.fromisoformat(schedule[2].due) + timedelta(days=1)
    page.set_day(day)
    late = loans.overdue(conn, loan, day.isoformat())
    assert [i.number for i in late] == [2, 3]
    standing = [model.data(model.index(r, STANDING)) for r in range(model.rowCount())]
    assert standing[:4] == ["Paid", "Overdue", "Overdue", ""]
    marked = [
        r + 1 for r in range(model.rowCount()) if model.data(model.index(r, STANDING)) == "Overdue"
    ]
    assert marked == [i.number for i in late]
    assert model.data(model.index(1, PAYMENT), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(3, PAYMENT), Qt.ItemDataRole.BackgroundRole) is None
    unpaid = schedule[1].payment - 1_000_00 + schedule[2].payment
    assert page.overdue.text() == f"2 instalments, {format_amount(unpaid)} not paid"
    assert page.outstanding.text() == format_amount(loans.outstanding(conn, loan, day.isoformat()))
    assert page.next_due.text().endswith(f"(№{schedule[3].number})")
    # The list still says today's.
    assert page.model.data(page.model.index(0, OVERDUE)) == "0"

    # What is typed is not a date yet: the page says so and keeps what it showed.
    page.at.setText("31.02")
    assert not page.at_problem.isHidden()
    assert [model.data(model.index(r, STANDING)) for r in range(3)] == [
        "Paid",
        "Overdue",
        "Overdue",
    ]


@pytest.fixture
def budgeted(village: Village) -> None:
    """This year's budget, with room for loan repayments."""
    year = TODAY.year
    ref = _resolution(village, f"budget:{year}")
    data = b"category,fund,amount\nLOAN-REPAY,GENERAL,500000\nROADS,GENERAL,100000\n"
    budget.adopt(village.ledger, village.user("chair"), year, data, ref)


def _approved(village: Village, party: int, amount: int, category: str = "LOAN-REPAY") -> int:
    request = spending.draft(
        village.ledger, village.user("clerk"), party, category, "GENERAL", amount, "Repayment"
    )
    spending.approve(village.ledger, village.user("chair"), request)
    return request


def test_in_a_budgeted_year_a_repayment_pays_an_approved_request(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, lender: int, budgeted: None, dialogs
) -> None:
    loan = _loan(village, lender)
    conn = village.ledger.conn
    first = loans.loan_schedule(loan)[0]
    clerk = village.context("clerk")

    # No approved request yet: the core refuses, and nothing is written.
    dialog = RepaymentDialog(clerk, loan)
    qtbot.addWidget(dialog)
    assert dialog.form.isRowVisible(dialog.request) and dialog.request.count() == 0
    assert f"{TODAY.year} has an adopted budget" in dialog.request_note.text()
    before = state(conn)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "needs an approved spending request" in dialog.refusal()
    assert state(conn) == before

    # A request approved for someone else is not the lender's: refused in the core's words.
    shop = village.party(SHOP)
    elsewhere = _approved(village, shop, first.payment)
    dialog = RepaymentDialog(clerk, loan)
    qtbot.addWidget(dialog)
    assert dialog.request.count() == 0  # only the lender's are offered
    dialog.request.addItem("the shop's", elsewhere)  # as if it were chosen
    dialog.request.setCurrentIndex(0)
    before = state(conn)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == (
        f"Spending request {elsewhere} is for {SHOP}, not for {LENDER_NAME}."
    )
    assert state(conn) == before

    request = _approved(village, lender, first.payment)
    page = _page(qtbot, clerk)

    def repay(dialog: QDialog) -> None:
        assert isinstance(dialog, RepaymentDialog)
        assert dialog.request.count() == 1 and dialog.chosen_request() == request
        assert dialog.shown_split == loans.split(conn, loan, first.payment)
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = repay
    assert page.record_repayment()
    [paid] = spending.payments(conn, request)
    assert paid.amount == first.payment
    assert loans.repaid(conn, loan.id) == (first.principal, first.interest)
    assert spending.get(conn, request).unpaid == 0


# --- who sees what -----------------------------------------------------------------------


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village, lender: int) -> None:
    loan = _loan(village, lender)
    users.add_user(
        village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra Auditor"
    )
    for name in ("clerk", "admin"):
        page = _page(qtbot, village.context(name))
        assert not page.add_button.isHidden() and not page.repay_button.isHidden(), name
    for name in ("chair", "dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert page.add_button.isHidden() and page.repay_button.isHidden(), name
        # They still read everything.
        assert page.selected_loan() == loan
        assert _cells(page.schedule_model, _SIX) == _schedule_cells(loan)
