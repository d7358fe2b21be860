"""Foundation: call log, identity and nurse tables.

Written out explicitly (not ``create_all``) so the schema history is fixed;
constraint names follow :data:`shared_kernel.naming.NAMING_CONVENTION`.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "call_events",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("instance_id", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_events"),
    )
    op.create_index("ix_call_events_call_id_seq", "call_events", ["call_id", "seq"], unique=True)
    op.create_index("ix_call_events_at", "call_events", ["at"])

    op.create_table(
        "calls",
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("caller_number", sa.String(40), nullable=True),
        sa.Column("region", sa.String(4), nullable=True),
        sa.Column("region_source", sa.String(20), nullable=True),
        sa.Column("queue", sa.String(40), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("nurse_id", sa.String(64), nullable=True),
        sa.Column("arrived_at", TS, nullable=False),
        sa.Column("queued_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("end_cause", sa.String(40), nullable=True),
        sa.Column("instance_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_calls"),
    )
    op.create_index("ix_calls_state", "calls", ["state"])
    op.create_index("ix_calls_arrived_at", "calls", ["arrived_at"])

    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("token_id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"],
                                name="fk_api_tokens_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"],
                                name="fk_web_sessions_user_id_users"),
    )

    op.create_table(
        "nurses",
        sa.Column("nurse_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("home_region", sa.String(4), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
        sa.Column("username", sa.String(100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("nurse_id", name="pk_nurses"),
    )
    op.create_table(
        "nurse_events",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("nurse_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nurse_events"),
    )
    op.create_index("ix_nurse_events_nurse_id_at", "nurse_events", ["nurse_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_nurse_events_nurse_id_at", table_name="nurse_events")
    op.drop_table("nurse_events")
    op.drop_table("nurses")
    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_index("ix_calls_arrived_at", table_name="calls")
    op.drop_index("ix_calls_state", table_name="calls")
    op.drop_table("calls")
    op.drop_index("ix_call_events_at", table_name="call_events")
    op.drop_index("ix_call_events_call_id_seq", table_name="call_events")
    op.drop_table("call_events")
