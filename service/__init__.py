"""Sanctions screening of company names against a watchlist of Belarusian defence enterprises.

The packages, each importing only those before it (tests/test_architecture.py holds the map):
`matching` (the engine), `files`, `watchlist`, `store`, `screening`, `lifecycle` (reloads and
versions of the watchlist), `auth` (keys, roles, rate limits), then `runtime` (what a running
app holds), `batch` (files and jobs), `api` (HTTP), and `app` and `__main__` on top. At the
top level too, where one looks for them: `settings`, `errors`, `logs`, `metrics`, `timestamps`,
`keyspace` (every Redis key) and `redis_client`.
"""

__version__ = "0.1.0"
