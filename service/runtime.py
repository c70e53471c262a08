"""What a running app holds, built once by `create_app` and kept on `app.state`: the settings,
the watchlist holder, the metrics and, once started, the cache, the screening service, the
watchlist versions kept and the reloader.

No web framework here, so the command line and later job workers can build one too.
"""

from __future__ import annotations

from functools import partial

from service.cache import ResultCache
from service.errors import Unavailable
from service.keys import KeySpace
from service.metrics import Metrics
from service.queries import Limits
from service.reload import Reloader
from service.results import ScreeningService
from service.settings import Settings
from service.state import ScreenerHolder, load_screener
from service.versions import VersionStore


class Runtime:
    def __init__(self, settings: Settings, holder: ScreenerHolder, metrics: Metrics) -> None:
        self.settings = settings
        self.limits = Limits.from_settings(settings)
        self.keys = KeySpace(settings.redis_key_prefix)
        self.holder = holder
        self.metrics = metrics
        self._screening: ScreeningService | None = None
        self._reloader: Reloader | None = None
        self._versions: VersionStore | None = None

    def start(self, cache: ResultCache, versions: VersionStore) -> None:
        self._screening = ScreeningService(
            cache, self.keys, self.settings.cache_ttl_seconds, self.metrics
        )
        self._versions = versions
        # The one place that says what a (re)load reads: the configured watchlist.
        load = partial(
            load_screener, self.settings.watchlist_sources, self.settings.watchlist_filter
        )
        self._reloader = Reloader(self.holder, versions, self.metrics, load)

    def stop(self) -> None:
        self._screening = None
        self._reloader = None
        self._versions = None

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
