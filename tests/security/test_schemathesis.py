"""Schemathesis over the OpenAPI document, against a real uvicorn server: in open mode (a
fresh install reached on 127.0.0.1) and with an admin key. Every response must conform to the
document (status, content type, headers, body), no request may get a 5xx, a request the
document calls invalid must be refused, a method a path lacks must get 405 with `Allow`, and
with a key, a request without one must get 401.

Run through schemathesis's command line (its examples, coverage and fuzzing phases): its
pytest integration (`schemathesis.pytest.from_fixture`) fails on pytest 9 (it reads
`request.node._nodeid`, which pytest 9 removed). A bounded number of examples per operation
(`EXAMPLES`), from a fixed seed, keeps the run short and repeatable; raise it to search harder
(`SCREENING_SCHEMATHESIS_EXAMPLES=500 pytest tests/security/test_schemathesis.py`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from .contract_server import ROOT, Server, server_env, uvicorn_server

#: Examples per operation and generation phase; the default keeps each run to seconds.
EXAMPLES = int(os.environ.get("SCREENING_SCHEMATHESIS_EXAMPLES", "30"))
#: Seconds one request may take (a job upload included) before it counts as a hang.
REQUEST_TIMEOUT = 30
#: Seconds a whole run may take.
RUN_TIMEOUT = 300
#: What every response is checked for.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
)


@pytest.fixture(scope="module")
def redis_prefix(redis_url: str) -> Iterator[tuple[str, str]]:
    """The test Redis and a key prefix of this module's own, deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex}"
    yield redis_url, prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}.*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def _serve(
    tmp_path_factory: pytest.TempPathFactory, redis_prefix: tuple[str, str], name: str
) -> Iterator[tuple[Server, Path]]:
    workdir = tmp_path_factory.mktemp(name)
    url, prefix = redis_prefix
    env = server_env(workdir / "data", REDIS_URL=url, SCREENING_REDIS_KEY_PREFIX=f"{prefix}.{name}")
    admin_key = ""
    if name == "keyed":
        made = subprocess.run(
            [sys.executable, "-m", "service", "keys", "create", "--name", "st", "--role", "admin"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        admin_key = made.stdout.strip()
    (workdir / "key").write_text(admin_key)
    with uvicorn_server("127.0.0.1", env, workdir / "server.log") as server:
        yield server, workdir


@pytest.fixture(scope="module")
def open_server(
    tmp_path_factory: pytest.TempPathFactory, redis_prefix: tuple[str, str]
) -> Iterator[tuple[Server, Path]]:
    yield from _serve(tmp_path_factory, redis_prefix, "open")


@pytest.fixture(scope="module")
def keyed_server(
    tmp_path_factory: pytest.TempPathFactory, redis_prefix: tuple[str, str]
) -> Iterator[tuple[Server, Path]]:
    yield from _serve(tmp_path_factory, redis_prefix, "keyed")


def _schemathesis(server: Server, workdir: Path, *options: str) -> None:
    """Run schemathesis against `server`; fail with its report unless every check passed."""
    command = [
        sys.executable, "-m", "schemathesis.cli", "run",
        server.url() + "/schema/openapi.json",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(EXAMPLES),
        "--seed", "1",
        "--generation-deterministic",
        "--request-timeout", str(REQUEST_TIMEOUT),
        "--workers", "1",
        "--no-color",
        *options,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20_000:]
    assert " passed" in report and "failures" not in report.lower().split("summary")[-1]


def test_open_mode(open_server: tuple[Server, Path]) -> None:
    server, workdir = open_server
    # Creating a key ends the open mode for good: that operation is run with a key only.
    _schemathesis(
        server, workdir, "--checks", ",".join(CHECKS), "--exclude-operation-id", "createKey"
    )


def test_with_an_admin_key(keyed_server: tuple[Server, Path]) -> None:
    server, workdir = keyed_server
    key = (workdir / "key").read_text()
    _schemathesis(
        server, workdir, "--checks", ",".join((*CHECKS, "ignored_auth")), "--header",
        f"X-API-Key: {key}",
    )  # fmt: skip
