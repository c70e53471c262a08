"""What a running app holds, built once by `create_app` and kept on `app.state`: the settings,
the watchlist holder, the metrics and, once started, the cache, the screening service, the
watchlist versions kept, the reloader (new versions announced to the webhooks), the durable
store with the key checks, rate limits and the audit writer.

No web framework here, so the command line and later job workers can build one too.
"""

from __future__ import annotations

import asyncio
from functools import partial

import anyio.to_thread

from service.auth.callers import Authenticator, Caller
from service.auth.ratelimit import (
    REQUESTS,
    REQUESTS_WINDOW_SECONDS,
    ROWS,
    ROWS_WINDOW_SECONDS,
    RateLimiter,
    effective_limit,
)
from service.errors import RateLimited, StoreUnavailable, Unavailable
from service.keyspace import KeySpace
from service.lifecycle import announcements
from service.lifecycle.reload import ReloadAttempt, Reloader, ReloadOutcome
from service.lifecycle.state import ScreenerHolder, load_screener
from service.lifecycle.supervision import Supervision, SupervisorLink
from service.lifecycle.versions import VersionStore
from service.metrics import Metrics
from service.screening.cache import ResultCache
from service.screening.queries import Limits
from service.screening.results import ScreeningService
from service.settings import Settings
from service.store import Store
from service.store.audit import ScreeningRecord
from service.store.journal import AuditJournal, encode
from service.store.writer import AuditWriter
from service.webhooks.events import announce_watchlist

#: Audit records of one answer appended to the journal on the event loop; more (a batch's) are
#: encoded in a worker thread first.
INLINE_RECORDS = 64
#: Seconds between two attempts to announce a new watchlist version while the database does
#: not answer.
ANNOUNCE_RETRY_SECONDS = 1.0


class Runtime:
    def __init__(
        self,
        settings: Settings,
        holder: ScreenerHolder,
        metrics: Metrics,
        supervision: Supervision | None = None,
    ) -> None:
        """`supervision`: this process was forked by `serve --workers`, whose supervisor
        loads the watchlist for it."""
        self.settings = settings
        self.supervision = supervision
        self._link: SupervisorLink | None = None
        self.limits = Limits.from_settings(settings)
        self.keys = KeySpace(settings.redis_key_prefix)
        self.holder = holder
        self.metrics = metrics
        self._screening: ScreeningService | None = None
        self._reloader: Reloader | None = None
        self._versions: VersionStore | None = None
        self._store: Store | None = None
        self._auth: Authenticator | None = None
        self._limiter: RateLimiter | None = None
        self._audit: AuditWriter | None = None
        self._journal: AuditJournal | None = None

    def start(
        self, cache: ResultCache, versions: VersionStore, store: Store, limiter: RateLimiter
    ) -> None:
        """Start the parts; the store's database may not answer yet (`open_audit` follows
        once it does)."""
        self._screening = ScreeningService(
            cache, self.keys, self.settings.cache_ttl_seconds, self.metrics
        )
        self._versions = versions
        # The one place that says what a (re)load reads: the configured watchlist.
        load = partial(
            load_screener, self.settings.watchlist_sources, self.settings.watchlist_filter
        )
        supervision = self.supervision
        self._link = supervision.link(self._noted) if supervision is not None else None
        # A supervised process's reloads are its supervisor's, which tells the others itself.
        announcing = self.settings.redis_url is not None and supervision is None
        self._reloader = Reloader(
            self.holder,
            versions,
            self.metrics,
            load,
            self.settings.reload_max_shrink,
            on_change=self._announce_version,
            on_reload=self._announce_reload if announcing else None,
            remote=self._link,
        )
        if supervision is not None:
            self._reloader.last = supervision.last
        self._store = store
        self._auth = Authenticator(store.keys, cache_seconds=self.settings.key_cache_seconds)
        self._limiter = limiter

    def _noted(self, attempt: ReloadAttempt) -> None:
        if self._reloader is not None:
            self._reloader.note(attempt)

    async def _announce_reload(self, outcome: ReloadOutcome) -> None:
        """Tell the other processes of the deployment (Redis): they load the watchlist too."""
        if self.settings.redis_url:
            await announcements.announce(self.settings.redis_url, self.keys, outcome.version)

    @property
    def link(self) -> SupervisorLink | None:
        """The link to the supervisor of a process forked by `serve --workers`."""
        return self._link

    async def _announce_version(self, outcome: ReloadOutcome) -> None:
        """Tell the webhooks of a new watchlist version (`watchlist.updated`), once the
        database answers: at start-up the watchlist may be loaded before it does."""
        while True:
            try:
                await anyio.to_thread.run_sync(
                    partial(
                        announce_watchlist,
                        self.store,
                        version=outcome.version,
                        entities=outcome.entities,
                        sources=outcome.sources,
                        loaded_at=outcome.loaded_at,
                    )
                )
                return
            except StoreUnavailable:
                await asyncio.sleep(ANNOUNCE_RETRY_SECONDS)

    def open_audit(self, journal: AuditJournal | None) -> None:
        """The database answers: record screenings from now on, in the journal (SQLite) or
        through the group-commit writer (PostgreSQL). No-op with the audit off."""
        if not self.settings.audit_enabled:
            return
        if journal is not None:
            journal.start(asyncio.get_running_loop())
            self._journal = journal
        else:
            self._audit = AuditWriter(
                self.store.audit, unflushed=self.settings.audit_commit_unflushed
            )

    async def close_audit(self) -> None:
        """Commit what the audit writer holds and close its connection (on the loop it ran
        on); `stop` copies the journal."""
        if self._audit is not None:
            await self._audit.close()
            self._audit = None

    def stop(self) -> None:
        """Forget the parts; the audit journal is copied in first (`close_audit` before)."""
        if self._journal is not None:
            self._journal.close()
        self._screening = None
        self._link = None
        self._reloader = None
        self._versions = None
        self._auth = None
        self._audit = None
        self._journal = None
        self._limiter = None
        self._store = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise _not_started()
        return self._store

    @property
    def auth(self) -> Authenticator:
        if self._auth is None:
            raise _not_started()
        return self._auth

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:
            raise _not_started()
        return self._limiter

    @property
    def auditing(self) -> bool:
        return self.settings.audit_enabled

    async def record(self, records: list[ScreeningRecord]) -> None:
        """Make the audit records of an answer safe before it is sent (no-op with audit off):
        appended to the journal (SQLite), or committed (PostgreSQL). `StoreUnavailable` while
        the database has not answered yet since start-up: no answer without its record."""
        if self._journal is not None:
            if len(records) > INLINE_RECORDS:
                # A batch's records (as large as its answer): encoded off the event loop.
                data = await anyio.to_thread.run_sync(encode, records)
                await self._journal.append_many(data)
            else:
                self._journal.append(records)
        elif self._audit is not None:
            await self._audit.write(records)
        elif self.settings.audit_enabled:
            raise self.store.availability.unavailable()

    async def audit_caught_up(self) -> None:
        """Before reading the audit trail: every record written so far is in the database."""
        if self._journal is not None:
            await self._journal.caught_up()

    async def limit(self, caller: Caller, *, rows: int = 0) -> None:
        """Count a request (or `rows` batch rows) against the caller's rate limit; raise
        `RateLimited` beyond it. Open mode has no limits."""
        key = caller.key
        if key is None or self._limiter is None:
            return
        settings = self.settings
        if rows:
            bucket, window, unit, cost = ROWS, ROWS_WINDOW_SECONDS, "batch rows per hour", rows
            limit = effective_limit(key.rows_per_hour, settings.rate_limit_rows_per_hour)
        else:
            bucket, window, unit, cost = REQUESTS, REQUESTS_WINDOW_SECONDS, "requests per minute", 1
            limit = effective_limit(
                key.requests_per_minute, settings.rate_limit_requests_per_minute
            )
        if limit == 0:
            return
        verdict = await self._limiter.take(bucket, key.id, cost, limit, window)
        if not verdict.allowed:
            raise RateLimited(
                f"the key {key.id} is over its limit of {limit:,} {unit}; retry in "
                f"{verdict.retry_after:.0f} s",
                retry_after=verdict.retry_after,
            )

    @property
    def screening(self) -> ScreeningService:
        if self._screening is None:
            raise _not_started()
        return self._screening

    @property
    def reloader(self) -> Reloader:
        if self._reloader is None:
            raise _not_started()
        return self._reloader

    @property
    def versions(self) -> VersionStore:
        if self._versions is None:
            raise _not_started()
        return self._versions

    @property
    def cache(self) -> ResultCache | None:
        return self._screening.cache if self._screening else None


def _not_started() -> Unavailable:
    return Unavailable("the service is starting; retry shortly", code="not_started")
