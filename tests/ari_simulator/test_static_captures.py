"""The static captures of the recorded Asterisk (tests/fixtures/ari/*.json)
against the same GETs on the simulator: status and key structure."""
from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import Ari
from .replay import FIXTURES, shape


def capture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


async def test_asterisk_info_sound_and_endpoints_have_the_recorded_shape(ari: Ari) -> None:
    await ari.sim.add_phone("PJSIP/agent-sipp")
    for path, name in (("/asterisk/info", "asterisk-info.json"),
                       ("/sounds/hello-world", "sounds-hello-world.json"),
                       ("/endpoints", "endpoints.json")):
        status, body = await ari.call("GET", path)
        assert status == 200, path
        assert shape(body) == shape(capture(name)), path
    status, sounds = await ari.call("GET", "/sounds")
    assert status == 200 and shape(sounds[0]) == shape(capture("sounds.json")[0])
    recorded_ids = {s["id"] for s in capture("sounds.json")}
    assert recorded_ids <= {s["id"] for s in sounds}


@pytest.mark.parametrize("path", ["/asterisk/ping", "/endpoints/PJSIP",
                                  "/endpoints/PJSIP/agent-sipp", "/applications",
                                  "/asterisk/variable?variable=ASTETCDIR", "/deviceStates",
                                  "/recordings/stored"])
async def test_misc_gets_match_the_capture(ari: Ari, path: str) -> None:
    await ari.sim.add_phone("PJSIP/agent-sipp")
    recorded = capture("misc-gets.json")[path]
    route, _, query = path.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
    status, body = await ari.call("GET", route, **params)
    assert status == recorded["status"]
    assert shape(body) == shape(recorded["body"])
