"""The SSRF guard: every internal address form is refused, public ones pass, the allowlist is the only way round."""

from __future__ import annotations

import pytest

from prisonwatch.collect.netguard import BlockedURL, address_problem, check_url, embedded_ipv4

BLOCKED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "255.255.255.255",
    "100.64.0.1",
    "100.100.100.200",
    "198.18.0.1",
    "192.0.0.1",
    "240.0.0.1",
    "224.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",  # IPv4-mapped
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:1",  # NAT64 of 127.0.0.1, 169.254.169.254, 10.0.0.1
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::",  # 6to4 of 127.0.0.1, 169.254.169.254, 192.168.1.1
    "::7f00:1",  # IPv4-compatible 127.0.0.1
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_internal_addresses_are_refused(address: str) -> None:
    assert address_problem(address) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


def test_embedded_ipv4_forms() -> None:
    import ipaddress

    assert str(embedded_ipv4(ipaddress.ip_address("64:ff9b::7f00:1"))) == "127.0.0.1"
    assert str(embedded_ipv4(ipaddress.ip_address("2002:7f00:1::"))) == "127.0.0.1"
    assert embedded_ipv4(ipaddress.ip_address("2606:4700::1111")) is None


def _public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    "url,error_class",
    [
        ("ftp://example.com/x", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("gopher://x/", "bad_scheme"),
        ("http://user:pw@example.com/", "bad_url"),
        ("http://@example.com/", "bad_url"),
        ("http:///nohost", "bad_url"),
        ("http://example.com:99999/", "bad_url"),
        ("http://127.0.0.1/", "blocked_address"),
        ("http://[::1]/", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[64:ff9b::7f00:1]/", "blocked_address"),
    ],
)
def test_bad_urls_are_refused(url: str, error_class: str) -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(BlockedURL) as info:
        check_url(url, resolver=resolver)
    assert info.value.error_class == error_class


def test_any_internal_answer_blocks_the_name() -> None:
    with pytest.raises(BlockedURL):
        check_url("https://mixed.example/", resolver=lambda h, p: ["93.184.216.34", "10.0.0.5"])


def test_public_name_is_resolved_once_and_pinned() -> None:
    calls: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return ["93.184.216.34"]

    target = check_url("https://News.Example./a", resolver=resolver)
    assert (target.host, target.port, target.addresses) == ("news.example", 443, ("93.184.216.34",))
    assert calls == [("news.example", 443)]


def test_allowlist_is_the_only_way_round() -> None:
    target = check_url("http://localhost:8080/", ["LOCALHOST"], resolver=lambda h, p: ["127.0.0.1"])
    assert target.allowlisted and target.addresses == ("127.0.0.1",)
    with pytest.raises(BlockedURL):
        check_url("http://127.0.0.1:8080/", ["localhost"])


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/"])
def test_numeric_spellings_of_loopback_resolve_and_are_refused(url: str) -> None:
    """The system resolver turns these into 127.0.0.1; the check runs on what it returns."""
    with pytest.raises(BlockedURL) as info:
        check_url(url)
    assert info.value.error_class in ("blocked_address", "dns_error")
