"""File identity: device, inode and a hash of the first bytes.

A telemetry file is followed by identity, not by path, so a rotation or a move keeps its offset
and a file rewritten in place (same inode, different head, or different bytes just before the
read offset: :func:`tail_mark`) is recognised as new. Used by the
tailer and by the OTel export cursor.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

HEAD_BYTES = 64
MARK_BYTES = 4096  # re-checked before every append: O(1), not a hash of the whole prefix
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def file_key(st: os.stat_result) -> tuple[int, int]:
    """(device, inode) of a stat result."""
    return st.st_dev, st.st_ino


def head_hash(path: Path, n: int = HEAD_BYTES) -> bytes:
    """An 8-byte hash of the first ``n`` bytes (fewer if the file is shorter); ``b""`` if ``n<=0``.

    Raises:
        OSError: when the file cannot be read.
    """
    if n <= 0:
        return b""
    with path.open("rb") as f:
        return hashlib.blake2b(f.read(n), digest_size=8).digest()


def safe_head_hash(path: Path, n: int = HEAD_BYTES) -> bytes | None:
    """:func:`head_hash`, or ``None`` when the file cannot be read."""
    try:
        return head_hash(path, n)
    except OSError:
        return None


def tail_mark(path: Path, offset: int, n: int = MARK_BYTES) -> bytes | None:
    """An 8-byte hash of the ``n`` bytes before ``offset`` (``None`` when unreadable).

    A writer only appends, so these bytes never change; if they did, the file was rewritten
    in place (an editor's save, a ``sed -i`` that kept the inode) and must be read again.
    """
    try:
        with path.open("rb") as f:
            f.seek(max(0, offset - n))
            data = f.read(min(n, offset))
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=8).digest()
