"""The window's transfer between funds (issue 8): only as a resolution decided."""

from __future__ import annotations

from datetime import date

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.fund_transfer_dialog import FundTransferDialog
from ruralcouncil.ledger import catalog, journal, meetings, queries, users
from ruralcouncil.ledger.journal import EntryType, NewEntry

PASSWORD = "council-password-1"


def _decided(context: AppContext, subject: str) -> str:
    ledger, admin = context.ledger, context.user
    for name, role in (("chair", "chair"), ("dana", "member")):
        users.add_user(ledger, admin, name, role, PASSWORD)
    chair, dana = (users.login(ledger, n, PASSWORD) for n in ("chair", "dana"))
    meeting = meetings.open_meeting(ledger, chair, date(2026, 3, 1), ["chair", "dana"])
    ref = meetings.add_resolution(ledger, chair, meeting, subject, "Move it", ["chair", "dana"])
    meetings.confirm(ledger, dana, ref)
    return ref


def test_a_transfer_between_funds_follows_its_resolution(qtbot, context: AppContext) -> None:
    ledger = context.ledger
    catalog.add_fund(ledger, context.user, "WELL", restricted=True, name_en="New well")
    journal.record(
        ledger,
        context.user,
        NewEntry(date(2026, 2, 1), EntryType.RECEIPT, 100_000_00, category="TAX-LAND"),
    )
    ref = _decided(context, "fund-transfer:GENERAL:WELL:25000")
    dialog = FundTransferDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.resolution.count() == 1 and dialog.resolution.currentData() == ref
    assert "General fund" in dialog.what.text() and "New well" in dialog.what.text()
    # Dated before the resolution: the core refuses, the dialog stays open, nothing written.
    dialog.date.setDate(date(2026, 2, 20))
    before = queries.last_number(ledger.conn)
    dialog.accept()
    assert "before its resolution" in dialog.refusal()
    assert queries.last_number(ledger.conn) == before
    dialog.date.setDate(date(2026, 3, 2))
    dialog.accept()
    assert dialog.refusal() == "" and dialog.number == before + 1
    # Used once: the next dialog offers nothing, and cannot be saved.
    again = FundTransferDialog(context)
    qtbot.addWidget(again)
    assert again.resolution.count() == 0 and not again.ok_button.isEnabled()
