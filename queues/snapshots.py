"""Snapshots of the queue engine, so a restart replays only what came after the newest one.

A line that is never idle (a national line answers day and night) never starts
a new generation, and replaying a generation from its start would take longer
every day. So every so often the replica that wrote a stretch of the log saves
the engine's whole state (and which instance owns each call) as it was after a
given row (``upto_id``); at start the newest snapshot of the generation is
loaded and only the commands after it are applied.

The state is the engine object graph serialised with :mod:`pickle`. It is
written by this service into its own database and read back by it only; it is
used only when its *fingerprint* matches: a hash of the queue engine's source
code and of the configuration, so a snapshot from other code or another
``queues.toml`` is never restored (the log is replayed instead, which is always
correct). The newest two snapshots of a generation are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pickle
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import queues
from queues.config import EngineConfig
from queues.engine import Engine
from queues.sql import queue_snapshots

log = logging.getLogger(__name__)

KEEP = 2


def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(queues.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_CODE = _code_hash()


def _canonical(value: Any) -> Any:
    """A form of ``value`` that is the same in every process (sets sorted, functions named)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__,
                [[f.name, _canonical(getattr(value, f.name))] for f in dataclasses.fields(value)]]
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return repr(value)


def fingerprint(config: EngineConfig) -> str:
    """What a snapshot must have been written with to be used: engine code and config."""
    return hashlib.sha256((_CODE + repr(_canonical(config))).encode()).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """An engine state after log row ``upto_id``, with the owner of each call."""

    upto_id: int
    engine: Engine
    owners: dict[str, str]


class SnapshotStore:
    """Save and load engine snapshots of one configuration."""

    def __init__(self, db: AsyncEngine, config: EngineConfig) -> None:
        self._db = db
        self._fingerprint = fingerprint(config)

    @staticmethod
    def freeze(engine: Engine, owners: dict[str, str]) -> bytes:
        """The state as bytes (take it while nothing changes the engine)."""
        return pickle.dumps((engine, dict(owners)), protocol=5)

    async def save(self, generation: str, upto_id: int, state: bytes, at: datetime) -> None:
        """Store a frozen state of ``generation`` after row ``upto_id``; drop older ones."""
        async with self._db.begin() as conn:
            await conn.execute(queue_snapshots.insert().values(
                generation=generation, upto_id=upto_id, taken_at=at,
                fingerprint=self._fingerprint, state=state))
            kept = (await conn.execute(
                select(queue_snapshots.c.id).order_by(queue_snapshots.c.id.desc())
                .limit(KEEP))).scalars().all()
            await conn.execute(delete(queue_snapshots).where(
                queue_snapshots.c.id.not_in(kept)))
        log.info("queue engine: snapshot of generation %s after row %d (%d bytes)",
                 generation, upto_id, len(state))

    async def newest(self, conn: AsyncConnection, generation: str, upto: int
                     ) -> Snapshot | None:
        """The newest usable snapshot of ``generation`` taken at or before row ``upto``."""
        row = (await conn.execute(
            select(queue_snapshots.c.upto_id, queue_snapshots.c.state)
            .where(queue_snapshots.c.generation == generation,
                   queue_snapshots.c.upto_id <= upto,
                   queue_snapshots.c.fingerprint == self._fingerprint)
            .order_by(queue_snapshots.c.upto_id.desc()).limit(1))).first()
        if row is None:
            return None
        try:
            engine, owners = pickle.loads(row.state)  # our own state from our own database
        except Exception:
            log.warning("queue engine: snapshot after row %d could not be read; replaying "
                        "the log instead", row.upto_id, exc_info=True)
            return None
        if not isinstance(engine, Engine) or not isinstance(owners, dict):
            return None
        return Snapshot(int(row.upto_id), engine, owners)


def snapshot_due(previous: int, last: int, every: int) -> bool:
    """Whether the rows after ``previous`` up to ``last`` cross a multiple of ``every``: the
    one instance that wrote that stretch takes the snapshot."""
    return every > 0 and last // every > previous // every
