"""The browser tests' fixtures: one real uvicorn server for the module that drives the browser
(the fixture watchlist, the test Redis for jobs, its own data directory and key prefix), its
keys (admin, screener, auditor), and Debian's Chromium driven by Playwright, launched from the
system's executable (Playwright's own download is not used); pytest-playwright gives each test
its page, in a context of its own."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from playwright.sync_api import (
    Browser,
    BrowserType,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from tests.security.contract_server import server_env, uvicorn_server

HERE = Path(__file__).parent
AXE = HERE / "fixtures" / "axe.min.js"
#: Where the screenshots go when `SCREENSHOTS=docs` (the documentation's images), else into
#: the test's temporary directory.
DOCS_IMAGES = HERE.parents[2] / "docs" / "images" / "webapp"
#: The browser executables looked for, in order (Debian's packages), unless `CHROMIUM` names one.
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
#: Rows of a job chunk on the test server: a 1,000-row file is screened in ten steps.
CHUNK_ROWS = 100
#: The size of the browser window, which the screenshots have.
VIEWPORT = {"width": 1100, "height": 760}


def browser_executable() -> str | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).exists() else shutil.which(named)
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    return None


def _launch_args() -> dict[str, Any]:
    executable = browser_executable()
    if executable is None:
        pytest.skip(
            "no Chromium to drive: install Debian's `chromium-headless-shell` (or `chromium`), "
            "or name one in CHROMIUM"
        )
    return {"headless": True, "executable_path": executable}


# pytest-playwright's `playwright`, `browser_type`, `browser` and `browser_context_args` last
# the whole session; sync Playwright keeps an asyncio loop marked running in this thread while
# it is started, which the async tests after these would trip over. Here they last the module
# (the one that drives the browser): one browser and one server for all its tests.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="module")
def browser_type(playwright: Playwright) -> BrowserType:
    return playwright.chromium


@pytest.fixture(scope="module")
def browser(browser_type: BrowserType) -> Iterator[Browser]:
    launched = browser_type.launch(**_launch_args())
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": VIEWPORT, "locale": "en-GB"}


@dataclass(frozen=True)
class Keys:
    admin: str
    screener: str
    auditor: str


@dataclass(frozen=True)
class WebServer:
    url: str
    keys: Keys

    def api(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": key}, timeout=30)


def _create_keys(url: str) -> Keys:
    """The first key is made in open mode (from this machine), the others with it."""
    made = httpx.post(f"{url}/v1/keys", json={"name": "admin", "role": "admin"}, timeout=30)
    assert made.status_code == 201, made.text
    admin = made.json()["key"]
    keys = {}
    for role in ("screener", "auditor"):
        made = httpx.post(
            f"{url}/v1/keys",
            json={"name": f"{role} in the browser tests", "role": role},
            headers={"X-API-Key": admin},
            timeout=30,
        )
        assert made.status_code == 201, made.text
        keys[role] = made.json()["key"]
    return Keys(admin, keys["screener"], keys["auditor"])


@pytest.fixture(scope="module")
def web_server(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    _launch_args()  # no server to start without a browser to drive it
    workdir = tmp_path_factory.mktemp("web-server")
    prefix = f"test-web-{uuid.uuid4().hex}"
    env = server_env(
        workdir / "data",
        REDIS_URL=redis_url,
        SCREENING_REDIS_KEY_PREFIX=prefix,
        SCREENING_JOB_CHUNK_ROWS=str(CHUNK_ROWS),
    )
    with uvicorn_server("127.0.0.1", env, workdir / "server.log") as server:
        url = server.url()
        yield WebServer(url, _create_keys(url))
    client = redis.Redis.from_url(redis_url)
    try:
        for pattern in (f"{prefix}:*", f"saq:*{prefix}:*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def csp_violations(page: Page) -> Iterator[list[str]]:
    """The Content-Security-Policy violations the browser reports on the page: none may be."""
    found: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", note)
    yield found
    assert not found


@pytest.fixture
def sign_in(page: Page, web_server: WebServer, csp_violations: list[str]) -> Callable[[str], Page]:
    """Sign the test's page in with a key, through the sign-in form."""

    def signed_in(key: str) -> Page:
        page.goto(f"{web_server.url}/app/sign-in")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        return page

    return signed_in


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. axe is evaluated
    through the DevTools protocol, which the page's CSP does not govern (a script tag would be
    refused, as it should be)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("SCREENSHOTS") == "docs":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def check_page(screenshots: Path) -> Callable[[Page, str], None]:
    """Check a page with axe (no serious or critical violation) and take its screenshot."""

    def check(page: Page, name: str) -> None:
        violations = serious_violations(page)
        assert not violations, json.dumps(violations, indent=1)
        page.screenshot(path=screenshots / f"{name}.png", full_page=False)

    return check
