"""Build the fixture ledger of the current schema version, for the upgrade tests.

    python tests/make_fixture.py            # writes tests/fixtures/ledger-vN.ruralcouncil + .json

Run it once when a release changes the schema (DESIGN §3: a fixture ledger of every schema
version is kept). A released version's fixture never changes, so the script refuses to
overwrite one unless given --force. The clock and the password salts are fixed, so the same
program builds the same ledger, chain head included; the JSON beside the file records the
figures test_migrations expects after any later upgrade.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ruralcouncil.ledger import (
    catalog,
    chain,
    journal,
    keys,
    schema,
    settings,
    storage,
    users,
)
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.verify import verify
from ruralcouncil.reports.statements import year_summary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
YEARS = (2023, 2024)
# Test data, published on purpose: the upgrade test logs in with them.
PASSWORDS = {
    "admin": "fixture-admin-1",
    "clerk": "fixture-clerk-1",
    "chair": "fixture-chair-1",
    "auditor": "fixture-auditor-1",
    "member1": "fixture-member-1",
    "member2": "fixture-member-2",
}


@contextmanager
def fixed_clock_and_salts() -> Iterator[None]:
    """Every `recorded_at`, `created_at` and event time from a fake clock; fixed salts, nonces
    and key seeds (Ed25519 signatures are deterministic once the keys are)."""
    start = datetime.fromisoformat("2024-12-30T09:00:00+05:00")
    ticks = itertools.count()

    def now_text() -> str:
        return (start + timedelta(minutes=next(ticks))).isoformat(timespec="seconds")

    salts = itertools.count()

    class FixedSalts:
        @staticmethod
        def token_bytes(n: int) -> bytes:
            return next(salts).to_bytes(n, "big")

    import sqlite_utils.migrations as sqlite_migrations

    class FixedDatetime:
        """sqlite-utils stamps each applied migration; the schema entry chains the stamp."""

        timezone = sqlite_migrations.datetime.timezone

        class datetime:  # the name sqlite-utils calls
            @staticmethod
            def now(tz: object = None) -> str:
                return "2024-12-30 04:00:00.000000+00:00"

    saved_clock = storage.now_text
    saved_secrets = keys.secrets
    saved_datetime = sqlite_migrations.datetime
    try:
        storage.now_text = now_text  # type: ignore[assignment]
        keys.secrets = FixedSalts  # type: ignore[assignment]
        sqlite_migrations.datetime = FixedDatetime  # type: ignore[assignment]
        yield
    finally:
        storage.now_text = saved_clock  # type: ignore[assignment]
        keys.secrets = saved_secrets
        sqlite_migrations.datetime = saved_datetime


def _entry(day: str, kind: str, amount: int, category: str | None = None, **kw: Any) -> NewEntry:
    return NewEntry(
        date=date.fromisoformat(day), type=EntryType(kind), amount=amount, category=category, **kw
    )


def _populate(path: Path) -> None:
    ledger = init_ledger(
        path,
        village="Қарасу ауылдық округі",
        admin="admin",
        password=PASSWORDS["admin"],
        admin_full_name="Әділет Сейітов",
    )
    try:
        admin = users.login(ledger, "admin", PASSWORDS["admin"])
        ledger.conn.execute("PRAGMA synchronous = OFF")  # a fixture needs no fsync
        settings.change(ledger, admin, settings.COUNCIL_KIND, "local_community")
        catalog.add_fund(
            ledger,
            admin,
            "WELL",
            restricted=True,
            name_kk="Жаңа құдық",
            name_ru="Новый колодец",
            name_en="New well",
            purpose="Asar 2023: a well for the upper street",
        )
        catalog.add_category(
            ledger,
            admin,
            "BRIDGE",
            "expenditure",
            name_kk="Көпір",
            name_ru="Мост",
            name_en="Footbridge",
        )
        users.add_user(ledger, admin, "clerk", "clerk", "set-by-admin-1", "Гүлнар Оспанова")
        users.add_user(ledger, admin, "chair", "chair", "set-by-admin-2")
        users.add_user(ledger, admin, "auditor", "auditor", PASSWORDS["auditor"])
        users.add_user(ledger, admin, "leaver", "member", "fixture-leaver-1")
        users.set_active(ledger, admin, "leaver", False)
        # The chair changes the password an administrator set: a key of their own. The clerk
        # keeps an administrator-set key (reset below), which verify lists.
        chair = users.login(ledger, "chair", "set-by-admin-2")
        users.change_own_password(ledger, chair, "set-by-admin-2", PASSWORDS["chair"])
        clerk = users.login(ledger, "clerk", "set-by-admin-1")
        # A failed login (a password typed as the name): recorded unsigned, the text never kept.
        with contextlib.suppress(AuthenticationFailed):
            users.login(ledger, "fixture-clerk-1", "fixture-clerk-1")

        record = lambda e: journal.record(ledger, clerk, e)  # noqa: E731
        record(_entry("2023-01-01", "opening", 2_500_000_00))
        record(_entry("2023-01-01", "opening", 35_000_00, account="CASH"))
        record(
            _entry(
                "2023-02-10",
                "receipt",
                420_000_00,
                "TAX-PROPERTY",
                counterparty="Мемлекеттік кірістер",
                reference="ПП 112",
            )
        )
        record(
            _entry(
                "2023-03-05",
                "receipt",
                180_000_00,
                "COMMUNITY",
                fund="WELL",
                description="Асар: құдыққа жарна",
            )
        )
        wrong = record(
            _entry(
                "2023-03-06",
                "receipt",
                15_000_00,
                "DONATION",
                counterparty="Ерлан Б.",
                account="CASH",
            )
        )
        journal.reverse(ledger, clerk, wrong, "wrong donor", date(2023, 3, 7))
        record(_entry("2023-04-01", "payment", 650_000_00, "STAFF", description="Q1 salaries"))
        record(_entry("2023-05-15", "transfer", 100_000_00, to_account="CASH"))
        record(
            _entry(
                "2023-06-20",
                "payment",
                90_000_00,
                "CAPITAL",
                fund="WELL",
                counterparty="ТОО Су",
                description="Құдық қазу",
            )
        )
        roads = record(_entry("2023-12-28", "payment", 75_000_00, "ROADS", account="CASH"))
        record(_entry("2023-12-29", "payment", 20_000_00, "LOAN-REPAY"))
        journal.reverse(ledger, clerk, roads, "paid twice", date(2024, 1, 9))
        journal.close_year(ledger, chair, 2023)
        record(_entry("2024-01-20", "receipt", 1_200_000_00, "SUBSIDY"))
        record(_entry("2024-02-02", "payment", 30_000_00, "BRIDGE", account="CASH"))
        record(_entry("2024-03-03", "receipt", 4_321_99, "FINES", account="CASH"))
        record(_entry("2024-06-30", "payment", 88_000_00, "CAPITAL", fund="WELL"))
        users.reset_password(ledger, admin, "clerk", PASSWORDS["clerk"])
        _council_year(ledger, admin, chair)
    finally:
        ledger.close()


def _council_year(ledger: storage.Ledger, admin: users.User, chair: users.User) -> None:
    """Schema 3: the council adopts 2024's budget late in the year, and a request goes from
    draft to the chair's approval to a partial payment."""
    from ruralcouncil.ledger import budget, council, meetings, spending

    for name in ("member1", "member2"):
        users.add_user(ledger, admin, name, "member", PASSWORDS[name])
    council.set_term(ledger, admin, "member1", date(2023, 1, 1), date(2027, 12, 31))
    member1 = users.login(ledger, "member1", PASSWORDS["member1"])
    member2 = users.login(ledger, "member2", PASSWORDS["member2"])
    clerk = users.login(ledger, "clerk", PASSWORDS["clerk"])
    roads = council.add_party(ledger, clerk, "ТОО Жол-Құрылыс", "business", "040140001234")
    council.declare_interest(ledger, member2, "member2", roads, "ағасы", date(2024, 10, 1))
    meeting = meetings.open_meeting(
        ledger,
        chair,
        date(2024, 11, 1),
        ["chair", "member1", "member2"],
        secretary="member1",
        agenda="2024 жылғы бюджет",
    )
    ref = meetings.add_resolution(
        ledger, chair, meeting, "budget:2024", "2024 жылғы бюджетті бекіту", ["chair", "member1"]
    )
    meetings.confirm(ledger, member1, ref)
    budget.adopt(
        ledger,
        chair,
        2024,
        b"category,fund,amount\nROADS,GENERAL,200000\nBRIDGE,GENERAL,50000\n"
        b"CAPITAL,WELL,100000\nSUBSIDY,GENERAL,1200000\n",
        ref,
    )
    request = spending.draft(
        ledger,
        clerk,
        roads,
        "ROADS",
        "GENERAL",
        80_000_00,
        "Жолды грейдерлеу",
        [("шот.pdf", b"%PDF-1.4 fixture invoice")],
        date(2024, 11, 5),
    )
    spending.approve(ledger, chair, request, on=date(2024, 11, 6))
    journal.record(
        ledger, clerk, _entry("2024-11-20", "payment", 50_000_00, "ROADS"), request_id=request
    )
    _community_year(ledger, clerk, chair, member1, roads, meeting)
    _annual_return(ledger, clerk, chair, member1, meeting)


def _community_year(
    ledger: storage.Ledger,
    clerk: users.User,
    chair: users.User,
    member1: users.User,
    roads: int,
    meeting: int,
) -> None:
    """Schema 4: a salma adopted by resolution with one household paying in two parts and
    one exempt, a flagged gift from the road firm (it has a request) still held, and an
    anonymous gift in kind."""
    from ruralcouncil.ledger import council, donations, households, meetings, projects

    def passed(subject: str) -> str:
        ref = meetings.add_resolution(
            ledger, chair, meeting, subject, subject, ["chair", "member1"]
        )
        meetings.confirm(ledger, member1, ref)
        return ref

    head = council.add_party(ledger, clerk, "Айгүл Серікова", "person")
    home = households.add(ledger, clerk, "Абай көшесі, 5", head, 4)
    poor = households.add(ledger, clerk, "Абай көшесі, 7", roads, 1)
    project = projects.add(
        ledger, clerk, "Ойын алаңы", 300_000_00, 15_000_00, 2024, "", date(2024, 10, 20)
    )
    projects.adopt(ledger, chair, project, passed(f"project:{project}"))
    households.exempt(
        ledger, clerk, poor, 2024, "жалғыз зейнеткер", passed(f"exemption:{poor}:2024")
    )
    # Texts given, not made in the builder's language: the fixture is the same everywhere.
    projects.contribute(
        ledger, clerk, project, home, 5_000_00, date(2024, 11, 21), description="Салма"
    )
    projects.contribute(
        ledger, clerk, project, home, 10_000_00, date(2024, 11, 22), "CASH", description="Салма"
    )
    donations.add(
        ledger, clerk, roads, 20_000_00, "Өз еркіммен", on=date(2024, 11, 23), description="Сыйлық"
    )
    donations.add(
        ledger,
        clerk,
        head,
        7_500_00,
        "Өз еркіммен",
        project_id=project,
        in_kind="Құм, 2 тонна",
        valued_by="хатшы",
        anonymous=True,
        on=date(2024, 11, 23),
    )
    _registers(ledger, clerk, roads, head, passed)


def _registers(
    ledger: storage.Ledger, clerk: users.User, roads: int, head: int, passed: Any
) -> None:
    """Schema 4's registers: a subsidy granted and received, a loan taken by resolution, an
    asset let with rent paid, a fine part paid and cancelled."""
    from ruralcouncil.ledger import assets, fines, loans, subsidies
    from ruralcouncil.ledger.register_links import RegisterLink

    subsidy = subsidies.add(ledger, clerk, "Шамдар", 90_000_00, "Көше қараңғы", date(2024, 11, 1))
    subsidies.decide(ledger, clerk, subsidy, 60_000_00, "№ 12", "Есеп", date(2024, 11, 2))
    journal.record(
        ledger,
        clerk,
        _entry("2024-11-24", "receipt", 60_000_00, "SUBSIDY", description="Субсидия"),
        register=RegisterLink(subsidy_id=subsidy),
    )
    loans.add(
        ledger,
        clerk,
        roads,
        40_000_00,
        1000,
        6,
        "Аудан әкімдігі, № 45",
        passed(f"loan:{roads}:40000"),
        on=date(2024, 11, 25),
    )
    meadow = assets.add_asset(
        ledger, clerk, "Шабындық", "natural", 5_000_00, acquired=date(2020, 1, 1)
    )
    assets.add_asset(ledger, clerk, "Клуб", "property", 900_000_00, acquired=date(2010, 1, 1))
    lease = assets.add_lease(
        ledger, clerk, meadow, head, 1_500_00, "month", date(2024, 11, 1), date(2025, 10, 31)
    )
    journal.record(
        ledger,
        clerk,
        _entry("2024-11-26", "receipt", 1_500_00, "RENT-NATURAL", description="Жалға алу"),
        register=RegisterLink(lease_id=lease),
    )
    fine = fines.add(
        ledger, clerk, head, "Мал мектеп ауласында", 2_000_00, "Комиссия", date(2024, 11, 27)
    )
    journal.record(
        ledger,
        clerk,
        _entry("2024-11-28", "receipt", 500_00, "FINES", description="Айыппұл"),
        register=RegisterLink(fine_id=fine),
    )
    fines.cancel(ledger, clerk, fine, "Шағым қанағаттандырылды", "№ 7 шешім", date(2024, 11, 29))


def _annual_return(
    ledger: storage.Ledger,
    clerk: users.User,
    chair: users.User,
    member1: users.User,
    meeting: int,
) -> None:
    """Schema 5: 2023's annual return, whole and finalised (a No explained, every variance
    explained, the bank reconciled and approved, the internal audit signed, the inspection
    period set)."""
    from ruralcouncil.ledger import annual_return, internal_audit, meetings, reconciliation
    from ruralcouncil.ledger import variances as moves

    auditor = users.login(ledger, "auditor", PASSWORDS["auditor"])
    ref = meetings.add_resolution(
        ledger, chair, meeting, "governance:2023", "Басқару туралы мәлімдеме", ["chair", "member1"]
    )
    meetings.confirm(ledger, member1, ref)
    for n in annual_return.ASSERTIONS:
        no = n == 5
        annual_return.answer_assertion(
            ledger,
            chair,
            2023,
            n,
            annual_return.Answer.NO if no else annual_return.Answer.YES,
            "Тәуекелдер тізілімі жоқ" if no else "",
            ref,
        )
    for v in moves.variances(ledger.conn, 2023):
        if v.needed:
            moves.explain(ledger, clerk, 2023, v.box, f"{v.box}-жол: алғашқы жыл")
    cash = reconciliation.cash_book(ledger.conn, 2023)[0]
    reconciliation.reconcile(ledger, clerk, 2023, {k: v for k, v in cash.items() if v}, [], [])
    reconciliation.approve(ledger, chair, 2023, date(2024, 11, 1))
    for n in internal_audit.OBJECTIVES:
        internal_audit.answer(ledger, auditor, 2023, n, internal_audit.AuditAnswer.YES, "")
    internal_audit.sign(ledger, auditor, 2023, date(2024, 2, 5), date(2024, 2, 7), "Аудитор")
    annual_return.set_inspection(
        ledger, clerk, 2023, date(2024, 3, 4), date(2024, 4, 12), "Әкімдік, 2-бөлме"
    )
    annual_return.finalise(ledger, chair, 2023, on=date(2024, 11, 2))


def build(folder: Path) -> tuple[Path, dict[str, Any]]:
    """Build the fixture in ``folder``; returns its path and the figures to record. Texts the
    program words itself (a gift's flag, a refund's description) are stored in the language
    of whoever records them: the fixture is built in English, wherever it is built."""
    from ruralcouncil.i18n import language, set_language

    path = folder / f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil"
    was = language()
    set_language("en")
    try:
        with fixed_clock_and_salts():
            _populate(path)
    finally:
        set_language(was)
    # Small pages keep the committed file small; the page size means nothing to an upgrade.
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA page_size = 1024")
        db.execute("VACUUM")
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()
    path.with_name(path.name + ".lock").unlink(missing_ok=True)
    ledger = storage.open_ledger(path, write=False)
    try:
        result = verify(ledger.conn)
        assert result.ok, result.problems
        entries, head = chain.head(ledger.conn)
        figures: dict[str, Any] = {
            "schema_version": schema.SCHEMA_VERSION,
            "anchor": {"entries": entries, "head": head},
            "events": ledger.conn.execute("SELECT count(*) FROM events").fetchone()[0],
            "signed_commits": result.signed_commits,
            "transactions": ledger.conn.execute("SELECT count(*) FROM transactions").fetchone()[0],
            "users": {
                name: role
                for name, role in ledger.conn.execute("SELECT name, role FROM users ORDER BY id")
            },
            "passwords": PASSWORDS,
            "disabled": ["leaver"],
            "closed_years": journal.closed_years(ledger.conn),
            "village": settings.village_name(ledger.conn),
            "summaries": {},
        }
        for year in YEARS:
            summary = year_summary(ledger.conn, year).as_json()
            summary.pop("chain")  # a later migration may chain more records
            figures["summaries"][str(year)] = summary
    finally:
        ledger.close()
    return path, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="replace an existing fixture")
    args = parser.parse_args()
    target = FIXTURES / f"ledger-v{schema.SCHEMA_VERSION}.ruralcouncil"
    if target.exists() and not args.force:
        print(
            f"{target} exists; a released version's fixture never changes (--force).",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        built, figures = build(Path(tmp))
        FIXTURES.mkdir(exist_ok=True)
        shutil.copyfile(built, target)
    target.with_suffix(".json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"{target} ({target.stat().st_size} bytes), anchor "
        f"{figures['anchor']['entries']}:{figures['anchor']['head']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
