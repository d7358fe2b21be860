"""The append-only access log (åtkomstlogg): who did what to which entry, when and why.

Only :func:`append` writes to it and only :func:`query` reads it; there is no
update or delete path in the code, and the database refuses them too (triggers
from :func:`journal.sql.append_only_ddl`). Denied attempts are logged as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from journal.access import AccessDecision
from journal.ports import Actor
from journal.sql import as_utc, journal_access_log

_LONGEST = {name: journal_access_log.c[name].type.length or 0 for name in ("entry_id", "region")}
_CLIPPED = 200


class Action(StrEnum):
    """What was done (or attempted)."""

    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    SIGN = "sign"
    AMEND = "amend"
    EXPORT = "export"
    PATIENT_EXPORT = "patient_export"
    LOG_QUERY = "log_query"
    PURGE = "purge"


@dataclass(frozen=True)
class AccessLogRecord:
    """One line of the access log."""

    id: int
    at: datetime
    actor_id: str
    actor_username: str
    actor_roles: str
    action: str
    outcome: str
    basis: str | None
    emergency: bool
    entry_id: str | None
    region: str | None
    reason: str | None
    query: dict[str, Any] | None
    detail: str | None


async def append(conn: AsyncConnection, at: datetime, actor: Actor, action: Action,
                 decision: AccessDecision, *, entry_id: str | None = None,
                 region: str | None = None, reason: str | None = None,
                 query: dict[str, Any] | None = None, detail: str | None = None) -> None:
    """Add one record; the caller's transaction decides when it is committed.

    An ``entry_id`` or ``region`` longer than its column (a caller's made-up value) is
    kept, clipped, in ``query`` instead: the attempt is logged, never lost to an error."""
    for name, value in (("entry_id", entry_id), ("region", region)):
        if value is not None and len(value) > _LONGEST[name]:
            query = {**(query or {}), name: value[:_CLIPPED]}
            entry_id, region = (None, region) if name == "entry_id" else (entry_id, None)
    await conn.execute(insert(journal_access_log).values(
        at=at, actor_id=actor.user_id, actor_username=actor.username,
        actor_roles=",".join(sorted(actor.roles)), action=action.value,
        outcome="allowed" if decision.allowed else "denied",
        basis=decision.basis.value if decision.basis else None,
        emergency=decision.emergency, entry_id=entry_id, region=region,
        reason=(reason or None), query=query, detail=detail or decision.problem or None,
    ))


@dataclass(frozen=True)
class LogQuery:
    """Filters for the auditors' log query; ``after_id`` pages forward (keyset)."""

    since: datetime | None = None
    until: datetime | None = None
    actor_id: str | None = None
    entry_id: str | None = None
    action: str | None = None
    emergency_only: bool = False
    region: str | None = None
    after_id: int = 0
    limit: int = 100

    def as_dict(self) -> dict[str, Any]:
        """The query as logged (JSON-ready, empty filters left out)."""
        raw = {k: (v.isoformat() if isinstance(v, datetime) else v)
               for k, v in self.__dict__.items()}
        return {k: v for k, v in raw.items() if v not in (None, False, 0)}


async def query(conn: AsyncConnection, q: LogQuery,
                regions: frozenset[str] | None = None) -> list[AccessLogRecord]:
    """Records matching ``q`` in id order; ``regions`` limits to those regions (plus
    records without a region) unless it is ``None``."""
    t = journal_access_log
    cond = [t.c.id > q.after_id]
    if q.since is not None:
        cond.append(t.c.at >= q.since)
    if q.until is not None:
        cond.append(t.c.at < q.until)
    for column, value in ((t.c.actor_id, q.actor_id), (t.c.entry_id, q.entry_id),
                          (t.c.action, q.action), (t.c.region, q.region)):
        if value is not None:
            cond.append(column == value)
    if q.emergency_only:
        cond.append(t.c.emergency.is_(True))
    if regions is not None:
        cond.append(t.c.region.in_(sorted(regions)) | t.c.region.is_(None))
    rows = await conn.execute(select(t).where(and_(*cond)).order_by(t.c.id)
                              .limit(max(1, min(q.limit, 1000))))
    return [AccessLogRecord(**{**r._mapping, "at": as_utc(r.at)}) for r in rows]
