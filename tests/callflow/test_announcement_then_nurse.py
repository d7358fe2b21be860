"""A nurse who answers while the caller hears their place is joined with them at once.

Asterisk (and the simulator, as it does) runs a channel's bridge moves only after the
media playing to it has ended: the call flow must stop the announcement first, or a
nurse whose phone gives up before the announcement ends is never joined with the caller.
"""

from __future__ import annotations

from contactcenter.calls.model import CallEventType
from tests.support.system import System, eventually


async def test_nurse_answering_during_the_position_announcement_is_joined_at_once(
    system: System,
) -> None:
    await system.add_nurse("ssk-01-1", "01", ready=False)
    # The phone answers at once and hangs up 0.4 s later unless joined with the caller
    # before: sooner than "you are next" (1.3 s) ends.
    phone = await system.sim.add_phone("PJSIP/ssk-01-1", answer_delay=0.02, hang_up_after=0.4)
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    await eventually(lambda: any(pb.target_uri == f"channel:{caller.channel_id}"
                                 for pb in system.sim.switch.playbacks.values()),
                     what="the announcement playing")
    await system.services.queues.set_nurse_state("ssk-01-1", "ready")

    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value in ("connected", "ended") and r, what="joined")
    await system.services.call_log.flush()
    kinds = [e.type for e in await system.services.call_log.events_of(record.call_id)]
    assert CallEventType.ANNOUNCED in kinds
    assert CallEventType.OFFER_FAILED not in kinds, kinds
    assert kinds.count(CallEventType.OFFERED) == 1, kinds
    assert CallEventType.ANSWERED in kinds, kinds
    assert phone.calls == 1
