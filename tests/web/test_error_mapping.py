"""Every domain error of the project is answered through the one kind-to-status table."""

from __future__ import annotations

import importlib
import pkgutil

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.web.errors import STATUS_OF_KIND, error_middleware, status_of
from shared_kernel.errors import DomainError, ErrorKind

PACKAGES = ("shared_kernel", "contactcenter", "queues", "decision_support", "referral_catalog",
            "journal", "ari", "ari_simulator")


def _import_every_module() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name.endswith("__main__") or ".migrations." in module.name:
                continue  # the command line's entry and alembic's scripts define no errors
            importlib.import_module(module.name)


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_kind_of_error_has_one_status() -> None:
    assert set(STATUS_OF_KIND) == set(ErrorKind)


def test_every_domain_error_of_the_project_maps_to_a_status_and_names_none_itself() -> None:
    _import_every_module()
    errors = [cls for cls in _subclasses(DomainError)
              if cls.__module__.split(".")[0] in PACKAGES]
    assert len(errors) >= 40  # every context's family, not only the web layer's own
    for cls in errors:
        assert STATUS_OF_KIND[cls.kind], cls
        assert cls.error_id and cls.error_id == cls.error_id.lower(), cls
        assert not hasattr(cls, "status"), f"{cls.__qualname__} names an HTTP status"


class _Throttled(DomainError):
    kind = ErrorKind.TOO_MANY
    error_id = "slow_down"
    retry_after = 7


async def test_the_middleware_answers_a_domain_error_with_its_kinds_status_and_body() -> None:
    async def refuse(request: web.Request) -> web.Response:
        raise _Throttled("wait a little", {"seconds": 7})

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/api/v1/refused", refuse)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        response = await client.get("/api/v1/refused")
        assert response.status == status_of(_Throttled()) == 429
        assert response.headers["Retry-After"] == "7"
        assert await response.json() == {"error_id": "slow_down", "message": "wait a little",
                                         "details": {"seconds": 7}}
