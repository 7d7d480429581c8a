import sys

from ruralcouncil.cli import main

sys.exit(main())
