"""Performance figures for a ledger of N transactions.

    python -m benchmarks.run                 # N = 1,000,000
    python -m benchmarks.run --n 100000      # quicker

Builds the ledger through the real CSV importer (so the import rate is measured on the same
path a clerk uses), then measures: summary, verify, start-up time to a shown main window,
showing the ledger page and jumping to its last row, and peak memory. Prints the figures; it
asserts nothing about them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-password"


def write_csv(path: Path, n: int, first_year: int) -> None:
    """N realistic rows over several years that never overdraw an account."""
    rng = random.Random(1)
    revenue = [
        "TAX-INCOME",
        "TAX-PROPERTY",
        "TAX-LAND",
        "TAX-VEHICLE",
        "RENT-PROPERTY",
        "FINES",
        "DONATION",
        "SUBSIDY",
        "OTHER-INCOME",
    ]
    spending = ["STAFF", "BUILDINGS", "LIGHTING", "ROADS", "WATER", "SANITATION", "EVENTS"]
    years = max(1, n // 250_000)
    days = 365 * years
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("date,type,amount,category,fund,account,to_account,counterparty,description\n")
        fh.write(f"{first_year}-01-01,opening,50000000,,GENERAL,BANK,,,Brought forward\n")
        fh.write(f"{first_year}-01-01,opening,100000,,GENERAL,CASH,,,Brought forward\n")
        for i in range(n - 2):
            day = date(first_year, 1, 1) + timedelta(days=i * days // n)
            kind = rng.random()
            if kind < 0.5:
                fh.write(
                    f"{day},receipt,{rng.randint(1000, 90000)}.{rng.randint(0, 99):02d},"
                    f"{rng.choice(revenue)},GENERAL,BANK,,Тұрғын {i % 5000},Түсім {i}\n"
                )
            elif kind < 0.97:
                fh.write(
                    f"{day},payment,{rng.randint(100, 60000)},{rng.choice(spending)},"
                    f"GENERAL,BANK,,ЖШС Құрылыс {i % 300},Төлем {i}\n"
                )
            else:
                fh.write(
                    f"{day},transfer,{rng.randint(100, 2000)},,GENERAL,BANK,CASH,,Кассаға {i}\n"
                )


def build(db: Path, n: int, first_year: int) -> dict[str, float]:
    from ruralcouncil.ledger import importer, users
    from ruralcouncil.ledger.setup import init_ledger

    csv_path = db.with_suffix(".csv")
    write_csv(csv_path, n, first_year)
    ledger = init_ledger(db, village="Бенчмарк", admin="admin", password=PASSWORD)
    admin = users.login(ledger, "admin", PASSWORD)
    start = time.perf_counter()
    result = importer.import_transactions(ledger, admin, csv_path)
    elapsed = time.perf_counter() - start
    ledger.close()
    csv_path.unlink()
    return {
        "import_rows": result.rows,
        "import_s": elapsed,
        "import_rows_per_s": result.rows / elapsed,
    }


def measure_core(db: Path, year: int) -> dict[str, float]:
    from ruralcouncil.ledger import storage, verify
    from ruralcouncil.reports import statements

    ledger = storage.open_ledger(db, write=False)
    start = time.perf_counter()
    statements.year_summary(ledger.conn, year)
    summary_s = time.perf_counter() - start
    start = time.perf_counter()
    result = verify.verify(ledger.conn)
    verify_s = time.perf_counter() - start
    ledger.close()
    return {"summary_s": summary_s, "verify_s": verify_s, "verify_ok": float(result.ok)}


_GUI_PROBE = r"""
import json, os, sys, time
t0 = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
from ruralcouncil.gui.app import build_main_window_for_smoke_test
from ruralcouncil.ledger import storage, users
from ruralcouncil.ledger.queries import EntryFilter


def peak_mb():
    # VmHWM is this process's own peak; ru_maxrss can carry the parent's over from fork.
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


app = QApplication([])
ledger = storage.open_ledger(sys.argv[1], write=True)
user = users.login(ledger, "admin", sys.argv[3])
window = build_main_window_for_smoke_test(ledger, user)
window.show()
heavy = [m for m in ("reportlab", "pyqtgraph", "numpy") if m in sys.modules]
app.processEvents()
shown = time.time() - t0

window.show_page("ledger")
app.processEvents()
page = window.page("ledger")
figures = {"startup_to_window_s": shown, "heavy_imports_before_window_shown": heavy}
from ruralcouncil.gui.ledger_model import LedgerTableModel

for label, flt in (("all_years", EntryFilter()), ("one_year", page.current_filter())):
    start = time.perf_counter()
    model = LedgerTableModel(ledger, flt)
    rows = model.rowCount()
    for row in range(min(rows, 40)):
        model.data(model.index(row, 1))
    figures[f"first_page_{label}_s"] = time.perf_counter() - start
    start = time.perf_counter()
    model.data(model.index(rows - 1, 1))
    figures[f"jump_to_last_row_{label}_s"] = time.perf_counter() - start
    figures[f"rows_{label}"] = rows

start = time.perf_counter()
page.table.scrollToBottom()
app.processEvents()
figures["ledger_page_scroll_to_bottom_s"] = time.perf_counter() - start
figures["gui_peak_rss_mb"] = peak_mb()
print(json.dumps(figures))
"""


def measure_gui(db: Path) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    done = subprocess.run(
        [sys.executable, "-c", _GUI_PROBE, str(db), repr(time.time()), PASSWORD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        return {"gui_error": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def _peak_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="transactions (default 1,000,000)")
    parser.add_argument("--keep", type=Path, help="keep the ledger at this path")
    parser.add_argument("--reuse", type=Path, help="measure an existing benchmark ledger")
    args = parser.parse_args()
    figures: dict[str, object] = {
        "n": args.n,
        "machine": _cpu_name(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    first_year = date.today().year - max(1, args.n // 250_000)
    if args.reuse:
        db = args.reuse
    else:
        db = args.keep or Path(tempfile.mkdtemp(prefix="rc-bench-")) / "bench.ruralcouncil"
        figures.update(build(db, args.n, first_year))
        figures["import_peak_rss_mb"] = _peak_mb()
    figures.update(measure_core(db, first_year))
    figures.update(measure_gui(db))
    figures["ledger_file_mb"] = db.stat().st_size / 2**20
    for key, value in figures.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else value
        print(f"{key:28} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
