"""A restart while a nurse's phone rings for a call: the ringing leg is kept, not re-dialled.

Asterisk (here the simulator) keeps the originated nurse leg ringing while the service is
away. Before, the restarted service re-originated with the same channel id (409), left the
old leg ringing and counted each failed try as the nurse's miss until she was auto-paused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ari_simulator import AriSimulator
from contactcenter.db import upgrade
from tests.callflow.test_restart_while_callers_wait import restart
from tests.support.system import SPEED, System, eventually, make_settings, start_system

NURSE = "ssk-01-1"


@pytest.fixture
async def long_ringing(tmp_path: Path) -> AsyncIterator[System]:
    """A system whose nurse phones ring for ten minutes (simulated) before Asterisk gives up,
    so a restart certainly happens within the ring time."""
    settings = make_settings(tmp_path, **{"callflow.nurse_originate_timeout_seconds": 600,
                                          "callflow.max_unanswered_offers": 2})
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    services = await start_system(settings, sim)
    system = System(sim, services, settings)
    try:
        yield system
    finally:
        await system.services.stop()
        await sim.stop()


def _live_legs(system: System, call_id: str) -> list[str]:
    return sorted(c.id for c in system.sim.switch.channels.values()
                  if not c.gone and c.id.startswith(f"nurse-{call_id}-"))


def _ringing_leg(system: System, call_id: str) -> str | None:
    """The nurse leg this instance waits on for the call, once it rings on Asterisk."""
    call = system.services.flow.calls.get(call_id)
    entry = system.services.queues.engine.call(call_id)
    leg = call.nurse_channel_id if call is not None else None
    if entry is None or entry.status != "offered" or leg not in _live_legs(system, call_id):
        return None
    return leg


async def test_a_restart_while_the_nurse_phone_rings_keeps_ringing_that_leg_and_is_no_miss(
    long_ringing: System,
) -> None:
    system = long_ringing
    await system.add_nurse(NURSE, "01", behaviour="no_answer")
    caller = await system.sim.add_caller(number="+46812345678", patience=None, talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "offered" and r, what="offered")
    await eventually(lambda: _ringing_leg(system, record.call_id), what="the phone rings")
    await system.services.queues.flush()

    await restart(system)

    leg = await eventually(lambda: _ringing_leg(system, record.call_id),
                           what="the offer back in hand after the restart")
    await system.services.queues.flush()
    await system.services.call_log.flush()
    nurse = system.services.queues.engine.nurse(NURSE)
    assert nurse.misses == 0, "a restart is not the nurse's miss"
    assert nurse.state.value == "offered"
    assert _live_legs(system, record.call_id) == [leg], "one leg rings, the same as before"
    events = await system.services.call_log.events_of(record.call_id)
    assert not [e for e in events if e.type.value == "offer_failed"]

    system.sim.switch.answer(system.sim.switch.channels[leg])  # the nurse picks up

    connected = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                                 and r.state.value == "connected" and r, what="connected")
    assert connected.nurse_id == NURSE
    assert system.sim.caller(caller.caller_id).status == "bridged"
    assert _live_legs(system, record.call_id) == [leg]


async def test_a_nurse_leg_that_ended_during_a_restart_returns_the_call_without_a_miss(
    long_ringing: System,
) -> None:
    system = long_ringing
    await system.add_nurse(NURSE, "01", behaviour="no_answer")
    caller = await system.sim.add_caller(number="+46812345678", patience=None, talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "offered" and r, what="offered")
    old = await eventually(lambda: _ringing_leg(system, record.call_id), what="the phone rings")
    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    system.sim.switch.hangup(system.sim.switch.channels[old], 21, "remote")  # she declined
    system.services = await start_system(system.settings, system.sim)

    new = await eventually(lambda: _ringing_leg(system, record.call_id),
                           what="the call offered again")  # the old leg is gone: a new one
    await system.services.queues.flush()
    nurse = system.services.queues.engine.nurse(NURSE)
    assert nurse.misses == 0, "what happened while the service was away is not her miss"
    assert nurse.state.value == "offered"
    assert _live_legs(system, record.call_id) == [new]
