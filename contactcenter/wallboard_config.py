"""``wallboard.toml``: the thresholds that turn a wallboard figure amber and red, per region.

Validated at start like every configuration file: each problem names the file,
the key and what is wrong, and the start stops (:class:`WallboardConfigError`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["HIGHER_IS_WORSE", "LOWER_IS_WORSE", "Thresholds", "WallboardConfig",
           "WallboardConfigError", "load_wallboard_config", "wallboard_config"]

HIGHER_IS_WORSE = ("waiting", "longest_wait_seconds", "predicted_wait_seconds",
                   "callbacks_pending")
LOWER_IS_WORSE = ("service_level", "service_level_2")
_DEFAULTS: dict[str, tuple[float, float]] = {
    "waiting": (5, 15), "longest_wait_seconds": (300, 900),
    "predicted_wait_seconds": (300, 900), "callbacks_pending": (10, 30),
    "service_level": (0.8, 0.6), "service_level_2": (0.7, 0.5)}

Thresholds = Mapping[str, tuple[float, float]]
"""Figure name → (amber, red)."""


class WallboardConfigError(Exception):
    """``wallboard.toml`` is invalid; ``problems`` lists each ``file: key: problem``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class WallboardConfig:
    """The default thresholds and each region's own (only the figures it overrides)."""

    defaults: Thresholds = field(default_factory=lambda: dict(_DEFAULTS))
    regions: Mapping[str, Thresholds] = field(default_factory=dict)

    def for_queue(self, queue_id: str) -> dict[str, tuple[float, float]]:
        """The thresholds of one queue row (a region's own over the defaults)."""
        return {**self.defaults, **self.regions.get(queue_id, {})}

    def level(self, queue_id: str, name: str, value: float | None) -> str:
        """``ok``, ``amber`` or ``red`` for figure ``name`` of a queue (``ok`` if unknown)."""
        limits = self.for_queue(queue_id).get(name)
        if value is None or limits is None:
            return "ok"
        amber, red = limits
        if name in LOWER_IS_WORSE:
            return "red" if value < red else "amber" if value < amber else "ok"
        return "red" if value >= red else "amber" if value >= amber else "ok"


def wallboard_config(config_dir: Path, regions: Collection[str]) -> WallboardConfig:
    """``wallboard.toml`` of the configuration folder (the defaults when there is none)."""
    return load_wallboard_config(Path(config_dir) / "wallboard.toml", regions)


def load_wallboard_config(path: Path | None, regions: Collection[str]) -> WallboardConfig:
    """Read ``path`` (``None`` or missing: the defaults); every problem is listed at once."""
    if path is None or not path.exists():
        return WallboardConfig()
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WallboardConfigError([f"{name}: not valid TOML: {exc}"]) from None
    problems: list[str] = []
    for key in data:
        if key not in ("thresholds", "regions"):
            problems.append(f"{name}: {key}: unknown key (allowed: thresholds, regions)")
    defaults = {**_DEFAULTS, **_thresholds(data.get("thresholds", {}), f"{name}: thresholds",
                                          problems)}
    own: dict[str, Thresholds] = {}
    raw_regions = data.get("regions", {})
    if not isinstance(raw_regions, dict):
        problems.append(f"{name}: regions: expected a table of regions")
        raw_regions = {}
    for code, raw in raw_regions.items():
        where = f"{name}: regions.{code}"
        if code not in regions:
            problems.append(f"{where}: not a region code of regions.toml")
            continue
        if not isinstance(raw, dict) or set(raw) - {"thresholds"}:
            problems.append(f"{where}: expected only a thresholds table")
            continue
        own[code] = _thresholds(raw.get("thresholds", {}), f"{where}.thresholds", problems)
    if problems:
        raise WallboardConfigError(problems)
    return WallboardConfig(defaults=defaults, regions=own)


def _thresholds(raw: Any, where: str, problems: list[str]) -> dict[str, tuple[float, float]]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a table")
        return {}
    out: dict[str, tuple[float, float]] = {}
    for figure, limits in raw.items():
        key = f"{where}.{figure}"
        if figure not in _DEFAULTS:
            problems.append(f"{key}: unknown figure (allowed: {', '.join(_DEFAULTS)})")
            continue
        pair = _pair(limits, key, problems)
        if pair is None:
            continue
        amber, red = pair
        if figure in LOWER_IS_WORSE and not (0 <= red <= amber <= 1):
            problems.append(f"{key}: needs 0 <= red <= amber <= 1 (lower is worse)")
        elif figure in HIGHER_IS_WORSE and not (0 <= amber <= red):
            problems.append(f"{key}: needs 0 <= amber <= red (higher is worse)")
        else:
            out[figure] = pair
    return out


def _pair(limits: Any, key: str, problems: list[str]) -> tuple[float, float] | None:
    if not isinstance(limits, dict) or set(limits) != {"amber", "red"}:
        problems.append(f"{key}: expected {{ amber = …, red = … }}")
        return None
    values = [limits["amber"], limits["red"]]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        problems.append(f"{key}: amber and red must be numbers")
        return None
    return float(values[0]), float(values[1])
