"""mkdocs hooks (mkdocs.yml): the OpenAPI document the service serves at /schema/openapi.json,
written into the site as openapi.json at build time, so the API guide links a reference that
is always the code's."""

from __future__ import annotations

from litestar.serialization import encode_json, get_serializer
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from service.app import create_app
from service.settings import Settings


def on_files(files: Files, config: MkDocsConfig) -> Files:
    app = create_app(Settings(_env_file=None))
    # Encoded with the app's type encoders, as /schema/openapi.json is: its examples are models.
    schema = encode_json(app.openapi_schema.to_schema(), get_serializer(app.type_encoders))
    files.append(File.generated(config, "openapi.json", content=schema))
    return files
