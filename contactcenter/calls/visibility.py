"""Who sees which call, and how much of it: region scope and callers' numbers.

The rule of the API and the live feed:

- A call belongs to the region the IVR decided for it. Users holding that
  region (or ``*``, national scope) see it, wherever it waits (a region's
  caller moved to the national queue by crisis mode is still that region's).
- A call without a region waiting in the national queue (a caller from abroad,
  an unknown region) is seen by every region's users: the national queue is a
  pool all regions serve. Changing such a call (its priority) needs national
  scope.
- A call without a region and not in the national queue — still in the IVR —
  is seen only by users of national scope.
- Callers' numbers are shown only to the roles that talk to or about the
  caller (nurse, supervisor, region administrator). Everyone else, in
  particular a staffing system, gets the call without its numbers.

The API answers 404 for a call (or nurse, redirect) the user cannot see, as if
it did not exist, and 403 for one they can see but not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from contactcenter.identity.model import ALL_REGIONS, Role

NUMBER_ROLES = (Role.NURSE, Role.SUPERVISOR, Role.REGION_ADMIN)
#: Keys that carry a phone number, in call views and in call event payloads.
NUMBER_FIELDS = frozenset({"caller_number", "callback_number", "number"})


class RegionScope(Protocol):
    """Whoever is looking, as far as regions go."""

    def can_access_region(self, code: str) -> bool: ...


class Viewer(RegionScope, Protocol):
    """Whoever is looking (a principal)."""

    def has_role(self, *roles: Role) -> bool: ...


def national(viewer: RegionScope) -> bool:
    """Whether ``viewer`` holds every region (``*``)."""
    return viewer.can_access_region(ALL_REGIONS)


def region_visible(viewer: RegionScope, region: str | None) -> bool:
    """Whether a call (or other object) of ``region`` is ``viewer``'s; ``None``: national only."""
    if region is None:
        return national(viewer)
    return viewer.can_access_region(region)


def call_visible(viewer: RegionScope, call: Mapping[str, Any], national_queue: str) -> bool:
    """Whether ``viewer`` may see ``call`` (a call view with its ``region`` and ``queue``)."""
    region = call.get("region") or None
    if region is not None:
        return viewer.can_access_region(region)
    return call.get("queue") == national_queue or national(viewer)


def sees_numbers(viewer: Viewer) -> bool:
    """Whether ``viewer`` may see callers' phone numbers."""
    return viewer.has_role(*NUMBER_ROLES)


def without_numbers(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without its phone-number keys (omitted, so no one mistakes them for withheld)."""
    return {key: value for key, value in data.items() if key not in NUMBER_FIELDS}


def shown_call(viewer: Viewer, call: dict[str, Any]) -> dict[str, Any]:
    """The call view as ``viewer`` may see it (numbers omitted unless they may see them)."""
    return call if sees_numbers(viewer) else without_numbers(call)
