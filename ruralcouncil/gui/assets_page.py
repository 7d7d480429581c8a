"""Property and leases (DESIGN §2.6, §4.3): the register of the village's property, land and
natural resources, with the value held at 31 December of the chosen year (box 9 of the
annual return), and below it the leases with, at a day the user picks, each one's rent due,
paid and in arrears.

The clerk adds assets, disposes of them, lets them and records the rent; anyone prints the
list of rent in arrears. Each button is shown only to the roles the core allows, and the
core decides again: its refusal is shown in its own words, with nothing written. Every
figure is the core's (``assets.value_held``, ``assets.arrears``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import columns, messages
from ruralcouncil.gui.columns import column_title
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.page_parts import action_button, compact_rows, page_title, select_row
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import N_, _, ngettext
from ruralcouncil.ledger import assets
from ruralcouncil.ledger.assets import KIND_NAMES, Arrears, Asset, Lease, rent_text
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.users import Action

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ARREARS = QColor(183, 28, 28)  # rent owed: red
_NOT_HELD = QColor(110, 110, 110)  # disposed of, or not yet acquired
_OK_STYLE = "color: #1b5e20;"
_ARREARS_STYLE = "color: #b71c1c; font-weight: bold;"
_NOTE_STYLE = "color: #505050;"
ITEM_ROLE = Qt.ItemDataRole.UserRole  # the Asset or Lease itself


def this_year() -> int:
    """The year the page opens on (tests replace this)."""
    return date.today().year


def _found(words: list[str], *texts: str) -> bool:
    haystack = "\n".join(texts).casefold()
    return all(w in haystack for w in words)


# --- the register ------------------------------------------------------------------------

NAME, KIND, LOCATION, SIZE, ACQUIRED, VALUE, VALUED_HOW, DISPOSED = range(8)
ASSET_COLUMNS = {
    NAME: N_("Asset"),
    KIND: N_("Kind"),
    LOCATION: N_("Location"),
    SIZE: N_("Size"),
    ACQUIRED: N_("Acquired"),
    VALUE: N_("Value"),
    VALUED_HOW: N_("How valued"),
    DISPOSED: N_("Disposed of"),
}


class AssetsModel(QAbstractTableModel):
    """The register (``assets.assets``), narrowed by the words searched for; an asset not
    held at the end of ``day`` (31 December of the page's year) is greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[Asset] = []
        self.rows: list[Asset] = []
        self.search = ""
        self.day = f"{this_year()}-12-31"

    def set_assets(self, found: list[Asset], day: str) -> None:
        self.beginResetModel()
        self.all = found
        self.day = day
        self._narrow()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self.beginResetModel()
        self.search = text
        self._narrow()
        self.endResetModel()

    def _narrow(self) -> None:
        words = self.search.casefold().split()
        self.rows = [a for a in self.all if _found(words, *self.texts(a))]

    def texts(self, asset: Asset) -> list[str]:
        """What the search looks in: every column, the number and why it was disposed of."""
        return [
            str(asset.id),
            *(self.text(asset, c) for c in ASSET_COLUMNS),
            asset.disposal_reason,
        ]

    def asset_at(self, row: int) -> Asset | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, asset_id: int) -> int:
        return next((n for n, a in enumerate(self.rows) if a.id == asset_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(ASSET_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(ASSET_COLUMNS, section, orientation, role)

    def text(self, asset: Asset, column: int) -> str:
        if column == NAME:
            return asset.name
        if column == KIND:
            return _(KIND_NAMES[asset.kind])
        if column == LOCATION:
            return asset.location
        if column == SIZE:
            return asset.size
        if column == ACQUIRED:
            return shown_date(asset.acquired) if asset.acquired else ""
        if column == VALUE:
            return format_amount(asset.value)
        if column == VALUED_HOW:
            return asset.valued_how
        return shown_date(asset.disposed_on) if asset.disposed_on else ""

    def tooltip(self, asset: Asset, column: int) -> str | None:
        if column == DISPOSED and asset.disposed_on:
            return _("Disposed of on {day}: {reason}").format(
                day=shown_date(asset.disposed_on), reason=asset.disposal_reason
            )
        if column == VALUE and not asset.held_on(self.day):
            return _("Not held at the end of {day}: not in box 9.").format(day=shown_date(self.day))
        text = self.text(asset, column)
        return text or None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        asset, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(asset, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(asset, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == VALUE:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and not asset.held_on(self.day):
            return _NOT_HELD
        if role == ITEM_ROLE:
            return asset
        return None


# --- the leases --------------------------------------------------------------------------

NUMBER, ASSET, TENANT, RENT, STARTS, ENDS, DUE, PAID, IN_ARREARS = range(9)
LEASE_COLUMNS = {
    NUMBER: N_("№"),
    ASSET: N_("Asset"),
    TENANT: N_("Tenant"),
    RENT: N_("Rent per period"),
    STARTS: N_("From"),
    ENDS: N_("To"),
    DUE: N_("Due"),
    PAID: N_("Paid"),
    IN_ARREARS: N_("In arrears"),
}
_FIGURES = (DUE, PAID, IN_ARREARS)


class LeasesModel(QAbstractTableModel):
    """Every lease (``assets.leases``) with its rent due, paid and in arrears at the end of
    a day (``assets.arrears``); a lease not begun by then has no figures yet."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[Lease] = []
        self.rows: list[Lease] = []
        self.figures: dict[int, Arrears] = {}
        self.on = date.today().isoformat()
        self.search = ""

    def set_leases(self, found: list[Lease], figures: list[Arrears], on: str) -> None:
        self.beginResetModel()
        self.all = found
        self.figures = {a.lease.id: a for a in figures}
        self.on = on
        self._narrow()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self.beginResetModel()
        self.search = text
        self._narrow()
        self.endResetModel()

    def _narrow(self) -> None:
        words = self.search.casefold().split()
        self.rows = [
            x
            for x in self.all
            if _found(words, str(x.id), x.asset, x.tenant, _(KIND_NAMES[x.kind]))
        ]

    def total_arrears(self) -> int:
        """What every lease has in arrears, whatever the search shows."""
        return sum(a.arrears for a in self.figures.values())

    def lease_at(self, row: int) -> Lease | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, lease_id: int) -> int:
        return next((n for n, x in enumerate(self.rows) if x.id == lease_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(LEASE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(LEASE_COLUMNS, section, orientation, role)

    def text(self, lease: Lease, column: int) -> str:
        if column == NUMBER:
            return str(lease.id)
        if column == ASSET:
            return lease.asset
        if column == TENANT:
            return lease.tenant
        if column == RENT:
            return rent_text(lease.rent, lease.period)
        if column == STARTS:
            return shown_date(lease.starts)
        if column == ENDS:
            return shown_date(lease.ends)
        found = self.figures.get(lease.id)
        if found is None:
            return "—"
        return format_amount({DUE: found.due, PAID: found.paid}.get(column, found.arrears))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        lease, column = self.rows[index.row()], index.column()
        found = self.figures.get(lease.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(lease, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in _FIGURES and found is None:
                return _("The lease begins on {day}: nothing is due before it.").format(
                    day=shown_date(lease.starts)
                )
            if column == RENT:
                return _("A {code} receipt; each period's rent falls due on its first day.").format(
                    code=lease.rent_code
                )
            return self.text(lease, column) if column in (ASSET, TENANT) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and (column in _FIGURES or column == NUMBER):
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and column == IN_ARREARS and found:
            return _ARREARS if found.arrears else None
        if role == Qt.ItemDataRole.FontRole and column == IN_ARREARS and found and found.arrears:
            font = QFont()
            font.setBold(True)
            return font
        if role == ITEM_ROLE:
            return lease
        return None


# --- the page ----------------------------------------------------------------------------

_SHARED_ASSETS = (NAME, LOCATION, SIZE, VALUED_HOW)
_SHARED_LEASES = (ASSET, TENANT)


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    compact_rows(table)
    return table


class AssetsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("assetsPage")

        title = page_title(_("Property and leases"))
        self.year_box = YearBox()
        self.year_box.setObjectName("assetsYear")
        self.year_box.currentIndexChanged.connect(lambda _index: self.refresh())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)
        self.held = QLabel()
        self.held.setObjectName("valueHeld")
        self.held.setWordWrap(True)
        self.held.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        may_register = context.may(Action.REGISTER)
        self.add_button = action_button(_("Add an asset…"), "addAsset", self.add_asset)
        self.dispose_button = action_button(_("Dispose of…"), "disposeAsset", self.dispose)
        self.dispose_button.setToolTip(
            _("Take the chosen asset out of the register: sold, written off, handed over")
        )
        self.let_button = action_button(_("Let…"), "letAsset", self.let)
        self.let_button.setToolTip(_("Let an asset to a tenant at a rent per period"))
        self.rent_button = action_button(_("Record rent…"), "recordRent", self.record_rent)
        self.rent_button.setToolTip(_("Rent received under the chosen lease"))
        self.arrears_button = action_button(
            _("Arrears list (PDF)…"), "arrearsList", self.print_arrears
        )
        self.arrears_button.setToolTip(
            _("The list of rent in arrears at the day chosen, with its verification code")
        )
        for button in (self.add_button, self.dispose_button, self.let_button):
            button.setVisible(may_register)
        self.rent_button.setVisible(context.may(Action.RECORD))

        self.search = QLineEdit()
        self.search.setObjectName("assetsSearch")
        self.search.setPlaceholderText(_("Search asset, kind, location, tenant"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_search)

        # --- the register ---
        self.assets_model = AssetsModel(self)
        self.assets_table = _table(self.assets_model, "assetsTable")
        # Value and dates whole; the name, location, size and how it was valued share the
        # rest, cut with «…» (their tooltips say them in full): the money stays in sight.
        columns.prepare(self.assets_table, _SHARED_ASSETS, stretch=DISPOSED)
        self.assets_table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._enable()
        )
        register_actions = QHBoxLayout()
        register_actions.addWidget(self.search, 1)
        register_actions.addWidget(self.add_button)
        register_actions.addWidget(self.dispose_button)
        self.register_group = QGroupBox(_("The register"))
        register_layout = QVBoxLayout(self.register_group)
        register_layout.addLayout(register_actions)
        register_layout.addWidget(self.assets_table, 1)

        # --- the leases ---
        self.on = DateField(date.today())
        self.on.setObjectName("arrearsOn")
        self.on.editingFinished.connect(self.refresh)
        self.leases_model = LeasesModel(self)
        self.leases_table = _table(self.leases_model, "leasesTable")
        columns.prepare(self.leases_table, _SHARED_LEASES)
        self.leases_table.horizontalHeader().setStretchLastSection(True)
        self.leases_table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._enable()
        )
        self.leases_table.doubleClicked.connect(self._lease_double_clicked)
        self.total = QLabel()
        self.total.setObjectName("arrearsTotal")
        self.total.setWordWrap(True)
        self.total.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The date and the buttons in rows of their own: in Kazakh and Russian one row would
        # make the page wider than a 1366-pixel screen.
        lease_date = QHBoxLayout()
        lease_date.addWidget(QLabel(_("Rent due, paid and in arrears at the end of")))
        lease_date.addWidget(self.on)
        lease_date.addStretch(1)
        lease_actions = QHBoxLayout()
        lease_actions.addWidget(self.let_button)
        lease_actions.addWidget(self.rent_button)
        lease_actions.addStretch(1)
        lease_actions.addWidget(self.arrears_button)
        self.leases_group = QGroupBox(_("Leases"))
        leases_layout = QVBoxLayout(self.leases_group)
        leases_layout.addLayout(lease_actions)
        leases_layout.addLayout(lease_date)
        leases_layout.addWidget(self.leases_table, 1)
        leases_layout.addWidget(self.total)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.register_group)
        splitter.addWidget(self.leases_group)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([300, 300])

        self.status = QLabel()
        self.status.setObjectName("assetsStatus")
        self.status.setWordWrap(False)  # one line: the page never scrolls on a small screen
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()  # until an action says what it did

        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 4)
        layout.addLayout(top)
        layout.addWidget(self.held)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.refresh()
        context.changed.connect(self._changed)

    # --- reading ----------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self.context.busy:
            self.refresh()

    def year(self) -> int:
        return self.year_box.year() or this_year()

    def set_year(self, year: int) -> None:
        if self.year_box.findData(year) < 0:
            self.year_box.offer([*self._years(), year], year)
            self.refresh()
        else:
            self.year_box.choose(year)

    def _years(self) -> set[int]:
        conn = self.context.ledger.conn
        found = {this_year()}
        for asset in assets.assets(conn):
            for day in (asset.acquired, asset.disposed_on):
                if day:
                    found.add(int(day[:4]))
        for lease in assets.leases(conn):
            found.add(int(lease.starts[:4]))
        return found

    def arrears_day(self) -> str:
        """The day the leases' figures are at: the date typed (today when it is not one)."""
        try:
            return self.on.day().isoformat()
        except InvalidInput:
            return date.today().isoformat()

    def refresh(self) -> None:
        """Read the register and the leases again, keeping what was chosen."""
        if self.context.busy:
            return
        conn = self.context.ledger.conn
        chosen_asset, chosen_lease = self.selected_asset(), self.selected_lease()
        self.year_box.offer(self._years(), self.year_box.year() or this_year())
        year_end = f"{self.year()}-12-31"
        register = assets.assets(conn)
        self.assets_model.set_assets(register, year_end)
        on = self.arrears_day()
        self.leases_model.set_leases(assets.leases(conn), assets.arrears(conn, on), on)
        self._show_held(register, year_end)
        self._show_total()
        if chosen_asset is not None:
            self.select_asset(chosen_asset.id)
        if chosen_lease is not None:
            self.select_lease(chosen_lease.id)
        self._enable()
        QTimer.singleShot(0, self, self._fit_columns)

    def _show_held(self, register: list[Asset], year_end: str) -> None:
        held = [a for a in register if a.held_on(year_end)]
        value = assets.value_held(self.context.ledger.conn, year_end)
        self.held.setText(
            ngettext(
                "Held at 31 December {year}: {n} asset, worth {value} in the register. This is "
                "box 9 of the annual return.",
                "Held at 31 December {year}: {n} assets, worth {value} in the register. This "
                "is box 9 of the annual return.",
                len(held),
            ).format(year=self.year(), n=len(held), value=format_amount(value))
        )

    def _show_total(self) -> None:
        model = self.leases_model
        owing = [a for a in model.figures.values() if a.arrears]
        day = shown_date(model.on)
        if not model.all:
            self.total.setText(_("No asset has been let."))
            self.total.setStyleSheet(_NOTE_STYLE)
            return
        if not owing:
            text = _("Nothing is in arrears at the end of {day}.").format(day=day)
        else:
            text = ngettext(
                "In arrears at the end of {day}: {amount}, on {n} lease.",
                "In arrears at the end of {day}: {amount}, on {n} leases.",
                len(owing),
            ).format(day=day, amount=format_amount(model.total_arrears()), n=len(owing))
        if model.rowCount() != len(model.all):
            text += " " + _("Shown: {shown} of {n}.").format(
                shown=model.rowCount(), n=len(model.all)
            )
        self.total.setText(text)
        self.total.setStyleSheet(_ARREARS_STYLE if owing else _OK_STYLE)

    def apply_search(self) -> None:
        chosen_asset, chosen_lease = self.selected_asset(), self.selected_lease()
        text = self.search.text()
        self.assets_model.set_search(text)
        self.leases_model.set_search(text)
        if chosen_asset is not None:
            self.select_asset(chosen_asset.id)
        if chosen_lease is not None:
            self.select_lease(chosen_lease.id)
        self._show_total()
        self._enable()

    def _fit_columns(self) -> None:
        header = self.assets_table.horizontalHeader()
        disposed = max(
            self.assets_table.sizeHintForColumn(DISPOSED), header.sectionSizeHint(DISPOSED)
        )
        columns.share(self.assets_table, _SHARED_ASSETS, stretch=DISPOSED, reserve=disposed)
        # (a pixel or two spare: the last section, stretched, rounds up)
        columns.share(self.leases_table, _SHARED_LEASES, reserve=2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)  # once the tables have their width

    # --- choosing ---------------------------------------------------------------------------

    def selected_asset(self) -> Asset | None:
        index = self.assets_table.currentIndex()
        return self.assets_model.asset_at(index.row()) if index.isValid() else None

    def selected_lease(self) -> Lease | None:
        index = self.leases_table.currentIndex()
        return self.leases_model.lease_at(index.row()) if index.isValid() else None

    def select_asset(self, asset_id: int) -> bool:
        return select_row(self.assets_table, self.assets_model.row_of(asset_id))

    def select_lease(self, lease_id: int) -> bool:
        return select_row(self.leases_table, self.leases_model.row_of(lease_id))

    def _enable(self) -> None:
        asset = self.selected_asset()
        self.dispose_button.setEnabled(asset is not None and asset.disposed_on is None)
        self.rent_button.setEnabled(bool(self.leases_model.all))

    def _lease_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.context.may(Action.RECORD):
            self.record_rent()

    # --- actions ----------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _done(self, text: str) -> None:
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(text)
        self.status.show()

    def _show_everything(self) -> None:
        """After an action: a search that hides what was just done is cleared."""
        if self.search.text():
            self.search.clear()

    def add_asset(self) -> bool:
        from ruralcouncil.gui.asset_dialogs import AddAssetDialog

        dialog = AddAssetDialog(self.context, self)
        if not self._run(dialog) or dialog.asset_id is None:
            return False
        self._show_everything()
        self.select_asset(dialog.asset_id)
        self._done(_("Asset №{id} was added to the register.").format(id=dialog.asset_id))
        return True

    def dispose(self) -> bool:
        from ruralcouncil.gui.asset_dialogs import DisposeDialog

        asset = self.selected_asset()
        if asset is None:
            return False
        if not self._run(DisposeDialog(self.context, asset, self)):
            return False
        self.select_asset(asset.id)
        self._done(_("Asset №{id} was disposed of.").format(id=asset.id))
        return True

    def let(self) -> bool:
        from ruralcouncil.gui.asset_dialogs import LeaseDialog

        asset = self.selected_asset()
        dialog = LeaseDialog(self.context, asset.id if asset else None, self)
        if not self._run(dialog) or dialog.lease_id is None:
            return False
        self._show_everything()
        self.select_lease(dialog.lease_id)
        self._done(_("Lease {id} was recorded.").format(id=dialog.lease_id))
        return True

    def record_rent(self) -> bool:
        from ruralcouncil.gui.asset_dialogs import RentDialog

        lease = self.selected_lease()
        dialog = RentDialog(self.context, lease.id if lease else None, self)
        if not self._run(dialog) or dialog.entry_id is None:
            return False
        chosen = dialog.chosen()
        if chosen is not None:
            self.select_lease(chosen.id)
        self._done(_("The rent was recorded as entry {number}.").format(number=dialog.entry_id))
        return True

    def print_arrears(self) -> None:
        """The list of rent in arrears at the day chosen, made in a worker, then shown."""
        # reportlab is loaded only now, the first time a document is made.
        from ruralcouncil.gui.pdf_viewer import preview_report
        from ruralcouncil.reports.arrears import arrears_file_name, render_arrears

        on = self.arrears_day()
        preview_report(
            self.context,
            lambda reader, path: render_arrears(reader, on, path),
            arrears_file_name(on),
            _("Rent in arrears at {day}").format(day=shown_date(on)),
            self,
            failure=_("The list could not be made"),
        )
