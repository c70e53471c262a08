"""A real uvicorn server in a subprocess for the access and contract tests: the app as the
container image runs it (`uvicorn --factory`), on the address given, with its own data
directory (a fresh SQLite store) and the fixture watchlist."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]
WATCHLIST = ROOT / "tests/fixtures/watchlist.jsonl"
#: Seconds a server has to load the fixture watchlist and answer /ready.
START_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    port: int
    process: subprocess.Popen[bytes]

    host: str

    def url(self, host: str | None = None) -> str:
        """The server's URL, reached on `host` (by default the address it listens on, or
        127.0.0.1 for a wildcard)."""
        host = host or ("127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host)
        return f"http://{host}:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def public_address() -> str | None:
    """An address of this machine that is not loopback, if it has one (none is sent: a UDP
    socket's connect only picks the route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, only routed
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a server: the caller's, without its service settings."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SCREENING_") and k not in ("REDIS_URL", "DATABASE_URL")
    }
    settings = {
        "SCREENING_DATA_DIR": str(data_dir),
        "WATCHLIST_PATH": str(WATCHLIST),
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    return base | settings | extra


@contextmanager
def uvicorn_server(host: str, env: dict[str, str], log: Path) -> Iterator[Server]:
    """uvicorn serving the app on `host`, ready (its watchlist loaded); stopped afterwards."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app",
        "--host", host, "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    server = Server(port, process, host)
    try:
        _wait_ready(server, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(server.url() + "/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not get ready: {log.read_text()[-2000:]}")
        time.sleep(0.1)
