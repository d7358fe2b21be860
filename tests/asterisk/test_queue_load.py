"""The queue under load on a real Asterisk, SIP on both sides (issue 19's queue suite).

Ten SIPp nurse phones answer at once and talk for 4 s; SIPp callers arrive through the
trunk at 4 a second with their municipality in X-Municipality (region 01), more than
the nurses can take, so most of them wait in the holding bridge with music on hold
and hear their place. Every caller waits until the nurse hangs up: the service must
connect every one of them.

``RADGIVNING_TEST_QUEUE_CALLERS`` changes the number of callers (120 by default).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from contactcenter.demo import DemoNurse

from . import sipp
from .conftest import ARI_URL, records, service

CALLERS = int(os.environ.get("RADGIVNING_TEST_QUEUE_CALLERS", "120"))
RATE = 4.0
TALK_MS = 4000
NURSES = 10

pytestmark = [
    pytest.mark.asterisk,
    pytest.mark.skipif(not ARI_URL, reason="RADGIVNING_TEST_ARI_URL is not set (no real Asterisk)"),
    pytest.mark.skipif(not sipp.available(), reason="SIPp is not installed"),
    pytest.mark.timeout(600),
]


async def test_queue_of_sip_callers_all_reach_sip_nurse_phones(tmp_path: Path) -> None:
    roster = [DemoNurse(f"ssk-01-{i + 1}", f"Test {i + 1}", "01", sipp.nurse_endpoint(i), None)
              for i in range(NURSES)]
    phones = [await sipp.nurse_phone(i, TALK_MS) for i in range(NURSES)]
    try:
        async with service(tmp_path, roster, **{
                "callflow.wrapup_seconds": 0,
                "callflow.nurse_originate_timeout_seconds": 20}) as services:
            for nurse in roster:
                await services.queues.set_nurse_state(nurse.nurse_id, "ready")
            callers = await sipp.callers(CALLERS, RATE)
            code, output = await callers.wait(timeout=500)
            await asyncio.sleep(1.0)  # the last hangups reach the call log
            arrived = records(services, lambda r: r.region == "01")
            connected = [r for r in arrived if r.answered_at is not None]
            waits = sorted(services.flow.ready_to_bridged)
            summary = (f"{len(connected)} of {CALLERS} callers connected "
                       f"({len(arrived)} arrived); SIPp exit {code}; offer to bridged "
                       f"p50 {_at(waits, 0.5):.3f} s, max {_at(waits, 1.0):.3f} s")
            print(summary)
            assert len(arrived) == CALLERS, summary + "\n" + output[-3000:]
            assert len(connected) == CALLERS, summary
            assert code == 0, summary + "\n" + output[-3000:]
    finally:
        for phone in phones:
            await phone.stop()


def _at(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")
