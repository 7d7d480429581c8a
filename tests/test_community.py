"""Community money's rules in the core (issue 9): the voluntary statement, the pressure flag
and its hold, anonymity, in-kind gifts, one collection a year, exemptions, a project fund's
restriction, and closing with a refund or a move. Every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _community import (
    PROJECT_FUND,
    add_households,
    community_state,
    contribute,
    donate,
    exempt,
    project,
)
from _council import (
    Council,
    adopt_budget,
    approved,
    council_ledger,
    draft,
    fund_cash,
    pay,
    resolve,
)
from _helpers import day, english, entry, receipt  # noqa: F401  (english: autouse)
from hypothesis import given, settings
from hypothesis import strategies as st

from ruralcouncil.ledger import (
    council,
    donations,
    holds,
    households,
    importer,
    journal,
    meetings,
    projects,
    spending,
)
from ruralcouncil.ledger.errors import InvalidInput, Overdraft, PermissionDenied
from ruralcouncil.ledger.verify import verify


@pytest.fixture
def c(tmp_path: Path) -> Iterator[Council]:
    made = council_ledger(tmp_path)
    yield made
    made.ledger.close()


def refused(c: Council, action: Callable[[], object], *words: str) -> str:
    """``action`` is refused with a message holding ``words``, and writes nothing."""
    before = community_state(c.conn)
    with pytest.raises((InvalidInput, PermissionDenied)) as caught:
        action()
    assert community_state(c.conn) == before
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return message


# --- donations -----------------------------------------------------------------------------


def test_a_cash_gift_posts_a_donation_receipt_into_its_fund(c: Council) -> None:
    before = fund_cash(c.conn)
    donation_id = donate(c, c.aidos, 50_000_00)
    gift = donations.get(c.conn, donation_id)
    assert (gift.fund, gift.amount, gift.flagged, gift.held, gift.cash) == (
        "GENERAL",
        50_000_00,
        False,
        False,
        True,
    )
    row = c.conn.execute(
        "SELECT type, code, fund, amount, counterparty FROM transactions WHERE number = ?",
        (gift.entry,),
    ).fetchone()
    assert row == ("receipt", "DONATION", "GENERAL", 50_000_00, "Aidos")
    assert fund_cash(c.conn)["GENERAL"] == before["GENERAL"] + 50_000_00
    assert verify(c.conn).ok


def test_a_gift_needs_the_donors_statement_typed_or_scanned(c: Council) -> None:
    refused(
        c,
        lambda: donations.add(c.ledger, c.clerk, c.aidos, 1_000_00, "   ", on=day("2026-03-01")),
        "voluntary",
    )
    scanned = donations.add(
        c.ledger,
        c.clerk,
        c.aidos,
        1_000_00,
        "",
        statement=("statement.pdf", b"%PDF-1.4 signed by Aidos"),
        on=day("2026-03-01"),
    )
    assert donations.get(c.conn, scanned).statement_name == "statement.pdf"
    assert donations.statement_data(c.conn, scanned) == (
        "statement.pdf",
        b"%PDF-1.4 signed by Aidos",
    )
    refused(
        c,
        lambda: donations.add(
            c.ledger, c.clerk, c.aidos, 1_000_00, "", statement=("empty.pdf", b"")
        ),
        "empty",
    )


def test_a_gift_in_kind_is_valued_and_posts_nothing(c: Council) -> None:
    entries = c.conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    gift_id = donate(c, c.aidos, 30_000_00, in_kind="Ten bags of cement", valued_by="Clerk")
    gift = donations.get(c.conn, gift_id)
    assert (gift.cash, gift.entry, gift.in_kind, gift.valued_by) == (
        False,
        None,
        "Ten bags of cement",
        "Clerk",
    )
    assert c.conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == entries
    refused(c, lambda: donate(c, c.aidos, 1_000_00, in_kind="Sand"), "valued")
    refused(c, lambda: donate(c, c.aidos, 1_000_00, valued_by="Clerk"), "in kind")


def test_an_anonymous_donor_stays_out_of_the_ledgers_public_text(c: Council) -> None:
    gift = donations.get(c.conn, donate(c, c.aidos, 5_000_00, anonymous=True))
    assert gift.anonymous and gift.donor == "Aidos"  # the council still sees the name
    assert gift.public_name() == "Anonymous donor"
    row = c.conn.execute(
        "SELECT counterparty, description FROM transactions WHERE number = ?", (gift.entry,)
    ).fetchone()
    assert "Aidos" not in " ".join(row)
    assert spending.link_of(
        c.conn,
        int(
            c.conn.execute(
                "SELECT id FROM transactions WHERE number = ?", (gift.entry,)
            ).fetchone()[0]
        ),
    ) == (None, None)


def test_a_donor_who_does_business_with_the_akim_is_flagged(c: Council) -> None:
    assert donations.business_with_akim(c.conn, c.roads, day("2026-03-01")) == []
    request_id = draft(c, 40_000_00, on="2026-02-02")
    reasons = donations.business_with_akim(c.conn, c.roads, day("2026-03-01"))
    assert len(reasons) == 1 and f"spending request {request_id}" in reasons[0]
    gift = donations.get(c.conn, donate(c, c.roads, 100_000_00))
    assert gift.flagged and gift.held and f"spending request {request_id}" in gift.flag_reason
    # A payment to them within a year is business too, a request long ended is not.
    assert donations.business_with_akim(c.conn, c.aidos, day("2026-03-01")) == []


def test_a_payment_to_a_party_within_a_year_flags_them(c: Council) -> None:
    request_id = approved(c, 10_000_00, party=c.aidos)
    number = pay(c, request_id, 10_000_00, "2026-02-10")
    reasons = donations.business_with_akim(c.conn, c.aidos, day("2026-03-01"))
    assert any(f"payment {number}" in r for r in reasons)
    # More than a year later, and with the request paid, the payment no longer counts.
    assert not any(
        "payment" in r for r in donations.business_with_akim(c.conn, c.aidos, day("2027-03-01"))
    )


def test_a_flagged_gifts_money_is_held_until_acknowledged(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")  # Roads LLP now does business with the akim
    fund = "ROADFUND"
    gift_id = donate(c, c.roads, 100_000_00, fund=fund)
    assert donations.get(c.conn, gift_id).held
    assert holds.held_total(c.conn, fund) == 100_000_00
    # The restricted fund now holds an earmarked gift: a payment needs a request on it,
    # and the request cannot be approved beyond its free money (nothing, while held).
    request_id = draft(c, 50_000_00, party=c.aidos, fund=fund, on="2026-03-11")
    refused(
        c,
        lambda: spending.approve(c.ledger, c.chair, request_id, on=day("2026-03-11")),
        "free",
    )
    refused(
        c,
        lambda: journal.record(
            c.ledger, c.clerk, entry("2026-03-12", "payment", 1_00, "ROADS", fund=fund)
        ),
        "needs an approved spending request",
    )
    # Nor can it be moved out by a fund transfer.
    ref = resolve(c, f"fund-transfer:{fund}:GENERAL:1000", "2026-03-12")
    refused(
        c,
        lambda: journal.fund_transfer(
            c.ledger, c.clerk, day("2026-03-12"), fund, "GENERAL", 1_000_00, ref
        ),
        "only through spending requests",
    )
    # The council acknowledges it by resolution: the money is free.
    ack = resolve(c, f"donation:{gift_id}", "2026-03-13")
    donations.acknowledge(c.ledger, c.chair, gift_id, ack)
    gift = donations.get(c.conn, gift_id)
    assert (gift.held, gift.acknowledged_by, gift.acknowledged_on) == (False, ack, "2026-03-13")
    spending.approve(c.ledger, c.chair, request_id, on=day("2026-03-14"))
    pay(c, request_id, 50_000_00, "2026-03-15", fund=fund)
    assert verify(c.conn).ok


def test_held_money_in_the_general_fund_is_not_spent(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")
    # GENERAL's money now holds a flagged gift of 100 000 ₸, held within it.
    gift_id = donate(c, c.roads, 100_000_00)
    free = fund_cash(c.conn)["GENERAL"] - 100_000_00
    with pytest.raises(Overdraft, match="not yet acknowledged"):
        journal.record(c.ledger, c.clerk, entry("2026-03-20", "payment", free + 1_00, "ROADS"))
    journal.record(c.ledger, c.clerk, entry("2026-03-20", "payment", free, "ROADS"))
    ack = resolve(c, f"donation:{gift_id}", "2026-03-21")
    donations.acknowledge(c.ledger, c.chair, gift_id, ack)
    journal.record(c.ledger, c.clerk, entry("2026-03-22", "payment", 100_000_00, "ROADS"))
    assert fund_cash(c.conn)["GENERAL"] == 0


def test_a_reversed_flagged_gift_holds_nothing(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")
    gift = donations.get(c.conn, donate(c, c.roads, 100_000_00))
    assert gift.entry is not None
    journal.reverse(c.ledger, c.clerk, gift.entry, "Entered twice", day("2026-03-11"))
    gift = donations.get(c.conn, gift.id)
    assert gift.reversed and not gift.held
    assert holds.held_total(c.conn, "GENERAL") == 0


def test_acknowledging_needs_a_resolution_about_that_donation(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")
    gift_id = donate(c, c.roads, 100_000_00)
    plain = donate(c, c.aidos, 1_000_00)
    other = resolve(c, f"donation:{plain}", "2026-03-12")
    refused(c, lambda: donations.acknowledge(c.ledger, c.chair, plain, other), "not flagged")
    refused(c, lambda: donations.acknowledge(c.ledger, c.chair, gift_id, other), "about")
    unconfirmed = resolve(c, f"donation:{gift_id}", "2026-03-12", confirm_by=None)
    refused(c, lambda: donations.acknowledge(c.ledger, c.chair, gift_id, unconfirmed), "confirmed")
    ack = resolve(c, f"donation:{gift_id}", "2026-03-13")
    refused(c, lambda: donations.acknowledge(c.ledger, c.clerk, gift_id, ack), "may not")
    donations.acknowledge(c.ledger, c.chair, gift_id, ack)
    again = resolve(c, f"donation:{gift_id}", "2026-03-14")
    refused(c, lambda: donations.acknowledge(c.ledger, c.chair, gift_id, again), "already")


def test_members_with_an_interest_in_the_donor_are_recused(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")
    gift_id = donate(c, c.roads, 100_000_00)
    council.declare_interest(c.ledger, c.m3, "m3", c.roads, "Brother-in-law", day("2026-03-01"))
    meeting_id = meetings.open_meeting(
        c.ledger, c.chair, day("2026-03-12"), ["chair", "m1", "m2", "m3", "m4"]
    )
    with pytest.raises(InvalidInput, match="m3"):
        meetings.add_resolution(
            c.ledger, c.chair, meeting_id, f"donation:{gift_id}", "Acknowledge", ["chair", "m3"]
        )
    ref = meetings.add_resolution(
        c.ledger, c.chair, meeting_id, f"donation:{gift_id}", "Acknowledge", ["chair", "m1", "m2"]
    )
    assert meetings.get_resolution(c.conn, ref).votes[c.m3.id] == "recused"


# --- projects and households ---------------------------------------------------------------


def test_a_project_has_its_own_restricted_fund_and_is_adopted_by_resolution(c: Council) -> None:
    project_id = project(c, adopted=None)
    found = projects.get(c.conn, project_id)
    assert (found.fund, found.state) == (PROJECT_FUND, projects.State.PROPOSED)
    assert c.conn.execute(
        "SELECT restricted FROM funds WHERE code = ?", (PROJECT_FUND,)
    ).fetchone() == (1,)
    wrong = resolve(c, "other", "2026-02-10")
    refused(c, lambda: projects.adopt(c.ledger, c.chair, project_id, wrong), "about")
    ref = resolve(c, f"project:{project_id}", "2026-02-10")
    refused(c, lambda: projects.adopt(c.ledger, c.clerk, project_id, ref), "may not")
    projects.adopt(c.ledger, c.chair, project_id, ref)
    adopted = projects.get(c.conn, project_id)
    assert (adopted.state, adopted.adopted_on, adopted.adopted_by) == (
        projects.State.ADOPTED,
        "2026-02-10",
        ref,
    )


def test_salma_is_collected_once_a_year(c: Council) -> None:
    first = project(c)
    second = project(c, adopted=None)
    ref = resolve(c, f"project:{second}", "2026-02-11")
    message = refused(c, lambda: projects.adopt(c.ledger, c.chair, second, ref), "once a year")
    assert f"project {first}" in message
    # Another year's project may collect in its own year.
    later = project(c, year=2027, adopted="2026-11-20")
    assert projects.get(c.conn, later).state == projects.State.ADOPTED


def test_a_contribution_is_refused_outside_the_projects_collection(c: Council) -> None:
    house = add_households(c, 1)[0]
    proposed = project(c, adopted=None)
    refused(c, lambda: contribute(c, proposed, house, 1_000_00, "2026-03-01"), "not adopted")
    ref = resolve(c, f"project:{proposed}", "2026-02-10")
    projects.adopt(c.ledger, c.chair, proposed, ref)
    refused(c, lambda: contribute(c, proposed, house, 1_000_00, "2026-02-09"), "adopted on")
    next_year = project(c, year=2027, adopted="2026-11-20")
    refused(c, lambda: contribute(c, next_year, house, 1_000_00, "2026-11-21"), "2027 only")


def test_a_household_pays_its_amount_once_in_parts_if_it_likes(c: Council) -> None:
    house, other = add_households(c, 2)
    project_id = project(c)
    contribute(c, project_id, house, 12_000_00, "2026-03-01")
    refused(c, lambda: contribute(c, project_id, house, 8_000_01, "2026-03-02"), "owes")
    contribute(c, project_id, house, 8_000_00, "2026-03-05")
    refused(c, lambda: contribute(c, project_id, house, 1, "2026-03-06"), "owes")
    shares = {h.id: h for h in projects.progress(c.conn, project_id).households}
    assert (shares[house].paid, shares[house].owes) == (20_000_00, 0)
    assert (shares[other].paid, shares[other].owes) == (0, 20_000_00)
    assert [x.amount for x in projects.contributions(c.conn, project_id, house)] == [
        12_000_00,
        8_000_00,
    ]


def test_a_reversed_contribution_is_owed_again(c: Council) -> None:
    house = add_households(c, 1)[0]
    project_id = project(c)
    contribution = projects.contribution(
        c.conn, contribute(c, project_id, house, 20_000_00, "2026-03-01")
    )
    journal.reverse(c.ledger, c.clerk, contribution.entry, "Wrong household", day("2026-03-02"))
    share = projects.progress(c.conn, project_id).households[0]
    assert (share.paid, share.owes) == (0, 20_000_00)
    contribute(c, project_id, house, 20_000_00, "2026-03-03")
    assert verify(c.conn).ok


def test_an_exempt_household_is_never_asked_and_its_contribution_refused(c: Council) -> None:
    house, other = add_households(c, 2)
    project_id = project(c)
    ref = exempt(c, house)
    assert households.exemption_list(c.conn, 2026)[0].resolution == ref
    share = {h.id: h for h in projects.progress(c.conn, project_id).households}[house]
    assert (share.exempt, share.owes) == (True, 0)
    refused(c, lambda: contribute(c, project_id, house, 1_000_00, "2026-03-01"), "exempt")
    # It may still give a donation.
    head = households.get(c.conn, house).head_id
    donate(c, head, 1_000_00, project_id=project_id)
    # An exemption needs its own resolution, and does not undo a payment.
    contribute(c, project_id, other, 5_000_00, "2026-03-01")
    ref = resolve(c, f"exemption:{other}:2026", "2026-03-02")
    refused(
        c,
        lambda: households.exempt(c.ledger, c.clerk, other, 2026, "Hard year", ref),
        "already paid",
    )
    third = add_households(c, 1)[0]
    wrong = resolve(c, f"exemption:{third}:2027", "2026-03-02")
    refused(
        c, lambda: households.exempt(c.ledger, c.clerk, third, 2026, "Hard year", wrong), "about"
    )
    refused(c, lambda: households.exempt(c.ledger, c.clerk, house, 2026, "Again", wrong), "already")


def test_money_comes_into_a_project_fund_only_through_its_registers(c: Council) -> None:
    project(c)
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            entry("2026-03-01", "receipt", 1_00, "OTHER-INCOME", fund=PROJECT_FUND),
        ),
        "only as a contribution",
    )
    refused(
        c,
        lambda: journal.record(
            c.ledger, c.clerk, entry("2026-03-01", "payment", 1_00, "CAPITAL", fund=PROJECT_FUND)
        ),
        "needs an approved spending request",
    )


def test_donation_and_community_receipts_come_only_from_their_registers_in_a_budgeted_year(
    c: Council, tmp_path: Path
) -> None:
    # Before a budget: a plain DONATION receipt is history as the village kept it.
    receipt(c.ledger, c.clerk, "2025-06-01", 1_000_00, "DONATION")
    adopt_budget(c)
    for code, command in (("DONATION", "donation add"), ("COMMUNITY", "contribution add")):
        refused(
            c,
            lambda code=code: receipt(c.ledger, c.clerk, "2026-03-01", 1_000_00, code),
            command,
        )
        csv = tmp_path / f"{code}.csv"
        csv.write_text(f"date,type,amount,category\n2026-03-01,receipt,1000,{code}\n")
        before = community_state(c.conn)
        with pytest.raises(InvalidInput) as caught:
            importer.import_transactions(c.ledger, c.clerk, csv)
        assert command in " ".join(caught.value.problems)  # type: ignore[attr-defined]
        assert community_state(c.conn) == before


def test_a_project_fund_is_spent_through_requests_against_its_free_money(c: Council) -> None:
    adopt_budget(c)  # 2026 has a budget with no line for the project's fund
    houses = add_households(c, 3)
    project_id = project(c)
    for house in houses:
        contribute(c, project_id, house, 20_000_00, "2026-03-01")
    request_id = draft(
        c, 60_000_00, party=c.aidos, category="CAPITAL", fund=PROJECT_FUND, on="2026-03-02"
    )
    spending.approve(c.ledger, c.chair, request_id, on=day("2026-03-02"))
    more = draft(c, 1_00, party=c.aidos, category="CAPITAL", fund=PROJECT_FUND, on="2026-03-02")
    refused(c, lambda: spending.approve(c.ledger, c.chair, more, on=day("2026-03-02")), "free")
    pay(c, request_id, 60_000_00, "2026-03-03", category="CAPITAL", fund=PROJECT_FUND)
    progress = projects.progress(c.conn, project_id)
    assert (progress.collected, progress.spent, progress.remaining) == (60_000_00, 60_000_00, 0)


def test_money_does_not_leave_a_project_fund_by_a_fund_transfer(c: Council) -> None:
    house = add_households(c, 1)[0]
    project(c)
    contribute(c, 1, house, 20_000_00, "2026-03-01")
    ref = resolve(c, f"fund-transfer:{PROJECT_FUND}:GENERAL:1000", "2026-03-02")
    refused(
        c,
        lambda: journal.fund_transfer(
            c.ledger, c.clerk, day("2026-03-02"), PROJECT_FUND, "GENERAL", 1_000_00, ref
        ),
        "project close",
    )


def test_refund_shares_add_up_and_follow_what_each_paid() -> None:
    assert projects.refund_shares({1: 100, 2: 100, 3: 100}, 100) == {1: 34, 2: 33, 3: 33}
    assert projects.refund_shares({1: 300, 2: 100}, 1000) == {1: 750, 2: 250}
    assert projects.refund_shares({1: 0, 2: 50}, 10) == {2: 10}
    assert projects.refund_shares({1: 10}, 0) == {}
    assert projects.refund_shares({}, 10) == {}


def test_closing_is_refused_while_anything_waits_or_is_held(c: Council) -> None:
    houses = add_households(c, 2)
    project_id = project(c)
    for house in houses:
        contribute(c, project_id, house, 20_000_00, "2026-03-01")
    request_id = draft(
        c, 10_000_00, party=c.aidos, category="CAPITAL", fund=PROJECT_FUND, on="2026-03-02"
    )
    ref = resolve(c, f"project:{project_id}", "2026-03-05")
    refused(
        c,
        lambda: projects.close(c.ledger, c.chair, project_id, ref, refund=True),
        f"spending request {request_id}",
    )
    spending.withdraw(c.ledger, c.clerk, request_id, "Not needed", day("2026-03-04"))
    draft(c, 40_000_00, on="2026-02-02")
    gift_id = donate(c, c.roads, 5_000_00, project_id=project_id, on="2026-03-04")
    refused(c, lambda: projects.close(c.ledger, c.chair, project_id, ref, refund=True), "flagged")
    refused(c, lambda: projects.close(c.ledger, c.chair, project_id, ref), "refund it")
    refused(c, lambda: projects.close(c.ledger, c.m1, project_id, ref, refund=True), "may not")
    ack = resolve(c, f"donation:{gift_id}", "2026-03-05")
    donations.acknowledge(c.ledger, c.chair, gift_id, ack)
    # A household gets back at most what it paid: the gift's 5 000 ₸ is not theirs.
    assert projects.refund_plan(c.conn, project_id) == (
        {houses[0]: 20_000_00, houses[1]: 20_000_00},
        5_000_00,
    )
    refused(
        c,
        lambda: projects.close(c.ledger, c.chair, project_id, ref, refund=True),
        "more than the households paid",
    )
    numbers = projects.close(c.ledger, c.chair, project_id, ref, refund=True, to_fund="GENERAL")
    assert len(numbers) == 3  # two refunds and the move of the rest
    closed = projects.progress(c.conn, project_id)
    assert (closed.project.state, closed.remaining, closed.refunded, closed.moved) == (
        projects.State.CLOSED,
        0,
        40_000_00,
        5_000_00,
    )
    refused(c, lambda: contribute(c, project_id, houses[0], 1_00, "2026-03-06"), "closed")
    assert verify(c.conn).ok


def test_closing_moves_what_is_left_to_another_fund(c: Council) -> None:
    house = add_households(c, 1)[0]
    project_id = project(c)
    contribute(c, project_id, house, 20_000_00, "2026-03-01")
    ref = resolve(c, f"project:{project_id}", "2026-03-05")
    before = fund_cash(c.conn)
    refused(
        c,
        lambda: projects.close(c.ledger, c.clerk, project_id, ref, to_fund=PROJECT_FUND),
        "another fund",
    )
    projects.close(c.ledger, c.clerk, project_id, ref, to_fund="ROADFUND")
    after = fund_cash(c.conn)
    assert after[PROJECT_FUND] == 0
    assert after.get("ROADFUND", 0) == before.get("ROADFUND", 0) + 20_000_00
    assert projects.get(c.conn, project_id).to_fund == "ROADFUND"
    assert verify(c.conn).ok


# --- the whole path ------------------------------------------------------------------------


def test_a_salma_project_from_adoption_to_refund(c: Council) -> None:
    """Thirty households, two exempt, one paying in two parts; spent through an approved
    request; closed with a refund; every fund's balance right at every step. A flagged
    donation cannot be spent until acknowledged."""
    general = fund_cash(c.conn)["GENERAL"]

    def balances(project_fund: int, general_fund: int = general) -> None:
        cash = fund_cash(c.conn)
        assert cash.get(PROJECT_FUND, 0) == project_fund
        assert cash["GENERAL"] == general_fund
        assert sum(cash.values()) == project_fund + general_fund + cash.get("ROADFUND", 0)
        assert projects.progress(c.conn, 1).remaining == project_fund

    houses = add_households(c, 30)
    project_id = project(c, per_household=20_000_00, target=560_000_00)
    balances(0)
    for house in houses[:2]:
        exempt(c, house)
    contribute(c, project_id, houses[2], 5_000_00, "2026-03-01")
    balances(5_000_00)
    contribute(c, project_id, houses[2], 15_000_00, "2026-03-08")
    balances(20_000_00)
    for n, house in enumerate(houses[3:], start=1):
        contribute(c, project_id, house, 20_000_00, "2026-03-10")
        balances(20_000_00 * (n + 1))
    progress = projects.progress(c.conn, project_id)
    assert progress.collected == 28 * 20_000_00 == progress.expected
    assert sum(h.owes for h in progress.households) == 0
    assert [h.exempt for h in progress.households].count(True) == 2

    # A gift to the project from a firm that has a request before the akim: flagged, held.
    draft(c, 40_000_00, on="2026-02-02")
    gift_id = donate(c, c.roads, 50_000_00, project_id=project_id, on="2026-03-11")
    balances(610_000_00)
    request_id = draft(
        c, 580_000_00, party=c.aidos, category="CAPITAL", fund=PROJECT_FUND, on="2026-03-12"
    )
    ref = resolve(c, f"request:{request_id}", "2026-03-13")
    refused(c, lambda: spending.approve(c.ledger, c.chair, request_id, ref), "free")
    ack = resolve(c, f"donation:{gift_id}", "2026-03-13")
    donations.acknowledge(c.ledger, c.chair, gift_id, ack)
    spending.approve(c.ledger, c.chair, request_id, ref)
    pay(c, request_id, 580_000_00, "2026-03-20", category="CAPITAL", fund=PROJECT_FUND)
    balances(30_000_00)

    close_ref = resolve(c, f"project:{project_id}", "2026-04-01")
    numbers = projects.close(c.ledger, c.chair, project_id, close_ref, refund=True)
    balances(0)
    closed = projects.progress(c.conn, project_id)
    refunds = {h.id: h.refunded for h in closed.households}
    assert sum(refunds.values()) == 30_000_00 == closed.refunded
    assert len(numbers) == 28
    # Pro rata: everyone paid the same, so shares differ by at most a tiyn.
    paid_in = [v for h, v in refunds.items() if h not in houses[:2]]
    assert max(paid_in) - min(paid_in) <= 1
    assert all(refunds[h] == 0 for h in houses[:2])
    assert closed.project.state == projects.State.CLOSED
    result = verify(c.conn)
    assert result.ok, result.problems


# --- the registers' columns of an import ---------------------------------------------------


def _import(c: Council, folder: Path, text: str) -> importer.ImportResult:
    path = folder / f"file{len(list(folder.glob('*.csv')))}.csv"
    path.write_text(text, encoding="utf-8")
    return importer.import_transactions(c.ledger, c.clerk, path)


def _rejected(c: Council, folder: Path, text: str) -> list[str]:
    before = community_state(c.conn)
    with pytest.raises(InvalidInput) as caught:
        _import(c, folder, text)
    assert community_state(c.conn) == before
    problems: list[str] = caught.value.problems  # type: ignore[attr-defined]
    return problems


def test_an_import_brings_contributions_and_donations_through_their_registers(
    c: Council, tmp_path: Path
) -> None:
    adopt_budget(c)
    houses = add_households(c, 3)
    project_id = project(c)
    exempt(c, houses[2])
    draft(c, 40_000_00, on="2026-02-02")  # Roads LLP does business with the akim
    header = "date,type,amount,category,project,household,party,voluntary,anonymous\n"
    problems = _rejected(
        c,
        tmp_path,
        header
        + f"2026-03-01,receipt,15000,COMMUNITY,{project_id},{houses[0]},,,\n"
        + f"2026-03-02,receipt,5000.01,COMMUNITY,{project_id},{houses[0]},,,\n"
        + f"2026-03-02,receipt,1000,COMMUNITY,{project_id},{houses[2]},,,\n"
        + f"2026-03-02,receipt,1000,DONATION,,,{c.aidos},,\n"
        + "2026-03-02,receipt,1000,DONATION,,,,,\n"
        + f"2026-03-02,receipt,1000,COMMUNITY,,{houses[1]},,,\n"
        + f"2026-03-02,receipt,1000,DONATION,,,{c.aidos},Freely,maybe\n",
    )
    assert problems[0].startswith("line 3:") and "owes" in problems[0]
    assert problems[1].startswith("line 4:") and "exempt" in problems[1]
    assert problems[2].startswith("line 5:") and "voluntary" in problems[2]
    assert problems[3].startswith("line 6:") and "adopted budget" in problems[3]
    assert problems[4].startswith("line 7:") and "project" in problems[4]
    assert problems[5].startswith("line 8:") and "yes or no" in problems[5]
    assert len(problems) == 6

    result = _import(
        c,
        tmp_path,
        header
        + f"2026-03-01,receipt,15000,COMMUNITY,{project_id},{houses[0]},,,\n"
        + f"2026-03-02,receipt,5000,COMMUNITY,{project_id},{houses[0]},,,\n"
        + f"2026-03-02,receipt,7000,DONATION,,,{c.roads},We give freely,no\n"
        + f"2026-03-03,receipt,2000,DONATION,{project_id},,{c.aidos},For the swings,yes\n",
    )
    assert result.rows == 4
    share = {h.id: h for h in projects.progress(c.conn, project_id).households}[houses[0]]
    assert (share.paid, share.owes) == (20_000_00, 0)
    gifts = donations.donations(c.conn, year=2026)
    assert [(g.donor, g.fund, g.flagged, g.anonymous) for g in gifts] == [
        ("Roads LLP", "GENERAL", True, False),
        ("Aidos", PROJECT_FUND, False, True),
    ]
    assert holds.held_total(c.conn, "GENERAL") == 7_000_00
    assert verify(c.conn).ok


@settings(max_examples=200, deadline=None)
@given(
    paid=st.dictionaries(st.integers(1, 60), st.integers(-(10**6), 10**9), max_size=30),
    left=st.integers(0, 10**11),
)
def test_refund_shares_are_exact_and_proportional(paid: dict[int, int], left: int) -> None:
    shares = projects.refund_shares(paid, left)
    total = sum(v for v in paid.values() if v > 0)
    if total == 0 or left == 0:
        assert shares == {}
        return
    assert sum(shares.values()) == left
    for household, share in shares.items():
        assert paid[household] > 0
        assert abs(share * total - left * paid[household]) < total  # within one tiyn


def test_the_resolutions_ready_for_a_subject_are_those_use_would_take(c: Council) -> None:
    draft(c, 40_000_00, on="2026-02-02")
    gift_id = donate(c, c.roads, 100_000_00)
    subject = f"donation:{gift_id}"
    unconfirmed = resolve(c, subject, "2026-03-12", confirm_by=None)
    failed = resolve(c, subject, "2026-03-12", voted_for=["chair"], against=["m1", "m2", "m3"])
    ready = resolve(c, subject, "2026-03-13")
    other = resolve(c, "other", "2026-03-13")
    assert [r.ref for r in meetings.ready_for(c.conn, subject)] == [ready]
    assert {unconfirmed, failed, other}.isdisjoint(
        r.ref for r in meetings.ready_for(c.conn, subject)
    )
    donations.acknowledge(c.ledger, c.chair, gift_id, ready)
    assert meetings.ready_for(c.conn, subject) == []  # used: no longer ready
