"""The demo village's annual return for the year before today's (DESIGN §2.7, §4.4, §5), made
early the next year the way a council makes it, and finalised by the chair, which closes the
year while the current one stays open:

- the clerk reconciles the bank at 31 December (one payment of the last days of December not
  yet through the bank) and the chair approves it;
- the internal auditor answers the thirteen objectives (one not covered, said why) and signs;
- the clerk explains every variance that needs it, and sets the residents' inspection period;
- the council answers Section 1 by a confirmed resolution about ``governance:YEAR`` at a
  sitting in February: eight Yes, and a No for the internal audit that began late in the year;
- the chair finalises the return.

Its words are the village's own, in Kazakh with Russian alongside, like the rest of the demo:
the same whatever language the program speaks. Built through the same service functions
people use, each person logged in with their own key; nothing is dated after today.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ruralcouncil.ledger import (
    annual_return,
    internal_audit,
    meetings,
    queries,
    reconciliation,
    variances,
)
from ruralcouncil.ledger.annual_return import Answer
from ruralcouncil.ledger.internal_audit import AuditAnswer
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User

AsUser = Callable[[str], User]

# The next year's calendar (month, day), each moved back to today when today is earlier.
RECONCILED = (1, 9)  # the December statement has come: the chair approves the reconciliation
AUDIT = ((1, 12), (2, 6))  # the internal auditor's visits
SITTING = (2, 12)  # the council approves the return, and the chair finalises it
INSPECTION_MONTH = 6  # residents inspect the accounts in June, once that has come
UNPRESENTED_FROM = 24  # the unpresented payment is one of these last days of December
UNPRESENTED_LEAST = 100_000_00  # ... and not the bank's own small charge

NOT_COVERED = 4  # the budget objective: the year's budget was not kept in the ledger
LATE_AUDIT = 6  # Section 1's assertion answered No


def _variance_texts(year: int) -> dict[int, str]:
    """Why the plan's year differs from the one before (``entries.csv``), by box."""
    return {
        2: (
            f"Мүлік пен жер салығы бойынша {year} жылы берешек өндіріп алынды. / "
            f"В {year} году взыскана недоимка по налогу на имущество и земельному налогу."
        ),
        3: (
            "Аудан су құбырына 6 млн ₸ қоса қаржыландыру бөлді, клуб шатырын жөндеуге 4 млн ₸ "
            "бюджеттік кредит алынды, субвенция 3,9 млн ₸-ге өсті. / Район выделил 6 млн ₸ "
            "софинансирования водопровода, получен бюджетный кредит 4 млн ₸ на ремонт крыши "
            "клуба, субвенция выросла на 3,9 млн ₸."
        ),
        4: (
            f"{year} жылғы қаңтардан бастап мемлекеттік қызметшілердің жалақысы индекстелді. / "
            f"С января {year} года проиндексирована зарплата госслужащих."
        ),
        5: (
            f"{year} жылғы наурызда алынған бюджеттік кредит маусымнан бастап тоқсан сайын "
            f"өтелуде. / Бюджетный кредит, полученный в марте {year} года, погашается "
            "ежеквартально с июня."
        ),
        6: (
            "Су құбырының екі кезеңі (5,3 млн ₸: асар мен аудан қаражаты), клуб шатырын "
            "жөндеу (кредит есебінен) және «Қызылжар түлектері» сыйлығына мектепке компьютерлер "
            "(2,35 млн ₸). / Две очереди водопровода (5,3 млн ₸: средства асара и района), "
            "ремонт крыши клуба (за счёт кредита) и компьютеры для школы на дар «Қызылжар "
            "түлектері» (2,35 млн ₸)."
        ),
        7: (
            "Жыл басындағы қалдықтың бір бөлігі су құбыры мен клуб жөндеуіне жұмсалды. / "
            "Часть остатка на начало года израсходована на водопровод и ремонт клуба."
        ),
        10: (
            "Клуб шатырын жөндеуге аудан әкімдігінен 4 млн ₸ бюджеттік кредит (рұқсат "
            "№12-04/315); жыл соңындағы өтелмеген қалдығы. / Бюджетный кредит акимата района "
            "4 млн ₸ на ремонт крыши клуба (разрешение №12-04/315); непогашенный остаток на "
            "конец года."
        ),
    }


class DemoReturnError(ValueError):
    """The plan's year moved in a way the demo has no words for (a maintainer's mistake)."""


@dataclass
class DemoReturn:
    """Fed by ``demo._build``: made once the plan has passed the day it is finalised (or at
    the end, when today comes before that day)."""

    ledger: Ledger
    as_user: AsUser
    year: int  # the year the return is for: the one before today's
    today: date
    clerk: str
    chair: str
    members: Sequence[str]
    auditor: str
    made: bool = False

    def _on(self, month_day: tuple[int, int]) -> date:
        return min(date(self.year + 1, *month_day), self.today)

    def due(self, day: date) -> bool:
        """Whether the return comes before the plan's entry of ``day``."""
        return not self.made and day > self._on(SITTING)

    def make(self) -> None:
        self._reconcile()
        self._audit()
        self._explain()
        self._inspection()
        ref = self._resolution()
        chair = self.as_user(self.chair)
        for n in annual_return.ASSERTIONS:
            no = n == LATE_AUDIT
            annual_return.answer_assertion(
                self.ledger,
                chair,
                self.year,
                n,
                Answer.NO if no else Answer.YES,
                self._late_audit() if no else "",
                ref,
            )
        annual_return.finalise(self.ledger, chair, self.year, on=self._on(SITTING))
        self.made = True

    def _reconcile(self) -> None:
        """The statement shows one payment of the last days of December not yet through the
        bank (sent before the New Year holidays, paid out in January)."""
        balances, _box8, _box7 = reconciliation.cash_book(self.ledger.conn, self.year)
        late = self._unpresented()
        statements = dict(balances)
        explanation = ""
        if late is not None:
            statements[late.account] += late.amount
            day = date.fromisoformat(late.date)
            explanation = (
                f"{late.reference} ({day:%d.%m.%Y}) банк {self.year + 1} жылғы қаңтарда "
                f"өткізді. / {late.reference} от {day:%d.%m.%Y} проведено банком в январе "
                f"{self.year + 1} года."
            )
        reconciliation.reconcile(
            self.ledger,
            self.as_user(self.clerk),
            self.year,
            statements,
            [late.id] if late is not None else [],
            [],
            explanation,
        )
        reconciliation.approve(
            self.ledger, self.as_user(self.chair), self.year, self._on(RECONCILED)
        )

    def _unpresented(self) -> queries.EntryRow | None:
        """The year's last bank payment of the last days of December that the bank itself
        did not charge (not reversed)."""
        flt = queries.EntryFilter(year=self.year, type="payment", account="BANK")
        since = date(self.year, 12, UNPRESENTED_FROM).isoformat()
        for row in reversed(queries.before(self.ledger.conn, flt, None, limit=50)):
            if row.date < since:
                return None
            if row.amount >= UNPRESENTED_LEAST and row.reversed_by is None:
                return row
        return None

    def _audit(self) -> None:
        auditor = self.as_user(self.auditor)
        comments = {
            NOT_COVERED: (
                f"{self.year} жылғы бюджет аудандық қаржы бөлімінде қағазда жүргізілді, кітапта "
                f"жоқ: {self.year + 1} жылғы аудитте, кеңес бюджетті кітапта бекіткен соң "
                f"тексеріледі. / Бюджет {self.year} года вёлся на бумаге в районном отделе "
                f"финансов, в книге его нет: проверим в аудите {self.year + 1} года, когда "
                "совет утвердит бюджет в книге."
            ),
            9: (
                "Банк үзінділері тоқсан сайын салыстырылды; 31 желтоқсандағы салыстыруды төраға "
                "бекітті. / Выписки банка сверялись ежеквартально; сверку на 31 декабря "
                "утвердил председатель."
            ),
            13: (
                "Су құбыры мен мектепке сыйлық қаражаты тек өз мақсатына жұмсалды. / Средства "
                "водопровода и дара школе израсходованы только по назначению."
            ),
        }
        for n in internal_audit.OBJECTIVES:
            given = AuditAnswer.NOT_COVERED if n == NOT_COVERED else AuditAnswer.YES
            internal_audit.answer(self.ledger, auditor, self.year, n, given, comments.get(n, ""))
        internal_audit.sign(self.ledger, auditor, self.year, self._on(AUDIT[0]), self._on(AUDIT[1]))

    def _explain(self) -> None:
        texts = _variance_texts(self.year)
        clerk = self.as_user(self.clerk)
        for v in variances.variances(self.ledger.conn, self.year):
            if not v.needed:
                continue
            if v.box not in texts:
                raise DemoReturnError(f"box {v.box} of {self.year} moved: the demo cannot say why")
            variances.explain(self.ledger, clerk, self.year, v.box, texts[v.box])

    def _inspection(self) -> None:
        """Thirty working days in June once June has come; otherwise from the first working
        day after the sitting that approves the return."""
        june = _working_day(date(self.year + 1, INSPECTION_MONTH, 1))
        starts = june if june <= self.today else _working_day(self._on(SITTING) + timedelta(1))
        ends = starts
        while annual_return.working_days(starts, ends) < annual_return.INSPECTION_WORKING_DAYS:
            ends += timedelta(days=1)
        annual_return.set_inspection(
            self.ledger,
            self.as_user(self.clerk),
            self.year,
            starts,
            ends,
            "Әкімдік ғимараты, бухгалтерия / Здание акимата, бухгалтерия",
            "Жұмыс күндері 9:00-ден 18:00-ге дейін; құжаттардың көшірмесін алуға болады. / "
            "По рабочим дням с 9:00 до 18:00; можно снять копии документов.",
        )

    def _resolution(self) -> str:
        """The council's sitting on the return; one member present confirms the record."""
        chair = self.as_user(self.chair)
        present = [self.chair, *self.members]
        year = self.year
        meeting = meetings.open_meeting(
            self.ledger,
            chair,
            self._on(SITTING),
            present,
            secretary=self.members[-1],
            agenda=f"1. {year} жылғы жылдық есеп / Годовой отчёт за {year} год",
        )
        ref = meetings.add_resolution(
            self.ledger,
            chair,
            meeting,
            f"governance:{year}",
            f"{year} жылғы жылдық есептің 1-бөлімі (басқару туралы мәлімдеме) бекітілді / "
            f"Утверждён раздел 1 годового отчёта за {year} год (заявление об управлении)",
            present,
        )
        meetings.confirm(self.ledger, self.as_user(self.members[0]), ref)
        return ref

    def _late_audit(self) -> str:
        return (
            f"Ішкі аудитор {self.year} жылдың қыркүйегінде ғана тағайындалды: жылдың алғашқы "
            f"сегіз айы ішкі аудитпен қамтылмады. {self.year + 1} жылдан бастап аудитор есепті "
            f"тоқсан сайын тексереді. / Внутренний аудитор назначен только в сентябре "
            f"{self.year} года: первые восемь месяцев года внутренним аудитом не охвачены. С "
            f"{self.year + 1} года аудитор проверяет учёт ежеквартально."
        )


def _working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
