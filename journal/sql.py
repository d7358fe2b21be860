"""Tables of the journal context and the append-only trigger DDL of its access log.

The integrating migration creates these tables from this module and then runs
:func:`append_only_ddl` for its dialect (``op.execute`` for each statement);
:func:`drop_append_only_ddl` undoes it on downgrade. ``metadata.create_all``
(throwaway test databases only) installs the triggers by itself through an
``after_create`` hook.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    text,
)
from sqlalchemy.engine import Connection

from journal.model import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    content_from_plain,
    to_plain,
)
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

_BIGINT = BigInteger().with_variant(Integer, "sqlite")

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", _BIGINT, primary_key=True, autoincrement=True),  # keyset cursor for exports
    Column("entry_id", String(36), nullable=False, unique=True),
    Column("call_id", String(64), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("amends", String(36), nullable=True),
    Column("status", String(12), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("region", String(4), nullable=False),
    Column("care_provider", String(64), nullable=False),
    Column("nurse_id", String(64), nullable=False),
    Column("nurse_name", String(200), nullable=False),
    Column("person_kind", String(20), nullable=False),
    Column("person_number", String(20), nullable=True),
    Column("contact_reason", String(40), nullable=True),
    Column("urgency", String(40), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=True),
    Column("signed_by", String(64), nullable=True),
    Column("content", Text, nullable=False),  # JSON text: read back verbatim by exporters
    Index("ix_journal_entries_call_id", "call_id"),
    Index("ix_journal_entries_amends", "amends"),
    Index("ix_journal_entries_nurse_id_updated_at", "nurse_id", "updated_at"),
    Index("ix_journal_entries_person_number", "person_number"),
    Index("ix_journal_entries_created_at_id", "created_at", "id"),
)

journal_access_log = Table(
    "journal_access_log",
    metadata,
    Column("id", _BIGINT, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("actor_username", String(128), nullable=False),
    Column("actor_roles", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("outcome", String(10), nullable=False),  # allowed | denied
    Column("basis", String(20), nullable=True),
    Column("emergency", Boolean, nullable=False, default=False),
    Column("entry_id", String(36), nullable=True),
    Column("region", String(4), nullable=True),
    Column("reason", Text, nullable=True),
    Column("query", JSON, nullable=True),
    Column("detail", Text, nullable=True),
    Index("ix_journal_access_log_at", "at"),
    Index("ix_journal_access_log_entry_id", "entry_id"),
    Index("ix_journal_access_log_actor_id_at", "actor_id", "at"),
)

_PG_FUNCTION = "journal_access_log_append_only"


def append_only_ddl(dialect: str) -> list[str]:
    """Statements that make ``journal_access_log`` reject UPDATE and DELETE (and TRUNCATE
    on PostgreSQL) for every client, whatever the interface."""
    table = journal_access_log.name
    if dialect == "postgresql":
        return [
            (f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
             f"AS $$ BEGIN RAISE EXCEPTION '{table} is append-only: % refused', TG_OP "
             "USING ERRCODE = 'insufficient_privilege'; END $$"),
            (f"CREATE TRIGGER trg_{table}_no_change BEFORE UPDATE OR DELETE ON {table} "
             f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"),
            (f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
             f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"),
        ]
    if dialect == "sqlite":
        return [
            (f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
             f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"),
            (f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
             f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"),
        ]
    raise ValueError(f"no append-only trigger for dialect {dialect!r}")


def drop_append_only_ddl(dialect: str) -> list[str]:
    """Statements that remove what :func:`append_only_ddl` made (migration downgrade)."""
    table = journal_access_log.name
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS trg_{table}_no_change ON {table}",
                f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}",
                f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"]
    return [f"DROP TRIGGER IF EXISTS trg_{table}_no_update",
            f"DROP TRIGGER IF EXISTS trg_{table}_no_delete"]


@event.listens_for(journal_access_log, "after_create")
def _install_triggers(target: Table, connection: Connection, **_kw: Any) -> None:
    for statement in append_only_ddl(connection.dialect.name):
        connection.execute(text(statement))


# -- row mapping ----------------------------------------------------------------------


def entry_values(entry: JournalEntry) -> dict[str, Any]:
    """The row of ``entry`` (without the surrogate ``id``)."""
    c = entry.content
    return {
        "entry_id": entry.entry_id, "call_id": entry.call_id, "kind": entry.kind.value,
        "amends": entry.amends, "status": entry.status.value, "revision": entry.revision,
        "region": entry.region, "care_provider": entry.care_provider,
        "nurse_id": entry.nurse_id, "nurse_name": entry.nurse_name,
        "person_kind": c.person.kind.value, "person_number": c.person.number or None,
        "contact_reason": c.contact_reason.code if c.contact_reason else None,
        "urgency": c.urgency, "created_at": entry.created_at, "updated_at": entry.updated_at,
        "signed_at": entry.signed_at, "signed_by": entry.signed_by,
        "content": json.dumps(to_plain(c), ensure_ascii=False, separators=(",", ":")),
    }


def entry_from_row(row: Any) -> JournalEntry:
    """A :class:`JournalEntry` from a ``journal_entries`` row."""
    m = row._mapping
    return JournalEntry(
        entry_id=m["entry_id"], call_id=m["call_id"], kind=EntryKind(m["kind"]),
        status=EntryStatus(m["status"]), revision=m["revision"], region=m["region"],
        care_provider=m["care_provider"], nurse_id=m["nurse_id"], nurse_name=m["nurse_name"],
        content=content_from_plain(json.loads(m["content"])),
        created_at=as_utc(m["created_at"]), updated_at=as_utc(m["updated_at"]),
        amends=m["amends"], signed_at=as_utc(m["signed_at"]), signed_by=m["signed_by"],
    )


def as_utc(value: Any) -> Any:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
