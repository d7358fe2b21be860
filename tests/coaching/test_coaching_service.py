"""The coaching service with fakes for the telephony and the floor, on a migrated SQLite:
what is logged when the telephony refuses, and a second start refused at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from contactcenter.coaching.errors import CoachingError
from contactcenter.coaching.service import CoachingService, OnCall
from contactcenter.coaching.sql import CoachingStore
from contactcenter.db import create_engine, upgrade

NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)


class Refused(Exception):
    """The fake telephony's refusal."""


@dataclass
class Coach:
    username: str = "handledare"
    display_name: str = "Henrik"
    regions: frozenset[str] = frozenset({"01"})

    def has_role(self, *roles: Any) -> bool:
        return "supervisor" in roles

    def can_access_region(self, code: str) -> bool:
        return code in self.regions


class Floor:
    def call(self, call_id: str) -> OnCall | None:
        return OnCall(call_id, "ssk-01-1", "sjukskoterska", "Sara", "01", connected=True)


class FakeLegs:
    """Rings after a pause; ``refuse`` ends the session and refuses, as the call flow does."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.started: list[str] = []
        self.on_end: Any = None

    async def start(self, session_id: str, call_id: str, endpoint: str, mode: str,
                    caller_id: str = "") -> None:
        await asyncio.sleep(0.01)
        if self.refuse:
            self.on_end(session_id, "start_failed")
            raise Refused("telephony refused (500)")
        self.started.append(session_id)

    async def change(self, session_id: str, mode: str) -> None: ...

    async def end(self, session_id: str, reason: str) -> None:
        self.on_end(session_id, reason)


async def _service(tmp_path: Path, legs: FakeLegs) -> tuple[CoachingService, Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    await upgrade(url)
    engine = create_engine(url)
    service = CoachingService(CoachingStore(engine), Floor(), legs,
                              {"handledare": "PJSIP/coach"}, lambda: NOW,
                              not_connected_error=Refused)
    return service, engine


async def test_a_start_the_telephony_refuses_is_logged_as_started_and_ended(
        tmp_path: Path) -> None:
    service, engine = await _service(tmp_path, FakeLegs(refuse=True))
    with pytest.raises(CoachingError) as refused:
        await service.start(Coach(), "c1", "listen", "introduktion")
    assert refused.value.error_id == "coaching_not_possible"
    await service.close()
    rows = await service.listen_log(Coach())
    assert [(r.action.value, r.reason) for r in rows] == [("ended", "start_failed"),
                                                          ("started", None)]
    assert service.coach_on("c1") is None
    await engine.dispose()


async def test_a_second_start_on_the_same_call_is_refused_while_the_first_rings(
        tmp_path: Path) -> None:
    legs = FakeLegs()
    service, engine = await _service(tmp_path, legs)
    results = await asyncio.gather(service.start(Coach(), "c1", "listen", "a"),
                                   service.start(Coach(), "c1", "whisper", "b"),
                                   return_exceptions=True)
    refused = [r for r in results if isinstance(r, CoachingError)]
    assert len(legs.started) == 1 and [r.error_id for r in refused] == ["already_coaching"]
    assert service.coach_on("c1") == {"name": "Henrik", "mode": "listen"}
    await engine.dispose()
