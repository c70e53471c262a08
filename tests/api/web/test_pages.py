"""The web app over HTTP, without a browser: its headers and Content-Security-Policy, the
session cookie, the CSRF check, the error pages (401, 403, 404, 429), signing in with a bad
or revoked key, and the four-eyes approval of a dismissal by a second key."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.api.access_support import as_key, create_key, key_id, make_keys

Client = TestClient[Litestar]
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client: Client, path: str = "/app/sign-in") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = _TOKEN.search(page.text)
    assert found is not None
    return found[1]


def sign_in(client: Client, key: str) -> None:
    answer = client.post(
        "/app/sign-in", data={"csrf_token": token(client), "key": key}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def test_pages_have_a_strict_policy_and_are_not_cached(client: Client) -> None:
    page = client.get("/app/sign-in")
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    # No inline script or style for the policy to refuse; the script is the vendored htmx.
    assert "<style" not in page.text and "style=" not in page.text
    assert re.findall(r"<script[^>]*>", page.text) == [
        '<script src="/app/static/htmx.min.js" defer>'
    ]
    script = client.get("/app/static/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]
    assert "no-store" not in script.headers.get("cache-control", "")


def test_the_session_cookie_is_signed_http_only_and_same_site(client: Client) -> None:
    page = client.get("/app/sign-in")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/app" in cookie
    session_id, _, signature = client.cookies["screening_session"].rpartition(".")
    assert session_id and signature
    # A forged signature is no session: its CSRF token does not count.
    csrf = _TOKEN.search(page.text)
    assert csrf is not None
    client.cookies["screening_session"] = f"{session_id}.forged"
    refused = client.post("/app/screen", data={"csrf_token": csrf[1], "name": "BelAZ"})
    assert refused.status_code == 403 and "security token" in refused.text


def test_a_form_without_its_token_is_refused_before_anything_is_done(client: Client) -> None:
    keys = make_keys(client)
    sign_in(client, keys.screener)
    refused = client.post("/app/screen", data={"name": "ОАО «БЕЛАЗ»"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "security token is missing" in refused.text and "OJSC BELAZ" not in refused.text
    wrong = client.post("/app/screen", data={"name": "BelAZ", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    done = client.post("/app/screen", data={"name": "ОАО «БЕЛАЗ»", "csrf_token": token(client)})
    assert done.status_code == 200 and "OJSC BELAZ" in done.text
    # The key is kept on the server: neither the page nor the cookie holds it.
    assert keys.screener not in done.text
    assert keys.screener not in client.cookies["screening_session"]


def test_signing_in_again_changes_the_session(client: Client) -> None:
    keys = make_keys(client)
    before = token(client)
    sign_in(client, keys.screener)
    after = token(client, "/app/screen")
    assert after != before
    assert client.post("/app/sign-out", data={"csrf_token": before}).status_code == 403


def test_error_pages(make_client: Callable[..., Client]) -> None:
    client = make_client(rate_limit_requests_per_minute=4)
    keys = make_keys(client)
    bad = client.post("/app/sign-in", data={"csrf_token": token(client), "key": "scr_x_y"})
    assert bad.status_code == 401 and "not valid" in bad.text

    sign_in(client, keys.auditor)
    forbidden = client.get("/app/screen")
    assert forbidden.status_code == 403 and "Not allowed" in forbidden.text
    missing = client.get("/app/no-such-page")
    assert missing.status_code == 404 and "There is no such page" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    unknown = client.get("/app/entities/no-such-entity")
    assert unknown.status_code == 404 and "<h1" in unknown.text
    statuses = [client.get("/app/watchlist").status_code for _ in range(6)]
    assert statuses[-1] == 429
    limited = client.get("/app/watchlist")
    assert "Too many requests" in limited.text and limited.headers["retry-after"]


def test_a_revoked_key_is_signed_out(client: Client) -> None:
    keys = make_keys(client)
    sign_in(client, keys.screener)
    assert client.get("/app/screen").status_code == 200
    revoked = client.delete(f"/v1/keys/{key_id(keys.screener)}", headers=as_key(keys.admin))
    assert revoked.status_code in (200, 204), revoked.text
    client.app.state["runtime"].auth.forget_all()
    page = client.get("/app/screen")
    assert page.status_code == 401 and "revoked" in page.text
    again = client.get("/app/screen", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/app/sign-in"


def _alert_of(client: Client, key: str) -> str:
    put = client.put(
        "/v1/counterparties/sup-1", json={"name": "Legmash Orsha"}, headers=as_key(key)
    )
    assert put.status_code == 201, put.text
    alert_id: str = put.json()["alerts"][0]["id"]
    return alert_id


def _decide(client: Client, alert_id: str, **fields: Any) -> Any:
    form = {"csrf_token": token(client, f"/app/alerts/{alert_id}"), **fields}
    return client.post(f"/app/alerts/{alert_id}/decision", data=form, follow_redirects=False)


def test_four_eyes_a_dismissal_waits_for_a_second_key(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(monitoring_four_eyes=True)
    keys = make_keys(client)
    second = create_key(client, keys.admin, name="second reviewer", role="screener")
    alert_id = _alert_of(client, keys.screener)

    sign_in(client, keys.screener)
    no_reason = _decide(client, alert_id, decision="dismiss")
    assert no_reason.status_code == 422 and "Choose a reason" in no_reason.text
    asked = _decide(client, alert_id, decision="dismiss", reason_code="different_entity")
    assert asked.status_code == 303
    page = client.get(f"/app/alerts/{alert_id}")
    assert "pending approval" in page.text and "Approve the dismissal" in page.text
    own = _decide(client, alert_id, decision="approve")
    assert own.status_code == 403

    client.post("/app/sign-out", data={"csrf_token": token(client, "/app/alerts")})
    sign_in(client, second)
    approved = _decide(client, alert_id, decision="approve", comment="Agreed.")
    assert approved.status_code == 303
    history = client.get(f"/app/alerts/{alert_id}").text
    assert "dismissal requested" in history and "Agreed." in history
    assert client.get(f"/v1/alerts/{alert_id}", headers=as_key(second)).json()["status"] == (
        "dismissed"
    )


def test_without_a_watchlist_the_pages_say_the_service_is_not_ready(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    client = make_client(preload=False, watchlist_path=str(tmp_path / "missing.jsonl"))
    form = client.get("/app/screen")  # open mode: no key yet
    assert form.status_code == 200
    found = _TOKEN.search(form.text)
    assert found is not None
    page = client.post("/app/screen", data={"csrf_token": found[1], "name": "BelAZ"})
    assert page.status_code == 503
    assert "The service is not ready" in page.text and "Try again in a minute" in page.text


def test_an_upload_waits_for_its_columns_and_goes_with_its_session(
    client: Client, tmp_path: Path
) -> None:
    keys = make_keys(client)
    sign_in(client, keys.screener)
    text = "Код;Наименование;Страна\n1;ОАО «Легмаш»;BY\n2;ООО «Ромашка»;RU\n".encode("cp1251")
    page = client.post(
        "/app/files",
        data={"csrf_token": token(client, "/app/files")},
        files={"file": ("поставщики.csv", text, "text/csv")},
    )
    assert page.status_code == 200, page.text
    assert "cp1251" in page.text and "semicolon" in page.text
    assert "Код · Наименование · Страна" in page.text
    waiting = list((tmp_path / "data" / "web-uploads").iterdir())
    assert len(waiting) == 1 and (waiting[0] / "upload").read_bytes() == text
    client.post("/app/sign-out", data={"csrf_token": token(client, "/app/files")})
    assert not waiting[0].exists()


def test_the_audit_pages_filter_and_export_like_the_api(client: Client) -> None:
    keys = make_keys(client)
    for name in ("ОАО «БЕЛАЗ»", "Acme Garden Furniture GmbH"):
        screened = client.post("/v1/screen", json={"name": name}, headers=as_key(keys.screener))
        assert screened.status_code == 200
    sign_in(client, keys.auditor)
    hits = client.get("/app/audit", params={"outcome": "hit"})
    assert hits.status_code == 200
    assert "ОАО «БЕЛАЗ»" in hits.text and "Acme Garden" not in hits.text
    assert "<option selected>hit</option>" in hits.text
    export = client.get("/app/audit/export", params={"outcome": "clear", "format": "csv"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "Acme Garden Furniture GmbH" in export.text and "БЕЛАЗ" not in export.text
    refused = client.get("/app/audit", params={"since": "not a date"})
    assert refused.status_code == 422 and "ISO 8601" in refused.text
