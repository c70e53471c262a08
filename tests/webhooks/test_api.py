"""`/v1/webhooks` over HTTP: registering (the secret shown once), listing, reading, deleting,
rotating; URLs refused (scheme, credentials, private and other non-public addresses); who may
do what (admins manage, auditors read, screeners nothing)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api.access_support import Keys, as_key, make_keys
from tests.webhooks.receiver_support import Receiver


def register(client: TestClient[Litestar], admin: str, url: str, *events: str) -> dict[str, object]:
    response = client.post(
        "/v1/webhooks",
        json={"url": url, "events": list(events) or ["alert.opened"], "description": "erp"},
        headers=as_key(admin),
    )
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_register_list_read_rotate_delete(
    webhook_app: Callable[..., TestClient[Litestar]], receiver: Receiver
) -> None:
    client = webhook_app()
    keys = make_keys(client)
    created = register(client, keys.admin, receiver.url, "alert.opened", "watchlist.updated")
    secret = created["secret"]
    assert isinstance(secret, str) and secret.startswith("whsec_")
    assert created["events"] == ["alert.opened", "watchlist.updated"]
    webhook_id = created["id"]
    listed = client.get("/v1/webhooks", headers=as_key(keys.admin)).json()["webhooks"]
    assert [w["id"] for w in listed] == [webhook_id]
    assert all("secret" not in w for w in listed)  # shown once only
    one = client.get(f"/v1/webhooks/{webhook_id}", headers=as_key(keys.auditor)).json()
    assert one["url"] == receiver.url and "secret" not in one
    rotated = client.post(f"/v1/webhooks/{webhook_id}/rotate-secret", headers=as_key(keys.admin))
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (secret, None)
    assert rotated.json()["previous_secret_until"] is not None
    assert (
        client.delete(f"/v1/webhooks/{webhook_id}", headers=as_key(keys.admin)).status_code == 204
    )
    missing = client.get(f"/v1/webhooks/{webhook_id}", headers=as_key(keys.admin))
    assert missing.status_code == 404 and missing.json()["code"] == "webhook_not_found"
    again = client.delete(f"/v1/webhooks/{webhook_id}", headers=as_key(keys.admin))
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://10.1.2.3/hook", "webhook_address_refused"),
        ("http://192.168.0.10/hook", "webhook_address_refused"),
        ("http://169.254.169.254/latest/meta-data", "webhook_address_refused"),
        ("http://[::1]:8080/hook", "webhook_address_refused"),
        ("http://[::ffff:10.0.0.1]/hook", "webhook_address_refused"),
        ("http://[fe80::1]/hook", "webhook_address_refused"),
        ("http://224.0.0.1/hook", "webhook_address_refused"),
        ("http://0.0.0.0/hook", "webhook_address_refused"),
        ("http://100.64.0.1/hook", "webhook_address_refused"),
        ("http://240.0.0.1/hook", "webhook_address_refused"),
        ("ftp://127.0.0.1/hook", "webhook_url_invalid"),
        ("file:///etc/passwd", "webhook_url_invalid"),
        ("http://user:password@127.0.0.1/hook", "webhook_url_invalid"),
        ("http://127.0.0.1:99999/hook", "webhook_url_invalid"),
        ("http:///hook", "webhook_url_invalid"),
        ("http://127.0.0.1/a b", "webhook_url_invalid"),
        ("http://no-such-host.invalid/hook", "webhook_host_unknown"),
    ],
)
def test_urls_that_may_not_be_used_are_refused(
    webhook_app: Callable[..., TestClient[Litestar]], url: str, code: str
) -> None:
    client = webhook_app()  # loopback (127.0.0.0/8) allowed, nothing else
    response = client.post("/v1/webhooks", json={"url": url, "events": ["alert.opened"]})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert client.get("/v1/webhooks").json()["webhooks"] == []


def test_loopback_is_refused_unless_allowed(
    webhook_app: Callable[..., TestClient[Litestar]], receiver: Receiver
) -> None:
    client = webhook_app(webhook_allowed_networks=())
    response = client.post("/v1/webhooks", json={"url": receiver.url, "events": ["alert.opened"]})
    assert response.status_code == 422
    assert response.json()["code"] == "webhook_address_refused"


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://127.0.0.1/hook", "events": []},
        {"url": "http://127.0.0.1/hook", "events": ["alert.exploded"]},
        {"url": "http://127.0.0.1/hook"},
        {"url": "http://127.0.0.1/" + "a" * 2000, "events": ["alert.opened"]},
        {"url": "http://127.0.0.1/hook", "events": ["alert.opened"], "secret": "mine"},
        {"url": 5, "events": ["alert.opened"]},
    ],
)
def test_bad_bodies_are_refused_with_json(
    webhook_app: Callable[..., TestClient[Litestar]], body: dict[str, object]
) -> None:
    response = webhook_app().post("/v1/webhooks", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_body"


def _calls(webhook_id: str) -> list[tuple[str, str]]:
    base = f"/v1/webhooks/{webhook_id}"
    return [
        ("POST", "/v1/webhooks"),
        ("GET", "/v1/webhooks"),
        ("GET", base),
        ("DELETE", base),
        ("POST", f"{base}/rotate-secret"),
        ("GET", f"{base}/deliveries"),
        ("POST", f"{base}/deliveries/1/redeliver"),
    ]


READS = {"GET"}


@pytest.mark.parametrize("role", ["screener", "auditor"])
def test_roles(
    webhook_app: Callable[..., TestClient[Litestar]], receiver: Receiver, role: str
) -> None:
    client = webhook_app()
    keys: Keys = make_keys(client)
    webhook_id = str(register(client, keys.admin, receiver.url)["id"])
    body = {"url": receiver.url, "events": ["alert.opened"]}
    for method, path in _calls(webhook_id):
        response = client.request(method, path, headers=as_key(keys.of(role)), json=body)
        if role == "auditor" and method in READS:
            assert response.status_code == 200, (method, path, response.text)
        else:
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["code"] == "forbidden"
    assert client.get("/v1/webhooks", headers={}).status_code == 401
    # Nothing changed: the webhook is there, once, with its secret unrotated.
    [listed] = client.get("/v1/webhooks", headers=as_key(keys.admin)).json()["webhooks"]
    assert listed["id"] == webhook_id and listed["previous_secret_until"] is None


def test_deliveries_of_an_unknown_webhook_or_delivery(
    webhook_app: Callable[..., TestClient[Litestar]], receiver: Receiver
) -> None:
    client = webhook_app()
    assert client.get("/v1/webhooks/wh_0000/deliveries").status_code == 404
    webhook_id = register(client, "", receiver.url)["id"]
    response = client.post(f"/v1/webhooks/{webhook_id}/deliveries/12345/redeliver")
    assert response.status_code == 404 and response.json()["code"] == "delivery_not_found"
    # Past the databases' integers: refused as a parameter (SQLite's driver raised on it).
    huge = client.post(f"/v1/webhooks/{webhook_id}/deliveries/{2**80}/redeliver")
    assert huge.status_code == 422 and huge.json()["code"] == "invalid_parameter"
    for query in ("limit=0", "limit=201", "before=x", "status=lost"):
        paged = client.get(f"/v1/webhooks/{webhook_id}/deliveries?{query}")
        assert paged.status_code == 422 and paged.json()["code"] == "invalid_parameter", query
