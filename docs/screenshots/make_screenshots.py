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
from typing import Any

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
            self.council_pages(ledger, admin)
            self.requests_pages(ledger, admin)
            self.community_pages(ledger)
            self.register_pages(ledger)
            self.reports_pages(ledger)
            self.login(ledger)
            self.setup_wizard()
            self.summary_pdf(ledger)
            self.district_page(ledger)
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

    # --- the council (issue 8): the demo has none, so a small one is built here -----------

    def council_pages(self, ledger: Any, admin: Any) -> None:
        """The budget and meetings pages, the confirm dialog and the minutes: on the demo's
        council when it has one, else on a small one built here through the core."""
        from ruralcouncil.ledger import meetings, users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD

        held = meetings.meetings(ledger.conn, date.today().year)
        meeting = held[0].id if held else build_council(ledger, admin)
        chair = users.login(ledger, "serik", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, chair)
        budget_page = window.show_page("budget")
        self.settle()
        self.save(window, "budget.png")
        # Further down the page: the chart (built once in sight) and the versions.
        area = window._areas["budget"]
        area.ensureWidgetVisible(budget_page.chart_group, 0, 0)
        self.wait_until(lambda: budget_page.chart.plot is not None, "the budget chart")
        # The chart at the top of the view, the versions under it.
        area.verticalScrollBar().setValue(budget_page.chart_group.y())
        self.settle()
        self.save(window, "budget-chart.png")
        meetings_page = window.show_page("meetings")
        meetings_page.select_meeting(meeting)
        self.settle()
        self.save(window, "meetings.png")
        self.confirm_dialog(window)
        window.close()
        self.minutes_pdf(ledger, meeting)

    def confirm_dialog(self, window: Any) -> None:
        """A member confirming with their own password while the chair is logged in."""
        from ruralcouncil.gui.meeting_dialogs import ConfirmDialog
        from ruralcouncil.ledger import meetings

        context, year = window.context, date.today().year
        waiting = [r for r in meetings.resolutions(context.ledger.conn, year) if not r.confirmed_by]
        if not waiting:  # every one is confirmed: one more at the last meeting, as recorded
            last = meetings.meetings(context.ledger.conn, year)[-1]
            meetings.add_resolution(
                context.ledger,
                context.user,
                last.id,
                "other",
                "Мектеп жанынан жаңа спорт алаңы салынсын.",
                [context.user.name],
            )
            waiting = [
                r for r in meetings.resolutions(context.ledger.conn, year) if not r.confirmed_by
            ]
        dialog = ConfirmDialog(context, waiting, None, window)
        dialog.password.setText("********")
        dialog.show()
        self.settle()
        self.save(dialog, "confirm-resolution.png")
        dialog.reject()

    def minutes_pdf(self, ledger: Any, meeting: int) -> None:
        from ruralcouncil.reports.minutes import render_minutes_pdf

        pdf = self.work / "minutes.pdf"
        render_minutes_pdf(ledger, meeting, pdf, lang=self.lang)
        if shutil.which("pdftoppm") is None:
            print("pdftoppm is missing (poppler-utils): minutes-pdf.png was not made")
            return
        stem = self.work / "minutes-page"
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
        shutil.copyfile(stem.with_suffix(".png"), self.out / "minutes-pdf.png")
        print(f"wrote {self.out / 'minutes-pdf.png'}")

    # --- spending requests and parties (issue 8), after the council above ------------------

    def requests_pages(self, ledger: Any, admin: Any) -> None:
        """Requests in every state, as the chair and the clerk see them; the approval dialog;
        the register of parties. Built through the core on whatever council there is."""
        from ruralcouncil.gui.approve_dialog import ApproveDialog
        from ruralcouncil.gui.requests_model import Show
        from ruralcouncil.ledger import spending, users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD

        made = build_requests(ledger, admin, self.work)
        chair = users.login(ledger, "serik", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, chair)
        page = window.show_page("requests")
        page.select_request(made["waiting"])
        self.settle()
        self.save(window, "requests.png")
        request = spending.get(ledger.conn, made["waiting"])
        dialog = ApproveDialog(window.context, request, window)
        dialog.password.setText("********")
        dialog.show()
        self.settle()
        self.save(dialog, "approve-dialog.png")
        dialog.reject()
        window.close()

        clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
        window = self.main_window(ledger, clerk)
        page = window.show_page("requests")
        page.set_filter(Show.APPROVED)
        page.select_request(made["voted"])
        self.settle()
        self.save(window, "requests-clerk.png")
        window.show_page("parties")
        self.settle()
        self.save(window, "parties.png")
        window.close()

    # --- community money (issue 9): the demo's gifts and its playground salma -----------------

    def community_pages(self, ledger: Any) -> None:
        """The donations page as the chair sees it, the held gift chosen; the projects page on
        the demo's salma, a household that paid in two parts chosen, its chart painted."""
        from ruralcouncil.ledger import donations, projects, users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD

        chair = users.login(ledger, "serik", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, chair)
        page = window.show_page("donations")
        held = [d for d in donations.donations(ledger.conn) if d.held]
        if held:
            page.set_year(int(held[0].date[:4]))
            page.select_donation(held[0].id)
        self.settle()
        self.save(window, "donations.png")
        window.close()

        clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
        window = self.main_window(ledger, clerk)
        page = window.show_page("projects")
        found = projects.projects(ledger.conn)
        if found:
            page.select_project(found[-1].id)
            parts = [c.household_id for c in projects.contributions(ledger.conn, found[-1].id)]
            twice = [h for h in parts if parts.count(h) > 1]
            if twice:
                page.select_household(twice[0])
        self.settle(1500)  # the chart is drawn after the first paint
        self.save(window, "projects.png")
        window.close()

    # --- the registers (issue 10): the demo's subsidies, credit, lettings and fines ---------

    def register_pages(self, ledger: Any) -> None:
        """Each register's page as the clerk sees it, its first item chosen."""
        from ruralcouncil.ledger import users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD

        clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, clerk)
        for key in ("subsidies", "loans", "assets", "fines"):
            window.show_page(key)
            self.settle()
            self.save(window, f"{key}.png")
        window.close()

    # --- the reports (issue 11): the report to residents made and shown, a code checked -----

    def reports_pages(self, ledger: Any) -> None:
        """The reports page as the clerk sees it, the last full year's report to residents
        made and shown; the check of that report's code."""
        from datetime import date

        from ruralcouncil import i18n
        from ruralcouncil.gui.code_check import CodeCheckDialog
        from ruralcouncil.gui.reports_page import DOCUMENT_NAMES, Document
        from ruralcouncil.ledger import users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD

        clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, clerk)
        page = window.show_page("reports")
        wanted = i18n._(DOCUMENT_NAMES[Document.TRANSPARENCY])
        for row in range(page.documents.count()):
            if page.documents.item(row).text() == wanted:
                page.documents.setCurrentRow(row)
        year = date.today().year - 1
        if page.year_box.findData(year) >= 0:
            page.year_box.choose(year)
        made: list[object] = []
        page.made.connect(made.append)
        page.make()
        self.wait_until(lambda: bool(made), "the report to residents")
        self.settle(800)
        self.save(window, "reports.png")
        dialog = CodeCheckDialog(page.context, window, code=page.code)
        dialog.show()
        checked: list[object] = []
        dialog.checked.connect(checked.append)
        dialog.check()
        self.wait_until(lambda: bool(checked), "the code's check")
        self.settle()
        self.save(dialog, "code-check.png")
        dialog.close()
        window.close()

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

    # --- the district (issue 13): a store of three demo villages on the district page ------

    def district_page(self, ledger: Any) -> None:
        """Three demo villages (made a year apart, renamed) and a file that is no ledger,
        consolidated into a store the district page shows; the oldest village chosen."""
        try:
            import duckdb  # noqa: F401  (an optional extra)
        except ImportError:
            print('DuckDB is missing (pip install "ruralcouncil[district]"): no district.png')
            return
        from ruralcouncil.district.consolidate import consolidate
        from ruralcouncil.district.store import open_store
        from ruralcouncil.ledger import settings, users
        from ruralcouncil.ledger.demo import DEMO_PASSWORD, create_demo

        folder = self.work / "district"
        folder.mkdir()
        today = date.today()
        names = ("Ақсу ауылдық округі", "Бірлік ауылдық округі", "Жаңаарқа ауылдық округі")
        paths = []
        for n, name in enumerate(names):
            path = folder / f"village-{n}.ruralcouncil"
            village = create_demo(path, today=today.replace(year=today.year - n, day=1))
            try:
                admin = users.login(village, "admin", DEMO_PASSWORD)
                settings.change(village, admin, settings.VILLAGE_NAME, name)
            finally:
                village.close()
            paths.append(path)
        foreign = folder / "copy-from-stick.ruralcouncil"
        foreign.write_text("not a ledger " * 40, encoding="utf-8")
        store = folder / "district.duckdb"
        with open_store(store, write=True) as made:
            consolidate(made, [*paths, foreign])
        admin = users.login(ledger, "admin", DEMO_PASSWORD)
        window: Any = self.main_window(ledger, admin)
        page = window.show_page("district")
        # The year before last: the oldest village's return for it is not final yet.
        page.year_box.choose(today.year - 2)
        page.open_store_at(store)  # read in a worker
        self.wait_until(lambda: page.reading is not None, "the district store")
        page.villages_table.selectRow(len(names) - 1)
        self.settle()
        self.save(window, "district.png")
        window.close()

    def pdf_viewer(self, pdf: Path) -> None:
        """The same report inside the program, as Print… and Save a copy… show it."""
        from ruralcouncil.gui.pdf_viewer import PdfViewer

        viewer = PdfViewer(pdf)
        viewer.resize(900, 740)
        viewer.show()
        self.wait_until(viewer.loaded, "the PDF viewer")
        self.save(viewer, "pdf-viewer.png")
        viewer.close()


def build_council(ledger: Any, admin: Any) -> int:
    """Through the core, as people would: two more members, a January meeting adopting this
    year's budget (appropriations above what the demo has paid), and a September meeting
    with a virement, a rule, an item that failed and one left unconfirmed. Returns the
    September meeting's id."""
    from ruralcouncil.ledger import budget, meetings, users
    from ruralcouncil.ledger.classification import EXPENDITURE
    from ruralcouncil.ledger.demo import DEMO_PASSWORD

    known = {user.name for user, _active in users.list_users(ledger)}
    for name, full_name in (("marat", "Марат Әбенов"), ("gulnar", "Гүлнар Сейітова")):
        if name not in known:
            users.add_user(ledger, admin, name, "member", DEMO_PASSWORD, full_name)
    chair = users.login(ledger, "serik", DEMO_PASSWORD)
    dana = users.login(ledger, "dana", DEMO_PASSWORD)
    year = date.today().year
    everyone = ["serik", "dana", "marat", "gulnar"]
    january = meetings.open_meeting(
        ledger,
        chair,
        min(date(year, 1, 22), date.today()),
        everyone,
        secretary="dana",
        agenda=f"1. {year} жылғы бюджетті бекіту\n2. Әртүрлі",
    )
    adopt = meetings.add_resolution(
        ledger,
        chair,
        january,
        f"budget:{year}",
        f"{year} жылғы ауыл бюджеті ұсынылған түрінде бекітілсін.",
        ["serik", "dana", "marat"],
        ["gulnar"],
    )
    meetings.confirm(ledger, dana, adopt)
    # Appropriations above what was paid, estimates above what came in; whole thousands.
    lines = budget.show(ledger.conn, year)
    rows, spent = [], []
    for line in lines:
        used = line.paid + line.committed if line.kind == EXPENDITURE else line.received
        amount = (used * 13 // 10 // 100_000 + 1) * 1000
        rows.append(f"{line.category},{line.fund},{amount}")
        if line.kind == EXPENDITURE:
            spent.append((amount * 100 - used, line.category, line.fund, amount))
    budget.adopt(ledger, chair, year, ("category,fund,amount\n" + "\n".join(rows)).encode(), adopt)

    september = meetings.open_meeting(
        ledger,
        chair,
        min(date(year, 9, 16), date.today()),
        ["serik", "dana", "marat"],
        secretary="dana",
        agenda="1. Қаражатты бағдарламалар арасында ауыстыру\n2. Кворум\n3. Жаңа спорт алаңы",
    )
    virement = meetings.add_resolution(
        ledger,
        chair,
        september,
        f"virement:{year}",
        "Жол жөндеуге қосымша қаражат бөлінсін.",
        ["serik", "dana", "marat"],
    )
    meetings.confirm(ledger, dana, virement)
    # From the line with the most room to the one with the least, 10 000 tenge.
    spent.sort()
    (_r, to_code, to_fund, to_amount), (_s, from_code, from_fund, from_amount) = spent[0], spent[-1]
    moved = {(to_code, to_fund): to_amount + 10_000, (from_code, from_fund): from_amount - 10_000}
    changed = [
        f"{code},{fund},{moved.get((code, fund), int(amount))}"
        for code, fund, amount in (row.split(",") for row in rows)
    ]
    budget.adopt(
        ledger, chair, year, ("category,fund,amount\n" + "\n".join(changed)).encode(), virement
    )
    rule = meetings.add_resolution(
        ledger,
        chair,
        september,
        "rules:quorum=2/3",
        "Кворум отырыстағы мүшелердің үштен екісінен көп болсын.",
        ["serik", "dana"],
        abstain=["marat"],
    )
    meetings.confirm(ledger, users.login(ledger, "marat", DEMO_PASSWORD), rule)
    meetings.set_rule(ledger, chair, "quorum", "2/3", rule)
    meetings.add_resolution(
        ledger,
        chair,
        september,
        "other",
        "Мектеп жанынан жаңа спорт алаңы салынсын.",
        ["serik"],
        ["dana", "marat"],
    )
    return september


def _demo_scan(path: Path, lines: list[str]) -> bytes:
    """A one-page PDF standing in for a scanned invoice or quote."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A5),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
        )
    )
    painter = QPainter(writer)
    painter.setFont(QFont("DejaVu Sans", 11))
    step = writer.resolution() // 3
    for row, line in enumerate(lines):
        painter.drawText(0, step * (row + 1), line)
    painter.end()
    return path.read_bytes()


def _demo_photo() -> bytes:
    """A picture standing in for a phone's photo of a handwritten quote."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(900, 600, QImage.Format.Format_RGB32)
    image.fill(QColor(246, 242, 230))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 22))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, "Баға ұсынысы\n60 000 ₸")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    return bytes(data.data())


def build_requests(ledger: Any, admin: Any, work: Path) -> dict[str, int]:
    """Parties, an interest and five requests through the core: one voted on at a meeting,
    approved and half paid; one the chair approved alone and paid; one waiting for the
    chair, one for a meeting, one withdrawn. Amounts fit what the budget lines have left."""
    from datetime import timedelta

    from ruralcouncil.ledger import budget, council, journal, meetings, spending, users
    from ruralcouncil.ledger.demo import DEMO_PASSWORD
    from ruralcouncil.ledger.journal import EntryType, NewEntry

    conn = ledger.conn
    clerk = users.login(ledger, "aigerim", DEMO_PASSWORD)
    chair = users.login(ledger, "serik", DEMO_PASSWORD)
    dana = users.login(ledger, "dana", DEMO_PASSWORD)
    today = date.today()
    year = today.year

    def ago(days: int) -> date:
        return max(date(year, 1, 1), today - timedelta(days=days))

    def fit(code: str, wanted: int) -> int:
        left = budget.remaining(conn, year, code, "GENERAL")
        amount = wanted if left is None else min(wanted, left * 6 // 10)
        return max(amount // 100_000 * 100_000, 1_000_00)

    known = {p.name: p.id for p in council.parties(conn)}  # the demo's own, if it has some

    def party(name: str, kind: str, number: str = "") -> int:
        return known.get(name) or council.add_party(ledger, clerk, name, kind, number)

    road = party("«Жол-Құрылыс» ЖШС", "business", "180440012345")
    shop = party("ЖК «Береке» (Серікбаев А.)", "business")
    person = party("Омаров Бауыржан", "person", "750312300456")
    party("«Ақсу орта мектебі» КММ", "organisation", "990540001122")
    if not any(i.party_id == shop and i.member == "dana" for i in council.interests(conn)):
        council.declare_interest(ledger, dana, "dana", shop, "Ағасы — дүкен иесі", ago(60))

    quote = _demo_scan(
        work / "quote.pdf",
        ["«Жол-Құрылыс» ЖШС", "Баға ұсынысы № 47", "Қиыршық тас, 120 т", "Жеткізу және төсеу"],
    )
    voted = spending.draft(
        ledger,
        clerk,
        road,
        "ROADS",
        "GENERAL",
        fit("ROADS", 850_000_00),
        "Мектеп жолына қиыршық тас төсеу (1,2 км)",
        [("ұсыныс-47.pdf", quote)],
        ago(30),
    )
    present = [name for _id, name in council.sitting_members(conn)]
    meeting = meetings.open_meeting(
        ledger, chair, ago(20), present, secretary="dana", agenda="1. Мектеп жолы"
    )
    ref = meetings.add_resolution(
        ledger,
        chair,
        meeting,
        f"request:{voted}",
        "Мектеп жолына қиыршық тас сатып алынсын.",
        present,
    )
    meetings.confirm(ledger, dana, ref)
    spending.approve(ledger, users.login(ledger, "serik", DEMO_PASSWORD), voted, ref)
    half = spending.get(conn, voted).amount // 2 // 100_000 * 100_000
    journal.record(
        ledger,
        clerk,
        NewEntry(
            ago(10),
            EntryType.PAYMENT,
            half,
            "ROADS",
            "GENERAL",
            "BANK",
            description="Қиыршық тас, 1-төлем",
            reference="ТТ-311",
        ),
        request_id=voted,
    )

    alone = spending.draft(
        ledger,
        clerk,
        shop,
        "BUILDINGS",
        "GENERAL",
        fit("BUILDINGS", 45_000_00),
        "Мәдениет үйіне шаруашылық тауарлары",
        on=ago(25),
    )
    spending.approve(ledger, chair, alone, on=ago(24))
    journal.record(
        ledger,
        clerk,
        NewEntry(
            ago(22),
            EntryType.PAYMENT,
            spending.get(conn, alone).amount,
            "BUILDINGS",
            "GENERAL",
            "BANK",
            description="Шаруашылық тауарлары",
            reference="ТТ-305",
        ),
        request_id=alone,
    )
    waiting = spending.draft(
        ledger,
        clerk,
        person,
        "SANITATION",
        "GENERAL",
        fit("SANITATION", 60_000_00),
        "Қыс бойы көшелерді қардан тазалау (трактормен)",
        [("ұсыныс.jpg", _demo_photo())],
        ago(3),
    )
    spending.draft(
        ledger,
        clerk,
        road,
        "ROADS",
        "GENERAL",
        fit("ROADS", 240_000_00),
        "Өзен үстіндегі көпірдің қоршауын жөндеу",
        [("смета-52.pdf", _demo_scan(work / "estimate.pdf", ["Смета № 52", "Көпір қоршауы"]))],
        ago(2),
    )
    withdrawn = spending.draft(
        ledger,
        clerk,
        shop,
        "EVENTS",
        "GENERAL",
        fit("EVENTS", 30_000_00),
        "Наурыз мерекесіне сыйлықтар",
        on=ago(40),
    )
    spending.withdraw(ledger, clerk, withdrawn, "Мектеп өз қаражатынан сатып алды", ago(38))
    return {"voted": voted, "alone": alone, "waiting": waiting}


if __name__ == "__main__":
    sys.exit(main())
