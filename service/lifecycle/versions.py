"""The watchlist versions loaded, each with its load times, sources, entity count and entities,
so the changes between any two can be computed later. Kept in this process's memory always and,
with a Redis URL, in Redis too (shared by every process of a deployment, kept across restarts).

Of the watchlist and results, only this module and `service.screening.cache` talk to Redis. A
Redis failure never fails a reload: the version is still kept in memory, and the listings say
the shared store is degraded.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import cast

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.errors import NotFound, Unavailable
from service.keyspace import KeySpace
from service.redis_client import redis_client
from service.screening.cache import CacheState
from service.settings import Settings
from service.watchlist.model import Entity, dump_jsonl

log = logging.getLogger(__name__)

#: Entities are stored as JSON Lines, zlib-compressed beyond this many bytes (about 5:1 on a
#: watchlist). The first byte of a stored value says which: `j` plain, `z` compressed.
COMPRESS_ABOVE_BYTES = 16 * 1024
_PLAIN, _ZLIB = b"j", b"z"
#: Longest wait for each Redis reply of this store, in seconds (connecting waits as long as
#: for the cache): a whole entity list is megabytes, and a reload or a changes request can wait.
REDIS_TIMEOUT_SECONDS = 5.0


class VersionRecord(BaseModel):
    """One watchlist version as loaded; the Redis payload of `KeySpace.version_record`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: str
    #: The latest time a process of the deployment put this version in service.
    loaded_at: datetime
    #: The first time it did (it differs when a list went back to an earlier version).
    first_loaded_at: datetime
    #: File names only: a listing must not disclose server paths.
    sources: tuple[str, ...]
    entities: int

    def merged(self, other: VersionRecord | None) -> VersionRecord:
        """This record, loaded again after `other` (the same version, recorded before)."""
        if other is None:
            return self
        return self.model_copy(
            update={
                "loaded_at": max(self.loaded_at, other.loaded_at),
                "first_loaded_at": min(self.first_loaded_at, other.first_loaded_at),
            }
        )


def encode_entities(entities: Sequence[Entity]) -> bytes:
    text = dump_jsonl(entities).encode("utf-8")
    if len(text) > COMPRESS_ABOVE_BYTES:
        return _ZLIB + zlib.compress(text, 6)
    return _PLAIN + text


def decode_entities(blob: bytes) -> list[Entity]:
    tag, body = blob[:1], blob[1:]
    if tag not in (_PLAIN, _ZLIB):
        raise ValueError(f"unknown entity encoding {tag!r}")
    text = zlib.decompress(body) if tag == _ZLIB else body
    return [Entity.model_validate_json(line) for line in text.splitlines() if line]


def newest(records: Sequence[VersionRecord], keep: int) -> list[VersionRecord]:
    return sorted(records, key=lambda r: r.loaded_at, reverse=True)[:keep]


class MemoryVersions:
    """The versions this process loaded: a bounded dict, used from the event loop only."""

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._kept: dict[str, tuple[VersionRecord, bytes]] = {}

    def put(self, record: VersionRecord, blob: bytes) -> VersionRecord:
        before = self._kept.get(record.version)
        record = record.merged(before[0] if before else None)
        self._kept[record.version] = (record, blob)
        kept = {r.version for r in newest(self.records(), self._keep)}
        self._kept = {v: item for v, item in self._kept.items() if v in kept}
        return record

    def records(self) -> list[VersionRecord]:
        return newest([record for record, _ in self._kept.values()], len(self._kept))

    def entities(self, version: str) -> bytes | None:
        kept = self._kept.get(version)
        return kept[1] if kept else None


class RedisVersions:
    """The versions every process of the deployment loaded; raises Redis errors as they are."""

    def __init__(self, client: Redis, keys: KeySpace, keep: int) -> None:
        self._client = client
        self._keys = keys
        self._keep = keep

    async def put(self, record: VersionRecord, blob: bytes) -> VersionRecord:
        before = await self._client.get(self._keys.version_record(record.version))
        record = record.merged(_parse(cast("bytes | None", before)))
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.version_record(record.version), record.model_dump_json())
            pipe.set(self._keys.version_entities(record.version), blob)
            pipe.zadd(self._keys.versions(), {record.version: record.loaded_at.timestamp()})
            await pipe.execute()
        await self._trim()
        return record

    async def _trim(self) -> None:
        index = self._keys.versions()
        dropped = _decoded(await self._client.zrevrange(index, self._keep, -1))
        if dropped:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zrem(index, *dropped)
                for version in dropped:
                    pipe.delete(
                        self._keys.version_record(version), self._keys.version_entities(version)
                    )
                await pipe.execute()

    async def records(self) -> list[VersionRecord]:
        versions = _decoded(await self._client.zrevrange(self._keys.versions(), 0, self._keep - 1))
        if not versions:
            return []
        keys = [self._keys.version_record(v) for v in versions]
        payloads = cast("list[bytes | None]", await self._client.mget(keys))
        return [record for payload in payloads if (record := _parse(payload)) is not None]

    async def entities(self, version: str) -> bytes | None:
        return cast("bytes | None", await self._client.get(self._keys.version_entities(version)))

    async def close(self) -> None:
        await self._client.aclose()


def _decoded(members: object) -> list[str]:
    # Without decode_responses, redis-py returns bytes (its annotation allows more).
    return [m.decode() for m in cast("list[bytes]", members)]


def _parse(payload: bytes | None) -> VersionRecord | None:
    if payload is None:
        return None
    try:
        return VersionRecord.model_validate_json(payload)
    except ValidationError:
        log.warning("unreadable watchlist version record in Redis, skipped")
        return None


class VersionStore:
    """The versions kept: this process's memory, and Redis when configured. Reads merge both,
    so a Redis outage hides only the versions other processes loaded."""

    def __init__(self, keep: int, shared: RedisVersions | None = None) -> None:
        self._keep = keep
        self._memory = MemoryVersions(keep)
        self._shared = shared
        self._shared_state = CacheState.OK

    @property
    def backend(self) -> str:
        return "redis" if self._shared else "memory"

    @property
    def state(self) -> CacheState:
        """`degraded` when the last call to Redis failed: only this process's versions show."""
        return self._shared_state

    async def record(
        self, entities: Sequence[Entity], record: VersionRecord, encoded: bytes | None = None
    ) -> VersionRecord:
        """`encoded`: the entities already encoded (`encode_entities`), by the supervisor."""
        blob = encoded or self._memory.entities(record.version)  # the same version's entities
        if blob is None:
            blob = await anyio.to_thread.run_sync(encode_entities, entities)
        if self._shared is not None:
            try:
                record = await self._shared.put(record, blob)
            except (RedisError, OSError) as exc:
                self._failed("record", exc)
            else:
                self._shared_state = CacheState.OK
        return self._memory.put(record, blob)

    async def records(self, pinned: str | None = None) -> list[VersionRecord]:
        """The versions kept, the most recently loaded first; `pinned` (the version being
        served) is listed even when other processes have loaded as many newer ones since."""
        found = {r.version: r for r in self._memory.records()}
        if self._shared is not None:
            try:
                shared = await self._shared.records()
            except (RedisError, OSError) as exc:
                self._failed("list", exc)
            else:
                self._shared_state = CacheState.OK
                for record in shared:
                    found[record.version] = record.merged(found.get(record.version))
        listed = newest(list(found.values()), self._keep)
        if pinned in found and found[pinned] not in listed:
            listed.append(found[pinned])
        return listed

    async def entities(self, version: str) -> list[Entity]:
        """The entities of a kept version: `NotFound` if it is not kept, `Unavailable` if it
        may be, in Redis, which does not answer."""
        blob = self._memory.entities(version)
        if blob is None and self._shared is not None:
            try:
                blob = await self._shared.entities(version)
            except (RedisError, OSError) as exc:
                self._failed("read", exc)
                raise Unavailable(
                    f"watchlist version {version!r} is not in this process's memory and the "
                    "shared version store (Redis) does not answer; retry shortly",
                    code="version_store_unavailable",
                ) from None
            self._shared_state = CacheState.OK
        if blob is None:
            raise NotFound(
                f"no watchlist version {version!r} is kept; see /v1/watchlist/versions",
                code="version_not_found",
            )
        return await anyio.to_thread.run_sync(decode_entities, blob)

    async def close(self) -> None:
        if self._shared is not None:
            await self._shared.close()

    def _failed(self, action: str, exc: Exception) -> None:
        if self._shared_state is CacheState.OK:
            log.warning(
                "redis version store unavailable (%s), this process's versions only: %s: %s",
                action,
                type(exc).__name__,
                exc,
            )
        self._shared_state = CacheState.DEGRADED


def open_versions(settings: Settings, keys: KeySpace) -> VersionStore:
    keep = settings.watchlist_versions_kept
    if not settings.redis_url:
        return VersionStore(keep)
    connect = settings.redis_socket_timeout_seconds
    client = redis_client(settings.redis_url, max(connect, REDIS_TIMEOUT_SECONDS), connect)
    return VersionStore(keep, RedisVersions(client, keys, keep))
