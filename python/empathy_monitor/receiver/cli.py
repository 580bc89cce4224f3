"""``empathy otel receive``: run the local OTLP/HTTP receiver until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    r = sub.add_parser(
        "receive",
        help="receive OTLP/HTTP (traces, logs, metrics) on loopback and store GenAI calls",
    )
    r.add_argument("--port", type=int, default=4318, help="port on 127.0.0.1 (default 4318)")
    r.add_argument("--host", default="127.0.0.1", help="loopback address: 127.0.0.1 or ::1")
    r.add_argument(
        "--dir", metavar="DIR", help="telemetry directory to write into (default .empathy)"
    )
    r.add_argument(
        "--once", action="store_true", help="start, print the address, and stop (a check)"
    )
    r.set_defaults(func=cmd_receive)


def cmd_receive(args: argparse.Namespace) -> int:
    from .server import Receiver

    try:
        from ..otel import otel_available
    except ImportError:  # pragma: no cover - the otel package is part of this distribution
        otel_available = None  # type: ignore[assignment]
    if otel_available is not None and not otel_available():
        print(
            "empathy otel receive: needs the otel extra: pip install 'empathy-monitor[otel]'",
            file=sys.stderr,
        )
        return 3
    from ..workspace import EMPATHY

    # the receiver's store is telemetry: always .empathy (it never hides .attune's, see workspace)
    directory = Path(args.dir) if args.dir else Path.cwd() / EMPATHY
    try:
        rx = Receiver(directory, host=args.host, port=args.port)
    except ValueError as exc:
        print(f"empathy otel receive: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"empathy otel receive: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    host, port = rx.address
    shown = f"[{host}]" if ":" in host else host
    print(
        f"receiving OTLP/HTTP on http://{shown}:{port} (traces, logs, metrics) -> {directory}",
        flush=True,
    )
    if args.once:
        rx.stop()
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    rx.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    rx.stop()
    st = rx.stats.as_dict()
    print(
        f"stopped: {st['calls_written']} calls stored, {st['bad_payloads']} bad payloads",
        flush=True,
    )
    return 0
