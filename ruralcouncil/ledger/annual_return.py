"""The limited-assurance annual return (DESIGN §2.7, §4.4), modelled on England's Annual
Governance and Accountability Return and adapted to a village.

- Section 1, the governance statement: nine assertions, each answered Yes or No by a passed,
  confirmed resolution about ``governance:YEAR`` made in or after the year (one resolution
  may answer several assertions: it is checked, not spent), every No explained.
- Section 2: boxes 1-10 of the year and the prior year (``reports.statements``).
- Significant variances (``variances``), the bank reconciliation (``reconciliation``), the
  internal audit (``internal_audit``) and the residents' inspection period (here).
- Finalising: once everything is there, the chair freezes the return; a signed record keeps
  the version and the digest of what it said, and the year is closed. Anything recorded
  later that changes the return makes it a draft of the next version, which needs a reason.

Every record only grows; the latest of each kind stands and the history stays.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import chain, council, internal_audit, meetings, storage, variances
from ruralcouncil.ledger import reconciliation as reconciling
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

ASSERTIONS = {
    1: N_(
        "We put in place effective financial management during the year and prepared the "
        "accounting statements."
    ),
    2: N_(
        "We maintained adequate internal control, including measures against fraud and "
        "corruption, and reviewed its effectiveness."
    ),
    3: N_("We complied with the laws, regulations and proper practices of our work."),
    4: N_("We gave residents the proper opportunity to inspect the accounts during the year."),
    5: N_("We assessed the risks the village faces and took steps to manage them."),
    6: N_("We maintained an adequate and effective internal audit throughout the year."),
    7: N_("We took action on every matter raised by the internal and external audits."),
    8: N_(
        "We considered litigation, liabilities and commitments, and events after the year's "
        "end, that bear on the statements."
    ),
    9: N_(
        "We managed restricted money (donations, community projects, subsidies) as its "
        "purpose requires."
    ),
}


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


ANSWER_NAMES = {Answer.YES: N_("Yes"), Answer.NO: N_("No")}


def parse_answer(text: str) -> Answer:
    try:
        return Answer(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("The answer must be yes or no, not {text}.").format(text=text[:20])
        ) from None


def parse_assertion(text: str) -> int:
    raw = text.strip()
    if raw.isascii() and raw.isdigit() and int(raw) in ASSERTIONS:
        return int(raw)
    raise InvalidInput(
        _("The assertion {text} is not one of 1 to {last}.").format(
            text=raw[:20], last=len(ASSERTIONS)
        )
    )


@dataclass(frozen=True)
class GovernanceAnswer:
    assertion: int
    answer: Answer
    explanation: str
    resolution: str  # YYYY/N
    date: str  # the resolution's meeting

    def as_json(self) -> dict[str, object]:
        return {
            "assertion": self.assertion,
            "answer": self.answer.value,
            "explanation": self.explanation,
            "resolution": self.resolution,
            "date": self.date,
        }


# --- Section 1 ---------------------------------------------------------------------------


def governance_resolution(conn: sqlite3.Connection, ref: str, year: int) -> meetings.Resolution:
    """The resolution that answers Section 1 of ``year``: passed, confirmed, about
    ``governance:YEAR`` and made in or after the year. Not spent: it may answer several."""
    if not ref.strip():
        raise InvalidInput(_("Name the resolution that decided this (YEAR/NUMBER)."))
    resolution = meetings.get_resolution(conn, ref)
    wanted = f"governance:{year}"
    if not resolution.passed:
        raise InvalidInput(_("Resolution {ref} did not pass.").format(ref=resolution.ref))
    if resolution.confirmed_by is None:
        raise InvalidInput(
            _(
                "Resolution {ref} is not confirmed yet: another member present at its meeting "
                "must confirm it first."
            ).format(ref=resolution.ref)
        )
    if resolution.subject != wanted:
        raise InvalidInput(
            _("Resolution {ref} is about {subject}, not {wanted}.").format(
                ref=resolution.ref, subject=resolution.subject, wanted=wanted
            )
        )
    if resolution.date < f"{year}-01-01":
        raise InvalidInput(
            _(
                "Resolution {ref} of {day} was made before {year} began: a year's governance "
                "statement is answered in or after the year."
            ).format(ref=resolution.ref, day=shown_date(resolution.date), year=year)
        )
    return resolution


def answer_assertion(
    ledger: Ledger,
    chair: User,
    year: int,
    assertion: int,
    given: Answer,
    explanation: str,
    ref: str,
) -> int:
    """Record the council's answer to one assertion of Section 1, dated as the resolution's
    meeting; a later answer replaces it. Returns the answer's id."""
    require(chair, Action.CHAIR)
    if assertion not in ASSERTIONS:
        raise InvalidInput(
            _("The assertion {text} is not one of 1 to {last}.").format(
                text=assertion, last=len(ASSERTIONS)
            )
        )
    explanation = clean_text(_("The explanation"), explanation, multiline=True, limit=4000)
    if given == Answer.NO and not explanation:
        raise InvalidInput(
            _("Assertion {n} is answered No: say why (every No is explained).").format(n=assertion)
        )
    with ledger.write(chair) as commit:
        conn = commit.conn
        resolution = governance_resolution(conn, ref, year)
        cursor = conn.execute(
            "INSERT INTO governance_answers (year, assertion, answer, explanation,"
            " resolution_id, date, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                year,
                assertion,
                given.value,
                explanation,
                resolution.id,
                resolution.date,
                chair.id,
                storage.now_text(),
            ),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("governance_answer", str(new_id))
        commit.event("governance.answer", f"{year} {assertion} {given.value} {resolution.ref}")
    return new_id


def governance_answers(conn: sqlite3.Connection, year: int) -> dict[int, GovernanceAnswer]:
    """The latest answer to each assertion of ``year``."""
    return {
        int(r[0]): GovernanceAnswer(int(r[0]), Answer(r[1]), str(r[2]), f"{r[3]}/{r[4]}", str(r[5]))
        for r in conn.execute(
            "SELECT g.assertion, g.answer, g.explanation, r.year, r.number, g.date"
            " FROM governance_answers g JOIN resolutions r ON r.id = g.resolution_id"
            " WHERE g.id IN (SELECT max(id) FROM governance_answers WHERE year = ?"
            " GROUP BY assertion) ORDER BY g.assertion",
            (year,),
        )
    }


# --- the residents' right to inspect -------------------------------------------------------

INSPECTION_WORKING_DAYS = 30  # England's single period; the council sets its own dates


@dataclass(frozen=True)
class Inspection:
    starts: str
    ends: str
    place: str
    how: str

    @property
    def working_days(self) -> int:
        return working_days(date.fromisoformat(self.starts), date.fromisoformat(self.ends))

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.starts,
            "to": self.ends,
            "place": self.place,
            "how": self.how,
            "working_days": self.working_days,
        }


def working_days(starts: date, ends: date) -> int:
    """Monday to Friday from ``starts`` to ``ends``, both counted."""
    days = (ends - starts).days + 1
    weeks, rest = divmod(days, 7)
    extra = sum(1 for i in range(rest) if (starts.weekday() + i) % 7 < 5)
    return weeks * 5 + extra


def set_inspection(
    ledger: Ledger,
    user: User,
    year: int,
    starts: date,
    ends: date,
    place: str,
    how: str = "",
) -> int:
    """The period in which any resident may inspect the year's accounts and their papers,
    after the year's end, and where and how; a later one replaces it."""
    require(user, Action.PREPARE_RETURN)
    place = clean_text(_("The place"), place, limit=500, required=True)
    how = clean_text(_("How to inspect"), how, multiline=True, limit=2000)
    if ends < starts:
        raise InvalidInput(_("The inspection period cannot end before it starts."))
    if starts.year <= year:
        raise InvalidInput(
            _("The accounts of {year} are inspected after the year's end, not from {day}.").format(
                year=year, day=shown_date(starts)
            )
        )
    with ledger.write(user) as commit:
        cursor = commit.conn.execute(
            "INSERT INTO inspections (year, starts, ends, place, how, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (year, starts.isoformat(), ends.isoformat(), place, how, user.id, storage.now_text()),
        )
        new_id = int(cursor.lastrowid or 0)
        commit.append("inspection", str(new_id))
        commit.event("return.inspection", f"{year} {starts.isoformat()} {ends.isoformat()}")
    return new_id


def inspection(conn: sqlite3.Connection, year: int) -> Inspection | None:
    row = conn.execute(
        "SELECT starts, ends, place, how FROM inspections WHERE year = ? ORDER BY id DESC LIMIT 1",
        (year,),
    ).fetchone()
    return Inspection(*(str(v) for v in row)) if row else None


# --- the whole return ------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    version: int
    digest: str
    reason: str
    date: str
    by: str

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "digest": self.digest,
            "reason": self.reason,
            "date": self.date,
            "by": self.by,
        }


@dataclass(frozen=True)
class ReturnState:
    """Everything the year's return says, read at one moment."""

    year: int
    boxes: dict[int, int]
    prior_boxes: dict[int, int]
    governance: dict[int, GovernanceAnswer]
    variances: list[variances.Variance]
    reconciliation: reconciling.Reconciliation | None
    audit: dict[int, internal_audit.ObjectiveAnswer]
    signoff: internal_audit.SignOff | None
    inspection: Inspection | None
    versions: list[Version]
    closed: bool

    def content(self) -> dict[str, Any]:
        """What the return says, in no language: what a version's digest is taken over."""
        r = self.reconciliation
        return {
            "year": self.year,
            "boxes": {str(k): v for k, v in sorted(self.boxes.items())},
            "prior_boxes": {str(k): v for k, v in sorted(self.prior_boxes.items())},
            "governance": [a.as_json() for a in self.governance.values()],
            "variances": [v.as_json() for v in self.variances if v.needed or v.explanation],
            "reconciliation": None
            if r is None
            else {
                "statements": dict(sorted(r.statements.items())),
                "unpresented": [list(i) for i in r.unpresented],
                "unbanked": [list(i) for i in r.unbanked],
                "cash_book": r.cash_book,
                "difference": r.difference,
                "explanation": r.explanation,
                "prepared_by": r.prepared_by,
                "approved_by": r.approved_by,
                "approved_on": r.approved_on,
            },
            # When an answer was typed is not what it says: the same answer again changes nothing.
            "audit": [
                {k: v for k, v in a.as_json().items() if k != "at"} for a in self.audit.values()
            ],
            "audit_signoff": self.signoff.as_json() if self.signoff else None,
            "inspection": self.inspection.as_json() if self.inspection else None,
        }

    @property
    def digest(self) -> str:
        return chain.digest(chain.canonical(self.content()))

    @property
    def last_version(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def final(self) -> bool:
        """Finalised, and nothing that changes it recorded since."""
        last = self.last_version
        return last is not None and last.digest == self.digest

    @property
    def cash_agrees(self) -> bool:
        return self.boxes[8] == self.boxes[7]

    def missing(self) -> list[str]:
        """What must still be done before the return can be finalised, one line each."""
        found: list[str] = []
        unanswered = [n for n in ASSERTIONS if n not in self.governance]
        if unanswered:
            found.append(
                _("Section 1: assertions {numbers} are not answered.").format(
                    numbers=", ".join(map(str, unanswered))
                )
            )
        for v in self.variances:
            if v.needed and not v.explanation:
                found.append(_("The variance of box {box} is not explained.").format(box=v.box))
        r = self.reconciliation
        if r is None:
            found.append(_("The bank is not reconciled at 31 December."))
        else:
            if not r.current:
                found.append(
                    _("The bank reconciliation no longer matches the ledger: reconcile again.")
                )
            elif not r.agrees:
                found.append(_("The bank reconciliation does not agree with the cash book."))
            if not r.approved:
                found.append(_("The bank reconciliation is not approved by the chair."))
        unaudited = [n for n in internal_audit.OBJECTIVES if n not in self.audit]
        if unaudited:
            found.append(
                _("Internal audit: objectives {numbers} are not answered.").format(
                    numbers=", ".join(map(str, unaudited))
                )
            )
        if self.signoff is None:
            found.append(_("Internal audit: the auditor has not signed it (name and dates)."))
        return found

    def status(self) -> dict[str, object]:
        last = self.last_version
        return {
            "version": last.version if last else 0,
            "final": self.final,
            "changed_since_final": last is not None and not self.final,
        }

    def as_json(self) -> dict[str, object]:
        return {
            **self.content(),
            "variances": [v.as_json() for v in self.variances],
            "reconciliation": self.reconciliation.as_json() if self.reconciliation else None,
            "audit": [a.as_json() for a in self.audit.values()],
            "digest": self.digest,
            **self.status(),
            "versions": [v.as_json() for v in self.versions],
            "closed": self.closed,
            "missing": self.missing(),
        }


def versions(conn: sqlite3.Connection, year: int) -> list[Version]:
    names = council.user_names(conn)
    return [
        Version(int(r[0]), str(r[1]), str(r[2]), str(r[3]), names.get(int(r[4]), ""))
        for r in conn.execute(
            "SELECT version, digest, reason, date, user_id FROM return_versions WHERE year = ?"
            " ORDER BY version",
            (year,),
        )
    ]


def read(conn: sqlite3.Connection, year: int) -> ReturnState:
    """The year's return as the ledger has it now, read in one read transaction."""
    with storage.snapshot(conn):
        boxes, prior = variances.boxes(conn, year)
        found = variances.variances(conn, year, (boxes, prior))
        closed = conn.execute("SELECT 1 FROM closed_years WHERE year = ?", (year,)).fetchone()
        return ReturnState(
            year=year,
            boxes=boxes,
            prior_boxes=prior,
            governance=governance_answers(conn, year),
            variances=found,
            reconciliation=reconciling.latest(conn, year),
            audit=internal_audit.answers(conn, year),
            signoff=internal_audit.signoff(conn, year),
            inspection=inspection(conn, year),
            versions=versions(conn, year),
            closed=closed is not None,
        )


def finalise(
    ledger: Ledger, chair: User, year: int, reason: str = "", on: date | None = None
) -> int:
    """Freeze the year's return: refused while anything is missing (each said), and, for a
    second version or later, unless something changed and a reason is given. Records the
    version with the digest of what it says, and closes the year. Returns the version."""
    require(chair, Action.CHAIR)
    reason = clean_text(_("The reason"), reason, multiline=True, limit=2000)
    day = council.event_date(on)
    if year >= date.today().year or day.year <= year:
        raise InvalidInput(
            _("{year} has not ended yet: its return is finalised after 31 December.").format(
                year=year
            )
        )
    with ledger.write(chair) as commit:
        conn = commit.conn
        state = read(conn, year)
        missing = state.missing()
        if missing:
            raise InvalidInput(
                _("The return for {year} cannot be finalised yet:\n{missing}").format(
                    year=year, missing="\n".join(f"- {m}" for m in missing)
                )
            )
        last = state.last_version
        if last is not None and last.digest == state.digest:
            raise InvalidInput(
                _(
                    "Nothing in the return for {year} has changed since version {n} was finalised."
                ).format(year=year, n=last.version)
            )
        if last is not None and not reason:
            raise InvalidInput(
                _(
                    "Version {n} of the return for {year} needs a reason: say what changed "
                    "since version {last} (--reason)."
                ).format(n=last.version + 1, year=year, last=last.version)
            )
        number = last.version + 1 if last else 1
        cursor = conn.execute(
            "INSERT INTO return_versions (year, version, digest, reason, date, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (year, number, state.digest, reason, day.isoformat(), chair.id, storage.now_text()),
        )
        commit.append("return_version", str(int(cursor.lastrowid or 0)))
        commit.event("return.finalise", f"{year} version {number} {state.digest}")
        if not state.closed:  # a finalised return's year takes no more postings
            conn.execute(
                "INSERT INTO closed_years (year, user_id, closed_at) VALUES (?, ?, ?)",
                (year, chair.id, storage.now_text()),
            )
            commit.append("closed_year", str(year))
            commit.event("year.close", str(year))
    return number
