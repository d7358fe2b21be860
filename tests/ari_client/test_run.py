"""client.run(): the events WebSocket against the fake server, over a real socket."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections import defaultdict

import pytest

from ari import AriClient, AriEvent, AriSnapshot, UnknownEvent
from ari import events as ari_events
from ari.event_stream import reconnect_delay
from tests.ari_client import recorded
from tests.ari_client.fake_ari import APP, PASSWORD, USERNAME, FakeAri, free_port
from tests.ari_client.helpers import Recorder, ReplacedRecorder, make_client, start_run, stop_run
from tests.ari_client.recorded import expected_key


def channel_dict(channel_id: str) -> dict:
    raw = dict(recorded.first_body("01-inbound-ivr-dtmf", "POST", "/channels"))
    raw["id"] = channel_id
    return raw


def bridge_dict(bridge_id: str, channels: list[str]) -> dict:
    raw = dict(recorded.first_body("03-agent-connect", "POST", "/bridges"))
    raw.update(id=bridge_id, channels=channels)
    return raw


async def test_connects_with_header_auth_and_snapshot(fake: FakeAri, client: AriClient,
                                                      recorder: Recorder) -> None:
    fake.channels = [channel_dict("caller-1"), channel_dict("pstn-1")]
    fake.bridges = [bridge_dict("bridge-hold-1", ["caller-1"])]
    fake.application["channel_ids"] = ["caller-1", "pstn-1"]
    task = await start_run(client, recorder)
    try:
        conn = await fake.wait_connects(1)
        await recorder.wait_connected(1)
        await asyncio.wait_for(client.connected.wait(), 2)
        assert client.is_connected
    finally:
        await stop_run(client, task)

    expected = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert conn.headers["Authorization"] == expected
    assert conn.path == "/ari/events"
    assert conn.query == {"app": APP, "subscribeAll": "false"}
    assert "api_key" not in conn.url and PASSWORD not in conn.url and USERNAME not in conn.url
    snapshot = recorder.snapshots[0]
    assert isinstance(snapshot, AriSnapshot)
    assert [c.id for c in snapshot.channels] == ["caller-1", "pstn-1"]
    assert [b.id for b in snapshot.bridges] == ["bridge-hold-1"]
    assert snapshot.bridges[0].channels == ("caller-1",)
    assert snapshot.application.channel_ids == ("caller-1", "pstn-1")
    got = {(r.method, r.path) for r in fake.requests}
    assert got == {("GET", "/channels"), ("GET", "/bridges"), ("GET", f"/applications/{APP}")}
    assert not client.is_connected
    assert task.done() and task.exception() is None


@pytest.mark.parametrize("name", recorded.EVENT_RECORDINGS)
async def test_recorded_events_arrive_typed_and_in_order(name: str, fake: FakeAri,
                                                         client: AriClient,
                                                         recorder: Recorder) -> None:
    raws = recorded.events(name)
    task = await start_run(client, recorder)
    try:
        await fake.wait_connects(1)
        await recorder.wait_connected()
        # ApplicationReplaced ends the connection: push it (if any) last.
        ordinary = [r for r in raws if r["type"] != "ApplicationReplaced"]
        await fake.push(*ordinary)
        await recorder.wait_events(len(ordinary))
    finally:
        await stop_run(client, task)
    assert client.events_received == len(ordinary)
    assert len(recorder.events) == len(ordinary)
    assert not any(isinstance(e, UnknownEvent) for e in recorder.events)
    # per ordering key, events are handled in the order they were sent
    sent: dict[str, list[str]] = defaultdict(list)
    handled: dict[str, list[str]] = defaultdict(list)
    for raw in ordinary:
        key = expected_key(raw)
        sent[key].append(raw["type"] + raw["timestamp"])
    for event in recorder.events:
        handled[event.ordering_key].append(event.type + event.raw["timestamp"])
    assert handled == sent


class GatedHandler(Recorder):
    """Handling of the first event of ``slow_key`` waits until ``gate`` is set."""

    def __init__(self, slow_key: str) -> None:
        super().__init__()
        self.slow_key = slow_key
        self.gate = asyncio.Event()
        self.started: list[str] = []
        self.running: dict[str, int] = defaultdict(int)
        self.max_running: dict[str, int] = defaultdict(int)

    async def on_event(self, event: AriEvent) -> None:
        key = event.ordering_key
        self.running[key] += 1
        self.max_running[key] = max(self.max_running[key], self.running[key])
        self.started.append(f"{key}:{event.raw['n']}")
        try:
            if key == self.slow_key:
                await self.gate.wait()
            else:
                await asyncio.sleep(0)
            await super().on_event(event)
        finally:
            self.running[key] -= 1


def numbered(raw: dict, channel_id: str, n: int) -> dict:
    out = dict(raw)
    out["channel"] = dict(raw["channel"], id=channel_id)
    out["n"] = n
    return out


async def test_slow_key_does_not_delay_other_keys(fake: FakeAri, client: AriClient) -> None:
    template = next(r for r in recorded.events("01-inbound-ivr-dtmf")
                    if r["type"] == "ChannelDtmfReceived")
    handler = GatedHandler(slow_key="caller-A")
    task = await start_run(client, handler)
    try:
        await fake.wait_connects(1)
        await handler.wait_connected()
        await fake.push(numbered(template, "caller-A", 1), numbered(template, "caller-A", 2),
                        numbered(template, "caller-B", 1), numbered(template, "caller-A", 3),
                        numbered(template, "caller-B", 2), numbered(template, "caller-C", 1))
        # B and C are handled completely while A's first event is still blocked
        await handler.wait(lambda: sum(1 for e in handler.events
                                       if e.ordering_key != "caller-A") == 3)
        assert [e for e in handler.events if e.ordering_key == "caller-A"] == []
        assert [s for s in handler.started if s.startswith("caller-A")] == ["caller-A:1"]
        assert client.active_keys == 1
        handler.gate.set()
        await handler.wait_events(6)
    finally:
        await stop_run(client, task)
    a = [e.raw["n"] for e in handler.events if e.ordering_key == "caller-A"]
    b = [e.raw["n"] for e in handler.events if e.ordering_key == "caller-B"]
    assert a == [1, 2, 3] and b == [1, 2]
    assert max(handler.max_running.values()) == 1, "one event at a time per key"


async def test_many_keys_run_concurrently_and_workers_are_torn_down(
        fake: FakeAri, client: AriClient) -> None:
    """With a handler that sleeps, 1050 load-burst events over 100 channels finish quickly."""
    raws = recorded.load_burst_events()
    handled: dict[str, list[int]] = defaultdict(list)
    concurrency = {"now": 0, "max": 0}
    done = asyncio.Event()

    class Sleepy(Recorder):
        async def on_event(self, event: AriEvent) -> None:
            concurrency["now"] += 1
            concurrency["max"] = max(concurrency["max"], concurrency["now"])
            await asyncio.sleep(0.005)
            concurrency["now"] -= 1
            handled[event.ordering_key].append(event.raw["seq_no"])
            if sum(map(len, handled.values())) == len(raws):
                done.set()

    for i, raw in enumerate(raws):
        raw["seq_no"] = i
    handler = Sleepy()
    task = await start_run(client, handler)
    try:
        await fake.wait_connects(1)
        await handler.wait_connected()
        tasks_before = len(asyncio.all_tasks())
        await fake.push(*raws)
        await asyncio.wait_for(done.wait(), 10)
        # workers are gone once their queues drain
        for _ in range(50):
            if client.active_keys == 0:
                break
            await asyncio.sleep(0.01)
        assert client.active_keys == 0
        assert client._events.dispatcher is not None and not client._events.dispatcher._workers
        assert len(asyncio.all_tasks()) <= tasks_before
    finally:
        await stop_run(client, task)
    assert concurrency["max"] > 10, "different keys ran concurrently"
    expected: dict[str, list[int]] = defaultdict(list)
    for raw in raws:
        expected[expected_key(raw)].append(raw["seq_no"])
    assert handled == expected


async def test_handler_exception_is_logged_and_loop_continues(
        fake: FakeAri, client: AriClient, caplog: pytest.LogCaptureFixture) -> None:
    class Failing(Recorder):
        async def on_event(self, event: AriEvent) -> None:
            if isinstance(event, ari_events.ChannelDtmfReceived):
                raise RuntimeError("boom in handler")  # noqa: TRY004 — any error will do
            await super().on_event(event)

    raws = recorded.events("01-inbound-ivr-dtmf")
    handler = Failing()
    caplog.set_level(logging.ERROR, logger="ari")
    task = await start_run(client, handler)
    try:
        await fake.wait_connects(1)
        await handler.wait_connected()
        await fake.push(*raws)
        dtmf = sum(1 for r in raws if r["type"] == "ChannelDtmfReceived")
        await handler.wait_events(len(raws) - dtmf)
        for _ in range(100):
            if client.handler_errors == dtmf:
                break
            await asyncio.sleep(0.01)
    finally:
        await stop_run(client, task)
    assert client.handler_errors == dtmf == 2
    failures = [r for r in caplog.records if "handler failed" in r.getMessage()]
    assert len(failures) == 2
    assert "ChannelDtmfReceived" in failures[0].getMessage()
    assert '"digit": "1"' in failures[0].getMessage()
    assert failures[0].exc_info is not None
    assert handler.events[-1].type == raws[-1]["type"]


async def test_events_during_on_connected_are_held(fake: FakeAri, client: AriClient) -> None:
    raws = recorded.events("01-inbound-ivr-dtmf")[:3]
    fake.on_connect_events = raws  # the server sends them right after the handshake

    class SlowRebuild(Recorder):
        received_during_rebuild = -1

        async def on_connected(self, snapshot: AriSnapshot) -> None:
            for _ in range(200):
                if client.events_received >= len(raws):
                    break
                await asyncio.sleep(0.01)
            self.received_during_rebuild = client.events_received
            self.events_seen_during_rebuild = len(self.events)
            await super().on_connected(snapshot)

    handler = SlowRebuild()
    task = await start_run(client, handler)
    try:
        await handler.wait_events(len(raws))
    finally:
        await stop_run(client, task)
    assert handler.received_during_rebuild == len(raws)
    assert handler.events_seen_during_rebuild == 0
    assert handler.log[0] == "connected"
    assert [e.type for e in handler.events] == [r["type"] for r in raws]


async def test_reconnect_after_server_drops_socket(fake: FakeAri, client: AriClient,
                                                   recorder: Recorder,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ari")
    raws = recorded.events("07-ws-reconnect")
    fake.channels = [channel_dict("caller-1"), channel_dict("pstn-1")]
    fake.bridges = [bridge_dict("bridge-hold-1", ["caller-1"])]
    task = await start_run(client, recorder)
    try:
        await fake.wait_connects(1)
        await recorder.wait_connected(1)
        before_drop = [r for r in raws if r["type"] != "ChannelDtmfReceived"][:13]
        await fake.push(*before_drop)
        await recorder.wait_events(len(before_drop))

        fake.channels = [channel_dict("caller-1")]  # what Asterisk has after the gap
        await fake.drop()
        await recorder.wait(lambda: "disconnected" in recorder.log)
        await fake.wait_connects(2)
        await recorder.wait_connected(2)
        assert client.reconnects == 1

        dtmf = next(r for r in raws if r["type"] == "ChannelDtmfReceived")
        await fake.push(dtmf)
        await recorder.wait_events(len(before_drop) + 1)
    finally:
        await stop_run(client, task)
    assert [c.id for c in recorder.snapshots[0].channels] == ["caller-1", "pstn-1"]
    assert [c.id for c in recorder.snapshots[1].channels] == ["caller-1"]
    assert recorder.log.count("connected") == 2
    assert recorder.log.index("disconnected") < len(recorder.log) - 1
    assert recorder.log[recorder.log.index("disconnected") + 1] == "connected"
    assert isinstance(recorder.events[-1], ari_events.ChannelDtmfReceived)
    assert len(fake.received("GET", "/channels")) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert any("reconnecting in" in m for m in messages)
    assert any("attempt 2" in m for m in messages)


async def test_dropping_the_events_socket_on_purpose_reconnects_with_a_new_snapshot(
        fake: FakeAri, client: AriClient, recorder: Recorder) -> None:
    assert not await client.drop_events()  # nothing to drop before run connects
    task = await start_run(client, recorder)
    try:
        await recorder.wait_connected(1)
        assert await client.drop_events()
        await recorder.wait(lambda: "disconnected" in recorder.log)
        await fake.wait_connects(2)
        await recorder.wait_connected(2)
    finally:
        await stop_run(client, task)
    assert client.reconnects == 1
    assert len(recorder.snapshots) == 2


async def test_refused_connection_retries_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing listens at first: attempts are logged with growing delays until a server is up."""
    caplog.set_level(logging.INFO, logger="ari")
    port = free_port()
    client = make_client(f"http://127.0.0.1:{port}/ari", reconnect_min=0.02, reconnect_max=0.1)
    recorder = Recorder()
    await client.start()
    task = await start_run(client, recorder)
    fake = FakeAri(port=port)
    try:
        for _ in range(300):
            if client.connect_failures >= 3:
                break
            await asyncio.sleep(0.01)
        assert client.connect_failures >= 3
        assert not client.is_connected
        await fake.start()
        await recorder.wait_connected(1)
    finally:
        await stop_run(client, task)
        await fake.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("cannot connect" in m for m in messages) >= 3
    assert any("attempt 3" in m for m in messages)
    assert client.reconnects == 0  # the first successful connection is not a reconnect


async def test_handshake_refusal_retries(fake: FakeAri, recorder: Recorder,
                                         caplog: pytest.LogCaptureFixture) -> None:
    fake.ws_refuse = 503
    client = make_client(fake.base_url)
    await client.start()
    task = await start_run(client, recorder)
    try:
        for _ in range(300):
            if client.connect_failures >= 2:
                break
            await asyncio.sleep(0.01)
        assert client.connect_failures >= 2
        fake.ws_refuse = None
        await recorder.wait_connected(1)
    finally:
        await stop_run(client, task)
    assert any("HTTP 503" in r.getMessage() for r in caplog.records)


def test_backoff_grows_with_jitter_and_stays_within_bounds() -> None:
    delays = [[reconnect_delay(n, 0.5, 30.0) for _ in range(200)] for n in range(1, 12)]
    for n, values in enumerate(delays, start=1):
        assert all(0.5 <= d <= 30.0 for d in values)
        base = min(30.0, 0.5 * 2 ** (n - 1))
        assert min(values) >= base - 1e-9 or base == 30.0
        if base < 30.0:
            assert len(set(values)) > 1, "jitter"
    assert max(delays[0]) <= 0.75
    assert min(delays[-1]) == pytest.approx(30.0)


async def test_backoff_resets_after_a_healthy_connection(fake: FakeAri,
                                                         recorder: Recorder) -> None:
    client = make_client(fake.base_url, reconnect_min=0.05, reconnect_max=5.0,
                         healthy_after=0.0)
    await client.start()
    task = await start_run(client, recorder)
    try:
        for i in range(1, 5):
            await fake.wait_connects(i)
            await recorder.wait_connected(i)
            await fake.drop()
        await fake.wait_connects(5, timeout=1.0)  # 4 quick reconnects: no growth to seconds
    finally:
        await stop_run(client, task)
    assert client.reconnects >= 4


async def test_application_replaced(fake: FakeAri, client: AriClient,
                                    caplog: pytest.LogCaptureFixture) -> None:
    replaced = next(r for r in recorded.events("08-application-replaced")
                    if r["type"] == "ApplicationReplaced")
    client.reconnect_max = 0.6
    handler = ReplacedRecorder()
    task = await start_run(client, handler)
    try:
        first = await fake.wait_connects(1)
        await handler.wait_connected(1)
        loop = asyncio.get_running_loop()
        await fake.push(replaced)
        await handler.wait(lambda: "replaced" in handler.log)
        t_replaced = loop.time()
        await asyncio.wait_for(first.closed.wait(), 2)  # this instance let go of its socket
        await handler.wait(lambda: "disconnected" in handler.log)
        assert not client.is_connected
        await asyncio.sleep(0.3)
        assert len(fake.ws_connects) == 1, "no tight reconnect loop"
        await fake.wait_connects(2, timeout=3)
        waited = loop.time() - t_replaced
        await handler.wait_connected(2)
    finally:
        await stop_run(client, task)
    assert waited >= 0.55
    assert isinstance(handler.replaced[0], ari_events.ApplicationReplaced)
    assert handler.events == []  # went to on_application_replaced, not on_event
    assert handler.log[:3] == ["connected", "replaced", "disconnected"]
    assert any("ApplicationReplaced" in r.getMessage() for r in caplog.records)


async def test_application_replaced_without_callback_goes_to_on_event(
        fake: FakeAri, client: AriClient, recorder: Recorder) -> None:
    replaced = next(r for r in recorded.events("08-application-replaced")
                    if r["type"] == "ApplicationReplaced")
    client.reconnect_max = 5.0
    task = await start_run(client, recorder)
    try:
        first = await fake.wait_connects(1)
        await recorder.wait_connected(1)
        await fake.push(replaced)
        await recorder.wait_events(1)
        await asyncio.wait_for(first.closed.wait(), 2)
    finally:
        await stop_run(client, task)  # close() also ends the wait before reconnecting
    assert isinstance(recorder.events[0], ari_events.ApplicationReplaced)
    assert len(fake.ws_connects) == 1


async def test_snapshot_failure_reconnects(fake: FakeAri, client: AriClient,
                                           recorder: Recorder) -> None:
    fake.respond("GET", "/bridges", 500, {"message": "oops"})
    task = await start_run(client, recorder)
    try:
        await fake.wait_connects(2)
        assert recorder.snapshots == []
        del fake.overrides[("GET", "/bridges")]
        await recorder.wait_connected(1)
    finally:
        await stop_run(client, task)
    assert "disconnected" not in recorder.log


async def test_close_stops_run_and_async_context(fake: FakeAri) -> None:
    recorder = Recorder()
    async with make_client(fake.base_url) as client:
        task = await start_run(client, recorder)
        await recorder.wait_connected(1)
    await asyncio.wait_for(task, 2)
    conn = fake.ws_connects[0]
    await asyncio.wait_for(conn.closed.wait(), 2)
    assert not client.is_connected


async def test_run_twice_is_an_error(fake: FakeAri, client: AriClient,
                                     recorder: Recorder) -> None:
    task = await start_run(client, recorder)
    try:
        await recorder.wait_connected(1)
        with pytest.raises(RuntimeError):
            await client.run(recorder)
    finally:
        await stop_run(client, task)


async def test_non_json_messages_are_skipped(fake: FakeAri, client: AriClient,
                                             recorder: Recorder) -> None:
    raws = recorded.events("01-inbound-ivr-dtmf")[:2]
    task = await start_run(client, recorder)
    try:
        await fake.wait_connects(1)
        await recorder.wait_connected(1)
        await fake.push("not json", "[1, 2]", raws[0], raws[1])
        await recorder.wait_events(2)
    finally:
        await stop_run(client, task)
    assert [e.type for e in recorder.events] == [r["type"] for r in raws]
    assert client.events_received == 2


async def test_dispatcher_unit_ordering_cancel_and_teardown() -> None:
    """KeyedDispatcher without a socket: order per key, a handler-internal cancel is survived."""
    from ari.dispatch import KeyedDispatcher

    seen: list[tuple[str, int]] = []

    async def handle(item: tuple[str, int]) -> None:
        key, n = item
        if n == 1 and key == "x":
            fut = asyncio.get_running_loop().create_future()
            fut.cancel()
            await fut  # raises CancelledError inside the handler only
        await asyncio.sleep(0.001 if key == "x" else 0)
        seen.append(item)

    d = KeyedDispatcher(handle)
    for n in range(5):
        d.submit("x", ("x", n))
        d.submit("y", ("y", n))
    assert d.active_keys == 2 and d.pending == 10  # workers start on the next loop turn
    await asyncio.wait_for(d.join(), 2)
    assert [n for k, n in seen if k == "x"] == [0, 2, 3, 4]
    assert [n for k, n in seen if k == "y"] == [0, 1, 2, 3, 4]
    assert d.errors == 1 and d.active_keys == 0 and d.dispatched == 10

    d.submit("z", ("z", 0))
    await d.cancel()
    assert d.active_keys == 0
