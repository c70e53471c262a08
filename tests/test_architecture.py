"""The import directions of the house rules, checked on the source (AST), not by convention:
the engine is pure, only the web layer imports litestar, only the cache, the version store,
the job modules, the rate limiter and the key revocations talk to Redis, only the store SQL."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "service"


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


def test_matching_engine_is_pure() -> None:
    for name, roots in modules().items():
        if name.startswith("service/matching/"):
            assert not roots & {"litestar", "redis", "pydantic", "pydantic_settings"}, name


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
    # And the rate limiter and the announcements of revoked keys, both shared through Redis.
    shared = {"service/ratelimit.py", "service/revocations.py"}
    assert importers_of("redis") <= {
        "service/cache.py",
        "service/versions.py",
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
