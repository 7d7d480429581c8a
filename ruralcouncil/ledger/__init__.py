"""The Qt-free core: money, storage, the hash chain and the services every user action calls."""


def _import_sqlite_utils_lightly() -> None:
    """Import sqlite-utils without numpy and pandas, which it loads when they are installed.

    It only uses them for their column types, which the ledger never stores; numpy alone
    costs a noticeable part of a second at every start on an old PC (DESIGN §3: heavy
    imports happen when first needed). A numpy already loaded is left alone.
    """
    import sys

    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


_import_sqlite_utils_lightly()
