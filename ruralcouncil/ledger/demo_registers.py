"""The demo village's registers: its budget credit from the district (taken by resolution,
with the district's permission, and repaid quarterly through the register), the district's
subvention of the council's year as a general subsidy, its lettings (the shop premises in the
akimat's building, a hay meadow, the sand pit) with their rent, the fines of the year, and a
restricted subsidy for street lights that was partly granted and appealed.

Built through the same service functions people use; every date on or before the demo's
"today".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ruralcouncil.ledger import (
    assets,
    fines,
    journal,
    loans,
    meetings,
    subsidies,
)
from ruralcouncil.ledger.journal import NewEntry
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

AsUser = Callable[[str], User]
COMMISSION = "Әкімнің әкімшілік комиссиясы / Административная комиссия акима"
# (asset, kind, value, the tenant as the plan names them, rent, period, first day as MM-DD)
LETTINGS = (
    (
        "Дүкен үй-жайы, әкімдік ғимараты / Помещение магазина в здании акимата",
        "property",
        3_500_000_00,
        "ИП Ахметова Г.К.",
        100_980_00,
        "month",
        "01-01",
    ),
    (
        "Шабындық, 120 га / Сенокос, 120 га",
        "natural",
        0,
        "ШҚ «Береке»",
        725_000_00,
        "year",
        "06-01",
    ),
    (
        "Құм карьері / Песчаный карьер",
        "natural",
        0,
        "ТОО «Қызылжар Құм»",
        525_000_00,
        "year",
        "07-01",
    ),
)


def _last_day(starts: date, period: str) -> date:
    """A monthly letting runs to the year's end; a yearly one for a year."""
    if period == "month":
        return date(starts.year, 12, 31)
    return date(starts.year + 1, starts.month, starts.day) - timedelta(days=1)


@dataclass
class Registers:
    """Fed by ``demo._build``: the loan when the plan receives it, the year's registers when
    the council's year begins, then each of its receipts and loan repayments."""

    ledger: Ledger
    as_user: AsUser
    clerk: str
    chair: str
    members: Sequence[str]
    party: Callable[[str], int]
    loan_of: dict[int, int] = field(default_factory=dict)  # lender party -> loan
    leases: dict[str, int] = field(default_factory=dict)  # tenant's name -> lease
    subsidy: int | None = None  # the year's subvention
    adopted_on: date | None = None  # the budget's adoption: the subvention's money after it

    def _resolve(self, day: date, subject: str, text: str) -> str:
        chair = self.as_user(self.chair)
        meeting = meetings.open_meeting(
            self.ledger, chair, day, [self.chair, *self.members], secretary=self.members[-1]
        )
        ref = meetings.add_resolution(
            self.ledger, chair, meeting, subject, text, [self.chair, *self.members]
        )
        meetings.confirm(self.ledger, self.as_user(self.members[0]), ref)
        return ref

    def take_loan(self, entry: NewEntry) -> int:
        """The plan's loan: the council decides it the day before, with the permission."""
        lender = self.party(entry.counterparty)
        whole = entry.amount // 100
        ref = self._resolve(
            entry.date - timedelta(days=1),
            f"loan:{lender}:{whole}",
            "Бюджеттік кредит алынсын / Принять бюджетный кредит",
        )
        loan_id = loans.add(
            self.ledger,
            self.as_user(self.clerk),
            lender,
            entry.amount,
            1,  # 0.01 % a year, as budget credits are
            34,
            "Аудан әкімдігінің рұқсаты № 12-04/318 / Разрешение акимата района № 12-04/318",
            ref,
            method=loans.Method.EQUAL.value,
            on=entry.date,
            account=entry.account,
            description=entry.description,
        )
        self.loan_of[lender] = loan_id
        return loans.get(self.ledger.conn, loan_id).entry

    def repayment(self, entry: NewEntry) -> RegisterLink | None:
        loan_id = self.loan_of.get(self.party(entry.counterparty))
        return RegisterLink(loan_id=loan_id) if loan_id else None

    def begin_year(self, day: date, planned: Sequence[NewEntry], adopted_on: date) -> None:
        """The year's registers: the subvention (what is planned after the budget's
        adoption), the lettings, and a restricted subsidy for street lights."""
        clerk = self.as_user(self.clerk)
        year = day.year
        self.adopted_on = adopted_on
        later = [e for e in planned if e.category == subsidies.SUBSIDY_CODE and e.date > adopted_on]
        if later:
            self.subsidy = subsidies.add(
                self.ledger,
                clerk,
                f"Аудандық бюджеттен субвенция {year} / Субвенция из районного бюджета {year}",
                sum(e.amount for e in later),
                "Ауылдық округ бюджетінің теңгерімі / Сбалансированность бюджета сельского округа",
                day,
                general=True,
            )
            subsidies.decide(
                self.ledger,
                clerk,
                self.subsidy,
                sum(e.amount for e in later),
                "Аудандық мәслихаттың шешімі / Решение районного маслихата",
                on=day,
            )
        for name, kind, value, tenant, rent, period, first in LETTINGS:
            asset = assets.add_asset(
                self.ledger,
                clerk,
                name,
                kind,
                value,
                location="Қызылжар",
                acquired=date(2009, 1, 1),
                valued_how="Баланстық құны / Балансовая стоимость",
            )
            starts = date.fromisoformat(f"{year}-{first}")
            self.leases[tenant] = assets.add_lease(
                self.ledger,
                clerk,
                asset,
                self.party(tenant),
                rent,
                period,
                starts,
                _last_day(starts, period),
            )

    def receive(self, entry: NewEntry) -> int | None:
        """A planned receipt that belongs to a register, recorded through it (None: it
        belongs to none)."""
        clerk = self.as_user(self.clerk)
        link = None
        after = self.adopted_on is not None and entry.date > self.adopted_on
        if entry.category == subsidies.SUBSIDY_CODE and self.subsidy is not None and after:
            link = RegisterLink(subsidy_id=self.subsidy)
        elif entry.category in ("RENT-PROPERTY", "RENT-NATURAL"):
            lease = self.leases.get(entry.counterparty)
            link = RegisterLink(lease_id=lease) if lease else None
        elif entry.category == fines.FINES_CODE and self.leases:
            fine = fines.add(
                self.ledger,
                clerk,
                self.party(entry.counterparty),
                entry.description or entry.category,
                entry.amount,
                COMMISSION,
                entry.date,
            )
            link = RegisterLink(fine_id=fine)
        if link is None:
            return None
        return journal.record(self.ledger, clerk, entry, register=link)

    def fines_on_the_desk(self, today: date) -> None:
        """One fine still unpaid, one cancelled by the commission's own review."""
        clerk = self.as_user(self.clerk)
        day = today - timedelta(days=20)
        fines.add(
            self.ledger,
            clerk,
            self.party("Серікбаев А."),
            "Айыппұл: мал бағусыз жүр / Штраф: скот без присмотра",
            15_000_00,
            COMMISSION,
            day,
        )
        cancelled = fines.add(
            self.ledger,
            clerk,
            self.party("Ержанов Б."),
            "Айыппұл: көшеде құрылыс материалдары / Стройматериалы на улице",
            10_000_00,
            COMMISSION,
            day,
        )
        fines.cancel(
            self.ledger,
            clerk,
            cancelled,
            "Материалдар сол күні жиналды / Материалы убраны в тот же день",
            "Комиссия шешімі № 7 / Решение комиссии № 7",
            day + timedelta(days=3),
        )
        lights = subsidies.add(
            self.ledger,
            clerk,
            "Көше шамдары / Уличное освещение",
            6_000_000_00,
            "Бейбітшілік пен Жастар көшелері қараңғы / Улицы Бейбитшилик и Жастар не освещены",
            day,
        )
        subsidies.decide(
            self.ledger,
            clerk,
            lights,
            4_000_000_00,
            "Облыс әкімдігінің бұйрығы № 211 / Приказ акимата области № 211",
            "Жұмыстар жыл соңына дейін; есеп / Работы до конца года; отчёт",
            day + timedelta(days=5),
        )
        subsidies.appeal(
            self.ledger,
            clerk,
            lights,
            "Толық сома сұралады: смета қоса беріледі / Просим полную сумму: смета прилагается",
            day + timedelta(days=8),
        )
