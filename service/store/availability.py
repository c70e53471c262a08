"""Whether the database answers, as this process sees it. Every call of the store goes through
`Availability.guard`, which turns an outage — the database down or restarting, its connections
cut, not reachable yet since start-up, the connection pool exhausted — into `StoreUnavailable`
(HTTP 503 with `Retry-After`), logs each outage once when it starts and once when it ends, and
while one lasts lets a single call try the database every `PROBE_SECONDS` instead of every
request waiting on a connection that cannot be made.

An error that is not an outage (a wrong query: a bug) goes up unchanged. No web framework here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Concatenate, Literal, ParamSpec, Protocol, TypeVar

from sqlalchemy import exc as sa

from service.errors import StoreUnavailable

log = logging.getLogger(__name__)

#: Seconds between two calls that try the database while it is down: the others are refused
#: at once. Also the longest a request waits for a returned database to be noticed.
PROBE_SECONDS = 0.5
#: Seconds a client is told to wait (`Retry-After`) while the database does not answer.
RETRY_AFTER_SECONDS = 2.0

State = Literal["starting", "ok", "down"]


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database cannot be used now (rather than that a query is wrong):
    no connection, a connection cut or refused, the pool exhausted, SQLite busy past its wait or
    its file unwritable. Raw driver errors count too: the audit writers use DBAPI connections."""
    if isinstance(error, sa.TimeoutError):  # no connection free in the pool in time
        return True
    if isinstance(error, sa.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, sa.OperationalError | sa.InterfaceError
        )
    if isinstance(error, sqlite3.OperationalError):
        return True
    # The PostgreSQL driver is an extra (`postgres`): its errors are known once it is imported,
    # and none can be raised before.
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(
        error, psycopg.OperationalError | psycopg.InterfaceError
    )


def describe(error: BaseException) -> str:
    """The error in one line, for the log (never a traceback)."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0] if text else ''}".rstrip(": ")


def _reason(error: BaseException) -> str:
    """The error as clients and `/ready` see it: its kind, not the database's address."""
    cause = getattr(error, "orig", None) or error
    return f"{type(cause).__name__} (details in the log)"


class Availability:
    """The database's state for this process: `starting` until the tables are migrated (the
    service starts before its database), then `ok`, or `down` during an outage."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.state: State = "starting"
        #: Why the database is not answering (the last error's kind), while starting or down.
        self.error: str | None = None
        #: When the current state began.
        self.since = datetime.now(UTC)
        self._lock = threading.Lock()
        self._down_at = 0.0
        self._next_probe = 0.0
        self._refused = 0

    def unavailable(self) -> StoreUnavailable:
        """The error of a call refused now."""
        if self.state == "starting":
            message = "the database is not reachable yet (the service is starting)"
        else:
            message = "the database is not reachable"
        return StoreUnavailable(f"{message}; retry shortly", retry_after=RETRY_AFTER_SECONDS)

    def opened(self) -> None:
        """The tables are migrated: calls go to the database from now on."""
        with self._lock:
            self.state, self.error, self.since = "ok", None, datetime.now(UTC)

    def starting_failed(self) -> None:
        """The database could not be opened at start-up (`/ready` says so; the log why)."""
        self.error = "the database cannot be reached or migrated (details in the log)"

    def admit(self) -> None:
        """Let a call go to the database, or refuse it: always while starting; while down,
        all but one call per `PROBE_SECONDS`."""
        if self.state == "ok":
            return
        with self._lock:
            if self.state == "starting":
                raise self.unavailable()
            if self.state == "down":
                now = time.monotonic()
                if now < self._next_probe:
                    self._refused += 1
                    raise self.unavailable()
                self._next_probe = now + PROBE_SECONDS  # this call tries the database

    def failed(self, error: BaseException) -> StoreUnavailable | None:
        """Note a failed call: for an outage, the error to raise instead (and the outage's
        one log line when it is the first failure); None when it is not an outage."""
        if not is_outage(error):
            return None
        with self._lock:
            self.error = _reason(error)
            if self.state == "ok":
                self.state, self.since = "down", datetime.now(UTC)
                self._down_at = time.monotonic()
                self._next_probe = self._down_at + PROBE_SECONDS
                self._refused = 0
                log.error(
                    "database unavailable: requests that need it are answered 503 until it is back",
                    extra={"database": self.database, "error": describe(error)},
                )
        return self.unavailable()

    def succeeded(self, started: float) -> None:
        """Note a call that reached the database, begun at `started` (monotonic seconds): the
        end of an outage, if one was going on when it began (a call begun before the outage
        that ends well says nothing of the database now)."""
        if self.state != "down":
            return
        with self._lock:
            if self.state != "down" or started < self._down_at:
                return
            self.state, self.error, self.since = "ok", None, datetime.now(UTC)
            log.warning(
                "database available again",
                extra={
                    "database": self.database,
                    "seconds_down": round(time.monotonic() - self._down_at, 3),
                    "refused_calls": self._refused,
                },
            )

    @contextlib.contextmanager
    def guard(self, *, admit: bool = True) -> Iterator[None]:
        """Around one call to the database: refused while it is known to be unavailable
        (unless `admit` is false: the next step of a call already let through); an outage
        raised as `StoreUnavailable`."""
        if admit:
            self.admit()
        started = time.monotonic()
        try:
            yield
        except Exception as exc:
            replacement = self.failed(exc)
            if replacement is None:
                raise
            raise replacement from None
        self.succeeded(started)


class Guarded(Protocol):
    @property
    def availability(self) -> Availability: ...


G = TypeVar("G", bound=Guarded)
P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[Concatenate[G, P], R]) -> Callable[Concatenate[G, P], R]:
    """A store method whose database calls go through its store's `Availability.guard`."""

    @functools.wraps(method)
    def call(self: G, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.availability.guard():
            return method(self, *args, **kwargs)

    return call
