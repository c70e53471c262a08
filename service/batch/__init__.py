"""Batch screening of supplier files: their layout and rows (`layout`, `tables`, `cells`,
`columns`...), screening the rows (`runner`, `processing`), writing results (`outputs`), the
jobs of the API (`jobs`, `queue`, `tasks`, `backend`, `worker`) and the `screen-file` command
(`command`, recorded through `operators` and `audit_rows`). Above the runtime: imports neither
`api` nor `app`, nor any web framework; only the job modules talk to Redis.
"""
