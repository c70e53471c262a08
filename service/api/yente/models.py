"""Request and response bodies of the yente-compatible API, in yente's shapes (its
`yente.data.common` models): what a yente client sends, and what it reads back, with this
service's explanation of each match carried along in fields of its own.

Pydantic only. Unknown fields are ignored, as yente ignores them: a client written for
yente may send what yente accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.screening.results import ExplanationOut


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class EntityExample(_Body):
    """One entity to match: a schema and FtM properties, each a value or a list of values."""

    id: str | None = Field(default=None, examples=["supplier-1"])
    schema_: str = Field(alias="schema", examples=["Company"])
    properties: dict[str, str | list[str]] = Field(
        examples=[{"name": ["OAO BelAZ"], "country": ["by"], "taxNumber": ["600041087"]}]
    )


class MatchRequest(_Body):
    queries: dict[str, EntityExample] = Field(
        description="The entities to match, under keys the answer repeats.",
        examples=[{"supplier-1": {"schema": "Company", "properties": {"name": ["BelAZ"]}}}],
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="yente's feature weights: none are accepted here."
    )
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="yente's algorithm settings: none are accepted here."
    )


class Feature(_Body):
    """yente's `FeatureResult`: one part of a score, explained."""

    score: float
    detail: str | None = None
    query: str | None = Field(default=None, description="The query's value that was used.")
    candidate: str | None = Field(default=None, description="The entity's value it matched.")


class EntityOut(_Body):
    """yente's `EntityResponse`: an FtM entity."""

    id: str
    caption: str
    schema_: str = Field(alias="schema", examples=["Company"])
    properties: dict[str, list[Any]] = Field(
        description="FtM properties; in `/entities/{id}`, `sanctions` holds the listings as "
        "nested `Sanction` entities."
    )
    datasets: list[str] = Field(description="The listing authorities' datasets.")
    referents: list[str] = Field(default_factory=list)
    target: bool = Field(description="True for a listed entity.")
    first_seen: str | None = None
    last_seen: str | None = Field(
        default=None, description="When the watchlist version serving it was loaded."
    )
    last_change: str | None = Field(
        default=None, description="Not known: the watchlist keeps no per-entity dates."
    )


class ScoredEntityOut(EntityOut):
    """yente's `ScoredEntityResponse`, with this service's explanation."""

    score: float = Field(description="The best score of the query's names (0 to 1).")
    match: bool = Field(description="Whether the score reaches the `threshold`.")
    features: dict[str, float] = Field(description="The score's parts, as older yentes gave.")
    explanations: dict[str, Feature]
    explanation: ExplanationOut = Field(
        description="This service's explanation of the best name's match, as `/v1/screen` "
        "gives it: which words matched which, how, and what lowered the score."
    )
    matched_name: str = Field(description="The query's name that scored best.")
    matched_alias: str = Field(description="The listed name it matched.")


class TotalOut(_Body):
    value: int
    relation: str = "eq"


class EntityMatches(_Body):
    status: int = 200
    results: list[ScoredEntityOut]
    total: TotalOut = Field(description="How many results reach the threshold.")
    query: EntityExample
    warnings: list[str] = Field(
        default_factory=list,
        description="What was left out of the query (an identifier that is not valid) or "
        "removed from a name before screening.",
    )


class Matcher(_Body):
    name: str
    watchlist_version: str
    threshold: float
    cutoff: float


class MatchResponse(_Body):
    responses: dict[str, EntityMatches]
    matcher: Matcher
    limit: int


class FacetItem(_Body):
    name: str
    label: str
    count: int


class Facet(_Body):
    label: str
    values: list[FacetItem]


class SearchResponse(_Body):
    limit: int
    offset: int
    total: TotalOut
    results: list[EntityOut]
    facets: dict[str, Facet]


class ResourceOut(_Body):
    """A file the watchlist was read from (its name only: no server path)."""

    name: str
    title: str | None = None


class DatasetOut(_Body):
    """yente's `YenteDatasetModel` (an FtM dataset) for one listing authority, or the
    collection of them all."""

    name: str
    title: str
    summary: str | None = None
    version: str
    entity_count: int
    children: list[str] = Field(default_factory=list)
    resources: list[ResourceOut] = Field(default_factory=list)
    load: bool
    index_version: str
    index_current: bool = True


class CatalogOut(_Body):
    datasets: list[DatasetOut]
    current: list[str]
    outdated: list[str] = Field(default_factory=list)
    index_stale: bool = False


class FeatureDoc(_Body):
    description: str | None
    coefficient: float
    url: str


class AlgorithmDocs(_Body):
    name: str
    description: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    features: dict[str, FeatureDoc]


class Algorithm(_Body):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmsOut(_Body):
    algorithms: list[Algorithm]
    default: str
    best: str


class StatusOut(_Body):
    status: str = "ok"
