"""Batch screening of supplier files: reading tables (`tables`), screening their rows
(`runner`), writing results (`outputs`), and the `screen-file` command (`command`).
Only the job modules talk to Redis; nothing here imports a web framework.
"""
