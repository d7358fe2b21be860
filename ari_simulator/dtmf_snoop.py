"""DTMF, Snoop channels and PJSIP endpoint channels (mixed into ``Switch``)."""
from __future__ import annotations

import uuid
from typing import Any

from .base import AriError, SwitchBase, parse_caller_id
from .model import Channel

DTMF_DIGITS = set("0123456789*#abcdABCD")


class DtmfSnoopOps(SwitchBase):
    """DTMF crossing channels, snoop channels, channels towards PJSIP endpoints."""

    def send_dtmf(self, ch: Channel, digits: str, before: int, between: int,
                  duration: int, after: int) -> None:
        """Digits sent on ``ch`` arrive at the other end (the Local peer)."""
        target = ch.peer if ch.is_local else None
        at = before / 1000.0
        for digit in digits:
            if digit in ",":
                at += 0.5
                continue
            if digit not in DTMF_DIGITS:
                continue  # "Illegal DTMF character" (main/app.c): logged, not sent
            at += duration / 1000.0
            if target is not None:
                self.later(at, self.dtmf_received, target, digit, duration)
            elif ch.remote is not None:
                self.later(at, ch.remote.on_dtmf, digit)
            at += between / 1000.0

    def dtmf_received(self, ch: Channel, digit: str, duration: int) -> None:
        """``ch`` receives a DTMF digit (ChannelDtmfReceived)."""
        if not ch.gone:
            self.chan_event(ch, "ChannelDtmfReceived", digit=digit, duration_ms=duration)
            if ch.remote is not None:
                ch.remote.on_dtmf_received(digit)

    # ------------------------------------------------------------------- snoop
    def snoop(self, ch: Channel, spy: str, whisper: str, app: str | None, args: list[str],
              snoop_id: str | None) -> Channel:
        """Create a Snoop channel on ``ch``; its StasisStart precedes the HTTP reply."""
        if spy not in ("none", "both", "out", "in"):
            raise AriError(400, "Invalid direction specified for spy")
        if whisper not in ("none", "both", "out", "in"):
            raise AriError(400, "Invalid direction specified for whisper")
        if not app:
            raise AriError(400, "Application name is required")
        if snoop_id and snoop_id in self.channels:
            raise AriError(500, "Snoop channel could not be created")
        name = f"Snoop/{ch.id}-{self.snoop_count:08x}"
        self.snoop_count += 1
        snoop = self.new_channel(snoop_id or f"{self.ids.unique_id()}", name=name, tech="Snoop",
                                  state="Up", context="default", exten="s")
        snoop.snoop_target = ch.id
        snoop.snoop_spy, snoop.snoop_whisper = spy, whisper
        if ch.bridge_id:
            self.update_bridgepeers(self.bridges[ch.bridge_id])
        if not self.enter_stasis(snoop, app, args):
            self.destroy(snoop, 0, silent=True)
            raise AriError(500, "Snoop channel could not be created")
        return snoop

    def new_endpoint_channel(self, endpoint: str, channel_id: str | None,
                             caller: str, **kw: Any) -> Channel:
        """A PJSIP channel towards ``endpoint`` (``PJSIP/name``)."""
        info = self.endpoints[endpoint]
        name, number = parse_caller_id(caller) if caller else ("", "")
        ch = self.new_channel(channel_id, name=f"{endpoint}-{self.ids.sequence()}",
                               tech="PJSIP", state="Down", protocol_id=str(uuid.uuid4()),
                               caller_name=name, caller_number=number,
                               context=info["context"], exten="s", endpoint=endpoint, **kw)
        return ch

