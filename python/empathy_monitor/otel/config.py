"""OTel export settings from the environment and the optional ``monitoring.yaml`` ``otel:`` block.

Precedence, highest first: ``EMPATHY_OTEL_*``, the standard ``OTEL_*`` variables, the YAML block,
defaults. Export is opt-in: :attr:`OtelConfig.enabled` is false unless an endpoint is set.

The parsing functions are pure (they take the environment as a mapping; one field's text is
parsed in ``fields.py``); only :func:`load_config` reads a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from .. import yamlsafe
from .fields import (
    PROTOCOLS,
    ConfigError,
    Protocol,
    check_headers,
    normalize_endpoint,
    parse_kv_list,
)
from .fields import bool_value as _bool
from .fields import positive as _positive
from .fields import protocol as _protocol
from .fields import str_map as _str_map

# (the field parsers live in ``fields.py``; these names stay importable from here)
__all__ = [
    "PROTOCOLS",
    "ConfigError",
    "OtelConfig",
    "Protocol",
    "config_from",
    "find_yaml",
    "load_config",
    "normalize_endpoint",
    "parse_kv_list",
    "read_yaml_block",
]

DEFAULT_SERVICE_NAME = "empathy-telemetry"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_BATCH_SIZE = 1000
YAML_NAME = "monitoring.yaml"
CURSOR_NAME = "otel_cursor.json"


@dataclass(frozen=True)
class OtelConfig:
    """Everything the exporter needs; ``endpoint`` is normalised (scheme, host, port, path)."""

    endpoint: str | None = None
    protocol: Protocol = "grpc"
    headers: dict[str, str] = field(default_factory=dict)
    service_name: str = DEFAULT_SERVICE_NAME
    resource_attributes: dict[str, str] = field(default_factory=dict)
    timeout_s: float = DEFAULT_TIMEOUT_S
    batch_size: int = DEFAULT_BATCH_SIZE
    export_metrics: bool = True
    naive_tz: str = "local"
    cursor_path: Path | None = None
    source: str = "default"  # where the endpoint came from: env var name or the YAML file

    @property
    def enabled(self) -> bool:
        return self.endpoint is not None

    @property
    def insecure(self) -> bool:
        return self.endpoint is not None and self.endpoint.startswith("http://")

    def signal_url(self, signal: Literal["traces", "metrics"]) -> str:
        """The URL for one signal: ``{endpoint}/v1/{signal}`` for HTTP, the endpoint for gRPC."""
        if self.endpoint is None:
            raise ConfigError("no OTLP endpoint configured")
        if self.protocol == "grpc":
            return self.endpoint
        return self.endpoint.rstrip("/") + f"/v1/{signal}"

    def resource(self) -> dict[str, str]:
        """Resource attributes with ``service.name`` applied (``OTEL_SERVICE_NAME`` wins)."""
        out = dict(self.resource_attributes)
        out["service.name"] = self.service_name
        return out

    def redacted(self) -> dict[str, Any]:
        """A JSON-able summary that never shows header values (they are usually API keys)."""
        return {
            "enabled": self.enabled,
            "endpoint": self.endpoint,
            "protocol": self.protocol,
            "source": self.source,
            "headers": sorted(self.headers),
            "service_name": self.service_name,
            "resource_attributes": self.resource_attributes,
            "timeout_s": self.timeout_s,
            "batch_size": self.batch_size,
            "export_metrics": self.export_metrics,
        }


def config_from(
    env: Mapping[str, str],
    block: Mapping[str, Any] | None = None,
    block_source: str = "monitoring.yaml",
) -> OtelConfig:
    """Build the config from an environment mapping and an optional YAML ``otel:`` block (pure).

    Raises:
        ConfigError: when a value is present but unusable.
    """
    y: Mapping[str, Any] = block or {}
    unknown = set(y) - {
        "enabled",
        "endpoint",
        "protocol",
        "headers",
        "service_name",
        "resource_attributes",
        "timeout_s",
        "batch_size",
        "export_metrics",
        "timezone",
    }
    if unknown:
        raise ConfigError(f"{block_source} otel: unknown keys {sorted(unknown)}")

    if "EMPATHY_OTEL_PROTOCOL" in env:
        protocol = _protocol(env["EMPATHY_OTEL_PROTOCOL"], "EMPATHY_OTEL_PROTOCOL")
    elif "OTEL_EXPORTER_OTLP_PROTOCOL" in env:
        protocol = _protocol(env["OTEL_EXPORTER_OTLP_PROTOCOL"], "OTEL_EXPORTER_OTLP_PROTOCOL")
    elif y.get("protocol") is not None:
        protocol = _protocol(str(y["protocol"]), f"{block_source} otel.protocol")
    else:
        protocol = "grpc"

    raw_endpoint: str | None = None
    source = "default"
    for name in ("EMPATHY_OTEL_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        if env.get(name, "").strip():
            raw_endpoint, source = env[name], name
            break
    else:
        if y.get("endpoint"):
            raw_endpoint, source = str(y["endpoint"]), f"{block_source} otel.endpoint"
    if y.get("enabled") is not None and not _bool(y["enabled"], f"{block_source} otel.enabled"):
        if not env.get("EMPATHY_OTEL_ENDPOINT", "").strip():
            raw_endpoint, source = None, f"{block_source} otel.enabled=false"
    endpoint = normalize_endpoint(raw_endpoint, protocol) if raw_endpoint else None

    headers = _str_map(y.get("headers"), f"{block_source} otel.headers")
    if env.get("OTEL_EXPORTER_OTLP_HEADERS"):
        headers.update(
            parse_kv_list(env["OTEL_EXPORTER_OTLP_HEADERS"], "OTEL_EXPORTER_OTLP_HEADERS")
        )
    if env.get("EMPATHY_OTEL_HEADERS"):
        headers.update(parse_kv_list(env["EMPATHY_OTEL_HEADERS"], "EMPATHY_OTEL_HEADERS"))
    headers = check_headers(headers, "OTLP headers")

    resource = _str_map(y.get("resource_attributes"), f"{block_source} otel.resource_attributes")
    if env.get("OTEL_RESOURCE_ATTRIBUTES"):
        resource.update(parse_kv_list(env["OTEL_RESOURCE_ATTRIBUTES"], "OTEL_RESOURCE_ATTRIBUTES"))
    service = (
        env.get("OTEL_SERVICE_NAME", "").strip()
        or resource.get("service.name")
        or str(y.get("service_name") or DEFAULT_SERVICE_NAME)
    )
    resource.pop("service.name", None)

    timeout_s = DEFAULT_TIMEOUT_S
    if y.get("timeout_s") is not None:
        timeout_s = _positive(y["timeout_s"], f"{block_source} otel.timeout_s", float)
    if env.get("OTEL_EXPORTER_OTLP_TIMEOUT"):  # the spec's unit is milliseconds
        timeout_s = _positive(
            env["OTEL_EXPORTER_OTLP_TIMEOUT"], "OTEL_EXPORTER_OTLP_TIMEOUT", float
        )
        timeout_s /= 1000.0
    if env.get("EMPATHY_OTEL_TIMEOUT"):
        timeout_s = _positive(env["EMPATHY_OTEL_TIMEOUT"], "EMPATHY_OTEL_TIMEOUT", float)

    batch = DEFAULT_BATCH_SIZE
    if y.get("batch_size") is not None:
        batch = _positive(y["batch_size"], f"{block_source} otel.batch_size", int)
    if env.get("EMPATHY_OTEL_BATCH_SIZE"):
        batch = _positive(env["EMPATHY_OTEL_BATCH_SIZE"], "EMPATHY_OTEL_BATCH_SIZE", int)

    metrics = True
    if y.get("export_metrics") is not None:
        metrics = _bool(y["export_metrics"], f"{block_source} otel.export_metrics")
    if env.get("EMPATHY_OTEL_METRICS"):
        metrics = _bool(env["EMPATHY_OTEL_METRICS"], "EMPATHY_OTEL_METRICS")

    return OtelConfig(
        endpoint=endpoint,
        protocol=protocol,
        headers=headers,
        service_name=service,
        resource_attributes=resource,
        timeout_s=timeout_s,
        batch_size=batch,
        export_metrics=metrics,
        naive_tz=str(y.get("timezone") or env.get("EMPATHY_TZ") or "local"),
        source=source,
    )


def find_yaml(dirs: Sequence[Path]) -> Path | None:
    """The first ``monitoring.yaml`` in the telemetry directories (``.empathy/monitoring.yaml``)."""
    for d in dirs:
        p = Path(d) / YAML_NAME
        if p.is_file():
            return p
    return None


def read_yaml_block(path: Path) -> dict[str, Any] | None:
    """The ``otel:`` mapping of a ``monitoring.yaml``; ``None`` when the file has none.

    Raises:
        ConfigError: when the file cannot be read or parsed, or ``otel`` is not a mapping.
    """
    try:
        doc = yamlsafe.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    block = doc.get("otel")
    if block is None:
        return None
    if not isinstance(block, dict):
        raise ConfigError(f"{path}: 'otel' must be a mapping")
    return block


def load_config(
    dirs: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    yaml_path: Path | None = None,
) -> OtelConfig:
    """Read the environment (``os.environ`` by default) and the first ``monitoring.yaml``.

    The cursor lives next to the telemetry: ``<first dir>/otel_cursor.json``.

    Raises:
        ConfigError: on an unusable setting.
    """
    env = os.environ if env is None else env
    path = yaml_path or find_yaml(dirs)
    block = read_yaml_block(path) if path is not None else None
    cfg = config_from(env, block, str(path) if path else "monitoring.yaml")
    cursor = Path(dirs[0]) / CURSOR_NAME if dirs else None
    if env.get("EMPATHY_OTEL_CURSOR"):
        cursor = Path(env["EMPATHY_OTEL_CURSOR"])
    return replace(cfg, cursor_path=cursor)
