"""Empathy Telemetry: local-first LLM usage monitor (core, CLI, sidecar, alerts, OTel export)."""

__version__ = "0.2.0"
