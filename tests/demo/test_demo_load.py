"""The default demo load is one a region could handle: most callers are answered, from abroad too.

The demo's seeded caller stream runs on the simulator against the whole service with
the default ``[demo]`` settings, compressed in time: only the simulator runs
``demo.speed`` times faster, while wrap-up and the IVR's digit timeout are the
service's real seconds, so the test multiplies the speed by ``COMPRESSION`` and
divides those by it. The load a nurse sees is then the default demo's, in a
twentieth of the time. Nothing here asserts on wall-clock time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from contactcenter.demo import CallerStream, run_demo
from contactcenter.settings import load_settings
from tests.support.system import eventually

COMPRESSION = 20.0
CALLERS = 150
SEED = 1177


@pytest.mark.timeout(120)
async def test_most_demo_callers_are_answered_at_the_default_load_national_queue_included(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    defaults = load_settings(overrides={"database.url": url})
    settings = load_settings(overrides={
        "database.url": url,
        "demo.speed": defaults.demo.speed * COMPRESSION,
        "callflow.wrapup_seconds": defaults.callflow.wrapup_seconds / COMPRESSION,
        "callflow.dtmf_timeout_seconds": defaults.callflow.dtmf_timeout_seconds / COMPRESSION,
    })
    state: dict[str, Any] = {}
    ready = asyncio.Event()
    demo = asyncio.get_running_loop().create_task(
        run_demo(settings, port=0, callers=False, ready=ready, state=state))
    try:
        async with asyncio.timeout(60):
            await ready.wait()
        services = state["services"]
        stream = CallerStream(state["simulator"], settings, seed=SEED)
        arrivals = asyncio.get_running_loop().create_task(stream.run())
        await eventually(lambda: stream.started >= CALLERS, timeout=90, what="the callers")
        arrivals.cancel()
        await eventually(lambda: not services.call_log.live(), timeout=60,
                         what="every call answered or given up")
        await services.call_log.flush()
        calls = await services.call_log.load_recent(10 * CALLERS)
    finally:
        demo.cancel()
        with pytest.raises(asyncio.CancelledError):
            await demo

    assert len(calls) >= CALLERS
    answered = [c for c in calls if c["answered_at"] is not None]
    abandoned = [c for c in calls if c["state"] == "abandoned"]
    assert len(answered) + len(abandoned) == len(calls)
    assert len(answered) / len(calls) >= 0.85, (len(answered), len(abandoned))
    national = [c for c in calls if c["queue"] == "national"]
    assert len(national) >= 4
    answered_national = [c for c in national if c["answered_at"] is not None]
    assert len(answered_national) / len(national) >= 0.75, (len(answered_national),
                                                            len(national))
