"""Nurse console: the call work each nurse does on each call.

The ``nurse_console`` branch, starting from the foundation; it matches
``nurse_console/sql.py``.

Revision ID: console_0001
Revises: 0001_foundation
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "console_0001"
down_revision = "0001_foundation"
branch_labels = ("nurse_console",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_work",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("caller_number", sa.String(32), nullable=True),
        sa.Column("person_number", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("work", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_console_work"),
    )
    op.create_index("uq_console_work_call_id_username", "console_work",
                    ["call_id", "username"], unique=True)
    op.create_index("ix_console_work_username_status", "console_work", ["username", "status"])
    op.create_index("ix_console_work_caller_number", "console_work", ["caller_number"])
    op.create_index("ix_console_work_person_number", "console_work", ["person_number"])


def downgrade() -> None:
    for name in ("ix_console_work_person_number", "ix_console_work_caller_number",
                 "ix_console_work_username_status", "uq_console_work_call_id_username"):
        op.drop_index(name, table_name="console_work")
    op.drop_table("console_work")
