"""The Reconciliation Service API 0.2's JSON schemas and examples, where they are (the
specification's folder beside the repository, `../shared/specs/reconciliation-api-0.2`), and
the tests' own schemas and queries (`tests/fixtures/reconcile`), which are always there.

The specification's schemas refer to each other by their published URLs, and the manifest's
`authentication` to the Swagger 2.0 schema (the folder's `openapi.json`): every reference is
answered from the folder, so validating never goes to the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

REPO = Path(__file__).parents[3]
SPEC = REPO.parent / "shared" / "specs" / "reconciliation-api-0.2"
OWN = REPO / "tests" / "fixtures" / "reconcile"
#: Where the specification publishes its schemas, and the Swagger schema it refers to.
_PUBLISHED = (
    "https://reconciliation-api.github.io/specs/0.2/schemas/",
    "https://reconciliation-api.github.io/specs/draft/schemas/",
)
_SWAGGER = "http://swagger.io/v2/schema.json"

needs_spec = pytest.mark.skipif(
    not (SPEC / "schemas").is_dir(),
    reason="the Reconciliation API 0.2 schemas (../shared/specs/reconciliation-api-0.2 beside "
    "the repository) are absent; the tests' own schemas still run",
)


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _retrieve(uri: str) -> Any:
    """A schema the specification's schemas refer to, from the specification's folder."""
    if uri.rstrip("#") == _SWAGGER:
        return _read(SPEC / "schemas" / "openapi.json")
    for published in _PUBLISHED:
        if uri.startswith(published):
            return _read(SPEC / "schemas" / uri.removeprefix(published).split("#")[0])
    raise ValueError(f"no local copy of {uri}")


def spec_validator(name: str) -> jsonschema_rs.Draft7Validator:
    """A validator of the specification's schema `name` (`manifest`, ...), offline."""
    return jsonschema_rs.Draft7Validator(
        _read(SPEC / "schemas" / f"{name}.json"), retriever=_retrieve, validate_formats=False
    )


def own_validator(name: str) -> jsonschema_rs.Draft7Validator:
    """A validator of the tests' own schema `name` (a definition of schemas.json)."""
    schema = _read(OWN / "schemas.json")
    return jsonschema_rs.Draft7Validator(schema | {"$ref": f"#/definitions/{name}"})


#: The specification's schema of each kind of answer, and the tests' own.
ANSWERS = {
    "manifest": "manifest",
    "result-batch": "reconciliation-result-batch",
    "suggest-response": "suggest-entities-response",
    "extension-response": "data-extension-response",
    "property-proposal": "data-extension-property-proposal",
}


def problems(kind: str, answer: Any, spec: str | None = None) -> list[str]:
    """Why `answer` breaks the tests' own schema of `kind`, and the specification's (`spec`,
    by default the one of `kind`) where it is present; empty when it keeps both."""
    found = [f"own: {e.message}" for e in own_validator(kind).iter_errors(answer)]
    if (SPEC / "schemas").is_dir():
        validator = spec_validator(spec or ANSWERS[kind])
        found += [f"spec: {e.message}" for e in validator.iter_errors(answer)]
    return found


def own_queries(kind: str) -> dict[str, Any]:
    """The tests' own query batches: `valid` or `invalid`, by name."""
    batches: dict[str, Any] = _read(OWN / "queries.json")[kind]
    return batches


def spec_examples(folder: str, kind: str) -> dict[str, Any]:
    """The specification's examples of `folder` (`reconciliation-query-batch`...), `valid` or
    `invalid`, by file name; none when the specification is absent."""
    where = SPEC / "examples" / folder / kind
    if not where.is_dir():
        return {}
    return {path.name: _read(path) for path in sorted(where.glob("*.json"))}
