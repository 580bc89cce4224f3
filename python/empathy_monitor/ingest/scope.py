"""Run scopes: a shared folder read for one project's runs only.

attune-ai 16.x writes every project's runs into one home folder (``~/.attune/telemetry``). The
reader applies a :class:`~empathy_monitor.workspace.RunScope` to each chunk decoded from such a
folder before the chunk reaches the tables: its calls are dropped (the workspace's own folder has
them) and so are the runs of other projects, counted per project for the health line.
"""

from __future__ import annotations

from array import array
from collections import Counter

from ..tables import Chunk
from ..workspace import RunScope

NO_PROJECT = "(none)"
_CALL_ARRAYS = tuple(a for a in Chunk.__dataclass_fields__ if a.startswith("c_"))
_RUN_ARRAYS = tuple(a for a in Chunk.__dataclass_fields__ if a.startswith("r_"))


def apply(chunk: Chunk, scope: RunScope) -> Counter[str]:
    """Keep only ``scope.project``'s runs in ``chunk`` (in place); returns the runs left out, by
    project."""
    hidden: Counter[str] = Counter()
    calls = len(chunk.c_ts)
    if calls:
        for a in _CALL_ARRAYS:
            old = getattr(chunk, a)
            setattr(chunk, a, array(old.typecode))
        chunk.records -= calls
    keep: list[int] = []
    for i, cid in enumerate(chunk.r_combo):
        project = chunk.run_combos[cid].project
        if project == scope.project:
            keep.append(i)
        else:
            hidden[project if project is not None else NO_PROJECT] += 1
    if len(keep) < len(chunk.r_combo):
        for a in _RUN_ARRAYS:
            old = getattr(chunk, a)
            setattr(chunk, a, array(old.typecode, (old[i] for i in keep)))
        chunk.records -= sum(hidden.values())
    return hidden
