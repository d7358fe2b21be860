"""`radgivning demo` as a new user runs it: a real process, simulated callers, answered calls,
sample bulletins marked as fictional."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from pathlib import Path

import aiohttp

from tests.support.system import eventually

REPO = Path(__file__).resolve().parents[2]


async def test_demo_command_prints_its_url_and_logins_and_answers_simulated_calls(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    env = dict(os.environ,
               RADGIVNING_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
               RADGIVNING_DEMO__ANSWER_DELAY_SECONDS="0.5",
               RADGIVNING_DEMO__TALK_SECONDS_MIN="2",
               RADGIVNING_DEMO__TALK_SECONDS_MAX="4",
               RADGIVNING_CALLFLOW__WRAPUP_SECONDS="1")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "contactcenter", "--config-dir", str(config),
        "demo", "--port", "0", "--speed", "10", "--rate", "30",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=tmp_path, env=env)
    assert proc.stdout is not None
    banner: list[str] = []
    try:
        url = None
        async with asyncio.timeout(60):
            while url is None:
                line = (await proc.stdout.readline()).decode()
                assert line, "demo exited before printing its URL:\n" + "".join(banner)
                banner.append(line)
                if m := re.search(r"open\s+(http://\S+)", line):
                    url = m.group(1).rstrip("/")
        async with asyncio.timeout(10):
            while not any("Ctrl-C" in b for b in banner):
                banner.append((await proc.stdout.readline()).decode())
        text = "".join(banner)
        for user in ("sjukskoterska", "handledare", "regionadmin", "redaktor", "granskare",
                     "bemanning"):
            assert user in text
        drain = asyncio.get_running_loop().create_task(_drain(proc.stdout))
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post(f"{url}/login",
                                 json={"username": "handledare", "password": "demo"}) as resp:
                assert resp.status == 200
            async with http.get(f"{url}/api/v1/bulletins") as resp:
                samples = (await resp.json())["bulletins"]
            assert samples, "the demo's sample bulletin of the first region"
            assert all("Fiktivt demoinnehåll" in b["text"] for b in samples)

            async def answered() -> bool:
                async with http.get(f"{url}/api/v1/calls?scope=recent&limit=200") as resp:
                    body = await resp.json()
                    assert resp.status == 200, body
                    calls = body["calls"]
                return any(c["answered_at"] for c in calls)

            await eventually(answered, timeout=60, what="a simulated call answered by a nurse")
        drain.cancel()
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 20)
    assert proc.returncode is not None


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass
