"""DuckDB, the district's engine: an optional extra, imported only when a district command
runs, so the village program never loads it (``pip install "ruralcouncil[district]"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import LedgerUnavailable

INSTALL = 'pip install "ruralcouncil[district]"'

# Never fetch an extension from the internet: the district's PC is offline, and a store must
# open the same way on every PC (DuckDB would otherwise autoload its SQLite reader).
_OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class EngineMissing(LedgerUnavailable):
    """DuckDB is not installed: the district's commands cannot run."""


def duckdb() -> Any:
    """The duckdb module, or a refusal that says how to install it."""
    try:
        import duckdb as module
    except ImportError:
        raise EngineMissing(
            _(
                "The district's commands need DuckDB, which is not installed. Install it "
                "with: {command}"
            ).format(command=INSTALL)
        ) from None
    return module


def connect(path: Path, *, read_only: bool) -> Any:
    """A DuckDB connection to ``path`` that never loads an extension."""
    conn = duckdb().connect(str(path), read_only=read_only, config=dict(_OFFLINE))
    # No progress bar: DuckDB draws it on standard output, where --json must stay clean.
    conn.execute("SET enable_progress_bar = false")
    return conn
