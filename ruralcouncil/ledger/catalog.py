"""Codes, cash accounts and funds as stored in a ledger, and how the council adds to them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger import storage
from ruralcouncil.ledger.codes import CASH, EXPENDITURE, REVENUE, Code
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


def accounts(conn: sqlite3.Connection, kind: str | None = None) -> list[Code]:
    sql = "SELECT code, kind, box, name_kk, name_ru, name_en FROM accounts"
    rows = (
        conn.execute(sql + " WHERE kind = ? ORDER BY rowid", (kind,))
        if kind
        else conn.execute(sql + " ORDER BY rowid")
    )
    return [Code(*row) for row in rows]


def funds(conn: sqlite3.Connection) -> list[Fund]:
    rows = conn.execute(
        "SELECT code, restricted, name_kk, name_ru, name_en, purpose FROM funds ORDER BY rowid"
    )
    return [Fund(r[0], bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def account_kind(conn: sqlite3.Connection, code: str) -> str | None:
    if not is_code(code):  # not a code at all (even text that is not UTF-8): unknown
        return None
    row = conn.execute("SELECT kind FROM accounts WHERE code = ?", (code,)).fetchone()
    return str(row[0]) if row else None


def fund_exists(conn: sqlite3.Connection, code: str) -> bool:
    if not is_code(code):
        return False
    return conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone() is not None


def validate_new_code(conn: sqlite3.Connection, code: str) -> str:
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
        raise InvalidInput(_("Give the new code a name."))
    fallback = next(n for n in names if n)
    kk, ru, en = (n or fallback for n in names)
    return kk, ru, en


def insert_account(commit: Commit, code: Code) -> None:
    commit.conn.execute(
        "INSERT INTO accounts (code, kind, box, name_kk, name_ru, name_en, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            code.code,
            code.kind,
            code.box,
            code.name_kk,
            code.name_ru,
            code.name_en,
            storage.now_text(),
        ),
    )
    commit.append("account", code.code)


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


def add_code(
    ledger: Ledger,
    user: User,
    code: str,
    kind: str,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
) -> Code:
    """The council adds a revenue source, an expenditure program or a cash account."""
    require(user, Action.SETTINGS)
    if kind not in (REVENUE, EXPENDITURE, CASH):
        raise InvalidInput(_("Unknown kind of code {kind}.").format(kind=repr(kind)))
    code = parse_code(code)
    box = None
    if kind == REVENUE:
        box = 2 if code.startswith("TAX-") else 3
    elif kind == EXPENDITURE:
        box = {"STAFF": 4, "LOAN-REPAY": 5}.get(code, 6)
    with ledger.write(user) as commit:
        code = validate_new_code(commit.conn, code)
        new = Code(code, kind, box, *_names(name_kk, name_ru, name_en))
        insert_account(commit, new)
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
