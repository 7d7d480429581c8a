"""The ledger's tables, as named migrations (sqlite-utils ``Migrations``), and the check that
a file has exactly the tables, indexes and triggers its version must have.

Every table is STRICT. Posted history (entries, postings, the chain, events, signatures,
imports, closed years) is append-only: triggers refuse UPDATE and DELETE, so a mistake can
only be corrected by a reversing entry. A new schema version is a new migration below; the
fixture ledger of each released version lives in ``tests/fixtures``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import cache
from typing import TYPE_CHECKING, Any

from ruralcouncil.ledger import chain

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    # Built on first use (``__getattr__`` below): only creating or upgrading a file needs it.
    migrations: Migrations

# Identifies our files: `PRAGMA application_id` (ASCII "RCL1").
APPLICATION_ID = 0x52434C31
# `PRAGMA user_version`: bumped with every migration, so an older program can tell a newer file.
SCHEMA_VERSION = 6
# The migrations that make each version, in order.
VERSIONS: dict[int, tuple[str, ...]] = {
    1: ("m001_initial",),
    2: ("m001_initial", "m002_signed_chain"),
    3: ("m001_initial", "m002_signed_chain", "m003_council"),
    4: ("m001_initial", "m002_signed_chain", "m003_council", "m004_community"),
    5: (
        "m001_initial",
        "m002_signed_chain",
        "m003_council",
        "m004_community",
        "m005_annual_return",
    ),
    6: (
        "m001_initial",
        "m002_signed_chain",
        "m003_council",
        "m004_community",
        "m005_annual_return",
        "m006_daily_entries",
    ),
}

_APPEND_ONLY = (
    "chain",
    "transactions",
    "postings",
    "audit_log",
    "imports",
    "closed_years",
    "accounts",
    "funds",
)


def has_table(conn: sqlite3.Connection, table: str, column: str | None = None) -> bool:
    """Whether the ledger has ``table`` (and, given, its ``column``): a ledger of an older
    version, opened to read or verify, may not."""
    if column is None:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return found is not None
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def _script(db: Database, sql: str) -> None:
    """Runs each statement of ``sql`` inside the migration's transaction. sqlite-utils'
    ``executescript`` does the same but finds the statements' ends by joining the script
    anew at every character: three quarters of the time to make a new ledger's tables. A
    statement ends at the ``;`` after which SQLite calls it complete (not one inside a
    trigger's body, a string or a comment)."""
    statement = ""
    for piece in sql.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip() != ";":
                db.execute(statement)
            statement = ""
    if statement[:-1].strip():  # never complete: SQLite says what is wrong with it
        db.execute(statement[:-1])


def m001_initial(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            full_name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL
                CHECK (role IN ('admin', 'clerk', 'chair', 'member', 'auditor')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL
        ) STRICT;

        -- Every account of the double-entry book: the cash accounts (bank, cash box), the
        -- revenue sources and expenditure programs (the codes), and opening-balance equity.
        CREATE TABLE accounts (
            code TEXT PRIMARY KEY CHECK (code GLOB '[A-Z]*' AND length(code) <= 24),
            kind TEXT NOT NULL CHECK (kind IN ('cash', 'revenue', 'expenditure', 'equity')),
            box INTEGER CHECK (box IS NULL OR box BETWEEN 2 AND 6),
            name_kk TEXT NOT NULL,
            name_ru TEXT NOT NULL,
            name_en TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE funds (
            code TEXT PRIMARY KEY CHECK (code GLOB '[A-Z]*' AND length(code) <= 24),
            restricted INTEGER NOT NULL CHECK (restricted IN (0, 1)),
            name_kk TEXT NOT NULL,
            name_ru TEXT NOT NULL,
            name_en TEXT NOT NULL,
            purpose TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        ) STRICT;

        -- One hash chain over everything that gives posted data its meaning.
        -- An entry's number (seq) is also the id of the record it carries when that record
        -- is a transaction, so `verify` names a broken transaction by its own number.
        CREATE TABLE chain (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            record TEXT NOT NULL,
            payload TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        ) STRICT;
        CREATE INDEX chain_record ON chain(kind, record, seq);

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            filename TEXT NOT NULL,
            rows INTEGER NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            imported_at TEXT NOT NULL
        ) STRICT;

        -- The headline of each entry, as the clerk recorded it. `amount` is signed in the
        -- entry's own direction: a reversal carries the negative of what it reverses.
        CREATE TABLE transactions (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            type TEXT NOT NULL CHECK (type IN ('receipt', 'payment', 'transfer', 'opening')),
            amount INTEGER NOT NULL CHECK (amount <> 0 AND abs(amount) <= 1000000000000000),
            code TEXT REFERENCES accounts(code),
            fund TEXT NOT NULL REFERENCES funds(code),
            account TEXT NOT NULL REFERENCES accounts(code),
            to_account TEXT REFERENCES accounts(code),
            counterparty TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            reference TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            recorded_at TEXT NOT NULL,
            reverses INTEGER UNIQUE REFERENCES transactions(id),
            reason TEXT NOT NULL DEFAULT '',
            import_id INTEGER REFERENCES imports(id)
        ) STRICT;
        CREATE INDEX transactions_date ON transactions(date, id);
        CREATE INDEX transactions_account ON transactions(account, date, id);
        CREATE INDEX transactions_to_account ON transactions(to_account, date, id)
            WHERE to_account IS NOT NULL;
        CREATE INDEX transactions_code ON transactions(code, date, id);
        CREATE INDEX transactions_fund ON transactions(fund, date, id);

        -- The balanced double entry of each transaction: amounts sum to zero per fund.
        CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            account TEXT NOT NULL REFERENCES accounts(code),
            fund TEXT NOT NULL REFERENCES funds(code),
            amount INTEGER NOT NULL CHECK (amount <> 0 AND abs(amount) <= 1000000000000000)
        ) STRICT;
        CREATE INDEX postings_transaction ON postings(transaction_id);

        -- Derived: the net of each account and fund per day, kept by a trigger, so that
        -- overdraft checks and year totals never scan history. `verify` recomputes it.
        CREATE TABLE daily_totals (
            account TEXT NOT NULL,
            fund TEXT NOT NULL,
            date TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (account, fund, date)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX daily_totals_date ON daily_totals(date);

        CREATE TRIGGER postings_daily_totals AFTER INSERT ON postings BEGIN
            INSERT INTO daily_totals (account, fund, date, amount)
            VALUES (
                NEW.account, NEW.fund,
                (SELECT date FROM transactions WHERE id = NEW.transaction_id),
                NEW.amount
            )
            ON CONFLICT (account, fund, date) DO UPDATE SET amount = amount + excluded.amount;
        END;

        CREATE TABLE closed_years (
            year INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            closed_at TEXT NOT NULL
        ) STRICT;

        CREATE TRIGGER transactions_closed_year BEFORE INSERT ON transactions
        WHEN EXISTS (
            SELECT 1 FROM closed_years WHERE year = CAST(substr(NEW.date, 1, 4) AS INTEGER)
        )
        BEGIN
            SELECT RAISE(ABORT, 'closed fiscal year');
        END;

        -- Logins, failed logins and every write, each with its user; chained on its own.
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            event TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            hash TEXT NOT NULL UNIQUE
        ) STRICT;
        """,
    )
    for table in _APPEND_ONLY:
        _script(db, _no_update(table) + _no_delete(table))
    db.execute("PRAGMA user_version = 1")


def _no_update(table: str) -> str:
    return f"""
            CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry instead');
            END;
            """


def _no_delete(table: str) -> str:
    return f"""
            CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry instead');
            END;
            """


def m002_signed_chain(db: Database) -> None:
    """Signed entries (docs/hash-chain.md, version 2): keys, authors, signatures, one chain for
    events too, and entry numbers that count entries only."""
    _script(
        db,
        """
        -- Who wrote each chain entry (null only for a failed login), and each user's keys.
        ALTER TABLE chain ADD COLUMN author INTEGER REFERENCES users(id);
        ALTER TABLE users ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE users ADD COLUMN secret_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE users ADD COLUMN key_set_by INTEGER REFERENCES users(id);

        -- The number a person sees: 1, 2, 3... over entries only. Entries made before this
        -- version are numbered in the order they were made.
        ALTER TABLE transactions ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER transactions_no_update;
        UPDATE transactions SET number = r.n
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM transactions) AS r
            WHERE r.id = transactions.id;
        """,
    )
    _script(db, _no_update("transactions"))
    _script(
        db,
        """
        CREATE UNIQUE INDEX transactions_number ON transactions(number);
        CREATE TRIGGER transactions_number_next BEFORE INSERT ON transactions
        WHEN NEW.number IS NOT (SELECT coalesce(max(number), 0) + 1 FROM transactions)
        BEGIN
            SELECT RAISE(ABORT, 'entry numbers run 1, 2, 3... without gaps');
        END;

        -- What happened, and who did it: logins, failed logins and every write. Chained like
        -- every other record, so no tail of it can be cut without the next anchor failing.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            event TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX events_at ON events(at);

        -- Each write transaction's signature over the chain head it left: (seq, its hash).
        CREATE TABLE signatures (
            seq INTEGER PRIMARY KEY REFERENCES chain(seq),
            author INTEGER NOT NULL REFERENCES users(id),
            signature TEXT NOT NULL
        ) STRICT;

        -- The version-1 audit log is kept as it was; events go to the one chain now.
        CREATE TRIGGER audit_log_closed BEFORE INSERT ON audit_log BEGIN
            SELECT RAISE(ABORT, 'the audit log of version 1 is closed: events are chained');
        END;
        """,
    )
    for table in ("events", "signatures"):
        _script(db, _no_update(table) + _no_delete(table))
    db.execute("PRAGMA user_version = 2")


# The council's tables that only grow; its rules and members' terms change in place.
COUNCIL_APPEND_ONLY = (
    "parties",
    "interests",
    "meetings",
    "resolutions",
    "votes",
    "confirmations",
    "resolution_uses",
    "budgets",
    "budget_lines",
    "requests",
    "request_steps",
    "attachments",
    "entry_links",
)
COUNCIL_TABLES = (*COUNCIL_APPEND_ONLY, "council_rules", "council_terms")


def m003_council(db: Database) -> None:
    """The council's oversight of spending (DESIGN §4.2): parties and declared interests,
    meetings, resolutions with their votes and countersignatures, budget versions, spending
    requests with their steps and attachments, and the link of a posted entry to the request
    it pays and the party it pays. Everything but the council's rules is append-only: a
    request is ended by a step, never edited; a rule's latest value is its row."""
    _script(
        db,
        """
        CREATE TABLE parties (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            kind TEXT NOT NULL CHECK (kind IN ('person', 'business', 'organisation')),
            -- A person's IIN or an organisation's BIN: 12 digits, unique where known.
            iin_bin TEXT CHECK (
                iin_bin IS NULL OR (length(iin_bin) = 12 AND iin_bin NOT GLOB '*[^0-9]*')
            ),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX parties_iin_bin ON parties(iin_bin) WHERE iin_bin IS NOT NULL;

        -- A member related to, employed by or owning a party, from the day declared.
        CREATE TABLE interests (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES users(id),
            party_id INTEGER NOT NULL REFERENCES parties(id),
            nature TEXT NOT NULL,
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX interests_party ON interests(party_id, date);

        -- Who sat on the council that day and who came (JSON lists of user ids).
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            sitting TEXT NOT NULL,
            present TEXT NOT NULL,
            secretary_id INTEGER REFERENCES users(id),
            agenda TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX meetings_date ON meetings(date);

        -- Numbered per year (2026/3). `passed` is the count of the votes as recorded.
        CREATE TABLE resolutions (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (year, number)
        ) STRICT;
        CREATE TABLE votes (
            resolution_id INTEGER NOT NULL REFERENCES resolutions(id),
            member_id INTEGER NOT NULL REFERENCES users(id),
            vote TEXT NOT NULL
                CHECK (vote IN ('for', 'against', 'abstain', 'recused', 'absent')),
            PRIMARY KEY (resolution_id, member_id)
        ) STRICT, WITHOUT ROWID;
        -- Another member present countersigns the record of the votes: then it takes effect.
        CREATE TABLE confirmations (
            resolution_id INTEGER PRIMARY KEY REFERENCES resolutions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            confirmed_at TEXT NOT NULL
        ) STRICT;
        -- The one action a resolution authorised, once it has been taken.
        CREATE TABLE resolution_uses (
            resolution_id INTEGER PRIMARY KEY REFERENCES resolutions(id),
            action TEXT NOT NULL,
            record TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            used_at TEXT NOT NULL
        ) STRICT;

        -- A member's term of office: they sit on the council from `starts` to `ends` (open
        -- when null). A member or chair without a term sits while their account is active.
        CREATE TABLE council_terms (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            starts TEXT NOT NULL,
            ends TEXT CHECK (ends IS NULL OR ends >= starts),
            set_by INTEGER NOT NULL REFERENCES users(id),
            set_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE council_rules (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            resolution_id INTEGER NOT NULL REFERENCES resolutions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            set_at TEXT NOT NULL
        ) STRICT;

        -- Every version of a year's budget is kept; the latest adopted on a day is in force.
        CREATE TABLE budgets (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            version INTEGER NOT NULL,
            resolution_id INTEGER NOT NULL UNIQUE REFERENCES resolutions(id),
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (year, version)
        ) STRICT;
        CREATE TABLE budget_lines (
            budget_id INTEGER NOT NULL REFERENCES budgets(id),
            code TEXT NOT NULL REFERENCES accounts(code),
            fund TEXT NOT NULL REFERENCES funds(code),
            amount INTEGER NOT NULL CHECK (amount BETWEEN 0 AND 1000000000000000),
            PRIMARY KEY (budget_id, code, fund)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            party_id INTEGER NOT NULL REFERENCES parties(id),
            code TEXT NOT NULL REFERENCES accounts(code),
            fund TEXT NOT NULL REFERENCES funds(code),
            amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000000),
            purpose TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX requests_party ON requests(party_id);
        -- What happened to a request after its draft: approved, rejected, withdrawn, or (the
        -- unpaid part of an approved one) cancelled.
        CREATE TABLE request_steps (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            step TEXT NOT NULL
                CHECK (step IN ('approved', 'rejected', 'withdrawn', 'cancelled')),
            date TEXT NOT NULL,
            resolution_id INTEGER REFERENCES resolutions(id),
            reason TEXT NOT NULL DEFAULT '',
            amount INTEGER NOT NULL DEFAULT 0,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX request_steps_request ON request_steps(request_id, id);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            filename TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX attachments_request ON attachments(request_id);

        -- The request a posted entry pays (and its reversal un-pays), and the party paid or
        -- paying; kept beside the entry so entries made before stay as they were chained.
        CREATE TABLE entry_links (
            transaction_id INTEGER PRIMARY KEY REFERENCES transactions(id),
            request_id INTEGER REFERENCES requests(id),
            party_id INTEGER REFERENCES parties(id)
        ) STRICT;
        CREATE INDEX entry_links_request ON entry_links(request_id) WHERE request_id IS NOT NULL;
        """,
    )
    for table in COUNCIL_APPEND_ONLY:
        _script(db, _no_update(table) + _no_delete(table))
    db.execute("PRAGMA user_version = 3")


# Community money's tables (DESIGN §4.3): every one only grows.
COMMUNITY_TABLES = (
    "donations",
    "acknowledgements",
    "projects",
    "project_steps",
    "households",
    "exemptions",
    "contributions",
)
# The registers of the village's other money (DESIGN §4.3): every one only grows.
REGISTER_TABLES = (
    "subsidies",
    "subsidy_steps",
    "loans",
    "assets",
    "asset_disposals",
    "leases",
    "fines",
    "fine_cancellations",
    "register_links",
)


def m004_community(db: Database) -> None:
    """Community money and the registers (DESIGN §4.3): donations with the donor's statement
    that they are voluntary and the flag of possible pressure, the council's acknowledgement
    that releases a flagged one, community (salma / asar) projects with their own funds, the
    households of the village and their exemptions, and the link of each contribution (and
    refund) to its household; state subsidies, loans, municipal assets and their leases,
    local fines, and the link of an entry to the register it belongs to. Append-only: a
    mistake is reversed in the ledger or ended by a step, never edited here."""
    _script(
        db,
        """
        CREATE TABLE donations (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            party_id INTEGER NOT NULL REFERENCES parties(id),
            donor_type TEXT NOT NULL
                CHECK (donor_type IN ('resident', 'entrepreneur', 'native', 'organisation')),
            -- Cash given, or the valuation of a gift in kind (goods or work).
            amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000000),
            fund TEXT NOT NULL REFERENCES funds(code),
            project_id INTEGER REFERENCES projects(id),
            in_kind TEXT NOT NULL DEFAULT '',
            valued_by TEXT NOT NULL DEFAULT '',
            -- The donor's own statement that the gift is voluntary, typed or scanned (signed).
            voluntary TEXT NOT NULL,
            statement_name TEXT,
            statement_sha256 TEXT,
            statement BLOB,
            anonymous INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
            contact TEXT NOT NULL DEFAULT '',
            -- The donor does business with the akim: the money is held until acknowledged.
            flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
            flag_reason TEXT NOT NULL DEFAULT '',
            -- The DONATION receipt of a cash gift; none for a gift in kind.
            transaction_id INTEGER UNIQUE REFERENCES transactions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            CHECK ((in_kind = '') = (transaction_id IS NOT NULL))
        ) STRICT;
        CREATE INDEX donations_party ON donations(party_id);
        CREATE INDEX donations_fund ON donations(fund, date);

        -- The council's resolution about donation:ID that releases a flagged gift.
        CREATE TABLE acknowledgements (
            donation_id INTEGER PRIMARY KEY REFERENCES donations(id),
            resolution_id INTEGER NOT NULL UNIQUE REFERENCES resolutions(id),
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            purpose TEXT NOT NULL DEFAULT '',
            target INTEGER NOT NULL CHECK (target BETWEEN 1 AND 1000000000000000),
            per_household INTEGER NOT NULL
                CHECK (per_household BETWEEN 1 AND 1000000000000000),
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            fund TEXT NOT NULL UNIQUE REFERENCES funds(code),
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        -- Adopted (collection opens) and closed (what was left refunded or moved), each by
        -- its own resolution about project:ID.
        CREATE TABLE project_steps (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            step TEXT NOT NULL CHECK (step IN ('adopted', 'closed')),
            date TEXT NOT NULL,
            resolution_id INTEGER NOT NULL UNIQUE REFERENCES resolutions(id),
            remainder TEXT NOT NULL DEFAULT ''
                CHECK (remainder IN ('', 'refund', 'to-fund')),
            to_fund TEXT REFERENCES funds(code),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX project_steps_project ON project_steps(project_id, step);

        CREATE TABLE households (
            id INTEGER PRIMARY KEY,
            address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 200),
            head_id INTEGER NOT NULL REFERENCES parties(id),
            members INTEGER NOT NULL CHECK (members BETWEEN 1 AND 100),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        -- A low-income household exempt from a year's collection, by resolution.
        CREATE TABLE exemptions (
            id INTEGER PRIMARY KEY,
            household_id INTEGER NOT NULL REFERENCES households(id),
            year INTEGER NOT NULL,
            reason TEXT NOT NULL,
            resolution_id INTEGER NOT NULL UNIQUE REFERENCES resolutions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (household_id, year)
        ) STRICT;
        -- The household and project of each COMMUNITY receipt, of its reversal and of a
        -- refund paid at the project's close.
        CREATE TABLE contributions (
            id INTEGER PRIMARY KEY,
            transaction_id INTEGER NOT NULL UNIQUE REFERENCES transactions(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            household_id INTEGER NOT NULL REFERENCES households(id)
        ) STRICT;
        CREATE INDEX contributions_project ON contributions(project_id, household_id);

        -- A state subsidy: the application, with its own restricted fund SUBSIDY-N.
        CREATE TABLE subsidies (
            id INTEGER PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
            justification TEXT NOT NULL,
            amount_asked INTEGER NOT NULL CHECK (amount_asked BETWEEN 1 AND 1000000000000000),
            date TEXT NOT NULL,
            -- SUBSIDY-N, its own; or GENERAL for a transfer to the budget as a whole.
            fund TEXT NOT NULL REFERENCES funds(code),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        -- The decision (and, after an appeal, the decision on it) and the appeal itself.
        CREATE TABLE subsidy_steps (
            id INTEGER PRIMARY KEY,
            subsidy_id INTEGER NOT NULL REFERENCES subsidies(id),
            step TEXT NOT NULL CHECK (step IN ('decided', 'appealed')),
            date TEXT NOT NULL,
            granted INTEGER NOT NULL DEFAULT 0 CHECK (granted >= 0),
            reference TEXT NOT NULL DEFAULT '',
            conditions TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX subsidy_steps_subsidy ON subsidy_steps(subsidy_id, id);

        -- A loan, only with the higher body's permission and a resolution about it.
        CREATE TABLE loans (
            id INTEGER PRIMARY KEY,
            party_id INTEGER NOT NULL REFERENCES parties(id),
            principal INTEGER NOT NULL CHECK (principal BETWEEN 1 AND 1000000000000000),
            -- The annual rate in hundredths of a percent: 1250 is 12.5 %.
            rate INTEGER NOT NULL CHECK (rate BETWEEN 0 AND 100000),
            months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 600),
            start TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('annuity', 'equal')),
            permission TEXT NOT NULL CHECK (length(permission) >= 1),
            resolution_id INTEGER NOT NULL UNIQUE REFERENCES resolutions(id),
            transaction_id INTEGER NOT NULL UNIQUE REFERENCES transactions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;

        -- Municipal property, land and natural resources: box 9.
        CREATE TABLE assets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            kind TEXT NOT NULL CHECK (kind IN ('property', 'land', 'natural')),
            location TEXT NOT NULL DEFAULT '',
            size TEXT NOT NULL DEFAULT '',
            acquired TEXT,
            value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 1000000000000000),
            valued_how TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE asset_disposals (
            asset_id INTEGER PRIMARY KEY REFERENCES assets(id),
            date TEXT NOT NULL,
            reason TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE leases (
            id INTEGER PRIMARY KEY,
            asset_id INTEGER NOT NULL REFERENCES assets(id),
            party_id INTEGER NOT NULL REFERENCES parties(id),
            rent INTEGER NOT NULL CHECK (rent BETWEEN 1 AND 1000000000000000),
            period TEXT NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
            starts TEXT NOT NULL,
            ends TEXT NOT NULL CHECK (ends >= starts),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX leases_party ON leases(party_id);

        CREATE TABLE fines (
            id INTEGER PRIMARY KEY,
            party_id INTEGER NOT NULL REFERENCES parties(id),
            rule TEXT NOT NULL CHECK (length(rule) >= 1),
            amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000000),
            date TEXT NOT NULL,
            imposed_by TEXT NOT NULL CHECK (length(imposed_by) >= 1),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX fines_party ON fines(party_id);
        CREATE TABLE fine_cancellations (
            fine_id INTEGER PRIMARY KEY REFERENCES fines(id),
            date TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (length(reason) >= 1),
            decision TEXT NOT NULL CHECK (length(decision) >= 1),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;

        -- The register an entry belongs to: a subsidy received, a loan repaid (its principal
        -- and interest), a lease's rent, a fine paid. A reversal carries its entry's link.
        CREATE TABLE register_links (
            transaction_id INTEGER PRIMARY KEY REFERENCES transactions(id),
            subsidy_id INTEGER REFERENCES subsidies(id),
            loan_id INTEGER REFERENCES loans(id),
            lease_id INTEGER REFERENCES leases(id),
            fine_id INTEGER REFERENCES fines(id),
            principal INTEGER NOT NULL DEFAULT 0,
            interest INTEGER NOT NULL DEFAULT 0,
            CHECK ((subsidy_id IS NOT NULL) + (loan_id IS NOT NULL) + (lease_id IS NOT NULL)
                   + (fine_id IS NOT NULL) = 1)
        ) STRICT;
        CREATE INDEX register_links_loan ON register_links(loan_id) WHERE loan_id IS NOT NULL;
        CREATE INDEX register_links_lease ON register_links(lease_id) WHERE lease_id IS NOT NULL;
        CREATE INDEX register_links_fine ON register_links(fine_id) WHERE fine_id IS NOT NULL;
        CREATE INDEX register_links_subsidy ON register_links(subsidy_id)
            WHERE subsidy_id IS NOT NULL;
        """,
    )
    for table in (*COMMUNITY_TABLES, *REGISTER_TABLES):
        _script(db, _no_update(table) + _no_delete(table))
    db.execute("PRAGMA user_version = 4")


# The annual return's tables (DESIGN §2.7, §4.4): every one only grows. Where a later record
# replaces an earlier one (an answer given again, a new reconciliation), the latest stands
# and the earlier stay, so the history of the return is kept.
RETURN_TABLES = (
    "governance_answers",
    "variance_explanations",
    "reconciliations",
    "reconciliation_approvals",
    "audit_answers",
    "audit_signoffs",
    "inspections",
    "return_versions",
)


def m005_annual_return(db: Database) -> None:
    """The limited-assurance annual return (DESIGN §2.7): Section 1's answers, each by a
    resolution about governance:YEAR; explanations of significant variances; the bank
    reconciliation at 31 December and its approval; the internal auditor's answers and
    sign-off; the residents' inspection period; and each finalised version of the return."""
    _script(
        db,
        """
        CREATE TABLE governance_answers (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            assertion INTEGER NOT NULL CHECK (assertion BETWEEN 1 AND 9),
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
            explanation TEXT NOT NULL DEFAULT '',
            resolution_id INTEGER NOT NULL REFERENCES resolutions(id),
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            -- Every No is explained.
            CHECK (answer = 'yes' OR length(explanation) >= 1)
        ) STRICT;
        CREATE INDEX governance_answers_year ON governance_answers(year, assertion, id);

        CREATE TABLE variance_explanations (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            box INTEGER NOT NULL CHECK (box BETWEEN 1 AND 10),
            text TEXT NOT NULL CHECK (length(text) >= 1),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX variance_explanations_year ON variance_explanations(year, box, id);

        -- The bank statements' balances and the cash counted (JSON {account: tiyn}), the
        -- unpresented payments and unbanked receipts (JSON [[entry number, account, tiyn]]),
        -- the cash book (box 8) and what is left unexplained (0 when it agrees).
        CREATE TABLE reconciliations (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            statements TEXT NOT NULL,
            unpresented TEXT NOT NULL,
            unbanked TEXT NOT NULL,
            cash_book INTEGER NOT NULL,
            difference INTEGER NOT NULL,
            -- Why box 8 differs from box 7, when it does.
            explanation TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX reconciliations_year ON reconciliations(year, id);
        CREATE TABLE reconciliation_approvals (
            reconciliation_id INTEGER PRIMARY KEY REFERENCES reconciliations(id),
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE audit_answers (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            objective INTEGER NOT NULL CHECK (objective BETWEEN 1 AND 13),
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'not-covered')),
            comment TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_answers_year ON audit_answers(year, objective, id);
        -- The internal auditor's name as signed and the dates of the audit.
        CREATE TABLE audit_signoffs (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            auditor TEXT NOT NULL CHECK (length(auditor) >= 1),
            starts TEXT NOT NULL,
            ends TEXT NOT NULL CHECK (ends >= starts),
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_signoffs_year ON audit_signoffs(year, id);

        -- When and where residents may inspect the accounts and their papers.
        CREATE TABLE inspections (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            starts TEXT NOT NULL,
            ends TEXT NOT NULL CHECK (ends >= starts),
            place TEXT NOT NULL CHECK (length(place) >= 1),
            how TEXT NOT NULL DEFAULT '',
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX inspections_year ON inspections(year, id);

        -- Each finalised version of a year's return: the digest of what it said.
        CREATE TABLE return_versions (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            version INTEGER NOT NULL CHECK (version >= 1),
            digest TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            -- A version after the first says why (the service requires it).
            UNIQUE (year, version)
        ) STRICT;
        """,
    )
    for table in RETURN_TABLES:
        _script(db, _no_update(table) + _no_delete(table))
    db.execute("PRAGMA user_version = 5")


def m006_daily_entries(db: Database) -> None:
    """How many entries each day holds, of each type, kept by a trigger as ``daily_totals``
    is: the Ledger page and the status bar count a year by its days, not by its entries (a
    year of a million-entry ledger is a quarter of a million index rows; its days are 365).
    Filled from the entries already there; ``verify`` recomputes it."""
    _script(
        db,
        """
        CREATE TABLE daily_entries (
            date TEXT NOT NULL,
            type TEXT NOT NULL,
            entries INTEGER NOT NULL CHECK (entries > 0),
            PRIMARY KEY (date, type)
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER transactions_daily_entries AFTER INSERT ON transactions BEGIN
            INSERT INTO daily_entries (date, type, entries) VALUES (NEW.date, NEW.type, 1)
            ON CONFLICT (date, type) DO UPDATE SET entries = entries + 1;
        END;
        """,
    )
    db.execute(FILL_DAILY_ENTRIES)
    db.execute("PRAGMA user_version = 6")


# ``daily_entries`` made from the entries there are (an upgrade; a copy cut back in time).
FILL_DAILY_ENTRIES = (
    "INSERT INTO daily_entries (date, type, entries)"
    " SELECT date, type, count(*) FROM transactions GROUP BY date, type"
)


# The migrations, in the order they are applied: (name, function).
_MIGRATIONS = (
    ("m001_initial", m001_initial),
    ("m002_signed_chain", m002_signed_chain),
    ("m003_council", m003_council),
    ("m004_community", m004_community),
    ("m005_annual_return", m005_annual_return),
    ("m006_daily_entries", m006_daily_entries),
)


def _build_migrations() -> Migrations:
    """The named migrations as sqlite-utils ``Migrations`` (sqlite-utils is imported here:
    opening a ledger to read it never needs it, and it costs a fifth of a second)."""
    from ruralcouncil.ledger import import_sqlite_utils

    import_sqlite_utils()
    from sqlite_utils.migrations import Migrations

    built = Migrations("ruralcouncil")
    for name, function in _MIGRATIONS:
        built(name=name)(function)
    return built


def _migrations() -> Migrations:
    built: Migrations | None = globals().get("migrations")
    if built is None:
        built = _build_migrations()
        globals()["migrations"] = built  # from now on an ordinary attribute
    return built


def __getattr__(name: str) -> Any:
    """``migrations``, built the first time it is asked for, then kept."""
    if name == "migrations":
        return _migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' view of ``conn``, for applying the migrations (without its plugins)."""
    from ruralcouncil.ledger import import_sqlite_utils

    import_sqlite_utils()
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


# --- what a file of each version must contain -------------------------------------------

# sqlite-utils writes its own table; its SQL text may differ between its releases, so that
# table and its index are described by their columns instead.
_MIGRATIONS_TABLE = "_sqlite_migrations"


def describe(conn: sqlite3.Connection) -> list[list[Any]]:
    """Every table, index, trigger and view, as (type, name, table, sql), sorted.

    Text that is not UTF-8 (written into the schema by hand) is read with its bad bytes
    escaped: it is then a difference to report, not an error that ends the check."""
    objects: list[list[Any]] = []
    with chain.lenient_text(conn):
        try:
            rows = conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
                " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name"
            ).fetchall()
        except UnicodeDecodeError:
            # SQLite cannot parse a schema whose SQL is not UTF-8, and Python cannot decode
            # its message quoting that SQL: a damaged file, said as SQLite would say it.
            raise sqlite3.DatabaseError(
                "malformed database schema (its text is not UTF-8)"
            ) from None
        for kind, name, table, sql in [[_escaped(v) for v in row] for row in rows]:
            if table == _MIGRATIONS_TABLE:
                query = (
                    f"PRAGMA table_info({_MIGRATIONS_TABLE})"
                    if kind == "table"
                    else f"PRAGMA index_info({_quote(name)})"
                )
                sql = [[_escaped(v) for v in r] for r in conn.execute(query)]
            objects.append([kind, name, table, sql])
    return objects


def _escaped(value: Any) -> Any:
    # ASCII text (nearly all of a schema) holds no escaped byte: it is kept as it is.
    if isinstance(value, str) and not value.isascii():
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprint(objects: list[list[Any]]) -> str:
    text = json.dumps(objects, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The fingerprint of each version, so the check at every open needs no migration run.
# tests/test_schema.py recomputes them from the migrations.
FINGERPRINTS: dict[int, str] = {
    1: "627ac3e95023802c7e1f64aa347934f02c55ac2d5d582d71ff4890e07c5a3649",
    2: "7831a84f93baeb2473b083be6d8c81128ada33f36a2e1e38ccddd7d4b6a0dd2c",
    3: "10d9af859cee82f9eea34d27a576d27407b87da449247e90ab10bcef0207e72b",
    4: "fd6151a62b4bd434b8c4365f926f4387e31af5fb4cbbd43c00f395baac63fd79",
    5: "1855f3f6fad13bc878eb4d8e27a61a27fda03529625ac192d79fb876cdb6a191",
    6: "55253c361a8389e80afbe57c2a9c3da57e28bf72dd094d249d9433dc70b20e4b",
}


@cache
def expected(version: int) -> tuple[tuple[Any, ...], ...]:
    """What the migrations of ``version`` make, built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        db = database(conn)
        names = VERSIONS[version]
        built = _migrations()
        later = [m.name for m in built._migrations if m.name not in names]
        built.apply(db, stop_before=later[0] if later else None)
        return tuple(tuple(_freeze(x) for x in obj) for obj in describe(conn))
    finally:
        conn.close()


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def expected_fingerprint(version: int) -> str:
    known = FINGERPRINTS.get(version)
    if known:
        return known
    return fingerprint([_thaw(obj) for obj in expected(version)])


def differences(conn: sqlite3.Connection, version: int) -> list[tuple[str, str, str]]:
    """How the file's schema differs from its version's: (what, type, name) for each object
    that is missing, extra or changed; [] when it is exactly right."""
    actual = describe(conn)
    if version in VERSIONS and fingerprint(actual) == expected_fingerprint(version):
        return []
    if version not in VERSIONS:
        return [("unknown", "version", str(version))]
    want = {(o[0], o[1]): _thaw(o) for o in expected(version)}
    have = {(o[0], o[1]): o for o in actual}
    found: list[tuple[str, str, str]] = []
    for key in sorted(want.keys() | have.keys()):
        if key not in have:
            found.append(("missing", *key))
        elif key not in want:
            found.append(("extra", *key))
        elif want[key] != have[key]:
            found.append(("changed", *key))
    return found


def applied(conn: sqlite3.Connection) -> list[list[Any]]:
    """The migrations recorded in the file: what a schema entry of the chain carries."""
    return [
        list(row)
        for row in conn.execute(
            f"SELECT id, migration_set, name, applied_at FROM {_MIGRATIONS_TABLE} ORDER BY id"
        )
    ]
