"""The import directions of the house rules, checked on the source (AST), not by convention:
the package map (each part imports only parts below it), no import cycles between modules,
the engine pure, only the web layer importing litestar, only a few modules talking to Redis,
only the store SQL."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "service"

#: The parts of the service (its packages and top-level modules) and those each may import,
#: lowest first: every part imports only parts listed before it, so no import goes upwards.
#: `__init__` is the root package (the version).
PACKAGE_MAP: dict[str, set[str]] = {
    "__init__": set(),
    "errors": set(),
    "timestamps": set(),
    "metrics": set(),
    "keyspace": set(),
    "redis_client": set(),
    "logs": {"timestamps"},
    "matching": set(),
    "files": {"errors"},
    "watchlist": {"errors", "files"},
    "settings": {"files", "matching", "watchlist"},
    "store": {"errors", "settings"},
    "webhooks": {"__init__", "errors", "settings", "store"},
    "screening": {
        "errors", "keyspace", "matching", "metrics", "redis_client", "settings", "store",
        "watchlist",
    },
    "lifecycle": {
        "errors", "keyspace", "metrics", "redis_client", "screening", "settings", "watchlist",
    },
    "auth": {"errors", "keyspace", "redis_client", "settings", "store"},
    "runtime": {
        "auth", "errors", "keyspace", "lifecycle", "metrics", "screening", "settings", "store",
        "webhooks",
    },
    "batch": {
        "auth", "errors", "files", "keyspace", "lifecycle", "logs", "metrics", "redis_client",
        "runtime", "screening", "settings", "store", "watchlist", "webhooks",
    },
    "monitoring": {
        "batch", "errors", "lifecycle", "runtime", "screening", "settings", "store", "watchlist",
    },
    "api": {
        "auth", "batch", "errors", "files", "lifecycle", "logs", "matching", "metrics",
        "monitoring", "runtime", "screening", "settings", "store", "timestamps", "watchlist",
        "webhooks",
    },
    "app": {
        "__init__", "api", "auth", "errors", "lifecycle", "logs", "metrics", "monitoring",
        "runtime", "screening", "settings", "store", "watchlist",
    },
    "supervisor": {
        "api", "app", "errors", "keyspace", "lifecycle", "logs", "metrics", "runtime",
        "screening", "settings",
    },
    "__main__": {
        "app", "auth", "batch", "errors", "lifecycle", "monitoring", "screening", "settings",
        "store", "supervisor",
    },
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The service's modules that `name` imports anywhere in it (functions and `TYPE_CHECKING`
    blocks included): `from a.b import c` counts as `a.b.c` when that is a module, else `a.b`."""

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = ".".join([*package[: len(package) - node.level + 1], *[base] * bool(base)])
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in known else resolve(base))
    return {module for module in found if module is not None and module != name}


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def part_of(module: str) -> str:
    """`service.batch.tables` -> `batch`, `service.settings` -> `settings`."""
    segments = module.split(".")
    return segments[1] if len(segments) > 1 else "__init__"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules() -> dict[str, set[str]]:
    return {
        path.relative_to(PACKAGE.parent).as_posix(): imported_roots(path)
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def importers_of(package: str) -> set[str]:
    return {name for name, roots in modules().items() if package in roots}


def test_the_scan_sees_the_package() -> None:
    assert "service/app.py" in modules()
    assert "litestar" in imported_roots(PACKAGE / "app.py")
    graph = import_graph()
    assert "service.batch.cells" in graph["service.batch.tables"]  # `from service.batch import`
    assert "service.runtime" in graph["service.api.context"]


def test_every_part_is_on_the_map() -> None:
    assert {part_of(module) for module in import_graph()} == set(PACKAGE_MAP)


def test_the_map_goes_one_way() -> None:
    """Each part may import only parts listed before it: no cycle, no upward import."""
    order = list(PACKAGE_MAP)
    for part, allowed in PACKAGE_MAP.items():
        assert allowed <= set(order[: order.index(part)]), part


def test_parts_import_only_what_the_map_allows() -> None:
    wrong = {
        (module, imported)
        for module, imports in import_graph().items()
        for imported in imports
        if part_of(imported) != part_of(module)
        and part_of(imported) not in PACKAGE_MAP[part_of(module)]
    }
    assert not wrong


def test_no_module_imports_a_module_that_imports_it() -> None:
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_matching_engine_is_pure() -> None:
    for name, roots in modules().items():
        if name.startswith("service/matching/"):
            assert not roots & {"litestar", "redis", "pydantic", "pydantic_settings"}, name
    assert all(
        imported.startswith("service.matching")
        for module, imports in import_graph().items()
        if module.startswith("service.matching")
        for imported in imports
    )


def test_only_the_web_layer_imports_litestar() -> None:
    allowed = {name for name in modules() if name.startswith("service/api/")} | {"service/app.py"}
    assert importers_of("litestar") <= allowed


#: The job modules that talk to Redis: the job store, the queue, the private server's probe.
JOB_MODULES = {
    "service/batch/jobs.py",
    "service/batch/queue.py",
    "service/batch/private_redis.py",
}


def test_only_the_cache_the_version_store_and_the_job_modules_talk_to_redis() -> None:
    # And the rate limiter and the announcements of revoked keys and of watchlist reloads,
    # all shared through Redis, and the one place a client is made.
    shared = {
        "service/auth/ratelimit.py",
        "service/auth/revocations.py",
        "service/lifecycle/announcements.py",
    }
    assert importers_of("redis") <= {
        "service/redis_client.py",
        "service/screening/cache.py",
        "service/lifecycle/versions.py",
        *JOB_MODULES,
        *shared,
    }
    # saq is a Redis client too: its queue is made in `queue`, whose worker runs the tasks.
    saq_users = {"service/batch/queue.py", "service/batch/tasks.py", "service/batch/backend.py"}
    assert importers_of("saq") <= saq_users


def test_only_the_store_talks_sql() -> None:
    for package in ("sqlalchemy", "alembic", "psycopg"):
        assert all(name.startswith("service/store/") for name in importers_of(package)), package


def test_no_grab_bag_modules() -> None:
    names = {Path(name).stem for name in modules()}
    assert not names & {"utils", "helpers", "common", "misc"}
