"""Budget tests: reuse the alert tests' hand-made telemetry helpers."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "alerts"))
