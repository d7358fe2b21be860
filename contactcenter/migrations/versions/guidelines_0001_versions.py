"""Decision support: guideline versions, review events and nurses' decisions.

The ``decision_support`` branch, starting from the foundation. Written out
explicitly so the schema history is fixed; it matches ``decision_support/sql.py``
and names constraints by :data:`shared_kernel.naming.NAMING_CONVENTION`.

Revision ID: guidelines_0001
Revises: 0001_foundation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "guidelines_0001"
down_revision = "0001_foundation"
branch_labels = ("decision_support",)
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "guideline_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guideline_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("published_by", sa.String(100), nullable=True),
        sa.Column("published_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_guideline_versions"),
        sa.UniqueConstraint("guideline_id", "version", name="uq_guideline_versions_guideline_id"),
    )
    op.create_index("ix_guideline_versions_status_published_at", "guideline_versions",
                    ["status", "published_at"])
    op.create_table(
        "guideline_review_events",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_guideline_review_events"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["guideline_versions.id"],
            name="fk_guideline_review_events_version_id_guideline_versions"),
    )
    op.create_index("ix_guideline_review_events_version_id", "guideline_review_events",
                    ["version_id"])
    op.create_table(
        "guideline_decisions",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("guideline_id", sa.String(100), nullable=False),
        sa.Column("guideline_version", sa.String(20), nullable=False),
        sa.Column("region", sa.String(4), nullable=True),
        sa.Column("call_id", sa.String(64), nullable=True),
        sa.Column("nurse", sa.String(100), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("ticked", sa.JSON(), nullable=False),
        sa.Column("recommended_urgency", sa.String(40), nullable=False),
        sa.Column("recommended_care_types", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(40), nullable=False),
        sa.Column("care_type", sa.String(40), nullable=False),
        sa.Column("deviates", sa.Boolean(), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_guideline_decisions"),
    )
    op.create_index("ix_guideline_decisions_guideline_id", "guideline_decisions",
                    ["guideline_id", "guideline_version"])


def downgrade() -> None:
    op.drop_index("ix_guideline_decisions_guideline_id", table_name="guideline_decisions")
    op.drop_table("guideline_decisions")
    op.drop_index("ix_guideline_review_events_version_id", table_name="guideline_review_events")
    op.drop_table("guideline_review_events")
    op.drop_index("ix_guideline_versions_status_published_at", table_name="guideline_versions")
    op.drop_table("guideline_versions")
