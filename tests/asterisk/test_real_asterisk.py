"""Call-flow scenarios against a real Asterisk (opt-in tier).

Set ``RADGIVNING_TEST_ARI_URL`` (e.g. ``http://127.0.0.1:8088/ari``),
``RADGIVNING_TEST_ARI_USERNAME`` and ``RADGIVNING_TEST_ARI_PASSWORD`` for an
Asterisk configured from ``config/asterisk/`` (it needs the
``radgivning-test`` context, whose nurse extensions answer by themselves).

The test plays the caller's side through ARI itself: it originates
``Local/1177@from-pstn`` with its own application for the calling half, so
the other half enters the service's ``contactcenter`` application exactly as
a trunk call does; DTMF and hangups are sent on the calling half.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from ari import AriClient
from contactcenter.bootstrap import Services, build_services
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from tests.support.system import eventually, make_settings

ARI_URL = os.environ.get("RADGIVNING_TEST_ARI_URL")
pytestmark = [
    pytest.mark.asterisk,
    pytest.mark.skipif(not ARI_URL, reason="RADGIVNING_TEST_ARI_URL is not set (no real Asterisk)"),
]
HARNESS_APP = "radgivning-test-caller"
NURSE_ENDPOINT = "Local/nurse-auto@radgivning-test"


@pytest.fixture
async def real(tmp_path: Path) -> AsyncIterator[tuple[Services, AriClient]]:
    user = os.environ.get("RADGIVNING_TEST_ARI_USERNAME", "radgivning")
    password = os.environ.get("RADGIVNING_TEST_ARI_PASSWORD", "radgivning")
    settings = make_settings(tmp_path)
    settings = replace(settings, ari=replace(settings.ari, url=ARI_URL, username=user,
                                             password=password))
    await upgrade(settings.database.url)
    services = build_services(settings)
    await ensure_roster(services, [DemoNurse("ssk-01-1", "Test", "01", NURSE_ENDPOINT, None)])
    await services.start()
    harness = AriClient(base_url=ARI_URL, username=user, password=password, app=HARNESS_APP)
    await harness.start()
    harness_task = asyncio.get_running_loop().create_task(harness.run(_Ignore()))
    try:
        await eventually(services.ari_connected, what="service connected to Asterisk")
        yield services, harness
    finally:
        harness_task.cancel()
        await harness.close()
        await services.stop()


class _Ignore:
    async def on_event(self, event: object) -> None:
        return None

    async def on_connected(self, snapshot: object) -> None:
        return None


async def _call(harness: AriClient, number: str) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    pstn, caller = f"pstn-{suffix}", f"caller-{suffix}"
    await harness.channels.originate("Local/1177@from-pstn", app=HARNESS_APP, app_args="pstn-side",
                                     caller_id=number, channel_id=pstn, other_channel_id=caller)
    return pstn, caller


def _record(services: Services, channel_id: str):
    for r in services.call_log.live() + services.call_log.recent(500):
        if r.channel_id == channel_id:
            return r
    return None


async def test_real_asterisk_caller_with_area_code_reaches_a_nurse_and_hangs_up(real) -> None:
    services, harness = real
    await services.queues.set_nurse_state("ssk-01-1", "ready")
    pstn, caller = await _call(harness, "+46812345678")
    record = await eventually(lambda: (r := _record(services, caller)) and r.state.value == "connected"
                              and r, timeout=30, what="connected on Asterisk")
    assert record.region == "01"
    await harness.channels.hangup(pstn)
    await eventually(lambda: (r := _record(services, caller)) and r.state.value == "ended",
                     timeout=30, what="call ended on Asterisk")


async def test_real_asterisk_caller_keys_area_code_and_abandons_in_queue(real) -> None:
    services, harness = real
    pstn, caller = await _call(harness, "")
    await eventually(lambda: _record(services, caller) is not None, timeout=30, what="arrival")
    await asyncio.sleep(1.0)
    await harness.channels.send_dtmf(pstn, "031#")
    record = await eventually(lambda: (r := _record(services, caller)) and r.state.value == "queued"
                              and r, timeout=30, what="queued on Asterisk")
    assert (record.region, record.region_source) == ("14", "ivr")
    await harness.channels.hangup(pstn)
    await eventually(lambda: (r := _record(services, caller)) and r.state.value == "abandoned",
                     timeout=30, what="abandoned on Asterisk")
