"""``verify`` replays the annual return's rules (``ledger/return_audit.py``): a record the
services would have refused is caught even when it was written around them.

A return for 2025 is built once the way a council makes it (Section 1 by a resolution, a No
explained; the variances explained; the bank reconciled with an unpresented payment and an
unbanked receipt, and approved; the internal audit, a No commented; the inspection period;
finalised, which closes 2025) and copied for each test. Each rule is then broken twice over:
by a careful tamperer's edit of a row (``_helpers.tamper``: the chain's hash no longer
matches either), and, the stronger case, by a record stored by hand inside a signed commit
with its author's own key (``_forge``): its chain, signature and author's role are all good,
and only the replay of the rule names it. Each forgery has a control that keeps the rule and
verifies, so the forgery's mechanics are known to be sound.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from _council import PASSWORDS, ROLES, Council, council_ledger, resolve
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    admin_of,
    copy_ledger,
    day,
    english,
    entry,
    fresh_ledger,
    payment,
    receipt,
    scratch_dir,
    tamper,
    user_of,
)

from ruralcouncil.ledger import (
    annual_return,
    chain,
    internal_audit,
    journal,
    meetings,
    reconciliation,
    return_audit,
    storage,
    variances,
)
from ruralcouncil.ledger.annual_return import Answer
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import ClosedYear
from ruralcouncil.ledger.internal_audit import AuditAnswer
from ruralcouncil.ledger.storage import open_ledger, snapshot
from ruralcouncil.ledger.users import User
from ruralcouncil.ledger.verify import VerifyResult, verify

YEAR = 2025
MEETING = "2026-02-10"


@dataclass(frozen=True)
class Built:
    path: Path
    numbers: dict[str, int]  # the entries the reconciliation names, and others


@cache
def _built() -> Built:
    c = council_ledger(scratch_dir(), "return.ruralcouncil")
    numbers = {
        "cash_receipt": receipt(c.ledger, c.clerk, "2025-03-01", 5_000_00, account="CASH"),
        "mistake": payment(c.ledger, c.clerk, "2025-06-01", 10_000_00),
        "unpresented": payment(c.ledger, c.clerk, "2025-12-30", 50_000_00),
        "unbanked": receipt(c.ledger, c.clerk, "2025-12-31", 30_000_00),
    }
    numbers["reversal"] = journal.reverse(
        c.ledger, c.clerk, numbers["mistake"], "Paid twice", day("2025-06-02")
    )
    numbers["next_year"] = int(
        c.conn.execute("SELECT number FROM transactions WHERE date = '2026-01-05'").fetchone()[0]
    )
    ref = resolve(c, f"governance:{YEAR}", MEETING)
    for n in annual_return.ASSERTIONS:
        annual_return.answer_assertion(c.ledger, c.chair, YEAR, n, Answer.YES, "", ref)
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 4, Answer.NO, "Late notice.", ref)
    for v in variances.variances(c.conn, YEAR):
        if v.needed:
            variances.explain(c.ledger, c.clerk, YEAR, v.box, f"Box {v.box}: the first year.")
    books = reconciliation.cash_book(c.conn, YEAR)[0]
    statements = {"BANK": books["BANK"] + 50_000_00 - 30_000_00, "CASH": books["CASH"]}
    reconciliation.reconcile(
        c.ledger, c.clerk, YEAR, statements, [numbers["unpresented"]], [numbers["unbanked"]]
    )
    reconciliation.approve(c.ledger, c.chair, YEAR, day("2026-02-11"))
    for n in internal_audit.OBJECTIVES:
        internal_audit.answer(c.ledger, c.auditor, YEAR, n, AuditAnswer.YES, "")
    internal_audit.answer(c.ledger, c.auditor, YEAR, 7, AuditAnswer.NO, "No payroll.")
    internal_audit.sign(c.ledger, c.auditor, YEAR, day("2026-01-20"), day("2026-01-22"))
    annual_return.set_inspection(
        c.ledger, c.clerk, YEAR, day("2026-03-02"), day("2026-04-10"), "The akimat"
    )
    assert annual_return.finalise(c.ledger, c.chair, YEAR, on=day("2026-02-12")) == 1
    result = verify(c.conn)
    assert result.ok, result.problems
    path = c.path
    c.ledger.close()
    return Built(path, numbers)


@pytest.fixture
def built() -> Built:
    return _built()


@pytest.fixture
def c(tmp_path: Path, built: Built) -> Council:
    """A copy of the finalised return, everyone logged in."""
    ledger = copy_ledger(built.path, tmp_path, "return.ruralcouncil")
    logged = {n: user_of(ledger, n, PASSWORDS[n]) for n in ROLES}
    roads, aidos = (
        int(ledger.conn.execute("SELECT id FROM parties WHERE name = ?", (n,)).fetchone()[0])
        for n in ("Roads LLP", "Aidos")
    )
    return Council(ledger, ledger.path, admin_of(ledger), **logged, roads=roads, aidos=aidos)


def _forge(
    c: Council, user: User, kind: str, sql: str, params: tuple[Any, ...], *, unchecked: bool = False
) -> int:
    """A record the core would refuse, written with ``user``'s own key: stored by hand inside
    a signed commit and chained, around the service (``unchecked``: past the table's CHECK
    constraints too, as a SQLite browser can). Returns its chain position."""
    if unchecked:
        c.conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        with c.ledger.write(user) as commit:
            cursor = commit.conn.execute(sql, params)
            return commit.append(kind, str(cursor.lastrowid))
    finally:
        c.conn.execute("PRAGMA ignore_check_constraints = OFF")


def _ok(c: Council) -> None:
    result = verify(c.conn)
    assert result.ok, result.problems


def _caught(c: Council, seq: int, *phrases: str) -> VerifyResult:
    """verify fails, names the forged record first and says why."""
    result = verify(c.conn)
    assert not result.ok
    assert result.first_bad_seq == seq, result.problems
    for phrase in phrases:
        assert any(phrase in p for p in result.problems), (phrase, result.problems)
    return result


def test_the_finalised_return_verifies_however_the_ledger_is_opened(built: Built) -> None:
    with closing(sqlite3.connect(built.path)) as conn:  # a bare connection, as a browser
        result = verify(conn)
        assert result.ok, result.problems
        with snapshot(conn):  # inside a read transaction: one snapshot, no second connection
            assert verify(conn).ok
    ledger = open_ledger(built.path, write=False)
    try:
        result = verify(ledger.conn)
        assert result.ok, result.problems
        assert return_audit.problems(ledger.conn) == []
    finally:
        ledger.close()


# --- Section 1 ---------------------------------------------------------------------------


def _answer(
    c: Council,
    ref: str,
    *,
    assertion: int = 1,
    given: str = "yes",
    explanation: str = "",
    on: str | None = None,
    unchecked: bool = False,
) -> tuple[int, int]:
    """The chair answers an assertion by hand; (its chain position, its id)."""
    resolution = meetings.get_resolution(c.conn, ref)
    seq = _forge(
        c,
        c.chair,
        "governance_answer",
        "INSERT INTO governance_answers (year, assertion, answer, explanation, resolution_id,"
        " date, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            YEAR,
            assertion,
            given,
            explanation,
            resolution.id,
            on or resolution.date,
            c.chair.id,
            storage.now_text(),
        ),
        unchecked=unchecked,
    )
    found = c.conn.execute("SELECT record FROM chain WHERE seq = ?", (seq,)).fetchone()
    return seq, int(found[0])


def test_a_hand_made_answer_within_the_rules_verifies(c: Council) -> None:
    ref = resolve(c, f"governance:{YEAR}", "2026-03-01")
    _answer(c, ref, assertion=4, given="no", explanation="Still late.")
    _ok(c)


@pytest.mark.parametrize(
    ("subject", "on", "how", "phrase"),
    [
        (f"governance:{YEAR}", "2026-03-01", "unconfirmed", "had not passed and been confirmed"),
        (f"governance:{YEAR}", "2026-03-01", "failed", "had not passed and been confirmed"),
        ("other", "2026-03-01", "", "is about other, not governance:2025"),
        (f"governance:{YEAR - 1}", "2026-03-01", "", "not governance:2025"),
        (f"governance:{YEAR}", "2024-12-20", "", "was made before 2025 began"),
    ],
)
def test_an_answer_by_a_resolution_that_may_not_give_it_is_caught(
    c: Council, subject: str, on: str, how: str, phrase: str
) -> None:
    if how == "failed":
        ref = resolve(c, subject, on, voted_for=["chair"], against=["m1", "m2", "m3", "m4"])
        assert not meetings.get_resolution(c.conn, ref).passed
    else:
        ref = resolve(c, subject, on, confirm_by=None if how == "unconfirmed" else "m1")
    seq, answer_id = _answer(c, ref)
    _caught(c, seq, f"governance answer {answer_id} (2025, assertion 1)", phrase)


def test_an_answer_confirmed_only_afterwards_is_caught_at_the_answer(c: Council) -> None:
    ref = resolve(c, f"governance:{YEAR}", "2026-03-01", confirm_by=None)
    seq, _id = _answer(c, ref)
    meetings.confirm(c.ledger, c.m1, ref)  # too late: the answer was given without it
    _caught(c, seq, "had not passed and been confirmed when it was given")


def test_an_answer_dated_other_than_its_meeting_is_caught(c: Council) -> None:
    seq, answer_id = _answer(c, "2026/1", on="2026-02-11")
    _caught(
        c,
        seq,
        f"governance answer {answer_id} (2025, assertion 1): it is dated"
        f" {shown_date('2026-02-11')}, not the day of its resolution's meeting"
        f" ({shown_date(MEETING)})",
    )


def test_a_no_without_an_explanation_and_an_unknown_assertion_are_caught(c: Council) -> None:
    seq, answer_id = _answer(c, "2026/1", assertion=5, given="no", unchecked=True)
    _caught(c, seq, f"governance answer {answer_id} (2025, assertion 5): it answers No without")
    later, other = _answer(c, "2026/1", assertion=10, unchecked=True)
    result = verify(c.conn)
    assert any(
        f"governance answer {other} (2025, assertion 10): Section 1 has no such assertion" in p
        for p in result.problems
    ), result.problems
    assert later > seq


def test_a_variance_explained_for_a_box_not_looked_at_is_caught(c: Council) -> None:
    seq = _forge(
        c,
        c.clerk,
        "variance_explanation",
        "INSERT INTO variance_explanations (year, box, text, user_id, created_at)"
        " VALUES (?, 8, 'The bank.', ?, ?)",
        (YEAR, c.clerk.id, storage.now_text()),
    )
    _caught(c, seq, "box 8 is not one whose variance is explained")


# --- the bank reconciliation --------------------------------------------------------------


def _stored_reconciliation(c: Council) -> dict[str, Any]:
    row = c.conn.execute(
        "SELECT statements, unpresented, unbanked, cash_book, difference FROM reconciliations"
        " WHERE year = ? ORDER BY id DESC LIMIT 1",
        (YEAR,),
    ).fetchone()
    return {
        "statements": json.loads(row[0]),
        "unpresented": json.loads(row[1]),
        "unbanked": json.loads(row[2]),
        "cash_book": row[3],
        "difference": row[4],
    }


def _reconcile(c: Council, year: int = YEAR, **figures: Any) -> tuple[int, int]:
    """The clerk records a reconciliation by hand; (its chain position, its id)."""
    given = {**_stored_reconciliation(c), **figures}
    seq = _forge(
        c,
        c.clerk,
        "reconciliation",
        "INSERT INTO reconciliations (year, statements, unpresented, unbanked, cash_book,"
        " difference, explanation, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
        (
            year,
            given["statements"]
            if isinstance(given["statements"], str)
            else json.dumps(given["statements"]),
            json.dumps(given["unpresented"]),
            json.dumps(given["unbanked"]),
            given["cash_book"],
            given["difference"],
            c.clerk.id,
            storage.now_text(),
        ),
    )
    return seq, int(c.conn.execute("SELECT max(id) FROM reconciliations").fetchone()[0])


def test_the_reconciliation_names_real_items(c: Council, built: Built) -> None:
    figures = _stored_reconciliation(c)
    assert [i[0] for i in figures["unpresented"]] == [built.numbers["unpresented"]]
    assert [i[0] for i in figures["unbanked"]] == [built.numbers["unbanked"]]
    assert figures["difference"] == 0
    _reconcile(c)  # the same again, by hand: within the rules
    _ok(c)


def _item(c: Council, number: int) -> list[Any]:
    row = c.conn.execute(
        "SELECT number, account, amount FROM transactions WHERE number = ?", (number,)
    ).fetchone()
    return list(row)


@pytest.mark.parametrize(
    ("column", "entry_name", "phrase"),
    [
        ("unpresented", "unbanked", "is not a payment of 2025 from an account it reconciles"),
        ("unbanked", "unpresented", "is not a receipt of 2025 into an account it reconciles"),
        ("unbanked", "next_year", "cannot be unbanked"),  # a receipt of 2026
        ("unpresented", "mistake", "cannot be unpresented"),  # reversed
        ("unpresented", "reversal", "cannot be unpresented"),  # a reversal
    ],
)
def test_an_item_the_service_would_not_take_is_caught(
    c: Council, built: Built, column: str, entry_name: str, phrase: str
) -> None:
    figures = _stored_reconciliation(c)
    item = _item(c, built.numbers[entry_name])
    # The figures still add up: only the item is wrong.
    sign = -1 if column == "unpresented" else 1
    statements = dict(figures["statements"])
    statements[item[1]] = statements.get(item[1], 0) - sign * abs(item[2])
    item[2] = abs(item[2])
    seq, found = _reconcile(c, statements=statements, **{column: [*figures[column], item]})
    _caught(
        c, seq, f"bank reconciliation {found} (2025): entry {built.numbers[entry_name]}", phrase
    )


def test_an_item_of_an_account_not_reconciled_or_named_twice_is_caught(
    c: Council, built: Built
) -> None:
    figures = _stored_reconciliation(c)
    cash = _item(c, built.numbers["cash_receipt"])
    statements = {"BANK": figures["statements"]["BANK"] - cash[2]}
    seq, found = _reconcile(
        c, statements=statements, unbanked=[*figures["unbanked"], cash],
        cash_book=figures["cash_book"] - figures["statements"]["CASH"],
    )  # fmt: skip
    _caught(c, seq, f"entry {cash[0]} is not a receipt of 2025 into an account it reconciles")
    twice = figures["unpresented"][0]
    statements = dict(figures["statements"], BANK=figures["statements"]["BANK"] + twice[2])
    later, found = _reconcile(c, statements=statements, unpresented=[twice, twice])
    result = verify(c.conn)
    assert any(
        f"bank reconciliation {found} (2025): entry {twice[0]} is named twice" in p
        for p in result.problems
    ), result.problems
    assert later > seq


def test_a_reconciliation_that_does_not_add_up_is_caught(c: Council) -> None:
    figures = _stored_reconciliation(c)
    statements = dict(figures["statements"], BANK=figures["statements"]["BANK"] + 1_00)
    seq, found = _reconcile(c, statements=statements)  # difference still says 0
    _caught(
        c,
        seq,
        f"bank reconciliation {found} (2025): its figures do not add up",
        "make ₸1.00, and it records a difference of ₸0.00",
    )


def test_a_reconciliation_of_a_non_cash_account_or_unreadable_is_caught(c: Council) -> None:
    figures = _stored_reconciliation(c)
    statements = dict(figures["statements"], ROADS=0)
    seq, found = _reconcile(c, statements=statements)
    _caught(c, seq, f"bank reconciliation {found} (2025): ROADS is not a cash account")
    later, other = _reconcile(c, statements="not figures")
    result = verify(c.conn)
    assert any(
        f"bank reconciliation {other} (2025): its figures cannot be read" in p
        for p in result.problems
    ), result.problems
    assert later > seq


def _approve(c: Council, reconciliation_id: int, on: str = "2026-02-11") -> int:
    return _forge(
        c,
        c.chair,
        "reconciliation_approval",
        "INSERT INTO reconciliation_approvals (reconciliation_id, date, user_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        (reconciliation_id, on, c.chair.id, storage.now_text()),
    )


def _reconciled_2024(c: Council, bank: int = 0) -> int:
    """2024 had no entries: a statement of 0 agrees."""
    return reconciliation.reconcile(c.ledger, c.clerk, YEAR - 1, {"BANK": bank}, [], [])


def test_a_hand_made_approval_within_the_rules_verifies(c: Council) -> None:
    _approve(c, _reconciled_2024(c))
    _ok(c)


def test_an_approval_the_service_would_refuse_is_caught(c: Council) -> None:
    differs = _reconciled_2024(c, 5_00)
    seq = _approve(c, differs)
    _caught(
        c,
        seq,
        f"the approval of bank reconciliation {differs} (2024): it does not agree with the cash",
    )


def test_an_approval_of_a_reconciliation_overtaken_is_caught(c: Council) -> None:
    first = _reconciled_2024(c)
    _reconciled_2024(c)
    seq = _approve(c, first)
    _caught(c, seq, f"bank reconciliation {first} (2024): a later reconciliation of 2024")


def test_an_approval_dated_in_its_year_is_caught(c: Council) -> None:
    found = _reconciled_2024(c)
    seq = _approve(c, found, on="2024-12-31")
    on = shown_date("2024-12-31")
    _caught(c, seq, f"bank reconciliation {found} (2024) is dated {on}, before 2024 ended")


# --- the internal audit and the inspection period -------------------------------------------


def _audit(c: Council, objective: int, given: str, comment: str, unchecked: bool = True) -> int:
    return _forge(
        c,
        c.auditor,
        "audit_answer",
        "INSERT INTO audit_answers (year, objective, answer, comment, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (YEAR, objective, given, comment, c.auditor.id, storage.now_text()),
        unchecked=unchecked,
    )


def test_audit_answers_the_service_would_refuse_are_caught(c: Council) -> None:
    _audit(c, 3, "not-covered", "Next year.", unchecked=False)  # the control
    _ok(c)
    seq = _audit(c, 3, "not-covered", "")
    _caught(c, seq, "(2025, objective 3): a No or Not covered without a comment")


def test_an_audit_answer_to_no_objective_is_caught(c: Council) -> None:
    seq = _audit(c, 14, "yes", "")
    _caught(c, seq, "(2025): there is no objective 14")


def _inspect(c: Council, starts: str, ends: str) -> int:
    return _forge(
        c,
        c.clerk,
        "inspection",
        "INSERT INTO inspections (year, starts, ends, place, how, user_id, created_at)"
        " VALUES (?, ?, ?, 'The akimat', '', ?, ?)",
        (YEAR, starts, ends, c.clerk.id, storage.now_text()),
        unchecked=True,
    )


def test_inspection_periods_the_service_would_refuse_are_caught(c: Council) -> None:
    _inspect(c, "2026-01-05", "2026-02-13")  # the control
    _ok(c)
    seq = _inspect(c, "2025-12-01", "2026-01-15")
    _caught(c, seq, f"(2025) starts on {shown_date('2025-12-01')}, before 2025 ended")


def test_an_inspection_ending_before_it_starts_is_caught(c: Council) -> None:
    seq = _inspect(c, "2026-03-02", "2026-03-01")
    _caught(c, seq, "(2025) ends before it starts")


# --- the versions of the return ------------------------------------------------------------


def _version(
    c: Council,
    number: int,
    reason: str,
    *,
    year: int = YEAR,
    digest: str | None = None,
    on: str = "2026-03-01",
    close: bool = False,
) -> int:
    """The chair records a version by hand, with the digest of the return as it now is
    unless told otherwise (and closes the year in the same commit: ``close``)."""
    with c.ledger.write(c.chair) as commit:
        conn = commit.conn
        cursor = conn.execute(
            "INSERT INTO return_versions (year, version, digest, reason, date, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                year,
                number,
                digest or annual_return.read(conn, year).digest,
                reason,
                on,
                c.chair.id,
                storage.now_text(),
            ),
        )
        seq = commit.append("return_version", str(cursor.lastrowid))
        if close:
            conn.execute(
                "INSERT INTO closed_years (year, user_id, closed_at) VALUES (?, ?, ?)",
                (year, c.chair.id, storage.now_text()),
            )
            commit.append("closed_year", str(year))
    return seq


def _changed(c: Council) -> None:
    """Assertion 4 answered Yes after all: the return differs from version 1."""
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 4, Answer.YES, "", "2026/1")


def test_a_hand_made_second_version_within_the_rules_verifies(c: Council) -> None:
    _changed(c)
    _version(c, 2, "Assertion 4: Yes after all.")
    _ok(c)
    assert annual_return.read(c.conn, YEAR).final


@pytest.mark.parametrize(
    ("number", "reason", "phrase"),
    [
        (3, "Assertion 4.", "version 2 of the return for 2025 is numbered 3"),
        (2, "", "version 2 of the return for 2025 gives no reason"),
    ],
)
def test_a_version_numbered_wrong_or_without_a_reason_is_caught(
    c: Council, number: int, reason: str, phrase: str
) -> None:
    _changed(c)
    seq = _version(c, number, reason)
    _caught(c, seq, phrase)


def test_a_version_that_says_nothing_new_is_caught(c: Council) -> None:
    seq = _version(c, 2, "Again.")
    _caught(c, seq, "version 2 of the return for 2025 says the same as version 1")


def test_a_version_dated_in_its_year_is_caught(c: Council) -> None:
    _changed(c)
    seq = _version(c, 2, "Assertion 4.", on="2025-12-31")
    _caught(c, seq, f"is dated {shown_date('2025-12-31')}, before 2025 ended")


def test_a_version_whose_digest_is_not_the_return_then_is_caught(c: Council) -> None:
    """The strong check: the digest is held against the return read from a copy of the
    ledger as it was at the version's chain position."""
    _changed(c)
    seq = _version(c, 2, "Assertion 4.", digest="0" * 64)
    _caught(
        c,
        seq,
        "version 2 of the return for 2025: its digest is not that of the return as the "
        "ledger had it then",
    )


def test_a_version_is_checked_as_at_its_position_not_now(c: Council) -> None:
    """Each version's digest is of the return when it was finalised: what changed later (a
    draft of the next version) makes no earlier version wrong; and the digest of the return
    as it is now, put on a version recorded before the change, is wrong."""
    before = annual_return.read(c.conn, YEAR).digest
    _changed(c)
    _version(c, 2, "Assertion 4: Yes after all.")
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 4, Answer.NO, "Late notice.", "2026/1")
    assert annual_return.read(c.conn, YEAR).digest == before  # as version 1 said, now
    _ok(c)  # versions 1 and 2 each hold as at their own positions
    now = annual_return.read(c.conn, YEAR).digest
    _changed(c)
    seq = _version(c, 3, "Assertion 4 again.", digest=now)  # the digest of the moment before
    _caught(c, seq, "version 3 of the return for 2025: its digest is not that of the return")


def test_a_version_finalised_incomplete_or_without_closing_its_year_is_caught(
    c: Council,
) -> None:
    """2024 has no return at all; a version of it is caught for both."""
    seq = _version(c, 1, "", year=YEAR - 1, close=True)
    result = _caught(
        c, seq, "version 1 of the return for 2024 was finalised while its return was incomplete"
    )
    # Said with what was missing then, and nothing else: the year was closed with it.
    assert any("The bank is not reconciled at 31 December." in p for p in result.problems)
    assert not any("not closed with it" in p for p in result.problems)


def test_a_version_whose_year_is_not_closed_with_it_is_caught(c: Council) -> None:
    seq = _version(c, 1, "", year=YEAR - 1)
    _caught(c, seq, "version 1 of the return for 2024: the year was not closed with it")
    journal.close_year(c.ledger, c.admin, YEAR - 1)  # closed later, in another commit: still
    _caught(c, seq, "the year was not closed with it")


# --- nothing added to a closed year -----------------------------------------------------------


def test_an_entry_slipped_into_a_closed_year_is_caught(c: Council) -> None:
    """The clerk drops the trigger that guards a closed year, posts into 2025 and puts the
    trigger back, all inside one signed commit: the schema is as it was, the chain is good."""
    trigger = c.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'transactions_closed_year'"
    ).fetchone()[0]
    with c.ledger.write(c.clerk) as commit:
        commit.conn.execute("DROP TRIGGER transactions_closed_year")
        number = journal.insert_entry(
            commit, c.clerk, entry("2025-06-15", "receipt", 1_000_00, "TAX-LAND")
        )
        commit.conn.execute(trigger)
    seq = chain.entry_seq(c.conn, "transaction", str(number))
    assert seq is not None
    result = _caught(c, seq, f"entry {number} is dated in 2025 and was recorded after 2025 was")
    assert result.first_bad == number
    with pytest.raises(ClosedYear):  # what the core says to anyone else
        journal.record(c.ledger, c.clerk, entry("2025-06-16", "receipt", 1_00, "TAX-LAND"))


# --- a careful tamperer's edit of a row -------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "phrase"),
    [
        (
            "UPDATE governance_answers SET date = '2026-02-11' WHERE assertion = 4",
            "not the day of its resolution's meeting",
        ),
        ("UPDATE reconciliations SET difference = 1", "its figures do not add up"),
        ("UPDATE inspections SET starts = '2025-12-01'", "before 2025 ended"),
        ("UPDATE audit_answers SET comment = '' WHERE answer = 'no'", "without a comment"),
        ("UPDATE reconciliation_approvals SET date = '2025-12-31'", "before 2025 ended"),
        (f"UPDATE return_versions SET digest = '{'0' * 64}'", "its digest is not that of"),
        # An earlier record of the return changed: the version no longer says what it did.
        (
            "UPDATE governance_answers SET explanation = 'Other words.' WHERE assertion = 4",
            "version 1 of the return for 2025: its digest is not that of the return",
        ),
        ("UPDATE return_versions SET version = 2", "version 1 of the return for 2025 is numbe"),
    ],
)
def test_a_tampered_row_breaks_its_rule_too(c: Council, edit: str, phrase: str) -> None:
    c.ledger.close()
    tamper(c.path, edit)
    with closing(sqlite3.connect(c.path)) as conn:
        result = verify(conn)
    assert not result.ok
    assert any("differs from what was chained" in p for p in result.problems), result.problems
    assert any(phrase in p for p in result.problems), (phrase, result.problems)


# --- the cost on a ledger without a return ------------------------------------------------


def _statements(conn: sqlite3.Connection) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        assert return_audit.problems(conn) == []
    finally:
        conn.set_trace_callback(None)
    return seen


def _searches_only(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> None:
    """The query reads its tables through their indexes, never scanning a big one."""
    plan = [str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    scanned = {step.split()[1] for step in plan if step.startswith("SCAN ")}
    # The chain and the entries, under their names or the queries' aliases for them.
    assert not scanned & {"chain", "transactions", "c", "k", "t", "x"}, plan


def test_a_ledger_without_a_return_costs_one_indexed_query(tmp_path: Path) -> None:
    ledger = fresh_ledger(tmp_path)
    try:
        admin = admin_of(ledger)
        receipt(ledger, admin, "2024-03-01", 1_000_00)
        assert len(_statements(ledger.conn)) == 1
        pairs = [v for pair in return_audit._TABLES.items() for v in pair]
        _searches_only(ledger.conn, return_audit._PRESENT, tuple(pairs))
        # A closed year (no return) adds the one query for late entries, by the indexes.
        journal.close_year(ledger, admin, 2024)
        assert len(_statements(ledger.conn)) == 2
        _searches_only(ledger.conn, return_audit._LATE_ENTRIES)
        result = verify(ledger.conn)
        assert result.ok, result.problems
    finally:
        ledger.close()
