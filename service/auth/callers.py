"""Who is calling and what they may do: API keys checked against the durable store (with a
short cache), roles mapped to permissions, and the open mode of a fresh local install.

Open mode: a request that reached the server on a loopback address (the local address of its
connection, as the ASGI server read it from the socket) is answered without a key while no key
has ever been created in the store. The first key ends it for good, within the key cache's
lifetime: revoking every key does not bring it back. No web framework here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv6Address, ip_address

import anyio.to_thread

from service.errors import Forbidden, Unauthorized
from service.store.apikeys import ApiKey, KeyStore, Role, split_key


class Permission(StrEnum):
    SCREEN = "screen"
    JOBS = "jobs"
    READ_WATCHLIST = "read watchlists"
    RELOAD = "reload the watchlist"
    MANAGE_KEYS = "manage API keys"
    READ_AUDIT = "read the audit trail"
    MONITOR = "register counterparties and decide alerts"
    READ_MONITORING = "read counterparties and alerts"
    MANAGE_WEBHOOKS = "manage webhooks"
    READ_WEBHOOKS = "read webhooks and their deliveries"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SCREENER: frozenset(
        {
            Permission.SCREEN,
            Permission.JOBS,
            Permission.READ_WATCHLIST,
            Permission.MONITOR,
            Permission.READ_MONITORING,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.SCREEN,
            Permission.JOBS,
            Permission.READ_WATCHLIST,
            Permission.RELOAD,
            Permission.MANAGE_KEYS,
            Permission.MONITOR,
            Permission.READ_MONITORING,
            Permission.MANAGE_WEBHOOKS,
            Permission.READ_WEBHOOKS,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.READ_AUDIT,
            Permission.READ_WATCHLIST,
            Permission.READ_MONITORING,
            Permission.READ_WEBHOOKS,
        }
    ),
}


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of a request: a key, or nobody in open mode (who may do everything)."""

    key: ApiKey | None

    @property
    def key_id(self) -> str | None:
        return self.key.id if self.key else None

    def may(self, permission: Permission) -> bool:
        return self.key is None or permission in ROLE_PERMISSIONS[self.key.role]

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            assert self.key is not None
            raise Forbidden(
                f"the {self.key.role} key {self.key.id} may not {permission.value}",
                code="forbidden",
            )


OPEN = Caller(None)


def is_loopback(server: Sequence[object] | None) -> bool:
    """Whether an ASGI `server` address, `(host, port)`, is a loopback IP address. Only an IP
    literal counts: a server reads it from its socket, and a name (or a Unix socket's path)
    says nothing about where the connection came from."""
    if not server or not isinstance(server[0], str):
        return False
    try:
        address = ip_address(server[0].strip("[]"))
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket reached on 127.0.0.1
    return address.is_loopback


class Authenticator:
    def __init__(self, keys: KeyStore, *, cache_seconds: float) -> None:
        self.keys = keys
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}
        #: Whether a key has ever been created, and when that was last read; once true, for good.
        self._keyed: tuple[bool, float] | None = None
        self._lookups: dict[str, asyncio.Future[ApiKey | None]] = {}
        self._verified: dict[str, tuple[Caller, float]] = {}

    async def open_mode(self, server: Sequence[object] | None) -> bool:
        """True if a request that reached the server at the address `server` (the ASGI scope's)
        may be answered without a key: a loopback address, and no key ever created."""
        return is_loopback(server) and not await self.keys_created()

    async def keys_created(self) -> bool:
        """Whether a key has ever been created in the store (revoked ones count)."""
        keyed = self._keyed
        if keyed is not None and (keyed[0] or time.monotonic() - keyed[1] <= self.cache_seconds):
            return keyed[0]  # a key made is never unmade: no need to read the store again
        created = await anyio.to_thread.run_sync(self.keys.any_created)
        self._keyed = (created, time.monotonic())
        return created

    async def authenticate(
        self, presented: str | None, server: Sequence[object] | None = None
    ) -> Caller:
        """The caller presenting this key (None: no key) in a request that reached the server
        at the address `server`; `Unauthorized` if it is not valid."""
        if not presented:
            if await self.open_mode(server):
                return OPEN
            raise Unauthorized(
                "an API key is required: send it in the X-API-Key header", code="key_missing"
            )
        verified = self._verified.get(presented)
        if verified is not None and time.monotonic() - verified[1] <= self.cache_seconds:
            return verified[0]
        parts = split_key(presented)
        if parts is None:
            raise Unauthorized("the API key is not valid", code="key_invalid")
        key_id, secret = parts
        key = await self._key(key_id)
        if key is None or not key.matches(secret):
            raise Unauthorized("the API key is not valid", code="key_invalid")
        if not key.active:
            raise Unauthorized(f"the API key {key.id} has been revoked", code="key_revoked")
        caller = Caller(key)
        if len(self._verified) > 10_000:
            self._verified.clear()
        # Checked once per cache period, not hashed again on every request.
        self._verified[presented] = (caller, time.monotonic())
        return caller

    async def _key(self, key_id: str) -> ApiKey | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[1] <= self.cache_seconds:
            return cached[0]
        # One lookup per key at a time: the requests that find the entry expired together
        # share it, instead of each taking a database connection.
        pending = self._lookups.get(key_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[ApiKey | None] = asyncio.get_running_loop().create_future()
        self._lookups[key_id] = future
        try:
            key = await anyio.to_thread.run_sync(self.keys.get, key_id)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: the waiters (if any) get it too
            raise
        finally:
            del self._lookups[key_id]
        future.set_result(key)
        if len(self._cache) > 10_000:  # unknown ids sent in a loop must not grow it forever
            self._cache.clear()
        self._cache[key_id] = (key, now)
        return key

    def forget(self, key_id: str) -> None:
        """Drop what is known of a key (it was revoked): its next use reads the database."""
        self._cache.pop(key_id, None)
        for presented in [p for p, (c, _) in self._verified.items() if c.key_id == key_id]:
            del self._verified[presented]

    def forget_all(self) -> None:
        """Drop what is known of every key (one was created, or all were announced revoked)."""
        self._cache.clear()
        self._verified.clear()
        if self._keyed is not None and not self._keyed[0]:
            self._keyed = None  # a key may have just been created: read the store again
