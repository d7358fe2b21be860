"""Loading and validating guideline content (riktlinjeinnehåll) from TOML files.

Layout of a content directory::

    content_set.toml                  manifest: id, name, publisher, licence, sample, notice
    <guideline id>.toml               one file per guideline
    regional/<region code>/<id>.toml  regional overlays: notes and local referral overrides

Validation collects every problem instead of stopping at the first one; each
:class:`ContentProblem` names the file, the field path (``levels[2].criteria[0].sex``)
and what is wrong, in words an editor can act on. :func:`check_content` is the
entry point a ``radgivning guidelines check`` command calls; :func:`load_library`
raises :class:`~decision_support.errors.ContentError` holding all problems.
The field-by-field parsing lives in :mod:`decision_support.schema`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from decision_support.configuration import parse_config
from decision_support.errors import ContentError, UnknownGuideline
from decision_support.model import (
    ContentSet,
    DecisionSupportConfig,
    Guideline,
    RegionalOverlay,
)
from decision_support.schema import (
    ContentProblem,
    Problems,
    parse_guideline,
    parse_manifest,
    parse_overlay,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_CONTENT_DIR",
    "ContentProblem",
    "GuidelineLibrary",
    "apply_overlay",
    "check_content",
    "load_config",
    "load_library",
]

_ROOT = Path(__file__).resolve().parents[1]
#: The shipped configuration of urgency levels, care types and deviation reasons.
DEFAULT_CONFIG_PATH = _ROOT / "config" / "decision_support.toml"
#: The shipped (sample) guideline library.
DEFAULT_CONTENT_DIR = _ROOT / "config" / "guidelines"
MANIFEST_NAME = "content_set.toml"
REGIONAL_DIR = "regional"


@dataclass(frozen=True)
class GuidelineLibrary:
    """A loaded content set: its manifest, the national guidelines and regional overlays."""

    content_set: ContentSet
    guidelines: tuple[Guideline, ...]
    overlays: Mapping[str, Mapping[str, RegionalOverlay]] = field(default_factory=dict)

    def get(self, guideline_id: str, *, region: str | None = None) -> Guideline:
        """The guideline with this id, with ``region``'s overlay applied if it has one."""
        for g in self.guidelines:
            if g.id == guideline_id:
                overlay = self.overlays.get(region or "", {}).get(guideline_id)
                return apply_overlay(g, overlay) if overlay else g
        raise UnknownGuideline(guideline_id)

    def for_region(self, region: str | None) -> tuple[Guideline, ...]:
        """All guidelines as seen from ``region`` (overlays applied; national if ``None``)."""
        overlays = self.overlays.get(region or "", {})
        return tuple(
            apply_overlay(g, overlays[g.id]) if g.id in overlays else g for g in self.guidelines
        )


def apply_overlay(guideline: Guideline, overlay: RegionalOverlay) -> Guideline:
    """The guideline with a region's notes added and its care-type overrides applied.

    The national text is untouched; only the recommended care types of the
    overridden urgency levels change, and the result records which ones.
    """
    levels = tuple(
        replace(b, care_types=tuple(overlay.care_overrides[b.urgency]))
        if b.urgency in overlay.care_overrides
        else b
        for b in guideline.levels
    )
    return replace(
        guideline,
        levels=levels,
        region=overlay.region,
        regional_notes=guideline.regional_notes + tuple(overlay.notes),
        overridden_urgencies=tuple(sorted(overlay.care_overrides)),
    )


def _read_toml(path: Path, problems: Problems) -> dict[str, Any] | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(path, "", f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # An editor saving as Latin-1 is the usual cause; name the line so it can be found.
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(path, "", f"line {line}: is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                     "save the file as UTF-8")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add(path, "", f"is not valid TOML: {exc}")
    return None


def load_config(path: Path | str = DEFAULT_CONFIG_PATH) -> DecisionSupportConfig:
    """Load urgency levels, care types and deviation reasons; raise ContentError on problems."""
    problems = Problems()
    config = _load_config(Path(path), problems)
    if problems or config is None:
        raise ContentError(problems.items)
    return config


def _load_config(path: Path, problems: Problems) -> DecisionSupportConfig | None:
    data = _read_toml(path, problems)
    return None if data is None else parse_config(data, path, problems)


def _guideline_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.toml") if p.name != MANIFEST_NAME)


def _overlay_files(directory: Path) -> list[Path]:
    return sorted((directory / REGIONAL_DIR).glob("*/*.toml"))


def _load(
    directory: Path, config: DecisionSupportConfig, problems: Problems
) -> GuidelineLibrary | None:
    manifest_path = directory / MANIFEST_NAME
    if not directory.is_dir():
        problems.add(directory, "", "is not a directory")
        return None
    content_set: ContentSet | None = None
    if manifest_path.exists():
        data = _read_toml(manifest_path, problems)
        if data is not None:
            content_set = parse_manifest(data, manifest_path, problems)
    else:
        problems.add(manifest_path, "", "is missing: every content directory needs a manifest")
    guidelines: list[Guideline] = []
    seen: dict[str, Path] = {}
    for path in _guideline_files(directory):
        data = _read_toml(path, problems)
        if data is None:
            continue
        g = parse_guideline(data, path, config, content_set, problems)
        if g is None:
            continue
        if g.id in seen:
            problems.add(path, "id", f"{g.id!r} is already used by {seen[g.id].name}")
            continue
        seen[g.id] = path
        guidelines.append(g)
    by_id = {g.id: g for g in guidelines}
    overlays: dict[str, dict[str, RegionalOverlay]] = {}
    for path in _overlay_files(directory):
        data = _read_toml(path, problems)
        if data is None:
            continue
        overlay = parse_overlay(data, path, config, by_id, problems)
        if overlay is not None:
            overlays.setdefault(overlay.region, {})[overlay.guideline_id] = overlay
    if content_set is None:
        return None
    return GuidelineLibrary(content_set, tuple(guidelines), overlays)


def load_library(
    directory: Path | str = DEFAULT_CONTENT_DIR,
    config: DecisionSupportConfig | None = None,
) -> GuidelineLibrary:
    """Load and validate a content directory; raise ContentError listing every problem.

    A licensed content set loads exactly like the sample library: point this at
    its directory (with its own ``content_set.toml``).
    """
    config = config if config is not None else load_config()
    problems = Problems()
    library = _load(Path(directory), config, problems)
    if problems or library is None:
        raise ContentError(problems.items)
    return library


def check_content(
    path: Path | str = DEFAULT_CONTENT_DIR, config_path: Path | str | None = None
) -> list[ContentProblem]:
    """Validate a content directory (or a single guideline file) and return every problem.

    An empty list means the content is valid. ``config_path`` defaults to the
    shipped ``config/decision_support.toml``. Problems are sorted by file.
    """
    problems = Problems()
    config = _load_config(Path(config_path or DEFAULT_CONFIG_PATH), problems)
    if config is None or problems:
        return list(problems.items)  # content checked against a broken config only cascades
    target = Path(path)
    if target.is_file():
        manifest_path = target.parent / MANIFEST_NAME
        content_set = None
        if manifest_path.exists():
            data = _read_toml(manifest_path, problems)
            content_set = parse_manifest(data, manifest_path, problems) if data else None
        data = _read_toml(target, problems)
        if data is not None:
            parse_guideline(data, target, config, content_set, problems)
    else:
        _load(target, config, problems)
    return sorted(problems.items, key=lambda p: (p.file, p.field))


def summarise(problems: Iterable[ContentProblem]) -> str:
    """One line per problem, for a CLI to print."""
    return "\n".join(str(p) for p in problems)
