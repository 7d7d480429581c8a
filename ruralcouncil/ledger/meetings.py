"""Meetings, resolutions and votes: how the council decides (DESIGN §4.2).

The chair opens a meeting with the members present and records each resolution with every
vote as taken. A resolution is refused at a meeting without quorum for it (members recused
on its subject's party do not count). It passes by more than the council's majority of the
present, non-recused members, and takes effect only once another member present confirms
the record of the votes with their own password (:func:`confirm`), so the chair alone cannot
invent a vote or a quorum. Each resolution authorises exactly the one action its subject
names, once (:func:`use`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, storage
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.dates import parse_year, shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import format_plain, parse_amount
from ruralcouncil.ledger.parse import clean_text, parse_code, parse_id, shown
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    RECUSED = "recused"
    ABSENT = "absent"


VOTE_NAMES = {
    Vote.FOR: N_("For"),
    Vote.AGAINST: N_("Against"),
    Vote.ABSTAIN: N_("Abstained"),
    Vote.RECUSED: N_("Recused"),
    Vote.ABSENT: N_("Absent"),
}

SUBJECT_KINDS = (
    "budget",
    "request",
    "virement",
    "fund-transfer",
    "rules",
    "donation",
    "project",
    "exemption",
    "loan",
    "governance",
    "other",
)


@dataclass(frozen=True)
class Meeting:
    id: int
    date: str
    sitting: tuple[int, ...]
    present: tuple[int, ...]
    secretary_id: int | None
    agenda: str
    chair_id: int


@dataclass(frozen=True)
class Resolution:
    id: int
    year: int
    number: int
    meeting_id: int
    date: str
    subject: str
    text: str
    passed: bool
    chair_id: int
    votes: dict[int, Vote] = field(default_factory=dict)
    confirmed_by: int | None = None
    used_for: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.year}/{self.number}"

    @property
    def in_effect(self) -> bool:
        return self.passed and self.confirmed_by is not None


# --- subjects ----------------------------------------------------------------------------


def _plain_amount(tiyn: int) -> str:
    text = format_plain(tiyn)
    return text[:-3] if text.endswith(".00") else text


def parse_subject(conn: sqlite3.Connection, text: str) -> str:
    """The canonical form of a resolution's subject, checked against the ledger: the funds,
    the party, the request and the rule it names must exist (and a rule's value be valid)."""
    raw = text.strip() if len(text) <= 300 else ""
    kind, _sep, rest = raw.partition(":")
    parts = rest.split(":") if rest else []

    def bad() -> InvalidInput:
        return InvalidInput(
            _(
                "The subject {subject} is not one of: budget:YEAR, request:ID, virement:YEAR, "
                "fund-transfer:FROM:TO:AMOUNT, rules:NAME=VALUE, donation:ID, project:ID, "
                "exemption:HOUSEHOLD:YEAR, loan:PARTY:PRINCIPAL, governance:YEAR, other."
            ).format(subject=shown(text))
        )

    if kind == "other" and not parts:
        return "other"
    if kind in ("budget", "virement", "governance") and len(parts) == 1:
        return f"{kind}:{parse_year(parts[0])}"
    if kind in ("request", "donation", "project") and len(parts) == 1:
        number = parse_id(parts[0])
        if kind == "request":
            from ruralcouncil.ledger import spending

            spending.refuse_unless_draft(conn, number)
        elif kind == "donation":
            from ruralcouncil.ledger import donations

            donations.get(conn, number)
        elif kind == "project":
            from ruralcouncil.ledger import projects

            projects.get(conn, number)
        return f"{kind}:{number}"
    if kind == "fund-transfer" and len(parts) == 3:
        source, target = parse_code(parts[0]), parse_code(parts[1])
        for code in (source, target):
            if not catalog.fund_exists(conn, code):
                raise InvalidInput(_("unknown fund {code}").format(code=code))
        if source == target:
            raise InvalidInput(_("A fund transfer needs two different funds."))
        return f"fund-transfer:{source}:{target}:{_plain_amount(parse_amount(parts[2]))}"
    if kind == "rules" and len(parts) == 1 and "=" in parts[0]:
        name, _eq, value = parts[0].partition("=")
        rule = council.parse_rule_name(name.strip())
        return f"rules:{rule.value}={council.parse_rule_value(rule, value)}"
    if kind == "exemption" and len(parts) == 2:
        from ruralcouncil.ledger import households

        household = households.get(conn, parse_id(parts[0]))
        return f"exemption:{household.id}:{parse_year(parts[1])}"
    if kind == "loan" and len(parts) == 2:
        party = council.get_party(conn, parse_id(parts[0]))
        return f"loan:{party.id}:{_plain_amount(parse_amount(parts[1]))}"
    raise bad()


def subject_party(conn: sqlite3.Connection, subject: str) -> int | None:
    """The party a subject is about, whose interested members are recused on it."""
    kind, _sep, rest = subject.partition(":")
    if kind == "request":
        row = conn.execute("SELECT party_id FROM requests WHERE id = ?", (int(rest),)).fetchone()
        return int(row[0]) if row else None
    if kind == "loan":
        return int(rest.split(":")[0])
    if kind == "donation":
        row = conn.execute("SELECT party_id FROM donations WHERE id = ?", (int(rest),)).fetchone()
        return int(row[0]) if row else None
    if kind == "exemption":
        row = conn.execute(
            "SELECT head_id FROM households WHERE id = ?", (int(rest.split(":")[0]),)
        ).fetchone()
        return int(row[0]) if row else None
    return None


# --- meetings ----------------------------------------------------------------------------


def _names_to_ids(conn: sqlite3.Connection, names: list[str]) -> list[int]:
    ids: list[int] = []
    for name in names:
        if not name.strip():
            continue
        user_id, shown_name, _role, _active = council.user_id_by_name(conn, name)
        if user_id in ids:
            raise InvalidInput(_("{name} is named twice.").format(name=shown_name))
        ids.append(user_id)
    return ids


def open_meeting(
    ledger: Ledger,
    chair: User,
    on: date | None,
    present: list[str],
    *,
    secretary: str = "",
    agenda: str = "",
) -> int:
    """Open a meeting with the members present; the council sitting that day is kept with
    it, for every quorum counted there. Returns the meeting's id."""
    require(chair, Action.CHAIR)
    day = council.event_date(on)
    agenda = clean_text(_("The agenda"), agenda, multiline=True, limit=4000)
    with ledger.write(chair) as commit:
        conn = commit.conn
        sitting = [user_id for user_id, _name in council.sitting_members(conn, day.isoformat())]
        names = council.user_names(conn)
        present_ids = _names_to_ids(conn, present)
        if not present_ids:
            raise InvalidInput(_("Name the members present."))
        for user_id in present_ids:
            if user_id not in sitting:
                raise InvalidInput(
                    _(
                        "{name} does not sit on the council on {day} (an active member or the "
                        "chair, within their term)."
                    ).format(name=names[user_id], day=shown_date(day))
                )
        if chair.id not in present_ids:
            raise InvalidInput(_("The chair who opens the meeting must be among those present."))
        secretary_id = None
        if secretary.strip():
            secretary_id = _names_to_ids(conn, [secretary])[0]
            if secretary_id not in present_ids:
                raise InvalidInput(
                    _("The secretary {name} must be among those present.").format(
                        name=names[secretary_id]
                    )
                )
        cursor = conn.execute(
            "INSERT INTO meetings (date, sitting, present, secretary_id, agenda, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                day.isoformat(),
                json.dumps(sorted(sitting)),
                json.dumps(sorted(present_ids)),
                secretary_id,
                agenda,
                chair.id,
                storage.now_text(),
            ),
        )
        meeting_id = int(cursor.lastrowid or 0)
        commit.append("meeting", str(meeting_id))
        commit.event("meeting.open", f"{meeting_id} {day.isoformat()}")
    return meeting_id


def get_meeting(conn: sqlite3.Connection, meeting_id: int) -> Meeting:
    row = conn.execute(
        "SELECT id, date, sitting, present, secretary_id, agenda, user_id FROM meetings"
        " WHERE id = ?",
        (meeting_id,),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no meeting {id}.").format(id=meeting_id))
    return Meeting(
        int(row[0]),
        str(row[1]),
        tuple(json.loads(row[2])),
        tuple(json.loads(row[3])),
        row[4],
        str(row[5]),
        int(row[6]),
    )


def meetings(conn: sqlite3.Connection, year: int | None = None) -> list[Meeting]:
    where, params = ("WHERE date LIKE ?", [f"{year}-%"]) if year else ("", [])
    ids = [
        int(r[0])
        for r in conn.execute(f"SELECT id FROM meetings {where} ORDER BY date, id", params)
    ]
    return [get_meeting(conn, i) for i in ids]


# --- resolutions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """How a resolution's votes count: who may vote on it, whether they are a quorum, and
    whether it passed."""

    votes: dict[int, Vote]
    counted: int  # present and not recused
    quorum_needed: int
    passed: bool


def recused_members(conn: sqlite3.Connection, meeting: Meeting, subject: str) -> set[int]:
    """Members present at ``meeting`` who had declared an interest, by its date, in the party
    of ``subject`` (canonical): they do not vote on it nor count towards its quorum."""
    party = subject_party(conn, subject)
    if party is None:
        return set()
    return council.interested_members(conn, party, meeting.date) & set(meeting.present)


def count_votes(
    conn: sqlite3.Connection,
    meeting: Meeting,
    subject: str,
    voted_for: list[int],
    against: list[int],
    abstain: list[int],
) -> Count:
    """Every sitting member's vote on ``subject`` at ``meeting``; refuses a vote by someone
    absent or recused, a name given twice, and an item without quorum."""
    names = council.user_names(conn)
    recused = recused_members(conn, meeting, subject)
    given: dict[int, Vote] = {}
    for vote, ids in ((Vote.FOR, voted_for), (Vote.AGAINST, against), (Vote.ABSTAIN, abstain)):
        for user_id in ids:
            name = names.get(user_id, str(user_id))
            if user_id in given:
                raise InvalidInput(_("{name} is given more than one vote.").format(name=name))
            if user_id not in meeting.present:
                raise InvalidInput(
                    _(
                        "{name} was not present at the meeting of {day}: their vote is refused."
                    ).format(name=name, day=shown_date(meeting.date))
                )
            if user_id in recused:
                raise InvalidInput(
                    _(
                        "{name} has declared an interest in the party of this item and is "
                        "recused: their vote is refused."
                    ).format(name=name)
                )
            given[user_id] = vote
    votes: dict[int, Vote] = {}
    for user_id in sorted(set(meeting.sitting) | set(meeting.present)):
        if user_id in recused:
            votes[user_id] = Vote.RECUSED
        elif user_id not in meeting.present:
            votes[user_id] = Vote.ABSENT
        else:
            votes[user_id] = given.get(user_id, Vote.ABSTAIN)
    counted = len(set(meeting.present) - recused)
    quorum = council.share(conn, council.Rule.QUORUM)
    sitting = len(meeting.sitting)
    # "More than" the share: the smallest whole number of members above it.
    needed = int(quorum * sitting) + 1
    if counted < needed:
        raise InvalidInput(
            _(
                "Refused: no quorum for this item. {counted} of the {sitting} sitting members "
                "are present and not recused; at least {needed} are needed."
            ).format(counted=counted, sitting=sitting, needed=needed)
        )
    majority = council.share(conn, council.Rule.MAJORITY)
    in_favour = sum(1 for v in votes.values() if v == Vote.FOR)
    return Count(votes, counted, needed, in_favour > majority * counted)


def add_resolution(
    ledger: Ledger,
    chair: User,
    meeting_id: int,
    subject: str,
    text: str,
    voted_for: list[str],
    against: list[str] | None = None,
    abstain: list[str] | None = None,
) -> str:
    """Record a resolution and every vote as taken at the meeting; returns its number
    (``2026/3``). It takes effect once confirmed (:func:`confirm`)."""
    require(chair, Action.CHAIR)
    text = clean_text(
        _("The text of the resolution"), text, multiline=True, limit=4000, required=True
    )
    with ledger.write(chair) as commit:
        conn = commit.conn
        meeting = get_meeting(conn, meeting_id)
        if chair.id not in meeting.present:
            raise InvalidInput(_("Only the chair present at the meeting records its resolutions."))
        canonical = parse_subject(conn, subject)
        count = count_votes(
            conn,
            meeting,
            canonical,
            _names_to_ids(conn, voted_for),
            _names_to_ids(conn, against or []),
            _names_to_ids(conn, abstain or []),
        )
        year = int(meeting.date[:4])
        number = int(
            conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM resolutions WHERE year = ?", (year,)
            ).fetchone()[0]
        )
        cursor = conn.execute(
            "INSERT INTO resolutions (year, number, meeting_id, subject, text, passed, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                year,
                number,
                meeting.id,
                canonical,
                text,
                int(count.passed),
                chair.id,
                storage.now_text(),
            ),
        )
        resolution_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO votes (resolution_id, member_id, vote) VALUES (?, ?, ?)",
            [(resolution_id, user_id, vote.value) for user_id, vote in count.votes.items()],
        )
        commit.append("resolution", str(resolution_id))
        ref = f"{year}/{number}"
        commit.event("resolution.add", f"{ref} {canonical} passed={int(count.passed)}")
    return ref


def parse_ref(text: str) -> tuple[int, int]:
    """``2026/3`` -> (2026, 3)."""
    year, slash, number = text.strip().partition("/") if len(text) <= 40 else ("", "", "")
    if not slash:
        raise InvalidInput(
            _("The resolution {text} must be written YEAR/NUMBER, such as 2026/3.").format(
                text=shown(text)
            )
        )
    return parse_year(year), parse_id(number, _("The resolution's number"))


def _resolution_id(conn: sqlite3.Connection, ref: str) -> int:
    year, number = parse_ref(ref)
    row = conn.execute(
        "SELECT id FROM resolutions WHERE year = ? AND number = ?", (year, number)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no resolution {ref}.").format(ref=f"{year}/{number}"))
    return int(row[0])


def get_resolution(conn: sqlite3.Connection, ref: str) -> Resolution:
    return resolution_by_id(conn, _resolution_id(conn, ref))


def resolution_by_id(conn: sqlite3.Connection, resolution_id: int) -> Resolution:
    row = conn.execute(
        "SELECT r.id, r.year, r.number, r.meeting_id, m.date, r.subject, r.text, r.passed,"
        " r.user_id, c.user_id, u.action || ' ' || u.record"
        " FROM resolutions r JOIN meetings m ON m.id = r.meeting_id"
        " LEFT JOIN confirmations c ON c.resolution_id = r.id"
        " LEFT JOIN resolution_uses u ON u.resolution_id = r.id WHERE r.id = ?",
        (resolution_id,),
    ).fetchone()
    votes = {
        int(v[0]): Vote(v[1])
        for v in conn.execute(
            "SELECT member_id, vote FROM votes WHERE resolution_id = ? ORDER BY member_id",
            (resolution_id,),
        )
    }
    return Resolution(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        int(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        bool(row[7]),
        int(row[8]),
        votes,
        row[9],
        row[10],
    )


def resolutions(conn: sqlite3.Connection, year: int | None = None) -> list[Resolution]:
    where, params = ("WHERE year = ?", [year]) if year else ("", [])
    ids = [
        int(r[0])
        for r in conn.execute(f"SELECT id FROM resolutions {where} ORDER BY year, number", params)
    ]
    return [resolution_by_id(conn, i) for i in ids]


def ready_for(conn: sqlite3.Connection, subject: str) -> list[Resolution]:
    """The resolutions that may still decide ``subject``: about exactly it, passed, confirmed
    and not yet used (what :func:`use` would accept)."""
    return [
        r for r in resolutions(conn) if r.subject == subject and r.in_effect and r.used_for is None
    ]


def confirm(ledger: Ledger, member: User, ref: str) -> None:
    """A member present at the meeting (not the chair who recorded it, nor a member recused
    on it) countersigns the record of the votes with their own password."""
    require(member, Action.COUNTERSIGN)
    with ledger.write(member) as commit:
        conn = commit.conn
        resolution = get_resolution(conn, ref)
        if resolution.confirmed_by is not None:
            raise InvalidInput(
                _("Resolution {ref} was already confirmed.").format(ref=resolution.ref)
            )
        if member.id == resolution.chair_id:
            raise InvalidInput(
                _(
                    "The chair who recorded resolution {ref} cannot confirm it: another member "
                    "present must."
                ).format(ref=resolution.ref)
            )
        vote = resolution.votes.get(member.id)
        if vote is None or vote == Vote.ABSENT:
            raise InvalidInput(
                _("{name} was not present at the meeting of resolution {ref}.").format(
                    name=member.name, ref=resolution.ref
                )
            )
        if vote == Vote.RECUSED:
            raise InvalidInput(
                _("{name} was recused on resolution {ref} and cannot confirm it.").format(
                    name=member.name, ref=resolution.ref
                )
            )
        conn.execute(
            "INSERT INTO confirmations (resolution_id, user_id, confirmed_at) VALUES (?, ?, ?)",
            (resolution.id, member.id, storage.now_text()),
        )
        commit.append("confirmation", str(resolution.id))
        commit.event("resolution.confirm", resolution.ref)


def use(commit: Commit, user: User, ref: str, subject: str, action: str, record: str) -> Resolution:
    """Spend resolution ``ref`` on the one action it authorises, inside the caller's commit:
    it must have passed, be confirmed, be about exactly ``subject``, and be unused."""
    conn = commit.conn
    if not ref.strip():
        raise InvalidInput(_("Name the resolution that decided this (YEAR/NUMBER)."))
    resolution = get_resolution(conn, ref)
    if not resolution.passed:
        raise InvalidInput(_("Resolution {ref} did not pass.").format(ref=resolution.ref))
    if resolution.confirmed_by is None:
        raise InvalidInput(
            _(
                "Resolution {ref} is not confirmed yet: another member present at its meeting "
                "must confirm it first."
            ).format(ref=resolution.ref)
        )
    if resolution.subject != subject:
        raise InvalidInput(
            _("Resolution {ref} is about {subject}, not {wanted}.").format(
                ref=resolution.ref, subject=resolution.subject, wanted=subject
            )
        )
    if resolution.used_for is not None:
        raise InvalidInput(
            _("Resolution {ref} was already used ({use}); it authorises one action only.").format(
                ref=resolution.ref, use=resolution.used_for
            )
        )
    conn.execute(
        "INSERT INTO resolution_uses (resolution_id, action, record, user_id, used_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (resolution.id, action, record, user.id, storage.now_text()),
    )
    commit.append("resolution_use", str(resolution.id))
    return resolution


def set_rule(ledger: Ledger, chair: User, name: str, value: str, ref: str) -> None:
    """Change a council rule, by a resolution about ``rules:NAME=VALUE`` with this value."""
    require(chair, Action.CHAIR)
    rule = council.parse_rule_name(name)
    stored = council.parse_rule_value(rule, value)
    with ledger.write(chair) as commit:
        resolution = use(
            commit, chair, ref, f"rules:{rule.value}={stored}", "council.set", rule.value
        )
        council.store_rule(commit, chair, rule, stored, resolution.id)
