"""HAND-CURATED merge decisions of the sources added after the first seed, one module each.

`seed.merge_table` folds their `MERGE` and `EXCLUDED` tables into its own, and the build
stops when two modules map one record key.
"""
