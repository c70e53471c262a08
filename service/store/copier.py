"""The audit journal's copier: a process of its own, started by a serving process
(`AuditJournal.start`), that copies that process's journal into the SQLite database, so that
neither the reading of the journal nor SQLite's work runs on the serving process's event loop
(with two cores, the copy runs beside it instead of between its requests).

It reads the paths of its parent's journal files on standard input, one a line, in the order
they were opened; copies their whole lines every `COPY_SECONDS`, many per transaction; and
deletes a file once copied when a newer one follows (the parent writes only to the newest).
`close` on a line: copy everything, delete the files, exit (0 when all were copied). The end
of its input without `close`: the parent died; it exits at once, and the parent's journal is
copied in by the next process that looks, as any dead process's is. It never answers anything:
readers wait for a record to be in the database (`AuditJournal.caught_up`).
"""

from __future__ import annotations

import json
import logging
import os
import select
import sys
import time
from pathlib import Path
from typing import Any

from service.store.audit import AuditStore
from service.store.availability import Availability
from service.store.database import open_engine
from service.store.journal import JournalFile, copy_file, copying_connection, is_busy

log = logging.getLogger(__name__)
#: Seconds between two copies: records gather meanwhile, so that each transaction carries many.
COPY_SECONDS = 0.05
#: How long a copy waits for another process's hold on the database, in milliseconds, before
#: it tries again at the next copy; and the last copy, at `close`.
_BUSY_MS = 1_000
_CLOSE_BUSY_MS = 30_000
#: Most bytes of journal read in one go (memory stays bounded whatever a batch left behind).
_READ_BYTES = 8 * 1024 * 1024


class _JsonLines(logging.Formatter):
    """The service's log format (`service.logs`): one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {"level": record.levelname.lower(), "logger": record.name}
        fields["message"] = record.getMessage()
        fields |= {k: v for k, v in vars(record).items() if k in ("error", "records")}
        return json.dumps(fields, default=str)


class Copier:
    def __init__(self, store: AuditStore) -> None:
        self.store = store
        self.files: list[JournalFile] = []
        self._connection: Any = None
        self._failing = False

    def add(self, path: Path) -> None:
        """A new journal file of the parent: the ones before are complete."""
        for item in self.files:
            item.closed = True
        self.files.append(JournalFile(path))

    def copy(self, busy_ms: int) -> bool:
        """Copy what the files hold now; delete those copied and closed. True when all of it
        was copied (False: the database was busy or failed; the records wait)."""
        try:
            self._connection = copying_connection(self.store, self._connection, busy_ms)
            for item in list(self.files):
                while sum(copy_file(self.store, self._connection, item, [_READ_BYTES])):
                    pass
                if item.closed and item.copied >= item.path.stat().st_size:
                    item.path.unlink()
                    self.files.remove(item)
        except Exception as exc:  # busy or down: the journal keeps the records meanwhile
            if not is_busy(exc) and not self._failing:
                log.error("audit journal copy failed", extra={"error": repr(exc)})
                self._failing = True
            self._connection = None
            return False
        if self._failing:
            log.warning("audit journal copied again")
        self._failing = False
        return True

    def finish(self) -> int:
        """The parent closes: copy all, delete every file; the exit status."""
        for item in self.files:
            item.closed = True
        return 0 if self.copy(_CLOSE_BUSY_MS) and not self.files else 1


def run(url: str) -> int:
    copier = Copier(AuditStore(open_engine(url), Availability("sqlite")))
    stdin = sys.stdin.buffer.fileno()
    received = b""
    next_copy = time.monotonic() + COPY_SECONDS
    while True:
        wait = max(0.0, next_copy - time.monotonic())
        readable, _, _ = select.select([stdin], [], [], wait)
        if readable:
            chunk = os.read(stdin, 65536)
            if not chunk:  # the parent died: the next process copies its journal in
                return 0
            *lines, received = (received + chunk).split(b"\n")
            for line in lines:
                if line == b"close":
                    return copier.finish()
                copier.add(Path(os.fsdecode(line)))
        if time.monotonic() >= next_copy:
            copier.copy(_BUSY_MS)
            next_copy = time.monotonic() + COPY_SECONDS


def main() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_JsonLines())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    sys.exit(run(sys.argv[1]))


if __name__ == "__main__":
    main()
