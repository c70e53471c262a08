"""Merge decisions for the Ukrainian sanctions register export (`ua/<id>` record keys)."""

from __future__ import annotations

#: Record key -> seed entity id.
MERGE: dict[str, str] = {}

#: Record key -> why the record is not in the seed.
EXCLUDED: dict[str, str] = {}
