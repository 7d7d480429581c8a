"""A login's key derivation alone, as the login meets it: the first in its process, so its
16 MiB are new memory the system must hand over page by page. Done again in a process that
has already touched that memory, the same derivation took 44-52 ms against 57-71 ms here.

Arguments: the password, then scrypt's salt (hex), n, r and p."""

import json
import sys
import time


def main() -> None:
    from ruralcouncil.ledger import keys

    password, salt = sys.argv[1], bytes.fromhex(sys.argv[2])
    n, r, p = map(int, sys.argv[3:6])
    start = time.perf_counter()
    keys._derive(password, salt, n, r, p)
    print(json.dumps({"kdf_s": time.perf_counter() - start}))
