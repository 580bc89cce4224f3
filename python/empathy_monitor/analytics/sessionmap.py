"""Users and projects read off sessions, where every session has one.

A build sums each per-row dimension with ~7 ``bincount`` passes over its rows: at a million
calls the three of them are a third of a build. In most telemetry a session belongs to one user
and one project, so their sums are those of their sessions added up — a few thousand values
instead of a million rows. ``SessionMap`` finds out, per dimension, whether that holds for every
call (kept up to date as calls are appended, redone when rows are dropped or calls move to
another project), and the build then derives that dimension from the session sums.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
import numpy.typing as npt

from ..tables import Tables

DERIVED = ("user", "project")
BLOCK = 1 << 16
I64 = npt.NDArray[np.int64]


def _values(tables: Tables, name: str, lo: int, hi: int) -> I64:
    col = tables.call_proj() if name == "project" else tables.calls.col(name)
    out = np.zeros(hi - lo, dtype=np.int64)  # calls not linked to a run yet: project 0
    got = col[lo:hi]
    out[: got.size] = got
    return out


class SessionMap:
    """Per derived dimension, each session's value, or None where some session has two."""

    def __init__(self) -> None:
        self.n = 0
        self.drops = -1
        self.seq = -1
        self.of: dict[str, I64 | None] = {}
        self._lock = threading.Lock()  # a build's two threads ask at once (threads.py)

    def update(self, tables: Tables) -> None:
        with self._lock:
            self._update(tables)

    def _update(self, tables: Tables) -> None:
        t = tables.calls
        if t.drops != self.drops or tables.relabel_seq != self.seq or t.n < self.n:
            self.n, self.drops, self.seq = 0, t.drops, tables.relabel_seq
            self.of = {name: np.full(0, -1, dtype=np.int64) for name in DERIVED}
        if t.n == self.n:
            return
        n0 = self.n
        size = len(tables.sessions) + 1
        for name, m in self.of.items():
            if m is None:
                continue
            if m.size < size:
                m = np.concatenate((m, np.full(size - m.size, -1, dtype=np.int64)))
            self.of[name] = m if _consistent(tables, name, m, n0, t.n) else None
        self.n = t.n

    def derivable(self, name: str) -> I64 | None:
        """Each session's value of ``name`` (indexable by session id), or None."""
        return self.of.get(name)


def _consistent(tables: Tables, name: str, m: I64, lo: int, hi: int) -> bool:
    """Give sessions first met in calls ``[lo, hi)`` their value of ``name`` in ``m`` and
    check that every one of those calls has its session's value (in blocks: a million-row
    pass at once would hold ~25 MB of temporaries)."""
    session = tables.calls.col("session")
    for a in range(lo, hi, BLOCK):
        b = min(hi, a + BLOCK)
        s = session[a:b]
        v = _values(tables, name, a, b)
        new = m[s] < 0
        m[s[new]] = v[new]  # a session first seen here takes one of its values ...
        if not np.array_equal(m[s], v):  # ... and every call must have that one
            return False
    return True


_MAPS: weakref.WeakKeyDictionary[Tables, SessionMap] = weakref.WeakKeyDictionary()


def session_map(tables: Tables) -> SessionMap:
    m = _MAPS.get(tables)
    if m is None:
        m = _MAPS.setdefault(tables, SessionMap())
    m.update(tables)
    return m


def derive(dims: dict[str, I64], name: str, of: I64) -> None:
    """Add the session sums into ``dims[name]`` through each session's value (``of``)."""
    sess = dims["session"]
    used = np.flatnonzero(sess[0])
    if not used.size:
        return
    target = dims[name]
    keys = of[used]
    for i in range(sess.shape[0]):
        np.add.at(target[i], keys, sess[i, used])
