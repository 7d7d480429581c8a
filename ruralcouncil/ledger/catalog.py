"""Categories (revenue sources, expenditure programs), cash accounts and funds as stored in a
ledger, and how the council adds to them. The words: :mod:`ruralcouncil.ledger.classification`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger import storage
from ruralcouncil.ledger.classification import CASH, EXPENDITURE, REVENUE, BookAccount
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.parse import clean_text, is_code, parse_code
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger


@dataclass(frozen=True)
class Fund:
    code: str
    restricted: bool
    name_kk: str
    name_ru: str
    name_en: str
    purpose: str = ""

    def name(self, lang: str | None = None) -> str:
        lang = lang or language()
        return {"kk": self.name_kk, "ru": self.name_ru}.get(lang, self.name_en)


def book_accounts(conn: sqlite3.Connection, kind: str | None = None) -> list[BookAccount]:
    """Every account of the book (categories, cash accounts, the opening-balance equity), or
    those of one kind, in the order they were added."""
    sql = "SELECT code, kind, box, name_kk, name_ru, name_en FROM accounts"
    rows = (
        conn.execute(sql + " WHERE kind = ? ORDER BY rowid", (kind,))
        if kind
        else conn.execute(sql + " ORDER BY rowid")
    )
    return [BookAccount(*row) for row in rows]


def categories(conn: sqlite3.Connection, kind: str) -> list[BookAccount]:
    """The revenue sources (``REVENUE``) or the expenditure programs (``EXPENDITURE``)."""
    assert kind in (REVENUE, EXPENDITURE), kind
    return book_accounts(conn, kind)


def cash_accounts(conn: sqlite3.Connection) -> list[BookAccount]:
    """The bank account, the cash box and any other cash account the council added."""
    return book_accounts(conn, CASH)


def funds(conn: sqlite3.Connection) -> list[Fund]:
    rows = conn.execute(
        "SELECT code, restricted, name_kk, name_ru, name_en, purpose FROM funds ORDER BY rowid"
    )
    return [Fund(r[0], bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def kind_of(conn: sqlite3.Connection, code: str) -> str | None:
    """The kind of the book account with this code (``REVENUE``, ``EXPENDITURE``, ``CASH``,
    ``EQUITY``); None when there is none."""
    if not is_code(code):  # not a code at all (even text that is not UTF-8): unknown
        return None
    row = conn.execute("SELECT kind FROM accounts WHERE code = ?", (code,)).fetchone()
    return str(row[0]) if row else None


def fund_exists(conn: sqlite3.Connection, code: str) -> bool:
    if not is_code(code):
        return False
    return conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone() is not None


def validate_new_code(conn: sqlite3.Connection, code: str) -> str:
    """The code of a new category, cash account or fund, when it is well formed and unused."""
    code = parse_code(code)
    if (
        conn.execute("SELECT 1 FROM accounts WHERE code = ?", (code,)).fetchone()
        or conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone()
    ):
        raise InvalidInput(_("The code {code} is already in use.").format(code=code))
    return code


def _names(name_kk: str, name_ru: str, name_en: str) -> tuple[str, str, str]:
    names = tuple(clean_text(_("Name"), n, limit=200) for n in (name_kk, name_ru, name_en))
    if not any(names):
        raise InvalidInput(_("Give it a name in at least one language."))
    fallback = next(n for n in names if n)
    kk, ru, en = (n or fallback for n in names)
    return kk, ru, en


def insert_book_account(commit: Commit, account: BookAccount) -> None:
    commit.conn.execute(
        "INSERT INTO accounts (code, kind, box, name_kk, name_ru, name_en, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            account.code,
            account.kind,
            account.box,
            account.name_kk,
            account.name_ru,
            account.name_en,
            storage.now_text(),
        ),
    )
    commit.append("account", account.code)


def insert_fund(commit: Commit, fund: Fund) -> None:
    commit.conn.execute(
        "INSERT INTO funds (code, restricted, name_kk, name_ru, name_en, purpose, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            fund.code,
            int(fund.restricted),
            fund.name_kk,
            fund.name_ru,
            fund.name_en,
            fund.purpose,
            storage.now_text(),
        ),
    )
    commit.append("fund", fund.code)


def add_category(
    ledger: Ledger,
    user: User,
    code: str,
    kind: str,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
) -> BookAccount:
    """The council adds a revenue source (``kind`` REVENUE) or an expenditure program
    (EXPENDITURE). A revenue source whose code starts with TAX- counts in box 2, any other
    in box 3; an expenditure program in box 6 (STAFF in 4, LOAN-REPAY in 5)."""
    require(user, Action.SETTINGS)
    if kind not in (REVENUE, EXPENDITURE):
        raise InvalidInput(_("Unknown kind of category {kind}.").format(kind=repr(kind)))
    return _add_book_account(ledger, user, code, kind, name_kk, name_ru, name_en)


def add_cash_account(
    ledger: Ledger, user: User, code: str, name_kk: str = "", name_ru: str = "", name_en: str = ""
) -> BookAccount:
    """The council adds a cash account (a second bank account, a safe)."""
    require(user, Action.SETTINGS)
    return _add_book_account(ledger, user, code, CASH, name_kk, name_ru, name_en)


def _add_book_account(
    ledger: Ledger, user: User, code: str, kind: str, name_kk: str, name_ru: str, name_en: str
) -> BookAccount:
    code = parse_code(code)
    box = None
    if kind == REVENUE:
        box = 2 if code.startswith("TAX-") else 3
    elif kind == EXPENDITURE:
        box = {"STAFF": 4, "LOAN-REPAY": 5}.get(code, 6)
    with ledger.write(user) as commit:
        code = validate_new_code(commit.conn, code)
        new = BookAccount(code, kind, box, *_names(name_kk, name_ru, name_en))
        insert_book_account(commit, new)
        commit.event("code.add", f"{code} {kind}")
    return new


def add_fund(
    ledger: Ledger,
    user: User,
    code: str,
    *,
    restricted: bool,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
    purpose: str = "",
) -> Fund:
    """A restricted fund for a project, an earmarked donation or a state subsidy."""
    require(user, Action.SETTINGS)
    purpose = clean_text(_("Purpose"), purpose, multiline=True)
    with ledger.write(user) as commit:
        code = validate_new_code(commit.conn, code)
        fund = Fund(code, restricted, *_names(name_kk, name_ru, name_en), purpose)
        insert_fund(commit, fund)
        commit.event("fund.add", f"{code} restricted={int(restricted)}")
    return fund
