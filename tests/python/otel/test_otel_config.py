"""Configuration from the environment and monitoring.yaml (pure parsing + one file read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_monitor.otel.config import (
    ConfigError,
    config_from,
    load_config,
    normalize_endpoint,
    parse_kv_list,
)


def test_nothing_set_means_export_is_off() -> None:
    cfg = config_from({})
    assert not cfg.enabled
    assert cfg.endpoint is None
    assert cfg.protocol == "grpc"
    assert cfg.service_name == "empathy-telemetry"


@pytest.mark.parametrize(
    ("raw", "protocol", "expected"),
    [
        ("http://[::1]:4317", "grpc", "http://[::1]:4317"),
        ("[::1]", "grpc", "http://[::1]:4317"),
        ("localhost", "grpc", "http://localhost:4317"),
        ("localhost", "http/protobuf", "http://localhost:4318"),
        ("https://otlp.example.com", "grpc", "https://otlp.example.com"),
        ("https://otlp.example.com/", "http/protobuf", "https://otlp.example.com"),
        ("http://c:4318/v1/traces", "http/protobuf", "http://c:4318"),
        ("https://h:4443/otlp", "http/protobuf", "https://h:4443/otlp"),
        ("http://collector:4317/ignored", "grpc", "http://collector:4317"),
    ],
)
def test_endpoint_normalisation(raw: str, protocol: str, expected: str) -> None:
    assert normalize_endpoint(raw, protocol) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["", "ftp://x:21", "http://:4317", "http://h:99999"])
def test_bad_endpoints_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(ConfigError, match="endpoint"):
        normalize_endpoint(raw, "grpc")


def test_signal_urls_for_http_and_grpc() -> None:
    http = config_from(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://h", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}
    )
    assert http.signal_url("traces") == "https://h/v1/traces"
    assert http.signal_url("metrics") == "https://h/v1/metrics"
    assert not http.insecure
    grpc = config_from({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://[::1]:4317"})
    assert grpc.signal_url("traces") == "http://[::1]:4317"
    assert grpc.insecure


def test_empathy_endpoint_wins_over_standard_and_yaml() -> None:
    env = {
        "EMPATHY_OTEL_ENDPOINT": "http://a:1",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:2",
    }
    cfg = config_from(env, {"endpoint": "http://c:3"})
    assert cfg.endpoint == "http://a:1"
    assert cfg.source == "EMPATHY_OTEL_ENDPOINT"
    cfg = config_from({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:2"}, {"endpoint": "http://c:3"})
    assert cfg.endpoint == "http://b:2"
    cfg = config_from({}, {"endpoint": "http://c:3"}, "x.yaml")
    assert (cfg.endpoint, cfg.source) == ("http://c:3", "x.yaml otel.endpoint")


def test_headers_resource_and_service_name() -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "h:4317",
        "OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=s%3Dcret, signoz-access-token = tok ",
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=dev,service.name=ignored",
        "OTEL_SERVICE_NAME": "my-svc",
    }
    cfg = config_from(env, {"headers": {"x-api-key": "from-yaml", "x-team": "a"}})
    assert cfg.headers == {"x-api-key": "s=cret", "signoz-access-token": "tok", "x-team": "a"}
    assert cfg.resource() == {"deployment.environment": "dev", "service.name": "my-svc"}
    assert cfg.redacted()["headers"] == ["signoz-access-token", "x-api-key", "x-team"]
    assert "s=cret" not in str(cfg.redacted())
    # Without OTEL_SERVICE_NAME, service.name from the resource attributes applies.
    env.pop("OTEL_SERVICE_NAME")
    assert config_from(env).service_name == "ignored"


def test_protocol_timeout_batch_and_metrics_values() -> None:
    cfg = config_from(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "h",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "EMPATHY_OTEL_BATCH_SIZE": "50",
            "EMPATHY_OTEL_METRICS": "false",
        }
    )
    assert cfg.endpoint == "http://h:4318"
    assert cfg.timeout_s == 2.5  # the spec's unit is milliseconds
    assert cfg.batch_size == 50
    assert cfg.export_metrics is False
    with pytest.raises(ConfigError, match="http/json"):
        config_from({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
    with pytest.raises(ConfigError, match="positive"):
        config_from({"EMPATHY_OTEL_BATCH_SIZE": "0"})
    with pytest.raises(ConfigError, match="key=value"):
        parse_kv_list("novalue", "OTEL_EXPORTER_OTLP_HEADERS")


def test_yaml_block_is_read_and_can_disable(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    (d / "monitoring.yaml").write_text(
        "otel:\n"
        "  endpoint: http://collector:4318\n"
        "  protocol: http/protobuf\n"
        "  service_name: team-llm\n"
        "  resource_attributes: {deployment.environment: prod}\n"
        "  timeout_s: 3\n"
        "  batch_size: 200\n"
    )
    cfg = load_config([d], env={})
    assert cfg.endpoint == "http://collector:4318"
    assert cfg.protocol == "http/protobuf"
    assert cfg.service_name == "team-llm"
    assert cfg.resource()["deployment.environment"] == "prod"
    assert (cfg.timeout_s, cfg.batch_size) == (3.0, 200)
    assert cfg.cursor_path == d / "otel_cursor.json"

    (d / "monitoring.yaml").write_text("otel:\n  enabled: false\n  endpoint: http://c:4317\n")
    assert not load_config([d], env={"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:1"}).enabled
    # The explicit Empathy variable still turns it on.
    assert load_config([d], env={"EMPATHY_OTEL_ENDPOINT": "http://x:1"}).enabled


def test_yaml_errors_name_the_file(tmp_path: Path) -> None:
    p = tmp_path / "monitoring.yaml"
    p.write_text("otel:\n  endpont: http://typo\n")
    with pytest.raises(ConfigError, match="unknown keys"):
        load_config([tmp_path], env={})
    p.write_text("otel: [1, 2]\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config([tmp_path], env={})
    p.write_text("otel: {endpoint: [\n")
    with pytest.raises(ConfigError, match=r"monitoring\.yaml"):
        load_config([tmp_path], env={})
    p.write_text("alerts: {}\n")
    assert not load_config([tmp_path], env={}).enabled


def test_example_monitoring_yaml_is_valid() -> None:
    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "monitoring.yaml"
    cfg = load_config([], env={}, yaml_path=example)
    assert cfg.endpoint == "http://localhost:4317"
    assert cfg.protocol == "grpc"
    assert cfg.headers == {}
    assert cfg.resource() == {"deployment.environment": "dev", "service.name": "empathy-telemetry"}
