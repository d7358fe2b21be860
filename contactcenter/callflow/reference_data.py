"""Reading the region reference data: ``municipalities.csv`` and ``area_codes.tsv``.

Both files are checked line by line when they are read (at start-up, through
:func:`contactcenter.settings.load_settings`): the header, the number of
columns, the form of every code and the UTF-8 encoding. Every problem is
collected in one :class:`ReferenceDataError`, each naming the file, the line
and what is wrong, the way the settings report theirs. A file that is wrong
would otherwise send calls to the wrong region's queue, or stop the service
with a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

MUNICIPALITIES = "municipalities.csv"
AREA_CODES = "area_codes.tsv"
MUNICIPALITY_COLUMNS = ("kommunkod", "kommun", "lanskod")
AREA_CODE_COLUMNS = ("riktnummer", "ort(libphonenumber)", "kommunkod", "lanskod", "lan")
MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
_COUNTY_RE = re.compile(r"[0-9]{2}")
AREA_CODE = re.compile(r"0[1-9][0-9]{0,2}")


class ReferenceDataError(ValueError):
    """A reference data file is wrong; ``problems`` lists every ``file: line N: problem``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Municipality:
    """One SCB municipality (kommun) and its county (län)."""

    code: str
    name: str
    county: str


@dataclass(frozen=True, slots=True)
class AreaCode:
    """One Swedish fixed-line area code and the county it hints at (``None``: no hint)."""

    prefix: str
    place: str
    municipality: str | None
    county: str | None


def read_municipalities(path: str | Path) -> list[Municipality]:
    """``municipalities.csv``: kommunkod, kommun, lanskod; raises :class:`ReferenceDataError`."""
    problems: list[str] = []
    out: list[Municipality] = []
    seen: dict[str, int] = {}
    for line, cells, bad in _rows(Path(path), ",", MUNICIPALITY_COLUMNS, problems):
        code, name, county = cells
        if not MUNICIPALITY_CODE.fullmatch(code):
            bad(f"kommunkod {code!r} is not four digits")
        elif county != code[:2]:
            bad(f"lanskod {county!r} must be the first two digits of kommunkod {code}")
        elif not name:
            bad("kommun (the name) is empty")
        elif code in seen:
            bad(f"kommunkod {code} already on line {seen[code]}")
        else:
            seen[code] = line
            out.append(Municipality(code, name, county))
    if problems:
        raise ReferenceDataError(problems)
    return out


def read_area_codes(path: str | Path) -> list[AreaCode]:
    """``area_codes.tsv``: riktnummer, place, kommunkod, lanskod, county name.

    Rows without a municipality and county are kept (the area code is known but
    hints at no county). Raises :class:`ReferenceDataError`.
    """
    problems: list[str] = []
    out: list[AreaCode] = []
    for _line, cells, bad in _rows(Path(path), "\t", AREA_CODE_COLUMNS, problems):
        prefix, place, municipality, county, _county_name = cells
        if not AREA_CODE.fullmatch(prefix):
            bad(f"riktnummer {prefix!r} is not 0 and 1-3 digits")
        elif not place:
            bad("the place name is empty")
        elif municipality and not MUNICIPALITY_CODE.fullmatch(municipality):
            bad(f"kommunkod {municipality!r} is not four digits")
        elif county and not _COUNTY_RE.fullmatch(county):
            bad(f"lanskod {county!r} is not two digits")
        else:
            out.append(AreaCode(prefix, place, municipality or None, county or None))
    if problems:
        raise ReferenceDataError(problems)
    return out


def _rows(path: Path, delimiter: str, columns: tuple[str, ...], problems: list[str]):
    """``(line, cells, bad)`` for each data line of a well-formed file; ``bad(problem)``
    records a problem of that line. Header, column count and encoding are checked here."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{name}: cannot be read from {path.parent}: {exc.strerror or exc}")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(f"{name}: line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x})")
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        problems.append(f"{name}: line 1: not readable: {exc}")
        return
    if tuple(c.strip() for c in header) != columns:
        problems.append(f"{name}: line 1: the header must be {delimiter.join(columns)!r}")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(f"{name}: line {reader.line_num}: not readable: {exc}")
            continue
        line = reader.line_num

        def bad(problem: str, line: int = line) -> None:
            problems.append(f"{name}: line {line}: {problem}")

        if not any(c.strip() for c in row):
            continue  # blank line
        if len(row) != len(columns):
            bad(f"expected {len(columns)} columns ({delimiter.join(columns)!r}), got {len(row)}")
            continue
        yield line, [c.strip() for c in row], bad


def load_reference_data(config_dir: str | Path) -> tuple[list[Municipality], list[AreaCode]]:
    """Both files of a configuration folder; raises :class:`ReferenceDataError` with every
    problem of each file, by line. Whether the files agree (an area code's municipality
    exists and lies in its county) is checked by the region resolver built from them."""
    base = Path(config_dir)
    problems: list[str] = []
    municipalities: list[Municipality] = []
    area_codes: list[AreaCode] = []
    try:
        municipalities = read_municipalities(base / MUNICIPALITIES)
    except ReferenceDataError as exc:
        problems.extend(exc.problems)
    try:
        area_codes = read_area_codes(base / AREA_CODES)
    except ReferenceDataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ReferenceDataError(problems)
    return municipalities, area_codes
