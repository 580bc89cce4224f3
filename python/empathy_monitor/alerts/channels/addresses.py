"""Where a webhook may connect: SSRF checks on every resolved address, and HTTP(S) connections
pinned to the address that was checked.

The host is resolved once, every resolved address is classified (IPv4-mapped and other embedded
IPv4 forms unwrapped; ``2852039166`` / ``0xa9fea9fe`` spellings are resolved by ``getaddrinfo`` to
the address they mean), and the connection is made to that exact address — the peer address is
checked again after connecting, so DNS rebinding cannot swap it. Link-local and cloud-metadata
addresses are always refused; private, loopback and other internal ranges unless
``settings.allow_private_network`` is true.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_IPS = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS DNS
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}
)


class BlockedAddress(Exception):
    """The URL resolves to an address we will not connect to."""


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv6 one (mapped, compatible, 6to4, NAT64), if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
            return ipaddress.IPv4Address(int(ip))
    return ip


def classify(ip: IPAddress, allow_private: bool) -> str | None:
    """Why this address is refused, or None when it may be connected to.

    An IPv6 address that wraps an IPv4 one (``::ffff:127.0.0.1``) is judged by the address it
    wraps — the wrapper ranges (``::/8``) are "reserved", which said nothing about the host and
    used to refuse ``[::ffff:127.0.0.1]`` even with ``allow_private_network``. Loopback is judged
    before "reserved" for the same reason (``::1`` sits in ``::/8``).
    """
    inner = _unwrap(ip)
    for a in {ip, inner}:
        if a in METADATA_IPS:
            return f"{a} is a cloud metadata address"
        if a.is_link_local:
            return f"{a} is link-local"
    a = inner
    if a.is_loopback:
        if allow_private:
            return None
        return f"{a} is a loopback address (set settings.allow_private_network: true)"
    if a.is_multicast or a.is_unspecified or a.is_reserved:
        return f"{a} is not a unicast host address"
    if isinstance(a, ipaddress.IPv4Address) and a in ipaddress.ip_network("0.0.0.0/8"):
        return f"{a} is not a unicast host address"
    if allow_private:
        return None
    if a.is_private or (
        isinstance(a, ipaddress.IPv4Address) and a in ipaddress.ip_network("100.64.0.0/10")
    ):
        return f"{a} is a private address (set settings.allow_private_network: true)"
    if not a.is_global:
        return f"{a} is not a public address (set settings.allow_private_network: true)"
    return None


def resolve_checked(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """Resolve ``host`` and return its acceptable addresses.

    Raises:
        BlockedAddress: when any resolved address is refused (all must pass: a name that also
            resolves to an internal address is suspicious).
        OSError: when the name does not resolve.
    """
    h = host.strip("[]").rstrip(".").lower()
    if h in METADATA_HOSTS:
        raise BlockedAddress(f"{host} is a cloud metadata host name")
    infos = socket.getaddrinfo(h, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    out: list[IPAddress] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(addr)
        why = classify(ip, allow_private)
        if why is not None:
            shown = host if ipaddress.ip_address(addr).compressed == h else f"{host} -> {ip}"
            raise BlockedAddress(f"refused {shown}: {why}")
        if ip not in out:
            out.append(ip)
    if not out:
        raise OSError(f"{host} did not resolve")
    return out


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given IP while keeping the URL's host for the Host header."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._ip), self.port), self.timeout)
        _check_peer(self.sock, self._ip)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip
        self._ctx = ssl.create_default_context()

    def connect(self) -> None:
        raw = socket.create_connection((str(self._ip), self.port), self.timeout)
        _check_peer(raw, self._ip)
        self.sock = self._ctx.wrap_socket(raw, server_hostname=self.host)


def _check_peer(sock: socket.socket, ip: IPAddress) -> None:
    peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
    if _unwrap(peer) != _unwrap(ip):
        sock.close()
        raise BlockedAddress(f"connected to {peer}, not the checked address {ip}")
