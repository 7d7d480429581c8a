"""The ledger's tables, as named migrations (sqlite-utils ``Migrations``).

Every table is STRICT. Posted history (entries, postings, the chain, the audit log, imports,
closed years) is append-only: triggers refuse UPDATE and DELETE, so a mistake can only be
corrected by a reversing entry. A new schema version is a new migration below; the fixture
ledger of each released version lives in ``tests/fixtures``.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# Identifies our files: `PRAGMA application_id` (ASCII "RCL1").
APPLICATION_ID = 0x52434C31
# `PRAGMA user_version`: bumped with every migration, so an older program can tell a newer file.
SCHEMA_VERSION = 1

migrations = Migrations("ruralcouncil")

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


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    db.executescript(
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
        """
    )
    for table in _APPEND_ONLY:
        db.executescript(
            f"""
            CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry instead');
            END;
            CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry instead');
            END;
            """
        )
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
