"""The console's configuration (``config/console.toml``): pause reasons, the repeat-call
window, the time window of each urgency for referral suggestions, and how long away
begins a new shift (its briefing)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "console.toml"
_KEYS = {"repeat_window_hours", "pause_reasons", "urgency_window_hours", "shift_gap_hours"}


class ConsoleConfigError(ValueError):
    """The file is wrong; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class ConsoleConfig:
    """Validated console settings."""

    pause_reasons: dict[str, str]
    urgency_windows: dict[str, timedelta]
    repeat_window: timedelta = timedelta(hours=72)
    shift_gap: timedelta = timedelta(hours=8)


def load_config(path: Path | None = None) -> ConsoleConfig:
    """Read and check ``console.toml`` (default: the repository's ``config/``)."""
    path = path or DEFAULT_PATH
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConsoleConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConsoleConfigError(f"{path}: not valid TOML: {exc}") from None
    for key in sorted(set(data) - _KEYS):
        raise ConsoleConfigError(f"{path}: {key}: unknown key (known: {sorted(_KEYS)})")
    hours = data.get("repeat_window_hours", 72)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 90:
        raise ConsoleConfigError(f"{path}: repeat_window_hours: must be a number of hours "
                                 f"above 0 and at most 2160, not {hours!r}")
    gap = data.get("shift_gap_hours", 8)
    if isinstance(gap, bool) or not isinstance(gap, int | float) or not 0 < gap <= 72:
        raise ConsoleConfigError(f"{path}: shift_gap_hours: must be a number of hours "
                                 f"above 0 and at most 72, not {gap!r}")
    reasons = data.get("pause_reasons", {})
    if not isinstance(reasons, dict) or not reasons:
        raise ConsoleConfigError(f"{path}: pause_reasons: must be a table of code = label")
    for code, label in reasons.items():
        if not isinstance(label, str) or not label.strip():
            raise ConsoleConfigError(f"{path}: pause_reasons.{code}: must be a Swedish label")
    windows = data.get("urgency_window_hours", {})
    if not isinstance(windows, dict):
        raise ConsoleConfigError(f"{path}: urgency_window_hours: must be a table of "
                                 "urgency = hours")
    for code, value in windows.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConsoleConfigError(f"{path}: urgency_window_hours.{code}: must be a number "
                                     f"of hours, 0 or more, not {value!r}")
    return ConsoleConfig(pause_reasons=dict(reasons),
                         urgency_windows={k: timedelta(hours=v) for k, v in windows.items()},
                         repeat_window=timedelta(hours=hours), shift_gap=timedelta(hours=gap))
