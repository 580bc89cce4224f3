"""Entry point: ``empathy sidecar [--tcp --port N]`` (also ``python -m empathy_monitor sidecar``)."""

from __future__ import annotations

import argparse
import logging
import sys


def run(args: argparse.Namespace) -> int:
    """Serve JSON-RPC on stdio (or 127.0.0.1:port with ``--tcp``) until exit or stdin closes."""
    from .server import build

    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if root.level > logging.INFO and not getattr(args, "verbose", False):
        logging.getLogger("empathy_monitor").setLevel(logging.INFO)
    # pygls logs every message body at INFO.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    logging.getLogger("pygls.protocol").setLevel(logging.WARNING)
    server = build()
    try:
        if getattr(args, "tcp", False):
            server.start_tcp("127.0.0.1", int(args.port))
        else:
            server.start_io()
    finally:
        if server.service is not None:
            server.service.close_sync()
    return 0


if __name__ == "__main__":
    from ..cli import main

    sys.exit(main(["sidecar", *sys.argv[1:]]))
