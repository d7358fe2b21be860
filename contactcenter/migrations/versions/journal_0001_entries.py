"""Journal: advice-call entries and the append-only access log.

The ``journal`` branch, starting from the foundation. Written out explicitly
so the schema history is fixed; it matches ``journal/sql.py``. The access log
gets triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for
every client (``journal.sql.append_only_ddl``).

Revision ID: journal_0001
Revises: 0001_foundation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.sql import append_only_ddl, drop_append_only_ddl

revision = "journal_0001"
down_revision = "0001_foundation"
branch_labels = ("journal",)
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("amends", sa.String(36), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(4), nullable=False),
        sa.Column("care_provider", sa.String(64), nullable=False),
        sa.Column("nurse_id", sa.String(64), nullable=False),
        sa.Column("nurse_name", sa.String(200), nullable=False),
        sa.Column("person_kind", sa.String(20), nullable=False),
        sa.Column("person_number", sa.String(20), nullable=True),
        sa.Column("contact_reason", sa.String(40), nullable=True),
        sa.Column("urgency", sa.String(40), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("signed_at", TS, nullable=True),
        sa.Column("signed_by", sa.String(64), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
        sa.UniqueConstraint("entry_id", name="uq_journal_entries_entry_id"),
    )
    op.create_index("ix_journal_entries_call_id", "journal_entries", ["call_id"])
    op.create_index("ix_journal_entries_amends", "journal_entries", ["amends"])
    op.create_index("ix_journal_entries_nurse_id_updated_at", "journal_entries",
                    ["nurse_id", "updated_at"])
    op.create_index("ix_journal_entries_person_number", "journal_entries", ["person_number"])
    op.create_index("ix_journal_entries_created_at_id", "journal_entries", ["created_at", "id"])

    op.create_table(
        "journal_access_log",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("actor_username", sa.String(128), nullable=False),
        sa.Column("actor_roles", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("basis", sa.String(20), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=True),
        sa.Column("region", sa.String(4), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("query", sa.JSON(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_journal_access_log"),
    )
    op.create_index("ix_journal_access_log_at", "journal_access_log", ["at"])
    op.create_index("ix_journal_access_log_entry_id", "journal_access_log", ["entry_id"])
    op.create_index("ix_journal_access_log_actor_id_at", "journal_access_log",
                    ["actor_id", "at"])
    for statement in append_only_ddl(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_ddl(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("journal_access_log")
    op.drop_table("journal_entries")
