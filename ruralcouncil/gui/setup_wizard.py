"""First run: the village, the council's name and the administrator's account.

Two short pages. Each page checks its fields with the core's own validation when the user
presses Next or Finish, and says what is wrong on the page itself; Finish calls
``setup.init_ledger``, which is what decides, and nothing is written unless it succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ruralcouncil import i18n
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import settings, setup, users
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.settings import COUNCIL_KIND_NAMES, CouncilKind


class CouncilKindChoice(QWidget):
    """Rural maslikhat (default) / meeting of the local community / another name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[CouncilKind, QRadioButton] = {}
        for kind in CouncilKind:
            button = QRadioButton(_(COUNCIL_KIND_NAMES[kind]))
            button.setObjectName(f"council_{kind.value}")
            self.group.addButton(button)
            self.buttons[kind] = button
            layout.addWidget(button)
        self.custom_name = QLineEdit()
        self.custom_name.setObjectName("customCouncilName")
        self.custom_name.setPlaceholderText(_("The council's name, as residents know it"))
        layout.addWidget(self.custom_name)
        self.buttons[CouncilKind.RURAL_MASLIKHAT].setChecked(True)
        self.group.buttonToggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.custom_name.setEnabled(self.kind() == CouncilKind.CUSTOM)

    def kind(self) -> CouncilKind:
        for kind, button in self.buttons.items():
            if button.isChecked():
                return kind
        return CouncilKind.RURAL_MASLIKHAT

    def set_kind(self, kind: CouncilKind, custom_name: str = "") -> None:
        self.buttons[kind].setChecked(True)
        self.custom_name.setText(custom_name)
        self._update()

    def name(self) -> str:
        """The custom name, or "" for the two named kinds."""
        return self.custom_name.text().strip() if self.kind() == CouncilKind.CUSTOM else ""

    def problem(self) -> str:
        try:
            settings.validate_council(self.kind().value, self.name())
        except LedgerError as exc:
            return str(exc)
        return ""


class VillagePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Your village"))
        self.setSubTitle(
            _(
                "The name of the village or rural district and of its council, as they will "
                "appear on every report. The administrator can change them later."
            )
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        # Chosen first, and labelled in all three languages: the clerk may not read Kazakh.
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(i18n.LANGUAGES).index(i18n.language()))
        form.addRow("Тіл / Язык / Language:", self.language)
        self.village = QLineEdit()
        self.village.setObjectName("village")
        self.village.setPlaceholderText(_("for example: Akkol rural district"))
        form.addRow(_("Village or rural district:"), self.village)
        self.council = CouncilKindChoice()
        form.addRow(_("The council is called:"), self.council)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        try:
            settings.validate(settings.VILLAGE_NAME, self.village.text())
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            self.village.setFocus()
            return False
        problem = self.council.problem()
        show_problem(self.error, problem)
        return not problem


class AdministratorPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("The administrator"))
        self.setSubTitle(
            _(
                "The administrator sets up users and takes backups. Other people get their own "
                "accounts later, each with their own password."
            )
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.user_name = QLineEdit("admin")
        self.user_name.setObjectName("userName")
        form.addRow(_("User name:"), self.user_name)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        form.addRow(_("Full name:"), self.full_name)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Password:"), self.password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeatPassword")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Password again:"), self.repeat)
        hint = QLabel(
            ngettext(
                "At least {n} character. A short sentence you will remember is safer than a "
                "clever word; there are no other rules. Nobody can recover a lost password, so "
                "write it down and keep it in a safe place.",
                "At least {n} characters. A short sentence you will remember is safer than a "
                "clever word; there are no other rules. Nobody can recover a lost password, so "
                "write it down and keep it in a safe place.",
                users.MIN_PASSWORD_LENGTH,
            ).format(n=users.MIN_PASSWORD_LENGTH)
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def problem(self) -> str:
        try:
            users.validate_name(self.user_name.text().strip())
            users.validate_password(self.password.text())
        except LedgerError as exc:
            return str(exc)
        if self.password.text() != self.repeat.text():
            return _("The two passwords are not the same. Type the password again in both fields.")
        return ""

    def validatePage(self) -> bool:
        problem = self.problem()
        if not problem:
            wizard = self.wizard()
            assert isinstance(wizard, SetupWizard)
            problem = wizard.create_ledger()
        show_problem(self.error, problem)
        return not problem


@dataclass(frozen=True)
class WizardValues:
    """What was typed before the wizard is opened again in another language (never the
    password, which is typed again)."""

    village: str = ""
    council_kind: CouncilKind = CouncilKind.RURAL_MASLIKHAT
    council_name: str = ""
    admin: str = "admin"
    full_name: str = ""


class SetupWizard(QWizard):
    """Creates the ledger at ``path``; on success ``created`` is True and the file exists."""

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        village: str = "",
        *,
        values: WizardValues | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.created = False
        # Set when the user picked another language: the caller opens a new wizard in it.
        self.restart_in_language: str | None = None
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("RuralCouncil: first start"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Create the ledger"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        self.village_page = VillagePage()
        self.admin_page = AdministratorPage()
        self.addPage(self.village_page)
        self.addPage(self.admin_page)
        values = values or WizardValues(village=village)
        self.village_page.village.setText(values.village)
        self.village_page.council.set_kind(values.council_kind, values.council_name)
        self.admin_page.user_name.setText(values.admin)
        self.admin_page.full_name.setText(values.full_name)
        self.village_page.language.currentIndexChanged.connect(self._language_chosen)
        self.resize(680, 500)

    def _language_chosen(self) -> None:
        lang = str(self.village_page.language.currentData())
        if lang == i18n.language():
            return
        i18n.save_preferred_language(lang)
        self.restart_in_language = lang
        self.reject()

    def values(self) -> WizardValues:
        council = self.village_page.council
        return WizardValues(
            village=self.village_page.village.text(),
            council_kind=council.kind(),
            council_name=council.custom_name.text(),
            admin=self.admin_page.user_name.text(),
            full_name=self.admin_page.full_name.text(),
        )

    @property
    def admin_name(self) -> str:
        return self.admin_page.user_name.text().strip()

    def create_ledger(self) -> str:
        """Create the ledger file; returns "" or the reason it was refused."""
        council = self.village_page.council
        try:
            ledger = setup.init_ledger(
                self.path,
                village=self.village_page.village.text(),
                admin=self.admin_page.user_name.text().strip(),
                password=self.admin_page.password.text(),
                council_kind=council.kind().value,
                council_name=council.name(),
                admin_full_name=self.admin_page.full_name.text(),
            )
        except LedgerError as exc:
            return str(exc)
        except OSError as exc:  # e.g. a folder the user may not write to
            return _("The ledger could not be created at {path}: {error}").format(
                path=self.path, error=exc.strerror or exc
            )
        # The window opens the file again the normal way, with its own lock.
        ledger.close()
        self.created = True
        return ""
