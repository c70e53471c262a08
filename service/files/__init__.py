"""Spreadsheet files read and written safely: the bounds of what is read (`bounds`), the bounded
XLSX reader (`spreadsheet`, over `archive` and `xmlparts`), the streaming XLSX writer
(`workbook`) and the rule that makes formula-like cells inert (`formulas`). Imports nothing of
the service but its errors, so that both the watchlist's importers and batch jobs can use it.
"""
