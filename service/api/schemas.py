"""Request and response bodies of the HTTP API, with the examples shown on the OpenAPI page,
and the renderers that splice cached match JSON into screening responses.

Pydantic only; the limits named in descriptions are the defaults of `service.settings`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.matching.matcher import DEFAULT_THRESHOLD
from service.screening.evidence import QueryIdentifier
from service.screening.queries import Notice, RefusedQuery, ScreenQuery
from service.screening.query_identifiers import Asked
from service.screening.results import MatchOut, Result
from service.watchlist.model import Entity


class _Request(BaseModel):
    # Unknown fields are refused (a misspelt "treshold" must not silently use the default)
    # and types are strict (no "0.5" for 0.5, no true for 1).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


_NAME_DESCRIPTION = (
    "Company name in any script, 1 to 300 characters. Control characters and characters "
    "that print as nothing (zero-width spaces, bidi marks, soft hyphens) are removed before "
    "screening and named in `warnings`. Numbers written in it with their label or check "
    "digits (`УНП 100230519`, `INN 7707083893`) are used as identifiers too. May be left out "
    "(or null, or blank) when `identifiers` are given: a query by identifiers alone."
)
_IDENTIFIERS_DESCRIPTION = (
    "The counterparty's registration and tax numbers, at most 20. An entity that lists one "
    "of them (the same scheme, or a list's registration or tax number of the same value) is "
    "a match at 1.0 whatever the name, listed first; an entity whose name matches but which "
    "lists another number of the same scheme (UNP, INN, OGRN, OKPO, EDRPOU, LEI) has its "
    "score lowered (penalty `identifier_conflict`, never below the threshold) and a note. "
    "An identifier that is not valid (its shape or check digits) refuses the query."
)
_COUNTRY_DESCRIPTION = (
    "The counterparty's country: an ISO 3166-1 alpha-2 or alpha-3 code, or the country's "
    "name in any language (`Belarus`, `Беларусь`, `Weißrussland`); anything else is refused. "
    "Entities linked only to other countries rank lower, but a country never hides a name "
    "that reaches the threshold on its own."
)


class IdentifierIn(_Request):
    type: str | None = Field(
        default=None,
        description="The scheme: unp, inn, ogrn, okpo, edrpou, lei, registration or tax, or a "
        "label as files write it (`УНП`, `ИНН`, `ОГРН`, `ЄДРПОУ`, `Tax ID`, `Registration "
        "number`). Left out: the value is read as each scheme whose shape and check digits it "
        "has (UNP, INN, OGRN, OKPO, EDRPOU, LEI), and refused if it has none.",
        examples=["unp"],
    )
    value: str = Field(
        description="The number as written: spaces, dashes, dots and slashes between its "
        "characters are ignored, and in a UNP, INN, OGRN, OKPO or EDRPOU the letters O and l "
        "typed for 0 and 1. A UNP, INN, OGRN, OKPO, EDRPOU or LEI must pass its check digits.",
        examples=["100230519"],
    )


class ScreenRequest(_Request):
    name: str | None = Field(default=None, description=_NAME_DESCRIPTION, examples=["ОАО «Пеленг»"])
    identifiers: list[IdentifierIn] | None = Field(
        default=None,
        description=_IDENTIFIERS_DESCRIPTION,
        examples=[[{"type": "unp", "value": "100230519"}]],
    )
    country: str | None = Field(default=None, description=_COUNTRY_DESCRIPTION, examples=["BY"])
    threshold: float | None = Field(
        default=None,
        description=f"Lowest score reported, 0 to 1; default {DEFAULT_THRESHOLD}.",
        json_schema_extra={"minimum": 0, "maximum": 1},
        examples=[DEFAULT_THRESHOLD],
    )
    limit: int | None = Field(
        default=None,
        description="Most matches returned, 1 to 100; default 10.",
        json_schema_extra={"minimum": 1, "maximum": 100},
        examples=[10],
    )


class QueryIdentifierOut(BaseModel):
    type: str | None = Field(
        description="The scheme the identifier was read as (as sent, for a query refused).",
        examples=["unp"],
    )
    value: str = Field(description="Normalised (as sent, for a query refused).")
    origin: Literal["given", "name"] = Field(
        description="`given`: in `identifiers`; `name`: written in the name."
    )


class QueryWarning(BaseModel):
    code: str = Field(
        description="control_characters_removed or invisible_characters_removed.",
        examples=["invisible_characters_removed"],
    )
    message: str = Field(
        examples=["removed 2 invisible characters from the name before screening (...)"]
    )


class QueryError(BaseModel):
    code: str = Field(
        description="Why this query was not screened: name_empty, name_too_long, "
        "name_nothing_to_match, name_missing, country_invalid, identifier_invalid, "
        "identifier_unrecognised, identifier_type_unknown, identifier_empty, "
        "identifier_too_long or identifiers_too_many.",
        examples=["name_nothing_to_match"],
    )
    message: str = Field(examples=["name has no letters or digits to match"])


class ScreenResponse(BaseModel):
    screening_id: str | None = Field(
        description="The id of this screening in the audit trail "
        "(`GET /v1/screenings/{screening_id}`); null when the audit is off."
    )
    query: str | None = Field(description="The name as sent; null for identifiers alone.")
    warnings: list[QueryWarning] = Field(description="What was removed from the name.")
    country: str | None = Field(description="The ISO code of the country sent, if any.")
    identifiers: list[QueryIdentifierOut] = Field(
        description="The identifiers screened: those given, normalised (an untyped value once "
        "per scheme it passes), then those written in the name."
    )
    threshold: float
    limit: int
    matches: list[MatchOut] = Field(description="Highest score first.")
    watchlist_version: str = Field(description="Content hash of the watchlist screened against.")
    screened_at: datetime
    cached: bool = Field(description="True when the matches came from the result cache.")


class BatchQuery(_Request):
    id: str = Field(
        min_length=1, max_length=200, description="The caller's id, unique in the batch."
    )
    name: str | None = Field(
        default=None, description=_NAME_DESCRIPTION, examples=["Minsk Wheeled Tractor Plant"]
    )
    country: str | None = Field(default=None, description=_COUNTRY_DESCRIPTION)
    identifiers: list[IdentifierIn] | None = Field(
        default=None, description=_IDENTIFIERS_DESCRIPTION
    )


class BatchRequest(_Request):
    queries: list[BatchQuery] = Field(
        description="1 to 10,000 queries. A query that cannot be screened (an empty name, a "
        "name with nothing to match, an unknown country) gets its own `error`; the others are "
        "screened all the same.",
        examples=[
            [
                {"id": "po-1041", "name": "Minsk Wheeled Tractor Plant", "country": "BY"},
                {"id": "po-1042", "name": "Legmash Orsha"},
                {"id": "po-1043", "identifiers": [{"type": "unp", "value": "300228934"}]},
            ]
        ],
    )
    threshold: float | None = Field(
        default=None,
        description=f"Lowest score reported, 0.5 to 1; default {DEFAULT_THRESHOLD}.",
        json_schema_extra={"minimum": 0.5, "maximum": 1},
    )
    limit: int | None = Field(
        default=None,
        description="Most matches per query, 1 to 100; default 10. Queries times limit may "
        "be at most 100,000.",
        json_schema_extra={"minimum": 1, "maximum": 100},
    )


class BatchResult(BaseModel):
    id: str
    screening_id: str | None = Field(description="This query's screening in the audit trail.")
    matches: list[MatchOut]
    cached: bool
    warnings: list[QueryWarning] = Field(description="What was removed from the name.")
    identifiers: list[QueryIdentifierOut] = Field(
        description="The identifiers screened, as in a single screening's answer; as sent "
        "for a query refused."
    )
    error: QueryError | None = Field(
        description="Why this query was not screened; null when it was."
    )


class BatchResponse(BaseModel):
    results: list[BatchResult] = Field(description="In the order of the queries.")
    watchlist_version: str
    screened_at: datetime


class WatchlistCounts(BaseModel):
    entities: int
    names: int = Field(description="Primary names and aliases, without repeats per entity.")
    aliases: int
    defence_entities: int
    identifiers: int = Field(description="Identifiers listed (UNP, INN, OGRN...), all entities.")


class WatchlistPage(BaseModel):
    version: str
    sources: list[str]
    counts: WatchlistCounts
    offset: int
    limit: int
    found: int | None = Field(
        default=None,
        description="With `identifier`: how many entities list it (this page shows `limit` "
        "of them from `offset`); null otherwise.",
    )
    entities: list[Entity]


class CacheStatus(BaseModel):
    backend: str = Field(examples=["redis"])
    state: str = Field(examples=["ok"])


class WatchlistStatus(BaseModel):
    state: str = Field(examples=["ready"])
    version: str | None
    entities: int | None
    error: str | None = None


class LastReload(BaseModel):
    trigger: str = Field(description="startup, api or signal (SIGHUP).", examples=["api"])
    started_at: datetime
    seconds: float
    ok: bool
    version: str | None = Field(description="The version loaded; null when the load failed.")
    error: str | None = Field(
        default=None, description="Why it failed; the version being served stays in service."
    )


class ReloadStatus(BaseModel):
    in_progress: bool
    last: LastReload | None = Field(description="The last load of the watchlist, if any.")


class AccessStatus(BaseModel):
    mode: Literal["keys", "open"] = Field(
        description="`open`: no API key exists and the server is bound to a loopback address, "
        "so requests need no key; `keys`: every request needs one."
    )
    audit: Literal["on", "off"]
    database: str = Field(description="The durable store's database: sqlite or postgresql.")


class DatabaseStatus(BaseModel):
    state: Literal["starting", "ok", "unavailable"] = Field(
        description="`starting`: the database has not answered yet since start-up (tried "
        "again until it does); `unavailable`: it stopped answering; requests that need it "
        "(keys, screening, the audit trail) are answered 503 meanwhile.",
        examples=["ok"],
    )
    database: str = Field(description="sqlite or postgresql.", examples=["postgresql"])
    error: str | None = Field(default=None, description="Why it does not answer.")
    since: datetime = Field(description="When the state began.")


class Readiness(BaseModel):
    ready: bool
    watchlist: WatchlistStatus
    cache: CacheStatus
    reload: ReloadStatus
    database: DatabaseStatus | None = Field(
        default=None, description="The durable store's database; null while starting."
    )
    access: AccessStatus | None = Field(
        description="Null while starting, or while the database does not answer."
    )


class ReloadResponse(BaseModel):
    version: str = Field(description="The version now served.", examples=["0a2753587936b3be"])
    previous_version: str | None
    changed: bool = Field(description="False when the files hold the version already served.")
    entities: int
    sources: list[str] = Field(description="File names the watchlist was read from.")
    loaded_at: datetime
    load_seconds: float = Field(description="Reading the files and building the index.")


class StoreStatus(BaseModel):
    backend: str = Field(description="redis, or memory (this process only).", examples=["redis"])
    state: str = Field(
        description="ok, or degraded: Redis does not answer, only the versions this process "
        "loaded are known.",
        examples=["ok"],
    )


class VersionOut(BaseModel):
    version: str
    loaded_at: datetime = Field(description="When a process last put it in service.")
    first_loaded_at: datetime
    sources: list[str]
    entities: int
    current: bool = Field(description="Served by the process answering.")


class VersionsResponse(BaseModel):
    current: str = Field(description="The version the process answering serves.")
    versions: list[VersionOut] = Field(description="The most recently loaded first.")
    store: StoreStatus


class PrimaryNameChange(BaseModel):
    old: str
    new: str


class EntityChangeOut(BaseModel):
    entity_id: str
    name: str = Field(description="The primary name in the newer version.")
    names_added: list[str] = Field(description="Names (primary or alias) only in `to`.")
    names_removed: list[str] = Field(description="Names only in `from`.")
    primary_name: PrimaryNameChange | None
    fields: list[str] = Field(
        description="Other fields that differ: schema, country, addresses, identifiers, "
        "listings, defence, notes, aliases (an alias's kind).",
        examples=[["listings"]],
    )


class ChangeCounts(BaseModel):
    added: int
    removed: int
    changed: int


class ChangesResponse(BaseModel):
    from_version: str
    to_version: str
    counts: ChangeCounts
    added: list[Entity] = Field(description="Entities only in `to`, by id.")
    removed: list[Entity] = Field(description="Entities only in `from`, by id.")
    changed: list[EntityChangeOut]
    store: StoreStatus


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class ErrorBody(BaseModel):
    status: int = Field(examples=[422])
    code: str = Field(examples=["name_empty"])
    message: str = Field(examples=["name is empty"])
    details: list[dict[str, Any]] | None = None
    request_id: str | None = None


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _json_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _warnings(notices: Sequence[Notice]) -> str:
    if not notices:
        return "[]"
    return json.dumps(
        [{"code": n.code, "message": n.message} for n in notices], separators=(",", ":")
    )


def _identifiers(identifiers: Sequence[QueryIdentifier]) -> str:
    if not identifiers:
        return "[]"
    return json.dumps(
        [{"type": i.type.value, "value": i.value, "origin": i.origin.value} for i in identifiers],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _asked(identifiers: Sequence[Asked]) -> bytes:
    return _json([{"type": k, "value": v, "origin": "given"} for k, v in identifiers])


def render_screen(
    query: ScreenQuery, result: Result, version: str, screened_at: str, screening_id: str | None
) -> bytes:
    """A `ScreenResponse` as JSON, with the cached match list embedded as it is. Built by hand
    because this is the whole cost of a cache hit: only the name needs a JSON encoder (the
    country is two letters, the version and the id hex, the time ISO 8601, numbers print as
    JSON)."""
    country = f'"{query.country}"' if query.country else "null"
    sid = f'"{screening_id}"' if screening_id else "null"
    name = "null" if query.name is None else _json_str(query.name)
    head = (
        f'{{"screening_id":{sid},"query":{name},'
        f'"warnings":{_warnings(query.notices)},"country":{country},'
        f'"identifiers":{_identifiers(query.identifiers)},'
        f'"threshold":{query.threshold!r},"limit":{query.limit},"matches":'
    )
    cached = "true" if result.cached else "false"
    tail = f',"watchlist_version":"{version}","screened_at":"{screened_at}","cached":{cached}}}'
    return b"".join((head.encode(), result.payload, tail.encode()))


def render_batch_results(
    ids: Sequence[str],
    queries: Sequence[ScreenQuery | RefusedQuery],
    results: Sequence[Result | None],
    screening_ids: Sequence[str | None],
) -> list[bytes]:
    """Each query's `BatchResult` as JSON, in the order of the queries; a refused query has no
    result and an `error`."""
    out = []
    for qid, query, result, sid in zip(ids, queries, results, screening_ids, strict=True):
        head = b'{"id":' + _json(qid) + b',"screening_id":'
        head += f'"{sid}"'.encode() if sid else b"null"
        if isinstance(query, RefusedQuery):
            error = _json({"code": query.code, "message": query.message})
            asked = b',"identifiers":' + _asked(query.identifiers)
            out.append(
                head + b',"matches":[],"cached":false,"warnings":[]' + asked + b',"error":'
                + error + b"}"
            )  # fmt: skip
            continue
        assert result is not None  # every query screened has its result
        cached = b',"cached":true' if result.cached else b',"cached":false'
        warnings = b',"warnings":' + _warnings(query.notices).encode()
        identifiers = b',"identifiers":' + _identifiers(query.identifiers).encode()
        out.append(
            head + b',"matches":' + result.payload + cached + warnings + identifiers
            + b',"error":null}'
        )  # fmt: skip
    return out


def render_batch(parts: Sequence[bytes], version: str, screened_at: str) -> bytes:
    """A `BatchResponse` as JSON, from its results (`render_batch_results`)."""
    tail = _json({"watchlist_version": version, "screened_at": screened_at})[1:]
    return b"".join((b'{"results":[', b",".join(parts), b"],", tail))
