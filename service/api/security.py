"""Browser-facing protections: security headers on every response (errors and 404s too), by
a plain ASGI wrapper around the whole app whose header lists are built once; and the CORS
configuration (none unless origins are set)."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

from litestar.config.cors import CORSConfig
from litestar.types import Method

from service.api.reconcile import manifest as reconcile_manifest
from service.api.reconcile import preview as reconcile_preview
from service.settings import Settings

Header = tuple[bytes, bytes]

_COMMON: tuple[Header, ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
#: One year; no includeSubDomains: other hosts under this name are not ours to commit.
_HSTS: Header = (b"strict-transport-security", b"max-age=31536000")
_NO_STORE: Header = (b"cache-control", b"no-store")
_CSP = b"content-security-policy"

#: JSON (and anything else): nothing may load, run or frame it.
_API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: Swagger UI (litestar's SwaggerRenderPlugin): its script, style and favicon are served by
#: the app (`/schema/assets`, no CDN); the page starts it with an inline script holding the
#: schema (which changes with the app, hence no hash) and an inline style; its icons are
#: `data:` SVGs in its CSS.
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
#: The web app (`/app`): its own script (htmx) and style sheet only, no inline ones; forms
#: post to it alone.
_APP_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_APP_PREFIX = "/app"
#: The reconciliation service's entity previews, shown by its clients in a frame.
_PREVIEW_PREFIX = f"{reconcile_manifest.PREVIEW}/"
#: The screening page: only its own inline script and style, by hash (any change to the page
#: is picked up when the app starts); it calls the API on this origin.
_PAGE = files("service.api").joinpath("static/index.html")
_INLINE = re.compile(rb"<(script|style)>(.*?)</\1>", re.DOTALL)

#: What a browser page from an allowed origin may send (CORS).
CORS_METHODS: tuple[Method, ...] = ("GET", "POST", "DELETE")
CORS_HEADERS = ("Content-Type", "Authorization", "X-API-Key", "X-Request-ID", "Idempotency-Key")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def page_policy(html: bytes) -> str:
    """The CSP of a page whose only scripts and styles are its inline ones."""
    sources: dict[bytes, list[str]] = {b"script": [], b"style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        sources[kind].append(f"'sha256-{digest}'")
    scripts = " ".join(sources[b"script"]) or "'none'"
    styles = " ".join(sources[b"style"]) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; img-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def frame_ancestors(setting: str) -> str:
    """The CSP `frame-ancestors` sources of `SCREENING_RECONCILE_FRAME_ANCESTORS`: exact
    origins; none at all is `'none'`. A wildcard or anything else is a settings error."""
    origins = setting.split()
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"SCREENING_RECONCILE_FRAME_ANCESTORS: {origin!r} is not an origin")
    return " ".join(origins) or "'none'"


class SecurityHeaders:
    """The security headers of every HTTP response, and `Cache-Control: no-store` for those of
    `/v1/` unless the handler chose its own. Added by `RequestObserver`, which already sees
    every response start (one wrapper around the app, not two)."""

    def __init__(
        self, *, hsts: bool, page_html: bytes | None = None, preview_ancestors: str = ""
    ) -> None:
        common = (*_COMMON, _HSTS) if hsts else _COMMON
        page = page_policy(_PAGE.read_bytes() if page_html is None else page_html)
        self._api = (*common, (_CSP, _API_POLICY.encode()))
        self._docs = (*common, (_CSP, _DOCS_POLICY.encode()))
        self._page = (*common, (_CSP, page.encode()))
        self._app = (*common, (_CSP, _APP_POLICY.encode()))
        # A preview is framed by the reconciliation client: no `X-Frame-Options` (it cannot
        # name an origin), `frame-ancestors` instead.
        framed = tuple(h for h in common if h[0] != b"x-frame-options")
        policy = reconcile_preview.policy(frame_ancestors(preview_ancestors))
        self._preview = (*framed, (_CSP, policy.encode()))

    def headers_for(self, path: str) -> tuple[Header, ...]:
        if path == "/":
            return self._page
        if path.startswith(_PREVIEW_PREFIX):
            return self._preview
        if path == _APP_PREFIX or path.startswith(f"{_APP_PREFIX}/"):
            return self._app
        if path == "/schema" or path.startswith("/schema/"):
            return self._docs
        return self._api

    def add(self, path: str, headers: list[Header]) -> None:
        """Add the headers of a response to `path` to its `headers`. The API's answers and the
        web app's pages (not its static files) are not kept by caches."""
        private = path.startswith(("/v1/", f"{_APP_PREFIX}/")) and not path.startswith(
            f"{_APP_PREFIX}/static/"
        )
        if private and not any(name == b"cache-control" for name, _ in headers):
            headers.append(_NO_STORE)
        headers.extend(self.headers_for(path))


def allowed_origins(setting: str) -> list[str]:
    """The exact origins of `SCREENING_CORS_ORIGINS`; a wildcard or anything but
    `scheme://host[:port]` is a settings error."""
    origins = [o.strip().rstrip("/") for o in setting.split(",") if o.strip()]
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"SCREENING_CORS_ORIGINS: {origin!r} is not an exact origin")
    return origins


def cors_config(settings: Settings) -> CORSConfig | None:
    """Strict CORS for the configured origins only, without credentials; None (no CORS
    headers at all) when none is configured."""
    origins = allowed_origins(settings.cors_origins)
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=list(CORS_METHODS),
        allow_headers=list(CORS_HEADERS),
        allow_credentials=False,
        expose_headers=["X-Request-ID", "Retry-After"],
    )
