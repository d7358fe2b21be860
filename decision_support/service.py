"""The decision-support service: guideline library, editorial workflow, decisions.

:class:`GuidelineService` holds the current guideline of every id — the file
library (the sample set, or a licensed set in another directory loaded the same
way) overlaid by the newest *published* version of each id in the database —
and one :class:`~decision_support.search.GuidelineIndex` over them, rebuilt
after each publish. Editing goes through stored versions (see
:mod:`decision_support.editorial` for the workflow and who may do what).
Another service instance sees a publish after :meth:`GuidelineService.reload`.
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from decision_support import sql
from decision_support.assessment import DeviationSummary, assess, decide
from decision_support.content import GuidelineLibrary, apply_overlay, load_library
from decision_support.diff import GuidelineDiff, diff
from decision_support.document import parse_draft
from decision_support.editorial import (
    DRAFT,
    PUBLISHED,
    StoredVersion,
    check_transition,
    require_comment,
    require_role,
    require_second_pair_of_eyes,
    version_key,
)  # fmt: skip
from decision_support.errors import (
    ContentError,
    DraftNotFound,
    UnknownGuideline,
    UnknownVersion,
    WorkflowError,
)  # fmt: skip
from decision_support.model import (
    Age,
    Assessment,
    Audience,
    ContentSet,
    DecisionSupportConfig,
    Deviation,
    Guideline,
    NurseDecision,
    Sex,
)  # fmt: skip
from decision_support.ports import (
    APPROVE_ROLES,
    DECIDE_ROLES,
    EDIT_ROLES,
    OWNER_ROLES,
    PUBLISH_ROLES,
    Actor,
    Clock,
)  # fmt: skip
from decision_support.repository import add_event, load_versions, move_version
from decision_support.schema import ContentProblem
from decision_support.search import GuidelineIndex, SearchHit

__all__ = ["Change", "GuidelineService"]

class Change(dict[str, Any]):
    """One entry of :meth:`GuidelineService.changed_since` (a plain, JSON-ready dict)."""


class GuidelineService:
    """Guidelines for nurses and the editorial workflow for content editors."""

    def __init__(self, engine: AsyncEngine, clock: Clock, config: DecisionSupportConfig,
                 content_dir: Path | str, *, library: GuidelineLibrary | None = None) -> None:
        """``library``: the content of ``content_dir`` when the caller has loaded (and so
        checked) it already; otherwise :meth:`start` loads it."""
        self._engine, self._clock, self.config = engine, clock, config
        self._content_dir = Path(content_dir)
        self._library: GuidelineLibrary | None = library
        self._current: dict[str, Guideline] = {}
        self._index = GuidelineIndex(())

    # -- loading --------------------------------------------------------------

    async def start(self) -> None:
        """Load the file library and the database's published versions; build the index."""
        if self._library is None:
            self._library = load_library(self._content_dir, self.config)
        await self.reload()

    async def reload(self) -> None:
        """Re-read published versions from the database and rebuild the index."""
        current = {g.id: g for g in self.library.guidelines}
        for stored in await self._published():
            current[stored.guideline_id] = stored.guideline  # newest published wins
        self._current = current
        self._index = GuidelineIndex.build(sorted(current.values(), key=lambda g: g.id))
        # The long-lived index leaves the collector's generations, so full collections
        # stop walking its ~10^5 objects (p99, see bench/guideline_search.py). The old
        # index is freed by reference counting when replaced; freezing does not pin it.
        gc.collect()
        gc.freeze()

    @property
    def library(self) -> GuidelineLibrary:
        """The file library (raises if :meth:`start` has not run)."""
        if self._library is None:
            raise RuntimeError("GuidelineService.start() has not been awaited")
        return self._library

    @property
    def content_set(self) -> ContentSet:
        """The content set's manifest (its notice must be shown for sample content)."""
        return self.library.content_set

    def now(self) -> datetime:
        """The service clock's current time (aware, UTC)."""
        return self._clock()

    @property
    def sample_notice(self) -> str:
        """The notice to show with every piece of content, or ``""`` for a licensed set."""
        cs = self.content_set
        return cs.notice if cs.is_sample else ""

    # -- reading --------------------------------------------------------------

    def search(self, query: str, *, age: Age | float | None = None,
               audience: Audience | str | None = None, limit: int = 10) -> list[SearchHit]:
        """Current guidelines matching ``query``, best first, each saying why."""
        return self._index.search(query, age=age, audience=audience, limit=limit)

    async def get(self, guideline_id: str, version: str | None = None,
                  region: str | None = None, *, unpublished: bool = False) -> Guideline:
        """The current guideline (or ``version`` of it), with ``region``'s overlay applied.

        Versions not yet published are found only with ``unpublished=True``
        (for editors and reviewers).
        """
        if version is None:
            g = self._current.get(guideline_id)
            if g is None:
                raise UnknownGuideline(guideline_id)
        else:
            g = await self._version(guideline_id, version, unpublished)
        overlay = self.library.overlays.get(region or "", {}).get(guideline_id)
        return apply_overlay(g, overlay) if overlay else g

    async def versions(self, guideline_id: str, *,
                       unpublished: bool = True) -> list[dict[str, Any]]:
        """Every known version of a guideline, oldest first, marking the current one."""
        out: list[dict[str, Any]] = []
        file = self._file(guideline_id)
        if file is not None:
            out.append({"guideline_id": guideline_id, "version": file.version,
                        "status": "published", "source": "file", "title": file.title})
        for stored in await self._stored(guideline_id=guideline_id):
            if not unpublished and stored.status != PUBLISHED:
                continue
            out.append({**stored.to_plain(), "title": stored.guideline.title})
        if not out:
            raise UnknownGuideline(guideline_id)
        current = self._current.get(guideline_id)
        for v in out:
            v["current"] = current is not None and v["version"] == current.version
        return sorted(out, key=lambda v: version_key(v["version"]))

    async def diff(self, guideline_id: str, from_version: str, to_version: str, *,
                   unpublished: bool = False) -> GuidelineDiff:
        """Field-level changes between two versions of one guideline."""
        return diff(await self._version(guideline_id, from_version, unpublished),
                    await self._version(guideline_id, to_version, unpublished))

    async def changed_since(self, since: date | datetime) -> list[Change]:
        """Versions published since ``since`` (a date means its start, UTC), for a briefing."""
        start = since if isinstance(since, datetime) else datetime.combine(since, time(), UTC)
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        published = await self._stored(status=PUBLISHED)
        out = []
        for stored in published:
            if stored.published_at is None or stored.published_at < start:
                continue
            before = [s for s in published if s.guideline_id == stored.guideline_id
                      and s.published_at is not None and s.published_at < stored.published_at]
            old = max(before, key=lambda s: s.published_at or start).guideline if before \
                else self._file(stored.guideline_id)
            change = diff(old, stored.guideline) if old is not None else None
            out.append(Change(
                guideline_id=stored.guideline_id, title=stored.guideline.title,
                old_version=old.version if old else None, new_version=stored.version,
                published_at=stored.published_at.isoformat(), published_by=stored.published_by,
                summary=change.summary() if change else "ny riktlinje",
                lines=change.lines() if change else ["ny riktlinje"],
            ))  # fmt: skip
        return sorted(out, key=lambda c: c["published_at"])

    # -- assessment and decisions -------------------------------------------------

    async def assess(self, guideline_id: str, ticked: list[str], *, age: Age, sex: Sex | None,
                     at: datetime, version: str | None = None,
                     region: str | None = None) -> Assessment:
        """Assess a patient against the current (or given) version of a guideline."""
        g = await self.get(guideline_id, version, region)
        return assess(g, ticked, age=age, sex=sex, at=at, config=self.config)

    async def record_decision(self, actor: Actor, guideline_id: str, ticked: list[str], *,
                              age: Age, sex: Sex | None, urgency: str, care_type: str,
                              deviation: Deviation | None, at: datetime | None = None,
                              version: str | None = None, region: str | None = None,
                              call_id: str | None = None) -> NurseDecision:
        """Store a nurse's decision; the recommendation is recomputed here, not trusted."""
        require_role(actor, DECIDE_ROLES, "record a decision")
        when = at or self._clock()
        assessment = await self.assess(guideline_id, ticked, age=age, sex=sex, at=when,
                                       version=version, region=region)
        decision = decide(assessment, urgency=urgency, care_type=care_type, deviation=deviation,
                          at=self._clock(), config=self.config)
        async with self._engine.begin() as conn:
            await conn.execute(sql.decisions.insert().values(
                guideline_id=guideline_id, guideline_version=assessment.guideline_version,
                region=region, call_id=call_id, nurse=actor.username,
                decided_at=decision.decided_at, ticked=list(assessment.ticked_criteria),
                recommended_urgency=assessment.urgency.code,
                recommended_care_types=list(assessment.care_types), urgency=urgency,
                care_type=care_type, deviates=decision.deviates,
                reason_code=deviation.reason_code if deviation else None,
                reason_text=deviation.text.strip() if deviation else None))
        return decision

    async def deviation_counts(self, actor: Actor) -> list[DeviationSummary]:
        """Decisions and deviations (by reason) per guideline version, for content owners."""
        require_role(actor, OWNER_ROLES, "see deviation counts")
        d = sql.decisions
        query = (select(d.c.guideline_id, d.c.guideline_version, d.c.deviates, d.c.reason_code,
                        func.count()).group_by(d.c.guideline_id, d.c.guideline_version,
                                               d.c.deviates, d.c.reason_code))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        totals: dict[tuple[str, str], list[Any]] = {}
        for gid, version, deviates, reason, count in rows:
            entry = totals.setdefault((gid, version), [0, 0, {}])
            entry[0] += count
            if deviates:
                entry[1] += count
                entry[2][reason] = entry[2].get(reason, 0) + count
        return [DeviationSummary(k[0], k[1], v[0], v[1], dict(sorted(v[2].items())))
                for k, v in sorted(totals.items())]

    # -- editorial workflow ---------------------------------------------------

    async def create_draft(self, actor: Actor, guideline_id: str,
                           content: dict[str, Any]) -> StoredVersion:
        """A content editor's new draft: a new guideline, or a new version of an existing one.

        ``content`` is the guideline document (as a TOML file decodes to);
        ``id``, ``content_set`` and ``sample_notice`` default from the id and
        the content set. The version must be newer than every known version.
        """
        require_role(actor, EDIT_ROLES, "create a draft")
        guideline, doc = self._validate(guideline_id, content)
        known = [v["version"] for v in await self._all_versions(guideline_id)]
        newest = max(known, key=version_key, default=None)
        if newest is not None and version_key(guideline.version) <= version_key(newest):
            raise ContentError([_problem("version", f"{guideline.version!r} must be newer "
                                         f"than the newest version {newest!r}")])
        now = self._clock()
        try:
            async with self._engine.begin() as conn:
                result = await conn.execute(sql.versions.insert().values(
                    guideline_id=guideline_id, version=guideline.version, status=DRAFT,
                    content=doc, author=actor.username, created_at=now, updated_at=now))
                key = result.inserted_primary_key
                assert key is not None
                draft_id = int(key[0])
                await add_event(conn, draft_id, actor, now, "created", "")
        except IntegrityError:  # another editor created this version meanwhile
            raise ContentError([_problem("version", f"{guideline.version!r} already exists "
                                         f"for {guideline_id!r}")]) from None
        return await self.draft(draft_id)

    async def update_draft(self, actor: Actor, draft_id: int,
                           content: dict[str, Any]) -> StoredVersion:
        """Replace a draft's content (only while it is a draft; the version stays)."""
        require_role(actor, EDIT_ROLES, "edit a draft")
        stored = await self.draft(draft_id)
        check_transition(stored.status, "update")
        guideline, doc = self._validate(stored.guideline_id, content)
        if guideline.version != stored.version:
            raise ContentError([_problem("version", f"is {stored.version!r} for this draft; "
                                         "create a new draft for another version")])
        now = self._clock()
        async with self._engine.begin() as conn:
            await conn.execute(update(sql.versions).where(sql.versions.c.id == draft_id).values(
                content=doc, updated_at=now))
            await add_event(conn, draft_id, actor, now, "updated", "")
        return await self.draft(draft_id)

    async def submit(self, actor: Actor, draft_id: int, comment: str = "") -> StoredVersion:
        """Send a draft for review (granskning)."""
        require_role(actor, EDIT_ROLES, "submit a draft for review")
        return await self._move(actor, draft_id, "submit", "submitted", comment)

    async def approve(self, actor: Actor, draft_id: int, comment: str = "") -> StoredVersion:
        """Approve a version in review; four-eyes: not by anyone who wrote it."""
        require_role(actor, APPROVE_ROLES, "approve a guideline version")
        return await self._move(actor, draft_id, "approve", "approved", comment, review=True)

    async def reject(self, actor: Actor, draft_id: int, comment: str) -> StoredVersion:
        """Send a version in review back to draft, saying why."""
        require_role(actor, APPROVE_ROLES, "send a guideline version back")
        text = require_comment(comment, "sending a version back")
        return await self._move(actor, draft_id, "reject", "rejected", text, review=True)

    async def publish(self, actor: Actor, draft_id: int, comment: str = "") -> StoredVersion:
        """Make an approved version the current one; the index is rebuilt."""
        require_role(actor, PUBLISH_ROLES, "publish a guideline version")
        stored = await self.draft(draft_id)
        current = self._current.get(stored.guideline_id)
        if current is not None and version_key(current.version) >= version_key(stored.version):
            raise WorkflowError(f"version {current.version} of {stored.guideline_id!r} is "
                                f"already current; {stored.version} is not newer")
        result = await self._move(actor, draft_id, "publish", "published", comment)
        await self.reload()
        return result

    async def draft(self, draft_id: int) -> StoredVersion:
        """A stored version by its id, with its review history."""
        found = await self._stored(draft_id=draft_id)
        if not found:
            raise DraftNotFound(draft_id)
        return found[0]

    async def drafts(self, *, open_only: bool = True) -> list[StoredVersion]:
        """Stored versions not yet published (or all with ``open_only=False``)."""
        stored = await self._stored()
        return [s for s in stored if not open_only or s.status != PUBLISHED]

    # -- internals ------------------------------------------------------------

    def _validate(self, guideline_id: str, content: Any) -> tuple[Guideline, dict[str, Any]]:
        return parse_draft(content, guideline_id, self.config, self.content_set)

    async def _move(self, actor: Actor, draft_id: int, action: str, event: str, comment: str,
                    *, review: bool = False) -> StoredVersion:
        stored = await self.draft(draft_id)
        after = check_transition(stored.status, action)
        if review:
            require_second_pair_of_eyes(actor, stored.editors())
        await move_version(self._engine, stored, after, action, actor, self._clock(), event,
                           comment.strip())
        return await self.draft(draft_id)

    def _file(self, guideline_id: str) -> Guideline | None:
        return next((g for g in self.library.guidelines if g.id == guideline_id), None)

    async def _version(self, guideline_id: str, version: str, unpublished: bool) -> Guideline:
        found = await self._stored(guideline_id=guideline_id, version=version)
        if found and (unpublished or found[0].status == PUBLISHED):
            return found[0].guideline
        file = self._file(guideline_id)
        if file is not None and file.version == version:
            return file
        if file is None and guideline_id not in self._current:
            raise UnknownGuideline(guideline_id)
        raise UnknownVersion(guideline_id, version)

    async def _all_versions(self, guideline_id: str) -> list[dict[str, Any]]:
        try:
            return await self.versions(guideline_id)
        except UnknownGuideline:
            return []

    async def _published(self) -> list[StoredVersion]:
        newest: dict[str, StoredVersion] = {}
        for s in await self._stored(status=PUBLISHED):
            if s.guideline_id not in newest or version_key(s.version) > version_key(
                    newest[s.guideline_id].version):
                newest[s.guideline_id] = s
        return list(newest.values())

    async def _stored(self, **where: Any) -> list[StoredVersion]:
        return await load_versions(self._engine, self.config, self.content_set, **where)


def _problem(field_path: str, problem: str) -> ContentProblem:
    return ContentProblem("draft", field_path, problem)
