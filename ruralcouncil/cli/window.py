"""The desktop window (no command) and the installation's smoke test (``--smoke-test``)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ruralcouncil.cli.common import EXIT_OK, say

if TYPE_CHECKING:
    from ruralcouncil.ledger.roles import User
    from ruralcouncil.ledger.storage import Ledger


def cmd_gui(args: argparse.Namespace) -> int:
    return open_window(args.db, demo=args.demo, lang=args.lang)


def open_window(db: str | None, *, demo: bool = False, lang: str | None = None) -> int:
    """The window on the ledger ``db`` (None or empty: the default ledger, or the demo's), in
    the language ``lang`` for this run (None: the user's preferred one)."""
    from ruralcouncil.gui.app import run_gui

    return int(run_gui(Path(db) if db else None, demo=demo, lang=lang))


def smoke_test() -> int:
    """A temporary ledger, the main window shown and closed, a summary PDF: for installers."""
    import platform
    import tempfile

    from ruralcouncil.ledger import journal
    from ruralcouncil.ledger.setup import init_ledger
    from ruralcouncil.ledger.users import login

    if (
        platform.system() not in ("Windows", "Darwin")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-smoke-"))
    password = "smoke-test-password"
    ledger = init_ledger(
        folder / "smoke.ruralcouncil", village="Smoke test", admin="admin", password=password
    )
    try:
        user = login(ledger, "admin", password)
        year = date.today().year
        day = date(year, 1, 1)
        for entry in (
            journal.NewEntry(day, journal.EntryType.OPENING, 100_000_00),
            journal.NewEntry(day, journal.EntryType.RECEIPT, 25_000_00, category="TAX-LAND"),
            journal.NewEntry(day, journal.EntryType.PAYMENT, 12_500_50, category="LIGHTING"),
        ):
            journal.record(ledger, user, entry)
        _show_main_window(ledger, user)
        from ruralcouncil.reports.summary_pdf import render_summary_pdf

        pdf = render_summary_pdf(ledger.conn, year, folder / f"summary-{year}.pdf")
    finally:
        ledger.close()
    say(str(pdf))
    return EXIT_OK


def _show_main_window(ledger: Ledger, user: User) -> None:
    # Qt stays inside ruralcouncil.gui: its module makes the application and the window.
    from ruralcouncil.gui.app import build_main_window_for_smoke_test, ensure_application

    window = build_main_window_for_smoke_test(ledger, user)
    qapp = ensure_application()
    window.show()
    qapp.processEvents()
    # The dashboard's chart (pyqtgraph, numpy) follows the window's first paint, and its page
    # may not be built yet: build both now, so an installation with a broken pyqtgraph or
    # numpy (a stripped OpenBLAS, say) fails here rather than in the village.
    page = window.show_page("dashboard")  # type: ignore[attr-defined]
    qapp.processEvents()
    page.chart.build_pending_now()
    qapp.processEvents()
    if page.chart.plot is None or "pyqtgraph" not in sys.modules:
        raise RuntimeError("the dashboard's chart was not drawn")
    window.close()
    qapp.processEvents()
