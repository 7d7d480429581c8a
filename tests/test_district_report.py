"""The district report (DESIGN §4.5): a PDF of the villages' boxes, charts and attention list,
with a verification code that ``verify-report --store`` checks as the store was at the
code's state, figures and list alike, so it still checks after a village grew or a file was
refused."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _district import run, small_village
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    english,
    fresh_ledger,
    opening,
    payment,
    receipt,
)

from ruralcouncil.district.figures import district_summary
from ruralcouncil.district.store import open_store
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.reports.district_code import district_figures
from ruralcouncil.reports.pdf_file import in_language
from ruralcouncil.reports.summary_pdf import BOX_LABELS

pypdf = pytest.importorskip("pypdf")

YEAR = "2024"  # the demo village made on 1 November 2024 has attention items in it


@pytest.fixture(scope="module")
def villages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("villages")
    paths = []
    for n, today in enumerate((date(2026, 6, 1), date(2024, 11, 1))):
        path = folder / f"demo-{n}.ruralcouncil"
        create_demo(path, today=today).close()
        paths.append(path)
    paths.append(small_village(folder / "small.ruralcouncil", year=2024))
    return paths


@pytest.fixture()
def store(villages: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A fresh store per test (some grow a village), from copies of the villages."""
    copies = [Path(shutil.copyfile(p, tmp_path / p.name)) for p in villages]
    path = tmp_path / "district.duckdb"
    done = run(capsys, "consolidate", *map(str, copies), "-o", str(path))
    assert done.code == 0, done.err
    return path


def _report(capsys: pytest.CaptureFixture[str], store: Path, out: Path, lang: str = "en") -> str:
    done = run(
        capsys,
        "district",
        "report",
        "--store",
        str(store),
        "--year",
        YEAR,
        "--lang",
        lang,
        "-o",
        str(out),
    )
    assert done.code == 0, done.err
    code = done.out.strip().splitlines()[-1]
    assert re.fullmatch(r"DS2024\.[0-9]{11}-[0-9]+-[0-9A-F]{4}(-[0-9A-F]{4}){3}", code)
    return code


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def _verify(capsys: pytest.CaptureFixture[str], code: str, *where: str) -> tuple[int, str]:
    done = run(capsys, "verify-report", code, *where)
    return done.code, done.out + done.err


def test_the_pdf_names_every_village_with_its_boxes_and_a_code_on_every_page(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "district.pdf"
    code = _report(capsys, store, out)
    pages = _pages(out)
    assert len(pages) >= 2
    for text in pages:
        assert code in text.replace("\n", " ")
    text = " ".join(pages)
    with open_store(store, write=False) as opened:
        summary = district_summary(opened, int(YEAR))
    assert len(summary.villages) == 3
    for v in summary.villages:
        assert v.village in text
        for box in (2, 4, 7):
            assert format_amount(v.boxes[box], "en", sign=False) in text
    assert format_amount(summary.boxes[7], "en", sign=False) in text
    assert "Variance not explained" in text  # the attention list, as attention_list says
    assert "Receipts by source, all villages" in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_language_switches_and_the_code_does_not(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path, lang: str
) -> None:
    in_english = _report(capsys, store, tmp_path / "en.pdf", "en")
    other = _report(capsys, store, tmp_path / f"{lang}.pdf", lang)
    assert other == in_english  # the figures are language-free
    text = " ".join(_pages(tmp_path / f"{lang}.pdf"))
    with in_language(lang):
        from ruralcouncil.i18n import _

        staff = _(BOX_LABELS[4])
    assert staff != BOX_LABELS[4] and staff in text
    assert BOX_LABELS[4] not in text


def test_the_code_verifies_and_still_does_after_a_village_grew(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    code = _report(capsys, store, tmp_path / "before.pdf")
    exit_code, said = _verify(capsys, code, "--store", str(store))
    assert exit_code == 0, said
    assert "matches this district store" in said and "Total receipts" in said
    with open_store(store, write=False) as opened:
        before = district_summary(opened, int(YEAR)).as_json()
        path = opened.conn.execute(
            "SELECT path FROM ledgers WHERE village NOT LIKE '%округі%'"
        ).fetchone()[0]
    ledger = open_ledger(Path(path))
    try:
        receipt(ledger, admin_of(ledger), "2024-04-01", 7_000_00, "TAX-PROPERTY")
    finally:
        ledger.close()
    done = run(capsys, "consolidate", path, "-o", str(store), "--json")
    assert done.code == 0 and done.json()[0]["status"] == "grown"
    # Yesterday's paper still checks: its figures are read as the store was at its state.
    exit_code, said = _verify(capsys, code, "--store", str(store))
    assert exit_code == 0, said
    state = int(code.split("-")[1])
    with open_store(store, write=False) as opened:
        assert district_summary(opened, int(YEAR), state).as_json() == before
        assert district_summary(opened, int(YEAR)).as_json() != before
        figures, _head = district_figures(opened, code.split("-")[0][2:], state)
    assert _strip_loaded(figures["villages"]) == district_figures_villages(before)
    # Today's report has today's figures and state, so another code.
    assert _report(capsys, store, tmp_path / "after.pdf") != code


def district_figures_villages(summary: dict[str, object]) -> list[dict[str, object]]:
    """The villages' anchors and boxes as ``district_figures`` holds them (loaded_at aside)."""
    found = []
    for v in summary["villages"]:  # type: ignore[attr-defined]
        found.append(
            {
                "village": v["village"],
                "ledger": v["ledger"],
                "chain": v["chain"],
                "boxes": v["boxes"],
                "receipts": dict(sorted(v["receipts"].items())),
                "payments": dict(sorted(v["payments"].items())),
            }
        )
    return found


def _strip_loaded(figures: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in f.items() if k != "loaded_at"} for f in figures]


def test_the_code_still_verifies_after_files_are_refused_rewritten_and_merged(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    """The attention list is read as at the code's state too: a file refused after the
    paper was printed, the same path then merged, a village grown and a rewritten copy of it
    all change today's list and today's code, never yesterday's."""
    code = _report(capsys, store, tmp_path / "before.pdf")
    state = int(code.split("-")[1])
    with open_store(store, write=False) as opened:
        printed = [a.as_json() for a in _list(opened, code)]
        path = Path(
            opened.conn.execute(
                "SELECT path FROM ledgers WHERE village NOT LIKE '%округі%'"
            ).fetchone()[0]
        )
    foreign = tmp_path / "stick.ruralcouncil"
    foreign.write_bytes(b"not a ledger")
    rewritten = Path(shutil.copyfile(path, tmp_path / "rewritten.ruralcouncil"))
    changes = []
    done = run(capsys, "consolidate", str(foreign), "-o", str(store), "--json")
    changes.append([i["status"] for i in done.json()])
    shutil.copyfile(path, foreign)  # the village brings a good copy to the same path
    for where, amount in ((path, 7_000_00), (rewritten, 9_000_00)):
        ledger = open_ledger(where)
        try:
            receipt(ledger, admin_of(ledger), "2024-04-01", amount, "TAX-PROPERTY")
        finally:
            ledger.close()
    done = run(
        capsys, "consolidate", str(foreign), str(path), str(rewritten), "-o", str(store), "--json"
    )
    changes.append([i["status"] for i in done.json()])
    assert changes == [["refused"], ["unchanged", "grown", "rewritten"]]
    exit_code, said = _verify(capsys, code, "--store", str(store))
    assert exit_code == 0, said
    with open_store(store, write=False) as opened:
        assert [a.as_json() for a in _list(opened, code)] == printed
        now = [a.as_json() for a in _list(opened, code, now=True)]
        assert {a["concern"] for a in now} - {a["concern"] for a in printed} == {"rewritten"}
        assert opened.state() == state + 4
    assert _report(capsys, store, tmp_path / "after.pdf") != code
    # A changed digit of the state, or of the digest, still fails.
    head, _state, rest = code.split("-", 2)
    assert _verify(capsys, f"{head}-{state + 1}-{rest}", "--store", str(store))[0] == 1
    assert (
        _verify(capsys, code[:-1] + ("0" if code[-1] != "0" else "1"), "--store", str(store))[0]
        == 1
    )


def _list(opened: Any, code: str, *, now: bool = False) -> list[Any]:
    """The attention list a code names (its year, day and days), as at its state or now."""
    from ruralcouncil.district.attention import attention_list
    from ruralcouncil.reports.district_code import parse_subject

    subject = parse_subject(code.split("-")[0][2:])
    return attention_list(
        opened,
        subject.year,
        stale_days=subject.days,
        today=subject.today,
        state=None if now else int(code.split("-")[1]),
    )


def test_a_changed_digit_a_malformed_code_and_the_wrong_source_fail(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path, villages: list[Path]
) -> None:
    code = _report(capsys, store, tmp_path / "r.pdf")
    last = code[-1]
    changed = code[:-1] + ("0" if last != "0" else "1")
    exit_code, said = _verify(capsys, changed, "--store", str(store))
    assert exit_code == 1 and "does not match this district store" in said
    # A changed figure in the subject (another year) or a state the store never had.
    other_year = code.replace("DS2024.", "DS2023.", 1)
    assert _verify(capsys, other_year, "--store", str(store))[0] == 1
    head, _state, rest = code.split("-", 2)
    exit_code, said = _verify(capsys, f"{head}-99-{rest}", "--store", str(store))
    assert exit_code == 1 and "no state 99" in said
    exit_code, said = _verify(capsys, "DS2024-NOT-A-CODE", "--store", str(store))
    assert exit_code == 1 and "not a report code" in said
    village_code = "YS2024-12-0123-4567-89AB-CDEF"
    exit_code, said = _verify(capsys, village_code, "--store", str(store))
    assert exit_code == 1 and "village's document" in said
    exit_code, said = _verify(capsys, code, "--db", str(villages[0]))
    assert exit_code == 1 and "district report" in said
    # Both sources at once: which one is meant is not clear.
    done = run(capsys, "--db", str(villages[0]), "verify-report", code, "--store", str(store))
    assert done.code == 2 and "not both" in done.err


def test_the_attention_list_is_covered(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    """A changed attention list (an item gone) no longer matches the printed code."""
    code = _report(capsys, store, tmp_path / "r.pdf")
    import duckdb

    with duckdb.connect(str(store)) as db:
        gone = db.execute("DELETE FROM concerns WHERE year = 2024 RETURNING 1").fetchall()
    assert gone
    exit_code, said = _verify(capsys, code, "--store", str(store))
    assert exit_code == 1 and "attention list" in said


def test_json_answer_and_refusals_of_the_command(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    code = _report(capsys, store, tmp_path / "r.pdf")
    done = run(capsys, "verify-report", code, "--store", str(store), "--json")
    found = done.json()
    assert done.code == 0 and found["matches"] and found["kind"] == "DS"
    assert len(found["figures"]["villages"]) == 3
    assert _strip_loaded(found["figures"]["villages"])  # language-free figures
    # An existing output file and a bad --days are refused, nothing written.
    again = run(
        capsys, "district", "report", "--store", str(store), "--year", YEAR,
        "-o", str(tmp_path / "r.pdf"),
    )  # fmt: skip
    assert again.code == 2
    bad = run(
        capsys, "district", "report", "--store", str(store), "--year", YEAR,
        "--days", "0", "-o", str(tmp_path / "x.pdf"),
    )  # fmt: skip
    assert bad.code == 2 and not (tmp_path / "x.pdf").exists()
