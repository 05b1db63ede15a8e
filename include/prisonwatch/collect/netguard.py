"""Refuse requests that could reach internal services (SSRF), and pin the address that was checked.

A feed or a redirect can name any host. Before a connection is opened the host is resolved once,
every address is checked, and the caller connects to one of exactly those addresses, so a DNS
answer that changes between the check and the connection (rebinding) cannot slip through.
``fetch.allow_hosts`` is the only way around the check (tests and the demo serve on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that embed an IPv4 address in their last 32 bits; ``is_global`` judges the
# IPv6 form and so calls 64:ff9b::7f00:1 (NAT64 of 127.0.0.1) global.
_NAT64_PREFIXES = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class BlockedURL(ValueError):
    """A URL the fetcher must not request; ``error_class`` names the reason for the operator."""

    def __init__(self, url: str, error_class: str, message: str) -> None:
        super().__init__(message)
        self.url = url
        self.error_class = error_class
        self.message = message


@dataclass(frozen=True)
class Target:
    """A checked request target: connect only to ``addresses`` (already vetted)."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]
    allowlisted: bool = False


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden inside an IPv6 form (mapped, compatible, NAT64, 6to4), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64_PREFIXES) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(address: str | IPAddress) -> str | None:
    """Why an address must not be contacted, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return f"not an IP address: {address!r}"
    inner = embedded_ipv4(ip)
    if inner is not None:
        problem = address_problem(inner)
        return f"{ip} embeds {inner}: {problem}" if problem else None
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if not ip.is_global:
        return f"{ip} is not a globally routable address"
    return None


def is_public_address(address: str | IPAddress) -> bool:
    return address_problem(address) is None


def _default_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0]).split("%", 1)[0]
        if addr not in seen:
            seen.append(addr)
    return seen


Resolver = Callable[[str, int], list[str]]


def check_url(url: str, allow_hosts: Iterable[str] = (), *, resolver: Resolver | None = None) -> Target:
    """Vet a URL and resolve its host once; raise ``BlockedURL`` when it must not be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL(url, "bad_url", f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedURL(url, "bad_scheme", f"only http and https are fetched, not {scheme or 'no scheme'!r}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BlockedURL(url, "bad_url", "URLs with user credentials are refused")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise BlockedURL(url, "bad_url", "URL has no host")
    port = port or (443 if scheme == "https" else 80)
    allowlisted = host in {h.strip().lower().rstrip(".") for h in allow_hosts}
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = (resolver or _default_resolver)(host, port)
        except (OSError, UnicodeError) as exc:
            raise BlockedURL(url, "dns_error", f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise BlockedURL(url, "dns_error", f"{host} resolves to no address")
    if not allowlisted:
        for addr in addresses:
            problem = address_problem(addr)
            if problem:
                raise BlockedURL(url, "blocked_address", f"{host} refused: {problem}")
    return Target(scheme=scheme, host=host, port=port, addresses=tuple(addresses), allowlisted=allowlisted)
