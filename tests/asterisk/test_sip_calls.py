"""SIP callers and SIP nurse phones through the service on a real Asterisk: a nurse who
does not answer, and the service restarted while a caller waits."""

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
    pytest.mark.timeout(180),
]

NURSES = [DemoNurse(f"ssk-01-{i + 1}", f"Test {i + 1}", "01", sipp.nurse_endpoint(i), None)
          for i in range(2)]


def waiting(services):  # type: ignore[no-untyped-def]
    return next(iter(records(services, lambda r: r.state.value == "queued")), None)


async def kinds_of(services, call_id: str) -> list[CallEventType]:  # type: ignore[no-untyped-def]
    await services.call_log.flush()
    return [e.type for e in await services.call_log.events_of(call_id)]


async def test_nurse_not_answering_is_given_up_and_the_next_nurse_takes_the_call(
        tmp_path: Path) -> None:
    silent = await sipp.nurse_phone_not_answering(0)
    answering = await sipp.nurse_phone(1, 1000)
    caller = None
    try:
        async with service(tmp_path, NURSES, **{
                "callflow.wrapup_seconds": 0,
                "callflow.nurse_originate_timeout_seconds": 3}) as services:
            await services.queues.set_nurse_state("ssk-01-1", "ready")
            caller = await sipp.callers(1, 1.0)
            record = await eventually(lambda: waiting(services), timeout=30, what="queued")
            await eventually(lambda: services.queues.nurse_state("ssk-01-1") != "ready",
                             timeout=30, what="offered to the nurse who does not answer")

            async def offer_failed() -> bool:
                return CallEventType.OFFER_FAILED in await kinds_of(services, record.call_id)
            await eventually(offer_failed, timeout=30, what="the unanswered offer given up")
            await services.queues.set_nurse_state("ssk-01-2", "ready")
            code, output = await caller.wait(timeout=60)
            kinds = await kinds_of(services, record.call_id)
            assert CallEventType.ANSWERED in kinds, kinds
            assert (records(services, lambda r: r.call_id == record.call_id)[0].nurse_id
                    == "ssk-01-2")
            assert code == 0, output[-2000:]
    finally:
        for phone in (silent, answering, caller):
            if phone is not None:
                await phone.stop()


async def test_service_restarted_while_a_caller_waits_still_connects_them(
        tmp_path: Path) -> None:
    phone = await sipp.nurse_phone(0, 1000)
    caller = await sipp.callers(1, 1.0)
    try:
        async with service(tmp_path, NURSES[:1], **{"callflow.wrapup_seconds": 0}) as first:
            record = await eventually(lambda: waiting(first), timeout=30, what="queued")
        # The service is gone; Asterisk keeps the caller (in the holding bridge).
        async with service(tmp_path, NURSES[:1], **{"callflow.wrapup_seconds": 0}) as second:
            await eventually(lambda: records(second, lambda r: r.call_id == record.call_id),
                             timeout=30, what="the waiting call adopted after the restart")
            await second.queues.set_nurse_state("ssk-01-1", "ready")
            code, output = await caller.wait(timeout=60)
            assert CallEventType.ANSWERED in await kinds_of(second, record.call_id)
            assert code == 0, output[-2000:]
    finally:
        await caller.stop()
        await phone.stop()


async def test_events_socket_dropped_while_a_caller_waits_is_resynced_and_they_are_connected(
        tmp_path: Path) -> None:
    phone = await sipp.nurse_phone(0, 1000)
    caller = await sipp.callers(1, 1.0)
    try:
        async with service(tmp_path, NURSES[:1], **{"callflow.wrapup_seconds": 0}) as services:
            record = await eventually(lambda: waiting(services), timeout=30, what="queued")
            reconnects = services.ari.reconnects
            assert await services.ari.drop_events()  # the events socket closed under it
            await eventually(lambda: services.ari.reconnects > reconnects, timeout=30,
                             what="the events socket reconnected")
            await eventually(services.ari_connected, what="service connected again")
            await services.queues.set_nurse_state("ssk-01-1", "ready")
            code, output = await caller.wait(timeout=60)
            assert CallEventType.ANSWERED in await kinds_of(services, record.call_id)
            assert code == 0, output[-2000:]
    finally:
        await caller.stop()
        await phone.stop()
