"""Alembic environment: runs on the connection handed in by :mod:`contactcenter.db`.

``contactcenter.db`` opens an async engine and calls alembic inside
``connection.run_sync``, passing the sync connection in
``config.attributes["connection"]``. Offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context

from contactcenter.migrations.metadata import target_metadata

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations through contactcenter.db.upgrade(url) "
                       "or `radgivning db upgrade`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
