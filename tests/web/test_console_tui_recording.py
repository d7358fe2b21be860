"""The recorded call the terminal console's snapshots are drawn from
(``tests/nurse_console_tui/recorded_call.json``) still has the shape of what the running
service sends: the same keys in the views, the codes, the hits, the guideline and the
suggested units. A change of the console API's shape fails here until the recording is
made again."""

from __future__ import annotations

from typing import Any

from nurse_console.client import ConsoleClient
from tests.nurse_console_tui.recorded import RECORDING
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)
from tests.web.test_console_tui import until_offered


def paths(value: Any, prefix: str = "") -> set[str]:
    """The key paths of ``value`` (dicts all the way down; a list by its first item)."""
    if isinstance(value, dict):
        out = set()
        for key, item in value.items():
            out.add(prefix + key)
            if key not in ("phase_seconds", "phase_durations"):  # keyed by phase so far
                out |= paths(item, prefix + key + ".")
        return out
    if isinstance(value, list) and value:
        return paths(value[0], prefix + "[].")
    return set()


async def test_the_recorded_call_has_the_shape_of_the_services_answers(
    web_system: WebSystem,
) -> None:
    from referral_catalog.demo_fill import fill_demo_catalog

    services = web_system.system.services
    await services.catalog.start()
    await fill_demo_catalog(services.catalog, regions=["01"], units_total=200,
                            reference_date=services.clock().date(),
                            config_dir=services.settings.config_dir)
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska",
                                      ready=True, behaviour="manual")
    async with ConsoleClient(web_system.base_url) as client:
        await client.login("sjukskoterska", "demo")
        await web_system.system.sim.add_caller(number="+46701234567", municipality="0180",
                                               talk=None)
        await until_offered(client)
        await client.answer()
        hits = await client.search("feber", 4.5)
        guideline = await client.open_guideline(hits[0]["guideline_id"])
        await client.criteria(guideline["guideline_id"], ["dygn-1"])
        await client.decision(urgency="INOM_NAGRA_TIMMAR", care_type="JOURMOTTAGNING",
                              deviation_reason="PATIENT_PREFERENCE", deviation_text="x")
        units = await client.referrals()
        view = await client.referral(units[0]["hsa_id"])
        codes = await client._request("GET", "/codes")

    recorded = RECORDING["views"]["atgard"]
    assert paths(view) == paths(recorded)
    assert set(codes) == set(RECORDING["codes"])
    assert paths(hits) == paths(RECORDING["hits"])
    assert paths(guideline) == paths(RECORDING["guideline"])
    assert paths(units) == paths(RECORDING["units"])
