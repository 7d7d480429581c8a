"""Donations (DESIGN §2.4, §4.3): the donor register's gifts, each with the donor's own
statement that it is voluntary, and the safeguard against pressure on local business.

A gift is cash (posted as a ``DONATION`` receipt into its fund) or in kind (goods or work,
with its valuation and who valued it: recorded, not cash). It is general (the general fund),
earmarked to a restricted fund, or given to a community project (the project's fund).
A donor who does business with the akim is flagged, with the reasons; the gift's cash is
then held (``holds``): its fund cannot spend it until the council acknowledges the gift by a
resolution about ``donation:ID``, on which members with an interest in the donor are
recused. A donor may ask to stay anonymous in public reports; the council sees the name.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import PurePath

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import catalog, council, meetings, projects, storage
from ruralcouncil.ledger.classification import CASH, DEFAULT_CASH_ACCOUNT, GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry, post_for_register
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text, safe_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger

DONATION_CODE = "DONATION"
MAX_STATEMENT = 20 * 1024 * 1024  # bytes: a scanned, signed page
# Business with the akim counts when it is this recent, or still open.
BUSINESS_DAYS = 365


class DonorType(StrEnum):
    RESIDENT = "resident"
    ENTREPRENEUR = "entrepreneur"
    NATIVE = "native"  # a native of the village living elsewhere
    ORGANISATION = "organisation"


DONOR_TYPE_NAMES = {
    DonorType.RESIDENT: N_("Resident"),
    DonorType.ENTREPRENEUR: N_("Entrepreneur"),
    DonorType.NATIVE: N_("Native living elsewhere"),
    DonorType.ORGANISATION: N_("Organisation"),
}
_FROM_PARTY_KIND = {
    council.PartyKind.PERSON: DonorType.RESIDENT,
    council.PartyKind.BUSINESS: DonorType.ENTREPRENEUR,
    council.PartyKind.ORGANISATION: DonorType.ORGANISATION,
}


@dataclass(frozen=True)
class Donation:
    id: int
    date: str
    party_id: int
    donor: str
    donor_type: DonorType
    amount: int  # cash, or the valuation of a gift in kind
    fund: str
    project_id: int | None
    in_kind: str  # what was given in kind; "" for cash
    valued_by: str
    voluntary: str
    statement_name: str | None  # the scanned, signed statement's file name
    anonymous: bool
    contact: str
    flagged: bool
    flag_reason: str
    entry: int | None  # the receipt's entry number (cash)
    reversed: bool  # the receipt was reversed: the gift's money is gone
    acknowledged_by: str | None  # the resolution, YYYY/N
    acknowledged_on: str | None

    @property
    def cash(self) -> bool:
        return not self.in_kind

    @property
    def held(self) -> bool:
        """Its money may not be spent yet: flagged, cash, not acknowledged, not reversed."""
        return self.flagged and self.cash and not self.reversed and self.acknowledged_by is None

    def public_name(self) -> str:
        """The name public reports print."""
        return _("Anonymous donor") if self.anonymous else self.donor

    def as_json(self) -> dict[str, object]:
        """For the council (``donation list/show``): the contact stays out of it."""
        return {
            "id": self.id,
            "date": self.date,
            "party": self.party_id,
            "donor": self.donor,
            "donor_type": self.donor_type.value,
            "amount": self.amount,
            "fund": self.fund,
            "project": self.project_id,
            "in_kind": not self.cash,
            "in_kind_description": self.in_kind or None,
            "valued_by": self.valued_by or None,
            "voluntary": self.voluntary,
            "statement": self.statement_name,
            "anonymous": self.anonymous,
            "flagged": self.flagged,
            "flag_reason": self.flag_reason or None,
            "acknowledged": self.acknowledged_by is not None,
            "acknowledged_by": self.acknowledged_by,
            "held": self.held,
            "entry": self.entry,
            "reversed": self.reversed,
        }


# --- reading -----------------------------------------------------------------------------

_SELECT = (
    "SELECT d.id, d.date, d.party_id, p.name, d.donor_type, d.amount, d.fund, d.project_id,"
    " d.in_kind, d.valued_by, d.voluntary, d.statement_name, d.anonymous, d.contact,"
    " d.flagged, d.flag_reason, t.number,"
    " EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = d.transaction_id),"
    " r.year || '/' || r.number, a.date"
    " FROM donations d JOIN parties p ON p.id = d.party_id"
    " LEFT JOIN transactions t ON t.id = d.transaction_id"
    " LEFT JOIN acknowledgements a ON a.donation_id = d.id"
    " LEFT JOIN resolutions r ON r.id = a.resolution_id"
)


def _build(row: tuple[object, ...]) -> Donation:
    return Donation(
        int(row[0]),  # type: ignore[call-overload]
        str(row[1]),
        int(row[2]),  # type: ignore[call-overload]
        str(row[3]),
        DonorType(str(row[4])),
        int(row[5]),  # type: ignore[call-overload]
        str(row[6]),
        None if row[7] is None else int(row[7]),  # type: ignore[call-overload]
        str(row[8]),
        str(row[9]),
        str(row[10]),
        None if row[11] is None else str(row[11]),
        bool(row[12]),
        str(row[13]),
        bool(row[14]),
        str(row[15]),
        None if row[16] is None else int(row[16]),  # type: ignore[call-overload]
        bool(row[17]),
        None if row[18] is None else str(row[18]),
        None if row[19] is None else str(row[19]),
    )


def get(conn: sqlite3.Connection, donation_id: int) -> Donation:
    row = conn.execute(f"{_SELECT} WHERE d.id = ?", (donation_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no donation {id}.").format(id=donation_id))
    return _build(row)


def donations(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    project_id: int | None = None,
    party_id: int | None = None,
) -> list[Donation]:
    where: list[str] = []
    params: list[object] = []
    if year is not None:
        where.append("d.date LIKE ?")
        params.append(f"{year}-%")
    if project_id is not None:
        where.append("d.project_id = ?")
        params.append(project_id)
    if party_id is not None:
        where.append("d.party_id = ?")
        params.append(party_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [_build(r) for r in conn.execute(f"{_SELECT}{clause} ORDER BY d.date, d.id", params)]


def statement_data(conn: sqlite3.Connection, donation_id: int) -> tuple[str, bytes]:
    row = conn.execute(
        "SELECT statement_name, statement FROM donations WHERE id = ?", (donation_id,)
    ).fetchone()
    if row is None or row[1] is None:
        raise InvalidInput(_("Donation {id} has no scanned statement.").format(id=donation_id))
    return str(row[0]), bytes(row[1])


# --- business with the akim --------------------------------------------------------------

# Each check names, for a party and a day, the business they have with the akim then. The
# registers of leases, fines, loans and subsidies (DESIGN §4.3) add theirs here.
BusinessCheck = Callable[[sqlite3.Connection, int, date], list[str]]


def _requests(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """Spending requests for the party drafted within the last year, or still open."""
    from ruralcouncil.ledger import spending

    since = (day - timedelta(days=BUSINESS_DAYS)).isoformat()
    found = []
    for request in spending.requests(conn, party_id=party_id):
        if request.date > day.isoformat():
            continue
        open_now = request.state in (spending.State.DRAFT, spending.State.APPROVED)
        if request.date >= since or open_now:
            found.append(
                _("spending request {id} to them ({code}, {amount}, {day}: {state})").format(
                    id=request.id,
                    code=request.category,
                    amount=format_amount(request.amount),
                    day=shown_date(request.date),
                    state=_(spending.STATE_NAMES[request.state]),
                )
            )
    return found


def _payments(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """Payments to the party within the last year (a request's or not)."""
    since = (day - timedelta(days=BUSINESS_DAYS)).isoformat()
    rows = conn.execute(
        "SELECT t.number, t.date, t.amount FROM entry_links l"
        " JOIN transactions t ON t.id = l.transaction_id"
        " WHERE l.party_id = ? AND t.type = 'payment' AND t.reverses IS NULL"
        " AND t.date BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)"
        " ORDER BY t.date, t.number",
        (party_id, since, day.isoformat()),
    )
    return [
        _("payment {n} to them ({amount}, {day})").format(
            n=r[0], amount=format_amount(int(r[2])), day=shown_date(str(r[1]))
        )
        for r in rows
    ]


def _registers(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """A lease (or rent in arrears), a fine, a loan from them still owed."""
    from ruralcouncil.ledger import assets, fines, register_links

    return [
        *assets.business(conn, party_id, day),
        *fines.business(conn, party_id, day),
        *register_links.business_with_loans(conn, party_id, day),
    ]


BUSINESS_CHECKS: list[BusinessCheck] = [_requests, _payments, _registers]


def business_with_akim(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """The business ``party_id`` has with the akim on ``day``, each said in a line: why a
    gift from them is flagged. [] when none."""
    return [reason for check in BUSINESS_CHECKS for reason in check(conn, party_id, day)]


# --- recording a gift --------------------------------------------------------------------


def donor_type_of(party: council.Party) -> DonorType:
    """The kind of donor a party is, unless the clerk says otherwise."""
    return _FROM_PARTY_KIND[party.kind]


def parse_donor_type(text: str) -> DonorType:
    try:
        return DonorType(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("Unknown kind of donor {kind}: use one of {kinds}.").format(
                kind=repr(text[:40]), kinds=", ".join(k.value for k in DonorType)
            )
        ) from None


def _statement(statement: tuple[str, bytes] | None) -> tuple[str | None, str | None, bytes | None]:
    if statement is None:
        return None, None, None
    filename, data = statement
    name = safe_text(PurePath(filename).name)[:200] or "statement"
    if not data:
        raise InvalidInput(_("The scanned statement {name} is empty.").format(name=name))
    if len(data) > MAX_STATEMENT:
        raise InvalidInput(
            _(
                "The scanned statement {name} is larger than 20 MB; scan it at a lower resolution."
            ).format(name=name)
        )
    return name, hashlib.sha256(data).hexdigest(), data


def _destination(
    conn: sqlite3.Connection, fund: str | None, project_id: int | None, day: date
) -> tuple[str, int | None]:
    """The fund a gift goes into, and its project: general, an earmarked fund, a project."""
    from ruralcouncil.ledger import holds

    if fund and project_id is not None:
        raise InvalidInput(_("A donation goes to a fund or to a project, not both."))
    if fund and project_id is None:
        project_id = holds.project_of_fund(conn, fund)
    if project_id is not None:
        project = projects.get(conn, project_id)
        refusal = project.refuses_money(day)
        if refusal:
            raise InvalidInput(refusal)
        return project.fund, project.id
    code = fund or GENERAL_FUND
    if not catalog.fund_exists(conn, code):
        raise InvalidInput(_("unknown fund {code}").format(code=code[:40]))
    return code, None


def add(
    ledger: Ledger,
    clerk: User,
    party_id: int,
    amount: int,
    voluntary: str,
    *,
    fund: str | None = None,
    project_id: int | None = None,
    in_kind: str = "",
    valued_by: str = "",
    anonymous: bool = False,
    contact: str = "",
    donor_type: str | None = None,
    statement: tuple[str, bytes] | None = None,
    on: date | None = None,
    account: str = DEFAULT_CASH_ACCOUNT,
    description: str = "",
    reference: str = "",
) -> int:
    """Record a gift with the donor's statement that it is voluntary (typed, or a scanned
    signed statement), flagged when the donor does business with the akim; a cash gift
    posts its ``DONATION`` receipt (with ``description`` and ``reference``, the receipt
    order's number, when given). Returns the donation's id."""
    require(clerk, Action.RECORD)
    voluntary = clean_text(_("The donor's statement"), voluntary, multiline=True)
    statement_name, statement_sha256, statement_bytes = _statement(statement)
    if not voluntary and statement_bytes is None:
        raise InvalidInput(
            _(
                "Refused: a donation needs the donor's own statement that it is voluntary, "
                "typed or as a signed scan."
            )
        )
    in_kind = clean_text(_("The gift in kind"), in_kind, multiline=True)
    valued_by = clean_text(_("Who valued it"), valued_by)
    contact = clean_text(_("The donor's contact"), contact, multiline=True)
    if in_kind and not valued_by:
        raise InvalidInput(_("Refused: a gift in kind needs who valued it (--valued-by)."))
    if valued_by and not in_kind:
        raise InvalidInput(_("Refused: only a gift in kind is valued (--in-kind)."))
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(
            _("the amount must be above zero and at most {max}").format(
                max=format_amount(MAX_AMOUNT)
            )
        )
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        party = council.get_party(conn, party_id)
        kind = parse_donor_type(donor_type) if donor_type else donor_type_of(party)
        target_fund, target_project = _destination(conn, fund, project_id, day)
        if not in_kind and catalog.kind_of(conn, account) != CASH:
            raise InvalidInput(_("unknown cash account {code}").format(code=account[:40]))
        reasons = business_with_akim(conn, party_id, day)
        donation_id = int(
            conn.execute("SELECT coalesce(max(id), 0) + 1 FROM donations").fetchone()[0]
        )
        transaction_id = None
        if not in_kind:
            entry = NewEntry(
                date=day,
                type=EntryType.RECEIPT,
                amount=amount,
                category=DONATION_CODE,
                fund=target_fund,
                account=account,
                counterparty="" if anonymous else party.name,
                description=description
                or _("Donation {id}").format(id=donation_id)
                + (" (" + _("anonymous") + ")" if anonymous else ""),
                reference=reference,
            )
            _number, transaction_id = post_for_register(commit, clerk, entry)
            if not anonymous:
                from ruralcouncil.ledger import spending

                spending.link_entry(commit, transaction_id, None, party_id)
        conn.execute(
            "INSERT INTO donations (id, date, party_id, donor_type, amount, fund, project_id,"
            " in_kind, valued_by, voluntary, statement_name, statement_sha256, statement,"
            " anonymous, contact, flagged, flag_reason, transaction_id, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                donation_id,
                day.isoformat(),
                party_id,
                kind.value,
                amount,
                target_fund,
                target_project,
                in_kind,
                valued_by,
                voluntary,
                statement_name,
                statement_sha256,
                statement_bytes,
                int(anonymous),
                contact,
                int(bool(reasons)),
                "; ".join(reasons),
                transaction_id,
                clerk.id,
                storage.now_text(),
            ),
        )
        commit.append("donation", str(donation_id))
        commit.event(
            "donation.add",
            f"{donation_id} {amount} party {party_id}" + (" flagged" if reasons else ""),
        )
    return donation_id


def acknowledge(
    ledger: Ledger, chair: User, donation_id: int, ref: str, on: date | None = None
) -> None:
    """Release a flagged gift's money, by a passed, confirmed resolution about
    ``donation:ID``; dated its meeting's day unless a later one is given."""
    require(chair, Action.CHAIR)
    with ledger.write(chair) as commit:
        conn = commit.conn
        donation = get(conn, donation_id)
        if not donation.flagged:
            raise InvalidInput(
                _("Donation {id} is not flagged: there is nothing to acknowledge.").format(
                    id=donation_id
                )
            )
        if donation.acknowledged_by is not None:
            raise InvalidInput(
                _("Donation {id} was already acknowledged by resolution {ref}.").format(
                    id=donation_id, ref=donation.acknowledged_by
                )
            )
        resolution = meetings.use(
            commit, chair, ref, f"donation:{donation_id}", "donation.acknowledge", str(donation_id)
        )
        day = on or date.fromisoformat(resolution.date)
        if day.isoformat() < resolution.date or day.isoformat() < donation.date:
            raise InvalidInput(
                _("An acknowledgement cannot be dated before {day}.").format(
                    day=shown_date(max(resolution.date, donation.date))
                )
            )
        council.event_date(day)
        conn.execute(
            "INSERT INTO acknowledgements (donation_id, resolution_id, date, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (donation_id, resolution.id, day.isoformat(), chair.id, storage.now_text()),
        )
        commit.append("acknowledgement", str(donation_id))
        commit.event("donation.acknowledge", f"{donation_id} {resolution.ref}")
