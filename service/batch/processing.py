"""The work of a job, without the queue: an uploaded file read into packed chunks of rows, and a
chunk's rows screened through the result cache against the watchlist version the job is pinned
to, which a worker keeps while it has jobs pinned to it.

No Redis client and no web framework here: the cache is reached through `ScreeningService`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import anyio.to_thread

from service.batch.chunks import pack_input
from service.batch.layout import TableInfo
from service.batch.outputs import ResultRow
from service.batch.status import ChunkCounts
from service.batch.tables import InputRow, read_rows
from service.errors import InvalidInput
from service.files.bounds import ReadBounds
from service.lifecycle.state import ScreenerHolder
from service.screening.queries import Limits, Parameters, ScreenQuery, check_query, notices_text
from service.screening.query_identifiers import identifiers_text
from service.screening.results import Result, ScreeningService
from service.screening.screener import Screener

HIT, CLEAR, ERROR = "hit", "clear", "error"
#: A watchlist version this process no longer serves is dropped once no chunk has used it for
#: this many seconds (it holds a whole index in memory).
KEEP_PINNED_SECONDS = 300.0
_NO_MATCHES = b"[]"


def packed_chunks(
    path: Path, info: TableInfo, rows_per_chunk: int, bounds: ReadBounds
) -> Iterator[tuple[int, bytes]]:
    """The rows of an uploaded file in chunks: (row count, packed rows) each, in order."""
    batch: list[InputRow] = []
    for row in read_rows(path, info, bounds=bounds):
        batch.append(row)
        if len(batch) == rows_per_chunk:
            yield len(batch), pack_input(batch)
            batch = []
    if batch:
        yield len(batch), pack_input(batch)


def _checked(
    rows: Sequence[InputRow], parameters: Parameters, limits: Limits
) -> tuple[list[ScreenQuery], list[ScreenQuery | str]]:
    """The queries to screen, and per row its query or why it cannot be screened."""
    queries: list[ScreenQuery] = []
    per_row: list[ScreenQuery | str] = []
    for row in rows:
        if row.error is not None:
            per_row.append(row.error)
            continue
        try:
            query = check_query(
                row.name, row.country, parameters, limits, row.identifiers, lenient=True
            )
        except InvalidInput as exc:
            per_row.append(exc.message)
            continue
        queries.append(query)
        per_row.append(query)
    return queries, per_row


def _result_rows(
    rows: Sequence[InputRow], per_row: Sequence[ScreenQuery | str], results: Sequence[Result]
) -> tuple[list[ResultRow], ChunkCounts]:
    out: list[ResultRow] = []
    found = iter(results)
    hits = errors = cached = 0
    seen: set[tuple[str, str | None, str]] = set()
    for row, checked in zip(rows, per_row, strict=True):
        warnings = identifiers = None
        if isinstance(checked, str):
            errors += 1
            status, matches, error = ERROR, _NO_MATCHES, checked
        else:
            warnings = notices_text(checked.notices)
            identifiers = identifiers_text(checked.identifiers)
            result = next(found)
            # A repeat within the chunk is matched once, the first time: the others are as
            # good as cached.
            key = (checked.screened, checked.country, checked.identifier_key)
            cached += result.cached or key in seen
            seen.add(key)
            status, matches, error = (HIT if result.matches else CLEAR), result.payload, None
            hits += status == HIT
        out.append(
            ResultRow(
                number=row.number,
                supplier_id=row.supplier_id,
                name=row.name,
                country=row.country,
                status=status,
                matches=matches,
                error=error,
                warnings=warnings,
                identifiers=identifiers,
            )
        )
    return out, ChunkCounts(rows=len(rows), hits=hits, errors=errors, cache_hits=cached)


async def screen_chunk(
    rows: Sequence[InputRow],
    screener: Screener,
    screening: ScreeningService,
    parameters: Parameters,
    limits: Limits,
) -> tuple[list[ResultRow], ChunkCounts]:
    """Every row's result, in order: a row that cannot be screened (its own error, an empty or
    overlong name, a bad country code) is reported as an error and screens nothing. The rows
    are screened together: one cache read, repeats matched once, one cache write."""
    queries, per_row = await anyio.to_thread.run_sync(_checked, rows, parameters, limits)
    results = await screening.screen(screener, queries) if queries else []
    return await anyio.to_thread.run_sync(_result_rows, rows, per_row, results)


class PinnedScreeners:
    """The screeners of the watchlist versions jobs are pinned to: the one this process serves,
    and one it served before while chunks pinned to it keep coming (a reload mid-job), for at
    most `keep_seconds` after the last of them."""

    def __init__(
        self,
        holder: ScreenerHolder,
        keep_seconds: float = KEEP_PINNED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._holder = holder
        self._keep_seconds = keep_seconds
        self._clock = clock
        self._kept: dict[str, tuple[Screener, float]] = {}

    def current(self) -> Screener:
        """The screener served now (to pin a new job to); `Unavailable` until one is loaded."""
        screener = self._holder.current()
        self._use(screener)
        return screener

    def pinned(self, version: str) -> Screener | None:
        """The screener of `version` if this process serves it or still holds it."""
        serving = self._holder.peek()
        if serving is not None and serving.version == version:
            self._use(serving)
            return serving
        kept = self._kept.get(version)
        if kept is None:
            return None
        self._use(kept[0])
        return kept[0]

    @property
    def versions(self) -> list[str]:
        return list(self._kept)

    def _use(self, screener: Screener) -> None:
        now = self._clock()
        self._kept[screener.version] = (screener, now)
        serving = self._holder.peek()
        for version, (_, used) in list(self._kept.items()):
            stale = now - used > self._keep_seconds
            if stale and (serving is None or version != serving.version):
                del self._kept[version]
