"""The reports page (DESIGN §2.7–2.9): choose a document and its period, make it off the GUI
thread, see it here, print it through the system's dialog and save it; check a printed code.

Every document is made by the Qt-free core (``ruralcouncil.reports``), the same functions the
``report ...`` commands call, on a connection of its own in a worker, into this page's own
temporary folder. The annual return's forms (Section 1, variances, the bank reconciliation,
the internal audit, the inspection notice, finalising) open from here, each for the role the
core allows (``gui/return_forms.py``).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.page_parts import action_button, page_title
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import LANGUAGES, N_, _, language
from ruralcouncil.ledger import queries
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import Action
from ruralcouncil.reports.codes import Period


class Document(StrEnum):
    SUMMARY = "summary"
    ANNUAL_RETURN = "annual-return"
    TRANSPARENCY = "transparency"
    POSTER = "poster"
    BUDGET_EXECUTION = "budget-execution"


@dataclass(frozen=True)
class Choice:
    """What a document is made of: which, its period, its language and the second one."""

    document: Document
    period: Period
    lang: str
    alongside: bool  # Russian beside a Kazakh report to residents or poster

    @property
    def file_name(self) -> str:
        return f"{self.document.value}-{self.period.subject.replace('.', '-q')}.pdf"


DOCUMENT_NAMES = {
    Document.SUMMARY: N_("Year summary"),
    Document.ANNUAL_RETURN: N_("Annual return"),
    Document.TRANSPARENCY: N_("Report to residents"),
    Document.POSTER: N_("Notice-board poster"),
    Document.BUDGET_EXECUTION: N_("Budget execution report"),
}
DOCUMENT_NOTES = {
    Document.SUMMARY: N_("Receipts, payments, the annual-return boxes, cash and funds."),
    Document.ANNUAL_RETURN: N_(
        "The limited-assurance annual return: governance statement, accounting statements with "
        "the prior year, variances, bank reconciliation, internal audit, reviewer's page and "
        "the notice of the residents' right to inspect. A draft until the chair finalises it."
    ),
    Document.TRANSPARENCY: N_(
        "For residents, in plain words and large type: the money of the year or a quarter, "
        "charts, every payment over the council's threshold, gifts, projects and decisions."
    ),
    Document.POSTER: N_("One A4 page for the notice board, readable from two metres."),
    Document.BUDGET_EXECUTION: N_(
        "The budget against what was received and paid, by program and fund, for a year, a "
        "quarter or a month."
    ),
}
# Which periods each document takes: a year only, or also a quarter, or also a month.
_QUARTERS = (Document.TRANSPARENCY, Document.BUDGET_EXECUTION)
_MONTHS = (Document.BUDGET_EXECUTION,)
_BILINGUAL = (Document.TRANSPARENCY, Document.POSTER)


def render(ledger: Ledger, choice: Choice, path: Path) -> str:
    """Write the chosen document to ``path``; its verification code. The core's functions,
    imported here: reportlab loads the first time a document is made, never at start-up."""
    period, lang = choice.period, choice.lang
    if choice.document is Document.SUMMARY:
        from ruralcouncil.reports.summary_pdf import render_summary_pdf

        return render_summary_pdf(ledger.conn, period.year, path, lang).code
    if choice.document is Document.ANNUAL_RETURN:
        from ruralcouncil.reports.annual_return import render_annual_return

        return str(render_annual_return(ledger, period.year, path, lang).code)
    if choice.document is Document.TRANSPARENCY:
        from ruralcouncil.reports.transparency import render_transparency

        alongside = "ru" if choice.alongside and lang == "kk" else None
        return render_transparency(ledger, period, path, lang, alongside).code
    if choice.document is Document.POSTER:
        from ruralcouncil.reports.poster import render_poster

        alongside = "ru" if choice.alongside and lang == "kk" else None
        return render_poster(ledger, period.year, path, lang, alongside).code
    from ruralcouncil.reports.budget_execution import render_budget_execution

    return render_budget_execution(ledger, period, path, lang).code


@dataclass(frozen=True)
class ReturnFormSpec:
    key: str
    title: str  # N_() marked
    actions: tuple[Action, ...]  # the roles that may record in it see its button


# The annual return's forms, each opened by return_forms.open_form (loaded at a click: its
# module brings the return's rules and dialogs, which the page itself does not need).
RETURN_FORMS = (
    ReturnFormSpec("governance", N_("Section 1: the council's answers…"), (Action.CHAIR,)),
    ReturnFormSpec("variances", N_("Explain the variances…"), (Action.PREPARE_RETURN,)),
    ReturnFormSpec(
        "reconciliation",
        N_("Bank reconciliation at 31 December…"),
        (Action.PREPARE_RETURN, Action.CHAIR),
    ),
    ReturnFormSpec("audit", N_("Internal audit…"), (Action.INTERNAL_AUDIT,)),
    ReturnFormSpec("inspection", N_("Residents' right to inspect…"), (Action.PREPARE_RETURN,)),
    ReturnFormSpec("finalise", N_("Finalise the return…"), (Action.CHAIR,)),
)


class ReportsPage(QWidget):
    """Choose, make, see, print and save the council's documents; check a printed code."""

    made = Signal(object)  # the written path, or the exception that stopped it
    exported = Signal(object)  # the export's path, or the exception that stopped it

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("reportsPage")
        self._folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-reports-"))
        # The documents made here go with the page (or with the program, at its exit).
        weakref.finalize(self, shutil.rmtree, self._folder, True)
        self._busy = False
        self.code = ""  # the verification code of the document shown
        self.shown_choice: Choice | None = None
        self._outside: Path | None = None  # the document for the PC's viewer, without QtPdf

        self.documents = QListWidget()
        self.documents.setObjectName("documents")
        for document, name in DOCUMENT_NAMES.items():
            item = QListWidgetItem(_(name))
            item.setData(Qt.ItemDataRole.UserRole, document.value)
            self.documents.addItem(item)
        self.documents.setMaximumHeight(130)
        self.documents.currentRowChanged.connect(self._document_changed)
        self.note = QLabel()
        self.note.setObjectName("documentNote")
        self.note.setWordWrap(True)

        self.year_box = YearBox()
        self.year_box.setObjectName("year")
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        self.lang_box = QComboBox()
        self.lang_box.setObjectName("documentLanguage")
        for code, name in LANGUAGES.items():
            self.lang_box.addItem(name, code)
        self.lang_box.setCurrentIndex(max(self.lang_box.findData(language()), 0))
        self.alongside = QCheckBox(_("Russian alongside the Kazakh"))
        self.alongside.setObjectName("alongside")
        self.alongside.setChecked(True)
        self.lang_box.currentIndexChanged.connect(lambda _i: self._enable_alongside())

        self.make_button = action_button(_("Make the document"), "make", self.make)
        self.check_button = action_button(_("Check a printed code…"), "checkCode", self.check)
        self.progress = QProgressBar()
        self.progress.setObjectName("making")
        self.progress.setRange(0, 0)  # busy: a document's pages are not counted ahead
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.code_label = QLabel()
        self.code_label.setObjectName("shownCode")
        self.code_label.setWordWrap(True)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(_("Year"), self.year_box)
        form.addRow(_("Period"), self.period_box)
        form.addRow(_("Language"), self.lang_box)
        form.addRow("", self.alongside)
        choose = QVBoxLayout()
        choose.addWidget(self.documents)
        choose.addWidget(self.note)
        choose.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.progress)
        buttons.addStretch(1)
        choose.addLayout(buttons)
        choose.addWidget(self.check_button)
        self.return_group = self._return_group()
        choose.addWidget(self.return_group)
        if context.may(Action.RECORD):
            choose.addWidget(self._export_group())
        choose.addStretch(1)
        left = QWidget()
        left.setLayout(choose)
        # The choices in a column of their own, the document beside them takes the rest: on a
        # 1366-pixel screen in Kazakh both fit without scrolling sideways.
        left.setMaximumWidth(430)

        self.preview = self._preview_area()
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(page_title(_("Reports")))
        layout.addWidget(splitter, 1)

        self._fill_years()
        self.documents.setCurrentRow(0)
        context.changed.connect(self._fill_years)

    # --- building ---------------------------------------------------------------------

    def _preview_area(self) -> QWidget:
        """The document shown, with Print… and Save a copy…; without Qt's PDF module, a
        button that hands it to the PC's viewer."""
        from ruralcouncil.gui import pdf_viewer

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.code_label)
        self.pane: Any = None
        if pdf_viewer.qtpdf_available():
            self.pane = pdf_viewer.PdfPane(None, box)
            layout.addWidget(self.pane, 1)
        else:
            self.open_button = QPushButton(_("Open in the PC's PDF viewer"))
            self.open_button.setEnabled(False)
            self.open_button.clicked.connect(self._open_outside)
            layout.addWidget(self.open_button)
            layout.addStretch(1)
        return box

    def _return_group(self) -> QGroupBox:
        """The annual return's forms, each offered to the roles the core allows."""
        group = QGroupBox(_("Annual return: what goes into it"))
        group.setObjectName("returnForms")
        layout = QVBoxLayout(group)
        for form in RETURN_FORMS:
            if not any(self.context.may(action) for action in form.actions):
                continue
            button = QPushButton(_(form.title))
            button.setObjectName(form.key)
            button.clicked.connect(lambda _checked=False, key=form.key: self._open_form(key))
            layout.addWidget(button)
        if layout.count() == 0:
            layout.addWidget(QLabel(_("Your role only reads the annual return.")))
        return group

    def _open_form(self, key: str) -> None:
        from ruralcouncil.gui import return_forms

        return_forms.open_form(key, self.context, self._year(), self)

    def _export_group(self) -> QGroupBox:
        group = QGroupBox(_("Export the year's data"))
        group.setObjectName("exports")
        row = QGridLayout(group)
        formats = (
            ("xlsx", _("Spreadsheet…")),
            ("csv", _("CSV files…")),
            ("fdp", _("Open Fiscal Data…")),
        )
        for n, (fmt, text) in enumerate(formats):
            button = action_button(text, f"export_{fmt}", partial(self.export, fmt))
            row.addWidget(button, n // 2, n % 2)
        return group

    # --- choosing ---------------------------------------------------------------------

    def _fill_years(self) -> None:
        chosen = self.year_box.year()
        years = queries.years(self.context.ledger.conn)
        if chosen is None:
            this_year = date.today().year
            chosen = max((y for y in years if y <= this_year), default=this_year)
        self.year_box.offer(years, chosen)

    def _year(self) -> int:
        return self.year_box.year() or date.today().year

    def document(self) -> Document:
        item = self.documents.currentItem()
        return Document(item.data(Qt.ItemDataRole.UserRole)) if item else Document.SUMMARY

    def _document_changed(self, _row: int) -> None:
        document = self.document()
        self.note.setText(_(DOCUMENT_NOTES[document]))
        self.period_box.clear()
        self.period_box.addItem(_("The whole year"), (None, None))
        if document in _QUARTERS:
            for quarter in range(1, 5):
                self.period_box.addItem(_("Quarter {n}").format(n=quarter), (quarter, None))
        if document in _MONTHS:
            for month in range(1, 13):
                name = Period(2000, month=month).label().rsplit(" ", 1)[0]
                self.period_box.addItem(name, (None, month))
        self.period_box.setEnabled(self.period_box.count() > 1)
        self._enable_alongside()

    def _enable_alongside(self) -> None:
        self.alongside.setVisible(self.document() in _BILINGUAL)
        self.alongside.setEnabled(self.lang_box.currentData() == "kk")

    def choice(self) -> Choice:
        quarter, month = self.period_box.currentData() or (None, None)
        return Choice(
            self.document(),
            Period(self._year(), quarter=quarter, month=month),
            str(self.lang_box.currentData()),
            self.alongside.isChecked(),
        )

    # --- making -----------------------------------------------------------------------

    def make(self) -> None:
        """Make the chosen document in a worker; it is shown here when written."""
        if self._busy:
            return
        choice = self.choice()
        path = self._folder / choice.file_name
        ledger = self.context.ledger
        self._set_busy(True)

        def write(_progress: Callable[[int, int], None]) -> tuple[Path, str]:
            reader = ledger.sibling()
            try:
                return path, render(reader, choice, path)
            finally:
                reader.close()

        def done(result: tuple[Path, str]) -> None:
            if shiboken6.isValid(self):
                self._made(choice, *result)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self):
                self._set_busy(False)
                messages.show_error(self, error, _("The document could not be made"))
                self.made.emit(error)

        from ruralcouncil.gui import worker  # here, not at import: few starts make documents

        worker.start(write, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.make_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.make_button.setText(_("Making the document…") if busy else _("Make the document"))

    def _made(self, choice: Choice, path: Path, code: str) -> None:
        self._set_busy(False)
        self.code, self.shown_choice = code, choice
        title = _("{document}, {period}").format(
            document=_(DOCUMENT_NAMES[choice.document]), period=choice.period.label()
        )
        self.code_label.setText(
            _(
                "{title}. Verification code {code}: anyone can check it (Check a printed code…)."
            ).format(title=title, code=code)
        )
        if self.pane is not None:
            self.pane.load(path, title)
        else:
            self.open_button.setEnabled(True)
            self._outside = path
        self.made.emit(path)

    def _open_outside(self) -> None:
        from ruralcouncil.gui import pdf_viewer

        path = self._outside
        if path is not None and not pdf_viewer.open_externally(path):
            messages.show_warning(
                self,
                _("There is no PDF viewer on this PC. The document is at {path}.").format(
                    path=path
                ),
                _("The PDF cannot be shown"),
            )

    # --- exporting --------------------------------------------------------------------

    def export_target(self, fmt: str, year: int) -> Path | None:
        """Where to write (tests replace this): a workbook, or a new folder in one chosen."""
        if fmt == "xlsx":
            from ruralcouncil.gui.save_dialog import choose_save_path

            return choose_save_path(
                self,
                _("Export the year as a spreadsheet"),
                "export/folder",
                f"ruralcouncil-{year}.xlsx",
                _("Excel workbooks (*.xlsx)"),
                ".xlsx",
            )
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, _("Choose where to put the export"))
        return Path(folder) / f"ruralcouncil-{year}-{fmt}" if folder else None

    def export(self, fmt: str) -> None:
        """Export the chosen year in ``fmt`` (xlsx, csv, fdp) in a worker, by the core."""
        year = self._year()
        target = self.export_target(fmt, year)
        if target is None or self._busy:
            return
        ledger, user = self.context.ledger, self.context.user
        self._set_busy(True)

        def write(_progress: Callable[[int, int], None]) -> Path:
            from ruralcouncil.reports import exports

            functions = {
                "xlsx": exports.export_xlsx,
                "csv": exports.export_csv,
                "fdp": exports.export_fdp,
            }
            reader = ledger.sibling()
            try:
                functions[fmt](reader, user, year, target)
            finally:
                reader.close()
            return target

        def done(path: Path) -> None:
            if shiboken6.isValid(self):
                self._set_busy(False)
                messages.show_info(
                    self,
                    _("The year {year} was exported to {path}.").format(year=year, path=path),
                    _("Exported"),
                )
                self.exported.emit(path)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self):
                self._set_busy(False)
                messages.show_error(self, error, _("The year was not exported"))
                self.exported.emit(error)

        from ruralcouncil.gui import worker

        worker.start(write, done, failed)

    # --- checking ---------------------------------------------------------------------

    def check(self) -> None:
        from ruralcouncil.gui.code_check import CodeCheckDialog

        dialog = CodeCheckDialog(self.context, self, code=self.code)
        messages.run_dialog(dialog)
