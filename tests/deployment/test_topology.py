"""scripts/topology.py and its proxy (scripts/balancer.py): the proxy shares connections out in
turn and passes bytes through intact; the topology starts its processes on the shared Redis and
a PostgreSQL database, screens and runs a job through the proxy, and stops every process on
SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from scripts.balancer import RoundRobin
from tests.conftest import POSTGRES_ADMIN_URL, free_port

ROOT = Path(__file__).resolve().parents[2]

#: Seconds the topology may take to start (two API processes and two workers on a busy machine).
START_SECONDS = 90


async def backend(name: bytes) -> tuple[asyncio.Server, int]:
    """A server that answers its name, then echoes what it reads until the client closes."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(name)
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def first_bytes(port: int) -> bytes:
    """The backend's name, read through the proxy; the connection closed at both ends."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write_eof()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    return answer


async def closed(proxy: RoundRobin) -> None:
    """Until the proxy has closed every connection of its clients (and of their backends)."""
    deadline = time.monotonic() + 10
    while proxy.clients:
        assert time.monotonic() < deadline, "connections left open"
        await asyncio.sleep(0.01)


async def test_the_proxy_sends_each_connection_to_the_next_backend() -> None:
    (a, port_a), (b, port_b) = await backend(b"a"), await backend(b"b")
    refused = free_port()  # nothing listens: skipped, as a process restarting would be
    proxies = RoundRobin([port_a, port_b]), RoundRobin([refused, port_a])
    both, one = [await proxy.serve(0) for proxy in proxies]
    try:
        answers = [await first_bytes(both.sockets[0].getsockname()[1]) for _ in range(4)]
        assert answers == [b"a", b"b", b"a", b"b"]
        answers = [await first_bytes(one.sockets[0].getsockname()[1]) for _ in range(3)]
        assert answers == [b"a", b"a", b"a"]
        for proxy in proxies:
            await closed(proxy)
    finally:
        for server in (both, one, a, b):
            server.close()


async def test_the_proxy_passes_bytes_through_intact() -> None:
    server, port = await backend(b">")
    balancer = RoundRobin([port])
    proxy = await balancer.serve(0)
    payload = os.urandom(3 * 1024 * 1024)  # more than the buffers: flow control both ways
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", proxy.sockets[0].getsockname()[1]
        )
        writer.write(payload)
        writer.write_eof()  # the half-close reaches the backend, and its answer comes back
        echoed = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        await writer.wait_closed()
        assert echoed == b">" + payload
        await closed(balancer)
    finally:
        proxy.close()
        server.close()


@pytest.fixture
def topology(
    tmp_path: Path, redis_url: str, job_prefix: str, postgres_url: str
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """`scripts/topology.py` started (2 API processes, 2 workers) and its description."""
    command = [
        sys.executable, str(ROOT / "scripts" / "topology.py"), "--port", str(free_port()),
        "--redis-url", redis_url, "--prefix", job_prefix, "--postgres-url", POSTGRES_ADMIN_URL,
        "--database", str(make_url(postgres_url).database), "--logs", str(tmp_path / "logs"),
    ]  # fmt: skip
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, **pipes) as process:  # type: ignore[call-overload]
        try:
            line = process.stdout.readline()  # the description, once everything answers
            if not line:
                pytest.fail(f"the topology did not start: {process.communicate(timeout=30)[1]}")
            yield process, json.loads(line)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(60)


def test_the_topology_serves_runs_jobs_and_stops(
    topology: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    process, described = topology
    url, processes = described["url"], described["processes"]
    assert [p["name"] for p in processes] == ["proxy", "api-1", "api-2", "worker-1", "worker-2"]
    with httpx.Client(base_url=url, timeout=30) as client:
        for api in processes[1:3]:
            ready = httpx.get(f"http://127.0.0.1:{api['port']}/ready", timeout=10).json()
            assert ready["database"]["database"] == "postgresql"
            assert ready["cache"]["backend"] == "redis"
        for _ in range(2):  # a new connection each: one API process each
            found = httpx.post(f"{url}/v1/screen", json={"name": "BelAZ"}, timeout=30).json()
            assert [m["entity_id"] for m in found["matches"]][:1] == ["by-belaz"]
        file = "Supplier name;Country\nBelAZ;BY\nAcme Trading GmbH;DE\n"
        job = client.post("/v1/jobs", files={"file": ("s.csv", file, "text/csv")}).json()
        deadline = time.monotonic() + START_SECONDS
        while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)  # the workers take it: the API processes' own worker is off
            job = client.get(f"/v1/jobs/{job['id']}").json()
        assert job["status"] == "done"
        assert (job["progress"]["rows_done"], job["progress"]["hits"]) == (2, 1)
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    for described_process in processes:  # every one of them ended, none left behind
        with pytest.raises(ProcessLookupError):
            os.kill(described_process["pid"], 0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)
