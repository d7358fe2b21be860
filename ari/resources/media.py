"""``/playbacks`` and ``/recordings``: media played or recorded on a channel or bridge."""

from __future__ import annotations

import builtins

from ari.models import LiveRecording, Playback, StoredRecording
from ari.resources.base import Resource, many, one, query, seg


class Playbacks(Resource):
    __slots__ = ()

    async def get(self, playback_id: str) -> Playback:
        """``GET /playbacks/{id}`` (404 once finished)."""
        return one(Playback.from_json,
                   await self._c.request("GET", f"/playbacks/{seg(playback_id)}"))

    async def stop(self, playback_id: str) -> None:
        """``DELETE /playbacks/{id}`` (then PlaybackFinished with state ``done``)."""
        await self._c.request("DELETE", f"/playbacks/{seg(playback_id)}")

    async def control(self, playback_id: str, operation: str) -> None:
        """``POST /playbacks/{id}/control`` (restart, pause, unpause, reverse, forward)."""
        await self._c.request("POST", f"/playbacks/{seg(playback_id)}/control",
                              query(operation=operation))


class Recordings(Resource):
    __slots__ = ()

    async def get_live(self, name: str) -> LiveRecording:
        """``GET /recordings/live/{name}``."""
        return one(LiveRecording.from_json,
                   await self._c.request("GET", f"/recordings/live/{seg(name)}"))

    async def stop_live(self, name: str) -> None:
        """``POST /recordings/live/{name}/stop`` (keeps the file)."""
        await self._c.request("POST", f"/recordings/live/{seg(name)}/stop")

    async def cancel_live(self, name: str) -> None:
        """``DELETE /recordings/live/{name}`` (discards the file)."""
        await self._c.request("DELETE", f"/recordings/live/{seg(name)}")

    async def list_stored(self) -> builtins.list[StoredRecording]:
        """``GET /recordings/stored``."""
        return many(await self._c.request("GET", "/recordings/stored"), StoredRecording.from_json)

    async def get_stored(self, name: str) -> StoredRecording:
        """``GET /recordings/stored/{name}``."""
        return one(StoredRecording.from_json, await self._c.request(
            "GET", f"/recordings/stored/{seg(name)}"))

    async def delete_stored(self, name: str) -> None:
        """``DELETE /recordings/stored/{name}``."""
        await self._c.request("DELETE", f"/recordings/stored/{seg(name)}")

    async def copy_stored(self, name: str, destination: str) -> StoredRecording:
        """``POST /recordings/stored/{name}/copy?destinationRecordingName=...``."""
        return one(StoredRecording.from_json, await self._c.request(
            "POST", f"/recordings/stored/{seg(name)}/copy",
            query(destinationRecordingName=destination)))
