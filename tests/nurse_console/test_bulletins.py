"""Bulletins on a fake roster and the real store (SQLite, and PostgreSQL when given): who
may write them for which region, who sees them, and each nurse's acknowledgement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, ClassVar

import pytest

from contactcenter.db import create_engine, upgrade
from nurse_console.bulletin_sql import BulletinStore
from nurse_console.bulletins import BulletinNotFound, BulletinService, NotAllowed
from nurse_console.errors import InvalidChoice
from nurse_console.ports import Actor
from tests.nurse_console.fakes import FakeClock


def actor(name: str, role: str, *regions: str) -> Actor:
    return Actor(name, name.title(), frozenset({role}), frozenset(regions))


NURSE_01 = actor("anna", "nurse", "01")
NURSE_01B = actor("berit", "nurse", "01")
NURSE_03 = actor("cecilia", "nurse", "03")
SUPERVISOR_01 = actor("handledare", "supervisor", "01")
NATIONAL_SUPERVISOR = actor("rikshandledare", "supervisor", "*")
EDITOR = actor("redaktor", "content_editor", "01")
AUDITOR = actor("granskare", "auditor", "01")


class FakeRoster:
    """Three nurses: two of region 01, one of 03."""

    nurses_on: ClassVar[dict[str, tuple[str, str]]] = {"anna": ("Anna", "01"), "berit": ("Berit", "01"), "cecilia": ("Cecilia", "03")}

    def region_of(self, username: str) -> str | None:
        found = self.nurses_on.get(username)
        return found[1] if found else None

    def nurses(self) -> list[tuple[str, str, str]]:
        return sorted((u, d, r) for u, (d, r) in self.nurses_on.items())


class Board:
    def __init__(self, service: BulletinService, clock: FakeClock) -> None:
        self.service, self.clock, self.changes = service, clock, 0

    async def titles(self, who: Actor) -> list[str]:
        return [b["title"] for b in await self.service.unread(who)]


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[Board]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    clock = FakeClock()
    holder: list[Board] = []
    service = BulletinService(BulletinStore(engine), FakeRoster(), clock,
                              on_change=lambda: setattr(holder[0], "changes",
                                                        holder[0].changes + 1))
    holder.append(Board(service, clock))
    yield holder[0]
    await engine.dispose()


def fields(title: str, region: str | None = "01", **more: Any) -> dict[str, Any]:
    return {"title": title, "text": f"Text om {title}.", "region": region, **more}


async def test_a_regional_bulletin_is_shown_to_the_nurses_of_its_region_only(board: Board
                                                                             ) -> None:
    await board.service.publish(SUPERVISOR_01, fields("Ny rutin"))
    assert await board.titles(NURSE_01) == ["Ny rutin"]
    assert await board.titles(NURSE_03) == []
    assert board.changes == 1


async def test_a_national_bulletin_is_shown_to_every_nurse(board: Board) -> None:
    await board.service.publish(EDITOR, fields("Driftstörning", region=None))
    assert await board.titles(NURSE_01) == ["Driftstörning"]
    assert await board.titles(NURSE_03) == ["Driftstörning"]


@pytest.mark.parametrize(("who", "region", "allowed"), [
    (SUPERVISOR_01, "01", True), (SUPERVISOR_01, "03", False), (SUPERVISOR_01, None, False),
    (NATIONAL_SUPERVISOR, "03", True), (NATIONAL_SUPERVISOR, None, True),
    (EDITOR, None, True), (EDITOR, "01", False), (NURSE_01, "01", False),
    (AUDITOR, "01", False), (AUDITOR, None, False)])
async def test_only_a_supervisor_of_the_region_or_for_national_an_editor_writes(
        board: Board, who: Actor, region: str | None, allowed: bool) -> None:
    if allowed:
        await board.service.publish(who, fields("Rutin", region=region))
    else:
        with pytest.raises(NotAllowed):
            await board.service.publish(who, fields("Rutin", region=region))
        assert board.changes == 0


async def test_acknowledging_hides_the_bulletin_for_her_and_the_writer_sees_who_read_it(
        board: Board) -> None:
    b = await board.service.publish(SUPERVISOR_01, fields("Ny rutin"))
    await board.service.acknowledge(NURSE_01, b["bulletin_id"])
    await board.service.acknowledge(NURSE_01, b["bulletin_id"])  # a second time: no change
    assert await board.titles(NURSE_01) == []
    assert await board.titles(NURSE_01B) == ["Ny rutin"]
    [written] = await board.service.written(SUPERVISOR_01)
    assert [r["display_name"] for r in written["read_by"]] == ["Anna"]
    assert [r["display_name"] for r in written["not_read_by"]] == ["Berit"]


async def test_a_nurse_of_another_region_cannot_acknowledge_a_regional_bulletin(
        board: Board) -> None:
    b = await board.service.publish(SUPERVISOR_01, fields("Ny rutin"))
    with pytest.raises(BulletinNotFound):
        await board.service.acknowledge(NURSE_03, b["bulletin_id"])


async def test_a_writer_lists_only_the_bulletins_of_her_regions(board: Board) -> None:
    await board.service.publish(SUPERVISOR_01, fields("Stockholm"))
    await board.service.publish(NATIONAL_SUPERVISOR, fields("Uppsala", region="03"))
    await board.service.publish(EDITOR, fields("Nationellt", region=None))
    assert [b["title"] for b in await board.service.written(SUPERVISOR_01)] == ["Stockholm"]
    assert sorted(b["title"] for b in await board.service.written(NATIONAL_SUPERVISOR)) == [
        "Nationellt", "Stockholm", "Uppsala"]
    assert [b["title"] for b in await board.service.written(EDITOR)] == ["Nationellt"]
    with pytest.raises(NotAllowed):
        await board.service.written(NURSE_01)


async def test_a_withdrawn_or_expired_bulletin_is_no_longer_shown(board: Board) -> None:
    now = board.clock.now
    gone = await board.service.publish(SUPERVISOR_01, fields("Tas bort"))
    await board.service.publish(SUPERVISOR_01, fields(
        "Kort", valid_to=(now + timedelta(hours=1)).isoformat()))
    await board.service.publish(SUPERVISOR_01, fields(
        "Senare", valid_from=(now + timedelta(hours=2)).isoformat()))
    await board.service.withdraw(SUPERVISOR_01, gone["bulletin_id"])
    assert await board.titles(NURSE_01) == ["Kort"]
    board.clock.advance(3 * 3600)
    assert await board.titles(NURSE_01) == ["Senare"]


async def test_important_bulletins_come_first(board: Board) -> None:
    await board.service.publish(SUPERVISOR_01, fields("Vanlig"))
    board.clock.advance(60)
    await board.service.publish(SUPERVISOR_01, fields("Viktig", priority="important"))
    board.clock.advance(60)
    await board.service.publish(SUPERVISOR_01, fields("Nyast"))
    assert await board.titles(NURSE_01) == ["Viktig", "Nyast", "Vanlig"]


async def test_an_edit_changes_the_text_and_only_a_writer_of_the_region_may_edit(
        board: Board) -> None:
    b = await board.service.publish(NATIONAL_SUPERVISOR, fields("Uppsala", region="03"))
    with pytest.raises(NotAllowed):
        await board.service.edit(SUPERVISOR_01, b["bulletin_id"], fields("Ändrad"))
    with pytest.raises(NotAllowed):
        await board.service.withdraw(NURSE_03, b["bulletin_id"])
    with pytest.raises(BulletinNotFound):
        await board.service.withdraw(NATIONAL_SUPERVISOR, "no-such-bulletin")
    edited = await board.service.edit(NATIONAL_SUPERVISOR, b["bulletin_id"],
                                      fields("Ändrad", priority="important"))
    assert (edited["title"], edited["region"], edited["priority_name"]) == (
        "Ändrad", "03", "Viktig")
    assert [x["title"] for x in await board.service.unread(NURSE_03)] == ["Ändrad"]


@pytest.mark.parametrize(("bad", "field"), [
    ({"title": ""}, "title"), ({"text": None}, "text"), ({"priority": "urgent"}, "priority"),
    ({"valid_from": "i morgon"}, "valid_from"), ({"valid_to": "2026-12-04T09:00:00"}, "valid_to"),
    ({"valid_to": "2026-12-04T09:00:00+00:00"}, "valid_to"), ({"region": 3}, "region")])
async def test_bad_fields_are_refused_naming_the_field(board: Board, bad: dict[str, Any],
                                                      field: str) -> None:
    with pytest.raises(InvalidChoice) as refused:
        await board.service.publish(SUPERVISOR_01, {**fields("Rutin"), **bad})
    assert refused.value.details["field"] == field
