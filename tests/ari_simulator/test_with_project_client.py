"""The project's own ARI client (ari) against the simulator."""
from __future__ import annotations

import asyncio
from typing import Any

from ari.client import AriClient, AriSnapshot
from ari.events import AriEvent, UnknownEvent
from ari_simulator import AriSimulator


class Recorder:
    """Handler that answers every inbound call, bridges it with a nurse phone."""

    def __init__(self, client: AriClient) -> None:
        self.client = client
        self.events: list[AriEvent] = []
        self.snapshots: list[AriSnapshot] = []
        self.bridged = asyncio.Event()
        self.finished = asyncio.Event()

    async def on_connected(self, snapshot: AriSnapshot) -> None:
        self.snapshots.append(snapshot)

    async def on_event(self, event: AriEvent) -> None:
        self.events.append(event)
        raw: Any = getattr(event, "channel", None)
        if event.type == "StasisStart" and raw is not None:
            args = list(getattr(event, "args", ()))
            if args == ["1177"]:
                await self.client.channels.answer(raw.id)
                await self.client.channels.originate("PJSIP/ssk-01-1", app_args=["nurse", raw.id],
                                                     channel_id="nurse-" + raw.id)
            elif args[:1] == ["nurse"]:
                bridge = await self.client.bridges.create(type="mixing", bridge_id="b-" + args[1])
                await self.client.bridges.add_channel(bridge.id, [args[1], raw.id])
                self.bridged.set()
        if event.type == "ChannelDestroyed":
            self.finished.set()


async def test_project_client_runs_a_call_through_the_simulator() -> None:
    sim = AriSimulator(username="radgivning", password="pw", speed=50.0)
    await sim.start()
    client = AriClient(base_url=sim.ari_url, username="radgivning", password="pw",
                       app="contactcenter", reconnect_min=0.05, reconnect_max=0.1)
    handler = Recorder(client)
    runner = asyncio.get_running_loop().create_task(client.run(handler))
    try:
        await asyncio.wait_for(client.connected.wait(), 5)
        assert handler.snapshots[0].application.name == "contactcenter"
        await sim.add_phone("PJSIP/ssk-01-1", answer_delay=0.2, talk=3.0)
        handle = await sim.add_caller(number="+46701234567", municipality="0180", patience=None)
        await asyncio.wait_for(handler.bridged.wait(), 5)
        await asyncio.wait_for(handler.finished.wait(), 5)
        caller = sim.caller(handle.caller_id)
        for _ in range(200):
            if caller.status == "hung_up":
                break
            await asyncio.sleep(0.01)
        # The nurse phone hung up after its talk time; the caller followed.
        assert (caller.status, caller.hung_up_by) == ("hung_up", "nurse")
        unknown = [e for e in handler.events if isinstance(e, UnknownEvent)]
        assert unknown == [], [e.type for e in unknown]
        types = [e.type for e in handler.events]
        assert types.count("StasisStart") == 2 and "ChannelEnteredBridge" in types
    finally:
        await client.close()
        await asyncio.wait_for(runner, 5)
        await sim.stop()
