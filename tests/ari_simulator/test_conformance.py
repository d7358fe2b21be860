"""Conformance: every recorded transcript replayed against the simulator."""
from __future__ import annotations

import pytest

from .replay import Replayer, load, transcript_names

pytestmark = pytest.mark.timeout(120)

#: Transcripts whose behaviour cannot be driven, with the reason. Keep minimal.
SKIPS: dict[str, str] = {}


@pytest.mark.parametrize("name", transcript_names())
async def test_transcript_replays_like_asterisk(name: str) -> None:
    if name in SKIPS:
        pytest.skip(SKIPS[name])
    replay = Replayer(load(name))
    await replay.run()
    assert not replay.problems, f"{len(replay.problems)} differences:\n" + "\n".join(
        replay.problems[:40])
