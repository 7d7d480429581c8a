"""The property and leases page (issue 10): the register and the leases as the core reads
them (box 9 at 31 December, each lease's rent due, paid and in arrears at a day chosen); the
clerk adds an asset, lets it and records rent through the dialogs and the figures shown are
``assets.arrears``; disposing of an asset takes it out of box 9; rent beyond the lease's
whole term and a write by a role without the right are refused in the core's words with
nothing written; the arrears list made from the page; no write button for those who may not
write."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _helpers import state
from council_village import PASSWORD, ROAD_FIRM, SHOP, Village, open_village
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import pdf_viewer
from ruralcouncil.gui.asset_dialogs import AddAssetDialog, DisposeDialog, LeaseDialog, RentDialog
from ruralcouncil.gui.assets_page import (
    ACQUIRED,
    ASSET_COLUMNS,
    DISPOSED,
    DUE,
    ENDS,
    IN_ARREARS,
    KIND,
    LEASE_COLUMNS,
    LOCATION,
    NAME,
    NUMBER,
    PAID,
    RENT,
    SIZE,
    STARTS,
    TENANT,
    VALUE,
    VALUED_HOW,
    AssetsModel,
    AssetsPage,
    LeasesModel,
)
from ruralcouncil.gui.council_forms import typed_amount
from ruralcouncil.ledger import assets, journal, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.reports.arrears import render_arrears

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
YEAR_END = f"{TODAY.year}-12-31"
# A year's lease that began four months ago (rent falls due on the first day of each month).
START = TODAY - timedelta(days=120)
END = START + timedelta(days=364)
RENT_TIYN = 10_000_00


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Village]:
    yield from open_village(tmp_path)


def _register(village: Village) -> dict[str, int]:
    """Three assets; the tractor disposed of today (so not held at 31 December)."""
    clerk = village.user("clerk")
    found = {
        "school": assets.add_asset(
            village.ledger,
            clerk,
            "Бұрынғы мектеп ғимараты",
            "property",
            12_500_000_00,
            location="Абай көшесі, 1",
            size="320 м²",
            acquired=date(2015, 6, 1),
            valued_how="Әкімдік комиссиясы",
        ),
        "meadow": assets.add_asset(
            village.ledger, clerk, "Шабындық", "natural", 1_800_000_00, size="12 га"
        ),
        "tractor": assets.add_asset(
            village.ledger, clerk, "Трактор МТЗ-80", "property", 900_000_00
        ),
    }
    assets.dispose(village.ledger, clerk, found["tractor"], "Аукционда сатылды")
    return found


def _lease(village: Village, asset: int, party: str = SHOP, per: str = "month") -> int:
    return assets.add_lease(
        village.ledger,
        village.user("clerk"),
        asset,
        village.party(party),
        RENT_TIYN,
        per,
        START,
        END,
    )


def _rent(village: Village, lease: int, amount: int, on: date = TODAY) -> int:
    code = assets.get_lease(village.ledger.conn, lease).rent_code
    return journal.record(
        village.ledger,
        village.user("clerk"),
        NewEntry(on, EntryType.RECEIPT, amount, code),
        register=RegisterLink(lease_id=lease),
    )


def _page(qtbot: QtBot, context: Any) -> AssetsPage:
    page = AssetsPage(context)
    qtbot.addWidget(page)
    return page


def _column(model: AssetsModel | LeasesModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _headers(model: AssetsModel | LeasesModel) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _shown_figures(page: AssetsPage) -> dict[int, tuple[str, str, str]]:
    model = page.leases_model
    return {
        model.lease_at(r).id: tuple(  # type: ignore[union-attr,misc]
            model.data(model.index(r, c)) for c in (DUE, PAID, IN_ARREARS)
        )
        for r in range(model.rowCount())
    }


def _core_figures(village: Village, on: str) -> dict[int, tuple[str, str, str]]:
    return {
        a.lease.id: (format_amount(a.due), format_amount(a.paid), format_amount(a.arrears))
        for a in assets.arrears(village.ledger.conn, on)
    }


# --- the models, without a view ----------------------------------------------------------


def test_the_register_model_holds_the_cores_assets(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village
) -> None:
    found = _register(village)
    model = AssetsModel()
    core = assets.assets(village.ledger.conn)
    model.set_assets(core, YEAR_END)
    qtmodeltester.check(model)
    assert _headers(model) == [
        "Asset",
        "Kind",
        "Location",
        "Size",
        "Acquired",
        "Value",
        "How valued",
        "Disposed of",
    ]
    assert len(ASSET_COLUMNS) == model.columnCount()
    assert _column(model, NAME) == [a.name for a in core]
    assert _column(model, NAME) == ["Бұрынғы мектеп ғимараты", "Шабындық", "Трактор МТЗ-80"]
    assert _column(model, KIND) == ["Property", "Natural resource", "Property"]
    assert _column(model, LOCATION) == ["Абай көшесі, 1", "", ""]
    assert _column(model, SIZE) == ["320 м²", "12 га", ""]
    assert _column(model, ACQUIRED) == [shown_date("2015-06-01"), "", ""]
    assert _column(model, VALUE) == [format_amount(a.value) for a in core]
    assert _column(model, VALUED_HOW) == ["Әкімдік комиссиясы", "", ""]
    assert _column(model, DISPOSED) == ["", "", shown_date(TODAY)]
    # The asset not held at 31 December is greyed; its disposal said in full.
    tractor = model.row_of(found["tractor"])
    assert model.data(model.index(tractor, NAME), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, NAME), Qt.ItemDataRole.ForegroundRole) is None
    tip = model.data(model.index(tractor, DISPOSED), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"Disposed of on {shown_date(TODAY)}: Аукционда сатылды"
    # The search, whatever the case, in any column.
    model.set_search("ШАБЫН")
    assert _column(model, NAME) == ["Шабындық"]
    model.set_search("property")
    assert _column(model, NAME) == ["Бұрынғы мектеп ғимараты", "Трактор МТЗ-80"]
    model.set_search("нет такого")
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_the_leases_model_holds_the_cores_arrears(  # type: ignore[no-untyped-def]
    qtmodeltester, village: Village
) -> None:
    found = _register(village)
    paid_up = _lease(village, found["school"], SHOP)
    owing = _lease(village, found["meadow"], ROAD_FIRM, "quarter")
    due_now = assets.get_lease(village.ledger.conn, paid_up).due_on(TODAY.isoformat())
    _rent(village, paid_up, due_now)
    _rent(village, owing, 1_000_00)
    # A lease that begins after the day: no figures yet.
    later = assets.add_asset(village.ledger, village.user("clerk"), "Қамыс", "natural", 0)
    begins = assets.add_lease(
        village.ledger,
        village.user("clerk"),
        later,
        village.party(SHOP),
        5_000_00,
        "year",
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=30),
    )
    conn = village.ledger.conn
    on = TODAY.isoformat()
    model = LeasesModel()
    model.set_leases(assets.leases(conn), assets.arrears(conn, on), on)
    qtmodeltester.check(model)
    assert _headers(model) == [
        "№",
        "Asset",
        "Tenant",
        "Rent per period",
        "From",
        "To",
        "Due",
        "Paid",
        "In arrears",
    ]
    assert len(LEASE_COLUMNS) == model.columnCount()
    leases = assets.leases(conn)
    assert _column(model, NUMBER) == [str(x.id) for x in leases]
    assert _column(model, TENANT) == [x.tenant for x in leases]
    assert _column(model, STARTS) == [shown_date(x.starts) for x in leases]
    assert _column(model, ENDS) == [shown_date(x.ends) for x in leases]
    rents = dict(zip(_column(model, NUMBER), _column(model, RENT), strict=True))
    assert rents[str(paid_up)] == f"{format_amount(RENT_TIYN)} a month"
    assert rents[str(owing)] == f"{format_amount(RENT_TIYN)} a quarter"
    core = _core_figures(village, on)
    shown = {
        model.lease_at(r).id: tuple(  # type: ignore[union-attr]
            model.data(model.index(r, c)) for c in (DUE, PAID, IN_ARREARS)
        )
        for r in range(model.rowCount())
    }
    assert shown == {**core, begins: ("—", "—", "—")}
    arrears = {a.lease.id: a.arrears for a in assets.arrears(conn, on)}
    assert arrears[paid_up] == 0 and arrears[owing] > 0
    # Arrears in red, nothing owed not.
    red = model.data(model.index(model.row_of(owing), IN_ARREARS), Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.red() > 150 and red.green() < 60
    assert (
        model.data(model.index(model.row_of(paid_up), IN_ARREARS), Qt.ItemDataRole.ForegroundRole)
        is None
    )
    assert model.total_arrears() == sum(arrears.values())
    model.set_search("zhol")  # the tenant of the lease in arrears
    assert _column(model, NUMBER) == [str(owing)]
    assert model.total_arrears() == sum(arrears.values())  # whatever is shown
    qtmodeltester.check(model)


# --- the clerk's path through the window -------------------------------------------------


def test_the_clerk_adds_lets_and_collects_rent_through_the_dialogs(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    page = _page(qtbot, village.context("clerk"))
    conn = village.ledger.conn
    assert page.leases_model.rowCount() == 0
    assert page.total.text() == "No asset has been let."

    def add(dialog: QDialog) -> None:
        assert isinstance(dialog, AddAssetDialog)
        dialog.name.setText("Жер учаскесі")
        dialog.kind.setCurrentIndex(dialog.kind.findData("land"))
        dialog.location.setText("Орталық көше, 5")
        dialog.size_edit.setText("0,5 га")
        dialog.value.setText("3 000 000")
        dialog.valued_how.setText("Тәуелсіз бағалаушы")
        assert dialog.acquired.text() == ""  # not known unless typed
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = add
    assert page.add_asset()
    [asset] = assets.assets(conn)
    assert (asset.name, asset.kind, asset.location, asset.size, asset.value) == (
        "Жер учаскесі",
        assets.Kind.LAND,
        "Орталық көше, 5",
        "0,5 га",
        3_000_000_00,
    )
    assert (asset.acquired, asset.valued_how) == (None, "Тәуелсіз бағалаушы")
    assert page.selected_asset() == asset
    assert format_amount(3_000_000_00) in page.held.text()

    def let(dialog: QDialog) -> None:
        assert isinstance(dialog, LeaseDialog)
        assert dialog.asset.currentData() == asset.id  # the asset chosen on the page
        dialog.tenant.setCurrentIndex(dialog.tenant.findData(village.party(SHOP)))
        dialog.rent.setText("10 000")
        dialog.per.setCurrentIndex(dialog.per.findData("month"))
        dialog.starts.setDate(START)
        dialog.ends.setDate(END)
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = let
    assert page.let()
    [lease] = assets.leases(conn)
    assert (lease.asset_id, lease.party_id, lease.rent, lease.period) == (
        asset.id,
        village.party(SHOP),
        RENT_TIYN,
        assets.Period.MONTH,
    )
    assert (lease.starts, lease.ends) == (START.isoformat(), END.isoformat())
    assert page.selected_lease() == lease
    [owed] = assets.arrears(conn, TODAY.isoformat())
    assert owed.arrears > 0
    assert _shown_figures(page) == _core_figures(village, TODAY.isoformat())
    assert page.total.text() == (
        f"In arrears at the end of {shown_date(TODAY)}: {format_amount(owed.arrears)}, on 1 lease."
    )

    offered: list[str] = []

    def pay(part: str | None) -> Callable[[QDialog], None]:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, RentDialog)
            assert dialog.lease.currentData() == lease.id  # the lease chosen on the page
            offered.append(dialog.amount.text())
            offered.append(dialog.standing.text())
            if part is not None:
                dialog.amount.setText(part)
            dialog.accept()
            assert dialog.refusal() == ""

        return fill

    dialogs.fill = pay("10 000")
    assert page.record_rent()
    # What was offered: the arrears at the receipt's day, as the core counts them.
    assert offered[0] == typed_amount(owed.arrears)
    assert format_amount(owed.due) in offered[1] and "RENT-PROPERTY" in offered[1]
    [after] = assets.arrears(conn, TODAY.isoformat())
    assert after.paid == RENT_TIYN and after.arrears == owed.arrears - RENT_TIYN
    assert _shown_figures(page) == _core_figures(village, TODAY.isoformat())

    dialogs.fill = pay(None)  # the rest, as offered
    assert page.record_rent()
    assert offered[2] == typed_amount(owed.arrears - RENT_TIYN)
    [settled] = assets.arrears(conn, TODAY.isoformat())
    assert (settled.paid, settled.arrears) == (owed.due, 0)
    assert _shown_figures(page) == _core_figures(village, TODAY.isoformat())
    assert page.total.text() == f"Nothing is in arrears at the end of {shown_date(TODAY)}."
    # Each receipt is the lease's rent, in the journal, naming the tenant.
    assert assets.rent_paid(conn, lease.id) == owed.due

    # Another day chosen: the figures follow the core's at that day.
    earlier = START + timedelta(days=40)
    page.on.setDate(earlier)
    page.on.editingFinished.emit()
    assert _shown_figures(page) == _core_figures(village, earlier.isoformat())
    assert page.leases_model.figures[lease.id].paid == 0  # paid today, not by then


def test_disposing_of_an_asset_takes_it_out_of_box_9(  # type: ignore[no-untyped-def]
    qtbot: QtBot, village: Village, dialogs
) -> None:
    found = _register(village)
    conn = village.ledger.conn
    page = _page(qtbot, village.context("clerk"))
    held = assets.value_held(conn, YEAR_END)
    assert held == 12_500_000_00 + 1_800_000_00  # the tractor went today
    assert page.held.text() == (
        f"Held at 31 December {TODAY.year}: 2 assets, worth {format_amount(held)} in the "
        "register. This is box 9 of the annual return."
    )
    assert page.select_asset(found["tractor"])
    assert not page.dispose_button.isEnabled()  # disposed of already
    assert page.select_asset(found["meadow"])
    assert page.dispose_button.isEnabled()

    def dispose(dialog: QDialog) -> None:
        assert isinstance(dialog, DisposeDialog)
        assert dialog.asset.id == found["meadow"]
        dialog.reason.setPlainText("Ауданға берілді")
        dialog.accept()
        assert dialog.refusal() == ""

    dialogs.fill = dispose
    assert page.dispose()
    meadow = assets.get_asset(conn, found["meadow"])
    assert (meadow.disposed_on, meadow.disposal_reason) == (TODAY.isoformat(), "Ауданға берілді")
    after = assets.value_held(conn, YEAR_END)
    assert after == held - 1_800_000_00 == 12_500_000_00
    assert format_amount(after) in page.held.text() and "1 asset," in page.held.text()
    row = page.assets_model.row_of(found["meadow"])
    model = page.assets_model
    assert model.data(model.index(row, DISPOSED)) == shown_date(TODAY)
    assert model.data(model.index(row, NAME), Qt.ItemDataRole.ForegroundRole) is not None
    assert not page.dispose_button.isEnabled()
    # Last year's box 9 still counts it.
    page.set_year(TODAY.year - 1)
    assert format_amount(assets.value_held(conn, f"{TODAY.year - 1}-12-31")) in page.held.text()
    assert assets.value_held(conn, f"{TODAY.year - 1}-12-31") == 15_200_000_00


# --- refusals ----------------------------------------------------------------------------


def test_rent_beyond_the_leases_term_is_refused_and_nothing_written(
    qtbot: QtBot, village: Village
) -> None:
    found = _register(village)
    lease = _lease(village, found["school"])
    total = assets.get_lease(village.ledger.conn, lease).total
    assert total == 12 * RENT_TIYN
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        _rent(village, lease, total + 1)
    assert state(conn) == before
    dialog = RentDialog(village.context("clerk"), lease)
    qtbot.addWidget(dialog)
    dialog.amount.setText(typed_amount(total + 1))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert f"has {format_amount(total)} of rent left over its whole term" in dialog.refusal()
    assert state(conn) == before
    assert assets.rent_paid(conn, lease) == 0
    # The whole term's rent is taken.
    dialog.amount.setText(typed_amount(total))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.refusal()
    assert assets.rent_paid(conn, lease) == total


def test_an_overlapping_lease_is_refused_in_the_cores_words(qtbot: QtBot, village: Village) -> None:
    found = _register(village)
    _lease(village, found["school"])
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(InvalidInput) as refused:
        assets.add_lease(
            village.ledger,
            village.user("clerk"),
            found["school"],
            village.party(ROAD_FIRM),
            5_000_00,
            "year",
            END,
            END + timedelta(days=10),
        )
    dialog = LeaseDialog(village.context("clerk"), found["school"])
    qtbot.addWidget(dialog)
    dialog.tenant.setCurrentIndex(dialog.tenant.findData(village.party(ROAD_FIRM)))
    dialog.rent.setText("5 000")
    dialog.per.setCurrentIndex(dialog.per.findData("year"))
    dialog.starts.setDate(END)
    dialog.ends.setDate(END + timedelta(days=10))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "is already let to Bereke shop" in dialog.refusal()
    assert state(conn) == before


def test_a_role_without_the_right_is_refused_by_the_core(qtbot: QtBot, village: Village) -> None:
    chair = village.context("chair")
    conn = village.ledger.conn
    before = state(conn)
    with pytest.raises(PermissionDenied) as refused:
        assets.add_asset(village.ledger, chair.user, "Көпір", "property", 1_00)
    dialog = AddAssetDialog(chair)
    qtbot.addWidget(dialog)
    dialog.name.setText("Көпір")
    dialog.value.setText("1")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.refusal() == str(refused.value)
    assert "may not keep the register" in dialog.refusal()
    assert state(conn) == before and assets.assets(conn) == []


# --- the printed list --------------------------------------------------------------------


def test_the_arrears_list_is_made_for_the_day_chosen(
    qtbot: QtBot, village: Village, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    found = _register(village)
    lease = _lease(village, found["school"])
    _rent(village, lease, 1_000_00)
    made: list[tuple[str, str]] = []

    def preview(context: Any, render: Any, file_name: str, title: str, *a: Any, **k: Any) -> None:
        path = tmp_path / file_name
        pdf = render(context.ledger, path)
        made.append((pdf.code, title))

    monkeypatch.setattr(pdf_viewer, "preview_report", preview)
    page = _page(qtbot, village.context("dana"))  # anyone may print it
    assert not page.arrears_button.isHidden() and page.arrears_button.isEnabled()
    chosen = START + timedelta(days=70)
    page.on.setDate(chosen)
    page.on.editingFinished.emit()
    page.print_arrears()
    [(code, title)] = made
    assert title == f"Rent in arrears at {shown_date(chosen)}"
    assert code.startswith(f"RA{chosen.isoformat().replace('-', '')}-")
    expected = render_arrears(village.ledger, chosen.isoformat(), tmp_path / "same.pdf")
    assert code == expected.code


# --- who sees what -----------------------------------------------------------------------


_WRITE_BUTTONS = ("add_button", "dispose_button", "let_button", "rent_button")


def _buttons(page: AssetsPage) -> dict[str, bool]:
    return {name: not getattr(page, name).isHidden() for name in _WRITE_BUTTONS}


def test_the_buttons_follow_the_role(qtbot: QtBot, village: Village) -> None:
    found = _register(village)
    _lease(village, found["school"])
    users.add_user(
        village.ledger, village.user("admin"), "audra", "auditor", PASSWORD, "Audra Auditor"
    )
    clerk = _page(qtbot, village.context("clerk"))
    assert _buttons(clerk) == dict.fromkeys(_WRITE_BUTTONS, True)
    for name in ("chair", "dana", "audra"):
        page = _page(qtbot, village.context(name))
        assert not any(_buttons(page).values()), name
        assert not page.arrears_button.isHidden()
        # They still read everything.
        assert page.assets_model.rowCount() == 3 and page.leases_model.rowCount() == 1


def test_reportlab_and_pyqtgraph_are_not_imported_with_the_pages() -> None:
    script = textwrap.dedent(
        """
        import sys
        import ruralcouncil.gui.assets_page, ruralcouncil.gui.asset_dialogs
        import ruralcouncil.gui.fines_page, ruralcouncil.gui.fine_dialogs
        print("pyqtgraph" in sys.modules, "numpy" in sys.modules, "reportlab" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False"]
