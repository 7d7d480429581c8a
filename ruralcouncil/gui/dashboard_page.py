"""The dashboard: the chosen year's totals, the annual-return boxes, cash, funds and anchor.

Every figure comes from ``statements.year_summary``, the same function ``summary --json``
uses, so the window and the command line can never disagree; whether box 8 agrees with box 7
is the summary's to say (``cash_problem``), the page only shows it. The same figures can be
saved as the printable summary PDF, rendered off the GUI thread. The page opens on the
current year, whatever later year a mistyped date may have created.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.chart import MonthlyFlowChart
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.painted import selectable_once_painted
from ruralcouncil.gui.save_dialog import LAST_PDF_FOLDER, choose_save_path, folder_settings
from ruralcouncil.gui.year_box import YearBox
from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, queries
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports import statements
from ruralcouncil.reports.statements import YearSummary

_WARNING_STYLE = "color: #b71c1c; font-weight: bold;"
# Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter as the int Qt's property system
# takes: the page is built before the window's first paint, and naming any enum of the Qt
# namespace builds Python enums for all ~90 of them (``from PySide6.QtCore import Qt`` is
# local wherever it is used).
_ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080


_settings = folder_settings


def open_document(path: Path, parent: QWidget | None = None) -> None:
    """Show a saved report in the program's own PDF window, with Print and Save (without
    Qt's PDF module, in the PC's viewer, or say where it is). Tests replace this."""
    from ruralcouncil.gui.pdf_viewer import show_pdf

    show_pdf(path, parent, _("Summary of the accounts"))


def this_year() -> int:
    """The year the page opens on (tests replace this)."""
    return date.today().year


def _render_pdf(ledger: Ledger, year: int, path: Path) -> tuple[Path, str]:
    """In a worker: the summary PDF on a connection of its own; (path, verification code)."""
    # reportlab is loaded here, the first time someone saves a report, never at start-up.
    from ruralcouncil.reports.summary_pdf import render_summary_pdf

    reader = ledger.sibling()
    try:
        # The PDF reads everything in one transaction and says which anchor it printed:
        # the code shown is the one on paper, even if an entry is recorded meanwhile.
        written = render_summary_pdf(reader.conn, year, path)
    finally:
        reader.close()
    return written.path, written.code


def council_status(ledger: Ledger, year: int) -> tuple[str, bool]:
    """Whether ``year``'s spending is under the council's control, and what waits on it:
    (the text, whether it is a warning)."""
    from ruralcouncil.ledger import budget, spending

    version = budget.in_force(ledger.conn, year)
    if version is None:
        return (
            _(
                "No budget is adopted for {year}: its payments are not under the council's "
                "control (no approved request is needed to pay)."
            ).format(year=year),
            True,
        )
    drafts, to_pay = spending.waiting(ledger.conn, year)
    return (
        _(
            "The budget of {year} (version {version}, resolution {ref}) is in force: every "
            "payment needs an approved spending request. Waiting for a decision: {drafts}; "
            "approved, to be paid: {to_pay}."
        ).format(
            year=year, version=version.version, ref=version.resolution, drafts=drafts, to_pay=to_pay
        ),
        False,
    )


class AfterPaintLabel(QLabel):
    """A line whose text is worked out only once the line has been painted (empty) for the
    first time: the council's modules are not imported before the window is drawn. Its one
    line of height is kept from the start, so nothing moves when the text arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setMinimumHeight(self.fontMetrics().height())
        self._pending: Callable[[], tuple[str, bool]] | None = None
        self._painted = False

    def show_text(self, text: Callable[[], tuple[str, bool]]) -> None:
        if self._painted:
            self._apply(text())
        else:
            self._pending = text

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.build_pending_now)

    def build_pending_now(self) -> None:
        """Fill a line still waiting for its first paint (tests, and the smoke test)."""
        self._painted = True
        pending, self._pending = self._pending, None
        if pending is not None:
            self._apply(pending())

    def _apply(self, text: tuple[str, bool]) -> None:
        self.setStyleSheet(_WARNING_STYLE if text[1] else "")
        self.setText(text[0])


def _clear(grid: QGridLayout) -> None:
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def _bold(label: QLabel, point_size: int = 0) -> QLabel:
    """Bold (and larger) through the label's font: a style sheet per label would cost the
    dashboard's start a style of its own for each of its many labels."""
    font = label.font()
    font.setBold(True)
    if point_size:
        font.setPointSize(point_size)
    label.setFont(font)
    return label


def _amount_label(tiyn: int, *, bold: bool = False) -> QLabel:
    label = QLabel(format_amount(tiyn))
    label.setProperty("alignment", _ALIGN_RIGHT_VCENTER)  # see _ALIGN_RIGHT_VCENTER
    selectable_once_painted(label)
    if bold:
        _bold(label)
    return label


def _table(grid: QGridLayout, rows: list[tuple[str, str, int]], total_text: str | None) -> None:
    """Fill ``grid`` with (name, code, amount) rows and an optional bold total. People read
    the name in their language; the code is in the name's tooltip."""
    _clear(grid)
    if not rows:
        empty = QLabel(_("Nothing in this year."))
        empty.setStyleSheet("color: #666;")
        grid.addWidget(empty, 0, 0, 1, 2)
        return
    for row, (name, code, amount) in enumerate(rows):
        label = QLabel(name)
        label.setToolTip(code)
        # Kazakh names run long: wrap them rather than push the page off a small screen.
        label.setWordWrap(True)
        grid.addWidget(label, row, 0)
        grid.addWidget(_amount_label(amount), row, 1)
    if total_text is not None:
        total = _bold(QLabel(total_text))
        grid.addWidget(total, len(rows), 0)
        grid.addWidget(_amount_label(sum(a for _n, _c, a in rows), bold=True), len(rows), 1)
    grid.setColumnStretch(0, 1)


class DashboardPage(QWidget):
    # Emitted when saving the summary PDF ends: its Path, or the exception that stopped it.
    summary_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.summary: YearSummary | None = None
        self.box_amounts: dict[int, QLabel] = {}
        self._saving = False

        self.year_box = YearBox()
        self.year_box.currentIndexChanged.connect(lambda _index: self.refresh())
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self.choose_pdf_file)
        self.print_button = QPushButton(_("Show and print…"))
        self.print_button.setToolTip(_("The year's summary in a window, with Print and Save"))
        self.print_button.clicked.connect(self.preview_summary)
        self.pdf_button.setToolTip(_("Save the year's summary as a PDF file"))
        self.pdf_progress = QProgressBar()  # busy while the PDF is written
        self.pdf_progress.setRange(0, 0)
        self.pdf_progress.setMaximumWidth(120)
        self.pdf_progress.setTextVisible(False)
        self.pdf_progress.hide()
        top = QHBoxLayout()
        self.title = QLabel()
        _bold(self.title, 15)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_box)
        top.addWidget(self.pdf_progress)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        # Whether the year's spending is under the council's control, and what waits.
        self.council_line = AfterPaintLabel()

        self.receipts_grid = QGridLayout()
        self.payments_grid = QGridLayout()
        self.cash_grid = QGridLayout()
        self.funds_grid = QGridLayout()
        receipts = self._group(_("Receipts by source"), self.receipts_grid)
        payments = self._group(_("Payments by program"), self.payments_grid)
        cash = self._group(_("Cash at 31 December"), self.cash_grid)
        funds = self._group(_("Fund balances at 31 December"), self.funds_grid)

        boxes = QGroupBox(_("Annual return: accounting statements"))
        boxes_layout = QVBoxLayout(boxes)
        grid = QGridLayout()
        grid.setVerticalSpacing(4)  # ten rows beside the chart, in sight on a small screen
        for n in range(1, 11):
            number = _bold(QLabel(str(n)))
            grid.addWidget(number, n, 0)
            meaning = QLabel(_(statements.BOX_MEANINGS[n]))
            meaning.setWordWrap(True)
            grid.addWidget(meaning, n, 1)
            self.box_amounts[n] = _amount_label(0, bold=n in (7, 8))
            self.box_amounts[n].setObjectName(f"box{n}")
            grid.addWidget(self.box_amounts[n], n, 2)
        grid.setColumnStretch(1, 1)
        boxes_layout.addLayout(grid)
        self.box_warning = QLabel()
        self.box_warning.setWordWrap(True)
        self.box_warning.setStyleSheet(_WARNING_STYLE)
        self.box_warning.hide()
        boxes_layout.addWidget(self.box_warning)

        chart_group = QGroupBox(_("Receipts and payments by month"))
        chart_layout = QVBoxLayout(chart_group)
        self.chart = MonthlyFlowChart()
        self.chart.setMaximumHeight(self.chart.minimumHeight())  # no taller than the boxes
        chart_layout.addWidget(self.chart)

        self.anchor = QLabel()
        self.anchor.setWordWrap(True)
        selectable_once_painted(self.anchor)
        self.anchor.setStyleSheet("color: #444;")

        # The chart beside the boxes, so both are in sight on a 1366x768 screen without scrolling.
        columns = QGridLayout()
        columns.addWidget(receipts, 0, 0)
        columns.addWidget(payments, 0, 1)
        columns.addWidget(boxes, 1, 0)
        columns.addWidget(chart_group, 1, 1)
        columns.addWidget(cash, 2, 0)
        columns.addWidget(funds, 2, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(9, 4, 9, 4)
        body_layout.addLayout(top)
        body_layout.addWidget(self.council_line)
        body_layout.addLayout(columns)
        body_layout.addWidget(self.anchor)
        body_layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # No scroll area of its own: the main window puts every page in one.
        outer.addWidget(body)

        self._chart_stale = True
        self._fill_years()
        context.changed.connect(self.on_ledger_changed)

    @staticmethod
    def _group(title: str, grid: QGridLayout) -> QGroupBox:
        group = QGroupBox(title)
        layout = QVBoxLayout(group)
        layout.addLayout(grid)
        layout.addStretch(1)
        return group

    def _fill_years(self) -> None:
        conn = self.context.ledger.conn
        chosen = self.year()
        years = queries.years(conn)
        if chosen is None:
            # The current year: an entry dated in a later year by mistake must not send
            # every user to that year (the year box still offers it).
            chosen = this_year()
        self.year_box.offer(years, chosen)
        self.refresh()

    def year(self) -> int | None:
        return self.year_box.year()

    def set_year(self, year: int) -> None:
        self.year_box.choose(year)

    def on_ledger_changed(self) -> None:
        self._fill_years()

    def refresh(self) -> None:
        year = self.year()
        if year is None:
            return
        conn = self.context.ledger.conn
        coded = statements.coded_summary(conn, year)
        summary = coded.current
        self.summary = summary
        names = {account.code: account.name() for account in catalog.book_accounts(conn)}
        fund_names = {fund.code: fund.name() for fund in catalog.funds(conn)}
        self.title.setText(_("The year {year} at a glance").format(year=year))
        self.council_line.show_text(lambda: council_status(self.context.ledger, year))

        def named(by_code: dict[str, int], names_of: dict[str, str]) -> list[tuple[str, str, int]]:
            return [(names_of.get(c, c), c, a) for c, a in by_code.items()]

        _table(self.receipts_grid, named(summary.receipts, names), _("Total receipts"))
        _table(self.payments_grid, named(summary.payments, names), _("Total payments"))
        _table(self.cash_grid, named(summary.cash, names), _("Total"))
        _table(self.funds_grid, named(summary.funds, fund_names), None)
        for n, label in self.box_amounts.items():
            label.setText(format_amount(summary.boxes[n]))
        problem = summary.cash_problem()
        self.box_warning.setText(problem or "")
        self.box_warning.setVisible(problem is not None)
        self.anchor.setText(
            _(
                "These figures were read at chain position {position}; verification code "
                "{code}. Anchor for Verify: {anchor}"
            ).format(
                position=summary.chain_entries,
                code=coded.code,
                anchor=summary.anchor,
            )
        )
        self._chart_stale = True
        if self.isVisible():
            self._update_chart()

    # --- the summary PDF ------------------------------------------------------------------

    def choose_pdf_file(self) -> None:
        """Ask where to save the chosen year's summary, then save it there."""
        year = self.year()
        if year is None or self._saving:
            return
        path = choose_save_path(
            self,
            _("Save the summary as PDF"),
            LAST_PDF_FOLDER,
            f"summary-{year}.pdf",
            _("PDF documents (*.pdf)"),
            ".pdf",
        )
        if path is not None:
            self.save_summary_pdf(path)

    def preview_summary(self) -> None:
        """The chosen year's summary in the program's PDF window (written in a worker)."""
        from ruralcouncil.gui.pdf_viewer import preview_summary

        year = self.year()
        if year is not None:
            preview_summary(self.context, year, self)

    def save_summary_pdf(self, path: Path | str) -> None:
        """Write the chosen year's summary PDF to ``path`` in a worker (``summary_saved`` ends)."""
        year = self.year()
        if year is None or self._saving:
            return
        path, ledger = Path(path), self.context.ledger
        self._set_saving(True)

        def done(result: tuple[Path, str]) -> None:
            if shiboken6.isValid(self):
                self._pdf_saved(*result)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(self):
                self._pdf_failed(path, error)

        from ruralcouncil.gui import worker  # here, not at import: few starts run long work

        worker.start(lambda _progress: _render_pdf(ledger, year, path), done, failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.pdf_button.setEnabled(not saving)
        self.pdf_progress.setVisible(saving)
        self.pdf_button.setText(_("Writing the PDF…") if saving else _("Save as PDF…"))

    def _pdf_saved(self, path: Path, code: str) -> None:
        self._set_saving(False)
        messages.show_info(
            self,
            _(
                "The summary was saved to {path}.\n\nIts verification code is {code}: anyone "
                "with the program can check the printed paper against the ledger (Reports, "
                "Check a printed code; or ruralcouncil verify-report)."
            ).format(path=path, code=code),
            _("Summary saved"),
        )
        open_document(path, self)
        self.summary_saved.emit(path)

    def _pdf_failed(self, path: Path, error: Exception) -> None:
        self._set_saving(False)
        if isinstance(error, OSError):
            text = _("The summary could not be saved to {path}: {error}").format(
                path=path, error=error.strerror or error
            )
            messages.show_error(self, text, _("The summary was not saved"))
        else:
            messages.show_error(self, error, _("The summary was not saved"))
        self.summary_saved.emit(error)

    def _update_chart(self) -> None:
        year = self.year()
        if year is None or not self._chart_stale or not self.isVisible():
            return
        # The first chart (its query, and pyqtgraph with numpy) is built only after the page
        # has been painted, so the main window and these figures appear without waiting for
        # it (DESIGN §3, heavy imports).
        self.chart.show_flows(lambda: statements.monthly_flows(self.context.ledger.conn, year))
        self._chart_stale = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_chart()
