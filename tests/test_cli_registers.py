"""The registers' commands (DESIGN §4.3) through ``main([...])``: a loan with its permission
and resolution, repaid and shown at a date; an asset let, its rent and arrears; a fine paid
in part and cancelled; a subsidy decided and received; boxes 9 and 10 of the summary from
the registers; and the refusals: exit 2, the reason on stderr, nothing written.

Every date is in last year, so that nothing is after today whenever the tests run.
"""

from __future__ import annotations

import json

import test_cli_council
from test_cli_council import Run, Y, d

# The council's command-line fixtures: its ledger template, a copy of it, and ``main()``.
_template = test_cli_council._template
db = test_cli_council.db
run = test_cli_council.run


def _loan_resolution(run: Run, subject: str) -> str:
    meeting = run.new(f"meeting open --date {d('02-10')} --present chair,m1,m2,m3 --user chair")
    ref = run.new(
        f"resolution add --meeting {meeting} --about {subject} --text Borrow "
        "--for chair,m1,m2 --user chair"
    )
    run.ok(f"resolution confirm {ref} --user m2")
    return ref


def test_a_loan_from_the_command_line(run: Run) -> None:
    assert run.new("party add 'Bank LLP' --kind business --user clerk") == "1"
    ref = _loan_resolution(run, "loan:1:1200000")
    base = f"loan add --party 1 --principal 1200000 --rate 12 --months 12 --date {d('02-11')}"
    run.refused(f"{base} --permission '' --resolution {ref} --user clerk", "--permission")
    run.refused(f"{base} --permission P-45 --resolution {Y}/9 --user clerk", "no resolution")
    run.refused(f"{base} --permission P-45 --resolution {ref} --user chair", "may not")
    run.refused(
        f"loan add --party 1 --principal 1000000 --rate 12 --months 12 --permission P-45 "
        f"--resolution {ref} --date {d('02-11')} --user clerk",
        "about",
    )
    run.refused(f"{base} --rate twelve --permission P-45 --resolution {ref} --user clerk", "rate")
    assert run.new(f"{base} --permission P-45 --resolution {ref} --user clerk") == "1"
    shown = run(f"loan show 1 --at {d('12-31')} --json").json()
    assert (shown["principal"], shown["outstanding"], len(shown["schedule"])) == (
        1_200_000_00,
        1_200_000_00,
        12,
    )
    first = shown["schedule"][0]
    run.ok(
        f"record payment --date {d('03-11')} --amount {first['payment'] / 100:.2f} "
        "--category LOAN-REPAY --loan 1 --user clerk"
    )
    run.refused(
        f"record payment --date {d('03-12')} --amount 100 --category ROADS --loan 1 --user clerk",
        "LOAN-REPAY",
    )
    run.refused(
        f"record payment --date {d('03-12')} --amount 100 --category LOAN-REPAY --loan 1 "
        "--fine 1 --user clerk",
        "one register",
    )
    after = run(f"loan show 1 --at {d('12-31')} --json").json()
    assert after["outstanding"] == 1_200_000_00 - first["principal"]
    assert after["repaid"] == {"principal": first["principal"], "interest": first["interest"]}
    assert [i["number"] for i in after["overdue"]][:1] == [2]
    summary = run(f"summary --year {Y} --json").json()
    assert summary["boxes"]["10"] == 1_200_000_00 - first["principal"]
    assert json.loads(run.ok("verify --json"))["ok"] is True


def test_assets_leases_fines_and_subsidies_from_the_command_line(run: Run) -> None:
    run.new("party add 'Farmer Asan' --kind person --user clerk")
    assert (
        run.new(
            "asset add --name Club --kind property --value 5000000 --acquired 2010-01-01 "
            "--valued-how 'Book value' --user clerk"
        )
        == "1"
    )
    run.new("asset add --name Meadow --kind natural --value 0 --user clerk")
    run.refused("asset add --name X --kind property --value 1 --user m1", "may not")
    lease = run.new(
        f"lease add --asset 2 --party 1 --rent 20000 --per month --from {d('01-01')} "
        f"--to {d('12-31')} --user clerk"
    )
    run.refused(
        f"lease add --asset 2 --party 1 --rent 1 --per year --from {d('06-01')} "
        f"--to {d('12-31')} --user clerk",
        "already let",
    )
    run.ok(
        f"record receipt --date {d('01-05')} --amount 20000 --category RENT-NATURAL "
        f"--lease {lease} --user clerk"
    )
    arrears = run(f"lease arrears --at {d('03-31')} --json").json()
    assert arrears == [
        {
            "lease": 1,
            "asset": "Meadow",
            "tenant": "Farmer Asan",
            "party": 1,
            "due": 60_000_00,
            "paid": 20_000_00,
            "arrears": 40_000_00,
        }
    ]
    fine = run.new(
        f"fine add --party 1 --rule Grazing --amount 5000 --imposed-by Commission "
        f"--date {d('04-01')} --user clerk"
    )
    run.ok(
        f"record receipt --date {d('04-02')} --amount 2000 --category FINES --fine {fine} "
        "--user clerk"
    )
    run.refused(f"fine cancel {fine} --reason Upheld --decision '' --user clerk", "--decision")
    run.ok(
        f"fine cancel {fine} --reason Upheld --decision 'Ruling 7' --date {d('04-03')} --user clerk"
    )
    assert run("fine list --unpaid --json").json() == []
    cancelled = run("fine list --json").json()[0]
    assert (cancelled["state"], cancelled["paid"], cancelled["decision"]) == (
        "cancelled",
        2_000_00,
        "Ruling 7",
    )
    subsidy = run.new(
        f"subsidy add --purpose Lights --amount-asked 300000 --justification Dark "
        f"--date {d('01-10')} --user clerk"
    )
    run.refused(
        f"record receipt --date {d('02-01')} --amount 1 --category SUBSIDY --subsidy {subsidy} "
        "--user clerk",
        "not granted",
    )
    run.ok(
        f"subsidy decide {subsidy} --granted 200000 --reference 'Order 12' --conditions Report "
        f"--date {d('02-01')} --user clerk"
    )
    run.ok(
        f"record receipt --date {d('02-02')} --amount 150000 --category SUBSIDY "
        f"--subsidy {subsidy} --user clerk"
    )
    shown = run(f"subsidy show {subsidy} --json").json()
    assert (shown["state"], shown["granted"], shown["received"], shown["fund"]) == (
        "partly granted",
        200_000_00,
        150_000_00,
        "SUBSIDY-1",
    )
    run.ok(f"subsidy appeal {subsidy} --note 'All of it' --date {d('02-03')} --user clerk")
    summary = run(f"summary --year {Y} --json").json()
    assert summary["boxes"]["9"] == 5_000_000_00
    assert json.loads(run.ok("verify --json"))["ok"] is True
