"""The stdout channel: one line per notification (the sidecar passes stderr: stdout is JSON-RPC)."""

from __future__ import annotations

import sys
from typing import TextIO

from ..notification import Notification
from ..rules import StdoutAction
from . import DeliveryResult


class StdoutChannel:
    kind = "stdout"
    target = "stdout"

    def __init__(self, action: StdoutAction, stream: TextIO | None = None) -> None:
        self.action = action
        self.stream = stream

    def send(self, note: Notification) -> DeliveryResult:
        stream = self.stream or sys.stdout
        try:
            stream.write(self.action.template.format(**note.context()) + "\n")
            stream.flush()
        except (OSError, ValueError) as exc:
            return DeliveryResult(False, f"{type(exc).__name__}: {exc}")
        return DeliveryResult(True)
