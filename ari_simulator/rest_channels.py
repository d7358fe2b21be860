"""``/ari/channels`` resource of the simulator."""
from __future__ import annotations

from typing import Any

from .model import HANGUP_REASONS, Channel
from .routing import AriRequest, Reply, Router
from .switch import AriError, Switch

DIRECTIONS = ("both", "in", "out")


class ChannelsResource:
    """Handlers for every channel operation of ARI (Asterisk 22)."""

    def __init__(self, switch: Switch) -> None:
        self.sw = switch

    def register(self, r: Router) -> None:
        base = "/channels/{channelId}"
        r.add("GET", "/channels", self.list)
        r.add("POST", "/channels", self.originate)
        r.add("POST", "/channels/create", self.create)
        r.add("POST", "/externalMedia", self.not_implemented)
        r.add("POST", "/channels/externalMedia", self.not_implemented)
        r.add("GET", base, self.get)
        r.add("POST", base, self.originate)
        r.add("DELETE", base, self.hangup)
        r.add("POST", base + "/dial", self.dial)
        r.add("POST", base + "/answer", self.answer)
        for path, method in (("/ring", "POST"), ("/ring", "DELETE"), ("/progress", "POST"),
                             ("/silence", "POST"), ("/silence", "DELETE")):
            r.add(method, base + path, self.simple)
        r.add("POST", base + "/hold", self.hold)
        r.add("DELETE", base + "/hold", self.hold)
        r.add("POST", base + "/moh", self.moh)
        r.add("DELETE", base + "/moh", self.moh)
        r.add("POST", base + "/mute", self.mute)
        r.add("DELETE", base + "/mute", self.mute)
        r.add("POST", base + "/dtmf", self.dtmf)
        r.add("POST", base + "/play", self.play)
        r.add("POST", base + "/play/{playbackId}", self.play)
        r.add("POST", base + "/record", self.record)
        r.add("GET", base + "/variable", self.get_var)
        r.add("POST", base + "/variable", self.set_var)
        r.add("POST", base + "/continue", self.continue_)
        r.add("POST", base + "/move", self.move)
        r.add("POST", base + "/redirect", self.redirect)
        r.add("POST", base + "/snoop", self.snoop)
        r.add("POST", base + "/snoop/{snoopId}", self.snoop)
        r.add("GET", base + "/rtp_statistics", self.not_implemented)

    def control(self, req: AriRequest, up: bool = True) -> Channel:
        """Asterisk's ``find_control`` (404 no channel, 409 not in Stasis) and, for the
        media and call operations, ``channel_state_invalid`` (412 while Down, Reserved or
        Ringing); ``res/ari/resource_channels.c``."""
        ch = self.sw.get_channel(req.match["channelId"])
        if ch.stasis_app is None:
            raise AriError(409, "Channel not in Stasis application")
        if up and ch.state in ("Down", "Reserved", "Ringing"):
            raise AriError(412, "Channel in invalid state")
        return ch

    async def not_implemented(self, req: AriRequest) -> Reply:
        # Not simulated: answered as Asterisk answers for an unloaded ARI module.
        raise AriError(404, "Resource not found")

    async def list(self, req: AriRequest) -> Reply:
        return 200, [self.sw.snap(c) for c in self.sw.channels.values() if not c.gone]

    async def get(self, req: AriRequest) -> Reply:
        return 200, self.sw.snap(self.sw.get_channel(req.match["channelId"]))

    def _endpoint(self, req: AriRequest) -> tuple[str, str]:
        endpoint = req.get("endpoint")
        if not endpoint:
            raise AriError(400, "Endpoint must be specified")
        if "/" not in endpoint:
            raise AriError(400, "Invalid endpoint specified")
        tech, resource = endpoint.split("/", 1)
        if tech == "Local":
            return tech, resource
        if tech == "PJSIP" and f"PJSIP/{resource}" in self.sw.endpoints:
            return tech, resource
        if tech == "PJSIP" and "@" in resource \
                and f"PJSIP/{resource.rsplit('@', 1)[1]}" in self.sw.endpoints:
            return tech, resource  # PJSIP/<number>@<trunk>: dialled out through a trunk
        raise AriError(500, "Allocation failed", key="error")

    async def originate(self, req: AriRequest) -> Reply:
        return await self._originate(req, create=False)

    async def create(self, req: AriRequest) -> Reply:
        return await self._originate(req, create=True)

    async def _originate(self, req: AriRequest, create: bool) -> Reply:
        sw = self.sw
        channel_id = req.match.get("channelId") or req.get("channelId") or None
        other_id = req.get("otherChannelId") or None
        app = req.get("app") or None
        if not create and not app and not req.get("extension"):
            if not req.get("endpoint"):
                raise AriError(400, "Endpoint must be specified")
            raise AriError(400, "Application or extension must be specified")
        tech, resource = self._endpoint(req)
        args = [a for a in (req.get("appArgs") or "").split(",") if a] if app else []
        caller = req.get("callerId") or ""
        timeout = float(req.get_int("timeout", 30))
        if tech == "Local":
            ch = sw.originate_local(resource, app, args, caller, channel_id, other_id,
                                    req.variables, create)
            return 200, _created(sw.snap(ch)) if create else sw.snap(ch)
        sw.check_ids(channel_id, other_id)
        endpoint = f"PJSIP/{resource}"
        number = None
        if endpoint not in sw.endpoints and "@" in resource:
            number, trunk = resource.rsplit("@", 1)
            endpoint = f"PJSIP/{trunk}"  # Asterisk names the channel after the trunk
        ch = sw.new_endpoint_channel(endpoint, channel_id, caller)
        ch.variables.update({k.lstrip("_"): v for k, v in req.variables.items()})
        ch.originate_app, ch.originate_args = app, args
        if app and app in sw.bus.apps:
            sw.bus.subscribe_channel(app, ch.id)
            ch.keep_apps.add(app)
        phone = sw.endpoints[endpoint]["phone"] if number is None \
            else sw.endpoints[endpoint].get("callees", {}).get(number)
        if create:
            ch.app_name, ch.app_data = "Stasis", ",".join([app or "", *args])
            if app:
                sw.enter_stasis(ch, app, args)
            ch.remote = phone
            return 200, _created(sw.snap(ch))
        ch.dial_pending = True
        reply = sw.snap(ch)
        if phone is None:
            ch.timers.append(sw.later(timeout, sw.destroy, ch, 19, 480))
        else:
            sw.later(0.0, self._ring, ch, phone, timeout)
        return 200, reply

    def _ring(self, ch, phone, timeout: float) -> None:  # type: ignore[no-untyped-def]
        if not ch.gone:
            self.sw.dial_event(ch, "")
            phone.ring(ch, timeout)

    async def hangup(self, req: AriRequest) -> Reply:
        ch = self.sw.get_channel(req.match["channelId"])
        reason, code = req.get("reason"), req.get("reason_code")
        if reason and code:
            raise AriError(400, "The reason and reason_code can't both be specified")
        cause = 16
        if reason:
            if reason not in HANGUP_REASONS:
                raise AriError(400, "Invalid reason for hangup reason provided")
            cause = HANGUP_REASONS[reason]
        elif code:
            cause = req.get_int("reason_code", 16)
        if ch.remote is not None and hasattr(ch.remote, "hung_up_by") and ch.remote.hung_up_by is None:
            ch.remote.hung_up_by = "app"
        self.sw.hangup(ch, cause, "ari")
        return 204, None

    async def dial(self, req: AriRequest) -> Reply:
        ch = self.sw.get_channel(req.match["channelId"])
        caller = self.sw.channels.get(req.get("caller") or "")
        self.sw.dial(ch, caller, float(req.get_int("timeout", 0)))
        return 204, None

    async def answer(self, req: AriRequest) -> Reply:
        self.sw.answer(self.control(req))
        return 204, None

    async def simple(self, req: AriRequest) -> Reply:
        # ring / ringStop / progress / silence: signalling only, no ARI events.
        self.control(req)
        return 204, None

    async def hold(self, req: AriRequest) -> Reply:
        # An indication to the far end: ChannelHold/ChannelUnhold report a hold the far
        # end puts on the channel, never this one (15-channel-edges).
        self.control(req)
        return 204, None

    async def moh(self, req: AriRequest) -> Reply:
        ch = self.control(req)
        ch.moh = req.method == "POST"
        return 204, None

    async def mute(self, req: AriRequest) -> Reply:
        ch = self.control(req)
        direction = req.get("direction", "both")
        if direction not in DIRECTIONS:
            raise AriError(400, "Invalid direction specified")
        ch.muted = direction if req.method == "POST" else "none"
        return 204, None

    async def dtmf(self, req: AriRequest) -> Reply:
        ch = self.control(req)
        digits = req.get("dtmf")
        if not digits:
            raise AriError(400, "DTMF is required")
        self.sw.send_dtmf(ch, digits, req.get_int("before", 0), req.get_int("between", 100),
                          req.get_int("duration", 100), req.get_int("after", 0))
        return 204, None

    async def play(self, req: AriRequest) -> Reply:
        ch = self.control(req)
        pb = self.sw.play(f"channel:{ch.id}", req.get_list("media"), req.get("lang") or ch.language,
                          req.match.get("playbackId") or req.get("playbackId"),
                          req.get_int("skipms", 3000))
        return 201, pb.to_json()

    async def record(self, req: AriRequest) -> Reply:
        ch = self.sw.get_channel(req.match["channelId"])
        rec = self.sw.record(f"channel:{ch.id}", req.get("name") or "", req.get("format") or "",
                             float(req.get_int("maxDurationSeconds", 0)),
                             req.get("ifExists", "fail") or "fail")
        return 201, dict(rec.to_json(), state="queued")

    async def get_var(self, req: AriRequest) -> Reply:
        name = req.get("variable")
        if not name:
            raise AriError(400, "Variable name is required")
        ch = self.sw.get_channel(req.match["channelId"], "Provided channel was not found")
        value = ch.read_function(name)
        if value is not None:
            return 200, {"value": value}
        if "(" in name:
            raise AriError(500, "Unable to read provided function")
        if name not in ch.variables:
            raise AriError(404, "Provided variable was not found")
        return 200, {"value": ch.variables[name]}

    async def set_var(self, req: AriRequest) -> Reply:
        name = req.get("variable")
        if not name:
            raise AriError(400, "Variable name is required")
        ch = self.sw.get_channel(req.match["channelId"])
        value = req.get("value")
        if value is None:
            # Setting without a value unsets the variable (scenario 06).
            ch.variables.pop(name, None)
        else:
            self.sw.set_var(ch, name, value)
        return 204, None

    async def continue_(self, req: AriRequest) -> Reply:
        from . import dialplan
        sw = self.sw
        ch = self.control(req)
        context = req.get("context") or ch.context
        exten = req.get("extension") or ch.exten
        label = req.get("label") or ""
        if label and not dialplan.known_label(context, exten, label):
            raise AriError(404, "Requested label can not be found")
        priority = req.get_int("priority", 0)
        sw.stasis_end(ch)
        if req.get("context") or req.get("extension") or priority:
            ch.context, ch.exten = context, exten
            sw.run_dialplan(ch, priority or 1)
        else:
            sw.run_dialplan(ch, ch.priority + 1)
        return 204, None

    async def move(self, req: AriRequest) -> Reply:
        sw = self.sw
        ch = sw.get_channel(req.match["channelId"])
        app = req.get("app")
        if not app:
            raise AriError(400, "Missing parameter app")
        args = [a for a in (req.get("appArgs") or "").split(",") if a]
        sw.stasis_end(ch)
        if not sw.enter_stasis(ch, app, args):
            sw.hangup(ch, 16, "dialplan")
        return 204, None

    async def redirect(self, req: AriRequest) -> Reply:
        ch = self.sw.get_channel(req.match["channelId"])
        endpoint = req.get("endpoint")
        if not endpoint:
            raise AriError(400, "Required parameter 'endpoint' not provided.")
        if "/" not in endpoint:
            raise AriError(422, f"Endpoint parameter '{endpoint}' does not contain tech/resource")
        tech = endpoint.split("/", 1)[0]
        if tech != ch.tech:
            raise AriError(422, f"Endpoint technology '{tech}' does not match channel "
                                f"technology '{ch.tech}'")
        self.sw.hangup(ch, 23, "remote")
        return 204, None

    async def snoop(self, req: AriRequest) -> Reply:
        ch = self.sw.get_channel(req.match["channelId"], "Provided channel was not found")
        args = [a for a in (req.get("appArgs") or "").split(",") if a]
        snoop = self.sw.snoop(ch, req.get("spy", "none") or "none",
                              req.get("whisper", "none") or "none", req.get("app"), args,
                              req.match.get("snoopId") or req.get("snoopId"))
        return 200, self.sw.snap(snoop)


def _created(snapshot: dict[str, Any]) -> dict[str, Any]:
    """/channels/create answers with the snapshot taken before the channel entered Stasis
    (no dialplan app yet; 12, 15)."""
    return dict(snapshot, dialplan=dict(snapshot["dialplan"], app_name="", app_data=""))
