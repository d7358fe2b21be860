"""Bulletins (meddelanden) of the information area: national and regional notices that
supervisors and content editors write and each nurse acknowledges ("Jag har läst").

Who may write: a supervisor for the regions she holds; for a national bulletin a national
supervisor (all regions) or a content editor. Who reads: the nurses of the bulletin's
region, and every nurse for a national one. Every write is logged. The store is
:class:`nurse_console.bulletin_sql.BulletinStore`; the roster is reached through
:class:`Roster`, so the service runs on fakes in tests.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from nurse_console.errors import ConsoleError, InvalidChoice
from nurse_console.ports import ALL_REGIONS, Actor
from shared_kernel.errors import ErrorKind

log = logging.getLogger(__name__)

PRIORITIES = {"normal": "Normal", "important": "Viktig"}
"""The priorities a bulletin may have, with their Swedish words."""
NATIONAL = None


class BulletinNotFound(ConsoleError):
    """No bulletin of that id (or not one the asker may see)."""

    kind = ErrorKind.NOT_FOUND
    error_id = "bulletin_not_found"


class NotAllowed(ConsoleError):
    """The user may not write bulletins for that region (or at all)."""

    kind = ErrorKind.FORBIDDEN
    error_id = "bulletin_not_allowed"


@dataclass(frozen=True)
class Bulletin:
    """One bulletin: ``region`` None for a national one; valid from ``valid_from`` until
    ``valid_to`` (None: until withdrawn); ``withdrawn_at`` once its writer took it back."""

    bulletin_id: str
    region: str | None
    title: str
    text: str
    priority: str
    valid_from: datetime
    valid_to: datetime | None
    author: str
    author_name: str
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None = None

    def shown_at(self, now: datetime) -> bool:
        """Whether nurses see it at ``now``."""
        return (self.withdrawn_at is None and self.valid_from <= now
                and (self.valid_to is None or now < self.valid_to))

    def plain(self) -> dict[str, Any]:
        """As JSON: times in ISO, the priority's Swedish word beside its code."""
        out = asdict(self)
        for key in ("valid_from", "valid_to", "created_at", "updated_at", "withdrawn_at"):
            out[key] = out[key].isoformat() if out[key] is not None else None
        out["priority_name"] = PRIORITIES[self.priority]
        return out


class Store(Protocol):
    """Where bulletins and acknowledgements are kept."""

    async def put(self, bulletin: Bulletin) -> None:
        """Insert or replace the bulletin."""
        ...

    async def get(self, bulletin_id: str) -> Bulletin | None: ...

    async def all(self) -> list[Bulletin]:
        """Every bulletin, newest first."""
        ...

    async def acknowledge(self, bulletin_id: str, username: str, at: datetime) -> None:
        """Record that ``username`` read it (a second time changes nothing)."""
        ...

    async def acknowledged(self, username: str) -> set[str]:
        """The bulletin ids ``username`` has acknowledged."""
        ...

    async def readers(self, bulletin_id: str) -> dict[str, datetime]:
        """Who acknowledged the bulletin, and when."""
        ...


class Roster(Protocol):
    """The nurses on the roster, as the bulletins need them."""

    def region_of(self, username: str) -> str | None:
        """The region of the nurse linked to ``username`` (None: not on the roster)."""
        ...

    def nurses(self) -> list[tuple[str, str, str]]:
        """Every nurse with a login: ``(username, display name, region)``."""
        ...


Clock = Callable[[], datetime]


class BulletinService:
    """Writing, withdrawing, showing and acknowledging bulletins (see the module).

    ``regions`` are the regions' codes and names; ``generation`` moves on every change,
    so a console's push knows to look again; ``on_change`` is told at once (the console's
    WebSocket)."""

    def __init__(self, store: Store, roster: Roster, clock: Clock, *,
                 regions: dict[str, str] | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self._store = store
        self._regions = dict(regions or {})
        self._roster = roster
        self._clock = clock
        self._on_change = on_change or (lambda: None)
        self.generation = 0

    # -- writing -----------------------------------------------------------------------

    @staticmethod
    def may_write(actor: Actor, region: str | None) -> bool:
        """A supervisor for her regions; national: a national supervisor or an editor."""
        if region is NATIONAL:
            return actor.has_role("content_editor") or (
                actor.has_role("supervisor") and ALL_REGIONS in actor.regions)
        return actor.has_role("supervisor") and (
            region in actor.regions or ALL_REGIONS in actor.regions)

    def writable_regions(self, actor: Actor) -> list[dict[str, str | None]]:
        """Where the user may write: ``code`` None for the whole country, then regions."""
        out: list[dict[str, str | None]] = []
        if self.may_write(actor, NATIONAL):
            out.append({"code": None, "name": "Hela landet"})
        out += [{"code": code, "name": name} for code, name in sorted(self._regions.items())
                if self.may_write(actor, code)]
        return out

    async def publish(self, actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
        """A new bulletin from ``title``, ``text``, ``priority``, ``region`` (None:
        national), ``valid_from`` (default now) and ``valid_to``."""
        now = self._clock()
        region, title, text, priority, start, end = _checked(fields, now)
        if region is not NATIONAL and self._regions and region not in self._regions:
            raise InvalidChoice("no region of that code", {"field": "region",
                                                           "allowed": sorted(self._regions)})
        self._check(actor, region)
        bulletin = Bulletin(str(uuid.uuid4()), region, title, text, priority, start, end,
                            actor.username, actor.display_name or actor.username, now, now)
        await self._store.put(bulletin)
        self._changed(actor, "published", bulletin)
        return bulletin.plain()

    async def edit(self, actor: Actor, bulletin_id: str, fields: dict[str, Any]
                   ) -> dict[str, Any]:
        """Change a bulletin's text, priority or validity (its region stays)."""
        old = await self._writable(actor, bulletin_id)
        _, title, text, priority, start, end = _checked(
            {**fields, "region": old.region}, self._clock(), default_start=old.valid_from)
        new = replace(old, title=title, text=text, priority=priority, valid_from=start,
                      valid_to=end, updated_at=self._clock())
        await self._store.put(new)
        self._changed(actor, "edited", new)
        return new.plain()

    async def withdraw(self, actor: Actor, bulletin_id: str) -> dict[str, Any]:
        """Take a bulletin back: nurses no longer see it; its reads stay on record."""
        old = await self._writable(actor, bulletin_id)
        now = self._clock()
        new = replace(old, withdrawn_at=old.withdrawn_at or now, updated_at=now)
        await self._store.put(new)
        self._changed(actor, "withdrew", new)
        return new.plain()

    async def written(self, actor: Actor) -> list[dict[str, Any]]:
        """The bulletins the user may manage, each with who has and has not read it."""
        if not actor.has_role("supervisor", "content_editor"):
            raise NotAllowed("only supervisors and content editors manage bulletins")
        out = []
        nurses = self._roster.nurses()
        for b in await self._store.all():
            if not self.may_write(actor, b.region):
                continue
            read = await self._store.readers(b.bulletin_id)
            audience = [n for n in nurses if b.region is NATIONAL or n[2] == b.region]
            out.append({**b.plain(),
                        "region_name": self._regions.get(b.region or "", b.region),
                        "read_by": [{"username": u, "display_name": d,
                                     "read_at": read[u].isoformat()}
                                    for u, d, _ in audience if u in read],
                        "not_read_by": [{"username": u, "display_name": d}
                                        for u, d, _ in audience if u not in read]})
        return out

    def _check(self, actor: Actor, region: str | None) -> None:
        if not self.may_write(actor, region):
            log.warning("bulletin: %s may not write for %s", actor.username,
                        region or "the whole country")
            raise NotAllowed("you may not write bulletins for that region",
                             {"region": region})

    async def _writable(self, actor: Actor, bulletin_id: str) -> Bulletin:
        if not actor.has_role("supervisor", "content_editor"):
            raise NotAllowed("only supervisors and content editors manage bulletins")
        bulletin = await self._store.get(bulletin_id)
        if bulletin is None:
            raise BulletinNotFound("no such bulletin", {"bulletin_id": bulletin_id})
        self._check(actor, bulletin.region)
        return bulletin

    def _changed(self, actor: Actor, what: str, bulletin: Bulletin) -> None:
        log.info("bulletin %s %s %s (%s, %s)", actor.username, what, bulletin.bulletin_id,
                 bulletin.region or "national", bulletin.priority)
        self.generation += 1
        self._on_change()

    # -- reading -----------------------------------------------------------------------

    def region_of(self, actor: Actor) -> str | None:
        """The region of the nurse on the roster (None: the login is not on it)."""
        return self._roster.region_of(actor.username)

    async def unread(self, actor: Actor, region: str | None = None) -> list[dict[str, Any]]:
        """The bulletins shown to the nurse now that she has not acknowledged, the
        important first, then the newest."""
        region = region or self._roster.region_of(actor.username)
        if region is None:
            return []
        now = self._clock()
        seen = await self._store.acknowledged(actor.username)
        shown = [b for b in await self._store.all()
                 if b.shown_at(now) and b.region in (NATIONAL, region)
                 and b.bulletin_id not in seen]
        shown.sort(key=lambda b: (b.priority != "important", -b.valid_from.timestamp()))
        return [b.plain() for b in shown]

    async def acknowledge(self, actor: Actor, bulletin_id: str) -> None:
        """The nurse has read the bulletin ("Jag har läst"); stored and logged."""
        region = self._roster.region_of(actor.username)
        bulletin = await self._store.get(bulletin_id)
        if region is None or bulletin is None or bulletin.region not in (NATIONAL, region):
            raise BulletinNotFound("no such bulletin", {"bulletin_id": bulletin_id})
        await self._store.acknowledge(bulletin_id, actor.username, self._clock())
        log.info("bulletin %s read by %s", bulletin_id, actor.username)
        self.generation += 1
        self._on_change()


def _checked(fields: dict[str, Any], now: datetime, default_start: datetime | None = None
             ) -> tuple[str | None, str, str, str, datetime, datetime | None]:
    """The fields of a bulletin, checked (InvalidChoice names the field)."""
    region = fields.get("region")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        raise InvalidChoice("region must be a region code, or null for national",
                            {"field": "region"})
    title, text = _text(fields, "title", 120), _text(fields, "text", 4000)
    priority = fields.get("priority", "normal")
    if priority not in PRIORITIES:
        raise InvalidChoice("priority must be normal or important",
                            {"field": "priority", "allowed": sorted(PRIORITIES)})
    start = _time(fields, "valid_from") or default_start or now
    end = _time(fields, "valid_to")
    if end is not None and end <= start:
        raise InvalidChoice("valid_to must be after valid_from", {"field": "valid_to"})
    return region, title, text, priority, start, end


def _text(fields: dict[str, Any], name: str, limit: int) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidChoice(f"{name} is required text of at most {limit} characters",
                            {"field": name})
    return value.strip()


def _time(fields: dict[str, Any], name: str) -> datetime | None:
    raw = fields.get(name)
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidChoice(f"{name} must be an ISO 8601 time with its offset",
                            {"field": name})
    return value
