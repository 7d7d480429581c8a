"""First-run setup: a new ledger with the default classification and its administrator."""

from __future__ import annotations

from pathlib import Path

from ruralcouncil.ledger import audit, catalog, settings
from ruralcouncil.ledger.codes import DEFAULT_ACCOUNTS, GENERAL_FUND, GENERAL_FUND_NAMES
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.storage import Ledger, create_ledger_file
from ruralcouncil.ledger.users import Role, insert_user, validate_name, validate_password


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
    """Create the ledger file; refuses an existing file and leaves nothing behind on error."""
    village = settings.validate(settings.VILLAGE_NAME, village)
    council_kind, council_name = settings.validate_council(council_kind, council_name)
    validate_name(admin)
    validate_password(password)
    ledger = create_ledger_file(path)
    try:
        with ledger.write() as conn:
            settings.store(conn, settings.VILLAGE_NAME, village)
            settings.store(conn, settings.COUNCIL_KIND, council_kind)
            if council_name:
                settings.store(conn, settings.COUNCIL_NAME, council_name)
            for code in DEFAULT_ACCOUNTS:
                catalog.insert_account(conn, code)
            catalog.insert_fund(conn, catalog.Fund(GENERAL_FUND, False, *GENERAL_FUND_NAMES))
            insert_user(conn, admin, Role.ADMIN, password, admin_full_name)
            audit.append(conn, admin, "ledger.create", village)
    except (LedgerError, OSError):
        ledger.close()
        Path(path).unlink(missing_ok=True)
        raise
    return ledger
