"""The production topology on one machine, on loopback: N API processes (`python -m service
serve`, one port each) behind a round-robin TCP proxy, M job workers (`python -m service
worker`), on a shared Redis (a key prefix of its own) and PostgreSQL (a database of its own,
created and migrated if missing). Runs until Ctrl-C or SIGTERM, then stops every process.

Run: python scripts/topology.py [--apis 2] [--workers 2] [--port 8080] [--database NAME]
It prints one JSON line when everything answers (the proxy's URL, each process's port and pid).
`bench/topology_bench.py` and `tests/deployment/test_topology.py` use `Topology` from here.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

#: Environment variables the topology sets for every process (the caller's others pass through).
MANAGED = (
    "REDIS_URL",
    "DATABASE_URL",
    "SCREENING_REDIS_KEY_PREFIX",
    "SCREENING_DATA_DIR",
    "SCREENING_EMBEDDED_WORKER",
)
#: The round-robin proxy in front of the API processes.
BALANCER = Path(__file__).with_name("balancer.py")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
#: An admin connection to the PostgreSQL server, from which the topology's database is made.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: Seconds a process may take to answer after its start (loading the watchlist), and to stop.
START_SECONDS = 120.0
STOP_SECONDS = 30.0
#: What a job worker logs once it takes chunks.
WORKER_STARTED = b'"worker started"'
#: Exit statuses of a process stopped as asked: uvicorn raises SIGTERM again once it has
#: shut down cleanly, so the API processes end "killed by SIGTERM".
CLEAN_EXITS = (0, -signal.SIGTERM, None)
#: Linux's prctl option that sends a child a signal when its parent dies.
_PR_SET_PDEATHSIG = 1


# --- the processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the topology's process dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Process:
    name: str
    command: list[str]
    log: Path
    port: int | None = None
    popen: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str], cwd: Path) -> None:
        with self.log.open("ab") as out:
            # A session of its own: Ctrl-C reaches the topology alone, which stops the
            # processes in order (the proxy first, the workers last).
            self.popen = subprocess.Popen(
                self.command,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after `STOP_SECONDS`; the exit status."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            return self.popen.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()


def wait_until(check: Callable[[], bool], what: str, processes: Sequence[Process]) -> None:
    """Poll `check` until it holds; fail at once if one of `processes` has exited."""
    deadline = time.monotonic() + START_SECONDS
    while not check():
        for process in processes:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited while waiting for {what}: {process.log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: no answer after {START_SECONDS:.0f} s")
        time.sleep(0.1)


def _started(worker: Process) -> bool:
    return WORKER_STARTED in worker.log.read_bytes()


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class Topology:
    """The processes of one topology; a context manager that starts and stops them all."""

    apis: int = 2
    workers: int = 2
    port: int = 0
    redis_url: str = DEFAULT_REDIS_URL
    prefix: str = "topology"
    postgres_url: str = DEFAULT_POSTGRES_URL
    database: str = "screening_topology"
    #: Where the logs (one file per process) and the processes' data directory go.
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="topology-")))
    #: More settings for every process (`SCREENING_*`), on top of the caller's environment.
    env: dict[str, str] = field(default_factory=dict)
    #: At stop: delete the prefix's Redis keys and drop the database (for benchmarks and tests).
    clean: bool = False
    processes: list[Process] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_ports(self) -> list[int]:
        return [p.port for p in self.processes if p.name.startswith("api") and p.port]

    def database_url(self) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.postgres_url).set(database=self.database)
        return url.render_as_string(hide_password=False)

    def environment(self) -> dict[str, str]:
        data = self.directory / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in MANAGED} | self.env
        return env | {
            "REDIS_URL": self.redis_url,
            "DATABASE_URL": self.database_url(),
            "SCREENING_REDIS_KEY_PREFIX": self.prefix,
            "SCREENING_DATA_DIR": str(data),
            # The job workers take the chunks: the API processes only accept and serve jobs.
            "SCREENING_EMBEDDED_WORKER": "false",
        }

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        create_database(self.postgres_url, self.database)
        env, python = self.environment(), sys.executable
        migrate = [python, "-m", "service", "migrate"]
        done = subprocess.run(migrate, env=env, cwd=self.directory, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the migration failed: {done.stderr.strip()}")
        self.port = self.port or free_port()
        apis = []
        for number in range(1, self.apis + 1):
            port = free_port()
            serve = [python, "-m", "service", "serve", "--port", str(port)]
            apis.append(Process(f"api-{number}", serve, self.directory / f"api-{number}.log", port))
        workers = [
            Process(f"worker-{n}", [python, "-m", "service", "worker"], self.log(f"worker-{n}"))
            for n in range(1, self.workers + 1)
        ]
        backends = ",".join(str(p.port) for p in apis)
        proxy_command = [python, str(BALANCER), str(self.port), backends]
        proxy = Process("proxy", proxy_command, self.log("proxy"), self.port)
        # Stopped in this order (see `stop`): the proxy first, the workers last.
        self.processes = [proxy, *apis, *workers]
        for process in [*apis, *workers, proxy]:
            process.start(env, self.directory)
        for api in apis:
            assert api.port is not None
            wait_until(partial(ready, api.port), f"{api.name} /ready", self.processes)
        for worker in workers:
            wait_until(partial(_started, worker), worker.name, workers)
        wait_until(lambda: ready(self.port), "the proxy", self.processes)

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def stop(self) -> dict[str, int | None]:
        """Stop every process (SIGTERM, in order); their exit statuses by name."""
        statuses = {process.name: process.stop() for process in self.processes}
        if self.clean:
            delete_keys(self.redis_url, self.prefix)
            drop_database(self.postgres_url, self.database)
        return statuses

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "processes": [
                {"name": p.name, "port": p.port, "pid": p.popen.pid if p.popen else None}
                for p in self.processes
            ],
            "redis": self.redis_url,
            "prefix": self.prefix,
            "database": self.database,
            "logs": str(self.directory),
        }

    def __enter__(self) -> Topology:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# --- Redis and PostgreSQL ------------------------------------------------------------------


def _admin(postgres_url: str) -> Any:
    import sqlalchemy

    return sqlalchemy.create_engine(postgres_url, isolation_level="AUTOCOMMIT")


def create_database(postgres_url: str, name: str) -> None:
    """Create the topology's database unless it exists (the migration makes its tables)."""
    import sqlalchemy

    engine = _admin(postgres_url)
    try:
        with engine.connect() as connection:
            query = sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.execute(query, {"name": name}).first() is None:
                connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def drop_database(postgres_url: str, name: str) -> None:
    import sqlalchemy

    engine = _admin(postgres_url)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def delete_keys(redis_url: str, prefix: str) -> None:
    """The prefix's keys, and those of its job queue (saq's), and nothing else."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        for pattern in (f"{prefix}:*", f"saq:{prefix}:*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
    finally:
        client.close()


# --- the command line ----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=2, help="API processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="job workers (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port (default 8080)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--prefix", default="topology", help="Redis key prefix of this topology")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="an admin connection to the PostgreSQL server (creates the database)",
    )
    parser.add_argument("--database", default="screening_topology")
    parser.add_argument("--logs", type=Path, help="directory of the logs (default: a new one)")
    parser.add_argument(
        "--clean", action="store_true", help="at stop, delete the Redis keys and the database"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    if args.apis < 1 or args.workers < 0:
        sys.exit("--apis must be at least 1, --workers at least 0")
    options: dict[str, Any] = {"directory": args.logs} if args.logs else {}
    topology = Topology(
        apis=args.apis,
        workers=args.workers,
        port=args.port,
        redis_url=args.redis_url,
        prefix=args.prefix,
        postgres_url=args.postgres_url,
        database=args.database,
        clean=args.clean,
        **options,
    )
    # SIGTERM as Ctrl-C: either stops what is started, in order, even while starting.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        topology.start()
        print(json.dumps(topology.describe()), flush=True)
        print(f"serving on {topology.url}; Ctrl-C stops it", file=sys.stderr, flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    for number in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C does not cut the stop short
        signal.signal(number, signal.SIG_IGN)
    statuses = topology.stop()
    print(f"stopped: {json.dumps(statuses)}", file=sys.stderr, flush=True)
    return 0 if all(status in CLEAN_EXITS for status in statuses.values()) else 1


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
