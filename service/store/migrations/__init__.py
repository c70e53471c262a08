"""Alembic migrations of the durable store (run by `service.store.database.migrate`)."""
