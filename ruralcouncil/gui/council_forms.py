"""What the council's dialogs share: a form whose OK calls one core function, and the lists
to choose from (parties, programs, funds, cash accounts) by name.

A dialog never decides a rule itself: OK calls the core, and a refusal is shown under the
form in the core's own words (the command line prints the same), with nothing written and
everything typed kept.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import add_named
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.i18n import _, language
from ruralcouncil.ledger import catalog, council
from ruralcouncil.ledger.classification import EXPENDITURE, GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.meetings import Resolution
from ruralcouncil.ledger.money import NUMBER_SYMBOLS
from ruralcouncil.ledger.storage import Ledger


class CoreForm(QDialog):
    """A form whose OK calls :meth:`save` (one core function). A refusal stays on screen
    under the form; on success every page is told and the dialog closes."""

    def __init__(
        self, context: AppContext, title: str, ok_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def say(self, text: str) -> None:
        """A line above the form: what this dialog does, about what."""
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def save(self) -> None:
        """Call the core; raise its LedgerError to refuse."""
        raise NotImplementedError

    def refusal(self) -> str:
        """What the core said when it refused (empty when it did not)."""
        return self.error.text()

    def accept(self) -> None:
        try:
            self.save()
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            return
        show_problem(self.error, "")
        self.context.notify_changed()
        super().accept()


# --- lists to choose from ----------------------------------------------------------------


def party_combo(ledger: Ledger, chosen: int | None = None) -> QComboBox:
    """The register of parties by name (typing the first letters finds one); the IIN/BIN in
    the tooltip tells two of the same name apart."""
    combo = QComboBox()
    combo.setObjectName("party")
    for party in council.parties(ledger.conn):
        combo.addItem(party.name, party.id)
        if party.iin_bin:
            combo.setItemData(combo.count() - 1, party.iin_bin, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(combo.findData(chosen) if chosen is not None else -1)
    combo.setPlaceholderText(_("choose a party"))
    return combo


def program_combo(ledger: Ledger) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("program")
    for category in catalog.categories(ledger.conn, EXPENDITURE):
        add_named(combo, category.name(), category.code)
    combo.setCurrentIndex(-1)
    combo.setPlaceholderText(_("choose an expenditure program"))
    return combo


def fund_combo(ledger: Ledger) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("fund")
    for fund in catalog.funds(ledger.conn):
        add_named(combo, fund.name(), fund.code)
    combo.setCurrentIndex(max(0, combo.findData(GENERAL_FUND)))
    return combo


def account_combo(ledger: Ledger) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("account")
    for cash in catalog.cash_accounts(ledger.conn):
        add_named(combo, cash.name(), cash.code)
    return combo


def names_by_code(ledger: Ledger) -> dict[str, str]:
    """Programs and funds by code, in the user's language (the code when it has no name)."""
    names = {a.code: a.name() or a.code for a in catalog.categories(ledger.conn, EXPENDITURE)}
    names.update({f.code: f.name() or f.code for f in catalog.funds(ledger.conn)})
    return names


def typed_amount(tiyn: int) -> str:
    """An amount as a person would type it into a form (``300 000`` or ``1 500,50``), which
    ``money.parse_amount`` reads back in every language."""
    whole, part = divmod(tiyn, 100)
    text = f"{whole:,}".replace(",", " ")
    return text + (f"{NUMBER_SYMBOLS[language()][1]}{part:02d}" if part else "")


def resolution_text(resolution: Resolution) -> str:
    """A resolution as a chooser lists it: its number, its day and its text's first line."""
    first_line = resolution.text.splitlines()[0] if resolution.text else ""
    if len(first_line) > 60:
        first_line = first_line[:59] + "…"
    return _("Resolution {ref} of {day}: {text}").format(
        ref=resolution.ref, day=shown_date(resolution.date), text=first_line
    )
