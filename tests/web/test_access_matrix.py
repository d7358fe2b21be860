"""Route × role × region: every route of the running app, asked by every role of region 01
(and a national supervisor and staffing system) about objects of region 01 and region 03.

A route without a case here fails :func:`test_every_route_of_the_app_has_a_case`. The
labels are explained in :mod:`tests.web.access_matrix`. The core API's rule: an object
the user cannot see answers 404, a region or national action that is not theirs 403; a
staffing system never receives a caller's number. For the contexts' routes (journal,
catalog, guidelines) the matrix records role-level expectations only.

``RADGIVNING_ACCESS_MATRIX=path.md`` writes the observed matrix as a Markdown table.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from contactcenter.identity.model import Role
from tests.web.access_matrix import (
    COLUMNS,
    NATIONAL_TARGET,
    NO_TARGET,
    NUMBERS,
    Case,
    Column,
    Request,
    World,
    bulletin_of,
    markdown,
    matches,
    observe,
    start_world,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
R = Role
NATIONAL = (NO_TARGET,)
READERS = (R.NURSE, R.SUPERVISOR, R.STAFFING_SYSTEM, R.REGION_ADMIN)
WALLBOARD_VIEWERS = (R.SUPERVISOR, R.STAFFING_SYSTEM, R.REGION_ADMIN)
TEST_NAME = "tests/web/test_access_matrix.py::test_each_user_gets_the_expected_answer"
Expect = Callable[[Column, str], str]


def everyone(label: str = "allowed", anonymous: str | None = None) -> Expect:
    """Public routes: the same answer for all (``anonymous``: another one when logged out)."""
    return lambda column, _target: anonymous if anonymous and column.role is None else label


def roles(*allowed: Role, ok: str = "allowed", other_region: str | None = None,
          national: str | None = None) -> Expect:
    """401 logged out, 403 without one of ``allowed``; then ``other_region`` for a target
    region the user does not hold, ``national`` for a user without ``*``; else ``ok``."""
    def expect(column: Column, target: str) -> str:
        if column.role is None:
            return "401"
        if column.role not in allowed:
            return "403"
        if other_region and target != NO_TARGET and not column.holds(target):
            return other_region
        if national and not column.holds("*"):
            return national
        return ok
    return expect


def agent_state(column: Column, target: str) -> str:
    """A nurse may change only their own state (a fellow nurse's: 403), a supervisor their
    regions' nurses'; another region's nurse is not revealed (404)."""
    base = roles(R.NURSE, R.SUPERVISOR, other_region="404")(column, target)
    return "403" if base == "allowed" and column.role is R.NURSE else base


def listed(key: str, field: str, wanted: Callable[[World, str], str]
           ) -> Callable[[World, str], Callable[[object], bool]]:
    """For a list response: whether an item with ``item[field] == wanted`` is under ``key``."""
    return lambda world, target: lambda body: any(
        item.get(field) == wanted(world, target) for item in body[key])  # type: ignore[index]


def _calls(world: World, target: str) -> str:
    return world.calls[target]


def _later(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def _redirect_exists(world: World, target: str) -> None:
    if f"m-{target}" not in world.services.queues.engine.rules.redirects:
        now = datetime.now(UTC)
        await world.services.queues.supervise(
            "redirect", by="matrix", redirect_id=f"m-{target}", from_region=target,
            to_region="12", start=now + timedelta(hours=5), end=now + timedelta(hours=6),
            why="matrix")


def _mode(world: World) -> str:
    return min(world.services.queues.engine.rules.schedules)


def req(path: str, json: object = None) -> Callable[[World, str], Request]:
    return lambda _world, _target: Request(path, json)


WHY = {"why": "matris"}
COACHING = "/api/v1/coaching"
GUIDE = "/api/v1/guidelines"
JOURNAL = "/api/v1/journal"
UNIT = "/api/v1/catalog/units/SE0000000000-MATRIS"
CATALOG_READERS = (R.NURSE, R.SUPERVISOR, R.REGION_ADMIN)
GUIDE_READERS = (R.NURSE, R.SUPERVISOR, R.CONTENT_EDITOR)
GUIDE_EDITORS = (R.CONTENT_EDITOR,)
GUIDE_APPROVERS = (R.CONTENT_EDITOR, R.SUPERVISOR)
# The journal decides by participation too (which nurse answered the call, a stated
# reason); only the role-level answer is asserted, the nurse's is recorded.
NURSE_BY_PARTICIPATION = {R.NURSE: "*"}


def journal(*allowed: Role, per_role: dict[Role, str] | None = None) -> Expect:
    """Journal routes: 401, 403 without ``allowed``, else ``per_role`` or "role ok"."""
    base, overrides = roles(*allowed, ok="role ok"), per_role or {}

    def expect(column: Column, target: str) -> str:
        if column.role in allowed and column.role in overrides:
            return overrides[column.role]
        return base(column, target)
    return expect


CONSOLE = "/api/v1/console"
CONSOLE_ROUTES = [  # method, route, request path (when it differs), body
    ("GET", "", None, None), ("GET", "/codes", None, None),
    ("POST", "/state", None, {"state": "paused", "reason": "RAST"}),
    ("POST", "/answer", None, {}), ("POST", "/hangup", None, {}),
    ("POST", "/resume", None, {"call_id": "no-such-call"}),
    ("POST", "/phase", None, {"phase": "lyssna"}), ("GET", "/search", "/search?q=feber", None),
    ("POST", "/guidelines/{guideline_id}", "/guidelines/feber-vuxen", {}),
    ("POST", "/criteria", None, {"guideline_id": "feber-vuxen", "ticked": []}),
    ("POST", "/decision", None, {}), ("GET", "/referrals", None, None),
    ("POST", "/referral", None, {}), ("PUT", "/draft", None, {"draft_revision": 0, "fields": {}}),
    ("POST", "/contact-reason", None, {}), ("POST", "/sign", None, {}),
    ("GET", "/events", None, None),
]


BULLETINS = "/api/v1/bulletins"
BULLETIN_TARGETS = ("01", "03", NATIONAL_TARGET)


def bulletin_writer(ok: str) -> Expect:
    """A supervisor writes for her regions; national: a national supervisor or an editor."""
    def expect(column: Column, target: str) -> str:
        if column.role is None:
            return "401"
        if target == NATIONAL_TARGET:
            allowed = column.role is R.CONTENT_EDITOR or (
                column.role is R.SUPERVISOR and column.holds("*"))
        else:
            allowed = column.role is R.SUPERVISOR and column.holds(target)
        return ok if allowed else "403"
    return expect


def bulletin_reader(column: Column, target: str) -> str:
    """A nurse acknowledges her region's and national bulletins; another region's is
    not hers (404)."""
    if column.role is None:
        return "401"
    if column.role is not R.NURSE:
        return "403"
    return "200" if target == NATIONAL_TARGET or column.holds(target) else "404"


def bulletin_listed(column: Column, target: str) -> str:
    """The writers' list holds what each writer may manage."""
    if column.role not in (R.SUPERVISOR, R.CONTENT_EDITOR):
        return "401" if column.role is None else "403"
    return "listed" if bulletin_writer("ok")(column, target) == "ok" else "hidden"


def _bulletin_body(target: str) -> dict[str, object]:
    return {"title": "Matris", "text": "Fiktivt testmeddelande.",
            "region": None if target == NATIONAL_TARGET else target}


def _bulletin_request(suffix: str, body: bool) -> Callable[[World, str], Request]:
    return lambda world, target: Request(
        f"{BULLETINS}/{world.bulletins[target]}{suffix}",
        _bulletin_body(target) if body else {})


async def _has_bulletin(world: World, target: str) -> None:
    await bulletin_of(world, target)


BULLETIN_CASES = [
    Case("GET", BULLETINS, lambda world, target: Request(
        BULLETINS, listed=lambda body: any(b["bulletin_id"] == world.bulletins[target]
                                           for b in body["bulletins"])),  # type: ignore[index]
         bulletin_listed, BULLETIN_TARGETS, _has_bulletin),
    Case("POST", BULLETINS, lambda _world, target: Request(BULLETINS, _bulletin_body(target)),
         bulletin_writer("201"), BULLETIN_TARGETS),
    Case("PUT", f"{BULLETINS}/{{bulletin_id}}", _bulletin_request("", body=True),
         bulletin_writer("200"), BULLETIN_TARGETS, _has_bulletin),
    Case("POST", f"{BULLETINS}/{{bulletin_id}}/withdraw", _bulletin_request("/withdraw", False),
         bulletin_writer("200"), BULLETIN_TARGETS, _has_bulletin),
    Case("POST", f"{CONSOLE}/bulletins/{{bulletin_id}}/acknowledge",
         lambda world, target: Request(
             f"{CONSOLE}/bulletins/{world.bulletins[target]}/acknowledge", {}),
         bulletin_reader, BULLETIN_TARGETS, _has_bulletin),
    Case("POST", f"{CONSOLE}/briefing/acknowledge", req(f"{CONSOLE}/briefing/acknowledge", {}),
         roles(R.NURSE, ok="200"), NATIONAL),
]


def page_for(*roles_landing: Role) -> Expect:
    """A page: 200 for the roles it is for, 303 (to the login or to their own page) for
    everyone else."""
    return lambda column, _target: "200" if column.role in roles_landing else "303"


def _entry(world: World, suffix: str = "") -> str:
    return f"{JOURNAL}/entries/{world.journal_entry}{suffix}"


CASES = [
    # -- pages, login and the public API ------------------------------------------------------
    Case("GET", "/", req("/"), page_for(R.SUPERVISOR, R.STAFFING_SYSTEM, R.REGION_ADMIN,
                                         R.CONTENT_EDITOR, R.AUDITOR), NATIONAL),
    Case("GET", "/console", req("/console"), page_for(R.NURSE), NATIONAL),
    Case("GET", "/wallboard", req("/wallboard"),
         page_for(R.SUPERVISOR, R.STAFFING_SYSTEM, R.REGION_ADMIN), NATIONAL),
    Case("GET", "/bulletins", req("/bulletins"), page_for(R.SUPERVISOR, R.CONTENT_EDITOR),
         NATIONAL),
    Case("GET", "/static", req("/static/live.js"), everyone("200"), NATIONAL),
    Case("GET", "/login", req("/login"), everyone("200"), NATIONAL),
    Case("POST", "/login", req("/login", {"username": "sjukskoterska", "password": "demo"}),
         everyone("200"), NATIONAL),
    Case("POST", "/logout", req("/logout"), everyone("200"), NATIONAL),
    Case("GET", "/api/v1/health", req("/api/v1/health"), everyone("200"), NATIONAL),
    Case("GET", "/api/v1/openapi.json", req("/api/v1/openapi.json"), everyone("200"), NATIONAL),
    Case("GET", "/api/v1/auth/whoami", req("/api/v1/auth/whoami"),
         everyone("200", anonymous="401"), NATIONAL),
    # -- calls, queues, agents, the live feed -------------------------------------------------
    Case("GET", "/api/v1/calls",
         lambda w, t: Request("/api/v1/calls", listed=listed("calls", "call_id", _calls)(w, t)),
         roles(*READERS, ok="listed", other_region="hidden")),
    Case("GET", "/api/v1/calls/{call_id}/events",
         lambda w, t: Request(f"/api/v1/calls/{w.calls[t]}/events"),
         roles(R.SUPERVISOR, R.STAFFING_SYSTEM, other_region="404")),
    Case("GET", "/api/v1/queues",
         lambda w, t: Request("/api/v1/queues",
                              listed=listed("queues", "queue_id", lambda _w, t: t)(w, t)),
         roles(*READERS, ok="listed", other_region="hidden")),
    Case("GET", "/api/v1/agents",
         lambda w, t: Request("/api/v1/agents",
                              listed=listed("agents", "nurse_id",
                                            lambda w, t: w.nurses[t])(w, t)),
         roles(*READERS, ok="listed", other_region="hidden")),
    Case("POST", "/api/v1/agents/{nurse_id}/state",
         lambda w, t: Request(f"/api/v1/agents/{w.nurses[t]}/state",
                              {"state": "paused", "reason": "lunch"}), agent_state),
    Case("GET", "/api/v1/live",
         lambda w, t: Request("/api/v1/live", websocket=True,
                              listed=listed("calls", "call_id", _calls)(w, t)),
         roles(*READERS, ok="listed", other_region="hidden")),
    # -- the wallboard: the viewer's regions' queues and nurses, figures only -----------------
    Case("GET", "/api/v1/wallboard",
         lambda w, t: Request("/api/v1/wallboard",
                              listed=listed("nurses", "nurse_id", lambda w, t: w.nurses[t])(w, t)),
         roles(*WALLBOARD_VIEWERS, ok="listed", other_region="hidden")),
    Case("GET", "/api/v1/wallboard/live",
         lambda w, t: Request("/api/v1/wallboard/live", websocket=True,
                              listed=listed("queues", "id", lambda _w, t: t)(w, t)),
         roles(*WALLBOARD_VIEWERS, ok="listed", other_region="hidden")),
    # -- supervisor controls and statistics ---------------------------------------------------
    Case("POST", "/api/v1/supervisor/modes/{mode}",
         lambda w, _t: Request(f"/api/v1/supervisor/modes/{_mode(w)}", {"open": None, **WHY}),
         roles(R.SUPERVISOR, national="403"), NATIONAL),
    Case("POST", "/api/v1/supervisor/redirects",
         lambda _w, t: Request("/api/v1/supervisor/redirects", {
             "id": f"post-{t}", "from_region": t, "to_region": "12", "start": _later(3),
             "end": _later(4), **WHY}),
         roles(R.SUPERVISOR, other_region="403")),
    Case("DELETE", "/api/v1/supervisor/redirects/{redirect_id}",
         lambda _w, t: Request(f"/api/v1/supervisor/redirects/m-{t}", WHY),
         roles(R.SUPERVISOR, other_region="404"), prepare=_redirect_exists),
    Case("POST", "/api/v1/supervisor/crisis",
         lambda _w, t: Request("/api/v1/supervisor/crisis", {"region": t, "on": False, **WHY}),
         roles(R.SUPERVISOR, other_region="403")),
    Case("POST", "/api/v1/supervisor/calls/{call_id}/priority",
         lambda w, t: Request(f"/api/v1/supervisor/calls/{w.calls[t]}/priority",
                              {"priority": 0, **WHY}),
         roles(R.SUPERVISOR, other_region="404")),
    Case("POST", "/api/v1/supervisor/agents/{nurse_id}/{action}",
         lambda w, t: Request(f"/api/v1/supervisor/agents/{w.nurses[t]}/force-pause",
                              {"reason": "möte", **WHY}),
         roles(R.SUPERVISOR, other_region="404")),
    Case("GET", "/api/v1/statistics/intervals",
         lambda w, t: Request("/api/v1/statistics/intervals",
                              listed=listed("intervals", "queue", lambda _w, t: t)(w, t)),
         roles(R.STAFFING_SYSTEM, R.SUPERVISOR, ok="listed", other_region="hidden")),
    # -- journal (role level) -----------------------------------------------------------------
    Case("POST", f"{JOURNAL}/entries",
         lambda w, _t: Request(f"{JOURNAL}/entries", {"call_id": w.calls["01"], "region": "01"}),
         journal(R.NURSE, per_role=NURSE_BY_PARTICIPATION), NATIONAL),
    Case("GET", f"{JOURNAL}/entries/mine", req(f"{JOURNAL}/entries/mine"), journal(R.NURSE),
         NATIONAL),
    Case("GET", f"{JOURNAL}/entries/{{entry_id}}", lambda w, _t: Request(_entry(w)),
         journal(R.NURSE, per_role=NURSE_BY_PARTICIPATION), NATIONAL),
    Case("PUT", f"{JOURNAL}/entries/{{entry_id}}",
         lambda w, _t: Request(_entry(w), {"revision": 1, "content": {}}),
         journal(R.NURSE, per_role=NURSE_BY_PARTICIPATION), NATIONAL),
    Case("POST", f"{JOURNAL}/entries/{{entry_id}}/sign",
         lambda w, _t: Request(_entry(w, "/sign"), {"revision": 1}),
         journal(R.NURSE, per_role=NURSE_BY_PARTICIPATION), NATIONAL),
    Case("POST", f"{JOURNAL}/entries/{{entry_id}}/amendments",
         lambda w, _t: Request(_entry(w, "/amendments"), {"amendment_reason": "fel"}),
         journal(R.NURSE, per_role=NURSE_BY_PARTICIPATION), NATIONAL),
    Case("GET", f"{JOURNAL}/access-log", req(f"{JOURNAL}/access-log"), journal(R.AUDITOR),
         NATIONAL),
    Case("GET", f"{JOURNAL}/export", req(f"{JOURNAL}/export?region=01"),
         journal(R.REGION_ADMIN), NATIONAL),
    Case("POST", f"{JOURNAL}/patient-export",
         req(f"{JOURNAL}/patient-export", {"kind": "personnummer", "number": "19121212-1212"}),
         journal(R.REGION_ADMIN), NATIONAL),
    # -- nurse console: the nurse's own call only, no call id in any path ----------------------
    *[Case(method, f"{CONSOLE}{route}", req(f"{CONSOLE}{path or route}", body),
           roles(R.NURSE, ok="role ok"), NATIONAL) for method, route, path, body in CONSOLE_ROUTES],
    Case("GET", f"{CONSOLE}/statistics/phases",
         req(f"{CONSOLE}/statistics/phases?since=2026-12-01T00:00:00Z&until=2026-12-02T00:00:00Z"),
         roles(R.SUPERVISOR, ok="200"), NATIONAL),
    # -- bulletins: a supervisor's regions, national ones for editors and national supervisors
    *BULLETIN_CASES,
    # -- call coaching: supervisors of the nurse's region; the log for auditors too ----------
    Case("GET", COACHING, req(COACHING), roles(R.SUPERVISOR, ok="200"), NATIONAL),
    # The matrix's calls wait in the queue: a supervisor who may coach them hears 409.
    Case("POST", COACHING, lambda w, t: Request(COACHING, {"call_id": w.calls[t],
                                                           "mode": "listen", **WHY}),
         roles(R.SUPERVISOR, ok="409", other_region="404")),
    Case("POST", f"{COACHING}/{{session_id}}/mode",
         req(f"{COACHING}/nope/mode", {"mode": "whisper"}), roles(R.SUPERVISOR, ok="404"),
         NATIONAL),
    Case("DELETE", f"{COACHING}/{{session_id}}", req(f"{COACHING}/nope"),
         roles(R.SUPERVISOR, ok="404"), NATIONAL),
    Case("POST", f"{COACHING}/{{session_id}}/notes",
         req(f"{COACHING}/nope/notes", {"text": "bra"}), roles(R.SUPERVISOR, ok="404"),
         NATIONAL),
    Case("GET", f"{COACHING}/log", req(f"{COACHING}/log"),
         roles(R.SUPERVISOR, R.AUDITOR, ok="200"), NATIONAL),
    # -- referral catalog (role level) --------------------------------------------------------
    Case("GET", "/api/v1/catalog/units", req("/api/v1/catalog/units?region=01"),
         roles(*CATALOG_READERS, ok="role ok"), NATIONAL),
    Case("GET", "/api/v1/catalog/units/{hsa_id}", req(UNIT),
         roles(*CATALOG_READERS, ok="role ok"), NATIONAL),
    Case("POST", "/api/v1/catalog/units", req("/api/v1/catalog/units", {}),
         roles(R.REGION_ADMIN, ok="role ok"), NATIONAL),
    Case("PUT", "/api/v1/catalog/units/{hsa_id}", req(UNIT, {}),
         roles(R.REGION_ADMIN, ok="role ok"), NATIONAL),
    Case("POST", "/api/v1/catalog/units/{hsa_id}/retire", req(f"{UNIT}/retire", {}),
         roles(R.REGION_ADMIN, ok="role ok"), NATIONAL),
    Case("GET", "/api/v1/catalog/units/{hsa_id}/history", req(f"{UNIT}/history"),
         roles(*CATALOG_READERS, ok="role ok"), NATIONAL),
    Case("POST", "/api/v1/catalog/import", req("/api/v1/catalog/import?region=01", {}),
         roles(R.REGION_ADMIN, ok="role ok"), NATIONAL),
    Case("GET", "/api/v1/catalog/export", req("/api/v1/catalog/export?region=01"),
         roles(*CATALOG_READERS, ok="role ok"), NATIONAL),
    # -- decision support (role level) --------------------------------------------------------
    Case("GET", f"{GUIDE}/search", req(f"{GUIDE}/search?q=feber"),
         roles(*GUIDE_READERS, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/changes", req(f"{GUIDE}/changes"),
         roles(*GUIDE_READERS, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/deviations", req(f"{GUIDE}/deviations"),
         roles(*GUIDE_APPROVERS, ok="role ok"), NATIONAL),
    Case("POST", f"{GUIDE}/decisions", req(f"{GUIDE}/decisions", {}),
         roles(R.NURSE, R.SUPERVISOR, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/drafts", req(f"{GUIDE}/drafts"),
         roles(*GUIDE_APPROVERS, ok="role ok"), NATIONAL),
    Case("POST", f"{GUIDE}/drafts", req(f"{GUIDE}/drafts", {}),
         roles(*GUIDE_EDITORS, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/drafts/{{draft_id}}", req(f"{GUIDE}/drafts/999999"),
         roles(*GUIDE_APPROVERS, ok="role ok"), NATIONAL),
    Case("PUT", f"{GUIDE}/drafts/{{draft_id}}", req(f"{GUIDE}/drafts/999999", {}),
         roles(*GUIDE_EDITORS, ok="role ok"), NATIONAL),
    Case("POST", f"{GUIDE}/drafts/{{draft_id}}/submit", req(f"{GUIDE}/drafts/999999/submit"),
         roles(*GUIDE_EDITORS, ok="role ok"), NATIONAL),
    *[Case("POST", f"{GUIDE}/drafts/{{draft_id}}/{step}",
           req(f"{GUIDE}/drafts/999999/{step}"), roles(*GUIDE_APPROVERS, ok="role ok"),
           NATIONAL) for step in ("approve", "reject", "publish")],
    Case("GET", f"{GUIDE}/{{guideline_id}}", req(f"{GUIDE}/feber-barn"),
         roles(*GUIDE_READERS, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/{{guideline_id}}/versions", req(f"{GUIDE}/feber-barn/versions"),
         roles(*GUIDE_READERS, ok="role ok"), NATIONAL),
    Case("GET", f"{GUIDE}/{{guideline_id}}/diff", req(f"{GUIDE}/feber-barn/diff?from=1&to=1"),
         roles(*GUIDE_READERS, ok="role ok"), NATIONAL),
    Case("POST", f"{GUIDE}/{{guideline_id}}/assessment",
         req(f"{GUIDE}/feber-barn/assessment", {}), roles(*GUIDE_READERS, ok="role ok"),
         NATIONAL),
]
PARAMS = [pytest.param(case, target, id=f"{case.method} {case.route} {target}")
          for case in CASES for target in case.targets]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    world, sim, runner = await start_world(tmp_path_factory.mktemp("matrix"))
    try:
        yield world
    finally:
        await runner.cleanup()
        await world.services.stop()
        await sim.stop()
        out = os.environ.get("RADGIVNING_ACCESS_MATRIX")
        if out and world.rows:
            Path(out).write_text(markdown(world.rows, TEST_NAME), encoding="utf-8")


async def test_every_route_of_the_app_has_a_case(world: World) -> None:
    assert world.app is not None
    served = {(r.method, r.resource.canonical) for r in world.app.router.routes()
              if r.method != "HEAD"}
    covered = {(c.method, c.route) for c in CASES}
    assert served - covered == set(), "routes without an expectation in the access matrix"
    assert covered - served == set(), "expectations for routes the app does not have"


@pytest.mark.parametrize(("case", "target"), PARAMS)
async def test_each_user_gets_the_expected_answer(world: World, case: Case, target: str) -> None:
    cells: dict[str, str] = {}
    wrong = []
    async with aiohttp.ClientSession() as session:
        for column in COLUMNS:
            label, text = await observe(world, session, case, target, column)
            expected = case.expect(column, target)
            cells[column.name] = label
            if not matches(expected, label):
                wrong.append(f"{column.name}: expected {expected}, got {label} {text[:200]}")
            if column.role is R.STAFFING_SYSTEM:
                shown = [n for n in NUMBERS.values() if n in text]
                if shown:
                    wrong.append(f"{column.name}: received callers' numbers {shown}")
    world.rows.append((case.method, case.route, target, cells))
    assert not wrong, "\n".join(wrong)
