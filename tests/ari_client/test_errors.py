"""ARI error responses become typed exceptions; transport problems AriConnectionError."""

from __future__ import annotations

import pickle

import pytest

from ari import (
    AriBadRequest,
    AriClient,
    AriConflict,
    AriConnectionError,
    AriError,
    AriNotFound,
    AriServerError,
    AriUnauthorized,
    AriUnprocessable,
)
from tests.ari_client import recorded
from tests.ari_client.fake_ari import FakeAri, free_port
from tests.ari_client.helpers import make_client

EXPECTED = {400: AriBadRequest, 401: AriUnauthorized, 404: AriNotFound, 409: AriConflict,
            422: AriUnprocessable, 500: AriServerError}

RECORDED_ERRORS = recorded.error_responses("04-originate-failures", "05-rest-errors",
                                           "10-record-bridge")


def test_the_recordings_cover_every_status() -> None:
    statuses = {status for _, _, _, status, _ in RECORDED_ERRORS}
    assert {400, 404, 405, 409, 422, 500} <= statuses
    bodies = [body for *_, body in RECORDED_ERRORS]
    assert {"error": "Allocation failed"} in bodies


@pytest.mark.parametrize(
    "method,path,params,status,body", RECORDED_ERRORS,
    ids=[f"{m} {p} {s}" for m, p, _, s, _ in RECORDED_ERRORS])
async def test_recorded_error_becomes_typed_exception(method, path, params, status, body,
                                                      fake: FakeAri, client: AriClient) -> None:
    fake.respond(method, path, status, body)
    with pytest.raises(AriError) as info:
        await client.request(method, path, {k: str(v) for k, v in params.items()})
    exc = info.value
    assert type(exc) is EXPECTED.get(status, AriError)
    assert exc.status == status
    assert exc.message == (body.get("message") or body.get("error"))
    assert (exc.method, exc.path) == (method, path)
    assert str(status) in str(exc) and exc.message in str(exc)


async def test_typed_methods_raise_typed_errors(fake: FakeAri, client: AriClient) -> None:
    fake.respond("GET", "/channels/doesnotexist", 404, {"message": "Channel not found"})
    with pytest.raises(AriNotFound) as nf:
        await client.channels.get("doesnotexist")
    assert nf.value.message == "Channel not found"
    assert nf.value.path == "/channels/doesnotexist" and nf.value.method == "GET"

    fake.respond("POST", "/channels", 500, {"error": "Allocation failed"})
    with pytest.raises(AriServerError) as se:
        await client.channels.originate("PJSIP/nonexistent-endpoint", channel_id="fail-1")
    assert se.value.message == "Allocation failed" and se.value.status == 500

    fake.respond("DELETE", "/bridges/bridge-hold-1/moh", 409,
                 {"message": "Bridge isn't playing music"})
    with pytest.raises(AriConflict):
        await client.bridges.stop_moh("bridge-hold-1")

    fake.respond("POST", "/bridges/bridge-err-2/removeChannel", 422,
                 {"message": "Channel not in this bridge"})
    with pytest.raises(AriUnprocessable):
        await client.bridges.remove_channel("bridge-err-2", "caller-1")

    fake.respond("POST", "/channels/caller-1/dtmf", 400, {"message": "DTMF is required"})
    with pytest.raises(AriBadRequest):
        await client.channels.send_dtmf("caller-1", "")

    fake.respond("GET", "/channels/caller-1/variable", 404,
                 {"message": "Provided variable was not found"})
    with pytest.raises(AriNotFound):
        await client.channels.get_variable("caller-1", "CC_NOT_SET")


async def test_wrong_password_is_unauthorized(fake: FakeAri) -> None:
    async with AriClient(fake.base_url, "radgivning", "wrong", "contactcenter") as client:
        with pytest.raises(AriUnauthorized) as info:
            await client.channels.list()
    assert info.value.message == "Authentication required"


async def test_non_json_error_body_uses_the_text(fake: FakeAri, client: AriClient) -> None:
    fake.respond("GET", "/channels", 503, None)
    with pytest.raises(AriServerError) as info:
        await client.channels.list()
    assert info.value.status == 503
    assert info.value.message  # the HTTP reason phrase


async def test_timeout_is_a_connection_error(fake: FakeAri) -> None:
    fake.delays[("GET", "/channels/slow")] = 1.0
    client = make_client(fake.base_url, request_timeout=0.2)
    async with client:
        with pytest.raises(AriConnectionError) as info:
            await client.channels.get("slow")
    assert info.value.status is None
    assert info.value.path == "/channels/slow"
    assert isinstance(info.value, AriError)


async def test_refused_connection_is_a_connection_error() -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}/ari")
    async with client:
        with pytest.raises(AriConnectionError):
            await client.asterisk.ping()


async def test_request_before_start_is_a_connection_error(fake: FakeAri) -> None:
    client = make_client(fake.base_url)
    with pytest.raises(AriConnectionError):
        await client.channels.list()


def test_errors_pickle() -> None:
    for exc in (AriNotFound(404, "Channel not found", "GET", "/channels/x"),
                AriConnectionError("refused", "GET", "/channels")):
        copy = pickle.loads(pickle.dumps(exc))
        assert type(copy) is type(exc)
        assert (copy.status, copy.message, copy.method, copy.path) == \
            (exc.status, exc.message, exc.method, exc.path)
