"""The command line, run as a user runs it: `python -m service screen` and a real `serve`
(subprocess, free port, HTTP), including `WATCHLIST_PATH` replacing the seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.watchlist.loader import SEED_PATH, load_watchlist

FIXTURE = Path(__file__).parent / "fixtures" / "watchlist.jsonl"
OTHER = '{"id": "xx-zorkiy", "name": "Zorkiy Optical Instruments Works", "country": ["XX"]}\n'


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=cwd,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_screen_prints_matches_with_explanations(tmp_path: Path) -> None:
    done = run_cli("screen", "Legmash Orsha", cwd=tmp_path, WATCHLIST_PATH=str(FIXTURE))
    assert done.returncode == 0, done.stderr
    assert "[by-legmash]" in done.stdout
    assert "legmash = legmash (exact 1.00)" in done.stdout
    for heading in ("matched", "words", "unmatched", "coverage", "legal forms", "listed by"):
        assert f"   {heading} " in done.stdout


def test_screen_json_has_the_api_shape(tmp_path: Path) -> None:
    done = run_cli(
        "screen", "Zavod SVT", "--country", "BY", "--threshold", "0.9", "--limit", "2", "--json",
        cwd=tmp_path, WATCHLIST_PATH=str(FIXTURE),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert (body["country"], body["threshold"], body["limit"]) == ("BY", 0.9, 2)
    assert body["matches"][0]["entity_id"] == "by-zavod-svt"
    assert body["watchlist_version"] == load_watchlist([FIXTURE]).version


def test_screen_no_match(tmp_path: Path) -> None:
    done = run_cli("screen", "Acme Garden Furniture", cwd=tmp_path, WATCHLIST_PATH=str(FIXTURE))
    assert done.returncode == 0
    assert "No match." in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen", " "], "name is empty (name_empty)"),
        (["screen", "MAZ", "--threshold", "3"], "threshold_out_of_range"),
        (["screen", "MAZ", "--country", "Atlantis"], "country_invalid"),
    ],
)
def test_screen_bad_input_exits_2_with_a_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = run_cli(*args, cwd=tmp_path, WATCHLIST_PATH=str(FIXTURE))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_screen_unreadable_watchlist_exits_2(tmp_path: Path) -> None:
    done = run_cli("screen", "MAZ", cwd=tmp_path, WATCHLIST_PATH=str(tmp_path / "none.jsonl"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr


def test_bad_setting_exits_2(tmp_path: Path) -> None:
    done = run_cli("screen", "MAZ", cwd=tmp_path, SCREENING_DEFAULT_THRESHOLD="2")
    assert done.returncode == 2
    assert "default_threshold" in done.stderr


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("frobnicate", cwd=tmp_path)
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Servers:
    """`python -m service serve` processes on free ports; calling it starts one."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.processes: list[subprocess.Popen[str]] = []

    def __call__(self, **env: str) -> str:
        """Start a server with `env` added to the environment; return its base URL."""
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port)],
            cwd=self.cwd,
            env=os.environ | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)

    def stop(self) -> list[str]:
        """Stop every server started; return what each wrote (standard output and error)."""
        outputs = []
        for process in self.processes:
            process.terminate()
            outputs.append(process.communicate(timeout=15)[0])
        self.processes.clear()
        return outputs


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Servers]:
    servers = Servers(tmp_path)
    yield servers
    servers.stop()


def test_serve_starts_and_screens(serve: Any) -> None:
    base = serve(WATCHLIST_PATH=str(FIXTURE))
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    response = httpx.post(f"{base}/v1/screen", json={"name": "ОАО «БЕЛАЗ»"})
    assert response.status_code == 200
    assert response.json()["matches"][0]["entity_id"] == "by-belaz"
    assert "x-request-id" in response.headers


def test_watchlist_path_replaces_the_seed(serve: Any, tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(OTHER, encoding="utf-8")
    base = serve(WATCHLIST_PATH=str(other))
    ready = httpx.get(f"{base}/ready").json()
    assert ready["watchlist"] == {
        "state": "ready", "version": load_watchlist([other]).version, "entities": 1, "error": None,
    }  # fmt: skip
    found = httpx.post(
        f"{base}/v1/screen", json={"name": "Zorkiy Optical Instruments Works"}
    ).json()
    assert [m["entity_id"] for m in found["matches"]] == ["xx-zorkiy"]
    seed_name = httpx.post(f"{base}/v1/screen", json={"name": "Zavod SVT"}).json()
    assert seed_name["matches"] == []


@pytest.mark.skipif(not SEED_PATH.exists(), reason="the seed watchlist is not built")
def test_serve_without_configuration_screens_the_seed(serve: Any) -> None:
    base = serve()
    ready = httpx.get(f"{base}/ready").json()
    assert ready["watchlist"]["version"] == load_watchlist().version
    assert ready["cache"] == {"backend": "memory", "state": "ok"}
    expected = {
        "ОАО «БЕЛАЗ»": "by-belaz",
        "Minsk Wheeled Tractor Plant": "by-mzkt",
        "Legmash Orsha": "by-legmash",
        "Zavod SVT": "by-zavod-svt",
    }
    for name, entity_id in expected.items():
        body = httpx.post(f"{base}/v1/screen", json={"name": name}).json()
        assert body["matches"][0]["entity_id"] == entity_id, name
        assert body["matches"][0]["explanation"]["matched_tokens"], name


def test_serve_logs_json_and_each_request_once(serve: Servers) -> None:
    base = serve(WATCHLIST_PATH=str(FIXTURE))
    headers = {"X-Request-ID": "cli-1"}
    assert httpx.post(f"{base}/v1/screen", json={"name": "Zavod SVT"}, headers=headers).is_success
    [output] = serve.stop()
    lines = [json.loads(line) for line in output.splitlines()]  # every line is JSON
    request = [line for line in lines if line["request_id"] == "cli-1"]
    assert [line["logger"] for line in request] == ["service.access"]
    assert "Zavod" not in output
