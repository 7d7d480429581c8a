"""``verify`` catches a tampered council (issue 8): on a copy of a ledger that went the whole
path (an interest, meetings, resolutions with every kind of vote, confirmations, a council
rule, a budget, requests with an attachment, approvals alone and by resolution, payments
against them, a fund transfer), each edit made with a SQLite browser, the append-only
triggers dropped and put back (``_helpers.tamper``), makes ``verify`` fail and name the
tampered record first; the untouched copy verifies.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from _council import PASSWORDS, adopt_budget, council_ledger, draft, meeting, pay, resolve
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    append_entry,
    day,
    english,
    raw,
    scratch_dir,
    sign_commit,
    tamper,
    user_of,
)

from ruralcouncil.ledger import chain, council, journal, keys, meetings, spending
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.verify import VerifyResult, verify


@dataclass(frozen=True)
class Path_:
    path: Path
    ids: dict[str, int]


@cache
def _full_path() -> Path_:
    c = council_ledger(scratch_dir(), "full.ruralcouncil")
    ids: dict[str, int] = {}
    for name in ("chair", "m1", "m2", "m3", "m4", "clerk"):
        ids[name] = c.user(name).id
    ids["roads"], ids["aidos"] = c.roads, c.aidos
    ids["interest"] = council.declare_interest(
        c.ledger, c.m3, "m3", c.roads, "brother-in-law", day("2026-01-05")
    )
    adopt_budget(c)  # 2026/1
    rule_ref = resolve(c, "rules:chair-limit=150000", "2026-01-21", confirm_by="m2")  # 2026/2
    meetings.set_rule(c.ledger, c.chair, "chair-limit", "150000", rule_ref)
    big = spending.draft(
        c.ledger,
        c.clerk,
        c.roads,
        "ROADS",
        "GENERAL",
        250_000_00,
        "Grading the school road",
        [("invoice.pdf", b"%PDF-1.4 the real invoice")],
        day("2026-02-02"),
    )
    ids["big"] = big
    sitting = meeting(c, "2026-02-05", ["chair", "m1", "m2", "m3"], secretary="m1")
    ids["meeting"] = sitting
    ref = meetings.add_resolution(
        c.ledger, c.chair, sitting, f"request:{big}", "Grade the road", ["chair", "m1"], ["m2"]
    )  # 2026/3: m2 against, m3 recused, m4 absent
    meetings.confirm(c.ledger, c.m2, ref)
    spending.approve(c.ledger, c.chair, big, ref)
    small = draft(c, 50_000_00, party=c.aidos, on="2026-02-06")
    spending.approve(c.ledger, c.chair, small, on=day("2026-02-06"))
    ids["small"] = small
    ids["big_payment"] = pay(c, big, 100_000_00, "2026-02-10")
    ids["small_payment"] = pay(c, small, 50_000_00, "2026-02-11")
    move = resolve(c, "fund-transfer:GENERAL:ROADFUND:10000", "2026-02-12")  # 2026/4
    ids["fund_transfer"] = journal.fund_transfer(
        c.ledger, c.clerk, day("2026-02-12"), "GENERAL", "ROADFUND", 10_000_00, move
    )
    resolve(c, "other", "2026-02-13")  # 2026/5, used for nothing
    # Waiting: a resolution m3 and m4 were absent from (2026/6), and two drafts to Aidos.
    resolve(c, "other", "2026-02-14", present=["chair", "m1", "m2"], confirm_by=None)
    ids["waiting_big"] = draft(c, 120_000_00, party=c.aidos, on="2026-02-14")
    ids["waiting_small"] = draft(c, 10_000_00, party=c.aidos, on="2026-02-14")
    conn = c.conn
    for ref_, key in (("2026/1", "r_budget"), ("2026/2", "r_rule"), ("2026/3", "r_request"),
                      ("2026/4", "r_transfer"), ("2026/5", "r_other"),
                      ("2026/6", "r_unconfirmed")):  # fmt: skip
        ids[key] = meetings.get_resolution(conn, ref_).id
    ids["budget"] = int(conn.execute("SELECT id FROM budgets").fetchone()[0])
    ids["attachment"] = spending.attachments(conn, big)[0].id
    ids["approval_big"], ids["approval_small"] = (
        int(conn.execute(
            "SELECT id FROM request_steps WHERE request_id = ? AND step = 'approved'", (r,)
        ).fetchone()[0])
        for r in (big, small)
    )  # fmt: skip
    for key in ("big_payment", "small_payment", "fund_transfer"):
        ids[key + "_id"] = int(
            conn.execute("SELECT id FROM transactions WHERE number = ?", (ids[key],)).fetchone()[0]
        )
    result = verify(conn)
    assert result.ok, result.problems
    path = c.path
    c.ledger.close()
    return Path_(path, ids)


@pytest.fixture
def book(tmp_path: Path) -> Path_:
    template = _full_path()
    path = tmp_path / "full.ruralcouncil"
    shutil.copyfile(template.path, path)
    return Path_(path, dict(template.ids))


def check(path: Path) -> VerifyResult:
    with closing(sqlite3.connect(path)) as conn:
        return verify(conn)


def seq_of(path: Path, kind: str, record: int | str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        found = chain.entry_seq(conn, kind, str(record))
    assert found is not None, (kind, record)
    return found


def test_the_untouched_copy_verifies(book: Path_) -> None:
    result = check(book.path)
    assert result.ok, result.problems
    with closing(sqlite3.connect(book.path)) as conn:
        request = meetings.get_resolution(conn, "2026/3")
        assert set(request.votes.values()) == {
            meetings.Vote.FOR,
            meetings.Vote.AGAINST,
            meetings.Vote.RECUSED,
            meetings.Vote.ABSENT,
        }
        assert spending.get(conn, book.ids["big"]).paid == 100_000_00


# (what is tampered, [SQL with {placeholders} from the ids], the record verify names first)
CASES: dict[str, tuple[list[str], tuple[str, str]]] = {
    "a vote against turned for": (
        ["UPDATE votes SET vote = 'for' WHERE resolution_id = {r_request} AND member_id = {m2}"],
        ("resolution", "r_request"),
    ),
    "a recusal turned into a vote for": (
        ["UPDATE votes SET vote = 'for' WHERE resolution_id = {r_request} AND member_id = {m3}"],
        ("resolution", "r_request"),
    ),
    "a vote deleted": (
        ["DELETE FROM votes WHERE resolution_id = {r_request} AND member_id = {m4}"],
        ("resolution", "r_request"),
    ),
    "a passed resolution marked failed": (
        ["UPDATE resolutions SET passed = 0 WHERE id = {r_other}"],
        ("resolution", "r_other"),
    ),
    "a resolution's subject changed": (
        ["UPDATE resolutions SET subject = 'request:{small}' WHERE id = {r_request}"],
        ("resolution", "r_request"),
    ),
    "a confirmation swapped to another member": (
        ["UPDATE confirmations SET user_id = {m1} WHERE resolution_id = {r_request}"],
        ("confirmation", "r_request"),
    ),
    "a confirmation deleted": (
        ["DELETE FROM confirmations WHERE resolution_id = {r_other}"],
        ("confirmation", "r_other"),
    ),
    "a resolution's use deleted (to use it again)": (
        ["DELETE FROM resolution_uses WHERE resolution_id = {r_transfer}"],
        ("resolution_use", "r_transfer"),
    ),
    "an approval's amount changed": (
        ["UPDATE request_steps SET amount = 300000000 WHERE id = {approval_big}"],
        ("request_step", "approval_big"),
    ),
    "an approval's user changed": (
        ["UPDATE request_steps SET user_id = {m1} WHERE id = {approval_small}"],
        ("request_step", "approval_small"),
    ),
    "an approval's date changed": (
        ["UPDATE request_steps SET date = '2026-01-01' WHERE id = {approval_small}"],
        ("request_step", "approval_small"),
    ),
    "an approval deleted": (
        ["DELETE FROM request_steps WHERE id = {approval_small}"],
        ("request_step", "approval_small"),
    ),
    "a request's amount changed": (
        ["UPDATE requests SET amount = 25000000000 WHERE id = {big}"],
        ("request", "big"),
    ),
    "a request's party changed": (
        ["UPDATE requests SET party_id = {aidos} WHERE id = {big}"],
        ("request", "big"),
    ),
    "an attachment's bytes swapped": (
        [
            "UPDATE attachments SET data = CAST('%PDF-1.4 a forged invoice' AS BLOB)"
            " WHERE id = {attachment}"
        ],
        ("attachment", "attachment"),
    ),
    "an attachment's bytes and digest swapped": (
        [
            "UPDATE attachments SET data = CAST('forged' AS BLOB), size = 6,"
            " sha256 = '4c6a8a21f2a3b8e48b3a83a1b2d81dbb2bd1d1bc5b8f7e2a1bbd6dbdd0bfee9a'"
            " WHERE id = {attachment}"
        ],
        ("attachment", "attachment"),
    ),
    "a payment pointed at another request": (
        ["UPDATE entry_links SET request_id = {small} WHERE transaction_id = {big_payment_id}"],
        ("entry_link", "big_payment_id"),
    ),
    "a payment's link deleted": (
        ["DELETE FROM entry_links WHERE transaction_id = {small_payment_id}"],
        ("entry_link", "small_payment_id"),
    ),
    "a council rule's value changed": (
        ["UPDATE council_rules SET value = '99999999999' WHERE name = 'chair-limit'"],
        ("council_rule", "chair-limit"),
    ),
    "a council rule deleted": (
        ["DELETE FROM council_rules WHERE name = 'chair-limit'"],
        ("council_rule", "chair-limit"),
    ),
    "a budget line changed": (
        [
            "UPDATE budget_lines SET amount = amount + 100000000"
            " WHERE budget_id = {budget} AND code = 'ROADS' AND fund = 'GENERAL'"
        ],
        ("budget", "budget"),
    ),
    "a budget line added": (
        [
            "INSERT INTO budget_lines (budget_id, code, fund, amount)"
            " VALUES ({budget}, 'WATER', 'GENERAL', 100000000)"
        ],
        ("budget", "budget"),
    ),
    "a resolution deleted": (
        ["DELETE FROM resolutions WHERE id = {r_other}"],
        ("resolution", "r_other"),
    ),
    "a resolution deleted with its votes, confirmation and use": (
        [
            "DELETE FROM votes WHERE resolution_id = {r_rule}",
            "DELETE FROM confirmations WHERE resolution_id = {r_rule}",
            "DELETE FROM resolution_uses WHERE resolution_id = {r_rule}",
            "DELETE FROM resolutions WHERE id = {r_rule}",
        ],
        ("resolution", "r_rule"),
    ),
    "a member added to those present": (
        ["UPDATE meetings SET present = '[{chair}, {m1}, {m2}, {m3}, {m4}]' WHERE id = {meeting}"],
        ("meeting", "meeting"),
    ),
    "an interest deleted": (
        ["DELETE FROM interests WHERE id = {interest}"],
        ("interest", "interest"),
    ),
    "a party's IIN/BIN changed": (
        ["UPDATE parties SET iin_bin = '000000000000' WHERE id = {roads}"],
        ("party", "roads"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_verify_catches(book: Path_, case: str) -> None:
    statements, (kind, key) = CASES[case]
    record: int | str = key if kind == "council_rule" else book.ids[key]
    seq = seq_of(book.path, kind, record)
    tamper(book.path, *(s.format(**book.ids) for s in statements))
    result = check(book.path)
    assert not result.ok, case
    assert result.problems
    assert result.first_bad_seq == seq, (seq, result.first_bad_seq, result.problems)


# --- forged commits signed with the forger's own, real key ----------------------------------
#
# Someone on the council who edits the file by hand and signs their edit with their own key
# (their password unlocks it) writes only what their role allows, so the chain's signatures
# and permissions are all good. What stops them is only that verify replays the council's
# rules themselves over the chain.


def _signer(path: Path, name: str) -> keys.Signer:
    ledger = open_ledger(path)
    try:
        signer = user_of(ledger, name, PASSWORDS[name]).signer
    finally:
        ledger.close()
    assert signer is not None
    return signer


def _forge_approval(book: Path_, request: str) -> int:
    """The chair approves ``request`` alone by hand, signed with the chair's key."""
    signer = _signer(book.path, "chair")
    with closing(raw(book.path)) as db:
        cursor = db.execute(
            "INSERT INTO request_steps (request_id, step, date, resolution_id, reason, amount,"
            " user_id, created_at) SELECT id, 'approved', '2026-02-14', NULL, '', amount, ?,"
            " '2026-02-14T10:00:00+00:00' FROM requests WHERE id = ?",
            (signer.user_id, book.ids[request]),
        )
        append_entry(db, "request_step", str(cursor.lastrowid), signer.user_id)
        sign_commit(db, signer)
        return chain.head(db)[0]


def _forge_confirmation(book: Path_, member: str) -> int:
    """``member`` confirms resolution 2026/6 by hand, signed with their own key."""
    signer = _signer(book.path, member)
    with closing(raw(book.path)) as db:
        db.execute(
            "INSERT INTO confirmations (resolution_id, user_id, confirmed_at)"
            " VALUES (?, ?, '2026-02-14T10:00:00+00:00')",
            (book.ids["r_unconfirmed"], signer.user_id),
        )
        append_entry(db, "confirmation", str(book.ids["r_unconfirmed"]), signer.user_id)
        sign_commit(db, signer)
        return chain.head(db)[0]


def test_a_hand_made_approval_within_the_rules_verifies(book: Path_) -> None:
    """The control of the test below: the forgery's mechanics are sound."""
    _forge_approval(book, "waiting_small")  # 10 000 + 50 000 ₸ to Aidos: within 150 000
    result = check(book.path)
    assert result.ok, result.problems


def test_a_hand_made_approval_above_the_chair_s_limit_is_caught(book: Path_) -> None:
    seq = _forge_approval(book, "waiting_big")  # 120 000 + 50 000 ₸ to Aidos: above 150 000
    result = check(book.path)
    assert not result.ok
    assert result.first_bad_seq == seq


def test_a_hand_made_confirmation_by_a_member_present_verifies(book: Path_) -> None:
    """The control of the test below."""
    _forge_confirmation(book, "m1")
    result = check(book.path)
    assert result.ok, result.problems


def test_a_hand_made_confirmation_by_an_absent_member_is_caught(book: Path_) -> None:
    seq = _forge_confirmation(book, "m4")
    result = check(book.path)
    assert not result.ok
    assert result.first_bad_seq == seq
