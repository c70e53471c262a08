"""Two versions of a watchlist file for the reload, versions and changes tests: A is the fixture
watchlist the test apps start with; B removes Peleng, adds Zorkiy, swaps an alias of Legmash and
links Integral to a second country. And apps for the jobs tests, with their own key prefix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.watchlist.loader import load_watchlist

FIXTURE = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
ADDED = {"id": "xx-zorkiy", "name": "Zorkiy Optical Instruments Works", "country": ["XX"]}
#: A name found only in A, and one found only in B.
ONLY_IN_A, ONLY_IN_B = "Peleng", "Zorkiy Optical Instruments Works"


def version_b() -> list[dict[str, Any]]:
    entities = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    changed = []
    for entity in entities:
        if entity["id"] == "by-peleng":
            continue
        if entity["id"] == "by-legmash":
            entity["aliases"] = [
                {"name": "Legmash Orsha Plant"} if a["name"] == "Orsha Plant Legmash" else a
                for a in entity["aliases"]
            ]
        if entity["id"] == "by-integral":
            entity["country"] = ["BY", "RU"]
        changed.append(entity)
    return [*changed, ADDED]


class Lists:
    """The watchlist file a test app is configured with, rewritten between reloads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.a_text = FIXTURE.read_text(encoding="utf-8")
        self.b_text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in version_b())
        self.write(self.a_text)
        self.a = load_watchlist([FIXTURE]).version
        self.b = load_watchlist([self._written(self.b_text)]).version

    def _written(self, text: str) -> Path:
        other = self.path.with_name("b-" + self.path.name)
        other.write_text(text, encoding="utf-8")
        return other

    def write(self, text: str) -> None:
        """Replace the file at once, as an operator's `mv` would."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)

    def write_a(self) -> None:
        self.write(self.a_text)

    def write_b(self) -> None:
        self.write(self.b_text)


@pytest.fixture
def lists(tmp_path: Path) -> Lists:
    return Lists(tmp_path / "watchlist.jsonl")


@pytest.fixture
def jobs_client(
    make_client: Callable[..., TestClient[Litestar]], redis_url: str, job_prefix: str
) -> Callable[..., TestClient[Litestar]]:
    """An app on the test Redis (the job queue and the result cache) with its embedded worker,
    small chunks, and the given settings."""

    def make(**overrides: Any) -> TestClient[Litestar]:
        settings = {"redis_url": redis_url, "redis_key_prefix": job_prefix, "job_chunk_rows": 3}
        return make_client(**(settings | overrides))

    return make
