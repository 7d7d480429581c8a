"""Make the screenshots in this folder from the real window on the demo village.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py [--lang kk|ru|en]

Everything happens in a temporary folder (ledger, settings, preferences), so the user's own
ledger and window settings are never touched. Each picture is the real widget, drawn with the
shipped font, at the size of a common village PC screen (1366x768 less the taskbar).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WINDOW_SIZE = (1366, 740)
SETTLE_MS = 300  # time for queued layouts, worker results and repaints after a page is shown
TIMEOUT_MS = 60_000

# Rows of a file a clerk might really bring: line 2 is fine, the others each have a mistake.
REFUSED_CSV = """date,type,amount,category,fund,account,to_account,counterparty,description
2025-03-02,receipt,15000,TAX-LAND,GENERAL,BANK,,Омаров Б.,Жер салығы
2025-02-30,receipt,8000,TAX-LAND,GENERAL,BANK,,Қасымов Д.,Жер салығы
2025-03-05,payment,"1,500",ROADS,GENERAL,CASH,,ТОО «Жол»,Жол жөндеу
2025-03-06,receipt,2000,NO-SUCH-CODE,GENERAL,CASH,,Иванов П.,Айыппұл
2025-03-07,transfer,50000,,GENERAL,BANK,BANK,,Кассаға
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="kk", choices=["kk", "ru", "en"])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ruralcouncil-screenshots-"))
    # Before Qt or the program read them: settings, preferences and data in the temp folder.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["RURALCOUNCIL_LANG"] = args.lang
    sys.path.insert(0, str(ROOT))
    try:
        return Screenshots(work, out, args.lang).run()
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Screenshots:
    def __init__(self, work: Path, out: Path, lang: str) -> None:
        from ruralcouncil import i18n
        from ruralcouncil.gui import app

        self.work, self.out, self.lang = work, out, lang
        self.qapp = app.ensure_application()
        i18n.set_language(lang)
        app.install_qt_translations(self.qapp, lang)

    # --- waiting without a processEvents loop ---------------------------------------------

    def wait_until(self, done: Callable[[], bool], what: str) -> None:
        """Run the event loop until ``done()`` holds (checked by a timer), then let it settle."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        check = QTimer()
        check.setInterval(20)
        check.timeout.connect(lambda: loop.quit() if done() else None)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.timeout.connect(loop.quit)
        if not done():
            check.start()
            give_up.start(TIMEOUT_MS)
            loop.exec()
            check.stop()
            give_up.stop()
        if not done():
            raise SystemExit(f"timed out waiting for {what}")
        self.settle()

    def settle(self, ms: int = SETTLE_MS) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(self, widget: object, name: str) -> None:
        path = self.out / name
        if not widget.grab().save(str(path), "PNG"):  # type: ignore[attr-defined]
            raise SystemExit(f"could not write {path}")
        print(f"wrote {path}")

    # --- the pictures ---------------------------------------------------------------------

    def run(self) -> int:
        from ruralcouncil import paths
        from ruralcouncil.ledger import users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo

        # Where ``ruralcouncil --demo`` keeps it, inside the temporary data folder.
        path = paths.demo_ledger_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        ledger = create_demo(path)
        try:
            clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
            admin = users.login(ledger, "admin", DEMO_PASSWORD)
            self.clerk_pages(ledger, clerk)
            self.admin_pages(ledger, admin)
            self.login(ledger)
            self.setup_wizard()
            self.summary_pdf(ledger)
        finally:
            ledger.close()
        return 0

    def main_window(self, ledger: object, user: object) -> object:
        from PySide6.QtCore import Qt

        from ruralcouncil.gui.app import build_main_window_for_smoke_test

        window = build_main_window_for_smoke_test(ledger, user)  # type: ignore[arg-type]
        window.setWindowState(Qt.WindowState.WindowNoState)  # not maximised to a fake screen
        window.resize(*WINDOW_SIZE)
        window.show()
        return window

    def clerk_pages(self, ledger: object, clerk: object) -> None:
        window: object = self.main_window(ledger, clerk)
        dashboard = window.show_page("dashboard")  # type: ignore[attr-defined]
        self.wait_until(lambda: dashboard.chart.plot is not None, "the dashboard chart")
        self.save(window, "dashboard.png")

        page = window.show_page("ledger")  # type: ignore[attr-defined]
        self.wait_until(lambda: "…" not in page.totals.text(), "the ledger totals")
        self.save(window, "ledger.png")

        self.receipt_dialog(window)
        self.import_dialog(window)

        safety = window.show_page("safety")  # type: ignore[attr-defined]
        results: list[object] = []
        safety.verify_finished.connect(results.append)
        safety.verify_now()
        # The page scrolls down to the result, which lists whose records were signed with a
        # password an administrator set (every demo user but the administrator).
        self.wait_until(lambda: bool(results), "verify")
        self.save(window, "safety.png")

        self.change_password_dialog(window)
        window.close()  # type: ignore[attr-defined]

    def change_password_dialog(self, window: object) -> None:
        """The clerk's own new password: an administrator set the one she has."""
        from ruralcouncil.gui.password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(window.context, window)  # type: ignore[attr-defined]
        dialog.old_password.setText("demo-village-2025")
        dialog.new_password.setText("бұл менің өз құпиясөзім")
        dialog.repeat_password.setText("бұл менің өз құпиясөзім")
        dialog.show()
        self.settle()
        self.save(dialog, "change-password.png")
        dialog.reject()

    def receipt_dialog(self, window: object) -> None:
        from PySide6.QtCore import QDate

        from ruralcouncil.gui.entry_dialogs import EntryDialog
        from ruralcouncil.ledger.journal import EntryType

        dialog = EntryDialog(window.context, EntryType.RECEIPT, window)  # type: ignore[attr-defined]
        today = date.today()
        dialog.date.setDate(QDate(today.year, today.month, today.day))
        dialog.category.setCurrentIndex(max(0, dialog.category.findData("RENT-PROPERTY")))
        dialog.amount.setText("185 000")
        dialog.counterparty.setText("ЖК «Береке» (Серікбаев А.)")
        dialog.description.setText("Мәдениет үйінің бөлмесін жалға алу, қараша")
        dialog.reference.setText("КО-214")
        dialog.show()
        self.settle()
        self.save(dialog, "receipt-dialog.png")
        dialog.reject()

    def import_dialog(self, window: object) -> None:
        csv = self.work / "2025-land-tax.csv"
        csv.write_text(REFUSED_CSV, encoding="utf-8")
        dialog = window.open_import_dialog()  # type: ignore[attr-defined]
        finished: list[object] = []
        dialog.import_finished.connect(finished.append)
        dialog.set_path(csv)
        dialog.start_import()
        self.wait_until(lambda: bool(finished), "the import")
        self.save(dialog, "import.png")
        dialog.reject()

    def admin_pages(self, ledger: object, admin: object) -> None:
        window: object = self.main_window(ledger, admin)
        for key in ("users", "settings", "audit"):
            window.show_page(key)  # type: ignore[attr-defined]
            self.settle()
            self.save(window, f"{key}.png")
        window.close()  # type: ignore[attr-defined]

    def login(self, ledger: object) -> None:
        from ruralcouncil.gui.login_dialog import LoginDialog

        dialog = LoginDialog(ledger, user_name="aigerim")  # type: ignore[arg-type]
        dialog.show()
        self.settle()
        self.save(dialog, "login.png")
        dialog.reject()

    def setup_wizard(self) -> None:
        from ruralcouncil.gui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.work / "new-village.ruralcouncil")
        wizard.show()
        self.settle()
        self.save(wizard, "setup.png")
        wizard.reject()

    def summary_pdf(self, ledger: object) -> None:
        from ruralcouncil.reports.summary_pdf import render_summary_pdf

        year = date.today().year - 1  # the demo's previous, full year
        pdf = render_summary_pdf(ledger.conn, year, self.work / "summary.pdf", lang=self.lang)  # type: ignore[attr-defined]
        if shutil.which("pdftoppm") is None:
            print("pdftoppm is missing (poppler-utils): summary-pdf.png was not made")
            return
        stem = self.work / "summary-page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        shutil.copyfile(stem.with_suffix(".png"), self.out / "summary-pdf.png")
        print(f"wrote {self.out / 'summary-pdf.png'}")
        self.pdf_viewer(pdf)

    def pdf_viewer(self, pdf: Path) -> None:
        """The same report inside the program, as Print… and Save a copy… show it."""
        from ruralcouncil.gui.pdf_viewer import PdfViewer

        viewer = PdfViewer(pdf)
        viewer.resize(900, 740)
        viewer.show()
        self.wait_until(viewer.loaded, "the PDF viewer")
        self.save(viewer, "pdf-viewer.png")
        viewer.close()


if __name__ == "__main__":
    sys.exit(main())
