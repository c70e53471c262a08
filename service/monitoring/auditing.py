"""The monitoring's screenings in the audit trail: each counterparty screened because it was
registered or changed (`register`: one through the API, or a row of an import, whose record
has the fixed id `<run id>.<row>`), and each re-screening run as one record (`rescreen`) with
its versions and counts. A re-screening repeats the screening of every counterparty on each
list change; what it changes is in the trail already, alert by alert (the alerts' history).

Pure: values in, `ScreeningRecord`s out; the callers add them in their own transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from service.monitoring.findings import Finding, Subject
from service.screening.queries import Parameters
from service.store.audit import ScreeningRecord, new_screening_id
from service.store.runs import Run


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked for a registration: a key (None in open mode), the API request's id, or the
    import run whose row it is."""

    key_id: str | None
    request_id: str | None = None
    run_id: str | None = None


def registration_record(
    asker: Asker,
    subject: Subject,
    found: Mapping[str, Finding] | None,
    parameters: Parameters,
    version: str,
    at: datetime,
    row: int | None = None,
) -> ScreeningRecord:
    """The record of one counterparty screened (`found` None: it could not be): its names,
    the matches found, best first, as the screening API reports them."""
    findings = sorted((found or {}).values(), key=lambda f: (-f.score, f.entity_id))
    response = {
        "counterparty_id": subject.id,
        "names": list(subject.names),
        "status": "error" if found is None else "ok",
        "matches": [f.match for f in findings],
    }
    fixed = asker.run_id is not None and row is not None
    return ScreeningRecord(
        id=f"{asker.run_id}.{row}" if fixed else new_screening_id(),
        screened_at=at,
        kind="register",
        key_id=asker.key_id,
        request_id=asker.request_id,
        query_name=subject.name,
        query_country=subject.country,
        threshold=parameters.threshold,
        limit=parameters.limit,
        watchlist_version=version,
        outcome="error" if found is None else "hit" if findings else "clear",
        matches=[(f.entity_id, f.score) for f in findings],
        response=json.dumps(response, ensure_ascii=False, separators=(",", ":")),
        job_id=asker.run_id,
        row=row,
    )


def run_record(run: Run, data: dict[str, object], parameters: Parameters) -> ScreeningRecord:
    """The record of a re-screening run that ended: its versions and counts (`data`, as its
    `rescreen.finished` event has them), who asked for it (None: a list change)."""
    failed = run.status == "failed"
    return ScreeningRecord(
        id=run.id,
        screened_at=run.finished_at or run.created_at,
        kind="rescreen",
        key_id=run.key_id,
        request_id=None,
        query_name=None,
        query_country=None,
        threshold=parameters.threshold,
        limit=parameters.limit,
        watchlist_version=run.to_version,
        outcome="error" if failed else "hit" if run.alerts_opened else "clear",
        matches=[],
        response=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        job_id=run.id,
    )
