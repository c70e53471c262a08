"""Rate limits per key over HTTP, shared by two app instances on one Redis: requests per
minute and batch rows per hour (batches and jobs), 429 with `Retry-After` beyond them, keys
independent of each other, open mode unlimited."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from .access_support import as_key, create_key, make_keys

Client = Callable[..., TestClient[Litestar]]
SCREEN = {"name": "Zavod SVT"}


def _pair(make_client: Client, redis_url: str, key_prefix: str) -> list[TestClient[Litestar]]:
    """Two app instances: one Redis (limits), one database (keys), as two replicas."""
    shared = {"redis_url": redis_url, "redis_key_prefix": key_prefix}
    return [make_client(**shared), make_client(**shared)]


def _refused(response: object) -> None:
    assert response.status_code == 429, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "rate_limited" and "requests per minute" in body["message"]
    retry = int(response.headers["retry-after"])  # type: ignore[attr-defined]
    assert 1 <= retry <= 60


def test_requests_per_minute_are_shared_by_two_instances(
    make_client: Client, redis_url: str, key_prefix: str
) -> None:
    apps = _pair(make_client, redis_url, key_prefix)
    keys = make_keys(apps[0])
    limited = create_key(
        apps[0], keys.admin, name="limited", role="screener", requests_per_minute=6
    )
    statuses = [
        apps[n % 2].post("/v1/screen", json=SCREEN, headers=as_key(limited)).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 6  # three on each instance: six in all
    for app in apps:
        _refused(app.post("/v1/screen", json=SCREEN, headers=as_key(limited)))
    # Every route with a key counts, and so do refusals of other keys not at all.
    _refused(apps[1].get("/v1/watchlist", headers=as_key(limited)))
    assert apps[1].post("/v1/screen", json=SCREEN, headers=as_key(keys.screener)).status_code == 200


def test_batch_rows_per_hour(make_client: Client, redis_url: str, key_prefix: str) -> None:
    apps = _pair(make_client, redis_url, key_prefix)
    keys = make_keys(apps[0])
    limited = create_key(apps[0], keys.admin, name="rows", role="screener", rows_per_hour=10)
    batch = {"queries": [{"id": str(n), "name": f"Zavod SVT {n}"} for n in range(6)]}
    assert apps[0].post("/v1/screen/batch", json=batch, headers=as_key(limited)).status_code == 200
    refused = apps[1].post("/v1/screen/batch", json=batch, headers=as_key(limited))
    assert refused.status_code == 429 and "batch rows per hour" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) >= 1
    small = {"queries": batch["queries"][:4]}  # the 4 rows left this hour
    assert apps[1].post("/v1/screen/batch", json=small, headers=as_key(limited)).status_code == 200
    # Single screenings do not count as batch rows.
    assert apps[0].post("/v1/screen", json=SCREEN, headers=as_key(limited)).status_code == 200


def test_a_job_is_charged_its_rows_when_submitted(
    jobs_client: Client, redis_url: str, job_prefix: str
) -> None:
    client = jobs_client()
    keys = make_keys(client)
    limited = create_key(client, keys.admin, name="rows", role="screener", rows_per_hour=5)
    rows = {"rows": [{"name": f"Supplier {n}"} for n in range(4)]}
    assert client.post("/v1/jobs", json=rows, headers=as_key(limited)).status_code == 202
    refused = client.post("/v1/jobs", json=rows, headers=as_key(limited))
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"


def test_open_mode_has_no_limits(make_client: Client) -> None:
    client = make_client(rate_limit_requests_per_minute=2)
    statuses = {client.post("/v1/screen", json=SCREEN).status_code for _ in range(5)}
    assert statuses == {200}


def test_the_default_limit_applies_to_keys_without_their_own(make_client: Client) -> None:
    client = make_client(rate_limit_requests_per_minute=3)
    keys = make_keys(client)  # each key has its own 3 a minute
    statuses = [
        client.post("/v1/screen", json=SCREEN, headers=as_key(keys.screener)).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
