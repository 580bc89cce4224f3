"""OTel tests: real OTLP receivers (gRPC and HTTP) on loopback, telemetry directories."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from otel_receivers import GrpcReceiver, HttpReceiver


@pytest.fixture
def grpc_receiver() -> Iterator[GrpcReceiver]:
    r = GrpcReceiver()
    yield r
    r.stop()


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    r = HttpReceiver()
    yield r
    r.stop()


@pytest.fixture
def tdir(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    d.mkdir()
    return d
