"""Structured logs: one JSON object per line with the request id; screened names stay out of
the logs unless `log_queries` is on, and API keys always (their public id is logged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient


def access_lines(text: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "service.access"]


def test_access_log_is_one_json_object_per_request(
    client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = client.post(
        "/v1/screen", json={"name": "Zavod SVT"}, headers={"X-Request-ID": "r-1"}
    )
    [line] = access_lines(capsys.readouterr().err)
    assert line["request_id"] == "r-1" == response.headers["x-request-id"]
    assert line["level"] == "INFO"
    assert line["message"] == "request"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/screen", 200)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    assert (line["names"], line["matches"], line["cached"]) == (1, 1, False)


def test_screened_names_are_not_logged_by_default(
    client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    client.post("/v1/screen", json={"name": "Zavod SVT"})
    client.post("/v1/screen/batch", json={"queries": [{"id": "1", "name": "Peleng Minsk"}]})
    client.post("/v1/screen", json={"name": "Zavod SVT", "limit": 0})
    err = capsys.readouterr().err
    assert "Zavod" not in err
    assert "Peleng" not in err
    assert len(access_lines(err)) == 3


def test_keys_are_never_logged_only_their_id(
    client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    made = client.post("/v1/keys", json={"name": "ops", "role": "admin"}).json()
    key = made["key"]
    headers = {"X-API-Key": key}
    client.post("/v1/screen", json={"name": "Zavod SVT"}, headers=headers)
    client.post("/v1/screen", json={"name": "Zavod SVT"}, headers={"X-API-Key": key + "x"})
    client.post("/v1/keys", json={"name": "erp", "role": "screener"}, headers=headers)
    err = capsys.readouterr().err
    secret = key.split("_", 2)[2]
    assert secret not in err and secret[:12] not in err
    assert "Zavod" not in err
    lines = access_lines(err)
    assert [line.get("key_id") for line in lines] == [None, made["id"], None, made["id"]]


def test_log_queries_setting_logs_them(
    make_client: Callable[..., TestClient[Litestar]], capsys: pytest.CaptureFixture[str]
) -> None:
    client = make_client(log_queries=True)
    capsys.readouterr()
    client.post("/v1/screen", json={"name": "Zavod SVT"})
    [line] = access_lines(capsys.readouterr().err)
    assert line["queries"] == ["Zavod SVT"]


def test_errors_are_logged_with_their_request_id(
    client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = client.get("/v1/nowhere")
    [line] = access_lines(capsys.readouterr().err)
    assert line["status"] == 404
    assert line["request_id"] == response.json()["request_id"]


def test_access_line_stays_valid_json_for_odd_paths(
    client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client.get('/v1/watchlist/a"b\\c%E2%80%A8ü')
    [line] = access_lines(capsys.readouterr().err)
    assert line["path"] == '/v1/watchlist/a"b\\c\u2028ü'
    assert line["status"] == 404


def test_other_log_lines_carry_the_request_id(
    make_client: Callable[..., TestClient[Litestar]], capsys: pytest.CaptureFixture[str]
) -> None:
    client = make_client()
    screener = client.app.state["runtime"].holder.current()
    broken = type(screener)(screener.watchlist, None, screener.identifiers)
    client.app.state["runtime"].holder.swap(broken)
    capsys.readouterr()
    client.post("/v1/screen", json={"name": "Peleng"}, headers={"X-Request-ID": "trace-9"})
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [failure] = [x for x in lines if x["level"] == "ERROR"]
    assert failure["request_id"] == "trace-9"
    assert "Traceback" in failure["exception"]
