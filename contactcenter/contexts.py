"""Adapters between the composition root and the bounded contexts.

Each context defines what it needs from outside in its own ``ports`` module (who
is acting, who answered a call); this module provides it from the identity and
call-log parts of the service, so the contexts never import ``contactcenter``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.calls.sql import calls
from contactcenter.identity.http import principal
from contactcenter.settings import Settings
from decision_support.ports import Actor as GuidelineActor
from journal.config import DEFAULT_PATH as JOURNAL_DEFAULT_CONFIG
from journal.config import JournalConfig, load_config
from journal.ports import Actor as JournalActor
from queues.sql import nurses
from referral_catalog.ports import Actor as CatalogActor


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


def journal_actor(settings: Settings):
    """``actor_of`` for :func:`journal.http.routes`: the logged-in principal as an Actor."""
    def actor_of(request: web.Request) -> JournalActor:
        who = principal(request)
        regions = frozenset(who.regions)
        return JournalActor(user_id=who.username, username=who.username,
                            roles=frozenset(str(r) for r in who.roles), regions=regions,
                            care_provider=care_provider_of(settings, regions))
    return actor_of


def journal_config(settings: Settings) -> JournalConfig:
    """``journal.toml`` from the configuration folder (the packaged default otherwise)."""
    path = Path(settings.config_dir) / "journal.toml"
    return load_config(path if path.exists() else JOURNAL_DEFAULT_CONFIG)


class CallLogDirectory:
    """Who answered a call, for the journal: the login linked to the answering nurse."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def answered_by(self, call_id: str) -> str | None:
        query = (select(nurses.c.username)
                 .select_from(calls.join(nurses, calls.c.nurse_id == nurses.c.nurse_id))
                 .where(calls.c.call_id == call_id, calls.c.answered_at.is_not(None)))
        async with self._engine.connect() as conn:
            row: Any = (await conn.execute(query)).first()
        return row.username if row is not None else None


def catalog_actor(request: web.Request) -> CatalogActor:
    """``actor_of`` for :func:`referral_catalog.http.routes`."""
    who = principal(request)
    return CatalogActor(who.username, (str(r) for r in who.roles), who.regions)


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
