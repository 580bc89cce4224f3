"""An OTLP/HTTP request body to its protobuf message: size caps, gzip, protobuf or JSON.

The receiver's (``server.py``) first step for every request; every problem is a
:class:`PayloadError` whose message becomes the HTTP 400 body. Pure (no IO).
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from typing import Any

MAX_BODY = 16 << 20  # bytes on the wire
MAX_DECODED = 64 << 20  # after gzip
PATHS = ("/v1/traces", "/v1/logs", "/v1/metrics")
_ID_KEYS = ("traceId", "spanId", "parentSpanId")


class PayloadError(ValueError):
    """A payload that cannot be used; the message becomes the HTTP 400 body."""


def decompress(body: bytes, encoding: str) -> bytes:
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return body
    if enc not in ("gzip", "deflate"):
        raise PayloadError(f"unsupported Content-Encoding {encoding!r} (gzip or none)")
    try:
        d = zlib.decompressobj(wbits=47 if enc == "gzip" else 15)
        out = d.decompress(body, MAX_DECODED + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise PayloadError(f"body is not valid {enc}: {exc}") from exc
    if len(out) > MAX_DECODED:
        raise PayloadError(f"decompressed body larger than {MAX_DECODED} bytes")
    return out


def _hex_ids_to_base64(obj: Any) -> Any:
    """OTLP/JSON writes trace and span ids as hex; protobuf's JSON mapping wants base64."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in _ID_KEYS and isinstance(v, str) and v:
                try:
                    v = base64.b64encode(bytes.fromhex(v)).decode()
                except ValueError as exc:
                    raise PayloadError(f"{k} {v[:40]!r} is not hex") from exc
            else:
                v = _hex_ids_to_base64(v)
            out[k] = v
        return out
    if isinstance(obj, list):
        return [_hex_ids_to_base64(x) for x in obj]
    return obj


def decode(path: str, body: bytes, content_type: str) -> Any:
    """The protobuf request message for ``path`` from a protobuf or JSON body."""
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    classes: dict[str, Any] = {
        "/v1/traces": trace_service_pb2.ExportTraceServiceRequest,
        "/v1/logs": logs_service_pb2.ExportLogsServiceRequest,
        "/v1/metrics": metrics_service_pb2.ExportMetricsServiceRequest,
    }
    cls = classes[path]
    ctype = content_type.split(";")[0].strip().lower()
    msg = cls()
    if ctype in ("application/x-protobuf", "application/protobuf", ""):
        try:
            msg.ParseFromString(body)
        except DecodeError as exc:
            raise PayloadError(f"body is not a valid {cls.__name__} protobuf: {exc}") from exc
        return msg
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise PayloadError(f"body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise PayloadError("JSON body must be an object")
        try:
            json_format.ParseDict(_hex_ids_to_base64(data), msg, ignore_unknown_fields=True)
        except json_format.ParseError as exc:
            raise PayloadError(f"JSON body is not a valid {cls.__name__}: {exc}") from exc
        return msg
    raise PayloadError(
        f"unsupported Content-Type {content_type!r} (application/x-protobuf or application/json)"
    )
