"""Has a table only grown since a signature was taken? The test every incremental cache here uses.

A signature is (row count, first row's (ts, file, offset), last row's): rows appended keep both
ends; a truncated or replaced file changes the count or an end. Shared by the alert views, the
spike baselines and the budgets' spend (which fold appended rows and rebuild otherwise).
"""

from __future__ import annotations

from typing import Any

_Sig = tuple[int, tuple[float, int, int] | None, tuple[float, int, int] | None]


def _sig(table: Any) -> _Sig:
    n = int(table.n)
    if n == 0:
        return (0, None, None)
    ts, f, o = table.col("ts"), table.col("file"), table.col("off")
    return (
        n,
        (float(ts[0]), int(f[0]), int(o[0])),
        (float(ts[n - 1]), int(f[n - 1]), int(o[n - 1])),
    )


def _appended(old: _Sig, table: Any) -> bool:
    """True when the table only grew since ``old`` was taken (no rows dropped or replaced)."""
    n_old = old[0]
    if table.n < n_old:
        return False
    if n_old == 0:
        return True
    ts, f, o = table.col("ts"), table.col("file"), table.col("off")
    i = n_old - 1
    return (float(ts[0]), int(f[0]), int(o[0])) == old[1] and (
        float(ts[i]),
        int(f[i]),
        int(o[i]),
    ) == old[2]
