"""Shared fixtures: a small watchlist, settings free of the developer's environment, apps over
HTTP, and a real Redis server (never a mock) with one key prefix per test."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.screening.screener import Screener
from service.settings import Settings
from service.watchlist.loader import load_watchlist

FIXTURES = Path(__file__).parent / "fixtures"
#: Nine real Belarusian entities, enough for the README examples; independent of the seed.
WATCHLIST = FIXTURES / "watchlist.jsonl"
#: Read before any test clears the environment: where CI says Redis is.
REDIS_URL_FROM_ENV = os.environ.get("REDIS_URL")
_SERVICE_ENV = ("WATCHLIST_PATH", "REDIS_URL", "DATABASE_URL")
#: Where the test clients' requests arrive: a loopback address, as on a local install.
LOOPBACK_URL = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


class RedisProcess:
    """A `redis-server` of our own on a fixed port, which a test may stop and restart."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def commands(self) -> dict[str, int]:
        """Calls per command this server has answered (`INFO commandstats`), without the
        commands of looking (INFO) or of opening a connection (HELLO, CLIENT)."""
        client = redis.Redis.from_url(self.url)
        try:
            stats = client.info("commandstats")
        finally:
            client.close()
        return {
            name.removeprefix("cmdstat_"): int(stat["calls"])
            for name, stat in stats.items()
            if not name.startswith(("cmdstat_info", "cmdstat_hello", "cmdstat_client"))
        }

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL if set, else the local default server if it answers, else one we start."""
    if REDIS_URL_FROM_ENV:
        yield REDIS_URL_FROM_ENV
        return
    default = "redis://127.0.0.1:6379/0"
    if redis_answers(default):
        yield default
        return
    server = RedisProcess()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_db(redis_url: str) -> Iterator[redis.Redis]:
    """A plain client of the test Redis, for looking at what the service stored."""
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def key_prefix(redis_db: redis.Redis) -> Iterator[str]:
    """A key prefix of this test's own; its keys, and only they, are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    keys = list(redis_db.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        redis_db.delete(*keys)


@pytest.fixture
def job_prefix(key_prefix: str, redis_db: redis.Redis) -> Iterator[str]:
    """A key prefix for a jobs test; saq's keys of its queue (`saq:...`) go afterwards too."""
    yield key_prefix
    keys = list(redis_db.scan_iter(match=f"saq:*{key_prefix}:*", count=1000))
    if keys:
        redis_db.delete(*keys)


#: The PostgreSQL server of the database tests (trust auth, as on the build machines); another
#: one with POSTGRES_TEST_URL (an admin connection to any of its databases).
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_admin() -> Any:
    import sqlalchemy

    engine = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except sqlalchemy.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ADMIN_URL} ({exc.orig})")
    return engine


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    import sqlalchemy

    admin = _postgres_admin()
    name = f"screening_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    url = sqlalchemy.engine.make_url(POSTGRES_ADMIN_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The durable store's database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A redis-server for this test only, which it may stop and restart on the same port."""
    server = RedisProcess()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dead_redis_url() -> str:
    """A Redis URL on which nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture(autouse=True)
def _no_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests say every setting they need; the developer's environment does not leak in."""
    for name in list(os.environ):
        if name.startswith("SCREENING_") or name in _SERVICE_ENV:
            monkeypatch.delenv(name)


def make_settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


@pytest.fixture(name="make_settings")
def make_settings_fixture() -> Callable[..., Settings]:
    """Settings from the given values and the defaults only (no `.env`)."""
    return make_settings


@pytest.fixture(scope="session")
def screener() -> Screener:
    return Screener.build(load_watchlist([WATCHLIST]))


@pytest.fixture
def make_client(
    screener: Screener, tmp_path: Path
) -> Iterator[Callable[..., TestClient[Litestar]]]:
    """Start an app (memory cache and the fixture watchlist unless told otherwise) and return
    a client; every client is closed, and its app shut down, at the end of the test. Requests
    reach the app on 127.0.0.1 (`base_url`), as on a local install: open while no key has been
    created, with its own SQLite store (in the test's directory, shared by the test's apps)."""
    opened: list[TestClient[Litestar]] = []
    defaults = {"data_dir": tmp_path / "data"}

    def make(
        *,
        preload: bool = True,
        serving: Screener | None = None,
        base_url: str = LOOPBACK_URL,
        **overrides: Any,
    ) -> TestClient[Litestar]:
        """`serving`: a screener to serve instead of the fixture watchlist's."""
        settings = make_settings(**(defaults | overrides))
        app = create_app(settings, screener=(serving or screener) if preload else None)
        # The test client gives the app the URL's host as the address the request reached.
        client = TestClient(app, base_url=base_url)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient[Litestar]]) -> TestClient[Litestar]:
    return make_client()


@pytest.fixture
def redis_client(
    make_client: Callable[..., TestClient[Litestar]], redis_url: str, key_prefix: str
) -> TestClient[Litestar]:
    return make_client(redis_url=redis_url, redis_key_prefix=key_prefix)


def _wait_ready(client: TestClient[Litestar], timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get("/ready").json()
        # The load is over once it has also recorded its version (it holds the reload lock
        # until then: a reload asked meanwhile would get 409).
        loaded = body["watchlist"]["state"] != "loading" and not body["reload"]["in_progress"]
        if loaded or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


@pytest.fixture
def wait_ready() -> Callable[..., dict[str, Any]]:
    """Poll /ready until the watchlist is in (or has failed to load); return the last body."""
    return _wait_ready


def http_ready(base: str) -> dict[str, Any]:
    """The `/ready` body of a server at `base`, or {} while it does not answer."""
    try:
        body: dict[str, Any] = httpx.get(f"{base}/ready", timeout=1).json()
    except httpx.TransportError:
        return {}
    return body


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Poll `condition` for up to 30 s, failing at once (with its output) if `process` ends."""
    deadline = time.monotonic() + 30
    while not condition():
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[[Path], tuple[str, subprocess.Popen[str]]]]:
    """Start `python -m service serve` on a free port, serving a watchlist file, in the test's
    directory; returns its base URL and process once it is ready. Stopped at the end."""
    processes: list[subprocess.Popen[str]] = []

    def start(watchlist: Path) -> tuple[str, subprocess.Popen[str]]:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=os.environ | {"WATCHLIST_PATH": str(watchlist)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http_ready(base).get("ready") is True, process)
        return base, process

    yield start
    for process in processes:
        process.terminate()
        process.communicate(timeout=15)


# --- Real server processes, for the tests of several together ---------------------------------

#: Longest wait for a condition on other processes, in seconds: far above what it takes on an
#: idle machine (milliseconds to a second), so that a loaded one does not fail the test.
DEADLINE_SECONDS = 30.0


class Served:
    """One server started by the test: its base URL and process."""

    def __init__(self, base: str, process: subprocess.Popen[str]) -> None:
        self.base = base
        self.process = process

    def ready(self) -> dict[str, Any]:
        return http_ready(self.base)

    def version(self) -> str | None:
        version: str | None = self.ready().get("watchlist", {}).get("version")
        return version


def eventually(condition: Callable[[], bool], *processes: Served) -> None:
    """Poll `condition` until it holds, failing at once (with its output) if a process ends."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for served in processes:
            assert served.process.poll() is None, served.process.communicate()[0]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `serve` (with `--workers N` if given) in the test's directory, with the settings
    given as environment variables (and none of the developer's); wait until it is ready."""
    started: list[Served] = []
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    for name in ("REDIS_URL", "DATABASE_URL", "WATCHLIST_PATH", "PROMETHEUS_MULTIPROC_DIR"):
        base_env.pop(name, None)

    def start(env: dict[str, str], workers: int | None = None) -> Served:
        port = free_port()
        command = [sys.executable, "-m", "service", "serve", "--port", str(port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=base_env | {"SCREENING_DATA_DIR": str(tmp_path / "data")} | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        served = Served(f"http://127.0.0.1:{port}", process)
        started.append(served)
        eventually(lambda: served.ready().get("ready") is True, served)
        return served

    yield start
    for served in started:
        served.process.send_signal(signal.SIGTERM)
    for served in started:
        served.process.communicate(timeout=60)


def screen(base: str, name: str, client: httpx.Client | None = None, key: str | None = None) -> int:
    """POST /v1/screen (on a new connection without `client`, so any worker may take it) with
    the API key given, if any; its status."""
    headers = {"X-API-Key": key} if key else {}
    response = (client or httpx).post(
        f"{base}/v1/screen", json={"name": name}, headers=headers, timeout=10
    )
    return response.status_code
