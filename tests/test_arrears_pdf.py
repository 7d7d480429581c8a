"""The list of rent in arrears (DESIGN §2.6, §4.3, §4.4): its figures read back with pypdf
equal ``assets.arrears`` at the day asked, its verification code and QR code are on every
page, its Kazakh text extracts, and ``report arrears`` prints the code last and refuses an
existing file.

One village per module: 36 assets let to tenants with Kazakh names at a rent per month,
quarter or year (enough rows for two pages), some paid in full, some in part, some not at
all, one lease beginning after the day of the list. Every date is in 2026 before today.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _council import PASSWORDS, council_ledger
from _helpers import day, english, user_of
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.i18n import _
from ruralcouncil.ledger import assets, council, journal
from ruralcouncil.ledger.assets import rent_text
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.arrears import render_arrears
from ruralcouncil.reports.codes import CodedPdf, Kind, parse_report_code, qr_payload
from ruralcouncil.reports.pdf_file import in_language

__all__ = ["english"]  # the module's messages in English (an autouse fixture)

AT = "2026-11-30"
LEASES = 36
TENANTS = ["Қайрат Өмірұлы", "Гүлнар Сейітова", "Әсел Нұрланқызы", "Ivan Petrov"]
PERIODS = ["month", "quarter", "year"]
LANGS = ["kk", "ru", "en"]


@dataclass(frozen=True)
class Village:
    path: Path
    leases: list[int]
    later: int  # a lease that begins after AT


def _build(folder: Path) -> Village:
    c = council_ledger(folder)
    ledger = c.ledger
    try:
        tenants = [council.add_party(ledger, c.clerk, name, "person") for name in TENANTS]
        leases = []
        for n in range(LEASES):
            asset = assets.add_asset(
                ledger,
                c.clerk,
                f"Учаске {n + 1:02d}",
                ["land", "property", "natural"][n % 3],
                (n + 1) * 100_000_00,
                location="Абай көшесі",
            )
            lease = assets.add_lease(
                ledger,
                c.clerk,
                asset,
                tenants[n % len(tenants)],
                (n + 1) * 1_000_00 + 50,
                PERIODS[n % 3],
                day(f"2026-{n % 11 + 1:02d}-01"),
                day("2026-12-31"),
            )
            leases.append(lease)
            code = assets.get_lease(ledger.conn, lease).rent_code
            # A third paid in full by AT, a third in part, a third nothing.
            owed = assets.get_lease(ledger.conn, lease).due_on(AT)
            paid = {0: owed, 1: owed // 3}.get(n % 3, 0)
            if paid:
                journal.record(
                    ledger,
                    c.clerk,
                    NewEntry(day(f"2026-{n % 11 + 1:02d}-02"), EntryType.RECEIPT, paid, code),
                    register=RegisterLink(lease_id=lease),
                )
        asset = assets.add_asset(ledger, c.clerk, "Кейінгі учаске", "land", 1_00)
        later = assets.add_lease(
            ledger,
            c.clerk,
            asset,
            tenants[0],
            5_000_00,
            "month",
            day("2026-12-01"),
            day("2026-12-31"),
        )
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Village(c.path, leases, later)
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> Village:
    return _build(tmp_path_factory.mktemp("arrears"))


@pytest.fixture
def ledger(village: Village) -> Iterator[Ledger]:
    opened = open_ledger(village.path, write=False)
    try:
        yield opened
    finally:
        opened.close()


def _flat(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _pages(path: Path | CodedPdf) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(os.fspath(path)).pages]


def _lines(path: Path | CodedPdf) -> list[str]:
    return [line.strip() for page in _pages(path) for line in page.splitlines() if line.strip()]


def _amount(tiyn: int, lang: str) -> str:
    return _flat(format_amount(tiyn, lang))


_AMOUNT = {
    "kk": re.compile(r"[0-9 ]+,[0-9]{2} ₸"),
    "ru": re.compile(r"[0-9 ]+,[0-9]{2} ₸"),
    "en": re.compile(r"₸[0-9,]+\.[0-9]{2}"),
}


def _amounts_after(lines: list[str], at: int, lang: str, count: int = 3) -> list[str]:
    """The first ``count`` lines after ``lines[at]`` that are an amount and nothing else."""
    found = [line for line in lines[at + 1 :] if _AMOUNT[lang].fullmatch(line)]
    return found[:count]


# --- the document ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_figures_are_the_cores_arrears(
    village: Village, ledger: Ledger, tmp_path: Path, lang: str
) -> None:
    core = assets.arrears(ledger.conn, AT)
    written = render_arrears(ledger, AT, tmp_path / "a.pdf", lang)
    lines = _lines(written)
    # Every lease begun by AT, none that begins later; paid in full, in part and not at all.
    assert {a.lease.id for a in core} == set(village.leases)
    assert village.later not in {a.lease.id for a in core}
    assert "Кейінгі учаске" not in "\n".join(lines)
    assert {a.arrears == 0 for a in core} == {True, False}
    assert any(0 < a.paid < a.due for a in core)
    for a in core:
        at = lines.index(a.lease.asset)
        assert lines[at - 1] == str(a.lease.id)
        assert " ".join(lines[at + 1 : at + 3]).startswith(a.lease.tenant)  # it may wrap
        found = _amounts_after(lines, at, lang, 4)
        # The rent per period may wrap so that its amount stands on a line of its own (in
        # Kazakh: "айына" / "1 000,50 ₸"); then it comes first, before the three figures.
        with in_language(lang):
            words = rent_text(a.lease.rent, a.lease.period)
        words = words.replace("\xa0", " ").replace(_amount(a.lease.rent, lang), "").strip()
        rent_alone = words in lines[at + 1 : at + 5]  # "айына" on a line of its own
        figures = found[1:4] if rent_alone else found[:3]
        assert figures == [
            _amount(a.due, lang),
            _amount(a.paid, lang),
            _amount(a.arrears, lang),
        ], a.lease.id
    with in_language(lang):
        total = _("Total")
    at = lines.index(total)
    assert _amounts_after(lines, at, lang) == [
        _amount(sum(a.due for a in core), lang),
        _amount(sum(a.paid for a in core), lang),
        _amount(sum(a.arrears for a in core), lang),
    ]
    if lang == "en":
        owing = sum(1 for a in core if a.arrears)
        told = " ".join(lines)
        assert f"Leases in arrears: {owing} of {len(core)}" in told
        assert f"in arrears in all: {_amount(sum(a.arrears for a in core), 'en')}." in told
        assert "Rent in arrears at 30/11/2026" in lines


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
    written = render_arrears(ledger, AT, tmp_path / "a.pdf", "ru")
    pages = _pages(written)
    assert len(pages) == written.pages >= 2
    for page in pages:
        assert written.code in page
    # The code, then the totals as text (in the document's language) for a phone to show.
    code = parse_report_code(written.code)
    assert code is not None
    with in_language("ru"):
        totals = checks.totals_text(
            Kind.ARREARS, checks.registered(Kind.ARREARS).figures(ledger, code.subject)
        )  # type: ignore[union-attr]
    assert seen == [qr_payload(written.code, totals)]  # drawn once, placed on each page
    assert len(seen[0].splitlines()) >= 3
    code = parse_report_code(written.code)
    assert code is not None
    assert (code.kind, code.subject, code.position) == (
        Kind.ARREARS,
        "20261130",
        written.chain_entries,
    )


def test_kazakh_text_extracts(ledger: Ledger, tmp_path: Path) -> None:
    text = " ".join(" ".join(_pages(render_arrears(ledger, AT, tmp_path / "kk.pdf", "kk"))).split())
    # Translated strings of the catalogue, with letters only Kazakh has, come back as text,
    # as do the tenants' names and the tenge sign.
    assert "Барлығы" in text and "Тексеру коды" in text
    assert "Қайрат Өмірұлы" in text and "Әсел Нұрланқызы" in text
    assert "30.11.2026" in text and "₸" in text


def test_one_code_in_every_language(ledger: Ledger, tmp_path: Path) -> None:
    codes = {render_arrears(ledger, AT, tmp_path / f"{lang}.pdf", lang).code for lang in LANGS}
    assert len(codes) == 1


def test_the_code_follows_the_ledger_and_the_day(village: Village, tmp_path: Path) -> None:
    path = tmp_path / "copy.ruralcouncil"
    shutil.copyfile(village.path, path)
    ledger = open_ledger(path)
    try:
        before = render_arrears(ledger, AT, tmp_path / "a.pdf")
        other_day = render_arrears(ledger, "2026-11-29", tmp_path / "b.pdf")
        owing = next(a for a in assets.arrears(ledger.conn, AT) if a.arrears)
        clerk = user_of(ledger, "clerk", PASSWORDS["clerk"])
        journal.record(
            ledger,
            clerk,
            NewEntry(day("2026-11-30"), EntryType.RECEIPT, owing.arrears, owing.lease.rent_code),
            register=RegisterLink(lease_id=owing.lease.id),
        )
        after = render_arrears(ledger, AT, tmp_path / "c.pdf", "en")
        left = sum(a.arrears for a in assets.arrears(ledger.conn, AT))
    finally:
        ledger.close()
    assert other_day.code != before.code and other_day.code.startswith("RA20261129-")
    assert after.code != before.code and after.chain_entries > before.chain_entries
    lines = _lines(after)
    at = lines.index(owing.lease.asset)
    assert _amounts_after(lines, at, "en")[2] == _amount(0, "en")
    assert _amounts_after(lines, lines.index("Total"), "en")[2] == _amount(left, "en")


def test_same_ledger_same_bytes(ledger: Ledger, tmp_path: Path) -> None:
    first = render_arrears(ledger, AT, tmp_path / "1.pdf", "kk")
    second = render_arrears(ledger, AT, tmp_path / "2.pdf", "kk")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_before_any_lease_the_list_says_so(ledger: Ledger, tmp_path: Path) -> None:
    written = render_arrears(ledger, "2025-06-30", tmp_path / "none.pdf", "en")
    text = " ".join(_lines(written))
    assert "No lease had begun by 30/06/2025." in text
    assert written.code in text and written.pages == 1


@pytest.mark.parametrize("bad", ["2026-02-30", "30.11.2026", ""])
def test_a_day_that_is_not_one_writes_nothing(ledger: Ledger, tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidInput):
        render_arrears(ledger, bad, tmp_path / "x.pdf", "en")
    assert list(tmp_path.iterdir()) == []


# --- the command line --------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], village: Village, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "--db", str(village.path), "report", "arrears", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_the_code_last(
    village: Village, ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "arrears.pdf"
    code, out, err = _run(capsys, village, "--at", AT, "--lang", "kk", "-o", str(target))
    assert code == 0, err
    last = out.splitlines()[-1]
    parsed = parse_report_code(last)
    assert parsed is not None and parsed.kind == Kind.ARREARS and last.startswith("RA20261130-")
    assert "Written to" in out  # the messages in English...
    text = "\n".join(_pages(target))
    assert last in text and "Барлығы" in text  # ...the document in Kazakh
    # The same list as the library makes.
    assert last == render_arrears(ledger, AT, tmp_path / "same.pdf", "en").code


def test_cli_at_defaults_to_today(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(capsys, village, "-o", str(tmp_path / "today.pdf"))
    assert code == 0, err
    assert out.splitlines()[-1].startswith(f"RA{date.today().isoformat().replace('-', '')}-")


def test_cli_refuses_an_existing_file(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"someone's work")
    code, out, err = _run(capsys, village, "--at", AT, "-o", str(target))
    assert code == 2 and out == ""
    assert "already exists" in err
    assert target.read_bytes() == b"someone's work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]


@pytest.mark.parametrize(
    ("at", "reason"),
    [("2026-02-30", "does not exist"), ("30.11.2026", "YYYY-MM-DD"), ("", "--at is required")],
)
def test_cli_refuses_a_day_that_is_not_one(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path, at: str, reason: str
) -> None:
    code, out, err = _run(capsys, village, "--at", at, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and out == ""
    assert reason in err
    assert list(tmp_path.iterdir()) == []
