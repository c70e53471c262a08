"""Watchlist entities, the JSON Lines loader and the importers of official list formats."""
