"""The ``fund`` and ``code`` commands: funds, and categories (revenue sources, expenditure
programs) and cash accounts by their codes: add, list."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    as_user,
    command,
    json_arg,
    print_json,
    reader,
    say,
    subject,
    user_arg,
)
from ruralcouncil.i18n import N_, _

if TYPE_CHECKING:
    from ruralcouncil.ledger.classification import BookAccount

# How ``code list`` names each kind of book account.
KIND_NAMES = {
    "revenue": N_("Revenue source"),
    "expenditure": N_("Expenditure program"),
    "cash": N_("Cash account"),
}


def cmd_fund_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog

    with as_user(args, "fund add") as (ledger, user):
        fund = catalog.add_fund(
            ledger,
            user,
            args.code,
            restricted=args.restricted,
            name_kk=args.name_kk or args.name,
            name_ru=args.name_ru or args.name,
            name_en=args.name_en or args.name,
            purpose=args.purpose,
        )
    if args.json:
        print_json(
            {
                "id": fund.code,
                "code": fund.code,
                "restricted": fund.restricted,
                "name_kk": fund.name_kk,
                "name_ru": fund.name_ru,
                "name_en": fund.name_en,
                "purpose": fund.purpose,
            }
        )
        return EXIT_OK
    say(_("Added the fund {code}.").format(code=fund.code))
    return EXIT_OK


def cmd_fund_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog

    with reader(args) as ledger:
        funds = catalog.funds(ledger.conn)
    if args.json:
        print_json(
            [
                {"code": f.code, "restricted": f.restricted, "name": f.name(), "purpose": f.purpose}
                for f in funds
            ]
        )
        return EXIT_OK
    for fund in funds:
        kind = _("restricted") if fund.restricted else _("general")
        say(f"{fund.code:<16} {kind:<12} {fund.name()}")
    return EXIT_OK


def _book_account_json(account: BookAccount) -> dict[str, Any]:
    return {
        "id": account.code,
        "code": account.code,
        "kind": account.kind,
        "box": account.box,
        "name": account.name(),
        "name_kk": account.name_kk,
        "name_ru": account.name_ru,
        "name_en": account.name_en,
    }


def cmd_code_add(args: argparse.Namespace) -> int:
    """A new revenue source or expenditure program (or, with ``--kind cash``, a cash
    account); prints its code (its id)."""
    from ruralcouncil.ledger import catalog
    from ruralcouncil.ledger.classification import CASH

    names = {
        "name_kk": args.name_kk or args.name,
        "name_ru": args.name_ru or args.name,
        "name_en": args.name_en or args.name,
    }
    with as_user(args, "code add") as (ledger, user):
        if args.kind == CASH:
            added = catalog.add_cash_account(ledger, user, args.code, **names)
        else:
            added = catalog.add_category(ledger, user, args.code, args.kind, **names)
    if args.json:
        print_json(_book_account_json(added))
    else:
        say(added.code)
    return EXIT_OK


def cmd_code_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import catalog

    with reader(args) as ledger:
        accounts = catalog.book_accounts(ledger.conn, args.kind or None)
    if args.json:
        print_json([_book_account_json(a) for a in accounts])
        return EXIT_OK
    for account in accounts:
        kind = _(KIND_NAMES[account.kind]) if account.kind in KIND_NAMES else account.kind
        say(f"{account.code:<16} {kind:<22} {account.name()}")
    return EXIT_OK


def _names(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", default="", help=_("name in every language"))
    parser.add_argument("--name-kk", default="")
    parser.add_argument("--name-ru", default="")
    parser.add_argument("--name-en", default="")


def register(commands: Any) -> None:
    actions = subject(commands, "fund", _("funds: add, list"))
    p = command(actions, "add", cmd_fund_add, _("add a fund"))
    p.add_argument("code", metavar="CODE")
    _names(p)
    p.add_argument("--purpose", default="")
    p.add_argument(
        "--restricted",
        action="store_true",
        help=_("money kept for one purpose (a project, a subsidy, a gift)"),
    )
    json_arg(p)
    user_arg(p, "admin")
    p = command(actions, "list", cmd_fund_list, _("list the funds"))
    json_arg(p)

    actions = subject(
        commands, "code", _("categories (revenue sources, expenditure programs): add, list")
    )
    p = command(actions, "add", cmd_code_add, _("add a revenue source or an expenditure program"))
    p.add_argument("code", metavar="CODE", help=_("capital Latin letters, digits and dashes"))
    p.add_argument("--kind", required=True, metavar="KIND", help="revenue, expenditure")
    _names(p)
    json_arg(p)
    user_arg(p, "admin")
    p = command(actions, "list", cmd_code_list, _("list the categories and cash accounts"))
    p.add_argument("--kind", default="", metavar="KIND", help="revenue, expenditure, cash")
    json_arg(p)
