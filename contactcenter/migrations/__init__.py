"""Alembic migrations of the whole schema (run through :mod:`contactcenter.db`)."""
