"""Start the desktop program: fonts, language, first-run setup, open, log in, main window.

Each step is its own function so tests can run it without a blocking ``exec()``.
Start-up stays light: reportlab, pyqtgraph and numpy are imported by the pages that need
them, when they are first shown (the dashboard's chart only after the window has been
painted), and what only some starts need is imported where it is used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

# The Qt-free modules every start needs before its login dialog come first. Among them what
# the first use of ``paths`` loads (platformdirs: the chosen language, the last user and the
# window's size are kept in the user's settings folder) and the ledger's lock (the window
# opens the ledger for writing). What the main window needs beyond them loads while the
# login's key is derived on the other core (prepare_main_window), where it costs no wait.
# isort: off
import platformdirs  # noqa: F401

from ruralcouncil import __version__, i18n, paths
from ruralcouncil.ledger import lock, settings, users  # noqa: F401

from PySide6.QtWidgets import QApplication, QDialog

# Next, before the rest of the window's code: PySide6 would read the source file of each
# module an import names after it (feature_scan says why, and why it need not).
from ruralcouncil.gui import feature_scan  # noqa: F401

# isort: on
from ruralcouncil.gui import collector, fonts, messages, preferences
from ruralcouncil.gui.window_icon import show_window_icon
from ruralcouncil.i18n import _
from ruralcouncil.ledger import keys, storage
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

# QMainWindow's Python type is built by the main window's code, which loads while the
# login's key is derived: not named here, before the login dialog.
if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QMainWindow

    from ruralcouncil.gui.login_dialog import LoginDialog
    from ruralcouncil.gui.session import Session

EXIT_OK = 0
EXIT_REFUSED = 2

_qt_translator: QTranslator | None = None  # kept alive as long as the application


def prepare_main_window() -> None:
    """The main window's code and its first page's (and the Qt enums their import builds),
    loaded while the password is typed or its key derived; and the program's icon, if the
    login dialog has not set it yet."""
    import ruralcouncil.gui.dashboard_page
    import ruralcouncil.gui.main_window  # noqa: F401

    show_window_icon()


# A login is followed by the main window: loaded while the password's key is derived.
keys.prepare_while_deriving(prepare_main_window)


def ensure_application() -> QApplication:
    """The one QApplication, created with the shipped font the first time."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setApplicationName("RuralCouncil")
    QApplication.setOrganizationName("RuralCouncil")
    QApplication.setApplicationVersion(__version__)
    # No setApplicationDisplayName: Qt would add " — RuralCouncil" to every window's title
    # bar, the main window's title already starts with it (the display name defaults to the
    # application name anyway).
    if sys.platform.startswith("linux"):
        # The desktop matches the window to ruralcouncil.desktop (its name and icon).
        QApplication.setDesktopFileName("ruralcouncil")
    app = QApplication(sys.argv[:1])
    # The icon is set once the first window is painted (gui/window_icon.py says why).
    collector.install(app)  # garbage is collected on this thread, never in a worker's
    fonts.install_application_font(app)
    return app


def install_qt_translations(app: QApplication, lang: str) -> None:
    """Qt's own texts (file dialogs, standard buttons) in the chosen language; the previous
    language's are taken away first (the language can change while the program runs)."""
    global _qt_translator
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if lang == "en":
        return
    # By file name, not by QLocale: the first use of QLocale builds Python enums of every
    # language, country and script Qt knows, a noticeable wait at every start. Qt looks
    # for qtbase_ru_KZ.qm, then qtbase_ru.qm, as it would for the locale.
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{i18n.locale_name(lang)}", folder):
        app.installTranslator(translator)
        _qt_translator = translator


def ledger_path(db_path: Path | None, demo: bool) -> Path:
    if db_path is not None:
        return db_path
    return paths.demo_ledger_path() if demo else paths.default_ledger_path()


def prepare_demo(path: Path) -> str | None:
    """Create the demo ledger if it is missing; returns an error text or None."""
    if path.resolve() == paths.default_ledger_path().resolve():
        return _("The demo may not be written over the real ledger {path}.").format(path=path)
    if path.exists():
        return None
    from PySide6.QtCore import Qt

    from ruralcouncil.gui import worker  # here, not at import: few starts run long work
    from ruralcouncil.ledger.demo import create_demo

    # Building two years of demo entries takes a while on an old PC: in a worker, with a
    # busy window, so the screen never freezes.
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        worker.run_and_wait(
            lambda: create_demo(path).close(), _("Building the demo village… Please wait.")
        )
    except LedgerError as exc:
        return str(exc)
    except OSError as exc:
        return _("The demo ledger could not be created at {path}: {error}").format(
            path=path, error=exc.strerror or exc
        )
    finally:
        QApplication.restoreOverrideCursor()
    return None


def open_for_window(path: Path) -> tuple[Ledger | None, str | None]:
    """Open the ledger for writing: (ledger, None), or (None, why it cannot be used)."""
    try:
        return storage.open_ledger(path, write=True, purpose="window"), None
    except LedgerError as exc:  # another copy, not a ledger, too new, read-only...
        return None, str(exc)
    except OSError as exc:
        return None, _("The ledger {path} cannot be opened: {error}").format(
            path=path, error=exc.strerror or exc
        )


def demo_hint() -> str:
    from ruralcouncil.ledger.demo import DEMO_PASSWORD

    # On a line of its own: a password broken at its hyphen is easy to mistype.
    return _("Demo village: log in as admin with this password:") + f"<br><b>{DEMO_PASSWORD}</b>"


def build_main_window(ledger: Ledger, user: User) -> QMainWindow:
    from ruralcouncil.gui.context import AppContext
    from ruralcouncil.gui.main_window import MainWindow

    context = AppContext(ledger, user)
    window = MainWindow(context)
    context.setParent(window)  # lives as long as the window
    return window


def start_session(
    ledger: Ledger, user: User, *, demo_hint: str = "", ahead: WindowAhead | None = None
) -> Session:
    """The session on the open ledger, with the window of the user who logged in shown: the
    one ``ahead`` built during the login, if it was built for them."""
    session = (ahead or WindowAhead(ledger, demo_hint)).session()
    session.open_window(user)
    return session


class WindowAhead:
    """The start's session and its main window, built while the login's key is derived.

    The login checks the chain's record of the user first, then waits about 50 ms for the
    key, with the main thread free: the window of the user the chain names is built then
    (``users.login``'s ``meanwhile``), unseen, and shown as soon as the password opens their
    key. The wait after "Log in" is then the key's, without the window's build after it. A
    wrong password discards the window (:meth:`discard`) before the dialog asks again."""

    def __init__(self, ledger: Ledger, demo_hint: str = "") -> None:
        self.ledger = ledger
        self.demo_hint = demo_hint
        self._session: Session | None = None

    def session(self) -> Session:
        """The start's session, made the first time it is asked for."""
        if self._session is None:
            # The session's and the window's code: loaded beside the login's key derivation
            # (with the main window's, which needs them), not before the login dialog.
            from ruralcouncil.gui.session import Session

            self._session = Session(self.ledger, demo_hint=self.demo_hint)
        return self._session

    def build(self, user: User) -> None:
        """The window of ``user`` as the chain names them (no key yet), built, not shown."""
        self.session().prepare_window(user)

    def discard(self) -> None:
        """The login failed: the window built for it goes, unseen."""
        if self._session is not None:
            self._session.discard_prepared()


def login_dialog_for(ledger: Ledger, *, demo: bool, admin: str = "") -> LoginDialog:
    """The start's login dialog: for the demo, its administrator with the demo's password
    shown; after a first-run setup, the new administrator (``admin``); else whoever logged
    in last on this PC."""
    from ruralcouncil.gui.login_dialog import LoginDialog

    if demo:
        hint = demo_hint()
        return LoginDialog(ledger, user_name="admin", hint=hint, ahead=WindowAhead(ledger, hint))
    return LoginDialog(
        ledger, user_name=admin or preferences.last_user_name(), ahead=WindowAhead(ledger)
    )


def after_login(ledger: Ledger, login: LoginDialog, *, demo: bool) -> Session:
    """What follows the start's login: what an upgrade did, then the session with the main
    window shown. Once the window is painted, who logged in is remembered for the next
    start and the PC's clock is checked against the ledger (``Session.check_clock``):
    neither keeps the window from the screen."""
    user = login.user
    assert user is not None, "after_login follows an accepted login"
    if login.upgraded:
        from ruralcouncil.gui.login_dialog import upgrade_note

        messages.show_info(None, upgrade_note(ledger, login.upgraded_from))
    session = start_session(ledger, user, demo_hint=demo_hint() if demo else "", ahead=login.ahead)
    window = session.window
    assert window is not None
    if not demo:
        window.first_painted.connect(lambda: preferences.remember_user_name(user.name))
    window.first_painted.connect(session.check_clock)
    return session


def build_main_window_for_smoke_test(ledger: Ledger, user: User) -> QMainWindow:
    """The main window on an open ledger, without any dialog (for ``--smoke-test``)."""
    ensure_application()
    return build_main_window(ledger, user)


def _show_unexpected(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Anything a page did not expect: print it and tell the user instead of vanishing."""
    import traceback

    text = "".join(traceback.format_exception(kind, error, tb))
    print(text, file=sys.stderr)
    # For the error dialog's details (messages.show_error); no exception type declares it.
    error.__traceback_text__ = text  # type: ignore[attr-defined]
    show_window_icon()
    messages.show_error(None, error, _("Unexpected error"))


def read_only_medium_text() -> str:
    """Why a portable copy on a locked stick or a CD does not open its window."""
    from datetime import date

    return _(
        "This portable copy of RuralCouncil is on a medium that cannot be written to (a "
        "write-protected USB stick, a CD, or a folder you may not change): {folder}. The "
        "ledger could not be saved there, so the program does not start.\n\n"
        "Unlock the stick, or copy the whole RuralCouncil folder to this computer and start it "
        "from there. To read the ledger without changing it, use the read-only commands, for "
        "example: ruralcouncil summary --year {year}, ruralcouncil verify."
    ).format(folder=paths.program_dir(), year=date.today().year)


def run_setup(app: QApplication, path: Path) -> str | None:
    """The first-run wizard, reopened in the language the user picks with everything typed
    so far kept (never the password); the admin's name."""
    from ruralcouncil.gui.setup_wizard import SetupWizard, WizardValues

    values = WizardValues()
    while True:
        wizard = SetupWizard(path, values=values)
        accepted = wizard.exec() == QDialog.DialogCode.Accepted
        if wizard.restart_in_language is None:
            return wizard.admin_name if accepted and wizard.created else None
        i18n.set_language(wizard.restart_in_language)
        install_qt_translations(app, wizard.restart_in_language)
        values = wizard.values()


def _refuse(text: str, title: str) -> int:
    """A start that cannot go on: why, in the program's first (and only) window."""
    show_window_icon()
    messages.show_error(None, text, title)
    return EXIT_REFUSED


def run_gui(db_path: Path | None, demo: bool = False, lang: str | None = None) -> int:
    """The desktop program; returns the process exit status. ``lang``: this run's language
    (``--lang``), the saved preference left as it was; None: that preference."""
    app = ensure_application()
    lang = lang or i18n.load_preferred_language()
    i18n.set_language(lang)
    install_qt_translations(app, lang)
    sys.excepthook = _show_unexpected
    if paths.portable_on_read_only_medium():
        return _refuse(read_only_medium_text(), _("RuralCouncil"))

    path = ledger_path(db_path, demo)
    admin = ""  # after a first-run setup, the login starts with the new administrator's name
    if demo or not path.exists():
        show_window_icon()  # the demo's busy window or the setup comes before the login
    if demo:
        problem = prepare_demo(path)
        if problem:
            return _refuse(problem, _("RuralCouncil"))
    elif not path.exists():
        created_by = run_setup(app, path)
        if created_by is None:
            return EXIT_OK
        admin = created_by

    ledger, problem = open_for_window(path)
    if ledger is None:
        return _refuse(problem or "", _("The ledger cannot be opened"))
    try:
        login = login_dialog_for(ledger, demo=demo, admin=admin)
        if login.exec() != QDialog.DialogCode.Accepted or login.user is None:
            return EXIT_OK
        # Kept for as long as the program runs: log-outs and a new language replace the
        # window, never the open ledger.
        session = after_login(ledger, login, demo=demo)
        status = int(app.exec())
        session.window = None
        return status
    finally:
        ledger.close()
