"""Command-line screenings in the audit trail, as the API's are: `screen` and `screen-file`
record each screening, with who ran it — the operating-system user and host, and the API key
named with `--key` (checked in the store) — and commit the records before the answer is printed
or the results are written. With the audit off (`SCREENING_AUDIT_ENABLED=false`) nothing is
recorded. Opens the store of `DATABASE_URL` (or the embedded SQLite file) directly.

No web framework here.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from service.auth.callers import Caller, Permission
from service.batch.audit_rows import RowRun, row_records
from service.batch.outputs import ResultRow
from service.errors import Unauthorized
from service.screening.queries import ScreenQuery
from service.settings import Settings
from service.store import Store, open_store
from service.store.apikeys import ApiKey, split_key
from service.store.audit import ScreeningRecord, new_screening_id

#: Rows of a `screen-file` run committed together (each batch before its rows are written).
RECORD_BATCH = 2000
#: How `--key` is described in the commands' help.
KEY_HELP = (
    "record the screening under this API key (the key, or its id), beside your operating-"
    "system user; it must be active and allowed to screen"
)
AUDIT_NOTE = (
    "Every screening is recorded in the audit trail (DATABASE_URL, or the embedded SQLite "
    "file) with your operating-system user and host, and the key given with --key; the "
    "records are committed before the results are shown or written."
)


def os_operator() -> str:
    """`user@host` of this process (the numeric uid when the user has no name)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a passwd entry
        user = f"uid {os.getuid()}"
    return f"{user}@{socket.gethostname()}"[:200]


def _named_key(store: Store, presented: str) -> ApiKey:
    """The active key that `--key` names (a full key, whose secret is checked, or an id)."""
    parts = split_key(presented)
    key = store.keys.get(parts[0] if parts else presented.strip())
    if key is None or (parts is not None and not key.matches(parts[1])):
        raise Unauthorized("--key names no API key", code="key_invalid")
    if not key.active:
        raise Unauthorized(f"the API key {key.id} has been revoked", code="key_revoked")
    Caller(key).require(Permission.SCREEN)
    return key


class CommandAudit:
    """The audit trail of one command-line run."""

    def __init__(self, store: Store, key: ApiKey | None, operator: str) -> None:
        self.store = store
        self.key_id = key.id if key else None
        self.operator = operator
        #: The id of the `screen-file` run being recorded.
        self.run_id: str | None = None

    @classmethod
    def open(cls, settings: Settings, presented_key: str | None) -> CommandAudit | None:
        """The audit of a run (None with the audit off): `Unavailable` if the database does
        not answer, `Unauthorized`/`Forbidden` for a `--key` that may not screen."""
        if not settings.audit_enabled:
            return None
        store = open_store(settings.store_url)
        try:
            key = _named_key(store, presented_key) if presented_key else None
        except BaseException:
            store.close()
            raise
        return cls(store, key, os_operator())

    def close(self) -> None:
        self.store.close()

    def single(self, query: ScreenQuery, matches: Sequence[tuple[str, float]],
               version: str, screened_at: datetime, response: str, sid: str) -> None:  # fmt: skip
        """Commit the record of one `screen` (its answer `response`, JSON)."""
        record = ScreeningRecord(
            id=sid,
            screened_at=screened_at,
            kind="single",
            key_id=self.key_id,
            request_id=None,
            query_name=query.name,
            query_country=query.country,
            threshold=query.threshold,
            limit=query.limit,
            watchlist_version=version,
            outcome="hit" if matches else "clear",
            matches=list(matches),
            response=response,
            operator=self.operator,
        )
        self.store.audit.append([record])

    def recorded_file(
        self, rows: Iterable[ResultRow], threshold: float, limit: int, version: str
    ) -> Iterator[ResultRow]:
        """The rows of a `screen-file` run, each passed on once its batch's records (kind
        `file`, ids `<run id>.<row>`) are committed. The run's id is `run_id` then."""
        run = RowRun("file", new_screening_id(), self.key_id, threshold, limit, version,
                     self.operator)  # fmt: skip
        self.run_id = run.id
        batch: list[ResultRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= RECORD_BATCH:
                yield from self._commit(run, batch)
                batch = []
        yield from self._commit(run, batch)

    def _commit(self, run: RowRun, batch: list[ResultRow]) -> list[ResultRow]:
        if batch:
            self.store.audit.append(row_records(run, batch, datetime.now(UTC)))
        return batch
