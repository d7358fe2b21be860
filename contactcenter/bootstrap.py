"""The composition root: the one place that builds engines and services.

:func:`build_services` wires a whole running instance from its settings;
:func:`open_services` gives a command line the parts it needs (one database
engine, the contexts' services built the same way as in the running service)
and closes them afterwards. Nothing else in the project constructs a database
engine or a context's service, so a setting reaches every use of a service.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from ari import AriClient
from contactcenter.bus import Bus
from contactcenter.callflow.callbacks import CallbackOptions
from contactcenter.callflow.coaching import CoachingNotPossible
from contactcenter.callflow.controller import CallFlow
from contactcenter.callflow.ivr import Ivr, IvrSettings
from contactcenter.callflow.region import RegionResolver
from contactcenter.calls.service import CallLog
from contactcenter.coaching.floor import LiveFloor
from contactcenter.coaching.service import CoachingService
from contactcenter.coaching.sql import CoachingStore
from contactcenter.console_ports import (
    CatalogReferrals,
    CoachPresence,
    DeskPhones,
    GuidelineChangeFeed,
    GuidelineSupport,
    JournalDrafts,
    RosterNurses,
    ServiceDesk,
)
from contactcenter.contexts import (
    CallLogDirectory,
    check_catalog_care_types,
    guideline_paths,
    journal_config,
)
from contactcenter.db import create_engine, session_factory
from contactcenter.health import Health
from contactcenter.identity.service import IdentityService
from contactcenter.services import Services
from contactcenter.settings import Settings
from contactcenter.wallboard_config import wallboard_config
from decision_support.content import load_config as load_guideline_config
from decision_support.content import load_library
from decision_support.model import DecisionSupportConfig
from decision_support.service import GuidelineService
from journal.service import JournalService
from nurse_console.briefing import ShiftBriefing
from nurse_console.bulletin_sql import BulletinStore, ShiftStore
from nurse_console.bulletins import BulletinService
from nurse_console.config import ConsoleConfig
from nurse_console.config import load_config as load_console_config
from nurse_console.ports import Codes, Phone
from nurse_console.service import ConsoleService
from nurse_console.sql import WorkStore
from queues.roster import RosterStore
from queues.service import QueueService
from queues.settings import engine_config
from referral_catalog.demo_fill import centres_for
from referral_catalog.service import CatalogService
from shared_kernel.clock import Clock, utc_now

__all__ = ["Parts", "Services", "build_services", "instance_id_from", "open_services",
           "start_web"]


def instance_id_from(settings: Settings) -> str:
    """The configured instance id, or the host name (stable across restarts)."""
    return settings.service.instance_id or socket.gethostname()


@dataclass
class Parts:
    """The contexts' services on one database engine, each built on first use the way the
    running service builds it (for commands, which need only some of them)."""

    settings: Settings
    engine: AsyncEngine
    clock: Clock = utc_now
    call_log: CallLog | None = None
    health: Health = field(default_factory=Health)

    @cached_property
    def identity(self) -> IdentityService:
        """Users, sessions and API tokens (the configured regions and token lifetime)."""
        return IdentityService(session_factory(self.engine), self.clock,
                               known_regions=self.settings.regions.keys(),
                               token_days=self.settings.http.api_token_days)

    @cached_property
    def roster(self) -> RosterStore:
        """The stored nurse roster (``radgivning nurse``)."""
        return RosterStore(self.engine)

    @cached_property
    def journal(self) -> JournalService:
        """The journal, deciding participation from the call log."""
        flush = self.call_log.flush if self.call_log is not None else None
        return JournalService(self.engine, self.clock,
                              journal_config(self.settings, self.guideline_config),
                              calls=CallLogDirectory(self.engine, self.settings, flush))

    @cached_property
    def catalog(self) -> CatalogService:
        """The referral catalog (call ``start()`` to load it for searches); its care types
        must be decision support's."""
        check_catalog_care_types(self.guideline_config, guideline_paths(self.settings)[0])
        return CatalogService(self.engine, self.clock, centres_for(self.settings.config_dir))

    @cached_property
    def guideline_config(self) -> DecisionSupportConfig:
        """``decision_support.toml``: the one source of the urgency, care type and deviation
        reason codes that guidelines, catalog and journal share."""
        return load_guideline_config(guideline_paths(self.settings)[0])

    @cached_property
    def guidelines(self) -> GuidelineService:
        """Decision support; broken content raises here, before anything connects."""
        _, content_dir = guideline_paths(self.settings)
        config = self.guideline_config
        library = load_library(content_dir, config)
        return GuidelineService(self.engine, self.clock, config, content_dir, library=library)


@asynccontextmanager
async def open_services(settings: Settings, *, clock: Clock = utc_now
                        ) -> AsyncIterator[Parts]:
    """The contexts' services for a command line; the database engine is closed after."""
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    try:
        yield Parts(settings, engine, clock)
    finally:
        await engine.dispose()


def _ivr(ari: AriClient, settings: Settings) -> Ivr:
    cf = settings.callflow
    return Ivr(ari, IvrSettings(
        greeting=list(cf.greeting),
        region_menu_prompt=list(cf.region_menu_prompt),
        region_menu_attempts=cf.region_menu_attempts,
        dtmf_timeout_seconds=cf.dtmf_timeout_seconds,
        municipality_variable=cf.municipality_variable,
        relay_variable=cf.relay_variable,
    ), RegionResolver.from_config_dir(settings.config_dir))


def _ari(settings: Settings) -> AriClient:
    return AriClient(
        base_url=settings.ari.url,
        username=settings.ari.username,
        password=settings.ari.password,
        app=settings.ari.app,
        reconnect_min=settings.ari.reconnect_min_seconds,
        reconnect_max=settings.ari.reconnect_max_seconds,
    )


def build_services(settings: Settings, *, clock: Clock = utc_now,
                   phone: Phone | None = None) -> Services:
    """Wire every service of one instance from its settings (nothing is started yet).

    ``phone`` is how the console works nurses' phones (the demo's simulated phones);
    by default they are desk phones, answered by lifting the receiver."""
    wallboard_config(settings.config_dir, settings.regions.keys())  # a bad file stops here
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    bus = Bus()
    instance_id = instance_id_from(settings)
    health = Health(clock)
    call_log = CallLog(engine, clock, instance_id, on_change=bus.changed, health=health)
    queues = QueueService(
        engine=engine,
        clock=clock,
        config=engine_config(settings),
        regions={code: r.name for code, r in settings.regions.items()},
        national_queue_name=settings.queues.national_queue.name,
        instance_id=instance_id,
        on_change=bus.changed,
        health=health,
    )
    ari = _ari(settings)
    cf = settings.callflow
    flow = CallFlow(
        ari=ari, ivr=_ivr(ari, settings), queues=queues, call_log=call_log, clock=clock,
        inbound_extensions=list(cf.inbound_extensions), hold_music_class=cf.hold_music_class,
        nurse_originate_timeout=cf.nurse_originate_timeout_seconds,
        callback=CallbackOptions.from_settings(cf),
    )
    parts = Parts(settings, engine, clock, call_log=call_log, health=health)
    services = Services(
        settings=settings, engine=engine, identity=parts.identity, journal=parts.journal,
        catalog=parts.catalog, guidelines=parts.guidelines, call_log=call_log, queues=queues,
        ari=ari, flow=flow, bus=bus, clock=clock, instance_id=instance_id, health=health,
    )
    services.coaching = _coaching(services)
    services.console = _console(services, phone or DeskPhones())
    return services


def _coaching(services: Services) -> CoachingService:
    return CoachingService(
        CoachingStore(services.engine), LiveFloor(services.flow, services.queues),
        services.flow.coaching, services.settings.coaching.endpoint_map(), services.clock,
        not_connected_error=CoachingNotPossible, on_change=services.bus.changed)


def console_config(settings: Settings) -> ConsoleConfig:
    """``console.toml`` from the configuration folder (the packaged default otherwise)."""
    path = Path(settings.config_dir) / "console.toml"
    return load_console_config(path if path.exists() else None)


def _console(services: Services, phone: Phone) -> ConsoleService:
    """The nurse console on the running parts, with the coded lists of decision support and
    the journal."""
    config = console_config(services.settings)
    guidelines = services.guidelines.config
    journal = services.journal.config
    codes = Codes(
        pause_reasons=config.pause_reasons,
        contact_reasons=dict(journal.contact_reasons),
        urgencies={u.code: u.name for u in guidelines.urgency_levels},
        care_types={c.code: c.name for c in guidelines.care_types},
        deviation_reasons={d.code: d.name for d in guidelines.deviation_reasons},
        sample_notice=services.guidelines.sample_notice)
    return ConsoleService(
        WorkStore(services.engine), ServiceDesk(services), phone,
        GuidelineSupport(services.guidelines),
        CatalogReferrals(services.catalog, config.urgency_windows),
        JournalDrafts(services.journal, services), codes, services.clock,
        repeat_window=config.repeat_window, on_change=services.bus.changed,
        bulletins=BulletinService(BulletinStore(services.engine), RosterNurses(services),
                                  services.clock, on_change=services.bus.changed,
                                  regions={c: r.name for c, r in
                                           services.settings.regions.items()}),
        briefing=ShiftBriefing(ShiftStore(services.engine),
                               GuidelineChangeFeed(services.guidelines), services.clock,
                               shift_gap=config.shift_gap, on_change=services.bus.changed),
        coaching=CoachPresence(services))


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
