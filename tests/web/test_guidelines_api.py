"""Guidelines through the running service: search for nurses, four-eyes publishing."""

from __future__ import annotations

import aiohttp

from tests.decision_support.service_support import next_version_of
from tests.web.conftest import WebSystem


async def _session(web_system: WebSystem, username: str, password: str = "demo"
                   ) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    await web_system.login(session, username, password)
    return session


async def test_a_nurse_finds_chest_pain_from_lay_words_with_the_sample_notice(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "sjukskoterska")
    async with http.get(f"{web_system.base_url}/api/v1/guidelines/search",
                        params={"q": "ont i bröstet", "age": "55"}) as resp:
        body = await resp.json()
        assert resp.status == 200, body
    hits = body["hits"] if isinstance(body, dict) else body
    assert "brost" in hits[0]["id"] or "bröst" in hits[0]["title"].lower()
    assert hits[0]["why"]
    assert "sample_notice" in body or all("sample_notice" in h for h in hits)


async def test_a_new_version_is_published_only_after_another_editor_approves_it(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    identity = web_system.system.services.identity
    await identity.create_user("redaktor2", "Andra Redaktören", "lösenord-123",
                               ["content_editor"], ["*"])
    base = f"{web_system.base_url}/api/v1/guidelines"
    await web_system.login(http, "redaktor")
    async with http.post(f"{base}/drafts", json={"content": next_version_of("feber-barn")}) as r:
        draft = await r.json()
        assert r.status == 201, draft
    url = f"{base}/drafts/{draft['draft_id']}"
    async with http.post(f"{url}/submit") as r:
        assert r.status == 200, await r.text()
    async with http.post(f"{url}/approve", json={"comment": "eget"}) as r:
        assert r.status in (403, 409)  # nobody approves their own text
    other = await _session(web_system, "redaktor2", "lösenord-123")
    try:
        async with other.post(f"{url}/approve", json={"comment": "Granskad"}) as r:
            assert r.status == 200, await r.text()
    finally:
        await other.close()
    async with http.post(f"{url}/publish") as r:
        assert r.status == 200, await r.text()
    nurse = await _session(web_system, "sjukskoterska")
    try:
        async with nurse.get(f"{base}/feber-barn") as r:
            current = await r.json()
    finally:
        await nurse.close()
    assert current["guideline"]["version"] == "1.1"
    assert "(reviderad)" in current["guideline"]["title"]


async def test_a_nurse_may_not_write_drafts(web_system: WebSystem,
                                            http: aiohttp.ClientSession) -> None:
    await web_system.login(http, "sjukskoterska")
    async with http.post(f"{web_system.base_url}/api/v1/guidelines/drafts",
                         json={"content": next_version_of("feber-barn")}) as r:
        assert r.status == 403
