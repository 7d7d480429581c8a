"""The budget execution report (DESIGN §4.4): its lines are ``budget.show``'s at the period's
end, what happened in the period is the difference from the day before it began, the totals
read back with pypdf, the code comes again from the registered figures function, and ``report
budget-execution`` refuses a bad period, a quarter with a month, and an existing file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _helpers import english
from _period_reports import Year, build
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.ledger import budget
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.budget_execution import (
    budget_execution_figures,
    render_budget_execution,
)
from ruralcouncil.reports.codes import Kind, Period, figures_digest, parse_report_code
from ruralcouncil.reports.transparency import transparency_figures

__all__ = ["english"]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return build(tmp_path_factory.mktemp("execution"))


@pytest.fixture
def ledger(year: Year) -> Iterator[Ledger]:
    opened = open_ledger(year.path, write=False)
    try:
        yield opened
    finally:
        opened.close()


def _text(path: Path) -> str:
    pages = [page.extract_text() for page in PdfReader(os.fspath(path)).pages]
    return " ".join(" ".join(pages).replace("\u00a0", " ").replace("\u202f", " ").split())


def _plain(tiyn: int) -> str:
    return format_amount(tiyn, "en", sign=False)


def test_lines_are_the_budget_pages(ledger: Ledger) -> None:
    figures = budget_execution_figures(ledger, "2026")
    shown = budget.show(ledger.conn, 2026, date(2026, 12, 31))
    spending = {(b.category, b.fund): b for b in shown if b.kind == "expenditure"}
    assert {(r[0], r[1]) for r in figures["expenditure"]} == set(spending)
    for code, fund, appropriated, in_period, paid, committed, left in figures["expenditure"]:
        line = spending[(code, fund)]
        assert (appropriated, paid, committed, left) == (
            line.appropriated,
            line.paid,
            line.committed,
            line.remaining,
        )
        assert in_period == paid  # the whole year
    assert figures["version"][:2] == [1, budget.in_force(ledger.conn, 2026).resolution]  # type: ignore[union-attr]
    assert figures["appropriated"] == 550_000_00


def test_a_quarter_is_the_difference_at_its_edges(ledger: Ledger) -> None:
    quarters = [budget_execution_figures(ledger, f"2026.{q}") for q in (1, 2, 3, 4)]
    whole = budget_execution_figures(ledger, "2026")
    by_line = {(r[0], r[1]): r for r in whole["expenditure"]}
    for key, row in by_line.items():
        parts = [next((r[3] for r in q["expenditure"] if (r[0], r[1]) == key), 0) for q in quarters]
        assert sum(parts) == row[4], key
    # 30 June's STAFF payment is in the second quarter, its reversal on 1 July in the third.
    staff = [next(r for r in q["expenditure"] if r[:2] == ["STAFF", "GENERAL"]) for q in quarters]
    assert [s[3] for s in staff] == [0, 60_000_00, -60_000_00, 120_000_00]
    assert staff[1][4] == 60_000_00 and staff[2][4] == 0  # paid this year, at each end
    # The period's money agrees with the residents' report of the same period.
    for q, found in enumerate(quarters, start=1):
        residents = transparency_figures(ledger, f"2026.{q}")
        for key in ("opening", "receipts", "payments", "closing"):
            assert found[key] == residents[key]
        assert sum(r[3] for r in found["expenditure"]) == found["payments"]
        assert sum(r[3] for r in found["revenue"]) == found["receipts"]


def test_a_month(ledger: Ledger, tmp_path: Path) -> None:
    pdf = render_budget_execution(ledger, Period(2026, month=4), tmp_path / "m.pdf", "en")
    assert pdf.code.startswith("BE202604-")
    figures = budget_execution_figures(ledger, "202604")
    roads = next(r for r in figures["expenditure"] if r[:2] == ["ROADS", "GENERAL"])
    assert roads[3] == 100_000_01 + 5_000_00  # 1 and 4 April
    assert "April 2026" in _text(pdf.path)


def test_the_pdf_prints_the_totals_and_its_code(ledger: Ledger, tmp_path: Path) -> None:
    pdf = render_budget_execution(ledger, Period(2026, quarter=2), tmp_path / "q.pdf", "en")
    figures = budget_execution_figures(ledger, "2026.2")
    text = _text(pdf.path)
    lines = figures["expenditure"]
    assert _plain(sum(r[2] for r in lines)) in text and _plain(sum(r[3] for r in lines)) in text
    assert "Road fund" in text and "Village roads" in text
    for page in PdfReader(os.fspath(pdf.path)).pages:
        assert pdf.code in page.extract_text()
    code = parse_report_code(pdf.code)
    assert code is not None and code.kind == Kind.BUDGET_EXECUTION
    item = verification.registered(Kind.BUDGET_EXECUTION)
    assert item is not None
    again = item.figures(ledger, code.subject)
    assert figures_digest(code.kind, code.subject, pdf.chain_head, again) == code.digest
    # Kazakh: the same code.
    kk = render_budget_execution(ledger, Period(2026, quarter=2), tmp_path / "kk.pdf", "kk")
    assert kk.code == pdf.code and "Ауыл жолдары" in _text(kk.path)


def test_a_year_without_a_budget_shows_the_actuals(ledger: Ledger, tmp_path: Path) -> None:
    figures = budget_execution_figures(ledger, "2025")
    assert figures["version"] is None and figures["appropriated"] == 0
    pdf = render_budget_execution(ledger, Period(2025), tmp_path / "y.pdf", "en")
    assert "No budget of 2025 was in force" in _text(pdf.path)


def _run(capsys: pytest.CaptureFixture[str], year: Year, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "--db", str(year.path), "report", "budget-execution", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_the_code_last(
    year: Year, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "be.pdf"
    code, out, err = _run(capsys, year, "--year", "2026", "--month", "7", "-o", str(target))
    assert code == 0, err
    last = out.splitlines()[-1]
    assert last.startswith("BE202607-") and last in _text(target)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--year", "2026", "--quarter", "2", "--month", "4"], "not both"),
        (["--year", "2026", "--month", "13"], "month must be"),
        (["--year", "2026", "--month", "x"], "month must be"),
        (["--year", "2026", "--quarter", "-1"], "quarter must be"),
        (["--year", "0999"], "four digits"),
    ],
)
def test_cli_refuses_a_bad_period(
    year: Year, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], reason: str
) -> None:
    code, out, err = _run(capsys, year, *args, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and out == "" and reason in err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_an_existing_file(
    year: Year, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"someone's work")
    code, out, err = _run(capsys, year, "--year", "2026", "-o", str(kept))
    assert code == 2 and out == "" and "already exists" in err
    assert kept.read_bytes() == b"someone's work"
