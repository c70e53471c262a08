"""The matching engine: normalise -> index (candidates) -> score.

Pure: no web, no Redis, no file I/O.
"""
