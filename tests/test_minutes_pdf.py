"""The minutes of a meeting: what was recorded, read back from the PDF."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from ruralcouncil import i18n
from ruralcouncil.ledger import meetings, users
from ruralcouncil.ledger.chain import head
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import Kind, anchor_text, parse_report_code
from ruralcouncil.reports.minutes import MinutesPdf, render_minutes_pdf

PASSWORD = "correct horse battery"
VILLAGE = "Ақсу ауылдық округі"
CHAIR, MEMBER, OTHER, AWAY = "Серік Жақыпов", "Дана Ким", "Әсел Нұрланқызы", "Қайрат Өмірұлы"


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, int]]:
    """A meeting of 20 January 2025: three of four present, two resolutions, one confirmed
    and used to adopt the budget, one that did not pass."""
    folder = tmp_path_factory.mktemp("minutes")
    ledger = init_ledger(
        folder / "v.ruralcouncil", village=VILLAGE, admin="admin", password=PASSWORD
    )
    admin = users.login(ledger, "admin", PASSWORD)
    for name, role, full in (
        ("serik", "chair", CHAIR),
        ("dana", "member", MEMBER),
        ("asel", "member", OTHER),
        ("kairat", "member", AWAY),
    ):
        users.add_user(ledger, admin, name, role, PASSWORD, full)
    chair = users.login(ledger, "serik", PASSWORD)
    meeting = meetings.open_meeting(
        ledger,
        chair,
        date(2025, 1, 20),
        ["serik", "dana", "asel"],
        secretary="dana",
        agenda="1. Бюджет 2025\n2. Жол жөндеу",
    )
    first = meetings.add_resolution(
        ledger,
        chair,
        meeting,
        "budget:2025",
        "2025 жылғы бюджет қабылдансын.",
        ["serik", "dana"],
        ["asel"],
    )
    meetings.add_resolution(
        ledger,
        chair,
        meeting,
        "other",
        "Жол жөндеу келесі жылға қалдырылсын.",
        ["serik"],
        ["dana", "asel"],
    )
    meetings.confirm(ledger, users.login(ledger, "dana", PASSWORD), first)
    from ruralcouncil.ledger import budget

    budget.adopt(ledger, chair, 2025, b"category,fund,amount\nROADS,GENERAL,500000\n", first)
    try:
        yield ledger, meeting
    finally:
        ledger.close()


@pytest.fixture(autouse=True)
def _kazakh() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("kk")
    yield
    i18n.set_language(previous)


def _text(path: Path | MinutesPdf) -> str:
    reader = PdfReader(os.fspath(path.path if isinstance(path, MinutesPdf) else path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_minutes_hold_what_was_recorded(council: tuple[Ledger, int], tmp_path: Path) -> None:
    ledger, meeting = council
    written = render_minutes_pdf(ledger, meeting, tmp_path / "m.pdf", lang="en")
    text = _text(written)
    assert VILLAGE in text
    assert "Minutes of the meeting of" in text
    assert "Present: 3 of the 4 sitting members." in text
    for name in (CHAIR, MEMBER, OTHER, AWAY):
        assert name in text  # Kazakh letters come back as text
    assert "Бюджет 2025" in text and "Жол жөндеу" in text  # the agenda, both lines
    assert "Resolution 2025/1: The budget of 2025" in text
    assert "Resolution 2025/2: Other business" in text
    assert "2025 жылғы бюджет қабылдансын." in text
    assert "Passed (2 for, 1 against, 0 abstained)" in text
    assert "Not passed (1 for, 2 against, 0 abstained)" in text
    assert f"confirmed by {MEMBER}" in text
    assert "Adopted version 1 of the budget of 2025" in text
    for vote in ("For", "Against", "Absent"):
        assert vote in text
    assert "Chair" in text and "Secretary" in text and "Signatures" in text


def test_votes_per_member(council: tuple[Ledger, int], tmp_path: Path) -> None:
    ledger, meeting = council
    text = _text(render_minutes_pdf(ledger, meeting, tmp_path / "m.pdf", lang="en"))
    lines = [line.strip() for line in text.splitlines()]
    # Each table row is read back as the member's name, then their vote (or attendance).
    pairs = list(pairwise(lines))
    # The absent member: absent from the meeting and on both resolutions.
    assert pairs.count((AWAY, "Absent")) == 3
    assert pairs.count((CHAIR, "For")) == 2
    assert pairs.count((OTHER, "Against")) == 2
    assert pairs.count((MEMBER, "For")) == 1 and pairs.count((MEMBER, "Against")) == 1


def test_footer_carries_the_anchor(council: tuple[Ledger, int], tmp_path: Path) -> None:
    ledger, meeting = council
    written = render_minutes_pdf(ledger, meeting, tmp_path / "m.pdf", lang="en")
    entries, chain_head = head(ledger.conn)
    assert (written.chain_entries, written.chain_head) == (entries, chain_head)
    text = _text(written)
    assert anchor_text(entries, chain_head) in text
    code = parse_report_code(written.code)
    assert code is not None and code.kind is Kind.MINUTES
    assert (code.subject, code.position) == (str(meeting), entries)
    assert f"Verification code {written.code} (chain position {entries})" in text
    assert "Page 1" in text
    # A code verify-report accepts; a changed figure (another meeting's number) is refused.
    assert verification.check(ledger, written.code).matches
    other = written.code.replace(f"MN{meeting}-", f"MN{meeting + 1}-", 1)
    assert not verification.check(ledger, other).matches


def test_in_kazakh_and_repeatable(council: tuple[Ledger, int], tmp_path: Path) -> None:
    ledger, meeting = council
    first = render_minutes_pdf(ledger, meeting, tmp_path / "a.pdf")
    second = render_minutes_pdf(ledger, meeting, tmp_path / "b.pdf")
    assert first.path.read_bytes() == second.path.read_bytes()
    text = _text(first)
    assert "2025/1" in text and "2025/2" in text
    # Words the catalogue already has come out in Kazakh (the new ones await translation).
    assert "Төраға" in text and CHAIR in text
    assert i18n.language() == "kk"


def test_language_argument_is_temporary(council: tuple[Ledger, int], tmp_path: Path) -> None:
    ledger, meeting = council
    render_minutes_pdf(ledger, meeting, tmp_path / "ru.pdf", lang="ru")
    assert i18n.language() == "kk"


def test_importing_does_not_load_reportlab() -> None:
    code = (
        "import sys, ruralcouncil.reports.minutes;"
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
