"""The default classification (DESIGN §5), named in Kazakh, Russian and English.

The words, from the code to the screen:

- a *category* is a revenue source (money that comes in: kind ``revenue``) or an
  expenditure program (what money is spent on: kind ``expenditure``); a receipt names a
  revenue source and a payment an expenditure program;
- a *cash account* is where the money is: the bank account, the cash box, any other the
  council adds (kind ``cash``); an entry's ``account`` and ``to_account``;
- a *code* is only the short identifier of a category, a cash account or a fund
  (``TAX-LAND``, ``BANK``, ``GENERAL``), never the thing itself.

The double-entry book has one more account, the opening-balance equity: the other side of an
opening balance. Categories, cash accounts and that equity are the book's accounts (the
``accounts`` table): :class:`BookAccount`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruralcouncil.i18n import language


@dataclass(frozen=True)
class BookAccount:
    """An account of the double-entry book: a category (revenue source or expenditure
    program), a cash account, or the opening-balance equity; ``code`` identifies it."""

    code: str
    kind: str  # REVENUE, EXPENDITURE, CASH or EQUITY
    box: int | None  # the annual-return box of a category; None for the others
    name_kk: str
    name_ru: str
    name_en: str

    def name(self, lang: str | None = None) -> str:
        lang = lang or language()
        return {"kk": self.name_kk, "ru": self.name_ru}.get(lang, self.name_en)


# The kinds, as stored in the ledger (``accounts.kind``).
REVENUE = "revenue"  # a revenue source
EXPENDITURE = "expenditure"  # an expenditure program
CASH = "cash"  # a cash account
EQUITY = "equity"  # the opening-balance equity

DEFAULT_REVENUE_SOURCES = [
    BookAccount(
        "TAX-INCOME",
        REVENUE,
        2,
        "Жеке табыс салығының үлесі",
        "Доля индивидуального подоходного налога",
        "Individual income tax share",
    ),
    BookAccount("TAX-PROPERTY", REVENUE, 2, "Мүлік салығы", "Налог на имущество", "Property tax"),
    BookAccount("TAX-LAND", REVENUE, 2, "Жер салығы", "Земельный налог", "Land tax"),
    BookAccount(
        "TAX-VEHICLE",
        REVENUE,
        2,
        "Көлік құралдары салығы",
        "Налог на транспортные средства",
        "Vehicle tax",
    ),
    BookAccount(
        "RENT-PROPERTY",
        REVENUE,
        3,
        "Коммуналдық мүлікті жалға беру",
        "Аренда коммунального имущества",
        "Rent of municipal property",
    ),
    BookAccount(
        "RENT-NATURAL",
        REVENUE,
        3,
        "Табиғи ресурстарды жалға беру немесе сату",
        "Аренда или продажа природных ресурсов",
        "Rent or sale of natural resources",
    ),
    BookAccount(
        "SALE-PROPERTY",
        REVENUE,
        3,
        "Коммуналдық мүлікті сату",
        "Продажа коммунального имущества",
        "Sale of municipal property",
    ),
    BookAccount("FINES", REVENUE, 3, "Жергілікті айыппұлдар", "Местные штрафы", "Local fines"),
    BookAccount(
        "DONATION",
        REVENUE,
        3,
        "Ерікті қайырмалдықтар",
        "Добровольные пожертвования",
        "Voluntary donations",
    ),
    BookAccount(
        "COMMUNITY",
        REVENUE,
        3,
        "Жобаларға қауымдастық жарналары",
        "Взносы сообщества на проекты",
        "Community contributions to projects",
    ),
    BookAccount("TOURISM", REVENUE, 3, "Жергілікті туризм", "Местный туризм", "Local tourism"),
    BookAccount(
        "SEASONAL",
        REVENUE,
        3,
        "Маусымдық жұмысшылар алымы",
        "Сбор с сезонных работников",
        "Seasonal workers' levy",
    ),
    BookAccount(
        "SUBSIDY",
        REVENUE,
        3,
        "Мемлекеттік субсидиялар мен трансферттер",
        "Государственные субсидии и трансферты",
        "State subsidies and transfers",
    ),
    BookAccount("LOAN", REVENUE, 3, "Алынған қарыздар", "Полученные займы", "Loans received"),
    BookAccount("OTHER-INCOME", REVENUE, 3, "Басқа түсімдер", "Прочие поступления", "Other income"),
]

DEFAULT_EXPENDITURE_PROGRAMS = [
    BookAccount(
        "STAFF", EXPENDITURE, 4, "Қызметкерлерге шығыстар", "Расходы на персонал", "Staff costs"
    ),
    BookAccount(
        "LOAN-REPAY",
        EXPENDITURE,
        5,
        "Қарыз бойынша сыйақы мен негізгі борышты өтеу",
        "Погашение займа и вознаграждения",
        "Loan interest and capital repaid",
    ),
    BookAccount(
        "BUILDINGS",
        EXPENDITURE,
        6,
        "Қоғамдық ғимараттар",
        "Общественные здания",
        "Public buildings",
    ),
    BookAccount(
        "PUBLIC-SPACES",
        EXPENDITURE,
        6,
        "Саябақтар, ескерткіштер, көгалдандыру",
        "Парки, памятники, озеленение",
        "Parks, memorials, greenery",
    ),
    BookAccount(
        "LIGHTING", EXPENDITURE, 6, "Көшелерді жарықтандыру", "Уличное освещение", "Street lighting"
    ),
    BookAccount("ROADS", EXPENDITURE, 6, "Ауыл жолдары", "Сельские дороги", "Village roads"),
    BookAccount("WATER", EXPENDITURE, 6, "Сумен жабдықтау", "Водоснабжение", "Water supply"),
    BookAccount(
        "SANITATION",
        EXPENDITURE,
        6,
        "Тазалық және қоқыс шығару",
        "Уборка и вывоз мусора",
        "Cleaning and waste",
    ),
    BookAccount(
        "SOCIAL",
        EXPENDITURE,
        6,
        "Мүгедектер мен әлеуметтік осал тұрғындарға көмек",
        "Помощь людям с инвалидностью и уязвимым жителям",
        "Help to disabled and vulnerable residents",
    ),
    BookAccount(
        "EVENTS",
        EXPENDITURE,
        6,
        "Спорттық, мәдени және әлеуметтік іс-шаралар",
        "Спортивные, культурные и социальные мероприятия",
        "Sporting, cultural and social events",
    ),
    BookAccount(
        "VET", EXPENDITURE, 6, "Ветеринариялық қызмет", "Ветеринарная служба", "Veterinary service"
    ),
    BookAccount(
        "CAPITAL",
        EXPENDITURE,
        6,
        "Қауымдастық жобаларының жұмыстары",
        "Работы по проектам сообщества",
        "Community project works",
    ),
    BookAccount(
        "OTHER-SPENDING", EXPENDITURE, 6, "Басқа шығыстар", "Прочие расходы", "Other spending"
    ),
    # What is left of a community project, paid back to its households at its close.
    BookAccount(
        "REFUND",
        EXPENDITURE,
        6,
        "Жарналарды қайтару",
        "Возврат взносов",
        "Contributions refunded",
    ),
]

DEFAULT_CASH_ACCOUNTS = [
    BookAccount("BANK", CASH, None, "Банк шоты", "Банковский счёт", "Bank account"),
    BookAccount("CASH", CASH, None, "Касса", "Касса", "Cash box"),
]

# The other side of an opening balance: money the village held before this ledger began.
OPENING_EQUITY = BookAccount(
    "OPENING", EQUITY, None, "Бастапқы қалдықтар", "Начальные остатки", "Balances brought forward"
)

# The other side of money moved between funds by a council resolution: each fund's half of a
# fund transfer balances against it, and the two halves cancel out.
INTERFUND = BookAccount(
    "INTERFUND",
    EQUITY,
    None,
    "Қорлар арасындағы аударымдар",
    "Перемещения между фондами",
    "Transfers between funds",
)

# Every account of a new ledger's book, in the order they are stored.
DEFAULT_BOOK_ACCOUNTS = [
    *DEFAULT_REVENUE_SOURCES,
    *DEFAULT_EXPENDITURE_PROGRAMS,
    *DEFAULT_CASH_ACCOUNTS,
    OPENING_EQUITY,
    INTERFUND,
]
# The cash account of an entry that names none (DESIGN §4: `--account`, the CSV column).
DEFAULT_CASH_ACCOUNT = "BANK"

GENERAL_FUND = "GENERAL"
GENERAL_FUND_NAMES = ("Жалпы қор", "Общий фонд", "General fund")
