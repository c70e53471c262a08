"""Security headers on every response (a 200, a 404, a 422, a 413), page and docs policies
that still let them work, HSTS only when asked, and CORS: none by default, strict when set."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.security import allowed_origins

MakeClient = Callable[..., TestClient[Litestar]]
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
ORIGIN = "https://portal.example.com"


def assert_secured(headers: Mapping[str, str]) -> None:
    for name, value in COMMON.items():
        assert headers[name] == value
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "strict-transport-security" not in headers


def test_headers_on_success_not_found_and_invalid(client: TestClient[Litestar]) -> None:
    ok = client.get("/health")
    assert ok.status_code == 200
    assert_secured(ok.headers)
    assert ok.headers["content-security-policy"].startswith("default-src 'none';")
    assert "cache-control" not in ok.headers  # not an API response
    missing = client.get("/v1/nowhere")
    assert missing.status_code == 404
    assert_secured(missing.headers)
    assert missing.headers["cache-control"] == "no-store"
    invalid = client.post("/v1/screen", json={"name": ""})
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "name_empty"
    assert_secured(invalid.headers)
    assert invalid.headers["cache-control"] == "no-store"
    assert invalid.headers["x-request-id"]  # the request observer still wraps it all


def test_too_large_body_is_413_json_and_secured(make_client: MakeClient) -> None:
    small = make_client(max_body_bytes=2048)
    response = small.post(
        "/v1/screen/batch", content=b'{"queries": []}' + b" " * 4096,
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert_secured(response.headers)


def test_page_policy_allows_exactly_its_inline_script_and_style(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    for kind in ("script", "style"):
        bodies = re.findall(rf"<{kind}>(.*?)</{kind}>", response.text, re.DOTALL)
        assert bodies
        for body in bodies:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
    assert "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert_secured(response.headers)


def test_docs_policy_allows_swagger_ui_from_the_service(client: TestClient[Litestar]) -> None:
    response = client.get("/schema")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert url.startswith("/schema/assets/"), url  # no CDN: the page works offline
    assert "script-src 'self' 'unsafe-inline';" in policy
    assert "img-src 'self' data:;" in policy
    assert "http" not in policy
    assert_secured(response.headers)


def test_hsts_only_when_behind_https(make_client: MakeClient) -> None:
    response = make_client(hsts=True).get("/health")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def preflight(client: TestClient[Litestar], origin: str) -> dict[str, str]:
    response = client.options(
        "/v1/screen",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def test_no_cors_headers_by_default(client: TestClient[Litestar]) -> None:
    assert preflight(client, ORIGIN) == {}
    simple = client.get("/health", headers={"Origin": ORIGIN})
    assert not [k for k in simple.headers if k.startswith("access-control-")]


def test_cors_for_the_configured_origins_only(make_client: MakeClient) -> None:
    client = make_client(cors_origins=f"{ORIGIN}, https://other.example.com:8443")
    allowed = preflight(client, ORIGIN)
    assert allowed["access-control-allow-origin"] == ORIGIN
    assert set(allowed["access-control-allow-methods"].split(", ")) == {"GET", "POST", "DELETE"}
    assert "x-api-key" in allowed["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed
    refused = preflight(client, "https://evil.example.com")
    assert "access-control-allow-origin" not in refused
    simple = client.get("/health", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    other = client.get("/health", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("origins", ["*", "portal.example.com", "https://x.example.com/path"])
def test_only_exact_origins_are_accepted(origins: str) -> None:
    with pytest.raises(ValueError):
        allowed_origins(origins)
    assert allowed_origins(" https://a.example.com/ ,http://localhost:8080") == [
        "https://a.example.com",
        "http://localhost:8080",
    ]
