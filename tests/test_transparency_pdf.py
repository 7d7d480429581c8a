"""The report to residents and the notice-board poster (DESIGN §2.8, §4.4): their figures read
back with pypdf equal the ledger's; every payment over the council's threshold is listed and
none at or under it ("over" is strictly more); quarters meet at their edges; an anonymous
donor is never named; the Kazakh print carries Kazakh letters; the code and its QR are on
every page and the registered figures function gives the printed code again; ``report
transparency`` and ``report poster`` refuse what they must, writing nothing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _helpers import english
from _period_reports import ANONYMOUS, THRESHOLD, Year, build
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import (
    CodedPdf,
    Kind,
    Period,
    figures_digest,
    parse_report_code,
    qr_payload,
)
from ruralcouncil.reports.fonts import KAZAKH_LETTERS
from ruralcouncil.reports.poster import render_poster
from ruralcouncil.reports.statements import year_summary
from ruralcouncil.reports.transparency import render_transparency, transparency_figures

__all__ = ["english"]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return build(tmp_path_factory.mktemp("residents"))


@pytest.fixture
def ledger(year: Year) -> Iterator[Ledger]:
    opened = open_ledger(year.path, write=False)
    try:
        yield opened
    finally:
        opened.close()


def _flat(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _pages(path: Path | CodedPdf) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(os.fspath(path)).pages]


def _text(path: Path | CodedPdf) -> str:
    return " ".join(" ".join(_pages(path)).split())


def _amount(tiyn: int, lang: str = "en") -> str:
    return _flat(format_amount(tiyn, lang))


def _code_matches(ledger: Ledger, pdf: CodedPdf) -> bool:
    """The registered figures function, run again, gives the printed code."""
    code = parse_report_code(pdf.code)
    assert code is not None
    item = verification.registered(code.kind)
    assert item is not None
    figures = item.figures(ledger, code.subject)
    return figures_digest(code.kind, code.subject, pdf.chain_head, figures) == code.digest


# --- the figures -------------------------------------------------------------------------


def test_year_totals_are_the_ledgers(ledger: Ledger, tmp_path: Path) -> None:
    summary = year_summary(ledger.conn, 2026)
    pdf = render_transparency(ledger, Period(2026), tmp_path / "y.pdf", "en")
    figures = transparency_figures(ledger, "2026")
    assert figures["opening"] == summary.boxes[1]
    assert figures["receipts"] == summary.boxes[2] + summary.boxes[3]
    assert figures["payments"] == summary.boxes[4] + summary.boxes[5] + summary.boxes[6]
    assert figures["closing"] == summary.boxes[8] == summary.boxes[7]
    assert figures["by_source"] == summary.receipts and figures["by_program"] == summary.payments
    text = _text(pdf)
    for key in ("opening", "receipts", "payments", "closing"):
        assert _amount(figures[key]) in text, key


def test_every_payment_over_the_threshold_and_none_at_or_under(
    year: Year, ledger: Ledger, tmp_path: Path
) -> None:
    figures = transparency_figures(ledger, "2026")
    assert figures["threshold"] == THRESHOLD
    listed = {row[0]: row for row in figures["published"]}
    # One tiyn over is listed; exactly the threshold, and a small payment, are not.
    assert year.one_tiyn_over in listed and listed[year.one_tiyn_over][2] == THRESHOLD + 1
    assert year.at_threshold not in listed and year.small not in listed
    # Every payment entry of the year over the threshold, each reversal of one too.
    expected = {
        int(n)
        for (n,) in ledger.conn.execute(
            "SELECT number FROM transactions WHERE type = 'payment' AND abs(amount) > ?"
            " AND date LIKE '2026-%'",
            (THRESHOLD,),
        )
    }
    assert (
        set(listed)
        == expected
        == {
            year.one_tiyn_over,
            year.q4_big,
        }
    )  # the STAFF payment and its reversal are 60 000 ₸
    text = _text(render_transparency(ledger, Period(2026), tmp_path / "y.pdf", "en"))
    assert f"№ {year.one_tiyn_over}" in text and _amount(THRESHOLD + 1) in text
    assert f"№ {year.at_threshold}" not in text and f"№ {year.small}" not in text
    # Who approved it: a resolution's number.
    assert listed[year.one_tiyn_over][6] is not None and "/" in listed[year.one_tiyn_over][6]
    assert f"Resolution {listed[year.one_tiyn_over][6]}" in text
    assert "Every payment over " + _amount(THRESHOLD) in text


def test_a_lower_threshold_lists_the_reversal_beside_its_payment(
    year: Year, ledger: Ledger, tmp_path: Path
) -> None:
    from ruralcouncil.reports.transparency import published_payments

    rows = {r[0]: r for r in published_payments(ledger.conn, "2026-01-01", "2026-12-31", 0)}
    assert rows[year.reversed_][8] == year.reversal  # the payment names its reversal
    assert rows[year.reversal][7] == year.reversed_ and rows[year.reversal][2] < 0
    small = rows[year.small]
    assert small[6] == "chair"  # approved by the chair alone
    assert small[4] == "Roads LLP"  # the payee from the request's party


def test_quarters_meet_at_their_edges(year: Year, ledger: Ledger, tmp_path: Path) -> None:
    quarters = [transparency_figures(ledger, f"2026.{q}") for q in (1, 2, 3, 4)]
    whole = transparency_figures(ledger, "2026")
    assert quarters[0]["opening"] == whole["opening"]
    assert quarters[3]["closing"] == whole["closing"]
    for before, after in itertools.pairwise(quarters):
        assert before["closing"] == after["opening"]
    assert sum(q["receipts"] for q in quarters) == whole["receipts"]
    assert sum(q["payments"] for q in quarters) == whole["payments"]
    # 31 March in the first quarter, 1 April in the second, the reversal of 30 June's
    # payment on 1 July counted in the third, against STAFF.
    assert quarters[0]["payments"] - quarters[0]["by_program"].get("STAFF", 0) >= THRESHOLD
    assert [r[0] for r in quarters[1]["published"]] == [year.one_tiyn_over]
    assert quarters[2]["by_program"]["STAFF"] == -60_000_00
    assert quarters[0]["published"] == []
    pdf = render_transparency(ledger, Period(2026, quarter=2), tmp_path / "q2.pdf", "en")
    text = _text(pdf)
    assert "2026, quarter 2" in text and "01/04/2026" in text and "30/06/2026" in text
    assert pdf.code.startswith("TR2026.2-")


def test_donations_keep_the_anonymous_donor_anonymous(ledger: Ledger, tmp_path: Path) -> None:
    figures = transparency_figures(ledger, "2026")
    assert ANONYMOUS not in repr(figures)
    for lang in ("en", "kk"):
        text = _text(render_transparency(ledger, Period(2026), tmp_path / f"{lang}.pdf", lang))
        assert ANONYMOUS not in text and "Secretsson" not in text
    text = _text(tmp_path / "en.pdf")
    assert text.count("Anonymous donor") == 2
    assert "Roads LLP" in text and "In kind: Ten bags of cement" in text
    assert _amount(2_500_00) in text
    assert (
        f"Received in money: {_amount(10_000_00)}. Given in kind, valued at: {_amount(2_500_00)}."
        in text
    )


def test_the_councils_decisions(year: Year, ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_transparency(ledger, Period(2026), tmp_path / "y.pdf", "en"))
    assert "The budget of 2026" in text
    assert year.failed in text and "A new bus stop" in text and "Not passed" in text
    q1 = _text(render_transparency(ledger, Period(2026, quarter=1), tmp_path / "q1.pdf", "en"))
    assert year.failed not in q1  # decided in May


def test_kazakh_print_has_kazakh_letters_and_the_tenge_sign(ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_transparency(ledger, Period(2026), tmp_path / "kk.pdf", "kk"))
    assert "Жер салығы" in text  # TAX-LAND's Kazakh name
    assert any(letter in text for letter in KAZAKH_LETTERS) and "₸" in text
    assert "Тексеру коды" in text


def test_the_code_and_its_qr_are_on_every_page(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.graphics import renderPDF

    seen: list[str] = []
    original = renderPDF.draw

    def spy(drawing: Any, canvas: Any, x: float, y: float, **kw: Any) -> None:
        seen.extend(getattr(shape, "value", "") for shape in drawing.contents)
        original(drawing, canvas, x, y, **kw)

    monkeypatch.setattr(renderPDF, "draw", spy)
    pdf = render_transparency(ledger, Period(2026), tmp_path / "y.pdf", "en")
    pages = _pages(pdf)
    assert len(pages) == pdf.pages >= 2
    for page in pages:
        assert pdf.code in page
    figures = transparency_figures(ledger, "2026")
    payload = qr_payload(pdf.code, verification.totals_text(Kind.TRANSPARENCY, figures))
    # The QR code is drawn once (the charts are drawings too, with no value) into a form
    # that every page places.
    assert [v for v in seen if v] == [payload]
    for page in PdfReader(os.fspath(pdf)).pages:
        assert any("footerQr" in str(name) for name in page["/Resources"]["/XObject"])
    assert f"Payments listed: {len(figures['published'])}" in payload


def test_the_registered_figures_give_the_printed_code(ledger: Ledger, tmp_path: Path) -> None:
    for period in (Period(2026), Period(2026, quarter=3)):
        pdf = render_transparency(ledger, period, tmp_path / f"{period.subject}.pdf", "kk")
        assert _code_matches(ledger, pdf)
    poster = render_poster(ledger, 2026, tmp_path / "poster.pdf", "ru")
    assert _code_matches(ledger, poster)


def test_one_code_in_every_language_and_alongside(ledger: Ledger, tmp_path: Path) -> None:
    codes = {
        render_transparency(ledger, Period(2026), tmp_path / f"{lang}{along}.pdf", lang, along).code
        for lang in ("kk", "ru", "en")
        for along in ("auto", None, "en")
    }
    assert len(codes) == 1


def test_a_changed_payment_changes_the_code(year: Year, ledger: Ledger) -> None:
    figures = transparency_figures(ledger, "2026")
    head = "0" * 64
    changed = dict(figures)
    changed["published"] = [list(row) for row in figures["published"]]
    changed["published"][0][2] += 1
    assert figures_digest(Kind.TRANSPARENCY, "2026", head, figures) != figures_digest(
        Kind.TRANSPARENCY, "2026", head, changed
    )


def test_same_ledger_same_bytes(ledger: Ledger, tmp_path: Path) -> None:
    first = render_transparency(ledger, Period(2026), tmp_path / "1.pdf", "kk")
    second = render_transparency(ledger, Period(2026), tmp_path / "2.pdf", "kk")
    assert first.path.read_bytes() == second.path.read_bytes()


@pytest.mark.parametrize("subject", ["2026.5", "26", "202613", "x"])
def test_a_subject_that_is_not_a_period_is_refused(ledger: Ledger, subject: str) -> None:
    with pytest.raises(InvalidInput):
        transparency_figures(ledger, subject)


# --- the poster --------------------------------------------------------------------------


def test_poster_is_one_page_with_the_years_figures(
    year: Year, ledger: Ledger, tmp_path: Path
) -> None:
    pdf = render_poster(ledger, 2026, tmp_path / "p.pdf", "en")
    assert pdf.pages == 1 and pdf.code.startswith("PO2026-")
    figures = transparency_figures(ledger, "2026")
    text = _text(pdf)
    for key in ("receipts", "payments", "closing"):
        assert _amount(figures[key]) in text
    assert _amount(120_000_00) in text  # the largest payment that stands
    assert pdf.code in text and "verify-report" in text


def test_poster_covers_a_year_only(ledger: Ledger) -> None:
    item = verification.registered(Kind.POSTER)
    assert item is not None
    with pytest.raises(InvalidInput):
        item.figures(ledger, "2026.1")


# --- the demo village, end to end --------------------------------------------------------


def test_demo_village_end_to_end(tmp_path: Path) -> None:
    create_demo(tmp_path / "demo.ruralcouncil").close()
    ledger = open_ledger(tmp_path / "demo.ruralcouncil", write=False)
    try:
        pdf = render_transparency(ledger, Period(2026), tmp_path / "tr.pdf", "kk")
        assert _code_matches(ledger, pdf)
        figures = transparency_figures(ledger, "2026")
        assert figures["published"] and figures["resolutions"] and figures["budget"]
        assert figures["donations"] and figures["projects"]
        text = _text(pdf)
        for row in figures["published"]:
            assert f"№ {row[0]}" in text and _amount(row[2], "kk") in text
        poster = render_poster(ledger, 2026, tmp_path / "po.pdf", "kk")
        assert poster.pages == 1 and _code_matches(ledger, poster)
    finally:
        ledger.close()


# --- the command line --------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], year: Year, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "--db", str(year.path), "report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_the_code_last(
    year: Year, ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "tr.pdf"
    code, out, err = _run(
        capsys,
        year,
        "transparency",
        "--year",
        "2026",
        "--quarter",
        "2",
        "--lang",
        "kk",
        "-o",
        str(target),
    )
    assert code == 0, err
    last = out.splitlines()[-1]
    assert "Written to" in out and last.startswith("TR2026.2-") and last in _text(target)
    assert last == render_transparency(ledger, Period(2026, quarter=2), tmp_path / "s.pdf").code
    target = tmp_path / "po.pdf"
    code, out, err = _run(capsys, year, "poster", "--year", "2026", "-o", str(target))
    assert code == 0, err
    assert out.splitlines()[-1].startswith("PO2026-") and out.splitlines()[-1] in _text(target)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["transparency", "--year", "2026", "--quarter", "5"], "quarter must be"),
        (["transparency", "--year", "2026", "--quarter", "0"], "quarter must be"),
        (["transparency", "--year", "26"], "four digits"),
        (["poster", "--year", "twenty"], "four digits"),
    ],
)
def test_cli_refuses_a_bad_period(
    year: Year, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], reason: str
) -> None:
    code, out, err = _run(capsys, year, *args, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and out == "" and reason in err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_an_existing_file_and_a_missing_folder(
    year: Year, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"someone's work")
    for command in ("transparency", "poster"):
        code, out, err = _run(capsys, year, command, "--year", "2026", "-o", str(kept))
        assert code == 2 and out == "" and "already exists" in err
        assert kept.read_bytes() == b"someone's work"
        code, out, err = _run(
            capsys, year, command, "--year", "2026", "-o", str(tmp_path / "nowhere" / "x.pdf")
        )
        assert code == 2 and out == "" and "does not exist" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]
