"""Prometheus metrics of one app instance, in a registry of its own (not the process-global
default), so several apps in one process, as in the tests, never share counters.

With a metrics directory (`PROMETHEUS_MULTIPROC_DIR`), the processes
of one machine each keep their values in files there (prometheus_client's multiprocess mode)
and any of them reports the total of all.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import values as metric_values
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

#: Latency buckets in seconds: a cache hit takes about a millisecond, a full batch seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

CONTENT_TYPE = CONTENT_TYPE_LATEST


def share_between_processes(directory: Path) -> None:
    """Keep the values of the metrics made from now on in `directory`, shared with the other
    processes that do the same (and with the children forked from this one)."""
    directory.mkdir(parents=True, exist_ok=True)
    # prometheus_client names each process's files after it and reads the directory from the
    # environment; it chooses its value class when imported, which may have been earlier.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    if not getattr(metric_values.ValueClass, "_multiprocess", False):
        metric_values.ValueClass = metric_values.MultiProcessValue()  # type: ignore[no-untyped-call]


def forget_process(directory: Path, pid: int) -> None:
    """A process sharing `directory` has ended: its gauges no longer count (its counters and
    histograms do, so totals never go down when a process is replaced)."""
    mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


class Metrics:
    def __init__(self, shared_dir: Path | None = None) -> None:
        """`shared_dir`: report the total of every process keeping its metrics there."""
        self._shared_dir = shared_dir
        if shared_dir is not None:
            share_between_processes(shared_dir)
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
            # Across processes: the value the most recently set by one still running (they
            # all serve one version, but for the moments a reload reaches them one by one).
            multiprocess_mode="livemostrecent",
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
        """The Prometheus text exposition format: of this app, or of every process sharing
        the metrics directory (read from their files at each call)."""
        if self._shared_dir is None:
            return generate_latest(self.registry)
        total = CollectorRegistry()
        MultiProcessCollector(total, str(self._shared_dir))  # type: ignore[no-untyped-call]
        return generate_latest(total)
