"""One process-wide allocator setting for bulk reads (glibc only; a no-op elsewhere).

glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), so after the
first chunk of a parallel read every later chunk's buffers come from the heap, where the small
long-lived objects allocated between them keep the freed space from going back to the system: a
million-call read then peaks ~15 MB higher and stays there. A fixed 1 MB threshold maps every
chunk-sized buffer and returns it when freed; the build's blocks (``analytics.build``,
512 KB arrays) still come from the heap, which serves them faster than fresh mappings.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
THRESHOLD = 1 << 20
_result: bool | None = None  # None: not tried yet in this process


def map_large_allocations() -> bool:
    """Set the fixed threshold once per process; whether it took effect."""
    global _result
    if _result is None:
        _result = _set_threshold()
    return _result


def _set_threshold() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt to tune)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, THRESHOLD))
