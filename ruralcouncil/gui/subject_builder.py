"""Choosing a resolution's subject (DESIGN §4.2) without typing its code: the kind, then the
year, request, funds, rule, household or party it needs. The text it builds
(``fund-transfer:GENERAL:ROAD:50000``) is checked by the core's ``meetings.parse_subject``,
whose words are shown beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import add_named
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, meetings, spending
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports.council_text import subject_text

KIND_NAMES = {
    "budget": N_("Adopting or amending the budget of a year"),
    "request": N_("Approving a spending request"),
    "virement": N_("A virement: moving appropriations between programs"),
    "fund-transfer": N_("Moving money between funds"),
    "rules": N_("Changing a council rule"),
    "donation": N_("Accepting a donation"),
    "project": N_("A project"),
    "exemption": N_("A household's exemption"),
    "loan": N_("Taking a loan"),
    "governance": N_("Governance of a year"),
    "other": N_("Other business"),
}
# The parameters each kind asks for, by the field's key.
FIELDS = {
    "budget": ("year",),
    "virement": ("year",),
    "governance": ("year",),
    "request": ("request",),
    "donation": ("number",),
    "project": ("number",),
    "fund-transfer": ("source", "target", "amount"),
    "rules": ("rule", "value"),
    "exemption": ("number", "year"),
    "loan": ("party", "amount"),
    "other": (),
}


def _year_box(year: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setValue(year)
    return box


class SubjectBuilder(QWidget):
    changed = Signal()

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        conn = context.ledger.conn
        self.kind = QComboBox()
        self.kind.setObjectName("subjectKind")
        for kind in meetings.SUBJECT_KINDS:
            self.kind.addItem(_(KIND_NAMES.get(kind, kind)), kind)
        self.year = _year_box(year)
        self.request = QComboBox()
        for r in spending.requests(conn, state=spending.State.DRAFT.value):
            self.request.addItem(
                _("{id}: {amount} to {party}, {purpose}").format(
                    id=r.id, amount=format_amount(r.amount), party=r.party, purpose=r.purpose
                ),
                r.id,
            )
        self.number = QSpinBox()
        self.number.setRange(1, 10**9)
        self.source, self.target = QComboBox(), QComboBox()
        for fund in catalog.funds(conn):
            add_named(self.source, fund.name(), fund.code)
            add_named(self.target, fund.name(), fund.code)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(_("tenge, such as 150 000"))
        self.rule = QComboBox()
        for rule, name in council.RULE_NAMES.items():
            self.rule.addItem(_(name), rule.value)
        self.value = QLineEdit()
        self.value.setPlaceholderText(_("a share such as 1/2, or an amount in tenge"))
        self.party = QComboBox()
        for party in council.parties(conn):
            self.party.addItem(party.name, party.id)
        self.check = QLabel()
        self.check.setObjectName("subjectCheck")
        self.check.setWordWrap(True)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(_("Subject:"), self.kind)
        self.fields: dict[str, QWidget] = {
            "year": self.year,
            "request": self.request,
            "number": self.number,
            "source": self.source,
            "target": self.target,
            "amount": self.amount,
            "rule": self.rule,
            "value": self.value,
            "party": self.party,
        }
        labels = {
            "year": _("Year:"),
            "request": _("Request:"),
            "number": _("Number:"),
            "source": _("From the fund:"),
            "target": _("To the fund:"),
            "amount": _("Amount:"),
            "rule": _("Rule:"),
            "value": _("New value:"),
            "party": _("Party:"),
        }
        for key, widget in self.fields.items():
            self.form.addRow(labels[key], widget)
        self.form.addRow("", self.check)
        for box in (self.kind, self.request, self.source, self.target, self.rule, self.party):
            box.currentIndexChanged.connect(self._changed)
        for spin in (self.year, self.number):
            spin.valueChanged.connect(self._changed)
        for line in (self.amount, self.value):
            line.textChanged.connect(self._changed)
        self._changed()

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def text(self) -> str:
        """The subject as typed for the core: ``budget:2026``, ``rules:quorum=2/3``…"""
        kind = str(self.kind.currentData())
        values = {
            "year": str(self.year.value()),
            "request": str(self.request.currentData() or ""),
            "number": str(self.number.value()),
            "source": str(self.source.currentData() or ""),
            "target": str(self.target.currentData() or ""),
            "amount": self.amount.text().strip(),
            "party": str(self.party.currentData() or ""),
        }
        if kind == "rules":
            return f"rules:{self.rule.currentData()}={self.value.text().strip()}"
        parts = [values[key] for key in FIELDS[kind]]
        return ":".join([kind, *parts])

    def canonical(self) -> str:
        """The core's form of the subject; raises the core's refusal when it is not one."""
        return meetings.parse_subject(self.context.ledger.conn, self.text())

    def _changed(self) -> None:
        kind = str(self.kind.currentData())
        for key, widget in self.fields.items():
            self.form.setRowVisible(widget, key in FIELDS[kind])
        try:
            canonical = self.canonical()
        except LedgerError as exc:
            self.check.setText(str(exc))
            self.check.setStyleSheet("color: #b00020;")
        else:
            self.check.setText(f"{subject_text(self.context.ledger.conn, canonical)} ({canonical})")
            self.check.setStyleSheet("color: #1b5e20;")
        self.changed.emit()
