"""FHIR export pages built and validated in worker processes.

Full validation with the FHIR model library (``[fhir] validation = "full"``) costs
most of a FHIR export's time (about 35 element models per entry, each through
pydantic and fhir-core's validators), so pages can be handed to a small process
pool. With the default ``validation = "shape"`` (each Bundle shape validated in full
once per export and worker, then values by their FHIR primitive types; see
:mod:`journal.fhir`) one process already exceeds 3,000 entries/s, and workers
mainly add memory. At most ``2 × workers`` pages are in flight and they come back in
order, so memory stays bounded and the output is the same as the serial exporter's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import deque
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from journal.export import ExportFilter, Pseudonymiser, iter_pages

_chunk: Any = None  # the worker process's page function (keeps its validator cache)


def _init_worker(systems: Mapping[str, str], labels: Mapping[str, Mapping[str, str]]) -> None:
    global _chunk
    from journal.fhir import fhir_chunk_factory

    _chunk = fhir_chunk_factory(systems, labels)


def _page(rows: list[dict[str, Any]], key: bytes | None) -> str:
    assert _chunk is not None
    return str(_chunk([SimpleNamespace(**r) for r in rows],
                      Pseudonymiser(key) if key else None))


async def stream_fhir_parallel(engine: AsyncEngine, export_filter: ExportFilter,
                               batch_size: int, workers: int,
                               systems: Mapping[str, str],
                               labels: Mapping[str, Mapping[str, str]],
                               pseudonymise_key: bytes | None = None) -> AsyncIterator[str]:
    """NDJSON chunks of FHIR Bundles, pages validated by ``workers`` processes."""
    loop = asyncio.get_running_loop()
    # forkserver: never fork the (threaded) service process itself
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["journal.fhir"])
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(dict(systems), {k: dict(v) for k, v in labels.items()}))
    pending: deque[asyncio.Future[str]] = deque()
    try:
        async for rows in iter_pages(engine, export_filter.conditions(), batch_size):
            plain = [dict(r._mapping) for r in rows]
            pending.append(loop.run_in_executor(pool, _page, plain, pseudonymise_key))
            if len(pending) >= 2 * workers:
                yield await pending.popleft()
        while pending:
            yield await pending.popleft()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
