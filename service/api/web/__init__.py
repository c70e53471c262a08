"""The analysts' web app under `/app`: pages rendered on the server (Jinja2, through litestar's
template support) with htmx for the parts that change in place, over the same functions as the
JSON API. Its own files (templates, CSS, a pinned htmx) are in this package: no build step, no
CDN, no inline script or style (its Content-Security-Policy allows none)."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from service.api.web.alerts import AlertPages
from service.api.web.files import FilePages, uploads_lifespan
from service.api.web.gate import PREFIX, admit, error_handlers
from service.api.web.lists import AuditPages, WatchlistPages
from service.api.web.pages import EntityPages, ScreenPages, SignInPages

_HERE = Path(__file__).parent
#: The pinned htmx (see `static/VENDORED.md`), the style sheet and the icon.
STATIC = _HERE / "static"
TEMPLATES = _HERE / "templates"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine)


def web_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            SignInPages,
            ScreenPages,
            EntityPages,
            FilePages,
            AlertPages,
            WatchlistPages,
            AuditPages,
            create_static_files_router(
                f"{PREFIX}/static", [STATIC], include_in_schema=False, name="web-static"
            ),
        ],
        before_request=admit,
        exception_handlers=error_handlers(),
        include_in_schema=False,
    )


__all__ = ["STATIC", "TEMPLATES", "template_config", "uploads_lifespan", "web_router"]
