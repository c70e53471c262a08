"""Access control over HTTP: every role against every endpoint (allowed and refused), missing,
wrong and revoked keys, the open mode of a fresh local install and its end, the keys API, and
a revocation taking effect at once: in the same process, in another one through Redis, and
from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .access_support import Keys, as_key, create_key, key_id, make_keys

Client = Callable[..., TestClient[Litestar]]
ROOT = Path(__file__).parents[2]
ROLES = ("admin", "screener", "auditor")
SCREEN = {"name": "Zavod SVT"}
BATCH = {"queries": [{"id": "1", "name": "Zavod SVT"}]}
JOB = {"rows": [{"name": "Zavod SVT", "id": "S-1"}]}


def _endpoints(keys: Keys, job_id: str, screening_id: str, version: str) -> list[Any]:
    """(method, path, JSON body, the roles allowed). Every route of the API but the public ones
    and the revocation (tested on its own, as it ends a key)."""
    return [
        ("POST", "/v1/screen", SCREEN, {"admin", "screener"}),
        ("POST", "/v1/screen/batch", BATCH, {"admin", "screener"}),
        ("POST", "/v1/jobs", JOB, {"admin", "screener"}),
        ("GET", f"/v1/jobs/{job_id}", None, {"admin", "screener"}),
        ("GET", f"/v1/jobs/{job_id}/results", None, {"admin", "screener"}),
        ("GET", "/v1/watchlist", None, set(ROLES)),
        ("GET", "/v1/watchlist/by-mzkt", None, set(ROLES)),
        ("GET", "/v1/watchlist/versions", None, set(ROLES)),
        ("GET", f"/v1/watchlist/changes?from={version}&to={version}", None, set(ROLES)),
        ("POST", "/v1/watchlist/reload", None, {"admin"}),
        ("POST", "/v1/keys", {"name": "another", "role": "screener"}, {"admin"}),
        ("GET", "/v1/keys", None, {"admin"}),
        ("GET", "/v1/audit", None, {"auditor"}),
        ("GET", f"/v1/screenings/{screening_id}", None, {"auditor", "screener"}),
    ]


def _call(client: TestClient[Litestar], method: str, path: str, body: Any, key: str | None) -> Any:
    return client.request(method, path, json=body, headers=as_key(key))


def test_every_role_against_every_endpoint(jobs_client: Client, wait_ready: Any) -> None:
    client = jobs_client(watchlist_path=str(Path(__file__).parents[1] / "fixtures/watchlist.jsonl"))
    keys = make_keys(client)
    wait_ready(client)
    version = client.get("/ready").json()["watchlist"]["version"]
    # What the screener made: its job and its screening.
    job_id = _call(client, "POST", "/v1/jobs", JOB, keys.screener).json()["id"]
    screening_id = _call(client, "POST", "/v1/screen", SCREEN, keys.screener).json()["screening_id"]
    for method, path, body, allowed in _endpoints(keys, job_id, screening_id, version):
        for role in ROLES:
            response = _call(client, method, path, body, keys.of(role))
            what = f"{role} {method} {path}: {response.status_code} {response.text[:200]}"
            if role in allowed:
                assert response.status_code not in (401, 403, 404), what
                assert response.status_code < 500, what
            else:
                assert response.status_code in (403, 404), what
                error = response.json()
                assert error["code"] in ("forbidden", "job_not_found", "screening_not_found"), what
                if response.status_code == 403:
                    assert f"the {role} key {key_id(keys.of(role))} may not" in error["message"]
        # Without a key, or with a wrong one: 401, whatever the route.
        missing = _call(client, method, path, body, None)
        assert (missing.status_code, missing.json()["code"]) == (401, "key_missing"), path
        assert missing.headers["www-authenticate"].startswith("ApiKey")
        wrong = keys.admin[:-4] + ("aaaa" if not keys.admin.endswith("aaaa") else "bbbb")
        for bad in (wrong, "scr_nonsense", "Bearer"):
            refused = _call(client, method, path, body, bad)
            assert (refused.status_code, refused.json()["code"]) == (401, "key_invalid"), path


def test_a_job_is_seen_by_its_owner_and_admins_only(jobs_client: Client) -> None:
    client = jobs_client()
    keys = make_keys(client)
    other = create_key(client, keys.admin, name="another erp", role="screener")
    job_id = _call(client, "POST", "/v1/jobs", JOB, keys.screener).json()["id"]
    assert _call(client, "GET", f"/v1/jobs/{job_id}", None, keys.screener).status_code == 200
    assert _call(client, "GET", f"/v1/jobs/{job_id}", None, keys.admin).status_code == 200
    refused = _call(client, "GET", f"/v1/jobs/{job_id}", None, other)
    assert (refused.status_code, refused.json()["code"]) == (404, "job_not_found")
    # The same Idempotency-Key from another caller is another job.
    headers = {"Idempotency-Key": "upload-1"}
    mine = client.post("/v1/jobs", json=JOB, headers=as_key(keys.screener) | headers).json()
    theirs = client.post("/v1/jobs", json=JOB, headers=as_key(other) | headers).json()
    assert mine["id"] != theirs["id"]


def test_public_routes_need_no_key(client: TestClient[Litestar]) -> None:
    make_keys(client)
    for path in ("/health", "/ready", "/metrics", "/", "/schema/openapi.json"):
        assert client.get(path).status_code == 200, path
    assert client.get("/ready").json()["access"] == {
        "mode": "keys", "audit": "on", "database": "sqlite"
    }  # fmt: skip


def test_bearer_authorization_works_too(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    headers = {"Authorization": f"Bearer {keys.screener}"}
    assert client.post("/v1/screen", json=SCREEN, headers=headers).status_code == 200


def test_open_mode_only_on_localhost_and_only_without_keys(make_client: Client) -> None:
    local = make_client()
    assert local.get("/ready").json()["access"]["mode"] == "open"
    assert local.post("/v1/screen", json=SCREEN).status_code == 200
    exposed = make_client(base_url="http://192.0.2.10:8000")  # reached on a public address
    assert exposed.get("/ready").json()["access"]["mode"] == "keys"
    refused = exposed.post("/v1/screen", json=SCREEN)
    assert (refused.status_code, refused.json()["code"]) == (401, "key_missing")
    named = make_client(base_url="http://screening.local:8000")  # a name: no socket address
    assert named.post("/v1/screen", json=SCREEN).status_code == 401
    # The first key ends the open mode at once.
    admin = create_key(local, None, name="first", role="admin")
    assert local.post("/v1/screen", json=SCREEN).status_code == 401
    assert local.get("/ready").json()["access"]["mode"] == "keys"
    assert local.post("/v1/screen", json=SCREEN, headers=as_key(admin)).status_code == 200


def test_a_key_made_elsewhere_ends_the_open_mode_within_the_key_cache(
    make_client: Client, tmp_path: Path
) -> None:
    client = make_client(key_cache_seconds=0.2)
    assert client.post("/v1/screen", json=SCREEN).status_code == 200
    _cli(["keys", "create", "--name", "ops", "--role", "admin"], tmp_path)
    time.sleep(0.3)
    assert client.post("/v1/screen", json=SCREEN).status_code == 401


def test_the_keys_api(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    made = client.post(
        "/v1/keys",
        json={"name": "limited", "role": "screener", "requests_per_minute": 30},
        headers=as_key(keys.admin),
    ).json()
    assert made["key"].startswith(f"scr_{made['id']}_") and made["requests_per_minute"] == 30
    listed = client.get("/v1/keys", headers=as_key(keys.admin)).json()["keys"]
    assert [k["name"] for k in listed] == ["first admin", "erp", "audit office", "limited"]
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    bodies = [
        {"name": "x", "role": "root"},
        {"name": "", "role": "admin"},
        {"name": "x", "role": "admin", "rows_per_hour": -1},
        {"role": "admin"},
    ]
    for body in bodies:
        bad = client.post("/v1/keys", json=body, headers=as_key(keys.admin))
        assert bad.status_code == 422, body
    gone = client.delete("/v1/keys/000000000000", headers=as_key(keys.admin))
    assert (gone.status_code, gone.json()["code"]) == (404, "key_not_found")
    for role in ("screener", "auditor"):  # only admins revoke, even their own key
        own = key_id(keys.of(role))
        refused = client.delete(f"/v1/keys/{own}", headers=as_key(keys.of(role)))
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert client.delete(f"/v1/keys/{key_id(keys.auditor)}").status_code == 401


@pytest.mark.serial
def test_revocation_through_the_api_takes_effect_at_once(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    assert client.post("/v1/screen", json=SCREEN, headers=as_key(keys.screener)).status_code == 200
    revoked = client.delete(f"/v1/keys/{key_id(keys.screener)}", headers=as_key(keys.admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    refused = client.post("/v1/screen", json=SCREEN, headers=as_key(keys.screener))
    assert (refused.status_code, refused.json()["code"]) == (401, "key_revoked")
    assert key_id(keys.screener) in refused.json()["message"]


def _wait_refused(client: TestClient[Litestar], key: str, within: float = 5.0) -> float:
    """Seconds until the key is refused. The bound is far above the announcement's usual few
    milliseconds (a loaded machine may pause a process that long) and far below the minute
    for which these tests trust a key check: only the announcement explains a refusal."""
    started = time.monotonic()
    while client.post("/v1/screen", json=SCREEN, headers=as_key(key)).status_code != 401:
        assert time.monotonic() - started < within, "the revoked key is still let through"
        time.sleep(0.01)
    return time.monotonic() - started


def test_revocation_reaches_another_process_at_once_through_redis(
    make_client: Client, redis_url: str, key_prefix: str
) -> None:
    # Key checks are trusted for a minute here: only the announcement can explain a refusal.
    shared = {"redis_url": redis_url, "redis_key_prefix": key_prefix, "key_cache_seconds": 60}
    one, two = make_client(**shared), make_client(**shared)
    keys = make_keys(one)
    assert two.post("/v1/screen", json=SCREEN, headers=as_key(keys.screener)).status_code == 200
    one.delete(f"/v1/keys/{key_id(keys.screener)}", headers=as_key(keys.admin))
    _wait_refused(two, keys.screener)


def test_revocation_from_the_command_line(
    make_client: Client, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    client = make_client(redis_url=redis_url, redis_key_prefix=key_prefix, key_cache_seconds=60)
    keys = make_keys(client)
    assert client.post("/v1/screen", json=SCREEN, headers=as_key(keys.screener)).status_code == 200
    env = {"REDIS_URL": redis_url, "SCREENING_REDIS_KEY_PREFIX": key_prefix}
    done = _cli(["keys", "revoke", key_id(keys.screener)], tmp_path, env)
    assert "refused at once by every server" in done.stdout
    _wait_refused(client, keys.screener)
    listed = _cli(["keys", "list", "--json"], tmp_path, env).stdout
    assert '"revoked_at": null' in listed and listed.count('"revoked_at": "') == 1


def _cli(
    args: list[str], tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    base.pop("REDIS_URL", None)
    base.pop("DATABASE_URL", None)
    # The same store as the test apps: the SQLite file in the test's data directory.
    base["SCREENING_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=base | (env or {}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_keys_from_the_command_line(make_client: Client, tmp_path: Path) -> None:
    made = _cli(
        ["keys", "create", "--name", "erp", "--role", "screener", "--requests-per-minute", "0"],
        tmp_path,
    )
    key = made.stdout.strip()
    assert key.startswith("scr_") and "shown this once" in made.stderr
    client = make_client()
    assert client.post("/v1/screen", json=SCREEN, headers=as_key(key)).status_code == 200
    assert client.post("/v1/screen", json=SCREEN).status_code == 401
    listed = _cli(["keys", "list"], tmp_path).stdout
    assert key_id(key) in listed and "screener" in listed and key not in listed


@pytest.mark.parametrize("role", ["operator", ""])
def test_the_command_line_refuses_an_unknown_role(role: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service", "keys", "create", "--name", "x", "--role", role],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "SCREENING_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert done.returncode == 2 and "invalid choice" in done.stderr
