"""Identity: failed logins per account, so the login backoff survives a restart.

Own branch (``identity``) from the foundation; matches
``contactcenter.identity.sql.login_throttle`` and the naming convention of
:data:`shared_kernel.naming.NAMING_CONVENTION`.

Revision ID: identity_0001
Revises: 0001_foundation
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "identity_0001"
down_revision = "0001_foundation"
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_login_throttle"),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"],
                                name="fk_login_throttle_user_id_users"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
