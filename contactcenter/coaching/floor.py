"""The live calls as coaching sees them (an adapter on the call flow and the queue engine)."""

from __future__ import annotations

from contactcenter.callflow.controller import CallFlow
from contactcenter.coaching.service import OnCall
from queues.service import QueueService


class LiveFloor:
    """Coaching's :class:`~contactcenter.coaching.service.Floor` on this instance's calls.

    The nurse's region decides who may coach; a call not yet with a nurse counts by the
    caller's region."""

    def __init__(self, flow: CallFlow, queues: QueueService) -> None:
        self._flow = flow
        self._queues = queues

    def call(self, call_id: str) -> OnCall | None:
        live = self._flow.calls.get(call_id)
        if live is None or live.ended:
            return None
        nurse = self._queues.nurse_info(live.nurse_id) if live.nurse_id else None
        region = nurse["region"] if nurse else live.region
        return OnCall(call_id, live.nurse_id, nurse.get("username") if nurse else None,
                      nurse["display_name"] if nurse else "", region,
                      live.connected and live.nurse_channel_id is not None)
