"""Build tooling for the shipped seed watchlist (`service/watchlist/seed/watchlist.jsonl`, package
data); not part of the service.

Run `python seed/build.py` from the repository root; see `seed/README.md`.
"""
