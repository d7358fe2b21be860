"""The terminal console's call line says that a coach is on the nurse's call and how
(Pilot against the whole service on the simulator; the coach starts through the API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from textual.widgets import Static

from nurse_console.tui import texts
from tests.support.system import System, running_system
from tests.web.conftest import WebSystem
from tests.web.test_coaching_api import COACH_PHONE
from tests.web.test_console_tui import a_nurse_on_a_call_in_the_terminal, terminal, until


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    async with running_system(tmp_path, speed=1.0, **{
            "callflow.nurse_originate_timeout_seconds": 30, "callflow.wrapup_seconds": 60,
            "coaching.endpoints": (f"handledare={COACH_PHONE}",)}) as running:
        await running.sim.add_phone(COACH_PHONE, answer_delay=0.05, talk=None)
        yield running


async def test_the_terminal_call_line_shows_the_coach_listening_and_whispering(
    web_system: WebSystem,
) -> None:
    base = web_system.base_url
    async with terminal(web_system) as (app, pilot), \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as coach:
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await web_system.login(coach, "handledare")
        async with coach.get(f"{base}/api/v1/auth/whoami") as resp:
            name = (await resp.json())["display_name"]
        call_id = app.work_now["call_id"]  # type: ignore[index]
        async with coach.post(f"{base}/api/v1/coaching", json={
                "call_id": call_id, "mode": "listen", "why": "uppföljning"}) as resp:
            assert resp.status == 201, await resp.text()
            sid = (await resp.json())["session"]["session_id"]

        def line() -> str:
            return str(app.query_one("#call-status", Static).render())
        await until(pilot, lambda: f"Samtalshandledare lyssnar: {name}" in line(),
                    "the coach on the call line")
        async with coach.post(f"{base}/api/v1/coaching/{sid}/mode",
                              json={"mode": "whisper"}) as resp:
            assert resp.status == 200, await resp.text()
        await until(pilot, lambda: f"Samtalshandledare talar med dig: {name}" in line(),
                    "the whisper on the call line")
        async with coach.delete(f"{base}/api/v1/coaching/{sid}") as resp:
            assert resp.status == 204
        await until(pilot, lambda: "Samtalshandledare" not in line(), "the coach gone")


def test_the_coach_and_the_notes_read_as_the_nurse_is_told() -> None:
    assert texts.coach({"name": "Henrik Åberg", "mode": "barge"}) == \
        "Samtalshandledare är med i samtalet: Henrik Åberg"
    assert texts.coach(None) == ""
    assert texts.coaching_notes([{"at": "2026-12-06T21:05:00+00:00", "coach_name": "Henrik",
                                  "text": "Bra sammanfattning."}]) == \
        "06/12 22:05 · Henrik: Bra sammanfattning."
