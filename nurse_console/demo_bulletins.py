"""A couple of sample bulletins for the demo, marked as fictional demo content (written
only onto an empty board)."""

from __future__ import annotations

from nurse_console.bulletins import BulletinService
from nurse_console.ports import Actor

DEMO_NOTICE = "Fiktivt demoinnehåll."
DEMO_WRITER = Actor("demo-redaktion", "Demoredaktionen (fiktiv)", frozenset({"supervisor"}),
                    frozenset({"*"}))


async def ensure_demo_bulletins(service: BulletinService, regions: list[str]) -> int:
    """One national bulletin and one for the first demo region; how many were written."""
    if await service.written(DEMO_WRITER):
        return 0
    samples = [
        {"title": "Demo: ny version av riktlinjen om feber hos barn", "priority": "important",
         "region": None,
         "text": "Läs igenom ändringarna i riktlinjen innan ditt första samtal. " + DEMO_NOTICE},
    ]
    if regions:
        samples.append({"title": "Demo: jourmottagningen har nya öppettider", "region": regions[0],
                        "priority": "normal",
                        "text": "Jourmottagningen i centrum stänger kl. 21 i helgen. "
                                + DEMO_NOTICE})
    for fields in samples:
        await service.publish(DEMO_WRITER, fields)
    return len(samples)
