"""Engine speed: index build time, memory, single-query latency (p50, p99) and throughput on
one core, for the seed watchlist, the whole OFAC SDN list and a synthetic watchlist of a
million names; each in the same run as the naive baseline, rapidfuzz `process.extractOne`
with WRatio over all names, in turns of 200 queries (the engine, then the baseline on the
same queries), so that a shared machine's load weighs on both alike. Each watchlist is
measured in a fresh process (clean memory).

Run: python bench/speed.py [--lists seed,sdn,synthetic] [--synthetic-size 1000000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402
from quality import read_cases  # noqa: E402

from service.matching.index import ListedEntity  # noqa: E402
from service.matching.matcher import Matcher  # noqa: E402
from service.screening.screener import listed  # noqa: E402
from service.watchlist.importers.ofac_csv import entity_from_orphan, read_ofac_csv  # noqa: E402
from service.watchlist.loader import load_watchlist  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SDN_FILES = [
    DATA / "ofac_sdn_csv" / "sdn_2024-05-03" / "sdn.csv",
    DATA / "ofac_sdn_csv" / "add_alt_comments_2025-02-27",
]
#: Queries per turn of the engine and the baseline.
BLOCK = 200
SDN_NAMES = DATA / "ofac_sdn_advanced_names_derived_2025-11-26" / "sdn_entities.jsonl"


def seed_entities() -> list[ListedEntity]:
    return [listed(e) for e in load_watchlist().entities]


def sdn_entities() -> list[ListedEntity]:
    """The SDN CSV of 2024-05-03, plus the later entries whose names only the derived file has."""
    imported = read_ofac_csv(SDN_FILES)
    entities = list(imported.entities)
    with SDN_NAMES.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            ent_num = str(record["entity_id"])
            orphan = imported.orphans.get(ent_num)
            primary = [n["full_name"] for n in record["names"] if n["is_primary"]]
            if orphan is not None and primary:
                entities.append(entity_from_orphan(ent_num, primary[0], orphan))
    return [listed(e) for e in entities]


def synthetic_entities(size: int) -> list[ListedEntity]:
    return [ListedEntity(f"syn-{i}", name) for i, name in enumerate(synthetic.names(size))]


def _queries(entities: Sequence[ListedEntity], count: int) -> list[str]:
    """Development-set queries, plus listed names with a typo and with noise around them."""
    rng = random.Random(11)
    queries = [c.query for c in read_cases()]
    for entity in rng.sample(list(entities), min(count, len(entities))):
        name = entity.name
        cut = rng.randrange(len(name))
        queries.append(name[:cut] + name[cut + 1 :])
        queries.append(f"Supplier: {name}, {rng.choice(['Minsk', 'Moscow', 'Dubai'])}")
    rng.shuffle(queries)
    return queries


def _latencies(call: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter()
        call(query)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "queries_per_s": 1000 * len(ordered) / sum(ordered),
        "queries": len(ordered),
    }


def measure(kind: str, size: int, baseline_queries: int) -> dict[str, object]:
    loaders = {
        "seed": seed_entities,
        "sdn": sdn_entities,
        "synthetic": lambda: synthetic_entities(size),
    }
    entities = loaders[kind]()
    names = [n for e in entities for n in (e.name, *(a for a, _ in e.aliases))]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    matcher = Matcher(entities)
    build_s = time.perf_counter() - start
    memory_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    queries = _queries(entities, 300)
    sample = queries[:baseline_queries]

    def naive(query: str) -> object:
        return process.extractOne(query, names, scorer=fuzz.WRatio, processor=utils.default_process)

    # In turns of BLOCK queries, the engine and then the baseline on the same queries, so that
    # a shared machine's load weighs on both alike (and neither runs in the other's cache);
    # the engine alone on the queries the baseline is too slow for.
    engine_ms: list[float] = []
    baseline_ms: list[float] = []
    for start in range(0, len(sample), BLOCK):
        engine_ms.extend(_latencies(matcher.screen, sample[start : start + BLOCK]))
        baseline_ms.extend(_latencies(naive, sample[start : start + BLOCK]))
    engine_ms.extend(_latencies(matcher.screen, queries[len(sample) :]))
    engine = _summary(engine_ms)
    baseline = _summary(baseline_ms)
    return {
        "watchlist": kind,
        "entities": len(entities),
        "names": len(names),
        "indexed_names": len(matcher.index.names),
        "build_s": build_s,
        "index_memory_mib": memory_mib,
        "engine": engine,
        "baseline": baseline,
        "throughput_ratio": engine["queries_per_s"] / baseline["queries_per_s"],
    }


def _print(result: dict[str, object]) -> None:
    engine, baseline = result["engine"], result["baseline"]
    assert isinstance(engine, dict) and isinstance(baseline, dict)
    print(
        f"| {result['watchlist']} | {result['entities']:,} | {result['names']:,} | "
        f"{result['build_s']:.1f} | {result['index_memory_mib']:.0f} | "
        f"{engine['p50_ms']:.2f} | {engine['p99_ms']:.2f} | {engine['queries_per_s']:.0f} | "
        f"{baseline['p50_ms']:.2f} | {baseline['p99_ms']:.2f} | {baseline['queries_per_s']:.1f} | "
        f"{result['throughput_ratio']:.0f}x |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", default="seed,sdn,synthetic")
    parser.add_argument("--synthetic-size", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    kinds = args.lists.split(",")
    if ("sdn" in kinds) and not SDN_NAMES.exists():
        print(f"skipping sdn: {DATA} is absent", file=sys.stderr)
        kinds.remove("sdn")
    print(
        "| watchlist | entities | names | build s | index MiB | p50 ms | p99 ms | queries/s | "
        "baseline p50 ms | baseline p99 ms | baseline queries/s | throughput ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    context = multiprocessing.get_context("spawn")
    results = []
    for kind in kinds:
        # The baseline scans every name: on a million names a few dozen queries suffice.
        baseline_queries = 40 if kind == "synthetic" else 100_000
        with context.Pool(1) as pool:
            result = pool.apply(measure, (kind, args.synthetic_size, baseline_queries))
        _print(result)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
