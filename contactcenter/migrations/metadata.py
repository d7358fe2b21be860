"""Every context's tables, gathered for migrations and schema comparison."""

from __future__ import annotations

from sqlalchemy import MetaData

from contactcenter.calls import sql as calls_sql
from contactcenter.coaching import sql as coaching_sql
from contactcenter.identity import sql as identity_sql
from decision_support import sql as guidelines_sql
from journal import sql as journal_sql
from nurse_console import bulletin_sql
from nurse_console import sql as console_sql
from queues import sql as queues_sql
from referral_catalog import sql as catalog_sql

#: One metadata per context; alembic accepts a sequence.
target_metadata: list[MetaData] = [calls_sql.metadata, identity_sql.metadata,
                                   queues_sql.metadata, journal_sql.metadata,
                                   catalog_sql.metadata, guidelines_sql.metadata,
                                   console_sql.metadata, bulletin_sql.metadata,
                                   coaching_sql.metadata]
