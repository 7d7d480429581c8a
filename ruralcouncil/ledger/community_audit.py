"""``verify``'s check of community money's rules (DESIGN §4.3) over the stored records, which
the walk has already held against the chain: a record someone signed with a real key but
that the services would have refused is named here by its chain position.

- a cash gift's receipt is a ``DONATION`` receipt of its amount, fund and date;
- an acknowledgement releases a flagged gift, by a resolution used for exactly that;
- a project is adopted and closed by resolutions used for it, one collecting a year;
- an exemption is granted by a resolution used for that household and year;
- a contribution is a ``COMMUNITY`` receipt into its project's fund, in the project's year,
  after its adoption, from a household not exempt; a refund is a ``REFUND`` payment from a
  closed project's fund on its closing day; a reversal carries its entry's household;
- the chair posts nothing but a close's refunds and its move of what was left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from ruralcouncil.i18n import _
from ruralcouncil.ledger.records import REFUND_CODE

# (chain position, message, entry number or None); a position of None: the record is not
# in the chain at all, which the walk reports on its own.
Problem = tuple[int | None, str, int | None]


def _seq(conn: sqlite3.Connection, kind: str, record: object) -> int | None:
    row = conn.execute(
        "SELECT max(seq) FROM chain WHERE kind = ? AND record = ?", (kind, str(record))
    ).fetchone()
    return int(row[0]) if row[0] is not None else None


def _at(conn: sqlite3.Connection, *records: tuple[str, object]) -> int | None:
    """Where a rule that joins records is broken: at the latest of them in the chain, the
    record that made the join wrong when it was written (None when the first is missing)."""
    seqs = [_seq(conn, kind, record) for kind, record in records if record is not None]
    if not seqs or seqs[0] is None:
        return None
    return max(s for s in seqs if s is not None)


def problems(conn: sqlite3.Connection) -> list[Problem]:
    found: list[Problem] = []
    for check in (_donations, _steps, _contributions, _chair_entries, _registers):
        found.extend(check(conn))
    return sorted(found, key=lambda p: (p[0] is None, p[0] or 0))


def _donations(conn: sqlite3.Connection) -> Iterator[Problem]:
    for donation_id, number, transaction_id in conn.execute(
        "SELECT d.id, t.number, t.id FROM donations d"
        " JOIN transactions t ON t.id = d.transaction_id"
        " WHERE t.type <> 'receipt' OR t.code IS NOT 'DONATION' OR t.fund <> d.fund"
        " OR t.amount <> d.amount OR t.date <> d.date OR t.reverses IS NOT NULL"
    ).fetchall():
        yield (
            _at(conn, ("donation", donation_id), ("transaction", transaction_id)),
            _("donation {id} does not match its receipt, entry {n}").format(
                id=donation_id, n=number
            ),
            int(number),
        )
    for donation_id, resolution_id in conn.execute(
        "SELECT a.donation_id, a.resolution_id FROM acknowledgements a"
        " JOIN donations d ON d.id = a.donation_id"
        " LEFT JOIN resolution_uses u ON u.resolution_id = a.resolution_id"
        " WHERE d.flagged = 0 OR u.action IS NOT 'donation.acknowledge'"
        " OR u.record IS NOT CAST(a.donation_id AS TEXT)"
    ).fetchall():
        yield (
            _at(
                conn,
                ("acknowledgement", donation_id),
                ("donation", donation_id),
                ("resolution_use", resolution_id),
            ),
            _("donation {id} was acknowledged without its resolution").format(id=donation_id),
            None,
        )


def _steps(conn: sqlite3.Connection) -> Iterator[Problem]:
    for step_id, project_id, step, resolution_id in conn.execute(
        "SELECT s.id, s.project_id, s.step, s.resolution_id FROM project_steps s"
        " JOIN resolutions r ON r.id = s.resolution_id JOIN meetings m ON m.id = r.meeting_id"
        " LEFT JOIN resolution_uses u ON u.resolution_id = s.resolution_id"
        " WHERE u.action IS NOT ('project.' || CASE s.step WHEN 'adopted' THEN 'adopt'"
        " ELSE 'close' END) OR u.record IS NOT CAST(s.project_id AS TEXT) OR s.date < m.date"
    ).fetchall():
        yield (
            _at(conn, ("project_step", step_id), ("resolution_use", resolution_id)),
            _("project {id} was {step} without its resolution").format(id=project_id, step=step),
            None,
        )
    for year, count in conn.execute(
        "SELECT p.year, count(*) FROM project_steps s JOIN projects p ON p.id = s.project_id"
        " WHERE s.step = 'adopted' GROUP BY p.year HAVING count(*) > 1"
    ).fetchall():
        last = conn.execute(
            "SELECT max(s.id) FROM project_steps s JOIN projects p ON p.id = s.project_id"
            " WHERE s.step = 'adopted' AND p.year = ?",
            (year,),
        ).fetchone()[0]
        yield (
            _seq(conn, "project_step", last),
            _("{n} projects were adopted to collect in {year}").format(n=count, year=year),
            None,
        )
    for exemption_id, household_id, year, resolution_id in conn.execute(
        "SELECT e.id, e.household_id, e.year, e.resolution_id FROM exemptions e"
        " LEFT JOIN resolution_uses u ON u.resolution_id = e.resolution_id"
        " WHERE u.action IS NOT 'household.exempt'"
        " OR u.record IS NOT (e.household_id || ':' || e.year)"
    ).fetchall():
        yield (
            _at(conn, ("exemption", exemption_id), ("resolution_use", resolution_id)),
            _("household {id} was exempted from {year} without its resolution").format(
                id=household_id, year=year
            ),
            None,
        )


_CONTRIBUTIONS = (
    "SELECT c.id, t.number, t.type, t.code, t.fund, t.date, t.amount, t.reverses,"
    " p.fund, p.year, a.date, z.date,"
    " EXISTS (SELECT 1 FROM exemptions e WHERE e.household_id = c.household_id"
    "  AND e.year = p.year),"
    " (SELECT o.household_id = c.household_id AND o.project_id = c.project_id"
    "  FROM contributions o WHERE o.transaction_id = t.reverses),"
    " t.id, a.id, z.id, p.id,"
    " (SELECT e.id FROM exemptions e WHERE e.household_id = c.household_id AND e.year = p.year)"
    " FROM contributions c JOIN transactions t ON t.id = c.transaction_id"
    " JOIN projects p ON p.id = c.project_id"
    " LEFT JOIN project_steps a ON a.project_id = p.id AND a.step = 'adopted'"
    " LEFT JOIN project_steps z ON z.project_id = p.id AND z.step = 'closed'"
)


def _contribution_fits(row: tuple[object, ...]) -> bool:
    _id, _n, kind, code, fund, day, _amount, reverses = row[:8]
    project_fund, year, adopted, closed, exempt, same = row[8:14]
    if reverses is not None:
        return bool(same)
    if kind == "receipt":
        return (
            code == "COMMUNITY"
            and fund == project_fund
            and str(day)[:4] == str(year)
            and adopted is not None
            and str(day) >= str(adopted)
            and (closed is None or str(day) <= str(closed))
            and not exempt
        )
    return kind == "payment" and code == REFUND_CODE and fund == project_fund and day == closed


def _contributions(conn: sqlite3.Connection) -> Iterator[Problem]:
    for row in conn.execute(_CONTRIBUTIONS).fetchall():
        if not _contribution_fits(row):
            transaction_id, adopted, closed, project_id, exemption = row[14:]
            yield (
                _at(
                    conn,
                    ("contribution", row[0]),
                    ("transaction", transaction_id),
                    ("project", project_id),
                    ("project_step", adopted),
                    ("project_step", closed),
                    ("exemption", exemption),
                ),
                _("entry {n} is not a contribution or refund its project allows").format(n=row[1]),
                int(row[1]),
            )
    for number, seq in conn.execute(
        "SELECT t.number, c.seq FROM transactions t JOIN chain c ON c.kind = 'transaction'"
        " AND c.record = CAST(t.id AS TEXT) WHERE t.type = 'payment' AND t.code = ?"
        " AND t.reverses IS NULL AND t.fund LIKE 'PROJECT-%'"
        " AND t.id NOT IN (SELECT transaction_id FROM contributions)",
        (REFUND_CODE,),
    ).fetchall():
        # Its household's link is chained right after it: a link missing or moved is there.
        link = conn.execute(
            "SELECT min(seq) FROM chain WHERE kind = 'contribution' AND seq > ?", (seq,)
        ).fetchone()[0]
        yield (
            int(link or seq),
            _("entry {n} refunds a project's money to no household").format(n=number),
            int(number),
        )


def _chair_entries(conn: sqlite3.Connection) -> Iterator[Problem]:
    """Entries the chair signed: only a close's refunds and its move of what was left, from
    the fund of a project closed that day in that way."""
    for transaction_id, number, kind, day, fund in conn.execute(
        "SELECT t.id, t.number, t.type, t.date, t.fund FROM transactions t"
        " JOIN users u ON u.id = t.user_id WHERE u.role = 'chair'"
    ).fetchall():
        how = "s.remainder = 'refund'" if kind == "payment" else "s.to_fund IS NOT NULL"
        close = conn.execute(
            "SELECT s.id FROM project_steps s JOIN projects p ON p.id = s.project_id"
            f" WHERE s.step = 'closed' AND {how} AND p.fund = ? AND s.date = ?",
            (fund, day),
        ).fetchone()
        if close is None:
            yield (
                _seq(conn, "transaction", transaction_id),
                _("entry {n} was posted by the chair outside a project's close").format(n=number),
                int(number),
            )


# What each register's entries must be: (link column, entry type, codes, fund rule).
_LINKED = (
    ("subsidy_id", "receipt", ("SUBSIDY",)),
    ("loan_id", "payment", ("LOAN-REPAY",)),
    ("lease_id", "receipt", ("RENT-PROPERTY", "RENT-NATURAL")),
    ("fine_id", "receipt", ("FINES",)),
)


def _registers(conn: sqlite3.Connection) -> Iterator[Problem]:
    """A loan's receipt is a LOAN receipt of its principal, taken by the resolution about
    it; each register's entries are of the kind it takes, a subsidy's into its fund."""
    for loan_id, number, transaction_id, resolution_id in conn.execute(
        "SELECT l.id, t.number, t.id, l.resolution_id FROM loans l"
        " JOIN transactions t ON t.id = l.transaction_id"
        " LEFT JOIN resolution_uses u ON u.resolution_id = l.resolution_id"
        " LEFT JOIN resolutions r ON r.id = l.resolution_id"
        " WHERE t.type <> 'receipt' OR t.code IS NOT 'LOAN' OR t.amount <> l.principal"
        " OR t.date <> l.start OR u.action IS NOT 'loan.add'"
        " OR u.record IS NOT CAST(l.id AS TEXT)"
        " OR r.subject NOT LIKE 'loan:' || l.party_id || ':%'"
    ).fetchall():
        yield (
            _at(
                conn,
                ("loan", loan_id),
                ("transaction", transaction_id),
                ("resolution_use", resolution_id),
            ),
            _("loan {id} does not match its receipt or its resolution").format(id=loan_id),
            int(number),
        )
    for column, kind, codes in _LINKED:
        marks = ", ".join("?" * len(codes))
        for transaction_id, number in conn.execute(
            f"SELECT t.id, t.number FROM register_links l"
            f" JOIN transactions t ON t.id = l.transaction_id WHERE l.{column} IS NOT NULL"
            f" AND (t.type <> ? OR t.code NOT IN ({marks})"
            + (
                " OR t.fund <> (SELECT fund FROM subsidies WHERE id = l.subsidy_id)"
                if column == "subsidy_id"
                else ""
            )
            + ")",
            (kind, *codes),
        ).fetchall():
            yield (
                _at(conn, ("register_link", transaction_id), ("transaction", transaction_id)),
                _("entry {n} is not the kind of entry its register takes").format(n=number),
                int(number),
            )
