"""Who is calling and what they may do: API keys checked against the durable store (with a
short cache), roles mapped to permissions, and the open mode of a fresh local install.

Open mode: a server bound to a loopback address answers without a key while no key exists;
the first key created ends it (within the key cache's lifetime). No web framework here.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import ip_address

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


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SCREENER: frozenset({Permission.SCREEN, Permission.JOBS, Permission.READ_WATCHLIST}),
    Role.ADMIN: frozenset(
        {
            Permission.SCREEN,
            Permission.JOBS,
            Permission.READ_WATCHLIST,
            Permission.RELOAD,
            Permission.MANAGE_KEYS,
        }
    ),
    Role.AUDITOR: frozenset({Permission.READ_AUDIT, Permission.READ_WATCHLIST}),
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


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Authenticator:
    def __init__(self, keys: KeyStore, *, open_allowed: bool, cache_seconds: float) -> None:
        self.keys = keys
        self.open_allowed = open_allowed
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}
        self._open: tuple[bool, float] | None = None
        self._lookups: dict[str, asyncio.Future[ApiKey | None]] = {}
        self._verified: dict[str, tuple[Caller, float]] = {}

    async def open_mode(self) -> bool:
        """True while the service may answer without a key."""
        if not self.open_allowed:
            return False
        now = time.monotonic()
        if self._open is None or now - self._open[1] > self.cache_seconds:
            count = await anyio.to_thread.run_sync(self.keys.active_count)
            self._open = (count == 0, now)
        return self._open[0]

    async def authenticate(self, presented: str | None) -> Caller:
        """The caller presenting this key (None: no key); `Unauthorized` if it is not valid."""
        if not presented:
            if await self.open_mode():
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
        self._open = None

    def forget_all(self) -> None:
        self._cache.clear()
        self._verified.clear()
        self._open = None
