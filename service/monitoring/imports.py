"""The import run: the rows of an uploaded file registered page by page (`Registry.
register_many`), each page's counterparties, alerts, counts and cursor (the file's last row
done) committed together, so an import redone after its worker died goes on from its last page.
One task: the file is read in order, and its pages are written as it is read.

No Redis client, no saq: the upload is read through `service.batch.jobs.JobStore`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import anyio.to_thread
from pydantic import TypeAdapter

from service.batch.jobs import JobStore
from service.batch.layout import TableInfo
from service.batch.tables import InputRow, read_rows
from service.errors import NotFound
from service.monitoring.alerting import Counts
from service.monitoring.auditing import Asker
from service.monitoring.registry import CounterpartyIn, Registry
from service.runtime import Runtime
from service.screening.screener import Screener
from service.store.monitoring import MonitoringTx
from service.store.runs import Run

TABLE = TypeAdapter(TableInfo)


class Importer:
    def __init__(self, runtime: Runtime, registry: Registry) -> None:
        self.runtime = runtime
        self.registry = registry

    async def run(self, run: Run, uploads: JobStore) -> None:
        """Register the rows of the run's file not done yet; the run's total is set at the
        end (the rows read)."""
        table = TABLE.validate_json(run.options or "null")
        screener = self.runtime.holder.current()
        bounds = self.runtime.settings.read_bounds
        page_rows = self.runtime.settings.monitoring_page_rows
        skip = int(run.cursor or 0)
        thread = anyio.to_thread.run_sync
        with tempfile.TemporaryDirectory(prefix="screening-import-") as directory:
            path = Path(directory) / "upload"
            if not await uploads.read_upload(run.id, path):
                raise NotFound("the imported file is no longer stored", code="upload_missing")
            rows = read_rows(path, table, bounds=bounds)
            pages = _pages(rows, page_rows)
            while (page := await thread(next, pages, None)) is not None:
                if page[-1].number <= skip:
                    continue
                await thread(self._page, run, page, screener)
        await uploads.drop_upload(run.id)
        runs = self.runtime.store.runs
        done: Run | None = await thread(runs.run, run.id)
        if done is not None:
            await thread(lambda: runs.update_run(run.id, total=done.done))

    def _page(self, run: Run, page: list[InputRow], screener: Screener) -> None:
        given = [
            CounterpartyIn(
                id=row.supplier_id.strip(),
                name=row.name,
                country=row.country,
                identifiers=row.identifiers,
                row=row.number,
            )
            for row in page
            if row.error is None and row.name and row.supplier_id and row.supplier_id.strip()
        ]
        unusable = len(page) - len(given)  # rows without an id or a name, or unreadable

        def count(tx: MonitoringTx, counts: Counts, errors: int) -> None:
            tx.count_run(
                run.id,
                cursor=str(page[-1].number),
                done=len(page),
                opened=counts.opened,
                closed=counts.closed,
                errors=errors + unusable,
            )

        asker = Asker(run.key_id, run_id=run.id)
        self.registry.register_many(given, screener, then=count, asker=asker)


def _pages(rows: Iterator[InputRow], size: int) -> Iterator[list[InputRow]]:
    while page := list(islice(rows, size)):
        yield page
