"""Sanctions screening of company names against a watchlist of Belarusian defence enterprises."""

__version__ = "0.1.0"
