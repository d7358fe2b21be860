"""Adapters between the composition root and the bounded contexts.

Each context defines what it needs from outside in its own ``ports`` module (who
is acting, who answered a call); this module provides it from the identity and
call-log parts of the service, so the contexts never import ``contactcenter``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.calls.model import CallEventType
from contactcenter.calls.sql import call_events, calls
from contactcenter.identity.http import PRINCIPAL_KEY, principal
from contactcenter.settings import Settings
from decision_support.model import DecisionSupportConfig
from decision_support.ports import Actor as GuidelineActor
from journal.config import DEFAULT_PATH as JOURNAL_DEFAULT_CONFIG
from journal.config import JournalConfig, SharedCodes, load_config
from journal.ports import Actor as JournalActor
from journal.ports import CallFacts
from queues.ports import Actor as QueueActor
from queues.sql import nurses
from referral_catalog.model import CareType as CatalogCareType
from referral_catalog.ports import Actor as CatalogActor
from shared_kernel.errors import DomainError, ErrorKind


def care_provider_of(settings: Settings, regions: frozenset[str]) -> str | None:
    """The care provider (vårdgivare) a user works for: their region's organisation.

    A user of one region works for that region (its organisation number, or
    ``region-<code>`` where the number is not configured); users of several or
    all regions (auditors, staffing systems) belong to no single provider.
    """
    if len(regions) != 1 or "*" in regions:
        return None
    (code,) = tuple(regions)
    region = settings.regions.get(code)
    orgnr = getattr(region, "orgnr", None) if region is not None else None
    return orgnr or f"region-{code}"


def care_providers(settings: Settings) -> dict[str, str]:
    """The care provider of every configured region, as :func:`care_provider_of` gives a
    user of that region (for demo journal entries that must share them)."""
    return {code: care_provider_of(settings, frozenset({code})) or f"region-{code}"
            for code in settings.regions}


def journal_actor(settings: Settings):
    """``actor_of`` for :func:`journal.http.routes`: the logged-in principal as an Actor."""
    def actor_of(request: web.Request) -> JournalActor:
        who = principal(request)
        regions = frozenset(who.regions)
        return JournalActor(user_id=who.username, username=who.username,
                            roles=frozenset(str(r) for r in who.roles), regions=regions,
                            care_provider=care_provider_of(settings, regions))
    return actor_of


def shared_codes(config: DecisionSupportConfig, source: Path | str) -> SharedCodes:
    """Decision support's urgencies, care types and deviation reasons as the journal
    receives them: one coded list each for guidelines, catalog and journal."""
    return SharedCodes(
        urgencies={u.code: u.name for u in config.urgency_levels},
        care_types={c.code: c.name for c in config.care_types},
        deviation_reasons={r.code: r.name for r in config.deviation_reasons},
        source=str(source))


def check_catalog_care_types(config: DecisionSupportConfig, source: Path | str) -> None:
    """Every care type the catalog knows is one of decision support's care type codes, so
    a recommendation finds its units by code; a configuration without one of them stops
    the start (:class:`~decision_support.errors.ContentError` naming file and key)."""
    from decision_support.errors import ContentError
    from decision_support.schema import ContentProblem

    configured = {c.code for c in config.care_types}
    missing = [str(t) for t in CatalogCareType if t not in configured]
    if missing:
        raise ContentError([ContentProblem(
            str(source), "care_types",
            f"the referral catalog's care types {', '.join(missing)} are not configured "
            "(the catalog's units are of these types)")])


def journal_config(settings: Settings,
                   guidelines: DecisionSupportConfig | None = None) -> JournalConfig:
    """``journal.toml`` from the configuration folder (the packaged default otherwise),
    with the code lists of ``decision_support.toml`` (``guidelines``, when already
    loaded from it)."""
    from decision_support.content import load_config as load_guideline_config

    config_path, _ = guideline_paths(settings)
    guidelines = guidelines or load_guideline_config(config_path)
    path = Path(settings.config_dir) / "journal.toml"
    return load_config(path if path.exists() else JOURNAL_DEFAULT_CONFIG,
                       shared=shared_codes(guidelines, config_path))


class CallLogDirectory:
    """The journal's :class:`~journal.ports.CallDirectory` on the call log.

    A nurse took part in a call when the call events name her as answering it
    (``answered``, callbacks included) or as making one of its callback attempts
    (``callback_attempt``, reached or not). The call flow has no transfer between
    nurses today; a transferred call would be answered by its new nurse, an
    ``answered`` event too. Nurses are linked to logins by ``nurses.username``: one
    without a login takes part in no one's name. ``flush`` (the call log's) is awaited
    first, so a nurse who has just answered finds her call written.
    """

    _TOOK_PART = (CallEventType.ANSWERED.value, CallEventType.CALLBACK_ATTEMPT.value)

    def __init__(self, engine: AsyncEngine, settings: Settings,
                 flush: Callable[[], Awaitable[None]] | None = None) -> None:
        self._engine = engine
        self._settings = settings
        self._flush = flush

    async def call(self, call_id: str) -> CallFacts | None:
        """The call's region, care provider and the logins of the nurses who took part."""
        if self._flush is not None:
            try:
                async with asyncio.timeout(2.0):
                    await self._flush()
            except TimeoutError:  # the database is slow: answer from what is written
                pass
        async with self._engine.connect() as conn:
            row: Any = (await conn.execute(select(calls.c.region, calls.c.answered_at)
                                           .where(calls.c.call_id == call_id))).first()
            if row is None:
                return None
            events = (await conn.execute(
                select(call_events.c.type, call_events.c.data)
                .where(call_events.c.call_id == call_id,
                       call_events.c.type.in_(self._TOOK_PART))
                .order_by(call_events.c.seq))).all()
            named = [(e.type, str(e.data["nurse_id"])) for e in events
                     if isinstance(e.data, dict) and e.data.get("nurse_id")]
            roster = {n.nurse_id: n for n in (await conn.execute(
                select(nurses.c.nurse_id, nurses.c.username, nurses.c.home_region)
                .where(nurses.c.nurse_id.in_({n for _, n in named}))))} if named else {}
        answering = [roster[n] for kind, n in named
                     if kind == CallEventType.ANSWERED.value and n in roster]
        region = row.region or (answering[0].home_region if answering else None)
        return CallFacts(
            call_id=call_id, region=region,
            care_provider=care_provider_of(self._settings, frozenset({region}))
            if region else None,
            participants=frozenset(roster[n].username for _, n in named
                                   if n in roster and roster[n].username),
            answered=row.answered_at is not None
            or any(e.type == CallEventType.ANSWERED.value for e in events))


def catalog_actor(request: web.Request) -> CatalogActor:
    """``actor_of`` for :func:`referral_catalog.http.routes`."""
    who = principal(request)
    return CatalogActor(who.username, (str(r) for r in who.roles), who.regions)


def queue_actor(request: web.Request) -> QueueActor:
    """``actor_of`` for :func:`queues.http.routes` (401 without a login or token)."""
    who = request.get(PRINCIPAL_KEY)
    if who is None:
        raise DomainError("log in or send an API token (Authorization: Bearer)",
                          error_id="unauthenticated", kind=ErrorKind.UNAUTHENTICATED)
    return QueueActor(who.username, frozenset(str(r) for r in who.roles),
                      frozenset(who.regions))


def guideline_actor(request: web.Request) -> GuidelineActor:
    """``actor_of`` for :func:`decision_support.http.routes`."""
    who = principal(request)
    return GuidelineActor(who.username, frozenset(str(r) for r in who.roles),
                          frozenset(who.regions))


def guideline_paths(settings: Settings) -> tuple[Path, Path]:
    """``decision_support.toml`` and the guideline folder of the configuration."""
    from decision_support.content import DEFAULT_CONFIG_PATH, DEFAULT_CONTENT_DIR

    config = Path(settings.config_dir) / "decision_support.toml"
    content = Path(settings.config_dir) / "guidelines"
    return (config if config.exists() else DEFAULT_CONFIG_PATH,
            content if content.exists() else DEFAULT_CONTENT_DIR)
