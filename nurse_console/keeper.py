"""Keeping a nurse's call work in step with her live call, stored on every change.

:class:`WorkKeeper` is the console service's memory: it loads the nurse's open work,
brings it up to date with the queue engine and the call log (offered, connected, the
caller gone, an offer that went elsewhere), stores each change under optimistic
concurrency and writes the journal draft. One lock per nurse keeps her tabs and
terminals in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from nurse_console import model
from nurse_console.drafting import required
from nurse_console.errors import DraftConflict, NoCallWork, NotOnRoster
from nurse_console.model import CallWork, WorkStatus
from nurse_console.ports import Actor, Desk, Journal, NurseSeat
from nurse_console.sql import StaleWork, WorkStore

log = logging.getLogger(__name__)

LIVE_CALL_STATES = ("offered", "connected")


class WorkKeeper:
    """The nurses' call work, kept in step with their calls (see the module docstring)."""

    def __init__(self, store: WorkStore, desk: Desk, journal: Journal,
                 clock: Callable[[], datetime], on_change: Callable[[], None]) -> None:
        self._store = store
        self._desk = desk
        self._journal = journal
        self._clock = clock
        self._on_change = on_change
        self._work: dict[str, CallWork | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.generation: dict[str, int] = {}
        """Per nurse, a number that grows with every stored change of any of her works."""

    def seat(self, actor: Actor) -> NurseSeat:
        """The nurse's seat (403 for a login that is not a nurse on the roster)."""
        seat = self._desk.seat_of(actor.username) if actor.has_role("nurse") else None
        if seat is None:
            raise NotOnRoster("your login is not linked to a nurse on the roster",
                              {"username": actor.username})
        return seat

    def lock(self, actor: Actor) -> asyncio.Lock:
        return self._locks.setdefault(actor.username, asyncio.Lock())

    async def current(self, actor: Actor) -> CallWork:
        async with self.lock(actor):
            return required((await self.synced(actor))[1])

    async def change(self, actor: Actor, change: Callable[[CallWork], CallWork]) -> CallWork:
        async with self.lock(actor):
            work = required((await self.synced(actor))[1])
            if work.status is WorkStatus.CLOSED:
                raise NoCallWork("the call is closed", {"call_id": work.call_id})
            changed = await self.put(work, change(work))
            await self.push_to_journal(actor, changed)
        self._on_change()
        return changed

    async def put(self, before: CallWork, after: CallWork) -> CallWork:
        self.generation[after.username] = self.generation.get(after.username, 0) + 1
        if after is before or after.revision == before.revision:
            self._work[after.username] = after
            return after
        try:
            await self._store.save(after, before.revision, self._clock())
        except StaleWork:  # written by another instance: take what is stored and refuse
            self._work.pop(after.username, None)
            raise DraftConflict("the call work was changed elsewhere; reload",
                                {"call_id": after.call_id}) from None
        self._work[after.username] = after if after.status is not WorkStatus.CLOSED else None
        return after

    async def load(self, username: str) -> CallWork | None:
        if username not in self._work:
            self._work[username] = await self._store.open_work(username)
        return self._work[username]

    async def synced(self, actor: Actor) -> tuple[NurseSeat, CallWork | None]:
        """The seat and the work, brought up to date with the live call."""
        seat = self.seat(actor)
        work = await self.load(actor.username)
        now = self._clock()
        changed = False
        if seat.call_id and seat.state in ("offered", "on_call"):
            if work is not None and work.call_id != seat.call_id:
                if work.status is WorkStatus.OFFERED:
                    await self._store.delete(work)
                else:  # the nurse went ready before closing: close the old work
                    await self.put(work, model.closed(model.caller_gone(work, now, None), now))
                work = None
            if work is None:
                work = await self.start_work(actor, seat, now)
                changed = True
            call = self._desk.call(work.call_id)
            if work.status is WorkStatus.OFFERED and (
                    seat.state == "on_call" or (call is not None and call.state == "connected")):
                work = await self.put(work, model.answered(work, now))
                work = await self.open_journal(actor, work)
                changed = True
        elif work is not None and work.status is WorkStatus.OFFERED:
            if seat.call_id == work.call_id and seat.state == "wrap_up":
                # Answered and over before the console looked: the call still needs its note.
                work = await self.put(work, model.answered(work, now))
                work = await self.open_journal(actor, work)
            else:
                await self._store.delete(work)  # the offer went elsewhere (missed, withdrawn)
                self._work[actor.username] = work = None
            changed = True
        if work is not None and work.status is WorkStatus.ON_CALL:
            call = self._desk.call(work.call_id)
            still_on = seat.call_id == work.call_id and seat.state == "on_call" \
                and (call is None or call.state in LIVE_CALL_STATES)
            if not still_on:
                cause = call.end_cause if call is not None else None
                work = await self.put(work, model.caller_gone(work, now, cause))
                changed = True
        if work is not None and work.status is WorkStatus.CALLER_GONE and not work.end_cause:
            call = self._desk.call(work.call_id)  # why the call ended is written a bit later
            if call is not None and call.end_cause:
                work = await self.put(work, replace(work, end_cause=call.end_cause,
                                                    revision=work.revision + 1))
                changed = True
        if changed:
            self._on_change()
        return seat, work

    async def resume(self, actor: Actor, call_id: str) -> CallWork:
        """Make an earlier unsigned work of this nurse the one she works on (not while a
        call rings or is on)."""
        async with self.lock(actor):
            seat, current = await self.synced(actor)
            if seat.state in ("offered", "on_call"):
                raise NoCallWork("finish the call you are on first", {"state": seat.state})
            earlier = await self._store.get(actor.username, call_id)
            if earlier is None or earlier.signed:
                raise NoCallWork("no unsigned note of yours for that call",
                                 {"call_id": call_id})
            now = self._clock()
            if current is not None and current.call_id != call_id:
                await self.put(current, model.closed(current, now))
            reopened = replace(earlier, status=WorkStatus.CALLER_GONE, closed_at=None,
                               revision=earlier.revision + 1)
            await self.put(earlier, reopened)
            self._work[actor.username] = reopened
        self._on_change()
        return reopened

    async def start_work(self, actor: Actor, seat: NurseSeat, now: datetime) -> CallWork:
        assert seat.call_id is not None
        call = self._desk.call(seat.call_id)
        facts = call.facts if call is not None else model.CallFacts()
        work = CallWork(call_id=seat.call_id, username=actor.username, nurse_id=seat.nurse_id,
                        status=WorkStatus.OFFERED, offered_at=now.isoformat(), facts=facts)
        await self._store.insert(work, now)
        self._work[actor.username] = work
        return work

    async def open_journal(self, actor: Actor, work: CallWork) -> CallWork:
        try:
            entry_id, revision = await self._journal.open_draft(actor, work)
        except Exception:  # the draft opens at the next save or at signing
            log.exception("could not open the journal draft of call %s", work.call_id)
            return work
        return await self.put(work, replace(model.journal_saved(work, entry_id, revision),
                                             revision=work.revision + 1))

    async def push_to_journal(self, actor: Actor, work: CallWork, *, strict: bool = False
                               ) -> None:
        """Write the work into its journal draft (autosave). The console keeps the text
        whatever the journal says; with ``strict`` (signing) a refusal is raised."""
        if work.journal_entry_id is None or work.signed:
            return
        try:
            revision = await self._journal.save(actor, work)
        except Exception as exc:
            if strict:
                raise
            log.info("journal draft of call %s not saved: %s", work.call_id, exc)
            problem = getattr(exc, "details", {}).get("problem") or (
                "Journalen har inte tagit emot utkastet än; det sparas här och skickas vid "
                "nästa ändring.")
            if problem != work.journal_problem:
                await self.put(work, replace(work, journal_problem=problem,
                                             revision=work.revision + 1))
            return
        await self.put(work, replace(model.journal_saved(work, work.journal_entry_id,
                                                          revision),
                                      revision=work.revision + 1))
