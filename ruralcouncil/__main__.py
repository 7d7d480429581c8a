import sys

from ruralcouncil.start import main

sys.exit(main())
