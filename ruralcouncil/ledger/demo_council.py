"""The demo village's council (``village.json``'s ``council``): in the plan's last year the
council adopts the budget at a meeting, and from then on every payment goes the council's
way: the clerk drafts a request to the party paid, the chair approves it alone within the
limit, otherwise the council approves it at a sitting that day (a member recused where they
declared an interest), and only then does the clerk pay it.

Built through the same service functions people use, each person logged in with their own
key, so every rule holds and ``verify`` passes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ruralcouncil.ledger import budget, council, journal, meetings, spending
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.money import format_plain
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

AsUser = Callable[[str], User]


@dataclass(frozen=True)
class DemoCouncil:
    chair: str
    members: tuple[str, ...]  # who sits besides the chair
    adopted_on: date  # in the plan's last year (moved like every date)
    interest: tuple[str, str, str]  # (member, counterparty, nature)
    margin: float = 1.1  # appropriations are the plan's payments and this much more


def _rounded_up(tiyn: int) -> int:
    step = 10_000_00
    return -(-tiyn // step) * step


def budget_file(entries: Sequence[NewEntry], margin: float) -> bytes:
    """A ``category,fund,amount`` file for the year the entries plan: each program's payments
    with a margin, each source's receipts, rounded up to 10 000 tenge."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        if entry.type in (EntryType.RECEIPT, EntryType.PAYMENT) and entry.category:
            totals[(entry.category, entry.fund)] += entry.amount
    lines = ["category,fund,amount"]
    for (code, fund), amount in sorted(totals.items()):
        planned = amount if code_is_revenue(entries, code) else int(amount * margin)
        lines.append(f"{code},{fund},{format_plain(_rounded_up(planned))}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def code_is_revenue(entries: Sequence[NewEntry], code: str) -> bool:
    return any(e.category == code and e.type == EntryType.RECEIPT for e in entries)


# The legal forms that begin a business's name (LLP, sole trader, peasant farm, JSC).
_BUSINESS_FORMS = frozenset({"ТОО", "ЖШС", "ИП", "ЖК", "ШҚ", "КХ", "АО", "АҚ"})

Planned = tuple[date, str | None, str, int, str]  # date, category, fund, amount, counterparty


def _key(entry: NewEntry) -> Planned:
    return (entry.date, entry.category, entry.fund, entry.amount, entry.counterparty)


@dataclass
class CouncilYear:
    """The council's side of the plan's last year, fed step by step by ``demo._build``.

    The council sits once a month, on the day of the month's first payment, and approves
    every payment of the month above the chair's limit; the chair approves the small ones
    alone on the day they are paid."""

    ledger: Ledger
    setup: DemoCouncil
    as_user: AsUser
    clerk: str
    planned: Sequence[NewEntry] = ()  # the year's entries, dated as they will be posted
    parties: dict[str, int] = field(default_factory=dict)
    sittings: dict[date, int] = field(default_factory=dict)
    approved: dict[Planned, list[int]] = field(default_factory=dict)
    months: set[tuple[int, int]] = field(default_factory=set)
    adopted: bool = False

    def adopt(self) -> None:
        """The first sitting of the year: the budget, and the member's declared interest."""
        chair = self.as_user(self.setup.chair)
        member, counterparty, nature = self.setup.interest
        party = self.party(counterparty)
        day = self.setup.adopted_on
        council.declare_interest(self.ledger, self.as_user(member), member, party, nature, day)
        meeting = self.sitting(day, [f"{day.year} жылғы бюджет / Бюджет на {day.year} год"])
        ref = meetings.add_resolution(
            self.ledger,
            chair,
            meeting,
            f"budget:{day.year}",
            f"Бюджет {day.year} года утверждён / {day.year} жылғы бюджет бекітілді",
            [self.setup.chair, *self.setup.members],
        )
        meetings.confirm(self.ledger, self.as_user(self.setup.members[0]), ref)
        budget.adopt(
            self.ledger, chair, day.year, budget_file(self.planned, self.setup.margin), ref
        )
        self.adopted = True

    def party(self, name: str) -> int:
        if name not in self.parties:
            words = name.replace("«", " ").split()
            # "ТОО «Су»", "ИП Қасымов": a business; "Омаров Бауыржан", "Иванов С.": a person;
            # "Ауылдық клуб", "ГКП «Су арнасы»": an organisation.
            if words and words[0] in _BUSINESS_FORMS:
                kind = "business"
            elif "«" not in name and 1 < len(words) <= 3 and all(w[0].isupper() for w in words):
                kind = "person"
            else:
                kind = "organisation"
            self.parties[name] = council.add_party(
                self.ledger, self.as_user(self.clerk), name, kind
            )
        return self.parties[name]

    def sitting(self, day: date, agenda: Sequence[str] = ()) -> int:
        if day not in self.sittings:
            self.sittings[day] = meetings.open_meeting(
                self.ledger,
                self.as_user(self.setup.chair),
                day,
                [self.setup.chair, *self.setup.members],
                secretary=self.setup.members[-1],
                agenda="\n".join(f"{n}. {item}" for n, item in enumerate(agenda, start=1)),
            )
        return self.sittings[day]

    def _draft(self, entry: NewEntry, on: date) -> int:
        assert entry.category is not None
        party = self.party(entry.counterparty or entry.description[:60] or entry.category)
        purpose = entry.description or entry.counterparty or entry.category
        request = spending.draft(
            self.ledger,
            self.as_user(self.clerk),
            party,
            entry.category,
            entry.fund,
            entry.amount,
            purpose,
            on=on,
        )
        return request

    def _by_council(self, request: int, day: date, text: str) -> None:
        chair = self.as_user(self.setup.chair)
        meeting = self.sitting(day)
        subject = f"request:{request}"
        recused = meetings.recused_members(
            self.ledger.conn, meetings.get_meeting(self.ledger.conn, meeting), subject
        )
        names = council.user_names(self.ledger.conn)
        voting = [
            name
            for name in (self.setup.chair, *self.setup.members)
            if name not in {names[i] for i in recused}
        ]
        ref = meetings.add_resolution(self.ledger, chair, meeting, subject, text, voting)
        meetings.confirm(self.ledger, self.confirmer(ref), ref)
        spending.approve(self.ledger, chair, request, ref)

    def _month(self, day: date) -> None:
        """The month's sitting: every planned payment above the chair's limit from ``day``
        to the month's end is drafted and approved by the council."""
        self.months.add((day.year, day.month))
        limit = council.amount_rule(self.ledger.conn, council.Rule.CHAIR_LIMIT)
        big = [
            entry
            for entry in self.planned
            if entry.type == EntryType.PAYMENT
            and (entry.date.year, entry.date.month) == (day.year, day.month)
            and entry.date >= day
            and entry.amount > limit
        ]
        if big:
            self.sitting(day, [e.description or e.counterparty for e in big])
        for entry in big:
            request = self._draft(entry, day)
            self._by_council(request, day, entry.description or entry.counterparty)
            self.approved.setdefault(_key(entry), []).append(request)

    def pay(self, entry: NewEntry, register: RegisterLink | None = None) -> int:
        """Pay one planned payment against its approved request (and the register it
        belongs to, a loan's repayment); its entry number."""
        if (entry.date.year, entry.date.month) not in self.months:
            self._month(entry.date)
        waiting = self.approved.get(_key(entry))
        if waiting:
            request = waiting.pop(0)
        else:
            request = self._draft(entry, entry.date)
            try:
                spending.approve(
                    self.ledger, self.as_user(self.setup.chair), request, on=entry.date
                )
            except InvalidInput:  # the party's month adds up above the limit
                self._by_council(request, entry.date, entry.description)
        return journal.record(
            self.ledger, self.as_user(self.clerk), entry, request_id=request, register=register
        )

    def waiting(self, today: date) -> None:
        """What is on the desk today: a request for the next sitting, one for the chair, and
        one the chair turned down."""
        clerk, chair = self.as_user(self.clerk), self.as_user(self.setup.chair)
        club = self.party("ТОО «Құрылыс-Сервис»")
        spending.draft(
            self.ledger,
            clerk,
            club,
            "BUILDINGS",
            "GENERAL",
            450_000_00,
            "Клуб шатырын жөндеу / ремонт крыши клуба",
            on=today,
        )
        spending.draft(
            self.ledger,
            clerk,
            club,
            "OTHER-SPENDING",
            "GENERAL",
            38_500_00,
            "Әкімдікке орындықтар / стулья для акимата",
            on=today,
        )
        turned_down = spending.draft(
            self.ledger,
            clerk,
            club,
            "OTHER-SPENDING",
            "GENERAL",
            95_000_00,
            "Кеңсе жиһазы / офисная мебель",
            on=today,
        )
        spending.reject(
            self.ledger, chair, turned_down, "Биыл қажет емес / в этом году не нужно", on=today
        )

    def confirmer(self, ref: str) -> User:
        resolution = meetings.get_resolution(self.ledger.conn, ref)
        names = council.user_names(self.ledger.conn)
        for name in self.setup.members:
            user_id = next(i for i, n in names.items() if n == name)
            if resolution.votes.get(user_id) == meetings.Vote.FOR:
                return self.as_user(name)
        raise InvalidInput(f"nobody can confirm {ref}")
