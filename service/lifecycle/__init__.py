"""The watchlist's life while the service runs: the screener being served (`state`), loading it
again (`reload`), the versions loaded and their changes (`versions`), and official list files
turned into a watchlist (`importing`). Above `screening`, since a reload builds screeners; imports
nothing of auth, batch, the runtime or a web framework.
"""
