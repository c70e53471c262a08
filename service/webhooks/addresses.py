"""Where a webhook may be sent: an http(s) URL without credentials, whose host resolves only to
public addresses, unless an address is in a network the settings allow. Checked when a webhook
is registered and again at each delivery, which then connects to the very address checked (a
name that resolves to another address later, DNS rebinding, gains nothing)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import SplitResult, urlsplit

from service.errors import InvalidInput

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

#: Longest webhook URL, in characters.
MAX_URL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook URL, split: its scheme, host (an IP address or a name) and port."""

    url: SplitResult
    host: str
    port: int

    @property
    def https(self) -> bool:
        return self.url.scheme == "https"

    def at(self, address: IPAddress) -> str:
        """The URL with its host replaced by `address` (the `Host` header keeps the name)."""
        literal = f"[{address}]" if address.version == 6 else str(address)
        return self.url._replace(netloc=f"{literal}:{self.port}").geturl()

    @property
    def host_header(self) -> str:
        default = 443 if self.https else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code="webhook_url_invalid")


def parse_url(url: str) -> Target:
    """The URL split; `InvalidInput` (`webhook_url_invalid`) unless it is an absolute http or
    https URL with a host, without credentials or a fragment."""
    if len(url) > MAX_URL_CHARS or not url.isprintable() or any(c.isspace() for c in url):
        raise _invalid(f"a webhook URL is 1 to {MAX_URL_CHARS} printable characters, no spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _invalid(f"not a URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise _invalid("a webhook URL is http:// or https://")
    if not parts.hostname:
        raise _invalid("a webhook URL names a host")
    if parts.username is not None or parts.password is not None:
        raise _invalid("a webhook URL holds no credentials: the signature says who is sending")
    if parts.fragment:
        raise _invalid("a webhook URL has no #fragment")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts, parts.hostname, port or default)


def _public(address: IPAddress) -> bool:
    """Whether an address is on the public internet: not private, loopback, link-local,
    multicast, reserved, shared or documentation space, nor one of these inside IPv6."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return _public(embedded)
        if address.teredo is not None:
            return _public(address.teredo[1])
    return address.is_global and not (address.is_multicast or address.is_reserved)


def allowed_networks(networks: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ip_network(network, strict=False) for network in networks)


def check_address(address: IPAddress, allowed: Sequence[Network]) -> None:
    """`InvalidInput` (`webhook_address_refused`) unless `address` may be sent to."""
    if _public(address) or any(address in network for network in allowed):
        return
    raise InvalidInput(
        f"webhooks are not sent to {address}: a private, loopback, link-local, multicast or "
        "reserved address (SCREENING_WEBHOOK_ALLOWED_NETWORKS may allow a network)",
        code="webhook_address_refused",
    )


async def resolve(target: Target, allowed: Sequence[Network], timeout: float) -> IPAddress:
    """The address to connect to: the first the host resolves to, once every one of them is
    checked (a name that also resolves to a private address is refused). `InvalidInput` when
    one is refused (`webhook_address_refused`) or the name does not resolve
    (`webhook_host_unknown`)."""
    try:
        return _checked([ip_address(target.host)], allowed)
    except ValueError:
        pass  # a name, not an address
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(
            loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM), timeout
        )
    except (OSError, TimeoutError, UnicodeError) as exc:
        raise InvalidInput(
            f"the webhook's host {target.host!r} does not resolve: {type(exc).__name__}",
            code="webhook_host_unknown",
        ) from None
    addresses = list(dict.fromkeys(ip_address(info[4][0]) for info in found))
    return _checked(addresses, allowed)


def _checked(addresses: list[IPAddress], allowed: Sequence[Network]) -> IPAddress:
    for address in addresses:
        check_address(address, allowed)
    return addresses[0]
