"""What a running app holds, built once by `create_app` and kept on `app.state`: the settings,
the watchlist holder, the metrics and, once started, the cache and the screening service.

No web framework here, so the command line and later job workers can build one too.
"""

from __future__ import annotations

from service.cache import ResultCache
from service.errors import Unavailable
from service.keys import KeySpace
from service.metrics import Metrics
from service.queries import Limits
from service.results import ScreeningService
from service.settings import Settings
from service.state import ScreenerHolder


class Runtime:
    def __init__(self, settings: Settings, holder: ScreenerHolder, metrics: Metrics) -> None:
        self.settings = settings
        self.limits = Limits.from_settings(settings)
        self.keys = KeySpace(settings.redis_key_prefix)
        self.holder = holder
        self.metrics = metrics
        self._screening: ScreeningService | None = None

    def start(self, cache: ResultCache) -> None:
        self._screening = ScreeningService(
            cache, self.keys, self.settings.cache_ttl_seconds, self.metrics
        )

    def stop(self) -> None:
        self._screening = None

    @property
    def screening(self) -> ScreeningService:
        if self._screening is None:
            raise Unavailable("the service is starting; retry shortly", code="not_started")
        return self._screening

    @property
    def cache(self) -> ResultCache | None:
        return self._screening.cache if self._screening else None
