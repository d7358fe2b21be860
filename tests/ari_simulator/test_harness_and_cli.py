"""The conformance harness can fail, and the simulator runs standalone."""
from __future__ import annotations

import asyncio
import sys

import aiohttp
import pytest

from ari_simulator import switch as switch_module

from .replay import FIXTURES, Replayer, load, transcript_names


def test_every_recording_is_in_the_fixtures() -> None:
    names = transcript_names()
    assert len(names) >= 17 and "14-load-burst.jsonl" in "".join(names)
    assert all((FIXTURES / n).stat().st_size > 0 for n in names)


async def test_replay_reports_a_simulator_that_deviates(monkeypatch: pytest.MonkeyPatch) -> None:
    # Break one recorded behaviour: StasisEnd never sent.
    original = switch_module.Switch.chan_event

    def broken(self, ch, type_, **fields):  # type: ignore[no-untyped-def]
        if type_ != "StasisEnd":
            original(self, ch, type_, **fields)

    monkeypatch.setattr(switch_module.Switch, "chan_event", broken)
    replay = Replayer(load("01-inbound-ivr-dtmf.jsonl"), wait=0.3)
    await replay.run()
    assert any("StasisEnd" in p for p in replay.problems)


async def test_replay_reports_a_wrong_status(monkeypatch: pytest.MonkeyPatch) -> None:
    # Break one recorded status: DELETE .../moh on a silent bridge must be 409.
    def never_fails(self, bridge, moh_class):  # type: ignore[no-untyped-def]
        bridge.moh_class = moh_class

    monkeypatch.setattr(switch_module.Switch, "bridge_moh", never_fails)
    replay = Replayer(load("02-holding-bridge-moh-announce.jsonl"), wait=0.3)
    await replay.run()
    assert any("/moh" in p and "status 204" in p and "recorded 409" in p
               for p in replay.problems)


async def test_standalone_module_serves_ari() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ari_simulator", "--port", "0", "--username", "u",
        "--password", "p", "--speed", "5", stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert "ARI simulator on http://127.0.0.1:" in line
        url = line.split(" on ", 1)[1].split("/ari", 1)[0]
        async with aiohttp.ClientSession() as session, session.get(
                f"{url}/ari/asterisk/ping", params={"api_key": "u:p"}) as resp:
            assert resp.status == 200
            assert (await resp.json())["ping"] == "pong"
    finally:
        proc.terminate()
        await proc.wait()
