"""Which addresses a webhook may be sent to: public ones, and those in a network allowed;
addresses hidden inside IPv6 (mapped, 6to4, Teredo, NAT64) count as what they hide."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from service.errors import InvalidInput
from service.webhooks.addresses import allowed_networks, check_address, parse_url, resolve

REFUSED = [
    "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1",
    "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "64:ff9b::a00:1",
]  # fmt: skip
ALLOWED = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_address(ip_address(address), ())
    assert refused.value.code == "webhook_address_refused"


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    check_address(ip_address(address), ())


def test_a_network_allowed_is_allowed_and_no_more() -> None:
    allowed = allowed_networks(["10.20.0.0/16"])
    check_address(ip_address("10.20.3.4"), allowed)
    with pytest.raises(InvalidInput):
        check_address(ip_address("10.21.3.4"), allowed)


async def test_a_name_is_refused_if_it_resolves_to_a_refused_address() -> None:
    with pytest.raises(InvalidInput) as refused:
        await resolve(parse_url("http://localhost:9/hook"), (), 5.0)
    assert refused.value.code == "webhook_address_refused"
    target = parse_url("http://localhost:9/hook")
    address = await resolve(target, allowed_networks(["127.0.0.0/8", "::1/128"]), 5.0)
    assert address.is_loopback
    assert target.at(address).endswith(":9/hook") and target.host_header == "localhost:9"
