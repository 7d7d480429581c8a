"""The reports page (issue 11): each document made off the GUI thread, shown inside the
program with its code, the code one the core accepts; the period and language choices each
document takes; a printed code checked in the window (a match with its totals, a changed
code and a malformed one refused); the annual return's forms offered by role, and one of them
recording through the core and showing its refusal with nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ruralcouncil.gui import pdf_viewer
from ruralcouncil.gui.code_check import CodeCheckDialog
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.reports_page import DOCUMENT_NAMES, Document, ReportsPage
from ruralcouncil.gui.return_forms import VariancesForm
from ruralcouncil.ledger import chain, users, variances
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import Kind, parse_report_code

DEMO_PASSWORD = "demo-village-2025"
KINDS = {
    Document.SUMMARY: Kind.YEAR_SUMMARY,
    Document.ANNUAL_RETURN: Kind.ANNUAL_RETURN,
    Document.TRANSPARENCY: Kind.TRANSPARENCY,
    Document.POSTER: Kind.POSTER,
    Document.BUDGET_EXECUTION: Kind.BUDGET_EXECUTION,
}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.ruralcouncil"
    create_demo(path, today=date(2026, 6, 1)).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "demo.ruralcouncil"
    shutil.copyfile(demo_file, copy)
    ledger = open_ledger(copy)
    try:
        yield ledger
    finally:
        ledger.close()


def _context(ledger: Ledger, name: str) -> AppContext:
    return AppContext(ledger, users.login(ledger, name, DEMO_PASSWORD))


def _page(qtbot: QtBot, context: AppContext) -> ReportsPage:
    page = ReportsPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.year_box.choose(2025)
    return page


def _choose(page: ReportsPage, document: Document) -> None:
    for row in range(page.documents.count()):
        if page.documents.item(row).text() == DOCUMENT_NAMES[document]:
            page.documents.setCurrentRow(row)
            return
    raise AssertionError(document)


def _make(qtbot: QtBot, page: ReportsPage) -> Any:
    with qtbot.waitSignal(page.made, timeout=120_000) as made:
        page.make()
        assert not page.make_button.isEnabled() and not page.progress.isHidden()
    assert page.make_button.isEnabled() and page.progress.isHidden()
    return made.args[0]


@pytest.mark.skipif(not pdf_viewer.qtpdf_available(), reason="Qt's PDF module not installed")
def test_each_document_is_made_shown_and_its_code_checks(qtbot: QtBot, demo: Ledger) -> None:
    page = _page(qtbot, _context(demo, "aigerim"))
    for document, kind in KINDS.items():
        _choose(page, document)
        path = _make(qtbot, page)
        assert isinstance(path, Path) and path.read_bytes().startswith(b"%PDF")
        assert page.pane.loaded() and page.pane.page_count() >= 1
        code = parse_report_code(page.code)
        assert code is not None and code.kind is kind, (document, page.code)
        assert code.subject == "2025" and code.position == chain.head(demo.conn)[0]
        assert page.code in page.code_label.text()
        assert verification.check(demo, page.code).matches, document


@pytest.mark.skipif(not pdf_viewer.qtpdf_available(), reason="Qt's PDF module not installed")
def test_a_quarter_and_a_month_are_the_periods_asked_for(qtbot: QtBot, demo: Ledger) -> None:
    page = _page(qtbot, _context(demo, "aigerim"))
    _choose(page, Document.SUMMARY)
    assert not page.period_box.isEnabled() and page.period_box.count() == 1
    _choose(page, Document.TRANSPARENCY)
    assert page.period_box.count() == 5  # the year and its four quarters
    page.period_box.setCurrentIndex(3)
    assert page.choice().period.subject == "2025.3"
    _make(qtbot, page)
    assert page.code.startswith("TR2025.3-")
    _choose(page, Document.BUDGET_EXECUTION)
    assert page.period_box.count() == 1 + 4 + 12
    page.period_box.setCurrentIndex(1 + 4 + 6)  # July
    assert page.choice().period.subject == "202507"
    _make(qtbot, page)
    assert page.code.startswith("BE202507-")


def test_russian_alongside_only_for_residents_documents_in_kazakh(
    qtbot: QtBot, demo: Ledger
) -> None:
    page = _page(qtbot, _context(demo, "aigerim"))
    _choose(page, Document.POSTER)
    page.lang_box.setCurrentIndex(page.lang_box.findData("kk"))
    assert page.alongside.isVisible() and page.alongside.isEnabled()
    page.lang_box.setCurrentIndex(page.lang_box.findData("en"))
    assert not page.alongside.isEnabled()
    _choose(page, Document.ANNUAL_RETURN)
    assert not page.alongside.isVisible()


def test_a_printed_code_is_checked_in_the_window(qtbot: QtBot, demo: Ledger) -> None:
    from ruralcouncil.reports.statements import coded_summary

    context = _context(demo, "asel")  # a member: anyone may check a paper
    code = coded_summary(demo.conn, 2025).code
    dialog = CodeCheckDialog(context, None, code=code)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=60_000) as checked:
        dialog.check()
    assert checked.args[0].matches
    assert "matches" in dialog.verdict_label.text()
    assert "Total receipts" in dialog.details.text() and "2025" in dialog.details.text()
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    for text, reason in ((altered, "does not match"), ("hello", "not a report code")):
        dialog.code_edit.setText(text)
        with qtbot.waitSignal(dialog.checked, timeout=60_000) as checked:
            dialog.check()
        assert not checked.args[0].matches
        assert dialog.verdict_label.text() == "The code does not match."
        assert reason in dialog.details.text()


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("serik", {"governance", "reconciliation", "finalise"}),  # the chair
        ("aigerim", {"variances", "reconciliation", "inspection"}),  # the clerk
        ("nurlan", {"audit"}),  # the internal auditor
        ("asel", set()),  # a member reads
    ],
)
def test_the_returns_forms_are_offered_by_role(
    qtbot: QtBot, demo: Ledger, name: str, forms: set[str]
) -> None:
    page = _page(qtbot, _context(demo, name))
    shown = {b.objectName() for b in page.return_group.findChildren(QPushButton)}
    assert shown == forms


def test_a_variance_is_explained_through_the_core_and_a_blank_one_refused(
    qtbot: QtBot, demo: Ledger
) -> None:
    context = _context(demo, "aigerim")
    needed = [v for v in variances.variances(demo.conn, 2025) if v.needed]
    assert needed, "the demo's 2025 moved from 2024 enough to need an explanation"
    form = VariancesForm(context, 2025)
    qtbot.addWidget(form)
    assert form.box.count() == len(needed)
    before = chain.head(demo.conn)
    form.text.setPlainText("")
    form.record()
    assert chain.head(demo.conn) == before  # refused: nothing written
    assert form.answer.text() and "recorded" not in form.answer.text()
    form.text.setPlainText("The school roof was repaired from the subsidy.")
    with qtbot.waitSignal(form.recorded, timeout=10_000):
        form.record()
    box = int(form.box.currentData())
    assert variances.explanations(demo.conn, 2025)[box].startswith("The school roof")
    assert "The school roof" in form.state_label.text()


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "fdp"])
def test_the_clerk_exports_the_year_through_the_core(
    qtbot: QtBot, demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    page = _page(qtbot, _context(demo, "aigerim"))
    target = tmp_path / f"export.{fmt}" if fmt == "xlsx" else tmp_path / f"export-{fmt}"
    monkeypatch.setattr(page, "export_target", lambda f, year: target)
    before = chain.head(demo.conn)
    with qtbot.waitSignal(page.exported, timeout=120_000) as exported:
        page.export(fmt)
    assert exported.args[0] == target
    if fmt == "xlsx":
        assert target.read_bytes().startswith(b"PK")
    elif fmt == "csv":
        assert (target / "transactions.csv").exists()
    else:
        assert (target / "datapackage.json").exists()
    assert chain.head(demo.conn) == before  # an export writes nothing in the ledger
    # The same place again is refused by the core, in its words, and nothing is replaced.
    stamp = target.stat().st_mtime_ns
    with qtbot.waitSignal(page.exported, timeout=120_000) as exported:
        page.export(fmt)
    assert isinstance(exported.args[0], Exception)
    assert target.stat().st_mtime_ns == stamp


def test_only_those_who_keep_the_books_see_the_exports(qtbot: QtBot, demo: Ledger) -> None:
    from PySide6.QtWidgets import QGroupBox

    for name, shown in (("aigerim", True), ("serik", False), ("asel", False)):
        page = _page(qtbot, _context(demo, name))
        found = [g for g in page.findChildren(QGroupBox) if g.objectName() == "exports"]
        assert bool(found) is shown, name


def test_every_return_form_the_page_offers_opens(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page lists the annual return's forms itself (their module is loaded at the first
    click): every key it offers is one ``return_forms.open_form`` opens, each its own form."""
    from ruralcouncil.gui import messages, return_forms
    from ruralcouncil.gui.reports_page import RETURN_FORMS

    opened: list[str] = []

    def shown(dialog: Any) -> int:
        qtbot.addWidget(dialog)
        opened.append(type(dialog).__name__)
        return 0

    monkeypatch.setattr(messages, "run_dialog", shown)
    for spec in RETURN_FORMS:
        return_forms.open_form(spec.key, context, 2025, None)
    assert len(opened) == len(RETURN_FORMS) == len(set(opened)) == 6
    assert "VariancesForm" in opened
    with pytest.raises(KeyError):
        return_forms.open_form("no-such-form", context, 2025, None)
