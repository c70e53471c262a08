"""GET /: the analysts' page is served, self-contained, and calls the screening endpoint."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient


def test_page_is_served_self_contained(client: TestClient[Litestar]) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<form" in html
    assert 'fetch("/v1/screen"' in html
    assert "explanation" in html.lower()
    # A registration or tax number may be screened with the name, or alone.
    assert 'id="identifier"' in html and "body.identifiers" in html
    # No build step and no CDN: nothing is loaded from elsewhere.
    assert "<script src" not in html
    assert "https://" not in html
    assert "<link" not in html


def test_page_is_not_in_the_api_schema(client: TestClient[Litestar]) -> None:
    assert "/" not in client.get("/schema/openapi.json").json()["paths"]
