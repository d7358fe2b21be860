"""What a waiting caller hears: their place in the queue, the expected wait, and 112.

The queue engine decides *when* to announce and guarantees that announced
positions never go up and the expected wait never jumps (``queues.announcements``);
this module turns one announcement into Asterisk media URIs. The default
prompts are Asterisk's own core sounds (``queue-thereare`` …); the 112 reminder
is a recording each deployment provides (see ``config/asterisk/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ari import AriClient, AriError
from contactcenter.callflow.live import LiveCall
from queues.events import Announcement


@dataclass(frozen=True)
class AnnouncementPrompts:
    """Media URIs of the announcement parts (configurable per deployment)."""

    you_are_next: str = "sound:queue-youarenext"
    there_are: str = "sound:queue-thereare"
    calls_waiting: str = "sound:queue-callswaiting"
    hold_time: str = "sound:queue-holdtime"
    minutes: str = "sound:queue-minutes"
    emergency_reminder: str = "sound:radgivning/ring-112-vid-livsfara"
    crisis_message: str = "sound:radgivning/krislage"
    call_later: str = "sound:radgivning/ring-senare"
    callback_offer: tuple[str, ...] = ("sound:radgivning/tryck-1-aterringning",)

    def media_for(self, announcement: Announcement, *, offer_callback: bool = False) -> list[str]:
        """The media to play for ``announcement`` (empty: nothing to say).

        ``offer_callback``: the caller may be called back (the announcement offers it and
        their number can be dialled): add "press 1 to be called back, you keep your place".
        """
        media: list[str] = []
        if announcement.emergency_reminder:
            media.append(self.emergency_reminder)
        if announcement.position is not None:
            if announcement.position <= 1:
                media.append(self.you_are_next)
            else:
                media += [self.there_are, f"number:{announcement.position - 1}",
                          self.calls_waiting]
        if announcement.expected_wait_seconds is not None and (announcement.position or 0) > 1:
            minutes = max(1, round(announcement.expected_wait_seconds / 60))
            media += [self.hold_time, f"number:{minutes}", self.minutes]
        if offer_callback and announcement.callback_offer:
            media += list(self.callback_offer)
        return media


async def stop_playbacks(ari: AriClient, call: LiveCall) -> None:
    """Stop what still plays to the caller (an announcement, a callback prompt) before the
    call flow moves them out of the holding bridge.

    Asterisk plays media to a channel in a bridge synchronously (``res_stasis_playback.c``
    ``play_uri``: ``ast_bridge_channel_queue_playfile_sync``) and runs the channel's later
    Stasis commands, leaving the bridge and entering another, only when it has ended: a
    nurse who answered would wait out the whole announcement, or hang up first.
    """
    for playback_id in list(call.playbacks):
        try:
            await ari.playbacks.stop(playback_id)
        except AriError:
            pass  # it ended meanwhile
