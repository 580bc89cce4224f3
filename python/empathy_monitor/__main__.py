"""`python -m empathy_monitor` (same as `empathy`)."""

import sys

from .cli import main

sys.exit(main())
