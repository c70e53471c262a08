"""The matching engine: normalise -> index (candidates) -> score. Pure: no web, Redis or file I/O."""
