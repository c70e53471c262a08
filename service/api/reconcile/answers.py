"""The answer to a reconciliation batch: its queries screened through the result cache like
`POST /v1/screen/batch`'s, their candidates, and one audit record per query (committed before
the answer leaves). A query with nothing to screen is answered with no candidates and recorded
as refused, so the trail shows what was asked."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from service.api.reconcile.candidates import candidates
from service.api.reconcile.queries import Planned
from service.logs import annotate, annotate_queries, current_request_id
from service.runtime import Runtime
from service.screening import auditing
from service.screening.queries import Parameters, RefusedQuery
from service.screening.results import Result
from service.store.audit import ScreeningRecord, new_screening_id


async def answer(runtime: Runtime, planned: list[Planned], key_id: str | None) -> bytes:
    """The JSON of the result batch: each query's key with its candidates, best first."""
    screener = runtime.holder.current()
    queries = [p.query for p in planned if p.query is not None]
    screened = iter(await runtime.screening.screen(screener, queries) if queries else [])
    entity_of = screener.watchlist.get
    parts: dict[str, bytes] = {}
    answered: list[tuple[Planned, Result | None, bytes]] = []
    for query in planned:
        found: list[dict[str, Any]] = []
        result = None
        if query.query is not None:
            found, result = candidates(next(screened), query.types, entity_of)
        part = json.dumps({"result": found}, ensure_ascii=False).encode()
        parts[query.key] = part
        answered.append((query, result, part))
    annotate(matches=sum(r.matches for _, r, _ in answered if r is not None))
    annotate_queries([p.name or "" for p in planned], log_queries=runtime.settings.log_queries)
    if runtime.auditing:
        now = datetime.fromtimestamp(time.time(), UTC)
        # A query not screened is recorded with the parameters it would have had.
        usual = Parameters(runtime.limits.default_threshold, runtime.limits.default_limit)
        records = _records(answered, now, usual, screener.version, key_id, current_request_id())
        await runtime.record(records)
    return _joined(parts)


def _joined(parts: dict[str, bytes]) -> bytes:
    """The batch object from each query's result object, already serialised."""
    items = (
        json.dumps(key, ensure_ascii=False).encode() + b":" + part for key, part in parts.items()
    )
    return b"{" + b",".join(items) + b"}"


def _records(
    answered: list[tuple[Planned, Result | None, bytes]],
    at: datetime,
    usual: Parameters,
    version: str,
    key_id: str | None,
    request_id: str | None,
) -> list[ScreeningRecord]:
    # Ascending in the order of the queries, as the audit export lists them.
    ids = sorted(new_screening_id() for _ in answered)
    records = []
    for sid, (planned, result, part) in zip(ids, answered, strict=True):
        query = planned.query
        if query is None or result is None:
            refused = RefusedQuery(planned.name, "nothing_to_screen", planned.skipped)
            record = auditing.refused_record(
                sid, at, refused, usual, part, version, key_id, request_id
            )
        else:
            record = auditing.query_record(
                "batch", sid, at, query, result, part, version, key_id, request_id
            )
        records.append(record)
    return records
