"""What describes the village lives in the ledger, so it travels with every backup."""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from typing import TYPE_CHECKING

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.parse import MAX_ID, nfc, parse_whole, text_problem
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

if TYPE_CHECKING:
    from ruralcouncil.ledger.commit import Commit  # a setting is written inside a commit


class CouncilKind(StrEnum):
    RURAL_MASLIKHAT = "rural_maslikhat"
    LOCAL_COMMUNITY = "local_community"
    CUSTOM = "custom"


COUNCIL_KIND_NAMES = {
    CouncilKind.RURAL_MASLIKHAT: N_("Rural maslikhat"),
    CouncilKind.LOCAL_COMMUNITY: N_("Meeting of the local community"),
    CouncilKind.CUSTOM: N_("Another name"),
}

VILLAGE_NAME = "village_name"
COUNCIL_KIND = "council_kind"
COUNCIL_NAME = "council_name"  # used when the kind is CUSTOM
VARIANCE_MINIMUM = "variance_minimum_tiyn"
PUBLISH_THRESHOLD = "publish_threshold_tiyn"
# Minutes without a key press or a click before the window locks; 0 never locks.
LOCK_MINUTES = "lock_minutes"
MAX_LOCK_MINUTES = 24 * 60

DEFAULTS = {
    COUNCIL_KIND: CouncilKind.RURAL_MASLIKHAT.value,
    COUNCIL_NAME: "",
    VARIANCE_MINIMUM: str(100_000_00),
    PUBLISH_THRESHOLD: str(100_000_00),
    LOCK_MINUTES: "15",
}


def get(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else DEFAULTS.get(key, "")


def store(commit: Commit, key: str, value: str) -> None:
    """Write and chain one setting inside the caller's commit."""
    commit.conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
    commit.append("setting", key)


def validate(key: str, value: str) -> str:
    if len(value) > 200:
        raise InvalidInput(_("The text is too long (at most 200 characters)."))
    value = value.strip()
    if key == VILLAGE_NAME and not value:
        raise InvalidInput(_("Enter the name of the village or rural district."))
    if key == COUNCIL_KIND and value not in {k.value for k in CouncilKind}:
        raise InvalidInput(_("Unknown kind of council {kind}.").format(kind=repr(value)))
    if key in (VARIANCE_MINIMUM, PUBLISH_THRESHOLD):
        return str(parse_whole(value, what=_("The limit in tiyn"), maximum=MAX_ID))
    if key == LOCK_MINUTES:
        what = _("The minutes before the window locks")
        return str(parse_whole(value, what=what, maximum=MAX_LOCK_MINUTES))
    problem = text_problem(_("The text"), value)
    if problem:
        raise InvalidInput(_("Refused: {reason}.").format(reason=problem))
    return nfc(value)


def validate_council(kind: str, name: str) -> tuple[str, str]:
    """The council's kind and name together: "another name" is nothing without the name."""
    kind = validate(COUNCIL_KIND, kind)
    name = validate(COUNCIL_NAME, name)
    if kind == CouncilKind.CUSTOM and not name:
        raise InvalidInput(
            _("The council needs its own name when neither of the two usual names is chosen.")
        )
    return kind, name


# Defaults of council rules (``council.Rule``): since the council's path, they change only by
# a resolution (``council set``), never by an administrator.
COUNCIL_RULES = {VARIANCE_MINIMUM: "variance-minimum", PUBLISH_THRESHOLD: "report-threshold"}


def change(ledger: Ledger, user: User, key: str, value: str) -> None:
    require(user, Action.SETTINGS)
    value = validate(key, value)
    if key in COUNCIL_RULES:
        raise InvalidInput(
            _(
                "{key} is a council rule now: it changes only by a resolution about "
                "rules:{rule}=VALUE (council set {rule} VALUE --resolution R)."
            ).format(key=key, rule=COUNCIL_RULES[key])
        )
    with ledger.write(user) as commit:
        conn = commit.conn
        if key in (COUNCIL_KIND, COUNCIL_NAME):
            kind = value if key == COUNCIL_KIND else get(conn, COUNCIL_KIND)
            validate_council(kind, value if key == COUNCIL_NAME else get(conn, COUNCIL_NAME))
        _change(commit, key, value)


def change_council(ledger: Ledger, user: User, kind: str, name: str) -> None:
    """Set the council's kind and name in one write, so the pair is never half changed."""
    require(user, Action.SETTINGS)
    kind, name = validate_council(kind, name)
    with ledger.write(user) as commit:
        _change(commit, COUNCIL_KIND, kind)
        _change(commit, COUNCIL_NAME, name)


def _change(commit: Commit, key: str, value: str) -> None:
    if get(commit.conn, key) == value:
        return
    store(commit, key, value)
    commit.event("setting.change", f"{key}={value}")


def council_name(conn: sqlite3.Connection) -> str:
    kind = get(conn, COUNCIL_KIND)
    if kind == CouncilKind.CUSTOM and get(conn, COUNCIL_NAME):
        return get(conn, COUNCIL_NAME)
    try:
        return _(COUNCIL_KIND_NAMES[CouncilKind(kind)])
    except ValueError:
        return _(COUNCIL_KIND_NAMES[CouncilKind.RURAL_MASLIKHAT])


def village_name(conn: sqlite3.Connection) -> str:
    return get(conn, VILLAGE_NAME)


def lock_minutes(conn: sqlite3.Connection) -> int:
    """Minutes of inactivity before the window locks (0: never). A stored value the parser
    would refuse (edited outside the program) falls back to the default."""
    try:
        return int(validate(LOCK_MINUTES, get(conn, LOCK_MINUTES)))
    except InvalidInput:
        return int(DEFAULTS[LOCK_MINUTES])


def listing(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every known setting with its value (the stored one, else its default): the village,
    the council, then every key of DEFAULTS in its order; for ``settings list``."""
    keys = dict.fromkeys([VILLAGE_NAME, COUNCIL_KIND, COUNCIL_NAME, *DEFAULTS])
    return [(key, get(conn, key)) for key in keys]
