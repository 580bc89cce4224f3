"""The cost each activity-feed row shows: its view's cost mode, never the writer's $0 unpriced.

Feed rows are read back from the files (``Telemetry.row_at``) and so carry the record's own
``estimated_cost``. :func:`with_costs` puts the cost of the view's mode and its ``cost_source``
on them, from the same columns and rule as every sum (``Telemetry.costs_of``), so a row agrees
with the cards. An unpriced call's cost is ``None``: the panel and the CLI show "unpriced",
never $0.00.

The recent feed names its calls by (file, offset). :class:`RowFinder` finds their row numbers
once and keeps them (re-checked on each use: a reset renumbers the rows), looking first at the
table's last rows, where new calls land, so a live append costs a few microseconds, not a scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import NANOS, ColumnTable
from .sources import SOURCE_NAMES, UNPRICED

TAIL = 4096  # rows at the table's end searched before a whole-table scan
Ref = tuple[int, int]


class RowFinder:
    """Row numbers of calls named by (file id, byte offset), kept between feeds."""

    def __init__(self) -> None:
        self._rows: dict[Ref, int] = {}

    def rows(self, calls: ColumnTable, refs: Sequence[Ref]) -> list[int]:
        """The row of each ref (-1 where the table has none)."""
        files, offs, n = calls.col("file"), calls.col("off"), calls.n
        out = [self._rows.get(ref, -1) for ref in refs]
        missing = [
            i
            for i, (r, (f, o)) in enumerate(zip(out, refs, strict=True))
            if not (0 <= r < n and int(files[r]) == f and int(offs[r]) == o)
        ]
        if missing:
            lo = max(0, n - TAIL)
            tail_f, tail_o = files[lo:], offs[lo:]
            for i in missing:
                f, o = refs[i]
                hit = np.flatnonzero((tail_o == o) & (tail_f == f))
                out[i] = lo + int(hit[-1]) if hit.size else -1
            far = [i for i in missing if out[i] < 0]
            for f in {refs[i][0] for i in far}:  # one scan per file, rarely more than one
                of_file = np.flatnonzero(files == f)
                at = dict(zip(offs[of_file].tolist(), of_file.tolist(), strict=True))
                for i in far:
                    if refs[i][0] == f:
                        out[i] = at.get(refs[i][1], -1)
            for i in missing:
                self._rows[refs[i]] = out[i]
        if len(self._rows) > 4 * max(len(refs), 64):
            keep = set(refs)
            self._rows = {k: v for k, v in self._rows.items() if k in keep}
        return out


def with_costs(
    rows: Sequence[dict[str, Any] | None],
    at: Sequence[int],
    code: npt.NDArray[np.int8],
    nanos: npt.NDArray[np.int64],
    writer: npt.NDArray[np.int64],
) -> list[dict[str, Any]]:
    """``rows`` (None: unreadable, dropped) with ``cost`` and ``cost_source`` of their mode.

    ``at[i]`` indexes ``code``/``nanos``/``writer`` (the rows' writer cost column) for
    ``rows[i]``; -1 is a call the table does not hold, left with its record's own figure, as is
    a cost equal to the writer's (the record's float, exactly as written, like the exports). The
    rows are copied, never changed: they are cached.
    """
    codes, costs = code.tolist(), (nanos / NANOS).round(9).tolist()
    own = (nanos == writer).tolist()
    out = []
    for row, j in zip(rows, at, strict=True):
        if row is None:
            continue
        if j >= 0:
            src = codes[j]
            mine = row.get("cost")
            cost = None if src == UNPRICED else mine if own[j] and mine is not None else costs[j]
            row = {**row, "cost": cost, "cost_source": SOURCE_NAMES[src]}
        out.append(row)
    return out
