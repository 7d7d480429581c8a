"""Municipal property, land and natural resources, and their leases (DESIGN §2.6, §4.3).

The register holds each asset with its value and how it was valued, and its disposal; the
value of what is held at 31 December is box 9 of the annual return. A lease lets an asset to
a tenant (a party) at a rent per month, quarter or year over a period; the rent falls due on
the first day of each period, rent receipts name the lease, and what is due, paid and in
arrears is known at any date. A tenant with a lease, or in arrears, does business with the
akim (the donations' safeguard asks :func:`business`).
"""

from __future__ import annotations

import calendar
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import council, storage
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import MAX_AMOUNT, format_amount
from ruralcouncil.ledger.parse import clean_text
from ruralcouncil.ledger.roles import Action, User, require
from ruralcouncil.ledger.storage import Ledger


class Kind(StrEnum):
    PROPERTY = "property"
    LAND = "land"
    NATURAL = "natural"


KIND_NAMES = {
    Kind.PROPERTY: N_("Property"),
    Kind.LAND: N_("Land"),
    Kind.NATURAL: N_("Natural resource"),
}
# The rent of an asset of each kind is a receipt of this source.
RENT_CODES = {
    Kind.PROPERTY: "RENT-PROPERTY",
    Kind.LAND: "RENT-PROPERTY",
    Kind.NATURAL: "RENT-NATURAL",
}


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}
PERIOD_NAMES = {
    Period.MONTH: N_("a month"),
    Period.QUARTER: N_("a quarter"),
    Period.YEAR: N_("a year"),
}


@dataclass(frozen=True)
class Asset:
    id: int
    name: str
    kind: Kind
    location: str
    size: str
    acquired: str | None
    value: int
    valued_how: str
    disposed_on: str | None
    disposal_reason: str

    def held_on(self, day: str) -> bool:
        acquired = self.acquired is None or self.acquired <= day
        return acquired and (self.disposed_on is None or self.disposed_on > day)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "location": self.location,
            "size": self.size,
            "acquired": self.acquired,
            "value": self.value,
            "valued_how": self.valued_how,
            "disposed_on": self.disposed_on,
            "disposal_reason": self.disposal_reason or None,
        }


@dataclass(frozen=True)
class Lease:
    id: int
    asset_id: int
    asset: str
    kind: Kind
    party_id: int
    tenant: str
    rent: int
    period: Period
    starts: str
    ends: str

    @property
    def rent_code(self) -> str:
        return RENT_CODES[self.kind]

    def due_on(self, day: str) -> int:
        """The rent fallen due by the end of ``day``: a period's rent on its first day."""
        start = date.fromisoformat(self.starts)
        end = min(day, self.ends)
        count = 0
        while True:
            first = _months_after(start, count * PERIOD_MONTHS[self.period]).isoformat()
            if first > end:
                break
            count += 1
        return count * self.rent

    @property
    def total(self) -> int:
        return self.due_on(self.ends)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "asset": self.asset_id,
            "asset_name": self.asset,
            "party": self.party_id,
            "tenant": self.tenant,
            "rent": self.rent,
            "per": self.period.value,
            "from": self.starts,
            "to": self.ends,
        }


@dataclass(frozen=True)
class Arrears:
    lease: Lease
    due: int
    paid: int

    @property
    def arrears(self) -> int:
        return max(self.due - self.paid, 0)

    def as_json(self) -> dict[str, object]:
        return {
            "lease": self.lease.id,
            "asset": self.lease.asset,
            "tenant": self.lease.tenant,
            "party": self.lease.party_id,
            "due": self.due,
            "paid": self.paid,
            "arrears": self.arrears,
        }


def _months_after(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


# --- reading -----------------------------------------------------------------------------

_ASSETS = (
    "SELECT a.id, a.name, a.kind, a.location, a.size, a.acquired, a.value, a.valued_how,"
    " d.date, coalesce(d.reason, '') FROM assets a"
    " LEFT JOIN asset_disposals d ON d.asset_id = a.id"
)


def _asset(r: tuple[object, ...]) -> Asset:
    return Asset(
        int(r[0]),  # type: ignore[call-overload]
        str(r[1]),
        Kind(str(r[2])),
        str(r[3]),
        str(r[4]),
        None if r[5] is None else str(r[5]),
        int(r[6]),  # type: ignore[call-overload]
        str(r[7]),
        None if r[8] is None else str(r[8]),
        str(r[9]),
    )


def get_asset(conn: sqlite3.Connection, asset_id: int) -> Asset:
    row = conn.execute(f"{_ASSETS} WHERE a.id = ?", (asset_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no asset {id}.").format(id=asset_id))
    return _asset(row)


def assets(conn: sqlite3.Connection) -> list[Asset]:
    return [_asset(r) for r in conn.execute(f"{_ASSETS} ORDER BY a.id")]


def value_held(conn: sqlite3.Connection, day: str) -> int:
    """Box 9: the register's value of every asset held at the end of ``day``."""
    return sum(a.value for a in assets(conn) if a.held_on(day))


_LEASES = (
    "SELECT l.id, l.asset_id, a.name, a.kind, l.party_id, p.name, l.rent, l.period, l.starts,"
    " l.ends FROM leases l JOIN assets a ON a.id = l.asset_id JOIN parties p ON p.id = l.party_id"
)


def _lease(r: tuple[object, ...]) -> Lease:
    return Lease(
        int(r[0]),  # type: ignore[call-overload]
        int(r[1]),  # type: ignore[call-overload]
        str(r[2]),
        Kind(str(r[3])),
        int(r[4]),  # type: ignore[call-overload]
        str(r[5]),
        int(r[6]),  # type: ignore[call-overload]
        Period(str(r[7])),
        str(r[8]),
        str(r[9]),
    )


def get_lease(conn: sqlite3.Connection, lease_id: int) -> Lease:
    row = conn.execute(f"{_LEASES} WHERE l.id = ?", (lease_id,)).fetchone()
    if row is None:
        raise InvalidInput(_("There is no lease {id}.").format(id=lease_id))
    return _lease(row)


def leases(conn: sqlite3.Connection) -> list[Lease]:
    return [_lease(r) for r in conn.execute(f"{_LEASES} ORDER BY l.starts, l.id")]


def rent_paid(conn: sqlite3.Connection, lease_id: int, on: str | None = None) -> int:
    row = conn.execute(
        "SELECT coalesce(sum(t.amount), 0) FROM register_links l"
        " JOIN transactions t ON t.id = l.transaction_id WHERE l.lease_id = ? AND t.date <= ?",
        (lease_id, on or "9999-12-31"),
    ).fetchone()
    return int(row[0])


def arrears(conn: sqlite3.Connection, on: str) -> list[Arrears]:
    """Every lease that had begun by ``on``: rent due, paid and in arrears then."""
    return [
        Arrears(lease, lease.due_on(on), rent_paid(conn, lease.id, on))
        for lease in leases(conn)
        if lease.starts <= on
    ]


def business(conn: sqlite3.Connection, party_id: int, day: date) -> list[str]:
    """A lease the party holds on ``day`` (or within the last year), or rent it owes then."""
    on = day.isoformat()
    since = (day - timedelta(days=365)).isoformat()
    found = []
    for lease in leases(conn):
        if lease.party_id != party_id or lease.starts > on:
            continue
        owed = max(lease.due_on(on) - rent_paid(conn, lease.id, on), 0)
        if owed:
            found.append(
                _("rent of {amount} in arrears on lease {id} ({asset})").format(
                    amount=format_amount(owed), id=lease.id, asset=lease.asset
                )
            )
        elif lease.ends >= since:
            found.append(
                _("lease {id} of {asset} ({start} to {end})").format(
                    id=lease.id,
                    asset=lease.asset,
                    start=shown_date(lease.starts),
                    end=shown_date(lease.ends),
                )
            )
    return found


# --- recording ---------------------------------------------------------------------------


def add_asset(
    ledger: Ledger,
    clerk: User,
    name: str,
    kind: str,
    value: int,
    *,
    location: str = "",
    size: str = "",
    acquired: date | None = None,
    valued_how: str = "",
) -> int:
    require(clerk, Action.REGISTER)
    name = clean_text(_("The name"), name, limit=200, required=True)
    location = clean_text(_("The location"), location)
    size = clean_text(_("The size"), size)
    valued_how = clean_text(_("How it was valued"), valued_how)
    try:
        asset_kind = Kind(kind.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("Unknown kind of asset {kind}: use property, land or natural.").format(
                kind=repr(kind[:20])
            )
        ) from None
    if not 0 <= value <= MAX_AMOUNT:
        raise InvalidInput(
            _("The value must be from zero to {max}.").format(max=format_amount(MAX_AMOUNT))
        )
    if acquired is not None:
        council.event_date(acquired)
    with ledger.write(clerk) as commit:
        cursor = commit.conn.execute(
            "INSERT INTO assets (name, kind, location, size, acquired, value, valued_how,"
            " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                asset_kind.value,
                location,
                size,
                acquired.isoformat() if acquired else None,
                value,
                valued_how,
                clerk.id,
                storage.now_text(),
            ),
        )
        asset_id = int(cursor.lastrowid or 0)
        commit.append("asset", str(asset_id))
        commit.event("asset.add", f"{asset_id} {name}")
    return asset_id


def dispose(
    ledger: Ledger, clerk: User, asset_id: int, reason: str, on: date | None = None
) -> None:
    """An asset leaves the register (sold, written off, transferred) from ``on``."""
    require(clerk, Action.REGISTER)
    reason = clean_text(_("The reason"), reason, multiline=True, required=True)
    day = council.event_date(on)
    with ledger.write(clerk) as commit:
        conn = commit.conn
        asset = get_asset(conn, asset_id)
        if asset.disposed_on is not None:
            raise InvalidInput(
                _("Asset {id} was disposed of on {day}.").format(
                    id=asset_id, day=shown_date(asset.disposed_on)
                )
            )
        if asset.acquired and day.isoformat() < asset.acquired:
            raise InvalidInput(
                _("Asset {id} was acquired on {day}.").format(
                    id=asset_id, day=shown_date(asset.acquired)
                )
            )
        for lease in leases(conn):
            if lease.asset_id == asset_id and lease.ends >= day.isoformat():
                raise InvalidInput(
                    _(
                        "Asset {id} is let to {tenant} until {end}: it can be disposed of "
                        "after the lease ends."
                    ).format(id=asset_id, tenant=lease.tenant, end=shown_date(lease.ends))
                )
        conn.execute(
            "INSERT INTO asset_disposals (asset_id, date, reason, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (asset_id, day.isoformat(), reason, clerk.id, storage.now_text()),
        )
        commit.append("asset_disposal", str(asset_id))
        commit.event("asset.dispose", f"{asset_id} {reason}")


def add_lease(
    ledger: Ledger,
    clerk: User,
    asset_id: int,
    party_id: int,
    rent: int,
    period: str,
    starts: date,
    ends: date,
) -> int:
    require(clerk, Action.REGISTER)
    try:
        per = Period(period.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("Rent is per month, quarter or year, not {per}.").format(per=repr(period[:20]))
        ) from None
    if not 0 < rent <= MAX_AMOUNT:
        raise InvalidInput(_("The rent must be above zero."))
    if ends < starts:
        raise InvalidInput(_("A lease cannot end before it starts."))
    with ledger.write(clerk) as commit:
        conn = commit.conn
        asset = get_asset(conn, asset_id)
        council.get_party(conn, party_id)
        if asset.acquired and starts.isoformat() < asset.acquired:
            raise InvalidInput(
                _("Asset {id} was acquired on {day}; it cannot be let before.").format(
                    id=asset_id, day=shown_date(asset.acquired)
                )
            )
        if asset.disposed_on is not None and asset.disposed_on <= ends.isoformat():
            raise InvalidInput(
                _("Asset {id} was disposed of on {day}; it cannot be let beyond that.").format(
                    id=asset_id, day=shown_date(asset.disposed_on)
                )
            )
        for other in leases(conn):
            if (
                other.asset_id == asset_id
                and other.starts <= ends.isoformat()
                and (starts.isoformat() <= other.ends)
            ):
                raise InvalidInput(
                    _("Asset {id} is already let to {tenant} from {start} to {end}.").format(
                        id=asset_id,
                        tenant=other.tenant,
                        start=shown_date(other.starts),
                        end=shown_date(other.ends),
                    )
                )
        cursor = conn.execute(
            "INSERT INTO leases (asset_id, party_id, rent, period, starts, ends, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                asset_id,
                party_id,
                rent,
                per.value,
                starts.isoformat(),
                ends.isoformat(),
                clerk.id,
                storage.now_text(),
            ),
        )
        lease_id = int(cursor.lastrowid or 0)
        commit.append("lease", str(lease_id))
        commit.event("lease.add", f"{lease_id} asset {asset_id} party {party_id}")
    return lease_id


def rent_problems(
    conn: sqlite3.Connection,
    lease: Lease,
    category: str | None,
    amount: int,
    day: date,
    already: int = 0,
) -> list[str]:
    """Why a receipt of ``amount`` on ``day`` may not be rent of ``lease``."""
    if category != lease.rent_code:
        return [
            _("the rent of lease {id} is a {code} receipt").format(
                id=lease.id, code=lease.rent_code
            )
        ]
    if day.isoformat() < lease.starts:
        return [_("lease {id} starts on {day}").format(id=lease.id, day=shown_date(lease.starts))]
    left = lease.total - rent_paid(conn, lease.id) - already
    if amount > left:
        return [
            _("lease {id} has {left} of rent left over its whole term").format(
                id=lease.id, left=format_amount(max(left, 0))
            )
        ]
    return []


# A lease's rent as the window and the printed list say it.
RENT_PER = {
    Period.MONTH: N_("{amount} a month"),
    Period.QUARTER: N_("{amount} a quarter"),
    Period.YEAR: N_("{amount} a year"),
}


def rent_text(rent: int, period: Period) -> str:
    """``50 000,00 ₸ a month``: a lease's rent and its period, in the user's language."""
    return _(RENT_PER[period]).format(amount=format_amount(rent))
