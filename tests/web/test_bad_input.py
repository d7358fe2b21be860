"""Bad input is a 400 (413 for a body too large) with the error body, never a 500.

Through the real HTTP server, on a representative route of the core and of
each bounded context, and on the login form.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.web.conftest import WebSystem

# (who logs in, method, path, a valid body to break)
JSON_ROUTES = [
    pytest.param("handledare", "POST", "/api/v1/supervisor/crisis",
                 {"region": "01", "on": False, "why": "test"}, id="core"),
    pytest.param("sjukskoterska", "POST", "/api/v1/journal/entries",
                 {"call_id": "c-1", "region": "01"}, id="journal"),
    pytest.param("regionadmin", "POST", "/api/v1/catalog/units",
                 {"hsa_id": "SE1", "name": "x"}, id="catalog"),
    pytest.param("sjukskoterska", "POST", "/api/v1/guidelines/feber/assessment",
                 {"criteria": [], "age": {"years": 30}}, id="guidelines"),
]

BAD_BODIES = {
    "invalid_utf8": b'{"why": "\xff\xfe"}',
    "deep_nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge_number": b'{"why": 1e400}',
    "nan": b'{"why": NaN}',
    "infinity": b'{"why": -Infinity}',
    "integer_beyond_64_bits": b'{"why": 123456789012345678901234567890}',
    "thousands_of_digits": b'{"why": ' + b"9" * 5000 + b"}",
    "lone_surrogate": b'{"why": "\\ud800"}',
    "nul_character": b'{"why": "a\\u0000b"}',
    "not_an_object": b'["why"]',
}


def _assert_error_body(status: int, body: Any, expected: int = 400) -> None:
    assert status == expected, body
    assert set(body) == {"error_id", "message", "details"}
    assert isinstance(body["error_id"], str) and body["error_id"]


async def _send(web_system: WebSystem, http: aiohttp.ClientSession, method: str, path: str,
                data: bytes) -> tuple[int, Any]:
    async with http.request(method, f"{web_system.base_url}{path}", data=data,
                            headers={"Content-Type": "application/json"}) as resp:
        return resp.status, await resp.json()


@pytest.mark.parametrize("user,method,path,valid", JSON_ROUTES)
async def test_every_class_of_malformed_json_is_a_400_with_the_error_body(
    web_system: WebSystem, http: aiohttp.ClientSession, user: str, method: str, path: str,
    valid: dict[str, Any],
) -> None:
    await web_system.login(http, user)
    for name, raw in BAD_BODIES.items():
        status, body = await _send(web_system, http, method, path, raw)
        _assert_error_body(status, body)
        assert body["error_id"] in ("invalid_json", "invalid_body"), name


@pytest.mark.parametrize("user,method,path,valid", JSON_ROUTES)
async def test_a_body_over_the_limit_is_a_413_with_the_error_body(
    web_system: WebSystem, http: aiohttp.ClientSession, user: str, method: str, path: str,
    valid: dict[str, Any],
) -> None:
    await web_system.login(http, user)
    status, body = await _send(web_system, http, method, path,
                               b'{"why": "' + b"x" * (2 * 1024**2) + b'"}')
    _assert_error_body(status, body, 413)
    assert body["error_id"] == "body_too_large"


# (who, method, path, body): each one field of the wrong type or out of range
WRONG_FIELDS = [
    ("sjukskoterska", "POST", "/api/v1/journal/entries",
     {"call_id": "c-1", "region": "01", "content": "a string"}),
    ("sjukskoterska", "POST", "/api/v1/journal/entries",
     {"call_id": "c-1", "region": "01", "content": ["a", "list"]}),
    ("sjukskoterska", "POST", "/api/v1/journal/entries",
     {"call_id": "c-1", "region": "01", "content": {"notes": {"assessment": 5}}}),
    ("sjukskoterska", "POST", "/api/v1/journal/entries",
     {"call_id": "c-1", "region": "01", "content": {"self_care": "yes"}}),
    ("sjukskoterska", "PUT", "/api/v1/journal/entries/e-1",
     {"content": {}, "revision": True}),
    ("regionadmin", "POST", "/api/v1/journal/patient-export", {"kind": 1, "number": 2}),
    ("sjukskoterska", "POST", "/api/v1/guidelines/feber/assessment",
     {"criteria": "abc", "age": {"years": 30}}),
    ("sjukskoterska", "POST", "/api/v1/guidelines/feber/assessment",
     {"criteria": [], "age": {"years": 10**300}}),
    ("sjukskoterska", "POST", "/api/v1/guidelines/feber/assessment",
     {"criteria": [], "age": {"years": 30}, "at": "0001-01-01T00:00:00+01:00"}),
    ("sjukskoterska", "POST", "/api/v1/guidelines/decisions",
     {"guideline_id": "feber", "criteria": 5, "age": 30, "urgency": "x", "care_type": "y"}),
    ("sjukskoterska", "POST", "/api/v1/guidelines/decisions",
     {"guideline_id": 7, "criteria": [], "age": 30, "urgency": "x", "care_type": "y",
      "deviation": "not an object"}),
    ("redaktor", "POST", "/api/v1/guidelines/drafts", {"content": ["not", "an", "object"]}),
    ("redaktor", "PUT", "/api/v1/guidelines/drafts/1", {"content": "text"}),
    ("handledare", "POST", "/api/v1/supervisor/redirects",
     {"id": "r", "from_region": "01", "to_region": "01", "why": "w",
      "start": "0001-01-01T00:00:00+01:00", "end": "9999-12-31T23:59:59-01:00"}),
    ("handledare", "POST", "/api/v1/agents/ssk-1/state", {"state": "ready", "reason": 5}),
]


@pytest.mark.parametrize("user,method,path,body", WRONG_FIELDS)
async def test_a_field_of_the_wrong_type_or_out_of_range_is_a_400(
    web_system: WebSystem, http: aiohttp.ClientSession, user: str, method: str, path: str,
    body: dict[str, Any],
) -> None:
    await web_system.login(http, user)
    async with http.request(method, f"{web_system.base_url}{path}", json=body) as resp:
        _assert_error_body(resp.status, await resp.json())


# Unicode digits: int() takes "١٢" and "１２", and "²".isdigit() is True while int("²") fails
QUERIES = [
    ("handledare", "/api/v1/calls?scope=recent&limit=%D9%A1%D9%A2"),
    ("bemanning", "/api/v1/statistics/intervals?service_level_seconds=%C2%B2"),
    ("bemanning", "/api/v1/statistics/intervals?since=0001-01-01T00:00:00%2B01:00"),
    ("sjukskoterska", "/api/v1/journal/entries/mine?limit=%EF%BC%91%EF%BC%92"),
    ("granskare", "/api/v1/journal/access-log?after_id=99999999999999999999999"),
    ("granskare", "/api/v1/journal/access-log?since=0001-01-01T00:00:00%2B01:00"),
    ("sjukskoterska", "/api/v1/catalog/units?age=%C2%B2"),
    ("sjukskoterska", "/api/v1/catalog/units?lat=nan&lon=inf"),
    ("sjukskoterska", "/api/v1/catalog/units?at=0001-01-01T00:00:00%2B01:00"),
    ("sjukskoterska", "/api/v1/guidelines/search?q=feber&age=nan"),
    ("sjukskoterska", "/api/v1/guidelines/search?q=feber&age=%D9%A1"),
    ("sjukskoterska", "/api/v1/guidelines/search?q=feber&limit=%C2%B2"),
    ("sjukskoterska", "/api/v1/guidelines/changes?since=0001-01-01T00:00:00%2B01:00"),
]


@pytest.mark.parametrize("user,path", QUERIES)
async def test_query_numbers_and_times_take_ascii_digits_in_range_only(
    web_system: WebSystem, http: aiohttp.ClientSession, user: str, path: str,
) -> None:
    await web_system.login(http, user)
    async with http.get(f"{web_system.base_url}{path}") as resp:
        _assert_error_body(resp.status, await resp.json())


@pytest.mark.parametrize("draft_id", ["%D9%A1", "99999999999999999999999"])
async def test_a_draft_id_in_unicode_digits_or_beyond_64_bits_is_not_found(
    web_system: WebSystem, http: aiohttp.ClientSession, draft_id: str,
) -> None:
    await web_system.login(http, "redaktor")
    async with http.get(f"{web_system.base_url}/api/v1/guidelines/drafts/{draft_id}") as resp:
        _assert_error_body(resp.status, await resp.json(), 404)


@pytest.mark.parametrize("data,content_type", [
    (b'{"username": "\xff", "password": "demo"}', "application/json"),
    (b'{"username": "\\ud800", "password": "demo"}', "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"username=%FF&password=demo", "application/x-www-form-urlencoded"),
    (b"username=\xff&password=demo", "application/x-www-form-urlencoded"),
    (b"username=a%00b&password=demo", "application/x-www-form-urlencoded"),
])
async def test_a_login_body_that_cannot_be_read_is_a_400_with_the_error_body(
    web_system: WebSystem, http: aiohttp.ClientSession, data: bytes, content_type: str,
) -> None:
    async with http.post(f"{web_system.base_url}/login", data=data,
                         headers={"Content-Type": content_type}) as resp:
        _assert_error_body(resp.status, await resp.json())


@pytest.mark.parametrize("user,path", [
    ("granskare", "/api/v1/journal/access-log?actor_id=a%00b"),
    ("handledare", "/api/v1/calls/a%00b/events"),
])
async def test_a_nul_in_the_path_or_query_is_a_400_not_a_database_error(
    web_system: WebSystem, http: aiohttp.ClientSession, user: str, path: str,
) -> None:
    await web_system.login(http, user)
    async with http.get(f"{web_system.base_url}{path}") as resp:
        _assert_error_body(resp.status, await resp.json())
