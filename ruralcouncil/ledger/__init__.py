"""The Qt-free core: money, storage, the hash chain and the services every user action calls.

Importing this package is cheap on purpose: a command that only reads a ledger must start in
a blink (DESIGN §3, heavy imports happen when first needed). sqlite-utils, which only creates
and upgrades the schema, is imported by :func:`import_sqlite_utils` when one of those needs it.
"""


def import_sqlite_utils() -> None:
    """Import sqlite-utils without numpy and pandas, which it loads when they are installed.

    It only uses them for their column types, which the ledger never stores; numpy alone
    costs a noticeable part of a second on an old PC. A numpy already loaded is left alone.
    Only creating or upgrading a ledger needs sqlite-utils (``schema.migrations``).
    """
    import sys

    if "sqlite_utils.db" in sys.modules:
        return
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
