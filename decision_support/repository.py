"""Reading and writing stored guideline versions and their review events (the SQL side).

Kept apart from :mod:`decision_support.service` so the service reads as the
use cases; stored content is parsed with the same schema as files.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from decision_support import sql
from decision_support.document import parse_document, with_status
from decision_support.editorial import (
    APPROVED,
    DRAFT,
    IN_REVIEW,
    PUBLISHED,
    ReviewEvent,
    StoredVersion,
)  # fmt: skip
from decision_support.errors import ContentError, WorkflowError
from decision_support.model import ContentSet, DecisionSupportConfig, GuidelineStatus
from decision_support.ports import Actor

__all__ = ["add_event", "load_versions"]

_STATUS = {DRAFT: GuidelineStatus.DRAFT, IN_REVIEW: GuidelineStatus.IN_REVIEW,
           APPROVED: GuidelineStatus.APPROVED, PUBLISHED: GuidelineStatus.APPROVED}


def _aware(t: Any) -> Any:
    # SQLite hands timezone-aware columns back naive; storage is UTC.
    return t.replace(tzinfo=UTC) if isinstance(t, datetime) and t.tzinfo is None else t


async def add_event(conn: AsyncConnection, draft_id: int, actor: Actor, at: datetime,
                    action: str, comment: str) -> None:
    """Record one step of a version's history."""
    await conn.execute(sql.review_events.insert().values(
        version_id=draft_id, actor=actor.username, at=at, action=action, comment=comment))


async def move_version(engine: AsyncEngine, stored: StoredVersion, after: str, action: str,
                       actor: Actor, now: datetime, event: str, comment: str) -> None:
    """Move a stored version from its status to ``after`` (with who approved or published
    it) and record ``event``; refused if someone moved it meanwhile."""
    values: dict[str, Any] = {"status": after, "updated_at": now}
    if action == "approve":
        values.update(approved_by=actor.username, approved_at=now)
    elif action == "publish":
        values.update(published_by=actor.username, published_at=now)
    elif action == "reject":
        values.update(approved_by=None, approved_at=None)
    async with engine.begin() as conn:
        changed = await conn.execute(update(sql.versions).where(
            sql.versions.c.id == stored.draft_id, sql.versions.c.status == stored.status
        ).values(**values))
        if changed.rowcount != 1:
            raise WorkflowError(f"draft {stored.draft_id} changed meanwhile; reload and try again")
        await add_event(conn, stored.draft_id, actor, now, event, comment)


async def load_versions(engine: AsyncEngine, config: DecisionSupportConfig,
                        content_set: ContentSet, **where: Any) -> list[StoredVersion]:
    """Stored versions matching ``where`` (column = value; ``draft_id`` is the row id)."""
    v, e = sql.versions, sql.review_events
    query = select(v).order_by(v.c.id)
    for column, value in where.items():
        query = query.where(v.c["id" if column == "draft_id" else column] == value)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
        ids = [r["id"] for r in rows]
        events = (await conn.execute(select(e).where(e.c.version_id.in_(ids))
                                     .order_by(e.c.id))).mappings().all() if ids else []
    by_version: dict[int, list[ReviewEvent]] = {}
    for ev in events:
        by_version.setdefault(ev["version_id"], []).append(
            ReviewEvent(ev["actor"], _aware(ev["at"]), ev["action"], ev["comment"]))
    return [_row(r, by_version.get(r["id"], []), config, content_set) for r in rows]


def _row(r: Any, events: list[ReviewEvent], config: DecisionSupportConfig,
         content_set: ContentSet) -> StoredVersion:
    guideline, problems = parse_document(r["content"], r["guideline_id"], config, None,
                                         source=f"stored version {r['id']}")
    if guideline is None:  # stored content was valid when written; the config changed since
        raise ContentError(problems)
    guideline = with_status(guideline, _STATUS[r["status"]])
    if content_set.is_sample and not guideline.sample_notice:
        guideline = replace(guideline, sample_notice=content_set.notice)
    return StoredVersion(
        draft_id=r["id"], guideline=guideline, status=r["status"], author=r["author"],
        created_at=_aware(r["created_at"]), updated_at=_aware(r["updated_at"]),
        approved_by=r["approved_by"], approved_at=_aware(r["approved_at"]),
        published_by=r["published_by"], published_at=_aware(r["published_at"]),
        events=tuple(events),
    )  # fmt: skip
