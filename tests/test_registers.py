"""The registers of the village's other money (issue 10): a loan only with permission and a
resolution, its schedule to the tiyn, repayments split and box 10; the asset register and
box 9; leases with rent due and arrears at any date; fines paid or cancelled with their
trail; subsidies granted, received and spent. Every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _community import community_state
from _council import Council, adopt_budget, approved, council_ledger, resolve
from _helpers import day, english, entry  # noqa: F401  (english: autouse)

from ruralcouncil.ledger import (
    assets,
    donations,
    fines,
    journal,
    loans,
    schema,
    spending,
    subsidies,
)
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.loans import Method
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary


@pytest.fixture
def c(tmp_path: Path) -> Iterator[Council]:
    made = council_ledger(tmp_path)
    yield made
    made.ledger.close()


def state(conn: object) -> tuple[object, ...]:
    return (
        community_state(conn),  # type: ignore[arg-type]
        *(
            conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # type: ignore[attr-defined]
            for t in schema.REGISTER_TABLES
        ),
    )


def refused(c: Council, action: Callable[[], object], *words: str) -> str:
    before = state(c.conn)
    with pytest.raises((InvalidInput, PermissionDenied)) as caught:
        action()
    assert state(c.conn) == before
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return message


def _loan(c: Council, principal: int = 1_000_000_00, **kw: object) -> int:
    plain = f"{principal // 100}"
    ref = resolve(c, f"loan:{c.roads}:{plain}", "2026-02-10")
    return loans.add(
        c.ledger,
        c.clerk,
        c.roads,
        principal,
        1200,
        12,
        "District akimat, letter 45",
        ref,
        on=day("2026-02-11"),
        **kw,  # type: ignore[arg-type]
    )


def _repay(c: Council, loan_id: int, amount: int, on: str) -> int:
    return journal.record(
        c.ledger,
        c.clerk,
        entry(on, "payment", amount, "LOAN-REPAY"),
        register=RegisterLink(loan_id=loan_id),
    )


# --- loans -------------------------------------------------------------------------------


def test_an_annuity_schedule_to_the_tiyn_with_the_rounding_in_the_last_instalment() -> None:
    found = loans.schedule(1_000_000_00, 1200, 12, "2026-01-31", Method.ANNUITY)
    # 1 000 000 at 12 % a year over 12 months: 88 848,79 a month (the textbook figure).
    assert [i.payment for i in found[:11]] == [88_848_79] * 11
    assert found[0] == loans.Instalment(1, "2026-02-28", 10_000_00, 78_848_79, 921_151_21)
    assert found[1].interest == 9_211_51  # 921 151,21 × 1 %, rounded half up
    assert found[-1].due == "2027-01-31" and found[-1].balance == 0
    assert found[-1].payment == 88_848_76  # the last takes what rounding left
    assert sum(i.principal for i in found) == 1_000_000_00
    assert [i.due for i in found[:3]] == ["2026-02-28", "2026-03-31", "2026-04-30"]


def test_an_equal_principal_schedule_and_a_loan_without_interest() -> None:
    found = loans.schedule(1_000_000_00, 1200, 12, "2026-01-15", Method.EQUAL)
    assert [i.principal for i in found[:11]] == [83_333_33] * 11
    assert found[-1].principal == 83_333_37 and sum(i.principal for i in found) == 1_000_000_00
    assert [i.interest for i in found[:2]] == [10_000_00, 9_166_67]
    free = loans.schedule(100_00, 0, 3, "2026-01-15", Method.ANNUITY)
    assert [(i.interest, i.principal) for i in free] == [(0, 33_33), (0, 33_33), (0, 33_34)]


def test_a_loan_needs_the_permission_and_a_resolution_about_it(c: Council) -> None:
    ref = resolve(c, f"loan:{c.roads}:1000000", "2026-02-10")
    add = loans.add
    refused(
        c,
        lambda: add(c.ledger, c.clerk, c.roads, 1_000_000_00, 1200, 12, "  ", ref),
        "permission",
    )
    other = resolve(c, f"loan:{c.roads}:999999", "2026-02-10")
    refused(
        c,
        lambda: add(c.ledger, c.clerk, c.roads, 1_000_000_00, 1200, 12, "Letter 45", other),
        "about",
    )
    refused(
        c,
        lambda: add(c.ledger, c.chair, c.roads, 1_000_000_00, 1200, 12, "Letter 45", ref),
        "may not",
    )
    refused(
        c,
        lambda: add(
            c.ledger,
            c.clerk,
            c.roads,
            1_000_000_00,
            1200,
            12,
            "Letter 45",
            ref,
            on=day("2026-02-09"),
        ),
        "before the resolution",
    )
    loan_id = add(
        c.ledger, c.clerk, c.roads, 1_000_000_00, 1200, 12, "Letter 45", ref, on=day("2026-02-11")
    )
    loan = loans.get(c.conn, loan_id)
    receipt = c.conn.execute(
        "SELECT type, code, amount, fund FROM transactions WHERE number = ?", (loan.entry,)
    ).fetchone()
    assert receipt == ("receipt", "LOAN", 1_000_000_00, "GENERAL")
    refused(
        c,
        lambda: add(c.ledger, c.clerk, c.roads, 1_000_000_00, 1200, 12, "Letter 45", ref),
        "already used",
    )
    assert verify(c.conn).ok


def test_repayments_are_split_by_the_schedule_and_box_10_is_what_is_outstanding(
    c: Council,
) -> None:
    loan_id = _loan(c)
    loan = loans.get(c.conn, loan_id)
    assert loans.outstanding(c.conn, loan, "2026-02-10") == 0  # not yet received
    assert loans.outstanding(c.conn, loan, "2026-12-31") == 1_000_000_00
    first = loans.loan_schedule(loan)[0]
    number = _repay(c, loan_id, first.payment, "2026-03-11")
    link = c.conn.execute(
        "SELECT l.principal, l.interest FROM register_links l JOIN transactions t"
        " ON t.id = l.transaction_id WHERE t.number = ?",
        (number,),
    ).fetchone()
    assert link == (first.principal, first.interest)
    # Part of the second: its interest first.
    _repay(c, loan_id, 5_000_00, "2026-04-11")
    assert loans.repaid(c.conn, loan_id) == (first.principal, first.interest + 5_000_00)
    assert loans.outstanding(c.conn, loan, "2026-12-31") == 1_000_000_00 - first.principal
    assert year_summary(c.conn, 2026).boxes[10] == 1_000_000_00 - first.principal
    assert year_summary(c.conn, 2025).boxes[10] == 0
    # Overdue at the end of May: the second (part paid) and third instalments.
    assert [i.number for i in loans.overdue(c.conn, loan, "2026-05-31")] == [2, 3]
    # A reversed repayment is owed again.
    journal.reverse(c.ledger, c.clerk, number, "Paid from the wrong account", day("2026-04-12"))
    assert loans.repaid(c.conn, loan_id) == (0, 5_000_00)
    refused(
        c,
        lambda: _repay(c, loan_id, 2_000_000_00, "2026-04-13"),
        "left to repay",
    )
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            entry("2026-04-13", "payment", 1_00, "ROADS"),
            register=RegisterLink(loan_id=loan_id),
        ),
        "LOAN-REPAY",
    )
    assert verify(c.conn).ok


def test_in_a_budgeted_year_loan_and_subsidy_entries_exist_only_through_their_register(
    c: Council,
) -> None:
    adopt_budget(c)
    for kind, code in (("receipt", "LOAN"), ("receipt", "SUBSIDY"), ("payment", "LOAN-REPAY")):
        refused(
            c,
            lambda kind=kind, code=code: journal.record(
                c.ledger, c.clerk, entry("2026-03-01", kind, 1_00, code)
            ),
            "adopted budget",
        )
    # A repayment through the register still needs its approved request, as every payment.
    loan_id = _loan(c)
    refused(
        c,
        lambda: _repay(c, loan_id, 1_00, "2026-03-11"),
        "needs an approved spending request",
    )


# --- subsidies ---------------------------------------------------------------------------


def test_a_subsidy_granted_in_part_received_and_spent_only_through_requests(c: Council) -> None:
    subsidy_id = subsidies.add(
        c.ledger, c.clerk, "Street lights", 3_000_000_00, "Dark streets", day("2026-01-10")
    )
    subsidy = subsidies.get(c.conn, subsidy_id)
    assert (subsidy.fund, subsidy.state) == ("SUBSIDY-1", subsidies.State.APPLIED)

    def receive(amount: int, on: str) -> int:
        return journal.record(
            c.ledger,
            c.clerk,
            entry(on, "receipt", amount, "SUBSIDY"),
            register=RegisterLink(subsidy_id=subsidy_id),
        )

    refused(c, lambda: receive(1_00, "2026-02-01"), "not granted")
    refused(
        c,
        lambda: subsidies.decide(
            c.ledger, c.clerk, subsidy_id, 3_000_000_01, "Order 12", on=day("2026-02-01")
        ),
        "more than",
    )
    subsidies.decide(
        c.ledger,
        c.clerk,
        subsidy_id,
        2_000_000_00,
        "Order 12",
        "Report by December",
        day("2026-02-01"),
    )
    assert subsidies.get(c.conn, subsidy_id).state == subsidies.State.PARTLY
    receive(1_500_000_00, "2026-02-15")
    refused(c, lambda: receive(500_000_01, "2026-02-16"), "still to come")
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            entry("2026-02-16", "receipt", 1_00, "OTHER-INCOME", fund="SUBSIDY-1"),
        ),
        "SUBSIDY receipt",
    )
    refused(
        c,
        lambda: journal.record(
            c.ledger, c.clerk, entry("2026-02-16", "payment", 1_00, "LIGHTING", fund="SUBSIDY-1")
        ),
        "needs an approved spending request",
    )
    request_id = approved(
        c,
        90_000_00,
        fund="SUBSIDY-1",
        category="LIGHTING",
        on="2026-02-20",
        approve_on="2026-02-21",
    )
    journal.record(
        c.ledger,
        c.clerk,
        entry("2026-02-22", "payment", 90_000_00, "LIGHTING", fund="SUBSIDY-1"),
        request_id=request_id,
    )
    shown = subsidies.get(c.conn, subsidy_id)
    assert (shown.granted, shown.received, shown.spent, shown.left) == (
        2_000_000_00,
        1_500_000_00,
        90_000_00,
        1_410_000_00,
    )
    # An appeal, and the decision on it: the latest decision stands.
    refused(c, lambda: subsidies.appeal(c.ledger, c.clerk, subsidy_id, " "), "required")
    subsidies.appeal(c.ledger, c.clerk, subsidy_id, "We need all of it", day("2026-03-01"))
    assert subsidies.get(c.conn, subsidy_id).state == subsidies.State.APPEALED
    subsidies.decide(c.ledger, c.clerk, subsidy_id, 3_000_000_00, "Appeal 3", on=day("2026-04-01"))
    assert subsidies.get(c.conn, subsidy_id).state == subsidies.State.GRANTED
    receive(1_500_000_00, "2026-04-02")
    assert verify(c.conn).ok


# --- assets and leases -------------------------------------------------------------------


def test_box_9_is_the_value_held_at_the_year_end(c: Council) -> None:
    club = assets.add_asset(
        c.ledger,
        c.clerk,
        "Club",
        "property",
        5_000_000_00,
        acquired=day("2010-05-01"),
        valued_how="Book value",
    )
    assets.add_asset(
        c.ledger, c.clerk, "New well", "property", 800_000_00, acquired=day("2026-06-01")
    )
    assets.add_asset(c.ledger, c.clerk, "Reed beds", "natural", 0)
    assert year_summary(c.conn, 2025).boxes[9] == 5_000_000_00
    assert year_summary(c.conn, 2026).boxes[9] == 5_800_000_00
    refused(c, lambda: assets.dispose(c.ledger, c.clerk, club, ""), "required")
    assets.dispose(c.ledger, c.clerk, club, "Sold at auction", day("2026-09-01"))
    assert year_summary(c.conn, 2026).boxes[9] == 800_000_00
    assert assets.value_held(c.conn, "2026-08-31") == 5_800_000_00
    refused(c, lambda: assets.dispose(c.ledger, c.clerk, club, "Again"), "disposed")
    refused(c, lambda: assets.add_asset(c.ledger, c.clerk, "X", "castle", 1_00), "property, land")


def test_rent_due_paid_and_in_arrears_at_any_date(c: Council) -> None:
    meadow = assets.add_asset(c.ledger, c.clerk, "Hay meadow", "natural", 0)
    lease_id = assets.add_lease(
        c.ledger,
        c.clerk,
        meadow,
        c.aidos,
        20_000_00,
        "month",
        day("2026-01-15"),
        day("2026-12-14"),
    )
    refused(
        c,
        lambda: assets.add_lease(
            c.ledger, c.clerk, meadow, c.roads, 1_00, "year", day("2026-06-01"), day("2027-05-31")
        ),
        "already let",
    )

    def rent(amount: int, on: str, code: str = "RENT-NATURAL") -> int:
        return journal.record(
            c.ledger,
            c.clerk,
            entry(on, "receipt", amount, code),
            register=RegisterLink(lease_id=lease_id),
        )

    rent(20_000_00, "2026-01-20")
    rent(20_000_00, "2026-03-01")
    refused(c, lambda: rent(1_00, "2026-03-02", "RENT-PROPERTY"), "RENT-NATURAL")
    refused(c, lambda: rent(1_00, "2026-01-01"), "starts")

    def at(on: str) -> tuple[int, int, int]:
        (found,) = assets.arrears(c.conn, on)
        return found.due, found.paid, found.arrears

    assert assets.arrears(c.conn, "2026-01-14") == []  # the lease had not begun
    assert at("2026-01-15") == (20_000_00, 0, 20_000_00)  # due on the period's first day
    assert at("2026-02-14") == (20_000_00, 20_000_00, 0)
    assert at("2026-02-15") == (40_000_00, 20_000_00, 20_000_00)
    assert at("2026-06-30") == (120_000_00, 40_000_00, 80_000_00)
    assert at("2027-06-30") == (220_000_00, 40_000_00, 180_000_00)  # the term: 11 months
    refused(c, lambda: rent(180_000_01, "2026-06-30"), "whole term")
    # The tenant in arrears does business with the akim: their gift is flagged.
    gift = donations.get(
        c.conn,
        donations.add(c.ledger, c.clerk, c.aidos, 1_000_00, "Freely", on=day("2026-06-30")),
    )
    assert gift.flagged and "arrears on lease" in gift.flag_reason
    assert verify(c.conn).ok


# --- fines ---------------------------------------------------------------------------------


def test_a_fine_paid_in_part_then_cancelled_keeps_its_trail(c: Council) -> None:
    fine_id = fines.add(
        c.ledger,
        c.clerk,
        c.aidos,
        "Cattle in the school yard",
        5_000_00,
        "Akim's commission",
        day("2026-04-01"),
    )

    def pay(amount: int, on: str, code: str = "FINES") -> int:
        return journal.record(
            c.ledger,
            c.clerk,
            entry(on, "receipt", amount, code),
            register=RegisterLink(fine_id=fine_id),
        )

    refused(c, lambda: pay(1_00, "2026-03-31"), "imposed on")
    refused(c, lambda: pay(1_00, "2026-04-02", "OTHER-INCOME"), "FINES")
    assert fines.state_text(fines.get(c.conn, fine_id)) == "Unpaid"
    pay(2_000_00, "2026-04-05")
    refused(c, lambda: pay(3_000_01, "2026-04-06"), "unpaid")
    assert [f.id for f in fines.fines(c.conn, unpaid=True)] == [fine_id]
    # Part paid is said so in words; the state the CLI's JSON gives stays "unpaid".
    part_paid = fines.get(c.conn, fine_id)
    assert (part_paid.state, fines.state_text(part_paid)) == ("unpaid", "Part paid")
    refused(c, lambda: fines.cancel(c.ledger, c.clerk, fine_id, "Appeal upheld", " "), "required")
    fines.cancel(c.ledger, c.clerk, fine_id, "Appeal upheld", "Court ruling 7", day("2026-04-10"))
    fine = fines.get(c.conn, fine_id)
    assert (fine.state, fine.paid, fine.unpaid) == ("cancelled", 2_000_00, 0)
    assert fines.state_text(fine) == "Cancelled"
    assert (fine.cancelled_on, fine.cancel_reason, fine.cancel_decision) == (
        "2026-04-10",
        "Appeal upheld",
        "Court ruling 7",
    )
    assert fines.fines(c.conn, unpaid=True) == []
    refused(c, lambda: pay(1_00, "2026-04-11"), "cancelled")
    refused(c, lambda: fines.cancel(c.ledger, c.clerk, fine_id, "Again", "Ruling 8"), "cancelled")
    # The trail is in the chain: the cancellation is a record of its own, signed.
    kinds = [k for (k,) in c.conn.execute("SELECT kind FROM chain ORDER BY seq")]
    assert kinds.count("fine") == 1 and kinds.count("fine_cancellation") == 1
    assert verify(c.conn).ok


def test_a_lender_with_a_loan_owed_does_business_with_the_akim(c: Council) -> None:
    _loan(c)
    reasons = donations.business_with_akim(c.conn, c.roads, day("2026-06-01"))
    assert any("loan 1 from them" in r for r in reasons)
    assert spending.requests(c.conn) == []  # the reason is the loan, not a request


def test_an_import_brings_register_entries_through_their_registers(
    c: Council, tmp_path: Path
) -> None:
    from ruralcouncil.ledger import importer

    adopt_budget(c)
    loan_id = _loan(c)
    subsidy_id = subsidies.add(c.ledger, c.clerk, "Lights", 100_000_00, "Dark", day("2026-01-10"))
    subsidies.decide(c.ledger, c.clerk, subsidy_id, 100_000_00, "Order", on=day("2026-01-11"))
    meadow = assets.add_asset(c.ledger, c.clerk, "Meadow", "natural", 0)
    lease_id = assets.add_lease(
        c.ledger,
        c.clerk,
        meadow,
        c.aidos,
        10_000_00,
        "month",
        day("2026-01-01"),
        day("2026-12-31"),
    )
    fine_id = fines.add(
        c.ledger, c.clerk, c.aidos, "Grazing", 3_000_00, "Commission", day("2026-02-01")
    )
    header = "date,type,amount,category,subsidy,loan,lease,fine\n"

    def run(text: str) -> object:
        path = tmp_path / f"f{len(list(tmp_path.glob('*.csv')))}.csv"
        path.write_text(header + text, encoding="utf-8")
        return importer.import_transactions(c.ledger, c.clerk, path)

    before = state(c.conn)
    with pytest.raises(InvalidInput) as caught:
        run(
            f"2026-03-01,receipt,60000,SUBSIDY,{subsidy_id},,,\n"
            f"2026-03-02,receipt,40000.01,SUBSIDY,{subsidy_id},,,\n"  # beyond the grant
            "2026-03-02,receipt,1000,SUBSIDY,,,,\n"  # no subsidy named
            f"2026-03-02,receipt,2000,FINES,,,,{fine_id}\n"
            f"2026-03-02,receipt,1000.01,FINES,,,,{fine_id}\n"  # with the row above: too much
            f"2026-03-02,receipt,1,FINES,,,{lease_id},{fine_id}\n"  # two registers
            f"2026-03-02,payment,100,LOAN-REPAY,,{loan_id},,\n"  # no approved request
        )
    assert state(c.conn) == before
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert [p.split(":")[0] for p in problems] == [
        "line 3",
        "line 4",
        "line 6",
        "line 7",
        "line 8",
    ]
    assert "still to come" in problems[0] and "adopted budget" in problems[1]
    assert "unpaid" in problems[2] and "one of" in problems[3]
    assert "request" in problems[4]
    run(
        f"2026-03-01,receipt,60000,SUBSIDY,{subsidy_id},,,\n"
        f"2026-03-02,receipt,10000,RENT-NATURAL,,,{lease_id},\n"
        f"2026-03-02,receipt,3000,FINES,,,,{fine_id}\n"
    )
    assert subsidies.get(c.conn, subsidy_id).received == 60_000_00
    assert assets.rent_paid(c.conn, lease_id) == 10_000_00
    assert fines.get(c.conn, fine_id).state == "paid"
    assert c.conn.execute("SELECT fund FROM transactions WHERE code = 'SUBSIDY'").fetchone() == (
        "SUBSIDY-1",
    )  # a subsidy's money in its fund, the fund column left out
    assert verify(c.conn).ok


def test_an_asset_is_let_only_while_held_and_disposed_of_only_once_free(c: Council) -> None:
    shop = assets.add_asset(
        c.ledger, c.clerk, "Shop premises", "property", 1_000_000_00, acquired=day("2026-02-01")
    )
    refused(
        c,
        lambda: assets.add_lease(
            c.ledger, c.clerk, shop, c.aidos, 1_00, "month", day("2026-01-01"), day("2026-06-30")
        ),
        "acquired on",
    )
    assets.add_lease(
        c.ledger, c.clerk, shop, c.aidos, 1_00, "month", day("2026-03-01"), day("2026-06-30")
    )
    refused(
        c,
        lambda: assets.dispose(c.ledger, c.clerk, shop, "Sold", day("2026-05-01")),
        "let to Aidos",
    )
    assets.dispose(c.ledger, c.clerk, shop, "Sold", day("2026-07-01"))
    refused(
        c,
        lambda: assets.add_asset(c.ledger, c.clerk, "X", "land", 10**16),
        "from zero",
    )


def test_a_payment_made_before_a_cancellation_may_be_entered_after_it(c: Council) -> None:
    fine_id = fines.add(
        c.ledger, c.clerk, c.aidos, "Grazing", 5_000_00, "Commission", day("2026-06-01")
    )
    fines.cancel(c.ledger, c.clerk, fine_id, "Upheld", "Ruling 7", day("2026-08-01"))

    def pay(amount: int, on: str) -> int:
        return journal.record(
            c.ledger,
            c.clerk,
            entry(on, "receipt", amount, "FINES"),
            register=RegisterLink(fine_id=fine_id),
        )

    refused(c, lambda: pay(1_00, "2026-08-01"), "cancelled")
    refused(c, lambda: pay(5_000_01, "2026-07-15"), "unpaid")
    pay(2_000_00, "2026-07-15")
    assert fines.get(c.conn, fine_id).paid == 2_000_00


def test_a_repayment_pays_only_a_request_made_out_to_the_lender(c: Council) -> None:
    adopt_budget(c, b"category,fund,amount\nLOAN-REPAY,GENERAL,500000\n")
    loan_id = _loan(c)  # lent by Roads LLP
    to_aidos = approved(
        c, 10_000_00, party=c.aidos, category="LOAN-REPAY", on="2026-03-01", approve_on="2026-03-02"
    )
    refused(
        c,
        lambda: journal.record(
            c.ledger,
            c.clerk,
            entry("2026-03-11", "payment", 10_000_00, "LOAN-REPAY"),
            request_id=to_aidos,
            register=RegisterLink(loan_id=loan_id),
        ),
        "not for Roads LLP",
    )
    to_lender = approved(
        c, 10_000_00, category="LOAN-REPAY", on="2026-03-01", approve_on="2026-03-02"
    )
    journal.record(
        c.ledger,
        c.clerk,
        entry("2026-03-11", "payment", 10_000_00, "LOAN-REPAY"),
        request_id=to_lender,
        register=RegisterLink(loan_id=loan_id),
    )
    assert sum(loans.repaid(c.conn, loan_id)) == 10_000_00
