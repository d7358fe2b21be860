"""Playbacks and recordings of the simulated switch (mixed into ``Switch``)."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

from .base import AriError, SwitchBase
from .model import LiveRecording, Playback
from .sounds import media_length

KNOWN_SCHEMES = {"sound", "recording", "number", "digits", "characters", "tone"}
FORMATS = {"wav", "gsm", "ulaw", "alaw", "sln", "slin", "g722", "wav49", "g729", "ilbc"}


def wav_bytes(seconds: float) -> bytes:
    """A silent 8 kHz 16-bit mono WAV file of the given length."""
    frames = int(8000 * max(seconds, 0.0))
    data = b"\x00\x00" * frames
    header = (b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVEfmt "
              + (16).to_bytes(4, "little") + (1).to_bytes(2, "little")
              + (1).to_bytes(2, "little") + (8000).to_bytes(4, "little")
              + (16000).to_bytes(4, "little") + (2).to_bytes(2, "little")
              + (16).to_bytes(2, "little") + b"data" + len(data).to_bytes(4, "little"))
    return header + data


class MediaOps(SwitchBase):
    """Queue, run, control and stop playbacks; run recordings."""

    # -------------------------------------------------------------- playbacks
    def _media_event(self, target_uri: str, body: dict[str, Any]) -> None:
        kind, _, target = target_uri.partition(":")
        if kind == "channel":
            self.bus.emit(body, channel_ids=(target,))
        else:
            self.bus.emit(body, bridge_ids=(target,))

    def play(self, target_uri: str, media: list[str], lang: str | None,
             playback_id: str | None, skipms: int = 3000) -> Playback:
        """Queue media on a channel or bridge; the reply says ``queued``."""
        if not media:
            raise AriError(500, "Failed to queue media for playback")
        pb = Playback(id=playback_id or str(uuid.uuid4()), media=media,
                      target_uri=target_uri, language=lang or "en", skipms=skipms)
        kind, _, target = target_uri.partition(":")
        bridge = self.bridges.get(target) if kind == "bridge" else None
        if bridge is not None and not bridge.holding and bridge.moh_class is None \
                and bridge.channel_ids:
            # Bridge playback runs on an Announcer/ARI helper channel.
            pb.announcer = f"Announcer/ARI-{self.ids.sequence()};2"
            self.add_helper(bridge, pb.announcer)
        # A second playback with a busy id waits in the queue; the id keeps
        # naming the running one until that finishes (scenario 05, pb-dup-1).
        if pb.id not in self.playbacks:
            self.playbacks[pb.id] = pb
        queue = self.playback_queues.setdefault(target_uri, [])
        queue.append(pb)
        if len(queue) == 1:
            self.later(0.0, self._start_playback, pb)
        return pb

    def _start_playback(self, pb: Playback) -> None:
        if pb.state != "queued":
            return
        pb.state = "playing"
        self.playbacks[pb.id] = pb
        self._media_event(pb.target_uri, {"type": "PlaybackStarted", "playback": pb.to_json()})
        self._run_media(pb)

    def _run_media(self, pb: Playback) -> None:
        kind, _, target = pb.target_uri.partition(":")
        scheme = pb.media_uri.partition(":")[0]
        bridge = self.bridges.get(target) if kind == "bridge" else None
        if bridge is not None and bridge.moh_class is not None:
            # "tried to be an announcer. Bridge already has one" (scenario 02).
            self.finish_playback(pb, "failed")
            return
        if scheme not in KNOWN_SCHEMES:
            # Unknown scheme: started, never finished, forgotten (scenario 05).
            self.playbacks.pop(pb.id, None) if self.playbacks.get(pb.id) is pb else None
            self._next_playback(pb)
            return
        length = media_length(pb.media_uri, self.stored_recordings)
        if length is None:
            self.finish_playback(pb, "failed")
            return
        pb.remaining, pb.started_at = length, self.now()
        pb.handle = self.later(length, self._media_done, pb)

    def _media_done(self, pb: Playback) -> None:
        if pb.state != "playing":
            return
        if pb.index + 1 < len(pb.media):
            # Continuing names the media that ended, then Started the next (15).
            pb.state = "continuing"
            self._media_event(pb.target_uri, {"type": "PlaybackContinuing",
                                              "playback": pb.to_json()})
            pb.index += 1
            pb.state = "playing"
            self._media_event(pb.target_uri, {"type": "PlaybackStarted",
                                              "playback": pb.to_json()})
            self._run_media(pb)
            return
        self.finish_playback(pb, "done")

    def finish_playback(self, pb: Playback, state: str) -> None:
        if pb.handle is not None:
            pb.handle.cancel()
        pb.state = state
        self._media_event(pb.target_uri, {"type": "PlaybackFinished", "playback": pb.to_json()})
        if self.playbacks.get(pb.id) is pb:
            del self.playbacks[pb.id]
        if pb.announcer:
            bridge = self.bridges.get(pb.target_uri.partition(":")[2])
            if bridge is not None:
                self.remove_helper(bridge, pb.announcer)
        self._next_playback(pb)

    def _next_playback(self, pb: Playback) -> None:
        queue = self.playback_queues.get(pb.target_uri, [])
        if pb in queue:
            queue.remove(pb)
        if queue:
            self.later(0.0, self._start_playback, queue[0])
        else:
            self.playback_queues.pop(pb.target_uri, None)
            for waiter in self.media_waiters.pop(pb.target_uri, []):
                if not waiter.done():
                    waiter.set_result(None)

    async def channel_commands_wait(self, channel_ids: list[str]) -> None:
        """A channel runs its Stasis commands one by one, and playing media is one of them
        (``res_stasis_playback.c`` ``play_uri``; in a bridge ``..._queue_playfile_sync``):
        moving it into or out of a bridge waits until its playbacks have ended or been
        stopped."""
        for channel_id in channel_ids:
            target = f"channel:{channel_id}"
            if self.playback_queues.get(target):
                waiter = asyncio.get_running_loop().create_future()
                self.media_waiters.setdefault(target, []).append(waiter)
                await waiter

    def get_playback(self, playback_id: str) -> Playback:
        pb = self.playbacks.get(playback_id)
        if pb is None:
            raise AriError(404, "Playback not found")
        return pb

    def stop_playback(self, pb: Playback) -> None:
        if pb.state in ("playing", "paused"):
            self.finish_playback(pb, "done")
            return
        pb.state = "canceled"
        self.playbacks.pop(pb.id, None)
        self._next_playback(pb)

    def control_playback(self, pb: Playback, operation: str) -> None:
        if operation not in ("restart", "pause", "unpause", "reverse", "forward"):
            raise AriError(400, f"Invalid operation {operation}")
        if pb.state not in ("playing", "paused"):
            raise AriError(409, "Playback not in a controllable state")
        elapsed = self.now() - pb.started_at
        if operation == "pause" and pb.state == "playing":
            pb.handle.cancel()
            pb.remaining = max(pb.remaining - elapsed, 0.0)
            pb.state = "paused"
        elif operation == "unpause" and pb.state == "paused":
            pb.state = "playing"
            self._media_event(pb.target_uri, {"type": "PlaybackStarted", "playback": pb.to_json()})
            pb.started_at = self.now()
            pb.handle = self.later(pb.remaining, self._media_done, pb)
        elif operation in ("restart", "reverse", "forward") and pb.state == "playing":
            pb.handle.cancel()
            left = max(pb.remaining - elapsed, 0.0)
            total = media_length(pb.media_uri, self.stored_recordings) or 0.0
            if operation == "restart":
                left = total
            elif operation == "reverse":
                left = min(total, left + pb.skipms / 1000.0)
            else:
                left = max(0.0, left - pb.skipms / 1000.0)
            pb.remaining, pb.started_at = left, self.now()
            pb.handle = self.later(left, self._media_done, pb)

    def stop_target_media(self, target_uri: str) -> None:
        """The target went away: running playbacks finish, queued ones vanish."""
        for pb in list(self.playback_queues.get(target_uri, [])):
            if pb.state in ("playing", "paused"):
                self.finish_playback(pb, "done")
            else:
                self.stop_playback(pb)
        for rec in list(self.live_recordings.values()):
            if rec.target_uri == target_uri:
                self.finish_recording(rec, "done")

    # ------------------------------------------------------------- recordings
    def record(self, target_uri: str, name: str, fmt: str, max_duration: float,
               if_exists: str) -> LiveRecording:
        """Start a live recording; bridge recordings add a Recorder/ARI channel."""
        if not name:
            raise AriError(400, "Recording name is required")
        if not fmt:
            raise AriError(400, "Record requires format")
        if fmt not in FORMATS:
            raise AriError(422, "specified format is unknown on this system")
        kind, _, target = target_uri.partition(":")
        bridge = self.bridges.get(target) if kind == "bridge" else None
        rec = LiveRecording(name=name, format=fmt, target_uri=target_uri)
        if bridge is not None:
            rec.recorder = f"Recorder/ARI-{self.ids.sequence()};2"
        exists = name in self.live_recordings or (
            name in self.stored_recordings and if_exists not in ("overwrite", "append"))
        if bridge is not None:
            # Asterisk builds the recorder channel before noticing a name clash.
            self.add_helper(bridge, rec.recorder)
        if exists:
            if bridge is not None:
                self.remove_helper(bridge, rec.recorder)
            raise AriError(409, f"Recording '{name}' already exists and can not be overwritten")
        self.live_recordings[name] = rec
        rec.state, rec.started_at = "recording", self.now()
        started = {"type": "RecordingStarted", "recording": rec.to_json()}
        self.later(0.0, self._media_event, target_uri, started)
        if max_duration > 0:
            rec.handle = self.later(max_duration, self.finish_recording, rec, "done",
                                    int(max_duration))
        return rec

    def finish_recording(self, rec: LiveRecording, state: str,
                         duration: int | None = None) -> None:
        if self.live_recordings.get(rec.name) is not rec:
            return
        if rec.handle is not None:
            rec.handle.cancel()
        del self.live_recordings[rec.name]
        if duration is None:
            duration = round(self.now() - rec.started_at)
        rec.state, rec.duration = state, duration
        type_ = "RecordingFinished" if state != "failed" else "RecordingFailed"
        self._media_event(rec.target_uri, {"type": type_, "recording": rec.to_json()})
        if state == "done":
            self.stored_recordings[rec.name] = {"name": rec.name, "format": rec.format,
                                                "duration": duration}
        kind, _, target = rec.target_uri.partition(":")
        bridge = self.bridges.get(target) if kind == "bridge" else None
        if bridge is not None:
            self.remove_helper(bridge, rec.recorder)

    def get_live(self, name: str) -> LiveRecording:
        rec = self.live_recordings.get(name)
        if rec is None:
            raise AriError(404, "Recording not found")
        return rec

    def get_stored(self, name: str) -> dict[str, Any]:
        rec = self.stored_recordings.get(name)
        if rec is None:
            raise AriError(404, "Recording not found")
        return rec
