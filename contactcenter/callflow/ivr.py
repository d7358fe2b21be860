"""The IVR (röstbrevlåda/talsvar) part of an inbound call: greeting and where the caller is.

Each step ends in a defined state: the caller is in a queue (their region's,
or the national queue when nothing else is known) or has hung up.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass

from ari import AriClient, AriError, AriNotFound
from contactcenter.callflow.live import CallerGone, LiveCall
from contactcenter.callflow.region import RegionDecision, RegionResolver

log = logging.getLogger(__name__)

_playback_ids = itertools.count(1)


@dataclass(frozen=True)
class IvrSettings:
    """What the IVR plays and how long it waits (from ``[callflow]``)."""

    greeting: list[str]
    region_menu_prompt: list[str]
    region_menu_attempts: int
    dtmf_timeout_seconds: float
    municipality_variable: str
    relay_variable: str


class Ivr:
    """Plays prompts to one caller and reads their keys."""

    def __init__(self, ari: AriClient, settings: IvrSettings, resolver: RegionResolver) -> None:
        self._ari = ari
        self._settings = settings
        self._resolver = resolver

    @property
    def settings(self) -> IvrSettings:
        return self._settings

    async def play(self, call: LiveCall, media: list[str], *, wait: bool = True) -> str | None:
        """Play media to the caller; with ``wait``, return the PlaybackFinished state."""
        playback_id = f"pb-{call.call_id}-{next(_playback_ids)}"
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        call.playbacks[playback_id] = future
        try:
            await self._ari.channels.play(call.channel_id, media, playback_id=playback_id)
        except AriNotFound as exc:
            call.playbacks.pop(playback_id, None)
            raise CallerGone(call.call_id) from exc
        except AriError:
            call.playbacks.pop(playback_id, None)
            log.warning("call %s: could not play %s", call.call_id, media, exc_info=True)
            return "failed"
        if not wait:
            return playback_id
        # A prompt that never finishes (unknown media scheme) must not hold the caller forever.
        return await call.wait_or_hangup(future, timeout=120.0)

    async def stop(self, playback_id: str) -> None:
        try:
            await self._ari.playbacks.stop(playback_id)
        except AriError:
            pass  # already finished

    async def channel_variable(self, call: LiveCall, name: str) -> str | None:
        if name in call.channelvars:
            return call.channelvars[name] or None
        try:
            value = await self._ari.channels.get_variable(call.channel_id, name)
        except AriNotFound:
            return None
        except AriError:
            log.warning("call %s: reading %s failed", call.call_id, name, exc_info=True)
            return None
        return value or None

    async def decide_region(self, call: LiveCall) -> RegionDecision:
        """Where the caller is: channel data first, then the caller's keyed area code."""
        municipality = await self.channel_variable(call, self._settings.municipality_variable)
        relay = await self.channel_variable(call, self._settings.relay_variable)
        notes: list[str] = []
        decision = self._resolver.from_channel(municipality, call.caller_number, relay,
                                               notes=notes)
        if decision is not None:
            return decision
        for note in notes:  # network data that was present but unusable: worth a look
            log.info("call %s: %s", call.call_id, note)
        for attempt in range(1, self._settings.region_menu_attempts + 1):
            digits = await self.collect(call, self._settings.region_menu_prompt)
            if digits:
                call.ivr_choices.append(digits)
                decision = self._resolver.from_ivr_digits(digits)
                if decision is not None:
                    return decision
            log.info("call %s: region menu attempt %d gave %r", call.call_id, attempt, digits)
        return RegionDecision(
            region=None, queue="national", source="unknown",
            detail="no region from the network or the menu",
        )

    async def collect(self, call: LiveCall, prompt: list[str]) -> str:
        """Play ``prompt`` and read keys until ``#`` or a pause; keys cut the prompt short."""
        timeout = self._settings.dtmf_timeout_seconds
        playback_id = await self.play(call, prompt, wait=False)
        prompt_done = call.playbacks.get(playback_id or "")
        digits = ""
        first = asyncio.ensure_future(call.dtmf.get())
        try:
            if prompt_done is not None:
                await call.wait_or_hangup(
                    asyncio.ensure_future(_first_of(first, prompt_done)), timeout=120.0
                )
            if not first.done():
                await call.wait_or_hangup(first, timeout=timeout)
            if not first.done():
                return ""
            if prompt_done is not None and not prompt_done.done() and playback_id:
                await self.stop(playback_id)
            digit = first.result()
            while digit != "#":
                digits += digit
                if len(digits) >= 8:
                    break
                nxt = asyncio.ensure_future(call.dtmf.get())
                got = await call.wait_or_hangup(nxt, timeout=timeout)
                if got is None:
                    nxt.cancel()
                    break
                digit = got
            return digits
        finally:
            if not first.done():
                first.cancel()


async def _first_of(a: asyncio.Future[str], b: asyncio.Future[str]) -> str:
    await asyncio.wait({a, b}, return_when=asyncio.FIRST_COMPLETED)
    return "done"
