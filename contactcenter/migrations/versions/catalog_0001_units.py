"""Referral catalog: care units (JSON record + searched columns) and their change history.

Own branch (``referral_catalog``) from the foundation. Written out explicitly
so the schema history is fixed; it matches ``referral_catalog.sql`` exactly and
constraint names follow :data:`shared_kernel.naming.NAMING_CONVENTION`.

Revision ID: catalog_0001
Revises: 0001_foundation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "catalog_0001"
down_revision = "0001_foundation"
branch_labels = ("referral_catalog",)
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "catalog_units",
        sa.Column("hsa_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(4), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("hsa_id", name="pk_catalog_units"),
    )
    op.create_index("ix_catalog_units_region", "catalog_units", ["region"])
    op.create_index("ix_catalog_units_municipality_code", "catalog_units", ["municipality_code"])
    op.create_index("ix_catalog_units_status", "catalog_units", ["status"])

    op.create_table(
        "catalog_unit_history",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("hsa_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_unit_history"),
    )
    op.create_index(
        "ix_catalog_unit_history_hsa_id_version",
        "catalog_unit_history",
        ["hsa_id", "version"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_unit_history_hsa_id_version", table_name="catalog_unit_history")
    op.drop_table("catalog_unit_history")
    op.drop_index("ix_catalog_units_status", table_name="catalog_units")
    op.drop_index("ix_catalog_units_municipality_code", table_name="catalog_units")
    op.drop_index("ix_catalog_units_region", table_name="catalog_units")
    op.drop_table("catalog_units")
