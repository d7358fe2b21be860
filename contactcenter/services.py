"""Everything a running instance is made of (built by :mod:`contactcenter.bootstrap`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from ari import AriClient
from contactcenter.bus import Bus
from contactcenter.callflow.controller import CallFlow
from contactcenter.calls import visibility
from contactcenter.calls.service import CallLog
from contactcenter.coaching.service import CoachingService
from contactcenter.health import ARI, CALL_LOG, DATABASE, PARTS, QUEUE_LOG, Health
from contactcenter.identity.service import IdentityService
from contactcenter.settings import Settings
from decision_support.service import GuidelineService
from journal.service import JournalService
from nurse_console.service import ConsoleService
from queues.service import QueueService
from referral_catalog.service import CatalogService
from shared_kernel.clock import Clock


class RegionScope(Protocol):
    """Whoever is looking (a principal): which regions they may see."""

    def can_access_region(self, code: str) -> bool: ...


def _version() -> str:
    try:
        return version("radgivning")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


@dataclass
class Services:
    """Everything a running instance is made of."""

    settings: Settings
    engine: AsyncEngine
    identity: IdentityService
    journal: JournalService
    catalog: CatalogService
    guidelines: GuidelineService
    call_log: CallLog
    queues: QueueService
    ari: AriClient
    flow: CallFlow
    bus: Bus
    clock: Clock
    instance_id: str
    console: ConsoleService | None = None
    """The nurse console (built last: it works on the other parts)."""
    coaching: CoachingService | None = None
    """Call coaching: listen, whisper, barge, the listen log."""
    health: Health = field(default_factory=Health)
    version: str = field(default_factory=_version)
    _ari_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Load nurses, connect to ARI and start handling calls (the call flow hears what
        the queue service decides)."""
        await self.queues.start(self.flow)
        await self.catalog.start()
        await self.guidelines.start()
        await self.ari.start()
        self._ari_task = asyncio.get_running_loop().create_task(self.ari.run(self.flow))

    async def stop(self) -> None:
        # The flow's tasks stop before the ARI client closes: a request cut off by the close
        # would read as a failed call and end it, while Asterisk keeps the caller for the
        # next start to recover.
        if self._ari_task is not None:
            self._ari_task.cancel()
            await asyncio.gather(self._ari_task, return_exceptions=True)
        await self.flow.close()
        if self.coaching is not None:
            await self.coaching.close()
        await self.ari.close()
        await self.queues.close()
        await self.call_log.close()
        await self.engine.dispose()

    # -- views for the API and the live page -------------------------------------------------
    def ari_connected(self) -> bool:
        return bool(self.ari.is_connected)

    async def health_report(self) -> dict[str, Any]:
        """Each part's state and the overall one: the database takes writes (a probe), the
        call log's and the queue log's last writes went in, the queue replica follows the
        log, ARI is connected. A failing part says why and since when (no patient data)."""
        await self.health.probe(self.engine)
        connected = self.ari_connected()
        self.health.observe(ARI, None if connected else "not connected to ARI")
        failing = self.health.failing()
        parts: dict[str, dict[str, Any]] = {}
        for part in PARTS:
            failure = failing.get(part)
            parts[part] = {"status": "ok"} if failure is None \
                else {"status": "failing", **failure.as_dict()}
        parts[CALL_LOG]["unwritten"] = self.call_log.unwritten
        parts[QUEUE_LOG]["unwritten"] = self.queues.replica.unwritten
        return {
            "status": "failing" if failing else "ok",
            "failing": sorted(failing),
            "parts": parts,
            "instance_id": self.instance_id,
            "ari_connected": connected,
            "database": "failing" if DATABASE in failing else "ok",
            "version": self.version,
        }

    def live_calls(self) -> list[dict[str, Any]]:
        return [self._call_view(r.as_dict()) for r in self.call_log.live()]

    def _call_view(self, call: dict[str, Any]) -> dict[str, Any]:
        region = self.settings.regions.get(call.get("region") or "")
        call["region_name"] = region.name if region else None
        nurse = self.queues.nurse_info(call["nurse_id"]) if call.get("nurse_id") else None
        call["nurse_name"] = nurse["display_name"] if nurse else None
        return call

    def snapshot(self, scope: RegionScope | None = None) -> dict[str, Any]:
        """What the live page shows, limited to what ``scope`` may see (``None``: all)."""
        recent = [self._call_view(r.as_dict()) for r in self.call_log.recent(20)]
        agents = self.queues.nurse_snapshot()
        for agent in agents:
            region = self.settings.regions.get(agent["region"])
            agent["region_name"] = region.name if region else agent["region"]
        calls = self.live_calls()
        queues = self.queues.queue_snapshot()
        if scope is not None:
            calls = [c for c in calls if self.call_visible(scope, c)]
            recent = [c for c in recent if self.call_visible(scope, c)]
            agents = [a for a in agents if scope.can_access_region(a["region"])]
            queues = [q for q in queues if self.queue_visible(scope, q["queue_id"])]
        return {
            "type": "snapshot",
            "server_time": self.clock().isoformat(),
            "instance_id": self.instance_id,
            "ari_connected": self.ari_connected(),
            "calls": calls,
            "queues": queues,
            "agents": agents,
            "recent": recent,
            "totals": self.queues.totals(),
        }

    def queue_visible(self, scope: RegionScope, queue_id: str) -> bool:
        """Everyone sees the national queue; a regional queue only its region's users."""
        return queue_id == self.settings.queues.national_queue.id \
            or scope.can_access_region(queue_id)

    def call_visible(self, scope: RegionScope, call: dict[str, Any]) -> bool:
        """A call is seen by the users of its region; one without a region by everyone in the
        national queue, by national users only in the IVR (``contactcenter.calls.visibility``)."""
        return visibility.call_visible(scope, call, self.settings.queues.national_queue.id)

    def notify(self) -> None:
        """Tell live viewers that something changed (coalesced per loop iteration)."""
        self.bus.changed()
