"""Fixtures: a workspace with telemetry, and a real sidecar process talking over stdio."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from empathy_monitor.sidecar.client import SidecarClient

REPO = Path(__file__).resolve().parents[3]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "python"), env.get("PYTHONPATH", "")])
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    env.pop("EMPATHY_OTEL_ENDPOINT", None)
    return env


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".empathy").mkdir(parents=True)
    return ws


@pytest.fixture
async def start_sidecar() -> AsyncIterator[object]:
    started: list[SidecarClient] = []

    async def start(cwd: Path) -> SidecarClient:
        c = await SidecarClient.start(cwd=cwd, env=_env())
        started.append(c)
        return c

    yield start
    for c in started:
        if c.proc.returncode is None:
            await c.close()


@pytest.fixture
def env() -> dict[str, str]:
    """Environment for child processes: the repo's package first, no OTel endpoint."""
    return _env()
