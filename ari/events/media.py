"""Playback and recording events, ordered by the channel or bridge in their ``target_uri``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ari.events.base import AriEvent, header
from ari.models import LiveRecording, Playback, target_id


@dataclass(frozen=True, slots=True)
class _PlaybackEvent(AriEvent):
    playback: Playback

    @property
    def ordering_key(self) -> str:
        return target_id(self.playback.target_uri)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _PlaybackEvent:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, Playback.from_json(d["playback"]))


@dataclass(frozen=True, slots=True)
class PlaybackStarted(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class PlaybackContinuing(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class PlaybackFinished(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class _RecordingEvent(AriEvent):
    recording: LiveRecording

    @property
    def ordering_key(self) -> str:
        return target_id(self.recording.target_uri)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _RecordingEvent:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, LiveRecording.from_json(d["recording"]))


@dataclass(frozen=True, slots=True)
class RecordingStarted(_RecordingEvent):
    pass


@dataclass(frozen=True, slots=True)
class RecordingFinished(_RecordingEvent):
    pass


@dataclass(frozen=True, slots=True)
class RecordingFailed(_RecordingEvent):
    pass
