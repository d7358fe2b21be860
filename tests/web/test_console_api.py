"""The console API as a nurse uses it: a whole call from ready to a signed journal entry,
and the rules of who may do what."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.support.system import eventually
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)

C = "/api/v1/console"


async def _json(resp: aiohttp.ClientResponse) -> Any:
    body = await resp.json()
    return body


async def view(web_system: WebSystem, http: aiohttp.ClientSession) -> dict[str, Any]:
    async with http.get(web_system.base_url + C) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def post(web_system: WebSystem, http: aiohttp.ClientSession, path: str,
               body: dict[str, Any] | None = None, method: str = "POST",
               status: int = 200) -> dict[str, Any]:
    async with http.request(method, web_system.base_url + C + path, json=body or {}) as resp:
        assert resp.status == status, await resp.text()
        return await resp.json()


async def a_connected_call(web_system: WebSystem, http: aiohttp.ClientSession,
                           number: str = "+46701234567") -> dict[str, Any]:
    world = web_system.system
    await world.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False,
                           answer_delay=0.3)
    await web_system.login(http, "sjukskoterska")
    v = await post(web_system, http, "/state", {"state": "ready"})
    assert v["nurse"]["state"] == "ready"
    await world.sim.add_caller(number=number, municipality="0180", talk=None)

    async def on_call() -> Any:
        v = await view(web_system, http)
        return v if v["work"] and v["work"]["status"] == "on_call" else None
    return await eventually(on_call, what="the nurse on the call")


async def test_a_nurse_takes_a_whole_call_to_a_signed_entry(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    v = await a_connected_call(web_system, http)
    work = v["work"]
    assert work["facts"]["region"] == "01"
    assert work["facts"]["region_source"] == "kommun från nätet"
    assert work["phase"] == "oppna"
    assert work["journal_entry_id"]

    v = await post(web_system, http, "/phase", {"phase": "lyssna"})
    v = await post(web_system, http, "/draft", {"draft_revision": v["work"]["draft_revision"],
                                                "fields": {"listen_summary": "Feber i två dygn",
                                                           "patient_age_years": 34}},
                   method="PUT")
    assert v["work"]["draft"]["listen_summary"] == "Feber i två dygn"
    await post(web_system, http, "/phase", {"phase": "bedoma"})
    async with http.get(web_system.base_url + C + "/search", params={"q": "feber"}) as resp:
        hits = (await resp.json())["hits"]
    assert hits and all(h["why"] for h in hits)
    g = await post(web_system, http, f"/guidelines/{hits[0]['guideline_id']}")
    criterion = g["levels"][-1]["criteria"][0]["id"]
    v = await post(web_system, http, "/criteria", {"guideline_id": g["guideline_id"],
                                                    "ticked": [criterion]})
    assert v["work"]["urgency"] == g["levels"][-1]["urgency"]
    assert v["work"]["guidelines"][0]["version"] == g["version"]
    v = await post(web_system, http, "/referral", {"self_care": True})
    v = await post(web_system, http, "/phase", {"phase": "avsluta"})
    codes = [n["code"] for n in v["work"]["nudges"]]
    assert "no_safety_net" in codes
    v = await post(web_system, http, "/draft", {
        "draft_revision": v["work"]["draft_revision"],
        "fields": {"advice_given": "Vila, drick, ring igen vid andnöd"},
        "safety_net_given": True}, method="PUT")
    assert "no_safety_net" not in [n["code"] for n in v["work"]["nudges"]]

    missing = await post(web_system, http, "/sign", status=422)
    assert missing["details"]["missing"] == ["kontaktorsak"]
    await post(web_system, http, "/contact-reason", {"code": "FEBER"})
    v = await post(web_system, http, "/sign")
    assert v["work"]["signed_at"]
    entry = await web_system.system.services.journal.get_entry(
        _journal_actor(), v["work"]["journal_entry_id"])
    assert entry.entry.status.value == "signed"
    assert entry.entry.content.notes.listen_summary == "Feber i två dygn"
    assert entry.entry.content.contact_reason.code == "FEBER"


def _journal_actor() -> Any:
    from journal.ports import Actor
    return Actor.system_actor("test")


async def test_a_stale_draft_is_a_conflict_that_returns_the_stored_text(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    v = await a_connected_call(web_system, http)
    based_on = v["work"]["draft_revision"]
    await post(web_system, http, "/draft", {"draft_revision": based_on,
                                            "fields": {"listen_summary": "från fliken A"}},
               method="PUT")
    conflict = await post(web_system, http, "/draft", {
        "draft_revision": based_on, "fields": {"listen_summary": "från fliken B"}},
        method="PUT", status=409)
    assert conflict["error_id"] == "draft_conflict"
    assert conflict["details"]["draft"]["listen_summary"] == "från fliken A"
    v = await view(web_system, http)
    assert v["work"]["draft"]["listen_summary"] == "från fliken A"


async def test_the_caller_hanging_up_keeps_the_draft_open_for_signing(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    v = await a_connected_call(web_system, http)
    await post(web_system, http, "/draft", {"draft_revision": v["work"]["draft_revision"],
                                            "fields": {"listen_summary": "ont i magen"}},
               method="PUT")
    for caller in list(web_system.system.sim.callers.values()):
        caller.hang_up()

    async def gone() -> Any:
        v = await view(web_system, http)
        return v if v["work"]["status"] == "caller_gone" else None
    v = await eventually(gone, what="the call ended in the console")
    assert v["work"]["draft"]["listen_summary"] == "ont i magen"
    assert "unsigned_after_call" in [n["code"] for n in v["work"]["nudges"]]
    v = await post(web_system, http, "/referral", {"self_care": True})
    assert v["work"]["self_care"] is True


async def test_users_who_are_not_nurses_on_the_roster_get_no_console(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "handledare")
    async with http.get(web_system.base_url + C) as resp:
        assert resp.status == 403
    async with aiohttp.ClientSession() as anonymous, \
            anonymous.get(web_system.base_url + C) as resp:
        assert resp.status == 401


async def test_a_pause_needs_one_of_the_configured_reasons(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False)
    await web_system.login(http, "sjukskoterska")
    bad = await post(web_system, http, "/state", {"state": "paused", "reason": "fika"},
                     status=400)
    assert bad["details"]["field"] == "reason"
    await post(web_system, http, "/state", {"state": "ready"})
    v = await post(web_system, http, "/state", {"state": "paused", "reason": "RAST"})
    assert v["nurse"]["state"] == "paused" and v["nurse"]["pause_reason"] == "RAST"


async def test_phase_times_of_closed_calls_reach_the_supervisor(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await a_connected_call(web_system, http)
    await post(web_system, http, "/phase", {"phase": "lyssna"})
    for caller in list(web_system.system.sim.callers.values()):
        caller.hang_up()

    async def gone() -> Any:
        return (await view(web_system, http))["work"]["status"] == "caller_gone"
    await eventually(gone, what="the call over")
    await post(web_system, http, "/state", {"state": "ready"})  # wrap-up done: work closed
    period = {"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}
    async with http.get(web_system.base_url + C + "/statistics/phases", params=period) as resp:
        assert resp.status == 403  # a nurse does not see the statistics
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as boss:
        await web_system.login(boss, "handledare")
        async with boss.get(web_system.base_url + C + "/statistics/phases",
                            params=period) as resp:
            stats = await resp.json()
    assert stats["calls"] == 1
    assert set(stats["average_seconds"]) == {"oppna", "lyssna", "bedoma", "atgard", "avsluta"}


async def test_referral_suggestions_follow_the_care_type_and_say_why(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    from referral_catalog.demo_fill import fill_demo_catalog

    services = web_system.system.services
    await services.catalog.start()
    await fill_demo_catalog(services.catalog, regions=["01"], units_total=200,
                            reference_date=services.clock().date(),
                            config_dir=services.settings.config_dir)
    v = await a_connected_call(web_system, http)
    assert v["work"]["facts"]["municipality"] == "0180"
    await post(web_system, http, "/decision", {"urgency": "INOM_NAGRA_DAGAR",
                                                "care_type": "VARDCENTRAL"})
    async with http.get(web_system.base_url + C + "/referrals") as resp:
        units = (await resp.json())["units"]
    assert units and all("VARDCENTRAL" in u["care_types"] and u["why"] for u in units)
    v = await post(web_system, http, "/referral", {"hsa_id": units[0]["hsa_id"]})
    assert v["work"]["referral"] == {"hsa_id": units[0]["hsa_id"], "unit_name": units[0]["name"],
                                     "care_type": "VARDCENTRAL"}
    assert v["work"]["given_care_type"] == "VARDCENTRAL"


async def _manual_nurse_on_a_call(web_system: WebSystem, http: aiohttp.ClientSession,
                                  number: str, talk: float | None) -> dict[str, Any]:
    async def state(expected: str) -> Any:
        v = await view(web_system, http)
        return v if v["nurse"]["state"] == expected else None
    await web_system.system.sim.add_caller(number=number, municipality="0180", talk=talk)
    await eventually(lambda: state("offered"), what="the offer")
    await post(web_system, http, "/answer")
    return await eventually(lambda: state("on_call"), what="the nurse on the call")


async def test_a_caller_stays_until_the_nurse_at_the_console_hangs_up(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False,
                                      behaviour="manual")
    await web_system.login(http, "sjukskoterska")
    await post(web_system, http, "/state", {"state": "ready"})
    await _manual_nurse_on_a_call(web_system, http, "+46701112233", talk=0.3)
    await asyncio.sleep(1.5)  # the caller's own talk time is long past
    assert (await view(web_system, http))["work"]["status"] == "on_call"
    await post(web_system, http, "/hangup")

    async def gone() -> Any:
        w = (await view(web_system, http))["work"]
        return w if w["status"] == "caller_gone" and w["end_cause"] else None
    work = await eventually(gone, what="the call ended with its cause")
    assert work["end_cause"]


async def test_an_unsigned_note_stays_reachable_after_the_next_call(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False,
                                      behaviour="manual")
    await web_system.login(http, "sjukskoterska")
    await post(web_system, http, "/state", {"state": "ready"})
    v = await _manual_nurse_on_a_call(web_system, http, "+46701112233", talk=None)
    first = v["work"]["call_id"]
    await post(web_system, http, "/draft", {"draft_revision": v["work"]["draft_revision"],
                                            "fields": {"listen_summary": "första samtalet"}},
               method="PUT")
    await post(web_system, http, "/hangup")
    await post(web_system, http, "/state", {"state": "ready"})  # not signed
    v = await _manual_nurse_on_a_call(web_system, http, "+46702223344", talk=None)
    assert [u["call_id"] for u in v["unsigned"]] == [first]
    refused = await post(web_system, http, "/resume", {"call_id": first}, status=409)
    assert refused["error_id"] == "no_call"
    await post(web_system, http, "/hangup")

    async def ended() -> Any:
        return (await view(web_system, http))["work"]["status"] == "caller_gone"
    await eventually(ended, what="the second call over")
    v = await post(web_system, http, "/resume", {"call_id": first})
    assert v["work"]["call_id"] == first
    assert v["work"]["draft"]["listen_summary"] == "första samtalet"
    assert [u["call_id"] for u in v["unsigned"]] != [first]
    other = await post(web_system, http, "/resume", {"call_id": "someone-elses"}, status=409)
    assert other["error_id"] == "no_call"


async def test_an_identity_number_that_does_not_validate_is_said_and_keeps_the_text(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    v = await a_connected_call(web_system, http)
    v = await post(web_system, http, "/draft", {
        "draft_revision": v["work"]["draft_revision"],
        "fields": {"person_kind": "personnummer", "person_number": "19121212-1213",
                   "listen_summary": "kvar"}}, method="PUT")
    assert "Identitetsnumret är inte giltigt" in v["work"]["journal_problem"]
    assert v["work"]["draft"]["person_number"] == "19121212-1213"
    refused = await post(web_system, http, "/sign", status=422)
    assert any("kontaktorsak" == m for m in refused["details"]["missing"])
    v = await post(web_system, http, "/draft", {
        "draft_revision": v["work"]["draft_revision"],
        "fields": {"person_number": "19121212-1212"}}, method="PUT")  # fictional, valid
    assert v["work"]["journal_problem"] is None


async def test_showing_a_repeat_callers_earlier_calls_is_in_the_journal_access_log(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    from sqlalchemy import select

    from journal.sql import journal_access_log

    world = web_system.system
    earlier = await world.sim.add_caller(number="+46708887766", municipality="0180",
                                         patience=0.3, talk=None)
    await eventually(lambda: (r := world.call_for_channel(earlier.channel_id))
                     and not r.state.is_live, what="the earlier call over")
    await world.services.call_log.flush()
    v = await a_connected_call(web_system, http, number="+46708887766")
    assert len(v["work"]["repeat_calls"]) == 1
    await view(web_system, http)
    async with world.services.engine.connect() as conn:
        rows = (await conn.execute(select(journal_access_log))).mappings().all()
    shown = [r for r in rows if (r["query"] or {}).get("repeat_calls_for") == v["work"]["call_id"]]
    assert len(shown) == 1
    assert (shown[0]["actor_username"], shown[0]["basis"]) == ("sjukskoterska", "own_call")
    assert shown[0]["query"]["earlier_calls"] == [v["work"]["repeat_calls"][0]["call_id"]]
