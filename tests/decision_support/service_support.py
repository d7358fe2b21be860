"""Shared pieces of the service, HTTP and CLI tests: actors, a settable clock, a draft."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from decision_support.content import DEFAULT_CONTENT_DIR, load_library
from decision_support.document import to_document
from decision_support.ports import Actor
from decision_support.service import GuidelineService

EDITOR = Actor("erik", frozenset({"content_editor"}), frozenset({"01"}))
EDITOR_2 = Actor("eva", frozenset({"content_editor"}), frozenset({"01"}))
SUPERVISOR = Actor("sara", frozenset({"supervisor"}), frozenset({"01"}))
NURSE = Actor("nils", frozenset({"nurse"}), frozenset({"01"}))
AUDITOR = Actor("alma", frozenset({"auditor"}), frozenset({"*"}))
MONDAY_NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm, office hours


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = MONDAY_NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def file_document(guideline_id: str) -> dict[str, Any]:
    """The shipped file version of a guideline as an editable JSON document."""
    library = load_library()
    return copy.deepcopy(to_document(library.get(guideline_id)))


def next_version_of(guideline_id: str, version: str = "1.1") -> dict[str, Any]:
    """A new version of a shipped guideline with one criterion added and the title changed."""
    doc = file_document(guideline_id)
    doc["version"] = version
    doc["title"] = doc["title"] + " (reviderad)"
    doc["levels"][0]["criteria"].append({"id": "amb-ny", "text": "Ny kritisk varningsflagga"})
    doc["search_terms"].setdefault("lay_terms", []).append("glasögonorm i magen")
    return doc


async def make_service(engine: Any, clock: Clock, config: Any,
                       content_dir: Path = DEFAULT_CONTENT_DIR) -> GuidelineService:
    service = GuidelineService(engine, clock, config, content_dir)
    await service.start()
    return service


async def published(service: GuidelineService, doc: dict[str, Any], clock: Clock) -> int:
    """Walk a document through draft → review → approval → publish; the draft id."""
    draft = await service.create_draft(EDITOR, doc["id"], doc)
    await service.submit(EDITOR, draft.draft_id)
    clock.advance(minutes=5)
    await service.approve(EDITOR_2, draft.draft_id, "ser bra ut")
    await service.publish(EDITOR, draft.draft_id)
    return draft.draft_id


async def engine_for(url: str) -> AsyncIterator[Any]:
    from contactcenter.db import create_engine, upgrade

    await upgrade(url)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()
