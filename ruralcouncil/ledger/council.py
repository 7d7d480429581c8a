"""The council itself: who sits on it, the parties the village deals with, the interests
members declare in them, and the council's own rules (DESIGN §4.2).

The sitting council is every active user whose role is ``member`` or ``chair``. A rule
(quorum, majority, the chair's limit, the transparency threshold, the variance minimum)
changes only by a passed, confirmed resolution about ``rules:NAME=VALUE`` with the same value
(:func:`set_rule`); until then its default holds.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import settings, storage
from ruralcouncil.ledger.collation import sort_key
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput, PermissionDenied
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount, parse_amount
from ruralcouncil.ledger.parse import clean_text, nfc, shown
from ruralcouncil.ledger.roles import Action, Role, User, may, require
from ruralcouncil.ledger.storage import Ledger

COUNCIL_ROLES = (Role.MEMBER.value, Role.CHAIR.value)


class PartyKind(StrEnum):
    PERSON = "person"
    BUSINESS = "business"
    ORGANISATION = "organisation"


PARTY_KIND_NAMES = {
    PartyKind.PERSON: N_("Person"),
    PartyKind.BUSINESS: N_("Business"),
    PartyKind.ORGANISATION: N_("Organisation"),
}


@dataclass(frozen=True)
class Party:
    id: int
    name: str
    kind: PartyKind
    iin_bin: str | None


@dataclass(frozen=True)
class Interest:
    id: int
    member: str
    party_id: int
    party: str
    nature: str
    date: str


# --- dates of council events -------------------------------------------------------------


def event_date(on: date | None) -> date:
    """The date of something that happened (a meeting, a vote, an approval): today unless
    given, and never after today, since nothing is recorded before it has happened."""
    day = on or date.today()
    if day > date.today():
        raise InvalidInput(
            _("Refused: {day} is after today; record it on the day it happens.").format(
                day=shown_date(day)
            )
        )
    return day


# --- the sitting council -----------------------------------------------------------------


def sitting_members(conn: sqlite3.Connection, on: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of every active member and chair whose term (if one was set) covers the
    day ``on`` (YYYY-MM-DD; today by default), by name."""
    day = on or date.today().isoformat()
    rows = conn.execute(
        "SELECT u.id, u.name FROM users u LEFT JOIN council_terms t ON t.user_id = u.id"
        " WHERE u.active = 1 AND u.role IN (?, ?)"
        " AND (t.user_id IS NULL OR (t.starts <= ? AND (t.ends IS NULL OR ? <= t.ends)))"
        " ORDER BY u.name",
        (*COUNCIL_ROLES, day, day),
    )
    return [(int(r[0]), str(r[1])) for r in rows]


@dataclass(frozen=True)
class Term:
    member: str
    starts: str
    ends: str | None


def set_term(
    ledger: Ledger, admin: User, member: str, starts: date, ends: date | None = None
) -> None:
    """Record (or change) a member's term of office; they sit on the council only within
    it. An administrator keeps the register of members, as of users."""
    require(admin, Action.MANAGE_USERS)
    if ends is not None and ends < starts:
        raise InvalidInput(
            _("A term cannot end ({ends}) before it starts ({starts}).").format(
                ends=shown_date(ends), starts=shown_date(starts)
            )
        )
    with ledger.write(admin) as commit:
        conn = commit.conn
        member_id, member_name, role, _active = user_id_by_name(conn, member)
        if role not in COUNCIL_ROLES:
            raise InvalidInput(
                _("{name} is not a council member or the chair; only they have a term.").format(
                    name=member_name
                )
            )
        conn.execute(
            "INSERT INTO council_terms (user_id, starts, ends, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " starts = excluded.starts, ends = excluded.ends, set_by = excluded.set_by,"
            " set_at = excluded.set_at",
            (
                member_id,
                starts.isoformat(),
                ends.isoformat() if ends else None,
                admin.id,
                storage.now_text(),
            ),
        )
        commit.append("council_term", str(member_id))
        commit.event(
            "council.term",
            f"{member_name} {starts.isoformat()}..{ends.isoformat() if ends else ''}",
        )


def terms(conn: sqlite3.Connection) -> list[Term]:
    rows = conn.execute(
        "SELECT u.name, t.starts, t.ends FROM council_terms t JOIN users u ON u.id = t.user_id"
        " ORDER BY u.name"
    )
    return [Term(str(r[0]), str(r[1]), r[2]) for r in rows]


def user_id_by_name(conn: sqlite3.Connection, name: str) -> tuple[int, str, str, bool]:
    """(id, name, role, active) of the user called ``name`` (case-insensitive)."""
    name = nfc(name.strip())
    row = conn.execute(
        "SELECT id, name, role, active FROM users WHERE name = ? COLLATE NOCASE", (name,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no user called {name}.").format(name=shown(name)))
    return int(row[0]), str(row[1]), str(row[2]), bool(row[3])


def user_names(conn: sqlite3.Connection) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, name FROM users")}


# --- parties -----------------------------------------------------------------------------


def parse_iin_bin(text: str) -> str | None:
    """A person's IIN or an organisation's BIN: exactly 12 digits, or nothing."""
    value = text.strip() if len(text) <= 100 else text
    if not value:
        return None
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise InvalidInput(
            _("The IIN/BIN {text} must be exactly 12 digits.").format(text=shown(text))
        )
    return value


def parse_party_kind(text: str) -> PartyKind:
    try:
        return PartyKind(text)
    except ValueError:
        raise InvalidInput(
            _("Unknown kind of party {kind}: use one of {kinds}.").format(
                kind=shown(text), kinds=", ".join(k.value for k in PartyKind)
            )
        ) from None


def add_party(
    ledger: Ledger, user: User, name: str, kind: str = "organisation", iin_bin: str = ""
) -> int:
    """Register a person or organisation; returns its id. An IIN/BIN is unique."""
    require(user, Action.REGISTER)
    name = clean_text(_("The name"), name, limit=200, required=True)
    party_kind = parse_party_kind(kind)
    number = parse_iin_bin(iin_bin)
    with ledger.write(user) as commit:
        conn = commit.conn
        if number is not None:
            other = conn.execute(
                "SELECT id, name FROM parties WHERE iin_bin = ?", (number,)
            ).fetchone()
            if other is not None:
                raise InvalidInput(
                    _("The IIN/BIN {number} is already registered: party {id}, {name}.").format(
                        number=number, id=other[0], name=other[1]
                    )
                )
        cursor = conn.execute(
            "INSERT INTO parties (name, kind, iin_bin, user_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, party_kind.value, number, user.id, storage.now_text()),
        )
        party_id = int(cursor.lastrowid or 0)
        commit.append("party", str(party_id))
        commit.event("party.add", f"{party_id} {name}")
    return party_id


def get_party(conn: sqlite3.Connection, party_id: int) -> Party:
    row = conn.execute(
        "SELECT id, name, kind, iin_bin FROM parties WHERE id = ?", (party_id,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no party {id}.").format(id=party_id))
    return Party(int(row[0]), str(row[1]), PartyKind(row[2]), row[3])


def parties(conn: sqlite3.Connection) -> list[Party]:
    rows = conn.execute("SELECT id, name, kind, iin_bin FROM parties ORDER BY id")
    found = [Party(int(r[0]), str(r[1]), PartyKind(r[2]), r[3]) for r in rows]
    return sorted(found, key=lambda p: sort_key(p.name))


# --- declared interests ------------------------------------------------------------------


def declare_interest(
    ledger: Ledger,
    user: User,
    member: str,
    party_id: int,
    nature: str,
    on: date | None = None,
) -> int:
    """Record that ``member`` is related to, employed by or owns party ``party_id``; from
    that day they are recused on anything about that party. A member declares their own; an
    administrator may declare any member's. Returns the interest's id."""
    nature = clean_text(_("The nature of the interest"), nature, required=True)
    day = event_date(on)
    with ledger.write(user) as commit:
        conn = commit.conn
        member_id, member_name, role, active = user_id_by_name(conn, member)
        if role not in COUNCIL_ROLES or not active:
            raise InvalidInput(
                _("{name} does not sit on the council (an active member or the chair).").format(
                    name=member_name
                )
            )
        own = member_id == user.id and may(user.role, Action.COUNTERSIGN)
        if not own and not may(user.role, Action.DECLARE_FOR_MEMBERS):
            raise PermissionDenied(
                _("{user} ({role}) may declare only their own interests.").format(
                    user=user.name, role=user.role
                )
            )
        get_party(conn, party_id)
        cursor = conn.execute(
            "INSERT INTO interests (member_id, party_id, nature, date, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (member_id, party_id, nature, day.isoformat(), user.id, storage.now_text()),
        )
        interest_id = int(cursor.lastrowid or 0)
        commit.append("interest", str(interest_id))
        commit.event("interest.add", f"{interest_id} {member_name} party {party_id}")
    return interest_id


def interested_members(conn: sqlite3.Connection, party_id: int, on: str) -> set[int]:
    """Members who had declared an interest in the party by the day ``on`` (YYYY-MM-DD)."""
    rows = conn.execute(
        "SELECT member_id FROM interests WHERE party_id = ? AND date <= ?", (party_id, on)
    )
    return {int(r[0]) for r in rows}


def interests(conn: sqlite3.Connection) -> list[Interest]:
    rows = conn.execute(
        "SELECT i.id, u.name, i.party_id, p.name, i.nature, i.date FROM interests i"
        " JOIN users u ON u.id = i.member_id JOIN parties p ON p.id = i.party_id"
        " ORDER BY i.date, i.id"
    )
    return [
        Interest(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows
    ]


# --- the council's rules -----------------------------------------------------------------


class Rule(StrEnum):
    QUORUM = "quorum"
    MAJORITY = "majority"
    CHAIR_LIMIT = "chair-limit"
    REPORT_THRESHOLD = "report-threshold"
    VARIANCE_MINIMUM = "variance-minimum"


RULE_NAMES = {
    Rule.QUORUM: N_("Quorum (the share of sitting members who must be present)"),
    Rule.MAJORITY: N_("Majority (the share of votes a resolution needs)"),
    Rule.CHAIR_LIMIT: N_("The chair's limit (approval without a meeting)"),
    Rule.REPORT_THRESHOLD: N_("The transparency threshold (payments listed by name)"),
    Rule.VARIANCE_MINIMUM: N_("The variance minimum (variances to explain)"),
}
_AMOUNT_RULES = (Rule.CHAIR_LIMIT, Rule.REPORT_THRESHOLD, Rule.VARIANCE_MINIMUM)
# Stored: shares as "N/D" (more than that share is needed), amounts in tiyn.
RULE_DEFAULTS = {
    Rule.QUORUM: "1/2",
    Rule.MAJORITY: "1/2",
    Rule.CHAIR_LIMIT: str(100_000_00),
}


def parse_rule_name(text: str) -> Rule:
    try:
        return Rule(text)
    except ValueError:
        raise InvalidInput(
            _("Unknown council rule {name}: use one of {names}.").format(
                name=shown(text), names=", ".join(r.value for r in Rule)
            )
        ) from None


def _parse_share(rule: Rule, text: str) -> Fraction:
    top, slash, bottom = text.strip().partition("/")
    if (
        not slash
        or not (top.isascii() and top.isdigit() and bottom.isascii() and bottom.isdigit())
        or len(top) > 3
        or len(bottom) > 3
        or int(bottom) == 0
    ):
        raise InvalidInput(
            _("{rule} is written as a share such as 1/2 or 2/3, not {text}.").format(
                rule=rule.value, text=shown(text)
            )
        )
    share = Fraction(int(top), int(bottom))
    low = Fraction(1, 3) if rule == Rule.QUORUM else Fraction(1, 2)
    if not low <= share < 1:
        raise InvalidInput(
            _("{rule} must be at least {low} and below 1: more than that share is needed.").format(
                rule=rule.value, low=f"{low.numerator}/{low.denominator}"
            )
        )
    return share


def parse_rule_value(rule: Rule, text: str) -> str:
    """The stored form of a rule's value as typed: a share ``N/D`` for the quorum and the
    majority (never below a third and a half), an amount in tenge for the others (tiyn)."""
    if rule in _AMOUNT_RULES:
        amount = parse_amount(text.strip()) if text.strip() != "0" else 0
        if not 0 <= amount <= MAX_AMOUNT:
            raise InvalidInput(_("The amount is too large."))
        return str(amount)
    share = _parse_share(rule, text)
    return f"{share.numerator}/{share.denominator}"


def rule_value(conn: sqlite3.Connection, rule: Rule) -> str:
    """A rule's stored value: as last set by resolution, else its default (the village's
    settings hold the defaults of the two thresholds)."""
    row = conn.execute("SELECT value FROM council_rules WHERE name = ?", (rule.value,)).fetchone()
    if row is not None:
        return str(row[0])
    if rule == Rule.REPORT_THRESHOLD:
        return settings.get(conn, settings.PUBLISH_THRESHOLD)
    if rule == Rule.VARIANCE_MINIMUM:
        return settings.get(conn, settings.VARIANCE_MINIMUM)
    return RULE_DEFAULTS[rule]


def share(conn: sqlite3.Connection, rule: Rule) -> Fraction:
    top, _slash, bottom = rule_value(conn, rule).partition("/")
    return Fraction(int(top), int(bottom))


def amount_rule(conn: sqlite3.Connection, rule: Rule) -> int:
    return int(rule_value(conn, rule))


def shown_rule(rule: Rule, value: str) -> str:
    """A rule's value as people read it: ``more than 1/2``, ``100 000,00 ₸``."""
    if rule in _AMOUNT_RULES:
        return format_amount(int(value))
    return _("more than {share}").format(share=value)


def rules(conn: sqlite3.Connection) -> list[tuple[Rule, str, str | None]]:
    """Every rule: (rule, stored value, the resolution that set it or None for a default)."""
    set_by = {
        str(r[0]): f"{r[1]}/{r[2]}"
        for r in conn.execute(
            "SELECT c.name, r.year, r.number FROM council_rules c"
            " JOIN resolutions r ON r.id = c.resolution_id"
        )
    }
    return [(rule, rule_value(conn, rule), set_by.get(rule.value)) for rule in Rule]


def store_rule(commit: Commit, user: User, rule: Rule, value: str, resolution_id: int) -> None:
    """Write and chain a rule's new value inside the caller's commit (``meetings.set_rule``
    checks the resolution first)."""
    commit.conn.execute(
        "INSERT INTO council_rules (name, value, resolution_id, user_id, set_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
        " resolution_id = excluded.resolution_id, user_id = excluded.user_id,"
        " set_at = excluded.set_at",
        (rule.value, value, resolution_id, user.id, storage.now_text()),
    )
    commit.append("council_rule", rule.value)
    commit.event("council.set", f"{rule.value}={value}")
