"""The council's commands (DESIGN §4.1, §4.2) through ``main([...])``: a whole year of
parties, interests, meetings, resolutions, the budget, requests, payments, a reversal, a fund
transfer and a rule changed; and every refusal: exit 2, the reason on stderr, nothing written.

Every date is in last year, so that nothing is after today whenever the tests run.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from ruralcouncil import cli
from ruralcouncil.ledger import schema, users
from ruralcouncil.ledger.setup import init_ledger

Y = date.today().year - 1
PASSWORDS = {
    "admin": "correct-horse-1",
    "clerk": "clerk-password-1",
    "chair": "chair-password-1",
    "m1": "member1-password",
    "m2": "member2-password",
    "m3": "member3-password",
}
ROLES = {"clerk": "clerk", "chair": "chair", "m1": "member", "m2": "member", "m3": "member"}
BUDGET = "category,fund,amount\nROADS,GENERAL,500000\nSTAFF,GENERAL,1000000\nTAX-LAND,,200000\n"
COUNCIL_TABLES = schema.COUNCIL_TABLES


def d(month_day: str) -> str:
    """A date of last year: ``d("03-15")``."""
    return f"{Y}-{month_day}"


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("council") / "village.ruralcouncil"
    ledger = init_ledger(path, village="Ақсу", admin="admin", password=PASSWORDS["admin"])
    try:
        admin = users.login(ledger, "admin", PASSWORDS["admin"])
        for name, role in ROLES.items():
            users.add_user(ledger, admin, name, role, PASSWORDS[name])
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    return path


@pytest.fixture
def db(tmp_path: Path, _template: Path) -> Path:
    """A ledger with admin, clerk, chair and the members m1, m2, m3; nothing else."""
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(_template, path)
    return path


class Done(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


class Run:
    """``main()`` on ``db`` with the password of the ``--user`` named in the arguments."""

    def __init__(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path
    ) -> None:
        self.capsys, self.monkeypatch, self.db = capsys, monkeypatch, db

    def __call__(self, line: str) -> Done:
        """``line`` as typed in a shell: ``run("party add 'ТОО Жол' --user clerk")``."""
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
        """Run a command that must succeed; its standard output."""
        done = self(line)
        assert done.code == 0, (line, done.err)
        return done.out

    def new(self, line: str) -> str:
        """Run a command that creates something: the id it printed, alone on stdout."""
        out = self.ok(line).strip()
        assert "\n" not in out, out
        return out

    def state(self) -> tuple[object, ...]:
        conn = sqlite3.connect(self.db)
        try:
            head = conn.execute("SELECT max(seq), count(*) FROM chain").fetchone()
            last = conn.execute("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
            counts = [
                conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in COUNCIL_TABLES
            ]
            return (head, last, counts)
        finally:
            conn.close()

    def refused(self, line: str, reason: str) -> Done:
        """Run a command that must be refused: exit 2, ``reason`` on stderr, nothing on
        stdout, and nothing at all written to the ledger."""
        before = self.state()
        done = self(line)
        assert done.code == 2, (line, done)
        assert reason.lower() in done.err.lower(), (line, done.err)
        assert done.out == ""
        assert self.state() == before, line
        return done


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path) -> Run:
    return Run(capsys, monkeypatch, db)


def budget_file(folder: Path, text: str = BUDGET, name: str = "budget.csv") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def council_with_budget(run: Run, tmp_path: Path) -> None:
    """Parties 1 (ТОО Жол) and 2 (Roads Co, where m1 has an interest), money in the bank, the
    year's budget adopted by resolution Y/1 at meeting 1."""
    run.new("party add 'ТОО Жол' --kind business --user clerk")
    run.new("party add 'Roads Co' --user clerk")
    run.new(f"interest add --member m1 --party 2 --nature brother --date {d('01-05')} --user m1")
    run.ok(f"record opening --date {d('01-01')} --amount 3000000 --user clerk")
    run.new(f"meeting open --date {d('01-15')} --present chair,m1,m2,m3 --user chair")
    ref = run.new(
        f"resolution add --meeting 1 --about budget:{Y} --text Budget --for chair,m1,m2 --user "
        "chair"
    )
    assert ref == f"{Y}/1"
    run.ok(f"resolution confirm {ref} --user m2")
    file = budget_file(tmp_path)
    run.new(f"budget adopt {file} --year {Y} --resolution {ref} --user chair")


# --- parties and interests ---------------------------------------------------------------


def test_parties_and_interests(run: Run) -> None:
    assert run.new("party add 'ТОО Жол' --kind business --iin-bin 123456789012 --user clerk") == "1"
    shown = json.loads(run.ok("party add 'Roads Co' --json --user admin"))
    assert shown == {"id": 2, "name": "Roads Co", "kind": "organisation", "iin_bin": None}
    listed = run("party list --json").json()
    assert {p["id"]: p["name"] for p in listed} == {1: "ТОО Жол", 2: "Roads Co"}
    run.refused("party add X --user chair", reason="may not")
    run.refused("party add X --user m1", reason="may not")
    run.refused("party add '   ' --user clerk", reason="required")
    run.refused("party add X --kind alien --user clerk", reason="kind")
    run.refused("party add X --iin-bin 12 --user clerk", reason="12 digits")
    run.refused("party add Y --iin-bin 123456789012 --user clerk", reason="already registered")
    # A failed login is the one thing a refused command may record.
    wrong = run("party add X --user clerk --user nobody")
    assert wrong.code == 2 and "password" in wrong.err

    interest = run(
        f"interest add --member m1 --party 2 --nature brother --date {d('01-05')} --json --user m1"
    ).json()
    assert interest == {
        "id": 1,
        "member": "m1",
        "party": 2,
        "party_name": "Roads Co",
        "nature": "brother",
        "date": d("01-05"),
    }
    # The administrator declares for any member; a member only for themself.
    assert run.new("interest add --member m3 --party 1 --nature shareholder --user admin") == "2"
    base = "interest add --party 1 --nature owner"
    run.refused(f"{base} --member m2 --user m1", reason="only their own")
    run.refused(f"{base} --member clerk --user admin", reason="does not sit")
    run.refused(f"{base} --member m1 --user clerk", reason="only their own")
    run.refused(f"{base} --member ghost --user admin", reason="no user called")
    run.refused("interest add --member m1 --party 1 --nature '' --user m1", reason="is required")
    run.refused("interest add --member m1 --party 99 --nature x --user m1", reason="no party 99")
    run.refused(
        f"interest add --member m1 --party 1 --nature x --date {Y + 3}-01-01 --user m1",
        reason="after today",
    )
    run.refused(f"{base} --member m1 --date 2024-13-01 --user m1", reason="date")
    listed = run("interest list --json").json()
    assert [(i["member"], i["party"]) for i in listed] == [("m1", 2), ("m3", 1)]
    party = run("party show 1 --json").json()
    assert party["iin_bin"] == "123456789012"
    assert [i["member"] for i in party["interests"]] == ["m3"]
    run.refused("party show 99", reason="no party 99")
    run.refused("party show x", reason="whole number")
    assert "ТОО Жол" in run.ok("party list")


# --- meetings and resolutions ------------------------------------------------------------


def test_meetings_resolutions_and_rules(run: Run) -> None:
    run.new("party add 'Roads Co' --user clerk")
    run.new(f"interest add --member m1 --party 1 --nature son --date {d('01-01')} --user m1")
    opened = run(
        f"meeting open --date {d('02-01')} --present 'chair, m1,m2' --secretary m2 --agenda rules "
        "--json --user chair"
    ).json()
    assert opened["id"] == 1 and opened["present"] == ["chair", "m1", "m2"]
    assert opened["absent"] == ["m3"] and opened["secretary"] == "m2"
    base = f"meeting open --date {d('02-01')}"
    run.refused(f"{base} --present chair,m1 --user clerk", reason="may not")
    run.refused(f"{base} --present chair,m1 --user m1", reason="may not")
    run.refused(f"{base} --present '' --user chair", reason="members present")
    run.refused(f"{base} --present m1,m2 --user chair", reason="chair")
    run.refused(f"{base} --present chair,clerk --user chair", reason="does not sit")
    run.refused(f"{base} --present chair,ghost --user chair", reason="no user called")
    run.refused(f"{base} --present chair,m1,m1 --user chair", reason="named twice")
    run.refused(f"{base} --present chair,m1 --secretary m3 --user chair", reason="must be among")
    run.refused(
        f"meeting open --date {Y + 3}-01-01 --present chair,m1,m2 --user chair",
        reason="after today",
    )

    add = "resolution add --meeting 1 --text Limit"
    rules = "--about rules:chair-limit=150000"
    ref = run.new(f"{add} {rules} --for chair,m1 --against m2 --user chair")
    assert ref == f"{Y}/1"
    run.refused(f"{add} {rules} --for chair --user m1", reason="may not")
    run.refused(f"{add} {rules} --for chair,m3 --user chair", reason="not present")
    run.refused(
        f"{add} {rules} --for chair --against chair --user chair", reason="more than one vote"
    )
    run.refused(f"{add} --about nonsense --for chair --user chair", reason="is not one of")
    run.refused(f"{add} --about rules:quorum=1/5 --for chair --user chair", reason="at least 1/3")
    run.refused(
        f"resolution add --meeting 1 --text '' {rules} --for chair --user chair",
        reason="is required",
    )
    run.refused(
        f"resolution add --meeting 9 --text x {rules} --for chair --user chair",
        reason="no meeting 9",
    )
    # m1 is recused on anything about party 1: their vote is refused, and without them the
    # three others present are... two of four sitting: no quorum.
    run.new(
        f"request new --party 1 --category ROADS --amount 10 --purpose p --date {d('01-20')} "
        "--user clerk"
    )
    run.refused(f"{add} --about request:1 --for chair,m1 --user chair", reason="recused")
    run.refused(f"{add} --about request:1 --for chair,m2 --user chair", reason="no quorum")

    shown = run(f"resolution show {ref} --json").json()
    assert shown["votes"] == {"chair": "for", "m1": "for", "m2": "against", "m3": "absent"}
    assert shown["passed"] is True and shown["in_effect"] is False
    assert shown["subject"] == "rules:chair-limit=15000000"
    run.refused(
        f"council set chair-limit 150000 --resolution {ref} --user chair", reason="not confirmed"
    )
    run.refused(f"resolution confirm {ref} --user chair", reason="cannot confirm")
    run.refused(f"resolution confirm {ref} --user m3", reason="not present")
    run.refused(f"resolution confirm {ref} --user clerk", reason="may not")
    run.refused("resolution confirm 2024-1 --user m2", reason="YEAR/NUMBER")
    run.refused(f"resolution confirm {Y}/x --user m2", reason="whole number")
    run.refused(f"resolution confirm {Y}/99 --user m2", reason="no resolution")
    confirmed = run(f"resolution confirm {ref} --json --user m2").json()
    assert confirmed["confirmed_by"] == "m2" and confirmed["in_effect"] is True
    run.refused(f"resolution confirm {ref} --user m1", reason="already confirmed")

    setting = "council set chair-limit 150000"
    run.refused(f"{setting} --resolution '' --user chair", reason="--resolution")
    run.refused(f"{setting} --resolution x/1 --user chair", reason="year")
    run.refused(f"{setting} --resolution {ref} --user m2", reason="may not")
    run.refused(
        f"council set chair-limit 120000 --resolution {ref} --user chair", reason="is about"
    )
    run.refused(
        f"council set speed 1 --resolution {ref} --user chair", reason="unknown council rule"
    )
    assert "changed" in run.ok(f"{setting} --resolution {ref} --user chair")
    run.refused(f"{setting} --resolution {ref} --user chair", reason="already used")
    rules_now = run("council show --json").json()
    assert rules_now["chair-limit"] == {
        "value": 150_000_00,
        "shown": rules_now["chair-limit"]["shown"],
        "resolution": ref,
    }
    assert rules_now["quorum"]["value"] == "1/2" and rules_now["quorum"]["resolution"] is None
    assert rules_now["sitting"] == ["chair", "m1", "m2", "m3"]

    # A resolution that does not pass: two of three present against.
    failed = run(f"{add} --about other --against m1,m2 --json --user chair")
    assert failed.json()["passed"] is False and failed.json()["votes"]["chair"] == "abstain"
    listed = run(f"resolution list --year {Y} --json").json()
    keys = {"id", "number", "date", "meeting", "subject", "text", "votes", "passed"}
    assert keys | {"confirmed_by", "in_effect", "used_for"} <= set(listed[0])
    assert [(r["id"], r["passed"]) for r in listed] == [(f"{Y}/1", True), (f"{Y}/2", False)]
    assert listed[0]["used_for"] is not None and listed[0]["confirmed_by"] == "m2"
    assert run(f"resolution list --year {Y - 1} --json").json() == []
    meeting = run("meeting show 1 --json").json()
    assert meeting["resolutions"] == [f"{Y}/1", f"{Y}/2"]
    assert [m["id"] for m in run(f"meeting list --year {Y} --json").json()] == [1]
    run.refused("meeting show 7", reason="no meeting 7")
    run.refused("resolution show 7", reason="YEAR/NUMBER")
    assert "Limit" in run.ok(f"resolution show {ref}")
    assert "chair-limit" in run.ok("council show")


# --- the budget --------------------------------------------------------------------------


def test_budget_adopt_show_and_versions(run: Run, tmp_path: Path) -> None:
    run.new(f"meeting open --date {d('01-15')} --present chair,m1,m2 --user chair")
    res = "resolution add --meeting 1 --text t --for chair,m1,m2"
    ref = run.new(f"{res} --about budget:{Y} --user chair")
    other = run.new(f"{res} --about other --user chair")
    file = budget_file(tmp_path)
    adopt = f"budget adopt {file} --year {Y}"
    run.refused(f"{adopt} --resolution {ref} --user chair", reason="not confirmed")
    run.ok(f"resolution confirm {ref} --user m1")
    run.ok(f"resolution confirm {other} --user m1")
    run.refused(f"{adopt} --resolution '' --user chair", reason="--resolution")
    run.refused(f"{adopt} --resolution {other} --user chair", reason=f"budget:{Y}")
    run.refused(f"{adopt} --resolution {ref} --user clerk", reason="may not")
    run.refused(
        f"{adopt} --resolution {ref} --date {d('01-16')} --user chair", reason="date of its meeting"
    )
    bad = budget_file(tmp_path, "category,fund,amount\nROADS,GENERAL,1\nNOPE,,2\nSTAFF,,-3\n", "b")
    done = run.refused(
        f"budget adopt {bad} --year {Y} --resolution {ref} --user chair", reason="line 3"
    )
    assert "line 4" in done.err
    run.refused(
        f"budget adopt {tmp_path / 'missing.csv'} --year {Y} --resolution {ref} --user chair",
        reason="cannot be read",
    )
    adopted = run(f"{adopt} --resolution {ref} --date {d('01-15')} --json --user chair")
    assert adopted.json()["id"] == 1 and adopted.json()["resolution"] == ref
    run.refused(f"{adopt} --resolution {ref} --user chair", reason="already used")
    lines = run(f"budget show --year {Y} --json").json()
    by_code = {(line["category"], line["fund"]): line for line in lines}
    assert by_code["ROADS", "GENERAL"] == {
        "category": "ROADS",
        "fund": "GENERAL",
        "kind": "expenditure",
        "appropriated": 500_000_00,
        "committed": 0,
        "paid": 0,
        "remaining": 500_000_00,
    }
    assert by_code["TAX-LAND", "GENERAL"] == {
        "category": "TAX-LAND",
        "fund": "GENERAL",
        "kind": "revenue",
        "estimate": 200_000_00,
        "received": 0,
    }
    # Before the adoption, nothing was budgeted.
    early = run(f"budget show --year {Y} --date {d('01-14')} --json").json()
    assert early == []
    run.refused(f"budget show --year {Y} --date {Y - 1}-05-01", reason="not in")
    versions = run(f"budget versions --year {Y} --json").json()
    assert [(v["version"], v["resolution"], v["date"]) for v in versions] == [(1, ref, d("01-15"))]
    assert {"category": "STAFF", "fund": "GENERAL", "amount": 1_000_000_00} in versions[0]["lines"]
    assert "ROADS" in run.ok(f"budget show --year {Y}")


# --- a whole year of spending ------------------------------------------------------------


def test_a_whole_year(run: Run, tmp_path: Path) -> None:
    council_with_budget(run, tmp_path)
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice 42\n")
    quote = tmp_path / "quote.txt"
    quote.write_text("quote", encoding="utf-8")

    # A request within the chair's limit, approved by the chair alone.
    new = "request new --category ROADS --purpose Gravel"
    drafted = run(
        f"{new} --party 1 --amount '80 000' --attach {invoice} --attach {quote} --date "
        f"{d('02-01')} --json --user clerk"
    )
    first = drafted.json()
    assert first["id"] == 1 and first["state"] == "draft" and first["amount"] == 80_000_00
    assert [(a["filename"], a["size"]) for a in first["attachments"]] == [
        ("invoice.pdf", invoice.stat().st_size),
        ("quote.txt", 5),
    ]
    out = tmp_path / "copy.pdf"
    run.ok(f"request attachment {first['attachments'][0]['id']} --out {out}")
    assert out.read_bytes() == invoice.read_bytes()
    run.refused(f"request attachment 1 --out {out}", reason="already exists")
    run.refused(f"request attachment 99 --out {tmp_path / 'x'}", reason="no attach")

    # Refused drafts.
    run.refused(f"{new} --party 1 --amount 1 --user chair", reason="may not")
    run.refused(
        "request new --party 1 --category ROADS --amount 1 --purpose '' --user clerk",
        reason="purpose is required",
    )
    run.refused(f"{new} --party 99 --amount 1 --user clerk", reason="no party 99")
    run.refused(f"{new} --party 1 --amount -5 --user clerk", reason="positive")
    run.refused(
        "request new --party 1 --category FINES --amount 1 --purpose p --user clerk",
        reason="not an expenditure",
    )
    run.refused(f"{new} --party 1 --amount 1 --fund NOPE --user clerk", reason="unknown fund")
    run.refused(
        f"{new} --party 1 --amount 1 --attach {tmp_path / 'none'} --user clerk",
        reason="cannot be read",
    )

    approve = "request approve 1"
    run.refused(f"{approve} --user clerk", reason="may not")
    run.refused(f"{approve} --user m1", reason="may not")
    run.refused(f"{approve} --resolution '' --user chair", reason="--resolution")
    run.refused(f"{approve} --date {d('01-31')} --user chair", reason="before its request")
    run.refused("request approve 99 --user chair", reason="no spending request 99")
    # The payment waits for the approval.
    pay = "record payment --category ROADS"
    run.refused(
        f"{pay} --date {d('02-03')} --amount 100 --request 1 --user clerk", reason="not approved"
    )
    approved = run(f"{approve} --date {d('02-02')} --json --user chair").json()
    assert approved["state"] == "approved" and approved["approved_by"] == "chair"
    assert approved["resolution"] is None and approved["approved_on"] == d("02-02")
    run.refused(f"{approve} --user chair", reason="no longer waiting")

    # Payments: the approver may not pay (their role cannot record), a payment needs its
    # request in a budget year, never more than it has left, never before the approval.
    run.refused(
        f"{pay} --date {d('02-03')} --amount 30000 --request 1 --user chair", reason="may not"
    )
    run.refused(
        f"{pay} --date {d('02-03')} --amount 30000 --user clerk",
        reason="needs an approved spending request",
    )
    run.refused(
        f"{pay} --date {d('02-01')} --amount 30000 --request 1 --user clerk",
        reason="before its approval",
    )
    run.refused(
        f"record payment --category STAFF --date {d('02-03')} --amount 1 --request 1 --user clerk",
        reason="is for ROADS",
    )
    run.refused(
        f"record receipt --category FINES --date {d('02-03')} --amount 1 --request 1 --user clerk",
        reason="only a payment",
    )
    run.refused(
        f"{pay} --date {d('02-03')} --amount 1 --request 99 --user clerk",
        reason="no spending request 99",
    )
    paid = run(f"{pay} --date {d('02-03')} --amount 30000 --request 1 --json --user clerk").json()
    assert paid["type"] == "payment" and paid["amount"] == 30_000_00
    payment = paid["id"]
    run.refused(
        f"{pay} --date {d('02-04')} --amount 50000.01 --request 1 --user clerk",
        reason="has ₸50,000.00 left",
    )
    shown = run("request show 1 --json").json()
    assert (shown["state"], shown["paid"], shown["unpaid"]) == ("approved", 30_000_00, 50_000_00)
    entries = run(f"ledger --year {Y} --json").json()
    assert entries[-1]["counterparty"] == "ТОО Жол"

    # A reversal un-pays the request.
    run.ok(f"reverse {payment} --reason 'wrong amount' --date {d('02-05')} --user clerk")
    assert run("request show 1 --json").json()["unpaid"] == 80_000_00
    run.ok(f"{pay} --date {d('02-06')} --amount 80000 --request 1 --user clerk")
    assert run("request show 1 --json").json()["state"] == "paid"

    # A bigger request, for Roads Co (where m1 has an interest): the council decides.
    second = run.new(f"{new} --party 2 --amount 300000 --date {d('03-01')} --user clerk")
    assert second == "2"
    run.refused(
        f"request approve {second} --date {d('03-02')} --user chair",
        reason="above the chair's limit",
    )
    run.new(f"meeting open --date {d('03-05')} --present chair,m1,m2 --user chair")
    decide = f"resolution add --about request:{second} --text 'Road repair'"
    run.refused(f"{decide} --meeting 2 --for chair,m2 --user chair", reason="no quorum")
    run.new(f"meeting open --date {d('03-10')} --present chair,m1,m2,m3 --user chair")
    run.refused(f"{decide} --meeting 3 --for chair,m1,m2 --user chair", reason="recused")
    ref = run.new(f"{decide} --meeting 3 --for chair,m2,m3 --user chair")
    assert ref == f"{Y}/2"
    votes = run(f"resolution show {ref} --json").json()["votes"]
    assert votes == {"chair": "for", "m1": "recused", "m2": "for", "m3": "for"}
    run.refused(f"request approve {second} --resolution {ref} --user chair", reason="not confirmed")
    run.refused(f"resolution confirm {ref} --user m1", reason="recused")
    run.ok(f"resolution confirm {ref} --user m3")
    run.refused(f"request approve {second} --resolution {Y}/1 --user chair", reason="is about")
    run.refused(
        f"request approve {second} --resolution {ref} --date {d('03-11')} --user chair",
        reason="date of its meeting",
    )
    run.refused(f"request approve {second} --resolution 2026-2 --user chair", reason="YEAR/NUMBER")
    by_council = run(f"request approve {second} --resolution {ref} --json --user chair").json()
    assert by_council["resolution"] == ref and by_council["approved_on"] == d("03-10")
    assert run(f"resolution show {ref} --json").json()["used_for"] is not None

    # The same resolution cannot approve another request; a third request is rejected, a
    # fourth withdrawn, and what the second has left unpaid is cancelled.
    third = run.new(f"{new} --party 1 --amount 5000 --date {d('03-12')} --user clerk")
    run.refused(f"request approve {third} --resolution {ref} --user chair", reason="is about")
    for action, who in (("reject", "chair"), ("withdraw", "clerk"), ("cancel", "chair")):
        run.refused(f"request {action} {third} --reason '' --user {who}", reason="--reason")
        run.refused(f"request {action} {third} --reason '  ' --user {who}", reason="reason")
    run.refused(f"request reject {third} --reason no --user clerk", reason="may not")
    run.refused(f"request withdraw {third} --reason no --user chair", reason="may not")
    run.refused(
        f"request cancel {third} --reason no --user chair", reason="only an approved request"
    )
    rejected = run(
        f"request reject {third} --reason 'too dear' --date {d('03-13')} --json --user chair"
    ).json()
    assert rejected["state"] == "rejected" and rejected["reason"] == "too dear"
    run.refused(f"request withdraw {third} --reason x --user clerk", reason="no longer waiting")
    fourth = run.new(f"{new} --party 1 --amount 5000 --date {d('03-14')} --user clerk")
    assert "Withdrawn" in run.ok(f"request withdraw {fourth} --reason duplicate --user clerk")
    run.ok(f"{pay} --date {d('03-20')} --amount 100000 --request {second} --user clerk")
    cancelled = run(
        f"request cancel {second} --reason 'done cheaper' --date {d('03-21')} --json --user chair"
    ).json()
    assert (cancelled["state"], cancelled["cancelled"]) == ("paid", 200_000_00)

    listed = run(f"request list --year {Y} --json").json()
    keys = {"id", "state", "party", "category", "fund", "amount", "approved_by", "resolution"}
    assert keys | {"paid"} <= set(listed[0])
    assert [(r["id"], r["state"]) for r in listed] == [
        (1, "paid"),
        (2, "paid"),
        (3, "rejected"),
        (4, "withdrawn"),
    ]
    assert [r["id"] for r in run("request list --state rejected --json").json()] == [3]
    run.refused("request list --state lost", reason="unknown state")
    run.refused("request show 99", reason="no spending request 99")
    assert "Gravel" in run.ok("request show 1")
    assert "paid" in run.ok("request list")

    roads = next(
        line for line in run(f"budget show --year {Y} --json").json() if line["category"] == "ROADS"
    )
    assert (roads["paid"], roads["committed"]) == (180_000_00, 0)
    assert roads["remaining"] == 500_000_00 - 180_000_00

    # A fund transfer, by its own resolution.
    run.ok("fund add ROADFUND --name 'Road fund' --user admin")
    run.new(f"meeting open --date {d('04-01')} --present chair,m1,m2 --user chair")
    move = run.new(
        "resolution add --meeting 4 --about fund-transfer:GENERAL:ROADFUND:100000 --text 'Road "
        "fund' --for chair,m1,m2 --user chair"
    )
    transfer = "record fund-transfer --from-fund GENERAL --to-fund ROADFUND"
    run.refused(
        f"{transfer} --amount 100000 --resolution {move} --date {d('04-02')} --user clerk",
        reason="not confirmed",
    )
    run.ok(f"resolution confirm {move} --user m1")
    run.refused(f"{transfer} --amount 100000 --resolution '' --user clerk", reason="--resolution")
    run.refused(
        f"record fund-transfer --to-fund ROADFUND --amount 1 --resolution {move} --user clerk",
        reason="--from-fund",
    )
    run.refused(
        f"{transfer} --amount 99999 --resolution {move} --date {d('04-02')} --user clerk",
        reason="is about",
    )
    run.refused(
        f"{transfer} --amount 100000 --resolution {move} --date {d('03-31')} --user clerk",
        reason="before its resolution",
    )
    run.refused(f"{transfer} --amount 100000 --resolution {move} --user chair", reason="may not")
    run.refused(
        f"{transfer} --amount 100000 --resolution {move} --category ROADS --user clerk",
        reason="--category is not used",
    )
    moved = run(
        f"{transfer} --amount 100000 --resolution {move} --date {d('04-02')} --json --user clerk"
    ).json()
    assert moved["type"] == "fund-transfer" and moved["amount"] == 100_000_00
    run.refused(
        f"{transfer} --amount 100000 --resolution {move} --date {d('04-02')} --user clerk",
        reason="already used",
    )
    entry = run(f"ledger --year {Y} --json").json()[-1]
    assert (entry["id"], entry["reference"]) == (moved["id"], move)

    # The chair's limit raised by resolution.
    rule = run.new(
        "resolution add --meeting 4 --about 'rules:chair-limit=150 000' --text Limit --for "
        "chair,m1 --user chair"
    )
    run.ok(f"resolution confirm {rule} --user m2")
    run.ok(f"council set chair-limit 150000 --resolution {rule} --user chair")
    assert run("council show --json").json()["chair-limit"]["value"] == 150_000_00

    verified = run("verify --json")
    assert verified.code == 0, verified.out
    assert json.loads(verified.out)["ok"] is True


def test_drafter_approving_and_approver_paying(run: Run, tmp_path: Path) -> None:
    """Roles change: the clerk who drafted becomes the chair, and may not approve what they
    drafted; the chair who approved becomes the clerk, and may not record its payment."""
    council_with_budget(run, tmp_path)
    new = f"request new --party 1 --category ROADS --amount 1000 --purpose Sand --date {d('02-01')}"
    first = run.new(f"{new} --user clerk")
    run.ok("user set-role chair clerk --user admin")
    second = run.new(f"{new} --user chair")  # the former chair, now a clerk
    run.ok("user set-role clerk chair --user admin")
    run.refused(
        f"request approve {first} --date {d('02-02')} --user clerk",
        reason="nobody approves a request they drafted",
    )
    run.ok(f"request approve {second} --date {d('02-02')} --user clerk")
    run.ok("user set-role clerk clerk --user admin")
    run.ok("user set-role chair chair --user admin")
    run.ok(f"request approve {first} --date {d('02-02')} --user chair")
    run.ok("user set-role chair clerk --user admin")
    run.refused(
        f"record payment --category ROADS --amount 1000 --date {d('02-03')} --request {first} "
        "--user chair",
        reason="nobody records the payment of a request they approved",
    )
    run.ok(
        f"record payment --category ROADS --amount 1000 --date {d('02-03')} --request {first} "
        "--user clerk"
    )
    assert run("verify --json").json()["ok"] is True


def test_chair_alone_approvals_add_up_over_30_days(run: Run, tmp_path: Path) -> None:
    council_with_budget(run, tmp_path)
    new = "request new --party 1 --category ROADS --amount 60000 --purpose Gravel"
    first = run.new(f"{new} --date {d('05-01')} --user clerk")
    second = run.new(f"{new} --date {d('05-10')} --user clerk")
    run.ok(f"request approve {first} --date {d('05-01')} --user chair")
    run.refused(
        f"request approve {second} --date {d('05-10')} --user chair", reason="within 30 days"
    )
    run.ok(f"request approve {second} --date {d('06-01')} --user chair")


def test_record_forms_keep_working_and_name_parties(run: Run) -> None:
    """Without a budget a payment needs no request; ``--party`` names the counterparty."""
    run.new("party add 'Әсел' --kind person --user clerk")
    run.ok(f"record opening --date {d('01-01')} --amount 1000 --user clerk")
    out = run.ok(
        f"record receipt --date {d('01-02')} --amount 15 --category FINES --counterparty Someone "
        "--user clerk"
    )
    assert out.startswith("Recorded entry 2: ")
    run.ok(
        f"record payment --date {d('01-03')} --amount 10 --category STAFF --party 1 --user clerk"
    )
    run.ok(f"record transfer --date {d('01-04')} --amount 5 --to-account CASH --user clerk")
    entries = run(f"ledger --year {Y} --json").json()
    assert [e["counterparty"] for e in entries] == ["", "Someone", "Әсел", ""]
    run.refused(
        f"record transfer --date {d('01-04')} --amount 5 --to-account CASH --party 1 --user clerk",
        reason="names a party",
    )
    run.refused(
        f"record receipt --date {d('01-04')} --amount 5 --category FINES --party 7 --user clerk",
        reason="no party 7",
    )
    run.refused(
        f"record receipt --date {d('01-04')} --amount 5 --category FINES --from-fund GENERAL "
        "--user clerk",
        reason="--from-fund is not used",
    )
    run.refused(
        f"record payment --date {d('01-04')} --amount 5 --category STAFF --request abc --user "
        "clerk",
        reason="whole number",
    )
    assert run("verify --json").json()["ok"] is True


def test_lists_on_an_empty_ledger(run: Run) -> None:
    for subject_ in ("party", "interest", "meeting", "request"):
        assert run(f"{subject_} list --json").json() == []
        assert run.ok(f"{subject_} list").strip().startswith("No ")
    assert run(f"resolution list --year {Y} --json").json() == []
    assert run(f"budget show --year {Y} --json").json() == []
    assert run(f"budget versions --year {Y} --json").json() == []
    run.refused("budget show --year 20x5", reason="four digits")
    done = run("request approve --user chair")  # a usage error: argparse says so
    assert done.code == 2 and "ID" in done.err


def test_council_term(run: Run) -> None:
    """An administrator records a member's term; outside it they do not sit."""
    shown = run(f"council term m3 --from {d('03-01')} --to {d('12-31')} --json --user admin").json()
    assert shown == {"member": "m3", "from": d("03-01"), "to": d("12-31")}
    sitting = run("council show --json").json()
    assert sitting["terms"] == [{"member": "m3", "from": d("03-01"), "to": d("12-31")}]
    run.refused(f"council term m1 --from {d('01-01')} --user chair", reason="may not")
    run.refused(f"council term clerk --from {d('01-01')} --user admin", reason="only they")
    run.refused("council term m1 --from '' --user admin", reason="--from")
    run.refused(
        f"council term m1 --from {d('05-01')} --to {d('04-01')} --user admin", reason="cannot end"
    )
    run.refused(
        f"meeting open --date {d('02-01')} --present chair,m1,m3 --user chair",
        reason="does not sit on the council",
    )
    opened = run(f"meeting open --date {d('02-01')} --present chair,m1 --json --user chair").json()
    assert opened["absent"] == ["m2"]  # m3 is outside their term: not even absent
