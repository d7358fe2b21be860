"""The recorder writes transcripts the strict harness replays: recorded from the simulator
itself, a scenario replays against a fresh simulator without a difference."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ari_simulator import AriSimulator
from tests.ari_simulator.strict import StrictReplayer

from .recorder import Recorder
from .scenarios import SCENARIOS

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_a_recording_of_the_simulator_replays_on_it_exactly(name: str,
                                                                tmp_path: Path) -> None:
    sim = AriSimulator(username="rec", password="rec-pw")
    await sim.start()
    out = tmp_path / f"{name}.jsonl"
    try:
        async with Recorder(f"{sim.ari_url}/ari", "rec", "rec-pw", out) as recorder:
            await SCENARIOS[name](recorder)
    finally:
        await sim.stop()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = {r["kind"] for r in records}
    assert {"note", "ws_connect", "ws_event", "http_request", "http_response"} <= kinds
    assert all(r["seq"] == i for i, r in enumerate(records, 1))
    replay = StrictReplayer(records)
    await replay.run()
    assert not replay.problems, "\n".join(replay.problems[:20])
