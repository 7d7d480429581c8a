"""A property of the council's path (issue 8): whatever the order of drafts, approvals (by
the chair alone and by resolution), payments of any amount, reversals, rejections,
withdrawals, cancellations, virements and fund transfers, the core never lets

- a request be paid more than it was approved, less what was cancelled;
- a budget line's commitments and payments together exceed its appropriation;
- any fund, or any cash account, end a day below zero;

and ``verify`` still finds the ledger sound at the end. Whatever the core refuses is fine
(and must write nothing); only what it lets through is checked.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from _council import COUNCIL, adopt_budget, council_ledger, council_state
from _helpers import english  # noqa: F401  (english: an autouse fixture)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from ruralcouncil.ledger import budget, journal, meetings, spending
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.verify import verify

LINES = [("ROADS", "GENERAL"), ("STAFF", "GENERAL"), ("ROADS", "ROADFUND")]
START = date(2026, 2, 1)
LAST = date(2026, 11, 30)  # before the day these tests were written: never "after today"

amounts = st.one_of(
    st.sampled_from([1, 10_000_00, 50_000_00, 99_999_99, 100_000_00, 150_000_00, 300_000_00]),
    st.integers(min_value=1, max_value=400_000_00),
)


class CouncilMachine(RuleBasedStateMachine):
    requests = Bundle("requests")
    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="rc-council-property-"))
        self.c = council_ledger(self.folder)
        self.today = START

    @initialize()
    def adopt(self) -> None:
        adopt_budget(self.c, on="2026-01-20")

    def teardown(self) -> None:
        try:
            result = verify(self.c.conn)
            assert result.ok, result.problems
        finally:
            self.c.ledger.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def attempt(self, action: object) -> object | None:
        """Run ``action``; a refusal must write nothing and returns None."""
        before = council_state(self.c.conn)
        try:
            return action()  # type: ignore[operator]
        except InvalidInput:
            assert council_state(self.c.conn) == before, "a refusal wrote something"
            return None

    def day(self) -> date:
        return self.today

    def resolution(self, subject: str, confirmed: bool = True) -> str | None:
        """A resolution about ``subject`` passed by the whole council at a meeting today,
        each step its own attempt; None when one is refused."""
        meeting_id = meetings.open_meeting(self.c.ledger, self.c.chair, self.day(), COUNCIL)
        ref = self.attempt(
            lambda: meetings.add_resolution(
                self.c.ledger, self.c.chair, meeting_id, subject, "Decided", COUNCIL
            )
        )
        if ref is not None and confirmed:
            meetings.confirm(self.c.ledger, self.c.m1, str(ref))
        return None if ref is None else str(ref)

    # --- rules -----------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=20))
    def time_passes(self, days: int) -> None:
        self.today = min(self.today + timedelta(days=days), LAST)

    @rule(
        target=requests,
        amount=amounts,
        where=st.sampled_from(LINES),
        party=st.sampled_from(["roads", "aidos"]),
    )
    def draft(self, amount: int, where: tuple[str, str], party: str) -> int:
        request_id = spending.draft(
            self.c.ledger,
            self.c.clerk,
            getattr(self.c, party),
            where[0],
            where[1],
            amount,
            "Work",
            on=self.day(),
        )
        return request_id

    @rule(request_id=requests)
    def approve_alone(self, request_id: int) -> None:
        self.attempt(
            lambda: spending.approve(self.c.ledger, self.c.chair, request_id, on=self.day())
        )

    @rule(request_id=requests, confirmed=st.booleans())
    def approve_by_resolution(self, request_id: int, confirmed: bool) -> None:
        ref = self.resolution(f"request:{request_id}", confirmed)
        if ref is not None:
            self.attempt(lambda: spending.approve(self.c.ledger, self.c.chair, request_id, ref))

    @rule(
        target=payments, request_id=requests, amount=amounts, by=st.sampled_from(["clerk", "admin"])
    )
    def pay(self, request_id: int, amount: int, by: str) -> int:
        request = spending.get(self.c.conn, request_id)
        number = self.attempt(
            lambda: journal.record(
                self.c.ledger,
                self.c.user(by),
                NewEntry(
                    self.day(), EntryType.PAYMENT, amount, request.category, fund=request.fund
                ),
                request_id=request_id,
            )
        )
        return int(number) if number is not None else 0  # type: ignore[call-overload]

    @rule(request_id=requests, fraction=st.sampled_from([1, 2, 3]))
    def pay_part_of_what_is_left(self, request_id: int, fraction: int) -> None:
        request = spending.get(self.c.conn, request_id)
        if request.unpaid <= 0:
            return
        self.attempt(
            lambda: journal.record(
                self.c.ledger,
                self.c.clerk,
                NewEntry(
                    self.day(),
                    EntryType.PAYMENT,
                    max(request.unpaid // fraction, 1),
                    request.category,
                    fund=request.fund,
                ),
                request_id=request_id,
            )
        )

    @rule(number=consumes(payments))
    def reverse(self, number: int) -> None:
        if number:
            self.attempt(
                lambda: journal.reverse(self.c.ledger, self.c.clerk, number, "Undo", self.day())
            )

    @rule(request_id=requests)
    def reject(self, request_id: int) -> None:
        self.attempt(
            lambda: spending.reject(self.c.ledger, self.c.chair, request_id, "No", self.day())
        )

    @rule(request_id=requests)
    def withdraw(self, request_id: int) -> None:
        self.attempt(
            lambda: spending.withdraw(
                self.c.ledger, self.c.clerk, request_id, "Not needed", self.day()
            )
        )

    @rule(request_id=requests)
    def cancel(self, request_id: int) -> None:
        self.attempt(
            lambda: spending.cancel(self.c.ledger, self.c.chair, request_id, "Enough", self.day())
        )

    @rule(
        source=st.sampled_from(LINES),
        into=st.sampled_from([*LINES, ("WATER", "GENERAL")]),
        amount=amounts,
    )
    def virement(self, source: tuple[str, str], into: tuple[str, str], amount: int) -> None:
        version = budget.in_force(self.c.conn, 2026)
        assert version is not None
        lines = dict(version.lines)
        if source == into:
            return
        lines[source] = lines.get(source, 0) - amount
        lines[into] = lines.get(into, 0) + amount
        if lines[source] < 0:
            return
        data = "category,fund,amount\n" + "".join(
            f"{code},{fund},{tiyn // 100}.{tiyn % 100:02d}\n"
            for (code, fund), tiyn in sorted(lines.items())
        )
        ref = self.resolution("virement:2026")
        if ref is not None:
            self.attempt(
                lambda: budget.adopt(self.c.ledger, self.c.chair, 2026, data.encode(), ref)
            )

    @rule(to_roadfund=st.booleans(), amount=amounts)
    def fund_transfer(self, to_roadfund: bool, amount: int) -> None:
        source, target = ("GENERAL", "ROADFUND") if to_roadfund else ("ROADFUND", "GENERAL")
        tenge = f"{amount // 100}.{amount % 100:02d}"
        ref = self.resolution(f"fund-transfer:{source}:{target}:{tenge}")
        if ref is not None:
            self.attempt(
                lambda: journal.fund_transfer(
                    self.c.ledger, self.c.clerk, self.day(), source, target, amount, ref
                )
            )

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def paid_never_exceeds_approved_less_cancelled(self) -> None:
        for request in spending.requests(self.c.conn):
            assert request.paid >= 0
            if request.approved_by is None:
                assert request.paid == 0, request
            else:
                assert request.paid <= request.approved - request.cancelled, request

    @invariant()
    def no_line_is_committed_beyond_its_appropriation(self) -> None:
        for found in budget.show(self.c.conn, 2026):
            if found.kind == EXPENDITURE:
                assert found.committed + found.paid <= found.appropriated, found
                assert found.committed >= 0

    @invariant()
    def budget_actuals_are_what_the_postings_say(self) -> None:
        """Read along the daily totals' keys: the same sums as the postings of the year,
        on any day of it (the day the machine has reached, and mid-year)."""
        for on in (self.day().isoformat(), "2026-06-30", "2026-12-31"):
            found = budget._actuals(self.c.conn, 2026, on)
            for kind, sign in ((EXPENDITURE, 1), (REVENUE, -1)):
                rows = self.c.conn.execute(
                    "SELECT p.account, p.fund, sum(p.amount) FROM postings p"
                    " JOIN transactions t ON t.id = p.transaction_id"
                    " JOIN accounts a ON a.code = p.account"
                    " WHERE a.kind = ? AND t.date BETWEEN '2026-01-01' AND ?"
                    " GROUP BY p.account, p.fund",
                    (kind, on),
                ).fetchall()
                expected = {(a, f): sign * int(total) for a, f, total in rows if total}
                assert found[kind] == expected, (kind, on)

    @invariant()
    def no_fund_or_cash_account_ends_a_day_below_zero(self) -> None:
        for column in ("fund", "account"):
            rows = self.c.conn.execute(
                f"SELECT d.{column}, d.date, sum(d.amount) FROM daily_totals d"
                " JOIN accounts a ON a.code = d.account WHERE a.kind = 'cash'"
                f" GROUP BY d.{column}, d.date ORDER BY d.{column}, d.date"
            ).fetchall()
            balance: dict[str, int] = {}
            for key, when, amount in rows:
                balance[key] = balance.get(key, 0) + int(amount)
                assert balance[key] >= 0, (column, key, when, balance[key])

    @invariant()
    def every_resolution_is_used_at_most_once(self) -> None:
        assert self.c.conn.execute(
            "SELECT count(*) = count(DISTINCT resolution_id) FROM resolution_uses"
        ).fetchone()[0]


CouncilMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_council_s_path_never_breaks_its_rules = CouncilMachine.TestCase
