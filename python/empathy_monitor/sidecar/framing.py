"""The stdio frame reader: LSP ``Content-Length`` framing that survives a bad frame.

pygls 2's reader (``pygls.io_.run_async``) matches ``Content-Length: N`` case-sensitively and
trusts N: a lower-case name, a non-numeric, missing, too small or too large value leaves every
later byte misaligned (the next header glued to the last body) and the sidecar deaf for good.
This reader keeps its own buffer instead:

* a good frame (header names case-insensitive, N digits, the N bytes one JSON value) is handled
  as pygls would;
* a bad frame is logged in one line; the JSON value it carries, when one can be found, gets an
  ``InvalidRequest`` error reply if it is a request (so no caller waits forever); reading goes
  on from the byte after that value, or from the next ``Content-Length`` header (resync);
* a declared length larger than what arrives is detected when the bytes stop for
  :data:`STALL_SECONDS` while a complete JSON value is already buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger("empathy_monitor.sidecar")

MAX_HEADER = 8192
MAX_BODY = 64 << 20
STALL_SECONDS = 0.5
_HEADER_END = b"\r\n\r\n"
_CL_RE = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_ID_RE = re.compile(rb'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")')
_DECODER = json.JSONDecoder()


class FrameReader:
    """Reads fd ``fd`` in a worker thread; :meth:`run` parses and dispatches until EOF/stop."""

    def __init__(self, fd: int, protocol: JsonRPCProtocol, stop: threading.Event) -> None:
        self.fd = fd
        self.protocol = protocol
        self.stop = stop
        self.buf = bytearray()
        self.eof = False
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="empathy-stdin")
        self._pending: asyncio.Future[bytes] | None = None

    async def _more(self, timeout: float | None = None) -> bool:
        """Append the next chunk; False on timeout or EOF (the read stays pending on timeout)."""
        if self.eof:
            return False
        if self._pending is None:
            loop = asyncio.get_running_loop()
            self._pending = loop.run_in_executor(self._pool, os.read, self.fd, 65536)
        done, _ = await asyncio.wait({self._pending}, timeout=timeout)
        if not done:
            return False
        chunk = self._pending.result()
        self._pending = None
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    async def run(self) -> None:
        try:
            while not self.stop.is_set():
                if not await self._frame():
                    break
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)

    async def _frame(self) -> bool:
        """Handle one frame (good or bad); False at EOF."""
        while True:
            del self.buf[: len(self.buf) - len(self.buf.lstrip())]
            end = self.buf.find(_HEADER_END, 0, MAX_HEADER + 4)
            if end >= 0:
                break
            if len(self.buf) > MAX_HEADER:
                self._skip_to_header(1, "header longer than 8 KiB")
                continue
            if not await self._more():
                if self.buf.strip():
                    log.error("bad frame: %d bytes without a header at end of input", len(self.buf))
                return False
        length, problem = _content_length(bytes(self.buf[:end]))
        start = end + len(_HEADER_END)
        if length is not None:
            while len(self.buf) < start + length:
                if not await self._more(STALL_SECONDS):
                    if self.eof:
                        return False
                    if _decode_at(self.buf, start) is not None:
                        problem = f"Content-Length {length} but the body stopped short"
                        break
            else:
                body = bytes(self.buf[start : start + length])
                try:
                    data = json.loads(body)
                except ValueError:
                    problem = f"Content-Length {length} does not frame one JSON value"
                else:
                    del self.buf[: start + length]
                    self._dispatch(body, data)
                    return True
        await self._recover(start, problem or "bad frame")
        return True

    async def _recover(self, start: int, problem: str) -> None:
        """A bad frame: answer the JSON value after the header if there is one, then resync."""
        while True:
            found = _decode_at(self.buf, start)
            if found is not None:
                data, stop = found
                log.error("bad frame: %s; value of %d bytes rejected", problem, stop - start)
                self._reject(data, f"bad frame: {problem}")
                del self.buf[:stop]
                return
            nxt = _next_header(self.buf, start)
            if nxt >= 0 or len(self.buf) - start > MAX_BODY:
                self._skip_to_header(start, problem)
                return
            if not await self._more(STALL_SECONDS * 2):
                self._skip_to_header(start, problem)
                return

    def _skip_to_header(self, start: int, problem: str) -> None:
        nxt = _next_header(self.buf, start)
        cut = nxt if nxt >= 0 else len(self.buf)
        skipped = bytes(self.buf[:cut])
        log.error("bad frame: %s; skipped %d bytes", problem, len(skipped))
        m = _ID_RE.search(skipped)
        if m is not None and b'"method"' in skipped:
            with contextlib.suppress(ValueError):
                self._reject({"id": json.loads(m.group(1)), "method": "?"}, f"bad frame: {problem}")
        del self.buf[:cut]

    def _reject(self, data: Any, why: str) -> None:
        if isinstance(data, dict) and "id" in data and "method" in data:
            err = ResponseError(code=JsonRpcInvalidRequest.CODE, message=why)
            self.protocol._send_response(data["id"], error=err)

    def _dispatch(self, body: bytes, data: Any) -> None:
        if not isinstance(data, dict) or "jsonrpc" not in data:
            log.error("bad message: not a JSON-RPC object (%d bytes)", len(body))
            self._reject(data, "not a JSON-RPC 2.0 message")
            return
        try:
            message = json.loads(body, object_hook=self.protocol.structure_message)
            self.protocol.handle_message(message)
        except Exception as exc:  # one bad message never stops the reader
            log.error("cannot handle message: %s: %s", type(exc).__name__, exc)
            self._reject(data, f"cannot handle message: {type(exc).__name__}")


def _content_length(header: bytes) -> tuple[int | None, str | None]:
    """(length, None) for a usable header block, else (None, what is wrong)."""
    length: int | None = None
    for line in header.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            return None, f"header line without ':' ({len(line)} bytes)"
        if name.strip().lower() != b"content-length":
            continue
        v = value.strip()
        if not v.isdigit():
            return None, "Content-Length is not a number"
        if len(v) > 12 or int(v) > MAX_BODY:
            return None, f"Content-Length over {MAX_BODY} bytes"
        length = int(v)
    if length is None:
        return None, "no Content-Length header"
    return length, None


def _next_header(buf: bytearray, start: int) -> int:
    m = _CL_RE.search(buf, start)
    return m.start() if m else -1


def _decode_at(buf: bytearray, start: int) -> tuple[Any, int] | None:
    """The JSON value starting at ``start`` (after whitespace) and the byte after it, if whole."""
    raw = bytes(buf[start:])
    lead = len(raw) - len(raw.lstrip())
    text = raw[lead:].decode("utf-8", "surrogateescape")
    if not text.startswith(("{", "[")):
        return None
    try:
        value, end = _DECODER.raw_decode(text)
    except ValueError:
        return None
    return value, start + lead + len(text[:end].encode("utf-8", "surrogateescape"))
