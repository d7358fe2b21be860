"""A browser that reaches an error outside the API gets a Swedish page, not bare text; the
API keeps its JSON error body."""

from __future__ import annotations

import aiohttp

from tests.web.conftest import WebSystem


async def test_an_unknown_page_is_a_page_in_swedish(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    async with http.get(f"{web_system.base_url}/no-such-page") as resp:
        assert resp.status == 404
        assert resp.content_type == "text/html"
        text = await resp.text()
    assert "Sidan finns inte" in text and 'lang="sv"' in text and 'href="/"' in text
    async with http.get(f"{web_system.base_url}/api/v1/no-such-route") as resp:
        assert resp.status == 401  # the API asks who is asking before anything else
        assert (await resp.json())["error_id"] == "unauthenticated"
