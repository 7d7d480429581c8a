"""Entry point of the frozen program: the same ``ruralcouncil`` command as ``pip install``."""

import multiprocessing
import sys

from ruralcouncil.start import main  # loads nothing else: main() pauses the collector first

if __name__ == "__main__":
    # A worker process (``consolidate`` verifies ledgers in several) starts as this program
    # again: this runs the worker and exits instead of starting the command line.
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--verify-tail"]:  # verify's helper for a long chain's tail
        from ruralcouncil.ledger import verify_tail

        sys.exit(verify_tail.main(sys.argv[2:]))
    sys.exit(main())
