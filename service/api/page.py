"""`GET /`: a single static page for analysts to screen a name by hand; no build step, no
external scripts or styles."""

from __future__ import annotations

from importlib.resources import files

from litestar import Controller, MediaType, Response, Router, get

_PAGE = files("service.api").joinpath("static/index.html")


class PageController(Controller):
    include_in_schema = False

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self._html = _PAGE.read_bytes()  # once per app, not per request

    @get("/", sync_to_thread=False, media_type=MediaType.HTML)
    def page(self) -> Response[bytes]:
        return Response(self._html, media_type=MediaType.HTML)
