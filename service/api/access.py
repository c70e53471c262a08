"""Who may run admin operations (a watchlist reload): the one guard every admin route carries.

Access control comes in a later release; until then this guard lets every caller through, so
deploy the admin routes behind a proxy that restricts them.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

#: Said in the OpenAPI description of every admin route.
ADMIN_NOTE = (
    "Admin operation. Not access-controlled yet: the guard `admin_only` "
    "(`service/api/access.py`) is where access control will go; until then restrict this "
    "route at the proxy."
)


async def admin_only(_connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse callers who may not run admin operations: nobody yet (a later release)."""
