"""A nurse's web console shows that a coach is on her call, how, and the coach's notes
afterwards: a supervisor starts listening through the API (the wallboard's controls are
another page's), switches to whisper and to barge, writes a note; axe-core and
screenshots (``var/screenshots/console-coach-*.png``), wide and narrow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.system import System, running_system
from tests.web.conftest import WebSystem
from tests.web.test_coaching_api import COACH_PHONE
from tests.web.test_console_in_browser import answered_call, ready_nurse, shot
from tests.web.test_live_page_in_browser import CHROMIUM, page, pytestmark  # noqa: F401


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    """At the speed of a real shift (the phone is answered in the browser), with a coach
    phone for the demo supervisor."""
    async with running_system(tmp_path, speed=1.0, **{
            "callflow.nurse_originate_timeout_seconds": 30, "callflow.wrapup_seconds": 60,
            "coaching.endpoints": (f"handledare={COACH_PHONE}",)}) as running:
        await running.sim.add_phone(COACH_PHONE, answer_delay=0.05, talk=None)
        yield running


async def test_the_nurse_sees_that_a_coach_listens_whispers_and_joins(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    base = web_system.base_url
    await page.set_viewport_size({"width": 1280, "height": 800})
    await ready_nurse(web_system, page)
    await answered_call(web_system, page, "+46701234568")
    call_id = page_call = next(iter(web_system.system.services.flow.calls))
    assert page_call
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as coach:
        await web_system.login(coach, "handledare")
        async with coach.get(f"{base}/api/v1/auth/whoami") as resp:
            name = (await resp.json())["display_name"]
        async with coach.post(f"{base}/api/v1/coaching", json={
                "call_id": call_id, "mode": "listen", "why": "ny på arbetsplatsen"}) as resp:
            assert resp.status == 201, await resp.text()
            sid = (await resp.json())["session"]["session_id"]
        badge = page.get_by_role("status").filter(has_text="Samtalshandledare")
        await badge.filter(has_text=f"Samtalshandledare lyssnar: {name}").wait_for()
        await shot(page, "coach-listen")
        await page.set_viewport_size({"width": 360, "height": 740})
        await shot(page, "coach-listen-narrow")
        await page.set_viewport_size({"width": 1280, "height": 800})
        for mode, words in (("whisper", "talar med dig"), ("barge", "är med i samtalet")):
            async with coach.post(f"{base}/api/v1/coaching/{sid}/mode",
                                  json={"mode": mode}) as resp:
                assert resp.status == 200, await resp.text()
            await badge.filter(has_text=f"Samtalshandledare {words}: {name}").wait_for()
        async with coach.post(f"{base}/api/v1/coaching/{sid}/notes", json={
                "text": "Bra sammanfattning i Lyssna."}) as resp:
            assert resp.status == 201, await resp.text()
        notes = page.get_by_role("region", name="Handledning")
        await notes.get_by_text("Bra sammanfattning i Lyssna.").wait_for()
        assert name in await notes.inner_text()
        async with coach.delete(f"{base}/api/v1/coaching/{sid}") as resp:
            assert resp.status == 204, await resp.text()
    await badge.wait_for(state="hidden")
    await shot(page, "coach-notes")
