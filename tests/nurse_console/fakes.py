"""In-memory fakes of the console's ports, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from nurse_console.model import CallFacts, CallWork
from nurse_console.ports import Actor, LiveCall, NurseSeat


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeDesk:
    """One nurse, ``ssk``, whose state and call the test sets."""

    seat: NurseSeat = field(default_factory=lambda: NurseSeat(
        "ssk-01-1", "Test", "01", "Region Stockholm", "PJSIP/ssk", "logged_out"))
    calls: dict[str, LiveCall] = field(default_factory=dict)
    earlier: list[dict[str, Any]] = field(default_factory=list)

    def seat_of(self, username: str) -> NurseSeat | None:
        return self.seat if username == "ssk" else None

    async def set_state(self, nurse_id: str, state: str, reason: str | None) -> NurseSeat:
        self.seat = replace(self.seat, state=state, call_id=None, pause_reason=reason)
        return self.seat

    def call(self, call_id: str) -> LiveCall | None:
        return self.calls.get(call_id)

    async def earlier_calls(self, number: str, since: datetime,
                            exclude: str) -> list[dict[str, Any]]:
        return [c for c in self.earlier if c["call_id"] != exclude]

    def offer(self, call_id: str, number: str = "+46701234567") -> None:
        self.calls[call_id] = LiveCall(call_id, "offered", "ssk-01-1",
                                       CallFacts(number=number, region="01"))
        self.seat = replace(self.seat, state="offered", call_id=call_id)

    def connect(self, call_id: str) -> None:
        self.calls[call_id] = replace(self.calls[call_id], state="connected")
        self.seat = replace(self.seat, state="on_call", call_id=call_id)

    def end(self, call_id: str) -> None:
        self.calls[call_id] = replace(self.calls[call_id], state="ended",
                                      end_cause="caller_hangup")
        self.seat = replace(self.seat, state="wrap_up", call_id=call_id)


class FakePhone:
    def __init__(self, desk: FakeDesk) -> None:
        self.desk = desk

    async def answer(self, endpoint: str) -> bool:
        if self.desk.seat.call_id is None:
            return False
        self.desk.connect(self.desk.seat.call_id)
        return True

    async def hang_up(self, endpoint: str) -> bool:
        return False


class FakeGuidelines:
    def search(self, query: str, age_years: float | None, limit: int) -> list[dict[str, Any]]:
        return [{"guideline_id": "feber", "title": "Feber", "version": "1.0",
                 "why": ["symptom 'feber'"]}]

    async def open(self, guideline_id: str, region: str | None) -> dict[str, Any]:
        return {"guideline_id": guideline_id, "version": "1.0", "title": "Feber",
                "levels": [], "self_care": [], "safety_net": []}

    async def assess(self, guideline_id: str, version: str, ticked: Sequence[str],
                     age_years: float | None, sex: str | None, at: datetime,
                     region: str | None) -> dict[str, Any]:
        return {"urgency": "INOM_ETT_DYGN" if ticked else "EGENVARD",
                "care_types": ["VARDCENTRAL"] if ticked else ["EGENVARD"], "decisive": []}

    async def record_decision(self, actor: Actor, work: CallWork) -> None:
        self.recorded = work


class FakeReferrals:
    def suggest(self, care_types: Sequence[str], urgency: str | None, at: datetime, *,
                municipality: str | None, region: str | None, age_years: float | None,
                limit: int) -> list[dict[str, Any]]:
        return [{"hsa_id": "SE1", "name": "VC Test", "why": ["öppet till 17:00"]}]

    async def unit(self, hsa_id: str) -> dict[str, Any] | None:
        return {"hsa_id": hsa_id, "name": "VC Test", "care_types": ["VARDCENTRAL"]} \
            if hsa_id == "SE1" else None


class FakeJournal:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.refuse_saves = False
        self.repeat_logs: list[tuple[str, list[str]]] = []

    async def open_draft(self, actor: Actor, work: CallWork) -> tuple[str, int]:
        self.entries[work.call_id] = {"revision": 1, "signed": False, "text": ""}
        return f"entry-{work.call_id}", 1

    async def save(self, actor: Actor, work: CallWork) -> int:
        if self.refuse_saves:
            raise RuntimeError("the journal is down")
        e = self.entries[work.call_id]
        e["revision"] += 1
        e["text"] = work.draft.listen_summary
        return e["revision"]

    async def log_repeat_calls(self, actor: Actor, work: CallWork,
                               call_ids: list[str]) -> None:
        self.repeat_logs.append((work.call_id, list(call_ids)))

    async def sign(self, actor: Actor, work: CallWork) -> int:
        e = self.entries[work.call_id]
        e["signed"] = True
        e["revision"] += 1
        return e["revision"]
