"""The watchlist as yente's catalog: one dataset per listing authority (`eu`, `us_ofac`...) and
the `default` collection of them all, with the watchlist version; which entities a dataset
name covers; the one matching algorithm, described as yente describes its own.

No web framework; `NotFound` for a dataset the catalog does not have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath

from service.api.yente.ftm import DEFAULT_DATASET, dataset_name, entity_datasets
from service.api.yente.models import (
    Algorithm,
    AlgorithmDocs,
    AlgorithmsOut,
    CatalogOut,
    DatasetOut,
    FeatureDoc,
    ResourceOut,
)
from service.errors import NotFound
from service.screening.screener import IDENTIFIER_CONFLICT, IDENTIFIER_HIT
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity

#: The one algorithm: this service's engine. `best` and `default` name it too, as in yente.
ALGORITHM = "screening-engine"
ALGORITHM_ALIASES = frozenset({ALGORITHM, "best", "default"})
_DOCS_URL = "/schema"
_FEATURES = {
    "name_match": FeatureDoc(
        description="The best score of the query's names against the entity's listed names "
        "(primary name and aliases), penalties included: `explanation` says which words "
        "matched which and how.",
        coefficient=1.0,
        url=_DOCS_URL,
    ),
    "identifier_match": FeatureDoc(
        description="The entity lists one of the query's identifiers: the score is "
        f"{IDENTIFIER_HIT} whatever the name.",
        coefficient=IDENTIFIER_HIT,
        url=_DOCS_URL,
    ),
    "identifier_conflict": FeatureDoc(
        description="The entity lists another number of a scheme the query gives (UNP, INN, "
        "OGRN, OKPO, EDRPOU, LEI): the name's score is multiplied by this, never below the "
        "threshold.",
        coefficient=IDENTIFIER_CONFLICT,
        url=_DOCS_URL,
    ),
}


def algorithms() -> AlgorithmsOut:
    description = (
        "The service's own name-matching engine, the one behind /v1/screen: names across "
        "scripts, transliterations, translations of generic words, legal forms and typos, "
        "and registration and tax numbers."
    )
    docs = AlgorithmDocs(name=ALGORITHM, description=description, features=_FEATURES)
    return AlgorithmsOut(
        algorithms=[
            Algorithm(name=ALGORITHM, description=description, features=_FEATURES, docs=docs)
        ],
        default=ALGORITHM,
        best=ALGORITHM,
    )


def covered(watchlist: Watchlist, name: str) -> frozenset[str] | None:
    """The leaf datasets a dataset name stands for (None: every entity); `NotFound` for a
    name the catalog does not have."""
    if name == DEFAULT_DATASET:
        return None
    if name in _leaves(watchlist):
        return frozenset({name})
    raise NotFound(
        f"no dataset {name!r}: one of {DEFAULT_DATASET!r} or a listing authority's "
        f"({', '.join(sorted(_leaves(watchlist)))}); see /catalog",
        code="dataset_not_found",
    )


def leaf_datasets(watchlist: Watchlist) -> frozenset[str]:
    return frozenset(_leaves(watchlist))


def in_datasets(entity: Entity, datasets: frozenset[str] | None) -> bool:
    return datasets is None or not datasets.isdisjoint(entity_datasets(entity))


#: The entity count of each leaf dataset, by watchlist version: counted once per version, not
#: per request (a watchlist may hold a million entities).
_COUNTS: dict[str, Counter[str]] = {}


def _leaves(watchlist: Watchlist) -> Counter[str]:
    counts = _COUNTS.get(watchlist.version)
    if counts is None:
        counts = Counter()
        for entity in watchlist.entities:
            counts.update(entity_datasets(entity))
        if len(_COUNTS) >= 4:  # versions come and go with reloads: keep the last few
            _COUNTS.clear()
        _COUNTS[watchlist.version] = counts
    return counts


def _authorities(entities: Sequence[Entity]) -> dict[str, str]:
    return {
        dataset_name(listing.authority): listing.authority
        for entity in entities
        for listing in entity.listings
    }


def catalog(watchlist: Watchlist) -> CatalogOut:
    version = watchlist.version
    leaves = _leaves(watchlist)
    authorities = _authorities(watchlist.entities)
    datasets = [
        DatasetOut(
            name=name,
            title=f"{authorities[name]} listings",
            summary=f"The watchlist's entities listed by {authorities[name]}.",
            version=version,
            entity_count=count,
            load=True,
            index_version=version,
        )
        for name, count in sorted(leaves.items())
    ]
    collection = DatasetOut(
        name=DEFAULT_DATASET,
        title="Sanctions screening watchlist",
        summary="Every entity of the watchlist the service screens against.",
        version=version,
        entity_count=len(watchlist.entities),
        children=sorted(leaves),
        resources=[
            ResourceOut(name=PurePath(source).name, title="A source of the watchlist")
            for source in watchlist.sources
        ],
        load=False,
        index_version=version,
    )
    every = [collection, *datasets]
    return CatalogOut(datasets=every, current=[d.name for d in every])
