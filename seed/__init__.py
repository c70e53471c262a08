"""Build tooling for the shipped seed watchlist (`seed/watchlist.jsonl`); not part of the service.

Run `python seed/build.py` from the repository root; see `seed/README.md`.
"""
