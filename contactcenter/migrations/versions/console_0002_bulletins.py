"""Nurse console: bulletins (meddelanden), who has acknowledged them, and each nurse's
current shift with its briefing.

Matches ``nurse_console/bulletin_sql.py``.

Revision ID: console_0002
Revises: console_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "console_0002"
down_revision = "console_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_bulletins",
        sa.Column("bulletin_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bulletin_id", name="pk_console_bulletins"),
    )
    op.create_table(
        "console_bulletin_reads",
        sa.Column("bulletin_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bulletin_id", "username", name="pk_console_bulletin_reads"),
    )
    op.create_index("ix_console_bulletin_reads_username", "console_bulletin_reads",
                    ["username"])
    op.create_table(
        "console_shifts",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("briefed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name="pk_console_shifts"),
    )


def downgrade() -> None:
    op.drop_table("console_shifts")
    op.drop_index("ix_console_bulletin_reads_username", table_name="console_bulletin_reads")
    op.drop_table("console_bulletin_reads")
    op.drop_table("console_bulletins")
