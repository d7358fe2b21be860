"""Record a scenario from a real Asterisk into tests/fixtures/ari/:

    python -m tests.ari_conformance.record channel-edges [--out PATH]

Uses ``RADGIVNING_TEST_ARI_URL``, ``RADGIVNING_TEST_ARI_USERNAME`` and
``RADGIVNING_TEST_ARI_PASSWORD`` (as the real-Asterisk tier). The file is named
``NN-SCENARIO.jsonl`` after the recordings already there unless ``--out`` is given.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from .recorder import Recorder
from .scenarios import SCENARIOS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ari"


def default_path(name: str) -> Path:
    numbers = [int(p.name[:2]) for p in FIXTURES.glob("[0-9][0-9]-*.jsonl")]
    existing = [p for p in FIXTURES.glob(f"[0-9][0-9]-{name}.jsonl")]
    if existing:
        return existing[0]
    return FIXTURES / f"{max(numbers, default=0) + 1:02d}-{name}.jsonl"


async def record(name: str, out: Path) -> None:
    url = os.environ.get("RADGIVNING_TEST_ARI_URL")
    if not url:
        sys.exit("set RADGIVNING_TEST_ARI_URL (and _USERNAME, _PASSWORD) to a real Asterisk")
    async with Recorder(url, os.environ.get("RADGIVNING_TEST_ARI_USERNAME", "radgivning"),
                        os.environ.get("RADGIVNING_TEST_ARI_PASSWORD", "radgivning"),
                        out) as recorder:
        await SCENARIOS[name](recorder)
    print(f"{out}: {len(recorder.records)} records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    asyncio.run(record(args.scenario, args.out or default_path(args.scenario)))


if __name__ == "__main__":
    main()
