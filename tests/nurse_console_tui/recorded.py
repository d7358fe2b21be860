"""A call recorded from the running service (``recorded_call.json``: the views of each
phase, the codes, the hits for "feber", the guideline, the suggested units), served to
the terminal console by a client that answers from the recording. Times were fixed
after recording, so the screens are the same every run; a test in
``tests/web/test_console_tui_recording.py`` checks the recording still has the shape
of what the service sends."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from nurse_console.client import View
from nurse_console.ports import Codes

RECORDING = json.loads((Path(__file__).parent / "recorded_call.json").read_text("utf-8"))
PHASES = ("oppna", "lyssna", "bedoma", "atgard", "avsluta")


def phase_view(phase: str) -> View:
    """The view of the recorded call in ``phase``."""
    return copy.deepcopy(RECORDING["views"][phase])


def offered_view() -> View:
    """The recorded call as it rang, with two earlier calls from the same number."""
    view = phase_view("oppna")
    view["nurse"]["state"] = "offered"
    work = view["work"]
    work.update(status="offered", answered_at=None, phase_durations={}, draft_revision=0)
    work["repeat_calls"] = [
        {"call_id": "demo-call-0000", "at": "2026-03-01T18:40:00+00:00",
         "urgency": "INOM_ETT_DYGN", "care_type": "VARDCENTRAL", "referral": None,
         "outcome": "signerad", "same": "number"},
        {"call_id": "demo-call-000a", "at": "2026-02-28T07:12:00+00:00", "urgency": None,
         "care_type": None, "referral": None, "outcome": "abandoned", "same": "number"}]
    return view


def idle_view(state: str = "ready") -> View:
    """No call on; two earlier calls of the nurse are unsigned."""
    view = phase_view("oppna")
    view["nurse"].update(state=state, call_id=None)
    view["work"] = None
    view["unsigned"] = [
        {"call_id": "demo-call-0002", "offered_at": "2026-03-02T08:15:00+00:00",
         "number": "+46701234568", "summary": "Halsont sedan i går, svårt att svälja."},
        {"call_id": "demo-call-0003", "offered_at": "2026-03-02T08:41:00+00:00",
         "number": None, "summary": ""}]
    return view


def bulletin_view() -> View:
    """No call on; two bulletins the nurse has not read (fictional, as the demo's)."""
    view = idle_view()
    view["unsigned"] = []
    view["bulletins"] = [
        {"bulletin_id": "demo-bulletin-1", "region": None, "priority": "important",
         "priority_name": "Viktig", "title": "Ny version av riktlinjen om feber hos barn",
         "text": "Läs igenom ändringarna innan ditt första samtal. Fiktivt demoinnehåll.",
         "author": "demo", "author_name": "Demoredaktionen",
         "valid_from": "2026-03-02T06:00:00+00:00", "valid_to": None,
         "created_at": "2026-03-02T06:00:00+00:00", "updated_at": "2026-03-02T06:00:00+00:00",
         "withdrawn_at": None},
        {"bulletin_id": "demo-bulletin-2", "region": "01", "priority": "normal",
         "priority_name": "Normal", "title": "Jourmottagningen har nya öppettider",
         "text": "Jourmottagningen i centrum stänger kl. 21 i helgen. Fiktivt demoinnehåll.",
         "author": "handledare", "author_name": "Henrik Åberg",
         "valid_from": "2026-03-02T07:00:00+00:00", "valid_to": "2026-03-09T07:00:00+00:00",
         "created_at": "2026-03-02T07:00:00+00:00", "updated_at": "2026-03-02T07:00:00+00:00",
         "withdrawn_at": None}]
    return view


class RecordedClient:
    """Answers the terminal console's calls from the recording; what it is sent is kept
    in ``sent``. It never pushes (the view stays as it was)."""

    def __init__(self, view: View) -> None:
        self.view_now = view
        self.sent: list[tuple[str, Any]] = []

    async def codes(self) -> Codes:
        data = RECORDING["codes"]
        return Codes(**{k: v for k, v in data.items() if k in Codes.__dataclass_fields__})

    async def view(self) -> View:
        return copy.deepcopy(self.view_now)

    async def pushes(self, connected: Callable[[bool], None] | None = None
                     ) -> AsyncIterator[View]:
        if connected:
            connected(True)
        await asyncio.Event().wait()
        yield self.view_now  # never reached

    async def search(self, query: str, age: float | None = None) -> list[dict[str, Any]]:
        self.sent.append(("search", query))
        hits: list[dict[str, Any]] = RECORDING["hits"]
        return hits if "feb".startswith(query[:3].lower()) else []

    async def open_guideline(self, guideline_id: str) -> dict[str, Any]:
        return copy.deepcopy(RECORDING["guideline"])  # type: ignore[no-any-return]

    async def referrals(self) -> list[dict[str, Any]]:
        return copy.deepcopy(RECORDING["units"])  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        async def record(*args: Any, **kwargs: Any) -> View:
            self.sent.append((name, (args, kwargs)))
            return copy.deepcopy(self.view_now)
        return record
