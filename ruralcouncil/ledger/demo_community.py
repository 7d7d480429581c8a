"""The demo village's community money in its council year: the gifts of the plan go through
the donor register (a local shop that also does business with the akim is flagged, and the
council acknowledges its gift at its next sitting), and the village runs a salma for a
children's playground: households registered from the earlier water asar's contributors,
two exempt by resolution, most paid (one in two parts), a gift from a native of the
village who asked not to be named, and the swings bought through an approved request.

Built through the same service functions people use, so every rule holds and ``verify``
passes. Every date is on or before the demo's "today"; what would come later is left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ruralcouncil.ledger import (
    council,
    donations,
    households,
    journal,
    meetings,
    projects,
    spending,
)
from ruralcouncil.ledger.journal import EntryType, NewEntry

if TYPE_CHECKING:
    from ruralcouncil.ledger.demo_council import CouncilYear

VOLUNTARY = "Өз еркіммен беремін. / Жертвую добровольно, без чьего-либо давления."
PER_HOUSEHOLD = 25_000_00
HOUSEHOLDS = 40
SUPPLIER = "ТОО «Ойын әлемі»"
NATIVE = "Мұсабеков Асқар (Алматы)"


def _order(n: int) -> tuple[str, str]:
    """A contribution's receipt order and its words, as the clerk writes them."""
    return f"ПКО №С-{n + 1}", "Салма: ойын алаңы / сальма: игровая площадка"


@dataclass
class CommunityYear:
    """Fed by ``demo._build``: each planned gift of the council's year, then the salma."""

    council_year: CouncilYear
    held: list[int] = field(default_factory=list)  # flagged gifts not yet acknowledged
    _steps: Iterator[date] = field(default_factory=lambda: iter(()))
    _due: date | None = None

    def receive(self, entry: NewEntry) -> int:
        """A planned receipt of the council's year; a gift goes through the register."""
        cy = self.council_year
        clerk = cy.as_user(cy.clerk)
        if entry.category != donations.DONATION_CODE:
            return journal.record(cy.ledger, clerk, entry)
        donation_id = donations.add(
            cy.ledger,
            clerk,
            cy.party(entry.counterparty),
            entry.amount,
            VOLUNTARY,
            fund=entry.fund,
            on=entry.date,
            account=entry.account,
            description=entry.description,
            reference=entry.reference,
        )
        gift = donations.get(cy.ledger.conn, donation_id)
        if gift.flagged:
            self.held.append(donation_id)
        assert gift.entry is not None
        return gift.entry

    def acknowledge_at_sittings(self) -> None:
        """At its first sitting on or after a held gift's day, the council acknowledges it."""
        cy = self.council_year
        chair = cy.as_user(cy.setup.chair)
        for donation_id in self.held:
            gift = donations.get(cy.ledger.conn, donation_id)
            days = sorted(d for d in cy.sittings if d.isoformat() >= gift.date)
            if not days:
                continue
            day = days[0]
            ref = self._resolve(
                day,
                f"donation:{donation_id}",
                f"Демеушілік қабылданды / Пожертвование принято: {gift.donor}",
            )
            donations.acknowledge(cy.ledger, chair, donation_id, ref)
        self.held = [d for d in self.held if donations.get(cy.ledger.conn, d).held]

    def _next_sitting(self, after: date) -> date | None:
        """The council's first monthly sitting after ``after``: the day of a month's first
        payment, in a month with a payment above the chair's limit (``CouncilYear._month``)."""
        cy = self.council_year
        limit = council.amount_rule(cy.ledger.conn, council.Rule.CHAIR_LIMIT)
        payments = [e for e in cy.planned if e.type == EntryType.PAYMENT]
        days = set()
        for entry in payments:
            month = [
                e
                for e in payments
                if (e.date.year, e.date.month) == (entry.date.year, entry.date.month)
            ]
            if any(e.amount > limit for e in month):
                days.add(min(e.date for e in month))
        later = sorted(d for d in days if d > after)
        return later[0] if later else None

    def _resolve(self, day: date, subject: str, text: str) -> str:
        cy = self.council_year
        meeting = cy.sitting(day)
        conn = cy.ledger.conn
        recused = meetings.recused_members(conn, meetings.get_meeting(conn, meeting), subject)
        names = council.user_names(conn)
        voting = [
            n for n in (cy.setup.chair, *cy.setup.members) if n not in {names[i] for i in recused}
        ]
        ref = meetings.add_resolution(
            cy.ledger, cy.as_user(cy.setup.chair), meeting, subject, text, voting
        )
        meetings.confirm(cy.ledger, cy.confirmer(ref), ref)
        return ref

    def start(self, contributors: Sequence[str]) -> None:
        """Plan the salma; its steps run as the demo's days pass (``run_before``)."""
        self._steps = self._salma(contributors)
        self._due = next(self._steps, None)

    def run_before(self, day: date) -> None:
        """Every step of the salma dated before ``day``, in date order."""
        while self._due is not None and self._due < day:
            self._due = next(self._steps, None)

    def _salma(self, contributors: Sequence[str]) -> Iterator[date]:
        """The playground salma of the council's year: yields the day of each next step,
        then takes it."""
        cy = self.council_year
        year = cy.setup.adopted_on.year
        clerk, chair = cy.as_user(cy.clerk), cy.as_user(cy.setup.chair)
        start = cy.setup.adopted_on + timedelta(days=14)
        yield start
        homes: list[int] = []
        for text in list(dict.fromkeys(contributors))[:HOUSEHOLDS]:
            head, _sep, address = text.partition(", ")
            homes.append(
                households.add(
                    cy.ledger, clerk, address or head, cy.party(head), 2 + len(homes) % 4
                )
            )
        project_id = projects.add(
            cy.ledger,
            clerk,
            "Балалар ойын алаңы / Детская игровая площадка",
            950_000_00,
            PER_HOUSEHOLD,
            year,
            "Мектеп жанындағы әткеншектер, құм салғыш және қоршау. / Качели, песочница и "
            "ограждение у школы.",
            start,
        )
        fund = projects.get(cy.ledger.conn, project_id).fund
        # The council decides at its monthly sittings, after the day's own business.
        adopted = self._next_sitting(start)
        if adopted is None:
            return
        yield adopted + timedelta(days=1)
        ref = self._resolve(
            adopted, f"project:{project_id}", "Салма бекітілді / Сальма утверждена: 25 000 ₸"
        )
        projects.adopt(cy.ledger, chair, project_id, ref)
        for home in homes[:2]:
            ref = self._resolve(
                adopted,
                f"exemption:{home}:{year}",
                "Аз қамтылған отбасы босатылды / Малообеспеченная семья освобождена",
            )
            households.exempt(
                cy.ledger, clerk, home, year, "Аз қамтылған / малообеспеченная семья", ref
            )
        paying = homes[2:-3]  # the last three have not paid yet
        for n, home in enumerate(paying):
            day = adopted + timedelta(days=2 + n // 4)
            yield day
            first = 10_000_00 if n == 0 else PER_HOUSEHOLD  # one pays in two parts
            projects.contribute(cy.ledger, clerk, project_id, home, first, day, "CASH", *_order(n))
        gift_day = adopted + timedelta(days=12)
        yield gift_day
        donations.add(
            cy.ledger,
            clerk,
            cy.party(NATIVE),
            50_000_00,
            VOLUNTARY,
            project_id=project_id,
            anonymous=True,
            donor_type=donations.DonorType.NATIVE.value,
            on=gift_day,
            description="Ойын алаңына / на игровую площадку",
        )
        rest_day = adopted + timedelta(days=22)
        yield rest_day
        projects.contribute(
            cy.ledger,
            clerk,
            project_id,
            paying[0],
            PER_HOUSEHOLD - 10_000_00,
            rest_day,
            "CASH",
            *_order(len(paying)),
        )
        sitting = self._next_sitting(gift_day)
        if sitting is None:
            return
        yield sitting + timedelta(days=1)
        request = spending.draft(
            cy.ledger,
            clerk,
            cy.party(SUPPLIER),
            "CAPITAL",
            fund,
            640_000_00,
            "Әткеншектер мен құм салғыш / качели и песочница",
            on=sitting,
        )
        ref = self._resolve(
            sitting, f"request:{request}", "Ойын алаңының жабдығы / оборудование площадки"
        )
        spending.approve(cy.ledger, chair, request, ref)
        paid = sitting + timedelta(days=3)
        yield paid
        journal.record(
            cy.ledger,
            clerk,
            NewEntry(
                paid,
                EntryType.PAYMENT,
                640_000_00,
                "CAPITAL",
                fund=fund,
                account="CASH",
                description="Әткеншектер мен құм салғыш / качели и песочница",
                reference="ПП №1",
            ),
            request_id=request,
        )
        # The supplier, just paid, offers a gift to the playground: flagged, and held until
        # the council acknowledges it.
        offered = paid + timedelta(days=2)
        yield offered
        donations.add(
            cy.ledger,
            clerk,
            cy.party(SUPPLIER),
            30_000_00,
            VOLUNTARY,
            project_id=project_id,
            on=offered,
            description="Ойын алаңына / на игровую площадку",
        )
