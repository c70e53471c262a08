"""`GET /search/{dataset}` without the web: the entities a text finds, as yente's search
answers. The text is screened by the engine as a name (at `SEARCH_THRESHOLD`, lower than a
screening's: a search lists candidates to look through); without one, every entity is listed.
Filtered by dataset, country and schema, paged, with facets. No web framework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter

from service.api.yente import ftm
from service.api.yente.catalog import in_datasets
from service.api.yente.models import EntityOut, Facet, FacetItem, SearchResponse, TotalOut
from service.screening.results import MatchOut
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity

#: The engine's threshold for a search text (0..1): the lowest a batch may ask for
#: (`batch_min_threshold`'s default), below which nearly every listed name is some match.
SEARCH_THRESHOLD = 0.5
#: Largest page (yente's `MAX_PAGE`).
MAX_PAGE = 500
_MATCHES = TypeAdapter(list[MatchOut])


def found(watchlist: Watchlist, payload: bytes | None) -> list[Entity]:
    """The entities of a screened text's matches, best first; every entity without a text."""
    if payload is None:
        return list(watchlist.entities)
    entities = (watchlist.get(m.entity_id) for m in _MATCHES.validate_json(payload))
    return [e for e in entities if e is not None]


def _kept(
    entity: Entity,
    datasets: frozenset[str] | None,
    countries: frozenset[str],
    schema: str | None,
) -> bool:
    if not in_datasets(entity, datasets):
        return False
    if countries and countries.isdisjoint(ftm.entity_countries(entity)):
        return False
    return schema is None or schema in ftm.ancestry(ftm.ftm_schema(entity))


def _facet(label: str, counts: Counter[str]) -> Facet:
    return Facet(
        label=label,
        values=[FacetItem(name=name, label=name, count=n) for name, n in counts.most_common()],
    )


def page(
    entities: Sequence[Entity],
    *,
    datasets: frozenset[str] | None,
    countries: Sequence[str],
    schema: str | None,
    limit: int,
    offset: int,
    render: Callable[[Entity], dict[str, Any]],
) -> SearchResponse:
    wanted = frozenset(c.lower() for c in countries)
    kept = [e for e in entities if _kept(e, datasets, wanted, schema)]
    shown = [EntityOut.model_validate(render(e)) for e in kept[offset : offset + limit]]
    by_country: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    by_dataset: Counter[str] = Counter()
    for entity in kept:
        by_country.update(ftm.entity_countries(entity))
        by_topic.update(ftm.entity_topics(entity))
        by_dataset.update(ftm.entity_datasets(entity))
    return SearchResponse(
        limit=limit,
        offset=offset,
        total=TotalOut(value=len(kept)),
        results=shown,
        facets={
            "countries": _facet("Countries", by_country),
            "topics": _facet("Topics", by_topic),
            "datasets": _facet("Data sources", by_dataset),
        },
    )
