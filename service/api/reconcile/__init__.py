"""The W3C Reconciliation Service API 0.2 (OpenRefine's), beside `/v1` on the same engine,
cache, keys, rate limits and audit trail: manifest, query batches, suggest, preview and data
extension. Imports the screening and watchlist layers, never the other API packages' routes."""

from service.api.reconcile.controller import ReconcileController

__all__ = ["ReconcileController"]
