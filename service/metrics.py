"""Prometheus metrics of one app instance, in a registry of its own (not the process-global
default), so several apps in one process, as in the tests, never share counters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: Latency buckets in seconds: a cache hit takes about a millisecond, a full batch seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self.requests = Counter(
            "screening_http_requests",
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "screening_http_request_duration_seconds",
            "Time from receiving a request to sending the last byte of its response.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.cache_hits = Counter(
            "screening_cache_hits", "Screened names answered from the result cache.",
            registry=self.registry,
        )  # fmt: skip
        self.cache_misses = Counter(
            "screening_cache_misses", "Screened names the engine had to match.",
            registry=self.registry,
        )  # fmt: skip
        self.matches_returned = Counter(
            "screening_matches_returned", "Matches returned across all screened names.",
            registry=self.registry,
        )  # fmt: skip
        self.watchlist_entities = Gauge(
            "screening_watchlist_entities", "Entities in the watchlist being screened against.",
            registry=self.registry,
        )  # fmt: skip
        self.watchlist_reloads = Counter(
            "screening_watchlist_reloads",
            "Watchlist loads, by trigger (startup, api, signal) and outcome (changed, "
            "unchanged, failed).",
            ["trigger", "outcome"],
            registry=self.registry,
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            # Looking labelled children up costs more than the rest of the bookkeeping: keep
            # them (the routes, methods and statuses seen are few).
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_screening(self, hits: int, misses: int, matches: int) -> None:
        if hits:
            self.cache_hits.inc(hits)
        if misses:
            self.cache_misses.inc(misses)
        if matches:
            self.matches_returned.inc(matches)

    def render(self) -> bytes:
        """The Prometheus text exposition format."""
        return generate_latest(self.registry)
