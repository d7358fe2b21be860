"""The service at the speed of a real shift, for the console's tests: a nurse's phone rings
for 30 s and the wrap-up lasts a minute (the suite's default system hurries both, so a
phone answered by hand would stop ringing before a browser could press Svara)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.system import System, running_system


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    async with running_system(tmp_path, speed=1.0, **{
            "callflow.nurse_originate_timeout_seconds": 30,
            "callflow.wrapup_seconds": 60}) as running:
        yield running
