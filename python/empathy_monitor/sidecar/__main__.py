"""Entry point: ``empathy sidecar [--tcp --port N]`` (also ``python -m empathy_monitor sidecar``).

The CLI takes the sub-command's flags from :func:`add_arguments`; ``python -m
empathy_monitor.sidecar`` parses the same flags itself, so this module never imports the CLI.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import BinaryIO


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``sidecar`` sub-command's flags."""
    p.add_argument("--tcp", action="store_true", help="listen on 127.0.0.1 instead of stdio")
    p.add_argument("--port", type=int, default=2087)


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
            rpc_in, rpc_out = _private_stdio()
            server.start_io(rpc_in, rpc_out)
    finally:
        if server.service is not None:
            server.service.close_sync()
    return 0


def _private_stdio() -> tuple[BinaryIO, BinaryIO]:
    """Duplicate fds 0/1 for JSON-RPC and point ``sys.stdin``/``sys.stdout`` elsewhere.

    The core's parallel reader forks worker processes; a forked child closes ``sys.stdin`` and
    flushes ``sys.stdout`` on start/exit, and would deadlock on their locks while our stdin reader
    thread or the writer holds them. With private streams the children never touch the RPC locks,
    and a stray ``print()`` lands on stderr instead of corrupting the JSON-RPC stream.
    """
    rpc_in = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    rpc_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives for the process
    sys.stdout = sys.stderr
    return rpc_in, rpc_out


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="python -m empathy_monitor.sidecar")
    add_arguments(_parser)
    sys.exit(run(_parser.parse_args()))
