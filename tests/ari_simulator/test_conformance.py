"""Conformance: every recorded transcript replayed against the simulator."""
from __future__ import annotations

import pytest

from .replay import Replayer, load, transcript_names

pytestmark = pytest.mark.timeout(120)

#: Transcripts whose behaviour cannot be driven, with the reason. Keep minimal.
SKIPS: dict[str, str] = {}


def weak_names() -> list[str]:
    """The recordings this weak replay can drive: those made as the cc user (the strict
    harness, test_strict_conformance.py, replays every one)."""
    return [n for n in transcript_names()
            if "username" not in next((r for r in load(n) if r["kind"] == "note"), {})]


@pytest.mark.parametrize("name", weak_names())
async def test_transcript_replays_like_asterisk(name: str) -> None:
    if name in SKIPS:
        pytest.skip(SKIPS[name])
    replay = Replayer(load(name))
    await replay.run()
    assert not replay.problems, f"{len(replay.problems)} differences:\n" + "\n".join(
        replay.problems[:40])
