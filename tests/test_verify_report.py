"""Trust in paper (issue 11): a printed code is checked against the ledger as it was at the
code's chain position (``ledger.as_at``), with the document's own figures; a code from
another ledger, a code after a tamper, a code whose figures were altered and a malformed code
are all refused, by the core and by ``verify-report`` (exit 1)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    english,
    fresh_ledger,
    payment,
    receipt,
    tamper,
)
from pypdf import PdfReader

from ruralcouncil.ledger import as_at, chain, queries, settings, users
from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.queries import EntryFilter
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports import verification
from ruralcouncil.reports.codes import Kind, parse_report_code
from ruralcouncil.reports.statements import coded_summary, summary_figures, year_summary

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "demo-village-2025"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = fresh_ledger(tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def _summary_now(ledger: Ledger, year: int) -> dict[str, Any]:
    return summary_figures(year_summary(ledger.conn, year), year_summary(ledger.conn, year - 1))


# --- the ledger as it was ------------------------------------------------------------------


def test_the_ledger_as_at_each_position_is_what_it_was_then(ledger: Ledger) -> None:
    """At every position along a history of entries, reversals, a renamed village and a
    user's changed role, the copy reads exactly what the ledger read then."""
    from ruralcouncil.ledger import journal

    admin = admin_of(ledger)
    seen: list[tuple[int, dict[str, Any], str, list[tuple[str, str]], list[int]]] = []

    def counts(conn: sqlite3.Connection) -> list[int]:
        """The entries counted by their days (``daily_entries``), as the Ledger page does."""
        filters = (EntryFilter(), EntryFilter(year=2026), EntryFilter(type="payment"))
        return [queries.count(conn, flt) for flt in filters]

    def note() -> None:
        position, _head = chain.head(ledger.conn)
        roles = sorted((u.name, u.role.value) for u, _active in users.list_users(ledger))
        village = settings.village_name(ledger.conn)
        seen.append((position, _summary_now(ledger, 2026), village, roles, counts(ledger.conn)))

    note()
    receipt(ledger, admin, "2025-12-30", 40_000_00)
    note()
    paid = payment(ledger, admin, "2026-02-01", 12_500_00)
    note()
    users.add_user(ledger, admin, "clerk1", "clerk", "clerk-password-1", "Clerk One")
    note()
    settings.change(ledger, admin, settings.VILLAGE_NAME, "Renamed village")
    note()
    journal.reverse(ledger, admin, paid, "entered twice")
    note()
    users.set_role(ledger, admin, "clerk1", "member")
    receipt(ledger, admin, "2026-03-03", 1_00)
    note()
    assert [c for *_rest, c in seen][-1] == [4, 3, 2]  # the reversal is a payment's
    for position, figures, village, roles, counted in seen:
        with as_at.ledger_at(ledger, position) as then:
            assert then.position == position
            assert then.head == as_at.hash_at(ledger.conn, position)
            assert _summary_now(then.ledger, 2026) == figures
            assert settings.village_name(then.ledger.conn) == village
            got = sorted((u.name, u.role.value) for u, _a in users.list_users(then.ledger))
            assert got == roles
            assert counts(then.ledger.conn) == counted
            assert chain.head(then.ledger.conn) == (position, then.head)
    # The ledger itself is untouched and still verifies.
    from ruralcouncil.ledger.verify import verify

    assert verify(ledger.conn).ok
    assert chain.head(ledger.conn)[0] == seen[-1][0]


def test_a_position_the_chain_does_not_have_is_refused(ledger: Ledger) -> None:
    length, _head = chain.head(ledger.conn)
    for position in (0, -1, length + 1):
        with pytest.raises(InvalidInput, match="chain has"), as_at.ledger_at(ledger, position):
            pass


# --- the check -----------------------------------------------------------------------------


def test_a_summary_code_matches_then_and_after_more_is_recorded(ledger: Ledger) -> None:
    admin = admin_of(ledger)
    receipt(ledger, admin, "2026-01-10", 150_000_00)
    payment(ledger, admin, "2026-01-20", 20_000_00, category="STAFF")
    printed = coded_summary(ledger.conn, 2026)
    verdict = verification.check(ledger, printed.code)
    assert verdict.matches, verdict.reason
    assert verdict.document == "Year summary" and verdict.covers == "The year 2026"
    totals = dict(verdict.totals)
    assert totals["Total receipts"] == "₸150,000.00"
    assert totals["Total payments"] == "₸20,000.00"
    # A late entry dated in 2026 changes the year's figures: the old paper still matches the
    # ledger's history, a new print has another code, and both check.
    receipt(ledger, admin, "2026-02-01", 5_00)
    assert verification.check(ledger, printed.code).matches
    reprinted = coded_summary(ledger.conn, 2026)
    assert reprinted.code != printed.code
    assert verification.check(ledger, reprinted.code).matches


def test_a_code_whose_figures_or_subject_were_altered_is_refused(ledger: Ledger) -> None:
    admin = admin_of(ledger)
    receipt(ledger, admin, "2026-01-10", 150_000_00)
    code = parse_report_code(coded_summary(ledger.conn, 2026).code)
    assert code is not None
    other_digit = "0" if code.digest[-1] != "0" else "1"
    altered = [
        # the same position and hash, one digit of the figures' digest changed
        f"YS2026-{code.position}-" + _grouped(code.digest[:-1] + other_digit),
        # the same digest claimed for another year
        f"YS2025-{code.position}-" + _grouped(code.digest),
        # the same figures claimed at another position
        f"YS2026-{code.position - 1}-" + _grouped(code.digest),
    ]
    for text in altered:
        verdict = verification.check(ledger, text)
        assert not verdict.matches, text
        assert "does not match" in verdict.reason


def _grouped(digest: str) -> str:
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def test_figures_changed_on_paper_do_not_keep_the_code(ledger: Ledger) -> None:
    """The digest covers the figures: the code of the same moment with one figure changed
    is another code."""
    from ruralcouncil.reports.codes import figures_digest

    admin = admin_of(ledger)
    receipt(ledger, admin, "2026-01-10", 150_000_00)
    _position, head = chain.head(ledger.conn)
    figures = _summary_now(ledger, 2026)
    changed = json.loads(json.dumps(figures))
    changed["current"]["boxes"]["3"] += 1
    assert figures_digest(Kind.YEAR_SUMMARY, "2026", head, figures) != figures_digest(
        Kind.YEAR_SUMMARY, "2026", head, changed
    )


def test_a_code_from_another_ledger_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = fresh_ledger(tmp_path / "a")
    second = fresh_ledger(tmp_path / "b")
    try:
        # Copies of one template share their first entries; the histories part here.
        receipt(first, admin_of(first), "2026-01-10", 150_000_00)
        receipt(second, admin_of(second), "2026-01-10", 150_001_00)
        code = coded_summary(first.conn, 2026).code
        assert verification.check(first, code).matches
        verdict = verification.check(second, code)
        assert not verdict.matches and "does not match" in verdict.reason
    finally:
        first.close()
        second.close()


def test_a_code_after_a_tamper_is_refused(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    admin = admin_of(ledger)
    entry = receipt(ledger, admin, "2026-01-10", 150_000_00)
    code = coded_summary(ledger.conn, 2026).code
    path = ledger.path
    ledger.close()
    tamper(path, f"UPDATE transactions SET amount = 15000100 WHERE id = {entry}")
    from ruralcouncil.ledger.storage import open_ledger

    with open_ledger(path, write=False) as opened:
        verdict = verification.check(opened, code)
    assert not verdict.matches
    assert "does not verify" in verdict.reason


def test_malformed_and_unknown_codes_are_refused(ledger: Ledger) -> None:
    for text in (
        "",
        "hello",
        "YS2026",
        "YS2026-1-0000-0000-0000-000G",
        "ZZ1-1-0000-0000-0000-0000",
    ):
        verdict = verification.check(ledger, text)
        assert not verdict.matches and verdict.reason, text


def test_every_document_kind_with_a_code_is_registered() -> None:
    for kind in (
        Kind.DONOR_RECEIPT,
        Kind.CONTRIBUTORS,
        Kind.HOUSEHOLD_RECEIPT,
        Kind.ARREARS,
        Kind.YEAR_SUMMARY,
    ):
        assert verification.registered(kind) is not None, kind


# --- the printed documents, and the command line -------------------------------------------


def _cli(db: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RURALCOUNCIL_LANG="en")
    if password is not None:
        env["RURALCOUNCIL_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "ruralcouncil.cli", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.ruralcouncil"
    create_demo(path, today=date(2026, 6, 1)).close()
    return path


def test_each_printed_document_checks_and_prints_its_code_on_every_page(
    demo: Path, tmp_path: Path
) -> None:
    from ruralcouncil.ledger.storage import open_ledger
    from ruralcouncil.reports.summary_pdf import render_summary_pdf

    with open_ledger(demo, write=False) as opened:
        summary = render_summary_pdf(opened.conn, 2025, tmp_path / "summary.pdf", "kk")
    documents = [(tmp_path / "summary.pdf", summary.code)]
    for args, name in (
        (("report", "donor-receipt", "1"), "dr.pdf"),
        (("report", "contributors", "1"), "cs.pdf"),
        (("report", "arrears", "--at", "2025-12-31"), "ra.pdf"),
        (("report", "summary", "--year", "2025", "--lang", "ru"), "ys.pdf"),
    ):
        done = _cli(demo, *args, "-o", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        documents.append((tmp_path / name, done.stdout.strip().splitlines()[-1]))
    for path, code in documents:
        reader = PdfReader(path)
        for page in reader.pages:
            assert code in (page.extract_text() or "").replace("\n", " "), path
        done = _cli(demo, "verify-report", code, "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        answer = json.loads(done.stdout)
        assert answer["matches"] is True and answer["code"] == code
        assert answer["totals"], "the person holding the paper needs totals to compare"


def test_verify_report_exits_1_on_any_non_match(demo: Path) -> None:
    for text in ("not-a-code", "YS2025-1-0000-0000-0000-0000", "DR999-5-0000-0000-0000-0000"):
        done = _cli(demo, "verify-report", text)
        assert done.returncode == 1, (text, done.stdout, done.stderr)
        assert done.stdout.strip(), "the reason is said"
        done = _cli(demo, "verify-report", text, "--json")
        assert done.returncode == 1
        assert json.loads(done.stdout)["matches"] is False


def test_a_summary_code_survives_later_entries_through_the_command_line(
    demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "demo.ruralcouncil"
    copy.write_bytes(demo.read_bytes())
    from ruralcouncil.ledger.storage import open_ledger

    # The demo's 2025 is closed by its finalised return: the open year takes the late entry.
    with open_ledger(copy, write=False) as opened:
        before = coded_summary(opened.conn, 2026).code
    done = _cli(
        copy,
        "record",
        "receipt",
        "--user",
        "aigerim",
        "--date",
        "2026-05-20",
        "--amount",
        "5000",
        "--category",
        "OTHER-INCOME",
        "--fund",
        "GENERAL",
        "--account",
        "BANK",
        "--description",
        "late",
        password=DEMO_PASSWORD,
    )
    assert done.returncode == 0, done.stderr
    with open_ledger(copy, write=False) as opened:
        after = coded_summary(opened.conn, 2026).code
    assert after != before
    for code in (before, after):
        done = _cli(copy, "verify-report", code)
        assert done.returncode == 0, done.stdout
        assert "matches" in done.stdout
