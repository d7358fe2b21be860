"""Queue engine events (the ``queues`` branch, from the foundation).

Revision ID: queues_0001
Revises: 0001_foundation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "queues_0001"
down_revision = "0001_foundation"
branch_labels = ("queues",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("instance_id", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queue_events"),
    )
    op.create_index("ix_queue_events_generation_id", "queue_events", ["generation", "id"])
    op.create_index("ix_queue_events_at", "queue_events", ["at"])


def downgrade() -> None:
    op.drop_table("queue_events")
