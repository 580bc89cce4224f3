"""One OTel setting's text parsed and checked (pure): ``key=value`` lists, headers, endpoints,
the protocol, positive numbers, string maps and booleans. A bad value raises
:class:`ConfigError` naming the setting and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from ..redact import check_header, mask_userinfo

Protocol = Literal["grpc", "http/protobuf"]
PROTOCOLS: tuple[Protocol, ...] = ("grpc", "http/protobuf")
DEFAULT_PORTS: dict[str, int] = {"grpc": 4317, "http/protobuf": 4318}


class ConfigError(ValueError):
    """A setting that cannot be used; the message says which and why."""


def parse_kv_list(text: str, what: str) -> dict[str, str]:
    """Parse the OTel ``key1=value1,key2=value2`` format (values URL-decoded).

    Raises:
        ConfigError: on an entry without ``=`` or with an empty key.
    """
    out: dict[str, str] = {}
    for i, part in enumerate(text.split(","), 1):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = unquote(key.strip())
        if not sep or not key:
            # The entry is not shown: in a headers variable it is usually a token ("Bearer X").
            raise ConfigError(
                f"{what}: entry {i} is not key=value ({len(part.strip())} characters, not shown)"
            )
        out[key] = unquote(value.strip())
    return out


def check_headers(headers: Mapping[str, str], what: str) -> dict[str, str]:
    """Headers a gRPC/HTTP client accepts; errors name the header, never its value.

    Raises:
        ConfigError: on a bad name or a value with a line break or control character.
    """
    for name, value in headers.items():
        try:
            check_header(name, value, what)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return dict(headers)


def normalize_endpoint(raw: str, protocol: Protocol) -> str:
    """``host:port`` / ``http://[::1]`` / ``https://host/path`` -> ``scheme://host[:port][/path]``.

    A missing scheme means ``http``; a missing port on ``http`` gets the protocol's default
    (4317 gRPC, 4318 HTTP); ``https`` without a port keeps 443. A trailing ``/v1/traces`` or
    ``/v1/metrics`` on an HTTP endpoint is dropped (the signal path is added per signal).

    Raises:
        ConfigError: when the text is not a usable http(s) endpoint.
    """
    text = raw.strip()
    if not text:
        raise ConfigError("OTLP endpoint is empty")
    shown = mask_userinfo(text)  # errors below quote the endpoint: never its password
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ConfigError(f"OTLP endpoint {shown!r}: scheme must be http or https")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ConfigError(f"OTLP endpoint {shown!r}: {exc}") from None
    if not host:
        raise ConfigError(f"OTLP endpoint {shown!r}: no host")
    if port is None and scheme == "http":
        port = DEFAULT_PORTS[protocol]
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = parts.path.rstrip("/")
    for suffix in ("/v1/traces", "/v1/metrics"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if protocol == "grpc":
        path = ""  # gRPC targets have no path; the service name is the route
    return f"{scheme}://{netloc}{path}"


def protocol(value: str, where: str) -> Protocol:
    v = value.strip().lower()
    if v == "http":
        v = "http/protobuf"
    for p in PROTOCOLS:
        if v == p:
            return p
    raise ConfigError(f"{where}={value!r}: supported protocols are grpc and http/protobuf")


def positive(value: Any, where: str, cast: type[float] | type[int]) -> Any:
    try:
        out = cast(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}={value!r}: not a number") from exc
    if out <= 0:
        raise ConfigError(f"{where}={value!r}: must be positive")
    return out


def str_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return parse_kv_list(value, where)
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    raise ConfigError(f"{where}: expected a mapping or 'k=v,k2=v2'")


def bool_value(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{where}={value!r}: expected true or false")
