"""Importers: one module per official list format, each yielding watchlist entities."""
