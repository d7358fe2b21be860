"""HTTP routes of the journal under ``/api/v1/journal`` (thin: parse, call the service,
answer JSON or stream).

The composition root builds them with :func:`routes`, passing the service and a
function that turns the request's principal into an :class:`~journal.ports.Actor`,
and wraps them in its authentication. :class:`~journal.errors.JournalError` is
answered here as ``{"error_id", "message", "details"}`` with its status (returned,
not raised, so no middleware rewrites it).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from functools import wraps
from typing import Any

from aiohttp import web

from journal.access_log import LogQuery
from journal.errors import InvalidEntry, JournalError
from journal.export import ExportFilter
from journal.model import content_from_plain, to_plain
from journal.ports import Actor
from journal.service import JournalService

PREFIX = "/api/v1/journal"
PSEUDONYM_KEY_HEADER = "X-Journal-Pseudonym-Key"
_CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv",
                  "fhir": "application/fhir+ndjson"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(exc: JournalError) -> web.Response:
    """The API's error body for a journal error."""
    return web.json_response({"error_id": exc.error_id, "message": exc.message,
                              "details": exc.details}, status=exc.status)


def _answers_errors(handler: Handler) -> Handler:
    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except JournalError as exc:
            return error_response(exc)
    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.text() or "null")
    except json.JSONDecodeError as exc:
        raise InvalidEntry("request body is not valid JSON", {"problem": exc.msg}) from exc
    if not isinstance(body, dict):
        raise InvalidEntry("request body must be a JSON object")
    return body


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidEntry(f"{name} is not an ISO 8601 date or time", {name: value}) from exc
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidEntry(f"{name} must be an integer", {name: value}) from exc


def _string(body: dict[str, Any], name: str, longest: int,
            required: bool = False) -> str | None:
    """The body field ``name`` as a non-empty string of at most ``longest`` characters
    (the column it is stored in); ``None`` when absent and optional."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise InvalidEntry(f"{name} must be a non-empty string of at most {longest} "
                           "characters", {"field": name})
    return value


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def routes(service: JournalService, actor_of: Callable[[web.Request], Actor]) -> web.RouteTableDef:
    """The journal's routes; ``actor_of`` tells who is making the request."""
    r = web.RouteTableDef()

    @r.post(f"{PREFIX}/entries")
    @_answers_errors
    async def create(request: web.Request) -> web.StreamResponse:
        """Open a draft entry for a call you took part in (emergency access otherwise).

        Body: ``call_id`` (string, required); ``region`` (string, optional: the entry
        takes the call's region and care provider, and a region naming another is
        refused with 409 ``region_mismatch``; only for a call whose region the call log
        does not know is it required, and must be your own); ``content`` (object,
        optional); ``emergency`` (boolean) with ``reason`` (string): nödåtkomst, to
        document a call you did not take part in, one nobody answered or one the call
        log does not know; it is logged with basis ``emergency``. Refusals are 403
        (``access_denied``, or ``reason_required`` when emergency access lacks a reason)
        and are logged too.
        """
        body = await _body(request)
        call_id = _string(body, "call_id", 64, required=True)
        region = _string(body, "region", 4)
        reason = _string(body, "reason", 2000)
        emergency = body.get("emergency", False)
        if not isinstance(emergency, bool):
            raise InvalidEntry("emergency must be true or false", {"field": "emergency"})
        raw_content = body.get("content")
        if raw_content is not None and not isinstance(raw_content, dict):
            raise InvalidEntry("content must be an object", {"field": "content"})
        content = content_from_plain(raw_content) if raw_content else None
        assert call_id is not None
        entry = await service.create_draft(actor_of(request), call_id, region, content,
                                           emergency=emergency, reason=reason)
        return web.json_response(to_plain(entry), status=201)

    @r.get(f"{PREFIX}/entries/mine")
    @_answers_errors
    async def mine(request: web.Request) -> web.StreamResponse:
        limit = _int(request.query.get("limit", "20"), "limit")
        entries = await service.list_own_recent(actor_of(request), limit)
        return web.json_response({"entries": [to_plain(e) for e in entries]})

    @r.get(f"{PREFIX}/entries/{{entry_id}}")
    @_answers_errors
    async def get(request: web.Request) -> web.StreamResponse:
        read = await service.get_entry(actor_of(request), request.match_info["entry_id"],
                                       request.query.get("reason"),
                                       _flag(request.query.get("emergency")))
        return web.json_response({**to_plain(read.entry),
                                  "amendments": [to_plain(a) for a in read.amendments],
                                  "access": {"basis": read.basis, "emergency": read.emergency}})

    @r.put(f"{PREFIX}/entries/{{entry_id}}")
    @_answers_errors
    async def update(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        entry = await service.update_draft(
            actor_of(request), request.match_info["entry_id"],
            content_from_plain(body.get("content") or {}), _int(body.get("revision"), "revision"))
        return web.json_response(to_plain(entry))

    @r.post(f"{PREFIX}/entries/{{entry_id}}/sign")
    @_answers_errors
    async def sign(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        entry = await service.sign(actor_of(request), request.match_info["entry_id"],
                                   _int(body.get("revision"), "revision"))
        return web.json_response(to_plain(entry))

    @r.post(f"{PREFIX}/entries/{{entry_id}}/amendments")
    @_answers_errors
    async def amend(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        entry = await service.amend(actor_of(request), request.match_info["entry_id"],
                                    content_from_plain(body.get("content") or {}))
        return web.json_response(to_plain(entry), status=201)

    @r.get(f"{PREFIX}/access-log")
    @_answers_errors
    async def access_log(request: web.Request) -> web.StreamResponse:
        q = request.query
        query = LogQuery(since=_when(q.get("since"), "since"), until=_when(q.get("until"), "until"),
                         actor_id=q.get("actor_id"), entry_id=q.get("entry_id"),
                         action=q.get("action"), emergency_only=_flag(q.get("emergency")),
                         region=q.get("region"), after_id=_int(q.get("after_id", "0"), "after_id"),
                         limit=_int(q.get("limit", "100"), "limit"))
        records = await service.query_access_log(actor_of(request), query)
        return web.json_response({"records": [to_plain(rec) for rec in records],
                                  "next_after_id": records[-1].id if records else None})

    @r.get(f"{PREFIX}/export")
    @_answers_errors
    async def export(request: web.Request) -> web.StreamResponse:
        q = request.query
        fmt = q.get("format", "jsonl")
        if fmt not in _CONTENT_TYPES:
            raise InvalidEntry("format must be jsonl, csv or fhir", {"format": fmt})
        key = request.headers.get(PSEUDONYM_KEY_HEADER)
        if _flag(q.get("pseudonymise")) and not key:
            raise InvalidEntry(f"pseudonymised exports need the {PSEUDONYM_KEY_HEADER} header")
        if key and len(key.encode()) < 16:
            raise InvalidEntry("the pseudonymisation key needs at least 16 bytes")
        chunks = await service.export(actor_of(request), fmt, ExportFilter(
            since=_when(q.get("since"), "since"), until=_when(q.get("until"), "until"),
            region=q.get("region"), contact_reason=q.get("contact_reason"),
            urgency=q.get("urgency")), key.encode() if key and _flag(q.get("pseudonymise"))
            else None)
        return await _stream(request, chunks, _CONTENT_TYPES[fmt], f"journal.{fmt}")

    @r.post(f"{PREFIX}/patient-export")
    @_answers_errors
    async def patient_export(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        chunks = await service.patient_export(actor_of(request), str(body.get("kind", "")),
                                              str(body.get("number", "")))
        return await _stream(request, chunks, "application/x-ndjson", "patient.jsonl")

    return r


async def _stream(request: web.Request, chunks: AsyncIterator[str], content_type: str,
                  filename: str) -> web.StreamResponse:
    response = web.StreamResponse(headers={
        "Content-Type": f"{content_type}; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"'})
    await response.prepare(request)
    async for chunk in chunks:
        await response.write(chunk.encode())
    await response.write_eof()
    return response
