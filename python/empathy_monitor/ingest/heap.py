"""The allocator setting for a bulk read (glibc only; a no-op elsewhere).

glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), so after the
first chunk of a parallel read every later chunk's buffers come from the heap, where the small
long-lived objects allocated between them keep the freed space from going back to the system: a
million-call read then peaks 15-25 MB higher and stays there. During a bulk read the threshold is
held at 1 MB, so every chunk-sized buffer is mapped and returned when freed; afterwards it is set
to glibc's own ceiling (32 MB, trim 64 MB), where the dynamic thresholds end up anyway: the
builds' blocks then reuse heap memory instead of faulting in fresh mappings (a fixed 1 MB made
them 20-50% slower).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
DURING, AFTER = 1 << 20, 32 << 20
# Fixing the mmap threshold also stops glibc adjusting the trim threshold (it would be twice the
# mmap one): left at 128 KB, every free at the heap's top gives pages back and the next build
# faults them in again.
AFTER_TRIM = 2 * AFTER


@functools.cache
def _lookup() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, looked up once (None elsewhere: musl has none to tune)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        f: Callable[[int, int], int] = ctypes.CDLL(
            ctypes.util.find_library("c") or "libc.so.6"
        ).mallopt
    except (OSError, AttributeError):
        return None
    return f


def set_threshold(nbytes: int, trim: int | None = None) -> bool:
    """Fix glibc's mmap threshold (and, given, its trim threshold); whether it took effect."""
    f = _lookup()
    if f is None:
        return False
    return bool(f(_M_MMAP_THRESHOLD, nbytes)) and (trim is None or bool(f(_M_TRIM_THRESHOLD, trim)))


@contextmanager
def bulk_read() -> Iterator[bool]:
    """Map chunk-sized buffers while the block runs (yields whether that took effect)."""
    took = set_threshold(DURING)
    try:
        yield took
    finally:
        if took:
            set_threshold(AFTER, AFTER_TRIM)
