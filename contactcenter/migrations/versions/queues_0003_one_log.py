"""The queue engine's shared log is ``queue_events`` itself: drop ``queue_commands``.

Revision ID: queues_0003
Revises: queues_0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "queues_0003"
down_revision = "queues_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("queue_commands")


def downgrade() -> None:
    op.create_table(
        "queue_commands",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instance_id", sa.String(100), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queue_commands"),
    )
