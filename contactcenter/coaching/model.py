"""Coaching sessions and the listen log (pure: no I/O, no clock reads)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class CoachingMode(StrEnum):
    """How the coach takes part (medlyssning, viskning, inbrytning)."""

    LISTEN = "listen"  #: hears nurse and caller; nobody hears the coach
    WHISPER = "whisper"  #: hears both; only the nurse hears the coach
    BARGE = "barge"  #: joins the conversation: everyone hears everyone


class LogAction(StrEnum):
    """What a row of the listen log records."""

    STARTED = "started"
    MODE_CHANGED = "mode_changed"
    ENDED = "ended"


@dataclass(frozen=True)
class CoachingSession:
    """One coach on one nurse's call (pågående samtalshandledning)."""

    session_id: str
    call_id: str
    nurse_id: str
    nurse_username: str | None
    nurse_name: str
    region: str
    """The nurse's region: who may coach is decided by it."""
    coach_username: str
    coach_name: str
    mode: CoachingMode
    why: str
    started_at: datetime

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["mode"] = self.mode.value
        out["started_at"] = self.started_at.isoformat()
        return out


@dataclass(frozen=True)
class LogRow:
    """A row of the listen log (who, when, which call, the mode, why; append-only)."""

    session_id: str
    call_id: str
    nurse_id: str
    region: str
    coach_username: str
    coach_name: str
    action: LogAction
    mode: CoachingMode
    why: str
    reason: str | None
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(action=self.action.value, mode=self.mode.value, at=self.at.isoformat())
        return out


@dataclass(frozen=True)
class CoachingNote:
    """What a coach wrote to the nurse about one call, read by her afterwards."""

    note_id: int
    call_id: str
    nurse_id: str
    nurse_username: str | None
    region: str
    coach_username: str
    coach_name: str
    text: str
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


def log_row(session: CoachingSession, action: LogAction, at: datetime, *,
            mode: CoachingMode | None = None, reason: str | None = None) -> LogRow:
    """The log row of ``action`` on ``session``."""
    return LogRow(session.session_id, session.call_id, session.nurse_id, session.region,
                  session.coach_username, session.coach_name, action, mode or session.mode,
                  session.why, reason, at)
