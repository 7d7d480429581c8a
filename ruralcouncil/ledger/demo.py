"""The demo village (DESIGN §4 `demo`): a realistic ledger to try the program on.

A rural district of about 2,500 people with a yearly budget of 60-90 million tenge: the
district's subsidy is the biggest income, then local taxes, rents, fines and donations; staff
is the biggest cost, then lighting, roads, water and the rest. Three funds: the general fund,
a community-funded water pipe (asar) and an earmarked donation to the school. Everything is
posted through the same service functions users go through, so every rule holds, and the
result is the same on every run (a seeded random generator).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ruralcouncil.ledger import catalog, journal, settings
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import User, add_user, login

DEMO_PASSWORD = "demo-village-2025"  # documented in the README; every demo user has it
VILLAGE = "Қызылжар ауылдық округі"
WATER = "WATER-PROJECT"
SCHOOL = "SCHOOL-GIFT"
GENERAL = "GENERAL"

USERS = [  # name, role, full name
    ("aigerim", "clerk", "Айгерім Сәрсенбаева"),
    ("serik", "chair", "Серік Жақыпов"),
    ("dana", "member", "Дана Ким"),
    ("nurlan", "auditor", "Нұрлан Тоқтаров"),
]

_MONTHS_KK = [
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
]  # fmt: skip
_MONTHS_RU = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
_SURNAMES = [
    "Ахметов", "Омаров", "Серікбаев", "Жұмабеков", "Нұрланов", "Қасымов", "Төлеуов",
    "Бекмұхамбетов", "Сейітов", "Әбдірахманов", "Иванов", "Петренко", "Кенжебаев",
    "Мұсабеков", "Ержанов", "Оспанов", "Смағұлов", "Шевченко", "Байжанов", "Құдайбергенов",
]  # fmt: skip
_STREETS = ["Абай к-сі", "Бейбітшілік к-сі", "Мектеп к-сі", "ул. Ленина", "Жастар к-сі"]

DISTRICT = "Сарыарқа ауданы әкімдігінің қаржы бөлімі"
TAX_OFFICE = "УГД по Сарыаркинскому району"
POWER = "ТОО «Энергосбыт»"


@dataclass
class _Planned:
    entry: NewEntry
    reverse_reason: str = ""
    reverse_after: int = 0  # days after the entry
    correction: NewEntry | None = None  # the right entry, posted with the reversal


_ORDER = {EntryType.OPENING: 0, EntryType.RECEIPT: 1, EntryType.TRANSFER: 2, EntryType.PAYMENT: 3}


class _Year:
    """The plan of one calendar year, with running document numbers as a bookkeeper keeps."""

    def __init__(self, year: int, rng: random.Random, inflation: float) -> None:
        self.year, self.rng, self.inflation = year, rng, inflation
        self.items: list[_Planned] = []
        self.numbers = {"bank": 0, "in": 0, "out": 0}

    def tenge(self, low: int, high: int, step: int = 100) -> int:
        """A price in tiyn between low and high tenge, rounded to ``step``, with inflation."""
        value = self.rng.randint(low, high) * self.inflation
        return int(round(value / step) * step) * 100

    def ref(self, account: str, incoming: bool) -> str:
        if account == "BANK":
            self.numbers["bank"] += 1
            return f"ПП №{self.numbers['bank']}"
        key = "in" if incoming else "out"
        self.numbers[key] += 1
        return f"{'ПКО' if incoming else 'РКО'} №{self.numbers[key]}"

    def add(
        self,
        month: int,
        day: int,
        type_: EntryType,
        amount: int,
        code: str | None = None,
        *,
        fund: str = GENERAL,
        account: str = "BANK",
        to: str | None = None,
        who: str = "",
        what: str = "",
    ) -> _Planned:
        incoming = type_ in (EntryType.RECEIPT, EntryType.OPENING)
        entry = NewEntry(
            date=date(self.year, month, day),
            type=type_,
            amount=amount,
            code=code,
            fund=fund,
            account=account,
            to_account=to,
            counterparty=who,
            description=what,
            reference="" if type_ == EntryType.OPENING else self.ref(account, incoming),
        )
        planned = _Planned(entry)
        self.items.append(planned)
        return planned

    def receipt(
        self, month: int, day: int, code: str, amount: int, who: str, what: str, **kw: str
    ) -> _Planned:
        return self.add(month, day, EntryType.RECEIPT, amount, code, who=who, what=what, **kw)

    def payment(
        self, month: int, day: int, code: str, amount: int, who: str, what: str, **kw: str
    ) -> _Planned:
        return self.add(month, day, EntryType.PAYMENT, amount, code, who=who, what=what, **kw)

    def transfer(
        self,
        month: int,
        day: int,
        amount: int,
        source: str,
        to: str,
        what: str,
        fund: str = GENERAL,
    ) -> _Planned:
        return self.add(
            month, day, EntryType.TRANSFER, amount, fund=fund, account=source, to=to, what=what
        )


# --- what happens in a year ----------------------------------------------------------------


def _monthly(y: _Year) -> None:
    for m in range(1, 13):
        kk, ru = _MONTHS_KK[m - 1], _MONTHS_RU[m - 1]
        y.receipt(
            m,
            4,
            "SUBSIDY",
            y.tenge(3_800_000, 4_100_000, 1000),
            DISTRICT,
            f"Аудандық бюджеттен субвенция, {kk}",
        )
        y.receipt(
            m,
            12,
            "TAX-INCOME",
            y.tenge(520_000, 690_000, 1),
            TAX_OFFICE,
            f"ИПН, доля сельского округа за {ru}",
        )
        y.receipt(
            m,
            10,
            "RENT-PROPERTY",
            int(85_000 * 100 * y.inflation) // 1000 * 1000,
            "ИП Ахметова Г.К.",
            f"Аренда помещения магазина в здании клуба, {ru}",
        )
        y.payment(
            m,
            25,
            "STAFF",
            y.tenge(2_900_000, 3_050_000, 1),
            "Әкім аппаратының қызметкерлері",
            f"Жалақы, {kk}",
        )
        y.payment(
            m,
            26,
            "STAFF",
            y.tenge(500_000, 560_000, 1),
            "НАО «ГК для граждан»",
            f"ОПВ, ОСМС и социальные отчисления за {ru}",
        )
        winter = m in (1, 2, 11, 12)
        y.payment(
            m,
            15,
            "LIGHTING",
            y.tenge(300_000, 380_000, 1) if winter else y.tenge(150_000, 220_000, 1),
            POWER,
            f"Көше жарығына электр энергиясы, {kk}",
        )
        y.payment(
            m, 20, "SANITATION", y.tenge(150_000, 170_000), "ТОО «Таза Ауыл»", f"Вывоз ТБО, {ru}"
        )
        y.payment(
            m,
            28,
            "OTHER-SPENDING",
            2_500 * 100,
            "АО «Народный банк Казахстана»",
            f"Банк комиссиясы, {kk}",
        )
        y.transfer(
            m,
            3,
            y.tenge(60_000, 90_000, 10_000),
            "BANK",
            "CASH",
            "Кассаға қолма-қол ақша: шаруашылық шығыстары",
        )
        y.payment(
            m,
            y.rng.randint(6, 20),
            "OTHER-SPENDING",
            y.tenge(12_000, 35_000),
            "ИП Бекенова «Кеңсе тауарлары»",
            "Канцтовары и бумага для акимата",
            account="CASH",
        )
        if winter:
            y.payment(
                m,
                y.rng.randint(5, 22),
                "ROADS",
                y.tenge(280_000, 560_000, 1000),
                "ШҚ «Ерлан»",
                "Қар тазалау, ауыл көшелері",
            )
        for _ in range(y.rng.randint(0, 2)):
            y.receipt(
                m,
                y.rng.randint(2, 27),
                "FINES",
                y.tenge(5_000, 30_000, 500),
                y.rng.choice(_SURNAMES) + " " + y.rng.choice("АБДЕЖКМНС") + ".",
                y.rng.choice(
                    [
                        "Айыппұл: мал бағусыз жүр",
                        "Штраф за сжигание мусора",
                        "Айыппұл: көшеде құрылыс материалдары",
                    ]
                ),
                account="CASH",
            )
        if m in (3, 6, 9, 12):
            y.transfer(
                m,
                28,
                y.tenge(60_000, 100_000, 10_000),
                "CASH",
                "BANK",
                "Айыппұлдардан түскен қолма-қол ақшаны банкке тапсыру",
            )


def _seasons(y: _Year) -> None:
    r = y.rng
    # Local taxes: property and land tax mostly arrive in autumn, vehicle tax through the year.
    for m in (4, 10, 11, 12):
        y.receipt(
            m,
            18,
            "TAX-PROPERTY",
            y.tenge(300_000, 700_000, 1),
            TAX_OFFICE,
            "Налог на имущество физических лиц",
        )
        y.receipt(m, 19, "TAX-LAND", y.tenge(200_000, 450_000, 1), TAX_OFFICE, "Жер салығы")
    for m in (3, 6, 9, 12):
        y.receipt(
            m, 21, "TAX-VEHICLE", y.tenge(450_000, 800_000, 1), TAX_OFFICE, "Көлік құралдары салығы"
        )
    y.receipt(
        6,
        14,
        "RENT-NATURAL",
        y.tenge(600_000, 800_000, 1000),
        "ШҚ «Береке»",
        "Шабындық жалы, 120 га",
    )
    y.receipt(
        7,
        8,
        "RENT-NATURAL",
        y.tenge(400_000, 550_000, 1000),
        "ТОО «Қызылжар Құм»",
        "Құм карьері: табиғи ресурсты пайдалану ақысы",
    )
    for m in (8, 9, 10):
        y.receipt(
            m,
            24,
            "SEASONAL",
            y.tenge(90_000, 160_000, 500),
            "ТОО «Агрофирма Қызылжар»",
            "Сбор с сезонных работников (уборка урожая)",
        )
    y.receipt(
        7,
        6,
        "TOURISM",
        y.tenge(40_000, 80_000, 500),
        "Қымыз фестивалінің қатысушылары",
        "Қымызмұрындық фестивалі: сауда орындары үшін жарна",
        account="CASH",
    )
    y.receipt(
        12,
        22,
        "OTHER-INCOME",
        y.tenge(20_000, 60_000, 1),
        "АО «Народный банк Казахстана»",
        "Вознаграждение на остаток по счёту",
    )
    y.receipt(
        3,
        12,
        "DONATION",
        y.tenge(150_000, 300_000, 10_000),
        "ИП Жұмабеков, дүкен «Береке»",
        "Наурыз мерекесіне ерікті демеушілік",
    )
    # Spending through the year.
    y.payment(
        3,
        19,
        "EVENTS",
        y.tenge(350_000, 480_000, 1000),
        "ИП Оспанова «Той-Дастархан»",
        "Наурыз мейрамы: киіз үй, концерт, дастархан",
    )
    y.payment(
        5,
        6,
        "PUBLIC-SPACES",
        y.tenge(600_000, 850_000, 1000),
        "ТОО «Монумент-Сервис»",
        "Жеңіс ескерткішін жөндеу және гүлдер",
    )
    y.payment(
        5,
        8,
        "EVENTS",
        y.tenge(90_000, 150_000, 500),
        "Ардагерлер кеңесі",
        "9 Мамыр: ардагерлерге сыйлықтар",
        account="CASH",
    )
    y.payment(
        4,
        24,
        "PUBLIC-SPACES",
        y.tenge(250_000, 380_000, 1000),
        "КХ «Көктем»",
        "Көшеттер: қайың мен терек, 150 дана",
    )
    y.payment(
        4,
        22,
        "SANITATION",
        y.tenge(30_000, 50_000, 100),
        "ИП Бекенова «Кеңсе тауарлары»",
        "Сенбілік: қапшықтар, қолғаптар",
        account="CASH",
    )
    y.payment(
        5,
        20,
        "ROADS",
        y.tenge(1_600_000, 2_000_000, 1000),
        "ТОО «ЖолСервис»",
        "Грейдирование грунтовых улиц, 14 км",
    )
    y.payment(
        8,
        12,
        "ROADS",
        y.tenge(2_800_000, 3_600_000, 1000),
        "ТОО «ЖолСервис»",
        "Ямочный ремонт улицы Абая",
    )
    y.payment(
        4,
        10,
        "VET",
        y.tenge(330_000, 420_000, 1000),
        "ГКП «Ветеринарная станция»",
        "Бруцеллезге қарсы мал егу науқаны",
    )
    y.payment(9, 16, "VET", y.tenge(120_000, 180_000, 1000), "ИП Сейітов", "Отлов бродячих собак")
    y.payment(
        6,
        11,
        "WATER",
        y.tenge(350_000, 480_000, 1000),
        "ИП Қасымов",
        "Су мұнарасының сорғысын жөндеу",
    )
    y.payment(
        7,
        17,
        "WATER",
        y.tenge(70_000, 110_000, 100),
        "ГКП «Су арнасы»",
        "Хлорлау және су сынамаларын талдау",
    )
    y.payment(
        9,
        5,
        "BUILDINGS",
        y.tenge(1_400_000, 1_800_000, 1000),
        "ТОО «Шұбаркөл Көмір»",
        "Көмір 40 т: әкімдік пен клуб ғимаратын жылыту",
    )
    y.payment(
        10,
        8,
        "SOCIAL",
        y.tenge(700_000, 950_000, 1000),
        "ТОО «Шұбаркөл Көмір»",
        "Аз қамтылған отбасыларға көмір, 18 отбасы",
    )
    for name in r.sample(_SURNAMES, 3):
        y.payment(
            r.choice((2, 6, 11)),
            r.randint(5, 25),
            "SOCIAL",
            y.tenge(30_000, 50_000, 1000),
            f"{name} {r.choice('АБЕЖКМНС')}.",
            "Мүгедектігі бар тұрғынға біржолғы көмек",
            account="CASH",
        )
    y.payment(
        10,
        1,
        "EVENTS",
        y.tenge(80_000, 120_000, 1000),
        "Ауылдық клуб",
        "Қарттар күні: концерт және сыйлықтар",
        account="CASH",
    )
    y.payment(
        8,
        30,
        "EVENTS",
        y.tenge(250_000, 350_000, 1000),
        "Спорт комитеті",
        "Көкпар турнирі: жүлде қоры",
    )
    y.payment(
        12,
        14,
        "EVENTS",
        y.tenge(150_000, 220_000, 1000),
        "Ауылдық клуб",
        "День Независимости: праздничный концерт",
    )
    y.payment(
        7,
        9,
        "BUILDINGS",
        y.tenge(2_500_000, 3_400_000, 1000),
        "ТОО «Құрылыс-Сервис»",
        "Әкімдік ғимаратын ағымдағы жөндеу",
    )
    y.payment(
        10,
        14,
        "WATER",
        y.tenge(600_000, 900_000, 1000),
        "ГКП «Су арнасы»",
        "Замена задвижек на водопроводной сети",
    )
    y.payment(
        11,
        7,
        "LIGHTING",
        y.tenge(550_000, 750_000, 1000),
        "ИП Қасымов",
        "LED шамдарды ауыстыру, 30 дана",
    )


def _water_project(y: _Year, first: bool) -> None:
    """The asar water pipe: households pay once a year in cash; low-income ones are exempt."""
    r = y.rng
    per_household = 15_000 if first else 20_000
    households = r.sample([(s, st) for s in _SURNAMES for st in _STREETS], 36)
    for i, (surname, street) in enumerate(households):
        month, day = (6, 3 + i // 3) if i < 30 else (7, 1 + i - 30)
        y.receipt(
            month,
            day,
            "COMMUNITY",
            per_household * 100,
            f"{surname} {r.choice('АБДЕЖКМНС')}., {street} {r.randint(1, 60)}",
            "Асар: су құбырына үй шаруашылығының жарнасы",
            fund=WATER,
            account="CASH",
        )
    y.transfer(
        6,
        15,
        12 * per_household * 100,
        "CASH",
        "BANK",
        "Асар жарналарын банкке тапсыру",
        fund=WATER,
    )
    y.transfer(
        7,
        10,
        24 * per_household * 100,
        "CASH",
        "BANK",
        "Асар жарналарын банкке тапсыру",
        fund=WATER,
    )
    if first:
        y.payment(
            9,
            18,
            "CAPITAL",
            450_000 * 100,
            "ТОО «СуЖоба»",
            "Су құбырының жобалық-сметалық құжаттамасы",
            fund=WATER,
        )
        return
    y.receipt(
        4,
        2,
        "SUBSIDY",
        6_000_000 * 100,
        DISTRICT,
        "Софинансирование водопровода из районного бюджета",
        fund=WATER,
    )
    y.payment(
        5,
        14,
        "CAPITAL",
        2_400_000 * 100,
        "ТОО «СуҚұрылыс»",
        "Су құбыры, 1-кезең: траншея және құбырлар, 1,2 км",
        fund=WATER,
    )
    y.payment(
        8,
        20,
        "CAPITAL",
        2_900_000 * 100,
        "ТОО «СуҚұрылыс»",
        "Су құбыры, 2-кезең: үйлерге қосу",
        fund=WATER,
    )


def _once(y: _Year, first_year: int) -> list[_Planned]:
    """One-off events: a sale, a loan, the school donation, and the mistakes that get reversed."""
    n = y.year - first_year
    fixed: list[_Planned] = []
    if n == 0:
        y.receipt(
            2,
            16,
            "SALE-PROPERTY",
            1_200_000 * 100,
            "Бекболатов Ерлан",
            "Ескі УАЗ-469 автокөлігін аукционда сату",
        )
        dup = y.payment(
            1, 16, "LIGHTING", 341_870 * 100, POWER, "Көше жарығына электр энергиясы, қаңтар"
        )
        dup.reverse_reason, dup.reverse_after = "Екі рет енгізілген төлем (дубликат)", 3
        fixed.append(dup)
        y.receipt(
            11,
            20,
            "DONATION",
            2_500_000 * 100,
            "«Қызылжар түлектері» қоғамдық қоры",
            "Мектептің компьютер сыныбына арналған қайырмалдық",
            fund=SCHOOL,
        )
    elif n == 1:
        y.receipt(
            3,
            6,
            "LOAN",
            4_000_000 * 100,
            DISTRICT,
            "Бюджетный кредит на ремонт клуба (разрешение №12-04/315 от 14.02)",
        )
        y.payment(
            3, 25, "BUILDINGS", 3_800_000 * 100, "ТОО «Құрылыс-Сервис»", "Клуб шатырын жөндеу"
        )
        for m in (6, 9, 12):
            y.payment(
                m,
                10,
                "LOAN-REPAY",
                360_000 * 100,
                DISTRICT,
                "Погашение бюджетного кредита и вознаграждение",
            )
        y.payment(
            1,
            28,
            "OTHER-SPENDING",
            2_350_000 * 100,
            "ТОО «TechnoDom Kazakhstan»",
            "Мектепке 10 компьютер және проектор",
            fund=SCHOOL,
        )
        y.receipt(
            2,
            6,
            "DONATION",
            300_000 * 100,
            "Мұсабеков Асқар (Алматы)",
            "Мектеп кітапханасына кітаптар үшін",
            fund=SCHOOL,
        )
        wrong = y.receipt(
            4,
            10,
            "RENT-PROPERTY",
            850_000 * 100,
            "ИП Ахметова Г.К.",
            "Аренда помещения магазина, апрель",
        )
        wrong.reverse_reason = "Сома қате енгізілді: 850 000 орнына 85 000 ₸ болуы керек"
        wrong.reverse_after = 1
        wrong.correction = NewEntry(
            date(y.year, 4, 11),
            EntryType.RECEIPT,
            85_000 * 100,
            "RENT-PROPERTY",
            counterparty="ИП Ахметова Г.К.",
            description="Аренда помещения магазина, апрель (исправлено)",
            reference="ПП к/25-04",
        )
        miscoded = y.payment(
            7, 22, "ROADS", 186_400 * 100, "ТОО «Таза Ауыл»", "Стихиялық қоқыс үйінділерін шығару"
        )
        miscoded.reverse_reason = "Код қате: SANITATION бағдарламасына жатады"
        miscoded.reverse_after = 2
        miscoded.correction = NewEntry(
            date(y.year, 7, 24),
            EntryType.PAYMENT,
            186_400 * 100,
            "SANITATION",
            counterparty="ТОО «Таза Ауыл»",
            description="Стихиялық қоқыс үйінділерін шығару",
            reference="ПП к/25-07",
        )
        fixed += [wrong, miscoded]
    else:
        for m in (3, 6, 9):
            y.payment(
                m,
                10,
                "LOAN-REPAY",
                360_000 * 100,
                DISTRICT,
                "Погашение бюджетного кредита и вознаграждение",
            )
        y.payment(
            4,
            15,
            "CAPITAL",
            1_100_000 * 100,
            "ТОО «СуҚұрылыс»",
            "Су құбыры, 3-кезең: су өлшегіштер",
            fund=WATER,
        )
        y.payment(
            8,
            26,
            "OTHER-SPENDING",
            180_000 * 100,
            "ИП Жанұзақова «Кітап әлемі»",
            "Мектеп кітапханасына кітаптар",
            fund=SCHOOL,
        )
        twice = y.transfer(
            2, 3, 120_000 * 100, "BANK", "CASH", "Кассаға қолма-қол ақша (қате: банкте орындалмады)"
        )
        twice.reverse_reason, twice.reverse_after = "Операция банкте орындалмады", 2
        fixed.append(twice)
    return fixed


# --- building the ledger -------------------------------------------------------------------


def _plan(years: tuple[int, ...], rng: random.Random) -> Iterator[_Planned]:
    first = min(years)
    opening = _Year(first, rng, 1.0)
    opening.add(1, 1, EntryType.OPENING, 8_480_000 * 100, what="Бастапқы қалдық: банк шоты")
    opening.add(
        1, 1, EntryType.OPENING, 84_350 * 100, account="CASH", what="Бастапқы қалдық: касса"
    )
    yield from opening.items
    for year in sorted(years):
        y = _Year(year, rng, 1.09 ** (year - first))
        _monthly(y)
        _seasons(y)
        if year - first < 2:
            _water_project(y, first=year == first)
        _once(y, first)
        yield from y.items


def create_demo(path: Path | str, *, years: tuple[int, ...] = (2024, 2025, 2026)) -> Ledger:
    """Write the demo village to a new file ``path`` and return it open for writing.

    Nothing is dated after today; the first year is closed by the chair when it is over.
    """
    today = date.today()
    rng = random.Random(2025)
    ledger = init_ledger(
        path,
        village=VILLAGE,
        admin="admin",
        password=DEMO_PASSWORD,
        council_kind=settings.CouncilKind.RURAL_MASLIKHAT.value,
        admin_full_name="Ерлан Әбенов",
    )
    # The demo is made in one go and checked at the end, so flushing every entry to disk
    # on its own would only make old PCs wait; full safety is back on before it is handed over.
    ledger.conn.execute("PRAGMA synchronous = OFF")
    try:
        # Every write is signed by its author, so each demo user logs in as a person would.
        admin = _user(ledger, "admin")
        for name, role, full_name in USERS:
            add_user(ledger, admin, name, role, DEMO_PASSWORD, full_name)
        catalog.add_fund(
            ledger,
            admin,
            WATER,
            restricted=True,
            name_kk="Су құбыры жобасы (асар)",
            name_ru="Проект водопровода (асар)",
            name_en="Water pipe project (asar)",
            purpose="Тұрғындар жинаған қаражат пен аудандық қоса қаржыландыру: тек су құбырына",
        )
        catalog.add_fund(
            ledger,
            admin,
            SCHOOL,
            restricted=True,
            name_kk="Мектепке сыйлық",
            name_ru="Дар школе",
            name_en="Gift to the school",
            purpose="«Қызылжар түлектері» қорының мақсатты қайырмалдығы: мектеп жабдығы",
        )
        clerk = _user(ledger, "aigerim")
        _post(ledger, clerk, sorted(_plan(years, rng), key=_when), today)
        first = min(years)
        if first < today.year:
            journal.close_year(ledger, _user(ledger, "serik"), first)
    except BaseException:
        ledger.close()
        Path(path).unlink(missing_ok=True)
        raise
    ledger.conn.execute("PRAGMA synchronous = FULL")
    ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ledger


def _user(ledger: Ledger, name: str) -> User:
    return login(ledger, name, DEMO_PASSWORD)


def _when(item: _Planned) -> tuple[date, int]:
    return item.entry.date, _ORDER[item.entry.type]


def _post(ledger: Ledger, clerk: User, plan: list[_Planned], today: date) -> None:
    """Post the plan in date order; reversals and their corrections follow in date order."""
    later: list[tuple[date, int, int, _Planned]] = []  # (day, order, entry id, item)
    for item in plan:
        if item.entry.date > today:
            continue
        while later and later[0][0] < item.entry.date:
            _correct(ledger, clerk, later.pop(0), today)
        entry_id = journal.record(ledger, clerk, item.entry)
        if item.reverse_reason:
            on = min(item.entry.date + timedelta(days=item.reverse_after), today)
            later.append((on, len(later), entry_id, item))
            later.sort(key=lambda x: (x[0], x[1]))
    for pending in later:
        _correct(ledger, clerk, pending, today)


def _correct(
    ledger: Ledger, clerk: User, pending: tuple[date, int, int, _Planned], today: date
) -> None:
    on, _order, entry_id, item = pending
    journal.reverse(ledger, clerk, entry_id, item.reverse_reason, on=on)
    if item.correction is not None and item.correction.date <= today:
        journal.record(ledger, clerk, item.correction)
