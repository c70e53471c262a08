"""Request bodies: read as JSON into a pydantic model, refused with the service's own error
codes, and described in OpenAPI by `documented_body`.

The screening handlers read their bodies here instead of through litestar's `data` parameter:
measured, litestar's body pipeline (header parsing, decoding to builtins, then validation) cost
a quarter of a cached request, where pydantic validates the raw JSON bytes in one pass
(bench/RESULTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

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
        errors = exc.errors(include_url=False, include_input=False)
        if any(error["type"] == "json_invalid" for error in errors):
            reason = errors[0]["msg"].removeprefix("Invalid JSON: ")
            raise BadRequest(
                f"the body is not valid JSON: {reason}", code="malformed_json"
            ) from None
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


def _require_json(declared: str) -> None:
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"send the body as JSON with 'Content-Type: application/json', got {declared!r}"
        )


def documented_body(model: type[BaseModel]) -> type[Operation]:
    """An OpenAPI operation that describes `model` as the JSON request body (litestar only
    describes bodies it reads itself)."""
    schema = _inline_definitions(model.model_json_schema())

    @dataclass
    class OperationWithBody(Operation):
        def to_schema(self) -> dict[str, Any]:
            result = super().to_schema()
            content = {"application/json": {"schema": schema}}
            result["requestBody"] = {"required": True, "content": content}
            return result

    return OperationWithBody


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
