"""Merge decisions for the Canadian, UK, EU financial-sanctions, New Zealand, Swiss and
Australian lists."""

from __future__ import annotations

#: Record key -> seed entity id.
MERGE: dict[str, str] = {}

#: Record key -> why the record is not in the seed.
EXCLUDED: dict[str, str] = {}
