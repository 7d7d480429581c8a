"""What signed entries cost: signing, checking signatures, and verify on a village's year.

    python -m benchmarks.signatures                  # 100,000 and 1,000,000 signatures
    python -m benchmarks.signatures --n 100000       # quicker

Prints figures, asserts nothing. Each figure comes with its floor measured in the same run,
as a ratio, since this machine is shared and absolute times drift:

- signing N commit heads (``Signer.sign_head``) and checking N signatures
  (``PublicKeys.check``, what verify does once per commit), against the bare Ed25519
  operation of the ``cryptography`` package on the same bytes;
- a village's year, 5,000 entries each saved as its own commit (as a clerk saves them, so
  5,000 signatures), verified whole, against its floor: ``PRAGMA integrity_check`` plus a
  SELECT of the same chain rows and a SHA-256 of their payloads.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PASSWORD = "benchmark-password"


def _best(run: object, repeat: int = 3) -> float:
    assert callable(run)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def signing(n: int) -> dict[str, float]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ruralcouncil.ledger import keys

    public, _locked, signer = keys.new_key_pair(1, PASSWORD)
    heads = [(seq, hashlib.sha256(str(seq).encode()).hexdigest()) for seq in range(1, n + 1)]
    raw = Ed25519PrivateKey.from_private_bytes(signer.private_key.private_bytes_raw())
    messages = [keys.signed_message(seq, seq, head) for seq, head in heads]

    signatures: list[str] = []
    start = time.perf_counter()
    for seq, head in heads:
        signatures.append(signer.sign_head(seq, seq, head))
    sign_s = time.perf_counter() - start
    start = time.perf_counter()
    raw_signatures = [raw.sign(m) for m in messages]
    sign_floor = time.perf_counter() - start

    checker = keys.PublicKeys()
    start = time.perf_counter()
    good = sum(
        checker.check(public, seq, seq, head, sig)
        for (seq, head), sig in zip(heads, signatures, strict=True)
    )
    check_s = time.perf_counter() - start
    bare = raw.public_key()
    start = time.perf_counter()
    for message, sig in zip(messages, raw_signatures, strict=True):
        bare.verify(sig, message)
    check_floor = time.perf_counter() - start
    assert good == n
    return {
        f"sign_{n}_s": sign_s,
        f"sign_{n}_ratio": sign_s / sign_floor,
        f"sign_{n}_per_commit_us": sign_s / n * 1e6,
        f"check_{n}_s": check_s,
        f"check_{n}_ratio": check_s / check_floor,
        f"check_{n}_per_commit_us": check_s / n * 1e6,
    }


def village_year(entries: int = 5000) -> dict[str, float]:
    """A year of a village's entries, each its own signed commit, verified whole."""
    from ruralcouncil.ledger import journal, users
    from ruralcouncil.ledger.journal import EntryType, NewEntry
    from ruralcouncil.ledger.setup import init_ledger
    from ruralcouncil.ledger.verify import verify

    folder = Path(tempfile.mkdtemp(prefix="rc-bench-sign-"))
    path = folder / "village.ruralcouncil"
    ledger = init_ledger(path, village="Бенчмарк", admin="admin", password=PASSWORD)
    ledger.conn.execute("PRAGMA synchronous = OFF")  # building, not measuring, the writes
    admin = users.login(ledger, "admin", PASSWORD)
    year = date.today().year - 1
    start_day = date(year, 1, 1)
    journal.record(ledger, admin, NewEntry(start_day, EntryType.OPENING, 50_000_000_00))
    start = time.perf_counter()
    for i in range(entries - 1):
        day = start_day + timedelta(days=i * 364 // entries)
        if i % 2:
            entry = NewEntry(day, EntryType.PAYMENT, 1000_00 + i, category="ROADS")
        else:
            entry = NewEntry(day, EntryType.RECEIPT, 1500_00 + i, category="TAX-LAND")
        journal.record(ledger, admin, entry)
    record_s = time.perf_counter() - start
    ledger.close()

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    result = verify(conn)
    assert result.ok, result.problems
    verify_s = _best(lambda: verify(conn))

    def floor() -> None:
        conn.execute("PRAGMA integrity_check").fetchall()
        for (payload,) in conn.execute("SELECT payload FROM chain ORDER BY seq"):
            hashlib.sha256(payload.encode("utf-8")).digest()

    floor_s = _best(floor)
    conn.close()
    return {
        "village_entries": float(entries),
        "village_commits": float(result.signed_commits),
        "village_chain_entries": float(result.entries),
        "village_record_per_entry_ms": record_s / (entries - 1) * 1000,
        "village_verify_s": verify_s,
        "village_verify_floor_s": floor_s,
        "village_verify_ratio": verify_s / floor_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--n",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[100_000, 1_000_000],
        help="how many signatures, comma-separated (default 100000,1000000)",
    )
    parser.add_argument("--village", type=int, default=5000, help="entries in the village year")
    args = parser.parse_args()
    figures: dict[str, object] = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    for n in args.n:
        figures.update(signing(n))
    figures.update(village_year(args.village))
    for key, value in figures.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else value
        print(f"{key:30} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
