"""Community money for the core tests of issue 9: steps on top of ``_council``'s sitting
council (a clerk, the chair, four members; Roads LLP and Aidos as parties; 1 000 000 ₸ of
land tax in GENERAL on 2026-01-05)."""

from __future__ import annotations

import sqlite3

from _council import Council, council_state, resolve
from _helpers import day

from ruralcouncil.ledger import council, donations, households, projects, schema

PROJECT_FUND = "PROJECT-1"


def community_state(conn: sqlite3.Connection) -> tuple[object, ...]:
    """``council_state`` and every row of community money's tables."""
    return (
        council_state(conn),
        *(
            conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in schema.COMMUNITY_TABLES
        ),
    )


def add_households(c: Council, count: int) -> list[int]:
    """``count`` households, each with a head of its own."""
    found = []
    for i in range(count):
        head = council.add_party(c.ledger, c.clerk, f"Head {i + 1}", "person")
        found.append(households.add(c.ledger, c.clerk, f"Abai street {i + 1}", head, 1 + i % 5))
    return found


def project(
    c: Council,
    *,
    per_household: int = 20_000_00,
    target: int = 600_000_00,
    year: int = 2026,
    proposed: str = "2026-02-01",
    adopted: str | None = "2026-02-10",
) -> int:
    """A project proposed by the clerk and (unless ``adopted`` is None) adopted by the chair
    with a resolution passed on ``adopted``."""
    project_id = projects.add(
        c.ledger,
        c.clerk,
        "Children's playground",
        target,
        per_household,
        year,
        "Swings and a fence by the school",
        day(proposed),
    )
    if adopted is not None:
        ref = resolve(c, f"project:{project_id}", adopted)
        projects.adopt(c.ledger, c.chair, project_id, ref)
    return project_id


def exempt(c: Council, household_id: int, year: int = 2026, on: str = "2026-02-10") -> str:
    ref = resolve(c, f"exemption:{household_id}:{year}", on)
    households.exempt(c.ledger, c.clerk, household_id, year, "Low income: pensioner alone", ref)
    return ref


def contribute(c: Council, project_id: int, household_id: int, amount: int, on: str) -> int:
    return projects.contribute(c.ledger, c.clerk, project_id, household_id, amount, day(on))


def donate(c: Council, party: int, amount: int, on: str = "2026-03-10", **kw: object) -> int:
    return donations.add(
        c.ledger, c.clerk, party, amount, "I give this of my own free will.", on=day(on), **kw
    )  # type: ignore[arg-type]
