"""The printable year summary: content read back from the PDF, byte-for-byte repeatability."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from ruralcouncil import i18n
from ruralcouncil.ledger import catalog, journal, settings, users
from ruralcouncil.ledger.chain import head
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import REPORT_PREFIX, Kind, parse_report_code
from ruralcouncil.reports.statements import coded_summary, year_summary
from ruralcouncil.reports.summary_pdf import (
    SummaryPdf,
    anchor_text,
    render_summary_pdf,
)

PASSWORD = "correct horse battery"
VILLAGE = "Ақсу ауылдық округі"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    ledger = init_ledger(
        tmp_path / "v.ruralcouncil", village=VILLAGE, admin="admin", password=PASSWORD
    )
    admin = users.login(ledger, "admin", PASSWORD)
    catalog.add_fund(
        ledger,
        admin,
        "ROAD-2025",
        restricted=True,
        name_kk="Жол жобасы",
        name_ru="Проект дороги",
        name_en="Road project",
    )
    entries = [
        NewEntry(date(2024, 1, 10), EntryType.OPENING, 500_000_00),
        NewEntry(date(2024, 3, 1), EntryType.RECEIPT, 1_200_000_00, "TAX-LAND"),
        NewEntry(date(2024, 4, 1), EntryType.PAYMENT, 300_000_00, "STAFF"),
        NewEntry(date(2025, 2, 1), EntryType.RECEIPT, 1_234_567_89, "TAX-PROPERTY"),
        NewEntry(date(2025, 2, 2), EntryType.RECEIPT, 250_000_00, "COMMUNITY", fund="ROAD-2025"),
        NewEntry(date(2025, 3, 1), EntryType.PAYMENT, 80_000_00, "ROADS", fund="ROAD-2025"),
        NewEntry(date(2025, 3, 5), EntryType.PAYMENT, 45_000_50, "LOAN-REPAY"),
        NewEntry(
            date(2025, 4, 1), EntryType.TRANSFER, 20_000_00, account="BANK", to_account="CASH"
        ),
        NewEntry(date(2025, 5, 1), EntryType.PAYMENT, 5_000_00, "EVENTS", account="CASH"),
    ]
    for entry in entries:
        journal.record(ledger, admin, entry)
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.fixture(autouse=True)
def _kazakh() -> object:
    previous = i18n.language()
    i18n.set_language("kk")
    yield
    i18n.set_language(previous)


def _text(path: Path | SummaryPdf) -> str:
    reader = PdfReader(os.fspath(path))
    assert 1 <= len(reader.pages) <= 2
    return _flat("\n".join(page.extract_text() for page in reader.pages))


def _flat(text: str) -> str:
    """Text extraction turns no-break spaces into plain ones; compare like with like."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _amount(tiyn: int, lang: str) -> str:
    return _flat(format_amount(tiyn, lang))


def test_summary_reads_back_in_kazakh(ledger: Ledger, tmp_path: Path) -> None:
    written = render_summary_pdf(ledger.conn, 2025, tmp_path / "summary.pdf")
    path = written.path
    assert path == tmp_path / "summary.pdf" and os.fspath(written) == str(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = _text(path)
    assert VILLAGE in text
    assert "2025" in text and "2024" in text
    # Code names in Kazakh, the Kazakh-only letters and the tenge sign survive extraction.
    assert "Мүлік салығы" in text  # TAX-PROPERTY
    assert "Ауыл жолдары" in text  # ROADS
    assert "Жол жобасы" in text  # the restricted fund
    assert "₸" in text
    assert _amount(1_234_567_89, "kk") in text
    entries, chain_head = head(ledger.conn)
    assert anchor_text(entries, chain_head) in text
    assert coded_summary(ledger.conn, 2025).code in text


def test_boxes_show_this_year_and_the_year_before(ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "s.pdf", lang="en"))
    assert "Balances brought forward" in text
    assert "Total borrowings" in text
    # Box 1 of 2025 is box 7 of 2024: 500 000 + 1 200 000 - 300 000.
    assert _amount(1_400_000_00, "en") in text
    # Box 2 for 2024 (land tax) beside box 2 for 2025 (property tax).
    assert _amount(1_200_000_00, "en") in text
    assert _amount(1_234_567_89, "en") in text
    # Transfers are not receipts; the cash box holds 20 000 - 5 000 at year end.
    assert _amount(15_000_00, "en") in text
    assert "Road project (restricted)" in text


def test_language_argument_is_temporary(ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "ru.pdf", lang="ru"))
    assert "Налог на имущество" in text
    assert "Мүлік салығы" not in text
    assert i18n.language() == "kk"


def test_same_ledger_gives_the_same_bytes(ledger: Ledger, tmp_path: Path) -> None:
    first = render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf").path.read_bytes()
    second = render_summary_pdf(ledger.conn, 2025, tmp_path / "b.pdf").path.read_bytes()
    assert first == second
    other_year = render_summary_pdf(ledger.conn, 2024, tmp_path / "c.pdf").path.read_bytes()
    assert other_year != first


def test_anchor_changes_when_the_ledger_grows(ledger: Ledger, tmp_path: Path) -> None:
    before = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf"))
    admin = users.login(ledger, "admin", PASSWORD)
    journal.record(ledger, admin, NewEntry(date(2025, 6, 1), EntryType.RECEIPT, 100, "FINES"))
    entries, chain_head = head(ledger.conn)
    after = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "b.pdf"))
    assert anchor_text(entries, chain_head) in after
    assert anchor_text(entries, chain_head) not in before


def test_a_failed_login_moves_the_anchor_and_a_render_writes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Failed logins are chain entries (events) too, so the printed anchor covers them; the
    report itself is a read and leaves the chain as it was."""
    before = head(ledger.conn)
    first = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf"))
    assert head(ledger.conn) == before
    with pytest.raises(AuthenticationFailed):
        users.login(ledger, "admin", "not-the-password")
    entries, chain_head = head(ledger.conn)
    assert entries == before[0] + 1
    second = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "b.pdf"))
    assert anchor_text(entries, chain_head) in second
    assert anchor_text(*before) in first and anchor_text(*before) not in second


def test_empty_year_still_renders(ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_summary_pdf(ledger.conn, 2031, tmp_path / "empty.pdf", lang="en"))
    assert "No receipts." in text and "No payments." in text
    assert "Total borrowings" in text


def test_qr_codes_hold_the_report_code_and_the_totals(ledger: Ledger, tmp_path: Path) -> None:
    from reportlab.graphics.barcode import qr

    seen: list[str] = []
    original = qr.QrCodeWidget.__init__

    def spy(self: object, value: str = "", **kw: object) -> None:
        seen.append(value)
        original(self, value, **kw)  # type: ignore[arg-type]

    qr.QrCodeWidget.__init__ = spy  # type: ignore[method-assign]
    try:
        render_summary_pdf(ledger.conn, 2025, tmp_path / "qr.pdf")
    finally:
        qr.QrCodeWidget.__init__ = original  # type: ignore[method-assign]
    code = coded_summary(ledger.conn, 2025).code
    # The large one at the end holds the code; the one at each page's foot also the totals,
    # for a phone to show beside the paper.
    assert seen[0] == REPORT_PREFIX + code
    footer = seen[1].splitlines()
    assert footer[0] == REPORT_PREFIX + code
    assert any(line.startswith("Түсімдердің барлығы: ") for line in footer[1:]), footer
    assert len(seen) == 2  # the footer's QR code is made once and drawn on every page


def test_failed_render_leaves_no_file(ledger: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "s.pdf"
    with pytest.raises(OSError):
        render_summary_pdf(ledger.conn, 2025, target)
    assert not target.exists()
    assert not list(tmp_path.glob("**/*.part"))


def test_unknown_language_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_summary_pdf(ledger.conn, 2025, tmp_path / "x.pdf", lang="de")
    assert not (tmp_path / "x.pdf").exists()
    assert i18n.language() == "kk"


def test_importing_the_module_does_not_load_reportlab() -> None:
    code = (
        "import sys, ruralcouncil.reports.summary_pdf, ruralcouncil.reports.fonts;"
        "print(any(m == 'reportlab' or m.startswith('reportlab.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "False"


def test_names_print_as_typed_not_as_markup(ledger: Ledger, tmp_path: Path) -> None:
    admin = users.login(ledger, "admin", PASSWORD)
    settings.change(ledger, admin, settings.VILLAGE_NAME, "Су & <b>Тас</b> &amp;")
    text = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "m.pdf"))
    assert "Су & <b>Тас</b> &amp;" in text


# --- one moment, and the words around the anchor -----------------------------------------


def test_the_pdf_says_which_anchor_it_printed(ledger: Ledger, tmp_path: Path) -> None:
    written = render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf", lang="en")
    entries, chain_head = head(ledger.conn)
    assert (written.chain_entries, written.chain_head) == (entries, chain_head)
    assert written.anchor == anchor_text(entries, chain_head)
    code = parse_report_code(written.code)
    assert code is not None and code.kind is Kind.YEAR_SUMMARY
    assert (code.subject, code.position) == ("2025", entries)
    text = _text(written)
    assert written.anchor in text and written.code in text
    # On every page, and the code is one verify-report accepts.
    for page in PdfReader(written.path).pages:
        assert written.code in (page.extract_text() or "")
    assert verification.check(ledger, written.code).matches


def test_figures_and_anchor_on_paper_are_of_one_moment(ledger: Ledger, tmp_path: Path) -> None:
    """An entry recorded by another connection while the PDF is being read changes neither
    its figures nor its anchor: both are the ledger before that entry."""
    reader = ledger.sibling()
    admin = users.login(ledger, "admin", PASSWORD)
    try:
        before = head(ledger.conn)
        reads: list[str] = []

        def write_midway(statement: str) -> None:
            # When the year's figures are read and the prior year's are about to be: an
            # entry in the prior year, which the prior year's column would show.
            if "daily_totals" in statement:
                reads.append(statement)
                if len(reads) != 6:
                    return
                journal.record(
                    ledger,
                    admin,
                    NewEntry(date(2024, 6, 1), EntryType.RECEIPT, 9_876_543_21, "TAX-VEHICLE"),
                )

        reader.conn.set_trace_callback(write_midway)
        written = render_summary_pdf(reader.conn, 2025, tmp_path / "a.pdf", lang="en")
        reader.conn.set_trace_callback(None)
        assert head(ledger.conn) != before  # the entry was recorded meanwhile
        assert (written.chain_entries, written.chain_head) == before
        text = _text(written)
        assert anchor_text(*before) in text and str(written.code) in text
        assert parse_report_code(written.code).position == before[0]  # type: ignore[union-attr]
        assert "Vehicle tax" not in text and _amount(9_876_543_21, "en") not in text
        again = _text(render_summary_pdf(reader.conn, 2025, tmp_path / "b.pdf", lang="en"))
        assert _amount(9_876_543_21, "en") in again
    finally:
        reader.close()


def test_the_anchor_is_named_as_a_chain_position(ledger: Ledger, tmp_path: Path) -> None:
    """The ledger has 9 entries and a longer chain (users, categories, funds, events): the paper
    names the chain's position, never "N entries"."""
    written = render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf", lang="en")
    text = _text(written)
    assert written.chain_entries > 9
    assert f"position {written.chain_entries} of the ledger's hash chain" in text
    assert f"(chain position {written.chain_entries})" in text  # the footer
    assert "summary of the accounts for 2025. Page 1" in text
    assert "entries" not in text


def test_box_8_differing_is_printed_as_the_core_says(ledger: Ledger, tmp_path: Path) -> None:
    from _helpers import tamper

    clean = _text(render_summary_pdf(ledger.conn, 2025, tmp_path / "a.pdf", lang="en"))
    assert "differs from box 7" not in clean
    ledger.close()
    tamper(
        ledger.path,
        "UPDATE daily_totals SET amount = amount + 100"
        " WHERE account = 'CASH' AND date = '2025-05-01'",
    )
    from ruralcouncil.ledger.storage import open_ledger

    reopened = open_ledger(ledger.path)
    try:
        i18n.set_language("en")
        problem = year_summary(reopened.conn, 2025).cash_problem()
        i18n.set_language("kk")
        assert problem is not None
        text = _text(render_summary_pdf(reopened.conn, 2025, tmp_path / "b.pdf", lang="en"))
        assert _flat(problem) in text.replace("\n", " ")
    finally:
        reopened.close()
