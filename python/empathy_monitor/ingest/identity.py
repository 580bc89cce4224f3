"""File identity: device, inode and a hash of the first bytes.

A telemetry file is followed by identity, not by path, so a rotation or a move keeps its offset
and a file rewritten in place (same inode, different head) is recognised as new. Used by the
tailer and by the OTel export cursor.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

HEAD_BYTES = 64


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
