"""Monitoring: counterparties kept and screened again whenever the watchlist changes, their
alerts and the decisions on them, the events those emit, the re-screening runs of the job
workers. Above `lifecycle` and `batch`; no web framework, no SQL, no Redis client of its own.
"""
