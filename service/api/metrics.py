"""`GET /metrics`: the app's Prometheus metrics in the text exposition format."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State

from service.api.context import runtime_of
from service.metrics import CONTENT_TYPE

#: litestar adds `; charset=utf-8` to a text/ media type itself: given twice, it is sent twice.
_MEDIA_TYPE = CONTENT_TYPE.replace("; charset=utf-8", "")


class MetricsController(Controller):
    tags = ("operations",)

    @get(
        "/metrics",
        operation_id="metrics",
        summary="Prometheus metrics",
        sync_to_thread=False,
        media_type=_MEDIA_TYPE,
    )
    def metrics(self, state: State) -> Response[bytes]:
        return Response(runtime_of(state).metrics.render(), media_type=_MEDIA_TYPE)
