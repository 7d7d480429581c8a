"""Users: add, reset-password, set-role, disable, enable, password (one's own), list."""

from __future__ import annotations

import argparse
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    as_user,
    command,
    json_arg,
    new_password_for,
    not_blank,
    password_for,
    print_json,
    reader,
    say,
    subject,
    user_arg,
)
from ruralcouncil.i18n import _


def cmd_user_add(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with as_user(args, "user add") as (ledger, actor):
        # Permission and the name are checked before anyone is asked for a new password.
        users.require(actor, users.Action.MANAGE_USERS)
        users.validate_name(args.name)
        role = users.validate_role(args.role)
        password = new_password_for(args.name, NEW_PASSWORD_ENV)
        user = users.add_user(ledger, actor, args.name, role.value, password, args.full_name)
    if args.json:
        print_json(
            {"id": user.id, "name": user.name, "role": user.role.value, "full_name": user.full_name}
        )
        return EXIT_OK
    say(_("Added the user {name} ({role}).").format(name=args.name, role=role.value))
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with as_user(args, "user reset-password") as (ledger, actor):
        users.require(actor, users.Action.MANAGE_USERS)
        password = new_password_for(args.name, NEW_PASSWORD_ENV)
        users.reset_password(ledger, actor, args.name, password)
    say(_("Set a new password for {name}.").format(name=args.name))
    return EXIT_OK


def cmd_user_set_role(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    not_blank(args.name, "NAME")
    with as_user(args, "user set-role") as (ledger, actor):
        users.set_role(ledger, actor, args.name, args.role)
    role = users.Role(args.role)  # set_role refused any other
    say(_("{name} is now: {role}.").format(name=args.name, role=_(users.ROLE_NAMES[role])))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    not_blank(args.name, "NAME")
    with as_user(args, "user disable") as (ledger, actor):
        users.set_active(ledger, actor, args.name, False)
    say(_("{name} was disabled: they can no longer log in.").format(name=args.name))
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    not_blank(args.name, "NAME")
    with as_user(args, "user enable") as (ledger, actor):
        users.set_active(ledger, actor, args.name, True)
    say(_("{name} was enabled.").format(name=args.name))
    return EXIT_OK


def cmd_user_password(args: argparse.Namespace) -> int:
    """One's own new password: the current one logs in, then the new one is asked for."""
    from ruralcouncil.ledger import users

    current = password_for(args.user)  # needed twice: to log in, and by the change itself
    with as_user(args, "user password", current) as (ledger, user):
        new = new_password_for(user.name, NEW_PASSWORD_ENV)
        users.change_own_password(ledger, user, current, new)
    say(_("Your password was changed."))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import users

    with reader(args) as ledger:
        rows = users.list_users(ledger)
    if args.json:
        print_json(
            [
                {"name": u.name, "role": u.role.value, "full_name": u.full_name, "active": active}
                for u, active in rows
            ]
        )
        return EXIT_OK
    for user, active in rows:
        state = "" if active else "  " + _("(disabled)")
        say(f"{user.name:<20} {_(users.ROLE_NAMES[user.role]):<20} {user.full_name}{state}")
    return EXIT_OK


def register(commands: Any) -> None:
    actions = subject(
        commands,
        "user",
        _("users: add, reset-password, set-role, disable, enable, password, list"),
    )
    roles = "admin, clerk, chair, member, auditor"

    p = command(actions, "add", cmd_user_add, _("add a user"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, help=roles)
    p.add_argument("--full-name", default="")
    json_arg(p)
    user_arg(p, "admin")

    p = command(actions, "reset-password", cmd_user_reset, _("set a forgotten password"))
    p.add_argument("name", metavar="NAME")
    user_arg(p, "admin")

    p = command(actions, "set-role", cmd_user_set_role, _("change a user's role"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("role", metavar="ROLE", help=roles)
    user_arg(p, "admin")

    p = command(
        actions, "disable", cmd_user_disable, _("disable a user: they can no longer log in")
    )
    p.add_argument("name", metavar="NAME")
    user_arg(p, "admin")

    p = command(actions, "enable", cmd_user_enable, _("enable a disabled user again"))
    p.add_argument("name", metavar="NAME")
    user_arg(p, "admin")

    p = command(
        actions,
        "password",
        cmd_user_password,
        _("change your own password (the new one from {env} or asked twice)").format(
            env=NEW_PASSWORD_ENV
        ),
    )
    p.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help=_("whose password (yours); the current one from {env} or a prompt").format(
            env=PASSWORD_ENV
        ),
    )

    p = command(actions, "list", cmd_user_list, _("list the users"))
    json_arg(p)
