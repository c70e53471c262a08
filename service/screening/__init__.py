"""Screening names against one loaded watchlist version: queries checked against the limits
(`queries`, `query_identifiers`), the bridge to the engine (`screener`), identifiers as evidence
(`evidence`), results through the result cache (`results`, `cache`) and the audit records of the
API's screenings (`auditing`). Imports the engine, the watchlist, the settings and the store's
record types: nothing of the watchlist's lifecycle, auth, batch, the runtime or a web framework.
"""
