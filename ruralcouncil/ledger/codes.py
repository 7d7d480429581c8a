"""The default classification (DESIGN §5): revenue sources, expenditure programs, cash
accounts and the general fund, named in Kazakh, Russian and English."""

from __future__ import annotations

from dataclasses import dataclass

from ruralcouncil.i18n import language


@dataclass(frozen=True)
class Code:
    code: str
    kind: str  # 'revenue', 'expenditure', 'cash', 'equity'
    box: int | None
    name_kk: str
    name_ru: str
    name_en: str

    def name(self, lang: str | None = None) -> str:
        lang = lang or language()
        return {"kk": self.name_kk, "ru": self.name_ru}.get(lang, self.name_en)


REVENUE = "revenue"
EXPENDITURE = "expenditure"
CASH = "cash"
EQUITY = "equity"

DEFAULT_REVENUE = [
    Code(
        "TAX-INCOME",
        REVENUE,
        2,
        "Жеке табыс салығының үлесі",
        "Доля индивидуального подоходного налога",
        "Individual income tax share",
    ),
    Code("TAX-PROPERTY", REVENUE, 2, "Мүлік салығы", "Налог на имущество", "Property tax"),
    Code("TAX-LAND", REVENUE, 2, "Жер салығы", "Земельный налог", "Land tax"),
    Code(
        "TAX-VEHICLE",
        REVENUE,
        2,
        "Көлік құралдары салығы",
        "Налог на транспортные средства",
        "Vehicle tax",
    ),
    Code(
        "RENT-PROPERTY",
        REVENUE,
        3,
        "Коммуналдық мүлікті жалға беру",
        "Аренда коммунального имущества",
        "Rent of municipal property",
    ),
    Code(
        "RENT-NATURAL",
        REVENUE,
        3,
        "Табиғи ресурстарды жалға беру немесе сату",
        "Аренда или продажа природных ресурсов",
        "Rent or sale of natural resources",
    ),
    Code(
        "SALE-PROPERTY",
        REVENUE,
        3,
        "Коммуналдық мүлікті сату",
        "Продажа коммунального имущества",
        "Sale of municipal property",
    ),
    Code("FINES", REVENUE, 3, "Жергілікті айыппұлдар", "Местные штрафы", "Local fines"),
    Code(
        "DONATION",
        REVENUE,
        3,
        "Ерікті қайырмалдықтар",
        "Добровольные пожертвования",
        "Voluntary donations",
    ),
    Code(
        "COMMUNITY",
        REVENUE,
        3,
        "Жобаларға қауымдастық жарналары",
        "Взносы сообщества на проекты",
        "Community contributions to projects",
    ),
    Code("TOURISM", REVENUE, 3, "Жергілікті туризм", "Местный туризм", "Local tourism"),
    Code(
        "SEASONAL",
        REVENUE,
        3,
        "Маусымдық жұмысшылар алымы",
        "Сбор с сезонных работников",
        "Seasonal workers' levy",
    ),
    Code(
        "SUBSIDY",
        REVENUE,
        3,
        "Мемлекеттік субсидиялар мен трансферттер",
        "Государственные субсидии и трансферты",
        "State subsidies and transfers",
    ),
    Code("LOAN", REVENUE, 3, "Алынған қарыздар", "Полученные займы", "Loans received"),
    Code("OTHER-INCOME", REVENUE, 3, "Басқа түсімдер", "Прочие поступления", "Other income"),
]

DEFAULT_EXPENDITURE = [
    Code("STAFF", EXPENDITURE, 4, "Қызметкерлерге шығыстар", "Расходы на персонал", "Staff costs"),
    Code(
        "LOAN-REPAY",
        EXPENDITURE,
        5,
        "Қарыз бойынша сыйақы мен негізгі борышты өтеу",
        "Погашение займа и вознаграждения",
        "Loan interest and capital repaid",
    ),
    Code(
        "BUILDINGS",
        EXPENDITURE,
        6,
        "Қоғамдық ғимараттар",
        "Общественные здания",
        "Public buildings",
    ),
    Code(
        "PUBLIC-SPACES",
        EXPENDITURE,
        6,
        "Саябақтар, ескерткіштер, көгалдандыру",
        "Парки, памятники, озеленение",
        "Parks, memorials, greenery",
    ),
    Code(
        "LIGHTING", EXPENDITURE, 6, "Көшелерді жарықтандыру", "Уличное освещение", "Street lighting"
    ),
    Code("ROADS", EXPENDITURE, 6, "Ауыл жолдары", "Сельские дороги", "Village roads"),
    Code("WATER", EXPENDITURE, 6, "Сумен жабдықтау", "Водоснабжение", "Water supply"),
    Code(
        "SANITATION",
        EXPENDITURE,
        6,
        "Тазалық және қоқыс шығару",
        "Уборка и вывоз мусора",
        "Cleaning and waste",
    ),
    Code(
        "SOCIAL",
        EXPENDITURE,
        6,
        "Мүгедектер мен әлеуметтік осал тұрғындарға көмек",
        "Помощь людям с инвалидностью и уязвимым жителям",
        "Help to disabled and vulnerable residents",
    ),
    Code(
        "EVENTS",
        EXPENDITURE,
        6,
        "Спорттық, мәдени және әлеуметтік іс-шаралар",
        "Спортивные, культурные и социальные мероприятия",
        "Sporting, cultural and social events",
    ),
    Code(
        "VET", EXPENDITURE, 6, "Ветеринариялық қызмет", "Ветеринарная служба", "Veterinary service"
    ),
    Code(
        "CAPITAL",
        EXPENDITURE,
        6,
        "Қауымдастық жобаларының жұмыстары",
        "Работы по проектам сообщества",
        "Community project works",
    ),
    Code("OTHER-SPENDING", EXPENDITURE, 6, "Басқа шығыстар", "Прочие расходы", "Other spending"),
]

DEFAULT_CASH = [
    Code("BANK", CASH, None, "Банк шоты", "Банковский счёт", "Bank account"),
    Code("CASH", CASH, None, "Касса", "Касса", "Cash box"),
]

# The other side of an opening balance: money the village held before this ledger began.
OPENING_EQUITY = Code(
    "OPENING", EQUITY, None, "Бастапқы қалдықтар", "Начальные остатки", "Balances brought forward"
)

DEFAULT_ACCOUNTS = [*DEFAULT_REVENUE, *DEFAULT_EXPENDITURE, *DEFAULT_CASH, OPENING_EQUITY]

GENERAL_FUND = "GENERAL"
GENERAL_FUND_NAMES = ("Жалпы қор", "Общий фонд", "General fund")
