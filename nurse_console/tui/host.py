"""What the console's widgets may ask of the app that holds them: the API client, the
codes, the work now shown, and a way to send an action (its answer is shown at once).
The widgets reach the service only through this (and so only through the client)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol, cast

from textual.widget import Widget

from nurse_console.client import ConsoleApiError, ConsoleClient
from nurse_console.ports import Codes


class Host(Protocol):
    """The console app as its panes see it."""

    client: ConsoleClient
    codes: Codes | None

    @property
    def work_now(self) -> dict[str, Any] | None: ...

    def send(self, request: Awaitable[Any]) -> object: ...

    def tell(self, error: ConsoleApiError) -> None: ...


def host(widget: Widget) -> Host:
    """The app ``widget`` is mounted in, as a :class:`Host`."""
    return cast(Host, widget.app)
