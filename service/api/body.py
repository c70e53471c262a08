"""Request bodies: read as JSON into a pydantic model, refused with the service's own error
codes, and described in OpenAPI by `documented_body`.

The screening handlers read their bodies here instead of through litestar's `data` parameter:
measured, litestar's body pipeline (header parsing, decoding to builtins, then validation) cost
a quarter of a cached request, where pydantic validates the raw JSON bytes in one pass
(bench/RESULTS.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from litestar import Request
from litestar.openapi.spec import Operation
from pydantic import BaseModel, ValidationError

from service.errors import BadRequest, BodyTooLarge, InvalidInput, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request[Any, Any, Any], max_bytes: int) -> bytes:
    """The body of a request declared as JSON, refused (415, 413, 400) before any parsing if
    it is not declared as JSON, too large, or empty."""
    headers = dict(request.scope["headers"])
    _require_json(headers.get(b"content-type", b"").decode("latin-1"))
    declared = headers.get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"the body is larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await request.receive()
        if message["type"] != "http.request":
            raise BadRequest("the client went away before sending the body", code="disconnected")
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > max_bytes:
            raise BodyTooLarge(f"the body is larger than {max_bytes} bytes")
        more = message.get("more_body", False)
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if not body.strip():
        raise BadRequest("the body is empty; send a JSON object", code="malformed_json")
    return body


def parse_body(body: bytes, model: type[M]) -> M:
    """Validate JSON bytes as `model`: 400 `malformed_json` when they are not JSON, 422
    `invalid_body` naming each wrong field otherwise."""
    try:
        return model.model_validate_json(body, strict=True)
    except ValidationError as exc:
        refusal = exc
    if _integral_numbers_refused(refusal):
        try:
            return model.model_validate_json(_integral_numbers_as_integers(body), strict=True)
        except ValidationError as exc:
            refusal = exc
    _refuse(refusal)


def _refuse(exc: ValidationError) -> NoReturn:
    """400 `malformed_json` when the body is not JSON, else 422 naming each wrong field."""
    errors = exc.errors(include_url=False, include_input=False)
    if any(error["type"] == "json_invalid" for error in errors):
        reason = errors[0]["msg"].removeprefix("Invalid JSON: ")
        raise BadRequest(f"the body is not valid JSON: {reason}", code="malformed_json") from None
    details: list[dict[str, Any]] = [
        {"field": ".".join(str(p) for p in error["loc"]) or None, "message": error["msg"]}
        for error in errors
    ]
    problems = "; ".join(
        f"{d['field']}: {d['message']}" if d["field"] else d["message"] for d in details
    )
    raise InvalidInput(
        f"the request body is invalid: {problems}", code="invalid_body", details=details
    ) from None


def _integral_numbers_refused(exc: ValidationError) -> bool:
    """Whether an integer field was refused a number with a zero fraction (`33.0`): JSON Schema,
    and so the OpenAPI document, counts it an integer; pydantic's strict mode does not."""
    return any(
        error["type"] in ("int_type", "int_from_float")
        and isinstance(error.get("input"), float)
        and error["input"].is_integer()
        for error in exc.errors(include_url=False)
    )


def _integral_numbers_as_integers(body: bytes) -> bytes:
    """The body with its numbers with a zero fraction written as integers (a float field
    takes an integer all the same). Only after a refusal: the usual body is parsed once."""
    return json.dumps(json.loads(body, parse_float=_integral_or_float)).encode()


def _integral_or_float(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number


def _require_json(declared: str) -> None:
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"send the body as JSON with 'Content-Type: application/json', got {declared!r}"
        )


def documented_body(
    model: type[BaseModel],
    rules: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    multipart: Mapping[str, Any] | None = None,
) -> type[Operation]:
    """An OpenAPI operation that describes `model` as the JSON request body (litestar only
    describes bodies it reads itself). `rules` add to the schema of a property (dotted path;
    into the items of a list) the checks made after parsing (`service.screening.queries`), so the
    document states every limit enforced; `multipart` is the schema of the same request as a
    `multipart/form-data` upload."""
    schema = _inline_definitions(model.model_json_schema())
    for path, rule in (rules or {}).items():
        _property(schema, path).update(rule)
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if multipart is not None:
        content["multipart/form-data"] = {"schema": dict(multipart)}

    @dataclass
    class OperationWithBody(Operation):
        def to_schema(self) -> dict[str, Any]:
            result = super().to_schema()
            result["requestBody"] = {"required": True, "content": content}
            return result

    return OperationWithBody


def upload_form(options: type[BaseModel], file_field: str, description: str) -> dict[str, Any]:
    """The schema of a `multipart/form-data` upload: a file in `file_field`, and the fields
    of `options` (sent as text, read as `options` reads them)."""
    schema = _inline_definitions(options.model_json_schema())
    properties = {file_field: {"type": "string", "format": "binary", "description": description}}
    return {
        "type": "object",
        "properties": properties | schema["properties"],
        "required": [file_field],
        "additionalProperties": False,
    }


def _property(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The schema of the property at `path` (`queries.name`: the name of each query)."""
    node = schema
    for name in path.split("."):
        node = _concrete(node)
        if node.get("type") == "array":
            node = _concrete(node["items"])
        node = node["properties"][name]
    return _concrete(node)


def _concrete(node: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional value (`anyOf: [X, null]`), else the node."""
    branches = [b for b in node.get("anyOf", ()) if b.get("type") != "null"]
    return branches[0] if len(branches) == 1 else node


def _inline_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace pydantic's `#/$defs/...` references by the definitions (the request models
    are not recursive), so the schema stands alone inside the OpenAPI document."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
