"""Reading lines of telemetry files by byte offset: one line, many lines, a record by its id.

Every reader of full records goes through here: the tailer's feed rows, exports (many lines from
a few open files), the OTel exporter's batches and the sidecar's look-up of one call.
"""

from __future__ import annotations

import gzip
import mmap
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .chunk import whole_tail

MAX_BLOCK = 8 << 20


def open_lines(path: Path) -> BinaryIO:
    """A telemetry file for reading: a rotated ``.gz`` one decompressed (offsets are then
    offsets in the decompressed stream).

    Raises:
        OSError: when the file cannot be opened.
    """
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_line_at(path: Path, offset: int) -> bytes | None:
    """The line starting at ``offset`` (without its newline); ``None`` if the file is unreadable."""
    try:
        with open_lines(path) as f:
            f.seek(offset)
            return f.readline().rstrip(b"\r\n")
    except (OSError, EOFError):
        return None


class LineReader:
    """Reads lines at offsets from several files, keeping each file open until :meth:`close`."""

    def __init__(self) -> None:
        self._open: dict[Path, BinaryIO] = {}

    def at(self, path: Path, offset: int) -> bytes:
        """The line at ``offset`` of ``path``.

        Raises:
            OSError: when the file cannot be opened or read.
        """
        fh = self._open.get(path)
        if fh is None:
            fh = self._open[path] = open_lines(path)
        fh.seek(offset)
        return fh.readline().rstrip(b"\r\n")

    def close(self) -> None:
        for fh in self._open.values():
            fh.close()
        self._open.clear()

    def __enter__(self) -> LineReader:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def rfind_lines(path: Path, needle: bytes) -> Iterator[int]:
    """Offsets of the lines that contain ``needle``, newest (last in the file) first.

    The file is memory-mapped, never read whole into memory.

    Raises:
        OSError: when the file cannot be read; ValueError: when it is empty (cannot be mapped).
    """
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
        pos = m.rfind(needle)
        while pos >= 0:
            start = m.rfind(b"\n", 0, pos) + 1
            yield start
            pos = m.rfind(needle, 0, start) if start else -1


def read_lines(
    path: Path, start: int, size: int, max_lines: int, block: int, whole_tail_ok: bool = False
) -> tuple[list[tuple[int, bytes]], int]:
    """Up to ``max_lines`` complete lines from ``start`` (before ``size``): ``([(off, line)], end)``.

    Reads one ``block`` (more only while not even one line is complete); ``end`` is the offset
    after the last line returned, so a partial last line is left for a later read. With
    ``whole_tail_ok`` a last line at ``size`` without its newline is returned when it is whole
    (complete JSON, :func:`.chunk.whole_tail`); its newline then reads as a blank line.
    """
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(min(block, size - start))
        while b"\n" not in data and start + len(data) < size:
            more = f.read(min(block, size - start - len(data)))  # one very long line
            if not more:
                break
            data += more
    lines: list[tuple[int, bytes]] = []
    pos = 0
    while len(lines) < max_lines:
        nl = data.find(b"\n", pos)
        if nl < 0:
            break
        lines.append((start + pos, data[pos:nl]))
        pos = nl + 1
    rest = data[pos:]
    if (
        whole_tail_ok
        and rest
        and len(lines) < max_lines
        and start + len(data) == size
        and whole_tail(rest)
    ):
        lines.append((start + pos, rest.rstrip(b"\r")))
        pos = len(data)
    return lines, start + pos


def count_lines(path: Path, start: int, end: int) -> int:
    """Newlines in ``[start, end)`` (0 if the file is unreadable)."""
    if end <= start:
        return 0
    n = 0
    try:
        with path.open("rb") as f:
            f.seek(start)
            left = end - start
            while left > 0:
                data = f.read(min(MAX_BLOCK, left))
                if not data:
                    break
                n += data.count(b"\n")
                left -= len(data)
    except OSError:
        return 0
    return n


def split_at_lines(path: Path, start: int, size: int, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` byte ranges covering the complete lines in ``[start, size)``.

    Each range ends just after a newline, so ranges can be decoded independently (in parallel).
    """
    with path.open("rb") as f:
        # The last complete line ends at the last newline before ``size``.
        tail_from = max(start, size - (1 << 20))
        f.seek(tail_from)
        tail = f.read(size - tail_from)
        last_nl = tail.rfind(b"\n")
        end = tail_from + last_nl + 1 if last_nl >= 0 else start
        if end <= start:
            return []
        bounds = [start]
        step = (end - start) // parts
        for i in range(1, parts):
            f.seek(start + i * step)
            f.readline()
            b = f.tell()
            if bounds[-1] < b < end:
                bounds.append(b)
        bounds.append(end)
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
