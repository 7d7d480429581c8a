"""First-run setup: a new ledger with the default classification and its administrator.

Its first commit is signed by the first administrator's own key, the root of every later
signature: a schema entry (the version and the migrations that made it), the settings, the
categories and cash accounts, the general fund, the administrator and the event that says so.
"""

from __future__ import annotations

from pathlib import Path

from ruralcouncil.ledger import catalog, keys, schema, settings
from ruralcouncil.ledger.classification import (
    DEFAULT_BOOK_ACCOUNTS,
    GENERAL_FUND,
    GENERAL_FUND_NAMES,
)
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.parse import nfc
from ruralcouncil.ledger.roles import Role, User
from ruralcouncil.ledger.storage import Ledger, create_ledger_file
from ruralcouncil.ledger.users import insert_user, validate_name, validate_password


def chain_schema(commit: Commit, extra: dict[str, object] | None = None) -> int:
    """The schema entry: which version this is and which migrations made it."""
    content: dict[str, object] = {
        "version": schema.SCHEMA_VERSION,
        "migrations": schema.applied(commit.conn),
    }
    content.update(extra or {})
    return commit.append("schema", str(schema.SCHEMA_VERSION), content)


def init_ledger(
    path: Path | str,
    *,
    village: str,
    admin: str,
    password: str,
    council_kind: str = settings.CouncilKind.RURAL_MASLIKHAT.value,
    council_name: str = "",
    admin_full_name: str = "",
) -> Ledger:
    """Create the ledger file; refuses an existing file and leaves nothing behind on error.

    The returned ledger is open for writing; log in to write to it.
    """
    village = settings.validate(settings.VILLAGE_NAME, village)
    council_kind, council_name = settings.validate_council(council_kind, council_name)
    admin = nfc(admin) if len(admin) <= 200 else admin  # stored and chained in NFC
    validate_name(admin)
    validate_password(password)
    key = keys.new_key_pair(1, password)
    founder = User(1, admin, Role.ADMIN, admin_full_name, key[2])
    ledger = create_ledger_file(path)
    try:
        with ledger.write(founder) as commit:
            # The user row first: every chain entry names its author.
            insert_user(
                commit, admin, Role.ADMIN, password, admin_full_name, key=key, chain_it=False
            )
            chain_schema(commit)
            settings.store(commit, settings.VILLAGE_NAME, village)
            settings.store(commit, settings.COUNCIL_KIND, council_kind)
            if council_name:
                settings.store(commit, settings.COUNCIL_NAME, council_name)
            for account in DEFAULT_BOOK_ACCOUNTS:
                catalog.insert_book_account(commit, account)
            catalog.insert_fund(commit, catalog.Fund(GENERAL_FUND, False, *GENERAL_FUND_NAMES))
            commit.append("user", "1")
            commit.event("ledger.create", village)
    except BaseException:
        ledger.discard()  # the file, its -wal, -shm and lock: a refused init leaves nothing
        raise
    return ledger
