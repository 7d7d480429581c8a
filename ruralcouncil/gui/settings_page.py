"""Settings: language, the village and its council, one's own password, where the ledger is.

The village settings are stored in the ledger (so they travel with every backup) and only
the administrator may change them; others see them read-only. The core's
``settings.change`` is what enforces that.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil import paths
from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.password_dialog import (
    admin_set_password,
    change_own_password,
    own_admin_set_note,
)
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.gui.setup_wizard import CouncilKindChoice
from ruralcouncil.i18n import LANGUAGES, _, language, ngettext, save_preferred_language
from ruralcouncil.ledger import catalog, journal, settings, users
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.settings import CouncilKind
from ruralcouncil.ledger.users import Action


def save_language(context: AppContext, lang: str, parent: QWidget | None = None) -> bool:
    """Save the preferred language and say so (``context.language_saved``): the window is
    then built again in it, and every control that shows the choice follows."""
    try:
        save_preferred_language(lang)
    except OSError as exc:
        messages.show_error(
            parent, _("The language could not be saved: {error}").format(error=exc.strerror or exc)
        )
        return False
    context.language_saved.emit(lang)
    return True


def _read_only_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _right(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    return row


class SettingsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("settingsPage")
        # The main window puts every page in a scroll area, so this one is not.
        layout = QVBoxLayout(self)
        layout.addWidget(self._language_box())
        layout.addWidget(self._village_box())
        layout.addWidget(self._lock_box())
        layout.addWidget(self._catalogue_box())
        layout.addWidget(self._password_box())
        layout.addWidget(self._files_box())
        layout.addStretch(1)
        context.changed.connect(self.refresh)
        self.refresh()

    # --- language -----------------------------------------------------------------------

    def _language_box(self) -> QGroupBox:
        box = QGroupBox(_("Language"))
        row = QHBoxLayout(box)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGES).index(language()))
        row.addWidget(self.language)
        save = QPushButton(_("Use this language"))
        save.setObjectName("saveLanguage")
        save.clicked.connect(self.save_language)
        row.addWidget(save)
        row.addWidget(
            _read_only_label(_("The window changes at once; the choice is kept for next time.")),
            1,
        )
        # The Language menu chooses too: this list always shows what was chosen last.
        self.context.language_saved.connect(self._show_language)
        return box

    def save_language(self) -> None:
        save_language(self.context, str(self.language.currentData()), self)

    def _show_language(self, lang: str) -> None:
        self.language.setCurrentIndex(list(LANGUAGES).index(lang))

    # --- village and council ------------------------------------------------------------

    def _village_box(self) -> QGroupBox:
        box = QGroupBox(_("Village and council"))
        form = QFormLayout(box)
        self.village = QLineEdit()
        self.village.setObjectName("village")
        form.addRow(_("Village or rural district:"), self.village)
        self.council = CouncilKindChoice()
        form.addRow(_("The council is called:"), self.council)
        self.village_error = error_label()
        form.addRow(self.village_error)
        self.save_village_button = QPushButton(_("Save"))
        self.save_village_button.setObjectName("saveVillage")
        self.save_village_button.clicked.connect(self.save_village)
        self.village_note = _read_only_label(_("Only the administrator can change these."))
        form.addRow(self.village_note, _right(self.save_village_button))
        editable = self.context.may(Action.SETTINGS)
        self.village.setReadOnly(not editable)
        self.council.setEnabled(editable)
        self.save_village_button.setVisible(editable)
        self.village_note.setVisible(not editable)
        return box

    def save_village(self) -> None:
        kind, name = self.council.kind().value, self.council.name()
        try:
            # Check everything first, so a bad field saves none of them.
            settings.validate(settings.VILLAGE_NAME, self.village.text())
            settings.validate_council(kind, name)
            ledger, user = self.context.ledger, self.context.user
            settings.change(ledger, user, settings.VILLAGE_NAME, self.village.text())
            settings.change_council(ledger, user, kind, name)
        except LedgerError as exc:
            show_problem(self.village_error, str(exc))
            return
        show_problem(self.village_error, "")
        self.context.notify_changed()

    # --- locking ------------------------------------------------------------------------

    def _lock_box(self) -> QGroupBox:
        box = QGroupBox(_("Locking the window"))
        row = QHBoxLayout(box)
        row.addWidget(QLabel(_("Lock after this many minutes without use:")))
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setObjectName("lockMinutes")
        self.lock_minutes.setRange(0, settings.MAX_LOCK_MINUTES)
        self.lock_minutes.setSpecialValueText(_("never"))
        row.addWidget(self.lock_minutes)
        self.save_lock_button = QPushButton(_("Save"))
        self.save_lock_button.setObjectName("saveLockMinutes")
        self.save_lock_button.clicked.connect(self.save_lock_minutes)
        row.addWidget(self.save_lock_button)
        self.lock_note = _read_only_label(
            _(
                "A locked window hides the ledger until its user types their password again "
                "(or someone else logs in). 0 never locks."
            )
        )
        row.addWidget(self.lock_note, 1)
        self.lock_error = error_label()
        row.addWidget(self.lock_error, 1)
        editable = self.context.may(Action.SETTINGS)
        self.lock_minutes.setEnabled(editable)
        self.save_lock_button.setVisible(editable)
        return box

    def save_lock_minutes(self) -> bool:
        try:
            settings.change(
                self.context.ledger,
                self.context.user,
                settings.LOCK_MINUTES,
                str(self.lock_minutes.value()),
            )
        except LedgerError as exc:
            show_problem(self.lock_error, str(exc))
            return False
        show_problem(self.lock_error, "")
        self.context.notify_changed()
        return True

    # --- funds, categories and closed years ---------------------------------------------

    def _catalogue_box(self) -> QGroupBox:
        box = QGroupBox(_("Funds, revenue sources, programs and closed years"))
        layout = QVBoxLayout(box)
        self.catalogue_summary = _read_only_label()
        self.catalogue_summary.setObjectName("catalogueSummary")
        layout.addWidget(self.catalogue_summary)
        self.closed_years = _read_only_label()
        self.closed_years.setObjectName("closedYears")
        layout.addWidget(self.closed_years)
        row = QHBoxLayout()
        self.add_fund_button = QPushButton(_("Add a fund…"))
        self.add_fund_button.setObjectName("addFund")
        self.add_fund_button.clicked.connect(self.add_fund)
        self.add_category_button = QPushButton(_("Add a revenue source or expenditure program…"))
        self.add_category_button.setObjectName("addCategory")
        self.add_category_button.clicked.connect(self.add_category)
        self.close_year_button = QPushButton(_("Close a year…"))
        self.close_year_button.setObjectName("closeYear")
        self.close_year_button.clicked.connect(self.close_year)
        for button in (self.add_fund_button, self.add_category_button, self.close_year_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        may_change = self.context.may(Action.SETTINGS)
        self.add_fund_button.setVisible(may_change)
        self.add_category_button.setVisible(may_change)
        self.close_year_button.setVisible(self.context.may(Action.CLOSE_YEAR))
        return box

    def add_fund(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import add_fund

        return add_fund(self.context, self)

    def add_category(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import add_category

        return add_category(self.context, self)

    def close_year(self) -> bool:
        from ruralcouncil.gui.catalog_dialogs import close_year

        return close_year(self.context, self)

    # --- password -----------------------------------------------------------------------

    def _password_box(self) -> QGroupBox:
        box = QGroupBox(_("My password"))
        layout = QVBoxLayout(box)
        self.admin_set_note = _read_only_label(own_admin_set_note())
        self.admin_set_note.setObjectName("adminSetNote")
        self.admin_set_note.setStyleSheet("color: #e65100;")
        layout.addWidget(self.admin_set_note)
        self.password_button = QPushButton(_("Change my password…"))
        self.password_button.setObjectName("changePassword")
        self.password_button.clicked.connect(self.change_password)
        row = QHBoxLayout()
        row.addWidget(
            _read_only_label(
                ngettext(
                    "At least {n} character; a short sentence you will remember is best.",
                    "At least {n} characters; a short sentence you will remember is best.",
                    users.MIN_PASSWORD_LENGTH,
                ).format(n=users.MIN_PASSWORD_LENGTH)
            ),
            1,
        )
        row.addWidget(self.password_button)
        layout.addLayout(row)
        return box

    def change_password(self) -> bool:
        """The dialog for one's own new password; True once it was changed."""
        return change_own_password(self.context, self)

    # --- files --------------------------------------------------------------------------

    def _files_box(self) -> QGroupBox:
        box = QGroupBox(_("Files"))
        form = QFormLayout(box)
        form.addRow(_("Ledger file:"), _read_only_label(str(self.context.ledger.path)))
        form.addRow(_("Data folder:"), _read_only_label(str(paths.data_dir())))
        portable = (
            _("Yes: the data is kept beside the program (for example on a USB stick).")
            if paths.is_portable()
            else _("No: the data is kept in this computer's user data folder.")
        )
        form.addRow(_("Portable:"), _read_only_label(portable))
        return box

    # --- refresh ------------------------------------------------------------------------

    def refresh(self) -> None:
        conn = self.context.ledger.conn
        self.village.setText(settings.village_name(conn))
        try:
            kind = CouncilKind(settings.get(conn, settings.COUNCIL_KIND))
        except ValueError:
            kind = CouncilKind.RURAL_MASLIKHAT
        self.council.set_kind(kind, settings.get(conn, settings.COUNCIL_NAME))
        self.admin_set_note.setVisible(admin_set_password(self.context))
        self.lock_minutes.setValue(settings.lock_minutes(conn))
        funds = catalog.funds(conn)
        self.catalogue_summary.setText(
            _(
                "Funds: {funds}. Revenue sources: {sources}. Expenditure programs: {programs}."
            ).format(
                funds=len(funds),
                sources=len(catalog.categories(conn, REVENUE)),
                programs=len(catalog.categories(conn, EXPENDITURE)),
            )
        )
        closed = journal.closed_years(conn)
        self.closed_years.setText(
            _("Closed years: {years}.").format(years=", ".join(str(y) for y in closed))
            if closed
            else _("No year is closed yet.")
        )
