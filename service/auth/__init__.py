"""Who may call and how much: API keys checked against the store and their roles (`callers`),
the key administration commands (`admin`), per-key rate limits (`ratelimit`) and revoked keys
announced to every process (`revocations`). Imports the store, the settings, the errors and the
Redis key names only: nothing of screening, the watchlist, batch, the runtime or a web framework.
"""
