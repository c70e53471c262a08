"""Access control over HTTP (issue 10): the open mode of a fresh local install never comes
back once a key has been created, and is decided by the address a request actually reached,
not by a setting; an empty `X-API-Key` does not hide a valid Bearer key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api.access_support import as_key, key_id, make_keys

from .contract_server import public_address, server_env, uvicorn_server

Client = Callable[..., TestClient[Litestar]]
SCREEN = {"name": "Zavod SVT"}


def _refused_without_key(client: TestClient[Litestar]) -> None:
    """Nothing a keyless caller could do in open mode is let through."""
    assert client.get("/ready").json()["access"]["mode"] == "keys"
    for method, path, body in (
        ("POST", "/v1/screen", SCREEN),
        ("GET", "/v1/audit", None),
        ("POST", "/v1/keys", {"name": "intruder", "role": "admin"}),
    ):
        refused = client.request(method, path, json=body)
        assert (refused.status_code, refused.json()["code"]) == (401, "key_missing"), path


def test_revoking_every_key_does_not_reopen_the_server(make_client: Client) -> None:
    client = make_client()
    keys = make_keys(client)
    for key in (keys.screener, keys.auditor, keys.admin):  # the admin's own key last
        revoked = client.delete(f"/v1/keys/{key_id(key)}", headers=as_key(keys.admin))
        assert revoked.status_code == 200, revoked.text
    _refused_without_key(client)
    # Nor in a process started afterwards on the same store, with no key active.
    _refused_without_key(make_client())


def test_the_listening_address_decides_not_the_setting(tmp_path: Path) -> None:
    """`SCREENING_BIND_HOST=127.0.0.1` with uvicorn on 0.0.0.0 used to answer everyone."""
    public = public_address()
    if public is None:
        pytest.skip("this machine has no address other than loopback")
    env = server_env(tmp_path / "data", SCREENING_BIND_HOST="127.0.0.1")
    with uvicorn_server("0.0.0.0", env, tmp_path / "server.log") as server:
        remote = httpx.post(server.url(public) + "/v1/screen", json=SCREEN, timeout=10)
        assert (remote.status_code, remote.json()["code"]) == (401, "key_missing")
        audit = httpx.get(server.url(public) + "/v1/audit", timeout=10)
        assert audit.status_code == 401
        ready = httpx.get(server.url(public) + "/ready", timeout=10).json()
        assert ready["access"]["mode"] == "keys"
        # A connection made on the loopback interface comes from this machine: it may go
        # without a key until the first one is created.
        local = httpx.post(server.url() + "/v1/screen", json=SCREEN, timeout=10)
        assert local.status_code == 200


def test_a_server_on_a_public_address_alone_is_never_open(tmp_path: Path) -> None:
    public = public_address()
    if public is None:
        pytest.skip("this machine has no address other than loopback")
    env = server_env(tmp_path / "data")
    with uvicorn_server(public, env, tmp_path / "server.log") as server:
        refused = httpx.post(server.url(public) + "/v1/screen", json=SCREEN, timeout=10)
        assert (refused.status_code, refused.json()["code"]) == (401, "key_missing")


def test_an_empty_x_api_key_does_not_hide_a_bearer_key(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    headers = {"X-API-Key": "", "Authorization": f"Bearer {keys.screener}"}
    assert client.post("/v1/screen", json=SCREEN, headers=headers).status_code == 200
    blank = {"X-API-Key": "  ", "Authorization": f"Bearer {keys.screener}"}
    assert client.post("/v1/screen", json=SCREEN, headers=blank).status_code == 200
    # A non-empty X-API-Key is the key presented, even beside a Bearer one.
    wrong = {"X-API-Key": keys.screener[:-1] + "x", "Authorization": f"Bearer {keys.screener}"}
    assert client.post("/v1/screen", json=SCREEN, headers=wrong).status_code == 401
