"""The annual return through ``main([...])`` (issue 11, DESIGN §4.4): governance answer,
variance explain, reconcile (and approve), audit answer and sign, return inspection, show and
finalise, and ``report annual-return``: the PDF's text read back against the ledger (every
box of both years), marked DRAFT until finalised and not after, its code checked by
``verify-report``. Every refusal: exit 2, the reason on stderr, nothing written; ``verify``
exits 0 after every step.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from _council import PASSWORDS, council_ledger
from _helpers import PASSWORD, english, payment  # noqa: F401
from pypdf import PdfReader

from ruralcouncil import cli
from ruralcouncil.ledger import schema
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports.statements import year_summary

YEAR = 2025
PASSWORDS = {**PASSWORDS, "admin": PASSWORD}


class Done(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


class Run:
    def __init__(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path
    ) -> None:
        self.capsys, self.monkeypatch, self.db = capsys, monkeypatch, db

    def __call__(self, line: str) -> Done:
        args = shlex.split(line)
        if "--user" in args:
            name = args[args.index("--user") + 1]
            self.monkeypatch.setenv("RURALCOUNCIL_PASSWORD", PASSWORDS.get(name, "wrong-pass-1"))
        else:
            self.monkeypatch.delenv("RURALCOUNCIL_PASSWORD", raising=False)
        self.capsys.readouterr()
        code = cli.main(["--lang", "en", "--db", str(self.db), *args])
        out, err = self.capsys.readouterr()
        return Done(code, out, err)

    def ok(self, line: str) -> str:
        done = self(line)
        assert done.code == 0, (line, done.err)
        assert self("verify").code == 0, line
        return done.out

    def state(self) -> tuple[object, ...]:
        conn = sqlite3.connect(self.db)
        try:
            return (
                conn.execute("SELECT max(seq), count(*) FROM chain").fetchone(),
                [
                    conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in (*schema.RETURN_TABLES, "closed_years")
                ],
            )
        finally:
            conn.close()

    def refused(self, line: str, reason: str) -> Done:
        before = self.state()
        done = self(line)
        assert done.code == 2, (line, done)
        assert reason.lower() in done.err.lower(), (line, done.err)
        assert done.out == ""
        assert self.state() == before, line
        return done


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """The council template (land tax: 200 000 ₸ in 2025, 1 000 000 ₸ in 2026), with a
    2025 payment of 30 000 ₸ (entry 3) and a 2026 one (entry 4)."""
    c = council_ledger(tmp_path)
    payment(c.ledger, c.clerk, "2025-12-30", 30_000_00, "OTHER-SPENDING")
    payment(c.ledger, c.clerk, "2026-01-30", 1_000_00, "OTHER-SPENDING")
    c.ledger.close()
    return Run(capsys, monkeypatch, c.path)


def _governance(run: Run) -> str:
    meeting = run.ok("meeting open --date 2026-02-10 --present chair,m1,m2,m3,m4 --user chair")
    ref = run.ok(
        f"resolution add --meeting {meeting.strip()} --about governance:{YEAR}"
        " --text 'Statement of 2025' --for chair,m1,m2,m3,m4 --user chair"
    ).strip()
    run.ok(f"resolution confirm {ref} --user m1")
    return ref


def _pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(os.fspath(path)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _report(run: Run, path: Path, lang: str = "en") -> str:
    out = run.ok(f"report annual-return --year {YEAR} --lang {lang} -o {path}")
    code = out.strip().splitlines()[-1]
    assert code.startswith(f"AR{YEAR}-")
    return code


def test_the_whole_return_by_the_command_line(run: Run, tmp_path: Path) -> None:
    # A draft first: printed, marked, exit 0.
    draft = tmp_path / "draft.pdf"
    code = _report(run, draft)
    text = _pdf_text(draft)
    assert "DRAFT" in text
    conn = sqlite3.connect(run.db)
    this, prior = year_summary(conn, YEAR), year_summary(conn, YEAR - 1)
    conn.close()
    for box in range(1, 11):  # every box of both years, as the ledger has it
        assert format_amount(this.boxes[box], "en") in text, box
        assert format_amount(prior.boxes[box], "en") in text, box
    assert run("verify-report " + code).code == 0

    ref = _governance(run)
    for n in range(1, 10):
        answer = "no --explanation 'No risk register yet.'" if n == 5 else "yes"
        out = run.ok(
            f"governance answer --year {YEAR} --assertion {n} --answer {answer}"
            f" --resolution {ref} --user chair --json"
        )
        assert json.loads(out)["answer"] == ("no" if n == 5 else "yes")
    listed = run("governance list --year 2025 --json").json()
    assert [a["assertion"] for a in listed] == list(range(1, 10))
    assert listed[4]["explanation"] == "No risk register yet."

    needed = [v["box"] for v in run("variance list --year 2025 --json").json() if v["needed"]]
    assert needed == [2, 6, 7]  # from zero: 2024 was empty
    for box in needed:
        new_id = run.ok(
            f"variance explain --year 2025 --box {box} --text 'First year.' --user clerk"
        )
        assert new_id.strip().isdigit()

    # The bank had not yet paid entry 3 at 31 December: its statement shows 200 000 ₸.
    rec = json.loads(
        run.ok("reconcile --year 2025 --statement BANK=200000 --unpresented 3 --user clerk --json")
    )
    assert (
        rec["agrees"] and rec["cash_book"] == 170_000_00 and rec["unpresented_total"] == 30_000_00
    )
    run.ok("reconcile approve --year 2025 --date 2026-02-11 --user chair")
    assert run("reconcile show --year 2025").json()["approved_by"] == "chair"

    for n in range(1, 14):
        run.ok(f"audit answer --year 2025 --objective {n} --answer yes --user auditor")
    run.ok(
        "audit answer --year 2025 --objective C --answer not-covered"
        " --comment 'Covered in 2024; next in 2026.' --user auditor"
    )
    run.ok("audit sign --year 2025 --from 2026-01-20 --to 2026-01-22 --name 'Сәуле' --user auditor")
    run.ok(
        "return inspection --year 2025 --from 2026-03-02 --to 2026-04-10"
        " --place 'The akimat, room 2' --user clerk"
    )
    shown = run("return show --year 2025 --json").json()
    assert shown["missing"] == [] and shown["final"] is False and shown["version"] == 0
    assert shown["boxes"]["8"] == 170_000_00 and shown["prior_boxes"]["8"] == 0

    assert run.ok("return finalise --year 2025 --user chair").strip() == "1"
    shown = run("return show --year 2025 --json").json()
    assert shown["final"] is True and shown["version"] == 1 and shown["closed"] is True
    # The year is closed: a reversal dated in it is refused.
    run.refused("reverse 3 --reason 'wrong' --date 2025-12-31 --user clerk", "closed")

    final = tmp_path / "final.pdf"
    final_code = _report(run, final)
    text = _pdf_text(final)
    assert "DRAFT" not in text
    assert "Version 1, finalised" in text
    assert "No risk register yet." in text and "Сәуле" in text and "The akimat, room 2" in text
    for box in range(1, 11):
        assert format_amount(this.boxes[box], "en") in text, box
    verdict = run(f"verify-report {final_code} --json").json()
    assert verdict["matches"] is True
    assert verdict["figures"]["status"] == {
        "version": 1,
        "final": True,
        "changed_since_final": False,
    }
    # In Kazakh the same moment carries the same code.
    assert _report(run, tmp_path / "kk.pdf", "kk") == final_code

    # A change after finalising: a draft of version 2 until finalised again with a reason.
    run.ok(
        f"governance answer --year {YEAR} --assertion 5 --answer yes --resolution {ref}"
        " --user chair"
    )
    _report(run, tmp_path / "again.pdf")
    again = _pdf_text(tmp_path / "again.pdf")
    assert "DRAFT" in again and "DRAFT of version 2" in again
    run.refused("return finalise --year 2025 --user chair", "needs a reason")
    assert (
        run.ok("return finalise --year 2025 --reason 'Assertion 5: Yes.' --user chair").strip()
        == "2"
    )


def test_refusals(run: Run) -> None:
    ref = _governance(run)
    run.refused(
        f"governance answer --year 2025 --assertion 1 --answer yes --resolution {ref} --user clerk",
        "may not chair",
    )
    run.refused(
        f"governance answer --year 2025 --assertion 2 --answer no --resolution {ref} --user chair",
        "say why",
    )
    run.refused(
        f"governance answer --year 2024 --assertion 2 --answer yes --resolution {ref} --user chair",
        "not governance:2024",
    )
    run.refused(
        "governance answer --year 2025 --assertion 2 --answer maybe --resolution 2026/1"
        " --user chair",
        "yes or no",
    )
    run.refused(
        "governance answer --year 2025 --assertion 2 --answer yes --resolution '' --user chair",
        "--resolution is required",
    )
    run.refused(
        "variance explain --year 2025 --box 3 --text x --user clerk", "needs no explanation"
    )
    run.refused("variance explain --year 2025 --box 2 --text x --user auditor", "may not prepare")
    run.refused("variance explain --year 2025 --box 2 --text '' --user clerk", "--text is required")
    run.refused(
        "reconcile --year 2025 --statement BANK=200000 --unpresented 1 --user clerk",
        "Entry 1 is not a payment of 2025",
    )
    run.refused(
        "reconcile --year 2025 --statement BANK=200000 --unbanked 3 --user clerk",
        "Entry 3 is not a receipt of 2025",
    )
    run.refused(
        "reconcile --year 2025 --statement BANK=200000 --unpresented 4 --user clerk",
        "Entry 4 is not a payment of 2025",
    )
    run.refused("reconcile --year 2025 --statement BANK --user clerk", "ACCOUNT=AMOUNT")
    run.refused("reconcile --year 2025 --user clerk", "--statement")
    run.refused("reconcile approve --year 2025 --user chair", "No bank reconciliation of 2025")
    run.refused("reconcile approve --year 2025", "--user is required")
    run.refused(
        "audit answer --year 2025 --objective 1 --answer yes --user clerk", "may not answer"
    )
    run.refused("audit answer --year 2025 --objective 14 --answer yes --user auditor", "1 to 13")
    run.refused("audit answer --year 2025 --objective 2 --answer no --user auditor", "say why")
    run.refused(
        "return inspection --year 2025 --from 2025-12-01 --to 2026-01-10 --place x --user clerk",
        "after the year's end",
    )
    done = run.refused("return finalise --year 2025 --user chair", "cannot be finalised yet")
    for missing in (
        "assertions 1, 2, 3, 4, 5, 6, 7, 8, 9 are not answered",
        "The variance of box 2 is not explained",
        "The bank is not reconciled",
        "objectives 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 are not answered",
        "the auditor has not signed it",
    ):
        assert missing in done.err
    run.refused("return finalise --year 2025 --user clerk", "may not chair")
    run.refused("return finalise --year 2026 --user chair", "has not ended yet")
    assert run("verify").code == 0


def test_reconcile_show_and_a_reconciliation_that_does_not_agree(run: Run) -> None:
    done = run("reconcile --year 2025 --statement BANK=150000 --user clerk")
    assert done.code == 0 and "does not agree" in done.err
    shown = run("reconcile show --year 2025").json()
    assert shown["difference"] == -20_000_00 and shown["agrees"] is False
    run.refused("reconcile approve --year 2025 --user chair", "does not agree")
