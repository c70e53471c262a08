"""The baselines of `api_bench.py`: litestar endpoints at the service's path that do no work,
served exactly like the service.

`create_app`: answers `POST /v1/screen` with a constant, without reading the request.
`create_parsing_app`: reads and validates the body into the service's request model first,
the least any endpoint that looks at its input must do.
"""

from __future__ import annotations

from litestar import Litestar, Response, post
from litestar.params import JSONBody
from litestar.plugins.pydantic import PydanticPlugin

from service.api.schemas import ScreenRequest

_BODY = b'{"matches":[]}'


@post("/v1/screen", status_code=200, sync_to_thread=False)
def screen() -> Response[bytes]:
    return Response(_BODY, media_type="application/json")


@post("/v1/screen", status_code=200, sync_to_thread=False)
def screen_parsed(data: JSONBody[ScreenRequest]) -> Response[bytes]:
    return Response(_BODY, media_type="application/json")


def create_app() -> Litestar:
    return Litestar([screen], logging_config=None, openapi_config=None)


def create_parsing_app() -> Litestar:
    return Litestar(
        [screen_parsed],
        logging_config=None,
        openapi_config=None,
        plugins=[PydanticPlugin(validate_strict=True)],
    )
