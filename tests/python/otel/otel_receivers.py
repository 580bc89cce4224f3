"""Real OTLP receivers for tests: gRPC (TraceService + MetricsService) and HTTP/protobuf.

Both record every request with its headers, decode spans to plain dicts, and can be told to refuse
requests (``fail_traces`` / ``fail_metrics``) to simulate a collector that errors.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from concurrent import futures
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

KINDS = {Span.SPAN_KIND_CLIENT: "client", Span.SPAN_KIND_INTERNAL: "internal"}
STATUS = {
    Status.STATUS_CODE_UNSET: "unset",
    Status.STATUS_CODE_OK: "ok",
    Status.STATUS_CODE_ERROR: "error",
}


def any_value(v: AnyValue) -> Any:
    which = v.WhichOneof("value")
    if which == "array_value":
        return [any_value(x) for x in v.array_value.values]
    if which == "kvlist_value":
        return attrs(v.kvlist_value.values)
    return getattr(v, which) if which else None


def attrs(kvs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in kvs:
        assert isinstance(kv, KeyValue)
        out[kv.key] = any_value(kv.value)
    return out


def span_dict(s: Span, resource: dict[str, Any], scope: str) -> dict[str, Any]:
    return {
        "name": s.name,
        "kind": KINDS.get(s.kind, str(s.kind)),
        "trace_id": s.trace_id.hex(),
        "span_id": s.span_id.hex(),
        "parent_span_id": s.parent_span_id.hex() or None,
        "start": s.start_time_unix_nano,
        "end": s.end_time_unix_nano,
        "attributes": attrs(s.attributes),
        "status": STATUS[s.status.code],
        "status_message": s.status.message,
        "resource": resource,
        "scope": scope,
    }


@dataclass
class Recorded:
    """Everything a receiver got."""

    trace_requests: list[trace_service_pb2.ExportTraceServiceRequest] = field(default_factory=list)
    metric_requests: list[metrics_service_pb2.ExportMetricsServiceRequest] = field(
        default_factory=list
    )
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spans(self) -> list[dict[str, Any]]:
        out = []
        with self.lock:
            reqs = list(self.trace_requests)
        for req in reqs:
            for rs in req.resource_spans:
                res = attrs(rs.resource.attributes)
                for ss in rs.scope_spans:
                    out.extend(span_dict(s, res, ss.scope.name) for s in ss.spans)
        return out

    def metrics(self) -> list[dict[str, Any]]:
        """Flattened data points: name, unit, kind, attributes, count/sum/value, buckets."""
        out = []
        with self.lock:
            reqs = list(self.metric_requests)
        for req in reqs:
            for rm in req.resource_metrics:
                for sm in rm.scope_metrics:
                    for m in sm.metrics:
                        which = m.WhichOneof("data")
                        if which == "histogram":
                            for p in m.histogram.data_points:
                                out.append(
                                    {
                                        "name": m.name,
                                        "unit": m.unit,
                                        "kind": "histogram",
                                        "temporality": m.histogram.aggregation_temporality,
                                        "attributes": attrs(p.attributes),
                                        "count": p.count,
                                        "sum": p.sum,
                                        "buckets": list(p.bucket_counts),
                                        "bounds": list(p.explicit_bounds),
                                        "min": p.min,
                                        "max": p.max,
                                        "start": p.start_time_unix_nano,
                                        "time": p.time_unix_nano,
                                    }
                                )
                        elif which == "sum":
                            for p in m.sum.data_points:
                                out.append(
                                    {
                                        "name": m.name,
                                        "unit": m.unit,
                                        "kind": "sum",
                                        "monotonic": m.sum.is_monotonic,
                                        "temporality": m.sum.aggregation_temporality,
                                        "attributes": attrs(p.attributes),
                                        "value": p.as_double,
                                    }
                                )
        return out


class GrpcReceiver:
    """An OTLP/gRPC collector on 127.0.0.1 (or ::1) with an ephemeral port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.rec = Recorded()
        self.fail_traces: grpc.StatusCode | None = None
        self.fail_metrics: grpc.StatusCode | None = None
        self._server: grpc.Server | None = None
        self.port = port
        self.start()

    @property
    def endpoint(self) -> str:
        h = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{h}:{self.port}"

    def start(self) -> None:
        recv = self
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=4),
            options=[("grpc.max_receive_message_length", 64 << 20), ("grpc.so_reuseport", 0)],
        )

        class Traces(trace_service_pb2_grpc.TraceServiceServicer):
            def Export(self, request: Any, context: Any) -> Any:
                if recv.fail_traces is not None:
                    context.abort(recv.fail_traces, "refused by test receiver")
                with recv.rec.lock:
                    recv.rec.trace_requests.append(request)
                    recv.rec.headers.append(dict(context.invocation_metadata()))
                return trace_service_pb2.ExportTraceServiceResponse()

        class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
            def Export(self, request: Any, context: Any) -> Any:
                if recv.fail_metrics is not None:
                    context.abort(recv.fail_metrics, "metrics refused by test receiver")
                with recv.rec.lock:
                    recv.rec.metric_requests.append(request)
                    recv.rec.headers.append(dict(context.invocation_metadata()))
                return metrics_service_pb2.ExportMetricsServiceResponse()

        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), server)
        h = f"[{self.host}]" if ":" in self.host else self.host
        self.port = server.add_insecure_port(f"{h}:{self.port}")
        assert self.port, "could not bind the test receiver"
        server.start()
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None).wait()
            self._server = None


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_POST(self) -> None:
        recv = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        enc = self.headers.get("Content-Encoding", "")
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "deflate":
            body = zlib.decompress(body)
        if self.path == "/v1/traces":
            fail, msg, resp = (
                recv.fail_traces,
                trace_service_pb2.ExportTraceServiceRequest(),
                (trace_service_pb2.ExportTraceServiceResponse()),
            )
        elif self.path == "/v1/metrics":
            fail, msg, resp = (
                recv.fail_metrics,
                metrics_service_pb2.ExportMetricsServiceRequest(),
                (metrics_service_pb2.ExportMetricsServiceResponse()),
            )
        else:
            self.send_response(404)
            self.end_headers()
            return
        if fail is not None:
            self.send_response(fail)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        msg.ParseFromString(body)
        with recv.rec.lock:
            if isinstance(msg, trace_service_pb2.ExportTraceServiceRequest):
                recv.rec.trace_requests.append(msg)
            else:
                recv.rec.metric_requests.append(msg)
            recv.rec.headers.append({k.lower(): v for k, v in self.headers.items()})
        data = resp.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    receiver: HttpReceiver


class HttpReceiver:
    """An OTLP/HTTP (protobuf) collector on 127.0.0.1 with an ephemeral port."""

    def __init__(self) -> None:
        self.rec = Recorded()
        self.fail_traces: int | None = None  # an HTTP status to answer with
        self.fail_metrics: int | None = None
        self._srv = _HttpServer(("127.0.0.1", 0), _Handler)
        self._srv.receiver = self
        self.port = self._srv.server_address[1]
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()
