"""Composition root: builds every service from the settings and wires them together."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from ari import AriClient
from contactcenter.bus import Bus
from contactcenter.callflow.callbacks import CallbackOptions
from contactcenter.callflow.controller import CallFlow
from contactcenter.callflow.ivr import Ivr, IvrSettings
from contactcenter.callflow.queueing import QueueRouter
from contactcenter.callflow.region import RegionResolver
from contactcenter.calls import visibility
from contactcenter.calls.service import CallLog
from contactcenter.db import create_engine, session_factory
from contactcenter.health import ARI, CALL_LOG, DATABASE, PARTS, QUEUE_LOG, Health
from contactcenter.identity.service import IdentityService
from contactcenter.settings import Settings
from decision_support.service import GuidelineService
from journal.service import JournalService
from referral_catalog.service import CatalogService
from shared_kernel.clock import Clock, utc_now

log = logging.getLogger(__name__)


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
    router: QueueRouter
    ari: AriClient
    flow: CallFlow
    bus: Bus
    clock: Clock
    instance_id: str
    health: Health = field(default_factory=Health)
    version: str = field(default_factory=_version)
    _ari_task: asyncio.Task[None] | None = None
    _notify_pending: bool = False

    async def start(self) -> None:
        """Load nurses, connect to ARI and start handling calls."""
        await self.router.load()
        await self.catalog.start()
        await self.guidelines.start()
        await self.ari.start()
        self._ari_task = asyncio.get_running_loop().create_task(self.ari.run(self.flow))

    async def stop(self) -> None:
        await self.ari.close()
        if self._ari_task is not None:
            self._ari_task.cancel()
            await asyncio.gather(self._ari_task, return_exceptions=True)
        await self.flow.close()
        await self.router.close()
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
        parts[QUEUE_LOG]["unwritten"] = self.router.replica.unwritten
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
        nurse = self.router.nurse_info(call["nurse_id"]) if call.get("nurse_id") else None
        call["nurse_name"] = nurse["display_name"] if nurse else None
        return call

    def snapshot(self, scope: RegionScope | None = None) -> dict[str, Any]:
        """What the live page shows, limited to what ``scope`` may see (``None``: all)."""
        recent = [self._call_view(r.as_dict()) for r in self.call_log.recent(20)]
        agents = self.router.nurse_snapshot()
        for agent in agents:
            region = self.settings.regions.get(agent["region"])
            agent["region_name"] = region.name if region else agent["region"]
        calls = self.live_calls()
        queues = self.router.queue_snapshot()
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
            "totals": self.router.totals(),
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
        if self._notify_pending:
            return
        self._notify_pending = True
        asyncio.get_running_loop().call_soon(self._publish)

    def _publish(self) -> None:
        self._notify_pending = False
        self.bus.publish({"type": "changed"})


def instance_id_from(settings: Settings) -> str:
    """The configured instance id, or the host name (stable across restarts)."""
    return settings.service.instance_id or socket.gethostname()


def build_services(settings: Settings, *, clock: Clock = utc_now) -> Services:
    """Wire every service of one instance from its settings (nothing is started yet)."""
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    sessions = session_factory(engine)
    bus = Bus()
    instance_id = instance_id_from(settings)
    holder: dict[str, Services] = {}

    def changed(*_: object) -> None:
        services = holder.get("s")
        if services is not None:
            services.notify()

    health = Health(clock)
    call_log = CallLog(engine, clock, instance_id, on_change=changed, health=health)
    resolver = RegionResolver.from_config_dir(settings.config_dir)
    cf = settings.callflow
    from contactcenter.queue_setup import engine_config

    router = QueueRouter(
        engine=engine,
        clock=clock,
        config=engine_config(settings),
        regions={code: r.name for code, r in settings.regions.items()},
        national_queue_name=settings.queues.national_queue.name,
        instance_id=instance_id,
        on_change=changed,
        health=health,
    )
    ari = AriClient(
        base_url=settings.ari.url,
        username=settings.ari.username,
        password=settings.ari.password,
        app=settings.ari.app,
        reconnect_min=settings.ari.reconnect_min_seconds,
        reconnect_max=settings.ari.reconnect_max_seconds,
    )
    ivr = Ivr(ari, IvrSettings(
        greeting=list(cf.greeting),
        region_menu_prompt=list(cf.region_menu_prompt),
        region_menu_attempts=cf.region_menu_attempts,
        dtmf_timeout_seconds=cf.dtmf_timeout_seconds,
        municipality_variable=cf.municipality_variable,
        relay_variable=cf.relay_variable,
    ), resolver)
    flow = CallFlow(
        ari=ari, ivr=ivr, router=router, call_log=call_log, clock=clock,
        inbound_extensions=list(cf.inbound_extensions), hold_music_class=cf.hold_music_class,
        nurse_originate_timeout=cf.nurse_originate_timeout_seconds,
        callback=CallbackOptions.from_settings(cf),
    )
    from contactcenter.contexts import CallLogDirectory, journal_config
    from referral_catalog.demo_fill import centres_for

    journal = JournalService(engine, clock, journal_config(settings),
                             calls=CallLogDirectory(engine, settings, call_log.flush))
    catalog = CatalogService(engine, clock, centres_for(settings.config_dir))
    from contactcenter.contexts import guideline_paths
    from decision_support.content import load_config as load_guideline_config
    from decision_support.content import load_library

    guideline_config, guideline_dir = guideline_paths(settings)
    decision_support = load_guideline_config(guideline_config)
    # Broken content stops the instance here, before it connects to anything.
    library = load_library(guideline_dir, decision_support)
    guidelines = GuidelineService(engine, clock, decision_support, guideline_dir,
                                  library=library)
    services = Services(
        settings=settings, engine=engine, identity=IdentityService(sessions, clock),
        journal=journal, catalog=catalog, guidelines=guidelines,
        call_log=call_log, router=router, ari=ari, flow=flow, bus=bus, clock=clock,
        instance_id=instance_id, health=health,
    )
    holder["s"] = services
    return services


async def start_web(services: Services, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve the web application; returns the runner and the bound port."""
    from contactcenter.web.app import create_app

    runner = web.AppRunner(create_app(services), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    bound = server.sockets[0].getsockname()[1] if server and server.sockets else port
    return runner, bound
