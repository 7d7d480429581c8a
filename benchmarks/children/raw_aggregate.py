"""The CLI read's floor: open the ledger and run the summary's raw SQL aggregate.

Arguments: the ledger's path and the year."""

import json
import sqlite3
import sys


def main() -> None:
    path, year = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT type, code, SUM(amount) FROM transactions WHERE date BETWEEN ? AND ?"
        " GROUP BY type, code",
        (f"{year}-01-01", f"{year}-12-31"),
    ).fetchall()
    print(json.dumps(rows))
