"""How long the report to residents takes for a year of 5,000 payments, beside its floor.

    python -m benchmarks.reports               # a ledger of 5,000 payments in a temporary folder
    python -m benchmarks.reports --dir /tmp/b  # keep (and reuse) the ledger there

Every payment is over the transparency threshold, so every one is listed: the worst case.
The ledger is built through the real CSV importer (as ``benchmarks.run`` builds its own). The
floor is reportlab writing a bare table of the same 5,000 rows (date, payee, purpose, amount)
with the same fonts, in the same process; the figure printed is the report's time as a ratio
of it (medians of three). Nothing is asserted: the tests hold behaviour, not time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.run import PASSWORD

PAYMENTS = 5_000
YEAR = 2025
RUNS = 3


def write_csv(path: Path, payments: int) -> None:
    """An opening balance, monthly receipts that keep the bank above zero, and ``payments``
    payments of 100 000,01 ₸ to 300 000 ₸ spread over the year."""
    rng = random.Random(5)
    programs = ["STAFF", "BUILDINGS", "LIGHTING", "ROADS", "WATER", "SANITATION", "EVENTS"]
    first = date(YEAR, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("date,type,amount,category,fund,account,to_account,counterparty,description\n")
        fh.write(f"{first},opening,2000000000,,GENERAL,BANK,,,Brought forward\n")
        for i in range(payments):
            day = first + timedelta(days=i * 365 // payments)
            fh.write(
                f"{day},payment,{rng.randint(100_001, 300_000)}.{rng.randint(0, 99):02d},"
                f"{rng.choice(programs)},GENERAL,BANK,,ЖШС Құрылыс {i % 300},"
                f"Жұмыстар мен қызметтер шот {i}\n"
            )


def ledger_of(folder: Path) -> Path:
    from ruralcouncil.ledger import importer, users
    from ruralcouncil.ledger.setup import init_ledger

    path = folder / f"payments-{PAYMENTS}.ruralcouncil"
    if path.exists():
        return path
    print(f"  building a ledger of {PAYMENTS:,} payments in {path} …", flush=True)
    csv_path = folder / "payments.csv"
    write_csv(csv_path, PAYMENTS)
    ledger = init_ledger(path, village="Бенчмарк", admin="admin", password=PASSWORD)
    try:
        admin = users.login(ledger, "admin", PASSWORD)
        importer.import_transactions(ledger, admin, csv_path)
    finally:
        ledger.close()
    csv_path.unlink()
    return path


def report_seconds(db: Path, out: Path) -> tuple[float, int]:
    from ruralcouncil.ledger.storage import open_ledger
    from ruralcouncil.reports.codes import Period
    from ruralcouncil.reports.transparency import render_transparency

    ledger = open_ledger(db, write=False)
    try:
        start = time.perf_counter()
        pdf = render_transparency(ledger, Period(YEAR), out, "kk")
        return time.perf_counter() - start, pdf.pages
    finally:
        ledger.close()


def floor_seconds(db: Path, out: Path) -> float:
    """reportlab alone: the same rows read with one SELECT, written as a bare table."""
    import sqlite3

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from ruralcouncil.reports.fonts import REGULAR, register_fonts

    register_fonts()
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = [["Date", "Payee", "Purpose", "Amount"]] + [
        [str(d), str(c), str(p), f"{a / 100:,.2f} ₸"]
        for d, c, p, a in conn.execute(
            "SELECT date, counterparty, description, amount FROM transactions"
            " WHERE type = 'payment' ORDER BY date, id"
        )
    ]
    conn.close()
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]))
    SimpleDocTemplate(str(out), pagesize=A4, invariant=1).build([table])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the ledger in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rc-bench-reports-") as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = ledger_of(folder)
        report_seconds(db, Path(scratch) / "warm.pdf")  # fonts, catalogues, imports
        floor_seconds(db, Path(scratch) / "warm-floor.pdf")
        reports: list[float] = []
        floors: list[float] = []
        pages = 0
        for n in range(RUNS):
            seconds, pages = report_seconds(db, Path(scratch) / f"report-{n}.pdf")
            reports.append(seconds)
            floors.append(floor_seconds(db, Path(scratch) / f"floor-{n}.pdf"))
        report, floor = statistics.median(reports), statistics.median(floors)
        print(f"report to residents, {PAYMENTS:,} payments listed ({pages} pages)")
        print(f"  report {report:.2f} s   floor (bare reportlab table) {floor:.2f} s")
        print(f"  ratio {report / floor:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
