"""The council's oversight of spending (issue 8), in the core: parties, interests, meetings,
resolutions and their votes, confirmations, council rules, the budget, spending requests,
payments against them and fund transfers. Every rule of DESIGN §4.1-4.2 has a test, and
every refusal is shown to write nothing at all (``council_state`` before == after).

Dates are in 2025 and 2026, before the day these tests were written: the core refuses a
council event dated after today, so a year still to come cannot be used (the per-year
numbering of resolutions restarts from 2025 to 2026 instead).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from _council import (
    BUDGET_2026,
    COUNCIL,
    ROADS_BIN,
    Council,
    adopt_budget,
    approved,
    council_ledger,
    council_state,
    draft,
    fund_cash,
    line,
    meeting,
    pay,
    resolve,
)
from _helpers import day, english, receipt, user_of  # noqa: F401  (english: an autouse fixture)

from ruralcouncil.ledger import budget, council, importer, journal, meetings, spending, users
from ruralcouncil.ledger.errors import ImportRejected, InvalidInput, Overdraft, PermissionDenied
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.meetings import Vote
from ruralcouncil.ledger.spending import State
from ruralcouncil.ledger.verify import verify

TOMORROW = date.today() + timedelta(days=1)


@pytest.fixture
def c(tmp_path: Path) -> Iterator[Council]:
    opened = council_ledger(tmp_path)
    yield opened
    opened.ledger.close()


def refused(
    c: Council,
    action: Callable[[], object],
    *words: str,
    error: type[Exception] = InvalidInput,
) -> str:
    """Run ``action``, expect ``error`` whose message holds every one of ``words``, and check
    that nothing at all was written. Returns the message."""
    before = council_state(c.conn)
    with pytest.raises(error) as caught:
        action()
    message = str(caught.value)
    for word in words:
        assert word in message, (word, message)
    assert council_state(c.conn) == before, "a refused action wrote something"
    return message


def assert_verifies(c: Council) -> None:
    result = verify(c.conn)
    assert result.ok, result.problems


def ids(c: Council, *names: str) -> list[int]:
    return [c.user(n).id for n in names]


# --- parties -----------------------------------------------------------------------------


def test_a_party_is_registered_with_its_kind_and_iin(c: Council) -> None:
    party_id = council.add_party(c.ledger, c.clerk, "  Dana Seitova ", "person", "900101300123")
    party = council.get_party(c.conn, party_id)
    assert (party.name, party.kind, party.iin_bin) == (
        "Dana Seitova",
        council.PartyKind.PERSON,
        "900101300123",
    )
    # Without an IIN/BIN, as often as needed.
    first = council.add_party(c.ledger, c.admin, "School", "organisation")
    second = council.add_party(c.ledger, c.admin, "Clinic")
    assert council.get_party(c.conn, first).iin_bin is None
    assert council.get_party(c.conn, second).kind == council.PartyKind.ORGANISATION
    assert {p.name for p in council.parties(c.conn)} >= {"Roads LLP", "Aidos", "School", "Clinic"}
    assert_verifies(c)


@pytest.mark.parametrize(
    "number",
    ["12345678901", "1234567890123", "12345678901a", "1234 5678 901", "１２３４５６７８９０１２"],
)
def test_an_iin_or_bin_is_exactly_12_digits(c: Council, number: str) -> None:
    refused(
        c, lambda: council.add_party(c.ledger, c.clerk, "Someone", "person", number), "12 digits"
    )


def test_an_iin_or_bin_is_registered_once(c: Council) -> None:
    message = refused(
        c,
        lambda: council.add_party(c.ledger, c.clerk, "Roads again", "business", ROADS_BIN),
        "already registered",
        "Roads LLP",
    )
    assert ROADS_BIN in message


def test_a_party_needs_a_name_and_a_known_kind(c: Council) -> None:
    refused(c, lambda: council.add_party(c.ledger, c.clerk, "   ", "person"))
    refused(c, lambda: council.add_party(c.ledger, c.clerk, "Farm", "farm"), "Unknown kind")


# --- declared interests --------------------------------------------------------------------


def test_a_member_declares_their_own_interest(c: Council) -> None:
    interest_id = council.declare_interest(
        c.ledger, c.m3, "m3", c.roads, "brother-in-law owns it", day("2026-01-05")
    )
    (found,) = council.interests(c.conn)
    assert (found.id, found.member, found.party, found.nature, found.date) == (
        interest_id,
        "m3",
        "Roads LLP",
        "brother-in-law owns it",
        "2026-01-05",
    )
    assert council.interested_members(c.conn, c.roads, "2026-01-05") == {c.m3.id}
    assert council.interested_members(c.conn, c.roads, "2026-01-04") == set()
    # The chair declares their own too.
    council.declare_interest(c.ledger, c.chair, "chair", c.aidos, "cousin", day("2026-01-05"))
    assert_verifies(c)


def test_the_administrator_declares_for_any_member(c: Council) -> None:
    council.declare_interest(c.ledger, c.admin, "m2", c.roads, "employed there", day("2026-01-05"))
    council.declare_interest(c.ledger, c.admin, "chair", c.roads, "owner", day("2026-01-05"))
    assert [i.member for i in council.interests(c.conn)] == ["m2", "chair"]
    assert_verifies(c)


@pytest.mark.parametrize("who", ["m1", "chair", "clerk", "auditor"])
def test_nobody_else_declares_for_another_member(c: Council, who: str) -> None:
    refused(
        c,
        lambda: council.declare_interest(c.ledger, c.user(who), "m2", c.roads, "related"),
        "only their own",
        error=PermissionDenied,
    )


def test_an_interest_is_declared_only_for_a_sitting_member(c: Council) -> None:
    refused(
        c,
        lambda: council.declare_interest(c.ledger, c.admin, "clerk", c.roads, "related"),
        "does not sit on the council",
    )
    # A clerk has no council seat to declare an interest for, even their own.
    refused(
        c,
        lambda: council.declare_interest(c.ledger, c.clerk, "clerk", c.roads, "related"),
        "does not sit on the council",
    )
    users.set_active(c.ledger, c.admin, "m4", False)
    refused(
        c,
        lambda: council.declare_interest(c.ledger, c.admin, "m4", c.roads, "related"),
        "does not sit on the council",
    )


def test_an_interest_needs_a_party_a_nature_and_a_date_not_after_today(c: Council) -> None:
    refused(c, lambda: council.declare_interest(c.ledger, c.m1, "m1", 999, "owner"), "no party 999")
    refused(c, lambda: council.declare_interest(c.ledger, c.m1, "m1", c.roads, "  "))
    refused(
        c,
        lambda: council.declare_interest(c.ledger, c.m1, "m1", c.roads, "owner", TOMORROW),
        "after today",
    )
    refused(c, lambda: council.declare_interest(c.ledger, c.m1, "nobody", c.roads, "owner"))


# --- meetings ------------------------------------------------------------------------------


def test_a_meeting_keeps_who_sat_who_was_present_and_the_secretary(c: Council) -> None:
    meeting_id = meetings.open_meeting(
        c.ledger,
        c.chair,
        day("2026-01-20"),
        ["chair", "M1", "m2"],
        secretary="m2",
        agenda="Budget 2026",
    )
    found = meetings.get_meeting(c.conn, meeting_id)
    assert found.date == "2026-01-20"
    assert sorted(found.sitting) == sorted(ids(c, *COUNCIL))
    assert sorted(found.present) == sorted(ids(c, "chair", "m1", "m2"))
    assert found.secretary_id == c.m2.id
    assert found.agenda == "Budget 2026"
    assert found.chair_id == c.chair.id
    assert [m.id for m in meetings.meetings(c.conn, 2026)] == [meeting_id]
    assert meetings.meetings(c.conn, 2025) == []
    assert_verifies(c)


@pytest.mark.parametrize(
    ("present", "secretary", "words"),
    [
        (["chair", "m1", "clerk"], "", ("clerk does not sit on the council",)),
        (["chair", "m1", "auditor"], "", ("auditor does not sit on the council",)),
        (["m1", "m2", "m3"], "", ("chair", "among those present")),
        (["chair", "m1", "m2"], "m3", ("secretary m3", "among those present")),
        (["chair", "m1", "m1"], "", ("named twice",)),
        (["chair", "nobody"], "", ("no user called 'nobody'",)),
        ([], "", ("Name the members present",)),
        ([" "], "", ("Name the members present",)),
    ],
)
def test_a_meeting_is_refused(
    c: Council, present: list[str], secretary: str, words: tuple[str, ...]
) -> None:
    refused(
        c,
        lambda: meetings.open_meeting(
            c.ledger, c.chair, day("2026-01-20"), present, secretary=secretary
        ),
        *words,
    )


def test_a_meeting_is_not_dated_after_today(c: Council) -> None:
    refused(c, lambda: meetings.open_meeting(c.ledger, c.chair, TOMORROW, COUNCIL), "after today")
    # Today is fine.
    meetings.open_meeting(c.ledger, c.chair, date.today(), COUNCIL)


def test_a_disabled_member_neither_sits_nor_attends(c: Council) -> None:
    users.set_active(c.ledger, c.admin, "m4", False)
    refused(c, lambda: meeting(c, "2026-01-20", ["chair", "m1", "m4"]), "m4 does not sit")
    found = meetings.get_meeting(c.conn, meeting(c, "2026-01-20", ["chair", "m1", "m2"]))
    assert sorted(found.sitting) == sorted(ids(c, "chair", "m1", "m2", "m3"))


# --- resolutions: numbers, votes, quorum, majority ------------------------------------------


def test_resolutions_are_numbered_per_year(c: Council) -> None:
    first = meeting(c, "2025-03-01")
    assert resolve(c, "other", meeting_id=first) == "2025/1"
    assert resolve(c, "budget:2026", meeting_id=first) == "2025/2"
    later = meeting(c, "2026-01-10")
    assert resolve(c, "other", meeting_id=later) == "2026/1"
    assert resolve(c, "other", meeting_id=later) == "2026/2"
    # A meeting of the earlier year recorded afterwards continues that year's numbers.
    assert resolve(c, "other", "2025-11-30") == "2025/3"
    assert [r.ref for r in meetings.resolutions(c.conn, 2025)] == ["2025/1", "2025/2", "2025/3"]
    assert [r.ref for r in meetings.resolutions(c.conn, 2026)] == ["2026/1", "2026/2"]
    found = meetings.get_resolution(c.conn, "2026/2")
    assert (found.year, found.number, found.meeting_id, found.date) == (
        2026,
        2,
        later,
        "2026-01-10",
    )
    assert_verifies(c)


def test_present_members_who_vote_on_nothing_abstain_and_the_rest_are_absent(c: Council) -> None:
    meeting_id = meeting(c, "2026-01-20", ["chair", "m1", "m2", "m3"])
    ref = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, "other", "Fix the well", ["chair", "m1"], ["m2"]
    )
    found = meetings.get_resolution(c.conn, ref)
    assert found.votes == {
        c.chair.id: Vote.FOR,
        c.m1.id: Vote.FOR,
        c.m2.id: Vote.AGAINST,
        c.m3.id: Vote.ABSTAIN,
        c.m4.id: Vote.ABSENT,
    }
    assert found.passed is False  # 2 of 4 present is not more than half
    assert found.in_effect is False
    assert found.chair_id == c.chair.id
    assert found.text == "Fix the well"


def test_a_vote_is_refused_from_someone_absent_or_named_twice(c: Council) -> None:
    meeting_id = meeting(c, "2026-01-20", ["chair", "m1", "m2"])
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "X", ["m4"]),
        "m4 was not present",
    )
    refused(
        c,
        lambda: meetings.add_resolution(
            c.ledger, c.chair, meeting_id, "other", "X", ["m1"], ["m1"]
        ),
        "more than one vote",
    )
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "X", ["clerk"]),
        "clerk was not present",
    )
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, 999, "other", "X", ["m1"]),
        "no meeting 999",
    )
    refused(c, lambda: meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", " ", []))


@pytest.mark.parametrize(
    ("subject", "words"),
    [
        ("budget", ("not one of",)),
        ("spend-it-all", ("not one of",)),
        ("request:999", ("no spending request 999",)),
        ("fund-transfer:GENERAL:NOFUND:100", ("unknown fund NOFUND",)),
        ("fund-transfer:GENERAL:GENERAL:100", ("two different funds",)),
        ("rules:speed=1/2", ("Unknown council rule",)),
        ("rules:quorum=1/4", ("at least 1/3",)),
        ("rules:majority=1/3", ("at least 1/2",)),
        ("rules:majority=1/1", ("below 1",)),
        ("loan:999:1000", ("no party 999",)),
    ],
)
def test_a_subject_must_be_one_the_council_decides(
    c: Council, subject: str, words: tuple[str, ...]
) -> None:
    meeting_id = meeting(c, "2026-01-20")
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, meeting_id, subject, "X", COUNCIL),
        *words,
    )


def test_subjects_are_stored_in_their_canonical_form(c: Council) -> None:
    assert meetings.parse_subject(c.conn, "fund-transfer:GENERAL:ROADFUND:1000.50") == (
        "fund-transfer:GENERAL:ROADFUND:1000.50"
    )
    assert meetings.parse_subject(c.conn, "fund-transfer:GENERAL:ROADFUND:1000.00") == (
        "fund-transfer:GENERAL:ROADFUND:1000"
    )
    assert (
        meetings.parse_subject(c.conn, "rules:chair-limit=200000") == "rules:chair-limit=20000000"
    )
    assert meetings.parse_subject(c.conn, "rules:quorum=2/4") == "rules:quorum=1/2"
    assert meetings.parse_subject(c.conn, " budget:2026 ") == "budget:2026"


def test_a_member_with_an_interest_is_recused_and_their_vote_refused(c: Council) -> None:
    council.declare_interest(c.ledger, c.m3, "m3", c.roads, "brother-in-law", day("2026-02-01"))
    request_id = draft(c, 250_000_00)
    meeting_id = meeting(c, "2026-02-05")
    subject = f"request:{request_id}"
    message = refused(
        c,
        lambda: meetings.add_resolution(
            c.ledger, c.chair, meeting_id, subject, "Pay", ["chair", "m1", "m3"]
        ),
        "m3 has declared an interest",
        "recused",
        "refused",
    )
    assert "m1" not in message
    refused(
        c,
        lambda: meetings.add_resolution(
            c.ledger, c.chair, meeting_id, subject, "Pay", ["chair"], ["m3"]
        ),
        "m3 has declared an interest",
    )
    ref = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, subject, "Pay", ["chair", "m1", "m2"]
    )
    found = meetings.get_resolution(c.conn, ref)
    assert found.votes[c.m3.id] == Vote.RECUSED
    assert found.votes[c.m4.id] == Vote.ABSTAIN
    assert found.passed  # 3 for of 4 counted
    # Recusal is about the subject's party only: m3 votes on anything else.
    meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "Other", ["m3"])


def test_an_interest_declared_after_the_meeting_does_not_recuse(c: Council) -> None:
    request_id = draft(c, 250_000_00, on="2026-02-02")
    meeting_id = meeting(c, "2026-02-05")
    council.declare_interest(c.ledger, c.m3, "m3", c.roads, "bought shares", day("2026-02-06"))
    ref = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, f"request:{request_id}", "Pay", ["chair", "m1", "m3"]
    )
    assert meetings.get_resolution(c.conn, ref).votes[c.m3.id] == Vote.FOR


def test_no_quorum_is_refused_and_recused_members_do_not_count(c: Council) -> None:
    # Five sit: more than half is three.
    two = meeting(c, "2026-02-05", ["chair", "m1"])
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, two, "other", "X", ["chair", "m1"]),
        "no quorum",
        "2 of the 5",
        "at least 3",
    )
    three = meeting(c, "2026-02-05", ["chair", "m1", "m3"])
    meetings.add_resolution(c.ledger, c.chair, three, "other", "X", ["chair", "m1", "m3"])
    # The same three are no quorum on an item m3 is recused on.
    council.declare_interest(c.ledger, c.admin, "m3", c.roads, "owner", day("2026-02-01"))
    request_id = draft(c, 250_000_00)
    refused(
        c,
        lambda: meetings.add_resolution(
            c.ledger, c.chair, three, f"request:{request_id}", "X", ["chair", "m1"]
        ),
        "no quorum",
        "2 of the 5",
    )


def test_the_council_sets_another_quorum_never_below_a_third(c: Council) -> None:
    ref = resolve(c, "rules:quorum=1/3", "2026-01-10")
    meetings.set_rule(c.ledger, c.chair, "quorum", "1/3", ref)
    # More than a third of five is two.
    two = meeting(c, "2026-02-05", ["chair", "m1"])
    meetings.add_resolution(c.ledger, c.chair, two, "other", "X", ["chair", "m1"])
    alone = meeting(c, "2026-02-05", ["chair"])
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, alone, "other", "X", ["chair"]),
        "no quorum",
        "at least 2",
    )
    # A stricter quorum: more than two thirds of five is four.
    ref = resolve(c, "rules:quorum=2/3", "2026-02-06")
    meetings.set_rule(c.ledger, c.chair, "quorum", "2/3", ref)
    three = meeting(c, "2026-02-07", ["chair", "m1", "m2"])
    refused(
        c,
        lambda: meetings.add_resolution(c.ledger, c.chair, three, "other", "X", ["chair"]),
        "at least 4",
    )
    # Below a third is no rule at all.
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "quorum", "1/4", ref),
        "at least 1/3",
    )


@pytest.mark.parametrize(
    ("present", "voted_for", "against", "passes"),
    [
        (COUNCIL, ["chair", "m1", "m2"], ["m3", "m4"], True),
        (COUNCIL, ["chair", "m1"], ["m3"], False),  # 2 of 5, the rest abstain
        (["chair", "m1", "m2", "m3"], ["chair", "m1"], ["m2", "m3"], False),  # a tie fails
        (["chair", "m1", "m2", "m3"], ["chair", "m1", "m2"], ["m3"], True),
        (["chair", "m1", "m2"], ["chair", "m1"], [], True),  # 2 of 3 present
        (["chair", "m1", "m2"], ["chair"], [], False),
    ],
)
def test_a_resolution_passes_by_more_than_half_of_those_present(
    c: Council, present: list[str], voted_for: list[str], against: list[str], passes: bool
) -> None:
    meeting_id = meeting(c, "2026-02-05", present)
    ref = meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "X", voted_for, against)
    assert meetings.get_resolution(c.conn, ref).passed is passes


def test_the_majority_counts_present_members_who_are_not_recused(c: Council) -> None:
    council.declare_interest(c.ledger, c.admin, "m4", c.roads, "owner", day("2026-02-01"))
    meeting_id = meeting(c, "2026-02-05")
    first, second = draft(c, 150_000_00), draft(c, 160_000_00)
    # Four counted: 2 for, 2 against is a tie.
    tie = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, f"request:{first}", "X", ["chair", "m1"], ["m2", "m3"]
    )
    assert not meetings.get_resolution(c.conn, tie).passed
    # 3 of 4 counted passes (it would not be 3 of 5 ... it would, but 3 > 2 is what counts).
    ok = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, f"request:{second}", "X", ["chair", "m1", "m2"], ["m3"]
    )
    assert meetings.get_resolution(c.conn, ok).passed


def test_the_council_sets_another_majority(c: Council) -> None:
    ref = resolve(c, "rules:majority=2/3", "2026-01-10")
    meetings.set_rule(c.ledger, c.chair, "majority", "2/3", ref)
    meeting_id = meeting(c, "2026-02-05")
    three = meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "X", COUNCIL[:3])
    four = meetings.add_resolution(c.ledger, c.chair, meeting_id, "other", "X", COUNCIL[:4])
    assert not meetings.get_resolution(c.conn, three).passed  # 3 is not more than 10/3
    assert meetings.get_resolution(c.conn, four).passed


def test_default_rules(c: Council) -> None:
    found = {rule: (value, by) for rule, value, by in council.rules(c.conn)}
    assert found[council.Rule.QUORUM] == ("1/2", None)
    assert found[council.Rule.MAJORITY] == ("1/2", None)
    assert found[council.Rule.CHAIR_LIMIT] == (str(100_000_00), None)
    assert council.shown_rule(council.Rule.QUORUM, "1/2") == "more than 1/2"


# --- confirmation ----------------------------------------------------------------------------


def test_a_resolution_takes_effect_when_another_member_present_confirms_it(c: Council) -> None:
    ref = resolve(
        c, "other", "2026-02-05", voted_for=["chair", "m1", "m2"], against=["m3"], confirm_by=None
    )
    assert not meetings.get_resolution(c.conn, ref).in_effect
    # A member who voted against may still confirm that the record is right.
    meetings.confirm(c.ledger, c.m3, ref)
    found = meetings.get_resolution(c.conn, ref)
    assert found.confirmed_by == c.m3.id
    assert found.in_effect
    assert_verifies(c)


def test_a_confirmation_is_refused(c: Council) -> None:
    council.declare_interest(c.ledger, c.admin, "m3", c.roads, "owner", day("2026-02-01"))
    request_id = draft(c, 250_000_00)
    ref = resolve(
        c,
        f"request:{request_id}",
        "2026-02-05",
        present=["chair", "m1", "m2", "m3"],
        voted_for=["chair", "m1", "m2"],
        confirm_by=None,
    )
    refused(
        c,
        lambda: meetings.confirm(c.ledger, c.chair, ref),
        "chair who recorded",
        "cannot confirm",
    )
    refused(c, lambda: meetings.confirm(c.ledger, c.m4, ref), "m4 was not present")
    refused(c, lambda: meetings.confirm(c.ledger, c.m3, ref), "m3 was recused")
    refused(c, lambda: meetings.confirm(c.ledger, c.clerk, ref), error=PermissionDenied)
    refused(c, lambda: meetings.confirm(c.ledger, c.m1, "2026/99"), "no resolution 2026/99")
    refused(c, lambda: meetings.confirm(c.ledger, c.m1, "26-1"), "YEAR/NUMBER")
    meetings.confirm(c.ledger, c.m2, ref)
    refused(c, lambda: meetings.confirm(c.ledger, c.m1, ref), "already confirmed")
    refused(c, lambda: meetings.confirm(c.ledger, c.m2, ref), "already confirmed")
    assert meetings.get_resolution(c.conn, ref).confirmed_by == c.m2.id


# --- each resolution authorises one action, once -----------------------------------------------


def test_a_resolution_is_used_once(c: Council) -> None:
    ref = resolve(c, "rules:chair-limit=200000", "2026-01-10")
    meetings.set_rule(c.ledger, c.chair, "chair-limit", "200000", ref)
    assert meetings.get_resolution(c.conn, ref).used_for == "council.set chair-limit"
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "chair-limit", "200000", ref),
        "already used",
        "one action only",
    )


def test_a_resolution_is_not_used_for_another_subject(c: Council) -> None:
    budget_ref = resolve(c, "budget:2026", "2026-01-10")
    request_id = draft(c, 250_000_00, on="2026-01-10")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, budget_ref),
        f"is about budget:2026, not request:{request_id}",
    )
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "quorum", "1/3", budget_ref),
        "is about budget:2026",
    )
    refused(
        c,
        lambda: budget.adopt(c.ledger, c.chair, 2025, BUDGET_2026, budget_ref),
        "budget:2025",
    )
    # About another request.
    other = draft(c, 260_000_00, on="2026-01-10")
    other_ref = resolve(c, f"request:{other}", "2026-01-12")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, other_ref),
        f"about request:{other}, not request:{request_id}",
    )


def test_an_unconfirmed_or_failed_resolution_authorises_nothing(c: Council) -> None:
    unconfirmed = resolve(c, "rules:chair-limit=200000", "2026-01-10", confirm_by=None)
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "chair-limit", "200000", unconfirmed),
        "not confirmed yet",
    )
    failed = resolve(c, "rules:quorum=1/3", "2026-01-10", voted_for=["chair"], against=["m1"])
    assert not meetings.get_resolution(c.conn, failed).passed
    refused(
        c, lambda: meetings.set_rule(c.ledger, c.chair, "quorum", "1/3", failed), "did not pass"
    )
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "quorum", "1/3", "  "),
        "Name the resolution",
    )


# --- council rules -------------------------------------------------------------------------


def test_a_rule_changes_only_by_a_resolution_with_the_same_value(c: Council) -> None:
    ref = resolve(c, "rules:chair-limit=200000", "2026-01-10")
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "chair-limit", "250000", ref),
        "rules:chair-limit=20000000, not rules:chair-limit=25000000",
    )
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.chair, "report-threshold", "200000", ref),
        "not rules:report-threshold",
    )
    refused(
        c, lambda: meetings.set_rule(c.ledger, c.chair, "speed", "1", ref), "Unknown council rule"
    )
    refused(
        c,
        lambda: meetings.set_rule(c.ledger, c.m1, "chair-limit", "200000", ref),
        error=PermissionDenied,
    )
    # The same value however it is written.
    meetings.set_rule(c.ledger, c.chair, "chair-limit", "200000.00", ref)
    assert council.amount_rule(c.conn, council.Rule.CHAIR_LIMIT) == 200_000_00
    found = {rule: (value, by) for rule, value, by in council.rules(c.conn)}
    assert found[council.Rule.CHAIR_LIMIT] == (str(200_000_00), ref)
    # And it is the limit the chair now approves within.
    adopt_budget(c, on="2026-01-11")
    approved(c, 200_000_00)
    assert_verifies(c)


def test_a_rule_set_again_keeps_the_latest_resolution(c: Council) -> None:
    first = resolve(c, "rules:majority=2/3", "2026-01-10")
    meetings.set_rule(c.ledger, c.chair, "majority", "2/3", first)
    second = resolve(c, "rules:majority=3/5", "2026-01-11")
    meetings.set_rule(c.ledger, c.chair, "majority", "3/5", second)
    found = {rule: (value, by) for rule, value, by in council.rules(c.conn)}
    assert found[council.Rule.MAJORITY] == ("3/5", second)
    assert_verifies(c)


# --- the budget ----------------------------------------------------------------------------


def test_the_first_budget_is_adopted_by_a_resolution_about_budget_year(c: Council) -> None:
    virement = resolve(c, "virement:2026", "2026-01-10")
    refused(
        c,
        lambda: budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, virement),
        "first budget of 2026",
        "budget:2026",
    )
    other_year = resolve(c, "budget:2025", "2026-01-10")
    refused(
        c, lambda: budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, other_year), "budget:2026"
    )
    unconfirmed = resolve(c, "budget:2026", "2026-01-10", confirm_by=None)
    refused(
        c,
        lambda: budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, unconfirmed),
        "not confirmed",
    )
    assert not budget.has_budget(c.conn, 2026)
    ref = resolve(c, "budget:2026", "2026-01-20")
    assert budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, ref) == 1
    assert budget.has_budget(c.conn, 2026)
    assert not budget.has_budget(c.conn, 2025)
    (version,) = budget.versions(c.conn, 2026)
    assert (version.version, version.resolution, version.date) == (1, ref, "2026-01-20")
    assert version.lines == {
        ("ROADS", "GENERAL"): 300_000_00,
        ("STAFF", "GENERAL"): 200_000_00,
        ("ROADS", "ROADFUND"): 50_000_00,
        ("TAX-LAND", "GENERAL"): 1_000_000_00,
    }
    shown = {(b.category, b.fund): b.as_json() for b in budget.show(c.conn, 2026)}
    assert shown[("ROADS", "GENERAL")] == {
        "category": "ROADS",
        "fund": "GENERAL",
        "kind": "expenditure",
        "appropriated": 300_000_00,
        "committed": 0,
        "paid": 0,
        "remaining": 300_000_00,
    }
    assert shown[("TAX-LAND", "GENERAL")] == {
        "category": "TAX-LAND",
        "fund": "GENERAL",
        "kind": "revenue",
        "estimate": 1_000_000_00,
        "received": 1_000_000_00,
    }
    refused(c, lambda: budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, ref), "already used")
    assert_verifies(c)


def test_an_amendment_and_a_virement_make_new_versions_and_every_version_is_kept(
    c: Council,
) -> None:
    adopt_budget(c)
    amended = BUDGET_2026.replace(b"STAFF,GENERAL,200000", b"STAFF,GENERAL,250000")
    ref = resolve(c, "budget:2026", "2026-03-01")
    assert budget.adopt(c.ledger, c.chair, 2026, amended, ref) == 2
    moved = amended.replace(b"ROADS,GENERAL,300000", b"ROADS,GENERAL,350000").replace(
        b"STAFF,GENERAL,250000", b"STAFF,GENERAL,200000"
    )
    virement = resolve(c, "virement:2026", "2026-04-01")
    assert budget.adopt(c.ledger, c.chair, 2026, moved, virement) == 3
    found = budget.versions(c.conn, 2026)
    assert [v.version for v in found] == [1, 2, 3]
    assert [v.lines[("STAFF", "GENERAL")] for v in found] == [200_000_00, 250_000_00, 200_000_00]
    assert [v.lines[("ROADS", "GENERAL")] for v in found] == [300_000_00, 300_000_00, 350_000_00]
    # The version in force on a day, and the budget against actual as of that day.
    assert budget.in_force(c.conn, 2026, "2026-02-01").version == 1  # type: ignore[union-attr]
    assert budget.in_force(c.conn, 2026, "2026-03-01").version == 2  # type: ignore[union-attr]
    assert budget.in_force(c.conn, 2026, "2026-01-19") is None
    assert line(c, "ROADS").appropriated == 350_000_00
    on_feb = {(b.category, b.fund): b for b in budget.show(c.conn, 2026, day("2026-02-01"))}
    assert on_feb[("STAFF", "GENERAL")].appropriated == 200_000_00
    assert_verifies(c)


def test_a_virement_keeps_the_estimates_and_the_total(c: Council) -> None:
    adopt_budget(c)
    ref = resolve(c, "virement:2026", "2026-03-01")
    grows = BUDGET_2026.replace(b"ROADS,GENERAL,300000", b"ROADS,GENERAL,300000.01")
    refused(c, lambda: budget.adopt(c.ledger, c.chair, 2026, grows, ref), "virement only moves")
    estimate = BUDGET_2026.replace(b"TAX-LAND,GENERAL,1000000", b"TAX-LAND,GENERAL,900000")
    refused(c, lambda: budget.adopt(c.ledger, c.chair, 2026, estimate, ref), "revenue estimates")
    # A new program with money moved from another is a virement.
    moved = BUDGET_2026.replace(b"STAFF,GENERAL,200000", b"STAFF,GENERAL,150000") + (
        b"WATER,GENERAL,50000\n"
    )
    assert budget.adopt(c.ledger, c.chair, 2026, moved, ref) == 2
    assert line(c, "WATER").appropriated == 50_000_00


def test_a_version_cannot_be_older_than_the_one_in_force(c: Council) -> None:
    old = resolve(c, "budget:2026", "2026-01-10")
    adopt_budget(c, on="2026-02-01")
    refused(
        c,
        lambda: budget.adopt(c.ledger, c.chair, 2026, BUDGET_2026, old),
        "older than the version of the budget now in force",
    )


def test_a_line_is_never_cut_below_what_is_committed_and_paid(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 100_000_00)
    pay(c, request_id, 30_000_00)
    assert (line(c, "ROADS").committed, line(c, "ROADS").paid) == (70_000_00, 30_000_00)
    ref = resolve(c, "budget:2026", "2026-03-01")
    cut = BUDGET_2026.replace(b"ROADS,GENERAL,300000", b"ROADS,GENERAL,99999.99")
    refused(
        c,
        lambda: budget.adopt(c.ledger, c.chair, 2026, cut, ref),
        "ROADS in fund GENERAL",
        "100,000.00",
    )
    dropped = BUDGET_2026.replace(b"ROADS,GENERAL,300000\n", b"")
    refused(c, lambda: budget.adopt(c.ledger, c.chair, 2026, dropped, ref), "ROADS in fund GENERAL")
    exact = BUDGET_2026.replace(b"ROADS,GENERAL,300000", b"ROADS,GENERAL,100000")
    assert budget.adopt(c.ledger, c.chair, 2026, exact, ref) == 2
    assert line(c, "ROADS").remaining == 0


def test_a_bad_budget_file_names_each_bad_line_and_stores_nothing(c: Council) -> None:
    ref = resolve(c, "budget:2026", "2026-01-20")
    data = (
        b"category,fund,amount\n"
        b"ROADS,GENERAL,300000\n"
        b"NOSUCH,GENERAL,100\n"  # line 3
        b"STAFF,NOFUND,100\n"  # line 4
        b"STAFF,GENERAL,12 000\n"  # line 5
        b"ROADS,GENERAL,5\n"  # line 6
        b"BANK,GENERAL,5\n"  # line 7: a cash account
        b"WATER,GENERAL\n"  # line 8
        b"\n"
        b"STAFF,,100\n"  # line 10: the fund defaults to GENERAL
    )
    before = council_state(c.conn)
    with pytest.raises(ImportRejected) as caught:
        budget.adopt(c.ledger, c.chair, 2026, data, ref)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "NOSUCH" in problems[0]
    assert "NOFUND" in problems[1]
    assert "12 000" in problems[2]
    assert "given twice" in problems[3]
    assert "nothing was adopted" in str(caught.value)
    assert council_state(c.conn) == before
    assert meetings.get_resolution(c.conn, ref).used_for is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", ("empty",)),
        (b"category,amount\nROADS,5\n", ("header",)),
        (b"category,fund,amount\n", ("no lines",)),
        (
            "category,fund,amount\nROADS,GENERAL,5 ₸\n".encode("cp1251", "replace") + b"\xff",
            ("UTF-8",),
        ),
    ],
)
def test_a_budget_file_is_refused(c: Council, data: bytes, words: tuple[str, ...]) -> None:
    ref = resolve(c, "budget:2026", "2026-01-20")
    refused(c, lambda: budget.adopt(c.ledger, c.chair, 2026, data, ref), *words)


def test_the_budget_file_reads_a_bom_and_columns_in_any_order(c: Council) -> None:
    data = "\ufeffAmount,Category,Fund\n300000,ROADS,GENERAL\n1000.5,STAFF,\n".encode()
    assert budget.read_budget(c.conn, data) == {
        ("ROADS", "GENERAL"): 300_000_00,
        ("STAFF", "GENERAL"): 1_000_50,
    }


# --- spending requests ---------------------------------------------------------------------


def test_a_request_is_drafted_with_its_attachments(c: Council) -> None:
    request_id = spending.draft(
        c.ledger,
        c.clerk,
        c.roads,
        "ROADS",
        "GENERAL",
        250_000_00,
        "Grading the school road",
        [("../scans/invoice.pdf", b"%PDF-1.4 invoice"), ("quote.jpg", b"\xff\xd8quote")],
        day("2026-02-02"),
    )
    found = spending.get(c.conn, request_id)
    assert (found.state, found.party, found.amount, found.drafted_by, found.date) == (
        State.DRAFT,
        "Roads LLP",
        250_000_00,
        c.clerk.id,
        "2026-02-02",
    )
    assert found.unpaid == 0
    invoice, quote = spending.attachments(c.conn, request_id)
    assert invoice.filename == "invoice.pdf"
    assert invoice.size == len(b"%PDF-1.4 invoice")
    assert spending.attachment_data(c.conn, quote.id) == ("quote.jpg", b"\xff\xd8quote")
    assert quote.sha256 == hashlib.sha256(b"\xff\xd8quote").hexdigest()
    spending.attach(c.ledger, c.clerk2, request_id, "second.pdf", b"%PDF second")
    assert len(spending.attachments(c.conn, request_id)) == 3
    assert [r.id for r in spending.requests(c.conn, year=2026, state="draft")] == [request_id]
    assert spending.requests(c.conn, year=2025) == []
    assert_verifies(c)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"amount": 0}, ("above zero",)),
        ({"amount": -5}, ("above zero",)),
        ({"category": "TAX-LAND"}, ("not an expenditure program",)),
        ({"category": "BANK"}, ("not an expenditure program",)),
        ({"fund": "NOFUND"}, ("unknown fund NOFUND",)),
        ({"party_id": 999}, ("no party 999",)),
        ({"purpose": "  "}, ()),
        ({"on": TOMORROW}, ("after today",)),
        ({"files": [("empty.pdf", b"")]}, ("empty",)),
    ],
)
def test_a_draft_is_refused(c: Council, change: dict[str, object], words: tuple[str, ...]) -> None:
    args: dict[str, object] = {
        "party_id": c.roads,
        "category": "ROADS",
        "fund": "GENERAL",
        "amount": 1000_00,
        "purpose": "Repairs",
        "files": None,
        "on": day("2026-02-02"),
    }
    args.update(change)
    refused(c, lambda: spending.draft(c.ledger, c.clerk, **args), *words)  # type: ignore[arg-type]


def test_nobody_approves_a_request_they_drafted(c: Council) -> None:
    request_id = draft(c, 1000_00, by="clerk2")
    # clerk2 becomes the chair (say, elected) and would approve their own draft.
    users.set_role(c.ledger, c.admin, "clerk2", "chair")
    now_chair = user_of(c.ledger, "clerk2", "clerk2-password-1")
    refused(
        c,
        lambda: spending.approve(c.ledger, now_chair, request_id, on=day("2026-02-03")),
        "Nobody approves a request they drafted",
    )
    spending.approve(c.ledger, c.chair, request_id, on=day("2026-02-03"))


def test_the_chair_alone_approves_up_to_and_including_the_limit(c: Council) -> None:
    adopt_budget(c)
    at_limit = draft(c, 100_000_00)
    above = draft(c, 100_000_01, party=c.aidos)
    spending.approve(c.ledger, c.chair, at_limit, on=day("2026-02-03"))
    found = spending.get(c.conn, at_limit)
    assert (found.state, found.approved_by, found.approved_on, found.resolution) == (
        State.APPROVED,
        c.chair.id,
        "2026-02-03",
        None,
    )
    assert (found.approved, found.unpaid) == (100_000_00, 100_000_00)
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, above, on=day("2026-02-03")),
        "100,000.01",
        "above the chair's limit of ₸100,000.00",
        f"resolution about request:{above}",
    )
    assert line(c, "ROADS").committed == 100_000_00
    assert_verifies(c)


def test_chair_alone_approvals_to_one_party_add_up_over_30_days(c: Council) -> None:
    adopt_budget(c)
    approved(c, 60_000_00, on="2026-02-01", approve_on="2026-02-01")
    # Another party has its own 30 days.
    approved(c, 90_000_00, party=c.aidos, on="2026-02-01", approve_on="2026-02-01")
    # Day 30 counting 1 February as the first: 2 March. The sum is above the limit.
    late = draft(c, 40_000_01, on="2026-02-02")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, late, on=day("2026-03-02")),
        "with ₸60,000.00 approved by the chair alone to them within 30 days",
    )
    # Exactly the limit together is within it.
    exact = draft(c, 40_000_00, on="2026-02-02")
    spending.approve(c.ledger, c.chair, exact, on=day("2026-03-02"))
    assert council.amount_rule(c.conn, council.Rule.CHAIR_LIMIT) == 100_000_00
    assert spending.chair_alone_total(c.conn, c.roads, day("2026-03-02")) == 100_000_00
    # Day 31: the first approval has left the window; the one of 2 March has not.
    assert spending.chair_alone_total(c.conn, c.roads, day("2026-03-03")) == 40_000_00
    spending.approve(c.ledger, c.chair, late, on=day("2026-03-03"))
    assert spending.chair_alone_total(c.conn, c.roads, day("2026-03-03")) == 80_000_01


def test_a_rejected_or_withdrawn_request_does_not_count_towards_the_chair_s_limit(
    c: Council,
) -> None:
    adopt_budget(c)
    first = draft(c, 90_000_00)
    spending.reject(c.ledger, c.chair, first, "No", day("2026-02-03"))
    second = draft(c, 90_000_00)
    spending.withdraw(c.ledger, c.clerk, second, "Duplicate", day("2026-02-03"))
    third = draft(c, 100_000_00)
    spending.approve(c.ledger, c.chair, third, on=day("2026-02-03"))


def test_approvals_by_resolution_do_not_count_towards_the_chair_s_limit(c: Council) -> None:
    adopt_budget(c)
    big = draft(c, 150_000_00)
    ref = resolve(c, f"request:{big}", "2026-02-05")
    spending.approve(c.ledger, c.chair, big, ref)
    small = draft(c, 100_000_00, on="2026-02-05")
    spending.approve(c.ledger, c.chair, small, on=day("2026-02-06"))


def test_a_backdated_chair_approval_cannot_split_a_payment(c: Council) -> None:
    adopt_budget(c)
    first = draft(c, 60_000_00, on="2026-02-01")
    second = draft(c, 60_000_00, on="2026-02-01")
    spending.approve(c.ledger, c.chair, first, on=day("2026-02-20"))
    # Dated before the first approval, within 30 days of it: 120 000 ₸ to one party.
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, second, on=day("2026-02-10")),
        "above the chair's limit",
    )


def test_a_chair_with_an_interest_cannot_approve_alone(c: Council) -> None:
    adopt_budget(c)
    council.declare_interest(c.ledger, c.chair, "chair", c.aidos, "nephew", day("2026-01-25"))
    request_id = draft(c, 1000_00, party=c.aidos)
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=day("2026-02-03")),
        "chair has declared an interest in Aidos",
        "at a meeting",
    )
    # The council decides it, with the chair recused.
    ref = resolve(c, f"request:{request_id}", "2026-02-05", voted_for=["m1", "m2", "m3"])
    assert meetings.get_resolution(c.conn, ref).votes[c.chair.id] == Vote.RECUSED
    spending.approve(c.ledger, c.chair, request_id, ref)
    assert spending.get(c.conn, request_id).state == State.APPROVED


def test_an_approval_by_resolution_takes_the_meeting_s_date(c: Council) -> None:
    adopt_budget(c)
    request_id = draft(c, 250_000_00)
    ref = resolve(c, f"request:{request_id}", "2026-02-05")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, ref, day("2026-02-06")),
        "takes the date of its meeting",
    )
    spending.approve(c.ledger, c.chair, request_id, ref, day("2026-02-05"))
    found = spending.get(c.conn, request_id)
    assert (found.approved_on, found.resolution, found.approved) == ("2026-02-05", ref, 250_000_00)
    assert meetings.get_resolution(c.conn, ref).used_for == f"request.approve {request_id}"
    assert_verifies(c)


def test_an_approval_by_a_resolution_without_a_date_takes_the_meeting_s(c: Council) -> None:
    adopt_budget(c)
    request_id = draft(c, 250_000_00)
    ref = resolve(c, f"request:{request_id}", "2026-02-05")
    spending.approve(c.ledger, c.chair, request_id, ref)
    assert spending.get(c.conn, request_id).approved_on == "2026-02-05"


def test_an_approval_is_not_dated_before_its_request(c: Council) -> None:
    adopt_budget(c)
    request_id = draft(c, 1000_00, on="2026-02-10")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=day("2026-02-09")),
        "cannot be dated before its request",
    )
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=TOMORROW),
        "after today",
    )
    # A meeting recorded afterwards with an earlier date cannot approve it either.
    ref = resolve(c, f"request:{request_id}", "2026-02-05")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, ref),
        "cannot be dated before its request",
    )


def test_an_approval_the_budget_line_cannot_carry_names_the_shortfall(c: Council) -> None:
    adopt_budget(c)
    first = approved(c, 100_000_00)
    pay(c, first, 40_000_00)
    big = draft(c, 210_000_00, party=c.aidos)
    ref = resolve(c, f"request:{big}", "2026-02-05")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, big, ref),
        "ROADS in fund GENERAL has ₸200,000.00 left",
        "₸10,000.00 less than the request",
        "virement:2026",
    )
    # A line the budget does not have has nothing left.
    water = draft(c, 1000_00, category="WATER", party=c.aidos)
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, water, on=day("2026-02-05")),
        "WATER in fund GENERAL has ₸0.00 left",
    )
    # The same program in another fund is another line.
    roadfund = draft(c, 50_000_01, fund="ROADFUND", party=c.aidos)
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, roadfund, on=day("2026-02-05")),
        "ROADS in fund ROADFUND has ₸50,000.00 left",
    )
    # After a virement the line carries it.
    virement = resolve(c, "virement:2026", "2026-02-06")
    moved = BUDGET_2026.replace(b"ROADS,GENERAL,300000", b"ROADS,GENERAL,310000").replace(
        b"STAFF,GENERAL,200000", b"STAFF,GENERAL,190000"
    )
    budget.adopt(c.ledger, c.chair, 2026, moved, virement)
    spending.approve(c.ledger, c.chair, big, ref)
    assert line(c, "ROADS").remaining == 0


def test_a_year_without_a_budget_has_no_line_to_check(c: Council) -> None:
    request_id = draft(c, 90_000_00, on="2025-03-01")
    spending.approve(c.ledger, c.chair, request_id, on=day("2025-03-02"))
    assert budget.remaining(c.conn, 2025, "ROADS", "GENERAL") is None


@pytest.mark.parametrize("end", ["reject", "withdraw"])
def test_reject_and_withdraw_need_a_reason_and_end_a_draft_only(c: Council, end: str) -> None:
    adopt_budget(c)

    def finish(request_id: int, reason: str, on: str = "2026-02-04") -> None:
        if end == "reject":
            spending.reject(c.ledger, c.chair, request_id, reason, day(on))
        else:
            spending.withdraw(c.ledger, c.clerk, request_id, reason, day(on))

    request_id = draft(c, 1000_00)
    refused(c, lambda: finish(request_id, "  "))
    refused(c, lambda: finish(request_id, "Too dear", "2026-02-01"), "cannot be dated before")
    refused(c, lambda: finish(request_id, "Too dear", TOMORROW.isoformat()), "after today")
    finish(request_id, "Too dear")
    found = spending.get(c.conn, request_id)
    wanted = State.REJECTED if end == "reject" else State.WITHDRAWN
    assert (found.state, found.ended_reason) == (wanted, "Too dear")
    # Ended: no approval, no second end, no resolution about it, no payment.
    refused(c, lambda: finish(request_id, "Again"), "no longer waiting")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=day("2026-02-05")),
        "no longer waiting",
    )
    meeting_id = meeting(c, "2026-02-05")
    refused(
        c,
        lambda: meetings.add_resolution(
            c.ledger, c.chair, meeting_id, f"request:{request_id}", "X", COUNCIL
        ),
        "no longer waiting",
    )
    refused(c, lambda: pay(c, request_id, 1000_00), "not approved")
    refused(c, lambda: spending.attach(c.ledger, c.clerk, request_id, "x.pdf", b"x"), "no longer")
    # An approved request is not rejected or withdrawn: it is cancelled.
    other = approved(c, 1000_00)
    refused(c, lambda: finish(other, "Changed our minds"), "no longer waiting")
    assert_verifies(c)


def test_cancelling_releases_what_is_unpaid(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 100_000_00)
    pay(c, request_id, 30_000_00)
    refused(c, lambda: spending.cancel(c.ledger, c.chair, request_id, " ", day("2026-02-11")))
    refused(
        c,
        lambda: spending.cancel(c.ledger, c.chair, request_id, "Done", day("2026-02-02")),
        "cannot be dated before",
    )
    refused(
        c,
        lambda: spending.cancel(c.ledger, c.clerk, request_id, "Done", day("2026-02-11")),
        error=PermissionDenied,
    )
    spending.cancel(c.ledger, c.chair, request_id, "The rest is not needed", day("2026-02-11"))
    found = spending.get(c.conn, request_id)
    assert (found.approved, found.cancelled, found.paid, found.unpaid) == (
        100_000_00,
        70_000_00,
        30_000_00,
        0,
    )
    assert found.ended_reason == "The rest is not needed"
    assert (line(c, "ROADS").committed, line(c, "ROADS").paid) == (0, 30_000_00)
    assert line(c, "ROADS").remaining == 270_000_00
    refused(c, lambda: pay(c, request_id, 1_00, "2026-02-12"), "left to pay")
    refused(
        c,
        lambda: spending.cancel(c.ledger, c.chair, request_id, "Again", day("2026-02-12")),
        "Only an approved request with something unpaid",
    )
    # A draft is not cancelled, and an unpaid approved one is cancelled whole.
    drafted = draft(c, 1000_00)
    refused(
        c,
        lambda: spending.cancel(c.ledger, c.chair, drafted, "No", day("2026-02-12")),
        "Only an approved request",
    )
    unpaid = approved(c, 5000_00, party=c.aidos)
    spending.cancel(c.ledger, c.chair, unpaid, "No longer needed", day("2026-02-12"))
    found = spending.get(c.conn, unpaid)
    assert (found.state, found.cancelled, found.unpaid) == (State.CANCELLED, 5000_00, 0)
    refused(c, lambda: pay(c, unpaid, 1_00, "2026-02-12"), "not approved")
    assert_verifies(c)


# --- payments ------------------------------------------------------------------------------


def test_a_request_is_paid_in_parts_and_never_above_what_was_approved(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 100_000_00)
    refused(c, lambda: pay(c, request_id, 100_000_01), "has ₸100,000.00 left to pay")
    number = pay(c, request_id, 30_000_00)
    entry = c.conn.execute(
        "SELECT t.counterparty, l.request_id, l.party_id FROM transactions t"
        " JOIN entry_links l ON l.transaction_id = t.id WHERE t.number = ?",
        (number,),
    ).fetchone()
    assert entry == ("Roads LLP", request_id, c.roads)
    found = spending.get(c.conn, request_id)
    assert (found.state, found.paid, found.unpaid) == (State.APPROVED, 30_000_00, 70_000_00)
    assert (line(c, "ROADS").committed, line(c, "ROADS").paid) == (70_000_00, 30_000_00)
    refused(c, lambda: pay(c, request_id, 70_000_01, "2026-02-11"), "has ₸70,000.00 left to pay")
    pay(c, request_id, 70_000_00, "2026-02-11", by="admin")
    found = spending.get(c.conn, request_id)
    assert (found.state, found.paid, found.unpaid) == (State.PAID, 100_000_00, 0)
    refused(c, lambda: pay(c, request_id, 1, "2026-02-12"), "has ₸0.00 left to pay")
    assert [r.id for r in spending.requests(c.conn, state="paid")] == [request_id]
    assert_verifies(c)


def test_nobody_pays_a_request_they_approved(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00)
    # The chair cannot record payments at all; the rule itself, for whoever approved:
    approver = replace(c.clerk, id=c.chair.id)
    problems = spending.payment_problems(
        c.conn, approver, day("2026-02-10"), "ROADS", "GENERAL", 1000_00, request_id
    )
    assert problems == ["nobody records the payment of a request they approved"]
    assert (
        spending.payment_problems(
            c.conn, c.clerk, day("2026-02-10"), "ROADS", "GENERAL", 1000_00, request_id
        )
        == []
    )
    # And through the journal: the chair who approved it becomes the clerk.
    users.set_role(c.ledger, c.admin, "chair", "clerk")
    former_chair = user_of(c.ledger, "chair", "chair-password-1")
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            former_chair,
            NewEntry(day("2026-02-10"), EntryType.PAYMENT, 1000_00, "ROADS"),
            request_id=request_id,
        ),
        "nobody records the payment of a request they approved",
    )


def test_a_payment_is_not_dated_before_its_approval_nor_in_another_year(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00, on="2026-02-02", approve_on="2026-02-05")
    refused(
        c,
        lambda: pay(c, request_id, 1000_00, "2026-02-04"),
        "cannot be dated before its approval",
    )
    pay(c, request_id, 500_00, "2026-02-05")
    # A request of 2025 (a year without a budget) is not paid in 2026.
    old = approved(c, 1000_00, on="2025-12-01", approve_on="2025-12-02")
    refused(c, lambda: pay(c, old, 1000_00, "2026-01-10"), "belongs to the budget of 2025")
    pay(c, old, 1000_00, "2025-12-03")


def test_a_payment_must_match_its_request(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00)
    refused(c, lambda: pay(c, request_id, 100_00, category="STAFF"), "is for ROADS in fund GENERAL")
    refused(c, lambda: pay(c, request_id, 100_00, fund="ROADFUND"), "is for ROADS in fund GENERAL")
    refused(c, lambda: pay(c, 999, 100_00), "no spending request 999")
    waiting = draft(c, 1000_00)
    refused(c, lambda: pay(c, waiting, 100_00), f"spending request {waiting} is not approved")
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            NewEntry(day("2026-02-10"), EntryType.RECEIPT, 100_00, "TAX-LAND"),
            request_id=request_id,
        ),
        "only a payment pays a spending request",
    )


def test_a_budget_year_needs_a_request_for_every_payment_and_other_years_do_not(
    c: Council,
) -> None:
    # Before the budget, payments of 2026 are recorded as before.
    pay(c, None, 1000_00, "2026-01-06")
    adopt_budget(c)
    for when in ("2026-01-07", "2026-06-30"):
        refused(
            c,
            lambda when=when: pay(c, None, 1000_00, when),  # type: ignore[misc]
            "2026 has an adopted budget",
            "approved spending request",
        )
    # 2025 has no budget: as before.
    pay(c, None, 1000_00, "2025-06-01")
    # Receipts and transfers need no request.
    receipt(c.ledger, c.clerk, "2026-02-01", 500_00)
    # What was paid before the budget counts against its line.
    assert line(c, "ROADS").paid == 1000_00


def test_a_reversed_payment_is_payable_again(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 100_000_00)
    number = pay(c, request_id, 100_000_00)
    assert spending.get(c.conn, request_id).state == State.PAID
    reversal = journal.reverse(c.ledger, c.clerk, number, "Wrong invoice", day("2026-02-11"))
    link = c.conn.execute(
        "SELECT l.request_id FROM entry_links l JOIN transactions t ON t.id = l.transaction_id"
        " WHERE t.number = ?",
        (reversal,),
    ).fetchone()
    assert link == (request_id,)
    found = spending.get(c.conn, request_id)
    assert (found.state, found.paid, found.unpaid) == (State.APPROVED, 0, 100_000_00)
    assert (line(c, "ROADS").committed, line(c, "ROADS").paid) == (100_000_00, 0)
    pay(c, request_id, 100_000_00, "2026-02-12")
    assert spending.get(c.conn, request_id).state == State.PAID
    # The commitment as of a day between: unpaid again after the reversal.
    found = spending.get(c.conn, request_id)
    assert found.unpaid_as_of(c.conn, "2026-02-10") == 0
    assert found.unpaid_as_of(c.conn, "2026-02-11") == 100_000_00
    assert_verifies(c)


def test_a_payment_from_a_fund_without_money_is_refused(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00, fund="ROADFUND")
    refused(c, lambda: pay(c, request_id, 1000_00, fund="ROADFUND"), "ROADFUND", error=Overdraft)


# --- fund transfers ------------------------------------------------------------------------


def test_a_fund_transfer_by_a_resolution_moves_money_once(c: Council) -> None:
    ref = resolve(c, "fund-transfer:GENERAL:ROADFUND:1000.50", "2026-02-01")
    before = fund_cash(c.conn)
    number = journal.fund_transfer(
        c.ledger, c.clerk, day("2026-02-02"), "GENERAL", "ROADFUND", 1000_50, ref
    )
    after = fund_cash(c.conn)
    assert after["GENERAL"] == before["GENERAL"] - 1000_50
    assert after.get("ROADFUND", 0) == before.get("ROADFUND", 0) + 1000_50
    postings = c.conn.execute(
        "SELECT account, fund, amount FROM postings WHERE transaction_id ="
        " (SELECT id FROM transactions WHERE number = ?) ORDER BY fund, account",
        (number,),
    ).fetchall()
    assert sorted(postings) == sorted(
        [
            ("BANK", "GENERAL", -1000_50),
            ("INTERFUND", "GENERAL", 1000_50),
            ("BANK", "ROADFUND", 1000_50),
            ("INTERFUND", "ROADFUND", -1000_50),
        ]
    )
    assert meetings.get_resolution(c.conn, ref).used_for is not None
    refused(
        c,
        lambda: journal.fund_transfer(
            c.ledger, c.clerk, day("2026-02-03"), "GENERAL", "ROADFUND", 1000_50, ref
        ),
        "already used",
    )
    # Reversed like any entry: the funds are back where they were.
    journal.reverse(c.ledger, c.clerk, number, "Not needed", day("2026-02-04"))
    assert fund_cash(c.conn) == {**before, "ROADFUND": before.get("ROADFUND", 0)}
    assert_verifies(c)


def test_a_fund_transfer_is_refused(c: Council) -> None:
    ref = resolve(c, "fund-transfer:GENERAL:ROADFUND:1000", "2026-02-01")

    def move(source: str, target: str, amount: int, on: str = "2026-02-02", r: str = ref) -> int:
        return journal.fund_transfer(c.ledger, c.clerk, day(on), source, target, amount, r)

    refused(
        c,
        lambda: move("GENERAL", "ROADFUND", 999_99),
        "is about fund-transfer:GENERAL:ROADFUND:1000",
    )
    refused(c, lambda: move("ROADFUND", "GENERAL", 1000_00), "is about")
    refused(c, lambda: move("GENERAL", "ROADFUND", 1000_00, "2026-01-31"), "before its resolution")
    refused(c, lambda: move("GENERAL", "ROADFUND", 1000_00, r="  "), "Name the resolution")
    refused(c, lambda: move("GENERAL", "GENERAL", 1000_00), "two different funds")
    refused(c, lambda: move("GENERAL", "NOFUND", 1000_00), "unknown fund NOFUND")
    refused(
        c,
        lambda: journal.fund_transfer(
            c.ledger, c.chair, day("2026-02-02"), "GENERAL", "ROADFUND", 1000_00, ref
        ),
        error=PermissionDenied,
    )
    unconfirmed = resolve(c, "fund-transfer:GENERAL:ROADFUND:500", "2026-02-01", confirm_by=None)
    refused(c, lambda: move("GENERAL", "ROADFUND", 500_00, r=unconfirmed), "not confirmed")
    failed = resolve(
        c, "fund-transfer:GENERAL:ROADFUND:700", "2026-02-01", voted_for=["chair"], against=["m1"]
    )
    refused(c, lambda: move("GENERAL", "ROADFUND", 700_00, r=failed), "did not pass")
    # The source fund cannot go below zero: ROADFUND holds nothing.
    back = resolve(c, "fund-transfer:ROADFUND:GENERAL:1000", "2026-02-01")
    refused(c, lambda: move("ROADFUND", "GENERAL", 1000_00, r=back), "ROADFUND", error=Overdraft)
    move("GENERAL", "ROADFUND", 1000_00)
    move("ROADFUND", "GENERAL", 1000_00, "2026-02-03", r=back)
    assert fund_cash(c.conn).get("ROADFUND", 0) == 0


def test_reversing_a_fund_transfer_may_not_overdraw_the_fund_it_returns_from(c: Council) -> None:
    ref = resolve(c, "fund-transfer:GENERAL:ROADFUND:50000", "2026-01-20")
    number = journal.fund_transfer(
        c.ledger, c.clerk, day("2026-01-21"), "GENERAL", "ROADFUND", 50_000_00, ref
    )
    adopt_budget(c, on="2026-01-22")
    request_id = approved(c, 50_000_00, fund="ROADFUND")
    pay(c, request_id, 50_000_00, fund="ROADFUND")
    refused(
        c,
        lambda: journal.reverse(c.ledger, c.clerk, number, "Undo", day("2026-02-11")),
        "ROADFUND",
        error=Overdraft,
    )


def test_a_payment_reversed_after_a_cancellation_leaves_nothing_stuck(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 100_000_00)
    number = pay(c, request_id, 40_000_00)
    spending.cancel(c.ledger, c.chair, request_id, "The rest is not needed", day("2026-02-11"))
    journal.reverse(c.ledger, c.clerk, number, "Wrong invoice", day("2026-02-12"))
    assert line(c, "ROADS").committed == 40_000_00
    # What the reversal un-paid is still approved: it can be released by a cancellation.
    spending.cancel(c.ledger, c.chair, request_id, "Not paying it", day("2026-02-13"))
    assert line(c, "ROADS").committed == 0


def test_a_request_is_approved_in_its_own_year(c: Council) -> None:
    adopt_budget(c)
    request_id = draft(c, 1000_00, on="2025-12-30")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=day("2026-01-05")),
        "2025",
    )


def test_a_payment_goes_to_the_request_s_party(c: Council) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00, party=c.aidos)
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            NewEntry(day("2026-02-10"), EntryType.PAYMENT, 1000_00, "ROADS"),
            request_id=request_id,
            party_id=c.roads,
        ),
        "Aidos",
    )


# --- imported payments -------------------------------------------------------------------


def _import(c: Council, tmp_path: Path, text: str) -> object:
    path = tmp_path / "payments.csv"
    path.write_text(text, encoding="utf-8")
    return importer.import_transactions(c.ledger, c.clerk, path)


def test_an_imported_payment_in_a_budget_year_names_its_request(c: Council, tmp_path: Path) -> None:
    adopt_budget(c)
    request_id = approved(c, 1000_00)
    header = "date,type,amount,category,request\n"
    before = council_state(c.conn)
    with pytest.raises(ImportRejected) as caught:
        _import(
            c,
            tmp_path,
            header
            + "2026-02-10,payment,100,ROADS,\n"  # line 2: no request
            + f"2026-02-10,payment,600,ROADS,{request_id}\n"
            + f"2026-02-11,payment,500,ROADS,{request_id}\n"  # line 4: 1100 of 1000
            + "2025-06-01,payment,100,ROADS,\n",  # no budget in 2025: fine
        )
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 2", "line 4"]
    assert "2026 has an adopted budget" in caught.value.problems[0]
    assert "₸400.00 left to pay" in caught.value.problems[1]
    assert council_state(c.conn) == before
    _import(c, tmp_path, header + f"2026-02-10,payment,600,ROADS,{request_id}\n")
    found = spending.get(c.conn, request_id)
    assert (found.paid, found.unpaid) == (600_00, 400_00)
    assert_verifies(c)


# --- members' terms of office -------------------------------------------------------------


def test_a_member_sits_only_within_their_term(c: Council) -> None:
    council.set_term(c.ledger, c.admin, "m4", day("2026-03-01"), day("2026-12-31"))
    before = [n for _i, n in council.sitting_members(c.conn, "2026-02-15")]
    during = [n for _i, n in council.sitting_members(c.conn, "2026-03-01")]
    assert "m4" not in before and "m4" in during
    assert [(t.member, t.starts, t.ends) for t in council.terms(c.conn)] == [
        ("m4", "2026-03-01", "2026-12-31")
    ]
    # Before the term: not sitting, so not counted for quorum and not allowed among those
    # present; the meeting of four sitting members needs three.
    refused(
        c,
        lambda: meeting(c, "2026-02-15"),
        "does not sit on the council on 15/02/2026",
    )
    first = meetings.get_meeting(c.conn, meeting(c, "2026-02-15", ["chair", "m1", "m2"]))
    assert len(first.sitting) == 4
    assert len(meetings.get_meeting(c.conn, meeting(c, "2026-03-02")).sitting) == 5
    assert verify(c.conn).ok


def test_only_an_administrator_sets_a_term_and_only_for_the_council(c: Council) -> None:
    refused(
        c,
        lambda: council.set_term(c.ledger, c.chair, "m1", day("2026-01-01")),
        "may not",
        error=PermissionDenied,
    )
    refused(
        c,
        lambda: council.set_term(c.ledger, c.admin, "clerk", day("2026-01-01")),
        "only they have a term",
    )
    refused(
        c,
        lambda: council.set_term(c.ledger, c.admin, "m1", day("2026-05-01"), day("2026-04-30")),
        "cannot end",
    )
    council.set_term(c.ledger, c.admin, "m1", day("2026-01-01"))
    council.set_term(c.ledger, c.admin, "m1", day("2025-01-01"), day("2029-12-31"))
    assert [(t.starts, t.ends) for t in council.terms(c.conn)] == [("2025-01-01", "2029-12-31")]
    assert verify(c.conn).ok


def test_verify_catches_a_virement_signed_by_hand_that_changes_the_total(c: Council) -> None:
    """The chain proves the chair wrote it; verify's replay of the rules proves a virement
    may not change the total appropriated, even when written around ``budget.adopt``."""
    from ruralcouncil.ledger import storage

    adopt_budget(c)
    ref = resolve(c, "virement:2026", "2026-03-01")
    resolution = meetings.get_resolution(c.conn, ref)
    with c.ledger.write(c.chair) as commit:
        meetings.use(commit, c.chair, ref, "virement:2026", "budget.adopt", "2026/2")
        cursor = commit.conn.execute(
            "INSERT INTO budgets (year, version, resolution_id, date, user_id, created_at)"
            " VALUES (2026, 2, ?, ?, ?, ?)",
            (resolution.id, resolution.date, c.chair.id, storage.now_text()),
        )
        budget_id = int(cursor.lastrowid or 0)
        commit.conn.executemany(
            "INSERT INTO budget_lines (budget_id, code, fund, amount) VALUES (?, ?, ?, ?)",
            [
                (budget_id, "ROADS", "GENERAL", 900_000_00),  # 300 000 in version 1
                (budget_id, "STAFF", "GENERAL", 200_000_00),
                (budget_id, "ROADS", "ROADFUND", 50_000_00),
                (budget_id, "TAX-LAND", "GENERAL", 1_000_000_00),
            ],
        )
        commit.append("budget", str(budget_id))
    result = verify(c.conn)
    assert not result.ok
    assert any("virement that changed" in p for p in result.problems), result.problems
