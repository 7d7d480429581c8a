"""The village's settings, kept in the ledger: list (no login), set (an administrator)."""

from __future__ import annotations

import argparse
from typing import Any

from ruralcouncil.cli.common import (
    EXIT_OK,
    Refused,
    as_user,
    command,
    json_arg,
    not_blank,
    print_json,
    reader,
    say,
    subject,
    user_arg,
)
from ruralcouncil.i18n import N_, _

# A short description of each setting ``settings list`` shows, by key. A key the core adds
# without one here is listed with an empty description.
DESCRIPTIONS = {
    "village_name": N_("the village or rural district's name"),
    "council_kind": N_("what the council is: rural_maslikhat, local_community or custom"),
    "council_name": N_("the council's own name, used when its kind is custom"),
    "variance_minimum_tiyn": N_(
        "a change from the prior year needs an explanation only above this amount (tiyn)"
    ),
    "publish_threshold_tiyn": N_(
        "payments above this amount (tiyn) are listed one by one in the residents' report"
    ),
    "lock_minutes": N_("minutes without a key press or a click before the window locks (0: never)"),
}


def _description(key: str) -> str:
    return _(DESCRIPTIONS[key]) if key in DESCRIPTIONS else ""


def cmd_settings_list(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import settings

    with reader(args) as ledger:
        rows = settings.listing(ledger.conn)
    if args.json:
        print_json([{"key": k, "value": v, "description": _description(k)} for k, v in rows])
        return EXIT_OK
    for key, value in rows:
        say(f"{key:<24} {value:<24} {_description(key)}")
    return EXIT_OK


def cmd_settings_set(args: argparse.Namespace) -> int:
    from ruralcouncil.ledger import settings

    key = not_blank(args.key, "KEY")
    with as_user(args, "settings set") as (ledger, user):
        known = [k for k, _value in settings.listing(ledger.conn)]
        if key not in known:
            raise Refused(
                _("Unknown setting {key}: use one of {keys}.").format(
                    key=repr(key), keys=", ".join(known)
                )
            )
        before = settings.get(ledger.conn, key)
        settings.change(ledger, user, key, args.value)
        value = settings.get(ledger.conn, key)
    if value == before:  # the core writes nothing then
        say(
            _("The setting {key} was already {value}; nothing was changed.").format(
                key=key, value=repr(value)
            )
        )
        return EXIT_OK
    say(_("The setting {key} is now {value}.").format(key=key, value=repr(value)))
    return EXIT_OK


def register(commands: Any) -> None:
    actions = subject(commands, "settings", _("the village's settings: list, set"))
    p = command(actions, "list", cmd_settings_list, _("list the settings with their values"))
    json_arg(p)
    p = command(actions, "set", cmd_settings_set, _("change a setting"))
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")
    user_arg(p, "admin")
