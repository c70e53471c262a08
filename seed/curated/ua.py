"""HAND-CURATED: the entities first seen in the Ukrainian sanctions register export."""

from __future__ import annotations

from seed.curated import Curated

UA: dict[str, Curated] = {}
