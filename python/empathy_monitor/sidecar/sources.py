"""The sidecar's side of sources: the enabled agents' folders, the mirror, the offers, the receiver.

Thin glue over ``sources/`` (what is where), ``sources/mirror.py`` (the durable copy) and
``receiver/`` (the local OTLP receiver, run here when ``otlpReceiver`` is set). The receiver is
never started on the address our own OTel exporter sends to: that would loop our export back in.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import sources
from ..ingest.bound import SourcePath
from ..sources.mirror import Mirror
from ..telemetry import Telemetry
from .settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0"}


def bindings(settings: Settings, workspace: Path) -> list[SourcePath]:
    return sources.bindings(settings.sources, workspace) if settings.sources else []


def mirror_of(settings: Settings, dirs: list[Path]) -> Mirror | None:
    return Mirror(dirs[0]) if settings.sources and dirs else None


def sync(mirror: Mirror | None, tel: Telemetry) -> None:
    if mirror is None:
        return
    try:
        mirror.sync(tel)
    except Exception:  # the copy is a safety net: never a reason to stop reading
        log.exception("sources: mirroring failed")


def offers(settings: Settings, workspace: Path) -> list[dict[str, str]]:
    """What the panel may offer to show (existence by stat only)."""
    try:
        return sources.offers(workspace, settings.sources)
    except OSError:
        return []


def enable(settings: Settings, name: str) -> dict[str, Any]:
    """``{source, label, sources}``: the ``empathy.sources`` value with ``name`` added."""
    src = sources.SOURCES.get(name)
    if src is None:
        raise ValueError(f"unknown source {name!r}; one of {', '.join(sources.SOURCES)}")
    return {
        "source": name,
        "label": src.label,
        "sources": list(dict.fromkeys([*settings.sources, name])),
    }


def loops_back(endpoint: str | None, port: int) -> bool:
    """Whether our OTel exporter's endpoint is this receiver (a loop)."""
    if not endpoint:
        return False
    u = urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
    return (u.hostname or "") in LOOPBACK and (u.port or 4318) == port


class ReceiverPlugin:
    """The OTLP receiver inside the sidecar; ``status`` says what it does or why it does not."""

    def __init__(self) -> None:
        self.receiver: Any = None
        self.status: dict[str, Any] = {"running": False, "reason": "off"}

    def start(self, settings: Settings, dirs: list[Path]) -> None:
        if not settings.otlpReceiver or not dirs:
            return
        port = settings.otlpReceiverPort
        try:
            from ..otel.config import load_config

            endpoint = load_config(dirs).endpoint
        except Exception:
            endpoint = None
        if loops_back(endpoint, port):
            self.status = {
                "running": False,
                "reason": f"not started: our OTel exporter sends to {endpoint}, this receiver's"
                f" address (port {port}); it would read our own export back",
            }
            log.warning("otlp receiver: %s", self.status["reason"])
            return
        try:
            from ..receiver.server import Receiver

            self.receiver = Receiver(dirs[0], port=port).start()
        except Exception as exc:
            self.status = {"running": False, "reason": f"could not start: {exc}"}
            log.error("otlp receiver: %s", self.status["reason"])
            return
        host, bound = self.receiver.address
        self.status = {"running": True, "address": f"http://{host}:{bound}"}
        log.info("otlp receiver: listening on http://%s:%d", host, bound)

    def stop(self) -> None:
        if self.receiver is not None:
            try:
                self.receiver.stop()
            finally:
                self.receiver = None
                self.status = {"running": False, "reason": "stopped"}
