"""Upgrading a ledger made by an earlier version, at an administrator's login.

A migration re-seals nothing silently. The file is verified by its own version's rules and
copied aside through the backup API; then, in one transaction, the migrations run and a
schema entry is appended that records what the earlier entries say (their count and head,
the audit log's, every user and setting), signed by the administrator with a key made from
their password then: the root of every later signature. Everything before stays as it was
and verifies by its own rules; a failure anywhere leaves the file as it was.

Accounts made before signed entries have no key. Their owners cannot prove their password to
a later verify, so an administrator sets a new password (and key) for each; until then they
cannot log in. The upgrading administrator is the one exception: they are at the keyboard.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, keys, legacy, schema, storage
from ruralcouncil.ledger.commit import Commit
from ruralcouncil.ledger.errors import AuthenticationFailed, LedgerUnavailable
from ruralcouncil.ledger.records import USER_COLUMNS
from ruralcouncil.ledger.roles import Role, User
from ruralcouncil.ledger.storage import Ledger


def login_and_upgrade(ledger: Ledger, name: str, password: str) -> User:
    from ruralcouncil.ledger.users import same_name
    from ruralcouncil.ledger.verify import verify

    conn = ledger.conn
    if ledger.read_only:
        raise LedgerUnavailable(_("This ledger was opened read-only."))
    if ledger.version >= 2:
        return _migrate_signed(ledger, name, password)
    users = _version_1_users(conn)
    row = next((u for u in users if u["name"] == name), None) or next(
        (u for u in users if same_name(str(u["name"]), name)), None
    )
    if row is None:
        keys.waste_like_unlock(password[:1024])
        raise AuthenticationFailed(_("Wrong user name or password."))
    if not keys.check_v1_password(password, str(row["password_hash"])) or not row["active"]:
        raise AuthenticationFailed(_("Wrong user name or password."))
    if row["role"] != Role.ADMIN:
        raise AuthenticationFailed(
            _(
                "This ledger was made by an earlier version of RuralCouncil. An administrator "
                "must log in once to upgrade it; then they will set a new password for each "
                "other account."
            )
        )
    result = verify(conn)
    if not result.ok:
        raise LedgerUnavailable(
            _(
                "The ledger does not verify, so it was not upgraded (nothing was changed): "
                "{problems}"
            ).format(problems="; ".join(result.problems[:3]))
        )
    quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    if quick != ["ok"]:
        raise LedgerUnavailable(
            _("The ledger is damaged, so it was not upgraded: {detail}").format(
                detail="; ".join(quick[:3])
            )
        )
    try:
        storage.backup_before_upgrade(conn, ledger.path, ledger.version)
    except (OSError, sqlite3.Error) as exc:
        raise storage.explain(exc, ledger.path) or exc from exc
    return _upgrade(ledger, int(row["id"]), str(row["name"]), str(row["full_name"]), password)


def _verified_and_kept(ledger: Ledger) -> None:
    """Nothing is upgraded that does not verify by its own version's rules, and a copy of
    the file as it was is kept aside first."""
    from ruralcouncil.ledger.verify import verify

    conn = ledger.conn
    result = verify(conn)
    if not result.ok:
        raise LedgerUnavailable(
            _(
                "The ledger does not verify, so it was not upgraded (nothing was changed): "
                "{problems}"
            ).format(problems="; ".join(result.problems[:3]))
        )
    try:
        storage.backup_before_upgrade(conn, ledger.path, ledger.version)
    except (OSError, sqlite3.Error) as exc:
        raise storage.explain(exc, ledger.path) or exc from exc


def _migrate_signed(ledger: Ledger, name: str, password: str) -> User:
    """A ledger of signed entries made by an earlier version (2 on): an administrator's own
    key signs the new tables into the chain, with the migrations that made them."""
    from ruralcouncil.ledger.users import login_with_key

    user = login_with_key(ledger, name, password)
    if user.role != Role.ADMIN:
        raise AuthenticationFailed(
            _(
                "This ledger was made by an earlier version of RuralCouncil. An administrator "
                "must log in once to upgrade it."
            )
        )
    _verified_and_kept(ledger)

    def chained(conn: sqlite3.Connection) -> Commit:
        commit = Commit(conn, user, user.signer)
        commit.append(
            "schema",
            str(schema.SCHEMA_VERSION),
            {
                "version": schema.SCHEMA_VERSION,
                "from_version": ledger.version,
                "migrations": schema.applied(conn),
            },
        )
        return commit

    _migrate(ledger, chained)
    return user


def _version_1_users(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    columns = legacy.v1_columns("user")
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM users ORDER BY id")
    return [dict(zip(columns, r, strict=True)) for r in cursor]


def _upgrade(ledger: Ledger, user_id: int, name: str, full_name: str, password: str) -> User:
    conn = ledger.conn
    v1_entries, v1_head = chain.head(conn)
    audit_lines, audit_head = legacy.audit_head(conn)
    v1_transactions = int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
    public, locked, signer = keys.new_key_pair(user_id, password)
    logged_in = storage.now_text()
    admin = User(user_id, name, Role.ADMIN, full_name, signer)

    def chained(conn: sqlite3.Connection) -> Commit:
        cursor = conn.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY id")
        names = [d[0] for d in cursor.description]
        users = [dict(zip(names, r, strict=True)) for r in cursor]
        settings = [list(r) for r in conn.execute("SELECT key, value FROM settings ORDER BY key")]
        conn.execute(
            "UPDATE users SET public_key = ?, secret_key = ?, key_set_by = ?,"
            " password_hash = '' WHERE id = ?",
            (public, locked, user_id, user_id),
        )
        commit = Commit(conn, admin, signer)
        commit.append(
            "schema",
            str(schema.SCHEMA_VERSION),
            {
                "version": schema.SCHEMA_VERSION,
                "from_version": ledger.version,
                "migrations": schema.applied(conn),
                "legacy": {
                    "entries": v1_entries,
                    "head": v1_head,
                    "audit_lines": audit_lines,
                    "audit_head": audit_head,
                    "transactions": v1_transactions,
                    # The exact rows of the early records (numbers, posting ids included).
                    "rows": legacy.row_digests(conn, v1_entries + 1),
                },
                "users": users,
                "settings": settings,
            },
        )
        # The signed part starts with the schema entry; the login comes right after it.
        signer.pending_login = logged_in
        commit.append("user", str(user_id))
        return commit

    _migrate(ledger, chained)
    return admin


def _migrate(ledger: Ledger, chained: Callable[[sqlite3.Connection], Commit]) -> None:
    """In one transaction: the migrations, then ``chained`` (which chains the schema entry
    and returns its commit), the book accounts the new version starts with, the event and the
    signature. A failure anywhere leaves the file as it was."""
    conn = ledger.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            schema.migrations.apply(schema.database(conn))
            commit = chained(conn)
            _add_new_book_accounts(commit)
            commit.event("ledger.upgrade", f"{ledger.version} -> {schema.SCHEMA_VERSION}")
            commit.seal()
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            raise
    except (sqlite3.Error, OSError) as exc:
        raise storage.explain(exc, ledger.path) or exc from exc
    commit.done()
    ledger.version = schema.SCHEMA_VERSION


def _add_new_book_accounts(commit: Commit) -> None:
    """Accounts a new ledger starts with that an older one lacks (INTERFUND, version 3),
    signed into the chain by the upgrading administrator."""
    from ruralcouncil.ledger import catalog
    from ruralcouncil.ledger.classification import DEFAULT_BOOK_ACCOUNTS

    for account in DEFAULT_BOOK_ACCOUNTS:
        if catalog.kind_of(commit.conn, account.code) is None:
            catalog.insert_book_account(commit, account)
