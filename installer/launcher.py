"""Entry point of the frozen program: the same ``ruralcouncil`` command as ``pip install``."""

import sys

from ruralcouncil.cli import main

if __name__ == "__main__":
    sys.exit(main())
