"""Tables of the decision-support context: guideline versions, review events, decisions.

* ``guideline_versions`` — every version an editor made (utkast → granskning →
  godkänd → publicerad), the content as the same JSON document a TOML file
  decodes to, so it is validated by the same schema. Old versions are kept.
* ``guideline_review_events`` — who did what to a version and when (created,
  updated, submitted, approved, rejected, published), with a comment.
* ``guideline_decisions`` — nurses' decisions after an assessment, with the
  deviation (coded reason and text) when they chose otherwise; counted per
  ``(guideline_id, guideline_version)`` for the content owners.

The schema is made only by the migration
``contactcenter/migrations/versions/guidelines_0001_versions.py``, which must
match these definitions exactly (the naming convention is a copy of
``shared_kernel.naming``, which this context may not import).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared_kernel.naming import NAMING_CONVENTION

__all__ = ["decisions", "metadata", "review_events", "versions"]


metadata = MetaData(naming_convention=NAMING_CONVENTION)

BIGID = BigInteger().with_variant(Integer(), "sqlite")
TS = DateTime(timezone=True)

versions = Table(
    "guideline_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guideline_id", String(100), nullable=False),
    Column("version", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("content", JSON, nullable=False),
    Column("author", String(100), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("approved_by", String(100), nullable=True),
    Column("approved_at", TS, nullable=True),
    Column("published_by", String(100), nullable=True),
    Column("published_at", TS, nullable=True),
    UniqueConstraint("guideline_id", "version"),
    Index("ix_guideline_versions_status_published_at", "status", "published_at"),
)

review_events = Table(
    "guideline_review_events",
    metadata,
    Column("id", BIGID, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("guideline_versions.id"), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", TS, nullable=False),
    Column("action", String(20), nullable=False),
    Column("comment", Text, nullable=False),
    Index("ix_guideline_review_events_version_id", "version_id"),
)

decisions = Table(
    "guideline_decisions",
    metadata,
    Column("id", BIGID, primary_key=True, autoincrement=True),
    Column("guideline_id", String(100), nullable=False),
    Column("guideline_version", String(20), nullable=False),
    Column("region", String(4), nullable=True),
    Column("call_id", String(64), nullable=True),
    Column("nurse", String(100), nullable=False),
    Column("decided_at", TS, nullable=False),
    Column("ticked", JSON, nullable=False),
    Column("recommended_urgency", String(40), nullable=False),
    Column("recommended_care_types", JSON, nullable=False),
    Column("urgency", String(40), nullable=False),
    Column("care_type", String(40), nullable=False),
    Column("deviates", Boolean, nullable=False),
    Column("reason_code", String(40), nullable=True),
    Column("reason_text", Text, nullable=True),
    Index("ix_guideline_decisions_guideline_id", "guideline_id", "guideline_version"),
)
