"""Sanctions screening of company names against a watchlist of Belarusian defence enterprises."""
