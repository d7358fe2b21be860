"""ARI resources other than channels: asterisk, applications, bridges,
playbacks, recordings, endpoints, sounds, deviceStates."""
from __future__ import annotations

import time
from typing import Any

from .media import wav_bytes
from .model import ASTERISK_ID, ari_time
from .routing import AriRequest, Reply, Router
from .sounds import SOUND_LENGTHS, sound_exists, sound_json
from .switch import AriError, Switch

STARTED = time.time()


class OtherResources:
    """Handlers for everything under /ari except /channels."""

    def __init__(self, switch: Switch) -> None:
        self.sw = switch

    def register(self, r: Router) -> None:
        r.add("GET", "/asterisk/info", self.info)
        r.add("GET", "/asterisk/ping", self.ping)
        r.add("GET", "/asterisk/variable", self.get_global)
        r.add("POST", "/asterisk/variable", self.set_global)
        r.add("GET", "/applications", self.apps)
        r.add("GET", "/applications/{app}", self.app)
        r.add("POST", "/applications/{app}/subscription", self.subscribe)
        r.add("DELETE", "/applications/{app}/subscription", self.subscribe)
        r.add("PUT", "/applications/{app}/eventFilter", self.event_filter)
        r.add("GET", "/bridges", self.bridges)
        r.add("POST", "/bridges", self.create_bridge)
        r.add("GET", "/bridges/{bridgeId}", self.bridge)
        r.add("POST", "/bridges/{bridgeId}", self.create_bridge)
        r.add("DELETE", "/bridges/{bridgeId}", self.destroy_bridge)
        r.add("POST", "/bridges/{bridgeId}/addChannel", self.add_channel)
        r.add("POST", "/bridges/{bridgeId}/removeChannel", self.remove_channel)
        r.add("POST", "/bridges/{bridgeId}/moh", self.bridge_moh)
        r.add("DELETE", "/bridges/{bridgeId}/moh", self.bridge_moh)
        r.add("POST", "/bridges/{bridgeId}/play", self.bridge_play)
        r.add("POST", "/bridges/{bridgeId}/play/{playbackId}", self.bridge_play)
        r.add("POST", "/bridges/{bridgeId}/record", self.bridge_record)
        r.add("GET", "/playbacks/{playbackId}", self.playback)
        r.add("DELETE", "/playbacks/{playbackId}", self.playback)
        r.add("POST", "/playbacks/{playbackId}/control", self.control)
        r.add("GET", "/recordings/live/{name}", self.live)
        r.add("DELETE", "/recordings/live/{name}", self.live)
        r.add("POST", "/recordings/live/{name}/stop", self.live_stop)
        for op in ("pause", "mute"):
            r.add("POST", f"/recordings/live/{{name}}/{op}", self.live_op)
        for op in ("pause", "mute"):
            r.add("DELETE", f"/recordings/live/{{name}}/{op}", self.live_op)
        r.add("GET", "/recordings/stored", self.stored_list)
        r.add("GET", "/recordings/stored/{name}", self.stored)
        r.add("DELETE", "/recordings/stored/{name}", self.stored)
        r.add("GET", "/recordings/stored/{name}/file", self.stored_file)
        r.add("POST", "/recordings/stored/{name}/copy", self.stored_copy)
        r.add("GET", "/endpoints", self.endpoints)
        # Not simulated, but literal paths Asterisk matches before /endpoints/{tech}.
        r.add("POST", "/endpoints/refer", self.not_implemented)
        r.add("PUT", "/endpoints/sendMessage", self.not_implemented)
        r.add("GET", "/endpoints/{tech}", self.endpoints)
        r.add("GET", "/endpoints/{tech}/{resource}", self.endpoint)
        r.add("GET", "/sounds", self.sounds)
        r.add("GET", "/sounds/{soundId}", self.sound)
        r.add("GET", "/deviceStates", self.device_states)

    # ---------------------------------------------------------------- asterisk
    async def not_implemented(self, req: AriRequest) -> Reply:
        # Answered as Asterisk answers for an unloaded ARI module (ari_simulator/README.md).
        raise AriError(404, "Resource not found")

    async def info(self, req: AriRequest) -> Reply:
        data: dict[str, Any] = {
            "build": {"os": "Linux", "kernel": "simulated", "machine": "x86_64",
                      "options": "OPTIONAL_API", "date": ari_time(STARTED), "user": "sim"},
            "system": {"version": "22.10.1", "entity_id": ASTERISK_ID},
            "config": {"name": "", "default_language": "en",
                       "setid": {"user": "", "group": ""}},
            "status": {"startup_time": ari_time(STARTED), "last_reload_time": ari_time(STARTED)},
        }
        only = req.get_list("only")
        return 200, {k: v for k, v in data.items() if not only or k in only}

    async def ping(self, req: AriRequest) -> Reply:
        return 200, {"ping": "pong", "timestamp": ari_time(), "asterisk_id": ASTERISK_ID}

    async def get_global(self, req: AriRequest) -> Reply:
        name = req.get("variable")
        if not name:
            raise AriError(400, "Variable name is required")
        if name not in self.sw.global_vars:
            raise AriError(404, "Provided variable was not found")
        return 200, {"value": self.sw.global_vars[name]}

    async def set_global(self, req: AriRequest) -> Reply:
        name = req.get("variable")
        if not name:
            raise AriError(400, "Variable name is required")
        self.sw.global_vars[name] = req.get("value") or ""
        return 204, None

    # ------------------------------------------------------------ applications
    def _app(self, name: str):  # type: ignore[no-untyped-def]
        app = self.sw.bus.apps.get(name)
        if app is None:
            raise AriError(404, "Application not found")
        return app

    async def apps(self, req: AriRequest) -> Reply:
        return 200, [a.to_json() for a in self.sw.bus.apps.values()]

    async def app(self, req: AriRequest) -> Reply:
        return 200, self._app(req.match["app"]).to_json()

    async def subscribe(self, req: AriRequest) -> Reply:
        app = self._app(req.match["app"])
        sources = req.get_list("eventSource")
        if not sources:
            raise AriError(400, "Missing parameter eventSource")
        adding = req.method == "POST"
        for source in sources:
            scheme, _, obj = source.partition(":")
            if scheme not in ("channel", "bridge", "endpoint", "deviceState"):
                raise AriError(400, "Invalid event source URI scheme")
            target = {"channel": app.channel_ids, "bridge": app.bridge_ids,
                      "endpoint": app.endpoint_ids}.get(scheme, set())
            exists = {"channel": obj in self.sw.channels, "bridge": obj in self.sw.bridges,
                      "endpoint": obj in self.sw.endpoints or obj.split("/")[0] == "PJSIP"
                      }.get(scheme, True)
            if adding and not exists:
                raise AriError(422, "Event source does not exist")
            if not adding and obj not in target:
                raise AriError(422, "Event source was not subscribed to")
            if adding:
                target.add(obj)
                if scheme == "channel":
                    self.sw.channels[obj].keep_apps.add(app.name)
            else:
                target.discard(obj)
        return 200, app.to_json()

    async def event_filter(self, req: AriRequest) -> Reply:
        app = self._app(req.match["app"])
        body = req.body if isinstance(req.body, dict) else {}
        app.events_allowed = list(body.get("allowed") or [])
        app.events_disallowed = list(body.get("disallowed") or [])
        return 200, app.to_json()

    # ----------------------------------------------------------------- bridges
    async def bridges(self, req: AriRequest) -> Reply:
        return 200, [b.to_json() for b in self.sw.bridges.values()]

    async def bridge(self, req: AriRequest) -> Reply:
        return 200, self.sw.get_bridge(req.match["bridgeId"]).to_json()

    async def create_bridge(self, req: AriRequest) -> Reply:
        bridge_id = req.match.get("bridgeId") or req.get("bridgeId")
        bridge = self.sw.create_bridge(req.get("type") or "mixing", bridge_id, req.get("name") or "")
        return 200, bridge.to_json()

    async def destroy_bridge(self, req: AriRequest) -> Reply:
        self.sw.destroy_bridge(self.sw.get_bridge(req.match["bridgeId"]))
        return 204, None

    async def add_channel(self, req: AriRequest) -> Reply:
        bridge = self.sw.get_bridge(req.match["bridgeId"])
        self.sw.check_bridge_members(req.get_list("channel"))
        await self.sw.channel_commands_wait(req.get_list("channel"))
        self.sw.add_channels(bridge, req.get_list("channel"), req.get("role") or "")
        return 204, None

    async def remove_channel(self, req: AriRequest) -> Reply:
        bridge = self.sw.get_bridge(req.match["bridgeId"])
        for channel_id in req.get_list("channel") or [""]:
            self.sw.remove_channel(bridge, channel_id, validate_only=True)
            await self.sw.channel_commands_wait([channel_id])
            self.sw.remove_channel(bridge, channel_id)
        return 204, None

    async def bridge_moh(self, req: AriRequest) -> Reply:
        bridge = self.sw.get_bridge(req.match["bridgeId"])
        self.sw.bridge_moh(bridge, (req.get("mohClass") or "default")
                           if req.method == "POST" else None)
        return 204, None

    async def bridge_play(self, req: AriRequest) -> Reply:
        bridge = self.sw.get_bridge(req.match["bridgeId"])
        pb = self.sw.play(f"bridge:{bridge.id}", req.get_list("media"), req.get("lang"),
                          req.match.get("playbackId") or req.get("playbackId"),
                          req.get_int("skipms", 3000))
        return 201, pb.to_json()

    async def bridge_record(self, req: AriRequest) -> Reply:
        bridge = self.sw.get_bridge(req.match["bridgeId"])
        rec = self.sw.record(f"bridge:{bridge.id}", req.get("name") or "", req.get("format") or "",
                             float(req.get_int("maxDurationSeconds", 0)),
                             req.get("ifExists", "fail") or "fail")
        return 201, dict(rec.to_json(), state="queued")

    # --------------------------------------------------------------- playbacks
    async def playback(self, req: AriRequest) -> Reply:
        pb = self.sw.get_playback(req.match["playbackId"])
        if req.method == "DELETE":
            self.sw.stop_playback(pb)
            return 204, None
        return 200, pb.to_json()

    async def control(self, req: AriRequest) -> Reply:
        pb = self.sw.get_playback(req.match["playbackId"])
        operation = req.get("operation")
        if not operation:
            raise AriError(400, "Missing parameter operation")
        self.sw.control_playback(pb, operation)
        return 204, None

    # -------------------------------------------------------------- recordings
    async def live(self, req: AriRequest) -> Reply:
        rec = self.sw.get_live(req.match["name"])
        if req.method == "DELETE":
            self.sw.finish_recording(rec, "canceled")
            return 204, None
        return 200, rec.to_json()

    async def live_stop(self, req: AriRequest) -> Reply:
        self.sw.finish_recording(self.sw.get_live(req.match["name"]), "done")
        return 204, None

    async def live_op(self, req: AriRequest) -> Reply:
        # pause / unpause / mute / unmute: accepted, no events (as in Asterisk).
        self.sw.get_live(req.match["name"])
        return 204, None

    async def stored_list(self, req: AriRequest) -> Reply:
        return 200, [{"name": r["name"], "format": r["format"]}
                     for r in self.sw.stored_recordings.values()]

    async def stored(self, req: AriRequest) -> Reply:
        rec = self.sw.get_stored(req.match["name"])
        if req.method == "DELETE":
            del self.sw.stored_recordings[rec["name"]]
            return 204, None
        return 200, {"name": rec["name"], "format": rec["format"]}

    async def stored_file(self, req: AriRequest) -> Reply:
        rec = self.sw.get_stored(req.match["name"])
        return 200, wav_bytes(float(rec.get("duration") or 1))

    async def stored_copy(self, req: AriRequest) -> Reply:
        rec = self.sw.get_stored(req.match["name"])
        dest = req.get("destinationRecordingName")
        if not dest:
            raise AriError(400, "Missing parameter destinationRecordingName")
        if dest in self.sw.stored_recordings:
            raise AriError(409, "A recording with the same name already exists on the system")
        self.sw.stored_recordings[dest] = dict(rec, name=dest)
        return 200, {"name": dest, "format": rec["format"]}

    # --------------------------------------------------------------- endpoints
    def _endpoint_json(self, key: str) -> dict[str, Any]:
        tech, resource = key.split("/", 1)
        ids = [c.id for c in self.sw.channels.values() if c.endpoint == key and not c.gone]
        return {"technology": tech, "resource": resource,
                "state": self.sw.endpoints[key]["state"], "channel_ids": ids}

    async def endpoints(self, req: AriRequest) -> Reply:
        tech = req.match.get("tech")
        if tech is not None and tech not in ("PJSIP", "Local"):
            raise AriError(404, f"No Endpoints found - invalid tech {tech}")
        keys = sorted(k for k in self.sw.endpoints if tech is None or k.startswith(tech + "/"))
        return 200, [self._endpoint_json(k) for k in keys]

    async def endpoint(self, req: AriRequest) -> Reply:
        key = f"{req.match['tech']}/{req.match['resource']}"
        if key not in self.sw.endpoints:
            raise AriError(404, "Endpoint not found")
        return 200, self._endpoint_json(key)

    # ------------------------------------------------------------------ sounds
    async def sounds(self, req: AriRequest) -> Reply:
        fmt = req.get("format")
        result = []
        for sound_id in SOUND_LENGTHS:
            data = sound_json(sound_id)
            if fmt:
                data["formats"] = [f for f in data["formats"] if f["format"] == fmt]
            if data["formats"]:
                result.append(data)
        return 200, result

    async def sound(self, req: AriRequest) -> Reply:
        sound_id = req.match["soundId"]
        if not sound_exists(sound_id):
            raise AriError(404, "Sound not found")
        return 200, sound_json(sound_id)

    async def device_states(self, req: AriRequest) -> Reply:
        return 200, []
