"""A job's chunks as stored in Redis: the input rows of a chunk and its result rows, each chunk
one compressed JSON array of rows (arrays, not objects: a million rows repeat no field names).
Never pickle. Pure: no Redis, no web framework.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

from pydantic import TypeAdapter

from service.batch.outputs import ResultRow
from service.batch.tables import InputRow

#: zlib level 1: most of the gain (supplier rows compress about 4:1) at a fraction of the CPU.
COMPRESSION_LEVEL = 1

_Text = str | None
# A row's identifiers came after its error later: chunks stored before (a job queued while the
# service was upgraded) have none.
_INPUT = TypeAdapter(
    list[
        tuple[int, _Text, _Text, _Text, _Text, list[tuple[_Text, str]]]
        | tuple[int, _Text, _Text, _Text, _Text]
    ]
)
# A row's warnings came after its error later, and its identifiers after them: chunks stored
# before (a job running while the service was upgraded) have none.
_OUTPUT = TypeAdapter(
    list[
        tuple[int, _Text, _Text, _Text, str, str, _Text, _Text, _Text]
        | tuple[int, _Text, _Text, _Text, str, str, _Text, _Text]
        | tuple[int, _Text, _Text, _Text, str, str, _Text]
    ]
)
_NO_MATCHES = b"[]"


def _packed(data: object) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), COMPRESSION_LEVEL)


def pack_input(rows: Sequence[InputRow]) -> bytes:
    return _packed(
        [[r.number, r.name, r.country, r.supplier_id, r.error, r.identifiers] for r in rows]
    )


def unpack_input(payload: bytes) -> list[InputRow]:
    return [
        InputRow(
            number=number,
            name=name,
            country=country,
            supplier_id=supplier_id,
            error=error,
            identifiers=tuple(rest[0]) if rest else (),
        )
        for number, name, country, supplier_id, error, *rest in _INPUT.validate_json(
            zlib.decompress(payload)
        )
    ]


def pack_output(rows: Sequence[ResultRow]) -> bytes:
    # The match list is kept as the JSON text the API returns (a string inside the chunk's
    # JSON), so it comes back byte for byte; most rows have none.
    return _packed([_output_fields(r) for r in rows])


def _output_fields(r: ResultRow) -> list[object]:
    return [
        r.number, r.supplier_id, r.name, r.country, r.status, r.matches.decode(), r.error,
        r.warnings, r.identifiers,
    ]  # fmt: skip


def unpack_output(payload: bytes) -> list[ResultRow]:
    rows = []
    for number, supplier_id, name, country, status, matches, error, *rest in _OUTPUT.validate_json(
        zlib.decompress(payload)
    ):
        rows.append(
            ResultRow(
                number=number,
                supplier_id=supplier_id,
                name=name,
                country=country,
                status=status,
                matches=_NO_MATCHES if matches == "[]" else matches.encode(),
                error=error,
                warnings=rest[0] if rest else None,
                identifiers=rest[1] if len(rest) > 1 else None,
            )
        )
    return rows
