"""Coaching use cases: start, switch and end a coach's listen-in, the log, the notes.

Who may do what is decided here, not in the routes: a supervisor coaches the calls of
nurses of the regions they hold (another region's nurse's call is not found, as if it
did not exist); nobody else coaches. Every start, switch and end is written to the
listen log (``coaching_log``) before anything rings, with who, when, which call, the
mode and the required why. The telephony (snoop channels, bridges, the coach's phone)
is the call flow's (:mod:`contactcenter.callflow.coaching`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from contactcenter.coaching import errors
from contactcenter.coaching.model import (
    CoachingMode,
    CoachingNote,
    CoachingSession,
    LogAction,
    LogRow,
    log_row,
)
from contactcenter.coaching.sql import CoachingStore

log = logging.getLogger(__name__)

COACH_ROLE = "supervisor"
LOG_READERS = ("supervisor", "auditor")
MAX_WHY = 500
MAX_NOTE = 4000


class Who(Protocol):
    """Whoever asks (the web layer's principal)."""

    username: str
    display_name: str
    regions: frozenset[str]
    """The regions held (``*``: all)."""

    def has_role(self, *roles: Any) -> bool: ...

    def can_access_region(self, code: str) -> bool: ...


@dataclass(frozen=True)
class OnCall:
    """A live call as coaching needs it: whose it is and whether it is connected."""

    call_id: str
    nurse_id: str | None
    nurse_username: str | None
    nurse_name: str
    region: str | None
    connected: bool


class Floor(Protocol):
    """The live calls of this instance."""

    def call(self, call_id: str) -> OnCall | None: ...


class Legs(Protocol):
    """The coach's legs on the telephony (the call flow's ``CoachLegs``)."""

    on_end: Callable[[str, str], None]

    async def start(self, session_id: str, call_id: str, endpoint: str, mode: str,
                    caller_id: str = "") -> None: ...

    async def change(self, session_id: str, mode: str) -> None: ...

    async def end(self, session_id: str, reason: str) -> None: ...


class CoachingService:
    """Listen, whisper and barge on nurses' calls, logged (see the module docstring).

    ``endpoints`` maps a supervisor's username to their coach phone (``PJSIP/…``, from
    ``[coaching] endpoints``); ``on_change`` is told whenever a session starts, changes
    or ends, so the nurse's console shows it at once."""

    def __init__(self, store: CoachingStore, floor: Floor, legs: Legs,
                 endpoints: Mapping[str, str], clock: Callable[[], datetime], *,
                 not_connected_error: type[Exception] = Exception,
                 on_change: Callable[[], None] | None = None) -> None:
        self._store = store
        self._floor = floor
        self._legs = legs
        self._endpoints = dict(endpoints)
        self._clock = clock
        self._refused = not_connected_error
        self._on_change = on_change or (lambda: None)
        self.sessions: dict[str, CoachingSession] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._notes_seen: dict[str, tuple[int, list[CoachingNote]]] = {}
        self._notes_written = 0
        legs.on_end = self._legs_ended

    # -- sessions ---------------------------------------------------------------------------
    async def start(self, who: Who, call_id: str, mode: str, why: str) -> CoachingSession:
        """Call the coach's phone and join it to the nurse's call in ``mode``."""
        self._require_coach(who)
        chosen, reason = _mode(mode), _why(why)
        call = self._visible_call(who, call_id)
        if not call.connected or call.nurse_id is None:
            raise errors.conflict("call_not_connected", "the call is not connected to a nurse",
                                  call_id=call_id)
        endpoint = self._endpoints.get(who.username)
        if endpoint is None:
            raise errors.conflict("no_coach_phone", "no coach phone is configured for you "
                                  "(service.toml [coaching] endpoints)", username=who.username)
        if any(s.call_id == call_id and s.coach_username == who.username
               for s in self.sessions.values()):
            raise errors.conflict("already_coaching", "you are already on this call",
                                  call_id=call_id)
        session = CoachingSession(uuid.uuid4().hex[:16], call_id, call.nurse_id,
                                  call.nurse_username, call.nurse_name, call.region or "",
                                  who.username, who.display_name, chosen, reason, self._clock())
        self.sessions[session.session_id] = session  # before any wait: a second start is refused
        try:
            await self._store.append(log_row(session, LogAction.STARTED, session.started_at))
        except BaseException:
            del self.sessions[session.session_id]  # not logged: nothing rings
            raise
        try:
            await self._legs.start(session.session_id, call_id, endpoint, chosen.value,
                                   caller_id=f"Handledning <{call.nurse_name}>")
        except self._refused as exc:
            # The legs have ended the session (its "ended" row is written by _legs_ended).
            raise errors.conflict("coaching_not_possible", str(exc), call_id=call_id) from exc
        self._on_change()
        return session

    async def change(self, who: Who, session_id: str, mode: str) -> CoachingSession:
        """Switch the coach's session to another mode (only the coach of it)."""
        self._require_coach(who)
        chosen = _mode(mode)
        session = self._visible_session(who, session_id)
        if session.coach_username != who.username:
            raise errors.forbidden("only the coach on the call may switch the mode",
                                   session_id=session_id)
        if chosen == session.mode:
            return session
        try:
            await self._legs.change(session_id, chosen.value)
        except self._refused as exc:
            raise errors.conflict("coaching_not_possible", str(exc),
                                  session_id=session_id) from exc
        session = replace(session, mode=chosen)
        self.sessions[session_id] = session
        await self._store.append(log_row(session, LogAction.MODE_CHANGED, self._clock()))
        self._on_change()
        return session

    async def end(self, who: Who, session_id: str) -> None:
        """End a session (its coach, or a supervisor of the nurse's region)."""
        self._require_coach(who)
        self._visible_session(who, session_id)
        reason = f"ended_by:{who.username}"[:64]
        await self._legs.end(session_id, reason)
        if session_id in self.sessions:  # the legs were gone already
            self._legs_ended(session_id, reason)

    def active(self, who: Who) -> list[CoachingSession]:
        """The sessions on calls of nurses of ``who``'s regions."""
        return [s for s in self.sessions.values() if who.can_access_region(s.region)]

    def coach_on(self, call_id: str) -> dict[str, str] | None:
        """Who coaches ``call_id`` now and how (for the nurse's console), else None."""
        for session in self.sessions.values():
            if session.call_id == call_id:
                return {"name": session.coach_name, "mode": session.mode.value}
        return None

    # -- the log and the notes ----------------------------------------------------------
    async def listen_log(self, who: Who, *, call_id: str | None = None,
                         since: datetime | None = None, limit: int = 200) -> list[LogRow]:
        """The listen log of ``who``'s regions, newest first (supervisors, auditors)."""
        if not who.has_role(*LOG_READERS):
            raise errors.forbidden("the listen log is for supervisors and auditors")
        regions = None if "*" in who.regions else who.regions
        return await self._store.log(regions, since, call_id, limit)

    async def add_note(self, who: Who, session_id: str, text: str) -> CoachingNote:
        """A note to the nurse about the coached call (by the session's coach)."""
        self._require_coach(who)
        session = self._visible_session(who, session_id)
        body = text.strip() if isinstance(text, str) else ""
        if not body or len(body) > MAX_NOTE:
            raise errors.invalid("invalid_text", f"text is required (at most {MAX_NOTE} "
                                 "characters)", field="text")
        note = CoachingNote(0, session.call_id, session.nurse_id, session.nurse_username,
                            session.region, who.username, who.display_name, body,
                            self._clock())
        note = replace(note, note_id=await self._store.add_note(note))
        self._notes_written += 1
        self._on_change()
        return note

    async def notes_for(self, nurse_username: str, limit: int = 10) -> list[CoachingNote]:
        """The nurse's newest coaching notes (for her console; read again only after a note
        was written, not on every push)."""
        cached = self._notes_seen.get(nurse_username)
        if cached is not None and cached[0] == self._notes_written:
            return cached[1][:limit]
        notes = await self._store.notes_for(nurse_username, max(limit, 10))
        self._notes_seen[nurse_username] = (self._notes_written, notes)
        return notes[:limit]

    # -- inside -----------------------------------------------------------------------------
    def _require_coach(self, who: Who) -> None:
        if not who.has_role(COACH_ROLE):
            raise errors.forbidden("only supervisors coach calls")

    def _visible_call(self, who: Who, call_id: str) -> OnCall:
        call = self._floor.call(call_id)
        if call is None or not who.can_access_region(call.region or ""):
            raise errors.not_found("call", call_id=call_id)
        return call

    def _visible_session(self, who: Who, session_id: str) -> CoachingSession:
        session = self.sessions.get(session_id)
        if session is None or not who.can_access_region(session.region):
            raise errors.not_found("coaching_session", session_id=session_id)
        return session

    def _legs_ended(self, session_id: str, reason: str) -> None:
        session = self.sessions.pop(session_id, None)
        if session is None:
            return
        task = asyncio.get_running_loop().create_task(self._log_end(session, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._on_change()

    async def _log_end(self, session: CoachingSession, reason: str) -> None:
        try:
            await self._store.append(log_row(session, LogAction.ENDED, self._clock(),
                                             reason=reason))
        except Exception:
            log.exception("coaching %s: writing its end to the log failed", session.session_id)

    async def close(self) -> None:
        """Wait for the log rows still being written."""
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _mode(mode: object) -> CoachingMode:
    try:
        return CoachingMode(mode)  # type: ignore[arg-type]
    except ValueError:
        raise errors.invalid("invalid_mode", "mode must be listen, whisper or barge",
                             field="mode", value=mode,
                             allowed=[m.value for m in CoachingMode]) from None


def _why(why: object) -> str:
    if not isinstance(why, str) or not why.strip():
        raise errors.invalid("why_required", "say why you listen (why)", field="why")
    if len(why) > MAX_WHY:
        raise errors.invalid("invalid_why", f"why is at most {MAX_WHY} characters", field="why")
    return why.strip()
