"""The donations page (issue 9): the year's gifts in words, the clerk's record dialog (cash
and in kind, the voluntary statement typed or scanned, the flag shown before saving), the
chair's acknowledgement by resolution, and what members and auditors may not do; the core's
refusals shown as is with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from _helpers import state
from council_village import PASSWORD, ROAD_FIRM, SHOP, Village, open_village
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import attachment_viewer
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.donation_dialogs import AcknowledgeDialog, AddDonationDialog
from ruralcouncil.gui.donations_model import (
    AMOUNT,
    COLUMN_TITLES,
    DESTINATION,
    DONOR,
    DONOR_TYPE,
    GIFT,
    STATUS,
    DonationsModel,
)
from ruralcouncil.gui.donations_page import DonationsPage
from ruralcouncil.gui.parties_page import AddPartyDialog
from ruralcouncil.ledger import catalog, donations, meetings, spending, users
from ruralcouncil.ledger.donations import Donation
from ruralcouncil.ledger.errors import LedgerError, PermissionDenied
from ruralcouncil.ledger.money import format_amount

TODAY = date.today()
VOLUNTARY = "I give this of my own free will; nobody asked me to."
SCHOOL_FUND = "SCHOOL-GIFT"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _request_to_road_firm(village: Village) -> int:
    """Business with the akim: a spending request to the road firm, drafted today."""
    return spending.draft(
        village.ledger,
        village.user("clerk"),
        village.party(ROAD_FIRM),
        "ROADS",
        "GENERAL",
        200_000_00,
        "Gravel for Abai street",
    )


def _give(village: Village, party: str, amount: int, **kw: object) -> int:
    return donations.add(  # type: ignore[arg-type]
        village.ledger, village.user("clerk"), village.party(party), amount, VOLUNTARY, **kw
    )


def _resolve(village: Village, subject: str) -> str:
    """A resolution about ``subject`` passed today by all three and confirmed by Dana."""
    chair = village.user("chair")
    present = ["chair", "dana", "erlan"]
    meeting = meetings.open_meeting(village.ledger, chair, TODAY, present)
    ref = meetings.add_resolution(village.ledger, chair, meeting, subject, "Accepted", present)
    meetings.confirm(village.ledger, village.user("dana"), ref)
    return ref


def _texts(model: DonationsModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _page(qtbot: QtBot, context: AppContext) -> DonationsPage:
    page = DonationsPage(context)
    qtbot.addWidget(page)
    return page


def _general_fund_name(village: Village) -> str:
    return next(f.name() for f in catalog.funds(village.ledger.conn) if f.code == "GENERAL")


def _school_fund(village: Village) -> None:
    catalog.add_fund(
        village.ledger,
        village.user("admin"),
        SCHOOL_FUND,
        restricted=True,
        name_en="School computer class",
    )


def _only(village: Village) -> Donation:
    [donation] = donations.donations(village.ledger.conn)
    return donation


# --- the model, without a view ----------------------------------------------------------------


def test_the_model_names_donors_and_shows_what_is_held(qtmodeltester, village: Village) -> None:  # type: ignore[no-untyped-def]
    _request_to_road_firm(village)
    _give(village, SHOP, 50_000_00, anonymous=True)
    _give(village, ROAD_FIRM, 100_000_00)  # flagged: its money is held
    _give(
        village,
        SHOP,
        30_000_00,
        in_kind="10 bags of cement",
        valued_by="the school's bookkeeper",
        donor_type="resident",
    )
    model = DonationsModel(village.context("clerk"))
    model.set_year(TODAY.year)
    qtmodeltester.check(model)
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == [
        "№",
        "Date",
        "Donor",
        "Kind of donor",
        "Cash or in kind",
        "Fund or project",
        "Amount",
        "Status",
    ]
    assert len(titles) == len(COLUMN_TITLES)
    # The council sees the real name, marked when the donor asked to stay anonymous.
    assert _texts(model, DONOR) == [f"{SHOP} (anonymous in public reports)", ROAD_FIRM, SHOP]
    assert _texts(model, DONOR_TYPE) == ["Entrepreneur", "Entrepreneur", "Resident"]
    assert _texts(model, GIFT) == ["Cash", "Cash", "In kind: 10 bags of cement"]
    assert _texts(model, DESTINATION) == [_general_fund_name(village)] * 3
    assert _texts(model, AMOUNT) == [format_amount(a) for a in (50_000_00, 100_000_00, 30_000_00)]
    assert _texts(model, STATUS) == ["Received", "Held until acknowledged", "Received"]
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.data(model.index(0, AMOUNT), Qt.ItemDataRole.TextAlignmentRole) == right
    # The flagged row is painted apart, with a warning beside its status; the others not.
    backgrounds = [
        model.data(model.index(r, DONOR), Qt.ItemDataRole.BackgroundRole) for r in range(3)
    ]
    assert backgrounds[0] is None and backgrounds[2] is None and backgrounds[1] is not None
    icons = [model.data(model.index(r, STATUS), Qt.ItemDataRole.DecorationRole) for r in range(3)]
    assert icons[0] is None and icons[1] is not None and not icons[1].isNull()
    reasons = model.data(model.index(1, STATUS), Qt.ItemDataRole.ToolTipRole)
    assert "spending request" in reasons and "business with the akim" in reasons

    totals = model.totals()
    assert (totals.count, totals.cash, totals.in_kind) == (3, 150_000_00, 30_000_00)
    assert (totals.held, totals.waiting) == (100_000_00, 1)

    model.set_search("cement")
    assert _texts(model, DONOR) == [SHOP]
    model.set_search("zhol HELD")  # every word, in any column, any case
    assert _texts(model, DONOR) == [ROAD_FIRM]
    model.set_search("anonymous")
    assert model.rowCount() == 1
    model.set_search("no such thing")
    assert model.rowCount() == 0
    model.set_search("")
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    model.set_year(TODAY.year - 1)
    assert model.rowCount() == 0


def test_sorting_keeps_the_donation_under_the_selection(qtbot: QtBot, village: Village) -> None:
    first = _give(village, SHOP, 90_000_00)
    second = _give(village, ROAD_FIRM, 10_000_00)
    page = _page(qtbot, village.context("clerk"))
    assert page.select_donation(first)
    page.table.sortByColumn(AMOUNT, Qt.SortOrder.AscendingOrder)
    assert [d.id for d in page.model.rows] == [second, first]
    selected = page.selected_donation()
    assert selected is not None and selected.id == first
    page.search.setText("Bereke")  # the search keeps the order chosen
    assert [d.id for d in page.model.rows] == [first]


# --- the page: year, search, detail -----------------------------------------------------------


def test_the_year_and_the_search_narrow_the_table(qtbot: QtBot, village: Village) -> None:
    _give(village, SHOP, 20_000_00, contact="+7 701 555 12 34")
    _give(village, ROAD_FIRM, 35_000_00)
    last_year = date(TODAY.year - 1, 6, 1)
    _give(village, SHOP, 5_000_00, in_kind="Paint", valued_by="the shop", on=last_year)
    page = _page(qtbot, village.context("dana"))  # a member reads it all
    years = [page.year_box.itemData(i) for i in range(page.year_box.count())]
    assert years == [TODAY.year, TODAY.year - 1] and page.year() == TODAY.year
    assert page.model.rowCount() == 2
    assert page.summary.text().startswith(f"{TODAY.year}: 2 gifts,")
    page.search.setText("zhol")
    assert _texts(page.model, DONOR) == [ROAD_FIRM]
    assert "Shown: 1 of 2." in page.summary.text()
    assert page.detail.heading.text().startswith("Donation №2 — Zhol LLP")
    page.search.setText("nobody gave this")
    assert page.model.rowCount() == 0
    assert page.detail.heading.text() == f"No donation of {TODAY.year} matches «nobody gave this»."
    page.search.clear()
    page.set_year(TODAY.year - 1)
    assert _texts(page.model, GIFT) == ["In kind: Paint"]
    assert page.detail.amount.text() == f"{format_amount(5_000_00)}, valued by the shop"


def test_the_detail_says_everything_the_council_knows(
    qtbot: QtBot, village: Village, monkeypatch: pytest.MonkeyPatch
) -> None:
    _request_to_road_firm(village)
    scan = b"%PDF-1.4\n% the donor's signed statement\n"
    gift = _give(
        village,
        ROAD_FIRM,
        100_000_00,
        anonymous=True,
        contact="Director, +7 702 111 22 33",
        statement=("signed-statement.pdf", scan),
    )
    page = _page(qtbot, village.context("clerk"))
    assert page.select_donation(gift)
    detail = page.detail
    assert detail.heading.text() == f"Donation №{gift} — {ROAD_FIRM}: Held until acknowledged"
    assert detail.donor.text() == f"{ROAD_FIRM} (party №{village.party(ROAD_FIRM)} in the register)"
    assert detail.public_name.text() == "«Anonymous donor»: the donor asked to stay anonymous"
    assert detail.contact.text() == "Director, +7 702 111 22 33"  # private: shown only here
    assert detail.voluntary.text() == VOLUNTARY
    assert detail.gift.text() == f"Cash, received as entry {_only(village).entry}"
    safeguard = detail.safeguard.text()
    assert safeguard.startswith("The donor does business with the akim:\n• spending request 1")
    assert safeguard.endswith(
        "Its money is held: the fund cannot spend it until the council acknowledges the gift "
        f"by a resolution about donation:{gift}."
    )
    assert detail.scan.text() == "Signed scan: signed-statement.pdf"
    assert detail.save_button.isEnabled()
    saved: list[tuple[str, bytes]] = []
    monkeypatch.setattr(
        attachment_viewer, "save_copy", lambda _parent, name, data: saved.append((name, data))
    )
    detail.save_statement()
    assert saved == [("signed-statement.pdf", scan)]


# --- the clerk records ------------------------------------------------------------------------


def test_the_clerk_records_a_cash_gift_and_one_in_kind(
    qtbot: QtBot, village: Village, tmp_path: Path, dialogs
) -> None:  # type: ignore[no-untyped-def]
    _school_fund(village)
    page = _page(qtbot, village.context("clerk"))
    assert not page.record_button.isHidden() and page.acknowledge_button.isHidden()

    def cash(dialog: QDialog) -> None:
        assert isinstance(dialog, AddDonationDialog)
        dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
        assert dialog.donor_type.currentData() == "entrepreneur"  # from the register
        dialog.account.setCurrentIndex(dialog.account.findData("CASH"))
        dialog.amount.setText("75 000")
        dialog.voluntary.setPlainText(VOLUNTARY)
        dialog.anonymous.setChecked(True)
        dialog.contact.setText("+7 701 555 12 34")
        dialog.accept()

    dialogs.fill = cash
    assert page.record_donation(), dialogs.shown[-1].refusal()
    gift = _only(village)
    assert (gift.amount, gift.fund, gift.cash, gift.anonymous) == (75_000_00, "GENERAL", True, True)
    assert (gift.voluntary, gift.contact, gift.flagged) == (VOLUNTARY, "+7 701 555 12 34", False)
    assert gift.entry is not None and gift.statement_name is None
    assert page.status.text() == f"Donation №{gift.id} was recorded."
    selected = page.selected_donation()
    assert selected is not None and selected.id == gift.id

    scan = tmp_path / "statement.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n a scanned, signed page")

    def in_kind(dialog: QDialog) -> None:
        assert isinstance(dialog, AddDonationDialog)
        dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
        dialog.donor_type.setCurrentIndex(dialog.donor_type.findData("native"))
        dialog.in_kind.setChecked(True)
        assert dialog.amount_label.text() == "Its value (₸)"
        dialog.what.setPlainText("20 bags of cement")
        dialog.valued_by.setText("the school's bookkeeper")
        dialog.amount.setText("40 000")
        dialog.earmarked.setChecked(True)
        dialog.fund.setCurrentIndex(dialog.fund.findData(SCHOOL_FUND))
        dialog.set_statement(scan)  # the signed scan says it: no typed statement
        dialog.accept()

    dialogs.fill = in_kind
    assert page.record_donation(), dialogs.shown[-1].refusal()
    given = donations.donations(village.ledger.conn)[-1]
    assert (given.in_kind, given.valued_by, given.amount) == (
        "20 bags of cement",
        "the school's bookkeeper",
        40_000_00,
    )
    assert (given.fund, given.entry, given.voluntary) == (SCHOOL_FUND, None, "")
    assert given.donor_type.value == "native"
    assert donations.statement_data(village.ledger.conn, given.id) == (
        "statement.png",
        scan.read_bytes(),
    )
    assert _texts(page.model, GIFT) == ["Cash", "In kind: 20 bags of cement"]
    assert _texts(page.model, DESTINATION)[1] == "School computer class"
    assert page.detail.scan.text() == "Signed scan: statement.png"


def test_a_gift_without_a_voluntary_statement_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village
) -> None:
    conn = village.ledger.conn
    _give(village, SHOP, 10_000_00)  # with a statement the core accepts a gift...
    try:  # ...and without one it refuses, in these words (the command line prints them)
        donations.add(village.ledger, village.user("clerk"), village.party(SHOP), 10_000_00, "")
    except LedgerError as exc:
        core_says = str(exc)
    before, gifts = state(conn), donations.donations(conn)
    dialog = AddDonationDialog(village.context("clerk"))
    qtbot.addWidget(dialog)
    dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
    dialog.amount.setText("10 000")
    dialog.voluntary.setPlainText("   ")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == core_says
    assert "statement that it is voluntary" in core_says
    assert state(conn) == before and donations.donations(conn) == gifts
    assert dialog.amount.text() == "10 000"  # what was typed is kept

    dialog.in_kind.setChecked(True)  # in kind, but nothing said of what was given
    dialog.voluntary.setPlainText(VOLUNTARY)
    dialog.accept()
    assert dialog.refusal() == "Say what was given in kind."
    dialog.what.setPlainText("A door")  # and nobody valued it: the core refuses
    dialog.accept()
    assert dialog.refusal() == "Refused: a gift in kind needs who valued it (--valued-by)."
    assert state(conn) == before and donations.donations(conn) == gifts


def test_the_flag_shows_before_saving_and_the_gift_is_held(
    qtbot: QtBot, village: Village, dialogs
) -> None:  # type: ignore[no-untyped-def]
    request_id = _request_to_road_firm(village)
    page = _page(qtbot, village.context("clerk"))
    notes: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AddDonationDialog)
        assert dialog.flag_note.isHidden()  # no donor chosen yet
        dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
        notes.append(dialog.flag_note.text())
        dialog.party.setCurrentIndex(dialog.party.findText(ROAD_FIRM))
        assert not dialog.flag_note.isHidden()
        notes.append(dialog.flag_note.text())
        dialog.date.setDate(TODAY - timedelta(days=1))  # before the request was drafted
        notes.append(dialog.flag_note.text())
        dialog.date.setDate(TODAY)
        dialog.amount.setText("100 000")
        dialog.voluntary.setPlainText(VOLUNTARY)
        dialog.accept()

    dialogs.fill = fill
    assert page.record_donation(), dialogs.shown[-1].refusal()
    clear = "The donor has no business with the akim: the gift will not be flagged."
    reasons = donations.business_with_akim(village.ledger.conn, village.party(ROAD_FIRM), TODAY)
    assert len(reasons) == 1 and f"spending request {request_id} to them" in reasons[0]
    assert notes[0] == clear and notes[2] == clear
    assert notes[1] == (
        f"The donor does business with the akim:\n• {reasons[0]}\n"
        "The gift will be flagged and its money held: its fund cannot spend it until the "
        "council acknowledges the gift by resolution."
    )
    gift = _only(village)
    assert gift.flagged and gift.held and gift.flag_reason == reasons[0]
    assert page.status.text() == (
        f"Donation №{gift.id} was recorded. It is flagged: its money is held until the "
        "council acknowledges it by resolution."
    )
    assert _texts(page.model, STATUS) == ["Held until acknowledged"]
    assert "1 flagged gift awaits the council's acknowledgement" in page.summary.text()


def test_a_new_donor_is_added_from_the_dialog(qtbot: QtBot, village: Village, dialogs) -> None:  # type: ignore[no-untyped-def]
    dialog = AddDonationDialog(village.context("clerk"))
    qtbot.addWidget(dialog)

    def add(party_dialog: QDialog) -> None:
        assert isinstance(party_dialog, AddPartyDialog)
        party_dialog.name.setText("Askar Musabekov")
        party_dialog.kind.setCurrentIndex(party_dialog.kind.findData("person"))
        party_dialog.accept()

    dialogs.fill = add
    party_id = dialog.add_party()
    assert party_id is not None and dialog.party_id() == party_id
    assert dialog.party.currentText() == "Askar Musabekov"
    assert dialog.donor_type.currentData() == "resident"  # a person in the register
    assert dialog.party.findText(ROAD_FIRM) >= 0  # the register is all there still


# --- the chair acknowledges -------------------------------------------------------------------


def test_the_chair_acknowledges_a_flagged_gift_by_resolution(
    qtbot: QtBot, village: Village, dialogs
) -> None:  # type: ignore[no-untyped-def]
    _request_to_road_firm(village)
    plain = _give(village, SHOP, 10_000_00)
    flagged = _give(village, ROAD_FIRM, 100_000_00)
    ref = _resolve(village, f"donation:{flagged}")
    page = _page(qtbot, village.context("chair"))
    assert page.record_button.isHidden() and not page.acknowledge_button.isHidden()
    assert page.select_donation(plain) and not page.acknowledge_button.isEnabled()
    assert page.select_donation(flagged) and page.acknowledge_button.isEnabled()

    def acknowledge(dialog: QDialog) -> None:
        assert isinstance(dialog, AcknowledgeDialog)
        assert dialog.chosen_ref() == ref  # the resolution ready for it, chosen
        assert dialog.ready_note.isHidden()
        dialog.accept()

    dialogs.fill = acknowledge
    assert page.acknowledge(), dialogs.shown[-1].refusal()
    gift = donations.get(village.ledger.conn, flagged)
    assert gift.acknowledged_by == ref and not gift.held
    assert _texts(page.model, STATUS) == ["Received", f"Acknowledged by {ref}"]
    assert page.status.text() == (
        f"Donation №{flagged} was acknowledged by resolution {ref}; its money may be spent."
    )
    assert not page.acknowledge_button.isEnabled()
    row = page.model.row_of(flagged)
    background = page.model.data(page.model.index(row, DONOR), Qt.ItemDataRole.BackgroundRole)
    assert background is None  # nothing left for the council to decide
    assert f"acknowledged the gift by resolution {ref}" in page.detail.safeguard.text()


def test_a_typed_resolution_the_core_refuses_writes_nothing(qtbot: QtBot, village: Village) -> None:
    _request_to_road_firm(village)
    flagged = _give(village, ROAD_FIRM, 100_000_00)
    other = _resolve(village, "other")  # passed and confirmed, but about something else
    conn = village.ledger.conn
    try:
        donations.acknowledge(village.ledger, village.user("chair"), flagged, other)
    except LedgerError as exc:
        core_says = str(exc)
    before = state(conn)
    dialog = AcknowledgeDialog(village.context("chair"), donations.get(conn, flagged))
    qtbot.addWidget(dialog)
    assert dialog.resolution.count() == 0 and not dialog.ready_note.isHidden()
    assert f"No resolution about donation:{flagged} is ready" in dialog.ready_note.text()
    dialog.resolution.setEditText(f" {other} ")
    assert dialog.chosen_ref() == other
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == core_says and f"donation:{flagged}" in core_says
    assert state(conn) == before
    assert donations.get(conn, flagged).acknowledged_by is None


# --- who may do what --------------------------------------------------------------------------


def test_members_and_auditors_see_no_write_buttons_and_the_core_refuses(
    qtbot: QtBot, village: Village
) -> None:
    _request_to_road_firm(village)
    flagged = _give(village, ROAD_FIRM, 100_000_00)
    users.add_user(village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra")
    conn = village.ledger.conn
    before = state(conn)
    for name in ("dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert page.record_button.isHidden() and page.acknowledge_button.isHidden()
        assert page.model.rowCount() == 1  # they read the register all the same
        assert page.select_donation(flagged)
        assert page.detail.contact.text() == "none given"
        user = village.user(name)
        with pytest.raises(PermissionDenied) as refused:
            donations.add(village.ledger, user, village.party(SHOP), 1_000_00, VOLUNTARY)
        with pytest.raises(PermissionDenied):
            donations.acknowledge(village.ledger, user, flagged, "2026/1")
        # The dialog itself, were it reached, shows the core's refusal and writes nothing.
        dialog = AddDonationDialog(village.context(name))
        qtbot.addWidget(dialog)
        dialog.party.setCurrentIndex(dialog.party.findText(SHOP))
        dialog.amount.setText("1 000")
        dialog.voluntary.setPlainText(VOLUNTARY)
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.refusal() == str(refused.value)
        assert dialog.refusal().startswith(f"{name} (")
    clerk = _page(qtbot, village.context("clerk"))
    assert clerk.acknowledge_button.isHidden()
    with pytest.raises(PermissionDenied):
        donations.acknowledge(village.ledger, village.user("clerk"), flagged, "2026/1")
    assert state(conn) == before and len(donations.donations(conn)) == 1
