"""The printed documents of community money (DESIGN §2.4, §2.5, §4.4): a donor's receipt, a
project's statement to its contributors, a household's receipt; read back with pypdf, and
through ``report ...`` on the command line.

One village is built per module (``_village``): five households (one exempt), the project
"Балалар алаңы" collecting 20 000 ₸ a household in 2026, contributions in full and in part,
an anonymous cash gift to the project, a named cash gift and a gift in kind, and a payment
from the project's fund through an approved request. Every date is in 2026 before today.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from _council import COUNCIL, PASSWORDS, council_ledger, draft, resolve
from _helpers import day, user_of
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.i18n import _
from ruralcouncil.ledger import (
    council,
    donations,
    households,
    journal,
    meetings,
    projects,
    spending,
)
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import CodedPdf, Kind, parse_report_code, qr_payload
from ruralcouncil.reports.contributors import render_contributors, render_household_receipt
from ruralcouncil.reports.donor_receipt import render_donor_receipt
from ruralcouncil.reports.pdf_file import in_language

ANONYMOUS = "Жасырын Мырзабек"
DONOR = "Әсел Нұрланқызы"
STATEMENT = "Мен бұл сыйлықты өз еркіммен беремін."
HEADS = ["Серік Жақыпов", "Гүлнар Сейітова", "Қайрат Өмірұлы", "Дана Ким", "Ivan Petrov"]
ADDRESSES = [f"Абай көшесі, {n}" for n in range(1, 6)]
# "Signatures", already in the catalogues: what each language prints for it.
SIGNATURES = {"kk": "Қолтаңбалар", "ru": "Подписи", "en": "Signatures"}
LANGS = ["kk", "ru", "en"]


@dataclass(frozen=True)
class Village:
    path: Path
    project: int
    households: list[int]
    named_gift: int  # 50 000 ₸ in cash to the general fund, from DONOR
    anonymous_gift: int  # 100 000 ₸ in cash to the project, from ANONYMOUS
    in_kind_gift: int  # timber worth 30 000,50 ₸ to the road fund, from Aidos
    request: int


def _build(folder: Path) -> Village:
    c = council_ledger(folder)
    ledger = c.ledger
    try:
        ids = []
        for address, head in zip(ADDRESSES, HEADS, strict=True):
            party = council.add_party(ledger, c.clerk, head, "person")
            ids.append(households.add(ledger, c.clerk, address, party, 3))
        project = projects.add(
            ledger,
            c.clerk,
            "Балалар алаңы",
            600_000_00,
            20_000_00,
            2026,
            "Мектеп жанындағы әткеншектер мен қоршау",
            day("2026-02-01"),
        )
        projects.adopt(ledger, c.chair, project, resolve(c, f"project:{project}", "2026-02-10"))
        ref = resolve(c, f"exemption:{ids[4]}:2026", "2026-02-11")
        households.exempt(ledger, c.clerk, ids[4], 2026, "Зейнеткер, жалғыз тұрады", ref)
        projects.contribute(ledger, c.clerk, project, ids[0], 20_000_00, day("2026-03-01"))
        projects.contribute(ledger, c.clerk, project, ids[1], 5_000_00, day("2026-03-02"))
        projects.contribute(ledger, c.clerk, project, ids[1], 7_500_50, day("2026-03-05"))
        donor = council.add_party(ledger, c.clerk, DONOR, "person")
        named = donations.add(
            ledger,
            c.clerk,
            donor,
            50_000_00,
            STATEMENT + "\nЕшкім мәжбүрлеген жоқ.",
            on=day("2026-03-09"),
        )
        hidden = council.add_party(ledger, c.clerk, ANONYMOUS, "person")
        anonymous = donations.add(
            ledger,
            c.clerk,
            hidden,
            100_000_00,
            "Өз еркіммен беремін.",
            project_id=project,
            anonymous=True,
            on=day("2026-03-10"),
        )
        in_kind = donations.add(
            ledger,
            c.clerk,
            c.aidos,
            30_000_50,
            "I give this of my own free will.",
            fund="ROADFUND",
            in_kind="Timber for the fence",
            valued_by="The akimat's commission",
            on=day("2026-03-11"),
        )
        fund = projects.get(ledger.conn, project).fund
        request = draft(c, 50_000_00, category="CAPITAL", fund=fund, on="2026-04-01")
        spending.approve(ledger, c.chair, request, on=day("2026-04-02"))
        journal.record(
            ledger,
            c.clerk,
            NewEntry(day("2026-04-05"), EntryType.PAYMENT, 30_000_00, "CAPITAL", fund=fund),
            request_id=request,
        )
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Village(c.path, project, ids, named, anonymous, in_kind, request)
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> Village:
    return _build(tmp_path_factory.mktemp("community"))


@pytest.fixture
def ledger(village: Village) -> Iterator[Ledger]:
    """The village's ledger, opened to read."""
    opened = open_ledger(village.path, write=False)
    try:
        yield opened
    finally:
        opened.close()


def _flat(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _pages(path: Path | CodedPdf) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(os.fspath(path)).pages]


def _text(path: Path | CodedPdf) -> str:
    return "\n".join(_pages(path))


def _lines(path: Path | CodedPdf) -> list[str]:
    return [line.strip() for line in _text(path).splitlines() if line.strip()]


def _amount(tiyn: int, lang: str) -> str:
    return _flat(format_amount(tiyn, lang))


# --- the donor's receipt -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_donor_receipt_in_each_language(
    village: Village, ledger: Ledger, tmp_path: Path, lang: str
) -> None:
    written = render_donor_receipt(ledger, village.named_gift, tmp_path / "r.pdf", lang)
    pages = _pages(written)
    assert len(pages) == written.pages == 1
    text = pages[0]
    assert DONOR in text
    assert _amount(50_000_00, lang) in text
    assert STATEMENT in text and "Ешкім мәжбүрлеген жоқ." in text  # both lines, quoted
    assert written.code in text
    assert SIGNATURES[lang] in text
    code = parse_report_code(written.code)
    assert code is not None and code.position == written.chain_entries
    assert written.path.read_bytes().startswith(b"%PDF")


def test_kazakh_receipt_text_is_extractable(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    text = _text(render_donor_receipt(ledger, village.named_gift, tmp_path / "kk.pdf", "kk"))
    # A translated string of the catalogue, with letters only Kazakh has, comes back as text.
    assert "Қолтаңбалар" in text and "ң" in text and "Қ" in text
    assert "50 000,00 ₸" in text


def test_donor_receipt_same_code_in_every_language(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    codes = {
        render_donor_receipt(ledger, village.named_gift, tmp_path / f"{lang}.pdf", lang).code
        for lang in LANGS
    }
    assert len(codes) == 1


def test_anonymous_donor_is_named_on_their_own_receipt(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    text = _text(render_donor_receipt(ledger, village.anonymous_gift, tmp_path / "a.pdf", "en"))
    assert ANONYMOUS in text
    assert "their name is kept out of public reports" in text
    assert "Community project No. 1: Балалар алаңы" in text
    assert "Anonymous donor" not in text


def test_gift_in_kind_receipt(village: Village, ledger: Ledger, tmp_path: Path) -> None:
    lines = _lines(render_donor_receipt(ledger, village.in_kind_gift, tmp_path / "k.pdf", "en"))
    text = "\n".join(lines)
    assert "In kind: Timber for the fence" in lines
    assert f"Valued at {_amount(30_000_50, 'en')}" in lines
    assert "Valued by The akimat's commission" in lines
    assert "Earmarked fund: Road fund" in lines
    assert "it moves no money" in text
    assert "their name is kept out of public reports" not in text


def test_cash_receipt_names_its_entry_and_clerk(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    gift = donations.get(ledger.conn, village.named_gift)
    assert gift.entry is not None
    lines = _lines(render_donor_receipt(ledger, village.named_gift, tmp_path / "c.pdf", "en"))
    assert f"Receipt No. {gift.entry} in the ledger" in lines
    assert "The general fund of the village" in lines
    assert ("Recorded by", "clerk") in list(pairwise(lines))


def test_unknown_donation_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no donation 999"):
        render_donor_receipt(ledger, 999, tmp_path / "x.pdf", "en")
    assert list(tmp_path.iterdir()) == []


# --- the contributors' statement ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_statement_figures_are_the_projects_progress(
    village: Village, ledger: Ledger, tmp_path: Path, lang: str
) -> None:
    progress = projects.progress(ledger.conn, village.project)
    lines = _lines(render_contributors(ledger, village.project, tmp_path / "s.pdf", lang))
    pairs = list(pairwise(lines))
    money = {
        "(+) Collected from households": progress.collected,
        "(+) Donations in cash": progress.donated,
        "(−) Spent on the project": progress.spent,
        "(=) Left in the project's fund": progress.remaining,
    }
    with in_language(lang):  # the labels as the document prints them
        shown = {_(label): amount for label, amount in money.items()}
    assert lang == "en" or set(shown) != set(money)  # Kazakh labels, not English ones
    for label, amount in shown.items():
        assert (label, _amount(amount, lang)) in pairs, label
    assert progress.collected == 32_500_50 and progress.remaining == 102_500_50
    # Each household's line: address, head, paid, refunded.
    for share in progress.households:
        at = lines.index(share.address)
        assert lines[at + 1 : at + 4] == [
            share.head,
            _amount(share.paid, lang),
            _amount(share.refunded, lang),
        ]
    # The table's total is what was collected; what was spent is the payment's amount.
    assert sum(h.paid for h in progress.households) == progress.collected
    assert _amount(progress.spent, lang) in lines
    assert "Roads LLP" in lines


def test_statement_keeps_the_anonymous_donor_anonymous(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    for names in (True, False):
        text = _text(
            render_contributors(ledger, village.project, tmp_path / "s.pdf", "en", names=names)
        )
        assert "Anonymous donor" in text
        assert ANONYMOUS not in text
        os.remove(tmp_path / "s.pdf")


def test_no_names_shows_counts(village: Village, ledger: Ledger, tmp_path: Path) -> None:
    written = render_contributors(ledger, village.project, tmp_path / "n.pdf", "en", names=False)
    lines = _lines(written)
    for text in (*ADDRESSES, *HEADS):
        assert text not in "\n".join(lines)
    pairs = list(pairwise(lines))
    assert ("Paid in full", "1") in pairs
    assert ("Paid in part", "1") in pairs
    assert ("Paid nothing", "2") in pairs
    assert ("Exempt from the collection", "1") in pairs
    at = lines.index("Paid in full")
    assert lines[at + 2] == _amount(20_000_00, "en")
    total = lines.index("Total")
    assert lines[total + 1 : total + 3] == ["5", _amount(32_500_50, "en")]
    named = render_contributors(ledger, village.project, tmp_path / "y.pdf", "en")
    assert named.code == written.code  # the same figures of the same ledger


def test_every_page_carries_the_code_and_its_qr(
    village: Village, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.graphics import renderPDF

    seen: list[str] = []
    original = renderPDF.draw

    def spy(drawing: Any, canvas: Any, x: float, y: float, **kw: Any) -> None:
        seen.extend(getattr(shape, "value", "") for shape in drawing.contents)
        original(drawing, canvas, x, y, **kw)

    monkeypatch.setattr(renderPDF, "draw", spy)
    written = render_contributors(ledger, village.project, tmp_path / "s.pdf", "kk")
    pages = _pages(written)
    assert len(pages) == written.pages >= 2
    for page in pages:
        assert f"Verification code {written.code}" in page or written.code in page
    # The code, then the totals as text (in the document's language) for a phone to show.
    code = parse_report_code(written.code)
    assert code is not None
    with in_language("kk"):
        totals = checks.totals_text(
            Kind.CONTRIBUTORS, checks.registered(Kind.CONTRIBUTORS).figures(ledger, code.subject)
        )  # type: ignore[union-attr]
    assert seen == [qr_payload(written.code, totals)]  # drawn once, placed on each page
    assert len(seen[0].splitlines()) >= 3


def test_statement_in_kazakh(village: Village, ledger: Ledger, tmp_path: Path) -> None:
    text = _text(render_contributors(ledger, village.project, tmp_path / "kk.pdf", "kk"))
    assert "Барлығы" in text  # "Total", translated: ғ comes back as text
    assert "Балалар алаңы" in text and "32 500,50 ₸" in text


def test_unknown_project_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no community project 999"):
        render_contributors(ledger, 999, tmp_path / "x.pdf", "en")
    assert list(tmp_path.iterdir()) == []


# --- a household's receipt ---------------------------------------------------------------


def test_household_receipt(village: Village, ledger: Ledger, tmp_path: Path) -> None:
    household = village.households[1]
    written = render_household_receipt(ledger, village.project, household, tmp_path / "h.pdf", "en")
    paid = projects.contributions(ledger.conn, village.project, household)
    lines = _lines(written)
    assert written.pages == 1
    assert ADDRESSES[1] in lines and HEADS[1] in lines
    for contribution in paid:
        at = lines.index(str(contribution.entry))
        assert lines[at - 1 : at + 3] == [
            _flat(day(contribution.date).strftime("%d/%m/%Y")),
            str(contribution.entry),
            "Contribution",
            _amount(contribution.amount, "en"),
        ]
    assert ("Total paid", _amount(12_500_50, "en")) in list(pairwise(lines))
    assert f"Still owed: {_amount(7_499_50, 'en')}." in lines
    assert "Community project No. 1: Балалар алаңы" in lines
    assert written.code in "\n".join(lines)
    assert written.code.startswith(f"HR{village.project}.{household}-")


def test_household_receipt_refuses_unknown_household(
    village: Village, ledger: Ledger, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="no household 999"):
        render_household_receipt(ledger, village.project, 999, tmp_path / "x.pdf", "en")
    assert list(tmp_path.iterdir()) == []


# --- the code follows the ledger ---------------------------------------------------------


def test_code_changes_when_the_ledger_changes(village: Village, tmp_path: Path) -> None:
    path = tmp_path / "copy.ruralcouncil"
    shutil.copyfile(village.path, path)
    ledger = open_ledger(path)
    try:
        before = {
            "statement": render_contributors(ledger, village.project, tmp_path / "a.pdf"),
            "household": render_household_receipt(
                ledger, village.project, village.households[2], tmp_path / "b.pdf"
            ),
            "donor": render_donor_receipt(ledger, village.named_gift, tmp_path / "c.pdf"),
        }
        clerk = user_of(ledger, "clerk", PASSWORDS["clerk"])
        projects.contribute(
            ledger, clerk, village.project, village.households[2], 1_000_00, day("2026-05-01")
        )
        after = {
            "statement": render_contributors(ledger, village.project, tmp_path / "d.pdf"),
            "household": render_household_receipt(
                ledger, village.project, village.households[2], tmp_path / "e.pdf"
            ),
            "donor": render_donor_receipt(ledger, village.named_gift, tmp_path / "f.pdf"),
        }
    finally:
        ledger.close()
    for kind, pdf in before.items():
        assert after[kind].code != pdf.code, kind
        assert after[kind].chain_entries > pdf.chain_entries
    assert _amount(33_500_50, "en") in _text(after["statement"])


def test_closed_project_shows_the_refunds(village: Village, tmp_path: Path) -> None:
    path = tmp_path / "closed.ruralcouncil"
    shutil.copyfile(village.path, path)
    ledger = open_ledger(path)
    try:
        chair = user_of(ledger, "chair", PASSWORDS["chair"])
        spending.cancel(ledger, chair, village.request, "Not needed", day("2026-06-01"))
        meeting = meetings.open_meeting(ledger, chair, day("2026-06-10"), COUNCIL)
        ref = meetings.add_resolution(
            ledger, chair, meeting, f"project:{village.project}", "Close it", COUNCIL, []
        )
        meetings.confirm(ledger, user_of(ledger, "m1", PASSWORDS["m1"]), ref)
        projects.close(ledger, chair, village.project, ref, refund=True, to_fund="GENERAL")
        progress = projects.progress(ledger.conn, village.project)
        statement = _lines(render_contributors(ledger, village.project, tmp_path / "s.pdf", "en"))
        household = village.households[1]
        receipt = _lines(
            render_household_receipt(ledger, village.project, household, tmp_path / "h.pdf", "en")
        )
    finally:
        ledger.close()
    pairs = list(pairwise(statement))
    # Each household gets back at most what it paid (32 500,50 in all); the gifts' 70 000
    # moved to the general fund.
    assert (progress.remaining, progress.refunded, progress.moved) == (0, 32_500_50, 70_000_00)
    assert ("(−) Refunded to the households at the close", _amount(32_500_50, "en")) in pairs
    assert ("(=) Left in the project's fund", _amount(0, "en")) in pairs
    told = " ".join(statement)
    assert f"Of what was left, {_amount(32_500_50, 'en')} was refunded" in told
    assert f"{_amount(70_000_00, 'en')}, more than the households paid" in told
    assert not any(line.startswith("Owes") for line in statement)
    share = next(h for h in progress.households if h.id == household)
    assert ("Total paid", _amount(12_500_50, "en")) in list(pairwise(receipt))
    assert ("Total refunded", _amount(share.refunded, "en")) in list(pairwise(receipt))
    assert "Refunded at the close of the project" in receipt


def test_same_ledger_same_bytes(village: Village, ledger: Ledger, tmp_path: Path) -> None:
    first = render_contributors(ledger, village.project, tmp_path / "1.pdf", "kk")
    second = render_contributors(ledger, village.project, tmp_path / "2.pdf", "kk")
    assert first.path.read_bytes() == second.path.read_bytes()


# --- the command line --------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], village: Village, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "--db", str(village.path), "report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_the_code_last(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "receipt.pdf"
    code, out, err = _run(
        capsys, village, "donor-receipt", str(village.named_gift), "--lang", "kk", "-o", str(target)
    )
    assert code == 0, err
    last = out.splitlines()[-1]
    assert parse_report_code(last) is not None and last.startswith(f"DR{village.named_gift}-")
    text = _text(target)
    assert last in text
    assert "Қолтаңбалар" in text  # the document in Kazakh...
    assert "Written to" in out  # ...the messages in English


def test_cli_contributors_and_household_receipt(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "s.pdf"
    project = str(village.project)
    code, out, err = _run(
        capsys, village, "contributors", project, "--lang", "en", "-o", str(target), "--no-names"
    )
    assert code == 0, err
    text = _text(target)
    assert out.splitlines()[-1] in text
    assert ADDRESSES[0] not in text and "Paid in full" in text
    target = tmp_path / "h.pdf"
    household = str(village.households[0])
    code, out, err = _run(
        capsys,
        village,
        "household-receipt",
        "--project",
        project,
        "--household",
        household,
        "--lang",
        "ru",
        "-o",
        str(target),
    )
    assert code == 0, err
    last = out.splitlines()[-1]
    assert last.startswith(f"HR{project}.{household}-") and last in _text(target)


def test_cli_refuses_an_existing_file(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"someone's work")
    for args in (
        ["donor-receipt", str(village.named_gift)],
        ["contributors", str(village.project)],
        ["household-receipt", "--project", "1", "--household", "1"],
    ):
        code, out, err = _run(capsys, village, *args, "-o", str(target))
        assert code == 2 and out == ""
        assert "already exists" in err
        assert target.read_bytes() == b"someone's work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["donor-receipt", "999"], "no donation 999"),
        (["contributors", "999"], "no community project 999"),
        (["household-receipt", "--project", "999", "--household", "1"], "project 999"),
        (["household-receipt", "--project", "1", "--household", "999"], "no household 999"),
        (["donor-receipt", "x1"], "donation"),
    ],
)
def test_cli_refuses_an_unknown_id(
    village: Village,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    reason: str,
) -> None:
    target = tmp_path / "x.pdf"
    code, out, err = _run(capsys, village, *args, "-o", str(target))
    assert code == 2 and out == ""
    assert reason in err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_missing_folder(
    village: Village, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "x.pdf"
    code, out, err = _run(capsys, village, "contributors", "1", "-o", str(target))
    assert code == 2 and out == "" and "does not exist" in err
    assert not (tmp_path / "nowhere").exists()


# --- the codes themselves ----------------------------------------------------------------


def test_report_code_names_kind_subject_and_position() -> None:
    from ruralcouncil.reports.codes import Kind, report_code

    head = "ab" * 32
    code = report_code(Kind.HOUSEHOLD_RECEIPT, "3.12", 417, head, {"paid": 100})
    text = str(code)
    assert text.startswith("HR3.12-417-") and len(code.digest) == 16
    assert parse_report_code(text) == code
    assert parse_report_code(" " + text.lower().replace("-", "- ", 1)) == code
    # Another figure, another head, another position: another code.
    assert report_code(Kind.HOUSEHOLD_RECEIPT, "3.12", 417, head, {"paid": 101}) != code
    assert report_code(Kind.HOUSEHOLD_RECEIPT, "3.12", 417, "cd" * 32, {"paid": 100}) != code
    assert report_code(Kind.DONOR_RECEIPT, "3.12", 417, head, {"paid": 100}).digest != code.digest


@pytest.mark.parametrize(
    "text", ["", "DR7", "ZZ7-1-0000-0000-0000-0000", "DR7-1-0000-0000-0000", "0123 4567 89ab"]
)
def test_malformed_report_codes_are_not_codes(text: str) -> None:
    assert parse_report_code(text) is None
