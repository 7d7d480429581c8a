"""The register of parties (the people and organisations the village deals with) and the
interests council members declared in them.

The clerk and the administrator add parties; a member or the chair declares their own
interests, the administrator any member's. A member who declared an interest in a party is
recused on anything about it: the core counts that, the page only shows it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import CoreForm, party_combo
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import council, parse, users
from ruralcouncil.ledger.council import PARTY_KIND_NAMES, Interest, Party, PartyKind
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.roles import Action

_ROOT = QModelIndex()
_OK_STYLE = "color: #1b5e20;"
NAME, KIND, IIN_BIN = range(3)
PARTY_COLUMNS = {NAME: N_("Name"), KIND: N_("Kind"), IIN_BIN: N_("IIN/BIN")}
MEMBER, PARTY, NATURE, DATE = range(4)
INTEREST_COLUMNS = {
    MEMBER: N_("Member"),
    PARTY: N_("Party"),
    NATURE: N_("Interest"),
    DATE: N_("Declared on"),
}
ITEM_ROLE = Qt.ItemDataRole.UserRole  # the Party or Interest itself


class _ListModel(QAbstractTableModel):
    """A read-only table of a short list the core returns whole."""

    titles: ClassVar[dict[int, str]] = {}

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[Any] = []

    def read(self) -> list[Any]:
        raise NotImplementedError

    def text(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def reload(self) -> None:
        self.beginResetModel()
        self.items = self.read()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and section in self.titles
        ):
            return _(self.titles[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(item, index.column())
        if role == ITEM_ROLE:
            return item
        return None


class PartiesModel(_ListModel):
    titles = PARTY_COLUMNS

    def read(self) -> list[Party]:
        return council.parties(self.context.ledger.conn)

    def text(self, item: Party, column: int) -> str:
        if column == NAME:
            return item.name
        if column == KIND:
            return _(PARTY_KIND_NAMES[item.kind])
        return item.iin_bin or ""


class InterestsModel(_ListModel):
    titles = INTEREST_COLUMNS

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(context, parent)
        self.full_names: dict[str, str] = {}

    def read(self) -> list[Interest]:
        self.full_names = {
            user.name: user.full_name for user, _active in users.list_users(self.context.ledger)
        }
        return council.interests(self.context.ledger.conn)

    def text(self, item: Interest, column: int) -> str:
        if column == MEMBER:
            return self.full_names.get(item.member) or item.member
        if column == PARTY:
            return item.party
        if column == NATURE:
            return item.nature
        return shown_date(item.date)


# --- dialogs ----------------------------------------------------------------------------


class AddPartyDialog(CoreForm):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Add a party"), _("Add"), parent)
        self.setObjectName("addPartyDialog")
        self.party_id: int | None = None
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setMaxLength(200)
        self.name.setPlaceholderText(_("as on their documents, e.g. «Жол» ЖШС"))
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind, name in PARTY_KIND_NAMES.items():
            self.kind.addItem(_(name), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(PartyKind.BUSINESS.value))
        self.iin_bin = QLineEdit()
        self.iin_bin.setObjectName("iinBin")
        self.iin_bin.setMaxLength(12)
        self.iin_bin.setPlaceholderText(_("12 digits, if known"))
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("IIN/BIN"), self.iin_bin)

    def save(self) -> None:
        self.party_id = council.add_party(
            self.context.ledger,
            self.context.user,
            self.name.text(),
            str(self.kind.currentData()),
            self.iin_bin.text(),
        )


class DeclareInterestDialog(CoreForm):
    """A member declares their own interest; the administrator may declare any member's."""

    def __init__(
        self, context: AppContext, party_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, _("Declare an interest"), _("Declare"), parent)
        self.setObjectName("declareInterestDialog")
        conn = context.ledger.conn
        self.say(
            _(
                "From the day of the declaration, the member is recused on anything about this "
                "party: their vote on it is refused, and the chair does not approve its "
                "requests alone."
            )
        )
        self.member = QComboBox()
        self.member.setObjectName("member")
        full = {u.name: u.full_name for u, _active in users.list_users(context.ledger)}
        if context.may(Action.DECLARE_FOR_MEMBERS):
            for _id, name in council.sitting_members(conn):
                self.member.addItem(full.get(name) or name, name)
            self.member.setCurrentIndex(-1)
            self.member.setPlaceholderText(_("choose a member"))
        else:
            user = context.user
            self.member.addItem(user.full_name or user.name, user.name)
            self.member.setEnabled(False)
        self.party = party_combo(context.ledger, party_id)
        self.nature = QLineEdit()
        self.nature.setObjectName("nature")
        self.nature.setMaxLength(parse.MAX_TEXT)
        self.nature.setPlaceholderText(_("e.g. brother of the owner; works there; owns a share"))
        self.date = date_edit()
        self.form.addRow(_("Member"), self.member)
        self.form.addRow(_("Party"), self.party)
        self.form.addRow(_("Interest"), self.nature)
        self.form.addRow(_("Since"), self.date)

    def save(self) -> None:
        day = self.date.day()
        if self.member.currentIndex() < 0:
            raise InvalidInput(_("Choose the member."))
        if self.party.currentIndex() < 0:
            raise InvalidInput(_("Choose the party."))
        council.declare_interest(
            self.context.ledger,
            self.context.user,
            str(self.member.currentData()),
            int(self.party.currentData()),
            self.nature.text(),
            day,
        )


# --- the page ---------------------------------------------------------------------------


def _table(model: QAbstractTableModel, name: str, stretch: int) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _box(title: str, table: QTableView, button: QPushButton, note: str) -> QGroupBox:
    box = QGroupBox(title)
    top = QHBoxLayout()
    label = QLabel(note)
    label.setWordWrap(True)
    top.addWidget(label, 1)
    top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    layout = QVBoxLayout(box)
    layout.addLayout(top)
    layout.addWidget(table, 1)
    return box


class PartiesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("partiesPage")
        title = QLabel(_("Parties and members' interests"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")

        self.parties = PartiesModel(context, self)
        self.parties_table = _table(self.parties, "partiesTable", NAME)
        self.add_button = QPushButton(_("Add party…"))
        self.add_button.setObjectName("addParty")
        self.add_button.clicked.connect(lambda _c=False: self.add_party())
        self.add_button.setVisible(context.may(Action.REGISTER))
        self.interests = InterestsModel(context, self)
        self.interests_table = _table(self.interests, "interestsTable", NATURE)
        self.declare_button = QPushButton(_("Declare an interest…"))
        self.declare_button.setObjectName("declareInterest")
        self.declare_button.clicked.connect(lambda _c=False: self.declare_interest())
        self.declare_button.setVisible(
            context.may(Action.COUNTERSIGN) or context.may(Action.DECLARE_FOR_MEMBERS)
        )

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(
            _box(
                _("Register of parties"),
                self.parties_table,
                self.add_button,
                _("The people and organisations the village pays or is paid by."),
            )
        )
        splitter.addWidget(
            _box(
                _("Declared interests"),
                self.interests_table,
                self.declare_button,
                _(
                    "A member related to, employed by or owning a party is recused on anything "
                    "about it."
                ),
            )
        )
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)  # the register is the longer list
        splitter.setStretchFactor(1, 2)
        self.status = QLabel()
        self.status.setObjectName("partiesStatus")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.refresh()
        context.changed.connect(self.refresh)

    def refresh(self) -> None:
        if self.context.busy:
            return
        self.parties.reload()
        self.interests.reload()

    def selected_party(self) -> Party | None:
        index = self.parties_table.currentIndex()
        if not index.isValid():
            return None
        party = self.parties.data(index, ITEM_ROLE)
        return party if isinstance(party, Party) else None

    def _run(self, dialog: QDialog) -> bool:
        try:
            return messages.run_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def add_party(self) -> bool:
        dialog = AddPartyDialog(self.context, self)
        if not self._run(dialog):
            return False
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(_("{name} was added to the register.").format(name=dialog.name.text()))
        return True

    def declare_interest(self) -> bool:
        party = self.selected_party()
        dialog = DeclareInterestDialog(self.context, party.id if party else None, self)
        if not self._run(dialog):
            return False
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(_("The interest was declared."))
        return True
