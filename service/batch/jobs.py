"""Batch jobs in Redis: submitting one (idempotently), its upload and chunks, recording each
chunk's results exactly once, and the handle the API reads a job's status and results with.

Exactly once: a chunk's results and its counts are recorded by one Lua script that adds the
chunk to the job's set of done chunks and, only if it was not there yet, stores the results and
adds the counts; a chunk redone after its worker died therefore counts once whatever happened
before. With `service.batch.queue` the only batch module that talks to Redis.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

import anyio.to_thread
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.batch.scripts import CREATE, FAIL, RECORD, SPLIT, START
from service.batch.status import ChunkCounts, JobRecord, JobStatus
from service.errors import Conflict, NotFound, Unavailable
from service.keyspace import KeySpace

#: The upload is kept as pieces of this many bytes (before compression) in a Redis list.
UPLOAD_PIECE_BYTES = 4 * 1024 * 1024
#: Result chunks read per round trip when results are downloaded.
OUTPUTS_PER_READ = 8


def new_job_id() -> str:
    return secrets.token_hex(12)


def now_text() -> str:
    return datetime.now(UTC).isoformat()


@asynccontextmanager
async def _redis_answers() -> AsyncIterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise Unavailable(
            f"the Redis of the job queue does not answer ({type(exc).__name__})",
            code="jobs_unavailable",
        ) from exc


def _joined(pieces: list[bytes]) -> bytes:
    return b"".join(zlib.decompress(piece) for piece in pieces)


def _pieces(file: BinaryIO, count: int) -> list[bytes]:
    """The next `count` pieces of the upload, compressed (none at its end)."""
    pieces: list[bytes] = []
    while len(pieces) < count and (piece := file.read(UPLOAD_PIECE_BYTES)):
        pieces.append(zlib.compress(piece, 1))
    return pieces


class JobStore:
    """Every job of one deployment (key prefix) in one Redis."""

    def __init__(self, client: Redis, keys: KeySpace, retention_seconds: int) -> None:
        self.client = client
        self.keys = keys
        self.ttl = retention_seconds
        self._create = client.register_script(CREATE)
        self._start = client.register_script(START)
        self._split = client.register_script(SPLIT)
        self._record = client.register_script(RECORD)
        self._fail = client.register_script(FAIL)

    def handle(self, job_id: str) -> JobHandle:
        return JobHandle(self, job_id)

    async def submit(
        self, record: JobRecord, upload: Path, idempotency_key: str | None
    ) -> tuple[JobRecord, bool]:
        """Store the upload, then the record (with the idempotency key, atomically). Returns the
        job and whether it is new; a key already used returns its job, if for the same upload
        and options, and leaves nothing of this submission behind."""
        upload_key = self.keys.job_upload(record.id)
        keys = [self.keys.job(record.id)]
        if idempotency_key is not None:
            keys.append(self.keys.job_idempotency(idempotency_key))
        fields = [item for pair in record.to_hash().items() for item in pair]
        await self.keep_upload(record.id, upload)
        async with _redis_answers():
            job_id = (await self._create(keys, [self.ttl, record.id, *fields])).decode()
            if job_id == record.id:
                return record, True
            await self.client.delete(upload_key)
        existing = await self.record(job_id)
        if existing is None:
            raise NotFound("the job of this Idempotency-Key has expired", code="job_not_found")
        if existing.fingerprint != record.fingerprint:
            raise Conflict(
                "this Idempotency-Key was used for another upload or other options; use a new "
                "key for a different submission",
                code="idempotency_key_reused",
            )
        return existing, False

    async def keep_upload(self, upload_id: str, upload: Path) -> None:
        """Store a file for the workers (read back with `read_upload`) for the retention time:
        a job's upload, or a file of another part's task (a counterparty import)."""
        key = self.keys.job_upload(upload_id)
        async with _redis_answers():
            # A few pieces at a time: the upload (up to its limit) is never in memory whole.
            with upload.open("rb") as file:
                while pieces := await anyio.to_thread.run_sync(_pieces, file, 8):
                    await self.client.rpush(key, *pieces)
            await self.client.expire(key, self.ttl)

    async def drop_upload(self, upload_id: str) -> None:
        async with _redis_answers():
            await self.client.delete(self.keys.job_upload(upload_id))

    async def record(self, job_id: str) -> JobRecord | None:
        async with _redis_answers():
            fields = cast("dict[bytes, bytes]", await self.client.hgetall(self.keys.job(job_id)))
        return JobRecord.from_hash(fields) if fields else None

    async def start(self, job_id: str, watchlist_version: str) -> str | None:
        """Mark the job running and pin its watchlist version unless a first attempt did;
        return the version pinned (None if the job is gone)."""
        async with _redis_answers():
            pinned = await self._start(
                [self.keys.job(job_id)], [watchlist_version, now_text(), self.ttl]
            )
        return pinned.decode() if pinned else None

    async def read_upload(self, job_id: str, path: Path) -> bool:
        """Write the stored upload to `path`; False if it is no longer stored."""
        key = self.keys.job_upload(job_id)
        async with _redis_answers():
            count = await self.client.llen(key)
            if not count:
                return False
            with path.open("wb") as file:
                for start in range(0, count, 8):
                    pieces = cast("list[bytes]", await self.client.lrange(key, start, start + 7))
                    file.write(await anyio.to_thread.run_sync(_joined, pieces))
        return True

    async def note_charged(self, job_id: str, rows: int) -> None:
        """The rows charged for the job so far: a redo of its reading charges only past them."""
        async with _redis_answers():
            await self.client.hset(self.keys.job(job_id), "rows_charged", rows)

    async def done_chunks(self, job_id: str) -> set[int]:
        async with _redis_answers():
            members = await self.client.smembers(self.keys.job_done(job_id))
        return {int(m) for m in members}

    async def store_input(self, job_id: str, chunk: int, payload: bytes) -> None:
        async with _redis_answers():
            await self.client.set(self.keys.job_input(job_id, chunk), payload, ex=self.ttl)

    async def input(self, job_id: str, chunk: int) -> bytes | None:
        async with _redis_answers():
            payload = await self.client.get(self.keys.job_input(job_id, chunk))
        return cast("bytes | None", payload)

    async def finish_split(self, job_id: str, rows: int, chunks: int) -> None:
        keys = [self.keys.job(job_id), self.keys.job_done(job_id), self.keys.job_upload(job_id)]
        async with _redis_answers():
            if await self._split(keys, [rows, chunks, now_text(), self.ttl]) == 1:
                await self._keep_outputs(job_id, chunks)

    async def record_chunk(
        self, job_id: str, chunk: int, payload: bytes, counts: ChunkCounts
    ) -> int:
        """Store a chunk's results and add its counts, once (see the module's docstring):
        1 recorded, 2 recorded and the job finished, 0 recorded before, -1 job not running."""
        keys = [
            self.keys.job(job_id),
            self.keys.job_done(job_id),
            self.keys.job_output(job_id, chunk),
            self.keys.job_input(job_id, chunk),
        ]
        args: list[bytes | int | str] = [chunk, payload, counts.rows, counts.hits, counts.errors]
        args += [counts.cache_hits, now_text(), self.ttl]
        async with _redis_answers():
            outcome = int(await self._record(keys, args))
            if outcome == 2:
                chunks = await self.client.hget(self.keys.job(job_id), "chunks_total")
                await self._keep_outputs(job_id, int(chunks or 0))
        return outcome

    async def fail(self, job_id: str, code: str, message: str) -> bool:
        async with _redis_answers():
            return bool(await self._fail([self.keys.job(job_id)], [code, message, now_text()]))

    async def outputs(self, job_id: str, chunks: range) -> list[bytes | None]:
        async with _redis_answers():
            values = await self.client.mget([self.keys.job_output(job_id, c) for c in chunks])
        return cast("list[bytes | None]", values)

    async def outputs_stored(self, job_id: str, chunks: int) -> bool:
        keys = [self.keys.job_output(job_id, c) for c in range(chunks)]
        async with _redis_answers():
            found = 0
            for start in range(0, len(keys), 1000):
                found += await self.client.exists(*keys[start : start + 1000])
        return found == chunks

    async def _keep_outputs(self, job_id: str, chunks: int) -> None:
        """A finished job's results live as long as its record from now on (the first chunks
        were written long before the last)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for chunk in range(chunks):
                pipe.expire(self.keys.job_output(job_id, chunk), self.ttl)
            pipe.expire(self.keys.job_done(job_id), self.ttl)
            await pipe.execute()


class JobHandle:
    """One job, as the API sees it: its status, and its results once done."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store = store
        self.id = job_id

    async def status(self) -> JobRecord:
        record = await self.store.record(self.id)
        if record is None:
            raise NotFound(f"no job {self.id!r} (or it has expired)", code="job_not_found")
        return record

    async def result(self) -> tuple[JobRecord, AsyncIterator[bytes]]:
        """The finished job and its chunks' results (packed, see `service.batch.chunks`), in
        order; `Conflict` if the job has not finished, or failed."""
        record = await self.status()
        if record.status is JobStatus.FAILED:
            raise Conflict(
                f"the job failed, so it has no results: {record.error_message}", code="job_failed"
            )
        if record.status is not JobStatus.DONE or record.chunks_total is None:
            raise Conflict(
                f"the job is {record.status.value}; results are ready when it is done",
                code="job_not_finished",
            )
        if not await self.store.outputs_stored(self.id, record.chunks_total):
            raise NotFound(
                "the job's results are no longer stored (past the retention time)",
                code="job_results_expired",
            )
        return record, self._outputs(record.chunks_total)

    async def _outputs(self, chunks: int) -> AsyncIterator[bytes]:
        for batch in _batches(chunks, OUTPUTS_PER_READ):
            for chunk, payload in zip(batch, await self.store.outputs(self.id, batch), strict=True):
                if payload is None:  # expired while being downloaded
                    raise Unavailable(
                        f"the results of chunk {chunk} are no longer stored",
                        code="job_results_expired",
                    )
                yield payload


def _batches(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))
