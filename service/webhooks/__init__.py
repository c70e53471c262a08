"""Signed webhooks: events published into the store's outbox in the caller's transaction
(`events`), receivers' addresses checked (`addresses`), Standard Webhooks signatures
(`signing`), one attempt over HTTP (`sender`) and the delivery loop the job workers run
(`delivery`). Above the store; imports no web framework, no Redis, nothing of lifecycle,
batch or the API.
"""
