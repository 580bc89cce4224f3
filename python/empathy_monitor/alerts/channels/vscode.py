"""The VS Code channel: a payload the sidecar pushes as ``empathy/didFireAlert``.

The extension shows it as a warning (``info``/``warning``) or an error (``critical``) with buttons
that open the panel or the workflow's source; it only displays what is here, it decides nothing.
"""

from __future__ import annotations

from typing import Any

from ..notification import Notification
from . import DeliveryResult, VSCodeSink

DID_FIRE_ALERT = "empathy/didFireAlert"
_LEVEL = {"info": "information", "warning": "warning", "critical": "error"}


def vscode_payload(note: Notification) -> dict[str, Any]:
    """The ``empathy/didFireAlert`` params for one notification (docs/dev/PANEL_CONTRACT.md)."""
    level = "information" if note.kind == "resolved" else _LEVEL.get(note.severity, "warning")
    buttons: list[dict[str, Any]] = [{"title": "Open Panel", "command": "empathy.openPanel"}]
    wf = note.labels.get("workflow_name")
    if wf:
        buttons.append(
            {
                "title": "Open Workflow Source",
                "command": "empathy.openWorkflowSource",
                "args": {"workflowName": wf},
            }
        )
    return {
        "rule": note.rule,
        "kind": note.kind,
        "resolved": note.kind == "resolved",
        "severity": note.severity,
        "level": level,
        "message": note.headline(),
        "metric": note.metric,
        "value": note.value,
        "threshold": note.threshold,
        "timestamp": note.iso_time,
        "fingerprint": note.fingerprint,
        "workflow_name": wf,
        "provider": note.labels.get("provider"),
        "buttons": buttons,
    }


class VSCodeChannel:
    kind = "vscode"
    target = "vscode"

    def __init__(self, sink: VSCodeSink | None) -> None:
        self.sink = sink

    def send(self, note: Notification) -> DeliveryResult:
        if self.sink is None:
            return DeliveryResult(False, "no VS Code window connected", retryable=True)
        try:
            self.sink(vscode_payload(note))
        except Exception as exc:  # a sink failure must not stop other channels
            return DeliveryResult(False, f"{type(exc).__name__}: {exc}", retryable=True)
        return DeliveryResult(True)
