"""Snapshots of the queue engine's state, so a restart need not replay a whole generation.

Revision ID: queues_0004
Revises: queues_0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "queues_0004"
down_revision = "queues_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("upto_id", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queue_snapshots"),
    )
    op.create_index("ix_queue_snapshots_generation_upto_id", "queue_snapshots",
                    ["generation", "upto_id"])


def downgrade() -> None:
    op.drop_index("ix_queue_snapshots_generation_upto_id", table_name="queue_snapshots")
    op.drop_table("queue_snapshots")
