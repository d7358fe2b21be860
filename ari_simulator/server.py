"""``AriSimulator``: an aiohttp server speaking Asterisk 22's ARI, plus the
Python and HTTP (``/sim/...``) control interface used by tests and demos."""
from __future__ import annotations

import base64
import itertools
from typing import Any, Self

from aiohttp import web

from .apps import EventBus, EventSocket
from .clock import SteppedClock
from .control import register_control
from .model import Bridge, Channel
from .remotes import CallerHandle, SimCaller, SimPhone
from .rest_channels import ChannelsResource
from .rest_resources import OtherResources
from .routing import Router, error_response
from .switch import Switch

_WS_400 = ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\r\n<html><head>\r\n"
           "<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n"
           "<p>Invalid application provided in SubscribeAll.</p>\r\n<hr />\r\n"
           "<address>Asterisk Server</address>\r\n</body></html>\r\n")


class AriSimulator:
    """A simulated Asterisk with ARI on ``host:port`` (port 0 = any free port).

    ``speed`` divides every simulated duration (playbacks, answer delays,
    patience, talk time, DTMF times) so tests run fast; with a ``clock``
    (:class:`~ari_simulator.clock.SteppedClock`) time moves only when the clock is advanced.
    """

    def __init__(self, username: str = "asterisk", password: str = "asterisk",
                 speed: float = 1.0, app_default: str | None = None,
                 host: str = "127.0.0.1", port: int = 0,
                 clock: SteppedClock | None = None) -> None:
        self.username, self.password = username, password
        self.host, self.port = host, port
        self.bus = EventBus()
        self.switch = Switch(self.bus, speed, app_default, clock)
        self.router = Router()
        ChannelsResource(self.switch).register(self.router)
        OtherResources(self.switch).register(self.router)
        self._callers: dict[str, SimCaller] = {}
        self._caller_seq = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._refusing_events = False

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Bind and serve."""
        app = web.Application(middlewares=[self._auth])
        app.router.add_get("/ari/events", self._events)
        app.router.add_route("*", "/ari/{tail:.*}", self._ari)
        register_control(app, self)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # Port 0 binds any free port; read back the one the OS chose.
        server = site._server
        sockets = getattr(server, "sockets", None)
        assert sockets, "the simulator failed to bind"
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close every socket and stop serving; pending timers are cancelled."""
        self.switch.cancel_timers()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def drop_event_sockets(self, *, refuse_new: bool = False) -> None:
        """Cut every events WebSocket as a network failure would; with ``refuse_new`` new
        ones are refused (HTTP 503) until :meth:`accept_event_sockets`. Calls stay in Stasis,
        and new calls fail to enter it while no application is connected (as in Asterisk)."""
        self._refusing_events = refuse_new
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"simulated network failure")

    def accept_event_sockets(self) -> None:
        """Accept events WebSockets again after :meth:`drop_event_sockets`."""
        self._refusing_events = False

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def ari_url(self) -> str:
        """Base URL; clients append ``/ari/...``."""
        return f"http://{self.host}:{self.port}"

    # --------------------------------------------------------- read access
    @property
    def speed(self) -> float:
        return self.switch.speed

    @property
    def channels(self) -> dict[str, Channel]:
        return self.switch.channels

    @property
    def bridges(self) -> dict[str, Bridge]:
        return self.switch.bridges

    @property
    def event_log(self) -> list[dict[str, Any]]:
        """Every event sent to an application, in order."""
        return self.bus.event_log

    @property
    def channelvars(self) -> list[str]:
        return self.switch.channelvars

    @channelvars.setter
    def channelvars(self, names: list[str]) -> None:
        """Like ``ari.conf [general] channelvars`` (applies to new snapshots)."""
        self.switch.set_channelvars(names)

    # ------------------------------------------------------------ control
    async def add_caller(self, number: str = "+46701234567", municipality: str | None = None,
                         dtmf: list[dict[str, Any]] | None = None,
                         patience: float | None = 30.0, talk: float | None = None,
                         name: str | None = None, relay: str | None = None,
                         extension: str = "1177", app: str = "contactcenter") -> CallerHandle:
        """An inbound SIP call into ``from-pstn`` -> ``Stasis(app, extension)``."""
        caller_id = f"caller-{next(self._caller_seq)}"
        caller = SimCaller(self.switch, caller_id, number, name, municipality, relay,
                           list(dtmf or []), patience, talk, extension, app)
        self._callers[caller_id] = caller
        caller.start()
        return CallerHandle(caller_id, caller.channel_id)

    def caller(self, caller_id: str) -> SimCaller:
        """State of a simulated caller (``status``, ``hung_up_by``, ``digits_sent``)."""
        return self._callers[caller_id]

    @property
    def callers(self) -> dict[str, SimCaller]:
        return self._callers

    async def add_phone(self, endpoint: str = "PJSIP/ssk-01-1", behaviour: str = "answer",
                        answer_delay: float = 0.2, talk: float | None = None,
                        context: str = "agents", hang_up_after: float | None = None
                        ) -> SimPhone:
        """Register a PJSIP phone that answers / is busy / never answers / is unreachable,
        or (``manual``) rings until :meth:`answer_phone` picks it up, giving up like an
        unanswered phone after the originate timeout.

        ``talk``: seconds it talks once joined with someone; ``hang_up_after``: seconds
        after answering when it hangs up, joined or not."""
        if behaviour not in ("answer", "no_answer", "busy", "unreachable", "manual"):
            raise ValueError(f"unknown behaviour {behaviour!r}")
        if not endpoint.startswith("PJSIP/"):
            raise ValueError("endpoint must look like PJSIP/<name>")
        phone = SimPhone(self.switch, endpoint, behaviour, answer_delay, talk, hang_up_after)
        self.switch.endpoints[endpoint] = {
            "state": "offline" if behaviour == "unreachable" else "online",
            "context": context, "phone": phone}
        return phone

    def phone(self, endpoint: str) -> SimPhone:
        """The phone registered at ``endpoint`` (KeyError if none is)."""
        info = self.switch.endpoints.get(endpoint)
        if info is None or info.get("phone") is None:
            raise KeyError(f"no phone at {endpoint}")
        phone: SimPhone = info["phone"]
        return phone

    def ringing(self, endpoint: str) -> bool:
        """Whether the phone at ``endpoint`` is ringing now."""
        return self.phone(endpoint).live_channel("Ringing") is not None

    async def answer_phone(self, endpoint: str) -> bool:
        """Answer the phone's ringing call by hand (as the nurse would); False if nothing rings.
        The app sees what an answered originate shows: Dial ANSWER, Up, StasisStart."""
        return self.phone(endpoint).answer_by_hand()

    async def hang_up_phone(self, endpoint: str) -> bool:
        """Hang up the phone's answered call by hand (a SIP BYE); False if no call is up."""
        return self.phone(endpoint).hang_up_by_hand()

    async def add_callee(self, number: str, trunk: str = "pstn-trunk",
                         behaviour: str = "answer", answer_delay: float = 0.2,
                         talk: float | None = None) -> SimPhone:
        """A person reachable at ``number`` through the outbound trunk endpoint ``trunk``:
        originating to ``PJSIP/<number>@<trunk>`` rings them (answer / no_answer / busy).
        The trunk endpoint is registered on first use; an unknown number never answers."""
        if behaviour not in ("answer", "no_answer", "busy"):
            raise ValueError(f"unknown behaviour {behaviour!r}")
        info = self.switch.endpoints.setdefault(
            f"PJSIP/{trunk}", {"state": "online", "context": "from-trunk", "phone": None})
        phone = SimPhone(self.switch, f"PJSIP/{number}@{trunk}", behaviour, answer_delay, talk)
        info.setdefault("callees", {})[number] = phone
        return phone

    def originate_dialplan(self, endpoint: str, context: str = "default",
                           exten: str = "s") -> Channel | None:
        """``channel originate Local/X@ctx application Wait N`` from the Asterisk CLI:
        the ;2 leg runs the dialplan (Stasis fails while the app is not active)."""
        resource = endpoint.split("/", 1)[1]
        one = self.switch.originate_local(resource, None, [], "", None, None, {}, False)
        one.app_name, one.app_data = "Wait", "20"
        return one

    # ------------------------------------------------------------- HTTP side
    def _authorized(self, request: web.Request) -> bool:
        api_key = request.query.get("api_key")
        if api_key is not None:
            return api_key == f"{self.username}:{self.password}"
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return (user, password) == (self.username, self.password)

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/ari") and not self._authorized(request):
            response = error_response(401, "Authentication required")
            response.headers["WWW-Authenticate"] = 'Basic realm="Asterisk REST Interface"'
            return response
        result: web.StreamResponse = await handler(request)
        return result

    async def _ari(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        return await self.router.dispatch(request, path.rstrip("/") or "/")

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if self._refusing_events:
            return web.Response(status=503, text="simulated outage")
        names = [a for a in request.query.get("app", "").split(",") if a]
        if not names:
            return web.Response(status=400, text=_WS_400, content_type="text/html")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        sock = EventSocket(ws)
        for name in names:
            self.bus.connect(name, sock)
        if request.query.get("subscribeAll", "false").lower() == "true":
            for name in names:
                for ch in self.switch.channels:
                    self.bus.subscribe_channel(name, ch)
                for br in self.switch.bridges:
                    self.bus.subscribe_bridge(name, br)
        try:
            async for _msg in ws:
                pass  # ARI ignores anything the client sends
        finally:
            for name in names:
                self.bus.disconnect(name, sock)
            self._sockets.discard(ws)
            await sock.close()
        return ws

