"""The nurses this instance knows: names, home regions, phone endpoints and logins.

The roster comes from the ``nurses`` table (``radgivning nurse add``, the demo);
the engine knows nurses only by id, region and endpoint, so names and logins
for views and access decisions are kept here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from queues.sql import nurses


class Roster:
    """The active nurses, by id, as plain dicts (``nurse_id``, ``display_name``,
    ``region``, ``endpoint``, ``username``)."""

    def __init__(self) -> None:
        self._info: dict[str, dict[str, Any]] = {}

    async def load(self, db: AsyncEngine) -> None:
        """Read the active nurses from the database."""
        async with db.connect() as conn:
            rows = (await conn.execute(select(nurses).where(nurses.c.active.is_(True)))).all()
        for row in rows:
            self.remember(row.nurse_id, row.display_name, row.home_region, row.endpoint,
                          row.username)

    def remember(self, nurse_id: str, display_name: str, region: str, endpoint: str,
                 username: str | None) -> dict[str, Any]:
        info = {"nurse_id": nurse_id, "display_name": display_name, "region": region,
                "endpoint": endpoint, "username": username}
        self._info[nurse_id] = info
        return info

    def get(self, nurse_id: str) -> dict[str, Any] | None:
        return self._info.get(nurse_id)

    def all(self) -> list[dict[str, Any]]:
        return list(self._info.values())

    @property
    def by_id(self) -> dict[str, dict[str, Any]]:
        """The roster itself, by nurse id (for views)."""
        return self._info


class RosterStore:
    """The stored roster (``nurses``): add, list and retire nurses (``radgivning nurse``).
    A running instance reads it at start (:meth:`Roster.load`)."""

    def __init__(self, db: AsyncEngine) -> None:
        self._db = db

    async def add(self, nurse_id: str, display_name: str, region: str, endpoint: str,
                  username: str | None) -> bool:
        """Add an active nurse; False if the id is taken."""
        async with self._db.begin() as conn:
            existing = (await conn.execute(
                select(nurses.c.nurse_id).where(nurses.c.nurse_id == nurse_id))).first()
            if existing is not None:
                return False
            await conn.execute(nurses.insert().values(
                nurse_id=nurse_id, display_name=display_name, home_region=region,
                endpoint=endpoint, username=username, active=True))
        return True

    async def all(self) -> list[Any]:
        """Every nurse, active or retired, by region and id."""
        async with self._db.connect() as conn:
            return list((await conn.execute(
                select(nurses).order_by(nurses.c.home_region, nurses.c.nurse_id))).all())

    async def retire(self, nurse_id: str) -> bool:
        """Retire a nurse (kept for history, no longer in the roster); False if unknown."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                update(nurses).where(nurses.c.nurse_id == nurse_id).values(active=False))
        return bool(result.rowcount)
