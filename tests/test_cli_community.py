"""Community money's commands (DESIGN §4.3) through ``main([...])``: a salma from proposal to
close, households and an exemption, contributions in parts, gifts (one flagged and held until
acknowledged, one anonymous, one in kind), and every refusal: exit 2, the reason on stderr,
nothing on stdout, nothing written.

Every date is in last year, so that nothing is after today whenever the tests run.
"""

from __future__ import annotations

import json
from pathlib import Path

import test_cli_council
from test_cli_council import Run, Y, council_with_budget, d

# The council's command-line fixtures: its ledger template, a copy of it, and ``main()``.
_template = test_cli_council._template
db = test_cli_council.db
run = test_cli_council.run


def _resolve(run: Run, meeting: str, subject: str) -> str:
    ref = run.new(
        f"resolution add --meeting {meeting} --about {subject} --text Decided "
        "--for chair,m2,m3 --user chair"
    )
    run.ok(f"resolution confirm {ref} --user m2")
    return ref


def _salma(run: Run, tmp_path: Path) -> dict[str, str]:
    """The budget of Y (parties 1 and 2), three households (heads 3, 4, 5), a project adopted
    at meeting 2 with household 3 exempt."""
    council_with_budget(run, tmp_path)
    for n, address in enumerate(("Abai 1", "Abai 2", "Abai 3"), start=3):
        assert run.new(f"party add 'Head {n}' --kind person --user clerk") == str(n)
        assert run.new(f"household add --address '{address}' --head {n} --user clerk") == str(n - 2)
    project = run.new(
        f"project add --title Playground --target 300000 --per-household 5000 --year {Y} "
        f"--date {d('02-01')} --user clerk"
    )
    meeting = run.new(f"meeting open --date {d('02-10')} --present chair,m1,m2,m3 --user chair")
    adopt = _resolve(run, meeting, f"project:{project}")
    run.ok(f"project adopt {project} --resolution {adopt} --user chair")
    exempt = _resolve(run, meeting, f"exemption:3:{Y}")
    run.ok(
        f"household exempt 3 --year {Y} --reason 'Pensioner alone' --resolution {exempt} "
        "--user clerk"
    )
    return {"project": project, "meeting": meeting}


def test_a_salma_from_the_command_line(run: Run, tmp_path: Path) -> None:
    ids = _salma(run, tmp_path)
    project = ids["project"]
    added = run(f"project show {project} --json").json()
    assert (added["fund"], added["state"], added["target"], added["per_household"]) == (
        "PROJECT-1",
        "adopted",
        300_000_00,
        5_000_00,
    )
    base = f"contribution add --project {project}"
    assert run.new(f"{base} --household 1 --amount 2000 --date {d('03-01')} --user clerk") == "1"
    shown = run(
        f"{base} --household 1 --amount 3000 --date {d('03-05')} --account CASH --json --user clerk"
    ).json()
    assert (shown["id"], shown["household"], shown["amount"]) == (2, 1, 3_000_00)
    run.refused(f"{base} --household 1 --amount 1 --date {d('03-06')} --user clerk", "owes")
    run.refused(f"{base} --household 3 --amount 100 --date {d('03-06')} --user clerk", "exempt")
    run.refused(f"{base} --household 2 --amount 100 --date {d('01-06')} --user clerk", "adopted")
    run.refused(f"{base} --household 2 --amount 100 --user chair", "may not")
    run.refused(
        f"{base} --household 9 --amount 100 --date {d('03-06')} --user clerk", "no household"
    )
    run.refused(
        f"record receipt --date {d('03-06')} --amount 100 --category COMMUNITY --user clerk",
        "contribution add",
    )
    run.refused(
        f"record receipt --date {d('03-06')} --amount 100 --category OTHER-INCOME --fund PROJECT-1"
        " --user clerk",
        "only as a contribution",
    )
    figures = run(f"project show {project} --json").json()
    households = {h["id"]: h for h in figures["households"]}
    assert (households[1]["paid"], households[1]["owes"], households[1]["exempt"]) == (
        5_000_00,
        0,
        False,
    )
    assert (households[2]["owes"], households[3]["owes"], households[3]["exempt"]) == (
        5_000_00,
        0,
        True,
    )
    assert figures["collected"] == figures["remaining"] == 5_000_00
    listed = run(f"contribution list --project {project} --json").json()
    assert [(c["household"], c["amount"]) for c in listed] == [(1, 2_000_00), (1, 3_000_00)]

    # Spent through a request on the project's fund, then closed with a refund.
    request = run.new(
        f"request new --party 2 --category CAPITAL --fund PROJECT-1 --amount 4000 "
        f"--purpose Swings --date {d('03-10')} --user clerk"
    )
    run.ok(f"request approve {request} --date {d('03-10')} --user chair")
    run.refused(
        f"record payment --date {d('03-11')} --amount 4000 --category CAPITAL --fund PROJECT-1 "
        "--user clerk",
        "needs an approved spending request",
    )
    run.ok(
        f"record payment --date {d('03-11')} --amount 4000 --category CAPITAL --fund PROJECT-1 "
        f"--request {request} --user clerk"
    )
    close = _resolve(run, ids["meeting"], f"project:{project}")
    run.refused(f"project close {project} --resolution {close} --user chair", "refund")
    run.refused(f"project close {project} --refund --resolution {close} --user m1", "may not")
    run.refused(
        f"project close {project} --refund --resolution '' --user chair", "--resolution is required"
    )
    closed = run(
        f"project close {project} --refund --resolution {close} --date {d('03-12')} --json "
        "--user chair"
    ).json()
    assert (closed["state"], closed["remaining"], closed["refunded"], closed["spent"]) == (
        "closed",
        0,
        1_000_00,
        4_000_00,
    )
    assert len(closed["entries"]) == 1
    run.refused(f"{base} --household 2 --amount 100 --date {d('03-13')} --user clerk", "closed")
    assert json.loads(run.ok("verify --json"))["ok"] is True


def test_gifts_from_the_command_line(run: Run, tmp_path: Path) -> None:
    council_with_budget(run, tmp_path)
    run.refused(
        f"donation add --party 1 --amount 1000 --voluntary '' --date {d('03-01')} --user clerk",
        "--voluntary is required",
    )
    run.refused(
        f"record receipt --date {d('03-01')} --amount 1000 --category DONATION --user clerk",
        "donation add",
    )
    run.refused(
        f"donation add --party 1 --amount 1000 --voluntary Freely --in-kind Sand "
        f"--date {d('03-01')} --user clerk",
        "--valued-by",
    )
    run.refused(
        f"donation add --party 1 --amount 1000 --voluntary Freely --fund GENERAL --project 1 "
        f"--date {d('03-01')} --user clerk",
        "not both",
    )
    run.refused("donation add --party 1 --amount 1000 --voluntary Freely --user chair", "may not")
    plain = run.new(
        f"donation add --party 1 --amount 1000 --voluntary Freely --date {d('03-01')} --user clerk"
    )
    assert plain == "1"
    # ТОО Жол now has a request before the akim: its next gift is flagged and held.
    run.new(
        f"request new --party 1 --category ROADS --amount 5000 --purpose Gravel "
        f"--date {d('03-02')} --user clerk"
    )
    flagged = run(
        f"donation add --party 1 --amount 250000 --voluntary 'Of our own will' "
        f"--date {d('03-03')} --user clerk"
    )
    assert flagged.code == 0 and flagged.out.strip() == "2"
    assert "flagged" in flagged.err and "spending request 1" in flagged.err
    run.new(
        f"donation add --party 2 --amount 700 --voluntary Freely --in-kind 'Ten bags of cement' "
        f"--valued-by Clerk --anonymous --date {d('03-04')} --user clerk"
    )
    listed = {g["id"]: g for g in run(f"donation list --year {Y} --json").json()}
    assert [
        (g["flagged"], g["acknowledged"], g["in_kind"], g["anonymous"]) for g in listed.values()
    ] == [
        (False, False, False, False),
        (True, False, False, False),
        (False, False, True, True),
    ]
    assert "contact" not in listed[1]
    # Held: GENERAL's money beyond the gift may be spent, the gift's may not.
    meeting = run.new(f"meeting open --date {d('03-05')} --present chair,m1,m2,m3 --user chair")
    wrong = _resolve(run, meeting, "donation:1")
    run.refused(f"donation acknowledge 2 --resolution {wrong} --user chair", "about")
    run.refused(f"donation acknowledge 1 --resolution {wrong} --user chair", "not flagged")
    ack = _resolve(run, meeting, "donation:2")
    run.refused(f"donation acknowledge 2 --resolution {ack} --user clerk", "may not")
    shown = run(f"donation acknowledge 2 --resolution {ack} --json --user chair").json()
    assert (shown["acknowledged"], shown["acknowledged_by"], shown["held"]) == (True, ack, False)
    run.refused(f"donation acknowledge 2 --resolution {ack} --user chair", "already")
    # A statement given as a signed scan comes back byte for byte, never over another file.
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 signed statement")
    scanned = run.new(
        f"donation add --party 2 --amount 900 --voluntary Freely --statement {scan} "
        f"--date {d('03-06')} --user clerk"
    )
    out = tmp_path / "back.pdf"
    run.ok(f"donation statement {scanned} --out {out}")
    assert out.read_bytes() == scan.read_bytes()
    run.refused(f"donation statement {scanned} --out {out}", "already exists")
    assert out.read_bytes() == scan.read_bytes()
    assert json.loads(run.ok("verify --json"))["ok"] is True
