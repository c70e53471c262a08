"""HAND-CURATED: the entities first seen in the Canadian, UK, EU financial-sanctions, New
Zealand, Swiss and Australian lists."""

from __future__ import annotations

from seed.curated import Curated

LISTS: dict[str, Curated] = {}
