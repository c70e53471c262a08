"""The import directions of the house rules, checked on the source (AST), not by convention:
the engine is pure, only the web layer imports litestar, only the cache and the version store
talk to Redis."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "service"


def imported_roots(path: Path) -> set[str]:
    roots = set()
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


def test_only_the_cache_and_the_version_store_talk_to_redis() -> None:
    # Job modules of a later release will join this list.
    assert importers_of("redis") <= {"service/cache.py", "service/versions.py"}


def test_no_grab_bag_modules() -> None:
    names = {Path(name).stem for name in modules()}
    assert not names & {"utils", "helpers", "common", "misc"}
