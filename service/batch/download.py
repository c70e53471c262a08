"""A finished job's results as a stream of bytes: its chunks' result rows, in input order,
written by `outputs.write_results` in a worker thread and handed to the caller piece by piece
(a slow client holds the writer back; one that goes away stops it).

No web framework and no Redis client: the packed chunks come from `JobHandle.result()`.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable, Iterator
from typing import BinaryIO, cast

import anyio
import anyio.from_thread
import anyio.to_thread
from anyio.streams.memory import MemoryObjectSendStream

from service.batch.chunks import unpack_output
from service.batch.outputs import ResultFormat, ResultRow, Summary, wanted, write_results
from service.batch.status import JobRecord

#: Bytes gathered by the writer before they are handed over.
PIECE_BYTES = 256 * 1024
#: Pieces waiting to be sent before the writer waits.
PIECES_BUFFERED = 4

MEDIA_TYPES = {
    ResultFormat.CSV: "text/csv",  # litestar adds the charset
    ResultFormat.JSONL: "application/x-ndjson",
    ResultFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Pipe(io.RawIOBase):
    """A write-only binary file whose bytes go, in pieces, to the event loop's side."""

    def __init__(self, send: MemoryObjectSendStream[bytes]) -> None:
        self._send = send
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        if len(self._buffer) >= PIECE_BYTES:
            self.hand_over()
        return len(data)

    def hand_over(self) -> None:
        if self._buffer:
            anyio.from_thread.run(self._send.send, bytes(self._buffer))
            self._buffer.clear()


def summary_of(record: JobRecord, only_hits: bool) -> Summary:
    rows = record.rows_total or 0
    return Summary(
        rows=rows,
        screened=rows - record.errors,
        hits=record.hits,
        errors=record.errors,
        watchlist_version=record.watchlist_version or "",
        threshold=record.threshold,
        only_hits=only_hits,
        started_at=record.started_at or record.created_at,
        finished_at=record.finished_at or record.created_at,
    )


async def _next_payload(payloads: AsyncIterator[bytes]) -> bytes | None:
    return await anext(payloads, None)


def _rows(next_payload: Callable[[], bytes | None], only_hits: bool) -> Iterator[ResultRow]:
    while (payload := next_payload()) is not None:
        for row in unpack_output(payload):
            if wanted(row, only_hits):
                yield row


async def result_stream(
    record: JobRecord, payloads: AsyncIterator[bytes], fmt: ResultFormat, only_hits: bool
) -> AsyncIterator[bytes]:
    """The results file of a finished job, as it is written."""
    send, receive = anyio.create_memory_object_stream[bytes](PIECES_BUFFERED)
    summary = summary_of(record, only_hits)

    def write() -> None:
        with send:
            pipe = _Pipe(send)
            rows = _rows(lambda: anyio.from_thread.run(_next_payload, payloads), only_hits)
            write_results(rows, lambda: summary, fmt, cast(BinaryIO, pipe))
            pipe.hand_over()

    writer = asyncio.ensure_future(anyio.to_thread.run_sync(write))
    try:
        async with receive:
            async for piece in receive:
                yield piece
        await writer  # its error, if it failed
    finally:
        if not writer.done():  # the client went away: the writer's next piece finds no one
            writer.add_done_callback(lambda task: task.exception())
