"""Watchlist entities, the JSON Lines loader and the importers of official list formats.
Imports only the errors and `files` (XLSX lists): nothing of screening or above."""
