"""Shared helpers for the core tests: fast fresh ledgers and one-line entries.

A new ledger costs a scrypt hash and the whole schema, so one template is built per test
process and each test gets a copy of the file. The administrator is ``admin`` with the
password ``correct-horse-1``.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ruralcouncil.i18n import language, set_language
from ruralcouncil.ledger import chain, journal, keys, records, storage
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import Ledger, open_ledger
from ruralcouncil.ledger.users import Role, User, login

ADMIN = "admin"
PASSWORD = "correct-horse-1"
VILLAGE = "Test village"


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    """Messages in English, so refusals can be matched by their words whatever the default
    language and however far the translations have got. Import it into a test module."""
    previous = language()
    set_language("en")
    yield
    set_language(previous)


def scratch_dir() -> Path:
    """A folder for templates, removed when the test process ends."""
    folder = Path(tempfile.mkdtemp(prefix="rc-template-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@cache
def _template() -> Path:
    path = scratch_dir() / "template.ruralcouncil"
    init_ledger(path, village=VILLAGE, admin=ADMIN, password=PASSWORD).close()
    return path


def copy_ledger(template: Path, folder: Path, name: str = "test.ruralcouncil") -> Ledger:
    """Open a copy of a closed (checkpointed) template ledger to write.

    Each commit with ``synchronous=FULL`` costs a real fsync (~0.1 s on the CI disk), so the
    copies run with ``synchronous=OFF``; test_storage checks FULL and durability on a
    ledger opened the normal way.
    """
    path = folder / name
    shutil.copyfile(template, path)
    ledger = open_ledger(path)
    ledger.conn.execute("PRAGMA synchronous = OFF")
    return ledger


def fresh_ledger(folder: Path, name: str = "test.ruralcouncil") -> Ledger:
    """A new, empty ledger (default categories, BANK, CASH, GENERAL, user admin) opened to write."""
    return copy_ledger(_template(), folder, name)


# Unlocked keys by public key: copies of a template share their keys, so each is unlocked
# (one scrypt) once per test process.
_UNLOCKED: dict[str, keys.Signer] = {}


def user_of(ledger: Ledger, name: str, password: str) -> User:
    """``name`` logged in with ``password``, paying for the scrypt login once per key."""
    row = ledger.conn.execute(
        "SELECT id, name, role, full_name, public_key FROM users WHERE name = ?", (name,)
    ).fetchone()
    known = _UNLOCKED.get(str(row[4])) if row is not None else None
    if known is None:
        user = login(ledger, name, password)
        assert user.signer is not None
        _UNLOCKED[user.signer.public_key] = user.signer
        known = user.signer
    signer = keys.Signer(int(row[0]), known.private_key, known.public_key)
    return User(int(row[0]), str(row[1]), Role(row[2]), str(row[3]), signer)


def admin_of(ledger: Ledger) -> User:
    """The administrator, logged in (their key unlocked)."""
    return user_of(ledger, ADMIN, PASSWORD)


def day(text: str) -> date:
    return date.fromisoformat(text)


def entry(
    when: str,
    type_: str,
    amount: int,
    category: str | None = None,
    *,
    fund: str = "GENERAL",
    account: str = "BANK",
    to_account: str | None = None,
    counterparty: str = "",
    description: str = "",
    reference: str = "",
) -> NewEntry:
    return NewEntry(
        date=day(when),
        type=EntryType(type_),
        amount=amount,
        category=category,
        fund=fund,
        account=account,
        to_account=to_account,
        counterparty=counterparty,
        description=description,
        reference=reference,
    )


def receipt(
    ledger: Ledger, user: User, when: str, amount: int, category: str = "TAX-LAND", **kw: str
) -> int:
    return journal.record(ledger, user, entry(when, "receipt", amount, category, **kw))


def payment(
    ledger: Ledger, user: User, when: str, amount: int, category: str = "ROADS", **kw: str
) -> int:
    return journal.record(ledger, user, entry(when, "payment", amount, category, **kw))


def transfer(
    ledger: Ledger,
    user: User,
    when: str,
    amount: int,
    source: str = "BANK",
    to: str = "CASH",
    **kw: str,
) -> int:
    return journal.record(
        ledger, user, entry(when, "transfer", amount, account=source, to_account=to, **kw)
    )


def opening(ledger: Ledger, user: User, when: str, amount: int, **kw: str) -> int:
    return journal.record(ledger, user, entry(when, "opening", amount, **kw))


def state(conn: sqlite3.Connection) -> tuple[object, ...]:
    """Everything a refused action must leave untouched: the chain and its signatures, the
    events (the audit log), every posted or chained table, and the closed version-1 log."""
    return (
        chain.head(conn),
        conn.execute("SELECT count(*) FROM chain").fetchone()[0],
        conn.execute("SELECT count(*), max(id) FROM events").fetchone(),
        conn.execute("SELECT count(*), max(seq) FROM signatures").fetchone(),
        conn.execute("SELECT count(*), max(number) FROM transactions").fetchone(),
        conn.execute("SELECT count(*) FROM postings").fetchone()[0],
        conn.execute("SELECT * FROM daily_totals ORDER BY 1, 2, 3").fetchall(),
        conn.execute("SELECT * FROM daily_entries ORDER BY 1, 2").fetchall(),
        conn.execute("SELECT * FROM users ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM settings ORDER BY key").fetchall(),
        conn.execute("SELECT code FROM accounts ORDER BY code").fetchall(),
        conn.execute("SELECT code FROM funds ORDER BY code").fetchall(),
        conn.execute("SELECT * FROM closed_years ORDER BY year").fetchall(),
        conn.execute("SELECT count(*) FROM imports").fetchone()[0],
        conn.execute("SELECT count(*) FROM audit_log").fetchone()[0],
    )


def commits_since(conn: sqlite3.Connection, seq: int) -> list[tuple[int | None, list[str]]]:
    """The chain entries after position ``seq``, grouped by commit: (the signing author, or
    None for an entry no signature covers, [kind or 'event:NAME' of each entry])."""
    signed = dict(
        conn.execute("SELECT seq, author FROM signatures WHERE seq > ?", (seq,)).fetchall()
    )
    found: list[tuple[int | None, list[str]]] = []
    run: list[str] = []
    for position, kind, record, author in conn.execute(
        "SELECT seq, kind, record, author FROM chain WHERE seq > ? ORDER BY seq", (seq,)
    ).fetchall():
        if kind == "event":
            kind = "event:" + str(
                conn.execute("SELECT event FROM events WHERE id = ?", (int(record),)).fetchone()[0]
            )
        run.append(kind)
        if author is None:
            found.append((None, run))
            run = []
        elif position in signed:
            assert signed[position] == author, "a commit signed by another than its entries' author"
            found.append((int(author), run))
            run = []
    assert not run, f"entries {run} are covered by no signature"
    return found


# --- forging by hand, with a real key ---------------------------------------------------


def append_entry(db: sqlite3.Connection, kind: str, record: str, author: int) -> None:
    """Chain ``record`` of ``kind`` by hand, as the program would (its stored row), for
    ``author``: what a forger with a real key does before ``sign_commit``."""
    seq, prev = chain.head(db)
    known = records.get(kind)
    assert known is not None
    payload = chain.envelope(seq + 1, kind, record, author, prev, known.build(db, record))
    db.execute(
        "INSERT INTO chain (seq, kind, record, author, payload, hash) VALUES (?, ?, ?, ?, ?, ?)",
        (seq + 1, kind, record, author, payload, chain.digest(payload)),
    )


def sign_commit(db: sqlite3.Connection, signer: keys.Signer) -> None:
    """Sign the entries chained since the last signature with ``signer``'s key."""
    seq, head = chain.head(db)
    first = db.execute(
        "SELECT min(seq) FROM chain WHERE author IS NOT NULL AND seq >"
        " (SELECT coalesce(max(seq), 0) FROM signatures)"
    ).fetchone()[0]
    signature = signer.private_key.sign(keys.signed_message(first or seq, seq, head)).hex()
    db.execute(
        "INSERT INTO signatures (seq, author, signature) VALUES (?, ?, ?)",
        (seq, signer.user_id, signature),
    )


def raw(path: Path) -> sqlite3.Connection:
    """A bare connection, as a tamperer would use: no foreign keys, autocommit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def drop_append_only(conn: sqlite3.Connection) -> None:
    """What someone editing the file by hand does first."""
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        " AND (name LIKE '%_no_update' OR name LIKE '%_no_delete')"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def tamper(path: Path, *sql: str) -> None:
    """Edit the file as a careful tamperer would: the triggers that refuse the edit are dropped,
    the edit made, and the triggers put back exactly as they were, so the schema is intact and
    only the edit itself is there for verify to find."""
    with closing(raw(path)) as db:
        saved = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND (name LIKE '%_no_update' OR name LIKE '%_no_delete'"
            " OR name IN ('audit_log_closed', 'transactions_number_next'))"
        ).fetchall()
        for name, _sql in saved:
            db.execute(f"DROP TRIGGER {name}")
        for statement in sql:
            db.execute(statement)
        for _name, text in saved:
            db.execute(text)


def uncounted(transaction_id: int) -> tuple[str, str]:
    """The edits that take entry ``transaction_id`` out of ``daily_entries`` (its day and
    type counted one fewer; the row gone at none), for a tamperer who hides every trace of a
    deleted entry. Run before the entry itself is deleted."""
    same_day = f"(date, type) = (SELECT date, type FROM transactions WHERE id = {transaction_id})"
    return (
        f"DELETE FROM daily_entries WHERE {same_day} AND entries = 1",
        f"UPDATE daily_entries SET entries = entries - 1 WHERE {same_day}",
    )


def council_year(
    ledger: Ledger, admin: User, clerk: User, chair: User, member: User, year: int
) -> dict[str, int]:
    """A row in every table of the council's path (schema 3), dated in ``year``: a party and
    a declared interest, a meeting, a confirmed budget resolution used to adopt the budget, a
    rule set by resolution, a resolution that failed, a request with attachments approved by
    the chair and partly paid, and one withdrawn. ``chair`` and ``member`` are the whole
    sitting council. Returns the payment's entry number and the records' ids."""
    from ruralcouncil.ledger import budget, council, meetings, spending

    council.set_term(ledger, admin, member.name, day(f"{year - 1}-01-01"), day(f"{year + 3}-12-31"))
    supplier = council.add_party(ledger, clerk, "ТОО Жол", "business", "040140001234")
    cousin = council.add_party(ledger, clerk, "Серік Ахметов", "person")
    interest = council.declare_interest(
        ledger, admin, member.name, cousin, "cousin", day(f"{year}-01-15")
    )
    meeting = meetings.open_meeting(
        ledger, chair, day(f"{year}-02-01"), [chair.name, member.name], secretary=member.name
    )
    adopted = meetings.add_resolution(
        ledger, chair, meeting, f"budget:{year}", f"The budget of {year}", [chair.name, member.name]
    )
    meetings.confirm(ledger, member, adopted)
    budget.adopt(
        ledger,
        chair,
        year,
        b"category,fund,amount\nSTAFF,GENERAL,100000\nROADS,GENERAL,50000\n"
        b"LOAN-REPAY,GENERAL,20000\nTAX-LAND,GENERAL,200000\n",
        adopted,
    )
    rule = meetings.add_resolution(
        ledger,
        chair,
        meeting,
        "rules:chair-limit=60000",
        "A lower limit",
        [chair.name, member.name],
    )
    meetings.confirm(ledger, member, rule)
    meetings.set_rule(ledger, chair, "chair-limit", "60000", rule)
    meetings.add_resolution(
        ledger, chair, meeting, "other", "A new bus stop", [chair.name], against=[member.name]
    )
    request = spending.draft(
        ledger,
        clerk,
        supplier,
        "ROADS",
        "GENERAL",
        5_000_00,
        "Potholes",
        [("invoice.pdf", b"%PDF-1.4 invoice"), ("quote.png", b"\x89PNG quote")],
        day(f"{year}-02-02"),
    )
    spending.approve(ledger, chair, request, on=day(f"{year}-02-03"))
    dropped = spending.draft(
        ledger, clerk, supplier, "STAFF", "GENERAL", 100_00, "Gloves", on=day(f"{year}-02-03")
    )
    spending.withdraw(ledger, clerk, dropped, "bought with the shovels", day(f"{year}-02-04"))
    paid = journal.record(
        ledger, clerk, entry(f"{year}-02-05", "payment", 2_000_00, "ROADS"), request_id=request
    )
    project = community_year(ledger, clerk, chair, member, supplier, cousin, year)
    return_year(ledger, admin, clerk, chair, member, year - 5, day(f"{year}-05-01"))
    return {
        "paid": paid,
        "request": request,
        "meeting": meeting,
        "interest": interest,
        "project": project,
    }


def community_year(
    ledger: Ledger,
    clerk: User,
    chair: User,
    member: User,
    supplier: int,
    cousin: int,
    year: int,
) -> int:
    """A row in every table of community money (schema 4), dated in March of ``year``: two
    households, one exempt by resolution; a project adopted by resolution, one household
    paying in two parts; a flagged gift (the supplier has a request) acknowledged by
    resolution; an anonymous gift in kind with a scanned statement; the project closed with
    a refund. ``chair`` and ``member`` are the whole sitting council. Returns the project."""
    from ruralcouncil.ledger import donations, households, meetings, projects

    def passed(meeting_id: int, subject: str) -> str:
        ref = meetings.add_resolution(
            ledger, chair, meeting_id, subject, subject, [chair.name, member.name]
        )
        meetings.confirm(ledger, member, ref)
        return ref

    house = households.add(ledger, clerk, "Абай көшесі 1", cousin, 4)
    poor = households.add(ledger, clerk, "Абай көшесі 2", supplier, 1)
    project = projects.add(
        ledger, clerk, "Балалар алаңы", 100_000_00, 10_000_00, year, "Swings", day(f"{year}-02-20")
    )
    first = meetings.open_meeting(ledger, chair, day(f"{year}-03-01"), [chair.name, member.name])
    projects.adopt(ledger, chair, project, passed(first, f"project:{project}"))
    households.exempt(
        ledger, clerk, poor, year, "A pensioner alone", passed(first, f"exemption:{poor}:{year}")
    )
    projects.contribute(ledger, clerk, project, house, 4_000_00, day(f"{year}-03-02"))
    projects.contribute(ledger, clerk, project, house, 6_000_00, day(f"{year}-03-03"))
    gift = donations.add(
        ledger,
        clerk,
        supplier,
        3_000_00,
        "Өз еркіммен",
        project_id=project,
        on=day(f"{year}-03-04"),
    )
    donations.add(
        ledger,
        clerk,
        cousin,
        1_500_00,
        "",
        in_kind="Ten bags of cement",
        valued_by="The clerk, from the shop's price",
        anonymous=True,
        statement=("statement.pdf", b"%PDF-1.4 signed statement"),
        on=day(f"{year}-03-04"),
    )
    second = meetings.open_meeting(ledger, chair, day(f"{year}-03-05"), [chair.name, member.name])
    donations.acknowledge(ledger, chair, gift, passed(second, f"donation:{gift}"))
    # The household gets back what it paid; the gift's money moves to the general fund.
    projects.close(
        ledger, chair, project, passed(second, f"project:{project}"), refund=True, to_fund="GENERAL"
    )
    registers_year(ledger, clerk, chair, member, supplier, cousin, year, second, passed)
    return project


def registers_year(
    ledger: Ledger,
    clerk: User,
    chair: User,
    member: User,
    supplier: int,
    cousin: int,
    year: int,
    meeting: int,
    passed: Callable[[int, str], str],
) -> None:
    """A row in every table of the registers (schema 4), dated in April of ``year``: a
    subsidy refused, appealed, granted and received; a loan taken by resolution and repaid
    once; an asset let and disposed of, with rent paid; a fine part paid, then cancelled."""
    from ruralcouncil.ledger import assets, fines, loans, spending, subsidies
    from ruralcouncil.ledger.register_links import RegisterLink

    subsidy = subsidies.add(
        ledger, clerk, "Street lights", 50_000_00, "Dark streets", day(f"{year}-04-01")
    )
    subsidies.decide(ledger, clerk, subsidy, 0, "Order 1", on=day(f"{year}-04-02"))
    subsidies.appeal(ledger, clerk, subsidy, "Please look again", day(f"{year}-04-03"))
    subsidies.decide(ledger, clerk, subsidy, 40_000_00, "Order 2", "Report", day(f"{year}-04-04"))
    journal.record(
        ledger,
        clerk,
        entry(f"{year}-04-05", "receipt", 40_000_00, "SUBSIDY"),
        register=RegisterLink(subsidy_id=subsidy),
    )
    loan = loans.add(
        ledger,
        clerk,
        supplier,
        30_000_00,
        1200,
        3,
        "Letter 45",
        passed(meeting, f"loan:{supplier}:30000"),
        on=day(f"{year}-04-06"),
    )
    repay = spending.draft(
        ledger, clerk, supplier, "LOAN-REPAY", "GENERAL", 10_300_00, "Loan", on=day(f"{year}-04-07")
    )
    spending.approve(ledger, chair, repay, on=day(f"{year}-04-07"))
    journal.record(
        ledger,
        clerk,
        entry(f"{year}-04-08", "payment", 10_300_00, "LOAN-REPAY"),
        request_id=repay,
        register=RegisterLink(loan_id=loan),
    )
    meadow = assets.add_asset(
        ledger, clerk, "Meadow", "natural", 1_000_00, acquired=day("2020-01-01")
    )
    lease = assets.add_lease(
        ledger,
        clerk,
        meadow,
        cousin,
        2_000_00,
        "quarter",
        day(f"{year}-04-01"),
        day(f"{year}-09-30"),
    )
    journal.record(
        ledger,
        clerk,
        entry(f"{year}-04-09", "receipt", 2_000_00, "RENT-NATURAL"),
        register=RegisterLink(lease_id=lease),
    )
    assets.dispose(ledger, clerk, meadow, "Given to the district", day(f"{year}-10-01"))
    fine = fines.add(ledger, clerk, cousin, "Grazing", 3_000_00, "Commission", day(f"{year}-04-10"))
    journal.record(
        ledger,
        clerk,
        entry(f"{year}-04-11", "receipt", 1_000_00, "FINES"),
        register=RegisterLink(fine_id=fine),
    )
    fines.cancel(ledger, clerk, fine, "Appeal upheld", "Ruling 7", day(f"{year}-04-12"))


def return_year(
    ledger: Ledger, admin: User, clerk: User, chair: User, member: User, year: int, on: date
) -> None:
    """A row in every table of the annual return (schema 5), for ``year`` (long past, with
    no entries: its return closes it), decided at a meeting on ``on``: Section 1 by a
    resolution (a No explained), box 9's move explained (a school acquired in the year and
    given away the next), the bank reconciled and approved, the internal audit answered and
    signed by a new auditor, the inspection period, and the return finalised."""
    from ruralcouncil.ledger import (
        annual_return,
        assets,
        internal_audit,
        meetings,
        reconciliation,
        users,
        variances,
    )

    school = assets.add_asset(
        ledger, clerk, "Old school", "property", 500_000_00, acquired=day(f"{year}-06-01")
    )
    assets.dispose(ledger, clerk, school, "Given to the district", day(f"{year + 1}-03-01"))
    meeting = meetings.open_meeting(ledger, chair, on, [chair.name, member.name])
    ref = meetings.add_resolution(
        ledger, chair, meeting, f"governance:{year}", "Statement", [chair.name, member.name]
    )
    meetings.confirm(ledger, member, ref)
    for n in annual_return.ASSERTIONS:
        answer = annual_return.Answer.NO if n == 5 else annual_return.Answer.YES
        annual_return.answer_assertion(
            ledger, chair, year, n, answer, "No risk register" if n == 5 else "", ref
        )
    variances.explain(ledger, clerk, year, 9, "The old school came to the village.")
    reconciliation.reconcile(ledger, clerk, year, {"BANK": 0}, [], [])
    reconciliation.approve(ledger, chair, year, on)
    users.add_user(ledger, admin, "auditor1", "auditor", "auditor-password-1")
    auditor = login(ledger, "auditor1", "auditor-password-1")
    for n in internal_audit.OBJECTIVES:
        internal_audit.answer(ledger, auditor, year, n, internal_audit.AuditAnswer.YES, "")
    internal_audit.answer(
        ledger, auditor, year, 3, internal_audit.AuditAnswer.NOT_COVERED, "Next year."
    )
    internal_audit.answer(ledger, auditor, year, 7, internal_audit.AuditAnswer.NO, "No payroll.")
    internal_audit.sign(ledger, auditor, year, on, on, "Auditor One")
    annual_return.set_inspection(
        ledger, clerk, year, day(f"{year + 1}-03-01"), day(f"{year + 1}-04-10"), "The akimat"
    )
    annual_return.finalise(ledger, chair, year, on=on)


ROOT = Path(__file__).resolve().parent.parent


def fresh_python(
    code: str, *args: str, site: bool = True, **env: str | None
) -> subprocess.CompletedProcess[str]:
    """``code`` with ``args`` in a fresh interpreter from the repository's root, ``env`` added
    to this process's environment (a name given None is taken out of it): what a module
    imports, or a start-up, as a new program sees it. ``site=False``: as the installed
    program runs, without ``site`` (a machine's ``.pth`` hooks import what they like), its
    packages put on the path instead."""
    full = dict(os.environ)
    flags = []
    if not site:
        import site as site_module

        folders = [*site_module.getsitepackages(), site_module.getusersitepackages()]
        full["PYTHONPATH"] = os.pathsep.join([str(ROOT), *folders])
        flags = ["-S"]
    for name, value in env.items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    return subprocess.run(
        [sys.executable, *flags, "-c", code, *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def window_probe(code: str, config: Path, *args: str) -> Any:
    """Run a start-up probe offscreen in a fresh interpreter (:func:`fresh_python`), with
    its own settings folder; what its last line printed (JSON)."""
    done = fresh_python(code, *args, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def saved_while_clock_said(
    ledger: Ledger, when: datetime, monkeypatch: pytest.MonkeyPatch, n: int = 1
) -> None:
    """``n`` receipts (dated 10 January 2026) saved while this PC's clock said ``when``."""
    with monkeypatch.context() as patch:
        patch.setattr(storage, "now_text", lambda: when.isoformat(timespec="seconds"))
        for i in range(n):
            receipt(ledger, admin_of(ledger), "2026-01-10", 100_00 + i)


def import_receipts(ledger: Ledger, folder: Path, n: int, month: str = "2025-03") -> None:
    """``n`` receipts imported in one CSV (one commit), on the days of ``month``."""
    path = folder / f"receipts-{n}.csv"
    lines = ["date,type,amount,category,fund,account,to_account,counterparty,description"]
    lines += [
        f"{month}-{1 + i % 28:02d},receipt,{100 + i},TAX-LAND,GENERAL,BANK,,,r{i}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from ruralcouncil.ledger import importer

    importer.import_transactions(ledger, admin_of(ledger), path)


def vm_steps(conn: sqlite3.Connection, work: Callable[[], object], every: int = 10) -> int:
    """SQLite's work on ``conn`` while ``work()`` runs, in its virtual machine's steps
    counted by ``every`` (tens by default): what a read costs, counted exactly, where a
    timing would drift with the machine."""
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    conn.set_progress_handler(tick, every)
    try:
        work()
    finally:
        conn.set_progress_handler(None, 0)
    return counted[0]
