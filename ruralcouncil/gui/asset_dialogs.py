"""The property and leases page's dialogs: add an asset to the register, dispose of one, let
one to a tenant, and record a lease's rent.

Each OK calls one core function (``assets.add_asset``, ``assets.dispose``,
``assets.add_lease``, ``journal.record`` of a rent receipt naming its lease) and shows its
refusal under the form in the core's words, with nothing written and everything typed kept.
What a dialog shows beforehand (the rent due, paid and in arrears) is the core's figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, account_combo, party_combo, typed_amount
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.entry_dialogs import WARNING_STYLE, clock_is_trusted, future_is_confirmed
from ruralcouncil.i18n import _
from ruralcouncil.ledger import assets, journal, money
from ruralcouncil.ledger.assets import KIND_NAMES, PERIOD_NAMES, Arrears, Asset, Lease, rent_text
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink

NOTE_STYLE = "color: #505050;"


# --- what the dialogs of the registers share ---------------------------------------------


def text_edit(placeholder: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def note() -> QLabel:
    """A grey line under a field: what the core says about what was chosen."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    # Lines at the top of the room the form gives it (measured at another width, it may be
    # a line taller than the text).
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def amount_edit(name: str = "amount") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(_("for example 5 000 or 2 500,50"))
    return edit


def amount_of(edit: QLineEdit) -> int:
    """The amount typed (the core's parser); on a refusal the field gets the keyboard."""
    try:
        return money.parse_amount(edit.text())
    except InvalidInput:
        edit.setFocus()
        raise


class ReceiptForm(CoreForm):
    """A form that records a receipt: before the core is called, a date after today is said
    under the field, and one more than a year ahead (or a PC clock behind the ledger) is
    saved only when the user confirms it, as in the entry dialog."""

    entry_id: int | None = None
    allow_future = False  # set once the user confirmed a date more than a year ahead

    def _receipt_rows(self, label: str, choice: QComboBox, chosen: Callable[[], None]) -> None:
        """The rows of a receipt that belongs to a register: what it is for (``choice``,
        with what it stands at under it), the amount, the date, the cash account and the
        description; ``chosen`` runs when the choice changes."""
        self.standing = note()
        self.standing.setObjectName("standing")
        self.amount = amount_edit()
        self.account = account_combo(self.context.ledger)
        self.description = QLineEdit()
        self.description.setObjectName("description")
        self.form.addRow(label, choice)
        self.form.addRow("", self.standing)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self._date_rows()
        self.form.addRow(_("Received into"), self.account)
        self.form.addRow(_("Description"), self.description)
        choice.currentIndexChanged.connect(lambda _i: chosen())

    def _date_rows(self) -> None:
        self.date = date_edit()
        self.date.setObjectName("date")
        self.date_note = note()
        self.date_note.setObjectName("dateNote")
        self.date_note.setStyleSheet(WARNING_STYLE)
        self.date_note.hide()
        self.form.addRow(_("Date"), self.date)
        self.form.addRow("", self.date_note)
        self.date.dateChanged.connect(self._date_typed)

    def _date_typed(self) -> None:
        try:
            warning = journal.date_warnings(self.date.day())
        except InvalidInput:
            warning = None
        self.date_note.setText(warning.message if warning else "")
        self.date_note.setVisible(warning is not None)

    def confirmed_future(self) -> bool | None:
        """Whether a far date was confirmed (False: there is none); None: not to be saved."""
        try:
            warning = journal.date_warnings(self.date.day())
        except InvalidInput:
            return False  # the core says what is wrong with the date
        if not future_is_confirmed(self, warning):
            self.date.setFocus()
            return None
        return warning is not None and warning.needs_confirmation

    def accept(self) -> None:
        confirmed = self.confirmed_future()
        if confirmed is None or not clock_is_trusted(self, self.context):
            return
        self.allow_future = confirmed
        super().accept()


# --- the register ------------------------------------------------------------------------


def asset_text(asset: Asset) -> str:
    """An asset as a list offers it: its number, name and location."""
    if asset.location:
        return _("№{id} {name}, {location}").format(
            id=asset.id, name=asset.name, location=asset.location
        )
    return _("№{id} {name}").format(id=asset.id, name=asset.name)


def lease_text(lease: Lease) -> str:
    """A lease as a list offers it: its number, asset, tenant and term."""
    return _("Lease {id}: {asset} to {tenant}, {start} to {end}").format(
        id=lease.id,
        asset=lease.asset,
        tenant=lease.tenant,
        start=shown_date(lease.starts),
        end=shown_date(lease.ends),
    )


class AddAssetDialog(CoreForm):
    """The clerk adds property, land or a natural resource to the register, with its value
    and how it was valued."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Add an asset"), _("Add to the register"), parent)
        self.setObjectName("addAssetDialog")
        self.asset_id: int | None = None
        self.say(
            _(
                "The register of the village's property, land and natural resources: the value "
                "of what is held at 31 December is box 9 of the annual return."
            )
        )
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setMaxLength(200)
        self.name.setPlaceholderText(_("e.g. The old school building"))
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind, text in KIND_NAMES.items():
            self.kind.addItem(_(text), kind.value)
        self.location = QLineEdit()
        self.location.setObjectName("location")
        self.location.setPlaceholderText(_("e.g. Abai street 1"))
        self.size_edit = QLineEdit()
        self.size_edit.setObjectName("size")
        self.size_edit.setPlaceholderText(_("e.g. 320 m², 12 ha"))
        self.value = amount_edit("value")
        self.value.setPlaceholderText(_("for example 1 500 000 (0 when it has no value)"))
        self.valued_how = QLineEdit()
        self.valued_how.setObjectName("valuedHow")
        self.valued_how.setPlaceholderText(_("e.g. the akimat's commission, 2024"))
        self.acquired = date_edit()
        self.acquired.setObjectName("acquired")
        self.acquired.clear()  # not known: left empty
        self.acquired.setPlaceholderText(_("not known"))
        acquired_note = note()
        acquired_note.setText(_("Leave it empty when the day is not known."))
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Location"), self.location)
        self.form.addRow(_("Size"), self.size_edit)
        self.form.addRow(_("Value (₸)"), self.value)
        self.form.addRow(_("How it was valued"), self.valued_how)
        self.form.addRow(_("Acquired on"), self.acquired)
        self.form.addRow("", acquired_note)

    def save(self) -> None:
        value = amount_of(self.value)
        acquired = self.acquired.day() if self.acquired.text().strip() else None
        self.asset_id = assets.add_asset(
            self.context.ledger,
            self.context.user,
            self.name.text(),
            str(self.kind.currentData()),
            value,
            location=self.location.text(),
            size=self.size_edit.text(),
            acquired=acquired,
            valued_how=self.valued_how.text(),
        )


class DisposeDialog(CoreForm):
    """The clerk takes an asset out of the register (sold, written off, handed over) from a
    day, with the reason; from then on it is not in box 9."""

    def __init__(self, context: AppContext, asset: Asset, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Dispose of an asset"), _("Dispose of it"), parent)
        self.setObjectName("disposeDialog")
        self.asset = asset
        self.say(
            _(
                "{asset}, valued at {value}. From the day it is disposed of it is no longer "
                "held: it leaves the value of box 9."
            ).format(asset=asset_text(asset), value=format_amount(asset.value))
        )
        self.reason = text_edit(_("sold, written off, handed over to the district…"))
        self.reason.setObjectName("reason")
        self.date = date_edit()
        self.date.setObjectName("date")
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Disposed of on"), self.date)

    def save(self) -> None:
        assets.dispose(
            self.context.ledger,
            self.context.user,
            self.asset.id,
            self.reason.toPlainText(),
            self.date.day(),
        )


# --- leases ------------------------------------------------------------------------------


class LeaseDialog(CoreForm):
    """The clerk lets an asset to a tenant (a party) at a rent per month, quarter or year,
    from one day to another."""

    def __init__(
        self, context: AppContext, asset_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Let an asset"), _("Let it"), parent)
        self.setObjectName("leaseDialog")
        self.lease_id: int | None = None
        self.say(
            _(
                "The rent of each period falls due on its first day; the tenant is a party "
                "in the register (Parties: Add party…)."
            )
        )
        self.asset = QComboBox()
        self.asset.setObjectName("asset")
        for asset in assets.assets(context.ledger.conn):
            self.asset.addItem(asset_text(asset), asset.id)
        self.asset.setPlaceholderText(_("choose an asset"))
        self.asset.setCurrentIndex(self.asset.findData(asset_id) if asset_id is not None else -1)
        self.tenant = party_combo(context.ledger)
        self.tenant.setObjectName("tenant")
        self.rent = amount_edit("rent")
        self.per = QComboBox()
        self.per.setObjectName("per")
        for period, text in PERIOD_NAMES.items():
            self.per.addItem(_(text), period.value)
        self.starts = date_edit()
        self.starts.setObjectName("starts")
        today = date.today()
        self.ends = date_edit(date(today.year, 12, 31))
        self.ends.setObjectName("ends")
        self.form.addRow(_("Asset"), self.asset)
        self.form.addRow(_("Tenant"), self.tenant)
        rent_row = QHBoxLayout()
        rent_row.addWidget(self.rent, 1)
        rent_row.addWidget(self.per)
        self.form.addRow(_("Rent (₸)"), rent_row)
        self.form.addRow(_("From"), self.starts)
        self.form.addRow(_("To"), self.ends)

    def save(self) -> None:
        if self.asset.currentIndex() < 0:
            raise InvalidInput(_("Choose the asset to let (Add an asset… adds one)."))
        if self.tenant.currentIndex() < 0:
            raise InvalidInput(_("Choose the tenant (Parties: Add party…)."))
        rent = amount_of(self.rent)
        self.lease_id = assets.add_lease(
            self.context.ledger,
            self.context.user,
            int(self.asset.currentData()),
            int(self.tenant.currentData()),
            rent,
            str(self.per.currentData()),
            self.starts.day(),
            self.ends.day(),
        )


class RentDialog(ReceiptForm):
    """The clerk records rent received under a lease: a receipt of the lease's rent source
    naming it (``RegisterLink(lease_id=...)``); the amount offered is what is in arrears."""

    def __init__(
        self, context: AppContext, lease_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Record rent"), _("Record the rent"), parent)
        self.setObjectName("rentDialog")
        self.leases = {x.id: x for x in assets.leases(context.ledger.conn)}
        self.lease = QComboBox()
        self.lease.setObjectName("lease")
        for lease in self.leases.values():
            self.lease.addItem(lease_text(lease), lease.id)
        self.lease.setPlaceholderText(_("choose a lease"))
        self.lease.setCurrentIndex(self.lease.findData(lease_id) if lease_id is not None else -1)
        self._receipt_rows(_("Lease"), self.lease, self._lease_chosen)
        self.date.dateChanged.connect(self._show_standing)
        self._lease_chosen()

    def chosen(self) -> Lease | None:
        data = self.lease.currentData()
        return self.leases.get(int(data)) if data is not None else None

    def _arrears(self, lease: Lease) -> Arrears | None:
        """The lease's rent due, paid and in arrears at the date typed (None: not begun)."""
        try:
            on = self.date.day().isoformat()
        except InvalidInput:
            return None
        found = assets.arrears(self.context.ledger.conn, on)
        return next((a for a in found if a.lease.id == lease.id), None)

    def _lease_chosen(self) -> None:
        lease = self.chosen()
        self._show_standing()
        if lease is None:
            return
        found = self._arrears(lease)
        self.amount.setText(typed_amount(found.arrears) if found and found.arrears else "")
        self.description.setText(
            _("Rent, lease {id}: {asset}").format(id=lease.id, asset=lease.asset)
        )

    def _show_standing(self) -> None:
        lease = self.chosen()
        try:
            day = self.date.day()
        except InvalidInput:
            day = None
        if lease is None or day is None:
            self.standing.setText("")  # the core says what is wrong with the date
            return
        rent = rent_text(lease.rent, lease.period)
        found = self._arrears(lease)
        if found is None:
            self.standing.setText(
                _("{rent} ({code}); the lease begins on {day}.").format(
                    rent=rent, code=lease.rent_code, day=shown_date(lease.starts)
                )
            )
            return
        self.standing.setText(
            _("{rent} ({code}). By {day}: due {due}, paid {paid}, in arrears {arrears}.").format(
                rent=rent,
                code=lease.rent_code,
                day=shown_date(day),
                due=format_amount(found.due),
                paid=format_amount(found.paid),
                arrears=format_amount(found.arrears),
            )
        )

    def entry(self, lease: Lease) -> NewEntry:
        return NewEntry(
            date=self.date.day(),
            type=EntryType.RECEIPT,
            amount=amount_of(self.amount),
            category=lease.rent_code,
            account=str(self.account.currentData() or ""),
            description=self.description.text(),
        )

    def save(self) -> None:
        lease = self.chosen()
        if lease is None:
            raise InvalidInput(_("Choose the lease the rent is paid under."))
        self.entry_id = journal.record(
            self.context.ledger,
            self.context.user,
            self.entry(lease),
            allow_future=self.allow_future,
            register=RegisterLink(lease_id=lease.id),
        )
