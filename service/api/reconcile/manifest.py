"""The service manifest (`GET /reconcile`): what a reconciliation client needs to use the
service, its URLs made absolute from the address the client called. With API keys in use it
names how to send one (the 0.2 specification's `authentication`, an OpenAPI security scheme).
"""

from __future__ import annotations

from typing import Any

from service.api.reconcile import preview
from service.api.reconcile.extension import LIMIT_SETTING
from service.api.reconcile.vocabulary import DEFAULT_TYPE

#: Where the service's parts are, under the root the manifest is served at.
ROOT = "/reconcile"
SUGGEST_ENTITY = f"{ROOT}/suggest/entity"
SUGGEST_TYPE = f"{ROOT}/suggest/type"
SUGGEST_PROPERTY = f"{ROOT}/suggest/property"
PROPOSE_PROPERTIES = f"{ROOT}/extend/propose"
PREVIEW = f"{ROOT}/preview"
#: The web app's page of an entity: where a person reads the whole of it.
VIEW = "/app/entities"
#: How a key is sent: the `X-API-Key` header, as to the rest of the API.
AUTHENTICATION = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key",
    "description": "An API key of the screening service (`scr_<id>_<secret>`).",
}


def manifest(base: str, version: str, *, keyed: bool) -> dict[str, Any]:
    """The manifest of the service reached at `base` (scheme, host and port), of software
    `version`; `keyed`: keys have been created, so requests need one."""
    answer: dict[str, Any] = {
        "versions": ["0.2"],
        "name": "Sanctions screening",
        "identifierSpace": f"{base}/v1/watchlist/",
        "schemaSpace": f"{base}{ROOT}/types/",
        "serviceVersion": version,
        "defaultTypes": [DEFAULT_TYPE.brief()],
        "view": {"url": f"{base}{VIEW}/{{{{id}}}}"},
        "preview": {
            "url": f"{base}{PREVIEW}/{{{{id}}}}",
            "width": preview.WIDTH,
            "height": preview.HEIGHT,
        },
        "suggest": {
            "entity": {"service_url": base, "service_path": SUGGEST_ENTITY},
            "type": {"service_url": base, "service_path": SUGGEST_TYPE},
            "property": {"service_url": base, "service_path": SUGGEST_PROPERTY},
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": PROPOSE_PROPERTIES},
            "property_settings": [
                {
                    "type": "number",
                    "name": LIMIT_SETTING,
                    "label": "Most values",
                    "default": 0,
                    "help_text": "At most this many values per entity; 0 for all of them.",
                }
            ],
        },
    }
    if keyed:
        answer["authentication"] = AUTHENTICATION
    return answer
