"""The annual return's core (issue 11, DESIGN §2.7, §4.4, §5): Section 1 by resolution, the
variances that need explaining (the rule's edges), the bank reconciliation at 31 December and
its approval, the internal audit, the inspection period, and finalising (each missing piece
refused and named, the year closed, a later version only for a change with a reason). Every
refusal writes nothing; verify passes after every record and catches a tampered one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _council import Council, council_ledger, resolve
from _helpers import day, english, payment, receipt, state, tamper  # noqa: F401

from ruralcouncil.ledger import (
    annual_return,
    internal_audit,
    journal,
    meetings,
    reconciliation,
    schema,
    variances,
)
from ruralcouncil.ledger.annual_return import Answer
from ruralcouncil.ledger.errors import ClosedYear, InvalidInput, PermissionDenied
from ruralcouncil.ledger.internal_audit import AuditAnswer
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.verify import verify

YEAR = 2025
MEETING = "2026-02-10"


def _return_state(conn: object) -> tuple[object, ...]:
    """Everything a refused action must leave untouched, the return's tables included."""
    return (
        state(conn),  # type: ignore[arg-type]
        *(
            conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # type: ignore[attr-defined]
            for t in schema.RETURN_TABLES
        ),
    )


def _refused(c: Council, error: type[Exception], match: str, action: object) -> None:
    before = _return_state(c.conn)
    with pytest.raises(error, match=match):
        action()  # type: ignore[operator]
    assert _return_state(c.conn) == before


def _ok(c: Council) -> None:
    result = verify(c.conn)
    assert result.ok, result.problems


@pytest.fixture
def c(tmp_path: Path) -> Council:
    """The council template (200 000 ₸ of land tax on 2025-01-10, 1 000 000 ₸ on 2026-01-05):
    2025 is the return's year, 2024 (empty) its prior year."""
    return council_ledger(tmp_path)


def _governance(c: Council, on: str = MEETING) -> str:
    return resolve(c, f"governance:{YEAR}", on)


def _answer_all(c: Council, ref: str) -> None:
    for n in annual_return.ASSERTIONS:
        annual_return.answer_assertion(c.ledger, c.chair, YEAR, n, Answer.YES, "", ref)


def _audit_all(c: Council) -> None:
    for n in internal_audit.OBJECTIVES:
        internal_audit.answer(c.ledger, c.auditor, YEAR, n, AuditAnswer.YES, "")
    internal_audit.sign(c.ledger, c.auditor, YEAR, day("2026-01-20"), day("2026-01-22"))


def _reconciled(c: Council) -> int:
    bank = reconciliation.cash_book(c.conn, YEAR)[0]["BANK"]
    found = reconciliation.reconcile(c.ledger, c.clerk, YEAR, {"BANK": bank}, [], [])
    reconciliation.approve(c.ledger, c.chair, YEAR, day("2026-02-11"))
    return found


def _explain_all(c: Council) -> None:
    for v in variances.variances(c.conn, YEAR):
        if v.needed:
            variances.explain(c.ledger, c.clerk, YEAR, v.box, f"Box {v.box}: the first year.")


def _complete(c: Council) -> None:
    _answer_all(c, _governance(c))
    _explain_all(c)
    _reconciled(c)
    _audit_all(c)


# --- the variance rule -----------------------------------------------------------------


MINIMUM = 100_000_00


@pytest.mark.parametrize(
    ("prior", "current", "needed"),
    [
        (1_000_000_00, 1_150_000_00, False),  # exactly 15 %, over the minimum: no
        (1_000_000_00, 1_150_000_01, True),  # 15 % + 1 tiyn, over the minimum: yes
        (1_000_000_00, 850_000_00, False),  # exactly 15 % down: no
        (1_000_000_00, 849_999_99, True),  # more than 15 % down: yes
        (100_000_00, 199_999_00, False),  # 99.999 % up, under the minimum: no
        (400_000_00, 500_000_00, False),  # 25 % up, exactly the minimum: no
        (400_000_00, 500_000_01, True),  # 25 % up, a tiyn over the minimum: yes
        (5_00, 0, True),  # to zero, whatever the size
        (0, 1, True),  # from zero, whatever the size
        (0, 0, False),  # both zero
        (7, 7, False),
    ],
)
def test_the_variance_rule_and_its_edges(prior: int, current: int, needed: bool) -> None:
    assert variances.needs_explanation(prior, current, MINIMUM) is needed


def test_the_boxes_that_need_an_explanation_follow_the_ledger(c: Council) -> None:
    found = {v.box: v for v in variances.variances(c.conn, YEAR)}
    assert set(found) == set(variances.VARIANCE_BOXES)
    # 2024 had nothing; 2025 has 200 000 ₸ of land tax: box 2 and box 7 move from zero.
    assert [b for b, v in found.items() if v.needed] == [2, 7]
    assert (found[2].prior, found[2].current) == (0, 200_000_00)
    # A council-set minimum is read from the rules: 2026 against 2025 (+400 %) needs box 2
    # explained only while the minimum is under the move.
    ref = resolve(c, "rules:variance-minimum=1000000", "2026-02-01")
    meetings.set_rule(c.ledger, c.chair, "variance-minimum", "1000000", ref)
    later = {v.box: v.needed for v in variances.variances(c.conn, 2026)}
    assert later[2] is False  # moved 800 000 ₸, not more than 1 000 000 ₸


def test_a_variance_is_explained_only_where_one_is_needed(c: Council) -> None:
    _refused(
        c,
        InvalidInput,
        "Box 3 of 2025 needs no explanation",
        lambda: variances.explain(c.ledger, c.clerk, YEAR, 3, "Nothing happened."),
    )
    _refused(
        c,
        InvalidInput,
        "Box 8 is not explained as a variance",
        lambda: variances.explain(c.ledger, c.clerk, YEAR, 8, "Cash."),
    )
    _refused(
        c,
        PermissionDenied,
        "may not prepare the annual return",
        lambda: variances.explain(c.ledger, c.chair, YEAR, 2, "Taxes."),
    )
    _refused(
        c,
        InvalidInput,
        "explanation is required",
        lambda: variances.explain(c.ledger, c.clerk, YEAR, 2, "   "),
    )
    variances.explain(c.ledger, c.clerk, YEAR, 2, "The first year of land tax.")
    variances.explain(c.ledger, c.admin, YEAR, 2, "Land tax began in 2025.")
    # The latest stands; the earlier is kept.
    assert variances.explanations(c.conn, YEAR) == {2: "Land tax began in 2025."}
    assert c.conn.execute("SELECT count(*) FROM variance_explanations").fetchone()[0] == 2
    assert [v.box for v in variances.unexplained(c.conn, YEAR)] == [7]
    _ok(c)


# --- Section 1 -----------------------------------------------------------------------------


def test_one_governance_resolution_answers_several_assertions(c: Council) -> None:
    ref = _governance(c)
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 1, Answer.YES, "", ref)
    annual_return.answer_assertion(
        c.ledger, c.chair, YEAR, 5, Answer.NO, "No risk register yet.", ref
    )
    answers = annual_return.governance_answers(c.conn, YEAR)
    assert set(answers) == {1, 5}
    assert answers[5].answer == Answer.NO and answers[5].explanation == "No risk register yet."
    assert answers[5].resolution == ref and answers[5].date == MEETING
    # A later answer to the same assertion replaces it; the history stays.
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 5, Answer.YES, "", ref)
    assert annual_return.governance_answers(c.conn, YEAR)[5].answer == Answer.YES
    assert c.conn.execute("SELECT count(*) FROM governance_answers").fetchone()[0] == 3
    # The resolution is checked, not spent.
    assert meetings.get_resolution(c.conn, ref).used_for is None
    _ok(c)


def test_section_1_refusals(c: Council) -> None:
    ref = _governance(c)
    answer = annual_return.answer_assertion
    _refused(
        c,
        InvalidInput,
        "Assertion 3 is answered No: say why",
        lambda: answer(c.ledger, c.chair, YEAR, 3, Answer.NO, "  ", ref),
    )
    _refused(
        c,
        PermissionDenied,
        "may not chair",
        lambda: answer(c.ledger, c.clerk, YEAR, 1, Answer.YES, "", ref),
    )
    _refused(
        c,
        InvalidInput,
        "not one of 1 to 9",
        lambda: answer(c.ledger, c.chair, YEAR, 10, Answer.YES, "", ref),
    )
    # About another year, or another subject.
    _refused(
        c,
        InvalidInput,
        "is about governance:2025, not governance:2024",
        lambda: answer(c.ledger, c.chair, 2024, 1, Answer.YES, "", ref),
    )
    other = resolve(c, "other", "2026-02-12")
    _refused(
        c,
        InvalidInput,
        "is about other, not governance:2025",
        lambda: answer(c.ledger, c.chair, YEAR, 1, Answer.YES, "", other),
    )
    # Not confirmed; not passed.
    unconfirmed = resolve(c, f"governance:{YEAR}", "2026-02-13", confirm_by=None)
    _refused(
        c,
        InvalidInput,
        "is not confirmed yet",
        lambda: answer(c.ledger, c.chair, YEAR, 1, Answer.YES, "", unconfirmed),
    )
    lost = resolve(
        c, f"governance:{YEAR}", "2026-02-14", voted_for=["chair"], against=["m1", "m2", "m3"]
    )
    _refused(
        c,
        InvalidInput,
        "did not pass",
        lambda: answer(c.ledger, c.chair, YEAR, 1, Answer.YES, "", lost),
    )
    # Made before the year began: 2026's statement answered at a meeting of 2025.
    early = resolve(c, "governance:2026", "2025-12-20")
    _refused(
        c,
        InvalidInput,
        "was made before 2026 began",
        lambda: answer(c.ledger, c.chair, 2026, 1, Answer.YES, "", early),
    )
    _refused(
        c,
        InvalidInput,
        "Name the resolution",
        lambda: answer(c.ledger, c.chair, YEAR, 1, Answer.YES, "", " "),
    )
    _ok(c)


# --- the bank reconciliation -----------------------------------------------------------------


def _books(c: Council) -> tuple[int, int, int]:
    """2025: a 30 000 ₸ payment the bank had not paid by 31 December, a 5 000 ₸ receipt not
    banked, a payment reversed, and a 2026 payment (none of them may be picked wrongly)."""
    late = payment(c.ledger, c.clerk, "2025-12-30", 30_000_00, "OTHER-SPENDING")
    unbanked = receipt(c.ledger, c.clerk, "2025-12-31", 5_000_00, "OTHER-INCOME")
    reversed_ = payment(c.ledger, c.clerk, "2025-06-01", 1_000_00, "OTHER-SPENDING")
    journal.reverse(c.ledger, c.clerk, reversed_, "paid twice", day("2025-06-02"))
    return late, unbanked, reversed_


def test_a_reconciliation_agrees_with_the_cash_book(c: Council) -> None:
    late, unbanked, _reversed = _books(c)
    cash, box8, box7 = reconciliation.cash_book(c.conn, YEAR)
    assert box8 == box7 == cash["BANK"] == 175_000_00
    # The bank said 200 000 ₸ (the payment not yet out, the receipt not yet in).
    found = reconciliation.reconcile(
        c.ledger, c.clerk, YEAR, {"BANK": 200_000_00}, [late], [unbanked]
    )
    r = reconciliation.latest(c.conn, YEAR)
    assert r is not None and r.id == found
    assert (r.statements_total, r.unpresented_total, r.unbanked_total) == (
        200_000_00,
        30_000_00,
        5_000_00,
    )
    assert r.cash_book == 175_000_00 and r.difference == 0 and r.agrees and r.current
    assert not r.approved
    _ok(c)
    _refused(
        c,
        PermissionDenied,
        "may not chair",
        lambda: reconciliation.approve(c.ledger, c.clerk, YEAR),
    )
    reconciliation.approve(c.ledger, c.chair, YEAR, day("2026-02-11"))
    r = reconciliation.latest(c.conn, YEAR)
    assert r is not None and r.approved_by == "chair" and r.approved_on == "2026-02-11"
    _refused(
        c,
        InvalidInput,
        "already approved",
        lambda: reconciliation.approve(c.ledger, c.chair, YEAR),
    )
    # One that does not agree is recorded (it is what the papers said) but not approved; it
    # is now the latest, so the year's reconciliation is no longer approved.
    reconciliation.reconcile(c.ledger, c.clerk, YEAR, {"BANK": 210_000_00}, [late], [])
    r = reconciliation.latest(c.conn, YEAR)
    assert r is not None and r.difference == 5_000_00 and not r.agrees and not r.approved
    _refused(
        c,
        InvalidInput,
        "does not agree with the cash book",
        lambda: reconciliation.approve(c.ledger, c.chair, YEAR),
    )
    _ok(c)


def test_reconcile_refuses_entries_of_the_wrong_kind(c: Council) -> None:
    late, unbanked, reversed_ = _books(c)
    later = payment(c.ledger, c.clerk, "2026-01-10", 1_000_00, "OTHER-SPENDING")
    bank = {"BANK": 205_000_00}
    rec = reconciliation.reconcile
    for wrong, match in (
        (unbanked, "Entry {n} is not a payment of 2025"),  # a receipt
        (reversed_, "Entry {n} is not a payment of 2025"),  # reversed
        (reversed_ + 1, "Entry {n} is not a payment of 2025"),  # the reversal itself
        (later, "Entry {n} is not a payment of 2025"),  # another year
        (999, "Entry {n} is not a payment of 2025"),  # no such entry
    ):
        _refused(
            c,
            InvalidInput,
            match.format(n=wrong),
            lambda wrong=wrong: rec(c.ledger, c.clerk, YEAR, bank, [wrong], []),
        )
    _refused(
        c,
        InvalidInput,
        f"Entry {late} is not a receipt of 2025",
        lambda: rec(c.ledger, c.clerk, YEAR, bank, [], [late]),
    )
    _refused(
        c,
        InvalidInput,
        f"Entry {late} is named twice",
        lambda: rec(c.ledger, c.clerk, YEAR, bank, [late, late], []),
    )
    # A cash-box payment cannot be unpresented at the bank when the box is not reconciled.
    cash_payment = payment(
        c.ledger, c.clerk, "2025-12-29", 100_00, "OTHER-SPENDING", account="BANK"
    )
    _refused(
        c,
        InvalidInput,
        "TAX-LAND is not a cash account",
        lambda: rec(c.ledger, c.clerk, YEAR, {**bank, "TAX-LAND": 0}, [cash_payment], []),
    )
    _refused(
        c,
        InvalidInput,
        "every cash account used: BANK",
        lambda: rec(c.ledger, c.clerk, YEAR, {"CASH": 0}, [], []),
    )
    _refused(
        c,
        PermissionDenied,
        "may not prepare the annual return",
        lambda: rec(c.ledger, c.auditor, YEAR, bank, [], []),
    )
    _refused(
        c,
        InvalidInput,
        "2026 has not ended yet",
        lambda: rec(c.ledger, c.clerk, 2026, bank, [], []),
    )


def test_box_8_differing_from_box_7_must_be_explained(
    c: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a sound ledger box 8 is box 7; where they differ the reconciliation says why."""
    real = reconciliation.cash_book

    def differing(conn: object, year: int) -> tuple[dict[str, int], int, int]:
        cash, box8, box7 = real(conn, year)  # type: ignore[arg-type]
        return cash, box8, box7 + 1

    monkeypatch.setattr(reconciliation, "cash_book", differing)
    bank = {"BANK": 200_000_00}
    _refused(
        c,
        InvalidInput,
        "Box 8 .* differs from box 7 .* must say why",
        lambda: reconciliation.reconcile(c.ledger, c.clerk, YEAR, bank, [], []),
    )
    reconciliation.reconcile(
        c.ledger, c.clerk, YEAR, bank, [], [], "A tiyn of rounding in the opening balance."
    )
    r = reconciliation.latest(c.conn, YEAR)
    assert r is not None and r.explanation == "A tiyn of rounding in the opening balance."


def test_a_reconciliation_the_ledger_has_outgrown_is_not_approved(c: Council) -> None:
    reconciliation.reconcile(c.ledger, c.clerk, YEAR, {"BANK": 200_000_00}, [], [])
    receipt(c.ledger, c.clerk, "2025-12-31", 1_00, "OTHER-INCOME")  # entered afterwards
    r = reconciliation.latest(c.conn, YEAR)
    assert r is not None and not r.current
    _refused(
        c,
        InvalidInput,
        "changed after the bank reconciliation was made",
        lambda: reconciliation.approve(c.ledger, c.chair, YEAR),
    )


# --- the internal audit and the inspection period --------------------------------------------


def test_the_internal_audit(c: Council) -> None:
    answer = internal_audit.answer
    _refused(
        c,
        PermissionDenied,
        "may not answer the internal audit checklist",
        lambda: answer(c.ledger, c.clerk, YEAR, 1, AuditAnswer.YES, ""),
    )
    _refused(
        c,
        InvalidInput,
        "Say why objective 4 is answered No",
        lambda: answer(c.ledger, c.auditor, YEAR, 4, AuditAnswer.NO, ""),
    )
    _refused(
        c,
        InvalidInput,
        "Say why objective 4 is answered Not covered",
        lambda: answer(c.ledger, c.auditor, YEAR, 4, AuditAnswer.NOT_COVERED, ""),
    )
    with pytest.raises(InvalidInput, match="not one of 1 to 13"):
        internal_audit.parse_objective("14")
    assert internal_audit.parse_objective("c") == 3
    answer(c.ledger, c.auditor, YEAR, 4, AuditAnswer.NO, "No monitoring; the clerk will report.")
    answer(c.ledger, c.auditor, YEAR, 4, AuditAnswer.YES, "Monitored after all.")
    found = internal_audit.answers(c.conn, YEAR)
    assert list(found) == [4] and found[4].answer == AuditAnswer.YES
    _refused(
        c,
        InvalidInput,
        "cannot end before it starts",
        lambda: internal_audit.sign(
            c.ledger, c.auditor, YEAR, day("2026-01-22"), day("2026-01-20")
        ),
    )
    internal_audit.sign(
        c.ledger, c.auditor, YEAR, day("2026-01-20"), day("2026-01-22"), "Сәуле Ахметова"
    )
    signed = internal_audit.signoff(c.conn, YEAR)
    assert signed is not None and signed.auditor == "Сәуле Ахметова"
    assert (signed.starts, signed.ends) == ("2026-01-20", "2026-01-22")
    _ok(c)


def test_the_ledger_gives_the_auditor_its_own_evidence(c: Council) -> None:
    found = internal_audit.evidence(c.conn, YEAR)
    assert found[1] == []  # verify passes
    assert found[9] == ["the bank was not reconciled at 31 December 2025"]
    assert found[13] == []
    _reconciled(c)
    assert internal_audit.evidence(c.conn, YEAR)[9] == []
    # A budgeted year's payment without a request, and an overspent line (2026).
    from _council import adopt_budget, approved, pay

    adopt_budget(c)
    request = approved(c, 50_000_00)
    pay(c, request, 50_000_00)
    assert internal_audit.evidence(c.conn, 2026, check_chain=False)[2] == []
    c.ledger.close()
    tamper(c.path, "DELETE FROM entry_links")  # as a tamperer leaves it
    ledger = open_ledger(c.path, write=False)
    try:
        later = internal_audit.evidence(ledger.conn, 2026)
    finally:
        ledger.close()
    assert any("has no approved spending request" in f for f in later[2])
    assert later[1]  # and verify says so


def test_the_inspection_period(c: Council) -> None:
    _refused(
        c,
        InvalidInput,
        "inspected after the year's end",
        lambda: annual_return.set_inspection(
            c.ledger, c.clerk, YEAR, day("2025-12-01"), day("2026-01-10"), "The akimat"
        ),
    )
    _refused(
        c,
        InvalidInput,
        "place is required",
        lambda: annual_return.set_inspection(
            c.ledger, c.clerk, YEAR, day("2026-03-02"), day("2026-04-10"), " "
        ),
    )
    _refused(
        c,
        PermissionDenied,
        "may not prepare the annual return",
        lambda: annual_return.set_inspection(
            c.ledger, c.chair, YEAR, day("2026-03-02"), day("2026-04-10"), "The akimat"
        ),
    )
    annual_return.set_inspection(
        c.ledger, c.clerk, YEAR, day("2026-03-02"), day("2026-04-10"), "The akimat, room 2"
    )
    found = annual_return.inspection(c.conn, YEAR)
    assert found is not None and found.place == "The akimat, room 2"
    # Monday 2 March to Friday 10 April 2026: six whole weeks.
    assert found.working_days == 30
    assert annual_return.working_days(day("2026-03-06"), day("2026-03-09")) == 2  # Fri..Mon


# --- finalising ---------------------------------------------------------------------------


def test_finalise_names_every_missing_piece(c: Council) -> None:
    fin = lambda: annual_return.finalise(c.ledger, c.chair, YEAR)  # noqa: E731
    _refused(c, InvalidInput, "Section 1: assertions 1, 2, 3, 4, 5, 6, 7, 8, 9", fin)
    ref = _governance(c)
    for n in range(1, 9):
        annual_return.answer_assertion(c.ledger, c.chair, YEAR, n, Answer.YES, "", ref)
    for missing in (
        "assertions 9 are not answered",
        "The variance of box 2 is not explained",
        "The variance of box 7 is not explained",
        "The bank is not reconciled at 31 December",
        "Internal audit: objectives 1, 2, .*13 are not answered",
        "the auditor has not signed it",
    ):
        _refused(c, InvalidInput, missing, fin)
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 9, Answer.YES, "", ref)
    _explain_all(c)
    reconciliation.reconcile(c.ledger, c.clerk, YEAR, {"BANK": 200_000_00}, [], [])
    _refused(c, InvalidInput, "The bank reconciliation is not approved", fin)
    reconciliation.approve(c.ledger, c.chair, YEAR, day("2026-02-11"))
    for n in range(1, 13):
        internal_audit.answer(c.ledger, c.auditor, YEAR, n, AuditAnswer.YES, "")
    _refused(c, InvalidInput, "objectives 13 are not answered", fin)
    internal_audit.answer(c.ledger, c.auditor, YEAR, 13, AuditAnswer.YES, "")
    _refused(c, InvalidInput, "the auditor has not signed it", fin)
    internal_audit.sign(c.ledger, c.auditor, YEAR, day("2026-01-20"), day("2026-01-22"))
    state_now = annual_return.read(c.conn, YEAR)
    assert state_now.missing() == [] and not state_now.final
    _refused(
        c,
        PermissionDenied,
        "may not chair",
        lambda: annual_return.finalise(c.ledger, c.clerk, YEAR),
    )
    assert annual_return.finalise(c.ledger, c.chair, YEAR) == 1
    _ok(c)


def test_a_finalised_return_closes_its_year_and_versions_need_a_change(c: Council) -> None:
    late = payment(c.ledger, c.clerk, "2025-11-30", 1_000_00, "OTHER-SPENDING")
    _complete(c)
    assert annual_return.finalise(c.ledger, c.chair, YEAR) == 1
    done = annual_return.read(c.conn, YEAR)
    assert (
        done.final
        and done.closed
        and done.status()
        == {
            "version": 1,
            "final": True,
            "changed_since_final": False,
        }
    )
    row = c.conn.execute("SELECT version, digest FROM return_versions").fetchone()
    assert row == (1, done.digest)
    assert YEAR in journal.closed_years(c.conn)
    # The year takes no more postings: a reversal dated in it is impossible.
    with pytest.raises(ClosedYear):
        journal.reverse(c.ledger, c.clerk, late, "wrong", day("2025-12-31"))
    with pytest.raises(ClosedYear):
        receipt(c.ledger, c.clerk, "2025-12-31", 1_00)
    _ok(c)
    # Nothing changed: no second version.
    _refused(
        c,
        InvalidInput,
        "has changed since version 1",
        lambda: annual_return.finalise(c.ledger, c.chair, YEAR, "again"),
    )
    # An answer given again, the same: still nothing changed.
    ref = annual_return.governance_answers(c.conn, YEAR)[1].resolution
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 1, Answer.YES, "", ref)
    assert annual_return.read(c.conn, YEAR).final
    # A No now: the return is a draft of version 2, which needs a reason.
    annual_return.answer_assertion(
        c.ledger, c.chair, YEAR, 4, Answer.NO, "The notice went up late.", ref
    )
    changed = annual_return.read(c.conn, YEAR)
    assert not changed.final and changed.status()["changed_since_final"] is True
    _refused(
        c,
        InvalidInput,
        "Version 2 of the return for 2025 needs a reason",
        lambda: annual_return.finalise(c.ledger, c.chair, YEAR),
    )
    assert annual_return.finalise(c.ledger, c.chair, YEAR, "Assertion 4 corrected.") == 2
    versions = annual_return.versions(c.conn, YEAR)
    assert [(v.version, v.reason) for v in versions] == [(1, ""), (2, "Assertion 4 corrected.")]
    assert annual_return.read(c.conn, YEAR).final
    _ok(c)


def test_a_year_not_over_is_not_finalised(c: Council) -> None:
    _refused(
        c,
        InvalidInput,
        "2026 has not ended yet",
        lambda: annual_return.finalise(c.ledger, c.chair, 2026),
    )


# --- the chain ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "edit"),
    [
        ("governance_answers", "UPDATE governance_answers SET answer = 'yes', explanation = ''"),
        ("variance_explanations", "UPDATE variance_explanations SET text = 'Other words.'"),
        ("reconciliations", "UPDATE reconciliations SET difference = 0, statements = '{}'"),
        ("reconciliation_approvals", "DELETE FROM reconciliation_approvals"),
        ("audit_answers", "UPDATE audit_answers SET answer = 'yes', comment = ''"),
        ("audit_signoffs", "UPDATE audit_signoffs SET auditor = 'Someone else'"),
        ("inspections", "UPDATE inspections SET ends = starts"),
        ("return_versions", "UPDATE return_versions SET digest = 'x'"),
    ],
)
def test_verify_catches_a_tampered_return(c: Council, table: str, edit: str) -> None:
    ref = _governance(c)
    _answer_all(c, ref)
    annual_return.answer_assertion(c.ledger, c.chair, YEAR, 4, Answer.NO, "Late notice.", ref)
    _explain_all(c)
    _reconciled(c)
    for n in internal_audit.OBJECTIVES:
        internal_audit.answer(c.ledger, c.auditor, YEAR, n, AuditAnswer.NO, "Not checked.")
    internal_audit.sign(c.ledger, c.auditor, YEAR, day("2026-01-20"), day("2026-01-22"))
    annual_return.set_inspection(
        c.ledger, c.clerk, YEAR, day("2026-03-02"), day("2026-04-10"), "The akimat"
    )
    annual_return.finalise(c.ledger, c.chair, YEAR)
    _ok(c)
    assert c.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1
    c.ledger.close()
    tamper(c.path, edit)
    ledger = open_ledger(c.path, write=False)
    try:
        result = verify(ledger.conn)
        assert not result.ok
        kind = {"variance_explanations": "variance_explanation"}.get(table, table.rstrip("s"))
        assert any(
            kind in p and ("differs from what was chained" in p or "was deleted" in p)
            for p in result.problems
        ), result.problems
    finally:
        ledger.close()


def test_a_version_4_ledger_upgrades_and_takes_its_return(tmp_path: Path) -> None:
    """The v4 fixture upgrades to the current version (5 and on) at the administrator's login,
    keeps its figures, and its closed year 2023 can still be given a return (nothing posted:
    records only)."""
    import json
    import shutil

    from _helpers import user_of

    from ruralcouncil.reports.statements import year_summary

    fixtures = Path(__file__).resolve().parent / "fixtures"
    figures = json.loads((fixtures / "ledger-v4.json").read_text(encoding="utf-8"))
    copy = tmp_path / "v4.ruralcouncil"
    shutil.copyfile(fixtures / "ledger-v4.ruralcouncil", copy)
    ledger = open_ledger(copy)
    try:
        user_of(ledger, "admin", figures["passwords"]["admin"])
        version = ledger.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == schema.SCHEMA_VERSION >= 5
        for year, expected in figures["summaries"].items():
            summary = year_summary(ledger.conn, int(year)).as_json()
            summary.pop("chain")
            assert summary == expected
        clerk = user_of(ledger, "clerk", figures["passwords"]["clerk"])
        needed = [v.box for v in variances.variances(ledger.conn, 2023) if v.needed]
        assert needed  # 2022 was empty
        variances.explain(ledger, clerk, 2023, needed[0], "The first year.")
        result = verify(ledger.conn)
        assert result.ok, result.problems
    finally:
        ledger.close()
