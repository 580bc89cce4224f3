"""The SigNoz quickstart files are wired consistently (no Docker here to run them)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parents[3] / "docs"
HERE = DOCS / "otel" / "signoz"


def test_compose_exposes_the_ports_the_collector_listens_on() -> None:
    compose = yaml.safe_load((HERE / "docker-compose.yaml").read_text())
    cfg = yaml.safe_load((HERE / "otel-collector-config.yaml").read_text())
    svc = compose["services"]["otel-collector"]
    # the mounted file is the config the collector is started with
    mount = next(v for v in svc["volumes"] if v.startswith("./otel-collector-config.yaml:"))
    assert mount.split(":")[1] == svc["command"][0].split("=", 1)[1]
    # loopback-only host ports, matching the receivers (gRPC 4317 is Empathy's default)
    published = {p.split(":")[-1] for p in svc["ports"]}
    assert all(p.startswith("127.0.0.1:") for p in svc["ports"])
    listen = {
        v["endpoint"].rsplit(":", 1)[1] for v in cfg["receivers"]["otlp"]["protocols"].values()
    }
    assert published == listen == {"4317", "4318"}
    # every variable the config reads is passed in by compose
    used = set(re.findall(r"\$\{env:(\w+)\}", (HERE / "otel-collector-config.yaml").read_text()))
    assert used <= set(svc["environment"])


def test_both_signals_go_from_the_receiver_to_signoz() -> None:
    cfg = yaml.safe_load((HERE / "otel-collector-config.yaml").read_text())
    pipes = cfg["service"]["pipelines"]
    assert set(pipes) == {"traces", "metrics"}
    for p in pipes.values():
        assert p["receivers"] == ["otlp"]
        assert all(e in cfg["exporters"] for e in p["exporters"])
        assert all(x in cfg["processors"] for x in p["processors"])
    assert "signoz-ingestion-key" in cfg["exporters"]["otlp/signoz"]["headers"]
    guide = (DOCS / "guides" / "OTEL_INTEGRATION.md").read_text()
    assert "../otel/signoz/docker-compose.yaml" in guide
