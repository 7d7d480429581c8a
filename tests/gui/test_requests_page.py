"""The spending requests page (issue 8): the table in names, the chair's and the clerk's
views, and one request walked from draft through a council vote to approval and payment in
the window's dialogs; the chair's limit and a wrong password refused with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _helpers import state
from council_village import PASSWORD, ROAD_FIRM, SHOP, Village, open_village
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSizeF
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import attachment_viewer, pdf_viewer
from ruralcouncil.gui.approve_dialog import ApproveDialog
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.request_dialogs import NewRequestDialog, PaymentDialog, ReasonDialog
from ruralcouncil.gui.requests_model import (
    AMOUNT,
    FUND,
    PARTY,
    PROGRAM,
    STATE,
    WAITS,
    RequestsModel,
    Show,
)
from ruralcouncil.gui.requests_page import RequestsPage
from ruralcouncil.ledger import meetings, spending
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.spending import State

TODAY = date.today()


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _draft(village: Village, amount: int, party: str = ROAD_FIRM, purpose: str = "Road") -> int:
    return spending.draft(
        village.ledger,
        village.user("clerk"),
        village.party(party),
        "ROADS",
        "GENERAL",
        amount,
        purpose,
    )


def _texts(model: RequestsModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _page(qtbot: QtBot, context: AppContext) -> RequestsPage:
    page = RequestsPage(context)
    qtbot.addWidget(page)
    return page


def _pdf_bytes() -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QSizeF(100, 100), QPageSize.Unit.Point))
    painter = QPainter(writer)
    painter.drawText(10, 10, "Invoice 17")
    painter.end()
    return bytes(buffer.data().data())


def _png_bytes() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 30))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


# --- the model, without a view ------------------------------------------------------------


def test_the_model_shows_names_not_codes(qtmodeltester, village: Village) -> None:  # type: ignore[no-untyped-def]
    _draft(village, 50_000_00)
    model = RequestsModel(village.context("clerk"))
    model.reload()
    qtmodeltester.check(model)
    assert _texts(model, PARTY) == [ROAD_FIRM]
    program, fund = _texts(model, PROGRAM)[0], _texts(model, FUND)[0]
    assert program != "ROADS" and program  # the program's name
    assert fund != "GENERAL" and fund
    assert _texts(model, AMOUNT) == [format_amount(50_000_00)]
    assert _texts(model, STATE) == ["Waiting for approval"]
    assert _texts(model, WAITS) == ["the chair"]


def test_filters_by_state_and_year(qtmodeltester, village: Village) -> None:  # type: ignore[no-untyped-def]
    waiting = _draft(village, 10_000_00)
    ended = _draft(village, 20_000_00)
    spending.withdraw(village.ledger, village.user("clerk"), ended, "Duplicate")
    model = RequestsModel(village.context("clerk"))
    model.set_filter(Show.WAITING, TODAY.year)
    assert [r.request.id for r in model.rows] == [waiting]
    model.set_filter(Show.ENDED, None)
    assert [r.request.id for r in model.rows] == [ended]
    model.set_filter(Show.ALL, TODAY.year - 1)
    assert model.rows == []
    model.set_filter(Show.ALL, None)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_the_chair_sees_first_what_waits_for_them(village: Village) -> None:
    big = _draft(village, 400_000_00)  # above the chair's limit: a meeting
    small = _draft(village, 30_000_00, SHOP)
    chair = RequestsModel(village.context("chair"))
    chair.reload()
    assert [r.request.id for r in chair.rows] == [small, big]
    assert _texts(chair, WAITS) == ["the chair", "a council meeting"]
    clerk = RequestsModel(village.context("clerk"))
    clerk.reload()
    assert [r.request.id for r in clerk.rows] == [big, small]
    counts = clerk.counts()
    assert (counts.chair, counts.meeting, counts.payment) == (1, 1, 0)


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village) -> None:
    _draft(village, 10_000_00)
    clerk = _page(qtbot, village.context("clerk"))
    assert not clerk.new_button.isHidden() and not clerk.withdraw_button.isHidden()
    assert clerk.approve_button.isHidden() and clerk.reject_button.isHidden()
    chair = _page(qtbot, village.context("chair"))
    assert chair.new_button.isHidden() and chair.pay_button.isHidden()
    assert not chair.approve_button.isHidden() and chair.approve_button.isEnabled()
    member = _page(qtbot, village.context("dana"))
    buttons = (member.new_button, member.approve_button, member.pay_button, member.reject_button)
    assert all(b.isHidden() for b in buttons)
    assert member.model.rowCount() == 1


# --- one request's whole path in the window -------------------------------------------------


def test_a_request_from_draft_through_a_vote_to_payment(
    qtbot: QtBot, village: Village, tmp_path: Path, dialogs
) -> None:  # type: ignore[no-untyped-def]
    invoice = tmp_path / "invoice-17.pdf"
    invoice.write_bytes(_pdf_bytes())
    clerk_page = _page(qtbot, village.context("clerk"))

    def draft(dialog: QDialog) -> None:
        assert isinstance(dialog, NewRequestDialog)
        dialog.party.setCurrentIndex(dialog.party.findText(ROAD_FIRM))
        dialog.program.setCurrentIndex(dialog.program.findData("ROADS"))
        dialog.amount.setText("500 000")
        dialog.purpose.setPlainText("Gravel for the school road")
        dialog.add_file(invoice)
        dialog.accept()

    dialogs.fill = draft
    assert clerk_page.new_request()
    [request] = spending.requests(village.ledger.conn)
    assert (request.amount, request.state, request.party) == (500_000_00, State.DRAFT, ROAD_FIRM)
    assert clerk_page.selected_request() == request
    assert clerk_page.detail.files.count() == 1
    assert "invoice-17.pdf" in clerk_page.detail.files.item(0).text()
    assert clerk_page.model.rows[0].waits.value == "meeting"  # above the chair's limit

    # The council votes on it (the core: the meetings page is another's), and a member
    # present confirms the record.
    chair = village.user("chair")
    meeting = meetings.open_meeting(village.ledger, chair, TODAY, ["chair", "dana", "erlan"])
    ref = meetings.add_resolution(
        village.ledger,
        chair,
        meeting,
        f"request:{request.id}",
        "Buy the gravel",
        ["chair", "dana", "erlan"],
    )
    meetings.confirm(village.ledger, village.user("dana"), ref)

    chair_page = _page(qtbot, village.context("chair"))
    assert chair_page.select_request(request.id)

    def approve(dialog: QDialog) -> None:
        assert isinstance(dialog, ApproveDialog)
        assert dialog.chosen_ref() == ref  # the resolution ready for it, chosen
        assert not dialog.date.isEnabled()  # it takes its meeting's date
        dialog.password.setText(PASSWORD)
        dialog.accept()

    dialogs.fill = approve
    assert chair_page.approve(), dialogs.shown[-1].refusal()  # type: ignore[attr-defined]
    approved = spending.get(village.ledger.conn, request.id)
    assert (approved.state, approved.resolution) == (State.APPROVED, ref)
    assert approved.approved_by == chair.id
    assert meetings.get_resolution(village.ledger.conn, ref).used_for is not None

    # The clerk pays part of it, then the rest (the amount offered is what is left).
    clerk_page.set_filter(Show.APPROVED)
    assert clerk_page.select_request(request.id) and clerk_page.pay_button.isEnabled()
    amounts: list[str] = []

    def pay(part: str | None) -> object:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, PaymentDialog)
            amounts.append(dialog.amount.text())
            if part is not None:
                dialog.amount.setText(part)
            dialog.accept()

        return fill

    dialogs.fill = pay("200 000")  # type: ignore[assignment]
    assert clerk_page.record_payment(), dialogs.shown[-1].refusal()  # type: ignore[attr-defined]
    assert spending.get(village.ledger.conn, request.id).unpaid == 300_000_00
    assert clerk_page.select_request(request.id)
    dialogs.fill = pay(None)  # type: ignore[assignment]
    assert clerk_page.record_payment(), dialogs.shown[-1].refusal()  # type: ignore[attr-defined]
    assert amounts == ["500 000", "300 000"]
    paid = spending.get(village.ledger.conn, request.id)
    assert (paid.state, paid.paid, paid.unpaid) == (State.PAID, 500_000_00, 0)
    clerk_page.set_filter(Show.PAID)
    assert clerk_page.select_request(request.id)
    steps = [clerk_page.detail.steps.item(r, 0).text() for r in range(3)]
    assert steps == ["Drafted", "Approved", "Paid"]
    assert "2" in clerk_page.detail.steps.item(1, 3).text() and ref in (
        clerk_page.detail.steps.item(1, 3).text()
    )


def test_above_the_chairs_limit_the_approval_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village
) -> None:
    request_id = _draft(village, 150_000_00)
    try:
        spending.approve(village.ledger, village.user("chair"), request_id)
    except LedgerError as exc:
        core_says = str(exc)  # what the command line prints too
    before = state(village.ledger.conn)
    dialog = ApproveDialog(village.context("chair"), spending.get(village.ledger.conn, request_id))
    qtbot.addWidget(dialog)
    assert dialog.chosen_ref() == ""  # no resolution ready: the chair alone
    dialog.password.setText(PASSWORD)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == core_says
    assert "above the chair's limit" in core_says and f"request:{request_id}" in core_says
    assert state(village.ledger.conn) == before
    assert spending.get(village.ledger.conn, request_id).state == State.DRAFT
    assert dialog.password.text() == ""  # a signature is typed for each attempt


def test_a_wrong_password_approves_nothing(qtbot: QtBot, village: Village) -> None:
    request_id = _draft(village, 10_000_00)
    dialog = ApproveDialog(village.context("chair"), spending.get(village.ledger.conn, request_id))
    qtbot.addWidget(dialog)
    dialog.password.setText("not-the-password")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == "Wrong user name or password."
    assert spending.get(village.ledger.conn, request_id).state == State.DRAFT
    count = village.ledger.conn.execute("SELECT count(*) FROM request_steps").fetchone()[0]
    assert count == 0


def test_the_chair_approves_alone_within_the_limit(qtbot: QtBot, village: Village) -> None:
    request_id = _draft(village, 60_000_00, SHOP)
    dialog = ApproveDialog(village.context("chair"), spending.get(village.ledger.conn, request_id))
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    approved = spending.get(village.ledger.conn, request_id)
    assert (approved.state, approved.resolution) == (State.APPROVED, None)


# --- ending a request ----------------------------------------------------------------------


def test_withdraw_reject_and_cancel_need_a_reason(qtbot: QtBot, village: Village) -> None:
    first, second = _draft(village, 10_000_00), _draft(village, 20_000_00, SHOP)
    conn = village.ledger.conn
    dialog = ReasonDialog(village.context("clerk"), spending.get(conn, first), "withdraw")
    qtbot.addWidget(dialog)
    before = state(conn)
    dialog.accept()  # no reason
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.refusal()
    assert state(conn) == before
    dialog.reason.setPlainText("Bought by the school instead")
    dialog.accept()
    assert spending.get(conn, first).state == State.WITHDRAWN

    dialog = ReasonDialog(village.context("chair"), spending.get(conn, second), "reject")
    qtbot.addWidget(dialog)
    dialog.reason.setPlainText("Not in this year's plan")
    dialog.accept()
    rejected = spending.get(conn, second)
    assert (rejected.state, rejected.ended_reason) == (State.REJECTED, "Not in this year's plan")

    third = _draft(village, 40_000_00, SHOP)
    spending.approve(village.ledger, village.user("chair"), third)
    dialog = ReasonDialog(village.context("chair"), spending.get(conn, third), "cancel")
    qtbot.addWidget(dialog)
    dialog.reason.setPlainText("The shop closed")
    dialog.accept()
    cancelled = spending.get(conn, third)
    assert (cancelled.state, cancelled.unpaid) == (State.CANCELLED, 0)


def test_a_payment_above_what_is_left_is_refused(qtbot: QtBot, village: Village) -> None:
    request_id = _draft(village, 40_000_00, SHOP)
    spending.approve(village.ledger, village.user("chair"), request_id)
    conn = village.ledger.conn
    dialog = PaymentDialog(village.context("clerk"), spending.get(conn, request_id))
    qtbot.addWidget(dialog)
    dialog.amount.setText("40 000,01")
    before = state(conn)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "has 40,000.00 left to pay" in dialog.refusal().replace("₸", "")
    assert state(conn) == before


# --- attachments ---------------------------------------------------------------------------


@pytest.fixture
def no_windows_left(qtbot: QtBot):  # type: ignore[no-untyped-def]
    yield
    for window in list(attachment_viewer._open) + list(pdf_viewer._open):
        window.close()


def test_attachments_are_shown_inside_the_program(
    qtbot: QtBot, village: Village, message_boxes, monkeypatch: pytest.MonkeyPatch, no_windows_left
) -> None:  # type: ignore[no-untyped-def]
    files = [("quote.pdf", _pdf_bytes()), ("photo.png", _png_bytes()), ("table.xlsx", b"PK\3\4")]
    spending.draft(
        village.ledger,
        village.user("clerk"),
        village.party(SHOP),
        "ROADS",
        "GENERAL",
        10_000_00,
        "Paint",
        files,
    )
    page = _page(qtbot, village.context("clerk"))
    detail = page.detail
    assert detail.files.count() == 3
    detail.files.setCurrentRow(0)
    viewer = detail.view_attachment()
    if pdf_viewer.qtpdf_available():
        assert isinstance(viewer, pdf_viewer.PdfViewer) and viewer.loaded()
    detail.files.setCurrentRow(1)
    picture = detail.view_attachment()
    assert isinstance(picture, attachment_viewer.PictureViewer)
    assert picture.pixmap.width() == 40
    saved: list[tuple[str, bytes]] = []
    monkeypatch.setattr(
        attachment_viewer, "save_copy", lambda _parent, name, data: saved.append((name, data))
    )
    from PySide6.QtWidgets import QMessageBox

    message_boxes.answer = QMessageBox.StandardButton.Yes
    detail.files.setCurrentRow(2)
    assert detail.view_attachment() is None
    assert "table.xlsx" in message_boxes.texts()[-1]
    assert saved == [("table.xlsx", b"PK\3\4")]
