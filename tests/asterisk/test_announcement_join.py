"""A caller who is being told their place is joined with the nurse who answers at once.

On a real Asterisk a playback started on a channel that is in a bridge is played by
the bridge synchronously (``res_stasis_playback.c`` ``play_uri`` queues it with
``ast_bridge_channel_queue_playfile_sync``), and the channel's later Stasis commands,
moving it into the nurse's mixing bridge among them, wait until it ends. A nurse
whose phone hangs up sooner than the announcement lasts was never joined with the
caller. The service stops the caller's announcement before it joins them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.calls.model import CallEventType
from contactcenter.demo import DemoNurse
from tests.support.system import eventually

from . import sipp
from .conftest import ARI_URL, records, service

pytestmark = [
    pytest.mark.asterisk,
    pytest.mark.skipif(not ARI_URL, reason="RADGIVNING_TEST_ARI_URL is not set (no real Asterisk)"),
    pytest.mark.skipif(not sipp.available(), reason="SIPp is not installed"),
    pytest.mark.timeout(120),
]

#: Shorter than the announcement a caller first in the queue hears ("you are next").
TALK_MS = 700


async def test_nurse_answering_during_the_announcement_is_joined_at_once(tmp_path: Path) -> None:
    nurse = DemoNurse("ssk-01-1", "Test 1", "01", sipp.nurse_endpoint(0), None)
    phone = await sipp.nurse_phone(0, TALK_MS)
    try:
        async with service(tmp_path, [nurse], **{"callflow.wrapup_seconds": 0}) as services:
            caller = await sipp.callers(1, 1.0)
            try:
                record = await eventually(
                    lambda: next(iter(records(services, lambda r: r.state.value == "queued")),
                                 None), timeout=30, what="the caller queued (and announced)")
                async def announced() -> bool:
                    await services.call_log.flush()
                    return CallEventType.ANNOUNCED in [
                        e.type for e in await services.call_log.events_of(record.call_id)]
                # The queue engine told the caller their place (the announcement plays):
                # the nurse is offered the call and their phone answers while it plays.
                await eventually(announced, timeout=30, what="the caller told their place")
                await services.queues.set_nurse_state(nurse.nurse_id, "ready")
                code, output = await caller.wait(timeout=60)
            finally:
                await caller.stop()
            await services.call_log.flush()
            kinds = [e.type for e in await services.call_log.events_of(record.call_id)]
            assert CallEventType.ANNOUNCED in kinds
            assert kinds.count(CallEventType.OFFERED) == 1, kinds
            assert CallEventType.OFFER_FAILED not in kinds, kinds
            assert CallEventType.ANSWERED in kinds, kinds
            assert code == 0, output[-2000:]
    finally:
        await phone.stop()
