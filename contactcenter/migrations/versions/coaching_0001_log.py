"""Call coaching: the listen log and coaching notes.

The ``coaching`` branch, starting from the foundation; it matches
``contactcenter/coaching/sql.py``.

Revision ID: coaching_0001
Revises: 0001_foundation
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "coaching_0001"
down_revision = "0001_foundation"
branch_labels = ("coaching",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "coaching_log",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("nurse_id", sa.String(64), nullable=False),
        sa.Column("region", sa.String(4), nullable=False),
        sa.Column("coach_username", sa.String(64), nullable=False),
        sa.Column("coach_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_coaching_log"),
    )
    op.create_index("ix_coaching_log_at", "coaching_log", ["at"])
    op.create_index("ix_coaching_log_call_id", "coaching_log", ["call_id"])
    op.create_table(
        "coaching_notes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("nurse_id", sa.String(64), nullable=False),
        sa.Column("nurse_username", sa.String(64), nullable=True),
        sa.Column("region", sa.String(4), nullable=False),
        sa.Column("coach_username", sa.String(64), nullable=False),
        sa.Column("coach_name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_coaching_notes"),
    )
    op.create_index("ix_coaching_notes_nurse_username_at", "coaching_notes",
                    ["nurse_username", "at"])
    op.create_index("ix_coaching_notes_call_id", "coaching_notes", ["call_id"])


def downgrade() -> None:
    op.drop_index("ix_coaching_notes_call_id", table_name="coaching_notes")
    op.drop_index("ix_coaching_notes_nurse_username_at", table_name="coaching_notes")
    op.drop_table("coaching_notes")
    op.drop_index("ix_coaching_log_call_id", table_name="coaching_log")
    op.drop_index("ix_coaching_log_at", table_name="coaching_log")
    op.drop_table("coaching_log")
