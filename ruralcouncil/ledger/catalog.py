"""Codes, cash accounts and funds as stored in a ledger, and how the council adds to them."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger import audit, chain
from ruralcouncil.ledger.codes import CASH, EXPENDITURE, REVENUE, Code
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.storage import Ledger, now_text
from ruralcouncil.ledger.users import Action, User, require

_CODE = re.compile(r"[A-Z][A-Z0-9\-]{0,23}", re.ASCII)


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
    row = conn.execute("SELECT kind FROM accounts WHERE code = ?", (code,)).fetchone()
    return str(row[0]) if row else None


def fund_exists(conn: sqlite3.Connection, code: str) -> bool:
    return conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone() is not None


def validate_new_code(conn: sqlite3.Connection, code: str) -> None:
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            _(
                "The code {code} must be 1-24 capital Latin letters, digits or dashes, "
                "starting with a letter."
            ).format(code=repr(code))
        )
    if (
        conn.execute("SELECT 1 FROM accounts WHERE code = ?", (code,)).fetchone()
        or conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone()
    ):
        raise InvalidInput(_("The code {code} is already in use.").format(code=code))


def _names(name_kk: str, name_ru: str, name_en: str) -> tuple[str, str, str]:
    names = (name_kk.strip(), name_ru.strip(), name_en.strip())
    if not any(names):
        raise InvalidInput(_("Give the new code a name."))
    fallback = next(n for n in names if n)
    kk, ru, en = (n or fallback for n in names)
    return kk, ru, en


def insert_account(conn: sqlite3.Connection, code: Code) -> None:
    conn.execute(
        "INSERT INTO accounts (code, kind, box, name_kk, name_ru, name_en, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (code.code, code.kind, code.box, code.name_kk, code.name_ru, code.name_en, now_text()),
    )
    chain.append(conn, "account", code.code)


def insert_fund(conn: sqlite3.Connection, fund: Fund) -> None:
    conn.execute(
        "INSERT INTO funds (code, restricted, name_kk, name_ru, name_en, purpose, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            fund.code,
            int(fund.restricted),
            fund.name_kk,
            fund.name_ru,
            fund.name_en,
            fund.purpose,
            now_text(),
        ),
    )
    chain.append(conn, "fund", fund.code)


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
    box = None
    if kind == REVENUE:
        box = 2 if code.startswith("TAX-") else 3
    elif kind == EXPENDITURE:
        box = {"STAFF": 4, "LOAN-REPAY": 5}.get(code, 6)
    with ledger.write() as conn:
        validate_new_code(conn, code)
        new = Code(code, kind, box, *_names(name_kk, name_ru, name_en))
        insert_account(conn, new)
        audit.append(conn, user.name, "code.add", f"{code} {kind}")
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
    with ledger.write() as conn:
        validate_new_code(conn, code)
        fund = Fund(code, restricted, *_names(name_kk, name_ru, name_en), purpose.strip())
        insert_fund(conn, fund)
        audit.append(conn, user.name, "fund.add", f"{code} restricted={int(restricted)}")
    return fund
